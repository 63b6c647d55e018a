"""What a province of many centers adds under the dashboard (docs/architecture.md §21) stays
correct after every write, on SQLite and on a real PostgreSQL server:

- the indexes (migration 0015): the dashboard read through them gives exactly what the same
  queries give with those indexes dropped (the database then reads the tables themselves);
- the summary tables (migrations 0017-0019, ``storage/summaries.py``): after a direct load,
  after centers imported through real bundles, and after a center's edits come back in a later
  bundle (an outcome that changes and moves month, a case received in another month, an
  escalation weeks after a failed mediation, an activity moved, a meeting deleted), the
  dashboard equals the dashboard counted from the records while the import's mark is there, and
  once recounted the tables equal a full recount, for whole months and for periods that cut
  months; the migrations fill them for a province that existed before them;
- the marks (migration 0018): a case moved to another month, a process killed between the
  import and the recount, two officers on PostgreSQL (an import under way while the other
  recounts and reads; imports and recounts at the same time), a dashboard while another process
  holds SQLite's write lock;
- the recount of several marked centers in one transaction and one set of statements: the same
  rows as one center at a time and as a full recount (a center with no record left among them),
  a center whose import lock another officer holds left marked while the others are recounted.

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
    return _import(target, home, bundle)


def _import(target: str, home: Path, bundle: Path) -> int:
    from justice_desk.services import sync

    os.environ["JUSTICE_DESK_HOME"] = str(home)
    db = open_database(target)
    try:
        (outcome,) = sync.import_paths(db, [bundle])
    finally:
        db.dispose()
    assert outcome.status == "applied", outcome
    return outcome.records


def _stale(target: str) -> frozenset[Any]:
    db = open_database(target)
    try:
        with db.connect_read() as conn:
            return summaries.stale_owners(conn)
    finally:
        db.dispose()


def _refresh_stale(target: str) -> int:
    db = open_database(target)
    try:
        return summaries.refresh_stale(db)
    finally:
        db.dispose()


def _check_summaries(target: str, home: Path, work: Path) -> None:
    _province(target, home, work)
    assert not _stale(target)  # the demo recounts what its imports marked
    loaded = _assert_summaries_are_a_recount(target)  # direct load and first bundles
    before = _figures(target, SUMMARY_PERIODS)
    assert _edit_center_and_send(target, home, work, "CJC-50-0004") >= 6
    # The import marked the center in its transaction and left the recount for later: until
    # then the dashboard counts that center from its records, and is exact.
    assert len(_stale(target)) == 1
    assert _figures(target, SUMMARY_PERIODS, summaries=True) == _figures(
        target, SUMMARY_PERIODS, summaries=False
    )
    assert _refresh_stale(target) == 1
    assert not _stale(target)
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


# -- the marks: a write marks its center, the recount comes later (storage/summaries.py) ---------

CENTER = "CJC-50-0004"  # made through bundles by _province, its database kept in work


def _center_db(work: Path) -> Any:
    os.environ["JUSTICE_DESK_HOME"] = str(work / "home")
    return open_database(work / "centers" / f"{CENTER}.sqlite3")


def _move_a_case(work: Path, months: int) -> tuple[dt.date, dt.date, Path]:
    """At the center: one case received ``months`` months later (and its outcome, if any, in
    the same step); returns its old and new day and the bundle carrying the change."""
    from justice_desk.services import sync

    center = _center_db(work)
    try:
        with center.write() as session:
            case = (
                session.execute(
                    select(Case)
                    .where(Case.deleted_at.is_(None), Case.received_on < dt.date(2025, 6, 1))
                    .order_by(Case.received_on.desc())
                )
                .scalars()
                .first()
            )
            assert case is not None
            old = case.received_on
            case.received_on = old + dt.timedelta(days=31 * months)
            new = case.received_on
            for event in session.execute(
                select(CaseEvent).where(CaseEvent.case_id == case.id)
            ).scalars():
                event.occurred_on = event.occurred_on + dt.timedelta(days=31 * months)
        bundle = sync.export_bundle(center, work / "usb").path
    finally:
        center.dispose()
    return old, new, bundle


def _month_code(day: dt.date) -> str:
    from justice_desk.domain.periods import month_code

    return month_code(day.year, day.month)


def _per_month(target: str, code: str, summaries: bool | None) -> dict[str, int]:
    """The center's cases received per month over 2567-2569 (BE calendar years)."""
    db = open_database(target)
    try:
        board = dashboard.dashboard_json(
            dashboard.dashboard(
                db, parse_period("2567-01-01..2569-03-15"), today=TODAY, summaries=summaries
            )
        )
    finally:
        db.dispose()
    (line,) = [c for c in board["centers"] if c["code"] == code]
    return dict(zip(board["months"], line["cases_per_month"], strict=True))


def _check_a_move(target: str, home: Path, work: Path) -> None:
    _province(target, home, work)
    before = _per_month(target, CENTER, None)
    old, new, bundle = _move_a_case(work, 2)
    assert _import(target, home, bundle) >= 1
    assert len(_stale(target)) == 1
    # Marked, not recounted: the center is counted from its records, the case in its new month
    # and no longer in its old one.
    marked = _per_month(target, CENTER, True)
    assert marked == _per_month(target, CENTER, False)
    assert marked[_month_code(old)] == before[_month_code(old)] - 1
    assert marked[_month_code(new)] == before[_month_code(new)] + 1
    assert _figures(target, SUMMARY_PERIODS, summaries=True) == _figures(
        target, SUMMARY_PERIODS, summaries=False
    )
    # The next dashboard recounts it (its own transaction) and reads the same from the tables.
    assert _per_month(target, CENTER, None) == marked
    assert not _stale(target)
    _assert_summaries_are_a_recount(target)


def test_sqlite_a_case_moved_to_another_month_is_counted_in_its_new_month(
    tmp_path: Path,
) -> None:
    _check_a_move(str(tmp_path / "province.sqlite3"), tmp_path / "home", tmp_path / "work")


def test_postgresql_a_case_moved_to_another_month_is_counted_in_its_new_month(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    _check_a_move(fresh_pg_database, tmp_path / "home", tmp_path / "work")


_IMPORT_AND_DIE = """
import os, signal, sys
from pathlib import Path
from justice_desk.services import sync
from justice_desk.storage.database import open_database

db = open_database(sys.argv[1])
(outcome,) = sync.import_paths(db, [Path(sys.argv[2])])
assert outcome.status == "applied", outcome
os.kill(os.getpid(), signal.SIGKILL)  # before anything recounts the center
"""


def _check_a_kill(target: str, home: Path, work: Path) -> None:
    import subprocess
    import sys

    _province(target, home, work)
    old, new, bundle = _move_a_case(work, 3)
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_AND_DIE, target, str(bundle)],
        env=dict(os.environ, JUSTICE_DESK_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    # The mark was committed with the records: nothing reads the center's old summary rows.
    assert len(_stale(target)) == 1
    assert _figures(target, SUMMARY_PERIODS, summaries=True) == _figures(
        target, SUMMARY_PERIODS, summaries=False
    )
    marked = _per_month(target, CENTER, True)
    assert marked[_month_code(new)] >= 1
    assert _refresh_stale(target) == 1
    _assert_summaries_are_a_recount(target)
    assert _per_month(target, CENTER, None) == marked


def test_sqlite_a_kill_between_the_import_and_the_recount_loses_nothing(tmp_path: Path) -> None:
    _check_a_kill(str(tmp_path / "province.sqlite3"), tmp_path / "home", tmp_path / "work")


def test_postgresql_a_kill_between_the_import_and_the_recount_loses_nothing(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    _check_a_kill(fresh_pg_database, tmp_path / "home", tmp_path / "work")


def test_postgresql_two_officers_an_import_under_way_and_a_recount(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """Officer A's import of a center is under way (its lock held, a case moved, the mark
    written, nothing committed); officer B's recount leaves that center alone without waiting,
    and B's dashboard shows the committed state exactly, before and after A commits."""
    import time

    from sqlalchemy import update

    from justice_desk.storage import sync_queries

    target = fresh_pg_database
    _province(target, tmp_path / "home", tmp_path / "work")
    db = open_database(target)
    try:
        board = dashboard.dashboard(db, parse_period("2569-02"), today=TODAY)
    finally:
        db.dispose()
    (center_id,) = [c.center_id for c in board.centers if c.code == CENTER]
    before = _per_month(target, CENTER, None)
    officer_a = open_database(target)
    officer_b = open_database(target)
    try:
        # An earlier import of the center left its mark, not recounted yet.
        with officer_b.connect_write() as conn:
            summaries.mark_stale(conn, center_id)
        with officer_a.write() as session:
            sync_queries.lock_center(session, center_id)
            conn = session.connection()
            case_id, old = conn.execute(
                select(Case.id, Case.received_on)
                .where(
                    Case.owner_id == center_id,
                    Case.deleted_at.is_(None),
                    Case.received_on < dt.date(2025, 6, 1),
                )
                .order_by(Case.received_on.desc())
                .limit(1)
            ).one()
            conn.execute(
                update(Case.__table__)
                .where(Case.__table__.c.id == case_id)
                .values(received_on=old + dt.timedelta(days=62))
            )
            summaries.mark_stale(conn, center_id)
            # B, meanwhile: the recount leaves the center A is importing alone, at once (the
            # end of B's own import run, and B's dashboard); B reads it from its records.
            started = time.monotonic()
            assert summaries.refresh_stale(officer_b) == 0
            assert summaries.refresh_stale(officer_b, wait=False) == 0
            assert time.monotonic() - started < 5
            assert _stale(target) == {center_id}
            assert _per_month(target, CENTER, None) == before
            assert _per_month(target, CENTER, True) == before
        # A committed: B's dashboard reads the center from its records until it recounts it.
        moved = _per_month(target, CENTER, True)
        assert moved[_month_code(old)] == before[_month_code(old)] - 1
        assert moved == _per_month(target, CENTER, False)
        assert summaries.refresh_stale(officer_b) == 1
        assert not _stale(target)
        assert _per_month(target, CENTER, True) == moved
    finally:
        officer_a.dispose()
        officer_b.dispose()
    _assert_summaries_are_a_recount(target)


def test_postgresql_imports_and_recounts_at_the_same_time_stay_exact(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """Two officers at once: one imports a center's bundles one after the other while the
    other recounts and reads the dashboard in a loop; every dashboard read equals a count from
    the records made in the same snapshot, and the tables end as a full recount."""
    import threading

    target, home, work = fresh_pg_database, tmp_path / "home", tmp_path / "work"
    _province(target, home, work)
    bundles = []
    for months in (1, -2, 3):
        bundles.append(_move_a_case(work, months)[2])
    errors: list[BaseException] = []
    done = threading.Event()

    def importer() -> None:
        try:
            for bundle in bundles:
                _import(target, home, bundle)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    reader = open_database(target)
    thread = threading.Thread(target=importer)
    thread.start()
    reads = 0
    try:
        while not done.is_set() or reads < 3:
            summaries.refresh_stale(reader, wait=False)
            period = parse_period("2567-01-01..2569-03-15")
            with reader.read() as session:
                # One snapshot: the marks, the tables and the records as one moment left them.
                from justice_desk.storage import dashboard_queries as q

                stale = summaries.stale_owners(session.connection())
                start, end = period.start, period.end
                mixed = sorted(
                    q.received_per_month(session, start, end, q.AllBut(stale), summaries=True)
                    + q.received_per_month(session, start, end, stale, summaries=False)
                )
                recount = sorted(q.received_per_month(session, start, end, None))
            assert _merged(mixed) == _merged(recount)
            reads += 1
    finally:
        thread.join()
        reader.dispose()
    assert not errors, errors
    assert _refresh_stale(target) >= 0
    assert not _stale(target)
    _assert_summaries_are_a_recount(target)


def _merged(rows: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
    out: Counter[tuple[Any, ...]] = Counter()
    for *key, n in rows:
        out[tuple(key)] += n
    return {k: n for k, n in out.items() if n}


def test_sqlite_the_dashboard_does_not_wait_for_another_writer_to_recount(
    tmp_path: Path,
) -> None:
    """While another process holds SQLite's write lock, the dashboard leaves the marked
    center to a later recount and counts it from its records, at once."""
    import sqlite3
    import time

    target, home, work = str(tmp_path / "province.sqlite3"), tmp_path / "home", tmp_path / "work"
    _province(target, home, work)
    _old, _new, bundle = _move_a_case(work, 2)
    _import(target, home, bundle)
    assert len(_stale(target)) == 1
    expected = _figures(target, ("2569-02", "2567-03-16..2569-03-15"), summaries=False)
    writer = sqlite3.connect(target, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert _figures(target, ("2569-02", "2567-03-16..2569-03-15")) == expected
        assert time.monotonic() - started < 4  # the busy timeout is longer than this
        assert len(_stale(target)) == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _figures(target, ("2569-02",)) == {"2569-02": expected["2569-02"]}
    assert not _stale(target)


def _planner_rows(target: str, tables: tuple[str, ...]) -> dict[str, tuple[float, int]]:
    """What the planner believes each table holds (``pg_class.reltuples``: -1 never analysed),
    and the table's pages now."""
    db = open_database(target)
    try:
        with db.connect_read() as conn:
            return {
                name: (float(rows), int(pages))
                for name, rows, pages in conn.execute(
                    text(
                        "SELECT relname, reltuples, pg_relation_size(oid) / 8192 FROM pg_class "
                        "WHERE relname = ANY(:names)"
                    ),
                    {"names": list(tables)},
                )
            }
    finally:
        db.dispose()


def test_postgresql_an_import_refreshes_the_planner_statistics_before_the_recount(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """A province analysed while empty (the server's autovacuum does it within a minute of its
    creation), then a stick of centers: the recount at the end of the import first analyses the
    tables that grew past a few pages, or the planner walks them once per row believing them
    empty (36 s instead of 1 s for 8 centers, benchmarks/bench_sync_postgres.py). Nothing grew
    since, so the next recount analyses nothing."""
    import psycopg

    tables = ("cases", "case_events", "people", "meetings", "activities", "case_parties")
    os.environ["JUSTICE_DESK_HOME"] = str(tmp_path / "home")
    db = province.open_or_create_province(fresh_pg_database)
    db.dispose()
    with psycopg.connect(
        fresh_pg_database.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("ANALYZE")
    assert {t: rows for t, (rows, _p) in _planner_rows(fresh_pg_database, tables).items()} == (
        dict.fromkeys(tables, 0.0)
    )

    db = province.open_or_create_province(fresh_pg_database)
    try:
        province.generate_province(db, centers=1, years=2, today=TODAY, seed=7)
        assert not _stale(fresh_pg_database)  # the import's recount ran
        with db.connect_read() as conn:
            counts = {
                name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in tables
            }
        believed = _planner_rows(fresh_pg_database, tables)
        grown = {t for t, (_rows, pages) in believed.items() if pages > 8}
        assert {"cases", "people"} <= grown
        # ANALYZE reads all of a table this small: the planner knows the real counts.
        assert {t: believed[t][0] for t in grown} == {t: float(counts[t]) for t in grown}
        assert summaries.analyse_grown_tables(db) == []
    finally:
        db.dispose()


# -- the recount of several marked centers at once (summaries.refresh_stale's chunks) ------------


def _centers(target: str) -> list[Any]:
    from justice_desk.storage.models import Site

    db = open_database(target)
    try:
        with db.connect_read() as conn:
            own = db.site_id
            return sorted(o for o in conn.execute(select(Site.id)).scalars() if o != own)
    finally:
        db.dispose()


def _mark(target: str, owners: list[Any]) -> None:
    db = open_database(target)
    try:
        with db.connect_write() as conn:
            for owner in owners:
                summaries.mark_stale(conn, owner)
    finally:
        db.dispose()


def _empty_and_edit(target: str, emptied: Any, edited: Any) -> None:
    """At the province, as a center's bundles would leave it: every record of ``emptied``
    deleted (its tombstones: no live record left), and a case of ``edited`` received 40 days
    earlier and made another kind."""
    from sqlalchemy import update

    from justice_desk.storage.models import Base

    db = open_database(target)
    try:
        with db.connect_write() as conn:
            for table in Base.metadata.sorted_tables:
                if {"owner_id", "deleted_at"} <= set(table.c.keys()) and not (
                    table.name.startswith("summary_")
                ):
                    conn.execute(
                        update(table)
                        .where(table.c.owner_id == emptied, table.c.deleted_at.is_(None))
                        .values(deleted_at=dt.datetime(2026, 3, 1))
                    )
            case_id, received, kind = conn.execute(
                select(Case.id, Case.received_on, Case.kind)
                .where(Case.owner_id == edited, Case.deleted_at.is_(None))
                .order_by(Case.received_on, Case.id)
                .limit(1)
                .offset(5)
            ).one()
            other = (
                CaseKind.DISPUTE.value
                if kind != CaseKind.DISPUTE.value
                else CaseKind.VICTIM_COMPENSATION.value
            )
            conn.execute(
                update(Case.__table__)
                .where(Case.__table__.c.id == case_id)
                .values(received_on=received - dt.timedelta(days=40), kind=other)
            )
    finally:
        db.dispose()


def _timed_recount(target: str, **kwargs: Any) -> tuple[int, int]:
    """``refresh_stale`` on a fresh connection: (centers recounted, statements it executed)."""
    from sqlalchemy import event

    db = open_database(target)
    statements = []

    def count(*_args: Any) -> None:
        statements.append(1)

    try:
        event.listen(db.write_engine, "before_cursor_execute", count)
        return summaries.refresh_stale(db, **kwargs), len(statements)
    finally:
        db.dispose()


def _owned_rows(rows: dict[str, list[tuple[Any, ...]]], owner: Any) -> int:
    return sum(str(owner) in row for table in rows.values() for row in table)


def _check_a_batch(target: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _province(target, home)
    centers = _centers(target)
    assert len(centers) == 5
    emptied, edited = centers[1], centers[3]
    assert _owned_rows(_summary_rows(target), emptied) > 10
    _empty_and_edit(target, emptied, edited)

    # One center at a time (a chunk of one: a transaction and a set of statements each) ...
    _mark(target, centers)
    monkeypatch.setattr(summaries, "CHUNK", 1)
    one_by_one, statements_one_by_one = _timed_recount(target)
    assert one_by_one == 5
    assert not _stale(target)
    separately = _summary_rows(target)
    assert _owned_rows(separately, emptied) == 0  # no record left: no summary row left
    # ... equals all five at once, which runs the statements of a single center's recount.
    monkeypatch.undo()
    _mark(target, centers)
    at_once, statements_at_once = _timed_recount(target)
    assert at_once == 5
    assert not _stale(target)
    assert _summary_rows(target) == separately
    _mark(target, [edited])
    assert _timed_recount(target) == (1, statements_at_once)
    assert statements_one_by_one > 4 * statements_at_once
    # Both equal a full recount (refresh_all, in chunks of two centers here), and the
    # dashboard read from them equals the one counted from the records.
    monkeypatch.setattr(summaries, "CHUNK", 2)
    assert _assert_summaries_are_a_recount(target) == separately
    # A budget spent before the first chunk recounts nothing and leaves the marks.
    _mark(target, centers)
    assert _timed_recount(target, budget=0)[0] == 0
    assert _stale(target) == frozenset(centers)
    # The dashboard's read: a first chunk of two, then the rest sized by the time so far.
    monkeypatch.setattr(summaries, "_FIRST_CHUNK", 2)
    assert _timed_recount(target, wait=False, budget=60)[0] == 5
    assert _summary_rows(target) == separately


def test_sqlite_a_recount_of_several_marked_centers_at_once_equals_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_a_batch(str(tmp_path / "province.sqlite3"), tmp_path / "home", monkeypatch)


def test_postgresql_a_recount_of_several_marked_centers_at_once_equals_one_by_one(
    fresh_pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_a_batch(fresh_pg_database, tmp_path / "home", monkeypatch)


def test_postgresql_a_recount_at_once_leaves_a_locked_center_marked_and_does_the_others(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """Another officer imports one center (its import lock held, its transaction open): a
    recount of all the marked centers takes the others in its one transaction, at once, and
    leaves that one marked; it is recounted once the import ends."""
    import time

    from justice_desk.storage import sync_queries

    target = fresh_pg_database
    _province(target, tmp_path / "home")
    centers = _centers(target)
    locked, emptied = centers[2], centers[0]
    _empty_and_edit(target, emptied, centers[4])
    _mark(target, centers)
    officer_a = open_database(target)
    try:
        with officer_a.write() as session:
            sync_queries.lock_center(session, locked)
            started = time.monotonic()
            assert _timed_recount(target)[0] == 4  # the end of an import run: it waits for
            assert _stale(target) == {locked}  # nothing, the locked one is left marked
            recounted = _summary_rows(target)
            assert _owned_rows(recounted, emptied) == 0
            # The dashboard's read (wait=False, a budget) likewise.
            _mark(target, centers)
            assert _timed_recount(target, wait=False, budget=60)[0] == 4
            assert _stale(target) == {locked}
            assert time.monotonic() - started < 10
            assert _summary_rows(target) == recounted
            # The dashboard is exact meanwhile: the locked center from its records.
            assert _figures(target, SUMMARY_PERIODS, summaries=True) == _figures(
                target, SUMMARY_PERIODS, summaries=False
            )
    finally:
        officer_a.dispose()
    assert _timed_recount(target)[0] == 1
    assert not _stale(target)
    after = _assert_summaries_are_a_recount(target)
    assert _owned_rows(after, emptied) == 0
    # A recount in the caller's transaction turns the server's JIT off for its statements
    # only: the caller's setting is back afterwards.
    db = open_database(target)
    try:
        with db.connect_write() as conn:
            conn.execute(text("SET LOCAL jit = on"))
            summaries.refresh(conn, centers)
            assert conn.execute(text("SHOW jit")).scalar() == "on"
    finally:
        db.dispose()
    assert _summary_rows(target) == after
