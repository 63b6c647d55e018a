"""Queries behind the meeting and activity services."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Label, func, literal, select, tuple_
from sqlalchemy.orm import Session

from justice_desk.storage.models import Activity, Meeting, MeetingAttendance
from justice_desk.storage.repositories import PageResult, live, meeting_match, page, text_match


def _present() -> Label[int]:
    return (
        select(func.count())
        .where(
            MeetingAttendance.meeting_id == Meeting.id,
            MeetingAttendance.deleted_at.is_(None),
            MeetingAttendance.attendance.in_(["present", "substitute"]),
        )
        .scalar_subquery()
        .label("present")
    )


def meetings_page(
    session: Session, *, search: str | None, owner_id: uuid.UUID | None, offset: int, limit: int
) -> PageResult:
    stmt = select(Meeting, _present()).where(live(Meeting, owner_id))
    if search and search.strip():
        stmt = stmt.where(meeting_match(search))
    return page(
        session,
        stmt.order_by(Meeting.year_be.desc(), Meeting.number.desc()),
        offset=offset,
        limit=limit,
    )


def previous_meeting(
    session: Session, owner_id: uuid.UUID, before: dt.date, exclude: uuid.UUID | None = None
) -> Meeting | None:
    stmt = select(Meeting).where(live(Meeting, owner_id), Meeting.held_on <= before)
    if exclude is not None:
        stmt = stmt.where(Meeting.id != exclude)
    return (
        session.execute(
            stmt.order_by(Meeting.held_on.desc(), Meeting.year_be.desc(), Meeting.number.desc())
        )
        .scalars()
        .first()
    )


def meetings_beside(
    session: Session,
    meeting: Meeting,
    *,
    earlier: bool,
    status: str | None = None,
    limit: int | None = None,
) -> list[tuple[Meeting, int]]:
    """The same body's meetings held before (``earlier``) or after ``meeting``, in the order
    they were held (date, then number), nearest first, with how many were present."""
    key = tuple_(Meeting.held_on, Meeting.year_be, Meeting.number)
    mine = tuple_(literal(meeting.held_on), literal(meeting.year_be), literal(meeting.number))
    stmt = select(Meeting, _present()).where(
        live(Meeting, meeting.owner_id),
        Meeting.id != meeting.id,
        key < mine if earlier else key > mine,
    )
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    order = (Meeting.held_on, Meeting.year_be, Meeting.number)
    stmt = stmt.order_by(*(c.desc() for c in order) if earlier else order).limit(limit)
    return [(m, present) for m, present in session.execute(stmt).all()]


def activities_page(
    session: Session, *, search: str | None, owner_id: uuid.UUID | None, offset: int, limit: int
) -> PageResult:
    stmt = select(Activity).where(live(Activity, owner_id))
    if search and search.strip():
        stmt = stmt.where(text_match(session, Activity, search))
    result = page(
        session, stmt.order_by(Activity.held_on.desc(), Activity.id), offset=offset, limit=limit
    )
    return PageResult([r[0] for r in result.rows], result.total)
