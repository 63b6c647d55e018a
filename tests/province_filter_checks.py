"""The dashboard's province filter (``dashboard(…, province_name=…)``), checked the same way on
SQLite (tests/services/test_dashboard_provinces.py) and on a real PostgreSQL server
(tests/postgres/test_dashboard_provinces_on_postgres.py): a database that holds the centers of
two provinces, made by the demo's direct path (``generate_province(provinces=…)``).
:func:`build_file` makes the same database as a SQLite file once per test module, for the
``--province`` command-line, report and Dashboard page tests, which copy it per test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from justice_desk.domain.periods import parse_period
from justice_desk.errors import NotFoundError, ValidationError
from justice_desk.services import dashboard, reports, sync
from justice_desk.services.demo import province
from justice_desk.services.demo.national import ProvinceShare
from justice_desk.storage import dashboard_queries as q
from justice_desk.storage.database import Database

TODAY = dt.date(2026, 3, 15)
LAMPHUN = ProvinceShare("ลำพูน", "51", 2)
LAMPANG = ProvinceShare("ลำปาง", "52", 3)
#: Both query paths: whole months from the summary tables, and a period that cuts months.
PERIODS = ("FY2569", "2568-11-10..2569-02-20")


def build(db: Database) -> None:
    """Two provinces' centers in ``db`` (an office's database): 2 of Lamphun, 3 of Lampang."""
    province.generate_province(
        db,
        centers=LAMPHUN.centers + LAMPANG.centers,
        years=2,
        today=TODAY,
        direct=True,
        templates=3,
        provinces=[LAMPHUN, LAMPANG],
    )


def build_file(root: Path) -> Path:
    """The two provinces' database as ``root / 'national.sqlite3'`` (the office's keys under
    ``root / 'home'``, outside any test's data folder: for a module's fixture)."""
    sys.path.insert(0, str(Path(__file__).parent / "sync"))
    import sync_helpers as h  # tests/sync is not a package

    path = root / "national.sqlite3"
    with h.data_home(root / "home"):
        db = province.open_or_create_province(path)
        try:
            build(db)
        finally:
            db.dispose()  # the last connection checkpoints the WAL into the file
    return path


def copy_file(path: Path, dest: Path) -> Path:
    """A copy of :func:`build_file`'s database in the folder ``dest``, to change."""
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(path, dest / path.name))


def check_commands(target: str, cli: Any, tmp_path: Path) -> None:
    """``justice-desk dashboard --province`` and ``report … --province`` on ``target`` (a file
    or a URL, built by :func:`build`): the JSON and the workbook hold that province's figures
    as the service counts them today; a province no center is in exits 2, naming those held."""
    import json

    import report_checks as rc

    from justice_desk.storage.database import open_database

    r = cli("dashboard", "--db", target, "--province", LAMPHUN.name, "--period", "FY2569", "--json")
    assert r.returncode == 0, r.stderr
    printed = json.loads(r.stdout)
    out = tmp_path / "lampang.xlsx"
    r = cli(
        "report", "year", "--db", target, "--province", LAMPANG.name, "--period", "2569",
        "-o", str(out),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    db = open_database(target)
    try:
        today = dt.date.today()
        period = parse_period("FY2569")
        expected = {
            share.name: json.loads(
                json.dumps(
                    dashboard.dashboard_json(
                        dashboard.dashboard(db, period, province_name=share.name, today=today)
                    )
                )
            )
            for share in (LAMPHUN, LAMPANG)
        }
    finally:
        db.dispose()
    assert printed == expected[LAMPHUN.name] and printed["province"] == LAMPHUN.name
    assert [c["code"] for c in printed["centers"]] == ["CJC-51-0001", "CJC-51-0002"]
    book = rc.read_xlsx(out)
    values = expected[LAMPANG.name]
    assert rc.check_tables(book, values) == {f.key for f in dashboard.FIGURES}
    assert (
        book[0][0]
        == f"รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชนจังหวัด{LAMPANG.name} ประจำปีงบประมาณ พ.ศ. 2569"
    )
    r = cli("dashboard", "--db", target, "--province", "ภูเก็ต")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert "ภูเก็ต" in line and f"{LAMPANG.name}, {LAMPHUN.name}" in line


def _counts(values: dict[str, Any]) -> dict[str, int]:
    """The additive figures of a dashboard's total: counts over the period and as things
    stand (the sync figures, rates, days and dates are not sums)."""
    kept = {f.key for f in dashboard.FIGURES if f.form == "count" and f.value is not None}
    return {k: v for k, v in values["total"].items() if k in kept}


def sorted_ids(board: dashboard.Dashboard, ids: frozenset[Any]) -> list[Any]:
    """``ids`` in the order of the centers' codes (the overview's order)."""
    return [c.center_id for c in board.centers if c.center_id in ids]


def check(db: Database) -> dict[str, Any]:
    """Every check of the province filter on ``db`` (built by :func:`build`); returns the
    filtered dashboards' JSON, to compare two databases."""
    out: dict[str, Any] = {}
    for code in PERIODS:
        period = parse_period(code)
        everyone = dashboard.dashboard(db, period, today=TODAY)
        lines = {c.code: c for c in everyone.centers}
        assert sorted(lines) == [
            "CJC-51-0001",
            "CJC-51-0002",
            "CJC-52-0001",
            "CJC-52-0002",
            "CJC-52-0003",
        ]
        parts = {}
        for share in (LAMPHUN, LAMPANG):
            board = dashboard.dashboard(db, period, province_name=share.name, today=TODAY)
            # only that province's centers, with the very figures they have unfiltered
            assert [c.code for c in board.centers] == [
                f"CJC-{share.code}-{n:04d}" for n in range(1, share.centers + 1)
            ]
            for line in board.centers:
                assert line == lines[line.code]
            values = dashboard.dashboard_json(board)
            # the totals are this province's, counted in SQL limited to its centers: the same
            # from the records alone (no summary tables) ...
            recount = dashboard.dashboard(
                db, period, province_name=share.name, today=TODAY, summaries=False
            )
            assert dashboard.dashboard_json(recount)["total"] == values["total"]
            # ... and equal to a plain count of its cases received
            with db.connect_read() as conn:
                received = conn.execute(
                    text(
                        "SELECT count(*) FROM cases JOIN sites ON sites.id = cases.owner_id "
                        "WHERE sites.province = :p AND cases.deleted_at IS NULL "
                        "AND cases.received_on BETWEEN :a AND :b"
                    ),
                    {"p": share.name, "a": period.start, "b": period.end},
                ).scalar_one()
            assert values["total"]["received"] == received > 0
            # the records behind a figure are that province's only, as many as the figure
            listed = dashboard.records(
                db, "received", period, province_name=share.name, today=TODAY
            )
            assert listed.total == received
            assert {r.center_code[:6] for r in listed.rows} == {f"CJC-{share.code}"}
            # the queries themselves are limited to its centers (not counted for the whole
            # country and then left out), from the summary tables and from the records
            ids = frozenset(c.center_id for c in board.centers)
            with db.read() as session:
                for summaries in (True, False):
                    rows = q.received_counts(
                        session, period.start, period.end, ids, summaries=summaries
                    )
                    assert rows and {row[0] for row in rows} <= ids
                assert (
                    set(q.count_of(session, q.meeting_selection(period.start, period.end, ids)))
                    <= ids
                )
            # the sync overview read for that province only is the whole one's lines for it
            every = {c.center_id: c for c in sync.centers_overview(db)}
            assert sync.centers_overview(db, ids) == [every[i] for i in sorted_ids(board, ids)]
            # the report of that province holds the very same figures, under its name
            assert values["province"] == share.name
            report = reports.build_report(db, period, province_name=share.name, today=TODAY)
            assert report.values == values and report.province_name == share.name
            assert report.title == f"รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชนจังหวัด{share.name}"
            assert report.office_name == f"สำนักงานยุติธรรมจังหวัด{share.name}"
            assert report.summary.title == f"1. ภาพรวมของจังหวัด{share.name}"
            parts[share.name] = _counts(values)
            out[f"{code} {share.name}"] = values
        # the two provinces add up to the whole database
        whole = _counts(dashboard.dashboard_json(everyone))
        assert {k: parts[LAMPHUN.name][k] + parts[LAMPANG.name][k] for k in whole} == whole
    # a province with no centers here: nothing, not everything
    empty = dashboard.dashboard(db, parse_period("FY2569"), province_name="ภูเก็ต", today=TODAY)
    assert empty.centers == () and empty.total.received == 0
    check_refusals(db)
    return out


def check_refusals(db: Database) -> None:
    """The provinces the database holds, and what ``--province`` refuses (and accepts)."""
    assert dashboard.provinces(db) == (LAMPANG.name, LAMPHUN.name)
    assert dashboard.check_province(db, f" จังหวัด{LAMPHUN.name} ") == LAMPHUN.name
    assert dashboard.check_province(db, LAMPANG.name, "CJC-52-0003") == LAMPANG.name
    with pytest.raises(ValidationError) as refused:
        dashboard.check_province(db, "ภูเก็ต")
    assert "ภูเก็ต" in str(refused.value) and f"{LAMPANG.name}, {LAMPHUN.name}" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        dashboard.check_province(db, LAMPHUN.name, "CJC-52-0001")
    assert "CJC-52-0001" in str(refused.value) and LAMPANG.name in str(refused.value)
    with pytest.raises(NotFoundError):
        dashboard.check_province(db, LAMPHUN.name, "CJC-99-0001")
    period = parse_period("2569-01")
    with pytest.raises(ValidationError):
        reports.build_report(db, period, province_name="ภูเก็ต", today=TODAY)
    with pytest.raises(ValidationError):
        reports.build_report(
            db, period, center_code="CJC-51-0001", province_name=LAMPANG.name, today=TODAY
        )
    # one center of the province: its own line, the report's title still naming the province
    one = reports.build_report(
        db, period, center_code="CJC-51-0002", province_name=LAMPHUN.name, today=TODAY
    )
    assert [c["code"] for c in one.values["centers"]] == ["CJC-51-0002"]
    assert one.values["province"] == LAMPHUN.name
