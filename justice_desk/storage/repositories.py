"""Queries the services need, so that no SQL lives above this layer.

Functions take an open session (from ``Database.read()``/``write()``) and return ORM rows or
plain values; services turn them into data objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from justice_desk.domain import thai_text
from justice_desk.errors import NotFoundError
from justice_desk.i18n import _
from justice_desk.storage.models import Activity, Case, CaseParty, Meeting, Person, Site, Syncable

M = TypeVar("M", bound=Syncable)
#: Records with a visible number per Buddhist Era year.
Numbered = TypeVar("Numbered", Case, Meeting)
#: Records with a normalised ``search_text`` column (FTS5-indexed on SQLite).
Searchable: TypeAlias = type[Person] | type[Case] | type[Activity]

#: Queries shorter than this cannot use the trigram index and fall back to LIKE.
TRIGRAM_MIN = 3


def get(session: Session, model: type[M], row_id: uuid.UUID, *, include_deleted: bool = False) -> M:
    row = session.get(model, row_id)
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(_("The record was not found; it may have been deleted."))
    return row


def live(model: type[Syncable], owner_id: uuid.UUID | None = None) -> ColumnElement[bool]:
    """Not soft-deleted (and owned by ``owner_id`` when given)."""
    cond: ColumnElement[bool] = model.deleted_at.is_(None)
    if owner_id is not None:
        cond = and_(cond, model.owner_id == owner_id)
    return cond


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_rowids(table: str, query: str) -> Select[Any]:
    """``SELECT rowid`` of rows whose search text contains ``query`` (trigram index)."""
    phrase = '"' + query.replace('"', '""') + '"'
    return (
        select(literal_column("rowid"))
        .select_from(text(f"{table}_fts"))
        .where(text(f"{table}_fts MATCH :fts_{table}").bindparams(**{f"fts_{table}": phrase}))
    )


def _like_rowids(model: Searchable, query: str) -> Select[Any]:
    """``SELECT rowid`` of live rows whose search text contains ``query``
    (scan, for 1–2 characters)."""
    table = model.__tablename__
    source = text(f"{table} INDEXED BY ix_{table}_live_search") if table == "cases" else text(table)
    return (
        select(literal_column("rowid"))
        .select_from(source)
        .where(
            literal_column("deleted_at").is_(None),
            literal_column("search_text").like(f"%{_escape_like(query)}%", escape="\\"),
        )
    )


def _matching_rowids(session: Session, model: Searchable, query: str) -> Select[Any]:
    return (
        _fts_rowids(model.__tablename__, query)
        if len(query) >= TRIGRAM_MIN
        else _like_rowids(model, query)
    )


def text_match(session: Session, model: Searchable, query: str) -> ColumnElement[bool]:
    """Rows of ``model`` whose search text contains ``query`` (normalised, case-insensitive).

    SQLite with 3+ characters uses the FTS5 trigram index; shorter queries scan the narrow
    search column; other databases use ILIKE on the same normalised column.
    """
    q = thai_text.search_query(query)
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"{model.__tablename__}.rowid").in_(
            _matching_rowids(session, model, q)
        )
    return model.search_text.ilike(f"%{_escape_like(q)}%", escape="\\")


def case_text_match(session: Session, query: str) -> ColumnElement[bool]:
    """Cases found by their own text (number, subject) or by a party's name.

    On SQLite both ways are one UNION of rowids, so the trigram index is read once and the
    register's sort index does the rest.
    """
    q = thai_text.search_query(query)
    if session.get_bind().dialect.name == "sqlite":
        people = select(Person.id).where(
            literal_column("people.rowid").in_(_matching_rowids(session, Person, q))
        )
        by_party: Select[Any] = (
            select(literal_column("cases.rowid"))
            .select_from(CaseParty.__table__.join(Case.__table__, Case.id == CaseParty.case_id))
            .where(CaseParty.deleted_at.is_(None), CaseParty.person_id.in_(people))
        )
        return literal_column("cases.rowid").in_(_matching_rowids(session, Case, q).union(by_party))
    people = select(Person.id).where(text_match(session, Person, query))
    by_party_ids = select(CaseParty.case_id).where(
        CaseParty.person_id.in_(people), CaseParty.deleted_at.is_(None)
    )
    return or_(text_match(session, Case, query), Case.id.in_(by_party_ids))


@dataclass(frozen=True)
class PageResult:
    rows: Sequence[Any]
    total: int


def page(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    offset: int,
    limit: int,
    count: bool = True,
) -> PageResult:
    """One window of ``stmt`` and the total number of rows it has."""
    total = (
        session.execute(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        ).scalar_one()
        if count
        else -1
    )
    rows = session.execute(stmt.offset(offset).limit(limit)).all()
    return PageResult(rows, total)


def max_number(
    session: Session, model: type[Case] | type[Meeting], owner_id: uuid.UUID, year_be: int
) -> int | None:
    """Highest number used this BE year (deleted records keep their numbers:
    numbers never repeat)."""
    return session.execute(
        select(func.max(model.number)).where(model.owner_id == owner_id, model.year_be == year_be)
    ).scalar()


def find_by_number(
    session: Session, model: type[Numbered], owner_id: uuid.UUID | None, year_be: int, number: int
) -> Numbered | None:
    stmt = select(model).where(
        model.year_be == year_be, model.number == number, model.deleted_at.is_(None)
    )
    if owner_id is not None:
        stmt = stmt.where(model.owner_id == owner_id)
    return session.execute(stmt).scalars().first()


def children(
    session: Session,
    model: type[M],
    parent_column: str,
    parent_id: uuid.UUID,
    order_by: str | None = None,
) -> list[M]:
    col = getattr(model, parent_column)
    stmt = select(model).where(col == parent_id, model.deleted_at.is_(None))
    if order_by:
        stmt = stmt.order_by(getattr(model, order_by))
    return list(session.execute(stmt).scalars())


def scalars(session: Session, stmt: Select[Any]) -> list[Any]:
    return list(session.execute(stmt).scalars())


def site_by_code(session: Session, code: str) -> Site | None:
    return (
        session.execute(select(Site).where(Site.code == code.strip(), Site.deleted_at.is_(None)))
        .scalars()
        .first()
    )
