"""Province import on PostgreSQL against ``COPY`` of the same rows, and on SQLite against a raw
``executemany``, in the same run (docs/product.md §5).

Run: ``.venv/bin/python benchmarks/bench_sync_postgres.py [--quick] [--profile]`` (``--help``)

The script starts its own throw-away PostgreSQL server (``initdb`` and ``pg_ctl`` from the
``PATH`` or ``/usr/lib/postgresql/*/bin``, as the ``postgres`` user when run as root, fsync on
unless ``--no-fsync``; stopped and its folder deleted at the end, also on an error, Ctrl-C or
SIGTERM: ``common.postgres_server``), then:

1. **Sites.** A province database on the server and one in a SQLite file; 8 centers with demo
   data (``generate_demo``), each enrolled with both provinces. Each center's change log is cut
   into 3 ranges and each range exported as a signed bundle sealed to both provinces (as
   ``bench_sync.py`` does, with the calls ``export_bundle`` makes:
   ``sync_store.current_records`` and ``justice_desk.sync.write_bundle``), so both provinces
   import the very same 24 files.
1b. **Reading alone.** What the importer does before any database work, file by file (read,
   verify, decrypt, parse, check every value, decode: ``importer._read_file``, which the
   importer's reading thread runs): the ceiling no import on any database can beat, printed
   against both baselines for comparison.
2. **PostgreSQL importer.** ``services.sync.import_paths`` on the folder (read, verify, decrypt,
   decode, apply in one transaction per bundle, log), into a fresh copy of the enrolled
   province each run (``CREATE DATABASE ... TEMPLATE``, outside the timing).
3. **PostgreSQL COPY.** The rows the importer stored (read back from the first run's database,
   derived columns included) copied with psycopg's ``cursor.copy`` into a fresh copy of the same
   enrolled province: one transaction, ``SET CONSTRAINTS ALL DEFERRED`` as the importer does,
   tables parents first; once in the text form (``write_row``, each value converted by its
   Python type) and once in the binary form with each column's type given (``set_types``), as
   the importer copies. The verdict is against the quicker of the two. A fresh copy rather
   than ``TRUNCATE``: the tables also hold the province's own rows, and both sides start from
   the same state. The enrolment stored each center's ``sites`` row, which the importer
   updates; for the baselines it is deleted before the clock starts, so that every row is an
   insert.
4. **SQLite importer** on copies of the enrolled SQLite province, and **SQLite executemany** of
   the same rows (read back from the first run) into copies of it: the app's pragmas (WAL,
   synchronous FULL, foreign keys on, deferred), one transaction per bundle's rows, as
   ``bench_sync.py`` measures it.

The importers' runs are ``sync import`` as the command runs it: the files (``import_paths``:
when it returns, every file's outcome is durable; the verdicts are on this), then the recount of
the province's summary tables for the centers the import marked stale
(``services.dashboard.refresh_summaries``: a bundle only marks its center in its own
transaction, and the dashboard counts a marked center from its records, exact meanwhile;
docs/architecture.md §21), timed apart; "import + recount" adds the two. Bundles of one center
that follow each other are applied in one transaction (docs/sync.md §6): here 3 per center.

Each is run ``--runs`` times (5), an importer and its baseline taking turns (importer, baseline,
importer, ...: background work of the machine and of the server after each load weighs on
both alike), and compared: importer / the quicker COPY against the target of at least 50 %,
SQLite importer / executemany against at least 75 %. The verdict is the median of the rounds' ratios
(each importer run against the baseline run right after it), on wall clock; the ratio of the
medians and the ratios on CPU time (this process plus the server's processes, which move less
when the machine is busy) are printed beside it. The exit code is 0 whatever the result (this
is a measurement; 1 if a run fails, 130 if interrupted); FAIL lines say which target is missed.
``--profile`` adds one more PostgreSQL import under cProfile (not counted), the importing
thread and the reader thread each profiled, and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import PostgresServer, postgres_server  # noqa: E402

PG_TARGET = 0.50  # importer / COPY on PostgreSQL (docs/product.md §5)
SQLITE_TARGET = 0.75  # importer / executemany on SQLite (docs/product.md §5)
PROVINCE = "เชียงใหม่"


@dataclass
class Measured:
    """Seconds of each run of one contender: wall clock, CPU of this process, and CPU of the
    PostgreSQL server (None for SQLite, which works inside this process)."""

    name: str
    rows: int
    runs: list[Timer | Span] = field(default_factory=list)
    #: per run, seconds of the summary recount after the import (importers only)
    recounts: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def server_cpu(self) -> float | None:
        values = [r.server_cpu for r in self.runs]
        return statistics.median(v for v in values if v is not None) if None not in values else None

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_rate(self) -> float:
        """Records per CPU second, this process and the server together: what the run costs
        whatever else the machine is doing."""
        return self.rows / statistics.median(r.cpu + (r.server_cpu or 0.0) for r in self.runs)

    def add(self, timer: Timer | Span, recount: Timer | None = None) -> None:
        self.runs.append(timer)
        server = f", server CPU {timer.server_cpu:.2f} s" if timer.server_cpu is not None else ""
        of_which = ""
        if recount is not None:
            self.recounts.append(recount.wall)
            of_which = f"; then the summary recount {recount.wall:.2f} s"
        print(
            f"  {self.name} run {len(self.runs)}: {timer.wall:.2f} s "
            f"(CPU {timer.cpu:.2f} s{server}{of_which})"
        )


@dataclass
class Span:
    """Two timed spans added up (the import, then the recount after it)."""

    wall: float
    cpu: float
    server_cpu: float | None

    @classmethod
    def of(cls, *timers: Timer) -> Span:
        server = [t.server_cpu for t in timers]
        return cls(
            sum(t.wall for t in timers),
            sum(t.cpu for t in timers),
            None if None in server else sum(v for v in server if v is not None),
        )


def import_and_recount(
    db: Any, bundles: Path, server: PostgresServer | None
) -> tuple[list[Any], Timer, Timer]:
    """``sync import`` as the command runs it: the files (``import_paths``: every file's
    outcome durable), then the recount of the province's summary tables for the centers the
    import marked stale (``services.dashboard.refresh_summaries``, docs/architecture.md §21),
    each timed."""
    from justice_desk.services import dashboard, sync

    with Timer(server) as files:
        outcomes = sync.import_paths(db, [bundles])
    with Timer(server) as recount:
        dashboard.refresh_summaries(db)
    return outcomes, files, recount


class Timer:
    """Wall-clock and CPU time of this process (and of the PostgreSQL ``server``, if given)
    over a ``with`` block, after a garbage collection."""

    def __init__(self, server: PostgresServer | None = None) -> None:
        self.server = server
        self.server_cpu: float | None = None

    def __enter__(self) -> Timer:
        gc.collect()
        self.s0 = self.server.cpu_seconds() if self.server else None
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        s1 = self.server.cpu_seconds() if self.server else None
        if self.s0 is not None and s1 is not None:
            self.server_cpu = s1 - self.s0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Default size: 8 centers of 1,200 demo cases (about 90,000 records in 24 bundles); "
        "--quick: 8 centers of 150 cases (about 15,000 records).",
    )
    parser.add_argument("--quick", action="store_true", help="a smaller size, for a quick look")
    parser.add_argument("--centers", type=int, default=8, help="centers (default 8)")
    parser.add_argument("--bundles", type=int, default=3, help="bundles per center (default 3)")
    parser.add_argument(
        "--cases",
        type=int,
        default=None,
        help="demo cases per center (default 1,200, or 150 with --quick; about 9 records each)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="runs of each contender, each on a fresh database (the median is the figure)",
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="run the PostgreSQL server with fsync=off, as the tests do (default: on, as an "
        "office server runs)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one more PostgreSQL import under cProfile (not counted); prints the hotspots",
    )
    parser.add_argument(
        "--profile-out",
        type=Path,
        metavar="FILE",
        help="with --profile, also save the profile there (pstats format: python -m pstats FILE)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (SQLite files, bundles)"
    )
    args = parser.parse_args()
    if args.cases is None:
        args.cases = 150 if args.quick else 1_200
    if min(args.centers, args.bundles, args.cases, args.runs) < 1:
        parser.error("sizes and runs must be at least 1")

    # SIGTERM (and a closed terminal) end the run like Ctrl-C, so the server is stopped.
    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    work = Path(tempfile.mkdtemp(prefix="bench-sync-pg-"))
    try:
        with postgres_server(fsync=not args.no_fsync) as server:
            run(args, work, server)
    except KeyboardInterrupt:
        print("\ninterrupted: the PostgreSQL server is stopped and its folder deleted")
        return 130
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def run(args: argparse.Namespace, work: Path, server: PostgresServer) -> None:
    os.environ["JUSTICE_DESK_HOME"] = str(work / "home")
    from justice_desk import i18n

    i18n.set_language("en")

    import psycopg

    with psycopg.connect(server.url("postgres", "postgresql"), autocommit=True) as admin:
        measure(args, work, server, admin)


def measure(args: argparse.Namespace, work: Path, server: PostgresServer, admin: Any) -> None:
    import psycopg

    from justice_desk import sync as fmt
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo
    from justice_desk.storage import sync_store
    from justice_desk.storage.database import open_database

    server_version = admin.execute("SHOW server_version").fetchone()
    fsync = admin.execute("SHOW fsync").fetchone()
    print(
        f"PostgreSQL {server_version[0] if server_version else '?'} on port {server.port} "
        f"(fsync {fsync[0] if fsync else '?'}), work folder {work}"
    )

    def new_database(name: str, template: str | None = None) -> str:
        admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return server.url(name)

    def drop_database(name: str) -> None:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    # -- 1. provinces, centers, bundles ------------------------------------------------------
    started = time.perf_counter()
    pg_province = setup.init_province(new_database("pristine"), province=PROVINCE, code="PJO-50")
    sqlite_pristine = work / "province-pristine.sqlite3"
    sqlite_province = setup.init_province(sqlite_pristine, province=PROVINCE, code="PJO-50")
    recipients = [sync.own_public(pg_province), sync.own_public(sqlite_province)]
    bundles = work / "bundles"
    bundles.mkdir()
    (work / "enrolment").mkdir()
    #: per bundle, the ids it carries per table (parents first): the SQLite baseline's batches
    contents: list[dict[str, list[uuid.UUID]]] = []
    center_ids: list[uuid.UUID] = []
    for n in range(1, args.centers + 1):
        center = setup.init_center(
            work / f"center-{n:02d}.sqlite3",
            code=f"CJC-BENCH-{n:02d}",
            name=f"ศูนย์ยุติธรรมชุมชนทดสอบ {n}",
            province=PROVINCE,
        )
        generate_demo(center, seed=n, cases=args.cases, people=60, meetings=12)
        request, fingerprint = sync.write_enrolment_request(
            center, work / "enrolment" / f"{n}.jdenrol"
        )
        answers = []
        for province, where in ((pg_province, "pg"), (sqlite_province, "sqlite")):
            review = sync.enrol_center(
                province,
                request,
                approve=True,
                answer_out=work / "enrolment" / f"{n}-{where}.jdanswer",
                expected_fingerprint=fingerprint,
            )
            answers.append(review.answer)
        assert answers[0] is not None
        sync.accept_answer(center, answers[0])
        epoch = center.setting("epoch") or ""
        keys = sync.own_keys(center)
        with center.connect_read() as conn:
            latest = sync_store.latest_change(conn)
            bounds = [latest * k // args.bundles for k in range(args.bundles + 1)]
            for seq in range(1, args.bundles + 1):
                first, last = bounds[seq - 1] + 1, bounds[seq]
                touched = sync_store.changed_rows(conn, first - 1, last)
                records: list[dict[str, Any]] = []
                for table in sync_store.ordered_tables(touched):
                    records.extend(sync_store.current_records(conn, table, touched[table]))
                contents.append({t: touched[t] for t in sync_store.ordered_tables(touched)})
                fields = fmt.BundleFields(
                    center_id=str(center.site_id),
                    epoch=epoch,
                    seq=seq,
                    first_change=first,
                    last_change=last,
                    schema_version=sync.SCHEMA_VERSION,
                )
                fmt.write_bundle(bundles, fields, records, keys, recipients)
        center_ids.append(center.site_id)
        center.dispose()
    records_total = sum(len(ids) for bundle in contents for ids in bundle.values())
    files = sorted(bundles.iterdir())
    size = sum(f.stat().st_size for f in files)
    pg_province.dispose()
    sqlite_province.dispose()
    print(
        f"{args.centers} centers x {args.bundles} bundles = {len(files)} files, "
        f"{records_total:,} records, {size / 2**20:.1f} MiB sealed "
        f"(built and enrolled in {time.perf_counter() - started:.1f} s)"
    )

    def check(outcomes: list[Any], where: str) -> None:
        statuses = {o.status for o in outcomes}
        applied = sum(o.records for o in outcomes)
        if statuses != {"applied"} or applied != records_total:
            raise SystemExit(
                f"{where}: the import did not apply every record ({statuses}, {applied:,} of "
                f"{records_total:,}): "
                + "; ".join(f"{o.file}: {o.status} {o.message}" for o in outcomes[:3])
            )

    # -- 1b. what every import does before any database work -----------------------------------
    # Read, verify, decrypt, parse, check and decode each file, as the importer's reading
    # thread does: no import on any database can take less time than this.
    from justice_desk.services.sync import importer as importer_module

    reading = Measured("reading alone (no database)", records_total)
    db = open_database(server.url("pristine"))
    keys = importer_module._province_private_keys(db, None)
    trust = importer_module._trust(db)
    for center in center_ids:  # the directory reads a center's keys when first asked: now
        trust(str(center))
    columns = importer_module._Columns.of(db)
    db.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without connections
    for _k in range(args.runs):
        with Timer() as timer:
            for f in files:
                read = importer_module._read_file(f, keys, trust, columns=columns)
                if read.decoded is None:
                    raise SystemExit(f"{f}: could not be read ({read.refused or read.failure})")
        reading.add(timer)

    # -- 2. and 3. PostgreSQL importer and COPY, taking turns ------------------------------------
    # The two alternate (importer, COPY, importer, ...) so that whatever else the machine does
    # meanwhile (the server's own background work after each load, other programs) weighs on
    # both alike; the rows COPY loads are the ones the first import stored.
    pg_import = Measured("PostgreSQL importer", records_total)
    pg_whole = Measured("PostgreSQL import + recount", records_total)

    def pg_import_run(k: int) -> None:
        name = f"import_{k}"
        db = open_database(new_database(name, "pristine"))
        outcomes, timer, recount = import_and_recount(db, bundles, server)
        db.dispose()
        check(outcomes, "PostgreSQL")
        pg_import.add(timer, recount)
        pg_whole.add(Span.of(timer, recount))
        if k:
            drop_database(name)

    pg_import_run(0)
    from justice_desk.storage.models import SYNCABLE_MODELS

    tables = [m.__tablename__ for m in SYNCABLE_MODELS]  # parents first
    #: table, its columns, their types (oids), its rows
    copy_data: list[tuple[str, str, list[int], list[tuple[Any, ...]]]] = []
    with psycopg.connect(server.url("import_0", "postgresql")) as source:
        for table in tables:
            cursor = source.execute(
                f"SELECT * FROM {table} WHERE owner_id = ANY(%s) ORDER BY id",  # noqa: S608
                (center_ids,),
            )
            rows = cursor.fetchall()
            if rows:
                assert cursor.description is not None
                columns = ", ".join(f'"{d.name}"' for d in cursor.description)
                types = [d.type_code for d in cursor.description]
                copy_data.append((table, columns, types, rows))
    copy_rows = sum(len(rows) for _t, _c, _types, rows in copy_data)
    if copy_rows != records_total:
        print(f"  note: the importer stored {copy_rows:,} rows for {records_total:,} records")
    pg_copy = Measured("PostgreSQL COPY", copy_rows)
    pg_copy_binary = Measured("PostgreSQL COPY binary", copy_rows)

    def pg_copy_run(k: int, binary: bool) -> None:
        name = f"copy_{k}_{'binary' if binary else 'text'}"
        new_database(name, "pristine")
        with psycopg.connect(server.url(name, "postgresql"), autocommit=True) as conn:
            # Enrolment stored each center's sites row; the importer updates it, COPY cannot.
            for table, _columns, _types, _rows in copy_data:
                conn.execute(
                    f"DELETE FROM {table} WHERE owner_id = ANY(%s)",  # noqa: S608
                    (center_ids,),
                )
            with Timer(server) as timer:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL DEFERRED")
                    for table, columns, types, rows in copy_data:
                        sql = f"COPY {table} ({columns}) FROM STDIN"
                        with cur.copy(sql + " (FORMAT BINARY)" if binary else sql) as copy:
                            if binary:
                                copy.set_types(types)
                            for row in rows:
                                copy.write_row(row)
            stored = sum(count_rows(conn, t, center_ids) for t, _c, _types, _rows in copy_data)
        assert stored == copy_rows, (stored, copy_rows)
        drop_database(name)
        (pg_copy_binary if binary else pg_copy).add(timer)

    for k in range(args.runs):
        pg_copy_run(k, binary=False)
        pg_copy_run(k, binary=True)
        if k + 1 < args.runs:
            pg_import_run(k + 1)

    # -- 4. SQLite importer and executemany, taking turns as above ---------------------------
    sqlite_import = Measured("SQLite importer", records_total)
    sqlite_whole = Measured("SQLite import + recount", records_total)

    def sqlite_import_run(k: int) -> None:
        target = work / f"sqlite-import-{k}.sqlite3"
        shutil.copyfile(sqlite_pristine, target)
        db = open_database(target)
        outcomes, timer, recount = import_and_recount(db, bundles, None)
        db.dispose()
        check(outcomes, "SQLite")
        sqlite_import.add(timer, recount)
        sqlite_whole.add(Span.of(timer, recount))

    sqlite_import_run(0)
    source_db = sqlite3.connect(work / "sqlite-import-0.sqlite3")
    batches: list[list[tuple[str, list[tuple[Any, ...]]]]] = []
    for bundle in contents:
        batch = []
        for table, ids in bundle.items():
            hexes = [i.hex for i in ids]
            found = source_db.execute(
                f"SELECT * FROM {table} WHERE id IN ({', '.join('?' for _ in hexes)})",  # noqa: S608
                hexes,
            )
            names = [d[0] for d in found.description]
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in names)})"
            )
            batch.append((sql, found.fetchall()))
        batches.append(batch)
    source_db.close()
    raw_rows = sum(len(rows) for batch in batches for _sql, rows in batch)
    sqlite_raw = Measured("SQLite executemany", raw_rows)

    def sqlite_raw_run(k: int) -> None:
        target = work / f"sqlite-raw-{k}.sqlite3"
        shutil.copyfile(sqlite_pristine, target)
        raw = sqlite3.connect(target, isolation_level=None)
        owners = ", ".join(f"'{i.hex}'" for i in center_ids)
        for table in tables:  # the centers' sites rows stored by the enrolment (see COPY)
            raw.execute(f"DELETE FROM {table} WHERE owner_id IN ({owners})")  # noqa: S608
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            raw.execute(f"PRAGMA {pragma}")
        with Timer() as timer:
            for batch in batches:
                raw.execute("BEGIN")
                raw.execute("PRAGMA defer_foreign_keys = ON")
                for sql, rows in batch:
                    raw.executemany(sql, rows)
                raw.execute("COMMIT")
        raw.close()
        sqlite_raw.add(timer)

    for k in range(args.runs):
        sqlite_raw_run(k)
        if k + 1 < args.runs:
            sqlite_import_run(k + 1)

    # -- results -------------------------------------------------------------------------------
    # The verdict is against the quicker of the two ways to COPY (docs/product.md §5).
    fastest_copy = max((pg_copy, pg_copy_binary), key=lambda m: m.rate)
    report(
        [
            pg_import,
            pg_whole,
            pg_copy,
            pg_copy_binary,
            sqlite_import,
            sqlite_whole,
            sqlite_raw,
            reading,
        ],
        [
            (f"PostgreSQL importer / {fastest_copy.name[11:]}", pg_import, fastest_copy, PG_TARGET),
            (
                "PostgreSQL importer / "
                + (pg_copy if fastest_copy is pg_copy_binary else pg_copy_binary).name[11:],
                pg_import,
                pg_copy if fastest_copy is pg_copy_binary else pg_copy_binary,
                None,
            ),
            ("SQLite importer / executemany", sqlite_import, sqlite_raw, SQLITE_TARGET),
            ("PostgreSQL import + recount / COPY binary", pg_whole, pg_copy_binary, None),
            ("SQLite import + recount / executemany", sqlite_whole, sqlite_raw, None),
            ("reading alone / COPY binary", reading, pg_copy_binary, None),
            ("reading alone / executemany", reading, sqlite_raw, None),
        ],
        args.runs,
    )
    print(
        "Reading alone is the ceiling: an import whose database work cost nothing would still "
        f"take {reading.seconds:.2f} s\n({reading.seconds / pg_import.seconds:.0%} of the "
        f"PostgreSQL import, {reading.seconds / sqlite_import.seconds:.0%} of the SQLite one)."
    )

    if args.profile:
        db = open_database(new_database("profiled", "pristine"))
        profiler = cProfile.Profile()
        # The importer reads, verifies, decrypts and decodes the next file on a second thread:
        # threads started meanwhile get a profiler of their own.
        thread_profilers: list[cProfile.Profile] = []

        def profile_thread(*_args: object) -> None:
            sys.setprofile(None)
            thread_profilers.append(cProfile.Profile())
            thread_profilers[-1].enable()

        threading.setprofile(profile_thread)
        profiler.enable()
        try:
            outcomes = sync.import_paths(db, [bundles])
        finally:
            profiler.disable()
            threading.setprofile(None)
        db.dispose()
        check(outcomes, "PostgreSQL (profiled)")
        print_profile(profiler, thread_profilers)
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
            saved = [str(args.profile_out)]
            for n, other in enumerate(thread_profilers, 1):
                other.dump_stats(f"{args.profile_out}.thread{n}")
                saved.append(f"{args.profile_out}.thread{n}")
            print("profiles saved: " + ", ".join(saved))


def count_rows(conn: Any, table: str, owners: list[uuid.UUID]) -> int:
    found = conn.execute(
        f"SELECT count(*) FROM {table} WHERE owner_id = ANY(%s)",  # noqa: S608
        (owners,),
    ).fetchone()
    return int(found[0]) if found else 0


def paired_ratio(contender: Measured, baseline: Measured) -> float | None:
    """The median, over the runs taken in turns, of contender rate / baseline rate of the same
    round; ``None`` when the two were not run in turns (other run counts)."""
    if len(contender.runs) != len(baseline.runs) or contender is baseline:
        return None
    if contender.name.startswith("reading") or baseline.name.startswith("reading"):
        return None  # measured on its own, before the others
    return statistics.median(
        (contender.rows / c.wall) / (baseline.rows / b.wall)
        for c, b in zip(contender.runs, baseline.runs, strict=True)
    )


def report(
    measured: list[Measured],
    ratios: list[tuple[str, Measured, Measured, float | None]],
    runs: int,
) -> None:
    print(
        f"\nmedians of {runs} run{'s' if runs > 1 else ''}"
        "                records   seconds   records/s   CPU s: here  server"
    )
    for m in measured:
        server = f"{m.server_cpu:>8.2f}" if m.server_cpu is not None else f"{'-':>8}"
        print(
            f"  {m.name:<29}{m.rows:>9,}  {m.seconds:>8.2f}  {m.rate:>10,.0f}"
            f"   {m.cpu:>10.2f}{server}"
        )
    print()
    for name, contender, baseline, target in ratios:
        ratio = contender.rate / baseline.rate
        paired = paired_ratio(contender, baseline)
        if target is None:
            verdict = "(for comparison)"
        else:
            # The verdict is on the runs taken in turns, each importer run against the
            # baseline run just after it: a slower stretch of the machine slows both of a
            # pair, while it can fall on one contender's runs only in the medians of each.
            decisive = paired if paired is not None else ratio
            verdict = f"target >= {target:.0%}  " + ("PASS" if decisive >= target else "FAIL")
        pairs = f"; run by run {paired:.1%}" if paired is not None else ""
        print(
            f"  {name:<40}{ratio:>6.1%}   {verdict}"
            f"   (on CPU time: {contender.cpu_rate / baseline.cpu_rate:.1%}{pairs})"
        )
    for m in measured:
        if m.recounts:
            recount = statistics.median(m.recounts)
            print(
                f"  {m.name}: then {recount:.2f} s recounting the summaries of the centers it "
                f"touched ({recount / (m.seconds + recount):.0%} of import + recount)"
            )
    print(
        "\nThe verdicts use wall clock, run by run: the median of each round's importer rate / "
        "baseline rate\n(the first figure is the ratio of the medians). CPU time (this process "
        "plus the PostgreSQL server's\nprocesses) is less sensitive to other work on the "
        f"machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )


def print_profile(profiler: cProfile.Profile, others: list[cProfile.Profile]) -> None:
    """The top functions by own time, the project's sync code by cumulative time, then the same
    for the other threads (the reader)."""
    print("\nprofile of one more PostgreSQL import (cProfile; slower than the runs above)")
    print("\n== the importing thread (decisions, checks, database work)")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(SYNC_CODE, 25)
    print(out.getvalue())
    for n, other in enumerate(others, 1):
        out = io.StringIO()
        stats = pstats.Stats(other, stream=out)
        print(f"== thread {n} of the import (reading, verifying, decrypting, decoding ahead)")
        stats.sort_stats("tottime").print_stats(12)
        stats.sort_stats("cumulative").print_stats(SYNC_CODE, 10)
        print(out.getvalue())


#: The files whose hotspots the profile lists by cumulative time.
SYNC_CODE = r"justice_desk/(services/sync|storage/sync_store|sync/)"


if __name__ == "__main__":
    raise SystemExit(main())
