"""Wrong passwords on the command line against an encrypted database slow the next attempts as
the window does, though every command is a new process (the count is kept beside the key
file), and are written in the audit trail once the right password opens it; an unknown login
takes as long to refuse as a wrong password."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.services import accounts, encryption
from justice_desk.storage import keyslots

PASSWORD = "correct horse 2569"


def test_wrong_passwords_slow_down_across_commands_and_are_audited(
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
    clock = [time.time()]
    monkeypatch.setattr(encryption.time, "time", lambda: clock[0])
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "not the password")
    for _attempt in range(accounts.FREE_ATTEMPTS):
        assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
    err = capsys.readouterr().err
    assert f"wait {accounts.FIRST_DELAY_S} seconds" in err
    assert keyslots.failures_path(db).is_file()

    # even the right password waits its turn
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
    assert "Several wrong passwords" in capsys.readouterr().err
    clock[0] += accounts.FIRST_DELAY_S
    assert main(["audit", "list", "--db", str(db), "--user", "boss", "--json"]) == 0
    details = [e["detail"] or "" for e in json.loads(capsys.readouterr().out)]
    assert any(f"x{accounts.FREE_ATTEMPTS} (database locked)" in d for d in details)
    assert not keyslots.failures_path(db).exists()  # the count starts again


def test_an_unknown_login_costs_the_same_key_derivation(tmp_path: Path) -> None:
    db = tmp_path / "center.sqlite3"
    keyslots.add_slot(db, "boss", PASSWORD, keyslots.new_database_key())

    def took(login: str) -> float:
        started = time.perf_counter()
        with pytest.raises(keyslots.WrongCredentialsError):
            keyslots.unlock(db, login, "not the password")
        return time.perf_counter() - started

    took("boss")  # warm up
    known = min(took("boss") for _ in range(2))
    unknown = min(took("nobody") for _ in range(2))
    assert unknown > known * 0.5
