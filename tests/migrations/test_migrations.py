"""Standing tests of the migrations shipped in the package."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from justice_desk.storage import migrate
from justice_desk.storage.database import open_database
from justice_desk.storage.models import Base
from justice_desk.storage.schema import HEAD, KNOWN_REVISIONS

FIXTURES = Path(__file__).parent / "fixtures"


def test_exactly_one_head_and_it_is_the_known_head() -> None:
    assert migrate.script_heads() == (HEAD,)


def test_known_revisions_match_the_scripts_in_order() -> None:
    assert migrate.script_revisions() == KNOWN_REVISIONS


def sqlite_metadata():
    """The models as SQLite holds them: foreign keys without DEFERRABLE, which SQLite gets from
    ``PRAGMA defer_foreign_keys`` instead (migration 0004 changes PostgreSQL only)."""
    from sqlalchemy import MetaData

    copy = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(copy)
    for table in copy.tables.values():
        for fk in table.foreign_key_constraints:
            fk.deferrable = None
            fk.initially = None
    return copy


def test_empty_database_migrated_to_head_equals_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        migrate.upgrade(conn)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        diff = compare_metadata(ctx, sqlite_metadata())
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        migrate.upgrade(conn)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    with engine.connect() as conn:
        names = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert names <= {
        "alembic_version",
        "sqlite_sequence",
    }  # SQLite keeps its AUTOINCREMENT bookkeeping
    with engine.begin() as conn:
        migrate.upgrade(conn)
    engine.dispose()


def test_every_released_schema_fixture_upgrades_with_its_data(tmp_path: Path) -> None:
    """Each ``fixtures/schema-REV.sqlite3`` is a small center database made by that release."""
    fixtures = sorted(FIXTURES.glob("schema-*.sqlite3"))
    assert fixtures, "no fixture databases"
    for fixture in fixtures:
        path = tmp_path / fixture.name
        shutil.copy(fixture, path)
        raw = sqlite3.connect(path)
        counts = {
            t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("people", "cases", "meetings", "change_log")
        }
        raw.close()
        db = open_database(path)
        try:
            assert db.setting("schema_revision") == HEAD
            from justice_desk.services import cases, people

            assert people.list_people(db, limit=1000).total == counts["people"]
            assert cases.list_cases(db, limit=1000).total == counts["cases"]
            assert cases.list_cases(db, search="ที่ดิน").total >= 1  # FTS index survived the upgrade
        finally:
            db.dispose()
        assert all(v > 0 for v in counts.values())
