"""Every command that opens a database signs in the same way on an encrypted one: with the
login (``--user``/``JUSTICE_DESK_USER``) and ``JUSTICE_DESK_PASSWORD`` none of them answers
“is encrypted. Sign in…”."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from justice_desk.cli.main import main

PASSWORD = "correct horse 2569"


@pytest.fixture
def encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("JUSTICE_DESK_USER", "boss")
    monkeypatch.delenv("JUSTICE_DESK_RECOVERY_KEY", raising=False)
    db = tmp_path / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107",
            "--name", "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", "--province", "เชียงใหม่",
            "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "center.sqlite3.keys").is_file()
    capsys.readouterr()
    return db


def test_every_command_family_signs_in_to_an_encrypted_database(
    encrypted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(encrypted)
    assert main(["add", "person", "--db", db, "--given-name", "บุญเรือน", "--json"]) == 0
    person = json.loads(capsys.readouterr().out)["id"]
    commands: list[list[str]] = [
        ["list", "people", "--db", db],
        ["migrate", "--db", db],
        ["backup", "--db", db, "--to", str(tmp_path / "backups")],
        ["print", "monthly", "--db", db, "--month", "2025-01", "-o", str(tmp_path / "month.pdf")],
        ["export", "people", "--db", db, "-o", str(tmp_path / "people.csv"), "--format", "csv"],
        ["sync", "export", "--db", db, "-o", str(tmp_path / "out")],
        ["escalations", "list", "--db", db],
        ["dashboard", "--db", db],
        ["report", "monthly", "--db", db, "--period", "2025-01", "-o", str(tmp_path / "r.pdf")],
        ["user", "list", "--db", db],
        ["audit", "verify", "--db", db],
        ["audit", "list", "--db", db],
        ["person", "export", "--db", db, "--person", person, "-o", str(tmp_path / "p.pdf")],
        ["privacy", "notice", "--db", db, "-o", str(tmp_path / "notice.pdf")],
        ["privacy", "due", "--db", db, "--json"],
        ["privacy", "dispose", "--db", db, "--ids", person],
        ["person", "erase", "--db", db, "--person", person],
    ]
    for argv in commands:
        main(argv)
        said = capsys.readouterr()
        text = said.out + said.err
        assert "usage:" not in said.err, (argv, text)
        assert "is encrypted" not in text, (argv, text)
        assert "Sign in" not in text, (argv, text)
