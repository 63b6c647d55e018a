"""The Audit trail page, for the coordinator (at a province office, the administrator): who
viewed, changed, printed, exported, signed in and managed accounts, when and from which computer
(``services/audit_trail.py``), newest first, filtered by account, action, a case number or a
person; **Check the chain** walks the whole trail and names the first broken entry. At a
province office a second table shows each center's trail as its newest bundle described it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.errors import UserError
from justice_desk.i18n import _, language
from justice_desk.services import audit_trail
from justice_desk.ui.context import AppContext
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.pages.base import Page
from justice_desk.ui.widgets.thai_label import ThaiLabel

SHOWN = 500


def _record(e: audit_trail.AuditEntry) -> str:
    if e.table is None:
        return ""
    subject = audit_trail.SUBJECTS.get(e.table)
    return _(subject) if subject else e.table


class AuditPage(Page):
    key = "audit"
    shows = frozenset({"people", "cases", "meetings", "activities", "committee", "sync"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            ThaiLabel(
                _(
                    "Every view of a person's or a case's record, every change, print and "
                    "export, every sign-in and account change, with who, when and from which "
                    "computer. Entries cannot be changed or removed; each one's hash covers "
                    "the one before, so the check below finds any that were."
                )
            )
        )
        filters = QHBoxLayout()
        self.which = QComboBox(self)
        self.which.setObjectName("auditWhich")
        for label, code in (
            (_("All entries"), "all"),
            (_("Of an account (login)"), "user"),
            (_("About a case (number)"), "case"),
            (_("About a person (national ID)"), "person"),
        ):
            self.which.addItem(label, code)
        filters.addWidget(self.which)
        self.value = QLineEdit(self)
        self.value.setObjectName("auditValue")
        self.value.setPlaceholderText(_("login, 005/2569 or a national ID"))
        self.value.returnPressed.connect(self.refresh)
        filters.addWidget(self.value, 1)
        self.action = QComboBox(self)
        self.action.setObjectName("auditAction")
        self.action.addItem(_("Any action"), "")
        for code in audit_trail.ACTIONS:
            self.action.addItem(audit_trail.action_label(code), code)
        filters.addWidget(self.action)
        show = QPushButton(_("Show"), self)
        show.setObjectName("auditShow")
        show.clicked.connect(self.refresh)
        filters.addWidget(show)
        verify = QPushButton(_("Check the chain"), self)
        verify.setObjectName("auditVerify")
        verify.clicked.connect(self.verify)
        filters.addWidget(verify)
        layout.addLayout(filters)
        self.status = ThaiLabel("")
        self.status.setObjectName("auditStatus")
        layout.addWidget(self.status)

        lang = language()
        self.model = ListTableModel(
            [
                Column(_("No."), lambda e: str(e.number)),
                Column(_("When"), lambda e: audit_trail.when(e.at, lang)),
                Column(_("Who"), lambda e: e.actor),
                Column(_("Computer"), lambda e: e.host or ""),
                Column(_("What"), lambda e: audit_trail.action_label(e.action)),
                Column(_("Record"), _record),
                Column(_("Detail"), lambda e: e.detail or ""),
            ],
            self,
        )
        self.table = self._table(self.model, "auditTable")
        layout.addWidget(self.table, 3)
        self.centers_model: ListTableModel | None = None
        if ctx.is_province:
            layout.addWidget(QLabel(_("The centers' trails, as their newest bundles said:")))
            self.centers_model = ListTableModel(
                [
                    Column(_("Center"), lambda t: t.code),
                    Column(_("Name"), lambda t: t.name),
                    Column(_("Entries"), lambda t: str(t.count)),
                    Column(_("Trail"), lambda t: t.state),
                    Column(_("Bundle"), lambda t: str(t.seq)),
                ],
                self,
            )
            layout.addWidget(self._table(self.centers_model, "centerTrails"), 1)
        self.refresh()

    def _table(self, model: ListTableModel, name: str) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().hide()
        return table

    def title(self) -> str:
        return _("Audit trail")

    def focus_search(self) -> None:
        self.value.setFocus()

    def _query(self) -> dict[str, Any]:
        from justice_desk.services import accounts, cases

        which, text = self.which.currentData(), self.value.text().strip()
        query: dict[str, Any] = {"action": self.action.currentData() or None, "limit": SHOWN}
        if which == "user" and text:
            query["user"] = text
        elif which == "case" and text:
            query["case"] = cases.find_case(self.ctx.db, text)
        elif which == "person" and text:
            query["person"] = accounts.person_for(self.ctx.db, text)
        return query

    def refresh(self) -> None:
        try:
            query = self._query()
        except UserError as exc:
            self.status.setText(str(exc))
            return

        def load() -> tuple[Any, list[Any]]:
            page = audit_trail.list_entries(self.ctx.db, **query)
            trails = audit_trail.center_trails(self.ctx.db) if self.centers_model else []
            return page, trails

        def done(result: tuple[Any, list[Any]]) -> None:
            page, trails = result
            self.model.set_rows(page.rows)
            if self.centers_model is not None:
                self.centers_model.set_rows(trails)
            self.status.setText(
                _("{shown} of {total} entries shown, newest first.").format(
                    shown=len(page.rows), total=page.total
                )
            )

        def failed(message: str, _expected: bool) -> None:
            self.status.setText(message)

        self.ctx.runner.run(
            _("Reading the audit trail"),
            load,
            on_success=done,
            on_error=failed,
            announce=False,
        )

    def verify(self) -> None:
        def done(check: Any) -> None:
            if check.whole:
                self.status.setText(
                    _("The chain is whole: {count} entries, each covering the one before.").format(
                        count=check.count
                    )
                )
            else:
                self.status.setText(audit_trail.broken_message(check))

        def failed(message: str, _expected: bool) -> None:
            self.status.setText(message)

        self.ctx.runner.run(
            _("Checking the audit trail"),
            audit_trail.verify_chain,
            self.ctx.db,
            on_success=done,
            on_error=failed,
        )
