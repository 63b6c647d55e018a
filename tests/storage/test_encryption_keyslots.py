"""Key slots (storage/keyslots.py): one database key, wrapped per account and by a recovery key,
in a ``.keys`` file beside the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from justice_desk.storage import keyslots


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "center.sqlite3"


def test_each_account_unlocks_the_same_key_and_a_password_change_rewraps_one_slot(
    db_path: Path,
) -> None:
    key = keyslots.new_database_key()
    assert len(key) == 32
    keyslots.add_slot(db_path, "Somchai", "ขอบคุณ-1234", key)
    keyslots.add_slot(db_path, "malee", "another secret", key)
    assert keyslots.slots_path(db_path) == db_path.with_name("center.sqlite3.keys")
    assert keyslots.logins(db_path) == ["somchai", "malee"]

    # Logins are case-folded; the password is exact.
    assert keyslots.unlock(db_path, "SOMCHAI", "ขอบคุณ-1234") == key
    assert keyslots.unlock(db_path, "malee", "another secret") == key
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "somchai", "ขอบคุณ-1235")
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "nobody", "ขอบคุณ-1234")

    before = json.loads(keyslots.slots_path(db_path).read_text(encoding="utf-8"))["slots"]
    keyslots.change_password(db_path, "somchai", "ขอบคุณ-1234", "new pass")
    after = json.loads(keyslots.slots_path(db_path).read_text(encoding="utf-8"))["slots"]
    assert {s["login"]: s for s in after}["malee"] == {s["login"]: s for s in before}["malee"]
    assert keyslots.unlock(db_path, "somchai", "new pass") == key
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "somchai", "ขอบคุณ-1234")
    with pytest.raises(keyslots.WrongCredentialsError):  # the old password changes nothing
        keyslots.change_password(db_path, "somchai", "ขอบคุณ-1234", "x")

    # The file holds no key in clear: neither the database key nor the password.
    raw = keyslots.slots_path(db_path).read_bytes()
    assert key.hex().encode() not in raw and key not in raw
    assert b"new pass" not in raw


def test_remove_slot_keeps_the_last_way_in(db_path: Path) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "a", "pa", key)
    keyslots.add_slot(db_path, "b", "pb", key)
    keyslots.remove_slot(db_path, "A")
    assert keyslots.logins(db_path) == ["b"]
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "a", "pa")
    with pytest.raises(keyslots.KeySlotError, match="last way"):
        keyslots.remove_slot(db_path, "b")
    keyslots.remove_slot(db_path, "nobody")  # nothing to do
    assert keyslots.logins(db_path) == ["b"]


def test_recovery_key_is_digits_with_a_check_digit_and_opens_the_database(db_path: Path) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "coordinator", "pw", key)
    printed = keyslots.create_recovery_key(db_path, key)
    groups = printed.split("-")
    assert len(groups) == 8 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert keyslots.has_recovery(db_path)
    assert keyslots.RECOVERY not in keyslots.logins(db_path)

    assert keyslots.unlock_with_recovery(db_path, printed) == key
    typed = " ".join(groups)  # spaces instead of dashes
    assert keyslots.unlock_with_recovery(db_path, typed) == key
    thai = printed.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert keyslots.unlock_any(db_path, secret=thai) == key

    digits = printed.replace("-", "")
    wrong_digit = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    with pytest.raises(keyslots.WrongCredentialsError, match="check digit"):
        keyslots.unlock_with_recovery(db_path, wrong_digit)
    with pytest.raises(keyslots.WrongCredentialsError, match="40 digits"):
        keyslots.unlock_with_recovery(db_path, digits[:-1])

    # A new recovery key replaces the old one.
    again = keyslots.create_recovery_key(db_path, key)
    assert again != printed
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock_with_recovery(db_path, printed)
    assert keyslots.unlock_with_recovery(db_path, again) == key


def test_a_slot_moved_to_another_login_or_weakened_does_not_open(db_path: Path) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "a", "same password", key)
    keyslots.add_slot(db_path, "b", "other", key)
    path = keyslots.slots_path(db_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    slot_a = data["slots"][0]
    data["slots"] = [{**slot_a, "login": "b"}]  # a's slot relabelled as b's
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "b", "same password")
    data["slots"] = [{**slot_a, "kdf": {**slot_a["kdf"], "t": 1}}]  # cheaper KDF
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(keyslots.WrongCredentialsError):
        keyslots.unlock(db_path, "a", "same password")


def test_missing_and_damaged_files_are_named(db_path: Path) -> None:
    with pytest.raises(keyslots.MissingKeySlotsError, match=r"\.keys"):
        keyslots.unlock(db_path, "a", "b")
    keyslots.slots_path(db_path).write_text("{not json", encoding="utf-8")
    with pytest.raises(keyslots.KeySlotError, match="damaged"):
        keyslots.unlock(db_path, "a", "b")
    # A failed write leaves the old file whole: nothing but the .keys file in the folder.
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["center.sqlite3.keys"]


def test_copy_slots_gives_a_backup_the_same_ways_in(tmp_path: Path, db_path: Path) -> None:
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, "a", "pa", key)
    recovery = keyslots.create_recovery_key(db_path, key)
    copy = tmp_path / "backup.sqlite3"
    keyslots.copy_slots(db_path, copy)
    assert keyslots.unlock(copy, "a", "pa") == key
    assert keyslots.unlock_with_recovery(copy, recovery) == key
    assert keyslots.raw_key_literal(key) == f"x'{key.hex()}'"
