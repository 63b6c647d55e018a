"""A small bar chart drawn with QPainter (the installed PySide6 has no QtCharts): one bar per
category, optionally stacked by series, with a legend, values on hover and a click on a bar (or
on one of its parts) reported as ``clicked(category, series)``. Used by the dashboard."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

#: Colours that stay apart for people with the common colour-vision deficiencies (Okabe–Ito),
#: then a grey for "the rest".
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
OTHER_COLOUR = "#9E9E9E"


class BarChart(QWidget):
    """``set_data(categories, series, values)``: ``values[s][c]`` is series ``s`` in category
    ``c``. A single series draws plain bars, several draw stacked bars with a legend."""

    clicked = Signal(int, int)  # category, series (-1: the whole bar)

    def __init__(
        self, title: str = "", parent: QWidget | None = None, *, horizontal: bool = False
    ) -> None:
        super().__init__(parent)
        self.title = title
        #: One row per category, the bar running to the right with its value and share.
        self.horizontal = horizontal
        self.categories: list[str] = []
        self.series: list[str] = []
        self.values: list[list[int]] = []
        self.colours: list[str] = []
        self._bars: list[tuple[QRectF, int, int]] = []
        self.setMouseTracking(True)
        self.setMinimumSize(280, 190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(480, 230)

    def set_data(
        self,
        categories: Sequence[str],
        series: Sequence[str],
        values: Sequence[Sequence[int]],
        colours: Sequence[str] | None = None,
    ) -> None:
        self.categories = list(categories)
        self.series = list(series)
        self.values = [list(v) for v in values]
        self.colours = (
            list(colours) if colours else [PALETTE[i % len(PALETTE)] for i in range(len(series))]
        )
        self.setAccessibleDescription(
            "; ".join(
                f"{c}: {sum(v[i] for v in self.values)}" for i, c in enumerate(self.categories)
            )
        )
        self.update()

    def total(self, category: int) -> int:
        return sum(v[category] for v in self.values)

    # -- drawing ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.WindowText)
        painter.setPen(text_colour)
        rect = QRectF(self.rect()).adjusted(6, 4, -6, -4)
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), line),
            Qt.AlignmentFlag.AlignLeft,
            self.title,
        )
        top = rect.top() + line * 2 + 4
        self._bars = []
        if self.horizontal:
            self._paint_rows(painter, metrics, QRectF(rect.left(), top, rect.width(), 0))
            return
        legend_rows = self._legend_rows(metrics, rect.width()) if len(self.series) > 1 else []
        bottom = rect.bottom() - line - 8 - len(legend_rows) * (line + 2)
        if not self.categories or bottom - top < 20:
            return
        highest = max((self.total(i) for i in range(len(self.categories))), default=0)
        scale_label = f"{highest:,}"
        left = rect.left() + metrics.horizontalAdvance(scale_label) + 8
        width = rect.right() - left
        painter.setPen(QPen(palette.color(palette.ColorRole.Mid), 1))
        painter.drawLine(QPointF(left, bottom), QPointF(rect.right(), bottom))
        painter.setPen(text_colour)
        painter.drawText(
            QRectF(rect.left(), top - line / 2, left - rect.left() - 4, line),
            Qt.AlignmentFlag.AlignRight,
            scale_label,
        )
        painter.drawText(
            QRectF(rect.left(), bottom - line / 2, left - rect.left() - 4, line),
            Qt.AlignmentFlag.AlignRight,
            "0",
        )
        slot = width / len(self.categories)
        bar = max(4.0, slot * 0.65)
        step = max(1, int(len(self.categories) * metrics.horizontalAdvance("MMMM") / width) + 1)
        for c, category in enumerate(self.categories):
            x = left + c * slot + (slot - bar) / 2
            y = bottom
            for s in range(len(self.series)):
                value = self.values[s][c]
                if value <= 0 or highest <= 0:
                    continue
                height = (bottom - top) * value / highest
                part = QRectF(x, y - height, bar, height)
                painter.fillRect(part, QColor(self.colours[s]))
                self._bars.append((part, c, s))
                y -= height
            if c % step == 0:
                painter.drawText(
                    QRectF(left + c * slot - slot, bottom + 2, slot * 3, line + 4),
                    int(Qt.AlignmentFlag.AlignHCenter) | int(Qt.TextFlag.TextDontClip),
                    category,
                )
            total = self.total(c)
            if total and len(self.categories) <= 12:
                painter.drawText(
                    QRectF(left + c * slot - slot, y - line - 1, slot * 3, line),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"{total:,}",
                )
        y = bottom + line + 8
        for row in legend_rows:
            x = rect.left()
            for s in row:
                painter.fillRect(QRectF(x, y + 3, line - 6, line - 6), QColor(self.colours[s]))
                x += line
                painter.drawText(QPointF(x, y + metrics.ascent()), self.series[s])
                x += metrics.horizontalAdvance(self.series[s]) + 14
            y += line + 2

    def _paint_rows(self, painter: QPainter, metrics: QFontMetrics, area: QRectF) -> None:
        """Horizontal bars: the category's name, then its bar, then ``value (share %)``."""
        line = metrics.height()
        bottom = self.rect().bottom() - 4
        count = len(self.categories)
        if not count:
            return
        row = max(float(line + 2), min(line * 1.8, (bottom - area.top()) / count))
        label_width = min(
            max(metrics.horizontalAdvance(c) for c in self.categories) + 8, area.width() * 0.45
        )
        grand = sum(self.total(i) for i in range(count))
        highest = max((self.total(i) for i in range(count)), default=0)
        value_width = metrics.horizontalAdvance(f"{max(highest, 1):,} (100 %)") + 8
        bar_left = area.left() + label_width
        bar_room = max(10.0, area.right() - bar_left - value_width)
        for c, category in enumerate(self.categories):
            y = area.top() + c * row
            painter.drawText(
                QRectF(area.left(), y, label_width - 6, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(label_width - 6)),
            )
            x = bar_left
            total = self.total(c)
            for s in range(len(self.series)):
                value = self.values[s][c]
                if value <= 0 or highest <= 0:
                    continue
                width = bar_room * value / highest
                part = QRectF(x, y + row * 0.15, width, row * 0.7)
                painter.fillRect(part, QColor(self.colours[s]))
                self._bars.append((part, c, s))
                x += width
            share = f" ({total * 100 / grand:.0f} %)" if grand else ""
            painter.drawText(
                QRectF(x + 4, y, value_width, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{total:,}{share}",
            )

    def _legend_rows(self, metrics: QFontMetrics, width: float) -> list[list[int]]:
        rows: list[list[int]] = [[]]
        used = 0.0
        for s, name in enumerate(self.series):
            need = metrics.height() + metrics.horizontalAdvance(name) + 14
            if rows[-1] and used + need > width:
                rows.append([])
                used = 0.0
            rows[-1].append(s)
            used += need
        return rows if rows[0] else []

    # -- pointing -----------------------------------------------------------------------------

    def bar_at(self, point: QPointF) -> tuple[int, int] | None:
        for rect, c, s in self._bars:
            if rect.contains(point):
                return c, s
        return None

    def bar_rect(self, category: int, series: int = 0) -> QRectF | None:
        """Where a bar (part) is drawn, for tests and accessibility."""
        return next((r for r, c, s in self._bars if (c, s) == (category, series)), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        hit = self.bar_at(event.position())
        if hit is None:
            QToolTip.hideText()
            self.unsetCursor()
            return
        c, s = hit
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        name = f"{self.series[s]}: " if len(self.series) > 1 else ""
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"{self.categories[c]}\n{name}{self.values[s][c]:,}",
            self,
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.bar_at(event.position())
        if hit is not None:
            self.clicked.emit(*hit)
