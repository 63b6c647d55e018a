"""Export buttons on the registers, and the monthly report dialog (docs/architecture.md §12).

An :class:`ExportButton` sits beside a register's search box. Its menu offers the register (or
several, on the People page) as an Excel workbook or a CSV file; the page says what its register
shows at that moment (search and filters applied), and ``services.exports.export_register``
writes it in the job runner, as ``justice-desk export`` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QMenu,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.i18n import _
from justice_desk.services.exports import ExportFilters, ExportFormat, Register
from justice_desk.ui import dialogs
from justice_desk.ui.context import AppContext
from justice_desk.ui.form_fields import dialog_buttons
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:  # imported when the report is asked for, not with the window
    from justice_desk.ui.print_preview import PreviewTask

#: What a page's register shows now: which register and its search and filters.
Describe = Callable[[], tuple[Register, ExportFilters]]


@dataclass(frozen=True)
class ExportChoice:
    label: str  # what the menu calls it, e.g. "People shown"
    describe: Describe


def _format_label(fmt: ExportFormat) -> str:
    return _("Excel workbook (.xlsx)…") if fmt is ExportFormat.XLSX else _("CSV file (.csv)…")


def _file_filter(fmt: ExportFormat) -> str:
    return _("Excel workbooks (*.xlsx)") if fmt is ExportFormat.XLSX else _("CSV files (*.csv)")


def default_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def ask_export_path(parent: QWidget | None, title: str, suggested: Path, fmt: ExportFormat) -> str:
    """The file to write, chosen in a save dialog ('' when cancelled). Tests replace this."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), _file_filter(fmt))
    if chosen and Path(chosen).suffix.lower() != f".{fmt.value}":
        chosen += f".{fmt.value}"
    return chosen


class ExportButton(QToolButton):
    """“Export”, with a menu: each register the page offers, as .xlsx or .csv."""

    exported = Signal(object)  # services.exports.ExportResult

    def __init__(
        self, ctx: AppContext, choices: Sequence[ExportChoice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("exportButton")
        # The menu's arrow after the word, not Qt's small indicator drawn over its last letter
        # (at a large text size it covered the end of "ส่งออก").
        self.setText(_("Export") + " ▾")
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setToolTip(
            _("Save the list as shown (with its search and filters) for Excel or as CSV")
        )
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.actions_by_key: dict[tuple[int, ExportFormat], Any] = {}
        for i, choice in enumerate(choices):
            if len(choices) > 1:
                if i:
                    self.menu_.addSeparator()
                self.menu_.addSection(choice.label)
            for fmt in ExportFormat:
                action = self.menu_.addAction(_format_label(fmt))
                action.triggered.connect(self._exporter(choice.describe, fmt))
                self.actions_by_key[(i, fmt)] = action
        self.setMenu(self.menu_)
        # A viewer reads but does not export: disabled, saying why (the service refuses too).
        gate(self, ctx, Permission.EXPORT)

    def _exporter(self, describe: Describe, fmt: ExportFormat) -> Callable[[], None]:
        """A slot for one menu entry (a closure: a lambda's default arguments would receive
        the action's ``checked`` flag)."""

        def export() -> None:
            self.export(describe, fmt)

        return export

    def export(self, describe: Describe, fmt: ExportFormat) -> None:
        """Ask where, then write the register as it is shown now, in the background."""
        from justice_desk.services import exports

        register, filters = describe()
        suggested = default_folder() / exports.suggested_file_name(register, fmt)
        title = _("Export {register}").format(register=register.label())
        path = ask_export_path(self.window(), title, suggested, fmt)
        if not path:
            return

        def done(result: exports.ExportResult) -> None:
            self.exported.emit(result)
            dialogs.show_info(
                self.window(),
                _("Rows exported: {count}. File: {path}").format(
                    count=result.rows, path=result.path
                ),
                title,
            )

        def failed(message: str, _expected: bool) -> None:
            dialogs.show_error(self.window(), message, title)

        self.ctx.runner.run(
            _("Exporting {register}").format(register=register.label()),
            exports.export_register,
            self.ctx.db,
            register,
            path,
            fmt=fmt,
            filters=filters,
            takes_progress=True,
            on_success=done,
            on_error=failed,
        )


def register_filters(view: Any, **extra: Any) -> ExportFilters:
    """The search a ``RegisterView`` shows (the one applied, not text still being typed) and its
    sort order, with the page's own filters."""
    model = view.model
    return ExportFilters(
        search=model.search or None, order=model.order, descending=model.descending, **extra
    )


# -- the monthly report ------------------------------------------------------------------------


class MonthlyReportDialog(QDialog):
    """Choose a month (BE year); the report then opens in the print preview (print, save as
    PDF), as every document does (``ui/print_preview.py``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from justice_desk.domain.dates import format_date

        self.ctx = ctx
        self.preview: PreviewTask | None = None  # the report being made, then shown
        self.setWindowTitle(_("Monthly report"))
        today = dt.date.today()
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        self.month = QComboBox(self)
        self.month.setAccessibleName(_("Month"))
        for m in range(1, 13):
            # the month's name as dates show it ("มกราคม"), from the date formatting helper
            name = format_date(dt.date(2000, m, 1), "th").split(" ")[1]
            self.month.addItem(name, m)
        self.month.setCurrentIndex(last_month.month - 1)
        self.year = QSpinBox(self)
        self.year.setAccessibleName(_("Year (BE)"))
        self.year.setRange(2500, today.year + 543)
        self.year.setValue(last_month.year + 543)
        explanation = ThaiLabel(
            _(
                "The center's report for the month: cases received and their outcomes, for the "
                "month and the fiscal year to its end, as a PDF to print or send."
            ),
            self,
        )
        form = QFormLayout()
        form.addRow(_("Month"), self.month)
        form.addRow(_("Year (BE)"), self.year)
        self.buttons = dialog_buttons(self, _("Show the report…"))
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def chosen_month(self) -> tuple[int, int]:
        """(CE year, month)."""
        return self.year.value() - 543, int(self.month.currentData())

    def accept(self) -> None:
        from justice_desk.services import printing
        from justice_desk.ui.print_preview import PrintRequest, preview_document

        year, month = self.chosen_month()
        title = _("Monthly report, {month} {year}").format(
            month=self.month.currentText(), year=year + 543
        )
        self.preview = preview_document(
            self.parentWidget() or self,
            self.ctx,
            PrintRequest(
                kind="monthly",
                title=title,
                file_name=f"monthly-report-{year + 543:04d}-{month:02d}.pdf",
                job_title=_("Making the monthly report"),
                build=printing.monthly_pdf,
                args=(self.ctx.db, year, month),
            ),
        )
        super().accept()


def open_monthly_report(window: Any) -> MonthlyReportDialog | None:
    """File → Monthly report… (the window's database must be open)."""
    ctx = getattr(window, "ctx", None)
    if ctx is None:
        return None
    dialog = MonthlyReportDialog(ctx, window)
    window.monthly_dialog = dialog  # kept for tests and so that it is not collected
    dialog.open()
    return dialog
