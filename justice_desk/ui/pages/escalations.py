"""The Escalations page at a province: the queue of cases the centers escalated, and the office's
answers (``services/escalations.py``; docs/sync.md §12, domain.md §13).

A table of every enrolled center's escalated cases — center, case number, subject, the day
escalated, days waiting, the decision — waiting ones first; the selected one's answer in full
below it; **Answer…** (or Enter on a row) opens a small dialog: the decision, the agency for a
referral, a note and the officer. The answer is the office's own record and travels to the
center in the next receipt (Centers & import → write receipts). Everything is reachable by
keyboard and fits 1366×768.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import format_date
from justice_desk.domain.escalations import EscalationDecision, check_answer
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _, language
from justice_desk.services import escalations as service
from justice_desk.ui import operations
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import show_error, translate_buttons
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.pages.base import Page

if TYPE_CHECKING:
    from justice_desk.ui.jobs import Job

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def decision_text(e: service.Escalation) -> str:
    if e.answer is not None:
        return e.answer.decision_label
    return _("Waiting for the office") if e.waiting else _("Closed by the center")


def answer_summary(e: service.Escalation) -> str:
    """The selected escalation's answer in full, for the label below the table."""
    if e.answer is None:
        return _("Case {number} of {center}: not answered yet.").format(
            number=e.number, center=e.center_name
        )
    a = e.answer
    lines = [
        _("Case {number} of {center}: {decision} ({day}).").format(
            number=e.number,
            center=e.center_name,
            decision=a.decision_label,
            day=format_date(a.answered_on, language(), short=True),
        )
    ]
    if a.agency:
        lines.append(_("Referred to: {agency}").format(agency=a.agency))
    lines.append(_("Note: {note}").format(note=a.note))
    if a.officer:
        lines.append(_("Officer: {name}").format(name=a.officer))
    lines.append(
        _("Sent to the center in receipt {seq}.").format(seq=a.receipt_seq)
        if a.receipt_seq
        else _("Goes to the center with the next receipt.")
    )
    return "\n".join(lines)


class AnswerDialog(QDialog):
    """The office's answer to one escalated case: decision, agency (referrals), note, officer."""

    def __init__(self, ctx: AppContext, escalation: service.Escalation, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.escalation = escalation
        self.saved: service.Escalation | None = None
        self.job: Job | None = None  # the write started by Save
        self.setWindowTitle(_("Answer the escalation"))
        intro = QLabel(
            _("Case {number} of {center}: {subject}").format(
                number=escalation.number,
                center=escalation.center_name,
                subject=escalation.subject,
            ),
            self,
        )
        intro.setWordWrap(True)
        self.decision = QComboBox(self)
        self.decision.setObjectName("decision")
        for d in EscalationDecision:
            self.decision.addItem(d.label(), d.value)
        self.agency = QLineEdit(self)
        self.agency.setObjectName("agency")
        self.agency.setPlaceholderText(_("The agency the case is referred to"))
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(_("Advice for the center, the reason, or what happens next"))
        self.note.setMinimumHeight(90)
        self.officer = QLineEdit(self)
        self.officer.setObjectName("officer")
        self.error = QLabel(self)
        self.error.setObjectName("answerError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setVisible(False)
        a = escalation.answer
        if a is not None:
            index = self.decision.findData(a.decision)
            self.decision.setCurrentIndex(max(0, index))
            self.agency.setText(a.agency or "")
            self.note.setPlainText(a.note)
            self.officer.setText(a.officer or "")
        form = QFormLayout()
        for text, widget in (
            (_("&Decision"), self.decision),
            (_("&Agency"), self.agency),
            (_("&Note"), self.note),
            (_("&Officer"), self.officer),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save the answer"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.decision.currentIndexChanged.connect(self._decision_changed)
        self._decision_changed()
        self.resize(560, self.sizeHint().height())

    def _decision_changed(self) -> None:
        self.agency.setEnabled(self.decision.currentData() == EscalationDecision.REFERRED.value)

    def save(self) -> Job | None:
        """Check the answer at once (``domain.escalations.check_answer``), then record it in the
        job runner: the Save button is disabled until it is written, and the dialog closes."""
        decision = str(self.decision.currentData())
        note = self.note.toPlainText()
        agency = self.agency.text() if self.agency.isEnabled() else None
        officer = self.officer.text()
        problem = check_answer(decision, note.strip(), agency, officer.strip() or None)
        if problem is not None:
            self._refused(ValidationError(problem.message, problem.field))
            return None
        self.error.setVisible(False)
        db, case_id = self.ctx.db, self.escalation.case_id
        # Written for the page (it reloads the queue itself); the other pages are told.
        self.job = operations.run_write(
            self.parentWidget() or self,
            self.ctx,
            _("Saving the answer to case {number}").format(number=self.escalation.number),
            service.answer_escalation,
            db,
            case_id,
            decision=decision,
            note=note,
            agency=agency,
            officer=officer,
            changes={"escalations"},
            on_done=self._saved,
            on_refused=self._refused,
            busy=[self.save_button],
        )
        return self.job

    def _saved(self, saved: service.Escalation) -> None:
        self.saved = saved
        self.accept()

    def _refused(self, exc: UserError) -> None:
        """Why the answer cannot be recorded, under the form, with the cursor in the field."""
        fields: dict[str, QWidget] = {
            "decision": self.decision,
            "agency": self.agency,
            "note": self.note,
            "officer": self.officer,
        }
        self.error.setText(str(exc))
        self.error.setVisible(True)
        widget = fields.get(getattr(exc, "field", None) or "")
        if widget is not None:
            widget.setFocus()


class EscalationsPage(Page):
    """The province's queue of escalated cases and its answers."""

    key = "escalations"
    shows = frozenset({"escalations", "cases", "sync"})
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[service.Escalation] = []
        self._generation = 0
        heading = QLabel(
            _(
                "Cases the centers escalated to the office, waiting ones first. Answer each: "
                "the answer goes to the center with the next receipt."
            ),
            self,
        )
        heading.setWordWrap(True)
        self.waiting_only = QCheckBox(_("Only those &waiting for an answer"), self)
        self.waiting_only.setObjectName("waitingOnly")
        self.waiting_only.toggled.connect(lambda _checked: self.load())
        self.count = QLabel(self)
        self.count.setObjectName("escalationCount")
        self.answer_button = QPushButton(_("&Answer…"), self)
        self.answer_button.setObjectName("answerButton")
        self.answer_button.setEnabled(False)
        self.answer_button.clicked.connect(self._answer_clicked)
        top = QHBoxLayout()
        top.addWidget(self.waiting_only)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.answer_button)

        self.model = ListTableModel(
            [
                Column(_("Center"), lambda e: e.center_name),
                Column(_("Case"), lambda e: e.number),
                Column(_("Subject"), lambda e: e.subject),
                Column(
                    _("Escalated on"), lambda e: format_date(e.escalated_on, language(), short=True)
                ),
                Column(
                    _("Days waiting"),
                    lambda e: "" if e.days_waiting is None else str(e.days_waiting),
                    align=RIGHT,
                ),
                Column(_("Decision"), decision_text),
                Column(_("Officer"), lambda e: (e.answer.officer or "") if e.answer else ""),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setObjectName("escalationTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self.answer_selected())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_selected()
        )
        self.detail = QLabel(self)
        self.detail.setObjectName("answerDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.load()

    def title(self) -> str:
        return _("Escalations")

    def refresh(self) -> None:
        self.load()

    def focus_search(self) -> None:
        self.table.setFocus()

    def load(self) -> None:
        """Read the queue again in the background; only the newest request's result is shown."""
        self._generation += 1
        generation = self._generation
        self.ctx.runner.run(
            _("Reading the escalations"),
            service.list_escalations,
            self.ctx.db,
            waiting_only=self.waiting_only.isChecked(),
            on_success=lambda rows: self._loaded(generation, rows),
            on_error=lambda message, _unexpected: show_error(self, message),
            announce=False,
        )

    def _loaded(self, generation: int, rows: list[service.Escalation]) -> None:
        if generation != self._generation:
            return
        chosen = self.selected()
        self.rows = rows
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column, most in ((2, 360), (5, 260)):
            if self.table.columnWidth(column) > most:
                self.table.setColumnWidth(column, most)
        waiting = sum(1 for e in rows if e.waiting)
        self.count.setText(
            _("{waiting} waiting of {count}").format(waiting=waiting, count=len(rows))
        )
        row = 0
        if chosen is not None:
            row = next((i for i, e in enumerate(rows) if e.case_id == chosen.case_id), 0)
        if rows:
            self.table.selectRow(row)
        self._show_selected()
        self.loaded.emit()

    def selected(self) -> service.Escalation | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def _show_selected(self) -> None:
        e = self.selected()
        self.answer_button.setEnabled(e is not None)
        if e is None:
            self.detail.setText(
                _("No escalated cases.") if not self.rows else _("Choose a case in the list.")
            )
            return
        self.detail.setText(answer_summary(e))
        self.answer_button.setText(_("Change the &answer…") if e.answer else _("&Answer…"))

    def _answer_clicked(self) -> None:
        self.answer_selected()

    def answer_selected(self) -> Any:
        e = self.selected()
        if e is None:
            return None
        dialog = AnswerDialog(self.ctx, e, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load()
        return dialog.saved
