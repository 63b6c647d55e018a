"""Choosing the parties of a case: find a person already registered, or type a new one inline
(name, national ID checked as it is typed, phone, address for the §30 agreement)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import national_id
from justice_desk.domain.enums import PartySide
from justice_desk.i18n import _
from justice_desk.services import cases, people
from justice_desk.services.cases import CaseDetail, PartyRecord
from justice_desk.services.common import phone_warning
from justice_desk.services.people import PersonInput, full_name
from justice_desk.ui import dialogs
from justice_desk.ui.case_widgets import (
    FormSection,
    attempt,
    combo_select,
    make_table,
    selected_object,
)
from justice_desk.ui.context import AppContext
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.person_form import id_messages, phone_messages
from justice_desk.ui.widgets.fit import placeholder_width
from justice_desk.ui.widgets.message_slot import MessageSlot, steady_height
from justice_desk.ui.widgets.thai_label import ThaiLabel

# Thai titles are data printed on Thai documents, not interface text: they stay Thai in every
# interface language; the box stays editable for titles not listed.
TITLES = (
    "นาย",
    "นาง",
    "นางสาว",
    "เด็กชาย",
    "เด็กหญิง",
    "พระ",
    "พระครู",
    "พระมหา",
    "สามเณร",
    "แม่ชี",
    "ดร.",
)
SEARCH_DELAY_MS = 150
RESULTS = 50
WARNING_TEXT = "color: #b26a00; font-weight: bold;"


def NO_ID() -> str:  # noqa: N802 - a text, named like one
    """What the room under an empty national ID says."""
    return _("No ID card? Leave the ID empty and write why in the next field.")


@dataclass(frozen=True)
class PendingParty:
    """A party chosen on screen: an existing person (``person_id``) or one still to be created."""

    side: PartySide
    name: str
    person_id: uuid.UUID | None = None
    new_person: PersonInput | None = None

    @property
    def is_new(self) -> bool:
        return self.person_id is None


class PartyPicker(FormSection):
    """Side, then either a registered person found by name or ID, or a new person typed here.
    Emits ``picked`` with a :class:`PendingParty`; the owner decides when to write it."""

    picked = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.side = QComboBox(self)
        for side in PartySide:
            self.side.addItem(side.label(), side.value)
        self.tabs = QTabWidget(self)

        # -- an existing person
        existing = QWidget(self)
        self.search = QLineEdit(existing)
        self.search.setPlaceholderText(_("Find a registered person by name, ID or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Find a person"))
        self.results = QListWidget(existing)
        self.results.setMinimumHeight(90)
        self.add_existing = QPushButton(_("Add as a party"), existing)
        self.add_existing.setObjectName("addExistingParty")
        # Enter on the button adds (also outside a dialog, in an open case).
        self.add_existing.setAutoDefault(True)
        # What Enter in the search found: one person chosen, waiting for "Add", or several.
        self.found_note = ThaiLabel(existing)
        self.found_note.setObjectName("partySearchNote")
        self.found_note.setStyleSheet("color: #555;")
        self.found_note.setVisible(False)
        e = QVBoxLayout(existing)
        e.addWidget(self.search)
        e.addWidget(self.results, 1)
        e.addWidget(self.found_note)
        e.addWidget(self.add_existing)
        self.tabs.addTab(existing, _("Registered person"))

        # -- a new person
        new = QWidget(self)
        self.title_box = QComboBox(new)
        self.title_box.setEditable(True)
        self.title_box.addItems(["", *TITLES])
        self.title_box.setAccessibleName(_("Title"))
        self.given_name = QLineEdit(new)
        self.given_name.setAccessibleName(_("Given name"))
        self.surname = QLineEdit(new)
        self.surname.setAccessibleName(_("Surname"))
        self.national_id = QLineEdit(new)
        self.national_id.setAccessibleName(_("National ID"))
        self.national_id.setPlaceholderText(_("13 digits, for example 1-1017-00203-45-0"))
        self.national_id.setMaxLength(20)
        self.id_status = ThaiLabel(new)
        self.id_status.setObjectName("nationalIdStatus")
        self.id_status.setVisible(False)
        self.no_id_reason = QLineEdit(new)
        self.no_id_reason.setPlaceholderText(_("For example: not known yet"))
        self.phone = QLineEdit(new)
        self.phone.setAccessibleName(_("Phone"))
        self.phone.setPlaceholderText(_("for example 081 234 5678"))
        self.phone_status = ThaiLabel(new)
        self.phone_status.setStyleSheet(WARNING_TEXT)
        self.phone_status.setVisible(False)
        self.house_no, self.moo, self.tambon, self.amphoe, self.province = (
            QLineEdit(new) for _i in range(5)
        )
        self.add_new = QPushButton(_("Add this new person as a party"), new)
        self.add_new.setObjectName("addNewParty")
        f = QFormLayout()
        f.addRow(_("Title"), self.title_box)
        f.addRow(_("Given name") + " *", self.given_name)
        f.addRow(_("Surname"), self.surname)
        f.addRow(_("National ID"), self.national_id)
        # The checks speak as a person types: their room is kept, so the fields below stay put.
        # It is the whole row's width (in the fields' column, 115 pixels wide, the longest
        # message kept 200 pixels of blank space between the ID and the next field).
        self.id_slot = MessageSlot(self.id_status, [*id_messages(), NO_ID()], parent=new)
        f.addRow(self.id_slot)
        f.addRow(_("No ID because"), self.no_id_reason)
        f.addRow(_("Phone"), self.phone)
        self.phone_slot = MessageSlot(self.phone_status, phone_messages(), parent=new)
        f.addRow(self.phone_slot)
        # The fields take the width there is; where a label and a field whole side by side do
        # not fit, every label goes above its field (``_arrange_new_person``).
        f.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.new_form = f
        address = QGridLayout()
        for i, (label, widget) in enumerate(
            [
                (_("House no."), self.house_no),
                (_("Moo"), self.moo),
                (_("Tambon"), self.tambon),
                (_("Amphoe"), self.amphoe),
                (_("Province"), self.province),
            ]
        ):
            widget.setAccessibleName(label)
            address.addWidget(QLabel(label, new), i // 2, (i % 2) * 2)
            address.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        n = QVBoxLayout(new)
        self.new_layout = n
        n.addLayout(f)
        n.addWidget(QLabel("<b>" + _("Address (printed on the agreement)") + "</b>", new))
        n.addLayout(address)
        n.addWidget(self.add_new)
        n.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(new)
        self.new_scroll = scroll
        scroll.viewport().installEventFilter(self)  # its width decides where the labels go
        self.tabs.addTab(scroll, _("New person"))

        side_row = QHBoxLayout()
        side_row.addWidget(QLabel(_("Side"), self))
        side_row.addWidget(self.side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.errors)
        self.fields = {
            "given_name": self.given_name,
            "national_id": self.national_id,
            "person_id": self.results,
            "side": self.side,
            "phone": self.phone,
        }

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_results)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.search_now)
        self.results.itemDoubleClicked.connect(lambda _item: self._pick_existing())
        # Enter on a row of the list adds that person, as a double click does.
        self.results.itemActivated.connect(lambda _item: self._pick_existing())
        self.add_existing.clicked.connect(self._pick_existing)
        self.add_new.clicked.connect(self._pick_new)
        steady_height(self.national_id, self.phone)  # their warning borders come and go
        self._fit_new_fields()
        self.national_id.textChanged.connect(self.check_national_id)
        self.phone.textChanged.connect(self.check_phone)
        self.watch(
            self.given_name,
            self.surname,
            self.national_id,
            self.phone,
            self.no_id_reason,
            self.house_no,
            self.moo,
            self.tambon,
            self.amphoe,
            self.province,
        )
        self._searched = False
        self.check_national_id()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if not self._searched:
            self.refresh_results()

    def new_person_fields(self) -> list[QWidget]:
        """The fields of a new person, top to bottom, before the address."""
        return [
            self.title_box,
            self.given_name,
            self.surname,
            self.national_id,
            self.no_id_reason,
            self.phone,
        ]

    def _fit_new_fields(self) -> None:
        """Every field of a new person at least as wide as the longest example it shows (the
        national ID's "13 digits, for example 1-1017-00203-45-0" was cut at "13 หลัก เช่น
        1-1..."), all alike so that their labels go above them together when the tab is
        narrow. Set again when the text size changes."""
        fields = self.new_person_fields()
        wanted = max(placeholder_width(w) for w in fields if isinstance(w, QLineEdit))
        for widget in fields:
            widget.setMinimumWidth(wanted)
        # The tab is never narrower than a field whole with its label above it (no sideways
        # scroll): a dialog or a case too narrow for that puts its halves one above the other.
        margins = self.new_layout.contentsMargins()
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        self.new_scroll.setMinimumWidth(wanted + margins.left() + margins.right() + bar + 2)
        self._arrange_new_person()

    def _side_by_side_width(self) -> int:
        """How wide the new person's form must be for its labels beside their fields."""
        form = self.new_form
        labels = [
            form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount())
        ]
        widgets = [i.widget() for i in labels if i is not None]
        widest = max((w.sizeHint().width() for w in widgets if w is not None), default=0)
        field = max(w.minimumWidth() for w in self.new_person_fields())
        spacing = max(0, form.horizontalSpacing())
        margins = self.new_layout.contentsMargins()
        return widest + spacing + field + margins.left() + margins.right()

    def _arrange_new_person(self) -> None:
        """Labels beside their fields when both fit the tab's width, every label above its field
        when not (all alike, not row by row): the fields always have the width of their text."""
        room = self.new_scroll.viewport().width()
        wanted = (
            QFormLayout.RowWrapPolicy.DontWrapRows
            if room >= self._side_by_side_width()
            else QFormLayout.RowWrapPolicy.WrapAllRows
        )
        if self.new_form.rowWrapPolicy() != wanted:
            self.new_form.setRowWrapPolicy(wanted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Resize and watched is self.new_scroll.viewport():
            self._arrange_new_person()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "new_form"):
            self._fit_new_fields()

    # -- existing people ------------------------------------------------------------------------

    def search_now(self) -> None:
        """Enter in the search box: search at once, then make the next step one key away
        without writing anything — one person found is chosen and "Add as a party" gets the
        keyboard (Enter again adds them), several put the keyboard in the list (arrows, then
        Enter), none says so. In a case and in the new-case dialog alike."""
        self.refresh_results()
        count = self.results.count()
        if count == 1:
            row = self.results.item(0).data(Qt.ItemDataRole.UserRole)
            self.found_note.setText(
                _(
                    "Found {name}. Press Enter or click “Add as a party” to add them as {side}."
                ).format(name=row.name, side=self.current_side().label())
            )
            self._focus_after_enter(self.add_existing)
        elif count > 1:
            self.found_note.setText(
                _("{count} people found: choose one with the arrow keys, then press Enter.").format(
                    count=count
                )
            )
            self._focus_after_enter(self.results)
        else:
            self.found_note.setText(
                _("Nobody found. Check the spelling, or add a new person on the next tab.")
            )
        self.found_note.setVisible(True)

    def _focus_after_enter(self, widget: QWidget) -> None:
        """The keyboard to ``widget`` once the Enter that searched is handled: moved at once,
        the same Enter would reach a dialog with the button in focus and press it."""

        def focus() -> None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            area = widget.parentWidget()
            while area is not None and not isinstance(area, QScrollArea):
                area = area.parentWidget()
            if isinstance(area, QScrollArea):  # the case scrolls: bring the button into view
                area.ensureWidgetVisible(widget)

        QTimer.singleShot(0, focus)

    def refresh_results(self) -> None:
        """Search now (tests, Enter, and after the debounce delay)."""
        self._timer.stop()
        self._searched = True
        self.found_note.setVisible(False)
        page = people.list_people(
            self.ctx.db, search=self.search.text().strip() or None, limit=RESULTS
        )
        self.results.clear()
        for row in page.rows:
            parts = [row.name]
            if row.masked_id:
                parts.append(row.masked_id)
            if row.village:
                parts.append(row.village)
            if row.phone:
                parts.append(row.phone)
            item = QListWidgetItem("  ·  ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _pick_existing(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.check_fields(
                [("person_id", _("Find the person in the list first, or add a new person."))]
            )
            return
        self.clear_errors()
        row = item.data(Qt.ItemDataRole.UserRole)
        self.picked.emit(PendingParty(self.current_side(), row.name, person_id=row.id))

    # -- a new person ---------------------------------------------------------------------------

    def current_side(self) -> PartySide:
        return PartySide(self.side.currentData())

    def set_side(self, side: PartySide) -> None:
        combo_select(self.side, side.value)

    def check_national_id(self) -> str | None:
        text = self.national_id.text().strip()
        self.no_id_reason.setEnabled(not text)
        result = national_id.check(text) if text else None
        if result is None or (
            len(result.digits) < 13 and result.digits.isdigit() and self.national_id.hasFocus()
        ):
            # With no ID typed the room kept for the check says what to do instead (left blank
            # it read as the end of the form).
            self.id_status.setVisible(True)
            self.id_status.setStyleSheet("color: #555;")
            self.id_status.setText(
                _("{count} of 13 digits").format(count=len(result.digits)) if result else NO_ID()
            )
            return None
        self.id_status.setVisible(True)
        if result.warning:
            self.id_status.setStyleSheet(WARNING_TEXT)
            self.id_status.setText(result.warning)
            return result.warning
        self.id_status.setStyleSheet("color: #2e7d32;")
        self.id_status.setText(_("Check digit is correct."))
        return None

    def check_phone(self) -> str | None:
        warning = phone_warning(self.phone.text().strip() or None)
        self.phone_status.setText(warning or "")
        self.phone_status.setVisible(bool(warning))
        return warning

    def new_person(self) -> PersonInput:
        return PersonInput(
            given_name=self.given_name.text().strip(),
            surname=self.surname.text().strip() or None,
            title=self.title_box.currentText().strip() or None,
            national_id=self.national_id.text().strip() or None,
            no_id_reason=self.no_id_reason.text().strip() or None,
            phone=self.phone.text().strip() or None,
            house_no=self.house_no.text().strip() or None,
            moo=self.moo.text().strip() or None,
            tambon=self.tambon.text().strip() or None,
            amphoe=self.amphoe.text().strip() or None,
            province=self.province.text().strip() or None,
        )

    def _pick_new(self) -> None:
        if not self.check_fields(
            [
                (
                    "given_name",
                    None if self.given_name.text().strip() else _("The given name is required."),
                )
            ]
        ):
            return
        data = self.new_person()
        self.picked.emit(
            PendingParty(
                self.current_side(),
                full_name(data.title, data.given_name, data.surname),
                new_person=data,
            )
        )

    def has_typed_person(self) -> bool:
        """Something typed in the new-person fields that was not added yet."""
        return any(
            w.text().strip() for w in (self.given_name, self.surname, self.national_id, self.phone)
        )

    def is_dirty(self) -> bool:
        return self.has_typed_person()

    def clear_new_person(self) -> None:
        with self.loading():
            self.title_box.setCurrentIndex(0)
            for w in (
                self.given_name,
                self.surname,
                self.national_id,
                self.no_id_reason,
                self.phone,
                self.house_no,
                self.moo,
                self.tambon,
                self.amphoe,
                self.province,
            ):
                w.clear()
            self.clear_errors()
        self.dirty = False

    def discard(self) -> None:
        self.clear_new_person()

    def save(self) -> bool:
        """Add the person typed (the unsaved-changes prompt's "Save")."""
        if not self.has_typed_person():
            return True
        self._pick_new()  # the owner clears the fields once the person is written
        return not self.has_typed_person()


class CasePartiesSection(FormSection):
    """The parties of a recorded case: the list, removing one, and adding one (written at once)."""

    def __init__(
        self,
        ctx: AppContext,
        on_changed: Callable[[CaseDetail], None],
        on_warnings: Callable[[list[str]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_changed = on_changed
        self.on_warnings = on_warnings
        self.detail: CaseDetail | None = None
        self.model = ListTableModel(
            [
                Column(_("Name"), lambda p: p.name),
                Column(_("Side"), lambda p: p.side.label()),
                Column(_("Consent to mediation"), _consent_text),
                Column(_("Address"), lambda p: p.address),
            ],
            self,
        )
        self.table = make_table(self.model, self)
        self.remove_button = QPushButton(_("Remove the selected party"), self)
        self.remove_button.setObjectName("removePartyButton")
        self.remove_button.clicked.connect(self.remove_selected)
        self.picker = PartyPicker(ctx, self)
        self.picker.picked.connect(self.add)
        self.add_box = QGroupBox(_("Add a party"), self)
        QVBoxLayout(self.add_box).addWidget(self.picker)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addLayout(row)
        layout.addWidget(self.add_box, 3)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.model.set_rows(detail.parties)
        self.add_box.setVisible(detail.status.is_open)  # a finished case keeps its parties
        self.remove_button.setVisible(detail.status.is_open)
        self.remove_button.setEnabled(bool(detail.parties))

    def add(self, party: PendingParty) -> None:
        if self.detail is None:
            return
        person_id, warnings = party.person_id, []
        if party.new_person is not None:
            ok, saved = attempt(
                self,
                people.create_person,
                self.ctx.db,
                party.new_person,
                section=self.picker,
                ctx=self.ctx,
                changes={"people"},
            )
            if not ok:
                return
            person_id, warnings = (
                saved.record.id,
                [_("{name}: {warning}").format(name=party.name, warning=w) for w in saved.warnings],
            )
            self.picker.clear_new_person()
        assert person_id is not None
        ok, detail = attempt(
            self,
            cases.add_party,
            self.ctx.db,
            self.detail.id,
            cases.PartyInput(person_id, party.side),
            section=self.picker,
            ctx=self.ctx,
            changes={"cases"},
        )
        if ok:
            self.on_changed(detail)
            if warnings:
                self.on_warnings(warnings)

    def remove_selected(self) -> None:
        party = selected_object(self.table)
        if party is None or self.detail is None:
            return
        if not dialogs.confirm(
            self,
            _("Remove {name} from case {number}? The person stays in the register.").format(
                name=party.name, number=self.detail.number
            ),
            yes=_("Remove"),
        ):
            return
        ok, _none = attempt(
            self, cases.remove_party, self.ctx.db, party.id, ctx=self.ctx, changes={"cases"}
        )
        if ok:
            self.on_changed(cases.get_case(self.ctx.db, self.detail.id))

    def is_dirty(self) -> bool:
        return self.picker.is_dirty()

    def save(self) -> bool:
        return self.picker.save()

    def discard(self) -> None:
        self.picker.discard()


def _consent_text(p: PartyRecord) -> str:
    if p.side is not PartySide.RESPONDENT or p.consent is None:
        return ""
    return _("Consented") if p.consent else _("Refused")
