"""A register page with a detail form beside it: the list on the left, the record on the right.

The page owns the rules every register shares — New, Save (Ctrl+S), Delete after confirmation
(a soft delete in the service), and the unsaved-changes prompt when the user picks another row,
starts a new record or leaves the page. Subclasses build the form and say how to load, save and
delete one record through the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.errors import NotFoundError, UserError
from justice_desk.i18n import _
from justice_desk.ui import dialogs, operations
from justice_desk.ui.context import AppContext
from justice_desk.ui.dirty import DirtyTracker, resolve_unsaved
from justice_desk.ui.form_fields import FormErrors, MessageStrip
from justice_desk.ui.jobs import Job
from justice_desk.ui.pages.base import Page, RegisterView
from justice_desk.ui.role_gate import gate
from justice_desk.ui.widgets.fit import scaled_font
from justice_desk.ui.widgets.thai_label import ThaiLabel


class RecordPage(Page):
    """Register + detail form.

    Subclasses implement the ``*_record`` hooks and build ``form_body``.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.current_id: uuid.UUID | None = None
        self.current_rev: int | None = None
        self._quiet = False  # True while the page itself moves the table's selection
        self._current_row: int | None = None  # where the record in the form is in the list

        self.register = self.make_register()
        self.register.current_changed.connect(self._row_chosen)

        self.heading = ThaiLabel(self)
        self.heading.setObjectName("formHeading")
        scaled_font(self.heading, 1.25)
        self.strip = MessageStrip(self)
        self.errors = FormErrors(self.strip)
        self.tracker = DirtyTracker(self._dirty_changed)
        self.save_job: Job | None = None

        self.new_button = QPushButton(_("New"), self)
        self.new_button.setToolTip(_("Start a new record (Ctrl+N)"))
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setToolTip(_("Save this record (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.delete_button = QPushButton(_("Delete…"), self)
        self.delete_button.setToolTip(_("Delete this record (you are asked to confirm first)"))
        for button in (self.new_button, self.save_button, self.delete_button):
            gate(button, ctx, *self.needs)  # disabled, saying why, for a role that may not
        self.new_button.clicked.connect(self.new_record)
        self.save_button.clicked.connect(self._save_clicked)
        self.delete_button.clicked.connect(self.delete_current)

        self.form_body = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form_body)
        self.form_scroll = scroll

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.strip)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(buttons)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        self.add_filters(left_layout)
        left_layout.addWidget(self.register, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self._dragged = False  # the person moved the divider: their choice stays
        self.splitter.splitterMoved.connect(self._divider_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # -- the list and the form side by side ----------------------------------------------

    #: The share of the page the form is given at least; more when its fields need more, so
    #: that it never scrolls sideways (docs/architecture.md §15).
    FORM_SHARE = 0.4

    def form_width(self) -> int:
        """The width the form needs whole: its fields, the page's margins, a scroll bar."""
        right = self.splitter.widget(1)
        layout = right.layout() if right is not None else None
        margins = layout.contentsMargins() if layout is not None else None
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        return (
            self.form_body.minimumSizeHint().width()
            + (margins.left() + margins.right() if margins else 0)
            + 2 * self.form_scroll.frameWidth()
            + bar
            + 2
        )

    def _share_splitter(self) -> None:
        """The form at least its share and what its fields need; the list the rest (never
        below what it needs itself). The splitter keeps pixels, which at a larger text size
        would leave the form a strip that scrolls sideways."""
        total = self.splitter.width() - self.splitter.handleWidth()
        if total < 200:  # not laid out yet
            return
        left = self.splitter.widget(0)
        least = left.minimumSizeHint().width() if left is not None else 0
        needed = self.form_width()
        form = min(max(int(total * self.FORM_SHARE), needed), total - least)
        # The list's buttons on one line under its search, when the form can spare the room.
        comfortable = (
            least - self.register.minimumSizeHint().width() + self.register.stacked_width()
        )
        if total - form < comfortable and total - comfortable >= needed:
            form = total - comfortable
        if self.splitter.sizes()[1:] != [form]:
            self.splitter.setSizes([total - form, form])

    def _divider_moved(self, _position: int, _index: int) -> None:
        self._dragged = True

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if not self._dragged:
            self._share_splitter()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "splitter"):
            self._dragged = False  # a new text size: the shares again
            self._share_splitter()

    # -- hooks ----------------------------------------------------------------------------

    def make_register(self) -> RegisterView:
        raise NotImplementedError

    def add_filters(self, layout: QVBoxLayout) -> None:
        """Widgets above the register (for example "members only")."""

    def clear_form(self) -> None:
        """Empty the form for a new record."""
        raise NotImplementedError

    def load_record(self, record_id: uuid.UUID, row: Any = None) -> Any:
        """Read the record from its service (``row`` is the register's row object when the user
        picked it there) and fill the form; return the record."""
        raise NotImplementedError

    #: The kinds of records a save or delete writes (``operations.RECORD_KINDS``).
    writes: frozenset[str] = frozenset()
    #: What New, Save and Delete need (``domain.access``); none: every role.
    needs: tuple[Permission, ...] = ()

    def save_record(self) -> Callable[[], tuple[Any, list[str]]]:
        """Read the form (raise ``UserError`` to refuse before anything is written) and return
        the write: a function run in the job runner that creates or updates the record through
        the service and returns (record, warnings)."""
        raise NotImplementedError

    def save_refused(self, exc: UserError) -> None:
        """The form or the service refused the save (already shown in the form's errors)."""

    def delete_record(self, record_id: uuid.UUID) -> None:
        """Delete through the service (run in the job runner)."""
        raise NotImplementedError

    def record_label(self) -> str:
        """How the record is named in the heading and the delete question."""
        raise NotImplementedError

    def new_heading(self) -> str:
        return _("New record")

    def after_load(self) -> None:
        """The form now shows ``current_id`` (or a new record): update sections beside it."""

    # -- what the main window calls -------------------------------------------------------

    def refresh(self) -> None:
        self.register.refresh()
        if self.current_id is not None and not self.tracker.dirty:
            try:
                self._open(self.current_id)
            except NotFoundError:
                self._start_new()
            else:
                self._select_current()

    def new_record(self) -> None:
        if not self.resolve_unsaved():
            return
        self._start_new()

    def focus_search(self) -> None:
        self.register.focus_search()

    def can_leave(self) -> bool:
        return self.resolve_unsaved()

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Start saving in the job runner (Save and Delete are disabled until it ends); False
        when the form refused or a save is already running. ``then`` runs after it saved."""
        if operations.writing(self):
            return False
        self.errors.clear()
        try:
            write = self.save_record()
        except UserError as exc:
            self.errors.show(exc)
            self.save_refused(exc)
            return False

        def saved(result: tuple[Any, list[str]]) -> None:
            self._saved(*result)
            if then is not None:
                then()

        self.save_job = operations.run_write(
            self,
            self.ctx,
            _("Saving “{name}”").format(name=self.record_label() or self.new_heading()),
            write,
            changes=self.writes,
            on_done=saved,
            on_refused=self._refused,
            busy=(self.save_button, self.delete_button, self.new_button),
        )
        return True

    def _save_clicked(self) -> None:
        self.save()

    def save_and_wait(self) -> bool:
        """Save and wait for the outcome (the unsaved-changes prompt's "Save")."""
        if not self.save():
            return False
        operations.wait(self.save_job)
        return not self.tracker.dirty

    def _refused(self, exc: UserError) -> None:
        self.errors.show(exc)
        self.save_refused(exc)

    def _saved(self, record: Any, warnings: list[str]) -> None:
        self.current_id = record.id
        self.current_rev = getattr(record, "rev", None)
        with self.tracker.loading():
            self.fill(record)
        self.tracker.reset()
        self.strip.saved(warnings)
        self.register.refresh()
        self._select_current()
        self._update_heading()
        self.after_load()

    def fill(self, record: Any) -> None:
        """Show a saved record in the form (called inside ``tracker.loading()``)."""
        raise NotImplementedError

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        question = _(
            "Delete “{name}”? It will no longer appear in the lists. "
            "Records that already refer to it keep it."
        ).format(name=self.record_label())
        if not dialogs.confirm(self, question, yes=_("Delete")):
            return

        def deleted(_result: object) -> None:
            self.register.refresh()
            self._start_new()
            self.strip.info(_("Deleted."))

        operations.run_write(
            self,
            self.ctx,
            _("Deleting “{name}”").format(name=self.record_label()),
            self.delete_record,
            self.current_id,
            changes=self.writes,
            on_done=deleted,
            busy=(self.save_button, self.delete_button, self.new_button),
        )

    # -- unsaved changes ------------------------------------------------------------------

    def resolve_unsaved(self) -> bool:
        """True when it is fine to show something else: nothing unsaved, saved, or discarded."""
        return resolve_unsaved(self, self.tracker.dirty, self.save_and_wait, self.tracker.reset)

    # -- internals ------------------------------------------------------------------------

    def _dirty_changed(self, dirty: bool) -> None:
        self.save_button.setText(_("Save") + (" •" if dirty else ""))

    def _row_chosen(self, obj: Any) -> None:
        if self._quiet:
            return
        record_id = getattr(obj, "id", None)
        if record_id is None or record_id == self.current_id:
            return
        row = self.register.table.currentIndex().row()
        if not self.resolve_unsaved():
            self._select_current()  # back to the record that is still being edited
            return
        try:
            self._open(record_id, obj)
        except NotFoundError as exc:  # deleted meanwhile on this laptop by another window
            dialogs.show_error(self, str(exc))
            self.register.refresh()
            return
        # A "save" at the prompt reloaded the list: put the cursor back on the row chosen.
        self._current_row = row
        self._select_current()

    def _open(self, record_id: uuid.UUID, row: Any = None) -> None:
        self.errors.clear()
        self.strip.clear_message()
        with self.tracker.loading():
            record = self.load_record(record_id, row)
        self.current_id = record_id
        self.current_rev = getattr(record, "rev", None)
        self.tracker.reset()
        self._update_heading()
        self.after_load()

    def open_record(self, record_id: uuid.UUID) -> bool:
        """Show a record (from elsewhere in the app); asks about unsaved changes first."""
        if not self.resolve_unsaved():
            return False
        self._open(record_id)
        self._select_current()
        return True

    def _start_new(self) -> None:
        self.errors.clear()
        self.strip.clear_message()
        with self.tracker.loading():
            self.clear_form()
        self.current_id = None
        self.current_rev = None
        self.tracker.reset()
        self._select_current()
        self._update_heading()
        self.after_load()

    def _locate_current(self) -> int | None:
        """The row of the record in the form: where it was, else among the first rows.

        Never scans further: each window fetched is a query, and the list may hold 100,000 rows.
        """
        model = self.register.model
        if self.current_id is None:
            return None
        candidates = [self._current_row] if self._current_row is not None else []
        for row in [*candidates, *range(min(model.total, model.block))]:
            if 0 <= row < model.total:
                obj = model.row_object(row)
                if obj is not None and getattr(obj, "id", None) == self.current_id:
                    return row
        return None

    def _select_current(self) -> None:
        row = self._locate_current()
        self._current_row = row
        self._quiet = True
        try:
            if row is None:
                self.register.table.selectionModel().clearSelection()
                self.register.table.selectionModel().clearCurrentIndex()
            else:
                self.register.select_row(row)
        finally:
            self._quiet = False

    def _update_heading(self) -> None:
        self.heading.setText(self.new_heading() if self.current_id is None else self.record_label())
        self.delete_button.setEnabled(self.current_id is not None)
