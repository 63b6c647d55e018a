"""The form for one person (docs/domain.md §1): name, national ID checked as it is typed,
birth date or year, sex, address, contact and community role.

A wrong check digit warns in orange beside the field and never blocks saving: legacy paper
records carry mistyped IDs that must still be entered and corrected later. Usable on its own
(for example to add a party inline from a case).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import national_id
from justice_desk.domain.enums import Sex
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.services.common import phone_warning
from justice_desk.services.people import PersonInput, PersonRecord
from justice_desk.ui.dirty import DirtyTracker
from justice_desk.ui.form_fields import (
    OK_COLOR,
    WARNING_BORDER,
    WARNING_COLOR,
    FormErrors,
    WrapLabel,
    parse_be_year,
    required_label,
    set_widget_style,
    year_text,
)
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.fit import compact_combo, text_width
from justice_desk.ui.widgets.message_slot import MessageSlot, steady_height
from justice_desk.ui.widgets.thai_label import ThaiLabel

# Thai titles are data written on Thai documents, not interface text: they stay Thai in every
# interface language. The field stays free text for titles not listed.
TITLES = (
    "นาย",
    "นาง",
    "นางสาว",
    "เด็กชาย",
    "เด็กหญิง",
    "ร.ต.อ.",
    "พ.ต.อ.",
    "ด.ต.",
    "จ.ส.อ.",
    "ส.อ.",
    "ร.อ.",
    "พ.อ.",
    "ว่าที่ร้อยตรี",
    "พระ",
    "พระครู",
    "พระมหา",
    "สามเณร",
    "แม่ชี",
    "ดร.",
)
COMMUNITY_ROLES = (
    "กำนัน",
    "ผู้ใหญ่บ้าน",
    "ผู้ช่วยผู้ใหญ่บ้าน",
    "อสม.",
    "สมาชิกสภา อบต.",
    "ผู้นำชุมชน",
    "ผู้นำศาสนา",
    "ครู",
    "อาสาสมัครตำรวจบ้าน",
    "ชรบ.",
)
ID_DIGITS = 13


def _label(text: str, parent: QWidget) -> ThaiLabel:
    """A field's label that wraps between words when the form is narrow (large text)."""
    return ThaiLabel(text, parent)


def id_messages() -> list[str]:
    """Every message the national ID's check may show under the field (the longest decides the
    room kept for it, ``MessageSlot``)."""
    return [
        _("{count} of 13 digits").format(count=12),
        _("Check digit is correct."),
        *(
            national_id.check(sample).warning or ""
            for sample in ("110170020345", "1101700203451", "0101700203450")
        ),
    ]


def phone_messages() -> list[str]:
    """The phone check's message, for a number of a usual length."""
    return [phone_warning("081 234 56789") or ""]


class PersonForm(QWidget):
    """Fields of a person; ``value()`` gives a ``PersonInput`` for the people service."""

    def __init__(
        self, tracker: DirtyTracker, errors: FormErrors, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.errors = errors

        # -- name and identity
        self.title_box = QComboBox(self)
        self.title_box.setEditable(True)
        self.title_box.addItems(["", *TITLES])
        self.title_box.setAccessibleName(_("Title"))
        self.title_box.setToolTip(_("Pick a title or type another one"))
        self.given_name = QLineEdit(self)
        self.given_name.setAccessibleName(_("Given name"))
        self.surname = QLineEdit(self)
        self.surname.setAccessibleName(_("Surname"))
        self.national_id = QLineEdit(self)
        self.national_id.setAccessibleName(_("National ID"))
        self.national_id.setPlaceholderText(_("13 digits, for example 1-1017-00203-45-0"))
        self.national_id.setMaxLength(20)
        self.id_status = WrapLabel(self)
        self.id_status.setObjectName("nationalIdStatus")
        self.id_status.setVisible(False)
        self.no_id_reason = QLineEdit(self)
        self.no_id_reason.setAccessibleName(_("Reason there is no national ID"))
        self.no_id_reason.setPlaceholderText(
            _("For example: not known yet, foreign national, monk without card")
        )

        identity = QGroupBox(_("Name and national ID"), self)
        f = QFormLayout(identity)
        f.addRow(_label(_("Title"), self), self.title_box)
        f.addRow(_label(required_label(_("Given name")), self), self.given_name)
        f.addRow(_label(_("Surname"), self), self.surname)
        f.addRow(_label(_("National ID"), self), self.national_id)
        # The check speaks as the ID is typed: its room is kept, so the fields below stay put.
        self.id_slot = MessageSlot(self.id_status, id_messages(), parent=identity)
        f.addRow(self.id_slot)
        f.addRow(_label(_("No ID because"), self), self.no_id_reason)

        # -- birth and sex
        self.birth_date = BeDateEdit(self)
        self.birth_date.setAccessibleName(_("Birth date"))
        self.birth_year = QLineEdit(self)
        self.birth_year.setAccessibleName(_("Birth year (BE)"))
        self.birth_year.setPlaceholderText(_("for example 2510"))
        self.birth_year.setMaxLength(4)
        self.birth_year.setMaximumWidth(
            self.birth_year.fontMetrics().horizontalAdvance("0" * 16) + 24
        )
        self.sex = QComboBox(self)
        self.sex.setAccessibleName(_("Sex"))
        for s in Sex:
            self.sex.addItem(s.label(), s.value)
        birth = QGroupBox(_("Birth and sex"), self)
        g = QFormLayout(birth)
        g.addRow(_label(_("Birth date"), self), self.birth_date)
        g.addRow(_label(_("or birth year only (BE)"), self), self.birth_year)
        g.addRow(_label(_("Sex"), self), self.sex)

        # -- address
        self.house_no = QLineEdit(self)
        self.moo = QLineEdit(self)
        self.village = QLineEdit(self)
        self.road = QLineEdit(self)
        self.tambon = QLineEdit(self)
        self.amphoe = QLineEdit(self)
        self.province = QLineEdit(self)
        self.postcode = QLineEdit(self)
        self.postcode.setMaxLength(5)
        address = QGroupBox(_("Address"), self)
        grid = QGridLayout(address)
        cells = [
            (_("House no."), self.house_no, _("Moo"), self.moo),
            (_("Village"), self.village, _("Road"), self.road),
            (_("Tambon"), self.tambon, _("Amphoe"), self.amphoe),
            (_("Province"), self.province, _("Postcode"), self.postcode),
        ]
        self._address_cells: list[tuple[QLabel, QWidget]] = []
        for l1, w1, l2, w2 in cells:
            w1.setAccessibleName(l1)
            w2.setAccessibleName(l2)
            self._address_cells += [(QLabel(l1, address), w1), (QLabel(l2, address), w2)]
        self._address_grid = grid
        self._address_columns = 0
        self._place_address(2)

        # -- contact and role
        self.phone = QLineEdit(self)
        self.phone.setAccessibleName(_("Phone"))
        self.phone.setPlaceholderText(_("for example 081 234 5678"))
        self.phone_status = WrapLabel(self)
        self.phone_status.setStyleSheet(f"color: {WARNING_COLOR};")
        self.phone_status.setVisible(False)
        self.line_id = QLineEdit(self)
        self.line_id.setAccessibleName(_("LINE ID"))
        self.community_role = QComboBox(self)
        self.community_role.setEditable(True)
        self.community_role.addItems(["", *COMMUNITY_ROLES])
        self.community_role.setAccessibleName(_("Community role"))
        self.occupation = QLineEdit(self)
        self.occupation.setAccessibleName(_("Occupation"))
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 16)
        contact = QGroupBox(_("Contact and role"), self)
        c = QFormLayout(contact)
        c.addRow(_label(_("Phone"), self), self.phone)
        self.phone_slot = MessageSlot(self.phone_status, phone_messages(), parent=contact)
        c.addRow(self.phone_slot)
        c.addRow(_label(_("LINE ID"), self), self.line_id)
        c.addRow(_label(_("Community role"), self), self.community_role)
        c.addRow(_label(_("Occupation"), self), self.occupation)
        c.addRow(_label(_("Notes"), self), self.notes)

        # Narrow (the detail side of a page at a large text size): a label goes above its field
        # instead of pushing the field past the edge, and the lists ask for a dozen characters,
        # not their longest item (the list that drops down shows every item whole).
        for form in (f, g, c):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for combo in (self.title_box, self.sex, self.community_role):
            compact_combo(combo, 12)

        legend = ThaiLabel(_("Fields marked * are required."), self)
        legend.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in (identity, birth, address, contact):
            layout.addWidget(box)
        layout.addWidget(legend)
        layout.addStretch(1)

        for name, widget in {
            "title": self.title_box,
            "given_name": self.given_name,
            "surname": self.surname,
            "national_id": self.national_id,
            "no_id_reason": self.no_id_reason,
            "birth_date": self.birth_date,
            "birth_year": self.birth_year,
            "sex": self.sex,
            "house_no": self.house_no,
            "moo": self.moo,
            "village": self.village,
            "road": self.road,
            "tambon": self.tambon,
            "amphoe": self.amphoe,
            "province": self.province,
            "postcode": self.postcode,
            "phone": self.phone,
            "line_id": self.line_id,
            "community_role": self.community_role,
            "occupation": self.occupation,
            "notes": self.notes,
        }.items():
            errors.add(name, widget)
            tracker.watch(widget)

        self._fit_fields()
        steady_height(self.national_id, self.phone)  # their warning borders come and go
        self.national_id.textChanged.connect(self.check_national_id)
        self.national_id.editingFinished.connect(self.check_national_id)
        self.phone.textChanged.connect(self.check_phone)
        self.birth_date.dateChanged.connect(self._birth_date_changed)
        self.check_national_id()

    def _fit_fields(self) -> None:
        """A national ID and a phone number shown whole, a name of about ten letters: when the
        form is narrower than a label and such a field side by side, the label goes above its
        field (``WrapLongRows``) instead of the field being cut (at 24 pt the ID showed
        ``1-5015-85``). Set again when the text size changes."""
        metrics = self.national_id.fontMetrics()
        frame = metrics.height() + 12  # the frame and the room of the clear button
        self.national_id.setMinimumWidth(metrics.horizontalAdvance("0-0000-00000-00-0") + frame)
        self.phone.setMinimumWidth(metrics.horizontalAdvance("000-000-0000") + frame)
        for name in (self.given_name, self.surname):
            name.setMinimumWidth(text_width(name, 10))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "surname"):
            self._fit_fields()

    # -- the address in two pairs a row, or one ----------------------------------------

    def _place_address(self, pairs: int) -> None:
        if pairs == self._address_columns:
            return
        self._address_columns = pairs
        grid = self._address_grid
        for label, field in self._address_cells:
            grid.removeWidget(label)
            grid.removeWidget(field)
        for index, (label, field) in enumerate(self._address_cells):
            row, pair = divmod(index, pairs)
            grid.addWidget(label, row, 2 * pair)
            grid.addWidget(field, row, 2 * pair + 1)
        for column in range(4):
            grid.setColumnStretch(column, 0)
        grid.setColumnStretch(1, 2)
        if pairs == 2:
            grid.setColumnStretch(3, 1)

    def _address_width(self, pairs: int) -> int:
        """The address box's width with ``pairs`` label-and-field pairs a row."""
        columns = [0] * (2 * pairs)
        for index, (label, field) in enumerate(self._address_cells):
            pair = index % pairs
            columns[2 * pair] = max(columns[2 * pair], label.minimumSizeHint().width())
            columns[2 * pair + 1] = max(columns[2 * pair + 1], field.minimumSizeHint().width())
        spacing = max(0, self._address_grid.horizontalSpacing())
        margins = self._address_grid.contentsMargins()
        return sum(columns) + spacing * (len(columns) - 1) + margins.left() + margins.right()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        box = self._address_grid.parentWidget()
        frame = box.width() - box.contentsRect().width() if box is not None else 0
        self._place_address(2 if event.size().width() >= self._address_width(2) + frame else 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """As narrow as the address in one pair a row allows (it takes two when there is room)."""
        hint = super().minimumSizeHint()
        if self._address_columns == 2:
            saving = self._address_width(2) - self._address_width(1)
            others = max(
                (
                    w.minimumSizeHint().width()
                    for w in self.findChildren(QGroupBox)
                    if w is not self._address_grid.parentWidget()
                ),
                default=0,
            )
            box = self._address_grid.parentWidget()
            frame = box.width() - box.contentsRect().width() if box is not None else 0
            address = self._address_width(1) + frame
            return QSize(max(others, address, hint.width() - saving), hint.height())
        return hint

    # -- live checks ----------------------------------------------------------------------

    def check_national_id(self) -> str | None:
        """Check the ID as it is typed; returns the warning shown (``None`` when fine or empty)."""
        text = self.national_id.text().strip()
        self.no_id_reason.setEnabled(not text)
        if not text:
            self._id_status("", None)
            return None
        result = national_id.check(text)
        still_typing = (
            len(result.digits) < ID_DIGITS
            and self.national_id.hasFocus()
            and result.digits.isdigit()
        )
        if still_typing:
            self._id_status(_("{count} of 13 digits").format(count=len(result.digits)), "#555")
            return None
        if result.warning:
            self._id_status(result.warning, WARNING_COLOR)
            return result.warning
        self._id_status(_("Check digit is correct."), OK_COLOR)
        return None

    def id_warning(self) -> str | None:
        """The warning currently shown under the national ID, if any."""
        return self.id_status.text() if self.id_status.property("warning") else None

    def _id_status(self, text: str, color: str | None) -> None:
        warning = color == WARNING_COLOR
        self.id_status.setText(text)
        self.id_status.setProperty("warning", warning)
        self.id_status.setStyleSheet(
            f"color: {color};" + (" font-weight: bold;" if warning else "") if color else ""
        )
        self.id_status.setVisible(bool(text))
        if self.errors.marked is not self.national_id:
            set_widget_style(self.national_id, WARNING_BORDER if warning else "")

    def check_phone(self) -> str | None:
        warning = phone_warning(self.phone.text().strip() or None)
        self.phone_status.setText(warning or "")
        self.phone_status.setVisible(bool(warning))
        if self.errors.marked is not self.phone:
            set_widget_style(self.phone, WARNING_BORDER if warning else "")
        return warning

    def _birth_date_changed(self, day: dt.date | None) -> None:
        # A full birth date makes the year-only field redundant; it shows the year in grey.
        self.birth_year.setEnabled(day is None)
        if day is not None:
            self.birth_year.clear()
            self.birth_year.setPlaceholderText(year_text(day.year))
        else:
            self.birth_year.setPlaceholderText(_("for example 2510"))

    # -- data in and out ------------------------------------------------------------------

    def clear(self) -> None:
        self.fill(None)

    def fill(self, p: PersonRecord | None) -> None:
        def text(value: str | None) -> str:
            return value or ""

        self.title_box.setCurrentText(text(p.title) if p else "")
        self.given_name.setText(text(p.given_name) if p else "")
        self.surname.setText(text(p.surname) if p else "")
        self.national_id.setText(national_id.display(p.national_id) if p and p.national_id else "")
        self.no_id_reason.setText(text(p.no_id_reason) if p else "")
        self.birth_date.setDate(p.birth_date if p else None)
        self.birth_year.setText(year_text(p.birth_year) if p and not p.birth_date else "")
        self.sex.setCurrentIndex(max(0, self.sex.findData((p.sex if p else Sex.UNSPECIFIED).value)))
        for name in (
            "house_no",
            "moo",
            "village",
            "road",
            "tambon",
            "amphoe",
            "province",
            "postcode",
            "phone",
            "line_id",
            "occupation",
        ):
            getattr(self, name).setText(text(getattr(p, name)) if p else "")
        self.community_role.setCurrentText(text(p.community_role) if p else "")
        self.notes.setPlainText(text(p.notes) if p else "")
        for line in self.findChildren(QLineEdit):
            line.setCursorPosition(0)  # show the beginning of long values, not their end
        self.check_national_id()
        self.check_phone()

    def value(self) -> PersonInput:
        """What the form holds; raises ``ValidationError`` for what cannot even be read."""
        if error := self.birth_date.error():
            raise ValidationError(error, "birth_date")
        birth_date = self.birth_date.date()
        birth_year = None if birth_date else parse_be_year(self.birth_year.text(), "birth_year")
        sex = Sex(self.sex.currentData() or Sex.UNSPECIFIED.value)
        return PersonInput(
            given_name=self.given_name.text(),
            surname=self.surname.text(),
            title=self.title_box.currentText(),
            national_id=self.national_id.text(),
            no_id_reason=self.no_id_reason.text(),
            birth_date=birth_date,
            birth_year=birth_year,
            sex=sex,
            house_no=self.house_no.text(),
            moo=self.moo.text(),
            village=self.village.text(),
            road=self.road.text(),
            tambon=self.tambon.text(),
            amphoe=self.amphoe.text(),
            province=self.province.text(),
            postcode=self.postcode.text(),
            phone=self.phone.text(),
            line_id=self.line_id.text(),
            community_role=self.community_role.currentText(),
            occupation=self.occupation.text(),
            notes=self.notes.toPlainText(),
        )
