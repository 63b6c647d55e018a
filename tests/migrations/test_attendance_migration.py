"""Migration 0009: what old attendance rows mean (docs/domain.md §4).

A database made before 0009 listed every member of a new meeting as *present*. After the
upgrade, a member line that nobody ever touched, in a meeting whose minutes were neither
printed nor adopted, is *not recorded yet*; everything that shows attendance was taken keeps
what it says; records of other sites are not touched; each change is logged for sync.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import create_engine

from justice_desk.domain.enums import Attendance, CommitteePosition, MeetingStatus
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.storage import migrate
from justice_desk.storage.database import open_database
from justice_desk.storage.schema import HEAD


def _taken(db, meeting, **changes):
    lines = [dataclasses.replace(a, attendance=Attendance.PRESENT) for a in meeting.attendance]
    for index, kind in changes.items():
        i = int(index[1:])
        lines[i] = dataclasses.replace(lines[i], attendance=kind, absence_reason="ติดภารกิจ")
    return meetings.save_attendance(db, meeting.id, lines)


def _attendance(path: Path, meeting_id: uuid.UUID) -> list[tuple[str, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT attendance, rev FROM meeting_attendance WHERE meeting_id = ? "
            "AND deleted_at IS NULL ORDER BY sort_order",
            (meeting_id.hex,),
        ).fetchall()
    finally:
        conn.close()


def test_untouched_lines_become_not_recorded_and_evidence_is_kept(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    try:
        term = people.create_term(db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
        for given, position in (
            ("สมศักดิ์", CommitteePosition.CHAIR),
            ("ปิ่นมณี", CommitteePosition.MEMBER),
            ("น้ำฝน", CommitteePosition.SECRETARY),
            ("พระครู", CommitteePosition.ADVISER),
        ):
            person = people.create_person(
                db, PersonInput(given_name=given, no_id_reason="-")
            ).record
            people.appoint(db, term.id, person.id, position)

        def make(day: int):
            return meetings.create_meeting(db, meetings.MeetingInput(dt.date(2026, 1, day)))

        adopted, printed, held, edited, retouched, copy, planned = (make(d) for d in range(5, 12))
        meetings.mark_held(db, held.id)
        meetings.mark_held(db, printed.id)
        _taken(db, adopted)
        meetings.mark_held(db, adopted.id)
        meetings.adopt_minutes(db, adopted.id, in_meeting_id=printed.id)
        _taken(db, edited, l1=Attendance.ABSENT)
        _taken(db, retouched)  # everyone present, saved: every line edited once
        site_id = db.site_id
    finally:
        db.dispose()

    # Back to the schema before 0009: "not recorded" did not exist, such lines were "present".
    engine = create_engine(f"sqlite:///{center_db_path}")
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0008")
    engine.dispose()
    raw = sqlite3.connect(center_db_path)
    with raw:
        assert {a for (a,) in raw.execute("SELECT attendance FROM meeting_attendance")} <= {
            "present",
            "absent",
        }
        # the adopted minutes' lines as an old version left them (created present, never edited)
        raw.execute("UPDATE meeting_attendance SET rev = 1 WHERE meeting_id = ?", (adopted.id.hex,))
        # a paper says who attended: the minutes of "printed" were printed
        raw.execute(
            "INSERT INTO audit_events (at, actor, action, table_name, row_id, detail) "
            "VALUES ('2026-01-07 10:00:00', 'secretary', 'print', 'meetings', ?, 'minutes')",
            (printed.id.hex,),
        )
        # a copy of another site's meeting (as a province holds them)
        other = uuid.uuid4().hex
        raw.execute("UPDATE meetings SET owner_id = ? WHERE id = ?", (other, copy.id.hex))
        raw.execute(
            "UPDATE meeting_attendance SET owner_id = ? WHERE meeting_id = ?", (other, copy.id.hex)
        )
        changes_before = raw.execute("SELECT MAX(change_no) FROM change_log").fetchone()[0]
    raw.close()

    db = open_database(center_db_path)  # copies aside and upgrades
    try:
        assert db.setting("schema_revision") == HEAD
        for kept in (adopted, printed, retouched):
            detail = meetings.get_meeting(db, kept.id)
            assert detail.quorum.taken, kept.number
        assert meetings.get_meeting(db, adopted.id).status is MeetingStatus.ADOPTED
        assert [a.attendance for a in meetings.get_meeting(db, edited.id).attendance] == [
            Attendance.PRESENT,
            Attendance.ABSENT,
            Attendance.PRESENT,
            Attendance.PRESENT,
        ]
        for untouched in (held, planned):
            detail = meetings.get_meeting(db, untouched.id)
            assert not detail.quorum.started, untouched.number
            # the adviser is a member line too (not counted for quorum, but not assumed present)
            assert {a.attendance for a in detail.attendance} == {Attendance.NOT_TAKEN}
        assert site_id != uuid.UUID(other)
    finally:
        db.dispose()
    assert {a for a, _rev in _attendance(center_db_path, copy.id)} == {"present"}
    assert {rev for _a, rev in _attendance(center_db_path, planned.id)} == {2}
    raw = sqlite3.connect(center_db_path)
    try:
        logged = raw.execute(
            "SELECT table_name, op, rev FROM change_log WHERE change_no > ?", (changes_before,)
        ).fetchall()
    finally:
        raw.close()
    # four lines in each of the two untouched meetings, each logged as an update at rev 2
    assert logged == [("meeting_attendance", "update", 2)] * 8


def test_downgrade_turns_not_recorded_back_into_present(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    try:
        term = people.create_term(db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
        person = people.create_person(db, PersonInput(given_name="สมศักดิ์", no_id_reason="-")).record
        people.appoint(db, term.id, person.id, CommitteePosition.CHAIR)
        m = meetings.create_meeting(db, meetings.MeetingInput(dt.date(2026, 1, 5)))
        assert m.attendance[0].attendance is Attendance.NOT_TAKEN
    finally:
        db.dispose()
    engine = create_engine(f"sqlite:///{center_db_path}")
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0008")
    engine.dispose()
    assert _attendance(center_db_path, m.id) == [("present", 1)]
