"""A list (the navigation) whose items break onto a second line between Thai words when the
list may not grow any wider: at the largest text sizes the page names would otherwise take a
third of a 1366-pixel screen from the page beside them (docs/architecture.md §15).

The breaks are put between words the way ``ThaiLabel`` puts them (Qt does not know Thai word
boundaries); the item keeps its whole text in ``WHOLE_TEXT_ROLE``.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QListWidget

from justice_desk.ui.widgets.thai_label import LINE_BREAK, break_lines, plain_units


def wrap_text(text: str, font: QFont, width: float) -> str:
    """``text`` with line breaks between words so that no line is wider than ``width`` pixels
    (a word wider than that stays whole on a line of its own)."""
    units = plain_units(text)
    if not units or width <= 0:
        return text
    metrics = QFontMetricsF(font)
    widths = [
        (
            metrics.horizontalAdvance(u.measure),
            metrics.horizontalAdvance(u.trailing),
            u.hard_break_after,
        )
        for u in units
    ]
    ends = set(break_lines(widths, max(1.0, width - 1.0)))
    parts: list[str] = []
    for i, unit in enumerate(units):
        parts.append(unit.measure)
        if i in ends and i != len(units) - 1:
            parts.append(LINE_BREAK)
        else:
            parts.append(unit.trailing)
    return "".join(parts)


def widest_line(text: str, font: QFont, width: float) -> float:
    """The widest line of ``text`` wrapped at ``width``."""
    metrics = QFontMetricsF(font)
    return max(
        (
            metrics.horizontalAdvance(line)
            for line in wrap_text(text, font, width).split(LINE_BREAK)
        ),
        default=0.0,
    )


#: Where an item keeps its text as it was set, while it shows it wrapped.
WHOLE_TEXT_ROLE = Qt.ItemDataRole.UserRole + 71


def text_height(text: str, font: QFont, width: float) -> int:
    """The height ``text`` needs wrapped between words at ``width`` (as ``ThaiLabel`` lays it
    out)."""
    wrapped = wrap_text(text, font, width).replace(LINE_BREAK, "\n")
    rect = QFontMetrics(font).boundingRect(
        QRect(0, 0, 100000, 100000), int(Qt.AlignmentFlag.AlignLeft), wrapped
    )
    return rect.height()


def fit_list_width(view: QListWidget, *, padding: int, most: int) -> int:
    """Give ``view`` the width of its longest item plus ``padding``, but no more than ``most``
    pixels: beyond that the items show their text broken between words onto more lines (a word
    wider than that stays whole). An item's own text is kept (``WHOLE_TEXT_ROLE``) and shown
    again whole when there is room. Answers the width given.

    The lines are put into the items' text, not drawn by a delegate: a Python delegate runs on
    every paint, and each call back into this binding costs (ui/qt_fixes.py)."""
    items = [view.item(i) for i in range(view.count())]
    texts = []
    for item in items:
        whole = item.data(WHOLE_TEXT_ROLE)
        if not isinstance(whole, str):
            whole = item.text()
            item.setData(WHOLE_TEXT_ROLE, whole)
        texts.append(whole)
    font = view.font()
    metrics = QFontMetricsF(font)
    natural = max((metrics.horizontalAdvance(t) for t in texts), default=0.0)
    if natural + padding <= most:
        shown = texts
        width = int(natural + 0.999) + padding
    else:
        room = max(1, most - padding)
        wrapped = max((widest_line(t, font, room) for t in texts), default=0.0)
        room = max(room, int(wrapped + 0.999))
        shown = [wrap_text(t, font, room) for t in texts]
        width = room + padding
    for item, text in zip(items, shown, strict=True):
        if item.text() != text:
            item.setText(text)
    view.setFixedWidth(width)
    return width
