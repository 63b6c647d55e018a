"""The province report's center tables give each cell only the names it holds
(``province_report._Cells``): the PDF is byte for byte the one every cell given every name
makes (``Story.table`` of strings, as before), in Arabic and Thai digits, and a name is still
never cut in a narrow column."""

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
    monkeypatch.setattr(pr, "_landscape_story", _every_name_to_every_cell)
    before = pr.province_report_pdf(doc)
    assert now == before


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
