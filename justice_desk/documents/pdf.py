"""A4 pages in the official layout: margins, page numbers ``- ๒ -``, PDF bytes out."""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from justice_desk.documents import segment
from justice_desk.documents.fonts import check_shaping
from justice_desk.documents.pagination import apply_keep_rules
from justice_desk.documents.styles import BODY_OFFICIAL_PT
from justice_desk.documents.thai_text import draw_shaped_string

__all__ = [
    "MARGIN_BOTTOM",
    "MARGIN_LEFT",
    "MARGIN_RIGHT",
    "MARGIN_TOP",
    "PAGE_NUMBER_BASELINE_FROM_TOP",
    "build_pdf",
    "page_number_text",
]

# ระเบียบงานสารบรรณ layout: left 3 cm (binding side), right 2 cm, top about 2.5 cm,
# bottom about 2 cm.
MARGIN_LEFT = 3 * cm
MARGIN_RIGHT = 2 * cm
MARGIN_TOP = 2.5 * cm
MARGIN_BOTTOM = 2 * cm
# Page numbers sit in the top margin, centred over the text block.
PAGE_NUMBER_BASELINE_FROM_TOP = 1.5 * cm


def page_number_text(number: int, *, thai_digits: bool = True) -> str:
    """The page number as printed: ``- ๒ -`` (or ``- 2 -``)."""
    text = f"- {number} -"
    return segment.thai_digits(text) if thai_digits else text


def build_pdf(
    flowables: Iterable[Flowable],
    *,
    first_page_number_from: int = 2,
    thai_digits: bool = True,
    title: str = "",
    author: str = "",
    subject: str = "",
) -> bytes:
    """Lay ``flowables`` out on A4 pages in the official layout and return the PDF bytes.

    Page numbers are printed at the top centre from page ``first_page_number_from`` on, in
    Thai digits unless ``thai_digits`` is false. (Digits inside paragraphs are chosen when the
    paragraphs are made: ``thai_paragraph(..., thai_digits=True)``.)
    Raises ``RuntimeError`` if Thai cannot be shaped on this machine.
    """
    choice = check_shaping()
    width, height = A4
    frame_width = width - MARGIN_LEFT - MARGIN_RIGHT
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        frame_width,
        height - MARGIN_TOP - MARGIN_BOTTOM,
        # Zero padding: the margins are the official ones, not 6 pt inside them.
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def number_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        if page < first_page_number_from:
            return
        canvas.saveState()
        draw_shaped_string(
            canvas,
            MARGIN_LEFT + frame_width / 2.0,
            height - PAGE_NUMBER_BASELINE_FROM_TOP,
            page_number_text(page, thai_digits=thai_digits),
            font_name=choice.regular,
            font_size=choice.size_for(BODY_OFFICIAL_PT),
            align="centre",
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="Justice Desk",
        lang="th-TH",
        # The canvas starts in Helvetica unless told otherwise, and ReportLab then lists that
        # font, unused and not embedded, in every PDF: start in the document's own font.
        initialFontName=choice.regular,
        initialFontSize=choice.size_for(BODY_OFFICIAL_PT),
        pageTemplates=[PageTemplate(id="official", frames=[frame], onPage=number_page)],
    )
    # build() consumes the list it is given; callers may reuse theirs.
    doc.build(apply_keep_rules(list(flowables), frame_width, height - MARGIN_TOP - MARGIN_BOTTOM))
    return buffer.getvalue()
