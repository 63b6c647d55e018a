"""The Activities page: crime-prevention and community activities, with participants by sex."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.errors import NotFoundError, ValidationError
from justice_desk.i18n import N_, _
from justice_desk.services import activities
from justice_desk.services.activities import ActivityInput, ActivityRecord
from justice_desk.services.exports import Register
from justice_desk.ui.context import AppContext
from justice_desk.ui.export_ui import ExportButton, ExportChoice, register_filters
from justice_desk.ui.form_fields import be_text, fit_columns, required_label
from justice_desk.ui.form_page import RecordPage
from justice_desk.ui.models import Column
from justice_desk.ui.pages.base import RegisterView
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.thai_label import ThaiLabel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

#: Kinds the service stores (``Activity.kind``); a kind not listed is shown as stored.
KINDS = {
    "crime_prevention": N_("Crime prevention"),
    "community": N_("Community activity"),
}


def activity_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda a: be_text(a.held_on)),
        Column(_("Topic"), lambda a: a.topic),
        Column(_("Place"), lambda a: a.place or ""),
        Column(_("Participants"), lambda a: f"{a.participants:,}", align=RIGHT),
    ]


class ActivitiesPage(RecordPage):
    key = "activities"
    writes = frozenset({"activities"})
    needs = (Permission.ACTIVITIES,)
    shows = frozenset({"activities"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.record: ActivityRecord | None = None
        self.held_on = BeDateEdit(self, required=True)
        self.held_on.setAccessibleName(_("Date"))
        self.topic = QLineEdit(self)
        self.topic.setAccessibleName(_("Topic"))
        self.topic.setPlaceholderText(_("for example: drug prevention campaign at the school"))
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(_("Kind of activity"))
        for code, label in KINDS.items():
            self.kind.addItem(_(label), code)
        self.place = QLineEdit(self)
        self.place.setAccessibleName(_("Place"))
        self.male = self._count(_("Men"))
        self.female = self._count(_("Women"))
        self.unspecified = self._count(_("Not specified"))
        self.total = QLabel(self)
        self.total.setObjectName("participantsTotal")
        self.partners = QLineEdit(self)
        self.partners.setAccessibleName(_("Partners"))
        self.partners.setPlaceholderText(
            _("for example: police station, school, sub-district office")
        )
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)

        counts = QGridLayout()
        for col, (label, box) in enumerate(
            (
                (_("Men"), self.male),
                (_("Women"), self.female),
                (_("Not specified"), self.unspecified),
            )
        ):
            counts.addWidget(ThaiLabel(label, self), 0, col)  # wraps when narrow
            counts.addWidget(box, 1, col)
        counts.addWidget(self.total, 1, 3)
        counts.setColumnStretch(3, 1)

        form = QFormLayout(self.form_body)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(required_label(_("Date")), self.held_on)
        form.addRow(required_label(_("Topic")), self.topic)
        form.addRow(_("Kind of activity"), self.kind)
        form.addRow(_("Place"), self.place)
        form.addRow(_("Participants"), counts)
        form.addRow(_("Partners"), self.partners)
        form.addRow(_("Notes"), self.notes)
        legend = QLabel(_("Fields marked * are required."), self)
        legend.setStyleSheet("color: #555;")
        form.addRow(legend)

        for name, widget in {
            "held_on": self.held_on,
            "topic": self.topic,
            "kind": self.kind,
            "place": self.place,
            "participants": self.male,
            "participants_male": self.male,
            "participants_female": self.female,
            "participants_unspecified": self.unspecified,
            "partners": self.partners,
            "notes": self.notes,
        }.items():
            self.errors.add(name, widget)
            self.tracker.watch(widget)
        fit_columns(self.register.table, {0: 11, 2: 22, 3: 10}, stretch=1)
        self.export_button = ExportButton(
            ctx,
            [
                ExportChoice(
                    _("Activities shown"),
                    lambda: (Register.ACTIVITIES, register_filters(self.register)),
                )
            ],
            self,
        )
        self.register.add_tool(self.export_button)
        for box in (self.male, self.female, self.unspecified):
            box.valueChanged.connect(self._update_total)
        self._start_new()

    def _count(self, name: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(0, 100000)
        box.setGroupSeparatorShown(True)
        box.setAccessibleName(name)
        return box

    def _update_total(self) -> None:
        total = self.male.value() + self.female.value() + self.unspecified.value()
        self.total.setText(_("Total: {count:,}").format(count=total))

    def title(self) -> str:
        return _("Activities")

    # -- register -------------------------------------------------------------------------

    def make_register(self) -> RegisterView:
        return RegisterView(
            activity_columns(),
            self._fetch,
            placeholder=_("Search by topic, place or partner"),
            parent=self,
        )

    def _fetch(
        self, offset: int, limit: int, search: str, order: str | None, descending: bool
    ) -> Any:
        # Newest first; the service orders by date in SQL.
        return activities.list_activities(
            self.ctx.db, search=search or None, offset=offset, limit=limit
        )

    # -- record ---------------------------------------------------------------------------

    def clear_form(self) -> None:
        self.record = None
        self.held_on.setDate(dt.date.today())
        for w in (self.topic, self.place, self.partners):
            w.clear()
        self.kind.setCurrentIndex(0)
        for box in (self.male, self.female, self.unspecified):
            box.setValue(0)
        self.notes.clear()
        self._update_total()
        self.topic.setFocus(Qt.FocusReason.OtherFocusReason)

    def _find_row(self, record_id: uuid.UUID) -> ActivityRecord | None:
        # The register rows are whole records (the service has no "get one activity").
        for row in range(min(self.register.model.total, 2000)):
            obj = self.register.model.row_object(row)
            if obj is not None and obj.id == record_id:
                return obj
        return None

    def load_record(self, record_id: uuid.UUID, row: Any = None) -> ActivityRecord:
        record = row if isinstance(row, ActivityRecord) else self._find_row(record_id)
        if record is None:
            if self.record is not None and self.record.id == record_id:
                record = self.record
            else:
                raise NotFoundError(_("This activity is no longer in the register."))
        self.fill(record)
        return record

    def fill(self, record: ActivityRecord) -> None:
        self.record = record
        self.held_on.setDate(record.held_on)
        self.topic.setText(record.topic)
        index = self.kind.findData(record.kind)
        if index < 0:
            self.kind.addItem(record.kind, record.kind)
            index = self.kind.count() - 1
        self.kind.setCurrentIndex(index)
        self.place.setText(record.place or "")
        self.male.setValue(record.participants_male)
        self.female.setValue(record.participants_female)
        self.unspecified.setValue(record.participants_unspecified)
        self.partners.setText(record.partners or "")
        self.notes.setPlainText(record.notes or "")
        for line in (self.topic, self.place, self.partners):
            line.setCursorPosition(0)  # show the beginning of a long topic, not its end
        self._update_total()

    def value(self) -> ActivityInput:
        if error := self.held_on.error():
            raise ValidationError(error, "held_on")
        held_on = self.held_on.date()
        if held_on is None:
            raise ValidationError(_("The date of the activity is required."), "held_on")
        for box in (self.male, self.female, self.unspecified):
            box.interpretText()
        return ActivityInput(
            held_on=held_on,
            topic=self.topic.text(),
            place=self.place.text(),
            kind=str(self.kind.currentData() or "crime_prevention"),
            participants_male=self.male.value(),
            participants_female=self.female.value(),
            participants_unspecified=self.unspecified.value(),
            partners=self.partners.text(),
            notes=self.notes.toPlainText(),
        )

    def save_record(self) -> Callable[[], tuple[ActivityRecord, list[str]]]:
        data = self.value()
        db, record_id, rev = self.ctx.db, self.current_id, self.current_rev

        def write() -> tuple[ActivityRecord, list[str]]:
            if record_id is None:
                return activities.create_activity(db, data), []
            return activities.update_activity(db, record_id, data, expected_rev=rev), []

        return write

    def delete_record(self, record_id: uuid.UUID) -> None:
        activities.delete_activity(self.ctx.db, record_id)

    def record_label(self) -> str:
        if self.record is None:
            return ""
        return _("{topic} ({date})").format(
            topic=self.record.topic, date=be_text(self.record.held_on)
        )

    def new_heading(self) -> str:
        return _("New activity")
