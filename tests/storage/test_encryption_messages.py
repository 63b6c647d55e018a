"""What an encrypted database says when something around it is wrong: copied without its
``.keys`` file, the message names that file instead of calling it "not a SQLite file"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from justice_desk.cli.main import main

PASSWORD = "correct horse 2569"


def test_an_encrypted_database_copied_without_its_keys_names_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    db = tmp_path / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    copy = elsewhere / "center.sqlite3"
    shutil.copy(db, copy)
    before = copy.read_bytes()

    assert main(["user", "list", "--db", str(copy), "--user", "boss"]) == 2
    err = capsys.readouterr().err
    assert "not a SQLite file" not in err and "not a Justice Desk database" not in err
    assert str(elsewhere / "center.sqlite3.keys") in err and "missing" in err
    assert len(err.strip().splitlines()) == 1
    assert copy.read_bytes() == before

    shutil.copy(db.with_name("center.sqlite3.keys"), elsewhere)
    assert main(["user", "list", "--db", str(copy), "--user", "boss"]) == 0
