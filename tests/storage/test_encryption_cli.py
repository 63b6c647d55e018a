"""``justice-desk encrypt``: a coordinator encrypts a database made before encryption, and the
recovery key is printed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.services import accounts, encryption
from justice_desk.storage import keyslots
from justice_desk.storage.database import open_database

PASSWORD = "correct horse 2569"


def test_encrypt_command_signs_in_encrypts_and_prints_the_recovery_key(
    center_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    db = open_database(center_db_path)
    accounts.create_first_account(db, "somchai", "สมชาย ใจดี", PASSWORD)
    db.dispose()

    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "wrong password")
    assert main(["encrypt", "--db", str(center_db_path), "--user", "somchai"]) == 2
    assert not encryption.is_encrypted(center_db_path)
    capsys.readouterr()

    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    assert main(["encrypt", "--db", str(center_db_path), "--user", "somchai"]) == 0
    out = capsys.readouterr().out
    recovery = next(line.strip() for line in out.splitlines() if line.startswith("    "))
    assert len(recovery.split("-")) == 8
    assert encryption.is_encrypted(center_db_path)
    db = encryption.open_with_password(center_db_path, "somchai", PASSWORD)
    assert db.encrypted
    db.dispose()
    assert keyslots.unlock_with_recovery(center_db_path, recovery)

    assert main(["encrypt", "--db", str(center_db_path), "--user", "somchai"]) == 2
    assert "already encrypted" in capsys.readouterr().err
