"""The province's report on PostgreSQL: the same three demo centers imported through their
bundles into an office on SQLite and into one on a real PostgreSQL server give the same report,
figure for figure, and each equals its own dashboard (tests/dashboard_world.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard, reports  # noqa: E402

pytestmark = pytest.mark.postgres

#: Columns that tell when a bundle arrived, which differ between two imports of the same files.
ARRIVAL = {"sync.last_bundle_at", "sync.quiet_days"}


@pytest.fixture(scope="module")
def sqlite_and_pg(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> tuple[w.ProvinceWorld, w.ProvinceWorld]:
    import uuid

    import psycopg

    lite = w.build(tmp_path_factory.mktemp("report-sqlite"), cases=50, meetings=4)
    name = "jd_report_" + uuid.uuid4().hex[:8]
    base = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    pg = w.build(
        tmp_path_factory.mktemp("report-pg"),
        cases=50,
        meetings=4,
        province_db=url,
        same_centers_as=lite,
    )
    return lite, pg


def _without_arrival(tables: list[rc.Table]) -> list[rc.Table]:
    keys = rc.header_keys()
    out = []
    for title, headers, rows in tables:
        keep = [i for i, h in enumerate(headers) if keys.get(h, ("", ""))[0] not in ARRIVAL]
        out.append((title, [headers[i] for i in keep], [[r[i] for i in keep] for r in rows]))
    return out


@pytest.mark.parametrize("period", ["FY2569", "2569-Q1", "2569-02"])
def test_sqlite_and_postgresql_give_the_same_report(
    period: str, sqlite_and_pg: tuple[w.ProvinceWorld, w.ProvinceWorld], tmp_path: Path
) -> None:
    chosen = parse_period(period)
    books = []
    for n, world in enumerate(sqlite_and_pg):
        db = world.open_province()
        try:
            values = dashboard.dashboard_json(dashboard.dashboard(db, chosen, today=w.TODAY))
            xlsx = tmp_path / f"{n}.xlsx"
            reports.write_report(db, chosen, xlsx, today=w.TODAY)
            pdf = tmp_path / f"{n}.pdf"
            reports.write_report(db, chosen, pdf, center_code="CJC-0002", today=w.TODAY)
            one = dashboard.dashboard_json(
                dashboard.dashboard(db, chosen, center_code="CJC-0002", today=w.TODAY)
            )
        finally:
            db.dispose()
        book = rc.read_xlsx(xlsx)
        assert rc.check_tables(book, values) == {f.key for f in dashboard.FIGURES}
        # the one center's PDF against its own workbook's figures
        one_book = rc.read_xlsx(_one_center_xlsx(world, chosen, tmp_path / f"{n}-one.xlsx"))
        rc.check_tables(one_book, one)
        assert rc.check_pdf(rc.pdf_lines(pdf.read_bytes(), tmp_path), one_book, one) > 0
        books.append(_without_arrival(book))
    lite, pg = books
    assert lite[0][2][0][1] and sum(len(rows) for _t, _h, rows in lite) > 30
    assert pg == lite


def _one_center_xlsx(world: w.ProvinceWorld, period, path: Path) -> Path:
    db = world.open_province()
    try:
        return reports.write_report(db, period, path, center_code="CJC-0002", today=w.TODAY).path
    finally:
        db.dispose()
