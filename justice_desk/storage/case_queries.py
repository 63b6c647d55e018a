"""Queries behind the case services."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from justice_desk.storage.models import Case, CaseParty, Person, Settlement
from justice_desk.storage.repositories import PageResult, case_text_match, live, page

_ORDERS = {
    "number": (Case.year_be, Case.number),
    "received": (Case.received_on, Case.year_be, Case.number),
    "subject": (Case.sort_key, Case.id),
    "status": (Case.status, Case.year_be, Case.number),
}


def cases_page(
    session: Session,
    *,
    search: str | None,
    status: Sequence[str] | None,
    kind: Sequence[str] | None,
    owner_id: uuid.UUID | None,
    offset: int,
    limit: int,
    order: str = "number",
    descending: bool = True,
    only: Select[Any] | None = None,
) -> PageResult:
    stmt = select(
        Case.id,
        Case.year_be,
        Case.number,
        Case.received_on,
        Case.kind,
        Case.status,
        Case.subject,
        Case.amount_satang,
    ).where(live(Case, owner_id))
    if search and search.strip():
        stmt = stmt.where(case_text_match(session, search))
    if status:
        stmt = stmt.where(Case.status.in_(list(status)))
    if kind:
        stmt = stmt.where(Case.kind.in_(list(kind)))
    if only is not None:
        stmt = stmt.where(Case.id.in_(only))
    cols = _ORDERS.get(order, _ORDERS["number"])
    stmt = stmt.order_by(*[c.desc() if descending else c for c in cols])
    return page(session, stmt, offset=offset, limit=limit)


def party_names(
    session: Session, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, str | None, str, str | None]]]:
    """(side, title, given name, surname) of the parties of each case, in entry order."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseParty.case_id, CaseParty.side, Person.title, Person.given_name, Person.surname)
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.case_id.in_(list(case_ids)), CaseParty.deleted_at.is_(None))
        .order_by(CaseParty.case_id, CaseParty.sort_order)
    ).all()
    out: dict[uuid.UUID, list[tuple[str, str | None, str, str | None]]] = defaultdict(list)
    for case_id, side, title, given, surname in rows:
        out[case_id].append((side, title, given, surname))
    return out


def settlement_of(session: Session, case_id: uuid.UUID) -> Settlement | None:
    return (
        session.execute(
            select(Settlement).where(Settlement.case_id == case_id, Settlement.deleted_at.is_(None))
        )
        .scalars()
        .first()
    )


def next_child_number(
    session: Session, model: type, parent_column: str, parent_id: uuid.UUID, number_column: str
) -> int:
    col = getattr(model, number_column)
    current = session.execute(
        select(func.max(col)).where(getattr(model, parent_column) == parent_id)
    ).scalar()
    return (current or 0) + 1


def count_by(session: Session, owner_id: uuid.UUID | None, column: str) -> dict[str, int]:
    col = getattr(Case, column)
    rows = session.execute(
        select(col, func.count()).where(live(Case, owner_id)).group_by(col)
    ).all()
    return {k: n for k, n in rows}


def responsible_name(session: Session, case_id: uuid.UUID) -> tuple[str | None, str, str | None]:
    """(title, given name, surname) of the person responsible for a case (who took it in),
    or ``(None, "", None)`` when nobody is recorded."""
    row = session.execute(
        select(Person.title, Person.given_name, Person.surname)
        .join(Case, Case.responsible_id == Person.id)
        .where(Case.id == case_id)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else (None, "", None)
