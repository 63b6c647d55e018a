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


def test_one_count_whichever_way_the_passwords_are_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window's sign-in, its lock screen and the command line share one count per
    database and login: wrong passwords typed one way slow the next try made another way, and
    a restart of the app does not start it again."""
    from justice_desk.errors import SignInFailed

    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    db = tmp_path / "center.sqlite3"
    assert main(
        [
            "init", "center", "--db", str(db), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    ) == 0  # fmt: skip
    capsys.readouterr()
    clock = [time.time()]
    monkeypatch.setattr(encryption.time, "time", lambda: clock[0])

    # two wrong passwords in the window's sign-in, the third on the command line
    for _attempt in range(accounts.FREE_ATTEMPTS - 1):
        with pytest.raises(SignInFailed) as refused:
            encryption.sign_in_encrypted(db, "boss", "not the password")
        assert refused.value.wait_seconds == 0
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "not the password")
    assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
    assert f"wait {accounts.FIRST_DELAY_S} seconds" in capsys.readouterr().err
    # the window (a new start of the app: nothing kept in memory) waits as well
    with pytest.raises(SignInFailed, match="wait") as refused:
        encryption.sign_in_encrypted(db, "boss", PASSWORD)
    assert refused.value.wait_seconds >= 1
    clock[0] += accounts.FIRST_DELAY_S
    opened = encryption.sign_in_encrypted(db, "boss", PASSWORD)
    try:
        assert keyslots.read_failures(db) == {}
        # wrong passwords at the lock screen of the open window count too
        for _attempt in range(accounts.FREE_ATTEMPTS):
            with pytest.raises(SignInFailed):
                accounts.authenticate(opened, "boss", "still not it")
        assert keyslots.read_failures(db)["boss"][0] == accounts.FREE_ATTEMPTS
        monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
        assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
        assert "Several wrong passwords" in capsys.readouterr().err
        with pytest.raises(SignInFailed, match="wait"):
            accounts.authenticate(opened, "boss", PASSWORD)
        clock[0] += accounts.FIRST_DELAY_S
        assert accounts.authenticate(opened, "boss", PASSWORD, now=_utc(clock[0])).login == "boss"
        assert keyslots.read_failures(db) == {}  # a success starts the count again
    finally:
        opened.dispose()


def _utc(epoch: float):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
