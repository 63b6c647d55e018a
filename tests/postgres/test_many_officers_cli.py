"""``--db postgresql://…`` wherever the command line takes ``--db``: one command (or more) of
every family against a real PostgreSQL server, given the URL as an office types it
(``postgresql://user@host:port/database``, no driver name), each in its own process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_import_numbers_on_postgres import _enrolled_center as enrolled_center
from test_many_officers import plain_url

from justice_desk.services import sync

pytestmark = pytest.mark.postgres

TODAY = dt.date.today()
MONTH_BE = f"{TODAY.year + 543}-{TODAY.month:02d}"


@pytest.fixture
def second_pg_database(postgres_url: str):
    """Another empty database on the test server (a center kept on a server), dropped after."""
    import uuid

    import psycopg

    name = "jd_" + uuid.uuid4().hex[:12]
    base = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ok(r) -> str:
    assert r.returncode == 0, (r.args, r.stdout, r.stderr)
    return r.stdout


def _refused(r, words: str) -> None:
    assert r.returncode == 2, (r.args, r.stdout, r.stderr)
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_every_command_family_takes_a_postgresql_url(
    fresh_pg_database: str, second_pg_database: str, cli, tmp_path: Path
) -> None:
    province = plain_url(fresh_pg_database)
    assert province.startswith("postgresql://") and "+psycopg" not in province

    # init, migrate
    out = _ok(
        cli("init", "province", "--db", province, "--province", "เชียงใหม่", "--code", "PJO-50")
    )
    assert "postgresql+psycopg://" in out and "127.0.0.1" in out  # the driver the app uses
    assert "is at schema" in _ok(cli("migrate", "--db", province))

    # sync: a center on a laptop enrols, its bundle is imported, receipts go back
    from justice_desk.storage.database import open_database

    db = open_database(province)
    center = enrolled_center(
        tmp_path / "center.sqlite3", db, tmp_path / "enrol", code="500107", seed=3
    )
    db.dispose()
    stick = tmp_path / "stick"
    sync.export_bundle(center, stick)
    out = _ok(cli("sync", "import", "--db", province, "--json", str(stick)))
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["applied"]
    assert "500107" in _ok(cli("sync", "status", "--db", province))
    assert _ok(cli("sync", "conflicts", "--db", province, "--json")).strip() == "[]"
    assert "500107" in _ok(cli("sync", "receipts", "--db", province, "-o", str(tmp_path / "r")))
    (receipt,) = (tmp_path / "r").glob("*.jdreceipt")
    _ok(cli("sync", "receipt", "--db", str(center.target.path), str(receipt)))
    center.dispose()

    # list, export, dashboard, escalations, report
    listed = json.loads(_ok(cli("list", "cases", "--db", province, "--center", "500107", "--json")))
    assert listed
    _ok(
        cli(
            "export", "cases", "--db", province, "--center", "500107", "-o", str(tmp_path / "c.csv")
        )
    )
    assert (tmp_path / "c.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    figures = json.loads(_ok(cli("dashboard", "--db", province, "--period", MONTH_BE, "--json")))
    assert [c["code"] for c in figures["centers"]] == ["500107"]
    escalated = json.loads(_ok(cli("escalations", "list", "--db", province, "--json")))
    assert {e["center"] for e in escalated} <= {"500107"}
    _ok(
        cli(
            "report",
            "monthly",
            "--db",
            province,
            "--period",
            MONTH_BE,
            "-o",
            str(tmp_path / "m.csv"),
        )
    )
    assert (tmp_path / "m.csv").stat().st_size > 0

    # accounts and the audit trail
    _ok(cli("audit", "verify", "--db", province))
    _ok(cli("user", "list", "--db", province))

    # backup and restore: a server is backed up with its own tools, said in one line
    _refused(cli("backup", "--db", province, "--to", str(tmp_path / "b")), "pg_dump")
    _refused(cli("restore", "--db", province, "--from", str(tmp_path / "x.sqlite3")), "pg_restore")

    # A center kept on a server: init, demo, add, list, print
    other = plain_url(second_pg_database)
    _ok(
        cli(
            "init", "center", "--db", other, "--code", "500108",
            "--name", "ศูนย์ยุติธรรมชุมชนตำบลสุเทพ", "--province", "เชียงใหม่",
        )
    )  # fmt: skip
    _ok(cli("demo", "--db", other, "--people", "6", "--cases", "3", "--meetings", "1"))
    _ok(cli("add", "person", "--db", other, "--given-name", "สมศรี", "--surname", "มีสุข"))
    people = json.loads(_ok(cli("list", "people", "--db", other, "--search", "สมศรี", "--json")))
    assert len(people) == 1
    cases = json.loads(_ok(cli("list", "cases", "--db", other, "--json")))
    number = cases[0]["number"]
    pdf = tmp_path / "intake.pdf"
    _ok(cli("print", "intake", "--db", other, "--case", number, "-o", str(pdf)))
    assert pdf.read_bytes().startswith(b"%PDF")
