"""The province's summary tables (models ``Summary*``, migration 0017, docs/architecture.md §21):
per center and calendar month, the dashboard's figures that are sums over records -- cases
received by kind and channel, outcomes by kind and status with the days to them, meetings held,
without a quorum and with minutes not adopted, activities and their participants by sex; per
center and day, the cases a legal deadline is counted from (a period's deadlines are ranges of
days shifted by 60 days, 1 or 3 years); per center, its members and trained members.

**How they stay right.** :func:`refresh` recounts every month of the given centers from their
records, with the dashboard's own selections (``storage/dashboard_queries.py``), and replaces
their rows -- in the caller's transaction, so the summaries and the records commit together or
not at all. Every write that changes a center's records at the province calls it: a bundle's
import (``services/sync/importer.py``, once its rows are applied), an officer's decision taking
the center's version of a record (``storage/sync_decisions.adopt_center_version``) and the
demo's direct path (``services/demo/province.py``). A recount, not deltas: nothing depends on
knowing what a record was before a bundle changed it (a case whose outcome or date moved), and
a center is a few thousand records (tens of milliseconds).

**How they are read** (``dashboard_queries``, province databases only): a period's whole
months from here, its partial months at either end from the records. "Last outcome in the
period" is not a sum of months for a case with outcome events in two months (the later one
wins), so such cases are listed in ``summary_outcome_spans`` and always ranked from their
events; ``summary_outcomes`` holds only cases whose outcome events share one month.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, delete, func, insert, literal, select

from justice_desk.domain.deadlines import DeadlineKind
from justice_desk.storage import dashboard_queries as q
from justice_desk.storage.models import (
    SUMMARY_MODELS,
    Activity,
    Case,
    CaseEvent,
    Meeting,
    Person,
    Setting,
    SummaryDeadline,
    SummaryMonth,
    SummaryOutcome,
    SummaryOutcomeSpan,
    SummaryPeople,
    SummaryReceived,
)

#: Every day a record can have: a recount covers all of a center's months.
_FIRST, _LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def refresh(conn: Connection, owners: Iterable[uuid.UUID]) -> None:
    """Recount the summary rows of ``owners`` (centers) from their records, in ``conn``'s
    transaction."""
    for owner in dict.fromkeys(owners):
        _refresh_one(conn, owner)


def refresh_all(conn: Connection) -> None:
    """Recount every center's summary rows (the migration that adds the tables; a repair)."""
    for model in SUMMARY_MODELS:
        conn.execute(delete(model))
    owners: set[uuid.UUID] = set()
    for model in (Case, CaseEvent, Meeting, Activity, Person):
        owners.update(conn.execute(select(model.owner_id).distinct()).scalars())
    site = conn.execute(select(Setting.value).where(Setting.key == "site_id")).scalar()
    own = uuid.UUID(site) if site else None
    refresh(conn, sorted(o for o in owners if o is not None and o != own))


def _refresh_one(conn: Connection, owner: uuid.UUID) -> None:
    for model in SUMMARY_MODELS:
        conn.execute(delete(model).where(model.owner_id == owner))  # type: ignore[attr-defined]

    received = q.received_selection(_FIRST, _LAST, owner).subquery()
    month = q.month_of(received.c.on)
    conn.execute(
        insert(SummaryReceived).from_select(
            ["month", "owner_id", "kind", "channel", "cases"],
            select(
                month, received.c.owner_id, received.c.detail, received.c.channel, func.count()
            ).group_by(month, received.c.owner_id, received.c.detail, received.c.channel),
        )
    )

    # Cases whose live outcome events fall in more than one month.
    events = (
        select(CaseEvent.case_id, q.month_of(CaseEvent.occurred_on).label("month"))
        .where(
            CaseEvent.deleted_at.is_(None),
            CaseEvent.owner_id == owner,
            CaseEvent.to_status.in_(q.OUTCOME_STATUSES),
        )
        .subquery()
    )
    conn.execute(
        insert(SummaryOutcomeSpan).from_select(
            ["case_id", "owner_id"],
            select(events.c.case_id, literal(owner, SummaryOutcomeSpan.owner_id.type))
            .group_by(events.c.case_id)
            .having(func.min(events.c.month) != func.max(events.c.month)),
        )
    )
    spans = select(SummaryOutcomeSpan.case_id).where(SummaryOutcomeSpan.owner_id == owner)
    outcomes = (
        q.outcome_selection(conn, _FIRST, _LAST, owner).where(Case.id.not_in(spans)).subquery()
    )
    month = q.month_of(outcomes.c.on)
    conn.execute(
        insert(SummaryOutcome).from_select(
            ["month", "owner_id", "kind", "status", "days", "cases"],
            select(
                month,
                outcomes.c.owner_id,
                outcomes.c.detail,
                outcomes.c.state,
                outcomes.c.days,
                func.count(),
            ).group_by(
                month, outcomes.c.owner_id, outcomes.c.detail, outcomes.c.state, outcomes.c.days
            ),
        )
    )

    rows: dict[int, dict[str, int]] = {}
    for which, column in (
        ("held", "meetings_held"),
        ("quorum_failed", "quorum_failures"),
        ("not_adopted", "minutes_not_adopted"),
    ):
        sub = q.meeting_selection(_FIRST, _LAST, owner, which).subquery()
        m = q.month_of(sub.c.on)
        for key, n in conn.execute(select(m, func.count()).group_by(m)).all():
            rows.setdefault(int(key), {})[column] = int(n)
    sub = q.activity_selection(_FIRST, _LAST, owner).subquery()
    m = q.month_of(sub.c.on)
    for key, n, male, female, unspecified in conn.execute(
        select(
            m,
            func.count(),
            func.coalesce(func.sum(sub.c.male), 0),
            func.coalesce(func.sum(sub.c.female), 0),
            func.coalesce(func.sum(sub.c.unspecified), 0),
        ).group_by(m)
    ).all():
        rows.setdefault(int(key), {}).update(
            activities=int(n),
            participants_male=int(male),
            participants_female=int(female),
            participants_unspecified=int(unspecified),
        )
    if rows:
        columns = [
            c for c in SummaryMonth.__table__.columns.keys() if c not in ("month", "owner_id")
        ]
        conn.execute(
            insert(SummaryMonth),
            [
                {"month": key, "owner_id": owner, **{c: values.get(c, 0) for c in columns}}
                for key, values in sorted(rows.items())
            ],
        )

    for kind in DeadlineKind:
        sub = q.deadline_selection(kind, _FIRST, _LAST, owner).subquery()
        conn.execute(
            insert(SummaryDeadline).from_select(
                ["kind", "day", "owner_id", "cases"],
                select(
                    literal(kind.value, SummaryDeadline.kind.type),
                    sub.c.on,
                    sub.c.owner_id,
                    func.count(),
                ).group_by(sub.c.on, sub.c.owner_id),
            )
        )

    members = q.member_counts(conn, owner).get(owner, 0)
    trained = q.member_counts(conn, owner, trained=True).get(owner, 0)
    if members or trained:
        conn.execute(
            insert(SummaryPeople).values(owner_id=owner, members=members, trained_members=trained)
        )
