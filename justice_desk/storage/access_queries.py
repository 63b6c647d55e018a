"""What a mediator's account may see: the cases they mediate and the people in them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from justice_desk.storage.models import CaseMediator, CaseParty, Mediator


def assigned_cases(person_id: uuid.UUID) -> Select[Any]:
    """Ids of the cases where ``person_id`` is a (live) mediator."""
    return (
        select(CaseMediator.case_id)
        .join(Mediator, Mediator.id == CaseMediator.mediator_id)
        .where(
            Mediator.person_id == person_id,
            Mediator.deleted_at.is_(None),
            CaseMediator.deleted_at.is_(None),
        )
    )


def people_of_assigned_cases(person_id: uuid.UUID) -> Select[Any]:
    """Ids of the people a mediator may see: the parties of their cases, the other mediators of
    those cases, and themselves."""
    cases = assigned_cases(person_id)
    parties = select(CaseParty.person_id).where(
        CaseParty.case_id.in_(cases), CaseParty.deleted_at.is_(None)
    )
    mediators = (
        select(Mediator.person_id)
        .join(CaseMediator, CaseMediator.mediator_id == Mediator.id)
        .where(CaseMediator.case_id.in_(cases), CaseMediator.deleted_at.is_(None))
    )
    return select(union(parties, mediators, select(_literal(person_id))).subquery().c[0])


def _literal(value: uuid.UUID) -> Any:
    from sqlalchemy import Uuid, literal

    return literal(value, Uuid())


def is_case_mediator(session: Session, case_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    stmt = assigned_cases(person_id).where(CaseMediator.case_id == case_id).limit(1)
    return session.execute(stmt).first() is not None


def may_see_person(session: Session, person_id: uuid.UUID, mediator_person: uuid.UUID) -> bool:
    if person_id == mediator_person:
        return True
    allowed = people_of_assigned_cases(mediator_person).subquery()
    stmt = select(allowed.c[0]).where(allowed.c[0] == person_id).limit(1)
    return session.execute(stmt).first() is not None
