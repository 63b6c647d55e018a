"""Escalations, answered back (docs/domain.md §13, docs/sync.md §12).

A center escalates a case it cannot resolve; the Provincial Justice Office sees every center's
escalations in one queue, answers each (accepted and handled by the office, referred to a named
agency, returned to the center with advice, closed) with a note and the officer's name, and the
answer travels back to the center inside the next signed receipt. The answer is the office's
own record: the center's case row is never touched, and the center keeps a read-only copy that
its case history and ``justice-desk escalations list`` show.

The GUI (the province's Escalations page, the case view at a center) and the command line
(``justice-desk escalations list|answer``) call these functions.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import CaseKind, CaseStatus, EnrolmentStatus, SiteKind
from justice_desk.domain.escalations import EscalationDecision, check_answer
from justice_desk.domain.numbering import format_case_number
from justice_desk.errors import NotFoundError, UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services.access import require
from justice_desk.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from justice_desk import sync as fmt

log = logging.getLogger(__name__)

DECISIONS = tuple(d.value for d in EscalationDecision)


@dataclass(frozen=True)
class Answer:
    """The office's answer to one escalated case."""

    id: uuid.UUID
    rev: int
    decision: str  # an ``EscalationDecision`` value; a newer office may send one unknown here
    note: str
    agency: str | None
    officer: str | None
    answered_at: dt.datetime  # UTC
    #: At the province the receipt that last carried it (``None``: not sent yet); at the
    #: center the receipt that brought it.
    receipt_seq: int | None

    @property
    def decision_label(self) -> str:
        if self.decision in EscalationDecision._value2member_map_:
            return EscalationDecision(self.decision).label()
        return self.decision

    @property
    def answered_on(self) -> dt.date:
        """The local day the office answered."""
        return self.answered_at.replace(tzinfo=dt.UTC).astimezone().date()


@dataclass(frozen=True)
class Escalation:
    """A case a center escalated to the office, with the office's answer when there is one."""

    case_id: uuid.UUID
    center_id: uuid.UUID
    center_code: str
    center_name: str
    number: str  # 005/2569
    subject: str
    kind: CaseKind
    status: CaseStatus
    escalated_on: dt.date | None
    answer: Answer | None
    today: dt.date

    @property
    def waiting(self) -> bool:
        """Still escalated and not answered: the office's work."""
        return self.answer is None and self.status is CaseStatus.ESCALATED

    @property
    def days_waiting(self) -> int | None:
        if not self.waiting or self.escalated_on is None:
            return None
        return max(0, (self.today - self.escalated_on).days)


def _is_province(db: Database) -> bool:
    return db.mode == SiteKind.PROVINCE.value


def _centers(db: Database, session: Session, center_code: str | None) -> dict[uuid.UUID, Any]:
    """(code, name) of the centers whose escalations are listed, by id."""
    from justice_desk.services import setup
    from justice_desk.storage import sync_queries

    if center_code:
        site = setup.find_site(db, center_code)
        if _is_province(db) and site.id == db.site_id:
            raise UserError(
                _("{code} is this office's own code: give the code of a center.").format(
                    code=center_code
                )
            )
        return {site.id: (site.code, site.name)}
    if not _is_province(db):
        site = setup.this_site(db)
        return {site.id: (site.code, site.name)}
    return {
        e.center_id: (e.code, e.name)
        for e in sync_queries.all_enrolments(session)
        if e.status != EnrolmentStatus.PENDING
    }


def _answer_of(row: Any) -> Answer | None:
    if row.answer_id is None:
        return None
    return Answer(
        row.answer_id,
        row.rev,
        row.decision,
        row.note,
        row.agency,
        row.officer,
        row.answered_at,
        row.receipt_seq,
    )


def list_escalations(
    db: Database,
    *,
    center_code: str | None = None,
    waiting_only: bool = False,
    today: dt.date | None = None,
) -> list[Escalation]:
    """The escalation queue: at the province every enrolled center's escalated cases (or one
    center's), at a center its own; waiting ones first, oldest first, with the answers."""
    from justice_desk.storage import escalation_queries as q

    today = today or dt.date.today()
    with db.read() as session:
        centers = _centers(db, session, center_code)
        rows = q.escalation_rows(session, list(centers), waiting_only=waiting_only)
        return [
            Escalation(
                case_id=r.case_id,
                center_id=r.owner_id,
                center_code=centers[r.owner_id][0],
                center_name=centers[r.owner_id][1],
                number=format_case_number(r.number, r.year_be),
                subject=r.subject,
                kind=CaseKind(r.kind),
                status=CaseStatus(r.status),
                escalated_on=r.escalated_on,
                answer=_answer_of(r),
                today=today,
            )
            for r in rows
        ]


def get_escalation(db: Database, case_id: uuid.UUID) -> Escalation:
    for escalation in list_escalations(db):
        if escalation.case_id == case_id:
            return escalation
    raise NotFoundError(_("That case was not escalated to the Provincial Justice Office."))


def find_escalated_case(db: Database, center_code: str, case_number: str) -> uuid.UUID:
    """The case ``005/2569`` of the center ``center_code``, as the office answers it."""
    from justice_desk.services import cases, setup

    site = setup.find_site(db, center_code)
    return cases.find_case(db, case_number, owner_id=site.id)


def answer_escalation(
    db: Database,
    case_id: uuid.UUID,
    *,
    decision: str,
    note: str,
    agency: str | None = None,
    officer: str | None = None,
) -> Escalation:
    """Record (or change) the office's answer to an escalated case.

    Only a province answers, and only a case one of its centers escalated. Answering again
    replaces the decision and note and raises the answer's ``rev``; either way the next receipt
    to that center carries it. The center's case row is not changed.
    """
    require(db, Permission.ESCALATIONS)
    from justice_desk.storage import escalation_queries as q
    from justice_desk.storage.models import EscalationAnswer, utcnow

    if not _is_province(db):
        raise UserError(
            _(
                "Only the Provincial Justice Office answers escalations; a center receives "
                "the answers with the province's receipts."
            )
        )
    note = note.strip()
    agency = (agency or "").strip() or None
    officer = (officer or "").strip() or None
    problem = check_answer(decision, note, agency, officer)
    if problem is not None:
        raise ValidationError(problem.message, problem.field)
    if decision != EscalationDecision.REFERRED:
        agency = None
    with db.write() as session:
        case = q.escalated_case(session, case_id)
        if case is None or case.owner_id == db.site_id:
            raise NotFoundError(
                _("That case was not escalated to the Provincial Justice Office by a center.")
            )
        answer = q.answer_of(session, case_id)
        if answer is None:
            session.add(
                EscalationAnswer(
                    owner_id=db.site_id,
                    center_id=case.owner_id,
                    case_id=case.id,
                    rev=1,
                    decision=decision,
                    agency=agency,
                    note=note,
                    officer=officer,
                    answered_at=utcnow(),
                    receipt_seq=None,
                )
            )
        else:
            answer.rev += 1
            answer.decision = decision
            answer.agency = agency
            answer.note = note
            answer.officer = officer
            answer.answered_at = utcnow()
            answer.receipt_seq = None  # the next receipt carries the new version
    return get_escalation(db, case_id)


# -- receipts (docs/sync.md §12) ------------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def receipt_answers(session: Session, center_id: uuid.UUID) -> tuple[fmt.EscalationAnswer, ...]:
    """Every answer about the center's cases, for its next receipt.

    A receipt carries them all, not only the new ones: a receipt lost on the way costs
    nothing, since the next one brings the same answers again (the center keeps the highest
    ``rev``)."""
    from justice_desk import sync as fmt
    from justice_desk.storage import escalation_queries as q

    return tuple(
        fmt.EscalationAnswer(
            id=str(a.id),
            case=str(a.case_id),
            rev=a.rev,
            decision=a.decision,
            note=a.note,
            agency=a.agency or "",
            officer=a.officer or "",
            answered_at=_iso(a.answered_at),
        )
        for a in q.answers_of_center(session, center_id)
    )


def store_receipt_answers(
    session: Session,
    *,
    center_id: uuid.UUID,
    province_id: uuid.UUID,
    receipt_seq: int,
    answers: tuple[fmt.EscalationAnswer, ...],
) -> list[tuple[str, str]]:
    """At the center: keep the office's answers a verified receipt brought.

    An answer is kept only when it is about one of this center's own cases; any other (a case
    of another center, or one this center does not have) is refused and named in the returned
    list as (case, kind of refusal: ``not_own``), logged once by the caller. An answer already
    held is replaced only by a higher ``rev`` (or by a new answer of the office for the same
    case), so an older receipt never undoes a newer answer. The copy is
    owned by the province; nothing writes the center's case.
    """
    from justice_desk.storage import escalation_queries as q
    from justice_desk.storage.models import EscalationAnswer

    refused: list[tuple[str, str]] = []
    wanted: dict[uuid.UUID, tuple[uuid.UUID, fmt.EscalationAnswer]] = {}
    for a in answers:
        try:
            answer_id, case_id = uuid.UUID(a.id), uuid.UUID(a.case)
        except ValueError:
            refused.append((a.case, "bad_id"))
            continue
        wanted[case_id] = (answer_id, a)
    own = q.own_case_ids(session, center_id, list(wanted))
    for case_id in [c for c in wanted if c not in own]:
        refused.append((str(case_id), "not_own"))
        del wanted[case_id]
    stored = q.received_answers(session, list(wanted))
    for case_id, (answer_id, a) in wanted.items():
        answered_at = _received_time(a.answered_at)
        row = stored.get(case_id)
        if row is None:
            row = EscalationAnswer(id=answer_id, case_id=case_id, rev=0)
            session.add(row)
        elif row.id == answer_id and row.rev >= a.rev:
            continue
        elif row.id != answer_id:
            session.delete(row)
            session.flush()
            row = EscalationAnswer(id=answer_id, case_id=case_id, rev=0)
            session.add(row)
        row.owner_id = province_id
        row.center_id = center_id
        row.rev = a.rev
        row.decision = a.decision[:16]
        row.agency = a.agency[:200] or None
        row.note = a.note
        row.officer = a.officer[:200] or None
        row.answered_at = answered_at
        row.receipt_seq = receipt_seq
    return refused


def _received_time(text: str) -> dt.datetime:
    """A naive UTC time from the receipt's ISO text (shown only; now when it cannot be read)."""
    from justice_desk.storage.models import utcnow

    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return utcnow()
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


# -- plain data for the command line ----------------------------------------------------------


def escalation_json(e: Escalation) -> dict[str, Any]:
    """What ``justice-desk escalations list --json`` prints for one escalation."""
    answer = None
    if e.answer is not None:
        answer = {
            "decision": e.answer.decision,
            "decision_label": e.answer.decision_label,
            "agency": e.answer.agency,
            "note": e.answer.note,
            "officer": e.answer.officer,
            "answered_at": _iso(e.answer.answered_at),
            "rev": e.answer.rev,
            "receipt": e.answer.receipt_seq,
        }
    return {
        "center": e.center_code,
        "center_name": e.center_name,
        "case": e.number,
        "case_id": str(e.case_id),
        "subject": e.subject,
        "kind": e.kind.value,
        "status": e.status.value,
        "escalated_on": e.escalated_on.isoformat() if e.escalated_on else None,
        "waiting": e.waiting,
        "days_waiting": e.days_waiting,
        "answer": answer,
    }
