"""Queries behind the people, membership, committee and mediator services."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from justice_desk.storage.models import CommitteePositionRow, CommitteeTerm, Mediator, Membership, Person
from justice_desk.storage.repositories import PageResult, live, page, text_match


def _active_member():
    return exists().where(
        Membership.person_id == Person.id, Membership.status == "active", Membership.deleted_at.is_(None)
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
) -> PageResult:
    is_member = _active_member()
    stmt = select(
        Person.id, Person.title, Person.given_name, Person.surname, Person.national_id, Person.phone,
        Person.village, Person.community_role, is_member.label("is_member"),
    ).where(live(Person, owner_id))
    if search and search.strip():
        stmt = stmt.where(text_match(session, Person, search))
    if members_only:
        stmt = stmt.where(is_member)
    order = Person.sort_key.desc() if descending else Person.sort_key
    return page(session, stmt.order_by(order, Person.id), offset=offset, limit=limit)


def active_membership(session: Session, person_id: uuid.UUID) -> Membership | None:
    return session.execute(
        select(Membership).where(Membership.person_id == person_id, Membership.status == "active", Membership.deleted_at.is_(None))
    ).scalars().first()


def members_page(session: Session, *, search: str | None, owner_id: uuid.UUID | None, offset: int, limit: int) -> PageResult:
    stmt = select(Membership).join(Person, Person.id == Membership.person_id).where(live(Membership, owner_id), Person.deleted_at.is_(None))
    if search and search.strip():
        stmt = stmt.where(or_(text_match(session, Person, search), Membership.member_no == search.strip()))
    result = page(session, stmt.order_by(Person.sort_key, Person.id), offset=offset, limit=limit)
    return PageResult([r[0] for r in result.rows], result.total)


def terms(session: Session, owner_id: uuid.UUID | None) -> list[CommitteeTerm]:
    stmt = select(CommitteeTerm).where(live(CommitteeTerm, owner_id)).order_by(CommitteeTerm.starts_on.desc())
    return list(session.execute(stmt).scalars())


def seats_on(session: Session, on: dt.date, owner_id: uuid.UUID | None) -> list[CommitteePositionRow]:
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
    stmt = select(Mediator).join(Person, Person.id == Mediator.person_id).where(live(Mediator, owner_id)).order_by(Person.sort_key)
    return list(session.execute(stmt).scalars().unique())
