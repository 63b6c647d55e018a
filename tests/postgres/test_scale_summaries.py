"""What a province of many centers adds under the dashboard (migration 0015, docs/architecture.md
§21) stays correct after every import, on SQLite and on a real PostgreSQL server: the dashboard
read through the new indexes gives exactly what a full recount gives, the same queries with those
indexes dropped (the database then reads the tables themselves), after a direct load and after
centers imported through real bundles on top of it. A few small demo centers: the big figures
are in ``benchmarks/bench_province_dashboard.py``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from justice_desk.domain.periods import parse_period
from justice_desk.services import dashboard
from justice_desk.services.demo import province
from justice_desk.storage.database import open_database
from justice_desk.storage.models import SCALE_DASHBOARD_INDEXES, SCALE_FOREIGN_KEY_INDEXES

pytestmark = pytest.mark.postgres

TODAY = dt.date(2026, 3, 15)
PERIODS = ("FY2569", "2569-Q1", "2569-02", "2567-03-16..2569-03-15")
INDEXES = {name: table for name, (table, _c, _l) in SCALE_DASHBOARD_INDEXES.items()} | {
    f"ix_{table}_{column}": table for table, column in SCALE_FOREIGN_KEY_INDEXES
}


def _figures(target: str) -> dict[str, Any]:
    db = open_database(target)
    try:
        out = {}
        for code in PERIODS:
            values = dashboard.dashboard_json(
                dashboard.dashboard(db, parse_period(code), today=TODAY)
            )
            out[code] = [
                {k: v for k, v in c.items() if k not in ("sync.last_bundle_at", "sync.quiet_days")}
                for c in values["centers"]
            ]
        return out
    finally:
        db.dispose()


def _indexes(target: str) -> set[str]:
    db = open_database(target)
    try:
        with db.connect_read() as conn:
            found = inspect(conn)
            return {
                ix["name"]
                for table in set(INDEXES.values())
                for ix in found.get_indexes(table)
                if ix["name"]
            }
    finally:
        db.dispose()


def _drop_indexes(target: str) -> None:
    db = open_database(target)
    try:
        with db.connect_write() as conn:
            for name in INDEXES:
                conn.execute(text(f"DROP INDEX {name}"))
    finally:
        db.dispose()


def _province(target: str, home: Path) -> None:
    """Three centers written directly (two templates), then two imported through bundles."""
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    db = province.open_or_create_province(target)
    try:
        province.generate_province(
            db, centers=3, years=2, today=TODAY, direct=True, templates=2, seed=7
        )
        province.generate_province(db, centers=2, years=2, today=TODAY, seed=7)
    finally:
        db.dispose()


def _check(target: str, home: Path) -> None:
    _province(target, home)
    assert set(INDEXES) <= _indexes(target)
    indexed = _figures(target)
    assert len(indexed["FY2569"]) == 5
    assert sum(c["received"] for c in indexed["2567-03-16..2569-03-15"]) > 100
    assert sum(c["meetings.quorum_failures"] for c in indexed["2567-03-16..2569-03-15"]) >= 0
    _drop_indexes(target)
    assert not set(INDEXES) & _indexes(target)
    assert _figures(target) == indexed


def test_sqlite_dashboard_through_the_indexes_equals_a_full_recount(tmp_path: Path) -> None:
    _check(str(tmp_path / "province.sqlite3"), tmp_path / "home")


def test_postgresql_dashboard_through_the_indexes_equals_a_full_recount(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    _check(fresh_pg_database, tmp_path / "home")


def test_sqlite_reads_the_period_through_the_new_indexes(tmp_path: Path) -> None:
    """The outcome events of a period and a meeting's attendance are read through their
    indexes, not by a scan of the whole table."""
    from justice_desk.storage import dashboard_queries as q

    target = str(tmp_path / "province.sqlite3")
    _province(target, tmp_path / "home")
    db = open_database(target)
    period = parse_period("FY2569")
    try:
        with db.read() as session:
            plans = []
            for selection in (
                q.outcome_selection(session, period.start, period.end, None),
                q.meeting_selection(period.start, period.end, None, "quorum_failed"),
            ):
                sql = selection.compile(
                    dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
                )
                plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
                plans.append(" | ".join(str(row[-1]) for row in plan))
    finally:
        db.dispose()
    assert "ix_case_events_dashboard" in plans[0], plans[0]
    assert "SCAN case_events" not in plans[0], plans[0]
    assert "ix_meeting_attendance_quorum" in plans[1], plans[1]
