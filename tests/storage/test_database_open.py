"""Opening databases: pragmas, refusals that leave files untouched, upgrade with a copy aside."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from justice_desk import __version__
from justice_desk.errors import DatabaseError, NewerDatabaseError, NotADatabaseError
from justice_desk.storage.database import open_database, resolve_target
from justice_desk.storage.schema import HEAD, KNOWN_REVISIONS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pragmas_on_every_connection(center_db) -> None:
    for engine in (center_db.read_engine, center_db.write_engine):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_new_database_is_at_head_and_records_the_app_version(center_db) -> None:
    assert center_db.setting("schema_revision") == HEAD
    assert center_db.setting("app_version") == __version__
    assert center_db.mode == "center"


def test_missing_file_is_not_created_without_asking(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        open_database(tmp_path / "nothing.sqlite3")
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_future_revision_is_refused_and_file_untouched(center_db_path: Path) -> None:
    conn = sqlite3.connect(center_db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.execute("UPDATE settings SET value = '7.0.0' WHERE key = 'app_version'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(center_db_path)
    with pytest.raises(NewerDatabaseError) as err:
        open_database(center_db_path)
    message = str(err.value)
    assert "7.0.0" in message and __version__ in message and "9999" in message and HEAD in message
    assert "\n" not in message
    assert digest(center_db_path) == before
    assert not list(center_db_path.parent.glob("*.bak"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, this is a text file\n" * 100,
        b"SQLite format 3\x00" + b"\xff" * 4000,
        bytes(range(256)) * 64,
    ],
    ids=["empty", "text", "damaged-sqlite", "binary"],
)
def test_not_a_database_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(NotADatabaseError) as err:
        open_database(path)
    assert str(path) in str(err.value) and "not changed" in str(err.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.sqlite3"]


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotADatabaseError, match="not a Justice Desk database"):
        open_database(path)
    assert digest(path) == before


def test_older_schema_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from justice_desk.storage.migrate import upgrade

    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        upgrade(conn, KNOWN_REVISIONS[0])
        conn.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('marker', 'kept')")
    engine.dispose()
    before = path.read_bytes()

    db = open_database(path)
    try:
        assert db.setting("schema_revision") == HEAD
        assert db.setting("marker") == "kept"
    finally:
        db.dispose()
    copies = list(tmp_path.glob(f"old.sqlite3.before-upgrade-{KNOWN_REVISIONS[0]}-*.bak"))
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    assert (
        old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == KNOWN_REVISIONS[0]
    )
    assert old.execute("SELECT value FROM settings WHERE key='marker'").fetchone()[0] == "kept"
    old.close()
    assert len(copies[0].read_bytes()) >= len(before) // 2


def test_targets_from_paths_urls_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = resolve_target(tmp_path / "a.sqlite3")
    assert t.path == (tmp_path / "a.sqlite3").resolve() and t.url.startswith("sqlite:///")
    pg = resolve_target("postgresql+psycopg://user:secret@localhost/jd")
    assert pg.path is None and "secret" not in pg.display
    monkeypatch.setenv("JUSTICE_DESK_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_target(None).path == (tmp_path / "env.sqlite3").resolve()
    monkeypatch.delenv("JUSTICE_DESK_DB")
    monkeypatch.setenv("JUSTICE_DESK_HOME", str(tmp_path / "home"))
    assert resolve_target(None).path == (tmp_path / "home" / "justice-desk.sqlite3").resolve()
