"""GUI speed: cold start to the main window against a bare PySide6 window measured in the same
run, and the case register's first paint and Thai search on a 100,000-case database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--cases N] [--runs N]

Thresholds checked here: cold start < 1.5 s and < 2x the bare window; first paint < 150 ms;
Thai search < 100 ms (docs/product.md §5 sets them beside the product's targets).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import big_demo, report  # noqa: E402

# Both programs print, as JSON, the wall-clock moments since the parent started them: "shown" is
# the first turn of the event loop after the window was shown (it has been laid out and painted).
BARE = """
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
start = float(sys.argv[1])
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1200, 760); w.show()
marks = {}
QTimer.singleShot(0, lambda: (marks.update(shown=time.time() - start), app.quit()))
app.exec()
print(json.dumps(marks))
"""

# The app as ``justice-desk --db DEMO`` starts it (run_gui without the lock file): the window
# appears from a glance at the database, then the database opens in the background and the last
# page is built ("ready"; "usable" is the next turn of the event loop, with that page painted).
APP = """
import json, sys, time
from PySide6.QtCore import QTimer
from justice_desk.app import prepare_application, start_main_window
from justice_desk.storage.locate import resolve_target
start = float(sys.argv[1])
app, settings = prepare_application()
w = start_main_window(resolve_target(sys.argv[2]), settings)
marks = {}
QTimer.singleShot(0, lambda: marks.update(shown=time.time() - start))
def ready():
    marks.update(ready=time.time() - start)
    QTimer.singleShot(0, lambda: (marks.update(usable=time.time() - start), app.quit()))
w.ready.connect(ready)
app.exec()
w.ctx.db.dispose()
print(json.dumps(marks))
"""


def cold(code: str, *args: str, runs: int) -> dict[str, float]:
    """Median of each mark over ``runs`` fresh processes."""
    import json

    marks: dict[str, list[float]] = {}
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["JUSTICE_DESK_HOME"] = tempfile.mkdtemp(prefix="jd-bench-")
    for _ in range(runs):
        started = time.time()
        done = subprocess.run(
            [sys.executable, "-c", code, repr(started), *args],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        for key, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
            marks.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in marks.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    demo = Path(tempfile.mkdtemp(prefix="jd-bench-demo-")) / "demo.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "justice_desk", "demo", "--db", str(demo)],
        check=True,
        capture_output=True,
        env=dict(os.environ, JUSTICE_DESK_HOME=str(demo.parent)),
    )
    bare = cold(BARE, runs=args.runs)["shown"]
    app = cold(APP, str(demo), runs=args.runs)
    report("cold start: bare PySide6 window shown", bare)
    report("cold start: Justice Desk main window shown (demo database)", app["shown"], 1.5)
    ratio = app["shown"] / bare
    print(
        f"{'ratio main window / bare window':<55} {ratio:9.2f} x   target < 2.00 x  "
        f"{'OK' if ratio < 2 else 'MISSED'}"
    )
    report("cold start: database open, last page built", app["ready"])
    report("cold start: that page painted (usable)", app["usable"], 1.5)
    print(f"{'ratio usable / bare window':<55} {app['usable'] / bare:9.2f} x   (for information)")

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from justice_desk.domain.dates import format_date
    from justice_desk.services import cases, people
    from justice_desk.storage.database import open_database
    from justice_desk.ui.jobs import JobRunner
    from justice_desk.ui.models import Column
    from justice_desk.ui.pages.base import RegisterView

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(big_demo(args.cases))
    sample = (
        people.list_people(db, limit=1, offset=people.list_people(db, limit=1).total // 2)
        .rows[0]
        .name
    )
    surname = sample.split(" ")[-1]
    start_at = next((i for i, ch in enumerate(surname) if i > 0 and "\u0e01" <= ch <= "\u0e2e"), 0)
    term = surname[start_at : start_at + 4]

    def fetch(offset, limit, search, order, descending):  # noqa: ANN001
        return cases.list_cases(
            db,
            search=search or None,
            offset=offset,
            limit=limit,
            order=order or "number",
            descending=True if order is None else descending,
        )

    columns = [
        Column("No.", lambda r: r.number, "number"),
        Column("Received", lambda r: format_date(r.received_on, "th", short=True), "received"),
        Column("Kind", lambda r: r.kind.label()),
        Column("Status", lambda r: r.status.label(), "status"),
        Column("Subject", lambda r: r.subject, "subject"),
        Column("Parties", lambda r: r.parties),
    ]
    runner = JobRunner()
    paints, searches = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        view = RegisterView(columns, fetch, runner=runner)
        view.resize(1200, 700)
        view.grab()  # lays out and paints every visible row
        paints.append(time.perf_counter() - start)
        start = time.perf_counter()
        loop = QEventLoop()
        view.searched.connect(loop.quit)
        view.search.setText(term)
        view.apply_search_now()  # the query runs in the job runner, as in the app
        loop.exec()
        view.grab()
        searches.append(time.perf_counter() - start)
        found = view.model.total
        view.deleteLater()
        qapp.processEvents()
    report(f"case register: first paint ({args.cases:,} cases)", statistics.median(paints), 0.150)
    report(
        f"case register: Thai search {term!r} in the job runner + repaint ({found:,} found)",
        statistics.median(searches),
        0.100,
    )
    db.dispose()


if __name__ == "__main__":
    main()
