"""Sync services against the targets of docs/product.md §5: export, import rate, memory over
many bundles.

Run: ``.venv/bin/python benchmarks/bench_sync.py [--cases N] [--repeat R] [--profile]``

1. **Export** of 10,000 changes from a demo center to one signed, encrypted bundle
   (``services.sync.export_bundle``; the center's acknowledged point is set so that exactly the
   last 10,000 changes are unacknowledged). Target < 2 s.
2. **Import** of 100 bundles of 1,000 records (the demo center's change log cut into ranges of
   1,000 changes, each bundle sealed to the province like an export) through
   ``services.sync.import_paths`` on a folder: read, verify, decrypt, decode, apply in one
   transaction per bundle, log. Compared with a raw ``sqlite3`` ``executemany`` of the same rows
   into an empty copy of the schema (same pragmas as the app: WAL, synchronous FULL, foreign
   keys on; one transaction per 1,000 rows). Targets >= 20,000 records/s and >= 25 % of raw.
   Both are run ``--import-runs`` times (fresh copies each time) and the medians compared.
3. **Memory** over 1,000 bundles of 100 records each (small bundles keep the run short; the
   per-bundle work is what could leak): resident set size sampled every 100 bundles while one
   ``import_paths`` call imports the whole folder (``--tracemalloc`` adds the Python heap).

Records are the demo generator's: people, committee, meetings, cases with parties, sessions,
events, settlements... in the proportions a center produces (about 9 records per case).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mib() -> float:
    """Resident set size of this process in MiB (Linux /proc; elsewhere the peak from resource)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases",
        type=int,
        default=11_500,
        help="demo cases (about 9 changes each; 100,000 changes are needed)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="export runs (median and best are printed)"
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        default=3,
        help="import runs, each into a fresh copy of the province (the median is the figure)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the first import"
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace the Python heap during the memory run (slower)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work folder (databases and bundles) afterwards",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        return run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    os.environ["JUSTICE_DESK_HOME"] = str(work / "home")
    from justice_desk import i18n

    i18n.set_language("en")

    from justice_desk import sync as fmt
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo
    from justice_desk.storage import sync_store

    print(f"work folder {work}")
    started = time.perf_counter()
    center = setup.init_center(
        work / "center.sqlite3", code="CJC-BENCH", name="ศูนย์ยุติธรรมชุมชนทดสอบ", province="เชียงใหม่"
    )
    generate_demo(center, seed=1, cases=args.cases, people=200, meetings=24)

    def new_province(name: str) -> Any:
        province = setup.init_province(work / name, province="เชียงใหม่")
        request, fingerprint = sync.write_enrolment_request(center, work / "request.jdenrol")
        review = sync.enrol_center(
            province,
            request,
            approve=True,
            answer_out=work / f"{name}.jdanswer",
            expected_fingerprint=fingerprint,
        )
        sync.accept_answer(center, review.answer)
        return province

    province = new_province("province.sqlite3")
    with center.connect_read() as conn:
        latest = sync_store.latest_change(conn)
    print(
        "demo center: "
        f"{latest:,} changes (built and enrolled in {time.perf_counter() - started:.1f} s)"
    )
    if latest < 100_000:
        print("not enough changes for 100 bundles of 1,000; raise --cases")
        return 2
    ok = True

    # -- 1. export ---------------------------------------------------------------------------
    with center.write() as session:
        center.put_settings(session, {"acked_through": str(latest - 10_000)})
    times = []
    for i in range(args.repeat):
        out = work / f"export-{i}"
        t0 = time.perf_counter()
        result = sync.export_bundle(center, out)
        times.append(time.perf_counter() - t0)
    size = result.path.stat().st_size
    median, best = statistics.median(times), min(times)
    ok &= median < 2.0
    print(
        f"\n1. export of {result.last_change - result.first_change + 1:,} changes "
        f"({result.records:,} records, {size / 1024:.0f} KiB sealed)"
    )
    print(
        f"   median {median:.2f} s, best {best:.2f} s over {args.repeat} runs   target < 2 s  "
        f"{'OK' if median < 2.0 else 'MISSED'}"
    )
    with center.write() as session:
        center.put_settings(session, {"acked_through": "0"})

    # -- bundles cut from the change log ------------------------------------------------------
    epoch = center.setting("epoch") or ""
    keys = sync.own_keys(center)

    def make_bundles(
        folder: Path, count: int, size: int, recipients: list[Any]
    ) -> list[dict[str, list[Any]]]:
        """``count`` bundles of the ranges of ``size`` changes; returns the ids in each,
        per table."""
        folder.mkdir()
        contents = []
        with center.connect_read() as conn:
            for k in range(count):
                first, last = k * size + 1, (k + 1) * size
                touched = sync_store.changed_rows(conn, first - 1, last)
                records: list[dict[str, Any]] = []
                for table in sync_store.ordered_tables(touched):
                    records.extend(sync_store.current_records(conn, table, touched[table]))
                contents.append({t: touched[t] for t in sync_store.ordered_tables(touched)})
                fields = fmt.BundleFields(
                    center_id=str(center.site_id),
                    epoch=epoch,
                    seq=k + 1,
                    first_change=first,
                    last_change=last,
                    schema_version=sync.SCHEMA_VERSION,
                )
                fmt.write_bundle(folder, fields, records, keys, recipients)
        return contents

    big = work / "bundles-1000"
    contents = make_bundles(big, 100, 1000, [sync.own_public(province)])
    records = sum(len(ids) for bundle in contents for ids in bundle.values())

    # -- 2. import -------------------------------------------------------------------------------
    # Each run imports the folder into a fresh copy of the enrolled province (the machine's
    # noise is large: the median of the runs is the figure, and every run is printed).
    from justice_desk.storage.database import open_database

    province.dispose()
    pristine = work / "province-pristine.sqlite3"
    shutil.copyfile(work / "province.sqlite3", pristine)
    profiler = cProfile.Profile() if args.profile else None
    runs: list[tuple[float, float]] = []
    for k in range(args.import_runs):
        target = work / ("province.sqlite3" if k == 0 else f"province-run{k}.sqlite3")
        if k:
            shutil.copyfile(pristine, target)
        db = open_database(target)
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler and k == 0:
            profiler.enable()
        outcomes = sync.import_paths(db, [big])
        if profiler and k == 0:
            profiler.disable()
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
        db.dispose()
        statuses = {o.status for o in outcomes}
        applied = sum(o.records for o in outcomes)
        assert statuses == {"applied"} and applied == records, (statuses, applied, records)
    import_seconds = statistics.median(t for t, _c in runs)
    import_cpu = statistics.median(c for _t, c in runs)
    rate = records / import_seconds

    # The same rows, raw: executemany into an empty copy of the schema, one transaction per
    # bundle's rows, tables in the same order, foreign keys checked at commit as the importer does.
    empty = setup.init_province(work / "empty.sqlite3", province="เชียงใหม่")
    empty.dispose()
    source = sqlite3.connect(work / "province.sqlite3")
    batches: list[list[tuple[str, list[tuple[Any, ...]]]]] = []
    for bundle in contents:
        batch = []
        for table, ids in bundle.items():
            hexes = [i.hex for i in ids]
            cursor = source.execute(
                f"SELECT * FROM {table} WHERE id IN ({', '.join('?' for _ in hexes)})", hexes
            )  # noqa: S608
            columns = [d[0] for d in cursor.description]
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
            )
            batch.append((sql, cursor.fetchall()))
        batches.append(batch)
    source.close()
    raw_runs: list[tuple[float, float]] = []
    for k in range(args.import_runs):
        target = work / f"raw-{k}.sqlite3"
        shutil.copyfile(work / "empty.sqlite3", target)
        raw = sqlite3.connect(target, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            raw.execute(f"PRAGMA {pragma}")
        t0, c0 = time.perf_counter(), time.process_time()
        for batch in batches:
            raw.execute("BEGIN")
            raw.execute("PRAGMA defer_foreign_keys = ON")
            for sql, rows in batch:
                raw.executemany(sql, rows)
            raw.execute("COMMIT")
        raw_runs.append((time.perf_counter() - t0, time.process_time() - c0))
        raw.close()
    raw_seconds = statistics.median(t for t, _c in raw_runs)
    raw_cpu = statistics.median(c for _t, c in raw_runs)
    raw_rows = sum(len(rows) for batch in batches for _sql, rows in batch)
    raw_rate = raw_rows / raw_seconds
    share = rate / raw_rate
    ok &= rate >= 20_000 and share >= 0.25
    print(f"\n2. import of 100 bundles of 1,000 records ({records:,} records) into SQLite")
    print(
        f"   median of {len(runs)} runs {import_seconds:.2f} s = {rate:,.0f} records/s   "
        f"target >= 20,000  {'OK' if rate >= 20_000 else 'MISSED'}"
    )
    print("   runs: " + ", ".join(f"{t:.2f} s ({records / t:,.0f}/s)" for t, _c in runs))
    print(
        f"   (CPU {import_cpu:.2f} s = {records / import_cpu:,.0f} records per CPU second; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"   raw executemany of the same {raw_rows:,} rows, median of {len(raw_runs)}: "
        f"{raw_seconds:.2f} s = {raw_rate:,.0f} rows/s (CPU {raw_cpu:.2f} s)"
    )
    print(f"   import / raw = {share:.0%}   target >= 25 %  {'OK' if share >= 0.25 else 'MISSED'}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    # -- 3. memory over 1,000 bundles --------------------------------------------------------
    small = work / "bundles-100"
    province2 = new_province("province2.sqlite3")
    make_bundles(small, 1000, 100, [sync.own_public(province2)])
    samples: list[tuple[int, float, float]] = []

    def sample(done: int, total: int, _message: str) -> None:
        if done and done % 100 == 0:
            gc.collect()
            samples.append(
                (
                    done,
                    rss_mib(),
                    tracemalloc.get_traced_memory()[0] / 2**20 if args.tracemalloc else 0.0,
                )
            )

    if args.tracemalloc:
        tracemalloc.start()
    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    outcomes = sync.import_paths(province2, [small], progress=sample)
    seconds = time.perf_counter() - t0
    gc.collect()
    samples.append(
        (
            len(outcomes),
            rss_mib(),
            tracemalloc.get_traced_memory()[0] / 2**20 if args.tracemalloc else 0.0,
        )
    )
    if args.tracemalloc:
        tracemalloc.stop()
    assert {o.status for o in outcomes} == {"applied"}
    second_half = [m for n, m, _t in samples if n >= 500]
    growth = max(second_half) - min(second_half)
    flat_enough = growth < 16
    ok &= flat_enough
    print(
        f"\n3. memory over 1,000 bundles of 100 records ({seconds:.1f} s, "
        f"{100_000 / seconds:,.0f} records/s{' under tracemalloc' if args.tracemalloc else ''})"
    )
    print(
        f"   RSS before {before:.0f} MiB; every 100 bundles: "
        + ", ".join(f"{m:.0f}" for _n, m, _t in samples)
        + " MiB"
    )
    if args.tracemalloc:
        print(
            "   Python heap (tracemalloc) every 100 bundles: "
            + ", ".join(f"{t:.1f}" for _n, _m, t in samples)
            + " MiB"
        )
    print(
        f"   RSS change over the second 500 bundles: {growth:+.1f} MiB   target flat (< 16 MiB)  "
        f"{'OK' if flat_enough else 'MISSED'}"
    )
    province2.dispose()
    center.dispose()
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
