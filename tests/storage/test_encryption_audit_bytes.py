"""The audit trail of an encrypted database: one byte of any field of an entry changed through
the raw database with its key (SQLCipher opened around the app, the append-only triggers
dropped) is found and that entry named by ``verify`` and by ``justice-desk audit verify``; and
one byte changed in the encrypted file itself makes the page unreadable, so the check fails
loudly rather than passing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from justice_desk.cli.main import main
from justice_desk.services import audit_trail, encryption, people
from justice_desk.storage import cipher, keyslots

PASSWORD = "correct horse 2569"


@pytest.fixture
def encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, int]:
    """An encrypted center with a few entries; returns it and the number of an entry in the
    middle of its trail."""
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    monkeypatch.delenv("JUSTICE_DESK_USER", raising=False)
    path = tmp_path / "center.sqlite3"
    assert main(
        [
            "init", "center", "--db", str(path), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    ) == 0  # fmt: skip
    capsys.readouterr()
    db = encryption.sign_in_encrypted(path, "boss", PASSWORD)
    try:
        for given in ("สมชาย", "สมหญิง"):
            made = people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
            audit_trail.record_view(db, "people", made.record.id)
        audit_trail.record(db, "print", table="people", row_id=made.record.id, detail="a sheet")
        for given in ("บุญมี", "มานี"):
            people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
        check = audit_trail.verify_chain(db)
        assert check.whole
        marked = next(e.number for e in audit_trail.list_entries(db).rows if e.action == "print")
    finally:
        db.dispose()
    return path, marked


def _raw(path: Path) -> Any:
    """The database opened with its key around the app, the triggers dropped."""
    conn = cipher.connect(path, keyslots.unlock(path, "boss", PASSWORD))
    conn.isolation_level = None
    conn.execute("DROP TRIGGER audit_events_no_update")
    return conn


def _one_byte(value: Any) -> Any:
    """``value`` with one byte (one bit of it) changed, of the type it is stored as."""
    if isinstance(value, int):
        return value ^ 0x40
    if isinstance(value, bytes):
        return bytes([value[0] ^ 0x01]) + value[1:]
    text = str(value)
    i = next(i for i, ch in enumerate(text) if ch.isascii() and ch.isalnum())
    changed = chr(ord(text[i]) ^ 0x01)
    if text[i].isdigit() and not changed.isdigit():
        changed = "9" if text[i] != "9" else "8"
    return text[:i] + changed + text[i + 1 :]


COLUMNS = ["at", "actor", "host", "action", "table_name", "row_id", "detail", "prev_hash",
           "entry_hash", "event_no"]  # fmt: skip


@pytest.mark.parametrize("column", COLUMNS)
def test_one_byte_of_any_field_changed_with_the_key_is_found(
    encrypted: tuple[Path, int], column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, number = encrypted
    raw = _raw(path)
    try:
        (value,) = raw.execute(
            f"SELECT {column} FROM audit_events WHERE event_no = ?", (number,)
        ).fetchone()
        assert value is not None, column
        raw.execute(
            f"UPDATE audit_events SET {column} = ? WHERE event_no = ?", (_one_byte(value), number)
        )
    finally:
        raw.close()
    db = encryption.sign_in_encrypted(path, "boss", PASSWORD)
    try:
        check = audit_trail.verify_chain(db)
    finally:
        db.dispose()
    assert not check.whole
    # the changed entry is named; a changed number reads as that entry missing
    assert check.broken_at == (number + 1 if column == "event_no" else number), check
    assert check.reason == {"event_no": "gap", "prev_hash": "link"}.get(column, "changed")
    assert main(["audit", "verify", "--db", str(path), "--user", "boss"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"broken at entry {check.broken_at}\b", err), err


def test_a_byte_changed_in_the_encrypted_file_is_not_passed_over(
    encrypted: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _number = encrypted
    key = keyslots.unlock(path, "boss", PASSWORD)
    conn = cipher.connect(path, key)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'audit_events'"
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    size = int(page_size)
    data[(int(root) - 1) * size + size // 2] ^= 0x01  # inside the trail's page
    path.write_bytes(bytes(data))
    code = main(["audit", "verify", "--db", str(path), "--user", "boss"])
    err = capsys.readouterr().err
    assert code == 2 and "damaged" in err and "Restore the latest backup" in err, err
