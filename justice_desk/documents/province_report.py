"""The Provincial Justice Office's report to the Ministry: what the centers did over a month, a
quarter or a fiscal year, with the province's totals first and each center's figures after
(docs/architecture.md §13).

The first pages are portrait in the official layout (``pdf.py``): the title, the office as
issuer, the period in the Buddhist Era, the province's figures group by group and the reporter's
signature. The per-center tables follow on landscape A4 pages, because a table of a dozen
figures per center does not fit the width of a portrait page at 16 pt; each repeats its header
row on every page and ends with the province's total in bold. A landscape page is bound on its
top edge, so the binding margin (3 cm) is on top there.

Everything printed goes through the shared helpers of ``layout.Story`` (Thai paragraphs, tables
whose columns never cut a word, the signature block) and ``pagination.apply_keep_rules``; this
module only lays the pages out. Data objects in, PDF bytes out: the figures arrive as the words
and numbers to print (``services/reports.py`` makes them from the dashboard's figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from justice_desk.documents.data import Issuer, Signatory
from justice_desk.documents.fonts import check_shaping
from justice_desk.documents.layout import Story, date_text, style
from justice_desk.documents.pagination import apply_keep_rules
from justice_desk.documents.pdf import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_NUMBER_BASELINE_FROM_TOP,
    page_number_text,
)
from justice_desk.documents.styles import BODY_OFFICIAL_PT
from justice_desk.documents.thai_text import (
    PlainCell,
    ThaiParagraph,
    draw_shaped_string,
    escape,
    plain_cell,
    thai_paragraph,
)

__all__ = [
    "LANDSCAPE_FRAME",
    "PORTRAIT_FRAME",
    "ProvinceReportDoc",
    "ReportTable",
    "SummaryGroup",
    "province_report_pdf",
]

#: The text block of a portrait page (the official margins) and of a landscape page (the
#: binding margin on top, where a landscape page is bound among portrait ones).
PORTRAIT_FRAME = (A4[0] - MARGIN_LEFT - MARGIN_RIGHT, A4[1] - MARGIN_TOP - MARGIN_BOTTOM)
LANDSCAPE_MARGINS = (2.5 * cm, 2 * cm, MARGIN_LEFT, MARGIN_BOTTOM)  # left, right, top, bottom
_LW, _LH = landscape(A4)
LANDSCAPE_FRAME = (
    _LW - LANDSCAPE_MARGINS[0] - LANDSCAPE_MARGINS[1],
    _LH - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3],
)
#: The usual start of a center's name, printed once in the column head when every name has it.
CENTER_PREFIX = "ศูนย์ยุติธรรมชุมชน"


@dataclass(frozen=True)
class SummaryGroup:
    """One group of the province's figures: a numbered heading and (label, value) rows."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReportTable:
    """A per-center table: ``rows`` start with the center's code and name, then the figures as
    printed; ``total`` is the province's line (printed bold, last)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    note: str | None = None
    #: ``left``, ``centre`` or ``right`` per column (default: code and name left, figures right).
    align: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ProvinceReportDoc:
    """What the report prints, in Thai."""

    issuer: Issuer
    #: ``รายงานผลการดำเนินงานของศูนย์ยุติธรรมชุมชน``
    title: str
    #: ``ประจำเดือนมกราคม 2569``, ``ประจำปีงบประมาณ พ.ศ. 2569``, …
    period_title: str
    period_start: dt.date
    period_end: dt.date
    #: The day states are taken on (deadlines, escalations waiting, members).
    as_of: dt.date
    #: ``ศูนย์ยุติธรรมชุมชนที่ลงทะเบียนกับสำนักงาน 3 ศูนย์`` or the one center reported on.
    coverage: str
    summary_title: str
    summary_headers: tuple[str, str]
    summary: tuple[SummaryGroup, ...]
    #: How the figures are counted, printed under the summary.
    notes: tuple[str, ...]
    tables_title: str
    tables: tuple[ReportTable, ...]
    reported_on: dt.date
    reporter: Signatory
    #: Names never cut between lines (the office, the centers, their places).
    keep_whole: tuple[str, ...] = ()
    thai_digits: bool = False


def _heading(story: Story, text: str, *, first: bool = False) -> Flowable:
    return story.para(text, "heading", spaceBefore=0 if first else 10, spaceAfter=4, keepWithNext=1)


def _portrait_story(doc: ProvinceReportDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=doc.keep_whole)
    story.add(
        story.para(doc.title, "doc_title"),
        story.para(doc.period_title, "doc_title"),
        story.para(doc.issuer.name, "centre"),
        story.para(
            f"ข้อมูลตั้งแต่วันที่ {date_text(doc.period_start)} ถึงวันที่ {date_text(doc.period_end)}",
            "centre",
        ),
        story.para(doc.coverage, "centre", spaceAfter=8),
        _heading(story, doc.summary_title, first=True),
    )
    for group in doc.summary:
        heading = _heading(story, group.title)
        table = story.table(
            [doc.summary_headers, *group.rows],
            weights=[7.0, 2.2],
            header_rows=1,
            align=["left", "right"],
            width=PORTRAIT_FRAME[0],
        )
        story.add(*_whole(heading, table, *PORTRAIT_FRAME))
    if doc.notes:
        story.add(_heading(story, "หมายเหตุ"))
        for n, note in enumerate(doc.notes, start=1):
            story.labelled(f"{n}.", note, bold_label=False, indent=0.5 * cm)
    story.signature(
        doc.reporter,
        "ผู้รายงาน",
        space_before=1.5,
        after=[f"วันที่ {date_text(doc.reported_on)}"],
    )
    return story.flowables


def _whole(heading: Flowable, table: Flowable, width: float, height: float) -> list[Flowable]:
    """A heading and its table, starting on a new page when the table would fit on one page
    but not in the room left (a table of many centers simply runs on, its header repeated)."""
    _w, table_height = table.wrap(width, height * 10)
    _w, heading_height = heading.wrap(width, height)
    need = table_height + heading_height + heading.getSpaceBefore() + heading.getSpaceAfter()
    return [CondPageBreak(need), heading, table] if need <= height else [heading, table]


#: The width of a centred column of a center table (a BE date, a yes/no) against a figure's.
_CENTRED_WEIGHT = 1.5


def _shared_prefix(names: Sequence[str]) -> bool:
    return bool(names) and all(
        n.startswith(CENTER_PREFIX) and len(n) > len(CENTER_PREFIX) for n in names
    )


class _Cells:
    """The body cells of the center tables as paragraphs, made as ``Story.table`` makes them but
    each with only the names it holds; a figure or a code as a :class:`thai_text.PlainCell`
    (a plain string: nearly all of the cells), each distinct text laid out once.

    A report of 250 centers keeps some 500 names whole (``keep_whole``: each center's name with
    and without its prefix) and prints some 22,000 cells, nearly all numbers. Handed every name,
    each cell looked for each of them (``thai_text._protected``: 11 million searches, most of
    the report's time). A name none of whose words is in a cell protects nothing there, so a
    cell gets the names with a word in it (found once per distinct cell text): the same breaks,
    the same PDF."""

    def __init__(self, story: Story) -> None:
        self.story = story
        words: dict[str, list[str]] = {}
        for phrase in story.keep_whole:
            for word in phrase.split():
                if len(word) >= 2:
                    words.setdefault(word, []).append(phrase)
        self._words = words
        self._keep: dict[str, tuple[str, ...]] = {}
        self._made: dict[tuple[str, str, bool], PlainCell | ThaiParagraph] = {}

    def keep_for(self, text: str) -> tuple[str, ...]:
        keep = self._keep.get(text)
        if keep is None:
            found = {p for w, phrases in self._words.items() if w in text for p in phrases}
            keep = self._keep[text] = tuple(p for p in self.story.keep_whole if p in found)
        return keep

    def cell(self, text: str, style_name: str, *, bold: bool) -> Flowable:
        """A figure or a code as a plain string, anything else as a Thai paragraph; the same
        text in the same style is laid out once (a center's name is in every table)."""
        thai_digits = self.story.thai_digits
        key = (text, style_name, bold)
        made = self._made.get(key)
        if made is None:
            made = plain_cell(text, style(style_name), bold=bold, thai_digits=thai_digits)
            if made is None:
                made = thai_paragraph(
                    f"<b>{escape(text)}</b>" if bold else text,
                    style(style_name),
                    markup=bold,
                    thai_digits=thai_digits,
                    keep_whole=self.keep_for(text),
                )
            self._made[key] = made
        if isinstance(made, PlainCell):
            return made.copy()
        return ThaiParagraph(
            made.text,
            made.style,
            thai_digits=thai_digits,
            _segments=made._segments,
            _first_indent=made._first_indent,
        )

    def rows(
        self, rows: Sequence[Sequence[str]], align: Sequence[str], *, bold: bool
    ) -> list[list[Flowable | str]]:
        styles = {"left": "table", "centre": "table_centre", "right": "table_right"}
        out: list[list[Flowable | str]] = []
        for row in rows:
            line: list[Flowable | str] = []
            for c, cell in enumerate(row):
                if cell is None or cell == "":
                    line.append("")
                    continue
                line.append(self.cell(cell, styles[align[c]], bold=bold))
            out.append(line)
        return out


def _landscape_story(doc: ProvinceReportDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=doc.keep_whole)
    cells = _Cells(story)
    out: list[Flowable] = [_heading(story, doc.tables_title, first=True)]
    width = LANDSCAPE_FRAME[0]
    for table in doc.tables:
        headers = list(table.headers)
        rows = [list(r) for r in table.rows]
        if _shared_prefix([r[1] for r in rows]):
            headers[1] = CENTER_PREFIX
            for r in rows:
                r[1] = r[1].removeprefix(CENTER_PREFIX)
        figures = len(headers) - 2
        align = list(table.align or ["left", "left"] + ["right"] * figures)
        data: list[Sequence[Flowable | str]] = [headers, *cells.rows(rows, align, bold=False)]
        bold: list[int] = []
        if table.total is not None:
            data += cells.rows([list(table.total)], align, bold=True)
            bold.append(len(data) - 1)
        out += _whole(
            _heading(story, table.title),
            story.table(
                data,
                # many narrow figures (the months of a year): the names give way; a centred
                # column (a BE date, a yes/no) is wider: "27 พ.ย. 2569" on one line
                weights=[1.3, 3.2 if figures <= 8 else 2.0]
                + [_CENTRED_WEIGHT if a == "centre" else 1.0 for a in align[2:]],
                header_rows=1,
                align=align,
                bold_rows=bold,
                width=width,
            ),
            *LANDSCAPE_FRAME,
        )
        if table.note:
            out.append(story.para(table.note, "small", spaceBefore=2))
    return out


def province_report_pdf(doc: ProvinceReportDoc) -> bytes:
    """The report as PDF bytes: portrait pages, then landscape pages for the center tables."""
    import io

    choice = check_shaping()
    portrait = apply_keep_rules(_portrait_story(doc), *PORTRAIT_FRAME)
    wide = apply_keep_rules(_landscape_story(doc), *LANDSCAPE_FRAME) if doc.tables else []

    def number_page(canvas: Canvas, built: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        if page < 2:
            return
        wide_page = built.pageTemplate.id == "landscape"
        page_height = _LH if wide_page else A4[1]
        left = LANDSCAPE_MARGINS[0] if wide_page else MARGIN_LEFT
        frame_width = LANDSCAPE_FRAME[0] if wide_page else PORTRAIT_FRAME[0]
        # The same distance above the text block on both kinds of page.
        top = (LANDSCAPE_MARGINS[2] - MARGIN_TOP) if wide_page else 0.0
        canvas.saveState()
        draw_shaped_string(
            canvas,
            left + frame_width / 2.0,
            page_height - PAGE_NUMBER_BASELINE_FROM_TOP - top,
            page_number_text(page, thai_digits=doc.thai_digits),
            font_name=choice.regular,
            font_size=choice.size_for(BODY_OFFICIAL_PT),
            align="centre",
        )
        canvas.restoreState()

    def frame(x: float, y: float, size: tuple[float, float], name: str) -> Frame:
        return Frame(
            x,
            y,
            *size,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )

    upright = PageTemplate(
        id="portrait",
        frames=[frame(MARGIN_LEFT, MARGIN_BOTTOM, PORTRAIT_FRAME, "portrait")],
        onPage=number_page,
        pagesize=A4,
    )
    lying = PageTemplate(
        id="landscape",
        frames=[frame(LANDSCAPE_MARGINS[0], LANDSCAPE_MARGINS[3], LANDSCAPE_FRAME, "landscape")],
        onPage=number_page,
        pagesize=landscape(A4),
    )
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{doc.title} {doc.period_title}",
        author=doc.issuer.name,
        subject=f"{doc.title} {doc.period_title} {doc.issuer.name}",
        creator="Justice Desk",
        lang="th-TH",
        initialFontName=choice.regular,
        initialFontSize=choice.size_for(BODY_OFFICIAL_PT),
        pageTemplates=[upright, lying],
    )
    flowables: list[Flowable] = list(portrait)
    if wide:
        flowables += [NextPageTemplate("landscape"), PageBreak(), *wide]
    template.build(flowables)
    return buffer.getvalue()
