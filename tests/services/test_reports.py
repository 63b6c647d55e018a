"""The province's report (services/reports.py) on a real province of three demo centers
imported through their bundles (tests/dashboard_world.py): every figure of the workbook, of the
CSV and of the PDF read back equals the dashboard's JSON for the same period; the layout a
Ministry reader gets (Thai headings, real dates beside BE dates, frozen headers, fitted
columns, landscape center tables, page numbers, the office as issuer); refusals; atomic
writes; the center's own monthly report at a center database."""

from __future__ import annotations

import copy
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.errors import NotFoundError, UserError, ValidationError  # noqa: E402
from justice_desk.services import dashboard, reports  # noqa: E402
from justice_desk.services.exports import display_width  # noqa: E402
from justice_desk.storage.database import Database  # noqa: E402

TODAY = w.TODAY
ReportKind, ReportFormat = reports.ReportKind, reports.ReportFormat


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("report-world"))


@pytest.fixture
def province(world: w.ProvinceWorld, tmp_path: Path, isolated_home: Path) -> Iterator[Database]:
    copy = w.copy_world(world, tmp_path / "w", isolated_home)
    db = copy.open_province()
    yield db
    db.dispose()


def _values(db: Database, period: str, center: str | None = None) -> dict:
    board = dashboard.dashboard(db, parse_period(period), center_code=center, today=TODAY)
    return dashboard.dashboard_json(board)


def _write(db: Database, period: str, path: Path, center: str | None = None) -> Path:
    result = reports.write_report(db, parse_period(period), path, center_code=center, today=TODAY)
    assert result.path == path and path.is_file()
    return path


@pytest.mark.parametrize("period", ["2569-01", "2569-Q1", "FY2569"])
def test_every_figure_in_the_workbook_the_csv_and_the_pdf_is_the_dashboards(
    province: Database, tmp_path: Path, period: str
) -> None:
    values = _values(province, period)
    assert values["total"]["received"] > 0
    book = rc.read_xlsx(_write(province, period, tmp_path / "r.xlsx"))
    covered = rc.check_tables(book, values)
    # every figure of the dashboard is in a center table
    assert covered == {f.key for f in dashboard.FIGURES}
    sheet_of = {title: rows for title, _h, rows in book}
    assert any(title.startswith("1.") for title in sheet_of)
    # the CSV holds the same tables, in the same order, with the same typed cells
    flat = rc.read_csv(_write(province, period, tmp_path / "r.csv").read_bytes())
    assert flat == book
    rc.check_tables(flat, values)
    # the PDF prints them all
    pdf = _write(province, period, tmp_path / "r.pdf").read_bytes()
    lines = rc.pdf_lines(pdf, tmp_path)
    found = rc.check_pdf(lines, book, values)
    assert found >= len(dashboard.FIGURES) * len(values["centers"])
    # and the checks notice one figure off by one
    wrong = copy.deepcopy(values)
    wrong["centers"][1]["outcome.settled"] += 1
    with pytest.raises(AssertionError):
        rc.check_tables(book, wrong)
    title, headers, rows = book[2]
    off = [rows[0][:2] + [rows[0][2] + 1] + rows[0][3:], *rows[1:]]
    with pytest.raises(AssertionError):
        rc.check_pdf(lines, [*book[:2], (title, headers, off), *book[3:]], values)


def test_what_the_report_is_real_dates_beside_be_dates(province: Database, tmp_path: Path):
    book = rc.read_xlsx(_write(province, "2569-Q1", tmp_path / "q.xlsx"))
    title, headers, rows = book[0]
    assert title == "รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชน ประจำไตรมาสที่ 1 ปี 2569 (มกราคม – มีนาคม)"
    assert headers == ["รายการ", "ข้อความ (วันที่เป็นพุทธศักราช)", "วันที่ (ค.ศ.)"]
    about = {r[0]: r[1:] for r in rows}
    # the office was set up with English messages: its name is printed in Thai
    assert about["หน่วยงานผู้รายงาน"][0] == "สำนักงานยุติธรรมจังหวัดเชียงใหม่"
    assert about["วันเริ่มต้น"] == ["1 ม.ค. 2569", dt.date(2026, 1, 1)]
    assert about["วันสิ้นสุด"] == ["31 มี.ค. 2569", dt.date(2026, 3, 31)]
    assert about["สถานะ ณ วันที่"] == ["15 มี.ค. 2569", TODAY]
    assert about["จำนวนศูนย์"] == [3, None]
    assert about["รหัสช่วงเวลา"] == ["2569-Q1", None]
    # the months of the quarter, per center, add up to the cases received
    (month_table,) = [t for t in book if t[0].endswith("เรื่องที่รับรายเดือน")]
    assert month_table[1][2:] == ["ม.ค. 69", "ก.พ. 69", "มี.ค. 69", "รวม"]
    # the sync table has the day of the last bundle as BE text and as a real date, side by side
    (sync_table,) = [t for t in book if t[0].endswith("สถานะการรับส่งข้อมูล")]
    be = sync_table[1].index("ได้รับชุดข้อมูลล่าสุดเมื่อ (พ.ศ.)")
    assert sync_table[1][be + 1] == "ได้รับชุดข้อมูลล่าสุดเมื่อ (วันที่ ค.ศ.)"
    for row in sync_table[2]:
        assert isinstance(row[be + 1], dt.date) and row[be] == rc.format_date(
            row[be + 1], "th", short=True
        )
    # a month is one month: no table of months
    month = rc.read_xlsx(_write(province, "2569-01", tmp_path / "m.xlsx"))
    assert not [t for t in month if t[0].endswith("เรื่องที่รับรายเดือน")]


def test_sheets_have_frozen_headers_and_columns_that_fit(province: Database, tmp_path: Path):
    import openpyxl

    path = _write(province, "FY2569", tmp_path / "y.xlsx")
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    assert names[:3] == ["รายงาน", "1 ภาพรวม", "2.1 รับเรื่องตามประเภท"]
    assert len(names) == len(set(names)) == 12 and all(len(n) <= 31 for n in names)
    for ws in book.worksheets:
        centers = ws["A2"].value == "รหัสศูนย์"
        # the title and the header row stay on screen, and the center's code and name
        assert ws.freeze_panes == ("C3" if centers else "A3"), ws.title
        assert ws["A2"].font.b and ws["A1"].font.b
        for column in ws.iter_cols(min_row=3):
            letter = column[0].column_letter
            width = ws.column_dimensions[letter].width
            longest = max(
                (
                    display_width(f"{c.value:,}" if isinstance(c.value, int) else str(c.value))
                    for c in column
                    if c.value is not None and not isinstance(c.value, dt.datetime)
                ),
                default=0,
            )
            assert longest <= width <= 82, (ws.title, letter)
        if centers:
            # a long Thai header wraps in a taller row instead of widening a column of numbers
            assert ws["C2"].alignment.wrap_text
            longest_header = max(display_width(c.value) for c in ws[2])
            if longest_header > 20:  # e.g. the deadlines: two lines or more
                assert ws.row_dimensions[2].height >= 30, ws.title
            total = ws.cell(ws.max_row, 2)
            assert total.value == rc.TOTAL and total.font.b
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2")


def test_the_pdf_is_an_official_report_of_the_office(province: Database, tmp_path: Path):
    from pypdf import PdfReader

    pdf = _write(province, "FY2569", tmp_path / "y.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    portrait = [s for s in sizes if s[0] < s[1]]
    landscape = [s for s in sizes if s[0] > s[1]]
    # A4: the province's figures portrait, the center tables landscape after them
    assert portrait and landscape and sizes == portrait + landscape
    assert {round(min(s)) for s in sizes} == {595} and {round(max(s)) for s in sizes} == {842}
    info = reader.metadata
    assert info.author == "สำนักงานยุติธรรมจังหวัดเชียงใหม่"
    assert "ประจำปีงบประมาณ พ.ศ. 2569" in info.title
    lines = rc.pdf_lines(pdf, tmp_path)
    assert lines[0] == "รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชน"
    assert "ประจำปีงบประมาณ พ.ศ. 2569" in lines
    assert "สำนักงานยุติธรรมจังหวัดเชียงใหม่" in lines
    assert "ข้อมูลตั้งแต่วันที่ 1 ตุลาคม 2568 ถึงวันที่ 30 กันยายน 2569" in lines
    assert "ศูนย์ยุติธรรมชุมชนที่ลงทะเบียนกับสำนักงาน 3 ศูนย์" in lines
    assert any(line.startswith("(ลงชื่อ)") and line.endswith("ผู้รายงาน") for line in lines)
    assert "วันที่ 15 มีนาคม 2569" in lines
    # page numbers from page 2, in Arabic digits as the statistical report prints them
    for n in range(2, len(sizes) + 1):
        assert f"- {n} -" in lines
    assert "- 1 -" not in lines
    # every font is embedded (Thai copies out of the PDF)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else None
            )
            fonts.add(str(font["/BaseFont"]))
            assert descriptor is not None, font["/BaseFont"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert not [f for f in fonts if "Helvetica" in f]


def test_one_center(province: Database, tmp_path: Path) -> None:
    values = _values(province, "2569-Q1", "CJC-0002")
    path = _write(province, "2569-Q1", tmp_path / "one.xlsx", center="CJC-0002")
    book = rc.read_xlsx(path)
    rc.check_tables(book, values)
    for _title, headers, rows in book:
        if headers[0] == "รหัสศูนย์":
            assert [r[0] for r in rows] == ["CJC-0002"]  # no total for one center
    about = {r[0]: r[1] for r in book[0][2]}
    assert about["ศูนย์"] == "CJC-0002 ศูนย์ยุติธรรมชุมชนตำบลสุเทพ" and about["จำนวนศูนย์"] == 1
    pdf = _write(province, "2569-Q1", tmp_path / "one.pdf", center="CJC-0002").read_bytes()
    lines = rc.pdf_lines(pdf, tmp_path)
    assert "ศูนย์ยุติธรรมชุมชนตำบลสุเทพ (รหัส CJC-0002)" in lines
    assert rc.TOTAL not in " ".join(lines)
    rc.check_pdf(lines, book, values)


def test_periods_fit_the_kind_of_report() -> None:
    assert reports.report_period(ReportKind.MONTHLY, "2569-01") == parse_period("2569-01")
    assert reports.report_period(ReportKind.QUARTERLY, "2569-Q2").end == dt.date(2026, 6, 30)
    # "year" is the fiscal year: October to September, named by the BE year it ends in
    year = reports.report_period(ReportKind.YEAR, "2569")
    assert (year.start, year.end) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert reports.report_period(ReportKind.YEAR, "FY2569") == year
    assert reports.report_period(ReportKind.YEAR, "๒๕๖๙") == year
    for kind, wrong, hint in [
        (ReportKind.MONTHLY, "2569", "2569-01"),
        (ReportKind.MONTHLY, "2569-Q1", "2569-01"),
        (ReportKind.QUARTERLY, "2569-01", "2569-Q1"),
        (ReportKind.YEAR, "2569-02", "FY2569"),
        (ReportKind.YEAR, "", "FY2569"),
    ]:
        with pytest.raises(ValidationError) as err:
            reports.report_period(kind, wrong)
        assert hint in str(err.value) and err.value.field == "period"
    with pytest.raises(ValidationError, match="quarters 1 to 4"):
        reports.report_period(ReportKind.QUARTERLY, "2569-Q5")
    with pytest.raises(ValidationError) as err:
        reports.ReportFormat.for_path(Path("report.docx"))
    assert ".pdf" in str(err.value) and ".xlsx" in str(err.value) and "report.pdf" in str(err)
    assert reports.ReportFormat.for_path(Path("R.XLSX")) is ReportFormat.XLSX


def test_refusals_say_what_to_do(province: Database, tmp_path: Path) -> None:
    period = parse_period("2569-01")
    with pytest.raises(NotFoundError) as err:
        reports.write_report(province, period, tmp_path / "x.pdf", center_code="NOPE-1")
    assert "NOPE-1" in str(err.value) and "CJC-0001, CJC-0002, CJC-0003" in str(err.value)
    # the office's own code is not a center
    with pytest.raises(NotFoundError):
        reports.write_report(province, period, tmp_path / "x.pdf", center_code="PJO-50")
    with pytest.raises(ValidationError, match="folder"):
        reports.write_report(province, period, tmp_path)
    with pytest.raises(ValidationError, match=r"\.xlsx"):
        reports.write_report(province, period, tmp_path / "x.txt")
    assert not list(tmp_path.glob("x.*"))


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(
    province: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the report sent last month")

    def full_disk(report: object, partial: Path) -> None:
        partial.write_bytes(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reports, "_write_xlsx", full_disk)
    with pytest.raises(UserError, match="No space left"):
        reports.write_report(province, parse_period("2569-01"), target, today=TODAY)
    assert target.read_bytes() == b"the report sent last month"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx", "w"]


def test_a_report_is_noted_in_the_audit_trail(province: Database, tmp_path: Path) -> None:
    from sqlalchemy import select

    from justice_desk.storage.models import AuditEvent

    _write(province, "2569-01", tmp_path / "jan.csv", center="CJC-0001")
    with province.read() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.table_name == "report")
        ).all()
    assert [tuple(e) for e in events] == [("export", "2569-01 CJC-0001, csv, jan.csv")]


def test_at_a_center_the_monthly_report_is_the_centers_own(
    world: w.ProvinceWorld, tmp_path: Path, isolated_home: Path
) -> None:
    copy = w.copy_world(world, tmp_path / "w", isolated_home)
    center = copy.open_center("CJC-0001")
    try:
        result = reports.write_report(center, parse_period("2569-01"), tmp_path / "c.pdf")
        assert result.center_monthly
        lines = rc.pdf_lines(result.path.read_bytes(), tmp_path)
        # the center's own report is one of its official documents: Thai digits by default
        assert "รายงานผลการดำเนินงานประจำเดือนมกราคม ๒๕๖๙" in lines
        assert "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ" in lines
        for period, name in [("FY2569", "c.pdf"), ("2569-01", "c.xlsx")]:
            with pytest.raises(ValidationError, match="Provincial Justice Office"):
                reports.write_report(center, parse_period(period), tmp_path / name)
        with pytest.raises(ValidationError, match="CJC-0001"):
            reports.write_report(
                center, parse_period("2569-01"), tmp_path / "d.pdf", center_code="CJC-0002"
            )
    finally:
        center.dispose()
