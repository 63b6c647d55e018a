"""The attendance list of a meeting: the committee roster line by line (not recorded yet,
present, absent with a reason, or sending a substitute), guests, and a quorum indicator that
follows every change. A new meeting's members are all *not recorded yet*: attendance is taken
on the day (one button marks the rest present), and the minutes wait for it.

How lines are stored (``services.meetings``): a member who sends a substitute stays on the
list as *absent*, and the substitute is a line of its own pointing at the member
(``substitute_for_id``). That is what makes the quorum right: the member still counts among the
members, and the substitute counts as present. This editor shows the pair as one roster row.
"""

from __future__ import annotations

import dataclasses
import html
import uuid
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import meetings as rules
from justice_desk.domain.enums import Attendance
from justice_desk.i18n import _, pgettext
from justice_desk.services import meetings
from justice_desk.services.meetings import AttendanceLine
from justice_desk.ui.meeting_dialogs import PickedPerson
from justice_desk.ui.widgets.date_edit import ERROR_STYLE
from justice_desk.ui.widgets.tab_page import TabPage
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.services.people import SeatRecord

QUORUM_MET_STYLE = "color: #1b5e20; font-weight: bold;"
QUORUM_MISSING_STYLE = "color: #b71c1c; font-weight: bold;"
NOT_TAKEN_STYLE = "color: #8a5300; font-weight: bold;"

# The choice shown per roster row; "substitute" is stored as absent + a substitute line, and a
# member starts as "not recorded yet" until attendance is taken.
NOT_TAKEN, PRESENT, ABSENT, SUBSTITUTE = "not_taken", "present", "absent", "substitute"

Picker = Callable[[str], PickedPerson | None]


def quorum_style(quorum: rules.Quorum) -> str:
    if not quorum.taken:
        return NOT_TAKEN_STYLE
    return QUORUM_MET_STYLE if quorum.met else QUORUM_MISSING_STYLE


class RosterRow:
    """One committee member: the choice, the reason for an absence, the substitute."""

    def __init__(
        self, editor: AttendanceEditor, line: AttendanceLine, substitute: AttendanceLine | None
    ) -> None:
        self.editor = editor
        self.line = line
        self.substitute_line_id = substitute.id if substitute else None
        self.substitute_person_id: uuid.UUID | None = substitute.person_id if substitute else None
        self.substitute_position: str | None = substitute.position_label if substitute else None
        position = line.position_label or (line.position.label() if line.position else "")
        # Wraps between words: a long name or position does not widen the roster past the page.
        self.name = ThaiLabel(
            f"{html.escape(line.name)}<br><span style='color:#555'>{html.escape(position)}</span>"
        )
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choice = QComboBox()
        self.choice.addItem(_("Not recorded yet"), NOT_TAKEN)
        self.choice.addItem(_("Present"), PRESENT)
        self.choice.addItem(_("Absent"), ABSENT)
        self.choice.addItem(_("Sends a substitute"), SUBSTITUTE)
        self.choice.setAccessibleName(_("Attendance of {name}").format(name=line.name))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("Reason for the absence"))
        self.reason.setAccessibleName(_("Reason {name} is absent").format(name=line.name))
        self.substitute = QLineEdit()
        self.substitute.setPlaceholderText(_("Who attends instead (type a name or choose)"))
        self.substitute.setAccessibleName(_("Substitute for {name}").format(name=line.name))
        self.pick = QPushButton(_("Choose…"))
        self.pick.setToolTip(_("Choose the substitute from the people register"))
        kind = (
            SUBSTITUTE
            if substitute
            else {Attendance.ABSENT: ABSENT, Attendance.NOT_TAKEN: NOT_TAKEN}.get(
                line.attendance, PRESENT
            )
        )
        self.choice.setCurrentIndex(self.choice.findData(kind))
        self.reason.setText(line.absence_reason or "")
        self.substitute.setText(substitute.name if substitute else "")
        self._update_enabled()
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.reason.textChanged.connect(lambda _t: self._edited())
        self.substitute.textEdited.connect(self._substitute_typed)
        self.substitute.textChanged.connect(lambda _t: self._edited())
        self.pick.clicked.connect(self._pick)

    @property
    def kind(self) -> str:
        return str(self.choice.currentData())

    def widgets(self, parent: QWidget) -> list[QWidget]:
        """The three cells of the row: who, the choice, and the reason / substitute."""
        details = QWidget(parent)
        cell = QVBoxLayout(details)
        cell.setContentsMargins(0, 0, 0, 0)
        cell.setSpacing(2)
        who = QHBoxLayout()
        who.addWidget(self.substitute, 1)
        who.addWidget(self.pick)
        cell.addLayout(who)
        cell.addWidget(self.reason)
        # The room of the substitute and the reason is kept while they are hidden: choosing
        # "absent" or "sends a substitute" does not make the row taller under the pointer.
        for widget in (self.substitute, self.pick, self.reason):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self.name.setMinimumHeight(self.name.fontMetrics().lineSpacing() * 2 + 6)
        self.details = details
        return [self.name, self.choice, details]

    def widgets_placed(self) -> list[QWidget]:
        """The three cells, once ``widgets`` has made them."""
        return [self.name, self.choice, self.details]

    def _choice_changed(self) -> None:
        self._update_enabled()
        self._edited()

    def _update_enabled(self) -> None:
        read_only = self.editor.read_only
        kind = self.kind
        self.choice.setEnabled(not read_only)
        self.reason.setReadOnly(read_only)
        self.reason.setVisible(kind in (ABSENT, SUBSTITUTE))
        self.reason.setPlaceholderText(
            _("Reason for the absence") if kind == ABSENT else _("Reason (optional)")
        )
        self.substitute.setVisible(kind == SUBSTITUTE)
        self.substitute.setReadOnly(read_only)
        self.pick.setVisible(kind == SUBSTITUTE)
        self.pick.setEnabled(not read_only)

    def _substitute_typed(self, _text: str) -> None:
        # A name typed by hand is somebody not (or not yet) in the register.
        self.substitute_person_id = None

    def _pick(self) -> None:
        picked = self.editor.picker(_("Who attends for {name}?").format(name=self.line.name))
        if picked is not None:
            self.set_substitute(picked)

    def set_substitute(self, person: PickedPerson) -> None:
        self.substitute.setText(person.name)
        self.substitute_person_id = person.id

    def _edited(self) -> None:
        self.editor.row_edited()

    def lines(self) -> list[AttendanceLine]:
        kind = self.kind
        reason = self.reason.text().strip() or None
        attendance = {PRESENT: Attendance.PRESENT, NOT_TAKEN: Attendance.NOT_TAKEN}.get(
            kind, Attendance.ABSENT
        )
        member = dataclasses.replace(
            self.line,
            attendance=attendance,
            absence_reason=reason if attendance is Attendance.ABSENT else None,
        )
        if kind != SUBSTITUTE:
            return [member]
        substitute = AttendanceLine(
            name=self.substitute.text().strip(),
            attendance=Attendance.SUBSTITUTE,
            person_id=self.substitute_person_id,
            position_label=self.substitute_position,
            substitute_for_id=self.line.person_id,
            id=self.substitute_line_id,
        )
        return [member, substitute]

    def problems(self) -> list[tuple[QWidget, str]]:
        found: list[tuple[QWidget, str]] = []
        kind = self.kind
        self.reason.setStyleSheet("")
        self.substitute.setStyleSheet("")
        if kind == ABSENT and not self.reason.text().strip():
            self.reason.setStyleSheet(ERROR_STYLE)
            found.append(
                (
                    self.reason,
                    _("Give the reason {name} is absent (for example “did not say”).").format(
                        name=self.line.name
                    ),
                )
            )
        if kind == SUBSTITUTE:
            if not self.substitute.text().strip():
                self.substitute.setStyleSheet(ERROR_STYLE)
                found.append(
                    (
                        self.substitute,
                        _("Type or choose who attends for {name}.").format(name=self.line.name),
                    )
                )
            if self.line.person_id is None:
                found.append(
                    (
                        self.choice,
                        _(
                            "{name} is not linked to the people register, "
                            "so a substitute cannot be recorded for them."
                        ).format(name=self.line.name),
                    )
                )
        return found


class GuestRow(QWidget):
    """Somebody who attends without a seat (ผู้เข้าร่วมประชุม): name and position or organisation."""

    def __init__(self, editor: AttendanceEditor, line: AttendanceLine | None = None) -> None:
        super().__init__()
        self.editor = editor
        self.line_id = line.id if line else None
        self.person_id = line.person_id if line else None
        self.name = QLineEdit(line.name if line else "")
        self.name.setPlaceholderText(_("Name of the guest (type or choose)"))
        self.name.setAccessibleName(_("Guest name"))
        self.pick = QPushButton(_("Choose…"))
        self.pick.setToolTip(_("Choose the guest from the people register"))
        self.position = QLineEdit((line.position_label or "") if line else "")
        self.position.setPlaceholderText(_("Position or organisation"))
        self.position.setAccessibleName(_("Position or organisation of the guest"))
        self.remove = QPushButton(_("Remove"))
        self.remove.setToolTip(_("Take this guest off the list"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.name, 3)
        row.addWidget(self.pick)
        row.addWidget(self.position, 3)
        row.addWidget(self.remove)
        self.name.textEdited.connect(self._typed)
        self.name.textChanged.connect(lambda _t: editor.row_edited())
        self.position.textChanged.connect(lambda _t: editor.row_edited())
        self.pick.clicked.connect(self._pick)
        self.remove.clicked.connect(lambda: editor.remove_guest(self))
        self.set_read_only(editor.read_only)

    def _typed(self, _text: str) -> None:
        self.person_id = None

    def _pick(self) -> None:
        picked = self.editor.picker(_("Choose a guest"))
        if picked is not None:
            self.set_person(picked)

    def set_person(self, person: PickedPerson) -> None:
        self.name.setText(person.name)
        self.person_id = person.id

    def set_read_only(self, read_only: bool) -> None:
        self.name.setReadOnly(read_only)
        self.position.setReadOnly(read_only)
        self.pick.setEnabled(not read_only)
        self.remove.setVisible(not read_only)

    def line(self) -> AttendanceLine:
        return AttendanceLine(
            name=self.name.text().strip(),
            attendance=Attendance.GUEST,
            person_id=self.person_id,
            position_label=self.position.text().strip() or None,
            id=self.line_id,
        )

    def problems(self) -> list[tuple[QWidget, str]]:
        self.name.setStyleSheet("")
        if not self.name.text().strip():
            self.name.setStyleSheet(ERROR_STYLE)
            return [(self.name, _("Each guest needs a name (or remove the empty line)."))]
        return []


class AttendanceEditor(TabPage):
    """Roster rows, guests and the live quorum; ``changed`` on every edit by the user."""

    changed = Signal()
    quorum_changed = Signal(object)

    def __init__(self, picker: Picker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = picker
        self.read_only = False
        self.fraction: Fraction = rules.DEFAULT_QUORUM
        self._loading = False
        self.rows: list[RosterRow] = []
        self.guests: list[GuestRow] = []
        self._kept: list[AttendanceLine] = []  # substitutes whose member is no longer on the list

        self.quorum = ThaiLabel(self)
        self.quorum.setObjectName("quorumIndicator")
        self.quorum.setToolTip(
            _(
                "Quorum: at least half of the committee members serving on the meeting date "
                "(13 members: 7). Members present and substitutes sent in their place count; "
                "guests do not. Until every member is recorded as present, absent or "
                "substituted, attendance is not taken and the minutes cannot be printed."
            )
        )
        self.roster_hint = ThaiLabel(self)
        self.add_missing = QPushButton(_("Add committee members missing from the list"), self)
        self.add_missing.setToolTip(
            _("Adds the members serving on the meeting date who are not on this list yet")
        )
        self.add_missing.setVisible(False)
        self.rest_present = QPushButton(_("Everyone not recorded yet is present"), self)
        self.rest_present.setObjectName("restPresent")
        self.rest_present.setToolTip(
            _(
                "Marks as present every member whose attendance is not recorded yet; "
                "then change those who did not come"
            )
        )
        self.rest_present.setVisible(False)
        self.roster_box = QGroupBox(_("Committee members"), self)
        self.roster_layout = QVBoxLayout(self.roster_box)
        self._grid_holder: QWidget | None = None
        self.guest_box = QGroupBox(_("Others attending"), self)
        self.guest_list = QVBoxLayout()
        self.add_guest_button = QPushButton(_("Add a guest"), self)
        guest_layout = QVBoxLayout(self.guest_box)
        guest_layout.addLayout(self.guest_list)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_guest_button)
        add_row.addStretch(1)
        guest_layout.addLayout(add_row)

        # Its room is kept while it is hidden (everyone recorded, adopted minutes): the roster
        # below does not move up under the pointer when the last member is recorded.
        policy = self.rest_present.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.rest_present.setSizePolicy(policy)
        # No scroll area of its own: the meeting editor scrolls the whole page (one level).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.quorum)
        layout.addWidget(self.roster_hint)
        layout.addWidget(self.rest_present, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.roster_box)
        layout.addWidget(self.add_missing, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.guest_box)
        layout.addStretch(1)
        self.add_guest_button.clicked.connect(lambda: self.add_guest(focus=True))
        self.missing: list[SeatRecord] = []
        self.add_missing.clicked.connect(self._add_missing_members)
        self.rest_present.clicked.connect(self.mark_rest_present)

    # -- loading ----------------------------------------------------------------------------

    def set_lines(
        self,
        lines: tuple[AttendanceLine, ...] | list[AttendanceLine],
        *,
        fraction: Fraction | None = None,
    ) -> None:
        self._loading = True
        try:
            if fraction is not None:
                self.fraction = fraction
            members = [
                a
                for a in lines
                if a.attendance in (Attendance.PRESENT, Attendance.ABSENT, Attendance.NOT_TAKEN)
            ]
            substitutes = [a for a in lines if a.attendance is Attendance.SUBSTITUTE]
            by_member = {
                s.substitute_for_id: s for s in substitutes if s.substitute_for_id is not None
            }
            member_ids = {m.person_id for m in members if m.person_id is not None}
            self._kept = [s for s in substitutes if s.substitute_for_id not in member_ids]
            self._build_roster(
                [(m, by_member.get(m.person_id) if m.person_id else None) for m in members]
            )
            for guest in list(self.guests):
                self._drop_guest(guest)
            for line in lines:
                if line.attendance is Attendance.GUEST:
                    self.add_guest(line)
        finally:
            self._loading = False
        self.update_quorum()

    def _build_roster(self, pairs: list[tuple[AttendanceLine, AttendanceLine | None]]) -> None:
        if self._grid_holder is not None:
            self.roster_layout.removeWidget(self._grid_holder)
            self._grid_holder.setParent(None)  # gone from the screen now, deleted when Qt is idle
            self._grid_holder.deleteLater()
        holder = QWidget(self.roster_box)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(10)
        self._headers = [
            ThaiLabel(f"<b>{html.escape(title)}</b>", holder)
            for title in (
                _("Name and position"),
                pgettext("meeting roster", "Attendance"),
                _("Reason for absence / substitute"),
            )
        ]
        self.rows = []
        for line, substitute in pairs:
            row = RosterRow(self, line, substitute)
            for widget in row.widgets(holder):
                widget.setParent(holder)
            self.rows.append(row)
        self._grid = grid
        self._narrow: bool | None = None
        self._place_roster(narrow=False)
        self.roster_layout.addWidget(holder)
        holder.show()
        self._grid_holder = holder
        self._fit_roster()
        self.roster_hint.setText(
            ""
            if pairs
            else _(
                "Nobody from the committee is on this list. Set up the committee term and its "
                "members on the Committee page, then add them here."
            )
        )
        self.roster_hint.setVisible(not pairs)

    # -- the roster's columns -------------------------------------------------------------

    def _place_roster(self, *, narrow: bool) -> None:
        """Three columns (who, the choice, the reason or substitute), or, when the page is too
        narrow for them (the largest text sizes), the reason or substitute under the choice."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        grid = self._grid
        for widget in [*self._headers, *(w for r in self.rows for w in r.widgets_placed())]:
            grid.removeWidget(widget)
        for column, header in enumerate(self._headers):
            if narrow and column == 2:
                header.setVisible(False)
                continue
            header.setVisible(True)
            grid.addWidget(header, 0, column)
        top = Qt.AlignmentFlag(0)
        for i, row in enumerate(self.rows):
            at = 1 + (2 * i if narrow else i)
            grid.addWidget(row.name, at, 0, 2 if narrow else 1, 1, top)
            grid.addWidget(row.choice, at, 1, Qt.AlignmentFlag.AlignVCenter)
            if narrow:
                grid.addWidget(row.details, at + 1, 1)
            else:
                grid.addWidget(row.details, at, 2)
        for column in range(3):
            grid.setColumnStretch(column, 0)
        grid.setColumnStretch(1 if narrow else 2, 1)

    def _column_widths(self, narrow: bool) -> int:
        """The width the roster needs in either arrangement (spacing and box margins in)."""
        heads = [h.minimumSizeHint().width() for h in self._headers]
        names = max([heads[0], *(r.name.minimumSizeHint().width() for r in self.rows)])
        choices = max([heads[1], *(r.choice.minimumSizeHint().width() for r in self.rows)])
        details = max(
            [0 if narrow else heads[2], *(r.details.minimumSizeHint().width() for r in self.rows)]
        )
        spacing = max(0, self._grid.horizontalSpacing())
        margins = self.roster_layout.contentsMargins()
        box = self.roster_box
        frame = margins.left() + margins.right() + box.width() - box.contentsRect().width()
        if narrow:
            return names + max(choices, details) + spacing + frame
        return names + choices + details + 2 * spacing + frame

    def _fit_roster(self) -> None:
        if not self.rows:
            return
        room = self.width()
        self._place_roster(narrow=room < self._column_widths(False))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """Never wider than the narrow arrangement needs: the page does not scroll sideways
        for a roster that can stack its columns."""
        hint = super().minimumSizeHint()
        if self.isHidden() or not self.rows:
            return hint
        return QSize(
            min(hint.width(), max(self._column_widths(True), self._others_width())), hint.height()
        )

    def _others_width(self) -> int:
        """The widest of what lies beside the roster (the buttons, the guests' box)."""
        return max(
            (
                w.minimumSizeHint().width()
                for w in (self.rest_present, self.add_missing, self.guest_box, self.roster_hint)
                if not w.isHidden() or w is self.rest_present
            ),
            default=0,
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit_roster()

    def set_missing_members(self, seats: list[SeatRecord]) -> None:
        """Committee members serving on the meeting date who are not on the list
        (offered, not forced)."""
        self.missing = seats
        self.add_missing.setVisible(bool(seats) and not self.read_only)
        if seats:
            self.add_missing.setText(
                _("Add committee members missing from the list ({count})").format(count=len(seats))
            )

    def _add_missing_members(self) -> None:
        current = self.lines()
        added = [
            AttendanceLine(
                seat.person_name,
                Attendance.NOT_TAKEN,
                seat.person_id,
                seat.position,
                seat.position.label(),
            )
            for seat in self.missing
        ]
        guests = [a for a in current if a.attendance is Attendance.GUEST]
        rest = [a for a in current if a.attendance is not Attendance.GUEST]
        self.set_lines([*rest, *added, *guests])
        self.set_missing_members([])
        self.changed.emit()

    # -- guests ---------------------------------------------------------------------------

    def add_guest(self, line: AttendanceLine | None = None, *, focus: bool = False) -> GuestRow:
        row = GuestRow(self, line)
        self.guests.append(row)
        self.guest_list.addWidget(row)
        row.show()  # at once, not when the event loop next runs
        if focus:
            row.name.setFocus()
        if not self._loading:
            self.row_edited()
        return row

    def remove_guest(self, row: GuestRow) -> None:
        self._drop_guest(row)
        self.row_edited()

    def _drop_guest(self, row: GuestRow) -> None:
        if row in self.guests:
            self.guests.remove(row)
        self.guest_list.removeWidget(row)
        row.setParent(None)
        row.deleteLater()

    # -- state ----------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for row in self.rows:
            row._update_enabled()
        for guest in self.guests:
            guest.set_read_only(read_only)
        self.add_guest_button.setVisible(not read_only)
        self.add_missing.setVisible(bool(self.missing) and not read_only)
        self._update_rest_present()

    def mark_rest_present(self) -> None:
        """Attendance taken the quick way: everyone not recorded yet came."""
        if self.rest_present.hasFocus() and self.rows:
            # The button hides itself: the keyboard goes to the first member's choice, set
            # here without scrolling (hiding a focused button would scroll the page to whatever
            # the focus passed to next).
            self.rows[0].choice.setFocus(Qt.FocusReason.OtherFocusReason)
        self._loading = True
        try:
            for row in self.rows:
                if row.kind == NOT_TAKEN:
                    row.choice.setCurrentIndex(row.choice.findData(PRESENT))
        finally:
            self._loading = False
        self.row_edited()

    def _update_rest_present(self) -> None:
        waiting = sum(1 for row in self.rows if row.kind == NOT_TAKEN)
        self.rest_present.setVisible(waiting > 0 and not self.read_only)
        self.rest_present.setText(
            _("Everyone not recorded yet is present ({count})").format(count=waiting)
        )

    def row_edited(self) -> None:
        if self._loading:
            return
        self.update_quorum()
        self.changed.emit()

    def lines(self) -> list[AttendanceLine]:
        """The list as the service stores it: members in roster order, substitutes after their
        member, then guests."""
        result: list[AttendanceLine] = []
        for row in self.rows:
            result.extend(row.lines())
        result.extend(self._kept)
        result.extend(g.line() for g in self.guests)
        return result

    def current_quorum(self) -> rules.Quorum:
        return meetings.compute_quorum(self.lines(), self.fraction)

    def update_quorum(self) -> rules.Quorum:
        self._update_rest_present()
        quorum = self.current_quorum()
        self.quorum.setText(quorum.describe())
        self.quorum.setStyleSheet(quorum_style(quorum))
        self.quorum.setProperty("met", quorum.met)
        self.quorum_changed.emit(quorum)
        return quorum

    def problems(self) -> list[tuple[QWidget, str]]:
        found: list[tuple[QWidget, str]] = []
        for row in self.rows:
            found.extend(row.problems())
        for guest in self.guests:
            found.extend(guest.problems())
        return found
