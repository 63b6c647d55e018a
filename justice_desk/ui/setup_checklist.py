"""The checklist a new center sees above its pages until it is done: a committee, mediators, and
enrolment with the province. Each item ticks itself off when the database says it is done, and
its button opens the place where it is done."""

from __future__ import annotations

from collections.abc import Callable
from html import escape as _escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
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
from justice_desk.ui.widgets.fit import SCREEN, scroll_area
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.ui.main_window import MainWindow

HIDDEN_KEY = "setup/checklist_hidden"
DONE_MARK, TODO_MARK = "✔", "☐"


class SetupChecklist(QFrame):
    """Shown at a center (not the demo, not a province office) while something is left to do."""

    #: What :meth:`_fit_height` last chose the short or full texts for (width, room, text
    #: size, items left), and the height it chose. Class defaults: Qt may ask for the size
    #: hint from inside ``QFrame.__init__``.
    _decided_for: tuple[Any, ...] | None = None
    _wanted = 0

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("setupChecklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#setupChecklist { background: #e8f5e9; }")
        self.state: Any = None
        self._checking = False
        self._again = False
        self.title = ThaiLabel(self)
        self.title.setObjectName("checklistTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.hide_button = QPushButton(_("Hide this list"), self)
        self.hide_button.setObjectName("hideChecklist")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.top_row = top
        self._hide_row: int | None = None  # the grid's row of the hide button when short
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.grid = grid
        self.marks: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        #: Each item's name in the one line of what is done, its short and its full text.
        self.names: dict[str, str] = {}
        self.briefs: dict[str, str] = {}
        self.fulls: dict[str, str] = {}
        self.compact = False
        items: list[tuple[str, str, str, str, str, Callable[[], None]]] = [
            (
                "committee",
                _("the committee"),
                _("Record the committee"),
                _(
                    "Record the committee: a term and its members (chair, vice-chair, "
                    "secretary, members). Meetings take their attendance and quorum from it."
                ),
                _("Open the committee"),
                lambda: self._open_committee(0),
            ),
            (
                "mediators",
                _("the mediators"),
                _("Register the mediators"),
                _(
                    "Register the center's mediators with their registration numbers, so that "
                    "cases can be given a mediator."
                ),
                _("Open the mediators"),
                lambda: self._open_committee(1),
            ),
            (
                "enrolled",
                _("the enrolment with the province"),
                _("Enrol with the Provincial Justice Office"),
                _(
                    "Enrol with the Provincial Justice Office: send the enrolment request and "
                    "apply the answer, so that the center can send its records."
                ),
                _("Open Sync"),
                lambda: self._open("sync"),
            ),
        ]
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for row, (key, name, brief, text, button_text, action) in enumerate(items):
            mark = QLabel(TODO_MARK, self)
            mark.setAlignment(top_left)
            label = ThaiLabel(text, self)
            label.setObjectName(f"checklistText_{key}")
            label.setAlignment(top_left)  # level with its mark, not a line below it
            label.setToolTip(text)
            button = QPushButton(button_text, self)
            button.setObjectName(f"checklist_{key}")
            button.clicked.connect(action)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.marks[key], self.texts[key], self.buttons[key] = mark, label, button
            self.names[key], self.briefs[key], self.fulls[key] = name, brief, text
        # Measures an item's text at a width without laying the list out again.
        self._probe = ThaiLabel(self)
        self._probe.hide()
        self._show_title([])
        # The list takes at most a share of the window (HEIGHT_SHARE): what is done is one line
        # beside the title, what is left to do comes first with its full text, or its short
        # name where the full texts would take more (the largest text sizes); each row is as
        # tall as its wrapped text, never drawn over the next.
        holder = QWidget(self)
        holder.setObjectName("setupChecklistItems")
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(top)
        inner.addLayout(grid)
        inner.addStretch(1)
        self.items_area = scroll_area(holder, self)
        self.items_area.viewport().setAutoFillBackground(False)
        holder.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        self.outer = layout
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

    #: The part of the window's height the list may take: above it, each item left to do is
    #: shown by its short name (its full text is its tooltip) and the list scrolls.
    HEIGHT_SHARE = 0.22

    def most_height(self) -> int:
        """The most the list may take of the window as it is now (or of the laptop's screen)."""
        window = min(self.main.height(), SCREEN.height()) if self.main.height() > 0 else 0
        return int((window or SCREEN.height()) * self.HEIGHT_SHARE)

    def left_to_do(self) -> list[str]:
        return [key for key, mark in self.marks.items() if not mark.isHidden()]

    def _estimate(self, compact: bool, keys: list[str]) -> int:
        """The list's height with the title and ``keys``' rows, their full texts or their short
        names, at its width now."""
        width = self.items_area.width()
        grid = self.grid
        across = max(0, grid.horizontalSpacing())
        down = max(0, grid.verticalSpacing())
        button = max((self.buttons[k].sizeHint().width() for k in keys), default=0)
        mark = max(m.sizeHint().width() for m in self.marks.values())
        column = max(1, width - button - mark - 2 * across)
        hide = self.hide_button.sizeHint()
        title = max(self.title.heightForWidth(max(1, width - hide.width() - across)), hide.height())
        if compact:  # no title line: the hide button ends the first row
            title, column = 0, max(1, column - hide.width() - across)
        rows = []
        for key in keys:
            self._probe.setText(self.briefs[key] if compact else self.fulls[key])
            rows.append(
                max(self._probe.heightForWidth(column), self.buttons[key].sizeHint().height())
            )
        return title + sum(rows) + down * len(rows) + 2 * self.items_area.frameWidth()

    def _set_compact(self, compact: bool) -> None:
        """Short: the items left to do by their short names, the first with the hide button at
        its end, and no title line (the title and what is done are the list's tooltip)."""
        self.compact = compact
        for key, label in self.texts.items():
            text = self.briefs[key] if compact else self.fulls[key]
            if label.text() != text:
                label.setText(text)
        self.title.setVisible(not compact)
        self._place_hide_button()

    def _place_hide_button(self) -> None:
        keys = self.left_to_do()
        row = list(self.marks).index(keys[0]) if self.compact and keys else None
        if row == self._hide_row:
            return
        (self.top_row if self._hide_row is None else self.grid).removeWidget(self.hide_button)
        if row is None:
            self.top_row.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self.grid.addWidget(self.hide_button, row, 3, Qt.AlignmentFlag.AlignTop)
        self._hide_row = row
        self.hide_button.show()

    def _fit_height(self) -> None:
        """The list as tall as its text up to a share of the window; where the full texts would
        take more, the items left to do show their short names (their full text is their
        tooltip), and only then does the list scroll (at the largest text size the one item
        left was scrolled out of sight below those already done)."""
        items = self.items_area.widget()
        if items is None:
            return
        most = max(0, self.most_height() - self._chrome())
        width = self.items_area.width()
        key = (width, most, self.font().pointSizeF(), tuple(self.left_to_do()))
        if key != self._decided_for:
            # Measured with the full texts at this width; the short names where they take more.
            self._decided_for = key
            self._set_compact(False)
            self._set_compact(self._items_height(width) > most)
        wanted = self._items_height(self.items_area.viewport().width())
        # Never less than the title and the first item left to do: they come first. The height
        # is kept (the window's layout gave the list less than it asked for, and cut it).
        least = min(wanted, self._first_item_height())
        height = max(least, min(wanted, most))
        self._wanted = height
        if self.items_area.minimumHeight() != least:
            self.items_area.setMinimumHeight(least)
        if self.items_area.maximumHeight() != height:
            self.items_area.setMaximumHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """The height chosen (a scroll area asks for less, and the window's layout gave it
        that: the list was cut while the page below had room to spare)."""
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self._wanted + self._chrome()))

    def _items_height(self, width: int) -> int:
        items = self.items_area.widget()
        if items is None:
            return 0
        wanted = items.heightForWidth(width - 2 * self.items_area.frameWidth())
        if wanted <= 0:
            wanted = items.sizeHint().height()
        return wanted + 2 * self.items_area.frameWidth()

    def _chrome(self) -> int:
        """The frame's own height around the items."""
        margins = self.outer.contentsMargins()
        return margins.top() + margins.bottom() + 2 * self.frameWidth()

    def _first_item_height(self) -> int:
        keys = self.left_to_do()
        return self._estimate(self.compact, keys[:1]) if keys else 0

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
        """What is left to do, each with its button, first; what is done in one line beside the
        title ("done: the committee, the mediators")."""
        self.state = state
        done: list[str] = []
        for key, mark in self.marks.items():
            is_done = bool(getattr(state, key))
            mark.setText(DONE_MARK if is_done else TODO_MARK)
            mark.setStyleSheet("color: #2e7d32" if is_done else "")
            mark.setAccessibleName(_("Done") if is_done else _("Not done yet"))
            self.texts[key].setEnabled(not is_done)
            for widget in (mark, self.texts[key], self.buttons[key]):
                widget.setHidden(is_done)
            if is_done:
                done.append(key)
        self._show_title(done)
        self._place_hide_button()
        self.setVisible(self.wanted() and not state.complete)
        self._fit_height()

    def _show_title(self, done: list[str]) -> None:
        title = "<b>" + _escape(_("Getting the center ready")) + "</b>"
        if done:
            names = ", ".join(self.names[key] for key in done)
            title += (
                f" &nbsp; <span style='color: #2e7d32'>{DONE_MARK} "
                + _escape(_("Done: {items}").format(items=names))
                + "</span>"
            )
        self.title.setText(title)
        self.setToolTip(title)  # what the short form leaves out

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
