"""Queries behind the data subject's rights (PDPA; services/privacy.py, docs/privacy.md): what a
person is linked to, their anonymisation, the yearly disposal, correction records, and the
traces an erasure must not leave behind (search index, conflict copies, stored bundles).

Anonymising is an ordinary ORM update of the syncable rows: the change log records it in the
same transaction, so the next bundle carries the emptied row to the province like any edit.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from justice_desk.domain import privacy
from justice_desk.domain.enums import CaseStatus, MediatorStatus, MembershipStatus
from justice_desk.storage import audit
from justice_desk.storage.models import (
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    CaseSession,
    CommitteePositionRow,
    ComplianceCheck,
    Mediator,
    Meeting,
    MeetingAttendance,
    Membership,
    Person,
    ReceivedBundle,
    Settlement,
    SyncConflict,
    Training,
)

#: Statuses before any outcome: a case in one of them has not ended, so its retention has
#: not started (a settled case ended on its settlement day, even while payments run).
NOT_ENDED = frozenset(
    {
        CaseStatus.RECEIVED.value,
        CaseStatus.AWAITING_CONSENT.value,
        CaseStatus.IN_MEDIATION.value,
        CaseStatus.IN_PROGRESS.value,
    }
)
#: What a case whose retention ended is left with instead of its subject (the column is required).
DISPOSED_SUBJECT = "(พ้นกำหนดเก็บรักษา ลบรายละเอียดแล้ว)"


@dataclass(frozen=True)
class CaseLink:
    case_id: uuid.UUID
    number: int
    year_be: int
    role: str  #: ``party``, ``responsible`` or ``mediator``
    ended_on: dt.date | None  #: ``None`` while the case has no outcome


@dataclass(frozen=True)
class MeetingLink:
    meeting_id: uuid.UUID
    number: int
    year_be: int
    held_on: dt.date


@dataclass(frozen=True)
class PersonLinks:
    """Everything a person's record is tied to, as the erasure and disposal rules need it."""

    cases: tuple[CaseLink, ...]
    meetings: tuple[MeetingLink, ...]
    #: ``(registration no., still on the register)``
    registrations: tuple[tuple[str, bool], ...]
    memberships: tuple[Membership, ...]
    seats: tuple[CommitteePositionRow, ...]
    trainings: tuple[Training, ...]


def _case_ends(session: Session, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dt.date]:
    """The day each case ended: its outcome day, else its last event, else the day received."""
    if not case_ids:
        return {}
    last_event: dict[uuid.UUID, dt.date] = {
        cid: day
        for cid, day in session.execute(
            select(CaseEvent.case_id, func.max(CaseEvent.occurred_on))
            .where(CaseEvent.case_id.in_(case_ids), CaseEvent.deleted_at.is_(None))
            .group_by(CaseEvent.case_id)
        )
    }
    out = {}
    for cid, outcome_on, received_on in session.execute(
        select(Case.id, Case.outcome_on, Case.received_on).where(Case.id.in_(case_ids))
    ):
        out[cid] = outcome_on or last_event.get(cid) or received_on
    return out


def person_links(session: Session, person_id: uuid.UUID, today: dt.date) -> PersonLinks:
    party = select(CaseParty.case_id).where(
        CaseParty.person_id == person_id, CaseParty.deleted_at.is_(None)
    )
    mediated = (
        select(CaseMediator.case_id)
        .join(Mediator, Mediator.id == CaseMediator.mediator_id)
        .where(Mediator.person_id == person_id, CaseMediator.deleted_at.is_(None))
    )
    rows = session.execute(
        select(Case.id, Case.number, Case.year_be, Case.status, Case.responsible_id).where(
            Case.deleted_at.is_(None),
            or_(Case.id.in_(party), Case.id.in_(mediated), Case.responsible_id == person_id),
        )
    ).all()
    party_ids = set(session.scalars(party))
    mediated_ids = set(session.scalars(mediated))
    ends = _case_ends(session, [r.id for r in rows])
    cases: list[CaseLink] = []
    for r in rows:
        ended = None if r.status in NOT_ENDED else ends.get(r.id)
        roles = []
        if r.id in party_ids:
            roles.append("party")
        if r.responsible_id == person_id:
            roles.append("responsible")
        if r.id in mediated_ids:
            roles.append("mediator")
        cases.extend(CaseLink(r.id, r.number, r.year_be, role, ended) for role in roles)

    attended = select(MeetingAttendance.meeting_id).where(
        MeetingAttendance.deleted_at.is_(None),
        or_(
            MeetingAttendance.person_id == person_id,
            MeetingAttendance.substitute_for_id == person_id,
        ),
    )
    meetings = tuple(
        MeetingLink(m.id, m.number, m.year_be, m.held_on)
        for m in session.scalars(
            select(Meeting).where(
                Meeting.deleted_at.is_(None),
                Meeting.status.in_(("held", "adopted")),
                or_(
                    Meeting.id.in_(attended),
                    Meeting.minute_taker_id == person_id,
                    Meeting.checker_id == person_id,
                ),
            )
        )
    )
    registrations = tuple(
        (
            m.registration_no,
            m.status == MediatorStatus.ACTIVE.value
            and (m.expires_on is None or m.expires_on >= today),
        )
        for m in session.scalars(
            select(Mediator).where(Mediator.person_id == person_id, Mediator.deleted_at.is_(None))
        )
    )

    def live_of(model: Any) -> tuple[Any, ...]:
        return tuple(
            session.scalars(
                select(model).where(model.person_id == person_id, model.deleted_at.is_(None))
            )
        )

    return PersonLinks(
        tuple(cases),
        meetings,
        registrations,
        live_of(Membership),
        live_of(CommitteePositionRow),
        live_of(Training),
    )


def has_case_links(session: Session, person_id: uuid.UUID) -> bool:
    parties = session.scalar(
        select(func.count())
        .select_from(CaseParty)
        .where(CaseParty.person_id == person_id, CaseParty.deleted_at.is_(None))
    )
    responsible = session.scalar(
        select(func.count()).select_from(Case).where(Case.responsible_id == person_id)
    )
    return bool(parties) or bool(responsible)


def registered_mediator(session: Session, person_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(Mediator)
            .where(Mediator.person_id == person_id, Mediator.deleted_at.is_(None))
        )
        or 0
    ) > 0


def note_link(session: Session, person_id: uuid.UUID) -> None:
    """Keep a person's legal basis up to date when they gain a case or a registration: never
    weaker than what it was (domain.privacy.stronger). Call inside the write that links them."""
    person = session.get(Person, person_id)
    if person is None:
        return
    derived = privacy.derive_basis(
        in_cases=has_case_links(session, person_id),
        registered_mediator=registered_mediator(session, person_id),
    )
    stored = privacy.LegalBasis(person.privacy_basis) if person.privacy_basis else None
    basis = privacy.stronger(stored, derived).value
    if person.privacy_basis != basis:
        person.privacy_basis = basis


# -- correction (PDPA s.35, s.36) ----------------------------------------------------------------


def record_correction(
    session: Session, person_id: uuid.UUID, before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Write what a change to a person did, field by field (``{field: [old, new]}``), to the
    audit trail in the caller's transaction; nothing when nothing changed."""
    changed = {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if _plain(before.get(name)) != _plain(value)
    }
    if changed:
        audit.record(
            session,
            "correct",
            table="people",
            row_id=person_id,
            detail=json.dumps(changed, ensure_ascii=False, sort_keys=True),
        )
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, uuid.UUID)):
        return str(value)
    return getattr(value, "value", value)


def corrections_of(session: Session, person_id: uuid.UUID) -> list[tuple[dt.datetime, str, str]]:
    """``(when, who, detail JSON)`` of the corrections recorded for a person, oldest first."""
    from justice_desk.storage.models import AuditEvent

    return [
        (r.at, r.actor, r.detail or "{}")
        for r in session.execute(
            select(AuditEvent.at, AuditEvent.actor, AuditEvent.detail)
            .where(
                AuditEvent.action == "correct",
                AuditEvent.table_name == "people",
                AuditEvent.row_id == person_id,
            )
            .order_by(AuditEvent.event_no)
        )
    ]


# -- anonymisation (PDPA s.33) --------------------------------------------------------------------


def anonymise_person(session: Session, person: Person, today: dt.date) -> None:
    """Empty a person's identifying columns and those of their membership, training and
    registration rows (ORM updates: each is logged and travels in the next bundle)."""
    for name in privacy.CLEARED_PERSON_FIELDS:
        setattr(person, name, None)
    person.given_name = privacy.ANONYMISED_NAME
    person.birth_year = privacy.age_band_year(person.birth_year)
    person.anonymised_on = today
    for m in session.scalars(
        select(Membership).where(Membership.person_id == person.id, Membership.deleted_at.is_(None))
    ):
        m.member_no, m.notes = None, None
        if m.status != MembershipStatus.LEFT.value:
            # Erasure withdraws the consent membership rests on (PDPA s.19 ¶5).
            m.status, m.left_on = MembershipStatus.LEFT.value, today
    for t in session.scalars(
        select(Training).where(Training.person_id == person.id, Training.deleted_at.is_(None))
    ):
        t.certificate_no = None
    for r in session.scalars(
        select(Mediator).where(Mediator.person_id == person.id, Mediator.deleted_at.is_(None))
    ):
        r.registration_no = ""
    for p in session.scalars(select(CaseParty).where(CaseParty.person_id == person.id)):
        p.role_note = None
    for a in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.person_id == person.id)
    ):
        a.name = privacy.ANONYMISED_NAME


def forget_search_traces(session: Session | Connection) -> None:
    """SQLite keeps what an update replaced in free space and the FTS5 index keeps deleted
    entries until its segments merge: zero freed space from now on (``secure_delete``, for this
    connection) and merge the people index, so the old name cannot be read back from the file.
    Call before the update (for ``secure_delete``) and :func:`merge_people_index` after it."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def merge_people_index(session_or_conn: Session | Connection) -> None:
    """Rewrite the people search index without deleted entries (SQLite FTS5 ``optimize``)."""
    bind = session_or_conn.get_bind() if isinstance(session_or_conn, Session) else session_or_conn
    if bind.dialect.name == "sqlite":
        session_or_conn.execute(text("INSERT INTO people_fts(people_fts) VALUES ('optimize')"))


# -- the yearly disposal (PDPA s.37(3)) ----------------------------------------------------------


def own_live_people(
    session: Session, owner_id: uuid.UUID, *, changed_before: dt.date
) -> list[Person]:
    """The center's people not erased yet whose record last changed before ``changed_before``."""
    return list(
        session.scalars(
            select(Person).where(
                Person.owner_id == owner_id,
                Person.deleted_at.is_(None),
                Person.anonymised_on.is_(None),
                Person.updated_at < dt.datetime.combine(changed_before, dt.time()),
            )
        )
    )


@dataclass(frozen=True)
class PersonCase:
    number: int
    year_be: int
    kind: str
    subject: str
    facts: str | None
    received_on: dt.date
    status: str
    side: str | None  #: the party side, ``None`` for a mediator or the person responsible
    role: str


def cases_of_person(session: Session, person_id: uuid.UUID) -> list[PersonCase]:
    """The cases a person is a party to, mediates or is responsible for, oldest first."""
    out: list[PersonCase] = []
    seen: set[tuple[uuid.UUID, str]] = set()
    party = (
        select(Case, CaseParty.side)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .where(CaseParty.person_id == person_id, CaseParty.deleted_at.is_(None))
    )
    mediated = (
        select(Case)
        .join(CaseMediator, CaseMediator.case_id == Case.id)
        .join(Mediator, Mediator.id == CaseMediator.mediator_id)
        .where(Mediator.person_id == person_id, CaseMediator.deleted_at.is_(None))
    )
    responsible = select(Case).where(Case.responsible_id == person_id)
    found: list[tuple[Case, str | None, str]] = [
        (c, side, "party") for c, side in session.execute(party)
    ]
    found += [(c, None, "mediator") for c in session.scalars(mediated)]
    found += [(c, None, "responsible") for c in session.scalars(responsible)]
    for c, side, role in found:
        if c.deleted_at is not None or (c.id, role) in seen:
            continue
        seen.add((c.id, role))
        out.append(
            PersonCase(
                c.number, c.year_be, c.kind, c.subject, c.facts, c.received_on, c.status, side, role
            )
        )
    out.sort(key=lambda c: (c.received_on, c.year_be, c.number))
    return out


def ended_cases(session: Session, owner_id: uuid.UUID) -> list[tuple[Case, dt.date]]:
    """The center's cases with an outcome whose details are still there, with the day each
    ended."""
    rows = list(
        session.scalars(
            select(Case).where(
                Case.owner_id == owner_id,
                Case.deleted_at.is_(None),
                Case.status.not_in(NOT_ENDED),
                Case.subject != DISPOSED_SUBJECT,
            )
        )
    )
    ends = _case_ends(session, [c.id for c in rows])
    return [(c, ends[c.id]) for c in rows]


def redact_case(session: Session, case: Case) -> None:
    """Empty what a case says in words (its subject, facts and notes, the parties' notes, the
    sessions, the agreement's terms), keeping what counts: kind, matter, dates, status,
    amounts. ORM updates, so the province's copy follows in the next bundle."""
    case.subject = DISPOSED_SUBJECT
    case.facts = None
    case.eligibility_note = None
    case.offender_birth_date = None
    for model, columns in (
        (CaseEvent, ("note",)),
        (CaseSession, ("attendees", "summary", "notes", "place")),
        (ComplianceCheck, ("note",)),
        (CaseParty, ("role_note",)),
    ):
        for row in session.scalars(select(model).where(model.case_id == case.id)):
            for column in columns:
                setattr(row, column, None)
    for s in session.scalars(select(Settlement).where(Settlement.case_id == case.id)):
        s.terms, s.place = "", None


def case_of(session: Session, case_id: uuid.UUID) -> Case | None:
    return session.get(Case, case_id)


# -- the province: nothing of an anonymised person left behind -----------------------------------


def anonymised_ids(rows: Iterable[Mapping[str, Any]]) -> list[uuid.UUID]:
    """The people among incoming rows (decoded column values) that arrive anonymised."""
    return [r["id"] for r in rows if r.get("anonymised_on") is not None]


def purge_after_anonymisation(
    conn: Connection, center_id: uuid.UUID, person_ids: Sequence[uuid.UUID]
) -> None:
    """At the province, once a center's anonymised people are applied: drop the versions of
    them waiting in the conflict list, and the stored bytes of the center's bundles applied
    before this one (which is recorded after this call). Those bytes hold the old values; they
    were kept only for a re-apply after an upgrade, and their records are in the tables. Held
    bundles keep theirs: they are not applied yet. Then merge the search index (see
    :func:`forget_search_traces`)."""
    if not person_ids:
        return
    conn.execute(
        delete(SyncConflict).where(
            SyncConflict.center_id == center_id,
            SyncConflict.table_name == "people",
            SyncConflict.row_id.in_(list(person_ids)),
        )
    )
    conn.execute(
        update(ReceivedBundle)
        .where(
            ReceivedBundle.center_id == center_id,
            ReceivedBundle.status.in_(("applied", "partial")),
        )
        .values(raw=None)
    )
    merge_people_index(conn)


# -- what leaves the center (PDPA s.22, s.26; docs/privacy.md "What leaves the center") ----------

#: Free-text columns a withheld case's own rows are sent without (their other columns count).
_WITHHELD_TEXT = {
    "cases": ("facts", "eligibility_note"),
    "case_events": ("note",),
    "case_sessions": ("attendees", "summary"),
    "case_parties": ("role_note",),
}
_CASE_CHILDREN = ("case_parties", "case_events", "case_sessions")


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _withheld_cases(
    conn: Connection, case_ids: set[uuid.UUID]
) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """``(withheld, sensitive but sent whole)`` among ``case_ids``, as stored now."""
    withheld: set[uuid.UUID] = set()
    escalated: set[uuid.UUID] = set()
    ids = list(case_ids)
    for start in range(0, len(ids), 500):
        for cid, kind, escalated_on in conn.execute(
            select(Case.id, Case.kind, Case.escalated_on).where(
                Case.id.in_(ids[start : start + 500]), Case.kind.in_(privacy.SENSITIVE_KINDS)
            )
        ):
            if privacy.case_details_withheld(kind, escalated_on):
                withheld.add(cid)
            else:
                escalated.add(cid)
    return withheld, escalated


def _only_in_withheld(conn: Connection, person_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """People whose only link is being a party to withheld cases: their very record would tell
    the province about a criminal record (PDPA s.26). A person linked to anything else (another
    case, the network, the committee, the mediator register, a meeting) is sent as always."""
    if not person_ids:
        return set()
    ids = list(person_ids)
    linked_elsewhere: set[uuid.UUID] = set()
    for model in (Membership, Mediator, CommitteePositionRow, MeetingAttendance):
        linked_elsewhere |= {
            pid
            for pid in conn.execute(
                select(model.person_id).where(model.person_id.in_(ids))
            ).scalars()
            if pid is not None
        }
    linked_elsewhere |= {
        pid
        for pid in conn.execute(
            select(Case.responsible_id).where(Case.responsible_id.in_(ids))
        ).scalars()
        if pid is not None
    }
    party_cases: dict[uuid.UUID, set[uuid.UUID]] = {}
    for pid, cid in conn.execute(
        select(CaseParty.person_id, CaseParty.case_id).where(CaseParty.person_id.in_(ids))
    ):
        party_cases.setdefault(pid, set()).add(cid)
    all_cases: set[uuid.UUID] = set().union(*party_cases.values()) if party_cases else set()
    withheld, _sent = _withheld_cases(conn, all_cases)
    return {
        pid
        for pid, cases in party_cases.items()
        if pid not in linked_elsewhere and cases <= withheld
    }


def minimise_for_province(conn: Connection, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of an export as the province may have them. A case of a sensitive kind
    (reintegration support: a criminal record) that the center handles itself is sent for the
    office's counts only: a neutral subject, no facts, no notes of its events, parties and
    sessions, and the people who are in the register only because of it are sent as an
    anonymised person is (sex and decade of birth, for the counts). The records keep their
    shape and number, so every province reader accepts them. Once such a case is escalated,
    :func:`release_escalated` makes the export send them whole."""
    case_ids = {_uuid(r["id"]) for r in records if r["table"] == "cases"}
    case_ids |= {_uuid(r["fields"]["case_id"]) for r in records if r["table"] in _CASE_CHILDREN}
    withheld, _escalated = _withheld_cases(conn, case_ids)
    hidden = _only_in_withheld(conn, {_uuid(r["id"]) for r in records if r["table"] == "people"})
    if not withheld and not hidden:
        return records
    out: list[dict[str, Any]] = []
    for r in records:
        table, fields = r["table"], r["fields"]
        if table == "people" and _uuid(r["id"]) in hidden:
            out.append({**r, "fields": withheld_person(fields)})
            continue
        case_id = (
            _uuid(r["id"])
            if table == "cases"
            else (_uuid(fields["case_id"]) if table in _CASE_CHILDREN else None)
        )
        if case_id in withheld:
            fields = dict(fields)
            for column in _WITHHELD_TEXT.get(table, ()):
                fields[column] = None
            if table == "cases":
                fields["subject"] = privacy.WITHHELD_SUBJECT
            r = {**r, "fields": fields}
        out.append(r)
    return out


def withheld_person(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A person's record as sent while it would reveal a sensitive category: emptied as an
    anonymisation empties it, without marking it erased."""
    out = dict(fields)
    for name in privacy.CLEARED_PERSON_FIELDS:
        if name in out:
            out[name] = None
    out["given_name"] = privacy.WITHHELD_NAME
    out["birth_year"] = privacy.age_band_year(out.get("birth_year"))
    return out


def release_escalated(session: Session, after: int) -> int:
    """Before an export: for each case of a sensitive kind escalated since change ``after``,
    mark its parties, their people, its events and sessions as changed again (a new ``rev``)
    if they last changed before the escalation, so this export sends them whole over the
    emptied versions the province holds. Returns how many rows were marked."""
    from justice_desk.storage.models import ChangeLog
    from justice_desk.storage.sync_queries import last_changes, touch_rows

    changed = {
        row_id: change_no
        for row_id, change_no in session.execute(
            select(ChangeLog.row_id, func.max(ChangeLog.change_no))
            .where(ChangeLog.table_name == "cases", ChangeLog.change_no > after)
            .group_by(ChangeLog.row_id)
        )
    }
    if not changed:
        return 0
    escalated = list(
        session.scalars(
            select(Case.id).where(
                Case.id.in_(list(changed)),
                Case.kind.in_(privacy.SENSITIVE_KINDS),
                Case.escalated_on.is_not(None),
            )
        )
    )
    marked = 0
    for case_id in escalated:
        rows: dict[str, list[uuid.UUID]] = {
            "people": list(
                session.scalars(select(CaseParty.person_id).where(CaseParty.case_id == case_id))
            )
        }
        for model, table in (
            (CaseParty, "case_parties"),
            (CaseEvent, "case_events"),
            (CaseSession, "case_sessions"),
        ):
            rows[table] = list(session.scalars(select(model.id).where(model.case_id == case_id)))
        last = last_changes(session, [i for ids in rows.values() for i in ids])
        for table, ids in rows.items():
            stale = [i for i in ids if last.get(i, 0) < changed[case_id]]
            marked += touch_rows(session, table, stale)
    if marked:
        session.flush()
    return marked
