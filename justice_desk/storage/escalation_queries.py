"""Queries behind the escalation queue and the office's answers (``services/escalations.py``,
docs/domain.md §13, docs/sync.md §12).

An *escalation* is a case a center escalated to the Provincial Justice Office (its
``escalated_on`` is set, or its status is ``escalated``); it *waits* while the case is still
escalated and the office has not answered it. The answer is an ``escalation_answers`` row owned
by the province: at the province the office's own record, at the center the copy a receipt
brought. Nothing here writes to a center's case.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from justice_desk.domain.enums import CaseStatus
from justice_desk.storage.models import Case, EscalationAnswer


def escalated() -> ColumnElement[bool]:
    """A case that was escalated to the office (whatever happened to it since)."""
    return and_(
        Case.deleted_at.is_(None),
        or_(Case.escalated_on.is_not(None), Case.status == CaseStatus.ESCALATED.value),
    )


def answered() -> ColumnElement[bool]:
    """The office has answered the case (``Case`` in the enclosing query)."""
    return exists().where(EscalationAnswer.case_id == Case.id)


def escalation_rows(
    session: Session,
    owners: Sequence[uuid.UUID] | None,
    *,
    waiting_only: bool = False,
) -> list[Any]:
    """Escalated cases of ``owners`` (every owner when ``None``) with the office's answer, if
    any: waiting ones first, each group oldest escalation first."""
    waiting = and_(Case.status == CaseStatus.ESCALATED.value, EscalationAnswer.id.is_(None))
    on = func.coalesce(Case.escalated_on, Case.outcome_on, Case.received_on)
    stmt = (
        select(
            Case.id.label("case_id"),
            Case.owner_id,
            Case.year_be,
            Case.number,
            Case.subject,
            Case.kind,
            Case.status,
            on.label("escalated_on"),
            EscalationAnswer.id.label("answer_id"),
            EscalationAnswer.rev,
            EscalationAnswer.decision,
            EscalationAnswer.agency,
            EscalationAnswer.note,
            EscalationAnswer.officer,
            EscalationAnswer.answered_at,
            EscalationAnswer.receipt_seq,
        )
        .outerjoin(EscalationAnswer, EscalationAnswer.case_id == Case.id)
        .where(escalated())
        .order_by(case((waiting, 0), else_=1), on, Case.year_be, Case.number)
    )
    if owners is not None:
        stmt = stmt.where(Case.owner_id.in_(list(owners)))
    if waiting_only:
        stmt = stmt.where(waiting)
    return list[Any](session.execute(stmt).all())


def escalated_case(session: Session, case_id: uuid.UUID) -> Case | None:
    """The case, when it was escalated and not deleted."""
    return session.execute(select(Case).where(Case.id == case_id, escalated())).scalars().first()


def answer_of(session: Session, case_id: uuid.UUID) -> EscalationAnswer | None:
    return (
        session.execute(select(EscalationAnswer).where(EscalationAnswer.case_id == case_id))
        .scalars()
        .first()
    )


def answers_of_center(session: Session, center_id: uuid.UUID) -> list[EscalationAnswer]:
    """Every answer about a center's cases, oldest first (what its next receipt carries)."""
    return list(
        session.execute(
            select(EscalationAnswer)
            .where(EscalationAnswer.center_id == center_id)
            .order_by(EscalationAnswer.answered_at, EscalationAnswer.id)
        ).scalars()
    )


def centers_with_unsent_answers(session: Session) -> set[uuid.UUID]:
    """Centers with an answer given or changed since their last receipt."""
    return set(
        session.execute(
            select(EscalationAnswer.center_id).where(EscalationAnswer.receipt_seq.is_(None))
        ).scalars()
    )


def mark_answers_sent(session: Session, center_id: uuid.UUID, receipt_seq: int) -> None:
    session.execute(
        update(EscalationAnswer)
        .where(EscalationAnswer.center_id == center_id, EscalationAnswer.receipt_seq.is_(None))
        .values(receipt_seq=receipt_seq)
    )


def own_case_ids(session: Session, owner: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` are cases of ``owner`` (not deleted)."""
    if not ids:
        return set()
    return set(
        session.execute(
            select(Case.id).where(
                Case.id.in_(list(ids)), Case.owner_id == owner, Case.deleted_at.is_(None)
            )
        ).scalars()
    )


def received_answers(
    session: Session, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EscalationAnswer]:
    """The stored answers of these cases, by case."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(EscalationAnswer).where(EscalationAnswer.case_id.in_(list(case_ids)))
    ).scalars()
    return {r.case_id: r for r in rows}
