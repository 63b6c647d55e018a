"""A first print in a fresh process against a listing, and a print in a warm one (issue 12 §14).

    .venv/bin/python benchmarks/bench_print_cold.py [--runs 5]

On a demo center database (``generate_demo`` defaults, built in a temporary folder): the wall
time of ``justice-desk print minutes`` and of ``justice-desk list meetings`` in fresh processes,
alternated, median of ``--runs`` (the first print of all, which also builds the word list and
caches it in the data folder, is shown apart); then ``services.printing.minutes_pdf`` of the
longest minutes again and again in one process (median). Thresholds: a cold print at most twice
a cold listing, a warm print under 0.1 s. docs/thai-text-and-printing.md §11 has the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RATIO_TARGET = 2.0
WARM_TARGET = 0.1


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "justice_desk", *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        home.mkdir()
        os.environ["JUSTICE_DESK_HOME"] = str(home)
        env = dict(os.environ, JUSTICE_DESK_LANG="en")
        from justice_desk.services import meetings, printing, setup
        from justice_desk.services.demo import generate_demo

        db_path = Path(folder) / "demo.sqlite3"
        db = setup.init_center(db_path, code="5001", name="ศูนย์ยุติธรรมชุมชนทดสอบ", province="เชียงใหม่")
        generate_demo(db)
        longest, pages = None, 0
        for row in meetings.list_meetings(db, limit=1000).rows:
            try:
                pdf = printing.minutes_pdf(db, row.id)
            except Exception:  # noqa: BLE001 - meetings without attendance cannot be printed
                continue
            if pdf.count(b"/Type /Page\n") >= pages:
                longest, pages = row, pdf.count(b"/Type /Page\n")
        assert longest is not None
        db.dispose()
        # Start cold: no cached word list.
        for cached in (home / "cache").glob("thai-words-*"):
            cached.unlink()
        out = Path(folder) / "minutes.pdf"
        print_args = ["print", "minutes", "--db", str(db_path), "--meeting", longest.number]
        print_args += ["-o", str(out)]
        list_args = ["list", "meetings", "--db", str(db_path)]
        first = _timed(print_args, env)
        prints, lists = [], []
        for _ in range(args.runs):
            prints.append(_timed(print_args, env))
            lists.append(_timed(list_args, env))
        cold_print, cold_list = statistics.median(prints), statistics.median(lists)

        from justice_desk.storage.database import open_database

        db = open_database(db_path)
        printing.minutes_pdf(db, longest.id)
        warm = []
        for _ in range(max(5, args.runs)):
            start = time.perf_counter()
            printing.minutes_pdf(db, longest.id)
            warm.append(time.perf_counter() - start)
        db.dispose()
    ratio = cold_print / cold_list
    warm_print = statistics.median(warm)
    print(f"minutes {longest.number}, {pages} pages")
    print(f"first print ever (word list built and cached): {first:.2f} s")
    print(f"cold print (median of {args.runs}): {cold_print:.2f} s")
    print(f"cold list meetings (median of {args.runs}): {cold_list:.2f} s")
    print(f"ratio: {ratio:.2f} (target <= {RATIO_TARGET})")
    print(f"warm print through the service (median): {warm_print * 1000:.0f} ms (target < 100 ms)")
    ok = ratio <= RATIO_TARGET and warm_print < WARM_TARGET
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
