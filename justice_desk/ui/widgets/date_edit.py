"""Dates typed and shown in the Buddhist Era, with a calendar popup that shows BE years.

Qt's own date edit and calendar show the Gregorian year, so the field parses and formats through
``domain.dates`` and the popup replaces the calendar's navigation bar with Thai month names and
a BE year box.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import (
    BE_OFFSET,
    DateInputError,
    format_date,
    format_numeric_date,
    parse_be_date,
)
from justice_desk.i18n import _, language

ERROR_STYLE = "border: 2px solid #c62828;"


def month_names() -> list[str]:
    if language() == "th":
        return [format_date(dt.date(2000, m, 1), "th").split(" ")[1] for m in range(1, 13)]
    return [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


class BeCalendarPopup(QDialog):
    """A month calendar whose header shows the month name and the BE year."""

    picked = Signal(object)

    def __init__(self, initial: dt.date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("beCalendarPopup")
        initial = initial or dt.date.today()
        self.calendar = QCalendarWidget(self)
        self.calendar.setNavigationBarVisible(False)
        self.calendar.setLocale(
            QLocale(QLocale.Language.Thai if language() == "th" else QLocale.Language.English)
        )
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.month = QComboBox(self)
        self.month.addItems(month_names())
        self.year = QSpinBox(self)
        self.year.setRange(1900 + BE_OFFSET, 2200 + BE_OFFSET)
        self.year.setPrefix(_("BE ") if language() != "th" else "พ.ศ. ")
        prev_btn, next_btn = QToolButton(self), QToolButton(self)
        prev_btn.setArrowType(Qt.ArrowType.LeftArrow)
        next_btn.setArrowType(Qt.ArrowType.RightArrow)
        prev_btn.setToolTip(_("Previous month"))
        next_btn.setToolTip(_("Next month"))
        header = QHBoxLayout()
        header.addWidget(prev_btn)
        header.addWidget(self.month, 1)
        header.addWidget(self.year)
        header.addWidget(next_btn)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.calendar)
        self.calendar.setSelectedDate(QDate(initial.year, initial.month, initial.day))
        self._sync_header()
        self.month.currentIndexChanged.connect(self._header_changed)
        self.year.valueChanged.connect(self._header_changed)
        prev_btn.clicked.connect(lambda: self._step(-1))
        next_btn.clicked.connect(lambda: self._step(1))
        self.calendar.currentPageChanged.connect(lambda *_: self._sync_header())
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)

    def _sync_header(self) -> None:
        for w in (self.month, self.year):
            w.blockSignals(True)
        self.month.setCurrentIndex(self.calendar.monthShown() - 1)
        self.year.setValue(self.calendar.yearShown() + BE_OFFSET)
        for w in (self.month, self.year):
            w.blockSignals(False)

    def _header_changed(self) -> None:
        self.calendar.setCurrentPage(self.year.value() - BE_OFFSET, self.month.currentIndex() + 1)

    def _step(self, months: int) -> None:
        self.calendar.showNextMonth() if months > 0 else self.calendar.showPreviousMonth()

    def _picked(self, qdate: QDate) -> None:
        self.picked.emit(dt.date(qdate.year(), qdate.month(), qdate.day()))
        self.accept()


class _DateLine(QLineEdit):
    """The date's line. In a dialog it is never narrower than its hint (``วว/ดด/ปปปป (พ.ศ.)``)
    and its clear button: a small dialog (a new committee term) cut the hint otherwise, and a
    dialog can grow. On a page it gives way like the fields beside it (a meeting's date at
    24 pt on a 1280×720 screen), where its tooltip gives the form."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = super().minimumSizeHint()
        if not isinstance(self.window(), QDialog):
            return hint
        metrics = self.fontMetrics()
        text = max(self.placeholderText(), "00/00/0000", key=metrics.horizontalAdvance)
        # the text, Qt's frame and padding (8 px), and room for the clear button (an icon)
        clear = 24 if self.isClearButtonEnabled() else 0
        wanted = metrics.horizontalAdvance(text) + 8 + clear
        return QSize(max(hint.width(), wanted), hint.height())


class BeDateEdit(QWidget):
    """A date field: type ``14/01/2569`` (or pick from the calendar); empty is allowed
    unless required."""

    dateChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, required: bool = False) -> None:
        super().__init__(parent)
        self.required = required
        self._date: dt.date | None = None
        self._error: str | None = None
        self.line = _DateLine(self)
        self.line.setPlaceholderText(_("dd/mm/yyyy (BE)"))
        self.line.setToolTip(_("dd/mm/yyyy (BE)"))  # where a narrow page cuts the hint
        self.line.setClearButtonEnabled(True)
        self.button = QToolButton(self)
        self.button.setText("…")
        self.button.setToolTip(_("Choose from a calendar"))
        self.button.setAccessibleName(_("Choose from a calendar"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.line.editingFinished.connect(self._parse)
        self.line.textEdited.connect(self._clear_error_while_typing)
        self.button.clicked.connect(self.open_calendar)
        self.popup: BeCalendarPopup | None = None

    def date(self) -> dt.date | None:
        self._parse()
        return self._date

    def setDate(self, value: dt.date | None) -> None:  # noqa: N802 - Qt naming
        self._date = value
        self.line.setText(format_numeric_date(value))
        self._set_error(None)
        self.dateChanged.emit(value)

    def error(self) -> str | None:
        """The problem with what was typed, translated; ``None`` when it is fine."""
        self._parse()
        return self._error

    def shown_text(self) -> str:
        """The date in words (``14 มกราคม 2569``), for labels beside the field."""
        return format_date(self._date, language())

    def open_calendar(self) -> None:
        self.popup = BeCalendarPopup(self._date, self)
        self.popup.picked.connect(self.setDate)
        self.popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.popup.show()

    def _clear_error_while_typing(self) -> None:
        if self._error:
            self._set_error(None)

    def _parse(self) -> None:
        text = self.line.text().strip()
        if not text:
            new, error = None, (_("This date is required.") if self.required else None)
        else:
            try:
                new, error = parse_be_date(text), None
            except DateInputError as exc:
                new, error = None, str(exc)
        self._set_error(error)
        if error is None and new != self._date:
            self._date = new
            if new is not None:
                self.line.setText(format_numeric_date(new))
            self.dateChanged.emit(new)

    def _set_error(self, error: str | None) -> None:
        self._error = error
        self.line.setStyleSheet(ERROR_STYLE if error else "")
        self.line.setToolTip(error or self.line.placeholderText())
