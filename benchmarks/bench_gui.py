"""GUI speed: cold start to the main window against a bare PySide6 window measured in the same
run, and the case register's first paint and Thai search on a 100,000-case database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--cases N] [--runs N]

Targets (PRODUCT.md §6): cold start < 1.5 s and < 2x the bare window; first paint < 150 ms;
Thai search < 100 ms.
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

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1200, 760); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from justice_desk.app import open_main_window
from justice_desk.ui import settings as prefs
from justice_desk.ui.fonts import load_thai_font
app = QApplication(sys.argv[:1])
settings = prefs.open_settings()
app.setFont(load_thai_font(prefs.text_size(settings)))
w = open_main_window(sys.argv[1], settings)
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
w.ctx.db.dispose()
"""


def cold(code: str, *args: str, runs: int) -> float:
    times = []
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["JUSTICE_DESK_HOME"] = tempfile.mkdtemp(prefix="jd-bench-")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    demo = Path(tempfile.mkdtemp(prefix="jd-bench-demo-")) / "demo.sqlite3"
    subprocess.run([sys.executable, "-m", "justice_desk", "demo", "--db", str(demo)], check=True, capture_output=True,
                   env=dict(os.environ, JUSTICE_DESK_HOME=str(demo.parent)))
    bare = cold(BARE, runs=args.runs)
    app = cold(APP, str(demo), runs=args.runs)
    report("cold start: bare PySide6 window", bare)
    report("cold start: Justice Desk main window (demo database)", app, 1.5)
    print(f"{'ratio app / bare':<55} {app / bare:9.2f} x   target < 2.00 x  {'OK' if app / bare < 2 else 'MISSED'}")

    from PySide6.QtWidgets import QApplication

    from justice_desk.domain.dates import format_date
    from justice_desk.services import cases, people
    from justice_desk.storage.database import open_database
    from justice_desk.ui.models import Column
    from justice_desk.ui.pages.base import RegisterView

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(big_demo(args.cases))
    sample = people.list_people(db, limit=1, offset=people.list_people(db, limit=1).total // 2).rows[0].name
    surname = sample.split(" ")[-1]
    start_at = next((i for i, ch in enumerate(surname) if i > 0 and "\u0e01" <= ch <= "\u0e2e"), 0)
    term = surname[start_at : start_at + 4]

    def fetch(offset, limit, search, order, descending):  # noqa: ANN001
        return cases.list_cases(db, search=search or None, offset=offset, limit=limit, order=order or "number", descending=True if order is None else descending)

    columns = [
        Column("No.", lambda r: r.number, "number"),
        Column("Received", lambda r: format_date(r.received_on, "th", short=True), "received"),
        Column("Kind", lambda r: r.kind.label()),
        Column("Status", lambda r: r.status.label(), "status"),
        Column("Subject", lambda r: r.subject, "subject"),
        Column("Parties", lambda r: r.parties),
    ]
    paints, searches = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        view = RegisterView(columns, fetch)
        view.resize(1200, 700)
        view.grab()  # lays out and paints every visible row
        paints.append(time.perf_counter() - start)
        start = time.perf_counter()
        view.search.setText(term)
        view.apply_search_now()
        view.grab()
        searches.append(time.perf_counter() - start)
        found = view.model.total
        view.deleteLater()
        qapp.processEvents()
    report(f"case register: first paint ({args.cases:,} cases)", statistics.median(paints), 0.150)
    report(f"case register: Thai search {term!r} + repaint ({found:,} found)", statistics.median(searches), 0.100)
    db.dispose()


if __name__ == "__main__":
    main()
