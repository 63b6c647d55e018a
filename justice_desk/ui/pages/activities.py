"""The Activities page (first version: a placeholder until the page is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from justice_desk.i18n import _
from justice_desk.ui.context import AppContext
from justice_desk.ui.pages.base import Page


class ActivitiesPage(Page):
    key = "activities"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        QVBoxLayout(self).addWidget(QLabel(self.title()))

    def title(self) -> str:
        return _("Activities")
