"""The province report's center tables give each cell only the names it holds
(``province_report._Cells``): the PDF is byte for byte the one every cell given every name
makes, in Arabic and Thai digits, and a name is still never cut in a narrow column. Figures and
codes are plain strings (``thai_text.PlainCell``): the same text at the same places as the Thai
paragraphs that printed them before (``Story.table`` of strings), and only where HarfBuzz
places the glyphs as a plain string does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from reportlab import rl_config

from justice_desk.documents import province_report as pr
from justice_desk.documents.data import Issuer, Signatory
from justice_desk.documents.layout import Story

NAMES = [f"ศูนย์ยุติธรรมชุมชนตำบลบ้านปั้นทองคำ แห่งที่ {n}" for n in range(1, 9)] + [
    "ศูนย์ยุติธรรมชุมชนเทศบาลตำบลสันผักหวาน 10",
]


@pytest.fixture
def invariant() -> Iterator[None]:
    old = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = old


def _doc(thai_digits: bool) -> pr.ProvinceReportDoc:
    rows = tuple(
        (f"CJC-50-{i:04d}", name, f"{i * 7:,}", "–", f"{i % 3}", "12.5 %", "10")
        for i, name in enumerate(NAMES, start=1)
    )
    table = pr.ReportTable(
        "2.1 เรื่องที่รับตามประเภท",
        ("รหัสศูนย์", "ชื่อศูนย์", "รวม", "ข้อพิพาททางแพ่ง", "ข้อพิพาททางอาญา", "อัตรา", "10"),
        rows,
        ("", "รวมทั้งจังหวัด", "1,234", "–", "9", "50.0 %", "10"),
    )
    keep = ["สำนักงานยุติธรรมจังหวัดเชียงใหม่", *NAMES]
    keep += [n.removeprefix(pr.CENTER_PREFIX) for n in NAMES] + ["เชียงใหม่"]
    return pr.ProvinceReportDoc(
        issuer=Issuer("สำนักงานยุติธรรมจังหวัดเชียงใหม่", province="เชียงใหม่"),
        title="รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชน",
        period_title="ประจำเดือนกุมภาพันธ์ 2569",
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        as_of=dt.date(2026, 2, 28),
        coverage="ศูนย์ยุติธรรมชุมชนที่ลงทะเบียนกับสำนักงาน 9 ศูนย์",
        summary_title="1. ภาพรวมของจังหวัด",
        summary_headers=("รายการ", "จำนวน"),
        summary=(pr.SummaryGroup("1.1 เรื่องที่รับ", (("เรื่องที่รับ", "1,234"),)),),
        notes=("หมายเหตุทดสอบ",),
        tables_title="2. ผลการดำเนินงานรายศูนย์",
        tables=(table, table),
        reported_on=dt.date(2026, 3, 2),
        reporter=Signatory(None, "ตำแหน่ง"),
        keep_whole=tuple(keep),
        thai_digits=thai_digits,
    )


def _every_name_to_every_cell(doc: pr.ProvinceReportDoc) -> list:
    """The center tables as they were made before: ``Story.table`` of strings."""
    story = Story(thai_digits=doc.thai_digits, keep_whole=doc.keep_whole)
    out = [pr._heading(story, doc.tables_title, first=True)]
    for table in doc.tables:
        headers = list(table.headers)
        rows = [list(r) for r in table.rows]
        if pr._shared_prefix([r[1] for r in rows]):
            headers[1] = pr.CENTER_PREFIX
            for r in rows:
                r[1] = r[1].removeprefix(pr.CENTER_PREFIX)
        data = [headers, *rows]
        bold = []
        if table.total is not None:
            data.append(list(table.total))
            bold.append(len(data) - 1)
        figures = len(headers) - 2
        out += pr._whole(
            pr._heading(story, table.title),
            story.table(
                data,
                weights=[1.3, 3.2 if figures <= 8 else 2.0] + [1.0] * figures,
                header_rows=1,
                align=list(table.align or ["left", "left"] + ["right"] * figures),
                bold_rows=bold,
                width=pr.LANDSCAPE_FRAME[0],
            ),
            *pr.LANDSCAPE_FRAME,
        )
    return out


@pytest.mark.parametrize("thai_digits", [False, True])
def test_the_pdf_is_the_same_as_with_every_name_in_every_cell(
    thai_digits: bool, invariant: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(thai_digits)
    now = pr.province_report_pdf(doc)
    monkeypatch.setattr(pr._Cells, "keep_for", lambda self, text: self.story.keep_whole)
    before = pr.province_report_pdf(doc)
    assert now == before


def _placed_text(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page, each piece of text shown with where it starts (x, baseline), in points."""
    import io

    from pypdf import PdfReader

    pages: list[list[tuple[str, float, float]]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_args: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pages[-1].append((text.strip(), x, y))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        pages.append([])
        page.extract_text(visitor_text=visit)
        pages[-1].sort()
    return pages


@pytest.mark.parametrize("thai_digits", [False, True])
def test_figures_and_codes_print_where_their_paragraphs_printed_them(
    thai_digits: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(thai_digits)
    now = pr.province_report_pdf(doc)
    monkeypatch.setattr(pr, "_landscape_story", _every_name_to_every_cell)
    before = pr.province_report_pdf(doc)
    assert now != before  # drawn another way ...
    placed, placed_before = _placed_text(now), _placed_text(before)
    # ... the same text at the same places (to a hundredth of a point: the sums differ)
    assert [[t for t, _x, _y in page] for page in placed] == [
        [t for t, _x, _y in page] for page in placed_before
    ]
    for page, page_before in zip(placed, placed_before, strict=True):
        for (_t, x, y), (_t0, x0, y0) in zip(page, page_before, strict=True):
            assert abs(x - x0) < 0.02 and abs(y - y0) < 0.02
    figures = {t for page in placed for t, _x, _y in page}
    code = "CJC-๕๐-๐๐๐๓" if thai_digits else "CJC-50-0003"
    assert code in figures and ("๑,๒๓๔" if thai_digits else "1,234") in figures


def test_only_text_placed_as_a_plain_string_is_a_plain_cell() -> None:
    from justice_desk.documents.layout import style
    from justice_desk.documents.thai_text import PlainCell, plain_cell

    right = style("table_right")
    for text in ("1,234", "12.5 %", "–", "CJC-50-0001", "0"):
        cell = plain_cell(text, right)
        assert isinstance(cell, PlainCell) and cell.text == text
    assert plain_cell("2,569", right, thai_digits=True).text == "๒,๕๖๙"  # type: ignore[union-attr]
    bold = plain_cell("7", right, bold=True)
    assert bold is not None and bold.font_name != right.fontName
    # Thai words, words with marks, text with two spaces, and a pair the font kerns: paragraphs
    for text in ("ตำบลแม่แรม", "ไม่มี", "1  2", "AVATAR", "", " 1"):
        assert plain_cell(text, right) is None, text


def test_a_cell_gets_the_names_with_a_word_in_it() -> None:
    doc = _doc(False)
    cells = pr._Cells(Story(thai_digits=False, keep_whole=doc.keep_whole))
    assert cells.keep_for("1,234") == ()
    assert cells.keep_for("–") == ()
    found = cells.keep_for("บ้านปั้นทองคำ แห่งที่ 3")
    # a name protects its words wherever they are: every name with the word แห่งที่ (both
    # spellings of each), not the one without
    assert len(found) == 16 and all("แห่งที่" in p for p in found)
    assert cells.keep_for("10") == (
        "ศูนย์ยุติธรรมชุมชนเทศบาลตำบลสันผักหวาน 10",
        "เทศบาลตำบลสันผักหวาน 10",
    )
