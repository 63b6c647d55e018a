"""Official page layout: A4, margins, page numbers ``- ๒ -`` from page 2, Thai digits."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import cm
from thai_pdf_checks import nfkc, pypdf_pages, require_program, text_chunks

from justice_desk.documents import build_pdf, page_number_text, thai_digits, thai_paragraph
from justice_desk.documents.pdf import MARGIN_LEFT, MARGIN_RIGHT, PAGE_NUMBER_BASELINE_FROM_TOP


def test_thai_digits_converts_only_digits() -> None:
    assert thai_digits("ครั้งที่ 1/2569 เวลา 09.30 น.") == "ครั้งที่ ๑/๒๕๖๙ เวลา ๐๙.๓๐ น."
    assert thai_digits("") == ""
    assert thai_digits("ไม่มีตัวเลข") == "ไม่มีตัวเลข"


def test_paragraph_digits_leave_markup_alone() -> None:
    para = thai_paragraph(
        '<font size="14">ข้อ 12</font> <b>005/2569</b>', "body", markup=True, thai_digits=True
    )
    assert para.plain_text == "ข้อ ๑๒ ๐๐๕/๒๕๖๙"
    assert thai_paragraph("ข้อ 12 <b>", "body").plain_text == "ข้อ 12 <b>"  # plain text escaped


def test_page_number_text() -> None:
    assert page_number_text(2) == "- ๒ -"
    assert page_number_text(12, thai_digits=False) == "- 12 -"


def _long_document(samples: dict[str, list[str]]) -> list[object]:
    return [thai_paragraph(p, "body_indent") for p in samples["paragraphs"] * 15]


def test_page_numbers_from_page_two_at_top_centre(thai_samples: dict[str, list[str]]) -> None:
    pdf = build_pdf(_long_document(thai_samples))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    assert not [c for c in text_chunks(pdf, 0) if c.text.strip().startswith("-")]
    for index in (1, 2):
        number = [c for c in text_chunks(pdf, index) if c.text.strip().startswith("-")]
        assert len(number) == 1
        assert nfkc(number[0].text.strip()) == nfkc(page_number_text(index + 1))
        assert number[0].y == pytest.approx(height - PAGE_NUMBER_BASELINE_FROM_TOP, abs=0.5)
        # centred over the text block (the chunk starts left of the centre by half its width)
        centre = MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2
        assert centre - 20 < number[0].x < centre


def test_page_number_options(thai_samples: dict[str, list[str]]) -> None:
    pdf = build_pdf(_long_document(thai_samples), first_page_number_from=1, thai_digits=False)
    pages = pypdf_pages(pdf)
    assert pages[0][0] == "- 1 -"
    assert pages[1][0] == "- 2 -"


def test_text_block_stays_inside_the_margins(thai_samples: dict[str, list[str]]) -> None:
    pdf = build_pdf(_long_document(thai_samples))
    reader = PdfReader(io.BytesIO(pdf))
    height = float(reader.pages[1].mediabox.height)
    chunks = [c for c in text_chunks(pdf, 1) if not c.text.strip().startswith("-")]
    assert min(c.x for c in chunks) == pytest.approx(MARGIN_LEFT, abs=0.2)
    assert max(c.y for c in chunks) < height - 2.5 * cm
    assert min(c.y for c in chunks) > 2 * cm


def test_page_renders_to_png_without_errors(
    tmp_path: Path, thai_samples: dict[str, list[str]]
) -> None:
    """The page a person looks at (see the report): poppler renders it without complaint."""
    exe = require_program("pdftoppm", "poppler-utils")
    items = thai_samples["words"] + thai_samples["names"]
    flowables = [
        thai_paragraph(" ".join(items[i : i + 6]), "body") for i in range(0, len(items), 6)
    ]
    flowables += [thai_paragraph(p, "body_indent") for p in thai_samples["paragraphs"]]
    path = tmp_path / "page.pdf"
    path.write_bytes(build_pdf(flowables))
    result = subprocess.run(
        [exe, "-r", "100", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == ""
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000
