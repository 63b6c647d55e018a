"""What a person sees wrong on a laid-out window or dialog (docs/architecture.md §15): the checks
the fits-screen tests make, shared by every test that lays a window out at a laptop's screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from justice_desk.ui import settings as prefs
from justice_desk.ui.widgets.fit import SCREEN, SMALL_SCREEN, ElidedLabel
from justice_desk.ui.widgets.thai_label import LINE_BREAK, ThaiLabel

SIZES = [prefs.DEFAULT_TEXT_SIZE, prefs.MAX_TEXT_SIZE]


# -- the checks ------------------------------------------------------------------------------


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Is ``widget`` inside a scroll area (so that what lies outside its viewport is reachable)?"""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def problems(top: QWidget) -> list[str]:
    """What a person would see wrong in ``top`` as it is laid out now."""
    found: list[str] = []
    frame = QRect(QPoint(0, 0), top.size())
    for label in top.findChildren(QLabel):
        if not _shown(label, top) or not label.text() or isinstance(label, ElidedLabel):
            continue
        name = f"{type(label).__name__} {label.objectName()!r} {label.text()[:50]!r}"
        if isinstance(label, ThaiLabel):
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                found.append(f"{name}: needs {needed} px of height, has {label.height()}")
            if label.widest_word() > label.contentsRect().width() + 1:
                found.append(f"{name}: a word is wider than the label ({label.width()} px)")
            found += [f"{name}: {p}" for p in broken_words(label)]
        elif label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                found.append(f"{name}: wrapped text needs {needed} px, has {label.height()}")
        else:
            wanted = label.sizeHint().width()
            if label.pixmap().isNull() and wanted > label.width() + 1:
                found.append(f"{name}: text needs {wanted} px of width, has {label.width()}")
    for button in top.findChildren(QAbstractButton):
        if not _shown(button, top) or type(button).__name__ in ("QToolButton",):
            continue
        name = f"{type(button).__name__} {button.objectName()!r} {button.text()[:40]!r}"
        if button.text() and button.width() < button.minimumSizeHint().width() - 1:
            found.append(f"{name}: squeezed to {button.width()} px")
        where = QRect(button.mapTo(top, QPoint(0, 0)), button.size())
        if not _scrolled(button, top) and not frame.contains(where):
            found.append(f"{name}: out of reach at {where.getRect()} in {frame.getRect()}")
    return found


def sideways(top: QWidget) -> list[str]:
    """Scrolled forms that would need a sideways scroll: what lies right of their edge is cut
    for a person who does not think of scrolling sideways (the ▲ ▼ of an agenda item, a field's
    end). Tables and text boxes (which scroll their own content) are not counted."""
    found = []
    for area in top.findChildren(QScrollArea):
        inner = area.widget()
        if inner is None or not _shown(area, top):
            continue
        needed = inner.minimumSizeHint().width()
        room = area.viewport().width()
        if area.horizontalScrollBar().isVisible() or needed > room + 1:
            name = f"{area.objectName() or type(inner).__name__} in {type(area.parent()).__name__}"
            found.append(f"{name}: needs {needed} px of width, has {room}")
    return found


def broken_words(label: ThaiLabel) -> list[str]:
    """Line breaks the label put anywhere but between two of its words (plain text)."""
    if label.is_rich():
        return []
    ends, position = set(), 0
    for unit in label.units():
        position += len(unit.measure) + (1 if unit.hard_break_after else len(unit.trailing))
        ends.add(position)
    found, offset = [], 0
    for ch in label.display_text:
        if ch == LINE_BREAK:
            if offset not in ends:
                found.append(f"a line breaks inside a word at {offset}")
        else:
            offset += 1
    return found


def settle(qtbot, window: QWidget) -> None:
    for _ in range(3):
        qtbot.wait(5)
        QApplication.processEvents()


def fits(window: QWidget, screen: QSize) -> list[str]:
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > screen.width() or hint.height() > screen.height():
        return [
            f"asks for {hint.width()}×{hint.height()}, the screen has {screen.width()}×"
            f"{screen.height()}"
        ]
    return []


def check(qtbot, window: QWidget, what: str) -> list[str]:
    """Lay ``window`` out at both screens and collect what does not fit."""
    found = []
    for screen in (SCREEN, SMALL_SCREEN):
        # Laid out at the screen's width first: wrapped text asks for its height at that width.
        window.resize(screen)
        settle(qtbot, window)
        where = f"{what} @ {screen.width()}×{screen.height()}"
        found += [f"{where}: {p}" for p in fits(window, screen)]
        window.resize(screen)
        settle(qtbot, window)
        found += [f"{where}: {p}" for p in problems(window)]
    return found


def cut_placeholders(fields: list[QWidget]) -> list[str]:
    """Line edits narrower than their placeholder (a person reads "13 หลัก เช่น 1-1..."): the
    text, Qt's frame and its two pixels either side."""
    found = []
    for field in fields:
        if not isinstance(field, QLineEdit) or not field.placeholderText():
            continue
        needed = field.fontMetrics().horizontalAdvance(field.placeholderText()) + 8
        if field.width() < needed:
            found.append(
                f"{field.accessibleName() or field.objectName()!r}: {field.width()} px wide, "
                f"its placeholder {field.placeholderText()!r} needs {needed}"
            )
    return found


def blank_gaps(fields: list[QWidget], top: QWidget, lines: float = 2) -> list[str]:
    """Blank space of more than ``lines`` lines of text between consecutive fields (top to
    bottom): space that no label with text covers, which reads as the end of the form."""
    found = []

    def span(widget: QWidget) -> tuple[int, int, int, int]:
        corner = widget.mapTo(top, QPoint(0, 0))
        return corner.x(), corner.y(), corner.x() + widget.width(), corner.y() + widget.height()

    covers = [
        span(label)
        for label in top.findChildren(QLabel)
        if _shown(label, top) and label.text().strip()
    ]
    for upper, lower in zip(fields, fields[1:], strict=False):
        if not (_shown(upper, top) and _shown(lower, top)):
            continue
        left, _t, right, start = span(upper)
        end = span(lower)[1]
        blank = 0
        for y in range(start, end):
            if not any(x0 < right and x1 > left and y0 <= y < y1 for x0, y0, x1, y1 in covers):
                blank += 1
        most = upper.fontMetrics().lineSpacing() * lines
        if blank > most:
            name = upper.accessibleName() or upper.objectName()
            found.append(f"{blank} px of blank space under {name!r} (at most {most:.0f})")
    return found


def first_line_offset(box: QWidget, label: QLabel) -> int:
    """How far (in pixels) the centre of ``box`` is from the centre of ``label``'s first line,
    on their window: 0 when a tick box sits level with the first line of its text."""
    top = label.mapTo(label.window(), QPoint(0, 0)).y() + label.contentsRect().top()
    line_middle = top + label.margin() + label.fontMetrics().height() / 2
    box_middle = box.mapTo(box.window(), QPoint(0, 0)).y() + box.height() / 2
    return round(abs(box_middle - line_middle))
