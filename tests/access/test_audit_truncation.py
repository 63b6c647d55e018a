"""Deleting the last entries of the audit trail (or all of them) around the app is found: the
table is AUTOINCREMENT, so SQLite keeps the highest number ever given, and the check says
entries were removed after the last one left; new entries never take a freed number."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from justice_desk.cli.main import main
from justice_desk.services import audit_trail, people
from justice_desk.storage.database import open_database
from justice_desk.storage.models import AuditEvent


def _numbers(path: Path) -> list[int]:
    db = open_database(path)
    try:
        with db.read() as s:
            return list(s.scalars(select(AuditEvent.event_no).order_by(AuditEvent.event_no)))
    finally:
        db.dispose()


def _truncate(path: Path, keep: int) -> None:
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("DROP TRIGGER audit_events_no_delete")
        raw.execute("DELETE FROM audit_events WHERE event_no > ?", (keep,))
    raw.close()


@pytest.mark.parametrize("removed", ["last-two", "all"])
def test_removed_last_entries_are_found_and_their_numbers_never_reused(
    center_db_path: Path,
    removed: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    db = open_database(center_db_path)
    for given in ("สมชาย", "สมหญิง", "บุญมี"):
        people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
    db.dispose()
    highest = _numbers(center_db_path)[-1]
    keep = highest - 2 if removed == "last-two" else 0
    _truncate(center_db_path, keep)

    db = open_database(center_db_path)
    check = audit_trail.verify_chain(db)
    assert not check.whole and check.reason == "removed" and check.broken_at == keep + 1
    message = audit_trail.broken_message(check)
    assert f"removed after entry {keep}" in message and str(highest) in message
    db.dispose()
    assert main(["audit", "verify", "--db", str(center_db_path)]) == 2
    err = capsys.readouterr().err
    assert f"entries were removed after entry {keep}" in err

    # the next entry continues after the highest number ever given, not after the last left
    db = open_database(center_db_path)
    people.create_person(db, people.PersonInput(given_name="มานี", no_id_reason="x"))
    assert _numbers(center_db_path)[-1] == highest + 1
    assert not audit_trail.verify_chain(db).whole  # the hole stays visible
    db.dispose()
