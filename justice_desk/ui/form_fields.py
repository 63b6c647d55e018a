"""Pieces every detail form shares: error highlighting by field name (unsaved changes: dirty.py),
the message strip under a form, BE year input, and small dialogs that do not block tests.

Dialogs here are opened with ``open()`` (window-modal, not a nested event loop), so a test can
fill them and press their buttons like a person would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import BE_OFFSET, format_date
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _, language
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.widgets.date_edit import ERROR_STYLE, BeDateEdit
from justice_desk.ui.widgets.thai_label import ThaiLabel

WARNING_COLOR = "#b35c00"  # orange that stays readable on white for older eyes
ERROR_COLOR = "#c62828"
OK_COLOR = "#2e7d32"
WARNING_BORDER = "border: 2px solid #e08a00;"


def be_text(day: dt.date | None) -> str:
    """A date as lists and tables show it everywhere in the app: ``14 ม.ค. 2569`` (the short
    Buddhist-Era form; ``14/01/2569`` is only how a date is typed)."""
    return format_date(day, language(), short=True)


def required_label(text: str) -> str:
    """A form label for a field that must be filled (the asterisk is explained on the form)."""
    return text + " *"


def _style_target(widget: QWidget) -> QWidget:
    return widget.line if isinstance(widget, BeDateEdit) else widget


def set_widget_style(widget: QWidget, style: str, tooltip: str | None = None) -> None:
    target = _style_target(widget)
    target.setStyleSheet(style)
    if tooltip is not None:
        target.setToolTip(tooltip)


class WrapLabel(ThaiLabel):
    """A plain-text label that wraps between words and asks for the height its lines need at
    its width, also through tab widgets and scroll areas (``ThaiLabel``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setTextFormat(Qt.TextFormat.PlainText)


class MessageStrip(WrapLabel):
    """A line under a form: what was saved, what to look at (orange), what went wrong (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.clear_message()

    def _show(self, kind: str, text: str, color: str) -> None:
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(
            f"color: {color}; font-weight: bold;" if kind != "info" else f"color: {color};"
        )
        self.setVisible(bool(text))

    def info(self, text: str) -> None:
        self._show("info", text, OK_COLOR)

    def warn(self, text: str) -> None:
        self._show("warning", text, WARNING_COLOR)

    def error(self, text: str) -> None:
        self._show("error", text, ERROR_COLOR)

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setVisible(False)

    def saved(self, warnings: list[str]) -> None:
        """After a save: a plain confirmation, or the confirmation and the warnings in orange."""
        if warnings:
            self.warn("\n".join([_("Saved, but please check:"), *("• " + w for w in warnings)]))
        else:
            self.info(_("Saved."))


class FormErrors:
    """Maps a service's field names (``ValidationError.field``) to the widgets that hold them."""

    def __init__(self, strip: MessageStrip, fields: dict[str, QWidget] | None = None) -> None:
        self.strip = strip
        self.fields: dict[str, QWidget] = dict(fields or {})
        self.marked: QWidget | None = None

    def add(self, name: str, widget: QWidget) -> None:
        self.fields[name] = widget

    def clear(self) -> None:
        if self.marked is not None:
            set_widget_style(self.marked, "", "")
            self.marked = None
        if self.strip.kind == "error":
            self.strip.clear_message()

    def show(self, exc: UserError) -> QWidget | None:
        """Show the message; outline the field it names in red and put the cursor there."""
        self.clear()
        self.strip.error(str(exc))
        widget = self.fields.get(exc.field or "") if isinstance(exc, ValidationError) else None
        if widget is not None:
            set_widget_style(widget, ERROR_STYLE, str(exc))
            _style_target(widget).setFocus(Qt.FocusReason.OtherFocusReason)
            self.marked = widget
        return widget


def parse_be_year(text: str, field: str) -> int | None:
    """A year typed in the Buddhist Era (``2510``) as a CE year; a CE year typed by habit is
    understood too, as in date fields. Empty is ``None``."""
    from pythainlp.util import thai_digit_to_arabic_digit

    raw = thai_digit_to_arabic_digit(text or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) != 4:
        raise ValidationError(
            _("Type the year in the Buddhist Era with 4 digits, for example 2510."), field
        )
    year = int(raw)
    return year - BE_OFFSET if year > 2400 else year


def year_text(ce_year: int | None) -> str:
    return "" if ce_year is None else str(ce_year + BE_OFFSET)


def dialog_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (named for the action) and Cancel, in the user's language."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    translate_buttons(box)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    box.rejected.connect(dialog.reject)
    return box


class ActionDialog(QDialog):
    """A small form whose OK runs a service call; a refused input keeps the dialog open with the
    field outlined. Subclasses fill ``form`` and implement ``perform`` (raise to refuse)."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value: object = None
        self._focus_placed = False
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.strip = MessageStrip(self)
        self.errors = FormErrors(self.strip)
        self.buttons = dialog_buttons(self, ok_text)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.strip)
        layout.addWidget(self.buttons)

    def perform(self) -> object:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if not self._focus_placed:
            self._focus_placed = True
            self._fields_first()

    def _fields_first(self) -> None:
        """Start in the first field, with OK and Cancel last in the Tab order.

        The buttons are made here, before a subclass adds its fields, so Qt's focus chain (the
        order widgets were made) put them first: the dialog opened with OK focused, and what a
        keyboard user typed went nowhere (a new committee term, an appointment)."""
        chain: list[QWidget] = []
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self and len(chain) < 1000:
            chain.append(widget)
            widget = widget.nextInFocusChain()
        buttons = [b for b in self.buttons.buttons() if b in chain]
        fields = [
            w
            for w in chain
            if w not in buttons
            and w is not self.buttons
            and self.isAncestorOf(w)
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        if not fields:
            return
        last = fields[-1]
        for button in buttons:
            QWidget.setTabOrder(last, button)
            last = button
        focused = self.focusWidget()
        if focused is None or focused in buttons:
            first = next((w for w in fields if w.isVisible() and w.isEnabled()), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    def _try_accept(self) -> None:
        self.errors.clear()
        try:
            self.result_value = self.perform()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


class DatePromptDialog(ActionDialog):
    """Ask for one date (for example when an appointment or a membership ends) and act on it."""

    def __init__(
        self,
        title: str,
        label: str,
        ok_text: str,
        action: Callable[[dt.date], object],
        *,
        initial: dt.date | None = None,
        explanation: str | None = None,
        field: str = "date",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, ok_text, parent)
        self._action = action
        if explanation:
            note = ThaiLabel(explanation, self)
            self.form.addRow(note)
        self.date = BeDateEdit(self, required=True)
        self.date.setDate(initial or dt.date.today())
        self.form.addRow(required_label(label), self.date)
        self.errors.add(field, self.date)
        self.errors.add("date", self.date)

    def perform(self) -> object:
        error = self.date.error()
        day = self.date.date()
        if error or day is None:
            raise ValidationError(error or _("This date is required."), "date")
        return self._action(day)


def fit_columns(table: QTableView, chars: dict[int, int], stretch: int) -> None:
    """Columns as wide as their header and the rows loaded (at least ``chars`` characters; a
    lazily fetched register is never fetched further to measure it), ``stretch`` (the name)
    taking the rest; fitted again when the text size changes (docs/architecture.md §15)."""
    from justice_desk.ui.widgets.fit import ColumnFitter

    ColumnFitter(table, stretch=stretch, minimum_chars=chars)
