"""The person page's Privacy tab (PDPA; services/privacy.py): the notice and legal basis on
record, a copy of everything held for the person (PDF), erasure on request (or the rule that
keeps the data), and the committee's yearly disposal review (a dialog)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.services import privacy
from justice_desk.ui import dialogs
from justice_desk.ui.context import AppContext
from justice_desk.ui.form_fields import MessageStrip, be_text
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.operations import run_write
from justice_desk.ui.widgets.fit import FlowLayout
from justice_desk.ui.widgets.thai_label import ThaiLabel


class PrivacyPanel(QWidget):
    """Privacy facts of one person, with the export and erasure buttons."""

    #: The person's file was written (its path), or the person was erased (their id).
    exported = Signal(object)
    erased = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person_id: uuid.UUID | None = None
        self.state: privacy.PersonPrivacy | None = None
        self.stale = True
        self.strip = MessageStrip(self)
        self.hint = ThaiLabel(_("Save the person first."), self)
        self.notice = ThaiLabel(self)
        self.notice.setObjectName("privacyNotice")
        self.basis = ThaiLabel(self)
        self.basis.setObjectName("privacyBasis")
        self.holds = ThaiLabel(self)
        self.holds.setObjectName("privacyHolds")
        self.holds.setWordWrap(True)
        self.notice_button = QPushButton(_("Record the notice as given today"), self)
        self.print_notice_button = QPushButton(_("Print the privacy notice…"), self)
        self.export_button = QPushButton(_("Print this person's data…"), self)
        self.erase_button = QPushButton(_("Erase on the person's request…"), self)
        box = QGroupBox(_("Personal data (PDPA)"), self)
        form = QFormLayout(box)
        # Narrow (the form's side of the People page at a large text size): the labels go
        # above the facts, and the buttons wrap onto lines of their own (§15).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(ThaiLabel(_("Privacy notice"), box), self.notice)
        form.addRow(ThaiLabel(_("Legal basis"), box), self.basis)
        form.addRow(ThaiLabel(_("Kept because"), box), self.holds)
        buttons = FlowLayout()
        for button in (
            self.notice_button,
            self.print_notice_button,
            self.export_button,
            self.erase_button,
        ):
            buttons.add_widget(button)
        form.addRow(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.strip)
        layout.addWidget(box)
        layout.addStretch(1)
        self.box = box
        self.notice_button.clicked.connect(self.record_notice)
        self.print_notice_button.clicked.connect(self.ask_notice_path)
        self.export_button.clicked.connect(self.ask_export_path)
        self.erase_button.clicked.connect(self.ask_erase)
        self.set_person(None)

    # -- showing ------------------------------------------------------------------------------

    def set_person(self, person_id: uuid.UUID | None) -> None:
        self.person_id = person_id
        self.state = None
        self.stale = True
        self.strip.clear_message()
        self.hint.setVisible(person_id is None)
        self.box.setEnabled(person_id is not None)
        for label in (self.notice, self.basis, self.holds):
            label.clear()

    def ensure_loaded(self) -> None:
        if self.stale and self.person_id is not None:
            self.reload()

    def reload(self) -> None:
        self.stale = False
        if self.person_id is None:
            return
        self.show_state(privacy.privacy_of(self.ctx.db, self.person_id))

    def show_state(self, state: privacy.PersonPrivacy) -> None:
        self.state = state
        self.notice.setText(state.notice_text())
        self.basis.setText(state.basis_text())
        if state.anonymised_on is not None:
            self.holds.setText(
                _("This person's data was erased on {date}.").format(
                    date=be_text(state.anonymised_on)
                )
            )
        elif state.holds:
            from justice_desk.domain import retention

            self.holds.setText("\n".join(retention.explain(list(state.holds))))
        else:
            self.holds.setText(_("Nothing requires keeping it: it may be erased on request."))
        erased = state.anonymised_on is not None
        self.notice_button.setEnabled(not erased)
        self.erase_button.setEnabled(not erased)

    # -- actions ------------------------------------------------------------------------------

    def record_notice(self) -> None:
        if self.person_id is None:
            return
        run_write(
            self,
            self.ctx,
            _("Recording the privacy notice"),
            privacy.record_notice_given,
            self.ctx.db,
            self.person_id,
            changes={"people"},
            on_done=self._noticed,
            on_refused=self._refused,
            busy=(self.notice_button,),
        )

    def _noticed(self, state: privacy.PersonPrivacy) -> None:
        self.show_state(state)
        self.strip.info(_("The notice is recorded as given today."))

    def ask_notice_path(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the privacy notice"), _("privacy-notice.pdf"), "PDF (*.pdf)"
        )
        if chosen:
            self.print_notice(Path(chosen))

    def print_notice(self, path: Path) -> None:
        def write() -> Path:
            path.write_bytes(privacy.notice_pdf(self.ctx.db))
            return path

        self.ctx.runner.run(
            _("Printing the privacy notice"),
            write,
            on_success=lambda p: self.strip.info(_("Saved {path}.").format(path=p)),
            on_error=lambda message, _expected: self.strip.error(message),
        )

    def ask_export_path(self) -> None:
        if self.person_id is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save what is held about this person"), _("personal-data.pdf"), "PDF (*.pdf)"
        )
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> None:
        """Write the person's file in the job runner (the export is audited there)."""
        if self.person_id is None:
            return
        self.export_button.setEnabled(False)

        def done(written: Path) -> None:
            self.export_button.setEnabled(True)
            self.strip.info(_("Saved {path}. Give it to the person.").format(path=written))
            self.exported.emit(written)

        def failed(message: str, _expected: bool) -> None:
            self.export_button.setEnabled(True)
            self.strip.error(message)

        self.ctx.runner.run(
            _("Printing what is held about a person"),
            privacy.export_person,
            self.ctx.db,
            self.person_id,
            path,
            on_success=done,
            on_error=failed,
        )

    def ask_erase(self) -> None:
        if self.person_id is None or self.state is None:
            return
        question = _(
            "Erase the data of {name}? Their name, national ID, birth date, address, phone and "
            "notes are emptied here and, with the next bundle, at the province. This cannot be "
            "undone."
        ).format(name=self.state.name)
        if dialogs.confirm(self, question, yes=_("Erase")):
            self.erase()

    def erase(self) -> None:
        if self.person_id is None:
            return
        person_id = self.person_id
        run_write(
            self,
            self.ctx,
            _("Erasing a person's data"),
            privacy.erase_person,
            self.ctx.db,
            person_id,
            changes={"people"},
            on_done=lambda _result: self._erased(person_id),
            on_refused=self._refused,
            busy=(self.erase_button,),
        )

    def _erased(self, person_id: uuid.UUID) -> None:
        self.reload()
        self.strip.info(_("The data was erased; the next bundle takes the change to the province."))
        self.erased.emit(person_id)

    def _refused(self, exc: UserError) -> None:
        self.strip.error(str(exc))


class DisposalDialog(QDialog):
    """The yearly review: what is past its retention period, ticked for the committee's
    approval, and disposed of on "Dispose of the approved"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Yearly disposal review"))
        self.intro = ThaiLabel(
            _(
                "These records are past their retention period (docs: privacy). Dispose of them "
                "once the committee has approved the list: cases keep their numbers, kinds and "
                "dates for the statistics, people keep only sex and decade of birth."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.model = ListTableModel(
            [
                Column(
                    _("What"),
                    lambda i: _("Case details") if i.kind == "case" else _("Person"),
                ),
                Column(_("Record"), lambda i: i.label),
                Column(_("Due since"), lambda i: be_text(i.due_since)),
                Column(_("Rule"), lambda i: i.rule_text),
            ],
            self,
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.strip = MessageStrip(self)
        self.buttons = QDialogButtonBox(self)
        self.dispose_button = self.buttons.addButton(
            _("Dispose of the selected"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        dialogs.translate_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.dispose_button.clicked.connect(self.dispose_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.strip)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 480)
        self.reload()

    def reload(self) -> None:
        items = privacy.due_for_disposal(self.ctx.db)
        self.model.set_rows(items)
        self.dispose_button.setEnabled(bool(items))
        if not items:
            self.strip.info(_("Nothing is past its retention period."))

    def selected(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def dispose_selected(self) -> None:
        items = self.selected()
        if not items:
            self.strip.error(_("Select the records the committee approved."))
            return
        run_write(
            self,
            self.ctx,
            _("Disposing of records"),
            privacy.dispose,
            self.ctx.db,
            [i.id for i in items],
            changes={"people", "cases"},
            on_done=self._disposed,
            on_refused=lambda exc: self.strip.error(str(exc)),
            busy=(self.dispose_button,),
        )

    def _disposed(self, done: privacy.Disposal) -> None:
        self.reload()
        self.strip.info(
            _("Disposed of {cases} cases' details and {people} people's data.").format(
                cases=len(done.redacted), people=len(done.anonymised)
            )
        )


def disposal_button(ctx: AppContext, parent: QWidget) -> QPushButton:
    """The register's "Disposal review…" button (center databases only): the yearly review."""
    button = QPushButton(_("Disposal review…"), parent)
    button.setToolTip(_("Yearly disposal review"))
    button.setVisible(ctx.db.mode == "center")
    holder: dict[str, DisposalDialog] = {}

    def open_dialog() -> None:
        dialog = DisposalDialog(ctx, parent)
        holder["dialog"] = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    button.clicked.connect(open_dialog)
    button.setObjectName("disposalReview")
    return button
