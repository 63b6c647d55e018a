"""The Conflicts page at a province: what the sync could not settle by itself, and an officer's
decision on each entry (``services/sync/conflicts.py``; docs/sync.md §13).

A table of the entries nobody has decided on yet — versions that came back after a center's
restore, records refused for their number or references, bundles held for a gap longer than N
days — each in plain words; the selected one's story, what can be done and what each choice
does below it; **Decide…** (or Enter on a row) opens a small dialog: the choices that fit the
entry, a note and the officer. The decision is the office's own record and travels to the
center in the next receipt (Centers & import → write receipts). Reachable by keyboard; fits
1366×768.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import format_date
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _, language, pgettext
from justice_desk.services import sync
from justice_desk.ui import operations
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import show_error, translate_buttons
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.pages.base import Page

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
GAP_DAYS_SETTING = "sync/gap_days"


def _day(value: Any) -> str:
    return format_date(value.date(), language(), short=True) if value else ""


def decision_text(p: sync.Problem) -> str:
    if p.decision is not None:
        return p.decision.decision_label
    return _("Dealt with") if p.resolved else _("Waiting for a decision")


def problem_summary(p: sync.Problem) -> str:
    """The selected entry in full: what happened, what can be done, the decision if any."""
    lines = [
        _("{key}. {record} of {center}: {reason}.").format(
            key=p.key, record=p.record, center=p.center_name, reason=p.reason_label
        )
    ]
    if p.happened:
        lines.append(p.happened)
    if p.action:
        lines.append(_("What to do: {action}").format(action=p.action))
    for choice, help_text in sync.decision_help(p):
        lines.append(f"• {choice.label()}: {help_text}")
    d = p.decision
    if d is not None:
        lines.append(
            _("Decided on {day}: {decision}.").format(
                day=format_date(d.decided_on, language(), short=True), decision=d.decision_label
            )
        )
        if d.note:
            lines.append(_("Note: {note}").format(note=d.note))
        if d.officer:
            lines.append(_("Officer: {name}").format(name=d.officer))
        lines.append(
            _("Sent to the center in receipt {seq}.").format(seq=d.receipt_seq)
            if d.receipt_seq
            else _("Goes to the center with the next receipt.")
        )
    return "\n".join(lines)


class DecideDialog(QDialog):
    """An officer's decision on one entry: the choices that fit it, a note, the officer."""

    def __init__(self, ctx: AppContext, problem: sync.Problem, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.problem = problem
        self.saved: sync.Decided | None = None
        self.setWindowTitle(_("Decide on a conflict list entry"))
        intro = QLabel(
            _("{key}. {record} of {center}").format(
                key=problem.key, record=problem.record, center=problem.center_name
            ),
            self,
        )
        intro.setWordWrap(True)
        happened = QLabel(problem.happened, self)
        happened.setWordWrap(True)
        happened.setStyleSheet("color: #555")
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        choice_box = QVBoxLayout()
        for n, (choice, help_text) in enumerate(sync.decision_help(problem)):
            button = QRadioButton(f"&{n + 1} {choice.label()}", self)
            button.setObjectName(f"choice_{choice.value}")
            button.setToolTip(help_text)
            self.group.addButton(button)
            self.choices[choice.value] = button
            explain = QLabel(help_text, self)
            explain.setWordWrap(True)
            explain.setStyleSheet("color: #555; margin-left: 24px")
            choice_box.addWidget(button)
            choice_box.addWidget(explain)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("What was decided and why, for the center"))
        self.note.setMinimumHeight(80)
        self.officer = QLineEdit(self)
        self.officer.setObjectName("officer")
        self.error = QLabel(self)
        self.error.setObjectName("decideError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setVisible(False)
        d = problem.decision
        if d is not None:
            if d.decision in self.choices:
                self.choices[d.decision].setChecked(True)
            self.note.setPlainText(d.note)
            self.officer.setText(d.officer or "")
        form = QFormLayout()
        for text, widget in ((_("&Note"), self.note), (_("&Officer"), self.officer)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save the decision"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(happened)
        layout.addLayout(choice_box)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(600, self.sizeHint().height())

    def chosen(self) -> str:
        return next((value for value, b in self.choices.items() if b.isChecked()), "")

    def _refused(self, error: UserError) -> None:
        self.error.setText(str(error))
        self.error.setVisible(True)
        field = error.field if isinstance(error, ValidationError) else None
        widget: QWidget | None = {"note": self.note, "officer": self.officer}.get(field or "")
        if field == "decision":
            widget = next(iter(self.choices.values()), None)
        if widget is not None:
            widget.setFocus()

    def save(self) -> None:
        def done(result: sync.Decided) -> None:
            self.saved = result
            self.accept()

        # In the job runner; a refusal (no choice, no note for a dismissal) is shown in the
        # dialog, which stays open with what was typed.
        operations.run_write(
            self,
            self.ctx,
            _("Saving the decision"),
            sync.decide_problem,
            self.ctx.db,
            self.problem.key,
            decision=self.chosen(),
            note=self.note.toPlainText(),
            officer=self.officer.text(),
            changes={"sync"},
            on_done=done,
            on_refused=self._refused,
            busy=(self.buttons,),
        )


class ConflictsPage(Page):
    """The province's conflict list and the officers' decisions."""

    key = "conflicts"
    shows = frozenset({"sync"})
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[sync.Problem] = []
        self._generation = 0
        heading = QLabel(
            _(
                "What the import could not settle by itself: versions that came back after a "
                "center restored a backup, records that were not taken in, and bundles waiting "
                "for missing changes. Decide on each; the decision goes to the center with the "
                "next receipt."
            ),
            self,
        )
        heading.setWordWrap(True)
        self.show_all = QCheckBox(_("Also those &dealt with"), self)
        self.show_all.setObjectName("showAll")
        self.show_all.toggled.connect(lambda _checked: self.load())
        self.gap_days = QSpinBox(self)
        self.gap_days.setObjectName("gapDays")
        self.gap_days.setRange(0, 365)
        self.gap_days.setValue(
            prefs.int_value(ctx.settings, GAP_DAYS_SETTING, sync.DEFAULT_GAP_DAYS)
        )
        self.gap_days.setSuffix(" " + _("days"))
        self.gap_days.valueChanged.connect(self._gap_days_changed)
        gap_label = QLabel(_("List bundles waiting for missing changes longer than"), self)
        gap_label.setBuddy(self.gap_days)
        self.count = QLabel(self)
        self.count.setObjectName("conflictCount")
        self.decide_button = QPushButton(_("&Decide…"), self)
        self.decide_button.setObjectName("decideButton")
        self.decide_button.setEnabled(False)
        self.decide_button.clicked.connect(lambda: self.decide_selected())
        top = QHBoxLayout()
        top.addWidget(self.show_all)
        top.addWidget(gap_label)
        top.addWidget(self.gap_days)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.decide_button)

        self.model = ListTableModel(
            [
                Column(_("No."), lambda p: p.key, align=RIGHT),
                Column(_("Listed on"), lambda p: _day(p.at)),
                Column(_("Center"), lambda p: p.center_name),
                Column(pgettext("sync", "Record"), lambda p: p.record),
                Column(_("What happened"), lambda p: p.reason_label),
                Column(_("Days"), lambda p: str(p.days), align=RIGHT),
                Column(_("Decision"), decision_text),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setObjectName("conflictTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self.decide_selected())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_selected()
        )
        self.detail = QLabel(self)
        self.detail.setObjectName("conflictDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.load()

    def title(self) -> str:
        return _("Conflicts")

    def refresh(self) -> None:
        self.load()

    def focus_search(self) -> None:
        self.table.setFocus()

    def _gap_days_changed(self, value: int) -> None:
        self.ctx.settings.setValue(GAP_DAYS_SETTING, value)
        self.load()

    def load(self) -> None:
        """Read the list again in the background; only the newest request's result is shown."""
        self._generation += 1
        generation = self._generation
        self.ctx.runner.run(
            _("Reading the conflict list"),
            sync.problem_list,
            self.ctx.db,
            open_only=not self.show_all.isChecked(),
            gap_days=self.gap_days.value(),
            on_success=lambda rows: self._loaded(generation, rows),
            on_error=lambda message, _unexpected: show_error(self, message),
            announce=False,
        )

    def _loaded(self, generation: int, rows: list[sync.Problem]) -> None:
        if generation != self._generation:
            return
        chosen = self.selected()
        self.rows = rows
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column, most in ((2, 260), (3, 240), (4, 300)):
            if self.table.columnWidth(column) > most:
                self.table.setColumnWidth(column, most)
        waiting = sum(1 for p in rows if p.open)
        self.count.setText(
            _("{waiting} waiting of {count}").format(waiting=waiting, count=len(rows))
        )
        row = 0
        if chosen is not None:
            row = next((i for i, p in enumerate(rows) if p.key == chosen.key), 0)
        if rows:
            self.table.selectRow(row)
        self._show_selected()
        self.loaded.emit()

    def selected(self) -> sync.Problem | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def _show_selected(self) -> None:
        p = self.selected()
        self.decide_button.setEnabled(p is not None)
        if p is None:
            self.detail.setText(
                _("The conflict list is empty.") if not self.rows else _("Choose an entry.")
            )
            return
        self.detail.setText(problem_summary(p))
        self.decide_button.setText(_("Change the &decision…") if p.decision else _("&Decide…"))

    def decide_selected(self) -> Any:
        p = self.selected()
        if p is None:
            return None
        dialog = DecideDialog(self.ctx, p, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load()
        return dialog.saved
