"""The agenda and the body of the minutes: one box per agenda item with its title, the
discussion, the resolution (มติที่ประชุม) and the votes; items can be added, removed and moved."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import meetings as rules
from justice_desk.i18n import _
from justice_desk.services.meetings import AgendaItemData
from justice_desk.ui.widgets.date_edit import ERROR_STYLE
from justice_desk.ui.widgets.fit import FlowLayout
from justice_desk.ui.widgets.message_slot import steady_height
from justice_desk.ui.widgets.tab_page import TabPage
from justice_desk.ui.widgets.thai_label import ThaiLabel

VOTE_ERROR_STYLE = "color: #c62828;"


def _text_box(parent: QWidget, lines: int, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _vote_field(parent: QWidget, name: str) -> QLineEdit:
    """Votes are optional: empty means not recorded (most resolutions are by consensus)."""
    field = QLineEdit(parent)
    field.setValidator(QIntValidator(0, 9999, field))
    field.setMaximumWidth(field.fontMetrics().horizontalAdvance("0000") + 24)
    field.setAccessibleName(name)
    return field


def _votes(field: QLineEdit) -> int | None:
    text = field.text().strip()
    return int(text) if text.isdigit() else None


class AgendaItemBox(QGroupBox):
    """One agenda item (ระเบียบวาระที่ n)."""

    def __init__(self, editor: AgendaEditor, item: AgendaItemData | None = None) -> None:
        super().__init__(editor.list_holder)
        self.editor = editor
        self.item_id = item.id if item else None
        self.title_edit = QLineEdit(item.title if item else "", self)
        self.title_edit.setPlaceholderText(_("Title of the agenda item"))
        self.title_edit.setAccessibleName(_("Title of the agenda item"))
        self.up = QToolButton(self)
        self.up.setArrowType(Qt.ArrowType.UpArrow)
        self.up.setToolTip(_("Move this item up"))
        self.up.setAccessibleName(_("Move this item up"))
        self.down = QToolButton(self)
        self.down.setArrowType(Qt.ArrowType.DownArrow)
        self.down.setToolTip(_("Move this item down"))
        self.down.setAccessibleName(_("Move this item down"))
        self.remove = QPushButton(_("Remove"), self)
        self.remove.setToolTip(_("Remove this item from the agenda"))
        self.discussion = _text_box(self, 4, _("What was reported and discussed"))
        self.discussion.setAccessibleName(_("Discussion"))
        self.resolution = _text_box(
            self, 2, _("for example: the meeting acknowledged / approved …")
        )
        self.resolution.setAccessibleName(_("Resolution of the meeting"))
        self.votes_for = _vote_field(self, _("Votes for"))
        self.votes_against = _vote_field(self, _("Votes against"))
        self.votes_abstain = _vote_field(self, _("Abstentions"))
        self.vote_note = ThaiLabel(self)
        self.vote_note.setObjectName("voteProblem")
        self.vote_note.setStyleSheet(VOTE_ERROR_STYLE)
        # Its room is kept whether or not there is a problem: a note appearing while a person
        # types the votes must not push the next item's fields away from under the pointer.
        # (A ThaiLabel sets its own minimum height from its lines, so the room is a holder's.)
        self.vote_room = QWidget(self)
        room = QVBoxLayout(self.vote_room)
        room.setContentsMargins(0, 0, 0, 0)
        room.addWidget(self.vote_note)
        room.addStretch(1)
        self.vote_room.setMinimumHeight(2 * self.fontMetrics().lineSpacing())
        if item is not None:
            self.discussion.setPlainText(item.discussion or "")
            self.resolution.setPlainText(item.resolution or "")
            for field, value in (
                (self.votes_for, item.votes_for),
                (self.votes_against, item.votes_against),
                (self.votes_abstain, item.votes_abstain),
            ):
                field.setText("" if value is None else str(value))

        top = QHBoxLayout()
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.up)
        top.addWidget(self.down)
        top.addWidget(self.remove)
        # The three counts wrap onto a second line when the item is narrow (large text), and the
        # hint wraps between words: nothing here widens the page past the screen.
        votes = FlowLayout()
        for label, field in (
            (_("For"), self.votes_for),
            (_("Against"), self.votes_against),
            (_("Abstain"), self.votes_abstain),
        ):
            pair = QWidget(self)
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 12, 0)
            pair_layout.addWidget(QLabel(label, pair))
            pair_layout.addWidget(field)
            votes.add_widget(pair)
        self.votes_hint = ThaiLabel(_("(leave empty when no vote was taken)"), self)
        self.votes_hint.setStyleSheet("color: #555;")
        grid = QGridLayout()
        grid.addWidget(QLabel(_("Discussion"), self), 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.discussion, 0, 1)
        grid.addWidget(QLabel(_("Resolution"), self), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.resolution, 1, 1)
        grid.addWidget(QLabel(_("Votes"), self), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(votes, 2, 1)
        grid.addWidget(self.votes_hint, 3, 1)
        grid.addWidget(self.vote_room, 4, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)

        # Their error borders come and go as a person types and saves: the heights stay.
        steady_height(self.title_edit, self.votes_for, self.votes_against, self.votes_abstain)
        for line in (self.title_edit, self.votes_for, self.votes_against, self.votes_abstain):
            line.textChanged.connect(self._edited)
        for box in (self.discussion, self.resolution):
            box.textChanged.connect(self._edited)
        self.up.clicked.connect(lambda: editor.move_item(self, -1))
        self.down.clicked.connect(lambda: editor.move_item(self, +1))
        self.remove.clicked.connect(lambda: editor.remove_item(self))

    def _edited(self) -> None:
        self.check_votes()
        self.editor.item_edited()

    def show_item(self, item: AgendaItemData) -> None:
        """The saved item, in this box: only what differs is set, so that the cursor stays."""
        self.item_id = item.id
        if self.title_edit.text() != item.title:
            self.title_edit.setText(item.title)
        for box, text in ((self.discussion, item.discussion), (self.resolution, item.resolution)):
            if box.toPlainText() != (text or ""):
                box.setPlainText(text or "")
        for field, value in (
            (self.votes_for, item.votes_for),
            (self.votes_against, item.votes_against),
            (self.votes_abstain, item.votes_abstain),
        ):
            shown = "" if value is None else str(value)
            if field.text() != shown:
                field.setText(shown)
        self.check_votes()

    def set_number(self, number: int, count: int) -> None:
        self.setTitle(_("Agenda item {number}").format(number=number))
        self.up.setEnabled(not self.editor.read_only and number > 1)
        self.down.setEnabled(not self.editor.read_only and number < count)

    def set_read_only(self, read_only: bool) -> None:
        for line in (self.title_edit, self.votes_for, self.votes_against, self.votes_abstain):
            line.setReadOnly(read_only)
        self.votes_hint.setVisible(not read_only)
        self.discussion.setReadOnly(read_only)
        self.resolution.setReadOnly(read_only)
        self.up.setVisible(not read_only)
        self.down.setVisible(not read_only)
        self.remove.setVisible(not read_only)
        # Adopted minutes take no votes: no room kept for a note about them.
        self.vote_room.setVisible(not read_only)

    def has_content(self) -> bool:
        return bool(self.discussion.toPlainText().strip() or self.resolution.toPlainText().strip())

    def data(self, number: int) -> AgendaItemData:
        return AgendaItemData(
            number=number,
            title=self.title_edit.text().strip(),
            discussion=self.discussion.toPlainText().strip() or None,
            resolution=self.resolution.toPlainText().strip() or None,
            votes_for=_votes(self.votes_for),
            votes_against=_votes(self.votes_against),
            votes_abstain=_votes(self.votes_abstain),
            id=self.item_id,
        )

    def vote_problem(self) -> str | None:
        """Why the votes cannot stand against the attendance on the other tab (the service
        refuses the same, ``domain.meetings.vote_problem``)."""
        attendance = self.editor.attendance
        if attendance is None:
            return None
        return rules.vote_problem(
            _votes(self.votes_for),
            _votes(self.votes_against),
            _votes(self.votes_abstain),
            attendance,
        )

    def check_votes(self) -> str | None:
        """Says at once, under the votes, when they do not fit the attendance."""
        problem = self.vote_problem()
        self.vote_note.setText(problem or "")
        style = ERROR_STYLE if problem else ""
        for field in (self.votes_for, self.votes_against, self.votes_abstain):
            field.setStyleSheet(style if field.text().strip() else "")
        return problem

    def problems(self) -> list[tuple[QWidget, str]]:
        found: list[tuple[QWidget, str]] = []
        self.title_edit.setStyleSheet("")
        if not self.title_edit.text().strip():
            self.title_edit.setStyleSheet(ERROR_STYLE)
            found.append((self.title_edit, _("Each agenda item needs a title.")))
        problem = self.check_votes()
        if problem is not None and not self.editor.read_only:
            number = self.editor.boxes.index(self) + 1 if self in self.editor.boxes else 0
            found.append(
                (
                    self.votes_for,
                    _("Agenda item {number}: {problem}").format(number=number, problem=problem),
                )
            )
        return found


class AgendaEditor(TabPage):
    """All agenda items in order; ``changed`` on every edit by the user."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_only = False
        #: The attendance the votes are checked against (the live count of the other tab).
        self.attendance: rules.Quorum | None = None
        self._loading = False
        self.boxes: list[AgendaItemBox] = []
        self.list_holder = QWidget(self)
        self.list_layout = QVBoxLayout(self.list_holder)
        self.add_button = QPushButton(_("Add an agenda item"), self)
        self.add_button.clicked.connect(lambda: self.add_item(focus=True))
        # No scroll area of its own: the meeting editor scrolls the whole page (one scroll
        # level), so the ▲ ▼ buttons stay inside the page and Save stays below it.
        body = QVBoxLayout(self)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.list_holder)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        body.addLayout(add_row)
        body.addStretch(1)

    @property
    def scroll_area(self) -> QScrollArea | None:
        """The scroll area the agenda is shown in (the meeting editor's), if any."""
        parent = self.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                return parent
            parent = parent.parentWidget()
        return None

    def _settle_layout(self) -> None:
        """Lay the items out now (not when the event loop next runs), up to the scroll area,
        so that positions and the scroll range are those the person will see."""
        for _round in range(4):  # each level up posts its own request
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def ensure_visible(self, widget: QWidget) -> None:
        area = self.scroll_area
        if area is not None:
            self._settle_layout()
            area.ensureWidgetVisible(widget)

    def current_index(self) -> int | None:
        """The item the person is working in (the one holding the keyboard focus)."""
        focus = QApplication.focusWidget()
        for index, box in enumerate(self.boxes):
            if focus is not None and (focus is box or box.isAncestorOf(focus)):
                return index
        return None

    def set_items(
        self, items: tuple[AgendaItemData, ...] | list[AgendaItemData], *, keep_place: bool = False
    ) -> None:
        """Show ``items``. The same items again (after a save) are updated where they are, so
        that the item being worked in and the scroll position stay; a different list is built
        afresh, at the same scroll position when ``keep_place`` (the same meeting shown again), else
        from the top (docs/architecture.md §15)."""
        same = (
            keep_place and bool(items) and [b.item_id for b in self.boxes] == [i.id for i in items]
        )
        if same and all(i.id is not None for i in items):
            self._loading = True
            try:
                for box, item in zip(self.boxes, items, strict=True):
                    box.show_item(item)
            finally:
                self._loading = False
            self._renumber()
            return
        area = self.scroll_area
        bar = area.verticalScrollBar() if area is not None else None
        position = bar.value() if keep_place and bar is not None else 0
        current = self.current_index() if keep_place else None
        self._loading = True
        try:
            for box in self.boxes:
                self.list_layout.removeWidget(box)
                box.setParent(None)
                box.deleteLater()
            self.boxes = []
            for item in items:
                self._append(item)
        finally:
            self._loading = False
        self._renumber()
        self._settle_layout()
        if bar is not None:
            bar.setValue(position)
        if current is not None and current < len(self.boxes) and self.isVisible():
            self.boxes[current].title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            if bar is not None:
                bar.setValue(position)

    def _append(self, item: AgendaItemData | None) -> AgendaItemBox:
        box = AgendaItemBox(self, item)
        box.set_read_only(self.read_only)
        self.boxes.append(box)
        self.list_layout.addWidget(box)
        box.show()  # at once, not when the event loop next runs
        return box

    def add_item(self, *, focus: bool = False) -> AgendaItemBox:
        """A new, empty item at the end (move it with the arrows)."""
        box = self._append(None)
        self._renumber()
        if focus:
            box.title_edit.setFocus()
            self.ensure_visible(box)
        self.item_edited()
        return box

    def remove_item(self, box: AgendaItemBox) -> None:
        from justice_desk.ui import dialogs

        if box.has_content() and not dialogs.confirm(
            self,
            _("Remove agenda item {number} with what was written under it?").format(
                number=self.boxes.index(box) + 1
            ),
            yes=_("Remove the item"),
        ):
            return
        self.boxes.remove(box)
        self.list_layout.removeWidget(box)
        box.setParent(None)
        box.deleteLater()
        self._renumber()
        self.item_edited()

    def move_item(self, box: AgendaItemBox, step: int) -> None:
        index = self.boxes.index(box)
        target = index + step
        if not 0 <= target < len(self.boxes):
            return
        area = self.scroll_area
        before = box.mapTo(area.viewport(), QPoint(0, 0)).y() if area is not None else 0
        self.boxes.insert(target, self.boxes.pop(index))
        self.list_layout.removeWidget(box)
        self.list_layout.insertWidget(target, box)
        self._renumber()
        if area is not None:
            # The moved item stays where it was on the screen (the page scrolls under it), so
            # that the arrow just clicked is still under the pointer for the next click.
            self._settle_layout()
            after = box.mapTo(area.viewport(), QPoint(0, 0)).y()
            bar = area.verticalScrollBar()
            bar.setValue(bar.value() + after - before)
        self.item_edited()

    def _renumber(self) -> None:
        for number, box in enumerate(self.boxes, start=1):
            box.set_number(number, len(self.boxes))

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for box in self.boxes:
            box.set_read_only(read_only)
        self.add_button.setVisible(not read_only)
        self._renumber()

    def set_attendance(self, attendance: rules.Quorum | None) -> None:
        self.attendance = attendance
        for box in self.boxes:
            box.check_votes()

    def item_edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def items(self) -> list[AgendaItemData]:
        return [box.data(number) for number, box in enumerate(self.boxes, start=1)]

    def problems(self) -> list[tuple[QWidget, str]]:
        found: list[tuple[QWidget, str]] = []
        for box in self.boxes:
            found.extend(box.problems())
        if not self.boxes:
            found.append((self.add_button, _("The agenda needs at least one item.")))
        return found
