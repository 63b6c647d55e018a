"""Thai lines break only between words, across pages and inside table cells.

Every check reads the PDF back (pypdf), assigns the printed lines to the source paragraphs and
checks that each line break falls on a word boundary of the newmm segmentation of the whole
paragraph, so a break inside a word, or between a letter and its marks, fails.
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Table, TableStyle
from thai_pdf_checks import (
    assign_lines,
    body_lines,
    nfkc,
    pypdf_pages,
    text_chunks,
    word_boundaries,
)

from justice_desk.documents import (
    FIRST_LINE_INDENT,
    ThaiParagraph,
    build_pdf,
    get_style,
    register_fonts,
    thai_paragraph,
)
from justice_desk.documents.pdf import MARGIN_LEFT, MARGIN_RIGHT
from justice_desk.documents.shaping import shape
from justice_desk.documents.thai_text import _line_spans


def _assert_breaks_on_word_boundaries(texts: list[str], breaks: list[list[int]]) -> int:
    count = 0
    for text, offsets in zip(texts, breaks, strict=True):
        allowed = word_boundaries(text)
        target = nfkc(text)
        for offset in offsets:
            assert offset in allowed, (
                f"line broken inside a word: {target[max(0, offset - 15) : offset]!r} | "
                f"{target[offset : offset + 15]!r}"
            )
            # Belt and braces: never a mark, a following vowel or ๆ at the start of a line.
            nxt = target[offset:].lstrip(" ")[:1]
            assert unicodedata.category(nxt) != "Mn" and nxt not in "ะาๅๆฯ", (text, offset)
        count += len(offsets)
    return count


@pytest.fixture(scope="module")
def paragraphs(thai_samples: dict[str, list[str]]) -> list[str]:
    return thai_samples["paragraphs"]


def test_long_paragraphs_over_three_pages_break_between_words(paragraphs: list[str]) -> None:
    texts = paragraphs * 12
    pdf = build_pdf([thai_paragraph(t, "body_indent") for t in texts])
    pages = pypdf_pages(pdf)
    assert len(pages) >= 3
    breaks = assign_lines(body_lines(pages), texts)
    assert _assert_breaks_on_word_boundaries(texts, breaks) > len(texts)


def test_one_paragraph_split_over_pages_is_rebuilt_from_source(paragraphs: list[str]) -> None:
    """One very long paragraph, split by the frame again and again (the re-layout trap)."""
    text = " ".join(paragraphs * 20)
    pdf = build_pdf([thai_paragraph(text, "body_indent")])
    pages = pypdf_pages(pdf)
    assert len(pages) >= 3
    breaks = assign_lines(body_lines(pages), [text])
    _assert_breaks_on_word_boundaries([text], breaks)


@pytest.mark.parametrize("width", ["4.5cm", "tightest"])
def test_narrow_table_cells_break_between_words(paragraphs: list[str], width: str) -> None:
    style = get_style("table")
    cells = [ThaiParagraph(text, style) for text in paragraphs]
    # "tightest": exactly as wide as the longest word plus the cell padding (6 pt each side)
    col = 4.5 * cm if width == "4.5cm" else max(c.minWidth() for c in cells) + 12
    table = Table([[c] for c in cells], colWidths=[col])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    pdf = build_pdf([table])
    breaks = assign_lines(body_lines(pypdf_pages(pdf)), paragraphs)
    assert _assert_breaks_on_word_boundaries(paragraphs, breaks) > 20


def test_table_row_split_inside_the_cell_across_pages(paragraphs: list[str]) -> None:
    """A row taller than a page splits inside its cell (Table splitInRow): the cell's
    ThaiParagraph is split and both parts are laid out again."""
    text = " ".join(paragraphs * 8)
    style = get_style("table")
    table = Table(
        [[thai_paragraph("ลำดับ", "table"), ThaiParagraph(text, style)]],
        colWidths=[2 * cm, 10 * cm],
        splitInRow=1,
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    pdf = build_pdf([table])
    pages = pypdf_pages(pdf)
    assert len(pages) >= 2
    lines = [line for line in body_lines(pages) if nfkc(line) != nfkc("ลำดับ")]
    breaks = assign_lines(lines, [text])
    _assert_breaks_on_word_boundaries([text], breaks)


def test_word_wider_than_the_column_breaks_between_character_clusters() -> None:
    word = "สำนักงานยุติธรรมจังหวัดเชียงใหม่"
    table = Table([[thai_paragraph(word, "table")]], colWidths=[1.6 * cm])
    pdf = build_pdf([table])
    lines = body_lines(pypdf_pages(pdf))
    assert len(lines) > 1
    assert nfkc("".join(lines)) == nfkc(word)
    for line in lines[1:]:
        first = line[0]
        # never a mark or a following vowel at a line start; leading vowels stay with their
        # consonant (checked by the previous line not ending in one)
        assert unicodedata.category(first) != "Mn" and first not in "ะาำๅ", lines
    for line in lines[:-1]:
        assert line[-1] not in "เแโใไ", lines


def test_lines_fit_and_have_no_gaps_at_break_opportunities(paragraphs: list[str]) -> None:
    choice = register_fonts()
    style = get_style("body_indent")
    para = ThaiParagraph(paragraphs[0], style)
    width = 16 * cm
    para.wrap(width, 1000)
    lines = para._lines
    assert len(lines) >= 2
    assert lines[0].indent == pytest.approx(FIRST_LINE_INDENT)
    assert all(line.indent == 0 for line in lines[1:])
    for line in lines:
        assert line.width <= width - line.indent + 1e-6
        spans = _line_spans(line)
        text = "".join(s.text for s in spans)
        assert text == text.strip(" ")
        # The line is as wide as its text shaped in one piece: nothing is inserted at the
        # break opportunities between words (a zero-width space would show as a gap).
        if all(s.style.font_name == choice.regular for s in spans):
            whole = shape(text, choice.regular).width(style.fontSize)
            assert line.width == pytest.approx(whole, abs=0.05)


def test_first_line_indent_and_margins_in_the_pdf(paragraphs: list[str]) -> None:
    pdf = build_pdf([thai_paragraph(paragraphs[1], "body_indent")])
    chunks = text_chunks(pdf)
    xs = sorted({round(c.x, 1) for c in chunks})
    assert xs[0] == pytest.approx(MARGIN_LEFT, abs=0.2)
    assert xs[-1] == pytest.approx(MARGIN_LEFT + FIRST_LINE_INDENT, abs=0.2)
    first_y = max(c.y for c in chunks)
    assert [round(c.x, 1) for c in chunks if c.y == first_y] == [
        round(MARGIN_LEFT + FIRST_LINE_INDENT, 1)
    ]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4
    assert MARGIN_RIGHT == pytest.approx(2 * cm)


def test_split_parts_keep_unshaped_source_text(paragraphs: list[str]) -> None:
    style = get_style("body_indent")
    text = " ".join(paragraphs)
    para = ThaiParagraph(text, style)
    _, height = para.wrap(12 * cm, 10_000)
    parts = para.split(12 * cm, height / 2)
    assert len(parts) == 2
    first, second = parts
    assert isinstance(first, ThaiParagraph) and isinstance(second, ThaiParagraph)
    assert first.getSpaceAfter() == 0 and second.getSpaceBefore() == 0
    joined = first.plain_text + " " + second.plain_text
    assert nfkc(joined) == nfkc(text) or nfkc(first.plain_text + second.plain_text) == nfkc(text)
    for part in parts:
        for char in part.plain_text:
            assert not 0xE000 <= ord(char) <= 0xF8FF and ord(char) < 0xF0000, "shaped glyph kept"
    # a part laid out again at another width still breaks between words only
    second.wrap(7 * cm, 10_000)
    assert len(second._lines) > 1
    assert second._lines[0].indent == 0


def test_orphan_control_moves_a_lone_first_line(paragraphs: list[str]) -> None:
    style = get_style("body")
    para = ThaiParagraph(" ".join(paragraphs), style)
    para.wrap(16 * cm, 10_000)
    assert len(para._lines) >= 4
    assert para.split(16 * cm, style.leading * 1.5) == []  # one line would be an orphan
    assert len(para.split(16 * cm, style.leading * 2.2)) == 2


def test_min_width_is_the_widest_word() -> None:
    style = get_style("table")
    para = ThaiParagraph("ศูนย์ยุติธรรมชุมชน ตำบล", style)
    widest = max(
        shape(word, style.fontName).width(style.fontSize)
        for word in ("ศูนย์", "ยุติธรรม", "ชุมชน", "ตำบล")
    )
    assert para.minWidth() == pytest.approx(widest)


def test_markup_line_break_alignment_and_repetition_mark() -> None:
    style = get_style("centre")
    para = ThaiParagraph("ไป ๆ มา ๆ<br/>บรรทัดที่สอง", style)
    para.wrap(3 * cm, 1000)
    texts = ["".join(s.text for s in _line_spans(line)) for line in para._lines]
    assert "บรรทัดที่สอง" in texts
    assert not any(t.startswith("ๆ") for t in texts)


def test_split_after_a_narrower_wrap_never_overflows(paragraphs: list[str]) -> None:
    """ReportLab's Table wraps a cell at the column width minus padding, then splits it at the
    full column width; the first part must still fit the height it was split for."""
    style = get_style("table")
    para = ThaiParagraph(" ".join(paragraphs * 2), style)
    column = 8 * cm
    para.wrap(column - 12, 10_000)
    height = style.leading * 5.5
    first, _ = para.split(column, height)
    _, first_height = first.wrap(column - 12, 10_000)
    assert first_height <= height
