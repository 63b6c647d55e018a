"""Mediators chosen for a dispute (with the §13 conflict-of-interest disclosure) and the
mediation sessions (with confidential notes, §12 and §29)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.enums import CaseStatus
from justice_desk.i18n import _, pgettext
from justice_desk.services import cases, people
from justice_desk.services.cases import CaseDetail, SessionInput, SessionRecord
from justice_desk.ui.case_widgets import (
    CONFIDENTIAL_STYLE,
    FormSection,
    date_field,
    make_table,
    short_date,
    time_text,
)
from justice_desk.ui.context import AppContext
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.widgets.fit import wrapping_check_box
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.widgets.time_edit import TimeEdit, end_hint, start_hint

CONFIDENTIAL_BACKGROUND = QColor("#fdecea")


class MediatorsSection(FormSection):
    """The mediators assigned, and assigning one more from the center's list valid on a date."""

    def __init__(
        self,
        ctx: AppContext,
        on_changed: Callable[[CaseDetail], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_changed = on_changed
        self.detail: CaseDetail | None = None
        self.model = ListTableModel(
            [
                Column(_("Mediator"), lambda m: m.name),
                Column(_("Registration no."), lambda m: m.registration_no),
                Column(
                    _("Conflict of interest"),
                    lambda m: (
                        _("Confirmed none")
                        if m.no_conflict_confirmed
                        else _("Disclosed: {text}").format(text=m.conflict_disclosure or "")
                    ),
                ),
            ],
            self,
        )
        self.table = make_table(self.model, self)
        self.valid_on = date_field(self, required=True)
        self.valid_on.setDate(dt.date.today())
        self.mediator = QComboBox(self)
        self.mediator.setMinimumContentsLength(30)
        self.none_available = ThaiLabel("", self)
        self.none_available.setObjectName("noMediatorToOffer")
        self.can_assign = True
        self.none_available.setStyleSheet("color: #b26a00;")
        self.no_conflict = QCheckBox(
            _("The mediator confirms having no conflict of interest with any party (§13)"), self
        )
        self.no_conflict.setObjectName("noConflictCheck")
        self.disclosure = QPlainTextEdit(self)
        self.disclosure.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.disclosure.setPlaceholderText(
            _(
                "Or: describe the interest the mediator disclosed to the parties, "
                "who still chose them"
            )
        )
        self.disclosure.setMaximumHeight(80)
        self.assign_button = QPushButton(_("Assign this mediator"), self)
        self.assign_button.setObjectName("assignMediatorButton")
        self.assign_button.clicked.connect(self.save)
        self.closed_note = ThaiLabel(
            _("Mediators can be assigned while the case is open and not yet settled."), self
        )
        self.closed_note.setStyleSheet("color: #555;")
        self.fields = {
            "mediator_id": self.mediator,
            "no_conflict_confirmed": self.no_conflict,
            "valid_on": self.valid_on,
        }

        box = QGroupBox(_("Assign a mediator chosen by the parties"), self)
        form = QFormLayout(box)
        form.addRow(_("Valid on"), self.valid_on)
        form.addRow(_("Mediator"), self.mediator)
        form.addRow("", self.none_available)
        form.addRow("", wrapping_check_box(self.no_conflict))
        form.addRow(_("Disclosure"), self.disclosure)
        row = QHBoxLayout()
        row.addWidget(self.assign_button)
        row.addStretch(1)
        form.addRow("", row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.closed_note)
        layout.addWidget(box)
        layout.addWidget(self.errors)
        self.form_box = box
        self.valid_on.dateChanged.connect(lambda _d: self.reload_choices())
        self.watch(self.no_conflict, self.disclosure)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.model.set_rows(detail.mediators)
        can_assign = detail.status in (
            CaseStatus.RECEIVED,
            CaseStatus.AWAITING_CONSENT,
            CaseStatus.IN_MEDIATION,
        )
        self.form_box.setEnabled(can_assign)
        self.can_assign = can_assign
        self.closed_note.setVisible(not can_assign)
        if not self.dirty:
            with self.loading():
                self.no_conflict.setChecked(False)
                self.disclosure.clear()
                self.clear_errors()
        self.reload_choices()

    def reload_choices(self) -> None:
        day = self.valid_on.date() or dt.date.today()
        assigned = {m.mediator_id for m in self.detail.mediators} if self.detail else set()
        parties = {p.person_id for p in self.detail.parties} if self.detail else set()
        current = self.mediator.currentData()
        self.mediator.clear()
        valid = people.list_mediators(self.ctx.db, valid_on=day)
        for m in valid:
            if m.id in assigned or m.person_id in parties:
                continue
            expires = (
                _("valid until {date}").format(date=short_date(m.expires_on))
                if m.expires_on
                else _("no expiry date")
            )
            self.mediator.addItem(f"{m.person_name} ({m.registration_no}, {expires})", m.id)
        index = self.mediator.findData(current)
        if index >= 0:
            self.mediator.setCurrentIndex(index)
        none = self.mediator.count() == 0
        self.none_available.setText(_why_none(len(valid), bool(assigned)) if none else "")
        self.none_available.setVisible(none and self.can_assign)
        self.assign_button.setEnabled(not none)

    def save(self) -> bool:
        if self.detail is None:
            return True
        disclosure = self.disclosure.toPlainText().strip()
        ok = self.check_fields(
            [
                ("valid_on", self.valid_on.error()),
                (
                    "mediator_id",
                    None if self.mediator.currentData() else _("Choose a mediator from the list."),
                ),
                (
                    "no_conflict_confirmed",
                    None
                    if self.no_conflict.isChecked() or disclosure
                    else _(
                        "The mediator must confirm there is no conflict of interest with the "
                        "parties, or describe it (§13)."
                    ),
                ),
            ]
        )
        if not ok:
            return False
        ok, detail = self.attempt(
            cases.assign_mediator,
            self.ctx.db,
            self.detail.id,
            self.mediator.currentData(),
            no_conflict_confirmed=self.no_conflict.isChecked(),
            conflict_disclosure=disclosure or None,
            on=self.valid_on.date(),
        )
        if ok:
            self.dirty = False
            self.on_changed(detail)
        return ok

    def discard(self) -> None:
        self.dirty = False
        if self.detail is not None:
            self.load(self.detail)


def _why_none(valid: int, assigned: bool) -> str:
    """Why the list of mediators to assign is empty: none registered and valid on the day, every
    one already assigned to this case, or the only ones are parties to it."""
    if valid == 0:
        return _(
            "No registered mediator of the center is valid on this date. "
            "Register mediators on the page “Committee & mediators”."
        )
    if assigned:
        return _(
            "Every registered mediator valid on this date is already assigned to this case "
            "(listed above). To add another, register them on the page “Committee & mediators”."
        )
    return _(
        "The registered mediators valid on this date are parties to this case and cannot "
        "mediate it. Register another mediator on the page “Committee & mediators”."
    )


class SessionsModel(ListTableModel):
    """Sessions, with the confidential-notes column tinted so nobody copies it by mistake."""

    NOTES_COLUMN = 6

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and index.isValid()
            and index.column() == self.NOTES_COLUMN
        ):
            return CONFIDENTIAL_BACKGROUND
        return super().data(index, role)


def _session_time(s: SessionRecord) -> str:
    if s.starts_at and s.ends_at:
        return f"{time_text(s.starts_at)} – {time_text(s.ends_at)}"
    return time_text(s.starts_at)


class SessionsSection(FormSection):
    """The sessions held, and the form for the next one."""

    def __init__(
        self,
        ctx: AppContext,
        on_changed: Callable[[CaseDetail], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_changed = on_changed
        self.detail: CaseDetail | None = None
        self.model = SessionsModel(
            [
                Column(_("No."), lambda s: str(s.session_no), align=Qt.AlignmentFlag.AlignCenter),
                Column(_("Date"), lambda s: short_date(s.held_on)),
                Column(_("Time"), _session_time),
                Column(_("Place"), lambda s: s.place or ""),
                Column(pgettext("mediation session", "Attendance"), lambda s: s.attendees or ""),
                Column(_("Summary"), lambda s: s.summary or ""),
                Column(_("Confidential notes"), lambda s: s.notes or ""),
            ],
            self,
        )
        self.table = make_table(self.model, self)
        self.held_on = date_field(self, required=True)
        self.starts_at = TimeEdit(self, hint=start_hint())
        self.ends_at = TimeEdit(self, hint=end_hint())
        self.place = QLineEdit(self)
        self.place.setPlaceholderText(_("for example the village hall, Moo 3"))
        self.attendees = QPlainTextEdit(self)
        self.attendees.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.attendees.setPlaceholderText(_("Who attended: parties, mediators, others"))
        self.attendees.setMaximumHeight(70)
        self.fill_attendees = QToolButton(self)
        self.fill_attendees.setText(_("Parties and mediators"))
        self.fill_attendees.setToolTip(
            _("Write the names of the parties and mediators of the case")
        )
        self.fill_attendees.clicked.connect(self._fill_attendees)
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.summary.setPlaceholderText(
            _("What was discussed and agreed (may be shown to the parties)")
        )
        self.summary.setMaximumHeight(90)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.notes.setObjectName("confidentialNotes")
        self.notes.setStyleSheet(f"QPlainTextEdit {{ {CONFIDENTIAL_STYLE} }}")
        self.notes.setPlaceholderText(_("Confidential: the mediator's own notes"))
        self.notes.setMaximumHeight(90)
        notes_label = ThaiLabel(
            "<b>"
            + _("Confidential notes")
            + "</b><br><small>"
            + _("§12, §29: never printed, never in minutes, never sent to the province")
            + "</small>",
            self,
        )
        notes_label.setStyleSheet("color: #c62828;")
        self.next_on = date_field(self)
        self.add_button = QPushButton(_("Add this session"), self)
        self.add_button.setObjectName("addSessionButton")
        self.add_button.clicked.connect(self.save)
        self.fields = {
            "held_on": self.held_on,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "place": self.place,
            "next_on": self.next_on,
        }

        self.form_box = QGroupBox(_("Record a session"), self)
        form = QFormLayout(self.form_box)
        # Labels go above their fields when the form is narrow (large text, §15).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Date held"), self.held_on)
        times = QHBoxLayout()
        times.addWidget(self.starts_at)
        times.addWidget(QLabel(_("to"), self))
        times.addWidget(self.ends_at)
        times.addStretch(1)
        form.addRow(_("Time"), times)
        form.addRow(_("Place"), self.place)
        attendance = QHBoxLayout()
        attendance.addWidget(self.attendees, 1)
        attendance.addWidget(self.fill_attendees)
        form.addRow(pgettext("mediation session", "Attendance"), attendance)
        form.addRow(_("Summary"), self.summary)
        form.addRow(notes_label)
        form.addRow("", self.notes)
        form.addRow(_("Next session on"), self.next_on)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        form.addRow("", row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.form_box)
        layout.addWidget(self.errors)
        self.watch(
            self.held_on,
            self.starts_at,
            self.ends_at,
            self.place,
            self.attendees,
            self.summary,
            self.notes,
            self.next_on,
        )

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.model.set_rows(detail.sessions)
        self.form_box.setEnabled(detail.status.is_open)
        if not self.dirty:
            self._reset_form()

    def _reset_form(self) -> None:
        with self.loading():
            self.held_on.setDate(dt.date.today())
            for w in (self.starts_at, self.ends_at, self.place):
                w.clear()
            for p in (self.attendees, self.summary, self.notes):
                p.clear()
            self.next_on.setDate(None)
            self.clear_errors()
        self.dirty = False

    def _fill_attendees(self) -> None:
        if self.detail is None:
            return
        names = [f"{p.name} ({p.side.label()})" for p in self.detail.parties]
        names += [_("{name} (mediator)").format(name=m.name) for m in self.detail.mediators]
        self.attendees.setPlainText("\n".join(names))

    def save(self) -> bool:
        if self.detail is None:
            return True
        ok = self.check_fields(
            [
                ("held_on", self.held_on.error()),
                ("starts_at", self.starts_at.error()),
                ("ends_at", self.ends_at.error()),
                ("next_on", self.next_on.error()),
            ]
        )
        if not ok:
            return False
        held_on = self.held_on.date()
        assert held_on is not None
        data = SessionInput(
            held_on=held_on,
            starts_at=self.starts_at.time(),
            ends_at=self.ends_at.time(),
            place=self.place.text().strip() or None,
            attendees=self.attendees.toPlainText().strip() or None,
            summary=self.summary.toPlainText().strip() or None,
            notes=self.notes.toPlainText().strip() or None,
            next_on=self.next_on.date(),
        )
        ok, detail = self.attempt(cases.add_session, self.ctx.db, self.detail.id, data)
        if ok:
            self.dirty = False
            self.on_changed(detail)
        return ok

    def discard(self) -> None:
        self._reset_form()
