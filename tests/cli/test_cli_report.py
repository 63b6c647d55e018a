"""``justice-desk report monthly|quarterly|year``: the province's report on the command line,
on a real province of three demo centers (tests/dashboard_world.py). Each format is read back
and compared with the dashboard's JSON; bad input exits 2 with one line saying what to do; the
center's monthly report keeps working."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard  # noqa: E402


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("report-cli"), cases=40, meetings=4)


def _values(world: w.ProvinceWorld, period: str, center: str | None = None) -> dict:
    db = world.open_province()
    try:
        board = dashboard.dashboard(
            db, parse_period(period), center_code=center, today=dt.date.today()
        )
        return dashboard.dashboard_json(board)
    finally:
        db.dispose()


def _one_line(r) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr and "unexpected" not in r.stderr, lines
    return lines[0]


@pytest.mark.parametrize(
    ("kind", "period"), [("monthly", "2569-02"), ("quarterly", "2569-Q1"), ("year", "2569")]
)
def test_each_format_holds_the_dashboards_figures(world, cli, tmp_path, kind, period) -> None:
    db = str(world.province_path)
    values = _values(world, period)
    written = {}
    for ext in ("xlsx", "csv", "pdf"):
        out = tmp_path / f"{kind}.{ext}"
        r = cli("report", kind, "--db", db, "--period", period, "-o", str(out))
        assert r.returncode == 0, r.stderr
        assert str(out) in r.stdout and out.is_file()
        written[ext] = out
    book = rc.read_xlsx(written["xlsx"])
    assert rc.check_tables(book, values) == {f.key for f in dashboard.FIGURES}
    assert rc.read_csv(written["csv"].read_bytes()) == book
    lines = rc.pdf_lines(written["pdf"].read_bytes(), tmp_path)
    assert rc.check_pdf(lines, book, values) > 0
    assert lines[0] == "รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชน"


def test_one_center_and_the_fiscal_year_written_fy(world, cli, tmp_path) -> None:
    db = str(world.province_path)
    out = tmp_path / "one.xlsx"
    r = cli(
        "report", "year", "--db", db, "--center", "CJC-0003", "--period", "FY2569", "-o", str(out)
    )
    assert r.returncode == 0, r.stderr
    book = rc.read_xlsx(out)
    rc.check_tables(book, _values(world, "FY2569", "CJC-0003"))
    about = {row[0]: row[1:] for row in book[0][2]}
    # the fiscal year: 1 October 2568 to 30 September 2569
    assert about["วันเริ่มต้น"] == ["1 ต.ค. 2568", dt.date(2025, 10, 1)]
    assert about["วันสิ้นสุด"] == ["30 ก.ย. 2569", dt.date(2026, 9, 30)]


def test_help_says_year_is_the_fiscal_year(cli) -> None:
    r = cli("report", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    assert "FISCAL year, October to September" in text
    assert ".pdf" in text and ".xlsx" in text and ".csv" in text


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in (for root, whom modes do not stop: /sys)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")
def test_bad_input_exits_2_with_one_line_saying_what_to_do(world, cli, tmp_path) -> None:
    db = str(world.province_path)

    def report(*args: str, out: Path | None = None):
        target = out or tmp_path / "r.pdf"
        return cli("report", *args, "--db", db, "-o", str(target))

    line = _one_line(report("monthly", "--period", "2569"))
    assert "2569-01" in line
    line = _one_line(report("quarterly", "--period", "2569-02"))
    assert "2569-Q1" in line
    line = _one_line(report("year", "--period", "2569-Q1"))
    assert "FY2569" in line and "October" in line
    line = _one_line(report("monthly", "--period", "last month"))
    assert "2569-01" in line
    line = _one_line(report("monthly", "--period", "2569-13"))
    assert "1 to 12" in line
    line = _one_line(report("monthly", "--period", "2569-01", "--center", "NOPE-1"))
    assert "NOPE-1" in line and "CJC-0001" in line
    line = _one_line(report("monthly", "--period", "2569-01", out=tmp_path / "r.docx"))
    assert ".pdf" in line and ".xlsx" in line and ".csv" in line
    line = _one_line(report("monthly", "--period", "2569-01", out=tmp_path))
    assert "folder" in line
    locked = _unwritable_folder(tmp_path) / "r.pdf"
    line = _one_line(report("monthly", "--period", "2569-01", out=locked))
    assert str(locked.parent) in line and "Choose another folder" in line
    # a kind that is not a report: argparse's one line
    r = cli("report", "weekly", "--db", db, "--period", "2569-01", "-o", str(tmp_path / "w.pdf"))
    assert r.returncode == 2 and "monthly" in r.stderr
    # the messages are Thai by default
    thai = cli(
        "report",
        "monthly",
        "--db",
        db,
        "--period",
        "2569",
        "-o",
        str(tmp_path / "r.pdf"),
        env={"JUSTICE_DESK_LANG": "th"},
    )
    assert "รายงานประจำเดือน" in _one_line(thai)
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".docx", ".part")]


def test_the_centers_monthly_report_keeps_working(world, cli, tmp_path) -> None:
    center = str(world.center_paths["CJC-0001"])
    printed = tmp_path / "print.pdf"
    r = cli("print", "monthly", "--db", center, "--month", "2569-01", "-o", str(printed))
    assert r.returncode == 0, r.stderr
    reported = tmp_path / "report.pdf"
    r = cli("report", "monthly", "--db", center, "--period", "2569-01", "-o", str(reported))
    assert r.returncode == 0, r.stderr
    # the same document, whichever command made it (an official one: Thai digits by default)
    first = rc.pdf_lines(printed.read_bytes(), tmp_path)
    second = rc.pdf_lines(reported.read_bytes(), tmp_path)
    assert first == second and "รายงานผลการดำเนินงานประจำเดือนมกราคม ๒๕๖๙" in first
    # the province's reports are made at the province
    line = _one_line(
        cli(
            "report",
            "year",
            "--db",
            center,
            "--period",
            "2569",
            "-o",
            str(tmp_path / "y.xlsx"),
        )
    )
    assert "Provincial Justice Office" in line
