"""``--province`` of ``justice-desk dashboard`` and ``justice-desk report``: one province of a
database that holds the centers of two (the whole country on one server;
tests/province_filter_checks.py builds it, the same checks run on PostgreSQL in
tests/postgres/test_dashboard_provinces_on_postgres.py). Through the real command: the figures
are the service's for that province, every format of the report is read back and compared with
them (tests/report_checks.py), and a province or a center the database does not hold exits 2
with one line saying which provinces there are."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import province_filter_checks as checks  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard  # noqa: E402
from justice_desk.storage.database import open_database  # noqa: E402

LAMPHUN, LAMPANG = checks.LAMPHUN.name, checks.LAMPANG.name


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return checks.build_file(tmp_path_factory.mktemp("national-cli"))


@pytest.fixture
def db(national: Path, tmp_path: Path) -> str:
    """A copy to change (a report notes itself in the audit trail)."""
    return str(checks.copy_file(national, tmp_path / "db"))


def _values(db: str, period: str, province: str, center: str | None = None) -> dict:
    opened = open_database(db)
    try:
        board = dashboard.dashboard(
            opened,
            parse_period(period),
            center_code=center,
            province_name=province,
            today=dt.date.today(),
        )
        return json.loads(json.dumps(dashboard.dashboard_json(board)))
    finally:
        opened.dispose()


def _one_line(r) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, lines
    return lines[0]


def test_dashboard_and_yearly_report_of_one_province(db, cli, tmp_path) -> None:
    checks.check_commands(db, cli, tmp_path)


def test_the_text_one_center_and_what_is_refused(db, cli) -> None:
    text = cli("dashboard", "--db", db, "--province", LAMPHUN, "--period", "2569-Q1")
    assert text.returncode == 0, text.stderr
    assert f"Province: {LAMPHUN}" in text.stdout
    assert "CJC-51-0002" in text.stdout and "CJC-52-" not in text.stdout
    # "จังหวัด" before the name is the same province; a center of it
    r = cli(
        "dashboard", "--db", db, "--province", f"จังหวัด{LAMPANG}", "--center", "CJC-52-0002",
        "--period", "2569-Q1", "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    one = json.loads(r.stdout)
    assert one == _values(db, "2569-Q1", LAMPANG, "CJC-52-0002")
    assert one["province"] == LAMPANG and [c["code"] for c in one["centers"]] == ["CJC-52-0002"]
    # a center of the other province
    line = _one_line(cli("dashboard", "--db", db, "--province", LAMPHUN, "--center", "CJC-52-0001"))
    assert "CJC-52-0001" in line and LAMPANG in line and LAMPHUN in line
    # in Thai, a province the database does not hold
    thai = cli("dashboard", "--db", db, "--province", "Phuket", env={"JUSTICE_DESK_LANG": "th"})
    line = _one_line(thai)
    assert line.startswith("justice-desk: ฐานข้อมูลนี้ไม่มีศูนย์ใดอยู่ในจังหวัด “Phuket”")
    assert f"{LAMPANG}, {LAMPHUN}" in line
    # the help names the option
    assert "--province" in cli("dashboard", "--help").stdout


def test_monthly_report_of_a_province_in_every_format(db, cli, tmp_path) -> None:
    values = _values(db, "2569-02", LAMPHUN)
    written = {}
    for ext in ("xlsx", "csv", "pdf"):
        out = tmp_path / f"lamphun.{ext}"
        r = cli(
            "report", "monthly", "--db", db, "--province", LAMPHUN, "--period", "2569-02",
            "-o", str(out),
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        written[ext] = out
    book = rc.read_xlsx(written["xlsx"])
    # only that province's two centers and their total, every figure as the dashboard's
    assert rc.check_tables(book, values) == {f.key for f in dashboard.FIGURES}
    assert [c["code"] for c in values["centers"]] == ["CJC-51-0001", "CJC-51-0002"]
    about = {row[0]: row[1] for row in book[0][2]}
    assert about["จังหวัด"] == LAMPHUN and about["จำนวนศูนย์"] == 2
    assert about["หน่วยงานผู้รายงาน"] == f"สำนักงานยุติธรรมจังหวัด{LAMPHUN}"
    assert rc.read_csv(written["csv"].read_bytes()) == book
    lines = rc.pdf_lines(written["pdf"].read_bytes(), tmp_path)
    assert rc.check_pdf(lines, book, values) > 0
    assert lines[:3] == [
        f"รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชนจังหวัด{LAMPHUN}",
        "ประจำเดือนกุมภาพันธ์ 2569",
        f"สำนักงานยุติธรรมจังหวัด{LAMPHUN}",
    ]
    assert f"1. ภาพรวมของจังหวัด{LAMPHUN}" in lines
    # refused: a province not held, a center of another province; nothing written
    bad = tmp_path / "bad.pdf"
    line = _one_line(
        cli(
            "report",
            "quarterly",
            "--db",
            db,
            "--province",
            "ภูเก็ต",
            "--period",
            "2569-Q1",
            "-o",
            str(bad),
        )  # fmt: skip
    )
    assert "ภูเก็ต" in line and f"{LAMPANG}, {LAMPHUN}" in line
    line = _one_line(
        cli(
            "report",
            "quarterly",
            "--db",
            db,
            "--province",
            LAMPANG,
            "--center",
            "CJC-51-0001",
            "--period",
            "2569-Q1",
            "-o",
            str(bad),
        )  # fmt: skip
    )
    assert "CJC-51-0001" in line and LAMPHUN in line
    assert not bad.exists()
