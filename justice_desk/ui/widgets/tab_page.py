"""A tab's page that asks for no room while another tab is shown.

A tab widget is as tall as its tallest page: ``QStackedLayout`` asks every page for its height
at a width, shown or not. In a page that scrolls as a whole (the meeting editor,
docs/architecture.md §15) a short tab would then scroll on through the room of a long agenda on
another tab. A ``TabPage`` answers only while it is the page shown.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget


class TabPage(QWidget):
    """A page of a ``QTabWidget`` sized as the tab shown, not as the tallest tab."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt naming
        return -1 if self.isHidden() else super().heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(0, 0) if self.isHidden() else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(0, 0) if self.isHidden() else super().minimumSizeHint()
