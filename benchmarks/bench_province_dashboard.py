"""Dashboard views and reports of a province of 250 demo centers × 5 years (about 500,000
records), on SQLite and on a PostgreSQL server this script starts, against a plain
``SELECT count(*)`` over the same tables in the same run (docs/product.md §5).

Run: ``.venv/bin/python benchmarks/bench_province_dashboard.py [--centers 250] [--years 5]
[--only sqlite|postgres] [--bundles]``

1. **The province.** ``justice-desk demo province --direct`` (``services.demo.province``): 24
   template centers made by the demo generator, 250 centers written from them; the SQLite file
   is cached under ``$JUSTICE_DESK_BENCH_CACHE`` (delete it to rebuild). ``--bundles`` builds it
   through the real path instead (every center exported and imported as bundles; minutes) and
   prints that path's time and throughput. On PostgreSQL (its own throw-away server: initdb and
   pg_ctl of PostgreSQL 15, as ``tests/postgres/conftest.py``; fsync on) the same province is
   made the same way, the same seed: the same figures, which the script checks.
2. **Baseline.** One statement counting every row of every table the dashboard reads
   (``SELECT (SELECT count(*) FROM cases) + …``): a full pass over the tables' primary keys,
   what "counting it all" costs on this database in this run.
3. **Dashboard views** (``services.dashboard.dashboard``: what the page and ``justice-desk
   dashboard`` show): the province for a month, a quarter, a fiscal year and five years; one
   center for a fiscal year; and the records behind every figure of the fiscal year (the
   click-through), the slowest of them. Each the median of 5 runs, against < 1 s.
4. **Reports** (``services.reports``): the report's figures (``build_report``) for a month, a
   quarter and the fiscal year against < 1 s, and each written as PDF, workbook and CSV
   (``write_report``) against < 5 s.

Every line prints the time, the ratio to the baseline and the target. Exit code 0 whatever the
times (a measurement); MISSED lines say which target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, postgres_server  # noqa: E402

#: The demo's "today": periods are read from here, so runs compare.
TODAY = dt.date(2026, 3, 15)
VIEW_TARGET = 1.0
FILE_TARGET = 5.0
#: Tables the dashboard and the reports read.
TABLES = (
    "cases",
    "case_events",
    "settlements",
    "meetings",
    "meeting_attendance",
    "people",
    "memberships",
    "trainings",
    "committee_terms",
    "mediators",
    "activities",
    "enrolments",
    "received_bundles",
    "sync_conflicts",
    "site_keys",
    "escalation_answers",
)


def timed(fn: Callable[[], Any], repeat: int = 5) -> float:
    """The median wall-clock seconds of ``repeat`` runs (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Printer:
    def __init__(self, baseline: float) -> None:
        self.baseline = baseline
        self.missed: list[str] = []

    def line(self, name: str, seconds: float, target: float | None) -> None:
        ratio = seconds / self.baseline if self.baseline else float("nan")
        text = f"  {name:<52} {seconds * 1000:9.1f} ms  {ratio:7.1f}× count(*)"
        if target is not None:
            ok = seconds < target
            text += f"   target < {target:.0f} s  {'OK' if ok else 'MISSED'}"
            if not ok:
                self.missed.append(name)
        print(text, flush=True)


def count_all(db: Any) -> int:
    from sqlalchemy import text

    sql = "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in TABLES)
    with db.connect_read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def build(target: str, centers: int, years: int, bundles: bool, home: Path) -> float:
    """The demo province in ``target``; returns the seconds it took."""
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    from justice_desk.services.demo import province

    db = province.open_or_create_province(target)
    last = [-1]

    def progress(done: int, total: int, message: str) -> None:
        step = done * 10 // max(1, total)
        if step != last[0]:
            last[0] = step
            print(f"    {done}/{total} {message}", flush=True)

    try:
        summary = province.generate_province(
            db, centers=centers, years=years, today=TODAY, direct=not bundles, progress=progress
        )
    finally:
        db.dispose()
    print(
        f"  built {'through bundles' if bundles else 'directly'}: {summary.centers} centers, "
        f"{summary.records:,} records, {summary.bundles} bundles in {summary.seconds:.1f} s "
        f"({summary.records_per_second:,.0f} records/s; demo generator "
        f"{summary.generate_seconds:.1f} s, "
        f"{'enrol/export/import' if bundles else 'direct writes'} "
        f"{summary.transfer_seconds:.1f} s)",
        flush=True,
    )
    return summary.seconds


def measure_database(label: str, target: str, out: Path) -> tuple[Printer, dict[str, Any]]:
    from justice_desk.domain.periods import parse_period
    from justice_desk.services import dashboard, reports
    from justice_desk.storage.database import open_database

    db = open_database(target)
    rows = count_all(db)
    baseline = timed(lambda: count_all(db))
    print(f"\n{label}: {rows:,} rows in the dashboard's tables")
    p = Printer(baseline)
    p.line("baseline: SELECT count(*) over those tables", baseline, None)
    periods = {
        "month 2569-02": "2569-02",
        "quarter 2569-Q1": "2569-Q1",
        "fiscal year FY2569": "FY2569",
        "five years 2564-03-16..2569-03-15": "2564-03-16..2569-03-15",
    }
    first_center = None
    for name, code in periods.items():
        period = parse_period(code)
        seconds = timed(lambda period=period: dashboard.dashboard(db, period, today=TODAY))
        p.line(f"dashboard, province, {name}", seconds, VIEW_TARGET)
    fiscal = parse_period("FY2569")
    board = dashboard.dashboard(db, fiscal, today=TODAY)
    first_center = board.centers[len(board.centers) // 2].code
    seconds = timed(lambda: dashboard.dashboard(db, fiscal, center_code=first_center, today=TODAY))
    p.line(f"dashboard, one center ({first_center}), FY2569", seconds, VIEW_TARGET)
    json_values = dashboard.dashboard_json(board)
    slowest, slowest_key, total = 0.0, "", 0.0
    for figure in dashboard.FIGURES:
        if not dashboard.has_records(figure.key):
            continue
        seconds = timed(
            lambda key=figure.key: dashboard.records(db, key, fiscal, today=TODAY), repeat=3
        )
        total += seconds
        if seconds > slowest:
            slowest, slowest_key = seconds, figure.key
    p.line(f"records behind a figure, slowest ({slowest_key})", slowest, VIEW_TARGET)
    print(
        f"  (the records behind all {sum(map(dashboard.has_records, dashboard.FIGURE_BY_KEY))} "
        f"figures: {total:.2f} s together)"
    )
    for kind, code in (("monthly", "2569-02"), ("quarterly", "2569-Q1"), ("year", "2569")):
        period = reports.report_period(reports.ReportKind(kind), code)
        seconds = timed(lambda period=period: reports.build_report(db, period, today=TODAY))
        p.line(f"report {kind} {code}: the figures (build_report)", seconds, VIEW_TARGET)
        for fmt in ("pdf", "xlsx", "csv"):
            path = out / f"report-{kind}.{fmt}"
            seconds = timed(
                lambda period=period, path=path: reports.write_report(
                    db, period, path, today=TODAY
                ),
                repeat=3 if fmt == "pdf" else 5,
            )
            p.line(f"report {kind} {code} as {fmt.upper()}", seconds, FILE_TARGET)
    db.dispose()
    return p, json_values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centers", type=int, default=250)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument(
        "--bundles",
        action="store_true",
        help="build the SQLite province through exported and imported bundles (not cached)",
    )
    parser.add_argument("--no-fsync", action="store_true", help="PostgreSQL with fsync=off")
    args = parser.parse_args()

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    work = Path(tempfile.mkdtemp(prefix="bench-province-"))
    missed: list[str] = []
    results: dict[str, dict[str, Any]] = {}
    try:
        if args.only != "postgres":
            name = f"province-{args.centers}x{args.years}.sqlite3"
            cached = CACHE / name
            keys = CACHE / f"{name}.home"
            if args.bundles or not cached.exists():
                CACHE.mkdir(parents=True, exist_ok=True)
                path = work / name
                print(f"SQLite: building {path}")
                build(str(path), args.centers, args.years, args.bundles, work / "sqlite-home")
                if not args.bundles:
                    shutil.copy2(path, cached)
                    shutil.rmtree(keys, ignore_errors=True)
                    shutil.copytree(work / "sqlite-home", keys)
            else:
                path = work / name
                shutil.copy2(cached, path)
                shutil.copytree(keys, work / "sqlite-home")
                print(f"SQLite: {path} (a copy of the cached {cached})")
            os.environ["JUSTICE_DESK_HOME"] = str(work / "sqlite-home")
            printer, results["sqlite"] = measure_database("SQLite", str(path), work)
            missed += [f"SQLite: {m}" for m in printer.missed]
        if args.only != "sqlite":
            with postgres_server(fsync=not args.no_fsync) as server:
                import psycopg

                with psycopg.connect(server.url(driver="postgresql"), autocommit=True) as conn:
                    conn.execute("CREATE DATABASE province")
                url = server.url("province")
                print(f"\nPostgreSQL: building {url}")
                build(url, args.centers, args.years, False, work / "pg-home")
                os.environ["JUSTICE_DESK_HOME"] = str(work / "pg-home")
                printer, results["postgres"] = measure_database("PostgreSQL", url, work)
                missed += [f"PostgreSQL: {m}" for m in printer.missed]
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(results) == 2:
        same = _comparable(results["sqlite"]) == _comparable(results["postgres"])
        print(f"\nSQLite and PostgreSQL give the same figures (FY2569): {'yes' if same else 'NO'}")
    for line in missed:
        print(f"MISSED: {line}")
    return 0


def _comparable(values: dict[str, Any]) -> Any:
    """The figures without the sync figures, which tell when each center's bundle arrived."""
    return [{k: v for k, v in c.items() if not k.startswith("sync.")} for c in values["centers"]]


if __name__ == "__main__":
    sys.exit(main())
