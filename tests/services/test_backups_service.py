"""Automatic backups, the rotation, the copy reminder and checking a backup before a restore
(services/backups.py), on real SQLite files."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from justice_desk.domain.backup_names import Retention, file_name, parse
from justice_desk.domain.enums import CommitteePosition
from justice_desk.errors import UserError
from justice_desk.services import backups, onboarding, people, setup
from justice_desk.storage import audit


def add_person(db, given: str) -> None:
    people.create_person(db, people.PersonInput(given_name=given, no_id_reason="test"))


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_automatic_backup_is_whole_checked_and_named_in_the_buddhist_era(
    center_db, tmp_path: Path
) -> None:
    add_person(center_db, "สมชาย")
    folder = tmp_path / "backups"
    before = dt.datetime.now()
    result = backups.automatic_backup(center_db, folder, Retention())
    parsed = parse(result.path.name)
    assert parsed is not None and parsed.label == "justice-desk-5001"
    assert result.path.name.startswith(f"justice-desk-5001-{before.year + 543}")
    assert abs(parsed.taken - before) < dt.timedelta(minutes=1)
    assert names_in(folder) == [result.path.name]  # no temporary file left
    conn = sqlite3.connect(result.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT given_name FROM people").fetchall() == [("สมชาย",)]
    finally:
        conn.close()
    with center_db.read() as session:
        assert audit.last_at(session, backups.AUTOMATIC) is not None
        assert audit.last_at(session, backups.MANUAL) is None  # not a copy elsewhere


def test_the_rotation_removes_old_automatic_backups_of_this_center_only(
    center_db, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = dt.datetime.now()
    # Noon of each earlier day, so that "yesterday" is yesterday at any time of the run (one
    # hour before now was the day before yesterday just after midnight).
    noon = dt.datetime.combine(now.date(), dt.time(12))
    old = [
        folder / file_name("justice-desk-5001", noon - dt.timedelta(days=d)) for d in range(1, 40)
    ]
    for path in old:
        path.write_bytes(b"an old backup")
    other = folder / file_name("justice-desk-9999", now - dt.timedelta(days=30))
    other.write_bytes(b"another center's backup")
    notes = folder / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    result = backups.automatic_backup(center_db, folder, Retention(days=3, weeks=2, months=1))
    left = {p.name for p in folder.iterdir()}
    assert result.path.name in left and other.name in left and notes.name in left
    kept_old = [p for p in old if p.name in left]
    # Today's new one covers today, the week and the month; two more days, one more week.
    assert len(kept_old) == len(old) - len(result.removed)
    assert 1 <= len(kept_old) <= 3
    assert old[0].name in left and old[1].name in left  # yesterday and the day before
    assert set(result.removed) == {p for p in old if p.name not in left}


def test_the_daily_backup_is_made_only_when_the_newest_is_a_day_old(
    center_db, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    first = backups.automatic_backup_if_due(center_db, folder, Retention())
    assert first is not None
    assert backups.automatic_backup_if_due(center_db, folder, Retention()) is None
    assert backups.automatic_due(
        folder, "justice-desk-5001", now=dt.datetime.now() + dt.timedelta(days=1)
    )


def test_a_folder_that_cannot_be_written_is_told_and_loses_nothing(
    center_db, center_db_path: Path, tmp_path: Path
) -> None:
    add_person(center_db, "มานี")
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="Cannot create the folder"):
        backups.automatic_backup(center_db, not_a_folder / "backups", Retention())
    assert [r.name for r in people.list_people(center_db).rows] == ["มานี"]


def test_a_full_disk_leaves_no_half_backup_and_keeps_the_old_ones(
    center_db_path: Path, tmp_path: Path
) -> None:
    """The copy runs in a process whose files may not grow past 64 KiB (as on a full disk): the
    backup is refused with a message, no partial file stays, earlier backups stay."""
    import subprocess
    import sys

    folder = tmp_path / "backups"
    folder.mkdir()
    earlier = folder / file_name("justice-desk-5001", dt.datetime.now() - dt.timedelta(days=3))
    earlier.write_bytes(b"an earlier backup")
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "from justice_desk import i18n\n"
        "i18n.set_language('en')\n"
        "from justice_desk.domain.backup_names import Retention\n"
        "from justice_desk.errors import UserError\n"
        "from justice_desk.services import backups\n"
        "from justice_desk.storage.database import open_database\n"
        f"db = open_database({str(center_db_path)!r})\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "try:\n"
        f"    backups.automatic_backup(db, Path({str(folder)!r}), Retention())\n"
        "except UserError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )
    assert center_db_path.stat().st_size > 65536
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, JUSTICE_DESK_LANG="en"),
    )
    assert r.returncode == 2, r.stderr
    assert "could not be written" in r.stdout and "free space" in r.stdout
    assert names_in(folder) == [earlier.name]
    assert earlier.read_bytes() == b"an earlier backup"


def test_the_copy_reminder_counts_from_the_last_backup_made_by_hand(
    center_db, tmp_path: Path
) -> None:
    fresh = backups.copy_reminder(center_db)
    assert not fresh.due  # nothing has happened on this machine yet
    backups.automatic_backup(center_db, tmp_path / "auto", Retention())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    later = backups.copy_reminder(center_db, now=now + dt.timedelta(days=8))
    assert later.due and later.last_copy is None and later.days is None
    backups.backup_to(center_db, tmp_path / "usb")
    after_copy = backups.copy_reminder(center_db, now=now + dt.timedelta(days=6))
    assert not after_copy.due and after_copy.last_copy is not None
    week_later = backups.copy_reminder(center_db, now=now + dt.timedelta(days=7, hours=1))
    assert week_later.due and week_later.days == 7


def test_a_backup_is_checked_and_described_before_a_restore(center_db, tmp_path: Path) -> None:
    add_person(center_db, "สมศรี")
    path = backups.backup_to(center_db, tmp_path / "usb")
    check = backups.check_backup(path, center_db)
    assert check.same_site and check.contents.code == "5001"
    assert check.contents.people == 1 and check.contents.cases == 0
    assert check.taken is not None and check.contents.name == setup.this_site(center_db).name
    other = setup.init_center(
        tmp_path / "other.sqlite3", code="CJC-0002", name="อื่น", province="ลำปาง"
    )
    try:
        assert not backups.check_backup(path, other).same_site
    finally:
        other.dispose()


@pytest.mark.parametrize("kind", ["text", "foreign", "damaged", "newer", "missing"])
def test_what_is_not_a_good_backup_is_refused_without_touching_anything(
    center_db, center_db_path: Path, tmp_path: Path, kind: str
) -> None:
    bad = tmp_path / "bad.sqlite3"
    if kind == "text":
        bad.write_text("not a database", encoding="utf-8")
        expected = "not a Justice Desk database"
    elif kind == "foreign":
        sqlite3.connect(bad).execute("CREATE TABLE t (x)").connection.close()
        expected = "not a Justice Desk database"
    elif kind in ("damaged", "newer"):
        good = backups.backup_to(center_db, tmp_path / "usb")
        good.rename(bad)
        if kind == "newer":
            conn = sqlite3.connect(bad)
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
            conn.commit()
            conn.close()
            expected = "newer version"
        else:
            data = bytearray(bad.read_bytes())
            page = 4096
            data[page * 2 : page * 4] = b"\xff" * (page * 2)  # overwrite two pages
            bad.write_bytes(bytes(data))
            expected = "damaged"
    else:
        expected = "no file"
    before = bad.read_bytes() if bad.exists() else None
    db_before = center_db_path.read_bytes()
    with pytest.raises(UserError, match=expected):
        backups.check_backup(bad, center_db)
    assert (bad.read_bytes() if bad.exists() else None) == before
    assert center_db_path.read_bytes() == db_before


def test_the_setup_checklist_ticks_itself_off(center_db) -> None:
    state = onboarding.setup_checklist(center_db)
    assert (state.committee, state.mediators, state.enrolled, state.complete) == (
        False,
        False,
        False,
        False,
    )
    person = people.create_person(
        center_db, people.PersonInput(given_name="ประธาน", no_id_reason="test")
    ).record
    term = people.create_term(center_db, name="วาระ 2569", starts_on=dt.date.today())
    people.appoint(center_db, term.id, person.id, CommitteePosition.CHAIR)
    assert not onboarding.setup_checklist(center_db).committee  # a chair is not a committee yet
    secretary = people.create_person(
        center_db, people.PersonInput(given_name="เลขานุการ", no_id_reason="test")
    ).record
    people.appoint(center_db, term.id, secretary.id, CommitteePosition.SECRETARY)
    assert onboarding.setup_checklist(center_db).committee
    people.register_mediator(center_db, person.id, registration_no="กม.1/2569")
    state = onboarding.setup_checklist(center_db)
    assert state.committee and state.mediators and not state.enrolled


@pytest.mark.parametrize("code", ["500107", "CJC-0001", "DEMO-500107", "a1"])
def test_center_codes_of_the_provinces_form_are_accepted(code: str, tmp_path: Path) -> None:
    assert setup.check_center_code(f" {code} ") == code


@pytest.mark.parametrize("code", ["50 0107", "../x", "CJC--1", "-1", "ศูนย์1", "C:\\x", "x" * 33])
def test_other_center_codes_are_refused_before_anything_is_written(
    code: str, tmp_path: Path
) -> None:
    from justice_desk.errors import ValidationError

    with pytest.raises(ValidationError, match="not a center code") as caught:
        setup.init_center(tmp_path / "c.sqlite3", code=code, name="ศูนย์", province="ลำพูน")
    assert caught.value.field == "code"
    assert not (tmp_path / "c.sqlite3").exists()
