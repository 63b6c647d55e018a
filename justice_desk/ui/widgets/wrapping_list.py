"""A list (the navigation) whose items break onto a second line between Thai words when the
list may not grow any wider: at the largest text sizes the page names would otherwise take a
third of a 1366-pixel screen from the page beside them (docs/architecture.md §15).

The item's text stays as it was set (``item.text()``); only what is drawn has the breaks, put
between words the way ``ThaiLabel`` puts them (Qt does not know Thai word boundaries).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QListWidget, QStyledItemDelegate, QStyleOptionViewItem

from justice_desk.ui.widgets.thai_label import LINE_BREAK, break_lines, plain_units


def wrap_text(text: str, font: QFont, width: float) -> str:
    """``text`` with line breaks between words so that no line is wider than ``width`` pixels
    (a word wider than that stays whole on a line of its own)."""
    units = plain_units(text)
    if not units or width <= 0:
        return text
    metrics = QFontMetricsF(font)
    widths = [
        (metrics.horizontalAdvance(u.measure), metrics.horizontalAdvance(u.trailing), False)
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


class WrappingItemDelegate(QStyledItemDelegate):
    """Draws each item's text broken between words at ``text_width`` pixels (0: one line)."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.text_width = 0

    def initStyleOption(  # noqa: N802 - Qt naming
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if self.text_width > 0 and option.text:
            option.text = wrap_text(option.text, option.font, self.text_width)
            option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def fit_list_width(view: QListWidget, texts: list[str], *, padding: int, most: int) -> int:
    """Give ``view`` the width of its longest text plus ``padding``, but no more than ``most``
    pixels: beyond that its items wrap between words (at least their widest word stays whole).
    Answers the width given."""
    delegate = view.itemDelegate()
    if not isinstance(delegate, WrappingItemDelegate):
        delegate = WrappingItemDelegate(view)
        view.setItemDelegate(delegate)
    font = view.font()
    metrics = QFontMetricsF(font)
    natural = max((metrics.horizontalAdvance(t) for t in texts), default=0.0)
    if natural + padding <= most:
        delegate.text_width = 0
        width = int(natural + 0.999) + padding
    else:
        room = max(1, most - padding)
        wrapped = max((widest_line(t, font, room) for t in texts), default=0.0)
        delegate.text_width = max(room, int(wrapped + 0.999))
        width = delegate.text_width + padding
    view.setFixedWidth(width)
    view.doItemsLayout()  # the rows take their new heights now
    return width
