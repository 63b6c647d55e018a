"""Records and sites made by the app get version-7 ids (domain/ids.py): in the order they were
made, so the primary-key indexes take them at one place."""

from __future__ import annotations

import time
from pathlib import Path

from justice_desk.services import people, setup


def test_a_new_center_and_its_records_get_time_ordered_ids(tmp_path: Path) -> None:
    db = setup.init_center(
        tmp_path / "c.sqlite3", code="CJC-ID-01", name="ศูนย์ทดสอบ", province="เชียงใหม่"
    )
    try:
        first = people.create_person(
            db, people.PersonInput(given_name="สมชาย", surname="ใจดี", no_id_reason="test")
        ).record
        time.sleep(0.002)  # ids of the same millisecond may come in either order
        second = people.create_person(
            db, people.PersonInput(given_name="สมหญิง", surname="ใจดี", no_id_reason="test")
        ).record
        assert db.site_id.version == 7
        assert first.id.version == 7 and second.id.version == 7
        assert first.id < second.id
        assert people.get_person(db, second.id).given_name == "สมหญิง"
    finally:
        db.dispose()
