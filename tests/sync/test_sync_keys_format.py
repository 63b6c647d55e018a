"""Site keys: ids, fingerprints, and private key files (mode 0600, passphrase)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from justice_desk.errors import UserError
from justice_desk.sync import (
    KeyFileError,
    KeyFileExistsError,
    PassphraseRequiredError,
    PublicKeySet,
    WrongPassphraseError,
    fingerprint,
    generate_keyset,
    key_file_is_private,
    key_id,
    load_private_keys,
    normalize_fingerprint,
    save_private_keys,
)
from justice_desk.sync import keys as keys_module

DEFAULT_SCRYPT_LOG_N = keys_module.SCRYPT_LOG_N


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests need not pay half a second per passphrase; the file records the cost it used."""
    monkeypatch.setattr(keys_module, "SCRYPT_LOG_N", 12)


def test_key_id_is_short_hex_and_stable() -> None:
    keys = generate_keyset()
    assert re.fullmatch(r"[0-9a-f]{16}", keys.key_id)
    assert key_id(keys.public) == keys.key_id
    same = PublicKeySet(signing=keys.public.signing, hpke=keys.public.hpke)
    assert same.key_id == keys.key_id
    assert generate_keyset().key_id != keys.key_id


def test_key_id_covers_both_keys() -> None:
    a, b = generate_keyset(), generate_keyset()
    mixed = PublicKeySet(signing=a.public.signing, hpke=b.public.hpke)
    assert mixed.key_id not in {a.key_id, b.key_id}


def test_fingerprint_is_six_groups_of_four_digits() -> None:
    keys = generate_keyset()
    text = fingerprint(keys.public)
    assert re.fullmatch(r"\d{4}( \d{4}){5}", text)
    assert keys.public.fingerprint == text
    assert fingerprint(generate_keyset().public) != text


def test_fingerprint_as_typed_is_normalised() -> None:
    keys = generate_keyset()
    text = keys.public.fingerprint
    typed = text.replace(" ", "-")
    assert normalize_fingerprint(typed) == text
    thai_digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    assert normalize_fingerprint(text.translate(thai_digits)) == text


def test_repr_never_shows_private_material() -> None:
    keys = generate_keyset()
    assert repr(keys) == f"KeySet(key_id={keys.key_id!r})"


def test_public_keys_round_trip_through_dict() -> None:
    keys = generate_keyset().public
    assert PublicKeySet.from_dict(keys.to_dict()) == keys


def test_public_keys_with_wrong_key_id_are_refused() -> None:
    data = generate_keyset().public.to_dict()
    data["key_id"] = "0" * 16
    with pytest.raises(UserError):
        PublicKeySet.from_dict(data)


def test_key_file_round_trip_without_passphrase(tmp_path: Path) -> None:
    keys = generate_keyset()
    path = save_private_keys(keys, tmp_path / "center.jdkey")
    loaded = load_private_keys(path)
    assert loaded.public == keys.public


def test_key_file_round_trip_with_passphrase(tmp_path: Path) -> None:
    keys = generate_keyset()
    path = save_private_keys(keys, tmp_path / "center.jdkey", "รหัสผ่าน ยาวพอ 2024")
    text = path.read_text("utf-8")
    assert "scrypt" in text
    loaded = load_private_keys(path, "รหัสผ่าน ยาวพอ 2024")
    assert loaded.public == keys.public


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_key_file_is_mode_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        path = save_private_keys(generate_keyset(), tmp_path / "center.jdkey", "pw")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_file_is_private(path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_world_readable_key_file_is_reported(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "center.jdkey")
    path.chmod(0o644)
    assert not key_file_is_private(path)


def test_wrong_passphrase_gives_a_clear_user_error(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "center.jdkey", "correct horse")
    with pytest.raises(WrongPassphraseError) as caught:
        load_private_keys(path, "wrong horse")
    assert isinstance(caught.value, UserError)
    assert caught.value.reason == "wrong_passphrase"
    message = str(caught.value)
    assert "passphrase" in message and "\n" not in message
    assert str(path) in message


def test_missing_passphrase_asks_for_it(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "center.jdkey", "correct horse")
    with pytest.raises(PassphraseRequiredError) as caught:
        load_private_keys(path)
    assert caught.value.reason == "passphrase_required"


def test_passphrase_is_unicode_normalised(tmp_path: Path) -> None:
    # SARA AM typed as one key, then as NIKHAHIT + SARA AA: looks the same, must open the same.
    as_one_key, as_two_marks = "กำแพง 2567", "ก\u0e4d\u0e32แพง 2567"
    path = save_private_keys(generate_keyset(), tmp_path / "k.jdkey", as_one_key)
    assert load_private_keys(path, as_two_marks).key_id
    path2 = save_private_keys(generate_keyset(), tmp_path / "k2.jdkey", "caf\u00e9")
    assert load_private_keys(path2, "cafe\u0301").key_id


def test_editing_the_sealed_header_is_detected(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "k.jdkey", "pw")
    data = json.loads(path.read_text("utf-8"))
    data["key_id"] = "0" * 16
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(KeyFileError):
        load_private_keys(path, "pw")


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"{}", b'{"format": "justice-desk-private-keys", "version": 99}'],
)
def test_damaged_key_file_is_a_key_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k.jdkey"
    path.write_bytes(content)
    with pytest.raises(KeyFileError) as caught:
        load_private_keys(path)
    assert caught.value.reason == "bad_key_file"


def test_unprotected_key_with_wrong_key_id_is_refused(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "k.jdkey")
    data = json.loads(path.read_text("utf-8"))
    data["key_id"] = generate_keyset().key_id
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(KeyFileError):
        load_private_keys(path)


def test_missing_key_file_is_a_key_file_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        load_private_keys(tmp_path / "absent.jdkey")


def test_existing_key_file_is_never_overwritten_by_default(tmp_path: Path) -> None:
    first = generate_keyset()
    path = save_private_keys(first, tmp_path / "center.jdkey")
    with pytest.raises(KeyFileExistsError):
        save_private_keys(generate_keyset(), path)
    assert load_private_keys(path).key_id == first.key_id
    replacement = generate_keyset()
    save_private_keys(replacement, path, overwrite=True)
    assert load_private_keys(path).key_id == replacement.key_id


def test_key_file_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    save_private_keys(generate_keyset(), tmp_path / "center.jdkey", "pw")
    assert [p.name for p in tmp_path.iterdir()] == ["center.jdkey"]


def test_scrypt_cost_is_read_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "k.jdkey", "pw")
    monkeypatch.setattr(keys_module, "SCRYPT_LOG_N", 14)  # a later version raising the cost
    assert load_private_keys(path, "pw").key_id


def test_default_scrypt_cost_is_strong() -> None:
    # Read before the autouse fixture lowered it for speed.
    assert DEFAULT_SCRYPT_LOG_N >= 17


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_missing_keys_folder_is_created_private(tmp_path: Path) -> None:
    path = save_private_keys(generate_keyset(), tmp_path / "keys" / "center.jdkey")
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
