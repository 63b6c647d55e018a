"""Time the demo generator: 100,000 cases (with everything that hangs off them) into a new center.

    .venv/bin/python benchmarks/bench_demo.py [--cases N] [--people N] [--meetings N] [--keep]

Creates a fresh center database in a temporary folder (``init_center``), runs ``generate_demo``
and prints the seconds, the rows written (change-log entries not counted) and rows per second.
The target is "well under a minute" for 100,000 cases on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from justice_desk.services.demo import generate_demo  # noqa: E402
from justice_desk.services.setup import init_center  # noqa: E402

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--meetings", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its path")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="justice-desk-bench-demo-"))
    path = folder / "demo.sqlite3"
    db = init_center(
        path,
        code="CM-BENCH",
        name="ศูนย์ยุติธรรมชุมชนตำบลสันทรายหลวง",
        province="เชียงใหม่",
        amphoe="สันทราย",
        tambon="สันทรายหลวง",
    )
    chunks: list[float] = []
    last = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        nonlocal last
        now = time.perf_counter()
        chunks.append(now - last)
        last = now

    start = time.perf_counter()
    summary = generate_demo(
        db,
        seed=args.seed,
        cases=args.cases,
        people=args.people,
        meetings=args.meetings,
        progress=progress,
    )
    seconds = time.perf_counter() - start
    db.dispose()

    rows = summary.total_rows
    size = sum(p.stat().st_size for p in folder.glob("demo.sqlite3*")) / 1e6
    print(f"demo: {summary.cases:,} cases, {summary.people:,} people, {summary.meetings} meetings")
    for name in (
        "case_parties",
        "case_events",
        "case_sessions",
        "case_mediators",
        "settlements",
        "instalments",
        "compliance_checks",
    ):
        print(f"  {name:<20} {getattr(summary, name):>10,}")
    print(f"rows written          {rows:>10,}  (+ the same number of change-log entries)")
    verdict = "OK" if seconds < TARGET_SECONDS else "MISSED"
    print(f"seconds               {seconds:>10.1f}  target < {TARGET_SECONDS:.0f} s  {verdict}")
    print(f"rows/s                {rows / seconds:>10,.0f}")
    print(
        f"slowest chunk         {max(chunks):>10.2f} s  (other programs can write between chunks)"
    )
    print(f"database size         {size:>10.1f} MB")
    if args.keep:
        print(f"database: {path}")
    else:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
