"""Signing in to an encrypted database, the recovery key, a new encrypted site from
``justice-desk init --login``, and restoring an encrypted backup on the command line."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.domain.access import Role
from justice_desk.errors import SignInFailed, UserError
from justice_desk.services import accounts, backups, encryption
from justice_desk.storage import audit, cipher, keyslots
from justice_desk.storage.database import open_database

PASSWORD = "correct horse 2569"


def _init(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """``justice-desk init center --login boss``; returns the recovery key printed."""
    code = main(
        [
            "init",
            "center",
            "--db",
            str(db),
            "--code",
            "500107",
            "--name",
            "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
            "--province",
            "เชียงใหม่",
            "--login",
            "boss",
            "--full-name",
            "สมชาย ใจดี",
            *extra,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    keys = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    return keys[0] if keys else ""


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    monkeypatch.delenv("JUSTICE_DESK_USER", raising=False)
    monkeypatch.delenv("JUSTICE_DESK_RECOVERY_KEY", raising=False)


def test_init_with_a_login_makes_an_encrypted_center_and_prints_the_recovery_key(
    tmp_path: Path, english: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "center.sqlite3"
    recovery = _init(db_path, capsys)
    assert len(recovery.split("-")) == 8
    assert encryption.is_encrypted(db_path) and keyslots.has_recovery(db_path)
    assert "ศูนย์ยุติธรรมชุมชน".encode() not in db_path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db_path).execute("SELECT * FROM sites").fetchall()
    db = encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    try:
        assert db.encrypted and db.actor.login == "boss"
        assert db.setting("mode") == "center"
        # the sync keys live inside: no key file in the data folder to protect
        from justice_desk.services.sync.keys import keys_in_database

        assert keys_in_database(db)
    finally:
        db.dispose()

    # --plain keeps the earlier behaviour (a readable file, the account in it)
    plain = tmp_path / "plain.sqlite3"
    assert _init(plain, capsys, "--plain") == ""
    assert cipher.is_plain(plain) and not keyslots.has_slots(plain)

    # an existing file is refused in one line, and its key file is left alone
    assert main(["init", "province", "--db", str(db_path), "--province", "x", "--login", "a"]) == 2
    assert "already a file" in capsys.readouterr().err
    assert keyslots.logins(db_path) == ["boss"]


def test_wrong_passwords_on_a_locked_database_slow_down_and_are_audited(
    tmp_path: Path, english: None, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    db_path = tmp_path / "center.sqlite3"
    _init(db_path, capsys)
    clock = [time.time()]
    monkeypatch.setattr(encryption.time, "time", lambda: clock[0])
    for _attempt in range(accounts.FREE_ATTEMPTS - 1):
        with pytest.raises(SignInFailed) as refused:
            encryption.sign_in_encrypted(db_path, "boss", "not it")
        assert refused.value.wait_seconds == 0 and "wrong" in str(refused.value)
    with pytest.raises(SignInFailed) as refused:
        encryption.sign_in_encrypted(db_path, "BOSS", "not it either")
    assert refused.value.wait_seconds == accounts.FIRST_DELAY_S
    # even the right password waits its turn
    with pytest.raises(SignInFailed, match="wait") as refused:
        encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    assert 1 <= refused.value.wait_seconds <= accounts.FIRST_DELAY_S
    clock[0] += accounts.FIRST_DELAY_S
    db = encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    try:
        with db.read() as session:
            details = [e.detail for e in audit.entries(session, audit.AuditFilter())[0]]
        assert any("x3 (database locked)" in (d or "") for d in details)
    finally:
        db.dispose()
    # the count starts again after a success
    with pytest.raises(SignInFailed) as refused:
        encryption.sign_in_encrypted(db_path, "boss", "not it")
    assert refused.value.wait_seconds == 0


def test_the_recovery_key_sets_a_new_password_for_a_coordinator(
    tmp_path: Path, english: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "center.sqlite3"
    recovery = _init(db_path, capsys)
    db = encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    accounts.add_account(db, "sec", "Secretary", Role.SECRETARY, "sec-pass-123")
    db.dispose()

    thai = recovery.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")).replace("-", " ")
    db = encryption.open_with_recovery(db_path, thai)
    try:
        assert encryption.recovery_accounts(db) == [("boss", "สมชาย ใจดี")]
        with pytest.raises(UserError, match="coordinator"):
            encryption.reset_with_recovery(db, "sec", "new password 1")
        encryption.reset_with_recovery(db, "boss", "new password 1")
        assert db.actor.login == "boss"
    finally:
        db.dispose()
    with pytest.raises(SignInFailed):
        encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    db = encryption.sign_in_encrypted(db_path, "boss", "new password 1")
    try:
        with db.read() as session:
            actions = [e.action for e in audit.entries(session, audit.AuditFilter())[0]]
        assert "recovery-key" in actions
    finally:
        db.dispose()


def test_restore_of_an_encrypted_backup_asks_for_a_password_or_the_recovery_key(
    tmp_path: Path, english: None, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    db_path = tmp_path / "center.sqlite3"
    recovery = _init(db_path, capsys)
    db = encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    try:
        copy = backups.backup_to(db, tmp_path / "usb")
    finally:
        db.dispose()
    monkeypatch.setattr("justice_desk.cli.signin.interactive", lambda: False)

    # the current database is opened first (the person must be allowed to restore)
    monkeypatch.setenv("JUSTICE_DESK_USER", "boss")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    assert main(["restore", "--db", str(db_path), "--from", str(copy)]) == 0
    assert "Restored" in capsys.readouterr().out
    db = encryption.sign_in_encrypted(db_path, "boss", PASSWORD)
    db.dispose()

    # into a new place, with the recovery key only
    elsewhere = tmp_path / "new" / "center.sqlite3"
    elsewhere.parent.mkdir()
    monkeypatch.delenv("JUSTICE_DESK_USER")
    assert main(["restore", "--db", str(elsewhere), "--from", str(copy)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "JUSTICE_DESK_RECOVERY_KEY" in err
    monkeypatch.setenv("JUSTICE_DESK_RECOVERY_KEY", "12345")
    assert main(["restore", "--db", str(elsewhere), "--from", str(copy)]) == 2
    assert "40 digits" in capsys.readouterr().err
    monkeypatch.setenv("JUSTICE_DESK_RECOVERY_KEY", recovery)
    assert main(["restore", "--db", str(elsewhere), "--from", str(copy)]) == 0
    assert encryption.is_encrypted(elsewhere)
    db = encryption.sign_in_encrypted(elsewhere, "boss", PASSWORD)
    db.dispose()

    # a wrong password: one line, exit 2
    monkeypatch.delenv("JUSTICE_DESK_RECOVERY_KEY")
    third = tmp_path / "third.sqlite3"
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "wrong one")
    assert main(["restore", "--db", str(third), "--from", str(copy), "--user", "boss"]) == 2
    assert "wrong" in capsys.readouterr().err and not third.exists()


def test_a_missing_receipt_file_is_one_line_and_exit_2(
    center_db_path: Path, tmp_path: Path, english: None, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-receipt.jdsync"
    assert main(["sync", "receipt", "--db", str(center_db_path), str(missing)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "no receipt file" in err and "unexpected" not in err
    db = open_database(center_db_path)
    db.dispose()
