"""The mouse wheel scrolls the page, not the field under the pointer (docs/architecture.md §15).

A long form scrolls (``widgets/fit.scroll_area``): a person turning the wheel to read further
down passes the pointer over combo boxes, spin boxes and lists, and Qt gives the wheel to
whatever is under the pointer — the page stops, and a value changes without anyone noticing (a
meeting's minute taker, a backup's days, a training's hours). One event filter on the
application (installed once, :func:`install`) makes these widgets pass the wheel on to what is
around them unless they have the keyboard focus: a person who clicked into a list or a box and
turns the wheel still scrolls or changes it, everyone else scrolls the page.

What it covers: combo boxes, spin boxes and tab bars everywhere (a value or a tab changed by the
wheel is never wanted unseen: scrolling down a case, the tabs flipped to another one under the
pointer), and lists, tables and text boxes inside a scrolled form (a register's own table,
which is not inside a form, keeps its wheel); a line edit in a form (the date and time fields
are line edits) passes the wheel on whether it has the focus or not.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollArea,
    QTabBar,
    QWidget,
)

_installed: WheelGuard | None = None


def _inside_scrolled_form(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _has_focus(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def wheel_owner(widget: QObject) -> QWidget | None:
    """The field that would take a wheel turned over ``widget`` and should pass it on, or
    ``None`` when the wheel is its to take."""
    if not isinstance(widget, QWidget):
        return None
    if isinstance(widget, QComboBox | QAbstractSpinBox | QTabBar):
        return None if _has_focus(widget) else widget
    if (
        isinstance(widget, QLineEdit)
        and not isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox)
        and _inside_scrolled_form(widget)
    ):
        return widget  # a line edit (a date, a time) never turns: the form scrolls
    # A list's, table's or text box's wheel arrives at its viewport.
    area = widget.parentWidget()
    if (
        isinstance(area, QAbstractScrollArea)
        and not isinstance(area, QScrollArea)
        and area.viewport() is widget
        and _inside_scrolled_form(area)
        and not _has_focus(area)
    ):
        return area
    return None


def pass_on(event: QWheelEvent, field: QWidget) -> bool:
    """Give the wheel to the scrolled forms around ``field``, the nearest first, until one
    scrolls; True when one did. (Qt would offer an ignored wheel to the parents itself, but only
    a wheel that came from the system, not one sent by the app or a test.)"""
    area = field.parentWidget()
    while area is not None:
        if isinstance(area, QScrollArea):
            viewport = area.viewport()
            turned = QWheelEvent(
                viewport.mapFromGlobal(event.globalPosition()),
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                event.source(),
            )
            QApplication.sendEvent(viewport, turned)
            if turned.isAccepted():
                return True
        area = area.parentWidget()
    return False


class WheelGuard(QObject):
    """Application event filter: a wheel over an unfocused field goes to the page around it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Wheel:
            field = wheel_owner(watched)
            if field is not None and isinstance(event, QWheelEvent):
                pass_on(event, field)
                event.accept()  # taken: neither the field nor its parents change with it
                return True
        return False


def install() -> WheelGuard | None:
    """Install the guard on the application, once (None without an application)."""
    global _installed
    app = QApplication.instance()
    if app is None:
        return None
    if _installed is None:
        _installed = WheelGuard(app)
        app.installEventFilter(_installed)
    return _installed
