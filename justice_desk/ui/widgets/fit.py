"""What makes the window fit a 1366×768 laptop screen at every text size (docs/architecture.md
§15): sizes in text units instead of pixels, button rows that wrap, labels that elide a path,
scroll areas for long forms, and register columns as wide as their text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

#: The screen the app is made for: a 1366×768 laptop less a 40-pixel task bar.
SCREEN = QSize(1366, 728)
SMALL_SCREEN = QSize(1280, 720)


def text_width(widget: QWidget, chars: float) -> int:
    """``chars`` average characters of ``widget``'s font, in pixels (grows with the text size)."""
    return int(widget.fontMetrics().averageCharWidth() * chars + 0.5)


def text_lines(widget: QWidget, lines: float) -> int:
    """The height of ``lines`` lines of ``widget``'s font, in pixels."""
    return int(widget.fontMetrics().lineSpacing() * lines + 0.5)


def placeholder_width(field: QLineEdit) -> int:
    """The width ``field`` needs to show its placeholder (or its text) whole: the text, the
    frame and the margins the line edit keeps around it."""
    text = field.placeholderText() or field.text()
    margins = field.textMargins()
    contents = field.contentsMargins()
    frame = 2 * field.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, field)
    extra = margins.left() + margins.right() + contents.left() + contents.right() + frame
    # Qt keeps 2 pixels either side of the text inside the frame (QLineEditPrivate's margin)
    return field.fontMetrics().horizontalAdvance(text) + extra + 2 * 2 + 2


def widest_text(widget: QWidget, texts: Iterable[str]) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(t) for t in texts), default=0)


def scroll_area(widget: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``widget`` in a frameless scroll area that gives it the whole width and scrolls down when
    the screen is too short (a long form, large text)."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def compact_combo(combo: QComboBox, chars: int = 12) -> QComboBox:
    """A combo box that asks for ``chars`` characters, not its longest item: the list that
    drops down still shows every item whole."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    view = combo.view()
    view.setMinimumWidth(
        max(
            (
                combo.fontMetrics().horizontalAdvance(combo.itemText(i))
                for i in range(combo.count())
            ),
            default=0,
        )
        + text_width(combo, 4)
    )
    return combo


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto the next line when the row is full (buttons).

    Its minimum width is its widest widget; its height follows its width (also where the
    parents do not pass height-for-width on: it asks for the height it needs as its minimum at
    the width it was given).
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._width = -1
        self._stretch_at: int | None = None  # items from here on are pushed to the right
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt naming
        self._items.append(item)

    def add_widget(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))
        self.invalidate()

    def add_stretch(self) -> None:
        """The widgets added after this go to the right end of the last line."""
        self._stretch_at = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt naming
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt naming
        if 0 <= index < len(self._items):
            return self._items.pop(index)
        return None

    def spacing(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is None:
            return 6
        return (
            parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)
            if (parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing) >= 0)
            else 6
        )

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt naming
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt naming
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt naming
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in visible) + self.spacing() * max(
            0, len(visible) - 1
        )
        height = max((i.sizeHint().height() for i in visible), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt naming
        visible = [i for i in self._items if not i.isEmpty()]
        width = max((i.minimumSize().width() for i in visible), default=0)
        width = max(width, max((i.sizeHint().width() for i in visible), default=0))
        margins = self.contentsMargins()
        parent = self.parentWidget()
        height = (
            self.heightForWidth(self._width)
            if self._width > 0 and parent is not None and parent.isVisible()
            else max((i.sizeHint().height() for i in visible), default=0)
            + margins.top()
            + margins.bottom()
        )
        return QSize(width + margins.left() + margins.right(), height)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt naming
        super().setGeometry(rect)
        before = self.heightForWidth(self._width) if self._width > 0 else -1
        self._width = rect.width()
        self._arrange(rect, move=True)
        if self.heightForWidth(self._width) != before:
            parent = self.parentWidget()
            if parent is not None:
                parent.updateGeometry()

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        spacing = self.spacing()
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._items:
            if item.isEmpty():
                continue
            size = item.sizeHint()
            if size.width() > area.width() > 0:
                size.setWidth(max(item.minimumSize().width(), area.width()))
            if lines[-1] and x + size.width() > area.width():
                lines.append([])
                x = 0
            lines[-1].append((item, size))
            x += size.width() + spacing
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(s.height() for _i, s in line)
            if move:
                x = area.x()
                right_start = None
                if self._stretch_at is not None and line is lines[-1]:
                    tail = [(i, s) for i, s in line if self._items.index(i) >= self._stretch_at]
                    if tail:
                        used = sum(s.width() for _i, s in tail) + spacing * (len(tail) - 1)
                        right_start = (tail[0][0], area.right() + 1 - used)
                for item, size in line:
                    if right_start is not None and item is right_start[0]:
                        x = max(x, right_start[1])
                    item.setGeometry(QRect(QPoint(x, y + (height - size.height()) // 2), size))
                    x += size.width() + spacing
            y += height + spacing
        return max(0, y - spacing - area.y()) + margins.top() + margins.bottom()


class ElidedLabel(QLabel):
    """One line of plain text that is cut with … where the room ends (a path, a job's title);
    the whole text is in its tooltip. It never asks for more than a few characters of width."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, mode=None) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode if mode is not None else Qt.TextElideMode.ElideMiddle
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._full = text or ""
        self.setToolTip(self._full)
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def full_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self._full) + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self.full_width(), self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(min(self.full_width(), text_width(self, 8)), self.fontMetrics().height())

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = (
            self._full
            if width <= 0
            else QFontMetrics(self.font()).elidedText(self._full, self._mode, width)
        )
        if super().text() != shown:
            super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._elide()

    def is_elided(self) -> bool:
        return super().text() != self._full


def fit_table_columns(
    table: QTableView,
    *,
    stretch: int | None = None,
    widest_chars: int = 32,
    samples: dict[int, Sequence[str]] | None = None,
    minimum_chars: dict[int, int] | None = None,
) -> None:
    """Each column as wide as its header and the rows loaded now (never more than
    ``widest_chars`` characters), ``samples`` being texts a column must fit whole whatever rows
    are shown (every status, a long date). The ``stretch`` column (a name, a subject) is never cut
    short of its text (up to twice as many characters), and the last column takes the room that
    is left."""
    header = table.horizontalHeader()
    header.setResizeContentsPrecision(200)  # the rows loaded; never fetches more
    model = table.model()
    if model is None:
        return
    metrics = table.fontMetrics()
    header_metrics = header.fontMetrics()
    padding = metrics.averageCharWidth() * 2 + 8
    count = model.columnCount()
    for column in range(count):
        if header.isSectionHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = max(table.sizeHintForColumn(column), 0)
        width = max(width, header_metrics.horizontalAdvance(title) + padding + 12)
        for text in (samples or {}).get(column, ()):
            width = max(width, metrics.horizontalAdvance(text) + padding)
        chars = (minimum_chars or {}).get(column)
        if chars:
            width = max(width, metrics.averageCharWidth() * chars + padding)
        cap = widest_chars * (2 if column == stretch else 1)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, min(width, int(metrics.averageCharWidth() * cap)))
    header.setStretchLastSection(True)


class ColumnFitter(QObject):
    """Fits a register's columns to their text when its rows first arrive and again when the
    text size changes — not at every search, so that the columns stay put while a person
    works."""

    def __init__(
        self,
        table: QTableView,
        *,
        stretch: int | None = None,
        samples: dict[int, Sequence[str]] | None = None,
        minimum_chars: dict[int, int] | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.samples = samples or {}
        self.minimum_chars = minimum_chars or {}
        self.fitted = False
        model = table.model()
        if model is not None:
            model.modelReset.connect(self._rows_arrived)
            if model.rowCount() > 0:
                self.fit()
        table.installEventFilter(self)

    def _rows_arrived(self) -> None:
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return
        if not self.fitted:
            self.fit()
        else:
            self._widen_stretch()

    def _widen_stretch(self) -> None:
        """The name column made wider (never narrower) when rows come whose names it would cut:
        fitted to a new center's one short name, it cut every longer name added after."""
        column = self.stretch
        model = self.table.model()
        header = self.table.horizontalHeader()
        if column is None or model is None or column >= model.columnCount() - 1:
            return  # the last column takes the room that is left anyway
        if header.isSectionHidden(column):
            return
        cap = int(self.table.fontMetrics().averageCharWidth() * 32 * 2)
        wanted = min(self.table.sizeHintForColumn(column), cap)
        if wanted > header.sectionSize(column):
            header.resizeSection(column, wanted)

    def fit(self) -> None:
        fit_table_columns(
            self.table,
            stretch=self.stretch,
            samples=self.samples,
            minimum_chars=self.minimum_chars,
        )
        model = self.table.model()
        self.fitted = model is not None and model.rowCount() > 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            self.fit()
        return False


class _RowsFollowText(QObject):
    """A table's rows as tall as a line of its text plus a margin, now and whenever the text
    size changes (a header keeps the row height it was made with: at a larger text size the
    names were drawn over each other)."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        table.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        header = self.table.verticalHeader()
        style = self.table.style().pixelMetric(
            QStyle.PixelMetric.PM_HeaderDefaultSectionSizeVertical
        )
        line = self.table.fontMetrics().height() + 6
        header.setMinimumSectionSize(min(style, line))
        header.setDefaultSectionSize(max(style, line))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            self.fit()
        return False


def rows_follow_text(table: QTableView) -> QTableView:
    """Keep ``table``'s rows as tall as its text at every text size (View → Larger text)."""
    if table.findChild(_RowsFollowText) is None:
        _RowsFollowText(table)
    return table


class _FontFollower(QObject):
    """Keeps headings at their size relative to the text size the person chose: a font set on
    a widget no longer follows the application's font, so it is set again when that changes."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: dict[int, tuple[QWidget, float, bool]] = {}
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def apply(self, widget: QWidget, factor: float, bold: bool) -> None:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * factor)
        font.setBold(bold)
        widget.setFont(font)

    def follow(self, widget: QWidget, factor: float, bold: bool) -> None:
        key = id(widget)
        self.widgets[key] = (widget, factor, bold)
        widget.destroyed.connect(self._forget(key))
        self.apply(widget, factor, bold)

    def _forget(self, key: int):
        def forget(*_args: object) -> None:
            self.widgets.pop(key, None)

        return forget

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.ApplicationFontChange and watched is QApplication.instance():
            for widget, factor, bold in list(self.widgets.values()):
                self.apply(widget, factor, bold)
        return False


_follower: _FontFollower | None = None


def scaled_font(widget: QWidget, factor: float = 1.0, *, bold: bool = True) -> None:
    """Give ``widget`` the application's font times ``factor`` (a heading), now and whenever
    the text size changes (View → Larger text)."""
    global _follower
    if _follower is None:
        _follower = _FontFollower()
    _follower.follow(widget, factor, bold)


def restyle_for_text_size(app: QApplication) -> None:
    """Hand the application's new font to the widgets that have a style sheet (a colour, a
    background): Qt leaves them, and everything inside them, at the font they had when the sheet
    was applied, so View → Larger text left the set-up checklist, the saved/not-saved lines and
    the coloured notes small until the next start. Setting each sheet again makes them take it;
    a font set on a widget itself (``scaled_font``) is kept."""
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


class _CheckRow(QWidget):
    """A check box beside its wrapping text, the box level with the text's first line (a row
    laid out by a layout centres each side: the box sat a line above two lines of text, and
    beside a label taller than its text the text hung below the box)."""

    def __init__(self, box: QCheckBox, label: QLabel, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.box, self.label = box, label
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.box_column = QVBoxLayout()
        self.box_column.setContentsMargins(0, 0, 0, 0)
        self.box_column.addWidget(box)
        self.box_column.addStretch(1)
        self.text_column = QVBoxLayout()
        self.text_column.setContentsMargins(0, 0, 0, 0)
        self.text_column.addWidget(label)
        self.text_column.addStretch(1)
        row.addLayout(self.box_column)
        row.addLayout(self.text_column, 1)
        self.align()

    def align(self) -> None:
        """Centre the box on the first line of the text (whichever is shorter moves down)."""
        above = self.label.contentsMargins().top() + self.label.margin()
        shift = above + (self.label.fontMetrics().height() - self.box.sizeHint().height()) // 2
        self.box_column.setContentsMargins(0, max(0, shift), 0, 0)
        self.text_column.setContentsMargins(0, max(0, -shift), 0, 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and hasattr(
            self, "text_column"
        ):
            self.align()


def wrapping_check_box(box: QCheckBox) -> QWidget:
    """``box`` with its text moved to a label beside it that wraps between words (a check box
    cannot wrap, so a long Thai sentence would widen the window); clicking the text ticks the
    box as before, and the box keeps the text as its accessible name. The box sits level with
    the first line of the text."""
    from justice_desk.ui.widgets.thai_label import ThaiLabel

    class ClickText(ThaiLabel):
        def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
            if box.isEnabled() and self.rect().contains(event.position().toPoint()):
                box.toggle()
            super().mouseReleaseEvent(event)

    parent = box.parentWidget()
    text = box.text()
    box.setText("")
    box.setAccessibleName(text)
    label = ClickText(text, parent)
    label.setObjectName(f"{box.objectName()}Text" if box.objectName() else "")
    holder = _CheckRow(box, label, parent)
    box.setParent(holder)
    label.setParent(holder)
    return holder
