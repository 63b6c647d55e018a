"""The whole country on one PostgreSQL server: 7,500 demo centers of the 77 provinces in one
office database, a province's dashboard on it, and bundle imports into it against an empty
province database on the same server, in the same run (docs/product.md §5, issue 13 "Scale",
docs/architecture.md §21).

Run: ``nice .venv/bin/python benchmarks/bench_national.py [--years 5] [--server-dir DIR]``
(``--help``; ``nice``: the build keeps both cores busy for tens of minutes).

1. **The country.** A throw-away PostgreSQL 15 server (initdb and pg_ctl as
   ``tests/postgres/conftest.py``, fsync on, ``pg_stat_statements`` loaded) and one database,
   ``national``: an office (Chiang Mai, as every demo office) holding 7,500 demo centers
   spread over the 77 provinces in proportion to their tambons, from 20 (Phuket) to 250
   (Nakhon Ratchasima) (``services.demo.national.spread``), made by the demo's direct path
   (``generate_province(direct=True, provinces=…)``: 24 template centers by the demo generator,
   each center written with ``COPY`` under its own id, its enrolment, key, applied bundle and
   summary rows). A center holds what the demo province's centers hold per year: about 25
   cases, 6 meetings, 30 people on its register besides the parties, and the activities the
   demo generator makes, ``--years`` years of it (default 5). Then ``VACUUM ANALYZE`` and a
   checkpoint, as a server that has run a while. ``--server-dir`` keeps the server's folder and
   the office's keys there, and a later run with the same folder measures the country it
   already holds (the build is the long part).
2. **A province's dashboard.** A database of 77 provinces serves one of them with
   ``dashboard(…, province_name=…)``: the enrolled centers whose ``sites`` row names that
   province, every query limited to them. For the largest province and the smallest: a month,
   a quarter, the fiscal year, five years (a custom period) and one center's fiscal year, each
   the median of 5 runs against < 1 s, and the slowest list of records behind a figure of the
   large province's fiscal year; the baseline is one ``SELECT count(*)`` over every table the
   dashboard reads (the whole country), in the same run, as in bench_province_dashboard.py.
   The whole country's month, unfiltered, is printed once for comparison (no target).
3. **Import at that size.** Signed bundles made as bench_sync_postgres.py makes them (demo
   centers of ``--import-cases`` cases, each change log cut into 3 bundles sealed to both
   offices), imported by ``services.sync.import_paths`` into ``national`` and into a fresh copy
   of an empty province database (enrolled with the same centers) on the same server, one after
   the other, the order alternating; ``--warmup`` runs (1) not counted, then ``--runs`` runs,
   each with its own centers (an import into the country cannot be undone cheaply). The first
   import after the server starts is the slowest (53 and 62 % in sessions 8 and 9: the
   country's index pages are not in the server's memory yet, as they are on an office's server
   that runs for weeks). Records/s of each and their ratio against the target
   national >= 80 % of empty, on wall clock and on CPU time (this process and the server's);
   the summary recount's share (``sync import`` recounts the centers the files marked stale
   after them: timed with the import) and the same ratio for the files alone, and the
   statements whose time grew most between the empty database and the country
   (``pg_stat_statements`` of the last run), which says why if the target is missed.

Exit code 0 whatever the times (a measurement); MISSED / FAIL lines say which target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_province_dashboard import TABLES, Printer, timed  # noqa: E402
from bench_sync_postgres import Timer  # noqa: E402
from common import PostgresServer, pg_bin, postgres_server  # noqa: E402

#: The demo's "today": periods are read from here, so runs compare.
TODAY = dt.date(2026, 3, 15)
VIEW_TARGET = 1.0
IMPORT_TARGET = 0.80  # national / empty, records per second
NATIONAL = "national"
LARGE, SMALL = "นครราชสีมา", "ภูเก็ต"
SERVER_OPTIONS = ("shared_preload_libraries=pg_stat_statements", "pg_stat_statements.max=2000")


# -- the server --------------------------------------------------------------------------------


@contextlib.contextmanager
def server_in(
    folder: Path | None, fsync: bool, extra: tuple[str, ...] = ()
) -> Iterator[PostgresServer]:
    """``common.postgres_server`` (a new temporary folder, deleted at the end); or with
    ``folder``, a server whose data stays there (made the first time, started again later)."""
    if folder is None:
        with postgres_server(fsync=fsync, options=SERVER_OPTIONS + extra) as server:
            yield server
        return
    import socket

    import psycopg

    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise RuntimeError("PostgreSQL's initdb and pg_ctl are not installed")
    folder = folder.resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    if not data.exists():
        subprocess.run(
            [*as_user, initdb, "-D", str(data), "-U", "justice", "-E", "UTF8", "--auth=trust"],
            check=True,
            capture_output=True,
            env=env,
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = [f"fsync={'on' if fsync else 'off'}", *SERVER_OPTIONS, *extra]
    options = f"-p {port} -k {folder} -c listen_addresses='127.0.0.1' " + " ".join(
        f"-c {o}" for o in settings
    )
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w"]
        + ["-t", "120", "-o", options, "start"],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        psycopg.connect(f"host=127.0.0.1 port={port} user=justice dbname=postgres").close()
        yield PostgresServer(folder, port)
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            env=env,
        )


def admin(server: PostgresServer, dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(server.url(dbname, "postgresql"), autocommit=True)


# -- 1. the country ------------------------------------------------------------------------------


def shares(centers: int) -> list[Any]:
    """The provinces' shares of ``centers`` (7,500: 20 to 250 each; smaller trial runs scale)."""
    from justice_desk.services.demo.national import spread

    if centers == 7_500:
        return spread()
    smallest = max(1, round(20 * centers / 7_500))
    return spread(
        centers, smallest=smallest, largest=max(smallest + 1, round(250 * centers / 7_500))
    )


def build_country(server: PostgresServer, centers: int, years: int, folder: Path) -> dict[str, Any]:
    """The national database, built (or found in ``folder``'s record of an earlier build)."""
    from justice_desk.services.demo import province

    record = folder / "national-built.json"
    if record.exists():
        built = json.loads(record.read_text())
        if (built["centers"], built["years"]) == (centers, years):
            print(f"the country built earlier: {built}", flush=True)
            return dict(built)
        raise SystemExit(
            f"{record} holds a country of {built['centers']} centers x {built['years']} years; "
            "give the same --centers/--years or another --server-dir"
        )
    with admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NATIONAL}")
        conn.execute(f"CREATE DATABASE {NATIONAL}")
    parts = shares(centers)
    counts = sorted(p.centers for p in parts)
    print(
        f"building {centers:,} centers over {len(parts)} provinces (centers per province: "
        f"min {counts[0]}, median {statistics.median(counts):g}, max {counts[-1]}; "
        f"{LARGE} {next(p.centers for p in parts if p.name == LARGE)}, "
        f"{SMALL} {next(p.centers for p in parts if p.name == SMALL)}) x {years} years",
        flush=True,
    )
    db = province.open_or_create_province(server.url(NATIONAL))
    last = [-1]
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        step = done * 20 // max(1, total)
        if step != last[0]:
            last[0] = step
            print(
                f"    {done:,}/{total:,} {message} ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )

    try:
        summary = province.generate_province(
            db,
            centers=centers,
            years=years,
            today=TODAY,
            direct=True,
            provinces=parts,
            progress=progress,
        )
    finally:
        db.dispose()
    print(
        f"  written: {summary.centers:,} centers, {summary.records:,} records in "
        f"{summary.seconds:.0f} s ({summary.records_per_second:,.0f} records/s; templates "
        f"{summary.generate_seconds:.0f} s, direct writes {summary.transfer_seconds:.0f} s)",
        flush=True,
    )
    t0 = time.perf_counter()
    with admin(server, NATIONAL) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    vacuum = time.perf_counter() - t0
    print(f"  VACUUM ANALYZE and CHECKPOINT: {vacuum:.0f} s", flush=True)
    built = {
        "centers": centers,
        "years": years,
        "records": summary.records,
        "build_seconds": round(summary.seconds),
        "vacuum_seconds": round(vacuum),
        "built": dt.datetime.now().isoformat(timespec="seconds"),
        "load_after": os.getloadavg()[0],
    }
    record.write_text(json.dumps(built))
    return built


def describe_country(server: PostgresServer) -> None:
    """What the national database holds: rows of the synced tables, by table, and its size."""
    from justice_desk.storage.models import SYNCABLE_MODELS

    with admin(server, NATIONAL) as conn:
        counts = {}
        for model in SYNCABLE_MODELS:
            table = model.__tablename__
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            counts[table] = int(row[0]) if row else 0
        enrolled = conn.execute("SELECT count(*) FROM enrolments").fetchone()
        provinces = conn.execute(
            "SELECT count(DISTINCT s.province) FROM sites s JOIN enrolments e ON e.center_id = s.id"
        ).fetchone()
        size = conn.execute(f"SELECT pg_database_size('{NATIONAL}')").fetchone()
        summary_rows = sum(
            int(r[0])
            for t in (
                "summary_received",
                "summary_outcomes",
                "summary_outcome_spans",
                "summary_month",
                "summary_deadlines",
                "summary_people",
            )
            for r in [conn.execute(f"SELECT count(*) FROM {t}").fetchone() or (0,)]  # noqa: S608
        )
    total = sum(counts.values())
    assert enrolled and provinces and size
    print(
        f"\nnational database: {total:,} records in the synced tables "
        f"({int(enrolled[0]):,} centers enrolled, {int(provinces[0])} provinces), "
        f"{summary_rows:,} summary rows, {int(size[0]) / 2**30:.1f} GiB on disk"
    )
    print(
        "  "
        + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n)
    )


# -- 2. a province's dashboard --------------------------------------------------------------------


def count_all(db: Any) -> int:
    from sqlalchemy import text

    sql = "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in TABLES)
    with db.connect_read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def measure_dashboards(server: PostgresServer) -> list[str]:
    from justice_desk.domain.periods import parse_period
    from justice_desk.services import dashboard
    from justice_desk.storage.database import open_database

    db = open_database(server.url(NATIONAL))
    missed: list[str] = []
    try:
        rows = count_all(db)
        baseline = timed(lambda: count_all(db))
        print(f"\nA province's dashboard: {rows:,} rows in the dashboard's tables (the country)")
        p = Printer(baseline)
        p.line("baseline: SELECT count(*) over those tables", baseline, None)
        periods = {
            "a month 2569-02": "2569-02",
            "a quarter 2569-Q1": "2569-Q1",
            "fiscal year FY2569": "FY2569",
            "five years 2564-03-16..2569-03-15": "2564-03-16..2569-03-15",
        }
        fiscal = parse_period("FY2569")
        for name in (LARGE, SMALL):
            board = dashboard.dashboard(db, fiscal, province_name=name, today=TODAY)
            print(
                f"  {name}: {len(board.centers)} centers, {board.total.received:,} cases "
                f"received in FY2569"
            )
            for label, code in periods.items():
                period = parse_period(code)
                seconds = timed(
                    lambda period=period, name=name: dashboard.dashboard(
                        db, period, province_name=name, today=TODAY
                    )
                )
                p.line(f"{name}, {label}", seconds, VIEW_TARGET)
            center = board.centers[len(board.centers) // 2].code
            seconds = timed(
                lambda center=center: dashboard.dashboard(
                    db, fiscal, center_code=center, today=TODAY
                )
            )
            p.line(f"{name}, one center ({center}), FY2569", seconds, VIEW_TARGET)
        slowest, slowest_key, together = 0.0, "", 0.0
        for figure in dashboard.FIGURES:
            if not dashboard.has_records(figure.key):
                continue
            seconds = timed(
                lambda key=figure.key: dashboard.records(
                    db, key, fiscal, province_name=LARGE, today=TODAY
                ),
                repeat=1,
            )
            together += seconds
            if seconds > slowest:
                slowest, slowest_key = seconds, figure.key
        p.line(f"{LARGE}, records behind a figure, slowest ({slowest_key})", slowest, VIEW_TARGET)
        print(f"  (the records behind every figure of {LARGE}, FY2569: {together:.1f} s together)")
        month = parse_period("2569-02")
        start = time.perf_counter()
        whole = dashboard.dashboard(db, month, today=TODAY)
        p.line(
            f"the whole country unfiltered ({len(whole.centers):,} centers), a month, once",
            time.perf_counter() - start,
            None,
        )
        missed += p.missed
    finally:
        db.dispose()
    return missed


# -- 3. import at that size ------------------------------------------------------------------------


def make_bundles(
    work: Path, offices: list[str], runs: int, centers: int, cases: int
) -> list[tuple[Path, int]]:
    """Per run, a folder of signed bundles of ``centers`` new demo centers enrolled with every
    office in ``offices`` (URLs), and the records they carry (as bench_sync_postgres.py)."""
    from justice_desk import sync as fmt
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo
    from justice_desk.storage import sync_store
    from justice_desk.storage.database import open_database

    token = uuid.uuid4().hex[:6].upper()
    dbs = [open_database(url) for url in offices]
    recipients = [sync.own_public(db) for db in dbs]
    (work / "enrolment").mkdir(parents=True, exist_ok=True)
    out = []
    try:
        for run in range(runs):
            folder = work / f"bundles-{run}"
            folder.mkdir(parents=True)
            records_total = 0
            for n in range(1, centers + 1):
                code = f"CJC-IMP{token}-{run}-{n:02d}"
                center = setup.init_center(
                    work / f"{code}.sqlite3",
                    code=code,
                    name=f"ศูนย์ยุติธรรมชุมชนนำเข้า {run}-{n}",
                    province="ลำพูน",
                )
                generate_demo(center, seed=1_000 * run + n, cases=cases, people=60, meetings=12)
                request, fingerprint = sync.write_enrolment_request(
                    center, work / "enrolment" / f"{code}.jdenrol"
                )
                answers = []
                for k, db in enumerate(dbs):
                    review = sync.enrol_center(
                        db,
                        request,
                        approve=True,
                        answer_out=work / "enrolment" / f"{code}-{k}.jdanswer",
                        expected_fingerprint=fingerprint,
                    )
                    answers.append(review.answer)
                assert answers[0] is not None
                sync.accept_answer(center, answers[0])
                epoch = center.setting("epoch") or ""
                keys = sync.own_keys(center)
                with center.connect_read() as conn:
                    latest = sync_store.latest_change(conn)
                    bounds = [latest * k // 3 for k in range(4)]
                    for seq in range(1, 4):
                        first, last = bounds[seq - 1] + 1, bounds[seq]
                        touched = sync_store.changed_rows(conn, first - 1, last)
                        records: list[dict[str, Any]] = []
                        for table in sync_store.ordered_tables(touched):
                            records.extend(sync_store.current_records(conn, table, touched[table]))
                        records_total += sum(len(ids) for ids in touched.values())
                        fields = fmt.BundleFields(
                            center_id=str(center.site_id),
                            epoch=epoch,
                            seq=seq,
                            first_change=first,
                            last_change=last,
                            schema_version=sync.SCHEMA_VERSION,
                        )
                        fmt.write_bundle(folder, fields, records, keys, recipients)
                center.dispose()
            out.append((folder, records_total))
    finally:
        for db in dbs:
            db.dispose()
    return out


def statements(server: PostgresServer, dbname: str) -> dict[str, tuple[int, float]]:
    """(calls, milliseconds) per statement text in ``dbname`` since the last reset."""
    with admin(server) as conn:
        rows = conn.execute(
            "SELECT query, calls, total_exec_time FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = %s)",
            (dbname,),
        ).fetchall()
    out: dict[str, tuple[int, float]] = {}
    for query, calls, ms in rows:
        before = out.get(query, (0, 0.0))
        out[query] = (before[0] + int(calls), before[1] + float(ms))
    return out


def recount_summaries(db: Any) -> None:
    """What ``sync import`` runs after the files: the recount of the summary tables of the
    centers the import marked stale (whichever of the two names this version has)."""
    from justice_desk.services import dashboard
    from justice_desk.storage import summaries

    for owner, name in ((dashboard, "refresh_summaries"), (summaries, "refresh_stale")):
        found = getattr(owner, name, None)
        if found is not None:
            found(db)
            return


def measure_imports(
    server: PostgresServer, work: Path, runs: int, centers: int, cases: int, warmup: int = 1
) -> list[str]:
    from justice_desk.services import setup, sync
    from justice_desk.storage.database import open_database

    with admin(server) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("DROP DATABASE IF EXISTS empty_pristine")
        conn.execute("CREATE DATABASE empty_pristine")
    empty = setup.init_province(server.url("empty_pristine"), province="ลำพูน", code="PJO-51")
    empty.dispose()
    started = time.perf_counter()
    sets = make_bundles(
        work, [server.url(NATIONAL), server.url("empty_pristine")], warmup + runs, centers, cases
    )
    files = sum(len(list(folder.iterdir())) for folder, _n in sets)
    print(
        f"\nImport at national size: {warmup} warm-up + {runs} runs x {centers} new centers x "
        "3 bundles "
        f"({files} signed files, {sum(n for _f, n in sets):,} records; demo centers of "
        f"{cases} cases, made and enrolled with both offices in "
        f"{time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    #: per target, per run: (records, the files' Timer, the recount's Timer)
    done: dict[str, list[tuple[int, Timer, Timer]]] = {"national": [], "empty": []}
    grown: dict[str, dict[str, tuple[int, float]]] = {}

    def one(name: str, dbname: str, folder: Path, rows: int, counted: bool = True) -> None:
        db = open_database(server.url(dbname))
        with admin(server) as conn:
            conn.execute("SELECT pg_stat_statements_reset()")
        with Timer(server) as files:
            outcomes = sync.import_paths(db, [folder])
        # ``sync import`` then recounts the summary tables of the centers the import marked
        # stale: part of an import's cost (docs/architecture.md §21).
        with Timer(server) as recount:
            recount_summaries(db)
        db.dispose()
        statuses = {o.status for o in outcomes}
        applied = sum(o.records for o in outcomes)
        if statuses != {"applied"} or applied != rows:
            raise SystemExit(f"{name}: not every record applied ({statuses}, {applied} of {rows})")
        if counted:
            done[name].append((rows, files, recount))
        print(
            f"  {f'run {len(done[name])}' if counted else 'warm-up'} into {name:<8} "
            f"{rows:,} records in "
            f"{files.wall + recount.wall:.2f} s ({rows / (files.wall + recount.wall):,.0f} "
            f"records/s): the files {files.wall:.2f} s (CPU here {files.cpu:.2f} s, server "
            f"{files.server_cpu or 0:.2f} s), the summary recount {recount.wall:.2f} s",
            flush=True,
        )
        grown[name] = statements(server, dbname)

    for run, (folder, rows) in enumerate(sets):
        with admin(server) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS empty_{run}")
            conn.execute(f"CREATE DATABASE empty_{run} TEMPLATE empty_pristine")
        order = [("national", NATIONAL), ("empty", f"empty_{run}")]
        if (run - warmup) % 2:
            order.reverse()
        for name, dbname in order:
            # The warm-up runs are not counted (see the module: the first import after the
            # server started is the slowest).
            one(name, dbname, folder, rows, counted=run >= warmup)
        with admin(server) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS empty_{run} WITH (FORCE)")

    def wall(f: Timer, r: Timer, with_recount: bool = True) -> float:
        return f.wall + (r.wall if with_recount else 0.0)

    def cpu(f: Timer, r: Timer) -> float:
        return f.cpu + r.cpu + (f.server_cpu or 0.0) + (r.server_cpu or 0.0)

    def rate(name: str, on_cpu: bool = False) -> float:
        return statistics.median(
            n / (cpu(f, r) if on_cpu else wall(f, r)) for n, f, r in done[name]
        )

    def ratios(with_recount: bool = True) -> list[float]:
        return [
            (n / wall(f, r, with_recount)) / (m / wall(g, q, with_recount))
            for (n, f, r), (m, g, q) in zip(done["national"], done["empty"], strict=True)
        ]

    print(f"\nmedians of {runs} runs           records/s   on CPU time   summary recount")
    for name in ("national", "empty"):
        share = statistics.median(r.wall / wall(f, r) for _n, f, r in done[name])
        print(f"  into {name:<22}{rate(name):>10,.0f}   {rate(name, True):>10,.0f}   {share:.0%}")
    ratio = statistics.median(ratios())
    cpu_ratio = rate("national", True) / rate("empty", True)
    verdict = "PASS" if ratio >= IMPORT_TARGET else "FAIL"
    print(
        f"  national / empty: {ratio:.1%} (median of the runs' ratios: "
        + ", ".join(f"{r:.0%}" for r in ratios())
        + f"; target >= {IMPORT_TARGET:.0%}  {verdict}); on CPU time {cpu_ratio:.1%}"
    )
    # The files alone: what applying the rows costs at each size, without the recount (which
    # a database that has never been analysed, as the new empty one, runs on worse plans).
    print(
        f"  the files alone, without the recount: {statistics.median(ratios(False)):.1%} ("
        + ", ".join(f"{r:.0%}" for r in ratios(False))
        + ")"
    )
    lookup, base = grown["national"], grown["empty"]
    diffs = sorted(
        ((ms - base.get(q, (0, 0.0))[1], q, calls, ms) for q, (calls, ms) in lookup.items()),
        reverse=True,
    )
    total_n = sum(ms for _c, ms in lookup.values())
    total_e = sum(ms for _c, ms in base.values())
    print(
        f"  server time in statements (pg_stat_statements, last run): national "
        f"{total_n / 1000:.2f} s, empty {total_e / 1000:.2f} s; the statements that grew most:"
    )
    for diff, query, calls, ms in diffs[:8]:
        other = base.get(query, (0, 0.0))
        print(
            f"    +{diff:8.0f} ms  national {ms:8.0f} ms / {calls:5} calls, empty "
            f"{other[1]:8.0f} ms / {other[0]:5}:  {' '.join(query.split())[:150]}"
        )
    return [] if verdict == "PASS" else [f"import national / empty {ratio:.1%} < 80 %"]


def code_state() -> str:
    """The commit measured, and whether the importer and the summaries differ from it (they
    are what an import's throughput depends on)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--short", "--", "justice_desk"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    dirty = [line[3:] for line in changed if line.strip()]
    watched = [f for f in dirty if f.endswith(("importer.py", "summaries.py", "models.py"))]
    return f"commit {head}, {len(dirty)} files of the package changed" + (
        f" (among them {', '.join(watched)})" if watched else ""
    )


# -- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centers", type=int, default=7_500)
    parser.add_argument("--years", type=int, default=5, help="years of records per center (5)")
    parser.add_argument(
        "--server-dir",
        type=Path,
        help="keep the server (and the office's keys) in this folder and reuse its country",
    )
    parser.add_argument("--runs", type=int, default=3, help="import runs (3)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="import runs before those, not counted (1)"
    )
    parser.add_argument("--import-centers", type=int, default=8, help="centers per run (8)")
    parser.add_argument("--import-cases", type=int, default=150, help="cases per center (150)")
    parser.add_argument("--skip", choices=("dashboard", "import"), action="append", default=[])
    parser.add_argument("--no-fsync", action="store_true", help="PostgreSQL with fsync=off")
    parser.add_argument(
        "--pg-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the server (e.g. shared_buffers=2GB; default: PostgreSQL's own)",
    )
    args = parser.parse_args()

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    work = Path(tempfile.mkdtemp(prefix="bench-national-"))
    keep = args.server_dir.resolve() if args.server_dir else None
    os.environ["JUSTICE_DESK_HOME"] = str((keep or work) / "home")
    from justice_desk import i18n

    i18n.set_language("en")
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"code: {code_state()}")
    missed: list[str] = []
    try:
        with server_in(keep, not args.no_fsync, tuple(args.pg_option)) as server:
            with admin(server) as conn:
                version = conn.execute("SHOW server_version").fetchone()
                fsync = conn.execute("SHOW fsync").fetchone()
                buffers = conn.execute("SHOW shared_buffers").fetchone()
            print(
                f"PostgreSQL {version[0] if version else '?'}, fsync {fsync[0] if fsync else '?'}, "
                f"shared_buffers {buffers[0] if buffers else '?'}"
            )
            build_country(server, args.centers, args.years, keep or work)
            describe_country(server)
            print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            if "dashboard" not in args.skip:
                missed += measure_dashboards(server)
                print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            if "import" not in args.skip:
                missed += measure_imports(
                    server, work, args.runs, args.import_centers, args.import_cases, args.warmup
                )
                print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in missed:
        print(f"MISSED: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
