"""Writers are serialised by the busy timeout: a second writer waits; a hopeless wait is a clear
message, never a raw "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from justice_desk.errors import DatabaseBusyError
from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.storage import database
from justice_desk.storage.database import open_database

HOLD = """
import sys
from justice_desk.storage.database import open_database
from justice_desk.storage.models import Person
db = open_database(sys.argv[1])
with db.write() as s:
    s.add(Person(given_name="ผู้เขียนคนแรก"))
    s.flush()
    print("holding", flush=True)
    sys.stdin.readline()  # hold the write lock until the test says so
print("done", flush=True)
"""


def _hold_the_write_lock(path: Path) -> subprocess.Popen[str]:
    """Another process inside an open write transaction, until a line is sent to it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.close()
    holder.wait(timeout=60)


def test_second_writer_waits_for_the_first(center_db_path: Path) -> None:
    holder = _hold_the_write_lock(center_db_path)
    db = open_database(center_db_path)
    finished = threading.Event()
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            people.create_person(db, PersonInput(given_name="ผู้เขียนคนที่สอง", no_id_reason="-"))
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)
        finally:
            finished.set()

    writer = threading.Thread(target=second_writer)
    writer.start()
    try:
        # While the other process holds the lock, the second write can only be waiting. (On a
        # busy machine this proves less, but it never fails for being slow.)
        assert not finished.wait(0.5), f"wrote past another writer's lock: {failures}"
    finally:
        _release(holder)
        writer.join(timeout=60)
    assert holder.returncode == 0
    assert failures == []  # it queued behind the other writer instead of failing
    names = [r.name for r in people.list_people(db).rows]
    db.dispose()
    assert sorted(names) == sorted(["ผู้เขียนคนแรก", "ผู้เขียนคนที่สอง"])


def test_hopeless_wait_is_a_clear_message(
    center_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = _hold_the_write_lock(center_db_path)
    try:
        monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
        db = open_database(center_db_path)
        with pytest.raises(DatabaseBusyError) as err:
            people.create_person(db, PersonInput(given_name="ไม่รอ", no_id_reason="-"))
        db.dispose()
    finally:
        _release(holder)
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
            release.wait()  # set by the test once it has read

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert holding.wait(30)
        # A reader blocked by the open write would wait for it forever (the writer is released
        # only after this read), then fail with "busy": reaching the assert is the proof.
        names = [r.name for r in people.list_people(center_db).rows]
        assert names == ["มีอยู่แล้ว"]  # WAL: readers see the last commit, not the open write
    finally:
        release.set()
        t.join()
