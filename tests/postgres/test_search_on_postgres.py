"""Search as people type it (docs/thai-text-and-printing.md §7) gives the same answers on
PostgreSQL, where it runs as ILIKE on the same search text instead of the SQLite trigram index."""

from __future__ import annotations

import datetime as dt

import pytest
from search_scenarios import (
    CASE_QUERIES,
    NAMFON_QUERIES,
    build_cases,
    build_register,
    names,
    numbers,
)

from justice_desk.services import meetings, setup

pytestmark = pytest.mark.postgres


def test_people_cases_and_meetings_are_found_as_typed_on_postgres(fresh_pg_database: str) -> None:
    db = setup.init_center(
        fresh_pg_database,
        code="5001",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
    )
    try:
        build_register(db)
        build_cases(db)
        for query in NAMFON_QUERIES:
            assert names(db, query) == ["นางน้ำฝน ปั้นทอง"], query
        assert names(db, "นายบุญมี มีสุข") == ["บุญมี มีสุข"]
        assert names(db, "น.ส.พิมพ์ใจ") == ["น.ส.พิมพ์ใจ ศรีสุข"]
        assert names(db, "น้ำฝน ใจดี") == []
        for query in CASE_QUERIES:
            assert numbers(db, query) == ["012/2568"], query
        assert numbers(db, "๒/๒๕๖๘") == ["002/2568"]
        for day in (5, 12):
            meetings.create_meeting(
                db,
                meetings.MeetingInput(
                    held_on=dt.date(2026, 1, day),
                    place="ศาลาเอนกประสงค์ หมู่ ๓" if day == 12 else "ที่ว่าการอำเภอ",
                ),
            )
        for query in ("๒/๒๕๖๙", "ครั้งที่ 2/2569", "ศาลา เอนกประสงค์", "หมู่ 3"):
            found = [r.number for r in meetings.list_meetings(db, search=query).rows]
            assert found == ["2/2569"], query
    finally:
        db.dispose()
