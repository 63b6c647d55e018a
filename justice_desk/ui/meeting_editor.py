"""One meeting, from planning to adopted minutes: details, attendance with a live quorum, the
agenda with discussion, resolutions and votes, the actions that move it on (held, adopt the
previous minutes, correct adopted minutes), the minutes' versions, and the print buttons.

Every change goes through ``services.meetings``; adopted minutes are shown read-only, and the
only way to change them is a correction, which the service records as a new version.
"""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import meetings as rules
from justice_desk.domain.access import Permission
from justice_desk.domain.dates import be_year, format_date, format_time
from justice_desk.domain.enums import Attendance, MeetingMode, MeetingStatus
from justice_desk.errors import UserError
from justice_desk.i18n import _, language
from justice_desk.services import meetings, people
from justice_desk.services.meetings import MeetingDetail, MeetingInput, MeetingRow
from justice_desk.ui import dialogs, meeting_dialogs, operations
from justice_desk.ui.context import AppContext
from justice_desk.ui.dirty import DirtyTracker, resolve_unsaved
from justice_desk.ui.jobs import Job
from justice_desk.ui.meeting_agenda import AgendaEditor
from justice_desk.ui.meeting_attendance import AttendanceEditor, quorum_style
from justice_desk.ui.meeting_dialogs import ERROR_LABEL_STYLE, mode_combo
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.date_edit import ERROR_STYLE, BeDateEdit
from justice_desk.ui.widgets.fit import (
    ElidedLabel,
    FlowLayout,
    compact_combo,
    scaled_font,
    scroll_area,
    text_lines,
)
from justice_desk.ui.widgets.message_slot import MessageSlot
from justice_desk.ui.widgets.tab_page import TabPage
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.widgets.time_edit import TimeEdit, end_hint, start_hint

if TYPE_CHECKING:  # imported when a print button is pressed, not with the page
    from justice_desk.ui.print_preview import PreviewTask

LOCKED_BANNER_STYLE = (
    "background: #fff4d6; border: 1px solid #d9a400; padding: 6px; color: #4a3500;"
)
CORRECTING_BANNER_STYLE = (
    "background: #e3f0ff; border: 1px solid #4a7fc1; padding: 6px; color: #0d2f5a;"
)


def _documents() -> dict[str, tuple[str, str]]:
    """kind → (what it is called in sentences, the file name stem)."""
    return {
        "invitation": (_("meeting invitation"), _("invitation")),
        "attendance": (_("attendance sheet"), _("attendance-sheet")),
        "minutes": (_("minutes"), _("minutes")),
    }


class MeetingEditor(QWidget):
    """The detail side of the Meetings page. ``records_changed(id)`` after anything was written."""

    records_changed = Signal(object)
    deleted = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: MeetingDetail | None = None
        self.correcting = False
        # Unsaved changes by part: "details", "attendance", "agenda" (ui/dirty.py).
        self.tracker = DirtyTracker()
        self.save_job: Job | None = None
        self._previous: MeetingRow | None = None
        self.print_job: PreviewTask | None = None  # the last print button pressed

        # -- header -------------------------------------------------------------------------
        self.heading = ThaiLabel("", self)
        self.heading.setObjectName("meetingHeading")
        scaled_font(self.heading, 1.35)
        # One line, cut with … when narrow (the whole of it in the tooltip and on the details
        # tab): at a large text size the header must leave room for the tabs below it.
        self.subheading = ElidedLabel("", self, mode=Qt.TextElideMode.ElideRight)
        self.quorum = ThaiLabel("", self)
        self.quorum.setObjectName("meetingQuorum")
        self.quorum.setToolTip(
            _(
                "Quorum: at least half of the committee members serving on the meeting date "
                "(13 members: 7). Members present and substitutes sent in their place count; "
                "guests do not. Until every member is recorded as present, absent or "
                "substituted, attendance is not taken and the minutes cannot be printed."
            )
        )
        self.banner = ThaiLabel("", self)
        self.banner.setObjectName("lockedBanner")
        self.banner.setVisible(False)
        self.message = ThaiLabel("", self)
        self.message.setObjectName("meetingMessage")

        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setToolTip(_("Save the changes (Ctrl+S)"))
        self.revert_button = QPushButton(_("Undo changes"), self)
        self.revert_button.setToolTip(_("Go back to what was last saved"))
        self.held_button = QPushButton(_("Mark as held"), self)
        self.adopt_button = QPushButton(_("Adopt the previous minutes"), self)
        self.correct_button = QPushButton(_("Correct the minutes…"), self)
        self.correct_button.setToolTip(
            _("Adopted minutes are locked; a correction is saved as a new version with its reason")
        )
        self.cancel_correction_button = QPushButton(_("Cancel the correction"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        self.delete_button.setToolTip(_("Only a planned meeting can be deleted"))
        self.print_buttons = {
            "invitation": QPushButton(_("Invitation"), self),
            "attendance": QPushButton(_("Attendance sheet"), self),
            "minutes": QPushButton(_("Minutes"), self),
        }
        self.print_buttons["invitation"].setToolTip(
            _("The letter inviting the committee, with the agenda (PDF)")
        )
        self.print_buttons["attendance"].setToolTip(
            _("The list of attendees with a column for signatures (PDF)")
        )
        self.print_buttons["minutes"].setToolTip(_("The minutes in the official format (PDF)"))

        # -- tabs ---------------------------------------------------------------------------
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_details(), _("Meeting details"))
        self.attendance = AttendanceEditor(self._pick_person, self)
        self.attendance.quorum.setVisible(
            False
        )  # the heading above the tabs shows it, on every tab
        self.tabs.addTab(self.attendance, _("Attendance and quorum"))
        self.agenda = AgendaEditor(self)
        self.tabs.addTab(self.agenda, _("Agenda and minutes"))
        self.tabs.addTab(self._build_versions(), _("Minutes versions"))

        # One scroll level (docs/architecture.md §15): the header, the action buttons and the
        # tabs scroll together, each tab as tall as what it holds (the agenda and the attendance
        # have no scroll bars of their own); Save, Undo and the message about the last change
        # stay below, always in reach, in a bar whose height does not change with the message.
        content = QWidget(self)
        actions = FlowLayout()
        for button in (
            self.held_button,
            self.adopt_button,
            self.correct_button,
            self.cancel_correction_button,
        ):
            actions.add_widget(button)
        actions.add_stretch()
        actions.add_widget(self.delete_button)
        prints = FlowLayout()
        prints.add_widget(QLabel(_("Print:"), content))
        for button in self.print_buttons.values():
            prints.add_widget(button)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.heading)
        inner.addWidget(self.subheading)
        # The quorum line changes with every attendance choice: the room of its longest wording
        # for this committee is kept, so the tabs below do not jump as attendance is taken.
        self.quorum_slot = MessageSlot(self.quorum, parent=content)
        self._quorum_sizes: tuple[int, int] | None = None
        inner.addWidget(self.quorum_slot)
        inner.addWidget(self.banner)
        inner.addLayout(actions)
        inner.addLayout(prints)
        self.tabs.setMinimumHeight(text_lines(self.tabs, 12))
        inner.addWidget(self.tabs, 1)
        self.scroll_box = scroll_area(content, self)
        self.tabs.currentChanged.connect(self._size_tabs_to_current)
        self._size_tabs_to_current()

        self.footer = QWidget(self)
        self.footer.setObjectName("meetingFooter")
        self.message_slot = MessageSlot(self.message, lines=2, parent=self.footer)
        bar = QHBoxLayout(self.footer)
        bar.setContentsMargins(0, 4, 0, 0)
        bar.addWidget(self.message_slot, 1)
        bar.addWidget(self.revert_button, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_box, 1)
        layout.addWidget(self.footer)

        self.save_button.clicked.connect(self._save_clicked)
        self.revert_button.clicked.connect(self.revert)
        self.held_button.clicked.connect(self.mark_held)
        self.adopt_button.clicked.connect(self.adopt_previous)
        self.correct_button.clicked.connect(self.start_correction)
        self.cancel_correction_button.clicked.connect(self.cancel_correction)
        self.delete_button.clicked.connect(self.delete)
        for kind, button in self.print_buttons.items():
            button.clicked.connect(self._printer(kind))
        self.attendance.changed.connect(lambda: self._mark("attendance"))
        self.attendance.quorum_changed.connect(self._show_quorum)
        self.agenda.changed.connect(lambda: self._mark("agenda"))
        # A role that may not change meetings (a viewer, a mediator) sees the buttons disabled,
        # saying why (ui/role_gate.py; the services refuse all the same), and the fields read
        # only, as adopted minutes are.
        for button in (
            self.save_button,
            self.revert_button,
            self.held_button,
            self.adopt_button,
            self.correct_button,
            self.cancel_correction_button,
            self.delete_button,
            self.attendance.add_missing,
            self.attendance.rest_present,
            self.attendance.add_guest_button,
            self.agenda.add_button,
        ):
            gate(button, ctx, Permission.MEETINGS)
        for button in self.print_buttons.values():
            gate(button, ctx, Permission.PRINT)
        self._update_buttons()

    def may_change(self) -> bool:
        """May the person signed in change meetings (the fields are read only otherwise)?"""
        return self.ctx.db.actor.may(Permission.MEETINGS)

    def _size_tabs_to_current(self, _index: int = -1) -> None:
        """The tabs are as tall as the tab shown (``TabPage``), not as the tallest tab: a short
        tab does not scroll on through the room of a long agenda."""
        page = self.tabs.currentWidget()
        if page is not None:
            page.updateGeometry()
        self.tabs.updateGeometry()

    def _printer(self, kind: str) -> Any:
        # A closure without parameters: ``clicked`` passes ``checked`` to a slot that takes an
        # argument, defaulted or not (tests/ui/test_ui_shortcuts.py keeps this so).
        def print_it() -> None:
            self.print_document(kind)

        return print_it

    # -- building ---------------------------------------------------------------------------

    def _build_details(self) -> QWidget:
        page = TabPage(self)
        self.body_name = QLineEdit(page)
        self.body_name.setPlaceholderText(
            _("for example: Committee of the Community Justice Center of Tambon …")
        )
        self.date = BeDateEdit(page, required=True)
        self.date_words = ThaiLabel("", page)
        self.starts = TimeEdit(page, hint=start_hint())
        self.ends = TimeEdit(page, hint=end_hint())
        self.place = QLineEdit(page)
        self.mode = compact_combo(mode_combo(page), 16)
        # As wide as the page allows, not as the longest name and position on the list.
        self.minute_taker = compact_combo(QComboBox(page), 16)
        self.checker = compact_combo(QComboBox(page), 16)
        self.details_errors = ThaiLabel("", page)
        self.details_errors.setStyleSheet(ERROR_LABEL_STYLE)
        self.details_errors.setVisible(False)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date)
        date_row.addWidget(self.date_words, 1)
        times = QHBoxLayout()
        times.addWidget(self.starts)
        times.addWidget(QLabel(_("to"), page))
        times.addWidget(self.ends)
        times.addStretch(1)
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Name of the body meeting"), self.body_name)
        form.addRow(_("Date"), date_row)
        form.addRow(_("Time"), times)
        form.addRow(_("Place"), self.place)
        form.addRow(_("How it meets"), self.mode)
        form.addRow(_("Minutes taken by"), self.minute_taker)
        form.addRow(_("Minutes checked by"), self.checker)
        form.addRow("", self.details_errors)
        for line in (self.body_name, self.place):
            line.textChanged.connect(lambda _t: self._mark("details"))
        for time_field in (self.starts, self.ends):
            time_field.textChanged.connect(lambda _t: self._mark("details"))
        self.date.line.textEdited.connect(lambda _t: self._mark("details"))
        self.date.dateChanged.connect(self._date_changed)
        for combo in (self.mode, self.minute_taker, self.checker):
            combo.currentIndexChanged.connect(lambda _i: self._mark("details"))
        return page

    def _build_versions(self) -> QWidget:
        page = TabPage(self)
        intro = ThaiLabel(
            _(
                "Version 1 is the minutes as adopted; every correction adds a version with its "
                "reason. Earlier versions stay on record."
            ),
            page,
        )
        self.versions_model = ListTableModel(
            [
                Column(_("Version"), lambda v: str(v[0])),
                # The approving meeting of a correction is not in the version record;
                # show it for v1 only.
                Column(
                    _("Adopted at meeting"),
                    lambda v: str(v[2].get("adopted_in") or "") if v[0] == 1 else "",
                ),
                Column(
                    _("Reason"), lambda v: v[1] or (_("Minutes as adopted") if v[0] == 1 else "")
                ),
            ],
            self,
        )
        self.versions = QTableView(page)
        self.versions.setModel(self.versions_model)
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.verticalHeader().setVisible(False)
        self.versions.horizontalHeader().setStretchLastSection(True)
        self.versions.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.version_text = QPlainTextEdit(page)
        self.version_text.setReadOnly(True)
        self.version_text.setPlaceholderText(
            _("Choose a version to read its agenda and resolutions.")
        )
        self.versions.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_version(current.row())
        )
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.addWidget(self.versions)
        split.addWidget(self.version_text)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        return page

    # -- loading ------------------------------------------------------------------------------

    def load(self, meeting_id: uuid.UUID) -> bool:
        try:
            detail = meetings.get_meeting(self.ctx.db, meeting_id)
        except UserError as exc:
            dialogs.show_error(self, str(exc))
            return False
        self.show_detail(detail)
        return True

    def clear(self) -> None:
        self.detail = None
        self.correcting = False
        self.tracker.reset()
        self._update_buttons()

    def show_detail(self, detail: MeetingDetail) -> None:
        same = self.detail is not None and self.detail.id == detail.id
        self.detail = detail
        self.correcting = False
        with self.tracker.loading():
            self.body_name.setText(detail.body_name)
            self.date.setDate(detail.held_on)
            self.date_words.setText(format_date(detail.held_on, language(), weekday=True))
            self.starts.set_value(detail.starts_at)
            self.ends.set_value(detail.ends_at)
            self.place.setText(detail.place or "")
            self.mode.setCurrentIndex(max(0, self.mode.findData(detail.mode.value)))
            self._fill_people(
                self.minute_taker, detail, detail.minute_taker_id, detail.minute_taker
            )
            self._fill_people(self.checker, detail, detail.checker_id, detail.checker)
            self.details_errors.setVisible(False)
            self.attendance.set_lines(detail.attendance, fraction=detail.quorum_fraction)
            self.agenda.set_items(detail.agenda, keep_place=same)
            self.attendance.set_missing_members(
                [] if detail.locked else self._missing_members(detail)
            )
            self._load_versions(detail)
            self._previous = (
                None if detail.locked else meetings.previous_meeting(self.ctx.db, detail.id)
            )
        self.tracker.reset()
        self._apply_mode()

    def _fill_people(
        self,
        combo: QComboBox,
        detail: MeetingDetail,
        current_id: uuid.UUID | None,
        current_name: str | None,
    ) -> None:
        # Ids are kept as text: Qt compares item data by value only for its own types.
        combo.clear()
        combo.addItem(_("(not chosen)"), "")
        seen: set[uuid.UUID] = set()
        for line in detail.attendance:
            if (
                line.person_id
                and line.person_id not in seen
                and line.attendance is not Attendance.GUEST
            ):
                seen.add(line.person_id)
                label = f"{line.name} ({line.position_label})" if line.position_label else line.name
                combo.addItem(label, str(line.person_id))
        if current_id is not None and current_id not in seen:
            combo.addItem(current_name or str(current_id), str(current_id))
        combo.setCurrentIndex(max(0, combo.findData(str(current_id) if current_id else "")))
        compact_combo(combo, 16)  # the list that drops down shows every name whole

    @staticmethod
    def _person_id(combo: QComboBox) -> uuid.UUID | None:
        value = combo.currentData()
        return uuid.UUID(value) if value else None

    def _missing_members(self, detail: MeetingDetail) -> list[people.SeatRecord]:
        try:
            seats = people.roster(self.ctx.db, detail.held_on)
        except UserError:
            return []
        on_list = {a.person_id for a in detail.attendance if a.person_id is not None}
        return [s for s in seats if s.person_id not in on_list]

    def _load_versions(self, detail: MeetingDetail) -> None:
        versions = (
            meetings.minutes_versions(self.ctx.db, detail.id)
            if detail.status is MeetingStatus.ADOPTED
            else []
        )
        self.versions_model.set_rows(versions)
        self.version_text.clear()
        if versions:
            self.versions.selectRow(len(versions) - 1)

    def _show_version(self, row: int) -> None:
        if not 0 <= row < len(self.versions_model.rows):
            self.version_text.clear()
            return
        version, reason, snapshot = self.versions_model.rows[row]
        parts = [_("Version {version}").format(version=version)]
        if reason:
            parts.append(_("Reason for the correction: {reason}").format(reason=reason))
        for item in snapshot.get("agenda", []):
            parts.append("")
            parts.append(
                _("Agenda item {number}: {title}").format(
                    number=item.get("number"), title=item.get("title") or ""
                )
            )
            if item.get("discussion"):
                parts.append(str(item["discussion"]))
            if item.get("resolution"):
                parts.append(_("Resolution: {resolution}").format(resolution=item["resolution"]))
        self.version_text.setPlainText("\n".join(parts))

    # -- state --------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.tracker.dirty

    def _mark(self, section: str) -> None:
        if self.tracker.is_loading or self.detail is None:
            return
        self.tracker.touch(section)
        self.message.setText("")
        self._update_buttons()

    def _date_changed(self, day: dt.date | None) -> None:
        self.date_words.setText(format_date(day, language(), weekday=True) if day else "")
        self._mark("details")
        if self._check_year() is None and not self.tracker.is_loading:
            self.details_errors.setVisible(False)

    def _check_year(self) -> str | None:
        day = self.date.date()
        if self.detail is not None and day is not None and be_year(day) != self.detail.year_be:
            message = _(
                "A meeting cannot move to another year: its number belongs to {year}."
            ).format(year=self.detail.year_be)
            self.date.line.setStyleSheet(ERROR_STYLE)
            self.details_errors.setText(message)
            self.details_errors.setVisible(True)
            return message
        return None

    def _show_quorum(self, quorum: rules.Quorum) -> None:
        sizes = (quorum.members, quorum.required)
        if sizes != self._quorum_sizes:
            self._quorum_sizes = sizes
            members, required = sizes
            self.quorum_slot.set_samples(
                rules.Quorum(members, present, required, missing).describe()
                for present, missing in (
                    (0, members),
                    (max(0, members - 1), 1),
                    (members, 0),
                    (0, 0),
                )
            )
        self.quorum.setText(quorum.describe())
        self.quorum.setStyleSheet(quorum_style(quorum))
        self.agenda.set_attendance(quorum)
        self._update_minutes_button(quorum)

    def _update_minutes_button(self, quorum: rules.Quorum | None = None) -> None:
        """The minutes wait for the attendance (a blank attendance sheet does not)."""
        button = self.print_buttons["minutes"]
        if quorum is None:
            quorum = self.attendance.current_quorum() if self.detail is not None else None
        ready = quorum is not None and quorum.taken
        button.setEnabled(self.detail is not None and ready)
        button.setToolTip(
            _("The minutes in the official format (PDF)")
            if ready or quorum is None
            else _(
                "The minutes can be printed once attendance is taken: record every member on "
                "the “Attendance and quorum” tab (the attendance sheet can be printed now)"
            )
        )

    def _apply_mode(self) -> None:
        detail = self.detail
        locked = detail is not None and detail.locked
        fixed = locked or not self.may_change()
        for line in (self.body_name, self.place, self.starts, self.ends, self.date.line):
            line.setReadOnly(fixed)
        self.date.button.setEnabled(not fixed)
        for combo in (self.mode, self.minute_taker, self.checker):
            combo.setEnabled(not fixed)
        self.attendance.set_read_only(fixed)
        self.agenda.set_read_only((locked and not self.correcting) or not self.may_change())
        if detail is None:
            self.heading.setText("")
            self.subheading.setText("")
        else:
            self.heading.setText(
                _("Meeting {number} · {status}").format(
                    number=detail.number, status=detail.status.label()
                )
            )
            when = format_date(detail.held_on, language(), weekday=True)
            if detail.starts_at:
                when += " · " + format_time(detail.starts_at, language())
            self.subheading.setText(
                " · ".join(p for p in (detail.body_name, when, detail.place or "") if p)
            )
        if detail is not None and self.correcting:
            self.banner.setText(
                _(
                    "Correcting the adopted minutes of meeting {number}. "
                    "Change the agenda items, then save: you will be asked for the reason, "
                    "and the correction becomes version {version}."
                ).format(number=detail.number, version=detail.minutes_version + 1)
            )
            self.banner.setStyleSheet(CORRECTING_BANNER_STYLE)
            self.banner.setVisible(True)
        elif locked and detail is not None:
            self.banner.setText(
                _(
                    "These minutes were adopted at meeting {adopted_in} and are locked. "
                    "Changes are made as a correction, "
                    "which is saved as a new version (now version {version})."
                ).format(adopted_in=detail.adopted_in or "…", version=detail.minutes_version)
            )
            self.banner.setStyleSheet(LOCKED_BANNER_STYLE)
            self.banner.setVisible(True)
        else:
            self.banner.setVisible(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        detail = self.detail
        has = detail is not None
        locked = detail is not None and detail.locked
        status = detail.status if detail is not None else None
        self.save_button.setEnabled(has and self.dirty)
        self.revert_button.setEnabled(has and self.dirty)
        self.held_button.setVisible(status is MeetingStatus.DRAFT)
        future = detail is not None and detail.held_on > dt.date.today()
        self.held_button.setEnabled(not future)
        self.held_button.setToolTip(
            _("The meeting is on {date}: it can be marked as held from that day.").format(
                date=format_date(detail.held_on, language())
            )
            if future and detail is not None
            else _(
                "Record that the meeting took place; "
                "its minutes can then be adopted at the next meeting"
            )
        )
        self.adopt_button.setVisible(has and not locked)
        previous = self._previous
        self.adopt_button.setEnabled(self._adoption_blocked() is None)
        if previous is not None:
            self.adopt_button.setText(
                _("Adopt the minutes of meeting {number}").format(number=previous.number)
            )
            adopts = _("Agenda item 2: the minutes of meeting {number} are adopted and locked")
            self.adopt_button.setToolTip(
                self._adoption_blocked() or adopts.format(number=previous.number)
            )
        else:
            self.adopt_button.setText(_("Adopt the previous minutes"))
            self.adopt_button.setToolTip(
                _("There is no earlier meeting: this is the first one on record.")
            )
        self.correct_button.setVisible(bool(locked) and not self.correcting)
        self.cancel_correction_button.setVisible(self.correcting)
        self.delete_button.setVisible(status is MeetingStatus.DRAFT)
        for button in self.print_buttons.values():
            button.setEnabled(has)
        self._update_minutes_button()
        self.tabs.setEnabled(has)

    def _adoption_blocked(self) -> str | None:
        """Why the minutes of the meeting before (the one agenda item 2 names) cannot be
        adopted at this meeting now, or ``None`` when they can."""
        previous = self._previous
        if previous is None:
            return _("There is no earlier meeting: this is the first one on record.")
        if previous.status is MeetingStatus.DRAFT:
            return _(
                "Meeting {number} is still planned: mark it as held first "
                "(or delete it if it did not take place)."
            ).format(number=previous.number)
        if previous.status is MeetingStatus.ADOPTED:
            adopted = _("The minutes of meeting {number} were adopted at meeting {adopted_in}.")
            return adopted.format(number=previous.number, adopted_in=previous.adopted_in or "…")
        if not previous.quorum.taken:
            return _(
                "The attendance of meeting {number} is not recorded yet: "
                "record it there before its minutes are adopted."
            ).format(number=previous.number)
        return None

    def problems(self) -> list[tuple[QWidget, str]]:
        """Inline checks before saving: each problem with the field that shows it."""
        found: list[tuple[QWidget, str]] = []
        if "details" in self.tracker.parts:
            error = self.date.error()
            if error:
                found.append((self.date.line, error))
            else:
                year_error = self._check_year()
                if year_error:
                    found.append((self.date.line, year_error))
            found.extend(meeting_dialogs.check_times(self.starts, self.ends))
            messages = [m for _w, m in found]
            self.details_errors.setText("\n".join(messages))
            self.details_errors.setVisible(bool(messages))
        if "attendance" in self.tracker.parts:
            found.extend(self.attendance.problems())
        if self.tracker.parts & {"attendance", "agenda"}:
            # The votes are checked against the attendance as it now stands.
            found.extend(self.agenda.problems())
        return found

    def _point_at(self, widget: QWidget) -> None:
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if tab is not None and tab.isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
                break
        widget.setFocus()

    def meeting_input(self) -> MeetingInput:
        held_on = self.date.date()
        assert held_on is not None  # checked by problems()
        return MeetingInput(
            held_on=held_on,
            starts_at=self.starts.value(),
            ends_at=self.ends.value(),
            place=self.place.text(),
            mode=MeetingMode(self.mode.currentData()),
            body_name=self.body_name.text(),
            minute_taker_id=self._person_id(self.minute_taker),
            checker_id=self._person_id(self.checker),
        )

    # -- saving -------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Start writing what changed in the job runner (Save and Undo are disabled until it
        ends); ``False`` when something stopped it (shown to the user). ``then`` runs once it
        is saved (at once when there is nothing to save)."""
        detail = self.detail
        if detail is None or not self.dirty:
            if then is not None:
                then()
            return True
        if operations.writing(self):
            return False
        found = self.problems()
        if found:
            self.message.setText(_("Not saved: {problem}").format(problem=found[0][1]))
            self.message.setStyleSheet(ERROR_LABEL_STYLE)
            self._point_at(found[0][0])
            return False
        parts = set(self.tracker.parts)
        written: list[MeetingDetail] = []  # the details, when saved before a later refusal
        db, meeting_id, rev = self.ctx.db, detail.id, detail.rev
        if self.correcting:
            later = meetings.meetings_after(db, detail.id)
            answer = meeting_dialogs.ask_correction_reason(self, detail.number, later)
            if answer is None:
                return False
            reason, approved_in = answer
            corrected = self.agenda.items()

            def write() -> MeetingDetail:
                return meetings.correct_minutes(
                    db, meeting_id, corrected, reason=reason, in_meeting_id=approved_in
                )

        else:
            data = self.meeting_input() if "details" in parts else None
            lines = self.attendance.lines() if "attendance" in parts else None
            items = self.agenda.items() if "agenda" in parts else None

            def write() -> MeetingDetail:
                # One job, in this order; a refusal of a later part keeps the earlier written.
                saved = None
                if data is not None:
                    saved = meetings.update_meeting(db, meeting_id, data, expected_rev=rev)
                    written.append(saved)
                if lines is not None:
                    # With the agenda when both changed: the votes must fit the new attendance.
                    saved = meetings.save_attendance(db, meeting_id, lines, items)
                elif items is not None:
                    saved = meetings.save_agenda(db, meeting_id, items)
                assert saved is not None
                return saved

        def done(saved: MeetingDetail) -> None:
            self.show_detail(saved)
            self._say(_("Saved."))
            self.records_changed.emit(saved.id)
            if then is not None:
                then()

        def refused(exc: UserError) -> None:
            if written:
                self.detail = written[-1]
                self.tracker.clean("details")
            dialogs.show_error(self, str(exc))
            self._update_buttons()

        self.save_job = operations.run_write(
            self,
            self.ctx,
            _("Saving meeting {number}").format(number=detail.number),
            write,
            changes={"meetings"},
            on_done=done,
            on_refused=refused,
            busy=(self.save_button, self.revert_button),
        )
        return self.save_job is not None

    def _save_clicked(self) -> None:
        self.save()

    def save_and_wait(self) -> bool:
        """Save and wait for the outcome (the unsaved-changes prompt's "Save")."""
        if not self.save():
            return False
        operations.wait(self.save_job)
        return not self.dirty

    def revert(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)
            self._say("")

    def can_leave(self) -> bool:
        return resolve_unsaved(self, self.dirty, self.save_and_wait, self.revert)

    def _ensure_saved(self) -> bool:
        return self.save_and_wait() if self.dirty else True

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(text)

    # -- actions ------------------------------------------------------------------------------

    def mark_held(self) -> None:
        detail = self.detail
        if detail is None or not self._ensure_saved():
            return
        detail = self.detail
        assert detail is not None
        text = _(
            "Mark meeting {number} as held? Its minutes can then be adopted at the next meeting."
        ).format(number=detail.number)
        if not detail.quorum.taken:
            # Allowed (the list is often typed in from the signed sheet afterwards), but said.
            text += "\n\n" + detail.quorum.describe()
        elif not detail.quorum.met:
            text += "\n\n" + _("Note: the attendance list shows no quorum ({quorum})").format(
                quorum=detail.quorum.describe()
            )
        if not dialogs.confirm(self, text, yes=_("Mark as held")):
            return

        def done(held: MeetingDetail) -> None:
            recorded = _("Meeting {number} is recorded as held.")
            self._written(held, recorded.format(number=held.number))

        # In the job runner: the database may be busy; a refusal is shown as its message.
        operations.run_write(
            self,
            self.ctx,
            _("Marking meeting {number} as held").format(number=detail.number),
            meetings.mark_held,
            self.ctx.db,
            detail.id,
            changes={"meetings"},
            on_done=done,
            busy=(self.held_button, self.save_button, self.revert_button),
        )

    def adopt_previous(self) -> None:
        detail, previous = self.detail, self._previous
        if detail is None:
            return
        blocked = self._adoption_blocked()
        if previous is None or blocked is not None:
            dialogs.show_info(self, blocked or "")
            return
        if not self._ensure_saved():
            return
        detail = self.detail
        assert detail is not None
        if not dialogs.confirm(
            self,
            _(
                "Adopt the minutes of meeting {previous} at this meeting (agenda item 2)? "
                "They will be locked: later changes can only be made as a correction, "
                "which becomes a new version."
            ).format(previous=previous.number),
            yes=_("Adopt the minutes"),
        ):
            return
        db, meeting_id = self.ctx.db, detail.id

        def adopt() -> MeetingDetail:
            meetings.adopt_minutes(db, previous.id, in_meeting_id=meeting_id)
            return meetings.get_meeting(db, meeting_id)

        def done(current: MeetingDetail) -> None:
            adopted = _("The minutes of meeting {number} are adopted and locked.")
            self._written(current, adopted.format(number=previous.number))

        operations.run_write(
            self,
            self.ctx,
            _("Adopting the minutes of meeting {number}").format(number=previous.number),
            adopt,
            changes={"meetings"},
            on_done=done,
            busy=(self.adopt_button, self.save_button, self.revert_button),
        )

    def _written(self, detail: MeetingDetail, message: str) -> None:
        """An action's write is done: show its result, unless the person has gone on to another
        meeting meanwhile (the register is refreshed either way)."""
        shown = self.detail
        if shown is not None and shown.id != detail.id:
            self.records_changed.emit(shown.id)
            return
        self.show_detail(detail)
        self._say(message)
        self.records_changed.emit(detail.id)

    def start_correction(self) -> None:
        if self.detail is None or not self.detail.locked:
            return
        self.correcting = True
        self._apply_mode()
        self.tabs.setCurrentWidget(self.agenda)

    def cancel_correction(self) -> None:
        if self.dirty and not dialogs.confirm(
            self, _("Throw away the changes made for this correction?"), yes=_("Throw them away")
        ):
            return
        self.revert()

    def delete(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if detail.status is not MeetingStatus.DRAFT:
            dialogs.show_error(
                self, _("Only a planned meeting can be deleted; a held meeting stays on record.")
            )
            return
        if not dialogs.confirm(
            self,
            _("Delete meeting {number} of {date}? It has not been held yet.").format(
                number=detail.number, date=format_date(detail.held_on, language())
            ),
            yes=_("Delete the meeting"),
        ):
            return

        def done(_result: object) -> None:
            if self.detail is not None and self.detail.id == detail.id:
                self.clear()
            self.deleted.emit(detail.id)

        operations.run_write(
            self,
            self.ctx,
            _("Deleting meeting {number}").format(number=detail.number),
            meetings.delete_meeting,
            self.ctx.db,
            detail.id,
            changes={"meetings"},
            on_done=done,
            busy=(self.delete_button, self.save_button, self.revert_button),
        )

    def _pick_person(self, title: str) -> meeting_dialogs.PickedPerson | None:
        return meeting_dialogs.pick_person(self.ctx.db, self, title)

    # -- printing -------------------------------------------------------------------------

    def print_current(self) -> None:
        if self.detail is not None:
            self.print_document(
                "invitation" if self.detail.status is MeetingStatus.DRAFT else "minutes"
            )

    def print_document(self, kind: str) -> None:
        """Build the PDF in the background, then show it in the print preview (print, save)."""
        detail = self.detail
        if detail is None or not self._ensure_saved():
            return
        detail = self.detail
        assert detail is not None
        if kind == "minutes" and not detail.quorum.taken:
            # The service refuses the same (AttendanceNotTakenError); say it before building.
            try:
                meetings.require_attendance(
                    detail,
                    _("The minutes of meeting {number} cannot be printed").format(
                        number=detail.number
                    ),
                )
            except meetings.AttendanceNotTakenError as exc:
                dialogs.show_error(self, str(exc))
                self.tabs.setCurrentWidget(self.attendance)
                return
        document, stem = _documents()[kind]
        # Imported when first used: ReportLab and the preview stay off the start-up path.
        printing = importlib.import_module("justice_desk.services.printing")
        from justice_desk.ui import print_preview

        self.print_job = print_preview.preview_document(
            self,
            self.ctx,
            print_preview.PrintRequest(
                kind=kind,
                title=_("The {document} of meeting {number}").format(
                    document=document, number=detail.number
                ),
                file_name=f"{stem}-{detail.number.replace('/', '-')}.pdf",
                job_title=_("Preparing the {document} of meeting {number}").format(
                    document=document, number=detail.number
                ),
                build=getattr(printing, f"{kind}_pdf"),
                args=(self.ctx.db, detail.id),
            ),
        )
