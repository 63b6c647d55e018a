"""Queries behind the meeting and activity services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import Session

from justice_desk.storage.models import Activity, Meeting, MeetingAttendance
from justice_desk.storage.repositories import PageResult, live, meeting_match, page, text_match


def meetings_page(
    session: Session, *, search: str | None, owner_id: uuid.UUID | None, offset: int, limit: int
) -> PageResult:
    stmt = select(Meeting).where(live(Meeting, owner_id))
    if search and search.strip():
        stmt = stmt.where(meeting_match(search))
    result = page(
        session,
        stmt.order_by(Meeting.year_be.desc(), Meeting.number.desc()),
        offset=offset,
        limit=limit,
    )
    return PageResult([r[0] for r in result.rows], result.total)


def meetings_beside(
    session: Session,
    meeting: Meeting,
    *,
    earlier: bool,
    status: str | None = None,
    limit: int | None = None,
) -> list[Meeting]:
    """The same body's meetings held before (``earlier``) or after ``meeting``, in the order
    they were held (date, then number), nearest first."""
    key = tuple_(Meeting.held_on, Meeting.year_be, Meeting.number)
    mine = tuple_(literal(meeting.held_on), literal(meeting.year_be), literal(meeting.number))
    stmt = select(Meeting).where(
        live(Meeting, meeting.owner_id),
        Meeting.id != meeting.id,
        key < mine if earlier else key > mine,
    )
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    order = (Meeting.held_on, Meeting.year_be, Meeting.number)
    stmt = stmt.order_by(*(c.desc() for c in order) if earlier else order).limit(limit)
    return list(session.execute(stmt).scalars())


def attendance_of(
    session: Session, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[MeetingAttendance]]:
    """The live attendance lines of these meetings, in list order, by meeting."""
    found: dict[uuid.UUID, list[MeetingAttendance]] = {m: [] for m in meeting_ids}
    if not meeting_ids:
        return found
    stmt = (
        select(MeetingAttendance)
        .where(
            MeetingAttendance.meeting_id.in_(list(meeting_ids)),
            MeetingAttendance.deleted_at.is_(None),
        )
        .order_by(MeetingAttendance.meeting_id, MeetingAttendance.sort_order)
    )
    for line in session.execute(stmt).scalars():
        found[line.meeting_id].append(line)
    return found


def undecided_meetings(session: Session, owner_id: uuid.UUID) -> list[Meeting]:
    """This body's live meetings whose minutes are not adopted yet (their agenda may change)."""
    stmt = select(Meeting).where(live(Meeting, owner_id), Meeting.status != "adopted")
    return list(session.execute(stmt).scalars())


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
