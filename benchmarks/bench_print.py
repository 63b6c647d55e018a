"""Printing: what the print preview costs at start-up, on the first and later previews, per page
drawn and per document printed, and what its renderer adds to the installation.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_print.py [--runs N]

The document is the real minutes PDF of a demo center's first meeting (services.printing), the
printer a QPrinter writing a PDF (offscreen there is no other). Checked here: the window and the
Cases and Meetings pages load nothing of printing (the preview, pypdfium2, QtPrintSupport,
ReportLab); the preview module imports in < 100 ms at the first print; the first preview of a
session is shown < 500 ms after its PDF is ready (pypdfium2 imported then), a later one
< 150 ms; a page drawn at the screen's size < 60 ms; the document sent to a 600-dpi printer
< 3 s. architecture.md §16 quotes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report  # noqa: E402

# What start-up pays for printing: the Cases and Meetings pages are imported (as the window does
# when it shows them) and must have loaded none of it; then what the first print button pays to
# import the preview module (the renderer is loaded later, when a document is shown).
IMPORT = """
import json, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import justice_desk.ui.main_window, justice_desk.ui.pages.cases, justice_desk.ui.pages.meetings
def printing():
    return sorted(m for m in sys.modules
                  if m.split('.')[0] in ('pypdfium2', 'pypdfium2_raw', 'reportlab')
                  or m in ('PySide6.QtPrintSupport', 'justice_desk.ui.print_preview'))
at_start = printing()
start = time.perf_counter()
import justice_desk.ui.print_preview
took = time.perf_counter() - start
print(json.dumps({"import": took, "at_start": at_start, "after": printing()}))
"""

# The first preview of a session (pypdfium2 and PDFium loaded then), and a second one.
PREVIEW = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from justice_desk.ui.context import AppContext
from justice_desk.ui.jobs import JobRunner
from justice_desk.ui.print_preview import PrintPreviewDialog, PrintRequest
pdf = Path(sys.argv[1]).read_bytes()
ctx = AppContext(db=None, runner=JobRunner(), site=None,
                 settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
request = PrintRequest("minutes", "minutes", "minutes.pdf", "", lambda: pdf)
marks = {}
for name in ("first", "second"):
    start = time.perf_counter()
    dialog = PrintPreviewDialog(ctx, request, pdf)
    dialog.show()
    app.processEvents()
    marks[name] = time.perf_counter() - start
    dialog.reject()
    app.processEvents()
print(json.dumps(marks))
"""


def fresh(code: str, *args: str, runs: int) -> dict[str, list[float]]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["JUSTICE_DESK_HOME"] = tempfile.mkdtemp(prefix="jd-bench-")
    marks: dict[str, list] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True
        )
        for key, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
            marks.setdefault(key, []).append(value)
    return marks


def installed_size(*packages: str) -> tuple[int, int]:
    """Bytes on disk of the installed packages' folders, and of their largest file."""
    import importlib.util

    total = largest = 0
    for name in packages:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        for path in Path(spec.origin).parent.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                size = path.stat().st_size
                total += size
                largest = max(largest, size)
    return total, largest


def minutes_pdf(folder: Path) -> bytes:
    env = dict(os.environ, JUSTICE_DESK_HOME=str(folder))
    db = folder / "demo.sqlite3"
    run = [sys.executable, "-m", "justice_desk"]
    subprocess.run(
        [*run, "demo", "--db", str(db), "--people", "40", "--cases", "20", "--meetings", "4"],
        check=True,
        capture_output=True,
        env=env,
    )
    listed = subprocess.run(
        [*run, "list", "meetings", "--db", str(db), "--json"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    number = min(json.loads(listed.stdout), key=lambda row: row["held_on"])["number"]
    out = folder / "minutes.pdf"
    subprocess.run(
        [*run, "print", "minutes", "--db", str(db), "--meeting", number, "-o", str(out)],
        check=True,
        capture_output=True,
        env=env,
    )
    return out.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="jd-bench-print-"))
    pdf = minutes_pdf(folder)
    (folder / "minutes.pdf").write_bytes(pdf)

    imported = fresh(IMPORT, runs=args.runs)
    at_start = sorted({name for names in imported["at_start"] for name in names})
    print(f"{'loaded for printing by the window and its pages':<55} {at_start or 'nothing'}")
    report(
        "import of ui.print_preview at the first print", statistics.median(imported["import"]), 0.1
    )
    after = sorted({name for names in imported["after"] for name in names})
    print(f"{'  loaded by that import':<55} {after}")
    previews = fresh(PREVIEW, str(folder / "minutes.pdf"), str(folder / "s.ini"), runs=args.runs)
    report("first preview shown (pypdfium2 loaded then)", statistics.median(previews["first"]), 0.5)
    report("a later preview shown", statistics.median(previews["second"]), 0.15)

    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from justice_desk.ui.print_preview import MAX_PRINT_DPI, PdfPages, make_printer, print_pages

    app = QApplication.instance() or QApplication(sys.argv[:1])
    pages = PdfPages(pdf)
    for label, dpi, target in (
        ("a page drawn at the screen's size (96 dpi)", 96, 0.06),
        ("a page drawn for a 300-dpi printer", 300, None),
        (f"a page drawn for a {MAX_PRINT_DPI}-dpi printer", MAX_PRINT_DPI, None),
    ):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            pages.render(0, dpi)
            times.append(time.perf_counter() - start)
        report(label, statistics.median(times), target)
    times = []
    for run in range(args.runs):
        printer = make_printer(pages, "minutes")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / f"printed-{run}.pdf"))
        start = time.perf_counter()
        print_pages(pages, printer, range(len(pages)))
        times.append(time.perf_counter() - start)
    report(
        f"{len(pages)} pages sent to a {min(printer.resolution(), MAX_PRINT_DPI)}-dpi printer",
        statistics.median(times),
        3.0,
    )
    pages.close()
    del app

    total, largest = installed_size("pypdfium2", "pypdfium2_raw")
    print(f"{'installed: pypdfium2 + pypdfium2_raw':<55} {total / 1e6:9.1f} MB")
    print(f"{'  of which the PDFium library':<55} {largest / 1e6:9.1f} MB")


if __name__ == "__main__":
    main()
