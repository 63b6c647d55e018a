"""What a province of many centers adds under the dashboard (docs/architecture.md §21) stays
correct after every write, on SQLite and on a real PostgreSQL server:

- the indexes (migration 0015): the dashboard read through them gives exactly what the same
  queries give with those indexes dropped (the database then reads the tables themselves);
- the summary tables (migration 0017, ``storage/summaries.py``): after a direct load, after
  centers imported through real bundles, and after a center's edits come back in a later bundle
  (an outcome that changes and moves month, a case received in another month, an escalation
  weeks after a failed mediation, an activity moved, a meeting deleted), the tables equal a full
  recount and the dashboard read from them equals the dashboard counted from the records, for
  whole months and for periods that cut months; the migration fills them for a province that
  existed before it.

A few small demo centers: the big figures are in ``benchmarks/bench_province_dashboard.py``."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.domain.outcomes import OUTCOME_OF
from justice_desk.domain.periods import parse_period
from justice_desk.services import dashboard
from justice_desk.services.demo import province
from justice_desk.storage import summaries
from justice_desk.storage.database import open_database
from justice_desk.storage.models import (
    SCALE_DASHBOARD_INDEXES,
    SCALE_FOREIGN_KEY_INDEXES,
    SUMMARY_MODELS,
    Activity,
    Case,
    CaseEvent,
    Meeting,
)

pytestmark = pytest.mark.postgres

TODAY = dt.date(2026, 3, 15)
PERIODS = ("FY2569", "2569-Q1", "2569-02", "2567-03-16..2569-03-15")
#: Whole months, and periods that start or end inside a month (read partly from the records).
SUMMARY_PERIODS = (
    *PERIODS,
    "2568",
    "2568-11-10..2569-02-03",
    "2569-02-03..2569-02-20",
    "2567-12-31..2568-01-01",
)
INDEXES = {name: table for name, (table, _c, _l) in SCALE_DASHBOARD_INDEXES.items()} | {
    f"ix_{table}_{column}": table for table, column in SCALE_FOREIGN_KEY_INDEXES
}


def _figures(
    target: str, periods: tuple[str, ...] = PERIODS, summaries: bool | None = None
) -> dict[str, Any]:
    db = open_database(target)
    try:
        out = {}
        for code in periods:
            values = dashboard.dashboard_json(
                dashboard.dashboard(db, parse_period(code), today=TODAY, summaries=summaries)
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


def _province(target: str, home: Path, work: Path | None = None) -> None:
    """Three centers written directly (two templates), then two imported through bundles (their
    databases, keys and bundles kept in ``work`` when given)."""
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    db = province.open_or_create_province(target)
    try:
        province.generate_province(
            db, centers=3, years=2, today=TODAY, direct=True, templates=2, seed=7
        )
        province.generate_province(db, centers=2, years=2, today=TODAY, seed=7, work=work)
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


# -- the summary tables ------------------------------------------------------------------------


def _summary_rows(target: str) -> dict[str, list[tuple[Any, ...]]]:
    db = open_database(target)
    try:
        with db.connect_read() as conn:
            return {
                model.__tablename__: sorted(
                    tuple(str(v) for v in row) for row in conn.execute(select(model.__table__))
                )
                for model in SUMMARY_MODELS
            }
    finally:
        db.dispose()


def _assert_summaries_are_a_recount(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """The summary tables as every write left them equal a recount of everything, and the
    dashboard read from them equals the dashboard counted from the records."""
    kept = _summary_rows(target)
    assert all(kept[t] for t in ("summary_received", "summary_outcomes", "summary_month"))
    assert kept["summary_deadlines"] and kept["summary_people"]
    db = open_database(target)
    try:
        with db.connect_write() as conn:
            summaries.refresh_all(conn)
    finally:
        db.dispose()
    assert _summary_rows(target) == kept
    assert _figures(target, SUMMARY_PERIODS) == _figures(target, SUMMARY_PERIODS, summaries=False)
    return kept


def _edit_center_and_send(target: str, home: Path, work: Path, code: str) -> int:
    """At center ``code`` (made through bundles in ``work``): an outcome moved to an earlier
    month, a case received five weeks earlier and made another kind, an escalation seven weeks
    after a mediation that failed, an activity moved a month on with other participants, a
    meeting deleted; its next bundle imported at the province. Returns the records it carried."""
    from justice_desk.services import sync

    os.environ["JUSTICE_DESK_HOME"] = str(work / "home")
    center = open_database(work / "centers" / f"{code}.sqlite3")
    try:
        with center.write() as session:
            owner = center.site_id
            outcomes = [s.value for s in OUTCOME_OF]
            events = (
                session.execute(
                    select(CaseEvent)
                    .where(CaseEvent.to_status.in_(outcomes), CaseEvent.deleted_at.is_(None))
                    .order_by(CaseEvent.occurred_on)
                )
                .scalars()
                .all()
            )
            assert len(events) > 10
            moved = events[len(events) // 2]
            moved.occurred_on -= dt.timedelta(days=40)
            received = session.get(Case, events[len(events) // 3].case_id)
            assert received is not None
            received.received_on -= dt.timedelta(days=35)
            received.kind = (
                CaseKind.DISPUTE.value
                if received.kind != CaseKind.DISPUTE.value
                else CaseKind.VICTIM_COMPENSATION.value
            )
            outcomes_of = Counter(e.case_id for e in events)
            failed = next(
                e
                for e in reversed(events)
                if e.to_status == CaseStatus.TERMINATED.value
                and outcomes_of[e.case_id] == 1
                and e is not moved
                and e.occurred_on < TODAY - dt.timedelta(days=60)
            )
            session.add(
                CaseEvent(
                    owner_id=owner,
                    case_id=failed.case_id,
                    action="escalate",
                    from_status=CaseStatus.TERMINATED.value,
                    to_status=CaseStatus.ESCALATED.value,
                    occurred_on=failed.occurred_on + dt.timedelta(days=49),
                )
            )
            case = session.get(Case, failed.case_id)
            assert case is not None
            case.status = CaseStatus.ESCALATED.value
            activity = (
                session.execute(
                    select(Activity).where(Activity.deleted_at.is_(None)).order_by(Activity.held_on)
                )
                .scalars()
                .first()
            )
            assert activity is not None
            activity.held_on += dt.timedelta(days=31)
            activity.participants_female += 7
            meeting = (
                session.execute(
                    select(Meeting).where(Meeting.deleted_at.is_(None)).order_by(Meeting.held_on)
                )
                .scalars()
                .first()
            )
            assert meeting is not None
            meeting.deleted_at = dt.datetime(2026, 3, 1)
        bundle = sync.export_bundle(center, work / "usb").path
    finally:
        center.dispose()
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    db = open_database(target)
    try:
        (outcome,) = sync.import_paths(db, [bundle])
    finally:
        db.dispose()
    assert outcome.status == "applied", outcome
    return outcome.records


def _check_summaries(target: str, home: Path, work: Path) -> None:
    _province(target, home, work)
    loaded = _assert_summaries_are_a_recount(target)  # direct load and first bundles
    before = _figures(target, SUMMARY_PERIODS)
    assert _edit_center_and_send(target, home, work, "CJC-50-0004") >= 6
    after = _assert_summaries_are_a_recount(target)
    assert after != loaded
    assert _figures(target, SUMMARY_PERIODS) != before
    spans = {row[0] for row in after["summary_outcome_spans"]}
    assert spans - {row[0] for row in loaded["summary_outcome_spans"]}  # the escalation


def test_sqlite_summaries_equal_a_full_recount_after_loads_and_reimports(tmp_path: Path) -> None:
    _check_summaries(str(tmp_path / "province.sqlite3"), tmp_path / "home", tmp_path / "work")


def test_postgresql_summaries_equal_a_full_recount_after_loads_and_reimports(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    _check_summaries(fresh_pg_database, tmp_path / "home", tmp_path / "work")


def test_the_migration_fills_the_summaries_of_a_province_made_before_it(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from justice_desk.storage import migrate

    target = tmp_path / "province.sqlite3"
    _province(str(target), tmp_path / "home")
    kept = _summary_rows(str(target))
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0016")
        with engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert not tables & {m.__tablename__ for m in SUMMARY_MODELS}
        with engine.begin() as conn:
            migrate.upgrade(conn)
    finally:
        engine.dispose()
    assert _summary_rows(str(target)) == kept
    assert kept["summary_received"]
