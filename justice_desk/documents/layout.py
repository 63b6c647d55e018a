"""Building blocks of the official documents: paragraphs with the document's digit choice,
tables whose columns never cut a word, signature blocks, letter heads, and Thai formatting of
dates, times and money.

Everything printed goes through :class:`~justice_desk.documents.thai_text.ThaiParagraph`
(table cells included): plain ReportLab strings and ``Paragraph`` lose Thai marks and break
inside words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from justice_desk.documents import segment
from justice_desk.documents.data import Issuer, Signatory
from justice_desk.documents.pagination import SignatureBlock
from justice_desk.documents.pdf import MARGIN_LEFT, MARGIN_RIGHT
from justice_desk.documents.styles import get_style, make_style
from justice_desk.documents.thai_text import PlainCell, ThaiParagraph, escape, thai_paragraph

__all__ = [
    "DOTS",
    "FRAME_WIDTH",
    "Story",
    "baht_figures",
    "baht_words",
    "center_of",
    "contact_lines",
    "date_text",
    "fit_widths",
    "time_text",
]

FRAME_WIDTH = A4[0] - MARGIN_LEFT - MARGIN_RIGHT
#: Dotted line for what is written in by hand.
DOTS = "." * 40
SHORT_DOTS = "." * 24
# Cell padding: enough air around Thai marks above and below the line.
CELL_PAD_X = 4.0
CELL_PAD_TOP = 1.0
CELL_PAD_BOTTOM = 3.0
# Signature blocks and the date of a letter start here (from the left margin).
# The dotted line of a signature is centred near the middle of the text block, with room on
# its right for the longest usual role (ผู้ตรวจรายงานการประชุม), so the blocks of a page align.
SIGNATURE_INDENT = 4.2 * cm
SIGNATURE_DOTS_WIDTH = 5.0 * cm
LETTER_DATE_INDENT = FRAME_WIDTH * 0.45


# -- formatting ------------------------------------------------------------------------------


def date_text(day: dt.date | None, *, weekday: bool = False) -> str:
    """``14 มกราคม 2569`` or ``วันพุธที่ 14 มกราคม 2569``; empty for ``None``."""
    if day is None:
        return ""
    segment.configure_pythainlp()
    from justice_desk.domain.dates import format_date

    return format_date(day, "th", weekday=weekday)


def time_text(value: dt.time | None) -> str:
    """``09.30 น.``; empty for ``None``."""
    from justice_desk.domain.dates import format_time

    return format_time(value, "th")


def center_of(body_name: str) -> str:
    """The center a body belongs to: ``คณะกรรมการศูนย์…`` -> ``ศูนย์…`` (a PDF's author)."""
    return body_name.removeprefix("คณะกรรมการ") or body_name


def baht_figures(satang: int) -> str:
    """``10,000 บาท`` or ``10,000.50 บาท``."""
    baht, rest = divmod(abs(satang), 100)
    sign = "-" if satang < 0 else ""
    if rest:
        return f"{sign}{baht:,}.{rest:02d} บาท"
    return f"{sign}{baht:,} บาท"


def baht_words(satang: int) -> str:
    """``หนึ่งหมื่นบาทถ้วน`` (PyThaiNLP ``bahttext``)."""
    segment.configure_pythainlp()
    from pythainlp.util import bahttext

    baht, rest = divmod(satang, 100)
    if baht == 0 and rest:
        # bahttext says "ศูนย์บาทห้าสิบสตางค์"; a Thai writer says "ห้าสิบสตางค์".
        return str(bahttext(float(Decimal(rest) / 100))).replace("ศูนย์บาท", "")
    return str(bahttext(float(Decimal(satang) / 100)))


def baht(satang: int) -> str:
    """``10,000 บาท (หนึ่งหมื่นบาทถ้วน)``: figures and words, as agreements write amounts."""
    return f"{baht_figures(satang)} ({baht_words(satang)})"


# -- styles ------------------------------------------------------------------------------------


@cache
def _styles() -> dict[str, ParagraphStyle]:
    table = get_style("table")
    body = get_style("body")
    return {
        "table_centre": ParagraphStyle("table_centre", parent=table, alignment=TA_CENTER),
        "table_right": ParagraphStyle("table_right", parent=table, alignment=TA_RIGHT),
        "table_head": make_style("table_head", bold=True, alignment=TA_CENTER, allowOrphans=1),
        "doc_title": make_style("doc_title", official_pt=18, bold=True, alignment=TA_CENTER),
        "signature": ParagraphStyle(
            "signature", parent=body, alignment=TA_CENTER, leftIndent=SIGNATURE_INDENT
        ),
        "letter_date": ParagraphStyle(
            "letter_date", parent=body, alignment=TA_LEFT, leftIndent=LETTER_DATE_INDENT
        ),
        "closing": ParagraphStyle(
            "closing", parent=body, alignment=TA_CENTER, leftIndent=SIGNATURE_INDENT
        ),
    }


def style(name: str) -> ParagraphStyle:
    """A standard style (``styles.STYLE_NAMES``) or one of the document styles above."""
    extra = _styles()
    return extra[name] if name in extra else get_style(name)


# -- tables ------------------------------------------------------------------------------------


def fit_widths(min_widths: Sequence[float], weights: Sequence[float], total: float) -> list[float]:
    """Column widths in proportion to ``weights`` that fill ``total`` and give every column at
    least its ``min_widths`` (its longest word plus padding).

    Columns that would be narrower than their minimum get the minimum; the rest share what is
    left by weight. If even the minimums do not fit, they are scaled down together (a word is
    then cut between character clusters, never between a letter and its marks).
    """
    n = len(weights)
    if len(min_widths) != n:
        raise ValueError("one minimum width per column")
    need = sum(min_widths)
    if need >= total:
        return [w * total / need for w in min_widths] if need else [total / n] * n
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        remaining = total - sum(fixed.values())
        weight_sum = sum(weights[i] for i in free)
        if not free:
            break
        grew = False
        for i in free:
            width = remaining * weights[i] / weight_sum if weight_sum else remaining / len(free)
            if width < min_widths[i]:
                fixed[i] = min_widths[i]
                grew = True
        if not grew:
            break
    free = [i for i in range(n) if i not in fixed]
    remaining = total - sum(fixed.values())
    weight_sum = sum(weights[i] for i in free)
    widths = []
    for i in range(n):
        if i in fixed:
            widths.append(fixed[i])
        else:
            widths.append(
                remaining * weights[i] / weight_sum if weight_sum else remaining / len(free)
            )
    return widths


Cell: TypeAlias = str | Flowable | None


def names_in(doc: object) -> tuple[str, ...]:
    """The names of people and places a document prints: their words must never be cut
    between lines (see ``ThaiParagraph(keep_whole=...)``)."""
    found: list[str] = []
    stack: list[object] = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | list):
            stack.extend(item)
            continue
        if not dataclasses.is_dataclass(item):
            continue
        if isinstance(item, Issuer):
            found += [p for p in (item.tambon, item.amphoe, item.province) if p]
            continue
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            if f.name in ("name", "substitute_for") and isinstance(value, str):
                found.append(value)
            elif isinstance(value, tuple | list) or dataclasses.is_dataclass(value):
                stack.append(value)
    return tuple(dict.fromkeys(found))


class Story:
    """The flowables of one document; every paragraph uses the document's digit choice."""

    def __init__(self, *, thai_digits: bool, keep_whole: Sequence[str] = ()) -> None:
        self.thai_digits = thai_digits
        self.keep_whole = tuple(keep_whole)
        self.flowables: list[Flowable] = []

    # -- paragraphs ----------------------------------------------------------------------------

    def para(
        self, text: str, style_name: str = "body", *, markup: bool = False, **overrides: Any
    ) -> ThaiParagraph:
        """A paragraph (not added): plain text unless ``markup``."""
        return thai_paragraph(
            text,
            style(style_name),
            markup=markup,
            thai_digits=self.thai_digits,
            keep_whole=self.keep_whole,
            **overrides,
        )

    def add(self, *flowables: Flowable) -> None:
        self.flowables.extend(flowables)

    def text(self, text: str, style_name: str = "body", **overrides: Any) -> None:
        """Add plain text; each newline-separated paragraph of ``text`` is its own paragraph
        (so ``body_indent`` indents each one)."""
        for part in _paragraphs(text):
            self.add(self.para(part, style_name, **overrides))

    def markup(self, text: str, style_name: str = "body", **overrides: Any) -> None:
        self.add(self.para(text, style_name, markup=True, **overrides))

    def labelled(
        self,
        label: str,
        value: str,
        *,
        bold_label: bool = True,
        indent: float = 0.0,
        hanging: bool = True,
        **overrides: Any,
    ) -> None:
        """``label value`` on one paragraph; continuation lines hang under the value."""
        head = f"<b>{escape(label)}</b>" if bold_label else escape(label)
        text = f"{head} {escape(value)}" if value else head
        para = self.para(text, "body", markup=True, **overrides)
        if hanging and value:
            hang = _label_width(label, bold_label) + _space_width()
            para = self.para(
                text,
                "body",
                markup=True,
                leftIndent=indent + hang,
                firstLineIndent=-hang,
                **overrides,
            )
        elif indent:
            para = self.para(text, "body", markup=True, leftIndent=indent, **overrides)
        self.add(para)

    def space(self, points: float) -> None:
        self.add(Spacer(1, points))

    def line_space(self, lines: float = 1.0) -> None:
        """Vertical space of ``lines`` body lines."""
        self.space(get_style("body").leading * lines)

    def separator(self, width_fraction: float = 0.45) -> None:
        """The short rule under the heading of minutes."""
        self.add(
            HRFlowable(
                width=f"{width_fraction * 100:.0f}%",
                thickness=0.6,
                color=colors.black,
                hAlign="CENTER",
                spaceBefore=2,
                spaceAfter=6,
            )
        )

    # -- tables --------------------------------------------------------------------------------

    def table(
        self,
        rows: Sequence[Sequence[Cell]],
        *,
        weights: Sequence[float],
        header_rows: int = 0,
        align: Sequence[str] | None = None,
        grid: bool = True,
        bold_rows: Sequence[int] = (),
        fixed: dict[int, float] | None = None,
        width: float = FRAME_WIDTH,
        pad_x: float = CELL_PAD_X,
        left_pad_first: float | None = None,
        min_row_heights: Sequence[float] | None = None,
        keep_rows_from: int | None = None,
    ) -> Table:
        """A table of Thai paragraphs (not added).

        ``align`` per column: ``left``, ``centre`` or ``right``; header rows are bold and
        centred and repeat on every page. ``fixed`` gives exact widths to some columns.
        Columns are never narrower than their longest word (see :func:`fit_widths`).
        ``keep_rows_from``: rows from this one to the end are never split between pages (the
        last filled row of a list with the empty rows after it, so that no page holds only
        empty rows).
        """
        ncols = len(weights)
        align = list(align or ["left"] * ncols)
        cell_style = {"left": "table", "centre": "table_centre", "right": "table_right"}
        data: list[list[Flowable | str]] = []
        for r, row in enumerate(rows):
            if len(row) != ncols:
                raise ValueError(f"row {r} has {len(row)} cells, the table has {ncols} columns")
            out: list[Flowable | str] = []
            for c, cell in enumerate(row):
                if cell is None or cell == "":
                    out.append("")
                elif isinstance(cell, str):
                    if r < header_rows:
                        out.append(self.para(cell, "table_head"))
                    elif r in bold_rows:
                        out.append(
                            self.para(f"<b>{escape(cell)}</b>", cell_style[align[c]], markup=True)
                        )
                    else:
                        out.append(self.para(cell, cell_style[align[c]]))
                else:
                    out.append(cell)
            data.append(out)
        pads = [pad_x * 2] * ncols
        if left_pad_first is not None:
            pads[0] = pad_x + left_pad_first
        mins = [0.0] * ncols
        for row in data:
            for c, cell in enumerate(row):
                if isinstance(cell, ThaiParagraph | PlainCell):
                    mins[c] = max(mins[c], cell.minWidth() + pads[c])
        # Headers on one line when the table has room for that.
        heads = list(mins)
        for row in rows[:header_rows]:
            for c, cell in enumerate(row):
                if isinstance(cell, str) and cell:
                    heads[c] = max(heads[c], text_width(cell, bold=True) + pads[c] + 6.0)
        fixed = fixed or {}
        free_weights = [0.0 if c in fixed else weights[c] for c in range(ncols)]
        if sum(fixed.get(c, heads[c]) for c in range(ncols)) <= width:
            mins = heads
        free_mins = [fixed.get(c, mins[c]) for c in range(ncols)]
        widths = fit_widths(free_mins, free_weights, width)
        for c, w in fixed.items():
            widths[c] = max(w, mins[c])
        commands: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad_x),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_BOTTOM),
        ]
        if left_pad_first is not None:
            commands.append(("LEFTPADDING", (0, 0), (0, -1), left_pad_first))
        if grid:
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        else:
            # Lists without rules are single-spaced like the text around them.
            commands.append(("TOPPADDING", (0, 0), (-1, -1), 0))
            commands.append(("BOTTOMPADDING", (0, 0), (-1, -1), 0))
        if header_rows:
            commands.append(("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"))
        if keep_rows_from is not None and keep_rows_from < len(rows) - 1:
            commands.append(("NOSPLIT", (0, keep_rows_from), (-1, -1)))
        table = Table(
            data,
            colWidths=widths,
            repeatRows=header_rows,
            hAlign="LEFT",
            splitInRow=1,
            minRowHeights=list(min_row_heights) if min_row_heights else None,
        )
        table.setStyle(_table_style(commands))
        return table

    # -- blocks --------------------------------------------------------------------------------

    def signature(
        self,
        signatory: Signatory | None,
        role: str,
        *,
        space_before: float = 1.0,
        closing: str | None = None,
        after: Sequence[str] = (),
        letter: bool = False,
        contact: Sequence[str] = (),
    ) -> None:
        """``(ลงชื่อ) ........ <role>`` with ``(<name>)`` and the position centred under the
        dotted line, kept together; ``closing`` (``ขอแสดงความนับถือ``) goes above, on the same
        axis, as letters have it; ``after`` lines (a date) go below. A ``letter`` is signed on
        the original itself: room for the signature instead of ``(ลงชื่อ) ....``; its
        ``contact`` lines (the issuing office, its telephone) follow at the left margin, on the
        same page (see :func:`contact_lines`)."""
        signatory = signatory or Signatory(None)
        label = "(ลงชื่อ)"
        label_w = text_width(label) + CELL_PAD_X
        role_w = (text_width(role) + 2 * CELL_PAD_X) if role else 0.0
        dots_w = SIGNATURE_DOTS_WIDTH
        indent = min(SIGNATURE_INDENT, max(0.0, FRAME_WIDTH - label_w - dots_w - role_w))
        role_w = FRAME_WIDTH - indent - label_w - dots_w
        axis = indent + label_w + dots_w / 2.0

        def centred(text: str) -> Flowable:
            # Centred on the dotted line; as wide as the page allows on both sides of it.
            return self.para(
                text,
                "centre",
                leftIndent=max(0.0, 2 * axis - FRAME_WIDTH),
                rightIndent=max(0.0, FRAME_WIDTH - 2 * axis),
            )

        leading = get_style("body").leading
        block: list[Flowable] = []
        if closing:
            block += [Spacer(1, leading * 0.5), centred(closing)]
        block.append(Spacer(1, leading * space_before))
        if letter:
            block.append(Spacer(1, leading * 2.0))  # the signature itself, by hand
        else:
            block.append(self._signature_row(role, indent, label, label_w, dots_w, role_w))
        name = f"({signatory.name})" if signatory.name else f"({_dots_for(dots_w * 0.8)})"
        block.append(centred(name))
        if signatory.position:
            block.append(centred(signatory.position))
        block.extend(centred(line) for line in after)
        if contact:
            block.append(Spacer(1, leading * 1.5))
            block.extend(self.para(line, "body") for line in contact)
        self.add(SignatureBlock(block))

    def _signature_row(
        self, role: str, indent: float, label: str, label_w: float, dots_w: float, role_w: float
    ) -> Table:
        """``(ลงชื่อ) ........ <role>`` on one row."""
        row = [
            "",
            self.para(label, "table"),
            self.para(_dots_for(dots_w - 2 * CELL_PAD_X), "table_centre"),
            self.para(role, "table") if role else "",
        ]
        table = Table([row], colWidths=[indent, label_w, dots_w, role_w], hAlign="LEFT")
        table.setStyle(
            _table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (2, 0), (3, -1), CELL_PAD_X),
                    ("RIGHTPADDING", (2, 0), (2, -1), CELL_PAD_X),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def letter_opening(self, doc: Any, subject: str) -> None:
        """Head, ``เรื่อง`` and ``เรียน`` of an official letter; ``doc`` has ``issuer``,
        ``reference_no``, ``issued_on`` and ``addressee`` (invitation, referral letter)."""
        issuer_lines = [doc.issuer.name]
        if doc.issuer.locality:
            issuer_lines.append(doc.issuer.locality)
        self.letter_head(
            reference_no=doc.reference_no, issuer_lines=issuer_lines, issued_on=doc.issued_on
        )
        self.labelled("เรื่อง", subject, bold_label=False)
        self.line_space(0.3)
        self.labelled("เรียน", doc.addressee, bold_label=False)

    def letter_head(
        self, *, reference_no: str | None, issuer_lines: Sequence[str], issued_on: dt.date
    ) -> None:
        """The head of an official letter: ``ที่ ...`` on the left, the issuing center on the
        right, then the date."""
        left = f"ที่ {reference_no}" if reference_no else f"ที่ {SHORT_DOTS}"
        right = [self.para(line, "body") for line in issuer_lines]
        head = Table(
            [[self.para(left, "body"), right]],
            colWidths=[LETTER_DATE_INDENT, FRAME_WIDTH - LETTER_DATE_INDENT],
            hAlign="LEFT",
        )
        head.setStyle(
            _table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.add(head)
        self.line_space(0.5)
        self.add(self.para(date_text(issued_on), "letter_date"))
        self.line_space(0.5)


def contact_lines(issuer: Issuer) -> tuple[str, ...]:
    """The contact block at the foot of an official letter (ระเบียบงานสารบรรณ): the office that
    owns the matter and its telephone, dotted to be written in when the center has none."""
    phone = issuer.phone or SHORT_DOTS
    return (issuer.name, f"โทร. {phone}")


def _table_style(commands: Sequence[tuple[object, ...]]) -> TableStyle:
    """``commands`` after one that sets the document font for plain-string cells: an empty cell
    is a string, and ReportLab would otherwise add Helvetica, unused and not embedded, to the
    PDF for it."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), get_style("body").fontName), *commands])


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


def _dots_for(width: float) -> str:
    """As many dots as fill ``width`` points of body text."""
    from justice_desk.documents.shaping import shape

    body = get_style("body")
    dot = shape(".", body.fontName).width(body.fontSize)
    return "." * max(3, int(width / dot))


@cache
def _space_width() -> float:
    from justice_desk.documents.shaping import shape

    body = get_style("body")
    return shape(" ", body.fontName).width(body.fontSize)


def text_width(text: str, *, bold: bool = False) -> float:
    """Width of ``text`` on one line in the body font (shaped)."""
    from justice_desk.documents.fonts import register_fonts
    from justice_desk.documents.shaping import shape

    choice = register_fonts()
    body = get_style("body")
    font = choice.bold if bold else choice.regular
    return shape(text, font).width(body.fontSize)


def _label_width(label: str, bold: bool) -> float:
    return text_width(label, bold=bold)
