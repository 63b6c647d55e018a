"""What the main window expects of a page, and the register view every page reuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.i18n import _
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import show_error
from justice_desk.ui.jobs import JobRunner
from justice_desk.ui.models import Column, Fetcher, PagedTableModel
from justice_desk.ui.widgets.fit import FlowLayout, rows_follow_text, text_width

SEARCH_DELAY_MS = 150


class Page(QWidget):
    """A page of the main window. Override what applies; the window's shortcuts call these."""

    key = "page"
    #: The kinds of records the page shows (``operations.RECORD_KINDS``): when a write anywhere
    #: else names one of them, the page refreshes (now if shown, else when next shown).
    shows: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = False
        ctx.records_changed.connect(self.records_changed)

    def records_changed(self, kinds: frozenset[str], source: object) -> None:
        """``ctx.records_changed``: another page, dialog or job wrote records of ``kinds``."""
        if not kinds & self.shows or _inside(source, self):
            return
        if self.isVisible():
            self.stale = False
            self.refresh()
        else:
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.refresh()

    def title(self) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload from the database (after another page or a job changed something)."""

    def new_record(self) -> None:
        """Ctrl+N."""

    def focus_search(self) -> None:
        """Ctrl+F."""

    def save(self) -> bool | None:
        """Ctrl+S (form pages answer whether it was saved)."""

    def print_current(self) -> None:
        """Ctrl+P."""

    def can_leave(self) -> bool:
        """False keeps the user on the page (they chose Cancel at an unsaved-changes prompt)."""
        return True


def _inside(source: object, page: QWidget) -> bool:
    """The page wrote it itself (and has shown the result already)."""
    return isinstance(source, QWidget) and (source is page or page.isAncestorOf(source))


class RegisterView(QWidget):
    """Search box + a big, lazily fetched table + a count; emits the row object chosen."""

    activated = Signal(object)
    current_changed = Signal(object)
    searched = Signal()  # the results of a search are shown

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Fetcher,
        *,
        runner: JobRunner | None = None,
        placeholder: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._search_generation = 0
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            placeholder or _("Search (Thai or numbers; part of a word is enough)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search"))
        self.count = QLabel(self)
        self.model = PagedTableModel(columns, fetch, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        rows_follow_text(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # No sort indicator at first: enabling sorting would otherwise sort by the first column
        # (descending, Qt's default) and run one query for nothing; the service's order stands.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(any(c.sort_key for c in columns))
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count)
        # The buttons at the end of the row (Export…) go under the search when the list is
        # narrow (large text), and onto more lines if need be, instead of widening the page
        # past the screen: the list asks only for its widest button (``minimumSizeHint``).
        self._tool_box = QWidget(self)
        self._tools = FlowLayout(self._tool_box)
        self._top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._top.addLayout(search_row, 1)
        self._top.addWidget(self._tool_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(self._top)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.table.doubleClicked.connect(lambda index: self._emit(index.row(), self.activated))
        self.table.activated.connect(lambda index: self._emit(index.row(), self.activated))
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._emit(cur.row(), self.current_changed)
        )
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._reconnect_selection)
        self._update_count()

    def add_tool(self, widget: QWidget) -> None:
        """Put a button (Export…) at the end of the search row."""
        self._tools.add_widget(widget)
        self._arrange_top()

    def add_filter(self, widget: QWidget) -> None:
        """Put a filter (a check box) before the buttons, which go to the right end of their
        line: narrow, the filter and the buttons share lines instead of each taking its own."""
        self._tools.add_widget(widget)
        self._tools.add_stretch()
        self._arrange_top()

    def _one_row_width(self) -> int:
        """The width the search, the count and the buttons need on one row."""
        spacing = max(0, self._top.spacing())
        return (
            text_width(self, 28)  # a search box that shows what it is for
            + self.count.sizeHint().width()
            + self._tool_box.sizeHint().width()
            + 2 * spacing
        )

    def _arrange_top(self) -> None:
        across = self._tools.count() == 0 or self.width() >= self._one_row_width()
        direction = QBoxLayout.Direction.LeftToRight if across else QBoxLayout.Direction.TopToBottom
        if self._top.direction() != direction:
            self._top.setDirection(direction)

    def stacked_width(self) -> int:
        """The width at which the buttons fit on one line under the search (a page gives the
        list this much when its form beside it can spare it: a line less to scroll past)."""
        return max(
            self.search.minimumSizeHint().width() + self.count.sizeHint().width() + 6,
            self._tool_box.sizeHint().width(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """As narrow as the buttons under the search allow (not the row of them all)."""
        hint = super().minimumSizeHint()
        narrow = max(
            self.search.minimumSizeHint().width() + self.count.sizeHint().width() + 6,
            self._tool_box.minimumSizeHint().width(),
            self.table.minimumSizeHint().width(),
        )
        return QSize(min(hint.width(), narrow), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._arrange_top()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_top"):
            self._arrange_top()

    def _reconnect_selection(self) -> None:
        # A model reset keeps the selection model; nothing to reconnect, but clear stale current.
        self.table.selectionModel().clearCurrentIndex()

    def _emit(self, row: int, signal: Any) -> None:
        obj = self.model.row_object(row) if row >= 0 else None
        if obj is not None:
            signal.emit(obj)

    def _apply_search(self) -> None:
        self.run_search(self.search.text().strip())

    def run_search(self, text: str) -> None:
        """Show the rows matching ``text``. With a job runner the query runs off the GUI thread
        and only the newest search's results are shown; ``searched`` says when they are."""
        if self.runner is None:
            self.model.set_search(text)
            self.searched.emit()
            return
        self._search_generation += 1
        generation = self._search_generation
        self.count.setText(_("Searching…"))

        def done(page: Any) -> None:
            if generation == self._search_generation:
                self.model.show_first_page(text, page)
                self.searched.emit()

        def failed(message: str, _expected: bool) -> None:
            if generation == self._search_generation:
                self._update_count()
                show_error(self, message)

        self.runner.run(
            _("Searching"),
            self.model.first_page,
            text,
            on_success=done,
            on_error=failed,
            announce=False,
        )

    def apply_search_now(self) -> None:
        """Run the pending search at once (Enter in the search box)."""
        self._timer.stop()
        self._apply_search()

    def _update_count(self) -> None:
        self.count.setText(_("{count:,} records").format(count=self.model.total))

    def refresh(self) -> None:
        self.model.refresh()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_id(self, record_id: Any) -> bool:
        """Select the row whose object has ``id`` (searching the loaded rows only)."""
        for row in range(min(self.model.total, 2000)):
            obj = self.model.row_object(row)
            if obj is not None and getattr(obj, "id", None) == record_id:
                self.select_row(row)
                return True
        return False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
