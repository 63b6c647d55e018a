"""Labels whose lines break only between Thai words (docs/architecture.md §15).

Qt does not know where Thai words end. Without libthai (Windows, most village laptops) it finds
no break opportunity in a run of Thai and cuts wherever the line is full (``ศาลาเอ|นกประสงค์``);
with libthai (Linux) it uses libthai's own dictionary, which splits words ours keeps whole and
breaks at a no-break space (``§|6``). Neither can be told where the words are, so a
``ThaiLabel`` lays its lines out itself: the text is cut into words by the segmenter the printed
documents use (``documents.segment``: PyThaiNLP ``newmm``), words are joined by the same rules as
on paper (``ผู้`` stays with what follows, ``ๆ`` and closing marks never start a line, numbers and
Latin words stay whole, ``§ 6`` stays together), and the label is given its text with the line
breaks already in it, each line narrower than the label, so Qt never breaks a line itself.

``text()`` answers the text as it was set; copying (Ctrl+C, the context menu) copies it without
the inserted breaks. ``display_text`` is what Qt draws.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy, QWidget

from justice_desk.i18n import _

# The mark of a break the label inserted (Qt draws it as a line break in plain and rich text);
# removed again when the text is copied.
LINE_BREAK = "\u2028"
ZWSP = "\u200b"

_NO_LINE_START = set("ๆฯะาำๅ)]}»”’,.:;!?%")
_NO_LINE_END = set("เแโใไ([{«“‘§")
_BOUND_PREFIXES = frozenset({"ผู้"})
# A space after one of these is not a place to break: "§ 6", "ข้อ 3", "No. 5".
_GLUE_BEFORE_SPACE = ("§", "ข้อ", "มาตรา", "No.", "พ.ศ.", "ค.ศ.")
# ... and these stay with the word before the space: "ไป ๆ", "09.30 น."
_GLUE_AFTER_SPACE = frozenset({"ๆ", "น."})
# ... and a number stays with what it counts: "60 วัน", "3 ปี", "500 บาท".
_COUNTED = frozenset(
    {"วัน", "เดือน", "ปี", "คน", "ราย", "เรื่อง", "ครั้ง", "บาท", "ชั่วโมง", "นาที", "days", "years"}
)
_TAG = re.compile(r"(<[^>]*>)")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BOLD_OPEN = re.compile(r"<(b|strong|h[1-6])(\s[^>]*)?>", re.IGNORECASE)
_BOLD_CLOSE = re.compile(r"</(b|strong|h[1-6])\s*>", re.IGNORECASE)


@functools.cache
def _months() -> frozenset[str]:
    from pythainlp.util.date import thai_abbr_months, thai_full_months

    from justice_desk.domain.dates import ENGLISH_MONTHS

    english = {m for m in ENGLISH_MONTHS} | {m[:3] for m in ENGLISH_MONTHS}
    return frozenset([*thai_full_months, *thai_abbr_months, *english])


def _keeps_space(before: str, after: str) -> bool:
    """Is the space between these two words no place to break? ``§ 6``, ``09.30 น.`` and the
    parts of a date (``14 ม.ค. 2569``) stay on one line."""
    if after in _GLUE_AFTER_SPACE or before.endswith(_GLUE_BEFORE_SPACE):
        return True
    last = before.rsplit("\u00a0", 1)[-1]
    if last[-1:].isdigit() and (after in _months() or after in _COUNTED):
        return True
    return last in _months() and after[:1].isdigit()


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def _words(text: str) -> tuple[str, ...]:
    from justice_desk.documents import segment

    return segment.words(text)


@dataclass
class _Unit:
    """What lies between two break opportunities: markup to show, text to measure, whether it
    is bold, and the spaces after it (shown, but not counted at the end of a line)."""

    markup: str
    measure: str
    bold: bool
    trailing: str = ""
    hard_break_after: bool = False


def _may_break_between(before: str, after: str) -> bool:
    if not (_is_thai(before) and _is_thai(after)):
        return False  # Latin words, numbers, 12/2569 and 09.30 stay whole
    if after in _NO_LINE_START or after in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47":
        return False
    return before not in _NO_LINE_END


def _tokens_units(tokens: Iterable[tuple[str, bool]], *, escape: bool) -> list[_Unit]:
    """Join (text, bold) pieces into units: a break only at a space or between Thai words."""
    units: list[_Unit] = []
    previous = ""
    for raw, bold in tokens:
        if raw == "\n":
            if units:
                units[-1].hard_break_after = True
            else:
                units.append(_Unit("", "", bold, hard_break_after=True))
            previous = ""
            continue
        for token in _words(raw):
            shown = html.escape(token, quote=False) if escape else token
            if token.strip() == "":
                if units and not units[-1].hard_break_after:
                    units[-1].trailing += shown
                previous = token
                continue
            glued = False
            if units and not units[-1].hard_break_after:
                last = units[-1]
                if last.trailing:
                    # after a space: a break, unless the word before asks to keep its number
                    glued = _keeps_space(last.measure, token)
                    if glued:
                        last.markup += last.trailing.replace(" ", "&nbsp;" if escape else "\u00a0")
                        last.measure += "\u00a0" * len(last.trailing)
                        last.trailing = ""
                else:
                    glued = previous in _BOUND_PREFIXES or not _may_break_between(
                        last.measure[-1:] or " ", token[0]
                    )
            if glued:
                units[-1].markup += shown
                units[-1].measure += token
                units[-1].bold = units[-1].bold or bold
            else:
                units.append(_Unit(shown, token, bold))
            previous = token
    return units


def plain_units(text: str) -> list[_Unit]:
    pieces: list[tuple[str, bool]] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append(("\n", False))
        if line:
            pieces.append((line, False))
    return _tokens_units(pieces, escape=False)


def rich_units(text: str, bold: bool = False) -> list[_Unit]:
    """Units of simple rich text: tags stay with the word after them, ``<br>`` breaks the line,
    ``<b>`` and headings are measured bold."""
    units: list[_Unit] = []
    pending_tags = ""
    depth = 1 if bold else 0
    for part in _TAG.split(text):
        if not part:
            continue
        if part.startswith("<"):
            if _BREAK_TAG.fullmatch(part):
                if units:
                    units[-1].hard_break_after = True
                    units[-1].markup += pending_tags
                    pending_tags = ""
                else:
                    units.append(_Unit(pending_tags, "", bool(depth), hard_break_after=True))
                    pending_tags = ""
                continue
            if _BOLD_OPEN.fullmatch(part):
                depth += 1
            elif _BOLD_CLOSE.fullmatch(part):
                depth = max(0, depth - 1)
            if part.startswith("</") and units and not units[-1].hard_break_after:
                units[-1].markup += part  # a closing tag ends the word before it
            else:
                pending_tags += part
            continue
        plain = html.unescape(part).replace("\n", " ")
        lead = len(plain) - len(plain.lstrip())
        if lead and units and not units[-1].hard_break_after:
            units[-1].trailing += html.escape(plain[:lead], quote=False)
            plain = plain[lead:]
        new = _tokens_units([(plain, bool(depth))], escape=True)
        if not new:
            continue
        if units and not units[-1].hard_break_after and not units[-1].trailing:
            # text after a tag, touching the word before it: glue unless a break is allowed
            last = units[-1]
            first = new[0]
            if not _may_break_between(last.measure[-1:] or " ", first.measure[:1] or " "):
                last.markup += pending_tags + first.markup
                last.measure += first.measure
                last.trailing = first.trailing
                pending_tags = ""
                new = new[1:]
        if new:
            new[0].markup = pending_tags + new[0].markup
            pending_tags = ""
            units.extend(new)
    if pending_tags:
        if units:
            units[-1].markup += pending_tags
        else:
            units.append(_Unit(pending_tags, "", False))
    return units


def break_lines(widths: list[tuple[float, float, bool]], available: float) -> list[int]:
    """Greedy line filling: ``widths`` are (word, trailing space, hard break after) per unit;
    answers the indexes of the units that end a line (the last unit always does)."""
    ends: list[int] = []
    line = 0.0
    started = False
    for i, (word, space, hard) in enumerate(widths):
        if started and line + word > available:
            ends.append(i - 1)
            line = 0.0
        line += word + space
        started = True
        if hard:
            ends.append(i)
            line = 0.0
            started = False
    if widths and (not ends or ends[-1] != len(widths) - 1):
        ends.append(len(widths) - 1)
    return ends


def _join_lines(units: list[_Unit], ends: set[int], *, rich: bool) -> str:
    """The units' markup with a line break after each unit in ``ends``."""
    parts: list[str] = []
    for i, unit in enumerate(units):
        parts.append(unit.markup)
        if i in ends and i != len(units) - 1:
            if unit.hard_break_after:
                parts.append("<br>" if rich else "\n")
            else:
                parts.append(unit.trailing + ("<br>" if rich else LINE_BREAK))
        else:
            parts.append(unit.trailing)
    return "".join(parts)


def word_break_text(text: str) -> str:
    """``text`` with a zero-width space between Thai words and ``§ 6`` joined by a no-break
    space: for text Qt wraps itself (a table cell, a tooltip). Labels use ``ThaiLabel``."""
    units = plain_units(text)
    out = []
    for unit in units:
        out.append(unit.measure + unit.trailing + ("\n" if unit.hard_break_after else ""))
    joined = ""
    for i, piece in enumerate(out):
        if i and not out[i - 1].endswith((" ", "\n")) and not piece.startswith(" "):
            joined += ZWSP
        joined += piece
    return joined


class ThaiLabel(QLabel):
    """A word-wrapped label that breaks lines only between words (see the module).

    Use it wherever a ``QLabel`` had ``setWordWrap(True)``; ``setWordWrap`` is accepted and
    ignored. It asks for the height its lines need at its width (also through tab widgets and
    scroll areas, which do not pass height-for-width on) and never for more width than its
    widest word.
    """

    # Also as class defaults: Qt may send a change event (a font handed down by the parent, a
    # style sheet) from inside ``QLabel.__init__``, before ``__init__`` below sets them.
    _source = ""
    _units: list[_Unit] | None = None
    _shown_for = -1
    _display = ""

    def __init__(self, text: str | QWidget | None = "", parent: QWidget | None = None) -> None:
        if isinstance(text, QWidget):  # ThaiLabel(parent), as QLabel(parent)
            parent, text = text, ""
        super().__init__(parent)
        self._source = ""
        self._units: list[_Unit] | None = None
        self._shown_for = -1
        self._display = ""
        super().setWordWrap(False)
        text = text or ""
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)
        self.setText(text)

    # -- the text -------------------------------------------------------------------------

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._source = text or ""
        self._units = None
        self._shown_for = -1
        self._relayout()

    def text(self) -> str:
        return self._source

    def setTextFormat(self, fmt: Qt.TextFormat) -> None:  # noqa: N802 - Qt naming
        super().setTextFormat(fmt)
        self._units = None
        self._shown_for = -1
        self._relayout()

    @property
    def display_text(self) -> str:
        """The text Qt draws: the source with the line breaks the label chose."""
        return self._display

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 - Qt naming
        """Always wraps (between words); kept so that code written for QLabel runs unchanged."""

    def wordWrap(self) -> bool:  # noqa: N802 - Qt naming
        return True

    def is_rich(self) -> bool:
        fmt = self.textFormat()
        if fmt == Qt.TextFormat.RichText:
            return True
        if fmt == Qt.TextFormat.PlainText:
            return False
        return bool(QtGui.Qt.mightBeRichText(self._source))

    def units(self) -> list[_Unit]:
        if self._units is None:
            if not self._source:
                self._units = []
            elif self.is_rich():
                self._units = rich_units(self._source, self.font().bold())
            else:
                self._units = plain_units(self._source)
        return self._units

    # -- measuring ------------------------------------------------------------------------

    def _metrics(self, bold: bool) -> QFontMetricsF:
        font = QFont(self.font())
        if bold:
            font.setBold(True)
        return QFontMetricsF(font)

    def _widths(self) -> list[tuple[float, float, bool]]:
        regular, bold = self._metrics(False), self._metrics(True)
        out = []
        for unit in self.units():
            fm = bold if unit.bold else regular
            space = html.unescape(unit.trailing) if self.is_rich() else unit.trailing
            out.append(
                (
                    fm.horizontalAdvance(unit.measure),
                    fm.horizontalAdvance(space),
                    unit.hard_break_after,
                )
            )
        return out

    def _extra_width(self) -> int:
        """Frame, style-sheet padding and margin around the text."""
        return self.width() - self.contentsRect().width() + 2 * self.margin() + self._indent()

    def _extra_height(self) -> int:
        return self.height() - self.contentsRect().height() + 2 * self.margin()

    def _indent(self) -> int:
        indent = self.indent()
        if indent < 0:
            return 0
        return indent

    def _compose(self, text_width: float) -> str:
        units = self.units()
        if not units:
            return ""
        # One pixel of slack: the sum of words measured alone may differ a little from the line.
        ends = set(break_lines(self._widths(), max(1.0, text_width - 1.0)))
        return _join_lines(units, ends, rich=self.is_rich())

    def _text_height(self, display: str) -> int:
        if not display:
            return 0
        if self.is_rich():
            doc = QTextDocument()
            doc.setDefaultFont(self.font())
            doc.setDocumentMargin(0)
            doc.setHtml(display)
            return int(doc.size().height() + 0.999)
        rect = self.fontMetrics().boundingRect(
            QRect(0, 0, 100000, 100000), int(Qt.AlignmentFlag.AlignLeft), display
        )
        return rect.height()

    def _text_width(self, display: str) -> int:
        if not display:
            return 0
        if self.is_rich():
            doc = QTextDocument()
            doc.setDefaultFont(self.font())
            doc.setDocumentMargin(0)
            doc.setHtml(display)
            return int(doc.idealWidth() + 0.999)
        rect = self.fontMetrics().boundingRect(
            QRect(0, 0, 100000, 100000), int(Qt.AlignmentFlag.AlignLeft), display
        )
        return rect.width()

    def widest_word(self) -> int:
        return int(max((w for w, _s, _h in self._widths()), default=0.0) + 1.999)

    def natural_width(self) -> int:
        """The width of the text laid out without any breaks but its own."""
        return self._text_width(self._compose(1e9)) + 2

    # -- sizes ----------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt naming
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt naming
        text_width = width - self._extra_width()
        return self._text_height(self._compose(text_width)) + self._extra_height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        line = self.fontMetrics().height()
        if not self._source:
            return QSize(0, 0)
        return QSize(self.widest_word() + self._extra_width(), line + self._extra_height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        if not self._source:
            return QSize(0, 0)
        # As wide as the text, up to about 40 average characters; then as tall as it needs.
        cap = max(self.widest_word(), self.fontMetrics().averageCharWidth() * 40)
        width = min(self.natural_width(), cap) + self._extra_width()
        return QSize(width, self.heightForWidth(width))

    # -- laying out -----------------------------------------------------------------------

    def _relayout(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin() - self._indent()
        if not self.isVisible() and width <= 0:
            width = 1_000_000  # not laid out yet: one line per paragraph until it is
        display = self._compose(width)
        if display != self._display or super().text() != display:
            self._display = display
            super().setText(display)
        self._shown_for = width if self.isVisible() else -1  # measured again once shown
        needed = self._text_height(display) + self._extra_height() if self._source else 0
        if not self.isVisible():
            # Hidden (another tab, a page not shown): its width is stale, so it asks for one
            # line; shown, it is measured again at its real width.
            needed = min(needed, self.fontMetrics().height() + self._extra_height())
        # Tab widgets, stacked widgets and scroll areas do not pass height-for-width on: ask
        # for the height as a minimum, measured again at every width.
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        width = self.contentsRect().width() - 2 * self.margin() - self._indent()
        if width != self._shown_for:
            self._relayout()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._units = None
            self._shown_for = -1
            self._relayout()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        width = self.contentsRect().width() - 2 * self.margin() - self._indent()
        if width != self._shown_for:
            self._relayout()

    # -- copying without the inserted breaks ----------------------------------------------

    def copy_text(self) -> str:
        """What Ctrl+C copies: the selection (or all) without the breaks the label inserted."""
        selected = self.selectedText() if self.hasSelectedText() else ""
        if not selected:
            doc = QTextDocument()
            if self.is_rich():
                doc.setHtml(self._source)
                return doc.toPlainText()
            return self._source
        selected = selected.replace(LINE_BREAK, "").replace("\u2029", "\n")
        if "\u00a0" not in self._source:
            selected = selected.replace("\u00a0", " ")  # the spaces the label made unbreakable
        return selected

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.copy_text())
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt naming
        if not self.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse:
            super().contextMenuEvent(event)
            return
        menu = QMenu(self)
        copy = menu.addAction(_("Copy"))
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(self.copy_text()))
        menu.exec(event.globalPos())
