"""Migration 0009 (attendance not recorded yet) runs on PostgreSQL too: its queries over the
site's own meetings, the audit trail and the change log, down and up again."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.postgres


def test_attendance_migration_down_and_up_on_postgres(fresh_pg_database: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from justice_desk.domain.enums import Attendance, CommitteePosition
    from justice_desk.services import meetings, people, setup
    from justice_desk.services.people import PersonInput
    from justice_desk.storage import migrate
    from justice_desk.storage.database import open_database

    db = setup.init_province(fresh_pg_database, province="เชียงใหม่")
    try:
        term = people.create_term(db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
        for given, position in (
            ("สมศักดิ์", CommitteePosition.CHAIR),
            ("น้ำฝน", CommitteePosition.SECRETARY),
        ):
            person = people.create_person(
                db, PersonInput(given_name=given, no_id_reason="-")
            ).record
            people.appoint(db, term.id, person.id, position)
        untouched = meetings.create_meeting(db, meetings.MeetingInput(dt.date(2026, 1, 5)))
        printed = meetings.create_meeting(db, meetings.MeetingInput(dt.date(2026, 1, 6)))
    finally:
        db.dispose()

    engine = create_engine(fresh_pg_database)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0008")
        assert {a for (a,) in conn.execute(text("SELECT attendance FROM meeting_attendance"))} == {
            "present"
        }
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, table_name, row_id, detail) "
                "VALUES (now(), 'secretary', 'print', 'meetings', :id, 'minutes')"
            ),
            {"id": printed.id},
        )
        before = conn.execute(text("SELECT max(change_no) FROM change_log")).scalar()
    with engine.begin() as conn:
        migrate.upgrade(conn)
        logged = conn.execute(
            text("SELECT op, rev FROM change_log WHERE change_no > :n"), {"n": before}
        ).all()
    engine.dispose()
    assert [tuple(r) for r in logged] == [("update", 2), ("update", 2)]

    db = open_database(fresh_pg_database)
    try:
        lines = meetings.get_meeting(db, untouched.id).attendance
        assert {a.attendance for a in lines} == {Attendance.NOT_TAKEN}
        assert meetings.get_meeting(db, printed.id).quorum.taken  # a paper says who came
    finally:
        db.dispose()
