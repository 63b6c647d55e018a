"""The Sync page (its content comes with sync: enrolment, export, receipts)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from justice_desk.i18n import _
from justice_desk.ui.context import AppContext
from justice_desk.ui.pages.base import Page


class SyncPage(Page):
    key = "sync"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.refresh()

    def title(self) -> str:
        return _("Sync")

    def refresh(self) -> None:
        self.status.setText(
            _("Sending changes to the Provincial Justice Office is not set up on this computer yet. All your records are kept safely in the database.")
        )
