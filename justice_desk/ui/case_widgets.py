"""Small pieces the case screens share: money and time fields, forms that know when they hold
unsaved changes and which widget a service's ``ValidationError.field`` points at, and the
eligibility panel the intake form updates as the user types."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import format_date, format_numeric_date, format_time
from justice_desk.domain.eligibility import Eligibility, Verdict
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _, language
from justice_desk.ui import dialogs, operations
from justice_desk.ui.dirty import DirtyTracker
from justice_desk.ui.widgets.date_edit import ERROR_STYLE, BeDateEdit
from justice_desk.ui.widgets.fit import rows_follow_text
from justice_desk.ui.widgets.thai_label import ThaiLabel

# ๐–๙ typed on a Thai keyboard mean 0–9 (a table, not PyThaiNLP: this runs at every keystroke
# and the page must open without importing it).
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
CHECK_ERROR_STYLE = "color: #c62828; font-weight: bold;"
ERROR_LABEL_STYLE = "color: #c62828;"
WARNING_STYLE = "background: #fff8e1; border: 1px solid #f9a825; padding: 6px;"
CONFIDENTIAL_STYLE = "background: #fdecea; border: 2px solid #c62828;"


# -- formatting -----------------------------------------------------------------------------------


def format_baht(satang: int | None) -> str:
    """``20,000`` or ``1,500.50`` (no unit): what the amount fields show."""
    if satang is None:
        return ""
    baht, rest = divmod(abs(satang), 100)
    sign = "-" if satang < 0 else ""
    return f"{sign}{baht:,}" if rest == 0 else f"{sign}{baht:,}.{rest:02d}"


def baht_text(satang: int | None) -> str:
    """``20,000 baht`` for tables and labels."""
    if satang is None:
        return ""
    return _("{amount} baht").format(amount=format_baht(satang))


def short_date(day: dt.date | None) -> str:
    """``5 ม.ค. 2569``: the Buddhist-Era short form used in lists."""
    return format_date(day, language(), short=True)


def long_date(day: dt.date | None) -> str:
    return format_date(day, language())


def time_text(value: dt.time | None) -> str:
    return format_time(value, language())


# -- input fields ---------------------------------------------------------------------------------


class MoneyEdit(QLineEdit):
    """An amount typed in baht (``20000``, ``20,000``, ``1500.50``, Thai digits too),
    kept in satang."""

    def __init__(self, parent: QWidget | None = None, *, required: bool = False) -> None:
        super().__init__(parent)
        self.required = required
        self.setPlaceholderText(_("baht, for example 20,000"))
        # Room for a six-figure amount with satang: squeezed beside a check box, it was cut.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("000,000.00") + 20)
        self.setMaximumWidth(260)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self._tidy)

    def _parse(self) -> tuple[int | None, str | None]:
        text = self.text().translate(THAI_DIGITS)
        for junk in (",", " ", "\u00a0", "บาท", "฿"):
            text = text.replace(junk, "")
        if not text:
            return None, (_("The amount is required.") if self.required else None)
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, _("Type an amount in baht, for example 20,000 or 1,500.50.")
        if not value.is_finite() or value < 0:
            return None, _("The amount cannot be negative.")
        if value != value.quantize(Decimal("0.01")):
            return None, _("An amount has at most two decimals (satang).")
        return int(value * 100), None

    def satang(self) -> int | None:
        return self._parse()[0]

    def error(self) -> str | None:
        return self._parse()[1]

    def set_satang(self, value: int | None) -> None:
        self.setText(format_baht(value))

    def _tidy(self) -> None:
        value, error = self._parse()
        if error is None and value is not None:
            self.setText(format_baht(value))


def date_hint() -> str:
    """The placeholder of an empty date field: a real date in the form it is typed."""
    return _("for example {date}").format(date=format_numeric_date(dt.date.today()))


class CaseDateEdit(BeDateEdit):
    """A BE date field of the case views: it shows its date as the rest of the app writes dates
    (``12 พ.ย. 2569``), and the typed form (``12/11/2569``) while the cursor is in it; empty, it
    shows a date as an example of what to type."""

    def __init__(self, parent: QWidget | None = None, *, required: bool = False) -> None:
        super().__init__(parent, required=required)
        self._words = ""  # the date as shown while the cursor is elsewhere ("" while typing)
        self.line.setPlaceholderText(date_hint())
        metrics = self.line.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(text)
            for text in (date_hint(), short_date(dt.date(2569 - 543, 11, 28)), "28/11/2569")
        )
        # Room for the widest text, the clear button and the frame: nothing is cut.
        self.line.setMinimumWidth(widest + metrics.height() + 24)
        self.line.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.line:
            if event.type() == QEvent.Type.FocusIn:
                self._show_typed()
            elif event.type() == QEvent.Type.FocusOut:
                self._parse()
                self._show_words()
        return super().eventFilter(watched, event)

    def setDate(self, value: dt.date | None) -> None:  # noqa: N802 - Qt naming
        self._words = ""
        super().setDate(value)
        self._show_words()

    def _parse(self) -> None:
        if self._words and self.line.text() == self._words:
            return  # the date itself is shown
        self._words = ""
        super()._parse()
        self._show_words()

    def _swap(self, text: str) -> None:
        """Show ``text`` without it counting as typing (unsaved-change tracking listens)."""
        blocked = self.line.blockSignals(True)
        self.line.setText(text)
        self.line.blockSignals(blocked)

    def _show_words(self) -> None:
        if self.line.hasFocus() or self._error or self._date is None or self._words:
            return
        self._words = short_date(self._date)
        self._swap(self._words)

    def _show_typed(self) -> None:
        if self._words and self.line.text() == self._words:
            self._words = ""
            self._swap(format_numeric_date(self._date))


def date_field(parent: QWidget | None = None, *, required: bool = False) -> CaseDateEdit:
    """A BE date field sized for a date, not stretched across the form."""
    field = CaseDateEdit(parent, required=required)
    field.setMaximumWidth(field.line.minimumWidth() + field.button.sizeHint().width() + 12)
    return field


def set_plain(widget: QPlainTextEdit, text: str | None) -> None:
    widget.setPlainText(text or "")


def combo_select(combo: QComboBox, data: Any) -> None:
    """Select the item whose data is ``data`` (the first item when there is none)."""
    index = combo.findData(data)
    combo.setCurrentIndex(index if index >= 0 else 0)


def make_table(
    model: Any, parent: QWidget | None = None, *, stretch_last: bool = True
) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    rows_follow_text(table)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(stretch_last)
    table.setMinimumHeight(110)
    model.modelReset.connect(lambda: fit_columns(table))
    return table


def fit_columns(table: QTableView, widest: int = 360) -> None:
    """Columns as wide as their text, none wider than ``widest`` (the last one stretches)."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


def selected_object(table: QTableView) -> Any | None:
    index = table.selectionModel().currentIndex() if table.selectionModel() else None
    if index is None or not index.isValid():
        return None
    return table.model().data(table.model().index(index.row(), 0), Qt.ItemDataRole.UserRole)


def error_label(parent: QWidget | None = None) -> QLabel:
    label = ThaiLabel(parent)
    label.setStyleSheet(ERROR_LABEL_STYLE)
    label.setVisible(False)
    return label


# -- forms with unsaved-change tracking and field errors ------------------------------------------


class FormSection(QWidget):
    """A part of a screen with fields the user fills and a save action.

    ``dirty`` says whether it holds something typed but not saved (the unsaved-changes prompt
    asks about it); ``fields`` maps the services' ``ValidationError.field`` names to widgets so
    a refusal highlights the right one.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = DirtyTracker(lambda dirty: self.changed.emit() if dirty else None)
        self.fields: dict[str, QWidget] = {}
        self.errors = error_label(self)

    # unsaved changes (ui/dirty.py)

    @property
    def dirty(self) -> bool:
        return self.tracker.dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        if value:
            self.tracker.touch()
        else:
            self.tracker.reset()

    def loading(self) -> contextlib.AbstractContextManager[None]:
        """Fill widgets from data without counting it as a change by the user."""
        return self.tracker.loading()

    def watch(self, *widgets: QWidget) -> None:
        self.tracker.watch(*widgets)

    def _touched(self, *_args: object) -> None:
        self.tracker.touch()

    def is_dirty(self) -> bool:
        return self.dirty

    def load(self, detail: Any) -> None:
        """Show a case's data; forms keep what the user typed while ``dirty``."""

    def save(self) -> bool:
        """Save what was typed; False when it could not be saved (the reason is shown)."""
        return True

    def discard(self) -> None:
        """Forget what was typed."""
        self.dirty = False

    # errors

    def clear_errors(self) -> None:
        self.errors.clear()
        self.errors.setVisible(False)
        for w in self.fields.values():
            _highlight(w, False)

    def mark_error(self, field: str | None, message: str) -> None:
        """Show ``message`` under the form and highlight the field it is about."""
        self.errors.setText(message)
        self.errors.setVisible(True)
        widget = self.fields.get(field or "")
        if widget is not None:
            _highlight(widget, True, message)
            target = widget.line if isinstance(widget, BeDateEdit) else widget
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def check_fields(self, checks: list[tuple[str, str | None]]) -> bool:
        """Inline validation before calling a service: (field, error or None) pairs."""
        self.clear_errors()
        problems = [(field, message) for field, message in checks if message]
        for field, message in reversed(problems):  # the first problem ends up focused and shown
            self.mark_error(field, message)
        if len(problems) > 1:
            self.errors.setText("\n".join(message for _field, message in problems if message))
        return not problems

    #: What the section's writes change (``operations.RECORD_KINDS``).
    writes: frozenset[str] = frozenset({"cases"})

    def attempt(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Write through a service; a refusal is shown (message box and the field highlighted).
        A section of a screen with an ``AppContext`` (``self.ctx``) writes in the job runner."""
        ctx = getattr(self, "ctx", None)
        return attempt(self, fn, *args, section=self, ctx=ctx, changes=self.writes, **kwargs)


def _highlight(widget: QWidget, on: bool, message: str = "") -> None:
    if isinstance(widget, BeDateEdit):
        widget.line.setStyleSheet(ERROR_STYLE if on else "")
        widget.line.setToolTip(message if on else widget.line.placeholderText())
    elif isinstance(widget, QCheckBox):
        widget.setStyleSheet(CHECK_ERROR_STYLE if on else "")
    else:
        widget.setStyleSheet(ERROR_STYLE if on else "")
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QComboBox)):
            widget.setToolTip(message if on else "")


def attempt(
    parent: QWidget,
    fn: Callable[..., Any],
    *args: Any,
    section: FormSection | None = None,
    ctx: Any = None,
    changes: Iterable[str] = (),
    busy: Sequence[QWidget] | None = None,
    **kwargs: Any,
) -> tuple[bool, Any]:
    """``(True, result)``, or ``(False, None)`` after showing why the service refused.

    With ``ctx`` the call is a write: it runs in the job runner (``operations.call_and_wait``:
    the window keeps working while the database is busy, ``busy`` — by default the section —
    is disabled until it ends, a second write from ``parent`` meanwhile is ignored) and
    announces ``changes`` through ``ctx.records_changed``."""

    def refused(exc: UserError) -> None:
        if section is not None:
            section.mark_error(exc.field if isinstance(exc, ValidationError) else None, str(exc))
        dialogs.show_error(parent, str(exc))

    if ctx is not None:
        return operations.call_and_wait(
            parent,
            ctx,
            _("Saving"),
            fn,
            *args,
            changes=changes,
            on_refused=refused,
            busy=busy if busy is not None else [section or parent],
            **kwargs,
        )
    try:
        return True, fn(*args, **kwargs)
    except UserError as exc:
        refused(exc)
    return False, None


# -- eligibility ----------------------------------------------------------------------------------


class EligibilityPanel(QFrame):
    """What the mediation rules say about the matter as typed: may it be mediated, and if not,
    why (with the rule) and where to refer it instead."""

    refer_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, offer_refer: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("eligibilityPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(
            _(
                "The answer of the Dispute Mediation Act B.E. 2562 to what is typed: "
                "“May be mediated” — the center may mediate it; “May not be mediated here” — "
                "say why to the applicant and refer the case where suggested; “The law is not "
                "clear” — ask the Provincial Justice Office before deciding; “not checked yet” "
                "— fill in what the box asks for (civil or criminal, the amount or “no money "
                "value”, the offender's age, whether the police or a court has the matter)."
            )
        )
        self.offer_refer = offer_refer
        self.title = QLabel(self)
        self.title.setObjectName("eligibilityTitle")
        self.reason = ThaiLabel(self)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.referral = ThaiLabel(self)
        # The citation in words and what the coordinator must still do (§36 notices, notes).
        self.citation = ThaiLabel(self)
        self.citation.setObjectName("eligibilityCitation")
        self.citation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = ThaiLabel(self)
        self.notes.setObjectName("eligibilityNotes")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._referral_label: str = ""
        self.refer_button = QPushButton(self)
        self.refer_button.setObjectName("referButton")
        self.refer_button.clicked.connect(lambda: self.refer_requested.emit(self._referral_label))
        self.eligibility: Eligibility | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addWidget(self.citation)
        layout.addWidget(self.notes)
        layout.addWidget(self.referral)
        row = QHBoxLayout()
        row.addWidget(self.refer_button)
        row.addStretch(1)
        layout.addLayout(row)

    def show_eligibility(self, result: Eligibility, *, is_dispute: bool) -> None:
        self.eligibility = result
        self._referral_label = result.referral_label
        if not is_dispute:
            self.title.setText(_("Not a mediation"))
            self.setStyleSheet("#eligibilityPanel { background: #eef3f8; }")
        elif result.verdict is Verdict.YES:
            self.title.setText("✔ " + _("May be mediated"))
            self.setStyleSheet(
                "#eligibilityPanel { background: #e8f5e9; border: 1px solid #2e7d32; }"
            )
        elif result.verdict is Verdict.NO:
            self.title.setText("✖ " + _("May not be mediated here"))
            self.setStyleSheet(
                "#eligibilityPanel { background: #fdecea; border: 2px solid #c62828; }"
            )
        elif result.verdict is Verdict.UNCLEAR:
            self.title.setText("⚠ " + _("The law is not clear: decide with care"))
            self.setStyleSheet(
                "#eligibilityPanel { background: #fff3e0; border: 2px solid #ef6c00; }"
            )
        else:
            self.title.setText(_("Eligibility not checked yet"))
            self.setStyleSheet(
                "#eligibilityPanel { background: #fff8e1; border: 1px solid #f9a825; }"
            )
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.reason.setText(result.reason)
        cited = bool(is_dispute and result.citation)
        self.citation.setVisible(cited)
        self.citation.setText(
            _("Law: {citation} (rules {version})").format(
                citation=result.citation, version=result.rules_version
            )
            if cited
            else ""
        )
        self.notes.setVisible(bool(is_dispute and result.notes))
        self.notes.setText("\n".join("• " + note for note in result.notes) if is_dispute else "")
        has_referral = bool(is_dispute and not result.mediable and result.referral_label)
        self.referral.setVisible(has_referral)
        if has_referral:
            if self.offer_refer:
                guidance = _(
                    "Suggested referral: {referral}. "
                    "You can record the case and refer it there at once."
                )
            else:
                guidance = _(
                    "Suggested referral: {referral}. "
                    "Use the button “Refer to another agency” above to refer it."
                )
            self.referral.setText(guidance.format(referral=result.referral_label))
        self.refer_button.setVisible(has_referral and self.offer_refer)
        self.refer_button.setText(
            _("Take in and refer to {referral}").format(referral=result.referral_label)
        )


class CaseSection(FormSection):
    """A section of the case view: it saves through the services and reports the new case."""

    def __init__(self, ctx: Any, on_changed: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_changed = on_changed
        self.detail: Any = None

    def discard(self) -> None:
        self.dirty = False
        if self.detail is not None:
            self.load(self.detail)
