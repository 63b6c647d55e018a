"""The checklist a new center sees above its pages until it is done: a committee, mediators, and
enrolment with the province. Each item ticks itself off when the database says it is done, and
its button opens the place where it is done."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.i18n import _
from justice_desk.ui.widgets.fit import SCREEN, scroll_area, text_lines
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.ui.main_window import MainWindow

HIDDEN_KEY = "setup/checklist_hidden"
DONE_MARK, TODO_MARK = "✔", "☐"


class SetupChecklist(QFrame):
    """Shown at a center (not the demo, not a province office) while something is left to do."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("setupChecklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#setupChecklist { background: #e8f5e9; }")
        self.state: Any = None
        self._checking = False
        self._again = False
        title = QLabel("<b>" + _("Getting the center ready") + "</b>", self)
        self.hide_button = QPushButton(_("Hide this list"), self)
        self.hide_button.setObjectName("hideChecklist")
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.hide_button)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.marks: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        items: list[tuple[str, str, str, Callable[[], None]]] = [
            (
                "committee",
                _(
                    "Record the committee: a term and its members (chair, vice-chair, "
                    "secretary, members). Meetings take their attendance and quorum from it."
                ),
                _("Open the committee"),
                lambda: self._open_committee(0),
            ),
            (
                "mediators",
                _(
                    "Register the center's mediators with their registration numbers, so that "
                    "cases can be given a mediator."
                ),
                _("Open the mediators"),
                lambda: self._open_committee(1),
            ),
            (
                "enrolled",
                _(
                    "Enrol with the Provincial Justice Office: send the enrolment request and "
                    "apply the answer, so that the center can send its records."
                ),
                _("Open Sync"),
                lambda: self._open("sync"),
            ),
        ]
        for row, (key, text, button_text, action) in enumerate(items):
            mark = QLabel(TODO_MARK, self)
            label = ThaiLabel(text, self)
            button = QPushButton(button_text, self)
            button.setObjectName(f"checklist_{key}")
            button.clicked.connect(action)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.marks[key], self.texts[key], self.buttons[key] = mark, label, button
        # The list scrolls within a part of the screen's height, and gives way down to a line
        # and a half where the window is short (at the largest text sizes it needs more lines
        # than the page below can spare); each row is as tall as its wrapped text, never drawn
        # over the next.
        holder = QWidget(self)
        holder.setObjectName("setupChecklistItems")
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addLayout(grid)
        self.items_area = scroll_area(holder, self)
        self.items_area.viewport().setAutoFillBackground(False)
        holder.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.items_area)
        self.hide_button.clicked.connect(self.dismiss)
        self.hide()
        window.ready.connect(self.refresh)
        window.nav.currentRowChanged.connect(lambda _row: self.refresh())
        window.runner.idle.connect(self._after_work)
        # A change saved on any page (a seat, a mediator) may tick an item off at once: followed
        # for each database the window is attached to.
        self._following: object | None = None
        window.ready.connect(self._follow_changes)
        window.installEventFilter(self)  # shown: look (a window built already attached)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.main and event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self, self.refresh)
        if watched is self.main and event.type() == QEvent.Type.Resize:
            self._fit_height()
        return False

    #: The part of the screen's height the items may take before they scroll.
    HEIGHT_SHARE = 0.3

    def _fit_height(self) -> None:
        """The list as tall as its wrapped text, up to a share of the laptop's screen; where
        the window is short it gives way down to a line and a half, and scrolls."""
        items = self.items_area.widget()
        if items is None:
            return
        frame = 2 * self.items_area.frameWidth()
        wanted = items.heightForWidth(self.items_area.viewport().width())
        if wanted <= 0:
            wanted = items.sizeHint().height()
        wanted += frame
        screen = min(self.main.height(), SCREEN.height()) if self.main.height() > 0 else 0
        most = max(text_lines(self, 2.5), int((screen or SCREEN.height()) * self.HEIGHT_SHARE))
        least = min(wanted, text_lines(self, 1.5) + frame)
        if self.items_area.minimumHeight() != least:
            self.items_area.setMinimumHeight(least)
        if self.items_area.maximumHeight() != min(wanted, most):
            self.items_area.setMaximumHeight(min(wanted, most))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "items_area"):
            self._fit_height()

    def wanted(self) -> bool:
        window = self.main
        if not window.attached or window.ctx.is_province or window.ctx.demo:
            return False
        hidden = window.settings.value(HIDDEN_KEY, False)
        return hidden in (False, "false", "0", 0, None)

    def refresh(self) -> None:
        """Ask the database (in the background) what is done."""
        from justice_desk.services import onboarding

        if not self.wanted():
            self.hide()
            return
        if not self.main.isVisible():
            return  # a closed window gets no new work (results of its last jobs still arrive)
        if self._checking:
            self._again = True  # the answer on its way may predate what was just done
            return
        self._checking = True
        job = self.main.runner.run(
            _("Checking the set-up"),
            onboarding.setup_checklist,
            self.main.ctx.db,
            on_success=self.show_state,
            announce=False,
        )
        job.finished.connect(self._checked)

    def _follow_changes(self) -> None:
        ctx = self.main.ctx if self.main.attached else None
        if ctx is not None and ctx is not self._following:
            ctx.records_changed.connect(self._records_changed)
            self._following = ctx

    def _records_changed(self, *_args: object) -> None:
        if not self._checking:
            self.refresh()
        else:
            self._again = True

    def _checked(self) -> None:
        self._checking = False
        if self._again:
            self._again = False
            QTimer.singleShot(0, self, self.refresh)

    def _after_work(self) -> None:
        # Other work (a save, an import) may have done an item; the check itself is ignored.
        if not self._checking:
            self.refresh()

    def show_state(self, state: Any) -> None:
        self.state = state
        for key, mark in self.marks.items():
            done = bool(getattr(state, key))
            mark.setText(DONE_MARK if done else TODO_MARK)
            mark.setStyleSheet("color: #2e7d32" if done else "")
            mark.setAccessibleName(_("Done") if done else _("Not done yet"))
            self.texts[key].setEnabled(not done)
        self.setVisible(self.wanted() and not state.complete)

    def dismiss(self) -> None:
        self.main.settings.setValue(HIDDEN_KEY, True)
        self.hide()

    def _open(self, key: str) -> Any:
        if self.main.attached:
            return self.main.show_page(key)
        return None

    def _open_committee(self, tab: int) -> None:
        page = self._open("committee")
        tabs = getattr(page, "tabs", None)
        if tabs is not None:
            tabs.setCurrentIndex(tab)
