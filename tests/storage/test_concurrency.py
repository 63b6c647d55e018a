"""Writers are serialised by the busy timeout: a second writer waits; a hopeless wait is a clear
message, never a raw "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from justice_desk.errors import DatabaseBusyError
from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.storage import database
from justice_desk.storage.database import open_database

HOLD = """
import sys, time
from justice_desk.storage.database import open_database
from justice_desk.storage.models import Person
db = open_database(sys.argv[1])
with db.write() as s:
    s.add(Person(given_name="ผู้เขียนคนแรก"))
    s.flush()
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
print("done", flush=True)
"""


def test_second_writer_waits_for_the_first(center_db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(center_db_path), "2"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        db = open_database(center_db_path)
        started = time.monotonic()
        people.create_person(db, PersonInput(given_name="ผู้เขียนคนที่สอง", no_id_reason="-"))
        waited = time.monotonic() - started
        names = [r.name for r in people.list_people(db).rows]
        db.dispose()
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0
    assert waited > 0.5  # it queued behind the other writer instead of failing
    assert sorted(names) == sorted(["ผู้เขียนคนแรก", "ผู้เขียนคนที่สอง"])


def test_hopeless_wait_is_a_clear_message(
    center_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(center_db_path), "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
        db = open_database(center_db_path)
        with pytest.raises(DatabaseBusyError) as err:
            people.create_person(db, PersonInput(given_name="ไม่รอ", no_id_reason="-"))
        db.dispose()
    finally:
        holder.wait(timeout=30)
    assert "busy" in str(err.value) and "locked" not in str(err.value)


def test_readers_are_not_blocked_by_a_writer(center_db) -> None:
    people.create_person(center_db, PersonInput(given_name="มีอยู่แล้ว", no_id_reason="-"))
    release = threading.Event()
    holding = threading.Event()

    def writer() -> None:
        with center_db.write() as s:
            from justice_desk.storage.models import Person

            s.add(Person(given_name="ยังไม่บันทึก"))
            s.flush()
            holding.set()
            release.wait(5)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        names = [r.name for r in people.list_people(center_db).rows]
        assert time.monotonic() - started < 1.0
        assert names == ["มีอยู่แล้ว"]  # WAL: readers see the last commit, not the open write
    finally:
        release.set()
        t.join()
