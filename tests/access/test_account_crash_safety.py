"""An account change on an encrypted database killed at any step (SIGKILL: the process gets no
chance to clean up) never locks an account out: the old password or the new one opens both the
key file and the account, and the next sign-in repairs the key file.

``JUSTICE_DESK_KILL_AT`` makes the real ``justice-desk`` process kill itself right after the
named step: the new key slot written (before the database commit), or the database committed
(before the old slot is dropped)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.errors import SignInFailed, UserError
from justice_desk.services import encryption
from justice_desk.storage import keyslots

OLD = "correct horse 2569"
NEW = "battery staple 2570"
STEPS = ["slot-written", "database-committed", None]


@pytest.fixture
def encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", OLD)
    monkeypatch.delenv("JUSTICE_DESK_USER", raising=False)
    db = tmp_path / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107",
            "--name", "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", "--province", "เชียงใหม่",
            "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    return db


def _run(db: Path, *args: str, kill_at: str | None, **env: str) -> None:
    full = dict(os.environ, JUSTICE_DESK_LANG="en", **env)
    full.pop("JUSTICE_DESK_KILL_AT", None)
    if kill_at:
        full["JUSTICE_DESK_KILL_AT"] = kill_at
    done = subprocess.run(
        [sys.executable, "-m", "justice_desk", "user", *args, "--db", str(db)],
        env=full,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    expected = -signal.SIGKILL if kill_at else 0
    assert done.returncode == expected, (kill_at, done.stdout, done.stderr)


def _opens(db: Path, login: str, password: str) -> bool:
    try:
        opened = encryption.sign_in_encrypted(db, login, password)
    except (SignInFailed, UserError):
        return False
    opened.dispose()
    return True


def _slots_of(db: Path, login: str) -> int:
    return keyslots.logins(db).count(login)


@pytest.mark.parametrize("kill_at", STEPS)
def test_a_password_change_killed_at_any_step_leaves_old_or_new_working(
    encrypted: Path, kill_at: str | None
) -> None:
    _run(
        encrypted,
        "password",
        kill_at=kill_at,
        JUSTICE_DESK_USER="boss",
        JUSTICE_DESK_PASSWORD=OLD,
        JUSTICE_DESK_NEW_PASSWORD=NEW,
    )
    works = [p for p in (OLD, NEW) if _opens(encrypted, "boss", p)]
    assert works == ([OLD] if kill_at == "slot-written" else [NEW]), kill_at
    # the sign-in repaired the key file: one slot, the password that works
    assert _slots_of(encrypted, "boss") == 1
    assert keyslots.unlock(encrypted, "boss", works[0])
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(encrypted, "boss", NEW if works == [OLD] else OLD)


@pytest.mark.parametrize("kill_at", STEPS)
def test_adding_disabling_and_enabling_killed_at_any_step_lock_nobody_out(
    encrypted: Path, kill_at: str | None
) -> None:
    boss = {"JUSTICE_DESK_USER": "boss", "JUSTICE_DESK_PASSWORD": OLD}
    _run(
        encrypted,
        "add",
        "clerk",
        "--role",
        "secretary",
        kill_at=kill_at,
        JUSTICE_DESK_NEW_PASSWORD=NEW,
        **boss,
    )
    assert _opens(encrypted, "boss", OLD)
    added = kill_at != "slot-written"
    assert _opens(encrypted, "clerk", NEW) is added
    if not added:
        _run(encrypted, "add", "clerk", "--role", "secretary", kill_at=None,
             JUSTICE_DESK_NEW_PASSWORD=NEW, **boss)  # fmt: skip
    assert _slots_of(encrypted, "clerk") == 1

    # disabling writes no slot: it is killed after its commit, before the slot is removed
    _run(encrypted, "disable", "clerk", kill_at=kill_at and "database-committed", **boss)
    if kill_at:
        assert _slots_of(encrypted, "clerk") == 1  # left behind by the kill...
    assert _opens(encrypted, "boss", OLD)  # ...and removed by the next sign-in
    assert _slots_of(encrypted, "clerk") == 0
    assert not _opens(encrypted, "clerk", NEW)

    third = "third password 2571"
    _run(encrypted, "enable", "clerk", kill_at=kill_at, JUSTICE_DESK_NEW_PASSWORD=third, **boss)
    assert _opens(encrypted, "boss", OLD)
    enabled = _opens(encrypted, "clerk", third)
    assert enabled is (kill_at != "slot-written")
    assert _slots_of(encrypted, "clerk") == (1 if enabled else 0)
    assert not _opens(encrypted, "clerk", NEW)
