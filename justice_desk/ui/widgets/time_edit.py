"""A time of day, typed as ``13.30`` (``9.30``, ``09:30``, ``13.30 น.`` and Thai digits are
understood) and shown the way the rest of the app shows times: ``13.30 น.`` in Thai, ``13:30``
in English (``domain.dates.format_time``). One widget for meetings and mediation sessions."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit, QWidget

from justice_desk.domain.dates import DateInputError, format_time, parse_time
from justice_desk.i18n import _, language
from justice_desk.ui.widgets.date_edit import ERROR_STYLE

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def time_hint() -> str:
    return _("Type the time as hours.minutes, for example 09.30.")


def _example(hour: int, minute: int) -> str:
    return format_time(dt.time(hour, minute), language())


def start_hint() -> str:
    """The placeholder of a start time: a hint, with another example than the end's (two
    “09.30” placeholders read as a meeting from 09.30 to 09.30)."""
    return _("starts, for example {time}").format(time=_example(9, 30))


def end_hint() -> str:
    return _("ends, for example {time}").format(time=_example(12, 0))


class TimeEdit(QLineEdit):
    """``hint`` is the placeholder, saying which time this is (“starts, for example 09.30”)."""

    def __init__(self, parent: QWidget | None = None, *, hint: str | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(hint or _("for example {time}").format(time=_example(13, 30)))
        self.setToolTip(time_hint())
        self.setMaximumWidth(
            max(
                self.fontMetrics().horizontalAdvance("00.00 น.") + 48,
                self.fontMetrics().horizontalAdvance(self.placeholderText()) + 24,
            )
        )
        self.editingFinished.connect(self._tidy)
        self.textEdited.connect(lambda _text: self._show(None))

    def value(self) -> dt.time | None:
        """The time typed, ``None`` when empty; raises ``DateInputError`` on nonsense."""
        text = self.text().translate(THAI_DIGITS).strip()
        return parse_time(text) if text else None

    def set_value(self, value: dt.time | None) -> None:
        self._set_text(format_time(value, language()) if value else "")
        self._show(None)

    # The names the case screens use.
    def time(self) -> dt.time | None:
        """The time typed, ``None`` when empty or not a time (``error()`` says why)."""
        try:
            return self.value()
        except DateInputError:
            return None

    def set_time(self, value: dt.time | None) -> None:
        self.set_value(value)

    def error(self) -> str | None:
        try:
            self.value()
        except DateInputError as exc:
            self._show(str(exc))
            return str(exc)
        self._show(None)
        return None

    def _set_text(self, text: str) -> None:
        if text != self.text():  # an unchanged field stays unchanged (no edit is signalled)
            self.setText(text)

    def _tidy(self) -> None:
        try:
            value = self.value()
        except DateInputError as exc:
            self._show(str(exc))
            return
        if value is not None:
            self.set_value(value)

    def _show(self, error: str | None) -> None:
        self.setStyleSheet(ERROR_STYLE if error else "")
        self.setToolTip(error or time_hint())
