"""A tampered ``.keys`` file: absurd key-derivation parameters are refused by name before any
hashing (no traceback, no hour-long or out-of-memory Argon2), and a slot planted for the same
login does not hide the genuine one."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from justice_desk.cli.main import main
from justice_desk.storage import keyslots

PASSWORD = "ขอบคุณ-1234"


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "center.sqlite3"


def _edit(db_path: Path, change: Any) -> None:
    path = keyslots.slots_path(db_path)
    data = json.loads(path.read_text("utf-8"))
    change(data["slots"])
    path.write_text(json.dumps(data), "utf-8")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("salt", base64.b64encode(b"short").decode()),
        ("m", 2**40),
        ("m", 1),
        ("t", 10**9),
        ("t", 0),
        ("p", 2**20),
        ("t", "3"),
        ("name", "scrypt"),
    ],
)
def test_absurd_parameters_are_a_damaged_slot_refused_at_once(
    db_path: Path, field: str, value: object
) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "somchai", PASSWORD, key)

    def tamper(slots: list[dict[str, Any]]) -> None:
        slots[0]["kdf"][field] = value

    _edit(db_path, tamper)
    started = time.monotonic()
    with pytest.raises(keyslots.KeySlotError, match="key slot is damaged"):
        keyslots.unlock(db_path, "somchai", PASSWORD)
    assert time.monotonic() - started < 5


def test_a_slot_planted_first_for_the_same_login_does_not_hide_the_genuine_one(
    db_path: Path,
) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "somchai", PASSWORD, key)
    keyslots.add_slot(db_path, "malee", "another secret", key)

    def plant(slots: list[dict[str, Any]]) -> None:
        bad = json.loads(json.dumps(slots[0]))
        bad["kdf"]["m"] = 2**40
        other = json.loads(json.dumps(slots[1]))
        other["login"] = "somchai"  # a slot of another account moved: its binding fails
        slots[:0] = [bad, other]

    _edit(db_path, plant)
    assert keyslots.unlock(db_path, "somchai", PASSWORD) == key
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "somchai", "not the password")


def test_the_command_line_names_the_damaged_slot_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "correct horse 2569")
    db = tmp_path / "center.sqlite3"
    assert (
        main(
            [
                "init",
                "center",
                "--db",
                str(db),
                "--code",
                "500107",
                "--name",
                "ศูนย์",
                "--province",
                "เชียงใหม่",
                "--login",
                "boss",
                "--full-name",
                "สมชาย ใจดี",
            ]
        )  # fmt: skip
        == 0
    )
    capsys.readouterr()

    def tamper(slots: list[dict[str, Any]]) -> None:
        for slot in slots:
            slot["kdf"]["t"] = 10**6

    _edit(db, tamper)
    assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
    err = capsys.readouterr().err
    assert "key slot is damaged" in err and "unexpected" not in err
    assert len(err.strip().splitlines()) == 1
