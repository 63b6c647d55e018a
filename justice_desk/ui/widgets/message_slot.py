"""A message line that comes and goes without moving anything (docs/architecture.md §15).

A check that speaks while a person types (the national ID's check digit, a phone number, "saved",
"not saved: …") must not push the fields below it away from under the pointer or the caret. A
``MessageSlot`` holds the message's label and keeps, empty or not, the room the longest message
it may show needs at its current width (or ``lines`` lines, whichever is more): the label is
shown and hidden inside it, and only a message longer than any it was told about can make it
grow.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.widgets.wrapping_list import text_height


class MessageSlot(QWidget):
    """``label`` inside a holder that keeps the room of the longest of ``samples`` (measured in
    bold, as warnings are shown) at its width, and at least ``lines`` lines."""

    def __init__(
        self,
        label: ThaiLabel,
        samples: Iterable[str] = (),
        *,
        lines: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageSlot")
        self.label = label
        self.lines = lines
        self._samples = [s for s in samples if s]
        self._width = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(label)
        layout.addStretch(1)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        policy.setVerticalPolicy(QSizePolicy.Policy.Minimum)
        self.setSizePolicy(policy)
        self._reserve(self.width())

    def set_samples(self, samples: Iterable[str]) -> None:
        self._samples = [s for s in samples if s]
        self._reserve(self.width(), force=True)

    def reserved_height(self, width: int) -> int:
        """The room kept at ``width``: the tallest sample there, at least ``lines`` lines
        (measured, not laid out: this runs at every resize)."""
        font = QFont(self.label.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        margins = self.label.contentsMargins()
        extra = margins.top() + margins.bottom() + 2
        height = metrics.lineSpacing() * self.lines + extra
        if width <= 0:
            return height
        room = width - margins.left() - margins.right()
        for text in self._samples:
            height = max(height, text_height(text, font, room) + extra)
        return height

    def _reserve(self, width: int, *, force: bool = False) -> None:
        if width == self._width and not force:
            return
        self._width = width
        wanted = self.reserved_height(width)
        if wanted != self.minimumHeight():
            self.setMinimumHeight(wanted)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight()))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._reserve(event.size().width())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._reserve(self.width(), force=True)


class _SteadyHeight(QObject):
    """Keeps a line edit at its usual height (at every text size)."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self.field = field
        field.installEventFilter(self)
        self.apply()

    def apply(self) -> None:
        probe = QLineEdit()
        probe.setFont(self.field.font())
        self.field.setMinimumHeight(probe.sizeHint().height())
        probe.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.field and event.type() == QEvent.Type.FontChange:
            self.apply()
        return False


def steady_height(*fields: QLineEdit) -> None:
    """The fields keep their height when a warning or error border comes and goes while a person
    types (a style-sheet border replaces the native frame and is 2 pixels shorter), so that the
    fields below them do not move."""
    for field in fields:
        _SteadyHeight(field)
