"""Rows waiting to be written, by table; writing them in foreign-key order; the run's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from justice_desk.storage import demo_queries
from justice_desk.storage.models import (
    Activity,
    AgendaItem,
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    CaseSession,
    CommitteePositionRow,
    CommitteeTerm,
    ComplianceCheck,
    Instalment,
    Mediator,
    Meeting,
    MeetingAttendance,
    Membership,
    MinutesVersion,
    Person,
    Settlement,
    Syncable,
    Training,
)

#: Rows made but not yet written: one list of column dicts per ORM class.
Batch = dict[type[Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind one run added."""

    people: int = 0
    memberships: int = 0
    trainings: int = 0
    committee_terms: int = 0
    committee_positions: int = 0
    mediators: int = 0
    meetings: int = 0
    meeting_attendance: int = 0
    agenda_items: int = 0
    minutes_versions: int = 0
    cases: int = 0
    case_parties: int = 0
    case_mediators: int = 0
    case_sessions: int = 0
    case_events: int = 0
    settlements: int = 0
    instalments: int = 0
    compliance_checks: int = 0
    activities: int = 0

    @property
    def total_rows(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    @classmethod
    def of(cls, counts: Counter[str]) -> DemoSummary:
        return cls(**{f.name: counts[f.name] for f in fields(cls)})


#: The summary's field for each table the demo fills.
SUMMARY_FIELD: dict[type[Syncable], str] = {
    Person: "people",
    Membership: "memberships",
    Training: "trainings",
    CommitteeTerm: "committee_terms",
    CommitteePositionRow: "committee_positions",
    Mediator: "mediators",
    Meeting: "meetings",
    MeetingAttendance: "meeting_attendance",
    AgendaItem: "agenda_items",
    MinutesVersion: "minutes_versions",
    Case: "cases",
    CaseParty: "case_parties",
    CaseMediator: "case_mediators",
    CaseSession: "case_sessions",
    CaseEvent: "case_events",
    Settlement: "settlements",
    Instalment: "instalments",
    ComplianceCheck: "compliance_checks",
    Activity: "activities",
}

# Insert order: parents before children (foreign keys are checked at commit, but the change log
# then lists rows in an order a province can apply one by one).
_ORDER = tuple(SUMMARY_FIELD)


def new_batch() -> Batch:
    return {model: [] for model in SUMMARY_FIELD}


def write(writer: demo_queries.BulkWriter, batch: Batch, counts: Counter[str]) -> None:
    """Insert a batch, parents first, and add what was written to ``counts``."""
    for model in _ORDER:
        rows = batch.get(model)
        if rows:
            writer.insert(model, rows)
            counts[SUMMARY_FIELD[model]] += len(rows)
