"""Text copied out of our PDFs equals the text that went in (search in the PDF works).

Every line of thai-text-samples.txt is printed and read back with pypdf and, when installed,
poppler's pdftotext; they must be equal after NFKC (``ำ`` may come back as ``ํา``).
This is also the standing test of the ReportLab patch in ``_reportlab_compat``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from thai_pdf_checks import (
    assign_lines,
    body_lines,
    nfkc,
    pdftotext_pages,
    pypdf_pages,
    text_chunks,
)

from justice_desk.documents import _reportlab_compat as compat
from justice_desk.documents import build_pdf, draw_shaped_string, register_fonts, thai_paragraph


def _sample_items(samples: dict[str, list[str]]) -> list[str]:
    items: list[str] = []
    for lines in samples.values():
        for line in lines:
            items.extend(part for part in line.split("\t") if part)
    return items


@pytest.fixture(scope="module")
def samples_pdf(thai_samples: dict[str, list[str]]) -> tuple[bytes, list[str]]:
    items = _sample_items(thai_samples)
    return build_pdf([thai_paragraph(item, "body") for item in items]), items


def test_every_sample_line_extracts_exactly_with_pypdf(
    samples_pdf: tuple[bytes, list[str]],
) -> None:
    pdf, items = samples_pdf
    lines = body_lines(pypdf_pages(pdf))
    assign_lines(lines, items)  # asserts every item is printed exactly, in order


def test_every_sample_line_extracts_exactly_with_pdftotext(
    samples_pdf: tuple[bytes, list[str]], tmp_path: Path
) -> None:
    pdf, items = samples_pdf
    pages = pdftotext_pages(pdf, tmp_path)
    assign_lines(body_lines(pages), items)


def test_tone_marks_survive_in_every_word(thai_samples: dict[str, list[str]]) -> None:
    """The failure measured in docs/thai-text-and-printing.md §4 (7 of 19 words found): search
    each word alone."""
    words = thai_samples["words"]
    pdf = build_pdf([thai_paragraph(" ".join(words), "body")])
    text = nfkc("".join(body_lines(pypdf_pages(pdf))))
    missing = [w for w in words if nfkc(w) not in text]
    assert missing == []


def test_bold_and_digits_extract(thai_samples: dict[str, list[str]]) -> None:
    name = thai_samples["names"][0]
    para = thai_paragraph(
        f"<b>ผู้มาประชุม</b> {name} ครั้งที่ 1/2569", "body", markup=True, thai_digits=True
    )
    lines = body_lines(pypdf_pages(build_pdf([para])))
    assert [nfkc(x) for x in lines] == [nfkc(f"ผู้มาประชุม {name} ครั้งที่ ๑/๒๕๖๙")]


def test_page_numbers_extract(thai_samples: dict[str, list[str]]) -> None:
    paragraph = thai_samples["paragraphs"][0]
    pdf = build_pdf([thai_paragraph(paragraph, "body_indent") for _ in range(40)])
    pages = pypdf_pages(pdf)
    assert len(pages) >= 3
    assert "- ๑ -" not in pages[0]
    assert pages[1][0] == "- ๒ -"
    assert pages[2][0] == "- ๓ -"


def test_canvas_helper_text_extracts(thai_samples: dict[str, list[str]]) -> None:
    choice = register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    names = thai_samples["names"]
    for i, name in enumerate(names):
        draw_shaped_string(canvas, 300, 700 - 30 * i, name, align="centre")
    draw_shaped_string(canvas, 300, 300, "สำนักงาน", font_name=choice.bold, align="right")
    canvas.showPage()
    canvas.save()
    lines = pypdf_pages(buf.getvalue())[0]
    assert [nfkc(x) for x in lines] == [nfkc(x) for x in [*names, "สำนักงาน"]]


def test_patch_is_active_for_this_reportlab() -> None:
    register_fonts()
    assert compat.patch_active()
    assert ".".join(reportlab.Version.split(".")[:2]) in compat.TESTED_REPORTLAB_VERSIONS


def test_untested_reportlab_version_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    register_fonts()
    monkeypatch.setattr(compat, "_patched", False)
    monkeypatch.setattr(reportlab, "Version", "99.0.0")
    with pytest.warns(compat.ReportLabCompatWarning, match="not a version"):
        assert compat.apply_patches() is True  # internals still match: patched, but flagged
    monkeypatch.setattr(compat, "_patched", False)
    monkeypatch.setattr(compat, "_structure_matches", lambda: False)
    with pytest.warns(compat.ReportLabCompatWarning, match="internals changed"):
        assert compat.apply_patches() is False
    monkeypatch.setattr(compat, "_patched", True)


def test_stock_shaped_paragraph_maps_substituted_glyphs_by_name() -> None:
    """ReportLab's own shaper (used by anyone who bypasses ThaiParagraph) gives substituted
    glyphs private code points; the patch maps those back through the glyph names."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    choice = register_fonts()
    style = ParagraphStyle("stock", fontName=choice.regular, fontSize=14, leading=20, shaping=1)
    words = ["ที่ประชุม", "ก๋วยเตี๋ยว", "สิทธิ์", "ศักดิ์"]
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(w, style) for w in words])
    assert [nfkc(x) for x in pypdf_pages(buf.getvalue())[0]] == [nfkc(w) for w in words]


def test_bold_text_uses_the_bold_face() -> None:
    choice = register_fonts()
    pdf = build_pdf([thai_paragraph("<b>ผู้มาประชุม</b> นายสมศักดิ์ ใจดี", markup=True)])
    chunks = text_chunks(pdf)
    bold = [c for c in chunks if "ผู้มาประชุม" in nfkc(c.text)]
    regular = [c for c in chunks if "สมศักดิ์" in nfkc(c.text)]
    assert bold and regular
    assert all("bold" in c.font.lower() for c in bold), bold
    assert all("bold" not in c.font.lower() for c in regular), regular
    assert choice.bold != choice.regular
