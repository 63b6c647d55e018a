"""The People & members page: the people register, one person's details, and their network
membership and training records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import MembershipStatus
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _, pgettext
from justice_desk.services import people
from justice_desk.services.exports import ExportFilters, Register
from justice_desk.services.people import (
    DuplicateCandidate,
    MembershipRecord,
    PersonInput,
    PersonRecord,
)
from justice_desk.storage.database import Database
from justice_desk.ui import dialogs, operations
from justice_desk.ui.context import AppContext
from justice_desk.ui.duplicate_panel import DuplicatePanel
from justice_desk.ui.export_ui import ExportButton, ExportChoice, register_filters
from justice_desk.ui.form_fields import (
    FormErrors,
    MessageStrip,
    be_text,
    fit_columns,
    required_label,
)
from justice_desk.ui.form_page import RecordPage
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.pages.base import RegisterView
from justice_desk.ui.person_form import PersonForm
from justice_desk.ui.privacy_panel import PrivacyPanel, disposal_button
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.write_dialogs import WritingDatePrompt

if TYPE_CHECKING:
    from justice_desk.ui.jobs import Job

#: Typing pauses this long before the "already on file?" check runs.
DUPLICATE_CHECK_DELAY_MS = 400
#: How far to look for a person's membership among people who share their name.
_MEMBERSHIP_SCAN_LIMIT = 2000


def people_columns() -> list[Column]:
    return [
        Column(_("Name"), lambda r: r.name, sort_key="name"),
        Column(_("National ID"), lambda r: r.masked_id),
        Column(_("Phone"), lambda r: r.phone or ""),
        Column(_("Village"), lambda r: r.village or ""),
        Column(_("Community role"), lambda r: r.community_role or ""),
        Column(
            _("Member"),
            lambda r: _("Yes") if r.is_member else _("No"),
            align=Qt.AlignmentFlag.AlignCenter,
        ),
    ]


def find_membership(db: Database, person: PersonRecord) -> MembershipRecord | None:
    """The person's current membership (else the latest one), found through the members list.

    The people service has no "membership of one person" call yet, so this searches the members
    list by the person's name and keeps the rows of this person.
    """
    query = " ".join(part for part in (person.given_name, person.surname) if part)
    found: list[MembershipRecord] = []
    offset = 0
    while offset < _MEMBERSHIP_SCAN_LIMIT:
        page = people.list_members(db, search=query, offset=offset, limit=200)
        found.extend(m for m in page.rows if m.person_id == person.id)
        offset += len(page.rows)
        if not page.rows or offset >= page.total:
            break
    if not found:
        return None
    active = [m for m in found if m.status is MembershipStatus.ACTIVE]
    pool = active or found
    return max(pool, key=lambda m: (m.joined_on or dt.date.min, m.left_on or dt.date.min))


class MembershipPanel(QWidget):
    """Network membership (member no., joined, status, end) and training records of one person."""

    def __init__(self, ctx: AppContext, on_changed: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person: PersonRecord | None = None
        self.current_membership: MembershipRecord | None = None
        self.stale = True  # membership and training not read yet for this person
        self._on_changed = on_changed
        self.end_dialog: WritingDatePrompt | None = None

        self.hint = ThaiLabel(
            _("Save the person first; then record their network membership and training here."),
            self,
        )
        self.hint.setStyleSheet("color: #555;")
        self.strip = MessageStrip(self)
        self.errors = FormErrors(self.strip)

        # -- membership
        self.status = ThaiLabel(self)
        self.status.setObjectName("membershipStatus")
        self.member_no = QLineEdit(self)
        self.member_no.setAccessibleName(_("Member no."))
        self.joined_on = BeDateEdit(self)
        self.joined_on.setAccessibleName(_("Joined on"))
        self.join_button = QPushButton(_("Register as network member"), self)
        self.end_button = QPushButton(_("End membership…"), self)
        self.errors.add("member_no", self.member_no)
        self.errors.add("joined_on", self.joined_on)
        membership = QGroupBox(_("Network membership"), self)
        m = QFormLayout(membership)
        m.addRow(self.status)
        self.join_form = QWidget(self)
        jf = QFormLayout(self.join_form)
        jf.setContentsMargins(0, 0, 0, 0)
        jf.addRow(ThaiLabel(_("Member no."), self), self.member_no)
        jf.addRow(ThaiLabel(_("Joined on"), self), self.joined_on)
        jf.addRow(self.join_button)
        m.addRow(self.join_form)
        m.addRow(self.end_button)

        # -- training
        self.trainings = ListTableModel(
            [
                Column(_("Course"), lambda t: t.course),
                Column(_("Organiser"), lambda t: t.organiser or ""),
                Column(_("Completed on"), lambda t: be_text(t.completed_on)),
                Column(
                    _("Hours"),
                    lambda t: "" if t.hours is None else str(t.hours),
                    align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                ),
                Column(pgettext("training", "Certificate no."), lambda t: t.certificate_no or ""),
            ],
            self,
        )
        self.training_table = QTableView(self)
        self.training_table.setModel(self.trainings)
        self.training_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.training_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.training_table.verticalHeader().setVisible(False)
        fit_columns(self.training_table, {1: 9, 2: 9, 3: 3, 4: 7}, stretch=0)
        self.training_table.setMinimumHeight(100)
        self.training_table.setMaximumHeight(200)  # keep the "add" fields below in view
        self.course = QLineEdit(self)
        self.course.setAccessibleName(_("Course"))
        self.course.setPlaceholderText(_("for example the Community Justice Network curriculum"))
        self.organiser = QLineEdit(self)
        self.organiser.setAccessibleName(_("Organiser"))
        self.completed_on = BeDateEdit(self)
        self.completed_on.setAccessibleName(_("Completed on"))
        self.hours = QSpinBox(self)
        self.hours.setRange(0, 2000)
        self.hours.setSpecialValueText(_("not known"))
        self.hours.setAccessibleName(_("Hours"))
        self.certificate_no = QLineEdit(self)
        self.certificate_no.setAccessibleName(pgettext("training", "Certificate no."))
        self.add_training_button = QPushButton(_("Add training record"), self)
        self.errors.add("course", self.course)
        self.errors.add("completed_on", self.completed_on)
        training = QGroupBox(_("Training"), self)
        t = QVBoxLayout(training)
        t.addWidget(self.training_table)
        tf = QFormLayout()
        tf.addRow(required_label(_("Course")), self.course)
        tf.addRow(ThaiLabel(_("Organiser"), self), self.organiser)
        tf.addRow(ThaiLabel(_("Completed on"), self), self.completed_on)
        tf.addRow(ThaiLabel(_("Hours"), self), self.hours)
        tf.addRow(ThaiLabel(pgettext("training", "Certificate no."), self), self.certificate_no)
        tf.addRow(self.add_training_button)
        t.addLayout(tf)
        # Narrow (the form's side of the page at a large text size): labels above their fields
        # instead of pushing the fields past the edge (docs/architecture.md §15).
        for form in (m, jf, tf):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.strip)
        layout.addWidget(membership)
        layout.addWidget(training)
        layout.addStretch(1)
        self.sections = (membership, training)

        self.join_button.clicked.connect(lambda: self.join())
        self.end_button.clicked.connect(self.ask_end)
        self.add_training_button.clicked.connect(lambda: self.add_training())
        for button in (self.join_button, self.end_button, self.add_training_button):
            gate(button, ctx, Permission.PEOPLE)
        self.set_person(None)

    def set_person(self, person: PersonRecord | None) -> None:
        self.person = person
        self.errors.clear()
        self.strip.clear_message()
        self.hint.setVisible(person is None)
        for section in self.sections:
            section.setEnabled(person is not None)
        self._clear_training_inputs()
        self.member_no.clear()
        self.joined_on.setDate(None)
        self.stale = True
        self.status.clear()
        self.trainings.set_rows([])
        self.join_form.setVisible(False)
        self.end_button.setVisible(False)

    def ensure_loaded(self) -> None:
        """Read membership and training when the tab is shown, not at every row the user
        passes in the register."""
        if self.stale:
            self.reload()

    def reload(self) -> None:
        self.stale = False
        person = self.person
        self.current_membership = find_membership(self.ctx.db, person) if person else None
        self.trainings.set_rows(people.trainings_of(self.ctx.db, person.id) if person else [])
        m = self.current_membership
        active = m is not None and m.status is MembershipStatus.ACTIVE
        if m is None:
            self.status.setText(_("Not a member of the network."))
        else:
            parts = [_("Status: {status}").format(status=m.status.label())]
            if m.member_no:
                parts.append(_("Member no. {number}").format(number=m.member_no))
            if m.joined_on:
                parts.append(_("joined {date}").format(date=be_text(m.joined_on)))
            if m.left_on:
                parts.append(_("left {date}").format(date=be_text(m.left_on)))
            self.status.setText(" · ".join(parts))
        self.status.setStyleSheet("font-weight: bold; color: #2e7d32;" if active else "")
        self.join_form.setVisible(person is not None and not active)
        self.end_button.setVisible(active)

    def _clear_training_inputs(self) -> None:
        for w in (self.course, self.organiser, self.certificate_no):
            w.clear()
        self.completed_on.setDate(None)
        self.hours.setValue(0)

    def _write(
        self,
        title: str,
        check: Callable[[], Callable[[], object]],
        done_message: str,
        busy: QPushButton,
        after: Callable[[], None] | None = None,
    ) -> Job | None:
        """``check()`` reads the fields on the GUI thread (raising a refusal with its field) and
        returns the write, which runs in the job runner (``operations.run_write``) with ``busy``
        disabled; then the panel and the page show the result."""
        self.errors.clear()
        try:
            write = check()
        except UserError as exc:
            self.errors.show(exc)
            return None

        def done(_result: object) -> None:
            self.strip.info(done_message)
            self.reload()
            self._on_changed()
            if after is not None:
                after()

        return operations.run_write(
            self,
            self.ctx,
            title,
            write,
            changes={"people"},
            on_done=done,
            on_refused=self._refused,
            busy=[busy],
        )

    def _refused(self, exc: UserError) -> None:
        self.errors.show(exc)

    def join(self) -> Job | None:
        person = self.person
        if person is None:
            return None
        db = self.ctx.db

        def check() -> Callable[[], object]:
            if error := self.joined_on.error():
                raise ValidationError(error, "joined_on")
            number, joined = self.member_no.text(), self.joined_on.date()
            return lambda: people.add_membership(db, person.id, member_no=number, joined_on=joined)

        def cleared() -> None:
            self.member_no.clear()
            self.joined_on.setDate(None)

        return self._write(
            _("Registering a network member"),
            check,
            _("Registered as a network member."),
            self.join_button,
            cleared,
        )

    def ask_end(self) -> None:
        m = self.current_membership
        if m is None:
            return
        db = self.ctx.db

        def write(day: dt.date) -> object:
            return people.end_membership(db, m.id, left_on=day)

        def done() -> None:
            self.strip.info(_("Membership ended."))
            self.reload()
            self._on_changed()

        self.end_dialog = WritingDatePrompt(
            self.ctx,
            _("End network membership"),
            _("Left the network on"),
            _("End membership"),
            write,
            changes={"people"},
            explanation=_("{name} stays in the people register; only the membership ends.").format(
                name=m.person_name
            ),
            field="left_on",
            parent=self,
        )
        self.end_dialog.accepted.connect(done)
        self.end_dialog.open()

    def add_training(self) -> Job | None:
        person = self.person
        if person is None:
            return None
        db = self.ctx.db

        def check() -> Callable[[], object]:
            if error := self.completed_on.error():
                raise ValidationError(error, "completed_on")
            course, done_on = self.course.text(), self.completed_on.date()
            organiser, certificate = self.organiser.text(), self.certificate_no.text()
            hours = self.hours.value() or None
            return lambda: people.add_training(
                db,
                person.id,
                course=course,
                completed_on=done_on,
                organiser=organiser,
                hours=hours,
                certificate_no=certificate,
            )

        return self._write(
            _("Adding a training record"),
            check,
            _("Training record added."),
            self.add_training_button,
            self._clear_training_inputs,
        )


class PeoplePage(RecordPage):
    key = "people"
    writes = frozenset({"people"})
    needs = (Permission.PEOPLE,)
    shows = frozenset({"people", "committee", "cases"})
    duplicates_checked = Signal()  # the live "already on file?" check has answered

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.record: PersonRecord | None = None
        self.form = PersonForm(self.tracker, self.errors, self)
        self.membership = MembershipPanel(ctx, self._filter_changed, self)
        self.tabs = QTabWidget(self.form_body)
        self.tabs.addTab(self.form, _("Person"))
        self.tabs.addTab(self.membership, _("Membership and training"))
        self.privacy = PrivacyPanel(ctx, self)  # PDPA: notice, basis, copy, erasure
        self.tabs.addTab(self.privacy, _("Privacy"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.duplicates = DuplicatePanel(self.form_body)
        self.duplicates.open_requested.connect(self.open_duplicate)
        body = QVBoxLayout(self.form_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.duplicates)
        body.addWidget(self.tabs)
        # "already on file?" is asked as a name, birth or ID is typed (docs/domain.md §11)
        self._duplicate_generation = 0
        self._duplicate_timer = QTimer(self)
        self._duplicate_timer.setSingleShot(True)
        self._duplicate_timer.setInterval(DUPLICATE_CHECK_DELAY_MS)
        self._duplicate_timer.timeout.connect(self.check_duplicates)
        for signal in (
            self.form.national_id.textChanged,
            self.form.given_name.textChanged,
            self.form.surname.textChanged,
            self.form.title_box.editTextChanged,
            self.form.birth_date.dateChanged,
            self.form.birth_year.textChanged,
        ):
            signal.connect(self._typed_identity)
        self.register.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt starts descending
        self.export_button = ExportButton(
            ctx,
            [
                ExportChoice(_("People shown"), self.export_people),
                ExportChoice(_("Network members"), self.export_members),
            ],
            self,
        )
        self.register.add_tool(self.export_button)
        self.register.add_tool(disposal_button(ctx, self))
        fit_columns(self.register.table, {1: 14, 2: 12, 3: 10, 4: 10, 5: 5}, stretch=0)
        self._start_new()

    def title(self) -> str:
        return _("People & members")

    # -- register -------------------------------------------------------------------------

    def make_register(self) -> RegisterView:
        return RegisterView(
            people_columns(),
            self._fetch,
            runner=self.ctx.runner,
            placeholder=_("Search by name, national ID, phone or LINE ID"),
            parent=self,
        )

    def add_filters(self, layout: QVBoxLayout) -> None:
        self.members_only = QCheckBox(_("Network members only"), self)
        self.members_only.toggled.connect(self._filter_changed)
        # Beside Export and Disposal review, not on a line of its own (large text: §15).
        self.register.add_filter(self.members_only)

    def _fetch(
        self, offset: int, limit: int, search: str, order: str | None, descending: bool
    ) -> Any:
        members_only = getattr(self, "members_only", None)
        return people.list_people(
            self.ctx.db,
            search=search or None,
            members_only=bool(members_only and members_only.isChecked()),
            offset=offset,
            limit=limit,
            descending=descending if order in (None, "name") else False,
        )

    def export_people(self) -> tuple[Register, ExportFilters]:
        return Register.PEOPLE, register_filters(
            self.register, members_only=self.members_only.isChecked()
        )

    def export_members(self) -> tuple[Register, ExportFilters]:
        return Register.MEMBERS, ExportFilters(search=self.register.model.search or None)

    def _filter_changed(self) -> None:
        self.register.refresh()
        self._select_current()

    # -- record ---------------------------------------------------------------------------

    def clear_form(self) -> None:
        self.record = None
        self.form.clear()
        self.tabs.setCurrentIndex(0)
        self.form.given_name.setFocus(Qt.FocusReason.OtherFocusReason)

    def load_record(self, record_id: uuid.UUID, row: Any = None) -> PersonRecord:
        record = people.get_person(self.ctx.db, record_id)
        self.fill(record)
        return record

    def fill(self, record: PersonRecord) -> None:
        self.record = record
        self.form.fill(record)

    def save_record(self) -> Callable[[], tuple[PersonRecord, list[str]]]:
        # errors.clear() may have wiped the orange outline of a field that still needs a look
        self.form.check_national_id()
        self.form.check_phone()
        data = self.form.value()
        db, record_id, rev = self.ctx.db, self.current_id, self.current_rev

        def write() -> tuple[PersonRecord, list[str]]:
            if record_id is None:
                saved = people.create_person(db, data)
            else:
                saved = people.update_person(db, record_id, data, expected_rev=rev)
            return saved.record, saved.warnings

        return write

    def save_refused(self, exc: UserError) -> None:
        if isinstance(exc, people.DuplicateNationalIdError):
            self._duplicate_generation += 1  # a check still running must not hide this one
            self.duplicates.show_candidates([exc.existing])
            self.tabs.setCurrentIndex(0)
        elif isinstance(exc, ValidationError):
            self.tabs.setCurrentIndex(0)

    def delete_record(self, record_id: uuid.UUID) -> None:
        people.delete_person(self.ctx.db, record_id)

    def record_label(self) -> str:
        return self.record.full_name if self.record else ""

    def new_heading(self) -> str:
        return _("New person")

    def after_load(self) -> None:
        self._duplicate_timer.stop()
        self._duplicate_generation += 1
        self.duplicates.clear()
        self.membership.set_person(self.record if self.current_id is not None else None)
        self.privacy.set_person(self.current_id)
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.membership:
            self.membership.ensure_loaded()
        elif self.tabs.widget(index) is self.privacy:
            self.privacy.ensure_loaded()

    # -- already on file? -----------------------------------------------------------------

    def _typed_identity(self, *_args: object) -> None:
        if self.tracker.dirty:  # the user's typing, not a record being shown
            self._duplicate_timer.start()

    def _identity_typed(self) -> PersonInput:
        """What the form holds so far, read leniently (a half-typed birth year is left out)."""
        try:
            return self.form.value()
        except ValidationError:
            return PersonInput(
                given_name=self.form.given_name.text(),
                surname=self.form.surname.text(),
                title=self.form.title_box.currentText(),
                national_id=self.form.national_id.text(),
            )

    def check_duplicates(self) -> None:
        """Ask the people service who may already be this person; show them above the form."""
        self._duplicate_timer.stop()
        self._duplicate_generation += 1
        generation = self._duplicate_generation

        def done(found: list[DuplicateCandidate]) -> None:
            if generation == self._duplicate_generation:
                self.duplicates.show_candidates(found)
                self.duplicates_checked.emit()

        def failed(message: str, _expected: bool) -> None:
            if generation == self._duplicate_generation:
                self.duplicates.clear()
                self.duplicates_checked.emit()

        self.ctx.runner.run(
            _("Looking for the same person on file"),
            people.find_duplicates,
            self.ctx.db,
            self._identity_typed(),
            exclude_id=self.current_id,
            on_success=done,
            on_error=failed,
            announce=False,
        )

    def open_duplicate(self, person_id: uuid.UUID) -> None:
        """Show the person already on file, after asking when typing would be lost."""
        if self.tracker.dirty:
            name = next((c.name for c in self.duplicates.candidates if c.id == person_id), "")
            question = _(
                "Open {name}? What you typed here has not been saved and will be discarded."
            ).format(name=name)
            if not dialogs.confirm(self, question, yes=_("Open {name}").format(name=name)):
                return
            self.tracker.reset()
        self.open_record(person_id)
