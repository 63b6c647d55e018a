"""Small dialogs of the Meetings page: a new meeting, a person picked from the register, and the
reason for correcting adopted minutes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.enums import MeetingMode
from justice_desk.i18n import _
from justice_desk.services import meetings, people
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.widgets.date_edit import ERROR_STYLE, BeDateEdit
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.widgets.time_edit import TimeEdit, end_hint, start_hint

if TYPE_CHECKING:
    from justice_desk.storage.database import Database
    from justice_desk.ui.context import AppContext

ERROR_LABEL_STYLE = "color: #c62828;"


def mode_combo(parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for mode in MeetingMode:
        combo.addItem(mode.label(), mode.value)
    return combo


def check_times(starts: TimeEdit, ends: TimeEdit) -> list[tuple[QWidget, str]]:
    """Inline problems of a start/end pair, each with the field to point at."""
    problems: list[tuple[QWidget, str]] = []
    for field in (starts, ends):
        error = field.error()
        if error:
            problems.append((field, error))
    if not problems:
        start, end = starts.value(), ends.value()
        if start and end and end < start:
            ends.setStyleSheet(ERROR_STYLE)
            problems.append((ends, _("The meeting ends before it starts.")))
    return problems


class NewMeetingDialog(QDialog):
    """Date, times, place and mode of a new meeting; OK creates it with the next number of its
    BE year and the standard agenda (the service decides both)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created: meetings.MeetingDetail | None = None
        self.setWindowTitle(_("New meeting"))
        self.date = BeDateEdit(self, required=True)
        self.date.setDate(dt.date.today())
        self.date_words = QLabel(self)
        self.date.dateChanged.connect(lambda _d: self.date_words.setText(self.date.shown_text()))
        self.date_words.setText(self.date.shown_text())
        self.starts = TimeEdit(self, hint=start_hint())
        self.starts.set_value(dt.time(9, 30))
        self.ends = TimeEdit(self, hint=end_hint())
        self.place = QLineEdit(self)
        self.place.setPlaceholderText(
            _("for example the meeting room of the local government office")
        )
        self.mode = mode_combo(self)
        self.errors = ThaiLabel(self)
        self.errors.setStyleSheet(ERROR_LABEL_STYLE)
        self.errors.setVisible(False)
        note = ThaiLabel(
            _(
                "The meeting gets the next number of its year (Buddhist Era) and the standard five "
                "agenda items; the attendance list starts from the committee serving on that date."
            ),
            self,
        )
        form = QFormLayout()
        form.addRow(_("Date"), self.date)
        form.addRow("", self.date_words)
        form.addRow(_("Starts at"), self.starts)
        form.addRow(_("Ends at"), self.ends)
        form.addRow(_("Place"), self.place)
        form.addRow(_("How it meets"), self.mode)
        self.buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create the meeting"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def problems(self) -> list[tuple[QWidget, str]]:
        found: list[tuple[QWidget, str]] = []
        error = self.date.error()
        if error:
            found.append((self.date.line, error))
        found.extend(check_times(self.starts, self.ends))
        return found

    def accept(self) -> None:
        from justice_desk.ui import operations

        found = self.problems()
        if found:
            self.errors.setText("\n".join(message for _w, message in found))
            self.errors.setVisible(True)
            found[0][0].setFocus()
            return
        self.errors.setVisible(False)
        held_on = self.date.date()
        assert held_on is not None  # required, checked above
        data = meetings.MeetingInput(
            held_on=held_on,
            starts_at=self.starts.value(),
            ends_at=self.ends.value(),
            place=self.place.text(),
            mode=MeetingMode(self.mode.currentData()),
        )

        def done(created: meetings.MeetingDetail) -> None:
            self.created = created
            super(NewMeetingDialog, self).accept()

        # In the job runner; a refusal (another meeting on that day…) is shown as its message
        # and the dialog stays open with what was typed.
        operations.run_write(
            self,
            self.ctx,
            _("Creating the meeting"),
            meetings.create_meeting,
            self.ctx.db,
            data,
            changes={"meetings"},
            on_done=done,
            busy=(self.buttons,),
        )


@dataclass(frozen=True)
class PickedPerson:
    id: uuid.UUID
    name: str


class PersonPickerDialog(QDialog):
    """Find a person in the register by any part of the name (Thai substrings work)."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, title: str | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(title or _("Choose a person"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search (Thai or numbers; part of a word is enough)"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Choose"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self.search_people)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.resize(460, 420)
        self.search_people("")

    def search_people(self, text: str) -> None:
        from justice_desk.errors import UserError
        from justice_desk.ui import dialogs

        try:
            page = people.list_people(self.db, search=text.strip() or None, limit=100)
        except UserError as exc:
            dialogs.show_error(self, str(exc))
            return
        self.results.clear()
        for row in page.rows:
            extra = f"  ({row.community_role})" if row.community_role else ""
            item = QListWidgetItem(row.name + extra)
            item.setData(Qt.ItemDataRole.UserRole, PickedPerson(row.id, row.name))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def picked(self) -> PickedPerson | None:
        item = self.results.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def pick_person(
    db: Database, parent: QWidget | None, title: str | None = None
) -> PickedPerson | None:
    """Ask for a person from the register; ``None`` when the user cancels."""
    dialog = PersonPickerDialog(db, parent, title=title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.picked()


class CorrectionDialog(QDialog):
    """Why adopted minutes are corrected, and (optionally) the meeting that approved
    the correction."""

    def __init__(
        self, number: str, later: Sequence[meetings.MeetingRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Correct the minutes of meeting {number}").format(number=number))
        intro = ThaiLabel(
            _(
                "The adopted version stays on record; the corrected minutes become a new version. "
                "Say why they are corrected."
            ),
            self,
        )
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(
            _("for example: the wording of the resolution under item 4 was corrected")
        )
        self.reason.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.meeting = QComboBox(self)
        self.meeting.addItem(_("(not recorded)"), "")
        for row in later:
            self.meeting.addItem(_("Meeting {number}").format(number=row.number), str(row.id))
        self.errors = QLabel(self)
        self.errors.setStyleSheet(ERROR_LABEL_STYLE)
        self.errors.setVisible(False)
        form = QFormLayout()
        form.addRow(_("Reason for the correction"), self.reason)
        form.addRow(_("Approved at meeting"), self.meeting)
        self.buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save the correction"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.errors.setText(_("Say why the adopted minutes are corrected."))
            self.errors.setVisible(True)
            self.reason.setFocus()
            return
        super().accept()

    def result_value(self) -> tuple[str, uuid.UUID | None]:
        chosen = self.meeting.currentData()
        return self.reason.toPlainText().strip(), uuid.UUID(chosen) if chosen else None


def ask_correction_reason(
    parent: QWidget | None, number: str, later: Sequence[meetings.MeetingRow]
) -> tuple[str, uuid.UUID | None] | None:
    """The reason (and approving meeting) for a correction; ``None`` when the user cancels."""
    dialog = CorrectionDialog(number, later, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.result_value()
