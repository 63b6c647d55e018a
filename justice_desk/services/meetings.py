"""Committee meetings: numbering per BE year, the standard agenda, attendance and quorum,
resolutions and votes, and adoption of minutes (adopted minutes are locked; a correction is a
new version)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from justice_desk.domain import meetings as rules
from justice_desk.domain.access import Permission
from justice_desk.domain.dates import be_year
from justice_desk.domain.enums import Attendance, CommitteePosition, MeetingMode, MeetingStatus
from justice_desk.domain.numbering import format_meeting_number, next_number
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.services.access import require
from justice_desk.services.common import Page, check_rev, clean, find_by_reference, required
from justice_desk.services.people import full_name, roster
from justice_desk.storage import audit
from justice_desk.storage import meeting_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    AgendaItem,
    Meeting,
    MeetingAttendance,
    MinutesVersion,
    Person,
    Site,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class MeetingInput:
    held_on: dt.date
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    place: str | None = None
    mode: MeetingMode = MeetingMode.IN_PERSON
    body_name: str | None = None
    minute_taker_id: uuid.UUID | None = None
    checker_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    attendance: Attendance
    person_id: uuid.UUID | None = None
    position: CommitteePosition | None = None
    position_label: str | None = None
    absence_reason: str | None = None
    substitute_for_id: uuid.UUID | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class AgendaItemData:
    number: int
    title: str
    discussion: str | None = None
    resolution: str | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class MeetingRow:
    """A meeting in the register. ``present``, ``members`` and ``not_recorded`` are counted as
    the quorum line counts them (``domain.meetings.count_quorum``)."""

    id: uuid.UUID
    number: str
    held_on: dt.date
    place: str | None
    status: MeetingStatus
    present: int
    members: int = 0
    not_recorded: int = 0
    required: int = 0
    adopted_in: str | None = None

    @property
    def quorum(self) -> rules.Quorum:
        return rules.Quorum(self.members, self.present, self.required, self.not_recorded)


@dataclass(frozen=True)
class MeetingDetail:
    id: uuid.UUID
    rev: int
    number: str
    year_be: int
    number_in_year: int
    body_name: str
    held_on: dt.date
    starts_at: dt.time | None
    ends_at: dt.time | None
    place: str | None
    mode: MeetingMode
    status: MeetingStatus
    attendance: tuple[AttendanceLine, ...]
    agenda: tuple[AgendaItemData, ...]
    quorum: rules.Quorum
    minute_taker: str | None
    minute_taker_id: uuid.UUID | None
    checker: str | None
    checker_id: uuid.UUID | None
    adopted_in: str | None
    minutes_version: int
    #: This center's quorum rule (the share of members that must be present), for live checks.
    quorum_fraction: Fraction = rules.DEFAULT_QUORUM

    @property
    def locked(self) -> bool:
        return self.status is MeetingStatus.ADOPTED

    def lines(self, kind: Attendance) -> list[AttendanceLine]:
        return [a for a in self.attendance if a.attendance is kind]


class AttendanceNotTakenError(ValidationError):
    """Something that needs the attendance (printing the minutes, adopting them) was asked of a
    meeting whose attendance is not taken. ``reason`` is stable for callers that translate it
    into what to do next (the Meetings page opens the attendance tab)."""

    reason = "attendance_not_taken"

    def __init__(self, message: str, number: str) -> None:
        super().__init__(message, "attendance")
        self.number = number


def require_attendance(detail: MeetingDetail, what: str) -> None:
    """Refuse ``what`` (a translated noun phrase: "The minutes of meeting 4/2569 cannot be
    printed") while any member's attendance is not recorded."""
    q = detail.quorum
    if q.taken:
        return
    if not q.started:
        message = _(
            "{what}: attendance has not been taken. Record which members came and which did "
            "not first (a blank attendance sheet can be printed for signing)."
        )
    else:
        message = _(
            "{what}: the attendance of {missing} of {members} members is not recorded yet. "
            "Record it first."
        )
    raise AttendanceNotTakenError(
        message.format(what=what, missing=q.not_recorded, members=q.members), detail.number
    )


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "These minutes were adopted and are locked. To change them, "
            "make a correction (it becomes a new version)."
        ),
        "status",
    )


def _default_body_name(session: Session, owner_id: uuid.UUID) -> str:
    site = repo.get(session, Site, owner_id)
    return _("Committee of the {center}").format(center=site.name)


def create_meeting(db: Database, data: MeetingInput) -> MeetingDetail:
    """A new meeting with the next number of its BE year, the standard five agenda items (item 2
    names the meeting before it, ``previous_meeting``) and an attendance line for every member
    of the committee serving that day, *not recorded yet*: attendance is taken at the meeting."""
    require(db, Permission.MEETINGS)
    seats = roster(db, data.held_on)
    with db.write() as session:
        owner = db.site_id
        year = be_year(data.held_on)
        row = Meeting(
            year_be=year,
            number=next_number(repo.max_number(session, Meeting, owner, year)),
            body_name=clean(data.body_name) or _default_body_name(session, owner),
            held_on=data.held_on,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            place=clean(data.place),
            mode=data.mode.value,
            status=MeetingStatus.DRAFT.value,
            minute_taker_id=data.minute_taker_id
            or next(
                (s.person_id for s in seats if s.position is CommitteePosition.SECRETARY), None
            ),
            checker_id=data.checker_id
            or next((s.person_id for s in seats if s.position is CommitteePosition.CHAIR), None),
        )
        session.add(row)
        session.flush()
        previous = _before(session, row)
        prev_label = format_meeting_number(previous.number, previous.year_be) if previous else None
        for i, title in enumerate(rules.standard_agenda(prev_label), start=1):
            session.add(AgendaItem(meeting_id=row.id, number=i, title=title))
        for i, seat in enumerate(seats):
            session.add(
                MeetingAttendance(
                    meeting_id=row.id,
                    person_id=seat.person_id,
                    name=seat.person_name,
                    position=seat.position.value,
                    position_label=seat.position.label(),
                    attendance=Attendance.NOT_TAKEN.value,
                    sort_order=i,
                )
            )
        session.flush()
        _retitle_adoption_items(session, owner)
        return _detail(session, row)


def update_meeting(
    db: Database, meeting_id: uuid.UUID, data: MeetingInput, expected_rev: int | None = None
) -> MeetingDetail:
    require(db, Permission.MEETINGS)
    if data.starts_at and data.ends_at and data.ends_at < data.starts_at:
        raise ValidationError(_("The meeting ends before it starts."), "ends_at")
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        check_rev(row.rev, expected_rev)
        if row.status == MeetingStatus.ADOPTED.value:
            raise _locked_error()
        if be_year(data.held_on) != row.year_be:
            raise ValidationError(
                _("A meeting cannot move to another year: its number belongs to {year}.").format(
                    year=row.year_be
                ),
                "held_on",
            )
        moved = row.held_on != data.held_on
        row.held_on, row.starts_at, row.ends_at = data.held_on, data.starts_at, data.ends_at
        row.place, row.mode = clean(data.place), data.mode.value
        row.body_name = clean(data.body_name) or row.body_name
        row.minute_taker_id, row.checker_id = data.minute_taker_id, data.checker_id
        session.flush()
        if moved:
            _retitle_adoption_items(session, row.owner_id)
        return _detail(session, row)


def save_attendance(
    db: Database,
    meeting_id: uuid.UUID,
    lines: list[AttendanceLine],
    agenda: list[AgendaItemData] | None = None,
) -> MeetingDetail:
    """Replace the attendance list: lines with an id are updated, new ones added,
    missing ones removed. The votes recorded must still fit the members present: ``agenda``
    replaces the agenda in the same transaction (attendance and votes changed together),
    otherwise the stored votes are checked against the new list."""
    require(db, Permission.MEETINGS)
    for line in lines:
        required(line.name, _("Each attendance line needs a name."), "name")
        if line.attendance is Attendance.NOT_TAKEN and line.position is None:
            raise ValidationError(
                _("Say whether {name} is present or absent.").format(name=line.name), "attendance"
            )
        if line.attendance is Attendance.SUBSTITUTE and line.substitute_for_id is None:
            raise ValidationError(
                _("Say whom {name} attends for.").format(name=line.name), "substitute_for_id"
            )
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        if row.status == MeetingStatus.ADOPTED.value:
            raise _locked_error()
        existing = {
            a.id: a for a in repo.children(session, MeetingAttendance, "meeting_id", meeting_id)
        }
        keep: set[uuid.UUID] = set()
        for i, line in enumerate(lines):
            target = existing.get(line.id) if line.id else None
            if target is None:
                target = MeetingAttendance(meeting_id=meeting_id)
                session.add(target)
            else:
                keep.add(target.id)
            values = dict(
                person_id=line.person_id,
                name=line.name.strip(),
                position=line.position.value if line.position else None,
                position_label=clean(line.position_label)
                or (line.position.label() if line.position else None),
                attendance=line.attendance.value,
                absence_reason=clean(line.absence_reason)
                if line.attendance is Attendance.ABSENT
                else None,
                substitute_for_id=line.substitute_for_id
                if line.attendance is Attendance.SUBSTITUTE
                else None,
                sort_order=i,
            )
            for key, value in values.items():
                if getattr(target, key) != value:
                    setattr(target, key, value)
        for old_id, old in existing.items():
            if old_id not in keep:
                old.deleted_at = utcnow()
        session.flush()
        if agenda is not None:
            _write_agenda(session, row, agenda)
        elif (attendance := _attendance_quorum(session, row)).taken:
            # Votes stored before the list was complete are checked once it is (recording
            # attendance bit by bit is never refused because of them).
            _check_votes(
                [
                    AgendaItemData(i.number, i.title, None, None, *_votes_of(i))
                    for i in repo.children(session, AgendaItem, "meeting_id", row.id, "number")
                ],
                attendance,
            )
        session.flush()
        return _detail(session, row)


def _votes_of(item: AgendaItem) -> tuple[int | None, int | None, int | None]:
    return item.votes_for, item.votes_against, item.votes_abstain


def _check_votes(items: list[AgendaItemData], attendance: rules.Quorum) -> None:
    for number, item in enumerate(items, start=1):
        problem = rules.vote_problem(
            item.votes_for, item.votes_against, item.votes_abstain, attendance
        )
        if problem is not None:
            raise ValidationError(
                _("Agenda item {number}: {problem}").format(number=number, problem=problem),
                "votes",
            )


def save_agenda(db: Database, meeting_id: uuid.UUID, items: list[AgendaItemData]) -> MeetingDetail:
    """Replace the agenda (titles, discussion, resolutions, votes) of a meeting not yet adopted."""
    require(db, Permission.MEETINGS)
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        if row.status == MeetingStatus.ADOPTED.value:
            raise _locked_error()
        _write_agenda(session, row, items)
        session.flush()
        return _detail(session, row)


def _attendance_quorum(session: Session, row: Meeting) -> rules.Quorum:
    lines = q.attendance_of(session, [row.id])[row.id]
    site = repo.get(session, Site, row.owner_id, include_deleted=True)
    return rules.count_quorum(
        (_facts(a) for a in lines), Fraction(site.quorum_numerator, site.quorum_denominator)
    )


def _facts(a: MeetingAttendance) -> rules.Line:
    return rules.Line(
        Attendance(a.attendance),
        CommitteePosition(a.position) if a.position else None,
        a.person_id,
        a.substitute_for_id,
    )


def _write_agenda(session: Session, row: Meeting, items: list[AgendaItemData]) -> None:
    meeting_id = row.id
    for item in items:
        required(item.title, _("Each agenda item needs a title."), "title")
    _check_votes(items, _attendance_quorum(session, row))
    existing = {a.id: a for a in repo.children(session, AgendaItem, "meeting_id", meeting_id)}
    keep: set[uuid.UUID] = set()
    for number, item in enumerate(items, start=1):
        target = existing.get(item.id) if item.id else None
        if target is None:
            target = AgendaItem(meeting_id=meeting_id)
            session.add(target)
        else:
            keep.add(target.id)
        values = dict(
            number=number,
            title=item.title.strip(),
            discussion=clean(item.discussion),
            resolution=clean(item.resolution),
            votes_for=item.votes_for,
            votes_against=item.votes_against,
            votes_abstain=item.votes_abstain,
        )
        for key, value in values.items():
            if getattr(target, key) != value:
                setattr(target, key, value)
    for old_id, old in existing.items():
        if old_id not in keep:
            old.deleted_at = utcnow()


def mark_held(db: Database, meeting_id: uuid.UUID) -> MeetingDetail:
    require(db, Permission.MEETINGS)
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        if row.status != MeetingStatus.DRAFT.value:
            raise ValidationError(_("Only a planned meeting can be marked as held."), "status")
        if row.held_on > dt.date.today():
            raise ValidationError(
                _("A meeting dated in the future cannot be marked as held."), "held_on"
            )
        row.status = MeetingStatus.HELD.value
        session.flush()
        return _detail(session, row)


def adopt_minutes(
    db: Database, meeting_id: uuid.UUID, *, in_meeting_id: uuid.UUID
) -> MeetingDetail:
    """Agenda item 2 of ``in_meeting_id`` adopts the minutes of ``meeting_id``: they become locked
    and a frozen copy is kept as version 1."""
    require(db, Permission.MEETINGS)
    with db.write() as session:
        target = repo.get(session, Meeting, meeting_id)
        current = repo.get(session, Meeting, in_meeting_id)
        if target.status != MeetingStatus.HELD.value:
            raise ValidationError(
                _(
                    "Only the minutes of a meeting that was held and not yet "
                    "adopted can be adopted."
                ),
                "status",
            )
        if (current.held_on, current.year_be, current.number) <= (
            target.held_on,
            target.year_be,
            target.number,
        ):
            raise ValidationError(_("Minutes are adopted at a later meeting."), "in_meeting_id")
        label = format_meeting_number(target.number, target.year_be)
        before = _before(session, current)
        if before is None or before.id != target.id:
            raise ValidationError(
                _(
                    "Meeting {current} adopts the minutes of the meeting before it"
                    "{previous}, not those of meeting {number}."
                ).format(
                    current=format_meeting_number(current.number, current.year_be),
                    previous=(
                        " (" + format_meeting_number(before.number, before.year_be) + ")"
                        if before is not None
                        else ""
                    ),
                    number=label,
                ),
                "in_meeting_id",
            )
        require_attendance(
            _detail(session, target),
            _("The minutes of meeting {number} cannot be adopted").format(number=label),
        )
        target.status = MeetingStatus.ADOPTED.value
        target.adopted_in_meeting_id = current.id
        snapshot = _detail(session, target)
        session.add(
            MinutesVersion(
                meeting_id=target.id,
                version=target.minutes_version,
                snapshot=_snapshot_json(snapshot),
                adopted_in_meeting_id=current.id,
            )
        )
        items = repo.children(session, AgendaItem, "meeting_id", current.id, "number")
        adopting = next(
            (i for i in items if rules.adoption_title_names(i.title) is not None),
            next((i for i in items if i.number == 2), None),
        )
        if adopting is not None and not adopting.resolution:
            adopting.resolution = _(
                "The meeting adopted the minutes of meeting {number} without amendment."
            ).format(number=label)
        session.flush()
        return _detail(session, target)


def correct_minutes(
    db: Database,
    meeting_id: uuid.UUID,
    items: list[AgendaItemData],
    *,
    reason: str,
    in_meeting_id: uuid.UUID | None = None,
) -> MeetingDetail:
    """Correct adopted minutes: the content changes and a new version is recorded
    with the reason."""
    require(db, Permission.MEETINGS)
    reason = required(reason, _("Say why the adopted minutes are corrected."), "reason")
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        if row.status != MeetingStatus.ADOPTED.value:
            raise ValidationError(
                _("Minutes not yet adopted are edited directly, not corrected."), "status"
            )
        _write_agenda(session, row, items)
        row.minutes_version += 1
        session.flush()
        snapshot = _detail(session, row)
        session.add(
            MinutesVersion(
                meeting_id=row.id,
                version=row.minutes_version,
                snapshot=_snapshot_json(snapshot),
                reason=reason,
                adopted_in_meeting_id=in_meeting_id,
            )
        )
        session.flush()
        return _detail(session, row)


def minutes_versions(
    db: Database, meeting_id: uuid.UUID
) -> list[tuple[int, str | None, dict[str, Any]]]:
    with db.read() as session:
        return [
            (v.version, v.reason, json.loads(v.snapshot))
            for v in repo.children(session, MinutesVersion, "meeting_id", meeting_id, "version")
        ]


def delete_meeting(db: Database, meeting_id: uuid.UUID) -> None:
    require(db, Permission.MEETINGS)
    with db.write() as session:
        row = repo.get(session, Meeting, meeting_id)
        if row.status != MeetingStatus.DRAFT.value:
            raise ValidationError(
                _("Only a planned meeting can be deleted; a held meeting stays on record."),
                "status",
            )
        row.deleted_at = utcnow()
        audit.record(session, "delete", table="meetings", row_id=meeting_id)
        session.flush()
        _retitle_adoption_items(session, row.owner_id)


def get_meeting(db: Database, meeting_id: uuid.UUID) -> MeetingDetail:
    with db.read() as session:
        return _detail(session, repo.get(session, Meeting, meeting_id))


def find_meeting(db: Database, reference: str, *, owner_id: uuid.UUID | None = None) -> uuid.UUID:
    """A meeting by its visible number (``4/2569``) or its UUID."""
    return find_by_reference(
        db, Meeting, reference, _("There is no meeting number {number}."), owner_id
    )


def list_meetings(
    db: Database,
    *,
    search: str | None = None,
    owner_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 200,
) -> Page[MeetingRow]:
    with db.read() as session:
        result = q.meetings_page(
            session, search=search, owner_id=db.owner_in_view(owner_id), offset=offset, limit=limit
        )
        return Page(_rows(session, list(result.rows)), result.total, offset)


def _rows(session: Session, found: list[Meeting]) -> list[MeetingRow]:
    """Register rows, each with its attendance counted as the quorum line counts it."""
    lines = q.attendance_of(session, [m.id for m in found])
    fractions: dict[uuid.UUID, Fraction] = {}
    adopters: dict[uuid.UUID, str] = {}
    rows = []
    for m in found:
        if m.owner_id not in fractions:
            site = repo.get(session, Site, m.owner_id, include_deleted=True)
            fractions[m.owner_id] = Fraction(site.quorum_numerator, site.quorum_denominator)
        adopted_in = None
        if m.adopted_in_meeting_id is not None:
            if m.adopted_in_meeting_id not in adopters:
                other = repo.get(session, Meeting, m.adopted_in_meeting_id, include_deleted=True)
                adopters[m.adopted_in_meeting_id] = format_meeting_number(
                    other.number, other.year_be
                )
            adopted_in = adopters[m.adopted_in_meeting_id]
        counted = rules.count_quorum((_facts(a) for a in lines[m.id]), fractions[m.owner_id])
        rows.append(
            MeetingRow(
                m.id,
                format_meeting_number(m.number, m.year_be),
                m.held_on,
                m.place,
                MeetingStatus(m.status),
                counted.present,
                counted.members,
                counted.not_recorded,
                counted.required,
                adopted_in,
            )
        )
    return rows


def _before(session: Session, row: Meeting) -> Meeting | None:
    """The meeting held just before ``row`` (by date, then number), whatever its status."""
    found = q.meetings_beside(session, row, earlier=True, limit=1)
    return found[0] if found else None


def previous_meeting(db: Database, meeting_id: uuid.UUID) -> MeetingRow | None:
    """The meeting just before this one (by date, then number), whatever its status: the one
    whose minutes agenda item 2 of this meeting adopts, and the one the adopt button names.
    Whether it can be adopted now follows from its status (held, and its attendance taken)."""
    with db.read() as session:
        before = _before(session, repo.get(session, Meeting, meeting_id))
        return _rows(session, [before])[0] if before is not None else None


def _retitle_adoption_items(session: Session, owner_id: uuid.UUID) -> None:
    """Keep item 2 naming the meeting before it when meetings are planned, moved or deleted: a
    standard item-2 title (in any language) that names another meeting is changed; a title the
    secretary wrote differently, and adopted minutes, are left alone."""
    for meeting in q.undecided_meetings(session, owner_id):
        before = _before(session, meeting)
        wanted = (
            format_meeting_number(before.number, before.year_be)
            if before is not None
            else rules.NO_PREVIOUS
        )
        for item in repo.children(session, AgendaItem, "meeting_id", meeting.id, "number"):
            named = rules.adoption_title_names(item.title)
            if named is None:
                continue
            if named != wanted:
                item.title = item.title.strip().replace(named, wanted)
            break


def meetings_after(db: Database, meeting_id: uuid.UUID) -> list[MeetingRow]:
    """Meetings held after this one, nearest first (where a correction of its minutes
    may be approved)."""
    with db.read() as session:
        return _rows(
            session,
            q.meetings_beside(session, repo.get(session, Meeting, meeting_id), earlier=False),
        )


def compute_quorum(
    lines: list[AttendanceLine] | tuple[AttendanceLine, ...],
    fraction: Fraction = rules.DEFAULT_QUORUM,
) -> rules.Quorum:
    """The quorum of an attendance list (``domain.meetings.count_quorum``)."""
    return rules.count_quorum(lines, fraction)


def _person_name(session: Session, person_id: uuid.UUID | None) -> str | None:
    if person_id is None:
        return None
    p = repo.get(session, Person, person_id, include_deleted=True)
    return full_name(p.title, p.given_name, p.surname)


def _detail(session: Session, row: Meeting) -> MeetingDetail:
    attendance = tuple(
        AttendanceLine(
            a.name,
            Attendance(a.attendance),
            a.person_id,
            CommitteePosition(a.position) if a.position else None,
            a.position_label,
            a.absence_reason,
            a.substitute_for_id,
            a.id,
        )
        for a in repo.children(session, MeetingAttendance, "meeting_id", row.id, "sort_order")
    )
    agenda = tuple(
        AgendaItemData(
            i.number,
            i.title,
            i.discussion,
            i.resolution,
            i.votes_for,
            i.votes_against,
            i.votes_abstain,
            i.id,
        )
        for i in repo.children(session, AgendaItem, "meeting_id", row.id, "number")
    )
    site = repo.get(session, Site, row.owner_id, include_deleted=True)
    fraction = Fraction(site.quorum_numerator, site.quorum_denominator)
    adopted_in = None
    if row.adopted_in_meeting_id:
        other = repo.get(session, Meeting, row.adopted_in_meeting_id, include_deleted=True)
        adopted_in = format_meeting_number(other.number, other.year_be)
    return MeetingDetail(
        id=row.id,
        rev=row.rev,
        number=format_meeting_number(row.number, row.year_be),
        year_be=row.year_be,
        number_in_year=row.number,
        body_name=row.body_name,
        held_on=row.held_on,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        place=row.place,
        mode=MeetingMode(row.mode),
        status=MeetingStatus(row.status),
        attendance=attendance,
        agenda=agenda,
        quorum=compute_quorum(attendance, fraction),
        quorum_fraction=fraction,
        minute_taker=_person_name(session, row.minute_taker_id),
        minute_taker_id=row.minute_taker_id,
        checker=_person_name(session, row.checker_id),
        checker_id=row.checker_id,
        adopted_in=adopted_in,
        minutes_version=row.minutes_version,
    )


def _snapshot_json(detail: MeetingDetail) -> str:
    data = asdict(detail)
    return json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)
