"""The province side runs on PostgreSQL: migrations, enrolment, import of a demo center's
bundle, and the same listings and Thai search as on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres


def test_migrations_reach_head_and_match_the_models(fresh_pg_database: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from justice_desk.storage import migrate
    from justice_desk.storage.database import open_database
    from justice_desk.storage.models import Base
    from justice_desk.storage.schema import HEAD

    db = open_database(fresh_pg_database, create=True)
    assert db.setting("schema_revision") == HEAD
    db.dispose()
    engine = create_engine(fresh_pg_database)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


def test_province_on_postgres_imports_a_center(fresh_pg_database: str, tmp_path: Path, cli) -> None:
    center = tmp_path / "center.sqlite3"
    assert (
        cli(
            "demo", "--db", str(center), "--people", "40", "--cases", "80", "--meetings", "4"
        ).returncode
        == 0
    )
    r = cli("init", "province", "--db", fresh_pg_database, "--province", "เชียงใหม่")
    assert r.returncode == 0, r.stderr
    assert (
        cli("sync", "request", "--db", str(center), "-o", str(tmp_path / "req.jdenrol")).returncode
        == 0
    )
    r = cli(
        "sync",
        "enrol",
        "--db",
        fresh_pg_database,
        str(tmp_path / "req.jdenrol"),
        "--approve",
        "-o",
        str(tmp_path / "ans.jdanswer"),
    )
    assert r.returncode == 0, r.stderr
    assert (
        cli("sync", "accept", "--db", str(center), str(tmp_path / "ans.jdanswer")).returncode == 0
    )
    r = cli("sync", "export", "--db", str(center), "-o", str(tmp_path / "usb"))
    assert r.returncode == 0, r.stderr
    r = cli("sync", "import", "--db", fresh_pg_database, str(tmp_path / "usb"), "--json")
    assert r.returncode == 0, r.stderr
    outcome = json.loads(r.stdout.splitlines()[0])
    assert outcome["status"] == "applied", outcome
    center_cases = json.loads(cli("list", "cases", "--db", str(center), "--json").stdout)
    province_cases = json.loads(
        cli("list", "cases", "--db", fresh_pg_database, "--center", "DEMO-500107", "--json").stdout
    )
    assert sorted(c["id"] for c in province_cases) == sorted(c["id"] for c in center_cases)
    party = center_cases[0]["parties"].split(" ")[-1]
    found = json.loads(
        cli(
            "list",
            "cases",
            "--db",
            fresh_pg_database,
            "--center",
            "DEMO-500107",
            "--search",
            party,
            "--json",
        ).stdout
    )
    assert center_cases[0]["id"] in {c["id"] for c in found}
    # A second import of the same folder changes nothing.
    again = json.loads(
        cli(
            "sync", "import", "--db", fresh_pg_database, str(tmp_path / "usb"), "--json"
        ).stdout.splitlines()[0]
    )
    assert again["status"] == "duplicate"
