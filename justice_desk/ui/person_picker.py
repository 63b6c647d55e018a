"""Choose a person from the people register with the same instant search as the People page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from justice_desk.i18n import _
from justice_desk.services import people
from justice_desk.services.people import PersonRow
from justice_desk.storage.database import Database
from justice_desk.ui.form_fields import fit_columns
from justice_desk.ui.models import Column
from justice_desk.ui.pages.base import RegisterView
from justice_desk.ui.widgets.thai_label import ThaiLabel


def person_columns() -> list[Column]:
    return [
        Column(_("Name"), lambda r: r.name, sort_key="name"),
        Column(_("National ID"), lambda r: r.masked_id),
        Column(_("Village"), lambda r: r.village or ""),
        Column(_("Community role"), lambda r: r.community_role or ""),
    ]


class PersonPicker(QWidget):
    """Search box + people list + the name chosen; ``chosen`` is a ``PersonRow`` or ``None``."""

    changed = Signal(object)

    def __init__(
        self, db: Database, *, members_only: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.members_only = members_only
        self.chosen: PersonRow | None = None
        self.register = RegisterView(
            person_columns(),
            self._fetch,
            placeholder=_("Type part of a name, ID or phone number"),
            parent=self,
        )
        self.register.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt starts descending
        fit_columns(self.register.table, {1: 14, 2: 11, 3: 11}, stretch=0)
        self.register.setMinimumHeight(220)
        self.label = ThaiLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.register, 1)
        layout.addWidget(self.label)
        self.register.current_changed.connect(self._choose)
        self.register.activated.connect(self._choose)
        self.register.model.modelReset.connect(lambda: self._choose(None))
        self._choose(None)

    def _fetch(
        self, offset: int, limit: int, search: str, order: str | None, descending: bool
    ) -> Any:
        return people.list_people(
            self.db,
            search=search or None,
            members_only=self.members_only,
            offset=offset,
            limit=limit,
            descending=descending,
        )

    def _choose(self, row: PersonRow | None) -> None:
        self.chosen = row
        if row is None:
            self.label.setText(_("Nobody chosen yet: click a name in the list."))
            self.label.setStyleSheet("color: #555;")
        else:
            self.label.setText(_("Chosen: {name}").format(name=row.name))
            self.label.setStyleSheet("font-weight: bold;")
        self.changed.emit(row)

    def choose_id(self, person_id: Any) -> bool:
        """Choose a person by id among the rows the list shows."""
        return self.register.select_id(person_id)
