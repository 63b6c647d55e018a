"""Queries the services need, so that no SQL lives above this layer.

Functions take an open session (from ``Database.read()``/``write()``) and return ORM rows or
plain values; services turn them into data objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from justice_desk.domain import thai_text
from justice_desk.errors import NotFoundError
from justice_desk.i18n import _
from justice_desk.storage.models import Case, CaseParty, Syncable

M = TypeVar("M", bound=Syncable)

#: Queries shorter than this cannot use the trigram index and fall back to LIKE.
TRIGRAM_MIN = 3


def get(session: Session, model: type[M], row_id: uuid.UUID, *, include_deleted: bool = False) -> M:
    row = session.get(model, row_id)
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(_("The record was not found; it may have been deleted."))
    return row


def live(model: type[Syncable], owner_id: uuid.UUID | None = None) -> ColumnElement[bool]:
    """Not soft-deleted (and owned by ``owner_id`` when given)."""
    cond = model.deleted_at.is_(None)
    if owner_id is not None:
        cond = and_(cond, model.owner_id == owner_id)
    return cond


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_match(session: Session, model: type[Any], query: str) -> ColumnElement[bool]:
    """Rows of ``model`` whose search text contains ``query`` (normalised, case-insensitive).

    SQLite with 3+ characters uses the FTS5 trigram index; shorter queries and other databases
    use LIKE/ILIKE on the same normalised column.
    """
    q = thai_text.search_query(query)
    table = model.__tablename__
    if session.get_bind().dialect.name == "sqlite" and len(q) >= TRIGRAM_MIN:
        phrase = '"' + q.replace('"', '""') + '"'
        return literal_column(f"{table}.rowid").in_(
            select(literal_column("rowid"))
            .select_from(text(f"{table}_fts"))
            .where(text(f"{table}_fts MATCH :fts_q").bindparams(fts_q=phrase))
        )
    return model.search_text.ilike(f"%{_escape_like(q)}%", escape="\\")


def case_text_match(session: Session, query: str) -> ColumnElement[bool]:
    """Cases found by their own text (number, subject, facts) or by a party's name."""
    from justice_desk.storage.models import Person

    people = select(Person.id).where(text_match(session, Person, query))
    by_party = select(CaseParty.case_id).where(CaseParty.person_id.in_(people), CaseParty.deleted_at.is_(None))
    return or_(text_match(session, Case, query), Case.id.in_(by_party))


@dataclass(frozen=True)
class PageResult:
    rows: Sequence[Any]
    total: int


def page(session: Session, stmt: Select[Any], *, offset: int, limit: int, count: bool = True) -> PageResult:
    """One window of ``stmt`` and the total number of rows it has."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one() if count else -1
    rows = session.execute(stmt.offset(offset).limit(limit)).all()
    return PageResult(rows, total)


def max_number(session: Session, model: type[Any], owner_id: uuid.UUID, year_be: int) -> int | None:
    """Highest number used this BE year (deleted records keep their numbers: numbers never repeat)."""
    return session.execute(
        select(func.max(model.number)).where(model.owner_id == owner_id, model.year_be == year_be)
    ).scalar()


def find_by_number(session: Session, model: type[Any], owner_id: uuid.UUID | None, year_be: int, number: int) -> Any:
    stmt = select(model).where(model.year_be == year_be, model.number == number, model.deleted_at.is_(None))
    if owner_id is not None:
        stmt = stmt.where(model.owner_id == owner_id)
    return session.execute(stmt).scalars().first()


def children(session: Session, model: type[M], parent_column: str, parent_id: uuid.UUID, order_by: str | None = None) -> list[M]:
    col = getattr(model, parent_column)
    stmt = select(model).where(col == parent_id, model.deleted_at.is_(None))
    if order_by:
        stmt = stmt.order_by(getattr(model, order_by))
    return list(session.execute(stmt).scalars())


def scalars(session: Session, stmt: Select[Any]) -> list[Any]:
    return list(session.execute(stmt).scalars())


def site_by_code(session: Session, code: str) -> Any:
    from justice_desk.storage.models import Site

    return session.execute(select(Site).where(Site.code == code.strip(), Site.deleted_at.is_(None))).scalars().first()
