"""Queries behind the people, membership, committee and mediator services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from justice_desk.storage.models import (
    CommitteePositionRow,
    CommitteeTerm,
    Mediator,
    Membership,
    Person,
)
from justice_desk.storage.repositories import PageResult, live, page, text_match


def _active_members() -> Select[uuid.UUID]:
    """Ids of people with an active network membership (a small set, probed per row)."""
    return select(Membership.person_id).where(
        Membership.status == "active", Membership.deleted_at.is_(None)
    )


def people_page(
    session: Session,
    *,
    search: str | None,
    members_only: bool,
    owner_id: uuid.UUID | None,
    offset: int,
    limit: int,
    descending: bool = False,
    only: Select[Any] | None = None,
) -> PageResult:
    """One window of people in Thai order (``only``: the ids that may be listed).
    The window's ids are found first on the narrow sort
    index, and the displayed columns are read only for those rows, so a deep offset stays cheap."""
    members = _active_members()
    ids = select(Person.id, Person.sort_key).where(live(Person, owner_id))
    if search and search.strip():
        ids = ids.where(text_match(session, Person, search))
    if members_only:
        ids = ids.where(Person.id.in_(members))
    if only is not None:
        ids = ids.where(Person.id.in_(only))
    order = (
        (Person.sort_key.desc(), Person.id.desc()) if descending else (Person.sort_key, Person.id)
    )
    total = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    window = ids.order_by(*order).offset(offset).limit(limit).subquery()
    stmt = (
        select(
            Person.id,
            Person.title,
            Person.given_name,
            Person.surname,
            Person.national_id,
            Person.phone,
            Person.village,
            Person.community_role,
            Person.id.in_(members).label("is_member"),
        )
        .join(window, window.c.id == Person.id)
        .order_by(
            *(
                (window.c.sort_key.desc(), window.c.id.desc())
                if descending
                else (window.c.sort_key, window.c.id)
            )
        )
    )
    return PageResult(session.execute(stmt).all(), total)


def membership_of(session: Session, person_id: uuid.UUID) -> list[Membership]:
    return list(
        session.execute(
            select(Membership)
            .where(Membership.person_id == person_id, Membership.deleted_at.is_(None))
            .order_by(Membership.joined_on)
        ).scalars()
    )


def seats_of_term(session: Session, term_id: uuid.UUID) -> list[CommitteePositionRow]:
    return list(
        session.execute(
            select(CommitteePositionRow).where(
                CommitteePositionRow.term_id == term_id, CommitteePositionRow.deleted_at.is_(None)
            )
        )
        .scalars()
        .unique()
    )


def active_membership(session: Session, person_id: uuid.UUID) -> Membership | None:
    return (
        session.execute(
            select(Membership).where(
                Membership.person_id == person_id,
                Membership.status == "active",
                Membership.deleted_at.is_(None),
            )
        )
        .scalars()
        .first()
    )


def members_page(
    session: Session, *, search: str | None, owner_id: uuid.UUID | None, offset: int, limit: int
) -> PageResult:
    stmt = (
        select(Membership)
        .join(Person, Person.id == Membership.person_id)
        .where(live(Membership, owner_id), Person.deleted_at.is_(None))
    )
    if search and search.strip():
        stmt = stmt.where(
            or_(text_match(session, Person, search), Membership.member_no == search.strip())
        )
    result = page(session, stmt.order_by(Person.sort_key, Person.id), offset=offset, limit=limit)
    return PageResult([r[0] for r in result.rows], result.total)


def terms(session: Session, owner_id: uuid.UUID | None) -> list[CommitteeTerm]:
    stmt = (
        select(CommitteeTerm)
        .where(live(CommitteeTerm, owner_id))
        .order_by(CommitteeTerm.starts_on.desc())
    )
    return list(session.execute(stmt).scalars())


def seats_on(
    session: Session, on: dt.date, owner_id: uuid.UUID | None
) -> list[CommitteePositionRow]:
    stmt = (
        select(CommitteePositionRow)
        .join(CommitteeTerm, CommitteeTerm.id == CommitteePositionRow.term_id)
        .where(
            live(CommitteePositionRow, owner_id),
            CommitteeTerm.deleted_at.is_(None),
            CommitteeTerm.starts_on <= on,
            or_(CommitteeTerm.ends_on.is_(None), CommitteeTerm.ends_on >= on),
            CommitteePositionRow.starts_on <= on,
            or_(CommitteePositionRow.ends_on.is_(None), CommitteePositionRow.ends_on >= on),
        )
    )
    return list(session.execute(stmt).scalars().unique())


def mediators(session: Session, owner_id: uuid.UUID | None) -> list[Mediator]:
    stmt = (
        select(Mediator)
        .join(Person, Person.id == Mediator.person_id)
        .where(live(Mediator, owner_id))
        .order_by(Person.sort_key)
    )
    return list(session.execute(stmt).scalars().unique())


def people_with_national_id(
    session: Session, digits: str, owner_id: uuid.UUID | None, exclude: uuid.UUID | None
) -> list[Person]:
    """Live people recorded with these national-ID digits (indexed), oldest first."""
    stmt = select(Person).where(live(Person, owner_id), Person.national_id == digits)
    if exclude is not None:
        stmt = stmt.where(Person.id != exclude)
    return list(session.execute(stmt.order_by(Person.created_at, Person.id)).scalars())


#: At most this many people are compared by name for one duplicate check.
DUPLICATE_CANDIDATES = 5000


def duplicate_candidates(
    session: Session,
    *,
    birth_year: int | None,
    sort_key: str,
    owner_id: uuid.UUID | None,
    exclude: uuid.UUID | None,
) -> list[Person]:
    """People who may be the same person as a record with this birth year (CE) or exactly this
    name (its sort key): born the same year, or without a birth recorded, or of the same name.
    The names are compared by the caller."""
    conditions = [Person.sort_key == sort_key]
    if birth_year is not None:
        conditions.append(Person.birth_year == birth_year)
    stmt = select(Person).where(live(Person, owner_id), or_(*conditions))
    if exclude is not None:
        stmt = stmt.where(Person.id != exclude)
    return list(session.execute(stmt.limit(DUPLICATE_CANDIDATES)).scalars())
