"""Thai paragraphs for ReportLab: shaped, broken between words only, safe to split.

ReportLab has no Thai line breaking (it breaks inside words) and its shaped paragraphs break
when laid out a second time (split across pages, in table cells). :class:`ThaiParagraph` is a
flowable that does its own layout:

* the markup is parsed with ReportLab's own paragraph parser (``<b>``, ``<i>``, ``<u>``,
  ``<strike>``, ``<font size color>``, ``<br/>``, entities), fonts resolved through the
  registered family;
* the text is cut into words by PyThaiNLP ``newmm``; a line may break at a space or between two
  Thai words, never inside a word, so never between a letter and its marks; nothing is inserted
  at a break opportunity, so it leaves no gap;
* every piece is shaped by HarfBuzz from the original characters (``shaping.py``) and measured
  with its shaped advance;
* splitting keeps the original, unshaped pieces, so each part is shaped afresh from the source
  text wherever it lands (no re-shaping of shaped glyphs).

A word wider than the whole line (a narrow table column) is cut between Thai character
clusters, which still never separates a letter from its marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paraparser import ParaParser

from justice_desk.documents import options, segment
from justice_desk.documents._reportlab_compat import ShapedStr
from justice_desk.documents.fonts import register_fonts
from justice_desk.documents.shaping import ShapedRun, concat, shape

__all__ = [
    "PlainCell",
    "ThaiParagraph",
    "draw_shaped_string",
    "escape",
    "plain_cell",
    "thai_digits",
    "thai_paragraph",
]

# Widths are compared with this tolerance (points): float noise must not push a word over.
_EPS = 1e-3
_WHITESPACE = " \t\r\n\f\v"
# Characters that must not begin a line when they follow a Thai word directly (ๆ ฯ, following
# vowels, closing punctuation) and characters that must not end one (leading vowels, openers).
_NO_LINE_START = set("ๆฯะาำๅ)]}»”’,.:;!?%")
_NO_LINE_END = set("เแโใไ([{«“‘")
# Prefixes that make one word with what follows even where the dictionary has two:
# ``ผู้|ร้อง`` (complainant) split over two lines reads as two words.
_BOUND_PREFIXES = frozenset({"ผู้"})
# Administrative prefixes written together with their place's name (``อำเภอเมืองเชียงใหม่``,
# ``ตำบลแม่เหียะ``): a line break between them reads as a word and a name apart.
_PLACE_PREFIXES = frozenset({"ตำบล", "อำเภอ", "จังหวัด", "แขวง", "เขต"})
# Words that name the number after them (``พ.ศ. 2562``, ``มาตรา 20``, ``หมู่ที่ 4``): the
# space between them is no place for a line break.
_BEFORE_NUMBER = frozenset(
    "พ.ศ. ค.ศ. พุทธศักราช มาตรา วรรค ข้อ หมู่ที่ เลขที่ บ้านเลขที่ ครั้งที่ ฉบับที่ วันที่ ที่ โทร. โทรศัพท์ เวลา".split()
)
# Words the dictionary gives apart that a reader sees as one (``บ้าน|เลขที่``, ``หมู่|ที่``,
# ``งวด|ที่``): a line break between them cuts the word that numbers what follows.
_COMPOUNDS = frozenset(
    {("บ้าน", "เลขที่"), ("บ้าน", "เลข"), ("เลข", "ที่"), ("เลขที่", "รับ")}
    | {(w, "ที่") for w in ("หมู่", "ครั้ง", "ฉบับ", "งวด", "ลำดับ", "ชั้น", "ห้อง")}
)
# After a space, only the repetition mark must stay with the word before it ("ไป ๆ").
_NO_START_AFTER_SPACE = set("ๆ")
# Words a line must not end with: ``ณ`` (at) and ``จาก`` (from) belong to what follows.
_NO_LINE_END_WORDS = frozenset({"ณ", "จาก"})
_MONTHS = frozenset(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม "
    "พฤศจิกายน ธันวาคม ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()
)
# Units that stay on the line of the number before them ("300,000 บาท", "10 งวด", "๘ เรื่อง").
_UNITS = _MONTHS | frozenset(
    "บาท สตางค์ งวด เรื่อง คน ราย ครั้ง วัน เดือน ปี ฉบับ เสียง ชุด แห่ง ท่าน หลัง ครัวเรือน "
    "ไร่ งาน ตารางวา เมตร กิโลเมตร ชั่วโมง นาที น ข้อ ตัว ต้น หมู่บ้าน ชม. กม. ลิตร กิโลกรัม".split()
)
# Thai numerals in words ("สองหมื่นบาทถ้วน"): an amount in words is never cut.
_NUMBER_WORDS = frozenset(
    "หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า สิบ ยี่ ยี่สิบ เอ็ด ร้อย พัน หมื่น แสน ล้าน บาท ถ้วน สตางค์ ศูนย์".split()
)
_NUMBER_WORDS_LONGEST_FIRST = tuple(sorted(_NUMBER_WORDS, key=len, reverse=True))
_DIGITS = set("0123456789๐๑๒๓๔๕๖๗๘๙")
# Justification (see _distributed): the most a place between two touching words may widen, in
# ems (text extractors read about a tenth of an em as a word space), and how far a real space
# may grow, as a multiple of its own width.
_WORD_GAP_EM = 0.1
# Clusters after which no gap is added inside a word: the lakkhangyao of ``ฤๅ``/``ฦๅ`` already
# ends in a wide side bearing, and with a tenth of an em more pypdf reads ``ฤๅ ษี`` as two words.
_NO_GAP_AFTER = ("\u0e45",)
_SPACE_GROWTH = 2.5


def thai_digits(text: str) -> str:
    """``text`` with Arabic digits replaced by Thai digits (``2569`` -> ``๒๕๖๙``)."""
    return segment.thai_digits(text)


def escape(text: str) -> str:
    """Make plain text (a name, a case title) safe to put inside paragraph markup."""
    return _xml_escape(text)


@dataclass(frozen=True, slots=True)
class _RunStyle:
    font_name: str
    font_size: float
    color: Any
    underline: bool
    strike: bool

    @property
    def key(self) -> tuple[Any, ...]:
        rgba = self.color.rgba() if isinstance(self.color, Color) else self.color
        return (self.font_name, self.font_size, rgba, self.underline, self.strike)


@dataclass(frozen=True, slots=True)
class _Span:
    text: str
    style: _RunStyle

    def shaped(self) -> ShapedRun:
        return shape(self.text, self.style.font_name)

    def width(self) -> float:
        return self.shaped().width(self.style.font_size)


def _spans_width(spans: Iterable[_Span]) -> float:
    return sum(s.width() for s in spans)


@dataclass(frozen=True, slots=True)
class _Unit:
    """Text between two break opportunities; ``glue`` (spaces) is dropped at a line start."""

    glue: tuple[_Span, ...]
    body: tuple[_Span, ...]
    glue_width: float = field(init=False)
    body_width: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "glue_width", _spans_width(self.glue))
        object.__setattr__(self, "body_width", _spans_width(self.body))

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.body)


@dataclass(frozen=True, slots=True)
class _Line:
    segment: int
    start: int
    units: tuple[_Unit, ...]
    width: float
    indent: float


# ---------------------------------------------------------------------------------------------
# markup -> segments of units


def _run_style(frag: Any, default_color: Any) -> _RunStyle:
    kinds = {str(line[1]).lower() for line in (getattr(frag, "us_lines", None) or [])}
    return _RunStyle(
        font_name=frag.fontName,
        font_size=float(frag.fontSize),
        color=getattr(frag, "textColor", None) or default_color,
        underline="underline" in kinds,
        strike="strike" in kinds,
    )


def _parse(text: str, style: ParagraphStyle, digits: bool) -> list[list[_Span]]:
    """Markup -> hard lines (split at ``<br/>``) of spans with whitespace collapsed."""
    parser = ParaParser()
    _, frags, _ = parser.parse(text, style)
    if frags is None:
        raise ValueError(f"cannot parse paragraph markup: {text[:80]!r}")
    default_color = getattr(style, "textColor", black)
    segments: list[list[tuple[str, _RunStyle]]] = [[]]
    for frag in frags:
        if getattr(frag, "lineBreak", False):
            segments.append([])
            continue
        if getattr(frag, "cbDefn", None) is not None:
            continue  # images, anchors, index entries: not supported in Thai paragraphs
        piece = frag.text or ""
        if digits:
            piece = thai_digits(piece)
        run_style = _run_style(frag, default_color)
        current = segments[-1]
        for ch in piece:
            if ch in _WHITESPACE:
                # Collapse runs of whitespace to one space and drop it at a hard line start,
                # as Paragraph does; NBSP (entity &nbsp;) is kept and never breaks.
                if not current or current[-1][0] == " ":
                    continue
                ch = " "
            current.append((ch, run_style))
    result: list[list[_Span]] = []
    for chars in segments:
        while chars and chars[-1][0] == " ":
            chars.pop()
        spans: list[_Span] = []
        for ch, run_style in chars:
            if spans and spans[-1].style is run_style:
                spans[-1] = _Span(spans[-1].text + ch, run_style)
            else:
                spans.append(_Span(ch, run_style))
        result.append(spans)
    return result


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def _glued_at_space(before: str, after: str) -> bool:
    """Is the space between the words ``before`` and ``after`` no place for a line break?

    A number stays with its unit and a day with its month (``300,000 บาท``, ``27 ตุลาคม``), a
    month with its year (``พฤษภาคม 2568``), and ``ณ`` or ``จาก`` with what follows them."""
    if not before or not after:
        return False
    if before[-1] in _DIGITS and (after in _UNITS or after.rstrip(".") in _UNITS):
        return True
    if before in _MONTHS and after[0] in _DIGITS:
        return True
    if before in _BEFORE_NUMBER and after[0] in _DIGITS:
        return True
    return before in _NO_LINE_END_WORDS


def _glued_touching(before: str, after: str) -> bool:
    """Must two words written together stay on one line (``จาก|นาย…``, ``สอง|หมื่น|บาท``)?"""
    if before in _BOUND_PREFIXES or before in _NO_LINE_END_WORDS or before in _PLACE_PREFIXES:
        return True
    if (before, after) in _COMPOUNDS:
        return True
    return _number_words(before) and _number_words(after)


@lru_cache(maxsize=4096)
def _number_words(token: str) -> bool:
    """Is ``token`` made only of numerals in words? The dictionary holds some of their
    compounds as one word (``ร้อยห้าสิบ``, ``สามสิบ``), which must glue like the parts."""
    at = 0
    while at < len(token):
        step = next((len(w) for w in _NUMBER_WORDS_LONGEST_FIRST if token.startswith(w, at)), 0)
        if not step:
            return False
        at += step
    return bool(token)


def _may_break_between(before: str, after: str) -> bool:
    """May a line break between two words that touch (no space between them)?"""
    if not (_is_thai(before) and _is_thai(after)):
        # Latin words, numbers, dates like 1/2569 and times like 09.30 stay whole.
        return False
    if after in _NO_LINE_START or unicodedata.category(after) == "Mn":
        return False
    return before not in _NO_LINE_END


def _slice(
    spans: Sequence[_Span], offsets: Sequence[int], start: int, end: int
) -> tuple[_Span, ...]:
    out: list[_Span] = []
    for span, s0 in zip(spans, offsets, strict=True):
        s1 = s0 + len(span.text)
        a, b = max(start, s0), min(end, s1)
        if a < b:
            out.append(_Span(span.text[a - s0 : b - s0], span.style))
    return tuple(out)


def _protected(text: str, keep_whole: Sequence[str]) -> set[int]:
    """Offsets inside any of the ``keep_whole`` phrases where ``text`` holds them.

    A dictionary segmenter cuts names it does not know into dictionary words (``ปั้นทอง`` ->
    ``ปั้น|ทอง``); a surname split over two lines reads as two words, and a title and given
    name on one line with the surname on the next reads as two people. The space between a
    given name and a surname is protected too: a name is broken there only when it is longer
    than a whole line (see :func:`_split_unit`).
    """
    inside: set[int] = set()
    for phrase in keep_whole:
        phrase = " ".join(phrase.split())
        if len(phrase) < 2:
            continue
        at = text.find(phrase)
        while at >= 0:
            inside.update(range(at + 1, at + len(phrase)))
            at = text.find(phrase, at + 1)
        for word in phrase.split():
            if len(word) < 2:
                continue
            at = text.find(word)
            while at >= 0:
                inside.update(range(at + 1, at + len(word)))
                at = text.find(word, at + 1)
    return inside


def _units(spans: list[_Span], keep_whole: Sequence[str] = ()) -> list[_Unit]:
    """Cut one hard line into units between break opportunities."""
    text = "".join(s.text for s in spans)
    if not text:
        return []
    inside = _protected(text, keep_whole) if keep_whole else set()
    offsets = []
    pos = 0
    for span in spans:
        offsets.append(pos)
        pos += len(span.text)

    bounds: list[tuple[int, int, int]] = []  # (glue start, body start, body end)
    glue_start = body_start = 0
    body_end = -1
    space: tuple[int, int] | None = None
    pos = 0
    previous = ""
    for token in segment.words(text):
        start, end = pos, pos + len(token)
        pos = end
        if token.strip(" ") == "":
            space = (start, end)
            continue
        after, previous = previous, token
        if body_end < 0:
            body_start, body_end = start, end
            space = None
            continue
        if space is not None:
            if (
                token[0] in _NO_START_AFTER_SPACE
                or space[0] in inside
                or _glued_at_space(after, token)
            ):
                body_end = end
            else:
                bounds.append((glue_start, body_start, body_end))
                glue_start, body_start, body_end = space[0], start, end
            space = None
        elif (
            start not in inside
            and not _glued_touching(after, token)
            and _may_break_between(text[body_end - 1], text[start])
        ):
            bounds.append((glue_start, body_start, body_end))
            glue_start, body_start, body_end = start, start, end
        else:
            body_end = end
    if body_end >= 0:
        bounds.append((glue_start, body_start, body_end))
    return [_Unit(_slice(spans, offsets, g, b), _slice(spans, offsets, b, e)) for g, b, e in bounds]


def _split_unit(unit: _Unit, avail: float) -> tuple[_Unit, _Unit] | None:
    """Cut a unit wider than a whole line: at the last space inside it that leaves a head
    fitting the line (a long name between given name and surname, a number and its unit),
    else between Thai character clusters."""
    text = unit.text
    offsets = []
    pos = 0
    for span in unit.body:
        offsets.append(pos)
        pos += len(span.text)
    spaces = [i for i, ch in enumerate(text) if ch == " " and 0 < i < len(text) - 1]
    for at in reversed(spaces):
        if _spans_width(_slice(unit.body, offsets, 0, at)) <= avail + _EPS:
            head = _Unit(unit.glue, _slice(unit.body, offsets, 0, at))
            tail = _Unit(
                _slice(unit.body, offsets, at, at + 1),
                _slice(unit.body, offsets, at + 1, len(text)),
            )
            return head, tail
    clusters = segment.tcc_clusters(text)
    if len(clusters) < 2:
        return None
    cut = 0
    best = 0
    for cluster in clusters[:-1]:
        cut += len(cluster)
        if _spans_width(_slice(unit.body, offsets, 0, cut)) > avail + _EPS:
            break
        best = cut
    if best == 0:
        best = len(clusters[0])  # one cluster always goes on the line, even if it overflows
    head = _Unit(unit.glue, _slice(unit.body, offsets, 0, best))
    tail = _Unit((), _slice(unit.body, offsets, best, len(text)))
    return head, tail


def _layout(
    segments: Sequence[Sequence[_Unit]], width: float, first_indent: float
) -> tuple[list[_Line], list[list[_Unit]]]:
    """Greedy line filling; also returns the units actually used (with long words cut)."""
    lines: list[_Line] = []
    used: list[list[_Unit]] = []
    first = True
    for si, seg in enumerate(segments):
        derived: list[_Unit] = []
        queue = deque(seg)
        current: list[_Unit] = []
        current_width = 0.0
        start = 0
        indent = first_indent if first else 0.0
        while queue:
            unit = queue.popleft()
            avail = width - indent
            if current:
                w = current_width + unit.glue_width + unit.body_width
                if w <= avail + _EPS:
                    current.append(unit)
                    derived.append(unit)
                    current_width = w
                    continue
                lines.append(_Line(si, start, tuple(current), current_width, indent))
                first = False
                indent = 0.0
                avail = width
                current = []
                start = len(derived)
            if unit.body_width > avail + _EPS:
                parts = _split_unit(unit, avail)
                if parts is not None:
                    unit = parts[0]
                    queue.appendleft(parts[1])
            current = [unit]
            derived.append(unit)
            current_width = unit.body_width
        lines.append(_Line(si, start, tuple(current), current_width, indent))
        first = False
        used.append(derived)
    return lines, used


# ---------------------------------------------------------------------------------------------
# the flowable


class ThaiParagraph(Flowable):  # type: ignore[misc]  # ReportLab ships no type hints
    """A paragraph of Thai text (with simple markup) laid out between words.

    ``text`` is markup like a ReportLab ``Paragraph``: escape user data with :func:`escape`.
    ``style`` uses ``fontName`` (a registered family, see ``fonts.register_fonts``),
    ``fontSize``, ``leading``, ``textColor``, ``firstLineIndent``, ``leftIndent``,
    ``rightIndent``, ``alignment`` (left, centre, right, justified: Thai distributed, see
    :func:`_distributed`, the last line of a paragraph flush left), ``spaceBefore``, ``spaceAfter``,
    ``allowOrphans`` and ``allowWidows``. ``thai_digits`` prints 0-9 as ๐-๙. ``keep_whole``
    lists phrases (people's and places' names) whose words are never cut between lines even
    where the dictionary sees two words in one.
    """

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        thai_digits: bool = False,
        keep_whole: Sequence[str] = (),
        _segments: list[list[_Unit]] | None = None,
        _first_indent: float | None = None,
    ) -> None:
        super().__init__()
        register_fonts()
        self.style = style
        self.text = text
        self.thai_digits = thai_digits
        if _segments is None:
            if thai_digits:
                keep_whole = [segment.thai_digits(k) for k in keep_whole]
            _segments = [_units(spans, keep_whole) for spans in _parse(text, style, thai_digits)]
        self._segments = _segments
        self._first_indent = (
            float(style.firstLineIndent) if _first_indent is None else _first_indent
        )
        self._layouts: dict[float, tuple[list[_Line], list[list[_Unit]]]] = {}
        self._lines: list[_Line] = []
        self._wrapped_width: float | None = None
        self.width = 0.0
        self.height = 0.0

    # -- information ---------------------------------------------------------------------------

    @property
    def plain_text(self) -> str:
        """The text as printed, without markup (hard line breaks as newlines)."""
        return "\n".join(
            "".join(
                ("".join(s.text for s in u.glue) if i else "") + u.text for i, u in enumerate(seg)
            )
            for seg in self._segments
        )

    def identity(self, maxLen: int | None = None) -> str:  # noqa: N803 - ReportLab's signature
        text = self.plain_text.replace("\n", " ")
        if maxLen:
            text = text[:maxLen]
        return f"<ThaiParagraph {text!r}>"

    def __repr__(self) -> str:
        return self.identity(60)

    def minWidth(self) -> float:  # noqa: N802 - ReportLab's protocol (Table column sizing)
        """Width of the widest word: the narrowest column that breaks only between words."""
        widest = max((u.body_width for seg in self._segments for u in seg), default=0.0)
        return widest + float(self.style.leftIndent) + float(self.style.rightIndent)

    # -- layout --------------------------------------------------------------------------------

    def _text_width(self, avail_width: float) -> float:
        style = self.style
        return max(float(avail_width - style.leftIndent - style.rightIndent), 1.0)

    def _layout_for(self, avail_width: float) -> tuple[list[_Line], list[list[_Unit]]]:
        width = self._text_width(avail_width)
        key = round(width, 3)
        cached = self._layouts.get(key)
        if cached is None:
            cached = _layout(self._segments, width, self._first_indent)
            self._layouts[key] = cached
        return cached

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._lines, _ = self._layout_for(availWidth)
        self._wrapped_width = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self._wrapped_width is not None and self._wrapped_width < availWidth:
            # ReportLab's Table (splitInRow) wraps a cell at the column width minus the cell
            # padding but splits it at the full column width; laid out at that width the first
            # part would need more lines than its row has. A narrower layout is always safe:
            # its lines only get shorter when drawn wider.
            availWidth = self._wrapped_width
        lines, used = self._layout_for(availWidth)
        leading = self.style.leading
        fit = int((availHeight + _EPS) // leading) if leading > 0 else len(lines)
        if fit >= len(lines):
            return [self]
        if fit <= 0:
            return []
        if fit == 1 and not getattr(self.style, "allowOrphans", 0):
            return []
        if len(lines) - fit == 1 and not getattr(self.style, "allowWidows", 1):
            fit -= 1
            if fit <= 0 or (fit == 1 and not getattr(self.style, "allowOrphans", 0)):
                return []
        at = lines[fit]
        head = [list(seg) for seg in used[: at.segment]]
        if at.start:
            head.append(list(used[at.segment][: at.start]))
        tail = [list(used[at.segment][at.start :])] + [list(seg) for seg in used[at.segment + 1 :]]
        first = ThaiParagraph(
            self.text,
            self.style,
            thai_digits=self.thai_digits,
            _segments=head,
            _first_indent=self._first_indent,
        )
        second = ThaiParagraph(
            self.text,
            self.style,
            thai_digits=self.thai_digits,
            _segments=tail,
            _first_indent=0.0,
        )
        first.spaceAfter = 0
        second.spaceBefore = 0
        if hasattr(self, "spaceBefore"):
            first.spaceBefore = self.spaceBefore
        if hasattr(self, "spaceAfter"):
            second.spaceAfter = self.spaceAfter
        return [first, second]

    # -- drawing -------------------------------------------------------------------------------

    def _baseline_offset(self) -> float:
        """Distance from the top of a line box to its baseline: the font's ascent-descent box
        centred in the line, so stacked marks of the first line stay inside the paragraph."""
        style = self.style
        size = float(style.fontSize)
        ascent, descent = pdfmetrics.getAscentDescent(style.fontName, size)
        return float((style.leading - (ascent - descent)) / 2.0 + ascent)

    def draw(self) -> None:
        canv = self.canv
        style = self.style
        leading = style.leading
        offset = self._baseline_offset()
        inner = self._text_width(self.width)
        for i, line in enumerate(self._lines):
            if not line.units:
                continue
            x = style.leftIndent + line.indent
            if style.alignment == TA_CENTER:
                x += (inner - line.indent - line.width) / 2.0
            elif style.alignment == TA_RIGHT:
                x += inner - line.indent - line.width
            baseline = self.height - i * leading - offset
            spans = _line_spans(line)
            extras: list[tuple[float, dict[int, float]]] | None = None
            last_of_segment = (
                i + 1 == len(self._lines) or self._lines[i + 1].segment != line.segment
            )
            if style.alignment == TA_JUSTIFY and options.justify() and not last_of_segment:
                extras = _distributed(line, inner - line.indent - line.width, style)
            _draw_spans(canv, x, baseline, spans, leading, extras)


def set_justify(on: bool) -> None:
    """Justify body paragraphs (styles with ``TA_JUSTIFY``: Thai distributed, the default) or
    print them flush left (``justice-desk print --ragged``, Settings); see ``options``."""
    options.set_justify(on)


def justify() -> bool:
    return options.justify()


def _distributed(
    line: _Line, extra: float, style: ParagraphStyle
) -> list[tuple[float, dict[int, float]]] | None:
    """Where to add the ``extra`` points that make ``line`` reach the right margin, the way
    Thai official documents are justified (Word's Thai distributed): for every span of the line
    (as ``_line_spans`` lists them) the points after it and at offsets inside it.

    The space is first shared evenly between all places: the character clusters inside words,
    the places between two words written together and the real spaces, each getting at most
    :data:`_WORD_GAP_EM` of an em (less than text extractors read as a space, so copied text
    gains no spaces). What is left goes to the real spaces, each growing to at most
    :data:`_SPACE_GROWTH` times its width; a line needing more than that stays a little short.
    """
    if extra <= _EPS:
        return None
    size = float(style.fontSize)
    spans = _line_spans(line)
    result: list[tuple[float, dict[int, float]]] = [(0.0, {}) for _ in spans]
    # Which spans hold a unit's space, and which end a unit followed by a touching word.
    space_spans: list[int] = []
    word_ends: list[int] = []
    position = -1
    for k, unit in enumerate(line.units):
        if k:
            if unit.glue:
                space_spans.extend(range(position + 1, position + 1 + len(unit.glue)))
                position += len(unit.glue)
            elif position >= 0:
                word_ends.append(position)
        position += len(unit.body)
    # Inside words: between character clusters of every span that is not a space.
    inner: list[tuple[int, int]] = []
    for i, span in enumerate(spans):
        if i in space_spans or not span.text.strip():
            continue
        offset = 0
        clusters = segment.tcc_clusters(span.text)
        for cluster in clusters[:-1]:
            offset += len(cluster)
            if cluster.endswith(_NO_GAP_AFTER):
                continue
            inner.append((i, offset))
    # Evenly first: every place (clusters, word boundaries, spaces) gets the same small gap.
    places = len(word_ends) + len(inner) + len(space_spans)
    gap = min(_WORD_GAP_EM * size, extra / places) if places else 0.0
    for i in word_ends:
        result[i] = (result[i][0] + gap, result[i][1])
    for i, offset in inner:
        result[i][1][offset] = gap
    rest = extra - gap * places
    # Then the spaces take what is left, each up to _SPACE_GROWTH times its width.
    spaces_width = sum(spans[i].width() for i in space_spans)
    grow = min(max(rest, 0.0), spaces_width * _SPACE_GROWTH)
    for i in space_spans:
        share = grow * spans[i].width() / spaces_width if spaces_width > 0 else 0.0
        result[i] = (result[i][0] + gap + share, result[i][1])
    return result


def _line_spans(line: _Line) -> list[_Span]:
    spans: list[_Span] = []
    for i, unit in enumerate(line.units):
        if i:
            spans.extend(unit.glue)
        spans.extend(unit.body)
    return spans


def _stretched(
    run: ShapedRun, after: float, inner: dict[int, float], font_size: float
) -> ShapedRun:
    """``run`` with ``after`` more points of advance after its last glyph and ``inner[o]``
    after the last glyph of the text before offset ``o`` (justification)."""
    data = list(run.glyphs.__shapeData__)
    if not data:
        return run
    scale = 1000.0 / font_size
    added = 0.0
    for offset, points in inner.items():
        # The last glyph whose cluster starts before the offset (Thai runs left to right).
        last = max((g for g, d in enumerate(data) if d.cluster < offset), default=None)
        if last is not None and last + 1 < len(data):
            data[last] = data[last]._replace(x_advance=data[last].x_advance + points * scale)
            added += points * scale
    if after:
        data[-1] = data[-1]._replace(x_advance=data[-1].x_advance + after * scale)
        added += after * scale
    glyphs = ShapedStr(str(run.glyphs), shapeData=data)
    return replace(run, glyphs=glyphs, advance=run.advance + added)


def _draw_spans(
    canv: Any,
    x: float,
    baseline: float,
    spans: Sequence[_Span],
    leading: float,
    extras: Sequence[tuple[float, dict[int, float]]] | None = None,
) -> float:
    """Draw spans as one text object starting at (x, baseline); return the width drawn.
    ``extras``: space to add after and inside each span (justified lines, `_distributed`)."""
    groups: list[tuple[_RunStyle, list[ShapedRun]]] = []
    for k, span in enumerate(spans):
        if not span.text:
            continue
        run = span.shaped()
        if extras is not None and k < len(extras) and (extras[k][0] > 0 or extras[k][1]):
            run = _stretched(run, extras[k][0], extras[k][1], span.style.font_size)
        if groups and groups[-1][0].key == span.style.key:
            groups[-1][1].append(run)
        else:
            groups.append((span.style, [run]))
    tx = canv.beginText(x, baseline)
    decorations: list[tuple[_RunStyle, float, float]] = []
    cursor = x
    color_key: Any = None
    for run_style, runs in groups:
        tx.setFont(run_style.font_name, run_style.font_size, leading)
        key = run_style.key[2]
        if key != color_key:
            tx.setFillColor(run_style.color)
            color_key = key
        # Consecutive runs in one BT/ET: the PDF cursor advances by the shaped advances, so
        # pieces join with no gap and readers see one line of text.
        tx.textOut(concat(runs))
        width = sum(r.width(run_style.font_size) for r in runs)
        if run_style.underline or run_style.strike:
            decorations.append((run_style, cursor, width))
        cursor += width
    # Readers that rebuild text from glyph positions (poppler's pdftotext, Acrobat) reorder
    # zero-width Thai marks that sit at the same x as the next letter ("สู่ก" -> "สูก่").
    # An ActualText span tells them what the line says; readers that ignore it (pypdf) use
    # the ToUnicode map, which is in logical order.
    actual = "".join(span.text for span in spans)
    canv.addLiteral(f"/Span <</ActualText <FEFF{actual.encode('utf-16-be').hex().upper()}>>> BDC")
    canv.drawText(tx)
    canv.addLiteral("EMC")
    for run_style, x0, width in decorations:
        size = run_style.font_size
        canv.saveState()
        canv.setStrokeColor(run_style.color)
        canv.setLineWidth(size * 0.05)
        if run_style.underline:
            # Below the lower vowels (ุ ู) so the line does not cut through them.
            y = baseline - size * 0.28
            canv.line(x0, y, x0 + width, y)
        if run_style.strike:
            y = baseline + size * 0.28
            canv.line(x0, y, x0 + width, y)
        canv.restoreState()
    return cursor - x


#: Text a table cell may print as a plain string: figures (Arabic or Thai digits, separators,
#: a percent sign, a dash) and codes of Latin letters, in single-spaced pieces.
_PLAIN = re.compile(r"[0-9A-Za-z๐-๙.,%+\-–/]+( [0-9A-Za-z๐-๙.,%+\-–/]+)*")


@lru_cache(maxsize=8192)
def _placed_plainly(text: str, font_name: str) -> bool:
    """Whether HarfBuzz places ``text`` as a plain string is drawn: each glyph its own
    character's, at that character's advance, nothing moved (no mark, no kerning pair)."""
    run = shape(text, font_name)
    if str(run.glyphs) != text:
        return False
    return all(
        abs(d.x_advance - d.width) < 1e-6 and not (d.x_offset or d.y_offset or d.y_advance)
        for d in run.glyphs.__shapeData__
    )


class PlainCell(Flowable):  # type: ignore[misc]  # ReportLab ships no type hints
    """One line of a table cell drawn as a plain string: a figure or a code
    (:func:`plain_cell` says which text may be).

    Digits, separators and Latin letters placed exactly as HarfBuzz places them need none of
    what :class:`ThaiParagraph` does (parsing markup, finding words, shaping, positioning each
    glyph): a report of 250 centers prints some 20,000 such cells, and making and drawing each
    as a paragraph was most of its time. Placed as a one-line :class:`ThaiParagraph` is (the
    same baseline, indents and alignment) and never narrower than its text (``minWidth``: the
    table makes its column that wide)."""

    def __init__(
        self, text: str, style: ParagraphStyle, font_name: str, text_width: float | None = None
    ) -> None:
        super().__init__()
        self.style = style
        self.text = text
        self.font_name = font_name
        self.text_width = (
            pdfmetrics.stringWidth(text, font_name, style.fontSize)
            if text_width is None
            else text_width
        )
        self.width = 0.0
        self.height = 0.0

    def copy(self) -> PlainCell:
        """The same cell for another table (a flowable is laid out where it is placed)."""
        return PlainCell(self.text, self.style, self.font_name, self.text_width)

    @property
    def plain_text(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"<PlainCell {self.text!r}>"

    def minWidth(self) -> float:  # noqa: N802 - ReportLab's protocol (Table column sizing)
        return float(self.text_width + self.style.leftIndent + self.style.rightIndent)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = float(self.style.leading)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return [self] if availHeight + _EPS >= self.style.leading else []

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        # Drawn where it is, in one text object: no translation of the whole canvas for each
        # of 20,000 cells (``Flowable.drawOn``), the state kept around it all the same.
        self.canv = canvas
        canvas.saveState()
        self._draw_at(x, y)
        canvas.restoreState()
        del self.canv

    def draw(self) -> None:
        self._draw_at(0.0, 0.0)

    def _draw_at(self, left: float, bottom: float) -> None:
        style = self.style
        size = float(style.fontSize)
        ascent, descent = pdfmetrics.getAscentDescent(style.fontName, size)
        baseline = self.height - float((style.leading - (ascent - descent)) / 2.0 + ascent)
        inner = max(float(self.width - style.leftIndent - style.rightIndent), 1.0)
        x = float(style.leftIndent)
        if style.alignment == TA_CENTER:
            x += (inner - self.text_width) / 2.0
        elif style.alignment == TA_RIGHT:
            x += inner - self.text_width
        text = self.canv.beginText(left + x, bottom + baseline)
        text.setFont(self.font_name, size, style.leading)
        text.setFillColor(style.textColor)
        text.textOut(self.text)
        self.canv.drawText(text)


def plain_cell(
    text: str, style: ParagraphStyle, *, bold: bool = False, thai_digits: bool = False
) -> PlainCell | None:
    """``text`` as a :class:`PlainCell` in ``style`` (bold: its family's bold face), or
    ``None`` when it must be a :class:`ThaiParagraph`: anything but figures and codes, or text
    the font kerns or marks."""
    from reportlab.lib.fonts import tt2ps

    if _PLAIN.fullmatch(text) is None:
        return None
    register_fonts()
    font_name = tt2ps(style.fontName, 1, 0) if bold else style.fontName
    if thai_digits:
        text = segment.thai_digits(text)
    return PlainCell(text, style, font_name) if _placed_plainly(text, font_name) else None


def thai_paragraph(
    text: str,
    style: str | ParagraphStyle = "body",
    *,
    markup: bool = False,
    thai_digits: bool = False,
    keep_whole: Sequence[str] = (),
    **overrides: Any,
) -> ThaiParagraph:
    """A :class:`ThaiParagraph` of ``text`` in a standard style (``styles.STYLE_NAMES``) or a
    ``ParagraphStyle``.

    ``text`` is plain text unless ``markup`` is true: plain text is printed as it is, and its
    newlines start new lines. With ``markup`` ``<b>``, ``<i>``, ``<u>``, ``<br/>`` etc. apply
    and user data must be escaped with :func:`escape`. ``keep_whole``: names whose words must
    not be cut (see :class:`ThaiParagraph`). ``overrides`` change style attributes for this
    paragraph only, e.g. ``firstLineIndent=0`` or ``spaceAfter=6``.
    """
    from justice_desk.documents.styles import get_style

    base = get_style(style) if isinstance(style, str) else style
    if overrides:
        base = ParagraphStyle(f"{base.name}+", parent=base, **overrides)
    if not markup:
        text = escape(text).replace("\r\n", "\n").replace("\n", "<br/>")
    return ThaiParagraph(text, base, thai_digits=thai_digits, keep_whole=keep_whole)


def draw_shaped_string(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    *,
    font_name: str | None = None,
    font_size: float | None = None,
    align: str = "left",
    color: Any = black,
) -> float:
    """Draw one line of shaped Thai on a canvas (headers, footers, page numbers).

    Canvas strings are not shaped by ReportLab, so ``canvas.drawString`` misplaces tone marks;
    use this instead. ``align`` is ``"left"``, ``"centre"``/``"center"`` or ``"right"`` of ``x``.
    Returns the width drawn, in points.
    """
    choice = register_fonts()
    font_name = font_name or choice.regular
    size = float(font_size if font_size is not None else choice.size_for(16))
    style = _RunStyle(font_name, size, color, False, False)
    span = _Span(text, style)
    width = span.width()
    if align in ("centre", "center"):
        x -= width / 2.0
    elif align == "right":
        x -= width
    elif align != "left":
        raise ValueError(f"align must be left, centre or right, not {align!r}")
    return _draw_spans(canvas, x, y, [span], size * 1.2)
