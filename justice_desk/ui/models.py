"""Thin item models.

``PagedTableModel`` keeps only the rows it has been asked to show: it asks a service for the
total and for windows of rows, and lets SQL filter and sort, so a register of 100,000 cases
paints as fast as one of 100.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from justice_desk.services.common import Page

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column: its header and how to turn a row object into the text shown."""

    title: str
    text: Callable[[Any], str]
    sort_key: str | None = None  # the service's ``order`` name when the column can sort
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


#: fetch(offset, limit, search, order, descending) -> Page
Fetcher = Callable[[int, int, str, str | None, bool], Page[Any]]


class PagedTableModel(QAbstractTableModel):
    """Rows fetched from a service in windows of ``block`` rows, on demand."""

    def __init__(
        self, columns: Sequence[Column], fetch: Fetcher, *, block: int = 200, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self.block = block
        self.search = ""
        self.order: str | None = None
        self.descending = False
        self._total = 0
        self._blocks: dict[int, list[Any]] = {}
        self.refresh()

    # -- querying -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Forget cached rows and ask again (after an edit, a new search or a new sort)."""
        self.beginResetModel()
        self._blocks.clear()
        page = self._fetch(0, self.block, self.search, self.order, self.descending)
        self._total = page.total
        self._blocks[0] = list(page.rows)
        self.endResetModel()

    def set_search(self, text: str) -> None:
        if text != self.search:
            self.search = text
            self.refresh()

    def first_page(self, search: str) -> Page[Any]:
        """The first window of rows and the total for ``search`` (safe to call off the GUI
        thread: it only asks the service)."""
        return self._fetch(0, self.block, search, self.order, self.descending)

    def show_first_page(self, search: str, page: Page[Any]) -> None:
        """Show a search whose first window was fetched elsewhere (in the job runner)."""
        self.beginResetModel()
        self.search = search
        self._blocks.clear()
        self._total = page.total
        self._blocks[0] = list(page.rows)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if key is None:
            return
        self.order = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def row_object(self, row: int) -> Any | None:
        if not 0 <= row < self._total:
            return None
        number = row // self.block
        block = self._blocks.get(number)
        if block is None:
            page = self._fetch(
                number * self.block, self.block, self.search, self.order, self.descending
            )
            block = self._blocks[number] = list(page.rows)
            if len(self._blocks) > 50:  # keep memory flat while scrolling far
                for key in list(self._blocks)[:10]:
                    if key != number:
                        del self._blocks[key]
        offset = row - number * self.block
        return block[offset] if offset < len(block) else None

    @property
    def total(self) -> int:
        return self._total

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            obj = self.row_object(index.row())
            return None if obj is None else self.columns[index.column()].text(obj)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[index.column()].align)
        if role == Qt.ItemDataRole.UserRole:
            return self.row_object(index.row())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None


class ListTableModel(QAbstractTableModel):
    """A small list of data objects (sessions, instalments, attendance) with ``set_rows``."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        obj = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[index.column()].text(obj)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[index.column()].align)
        if role == Qt.ItemDataRole.UserRole:
            return obj
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None
