"""Queries the services need, so that no SQL lives above this layer.

Functions take an open session (from ``Database.read()``/``write()``) and return ORM rows or
plain values; services turn them into data objects.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from justice_desk.domain import search
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


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_rowids(table: str, query: str) -> Select[Any]:
    """``SELECT rowid`` of rows whose search text contains ``query`` (trigram index)."""
    phrase = '"' + query.replace('"', '""') + '"'
    # one statement may match several words: each phrase gets a name of its own
    name = f"fts_{table}_{hashlib.blake2s(phrase.encode(), digest_size=8).hexdigest()}"
    return (
        select(literal_column("rowid"))
        .select_from(text(f"{table}_fts"))
        .where(text(f"{table}_fts MATCH :{name}").bindparams(**{name: phrase}))
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
            literal_column("search_text").like(f"%{escape_like(query)}%", escape="\\"),
        )
    )


def _matching_rowids(session: Session, model: Searchable, query: str) -> Select[Any]:
    return (
        _fts_rowids(model.__tablename__, query)
        if len(query) >= TRIGRAM_MIN
        else _like_rowids(model, query)
    )


def _contains(session: Session, model: Searchable, word: str) -> ColumnElement[bool]:
    """Rows of ``model`` whose search text contains ``word`` (already in search form)."""
    if not word:
        return true()
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"{model.__tablename__}.rowid").in_(
            _matching_rowids(session, model, word)
        )
    return model.search_text.ilike(f"%{escape_like(word)}%", escape="\\")


def _forms(model: Searchable, word: search.Word) -> tuple[str, ...]:
    # Only a person's name has a title that a document may print and the register may lack.
    return word.forms if model is Person else (word.text,)


def _query_words(query: str | search.Query, numbered: bool) -> tuple[search.Word, ...]:
    """The words of a query; record numbers become words for records that have no number."""
    parsed = search.parse_query(query) if isinstance(query, str) else query
    if numbered:
        return parsed.words
    numbers = tuple(search.Word(search.number_text(n, padded=False)) for n in parsed.numbers)
    return parsed.words + numbers


def text_match(
    session: Session, model: Searchable, query: str | search.Query
) -> ColumnElement[bool]:
    """Rows of ``model`` whose search text contains every word of ``query``
    (docs/thai-text-and-printing.md §7).

    SQLite uses the FTS5 trigram index for words of 3+ characters and scans the narrow search
    column for shorter ones; other databases use ILIKE on the same normalised column.
    """
    words = _query_words(query, numbered=False)
    if not words:
        return true()
    return and_(
        *(or_(*(_contains(session, model, form) for form in _forms(model, w))) for w in words)
    )


def case_text_match(session: Session, query: str | search.Query) -> ColumnElement[bool]:
    """Cases found by their own text (number, subject) or by a party's name: every word of the
    query in one or the other, and the case numbers it names.

    On SQLite each word is one UNION of rowids, so the trigram index is read once per word and
    the register's sort index does the rest.
    """
    parsed = search.parse_query(query) if isinstance(query, str) else query
    conditions: list[ColumnElement[bool]] = [
        and_(Case.year_be == n.year_be, Case.number == n.number) for n in parsed.numbers
    ]
    sqlite = session.get_bind().dialect.name == "sqlite"
    for word in parsed.words:
        people = select(Person.id).where(
            or_(*(_contains(session, Person, form) for form in _forms(Person, word)))
        )
        if sqlite:
            by_party: Select[Any] = (
                select(literal_column("cases.rowid"))
                .select_from(CaseParty.__table__.join(Case.__table__, Case.id == CaseParty.case_id))
                .where(CaseParty.deleted_at.is_(None), CaseParty.person_id.in_(people))
            )
            conditions.append(
                literal_column("cases.rowid").in_(
                    _matching_rowids(session, Case, word.text).union(by_party)
                )
            )
        else:
            by_party_ids = select(CaseParty.case_id).where(
                CaseParty.person_id.in_(people), CaseParty.deleted_at.is_(None)
            )
            conditions.append(or_(_contains(session, Case, word.text), Case.id.in_(by_party_ids)))
    return and_(*conditions) if conditions else true()


def meeting_match(query: str) -> ColumnElement[bool]:
    """Meetings named by the query (docs/thai-text-and-printing.md §7): the numbers it writes
    (``4/2569``, ``ครั้งที่ ๔/๒๕๖๙``) and every other word in the place, the body's name or the
    number."""
    parsed = search.parse_query(query)
    conditions: list[ColumnElement[bool]] = [
        and_(Meeting.year_be == n.year_be, Meeting.number == n.number) for n in parsed.numbers
    ]
    number = (
        func.cast(Meeting.number, type_=Meeting.place.type)
        + "/"
        + func.cast(Meeting.year_be, type_=Meeting.place.type)
    )
    for word in parsed.words:
        # places are stored as typed: digits may be Thai there
        forms = dict.fromkeys((word.text, search.arabic_digit_to_thai_digit(word.text)))
        conditions.append(
            or_(
                *(
                    func.replace(column, " ", "").ilike(f"%{escape_like(form)}%", escape="\\")
                    for column in (Meeting.place, Meeting.body_name, number)
                    for form in forms
                )
            )
        )
    return and_(*conditions) if conditions else true()


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
