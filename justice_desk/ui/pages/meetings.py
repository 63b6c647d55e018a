"""The Meetings page: the register of committee meetings on the left, the chosen meeting on the
right (details, attendance with a live quorum, agenda and minutes, versions, print buttons)."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import MeetingStatus
from justice_desk.errors import UserError
from justice_desk.i18n import _, language
from justice_desk.services import meetings
from justice_desk.services.common import Page as RowsPage
from justice_desk.services.exports import Register
from justice_desk.services.meetings import MeetingDetail, MeetingRow
from justice_desk.ui import dialogs
from justice_desk.ui.context import AppContext
from justice_desk.ui.export_ui import ExportButton, ExportChoice, register_filters
from justice_desk.ui.form_fields import be_text
from justice_desk.ui.meeting_dialogs import NewMeetingDialog
from justice_desk.ui.meeting_editor import MeetingEditor
from justice_desk.ui.models import Column
from justice_desk.ui.pages.base import Page, RegisterView
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.fit import ColumnFitter, FlowLayout
from justice_desk.ui.widgets.thai_label import ThaiLabel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def meeting_columns() -> list[Column]:
    from justice_desk.domain.dates import format_date

    return [
        Column(_("Meeting"), lambda r: r.number),
        Column(_("Date"), lambda r: format_date(r.held_on, language(), short=True)),
        Column(_("Status"), lambda r: r.status.label()),
        # Counted as the quorum line counts (members present in person or by substitute).
        Column(_("Members present"), lambda r: r.quorum.attended(), align=RIGHT),
        Column(_("Place"), lambda r: r.place or ""),
    ]


class MeetingsPage(Page):
    key = "meetings"
    shows = frozenset({"meetings", "committee", "people"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_dialog: NewMeetingDialog | None = None
        self._selecting = False
        self._dragged = False  # the person moved the divider: their choice stays

        self.new_button = QPushButton(_("New meeting"), self)
        self.new_button.setToolTip(_("Plan a new meeting (Ctrl+N)"))
        gate(self.new_button, ctx, Permission.MEETINGS)
        self.register = RegisterView(
            meeting_columns(),
            self._fetch,
            placeholder=_("Search by number (4/2569), place or body"),
            parent=self,
        )
        self.export_button = ExportButton(
            ctx,
            [
                ExportChoice(
                    _("Meetings shown"),
                    lambda: (Register.MEETINGS, register_filters(self.register)),
                )
            ],
            self,
        )
        self.editor = MeetingEditor(ctx, self)
        self.empty = ThaiLabel(
            _("Choose a meeting in the list, or plan a new one with “New meeting” (Ctrl+N)."), self
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack = QStackedWidget(self)
        self.detail_stack.addWidget(self.empty)
        self.detail_stack.addWidget(self.editor)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = _("Committee meetings")
        # The heading wraps between words, and "New meeting" and "Export" go onto the next
        # line when the list is narrow (large text): the list is the narrow side of the
        # splitter and never takes the room of the meeting beside it.
        title = ThaiLabel(f"<b>{heading}</b>", left)
        top = FlowLayout()
        top.add_widget(title)
        top.add_stretch()
        top.add_widget(self.new_button)
        top.add_widget(self.export_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.register, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_stack)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self._share_splitter()
        self.splitter.splitterMoved.connect(self._divider_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        # Dates and statuses whole, the place taking the rest (§15).
        self.column_fitter = ColumnFitter(
            self.register.table,
            stretch=4,
            samples={
                1: [be_text(dt.date(2026, 9, 30)), be_text(dt.date(2026, 11, 28))],
                2: [s.label() for s in MeetingStatus],
            },
        )
        self.new_button.clicked.connect(self.new_record)
        self.register.current_changed.connect(self._chosen)
        self.register.activated.connect(self._chosen)
        self.editor.records_changed.connect(self._written)
        self.editor.deleted.connect(self._deleted)
        self._show_first()

    def title(self) -> str:
        return _("Meetings")

    # -- the list and the meeting side by side ----------------------------------------------

    #: The share of the page the list is given (the meeting beside it takes the rest).
    LIST_SHARE = 0.36

    def _share_splitter(self) -> None:
        """About a third for the list, the rest for the meeting, at every text size (the
        splitter remembers pixels, which at a larger text would leave the meeting a strip)."""
        total = max(self.splitter.width(), self.width(), 1)
        if total < 200:  # not laid out yet: the proportions are what counts
            total = 1200
        left = self.splitter.widget(0)
        wanted = max(int(total * self.LIST_SHARE), left.minimumSizeHint().width() if left else 0)
        self.splitter.setSizes([wanted, max(1, total - wanted)])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if not self._dragged:  # until the person moves the divider, the shares hold
            self._share_splitter()

    def _divider_moved(self, _position: int, _index: int) -> None:
        self._dragged = True

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "splitter"):
            self._share_splitter()

    # -- the register ---------------------------------------------------------------------

    def _fetch(
        self, offset: int, limit: int, search: str, _order: str | None, _descending: bool
    ) -> RowsPage[MeetingRow]:
        try:
            return meetings.list_meetings(
                self.ctx.db, search=search or None, offset=offset, limit=limit
            )
        except UserError as exc:
            dialogs.show_error(self, str(exc))
            return RowsPage([], 0, offset)

    def _chosen(self, row: MeetingRow) -> None:
        if self._selecting:
            return
        current = self.editor.detail
        if current is not None and current.id == row.id:
            return
        if not self.editor.can_leave():
            # Stay on the meeting with the unsaved changes; put the selection back on it.
            self._select_in_register(current.id if current else None)
            return
        if self.editor.load(row.id):
            self.detail_stack.setCurrentWidget(self.editor)

    def _select_in_register(self, meeting_id: uuid.UUID | None) -> None:
        self._selecting = True
        try:
            if meeting_id is None or not self.register.select_id(meeting_id):
                self.register.table.clearSelection()
        finally:
            self._selecting = False

    def _select(self, meeting_id: uuid.UUID) -> None:
        """Show ``meeting_id`` in the editor and select it in the register."""
        self._select_in_register(meeting_id)
        if self.editor.load(meeting_id):
            self.detail_stack.setCurrentWidget(self.editor)

    def _show_first(self) -> None:
        """The newest meeting, when there is one (the register lists newest first)."""
        first = self.register.model.row_object(0)
        if first is not None:
            self._select(first.id)

    def _written(self, meeting_id: uuid.UUID) -> None:
        self.register.refresh()
        self._select_in_register(meeting_id)

    def _deleted(self, _meeting_id: uuid.UUID) -> None:
        self.register.refresh()
        self.detail_stack.setCurrentWidget(self.empty)

    def _created(self, detail: MeetingDetail | None) -> None:
        if detail is None:
            return
        self.register.search.clear()
        self.register.apply_search_now()
        self.register.refresh()
        self._select_in_register(detail.id)
        self.editor.show_detail(detail)
        self.detail_stack.setCurrentWidget(self.editor)
        self.editor.tabs.setCurrentIndex(0)
        self.editor._say(
            _("Meeting {number} was created with the standard agenda.").format(number=detail.number)
        )

    # -- what the main window calls -------------------------------------------------------

    def refresh(self) -> None:
        current = self.editor.detail
        self.register.refresh()
        if current is None:
            self._show_first()
            return
        self._select_in_register(current.id)
        if not self.editor.dirty:
            try:
                detail = meetings.get_meeting(self.ctx.db, current.id)
            except UserError:
                self.editor.clear()
                self.detail_stack.setCurrentWidget(self.empty)
                return
            self.editor.show_detail(detail)

    def new_record(self) -> None:
        if not self.editor.can_leave():
            return
        dialog = NewMeetingDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._created(dialog.created))
        self.new_dialog = dialog
        dialog.open()

    def focus_search(self) -> None:
        self.register.focus_search()

    def save(self) -> None:
        self.editor.save()

    def print_current(self) -> None:
        self.editor.print_current()

    def can_leave(self) -> bool:
        return self.editor.can_leave()
