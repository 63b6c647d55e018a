"""The Committee & mediators page: committee terms and who serves in them, and the center's
registered mediators with their registration dates (valid or expired at a glance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import CommitteePosition, MediatorStatus
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.services import people
from justice_desk.services.exports import ExportFilters, Register
from justice_desk.services.people import MediatorRecord, SeatRecord, TermRecord
from justice_desk.ui.context import AppContext
from justice_desk.ui.export_ui import ExportButton, ExportChoice
from justice_desk.ui.form_fields import (
    OK_COLOR,
    WARNING_COLOR,
    MessageStrip,
    be_text,
    required_label,
)
from justice_desk.ui.models import Column, Index, ListTableModel
from justice_desk.ui.pages.base import Page
from justice_desk.ui.person_picker import PersonPicker
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.fit import FlowLayout, wrapping_check_box
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.write_dialogs import WritingDatePrompt, WritingDialog

#: A registration this close to its expiry is shown in orange, so it can be renewed in time.
EXPIRY_NOTICE_DAYS = 90
EXPIRED_BACKGROUND = "#fde0dc"


class ColouredListModel(ListTableModel):
    """A small list whose rows can be coloured: ``colours(row) -> (text colour, background)``."""

    def __init__(
        self,
        columns: Sequence[Column],
        colours: Callable[[Any], tuple[str | None, str | None]],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._colours = colours

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and index.row() < len(self.rows)
            and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole)
        ):
            text, background = self._colours(self.rows[index.row()])
            colour = text if role == Qt.ItemDataRole.ForegroundRole else background
            return QBrush(QColor(colour)) if colour else None
        return super().data(index, role)


def _table(model: ListTableModel, parent: QWidget, stretch: int) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    # small lists: sizing to the contents is cheap; one column takes the spare width
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _select(table: QTableView, row: int) -> None:
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def _selected(table: QTableView) -> Any:
    index = table.selectionModel().currentIndex()
    model = table.model()
    return (
        model.rows[index.row()]
        if index.isValid() and isinstance(model, ListTableModel) and index.row() < len(model.rows)
        else None
    )


def roster_day(term: TermRecord, today: dt.date | None = None) -> dt.date:
    """The day whose committee the roster shows: today, kept inside the term."""
    day = today or dt.date.today()
    if day < term.starts_on:
        return term.starts_on
    if term.ends_on is not None and day > term.ends_on:
        return term.ends_on
    return day


def mediator_state(
    m: MediatorRecord, today: dt.date | None = None
) -> tuple[str, str | None, str | None]:
    """(status text, text colour, background) of a mediator's registration."""
    today = today or dt.date.today()
    if m.status is not MediatorStatus.ACTIVE:
        return m.status.label(), "#555555", None
    if m.expires_on is not None and m.expires_on < today:
        return _("Expired"), "#8e0000", EXPIRED_BACKGROUND
    if m.expires_on is not None and (m.expires_on - today).days <= EXPIRY_NOTICE_DAYS:
        return _("Valid, expires soon"), WARNING_COLOR, None
    return _("Valid"), OK_COLOR, None


# -- dialogs -------------------------------------------------------------------------------


class TermDialog(WritingDialog):
    """A new committee term: its name and its dates in the Buddhist Era."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, _("New committee term"), _("Create term"), parent, changes={"committee"}
        )
        self.db = ctx.db
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("for example 2568–2570"))
        self.name.setAccessibleName(_("Name of the term"))
        self.starts_on = BeDateEdit(self, required=True)
        self.starts_on.setAccessibleName(_("Term starts on"))
        self.ends_on = BeDateEdit(self)
        self.ends_on.setAccessibleName(_("Term ends on"))
        self.form.addRow(required_label(_("Name of the term")), self.name)
        self.form.addRow(required_label(_("Starts on")), self.starts_on)
        self.form.addRow(_("Ends on"), self.ends_on)
        self.errors.add("name", self.name)
        self.errors.add("starts_on", self.starts_on)
        self.errors.add("ends_on", self.ends_on)

    def prepare(self) -> Callable[[], TermRecord]:
        for field, widget in (("starts_on", self.starts_on), ("ends_on", self.ends_on)):
            if error := widget.error():
                raise ValidationError(error, field)
        starts = self.starts_on.date()
        if starts is None:
            raise ValidationError(_("The start date of the term is required."), "starts_on")
        db, name, ends = self.db, self.name.text(), self.ends_on.date()
        return lambda: people.create_term(db, name=name, starts_on=starts, ends_on=ends)


class AppointDialog(WritingDialog):
    """Give a person a seat on the committee of a term."""

    def __init__(self, ctx: AppContext, term: TermRecord, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            _("Appoint to the committee — {term}").format(term=term.name),
            _("Appoint"),
            parent,
            changes={"committee"},
        )
        self.db = db = ctx.db
        self.term = term
        self.picker = PersonPicker(db, parent=self)
        self.members_only = QCheckBox(_("Network members only"), self)
        self.members_only.toggled.connect(self._members_only)
        self.position = QComboBox(self)
        self.position.setAccessibleName(_("Position"))
        for p in CommitteePosition:
            self.position.addItem(p.label(), p.value)
        self.position.setCurrentIndex(self.position.findData(CommitteePosition.MEMBER.value))
        self.starts_on = BeDateEdit(self)
        self.starts_on.setAccessibleName(_("Serves from"))
        self.starts_on.line.setPlaceholderText(
            _("empty: from the start of the term ({date})").format(date=be_text(term.starts_on))
        )
        self.form.addRow(required_label(_("Person")), self.picker)
        self.form.addRow("", self.members_only)
        self.form.addRow(required_label(_("Position")), self.position)
        self.form.addRow(_("Serves from"), self.starts_on)
        self.errors.add("person_id", self.picker.register.table)
        self.errors.add("position", self.position)
        self.errors.add("starts_on", self.starts_on)
        self.resize(760, 600)

    def _members_only(self, on: bool) -> None:
        self.picker.members_only = on
        self.picker.register.refresh()

    def set_position(self, position: CommitteePosition) -> None:
        self.position.setCurrentIndex(self.position.findData(position.value))

    def prepare(self) -> Callable[[], SeatRecord]:
        person = self.picker.chosen
        if person is None:
            raise ValidationError(_("Choose the person from the list first."), "person_id")
        if error := self.starts_on.error():
            raise ValidationError(error, "starts_on")
        position = CommitteePosition(self.position.currentData())
        db, term_id, starts = self.db, self.term.id, self.starts_on.date()
        return lambda: people.appoint(db, term_id, person.id, position, starts_on=starts)


class MediatorDialog(WritingDialog):
    """Record a person's registration as a mediator (registration number and its dates)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, _("Register a mediator"), _("Register"), parent, changes={"committee"}
        )
        self.db = db = ctx.db
        self.picker = PersonPicker(db, parent=self)
        self.registration_no = QLineEdit(self)
        self.registration_no.setAccessibleName(_("Registration no."))
        self.issued_on = BeDateEdit(self)
        self.issued_on.setAccessibleName(_("Issued on"))
        self.expires_on = BeDateEdit(self)
        self.expires_on.setAccessibleName(_("Expires on"))
        self.form.addRow(required_label(_("Person")), self.picker)
        self.form.addRow(required_label(_("Registration no.")), self.registration_no)
        self.form.addRow(_("Issued on"), self.issued_on)
        self.form.addRow(_("Expires on"), self.expires_on)
        self.errors.add("person_id", self.picker.register.table)
        self.errors.add("registration_no", self.registration_no)
        self.errors.add("issued_on", self.issued_on)
        self.errors.add("expires_on", self.expires_on)
        self.resize(760, 600)

    def prepare(self) -> Callable[[], MediatorRecord]:
        person = self.picker.chosen
        if person is None:
            raise ValidationError(_("Choose the person from the list first."), "person_id")
        for field, widget in (("issued_on", self.issued_on), ("expires_on", self.expires_on)):
            if error := widget.error():
                raise ValidationError(error, field)
        db, number = self.db, self.registration_no.text()
        issued, expires = self.issued_on.date(), self.expires_on.date()
        return lambda: people.register_mediator(
            db, person.id, registration_no=number, issued_on=issued, expires_on=expires
        )


# -- the page ------------------------------------------------------------------------------


class CommitteePage(Page):
    key = "committee"
    shows = frozenset({"committee", "people"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: WritingDialog | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._committee_tab(), _("Committee"))
        self.tabs.addTab(self._mediators_tab(), _("Mediators"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.refresh()

    def title(self) -> str:
        return _("Committee & mediators")

    # -- building -------------------------------------------------------------------------

    def _committee_tab(self) -> QWidget:
        tab = QWidget(self)
        self.terms = ListTableModel(
            [
                Column(_("Term"), lambda t: t.name),
                Column(_("Starts"), lambda t: be_text(t.starts_on)),
                Column(_("Ends"), lambda t: be_text(t.ends_on) or _("open")),
            ],
            self,
        )
        self.terms_table = _table(self.terms, tab, stretch=0)
        self.new_term_button = QPushButton(_("New term…"), tab)
        terms_box = QGroupBox(_("Committee terms"), tab)
        tl = QVBoxLayout(terms_box)
        tl.addWidget(self.terms_table, 1)
        tl.addWidget(self.new_term_button)

        self.roster = ListTableModel(
            [
                Column(_("Position"), lambda s: s.position_label),
                Column(_("Name"), lambda s: s.person_name),
                Column(_("From"), lambda s: be_text(s.starts_on)),
                Column(_("Until"), lambda s: be_text(s.ends_on) or _("end of term")),
            ],
            self,
        )
        self.roster_table = _table(self.roster, tab, stretch=1)
        self.roster_label = ThaiLabel("", tab)
        self.roster_strip = MessageStrip(tab)
        self.appoint_button = QPushButton(_("Appoint…"), tab)
        self.end_button = QPushButton(_("End appointment…"), tab)
        roster_box = QGroupBox(_("Committee roster"), tab)
        rl = QVBoxLayout(roster_box)
        rl.addWidget(self.roster_label)
        rl.addWidget(self.roster_table, 1)
        rl.addWidget(self.roster_strip)
        self.roster_export = ExportButton(
            self.ctx, [ExportChoice(_("Committee roster"), self.export_roster)], tab
        )
        buttons = FlowLayout()
        buttons.add_widget(self.appoint_button)
        buttons.add_stretch()
        buttons.add_widget(self.roster_export)
        buttons.add_widget(self.end_button)
        rl.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, tab)
        splitter.addWidget(terms_box)
        splitter.addWidget(roster_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        QVBoxLayout(tab).addWidget(splitter)

        self.terms_table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_roster())
        self.roster_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_buttons()
        )
        self.new_term_button.clicked.connect(self.new_term)
        for button in (self.new_term_button, self.appoint_button, self.end_button):
            gate(button, self.ctx, Permission.COMMITTEE)
        self.appoint_button.clicked.connect(lambda: self.appoint())
        self.end_button.clicked.connect(self.end_appointment)
        return tab

    def _mediators_tab(self) -> QWidget:
        tab = QWidget(self)
        self.mediators = ColouredListModel(
            [
                Column(_("Name"), lambda m: m.person_name),
                Column(_("Registration no."), lambda m: m.registration_no),
                Column(_("Issued"), lambda m: be_text(m.issued_on)),
                Column(_("Expires"), lambda m: be_text(m.expires_on) or _("no expiry")),
                Column(_("Status"), lambda m: mediator_state(m)[0]),
            ],
            lambda m: mediator_state(m)[1:],
            self,
        )
        self.mediators_table = _table(self.mediators, tab, stretch=0)
        self.valid_only = QCheckBox(_("Only mediators whose registration is valid today"), tab)
        self.mediator_count = ThaiLabel("", tab)
        self.mediator_strip = MessageStrip(tab)
        self.register_button = QPushButton(_("Register a mediator…"), tab)
        self.mediators_export = ExportButton(
            self.ctx, [ExportChoice(_("Mediators shown"), self.export_mediators)], tab
        )
        top = QHBoxLayout()
        top.addWidget(wrapping_check_box(self.valid_only), 1)
        top.addWidget(self.mediator_count, 1)
        top.addWidget(self.mediators_export, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.mediators_table, 1)
        layout.addWidget(self.mediator_strip)
        bottom = QHBoxLayout()
        bottom.addWidget(self.register_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self.valid_only.toggled.connect(lambda _on: self.load_mediators())
        self.register_button.clicked.connect(self.register_mediator)
        gate(self.register_button, self.ctx, Permission.COMMITTEE)
        return tab

    # -- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.load_terms()
        self.load_mediators()

    def load_terms(self, select_id: Any = None) -> None:
        current = self.current_term()
        keep = select_id or (current.id if current else None)
        terms = people.list_terms(self.ctx.db)
        self.terms.set_rows(terms)
        row = next((i for i, t in enumerate(terms) if t.id == keep), None)
        if row is None:  # the term serving today, else the latest one
            today = dt.date.today()
            row = next(
                (
                    i
                    for i, t in enumerate(terms)
                    if t.starts_on <= today and (t.ends_on is None or t.ends_on >= today)
                ),
                0 if terms else None,
            )
        if row is not None:
            _select(self.terms_table, row)
        self.show_roster()

    def current_term(self) -> TermRecord | None:
        return _selected(self.terms_table)

    def current_seat(self) -> SeatRecord | None:
        return _selected(self.roster_table)

    def show_roster(self) -> None:
        term = self.current_term()
        if term is None:
            self.roster.set_rows([])
            self.roster_label.setText(_("Create the first committee term with “New term…”."))
        else:
            day = roster_day(term)
            # The service gives the committee serving on a day; keep this term's seats.
            seats = [s for s in people.roster(self.ctx.db, day) if s.term_id == term.id]
            self.roster.set_rows(seats)
            self.roster_label.setText(
                _("{term}: {count} serving on {date}").format(
                    term=term.name, count=len(seats), date=be_text(day)
                )
            )
        self._update_buttons()

    def load_mediators(self) -> None:
        today = dt.date.today()
        rows = people.list_mediators(
            self.ctx.db, valid_on=today if self.valid_only.isChecked() else None
        )
        self.mediators.set_rows(rows)
        valid = sum(1 for m in rows if m.valid_on(today))
        self.mediator_count.setText(
            _("{count} mediators, {valid} valid today").format(count=len(rows), valid=valid)
        )

    def export_roster(self) -> tuple[Register, ExportFilters]:
        """The roster shown: the chosen term on the day its roster is shown for."""
        term = self.current_term()
        if term is None:
            return Register.COMMITTEE, ExportFilters()
        return Register.COMMITTEE, ExportFilters(term_id=term.id, on=roster_day(term))

    def export_mediators(self) -> tuple[Register, ExportFilters]:
        valid_on = dt.date.today() if self.valid_only.isChecked() else None
        return Register.MEDIATORS, ExportFilters(valid_on=valid_on)

    def _update_buttons(self) -> None:
        self.appoint_button.setEnabled(self.current_term() is not None)
        self.end_button.setEnabled(self.current_seat() is not None)

    # -- actions --------------------------------------------------------------------------

    def new_record(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.register_mediator()
        else:
            self.new_term()

    def _open(self, dialog: WritingDialog, done: Callable[[Any], None]) -> WritingDialog:
        """Open ``dialog``; once its write (in the job runner) is done, ``done`` shows the result
        here, and ``records_changed`` tells the other pages (the set-up checklist, meetings'
        rosters, case mediators)."""
        self.dialog = dialog
        dialog.owner = self
        dialog.accepted.connect(lambda: done(dialog.result_value))
        dialog.open()
        return dialog

    def new_term(self) -> WritingDialog:
        def done(term: TermRecord) -> None:
            self.load_terms(select_id=term.id)
            self.roster_strip.info(
                _("Term {term} created. Now appoint its members.").format(term=term.name)
            )

        return self._open(TermDialog(self.ctx, self), done)

    def appoint(self, position: CommitteePosition | None = None) -> WritingDialog | None:
        term = self.current_term()
        if term is None:
            return None
        dialog = AppointDialog(self.ctx, term, self)
        if position is not None:
            dialog.set_position(position)

        def done(seat: SeatRecord) -> None:
            self.show_roster()
            self.roster_strip.info(
                _("{name} appointed: {position}.").format(
                    name=seat.person_name, position=seat.position_label
                )
            )

        return self._open(dialog, done)

    def end_appointment(self) -> WritingDatePrompt | None:
        seat = self.current_seat()
        if seat is None:
            return None
        db = self.ctx.db

        def act(day: dt.date) -> SeatRecord:
            return people.end_appointment(db, seat.id, ends_on=day)

        dialog = WritingDatePrompt(
            self.ctx,
            _("End appointment"),
            _("Last day in the position"),
            _("End appointment"),
            act,
            changes={"committee"},
            initial=max(dt.date.today(), seat.starts_on),
            explanation=_("{name} — {position}").format(
                name=seat.person_name, position=seat.position_label
            ),
            field="ends_on",
            parent=self,
        )

        def done(record: SeatRecord) -> None:
            self.show_roster()
            self.roster_strip.info(
                _("The appointment of {name} ends on {date}.").format(
                    name=record.person_name, date=be_text(record.ends_on)
                )
            )

        self._open(dialog, done)
        return dialog

    def register_mediator(self) -> WritingDialog:
        def done(m: MediatorRecord) -> None:
            self.load_mediators()
            row = next((i for i, r in enumerate(self.mediators.rows) if r.id == m.id), None)
            if row is not None:
                _select(self.mediators_table, row)
            self.mediator_strip.info(
                _("{name} registered as a mediator ({number}).").format(
                    name=m.person_name, number=m.registration_no
                )
            )

        self.tabs.setCurrentIndex(1)
        return self._open(MediatorDialog(self.ctx, self), done)
