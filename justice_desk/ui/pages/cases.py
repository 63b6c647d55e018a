"""The Cases page: the register of cases (fetched in windows, searched and sorted in SQL, filtered
by open/closed and by kind), the intake dialog (Ctrl+N), and one case at a time in detail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.i18n import _
from justice_desk.services import cases
from justice_desk.services.cases import CaseDetail, CaseRow
from justice_desk.services.common import Page as RowsPage
from justice_desk.services.exports import ExportFilters, Register
from justice_desk.ui.case_detail import CaseDetailView
from justice_desk.ui.case_intake import CaseIntakeDialog
from justice_desk.ui.case_widgets import combo_select, short_date
from justice_desk.ui.context import AppContext
from justice_desk.ui.export_ui import ExportButton, ExportChoice, register_filters
from justice_desk.ui.models import Column
from justice_desk.ui.pages.base import Page, RegisterView
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.fit import ColumnFitter, FlowLayout, compact_combo

STATUS_GROUP_SETTING = "cases/status_group"
KIND_SETTING = "cases/kind"
OPEN = [s for s in CaseStatus if s.is_open]
CLOSED = [s for s in CaseStatus if not s.is_open]


#: Shorter searches cannot use the trigram index and scan every case and person (seconds on
#: 100,000 cases), so typing them waits for Enter instead of freezing the window at each key.
INSTANT_SEARCH_MIN = 3


class CaseRegister(RegisterView):
    """The register, searching as the user types once the text is long enough to be fast."""

    def _apply_search(self) -> None:
        text = self.search.text().strip()
        if 0 < len(text) < INSTANT_SEARCH_MIN:
            self.count.setText(
                _("Type {count} letters or more, or press Enter to search").format(
                    count=INSTANT_SEARCH_MIN
                )
            )
            return
        super()._apply_search()

    def apply_search_now(self) -> None:
        self._timer.stop()
        super()._apply_search()


def case_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda c: c.number, sort_key="number"),
        Column(_("Received"), lambda c: short_date(c.received_on), sort_key="received"),
        Column(_("Kind"), lambda c: c.kind.label()),
        Column(_("Status"), lambda c: c.status.label(), sort_key="status"),
        Column(_("Subject"), lambda c: c.subject, sort_key="subject"),
        Column(_("Parties"), lambda c: c.parties),
    ]


class CasesPage(Page):
    key = "cases"
    shows = frozenset({"cases", "people", "committee", "sync", "escalations"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intake_dialog: CaseIntakeDialog | None = None

        # -- the register
        self.new_button = QPushButton(_("New case…"), self)
        self.new_button.setObjectName("newCaseButton")
        self.new_button.setToolTip(_("Take in a new case (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        gate(self.new_button, ctx, Permission.CASES, what=_("take in new cases"))
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName(_("Show"))
        self.status_filter.addItem(_("All cases"), "all")
        self.status_filter.addItem(_("Open cases"), "open")
        self.status_filter.addItem(_("Finished cases"), "closed")
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.setAccessibleName(_("Kind of case"))
        self.kind_filter.addItem(_("All kinds"), None)
        for kind in CaseKind:
            self.kind_filter.addItem(kind.label(), kind.value)
        combo_select(self.status_filter, str(ctx.settings.value(STATUS_GROUP_SETTING, "all")))
        combo_select(self.kind_filter, ctx.settings.value(KIND_SETTING) or None)

        self.register = CaseRegister(
            case_columns(),
            self.fetch,
            runner=ctx.runner,
            placeholder=_(
                "Search by number, subject, facts or a party's name (part of a word is enough)"
            ),
            parent=self,
        )
        self.register.setObjectName("casesRegister")
        header = self.register.table.horizontalHeader()
        # Columns as wide as their text (a status or a kind never cut), the subject taking the
        # rest; fitted when the rows first arrive and when the text size changes (§15).
        self.column_fitter = ColumnFitter(
            self.register.table,
            stretch=4,
            samples={
                1: [short_date(dt.date(2569 - 543, 9, 30))],
                2: [k.label() for k in CaseKind],
                3: [s.label() for s in CaseStatus],
            },
        )
        # Newest first, as ``fetch`` orders when no column was chosen: show the arrow without
        # asking the database again.
        header.blockSignals(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        self.register.activated.connect(lambda row: self.open_case(row.id))
        self.register.search.returnPressed.connect(self.register.apply_search_now)
        self.export_button = ExportButton(
            ctx, [ExportChoice(_("Cases shown"), self.export_filters)], self
        )
        self.register.add_tool(self.export_button)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.kind_filter.currentIndexChanged.connect(self._filters_changed)

        filters = FlowLayout()
        filters.add_widget(self.new_button)
        filters.add_widget(QLabel(_("Show"), self))
        filters.add_widget(self.status_filter)
        filters.add_widget(compact_combo(self.kind_filter, 14))
        filters.add_stretch()
        hint = QLabel(_("Double-click a case or press Enter to open it."), self)
        hint.setStyleSheet("color: #555;")
        filters.add_widget(hint)
        list_page = QWidget(self)
        lv = QVBoxLayout(list_page)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(filters)
        lv.addWidget(self.register, 1)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(list_page)
        self.list_page = list_page
        self._detail: CaseDetailView | None = None  # built when a case is first opened
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def title(self) -> str:
        return _("Cases")

    @property
    def detail(self) -> CaseDetailView:
        """The view of one case (built on first use: the register opens faster without it)."""
        if self._detail is None:
            self._detail = CaseDetailView(self.ctx, self)
            self._detail.setObjectName("caseDetail")
            self._detail.back_requested.connect(self.show_list)
            self._detail.changed.connect(self._case_changed)
            self.stack.addWidget(self._detail)
        return self._detail

    # -- the register ---------------------------------------------------------------------------

    def status_group(self) -> list[CaseStatus] | None:
        group = self.status_filter.currentData()
        return OPEN if group == "open" else CLOSED if group == "closed" else None

    def kinds(self) -> list[CaseKind] | None:
        value = self.kind_filter.currentData()
        return [CaseKind(value)] if value else None

    def export_filters(self) -> tuple[Register, ExportFilters]:
        """The cases the register shows: its search, status and kind filters and its order."""
        return Register.CASES, register_filters(
            self.register,
            status=tuple(self.status_group() or ()),
            kind=tuple(self.kinds() or ()),
        )

    def fetch(
        self, offset: int, limit: int, search: str, order: str | None, descending: bool
    ) -> RowsPage[CaseRow]:
        if order is None:  # newest first until the user sorts by a column
            order, descending = "number", True
        return cases.list_cases(
            self.ctx.db,
            search=search or None,
            status=self.status_group(),
            kind=self.kinds(),
            offset=offset,
            limit=limit,
            order=order,
            descending=descending,
        )

    def _filters_changed(self) -> None:
        self.ctx.settings.setValue(STATUS_GROUP_SETTING, self.status_filter.currentData())
        self.ctx.settings.setValue(KIND_SETTING, self.kind_filter.currentData() or "")
        self.register.refresh()

    def _case_changed(self, _detail: CaseDetail) -> None:
        self.register.refresh()

    def showing_detail(self) -> bool:
        return self._detail is not None and self.stack.currentWidget() is self._detail

    def show_list(self) -> bool:
        if self.showing_detail() and not self.detail.resolve_unsaved():
            return False
        current = self._detail.detail if self._detail is not None else None
        self.stack.setCurrentWidget(self.list_page)
        if current is not None:
            self.register.select_id(current.id)
        self.register.table.setFocus()
        return True

    def open_case(self, case_id: uuid.UUID) -> bool:
        if self.showing_detail() and not self.detail.resolve_unsaved():
            return False
        if not self.detail.open_case(case_id):
            return False
        self.stack.setCurrentWidget(self.detail)
        return True

    # -- intake ---------------------------------------------------------------------------------

    def _taken_in(self, detail: CaseDetail, warnings: Any) -> None:
        self.register.refresh()
        if self.detail.open_case(detail.id):
            self.stack.setCurrentWidget(self.detail)
            self.detail.show_messages(list(warnings))

    # -- what the main window calls -------------------------------------------------------------

    def refresh(self) -> None:
        self.register.refresh()
        if self.showing_detail() and not self.detail.is_dirty():
            self.detail.reload()

    def new_record(self) -> None:
        if self.intake_dialog is not None and self.intake_dialog.isVisible():
            self.intake_dialog.raise_()
            return
        if self.showing_detail() and not self.detail.resolve_unsaved():
            return
        self.intake_dialog = CaseIntakeDialog(self.ctx, self)
        self.intake_dialog.taken_in.connect(self._taken_in)
        self.intake_dialog.open()

    def focus_search(self) -> None:
        if self.show_list():
            self.register.focus_search()

    def save(self) -> None:
        if self.showing_detail():
            self.detail.save_current()

    def print_current(self) -> None:
        if self.showing_detail():
            self.detail.print_document("intake")

    def can_leave(self) -> bool:
        if self.intake_dialog is not None and self.intake_dialog.isVisible():
            if self.intake_dialog.is_dirty():
                self.intake_dialog.reject()
                if self.intake_dialog.isVisible():
                    return False
            else:
                self.intake_dialog.close()
        if self.showing_detail():
            return self.detail.resolve_unsaved()
        return True
