"""Encryption at rest: SQLCipher databases opened with a key from the key slots, all migrations
and the FTS5 search on them, a copy unreadable without the key, conversion of a database made
by the previous release, encrypted backups restored with a password or the recovery key, and the
site's sync keys inside the database."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from justice_desk import paths
from justice_desk.services import backups, cases, encryption, people
from justice_desk.services import sync as sync_service
from justice_desk.services.sync import keys as sync_keys
from justice_desk.storage import cipher, keyslots
from justice_desk.storage.database import open_database, pg_connect_args
from justice_desk.storage.locate import resolve_target
from justice_desk.storage.schema import HEAD

FIXTURES = Path(__file__).resolve().parents[1] / "migrations" / "fixtures"
CENTER_NAME = "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"
LOGIN, PASSWORD = "somchai", "รหัสผ่าน-ยาวพอ 2569"


def assert_unreadable(path: Path, *secrets: str) -> None:
    """Nothing but noise: no SQLite header, none of the given texts in the bytes, and the
    standard sqlite3 module refuses the file."""
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for text in secrets:
        assert text.encode("utf-8") not in raw, text
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            conn.execute("SELECT name FROM sqlite_master").fetchall()
    finally:
        conn.close()


def test_a_new_encrypted_database_runs_every_migration_and_searches(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    key, recovery = encryption.new_database_secrets(path, LOGIN, PASSWORD)
    db = open_database(path, create=True, key=key)
    try:
        assert db.encrypted
        assert db.setting("schema_revision") == HEAD
        with db.connect_read() as conn:
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert {"people_fts", "cases_fts", "activities_fts"} <= names
    finally:
        db.dispose()
    assert_unreadable(path, "alembic_version", "people_fts")
    assert cipher.looks_encrypted(path)
    with pytest.raises(cipher.LockedDatabaseError, match="encrypted"):
        open_database(path)
    with pytest.raises(cipher.WrongKeyError):
        open_database(path, key=keyslots.new_database_key())
    with pytest.raises(keyslots.WrongCredentialsError):
        encryption.open_with_password(path, LOGIN, "not the password")
    again = encryption.open_with_recovery(path, recovery)
    assert again.encrypted and again.setting("schema_revision") == HEAD
    again.dispose()


def test_the_previous_release_database_is_converted_with_its_data_search_and_sync_keys(
    tmp_path: Path,
) -> None:
    """schema-0012.sqlite3 is a center made by the release before encryption (its sync key
    file is made here, as that release kept it in the data folder)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(FIXTURES / "schema-0012.sqlite3", path)
    assert encryption.conversion_due(path)
    plain = open_database(path)
    before_people = [p.id for p in people.list_people(plain, limit=1000).rows]
    before_land = [c.id for c in cases.list_cases(plain, search="ที่ดิน").rows]
    site_id = plain.site_id
    own_public = sync_service.own_public(plain)
    # The previous release's key file, sealed with its separate passphrase.
    old_keys = sync_service.own_keys
    plain.dispose()
    from justice_desk import sync as fmt

    keyset = fmt.generate_keyset()
    key_path = paths.keys_dir() / f"{site_id}.jdkey"
    fmt.save_private_keys(keyset, key_path, "old passphrase")
    assert before_people and before_land and own_public

    done = encryption.encrypt_database(path, login=LOGIN, password=PASSWORD)

    assert_unreadable(path, CENTER_NAME, "ที่ดิน")
    assert not encryption.conversion_due(path)
    assert len(done.recovery_key.split("-")) == 8
    # The before-encryption copy is gone; the sealed key file stays until its passphrase comes.
    assert not list(tmp_path.glob("center.sqlite3.before-encryption-*"))
    assert done.moved_key_files == () and key_path.exists()

    db = encryption.open_with_password(path, LOGIN.upper(), PASSWORD)
    try:
        assert db.encrypted and db.setting("schema_revision") == HEAD
        assert [p.id for p in people.list_people(db, limit=1000).rows] == before_people
        assert [c.id for c in cases.list_cases(db, search="ที่ดิน").rows] == before_land
        # The key file moves inside once the passphrase opens it, and then needs none.
        assert sync_service.needs_passphrase(db)
        loaded = old_keys(db, "old passphrase")
        assert loaded.key_id == keyset.key_id
        assert not key_path.exists()
        assert not sync_service.needs_passphrase(db)
        assert sync_service.own_keys(db).key_id == keyset.key_id
    finally:
        db.dispose()
    assert keyset.key_id  # the private key never appears in the file in clear
    assert_unreadable(path, keyset.key_id)


def test_demo_databases_stay_plain_and_plain_ones_still_open(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    assert not db.encrypted
    with db.write() as session:
        db.put_settings(session, {"demo": "1"})
    db.dispose()
    assert not encryption.conversion_due(center_db_path)
    assert encryption.open_with_password(center_db_path, "anyone", "anything").mode == "center"


def test_sync_keys_of_a_new_encrypted_site_live_inside_and_rotate(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    site_id = db.site_id
    db.dispose()
    key_path = paths.keys_dir() / f"{site_id}.jdkey"
    assert key_path.exists()  # the plain center's key file (no passphrase)
    done = encryption.encrypt_database(center_db_path, login=LOGIN, password=PASSWORD)
    assert done.moved_key_files == (key_path,) and not key_path.exists()
    db = encryption.open_with_password(center_db_path, LOGIN, PASSWORD)
    try:
        first = sync_service.own_keys(db)
        assert first.key_id == db.setting("key_id")
        statement = sync_service.rotate_center_keys(db, center_db_path.parent)
        assert statement.exists()
        second = sync_service.own_keys(db)
        assert second.key_id != first.key_id == sync_keys._retired_keys(db, None)[0].key_id
        assert not list(paths.keys_dir().glob(f"{site_id}*"))  # nothing on disk
        sync_keys._delete_retired_keys(db)
        assert sync_keys._retired_keys(db, None) == []
    finally:
        db.dispose()


def test_an_encrypted_backup_restores_with_a_password_or_the_recovery_key(
    center_db_path: Path, tmp_path: Path
) -> None:
    done = encryption.encrypt_database(center_db_path, login=LOGIN, password=PASSWORD)
    db = encryption.open_with_password(center_db_path, LOGIN, PASSWORD)
    folder = tmp_path / "usb"
    try:
        copy = backups.backup_to(db, folder)
        epoch = db.setting("epoch")
    finally:
        db.dispose()
    assert keyslots.slots_path(copy).is_file()
    assert backups.backup_is_encrypted(copy)
    assert_unreadable(copy, CENTER_NAME)
    # Changing a password later leaves the backup's slots as they were.
    keyslots.change_password(center_db_path, LOGIN, PASSWORD, "a newer password")

    with pytest.raises(cipher.LockedDatabaseError, match="encrypted"):
        backups.check_backup(copy)
    with pytest.raises(keyslots.WrongCredentialsError):
        backups.check_backup(copy, login=LOGIN, secret="a newer password")
    checked = backups.check_backup(copy, login=LOGIN, secret=PASSWORD)
    assert checked.contents.encrypted and checked.contents.name == CENTER_NAME
    assert "key=" not in repr(checked)

    kept = backups.restore(copy, center_db_path, key=checked.key)
    assert kept.name.startswith("center.sqlite3.before-restore-")
    db = encryption.open_with_password(center_db_path, LOGIN, PASSWORD)
    try:
        assert db.encrypted and db.setting("epoch") != epoch  # a new sync epoch
    finally:
        db.dispose()
    assert_unreadable(center_db_path, CENTER_NAME)

    # Again, with the recovery key alone.
    checked = backups.check_backup(copy, secret=done.recovery_key)
    backups.restore(copy, center_db_path, secret=done.recovery_key)
    db = encryption.open_with_recovery(center_db_path, done.recovery_key)
    try:
        assert db.mode == "center"
    finally:
        db.dispose()

    # A backup whose .keys file was not copied with it says what to do.
    lone = tmp_path / "lone" / copy.name
    lone.parent.mkdir()
    shutil.copy(copy, lone)
    with pytest.raises(keyslots.MissingKeySlotsError, match=r"\.keys"):
        backups.check_backup(lone, secret=done.recovery_key)


def test_rotation_removes_an_encrypted_backup_with_its_keys(
    center_db_path: Path, tmp_path: Path
) -> None:
    encryption.encrypt_database(center_db_path, login=LOGIN, password=PASSWORD)
    db = encryption.open_with_password(center_db_path, LOGIN, PASSWORD)
    folder = tmp_path / "auto"
    try:
        first = backups.automatic_backup(db, folder, backups.Retention(0, 0, 0)).path
        later = dt.datetime.now() + dt.timedelta(days=3)
        old_name = first.with_name(
            backups.backup_names.file_name(backups.label(db), later - dt.timedelta(days=400))
        )
        first.rename(old_name)
        keyslots.slots_path(first).rename(keyslots.slots_path(old_name))
        result = backups.automatic_backup(db, folder, backups.Retention(1, 0, 0), now=later)
    finally:
        db.dispose()
    assert result.removed == (old_name,)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [result.path.name, keyslots.slots_path(result.path).name]
    )


def test_a_server_database_uses_tls_when_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://officer@db.example/province"
    assert pg_connect_args(resolve_target(url)) == {"sslmode": "prefer"}
    monkeypatch.setenv("JUSTICE_DESK_PG_SSLMODE", "verify-full")
    assert pg_connect_args(resolve_target(url)) == {"sslmode": "verify-full"}
    assert pg_connect_args(resolve_target(url + "?sslmode=require")) == {}
    assert pg_connect_args(resolve_target("/tmp/x.sqlite3")) == {}
    monkeypatch.setenv("JUSTICE_DESK_PG_SSLMODE", "sometimes")
    with pytest.raises(Exception, match="JUSTICE_DESK_PG_SSLMODE"):
        pg_connect_args(resolve_target(url))
