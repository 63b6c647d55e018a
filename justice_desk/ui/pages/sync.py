"""The Sync page: a center enrols, exports bundles and applies receipts; the province enrols
centers, imports bundles and folders, writes receipts and sees every center's state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import format_date
from justice_desk.domain.enums import EnrolmentStatus, ImportStatus
from justice_desk.i18n import _, language, pgettext
from justice_desk.services import dashboard, sync
from justice_desk.ui import operations
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import MessageBox, confirm, show_error, show_info
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.operations import RECORD_KINDS
from justice_desk.ui.pages.base import Page
from justice_desk.ui.widgets.fit import FlowLayout, scaled_font, scroll_area, text_lines
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.ui.jobs import Job

#: Rows of the import results and the log, by status (centers, by enrolment status, have none).
STATUS_COLOURS: dict[str, str] = {
    ImportStatus.APPLIED: "#2e7d32",
    ImportStatus.DUPLICATE: "#555555",
    ImportStatus.HELD: "#ef6c00",
    ImportStatus.REJECTED: "#c62828",
    ImportStatus.PARTIAL: "#ef6c00",
    ImportStatus.SKIPPED: "#8d6e63",
}


def _when(value: Any) -> str:
    return format_date(value.date(), language(), short=True) if value else ""


def _import_keeping_results(
    db: Any, paths: list[Path], **kwargs: Any
) -> tuple[list[sync.ImportOutcome], str | None]:
    """``sync.import_paths`` for the page: when the database stops taking writes (busy,
    read-only, disk full), the files dealt with before are still listed, with why it stopped."""
    try:
        outcomes = sync.import_paths(db, paths, **kwargs)
        dashboard.refresh_summaries(db)  # the imported centers' summaries, recounted
        return outcomes, None
    except sync.ImportStopped as stopped:
        return stopped.outcomes, str(stopped)


def _write(
    owner: QWidget,
    ctx: AppContext,
    title: str,
    fn: Any,
    *args: Any,
    changes: Any,
    on_done: Any,
    on_refused: Any = None,
    busy: Any = (),
    **kwargs: Any,
) -> Job | None:
    """``operations.run_write`` for this page: a refusal is shown in this page's message box
    (the sentence the service wrote, saying what to do), the page's own refresh comes first."""
    return operations.run_write(
        owner,
        ctx,
        title,
        fn,
        *args,
        changes=changes,
        on_done=on_done,
        on_refused=on_refused or (lambda exc: show_error(owner, str(exc))),
        busy=busy,
        **kwargs,
    )


class _ColouredModel(ListTableModel):
    """Rows coloured by their ``status`` attribute."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            colour = STATUS_COLOURS.get(getattr(self.rows[index.row()], "status", ""))
            return QColor(colour) if colour else None
        return super().data(index, role)


class PassphraseArg(TypedDict, total=False):
    """The keyword argument a sync service takes for protected keys (absent when none)."""

    passphrase: str


def ask_passphrase(parent: QWidget, ctx: AppContext) -> PassphraseArg | None:
    """``{}`` when the keys need no passphrase, ``{"passphrase": ...}`` once typed, ``None`` when
    the user cancelled."""
    if not sync.needs_passphrase(ctx.db):
        return {}
    text, ok = QInputDialog.getText(
        parent,
        _("Passphrase"),
        _("The keys of this site are protected. Type the passphrase:"),
        QLineEdit.EchoMode.Password,
    )
    return {"passphrase": text} if ok and text else None


def _table(model: ListTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _text_table(model: ListTableModel, wrapped: int) -> QTableView:
    """A table whose last ``wrapped`` columns are sentences: they share the width left and wrap,
    and rows grow to fit them, instead of running off the right edge."""
    view = _table(model)
    header = view.horizontalHeader()
    count = len(model.columns)
    for column in range(count - wrapped, count):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class SyncPage(Page):
    key = "sync"
    shows = RECORD_KINDS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.inner: ProvinceSync | CenterSync = (
            ProvinceSync(ctx, self) if ctx.is_province else CenterSync(ctx, self)
        )
        layout.setContentsMargins(0, 0, 0, 0)
        # Scrolls down rather than pushing the window past a short screen (large text).
        layout.addWidget(scroll_area(self.inner, self))

    def title(self) -> str:
        return _("Centers & import") if self.ctx.is_province else _("Sync")

    def refresh(self) -> None:
        self.inner.refresh()


class CenterSync(QWidget):
    """A center: enrol with the province, export to a USB stick, apply receipts."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = ThaiLabel()
        self.status.setObjectName("syncStatus")
        self.status.setToolTip(
            _(
                "Each change made at this center is numbered. A receipt from the province says "
                "through which change it has received them; those are not sent again, and the "
                "next export carries all the others. After a restore from a backup the "
                "database starts a new epoch (a new start): the next export sends everything "
                "again, and the province accepts the new start after calling the center."
            )
        )
        scaled_font(self.status, 1.2)
        self.fingerprint = ThaiLabel()
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request_button = QPushButton(_("1. Write the enrolment request…"))
        self.accept_button = QPushButton(_("2. Accept the province's answer…"))
        self.export_button = QPushButton(_("Export changes to a USB stick or folder…"))
        self.receipt_button = QPushButton(_("Apply a receipt from the province…"))
        self.receipt_button.setToolTip(
            _(
                "The receipt (.jdreceipt) the province wrote after importing this center's "
                "bundles: it confirms the changes received and brings the office's answers to "
                "escalated cases."
            )
        )
        self.rotate_button = QPushButton(_("Make new keys…"))
        self.rotate_button.setToolTip(
            _(
                "For example after the laptop was repaired or the key file may have been copied: "
                "the province receives a statement signed with the old and the new key."
            )
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setMinimumHeight(text_lines(self.export_button, 2))
        enrol_box = QGroupBox(_("Enrolment"))
        eb = QVBoxLayout(enrol_box)
        eb.addWidget(self.fingerprint)
        row = FlowLayout()
        row.add_widget(self.request_button)
        row.add_widget(self.accept_button)
        row.add_stretch()
        row.add_widget(self.rotate_button)
        eb.addLayout(row)
        self.exports = ListTableModel(
            [
                Column(_("No."), lambda e: str(e.seq)),
                Column(_("Changes"), lambda e: f"{e.first_change}–{e.last_change}"),
                Column(_("Records"), lambda e: f"{e.records:,}"),
                Column(_("Written"), lambda e: _when(e.created_at)),
                Column(_("File"), lambda e: e.file_name),
            ],
            self,
        )
        self.refused = ListTableModel(
            [
                Column(pgettext("sync", "Record"), lambda r: r.record),
                Column(_("Sent again"), lambda r: _("yes, waiting") if r.sent_again else _("no")),
                Column(_("Reason"), lambda r: r.reason_label),
                Column(_("What to do"), lambda r: r.action),
                # The province's own words about the record (which field, which value).
                Column(_("Detail"), lambda r: r.detail),
            ],
            self,
        )
        self.resend_button = QPushButton(_("Send the refused records again"))
        self.resend_button.setToolTip(
            _(
                "A case or meeting refused for its number gets the next free number; the "
                "others go again with the next export."
            )
        )
        self.refused_box = QGroupBox(_("Refused by the province"))
        rb = QVBoxLayout(self.refused_box)
        rb.addWidget(_text_table(self.refused, 3))
        rb.addWidget(self.resend_button, 0, Qt.AlignmentFlag.AlignLeft)
        # The office's decisions on its conflict list about this center (docs/sync.md §13).
        self.decisions = ListTableModel(
            [
                Column(pgettext("sync", "Record"), lambda d: d.record),
                Column(_("Decided on"), lambda d: _when(d.decision.decided_at)),
                Column(_("Decision"), lambda d: d.decision.decision_label),
                Column(_("Note"), lambda d: d.decision.note),
                Column(_("What to do"), lambda d: d.instruction),
            ],
            self,
        )
        self.decisions_box = QGroupBox(_("Decisions of the province"))
        self.decisions_box.setObjectName("provinceDecisions")
        db_layout = QVBoxLayout(self.decisions_box)
        db_layout.addWidget(_text_table(self.decisions, 2))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        actions = FlowLayout()
        actions.add_widget(self.export_button)
        actions.add_widget(self.receipt_button)
        layout.addLayout(actions)
        layout.addWidget(self.refused_box, 2)
        layout.addWidget(self.decisions_box, 1)
        layout.addWidget(enrol_box)
        layout.addWidget(QLabel(_("Bundles written")))
        layout.addWidget(_table(self.exports), 1)
        self.resend_button.clicked.connect(self.resend_refused)
        self.request_button.clicked.connect(self.write_request)
        self.accept_button.clicked.connect(self.accept_answer)
        self.export_button.clicked.connect(self.export)
        self.receipt_button.clicked.connect(self.apply_receipt)
        self.rotate_button.clicked.connect(self.rotate_keys)
        self.refresh()

    def refresh(self) -> None:
        try:
            state = sync.center_status(self.ctx.db)
        except Exception as exc:  # noqa: BLE001 - shown, not raised, on a page that must open
            self.status.setText(str(exc))
            return
        self.state = state
        self.status.setText(state.describe())
        lines = [
            _("This center's key fingerprint (read it to the province): {fp}").format(
                fp=state.own_fingerprint or "—"
            )
        ]
        if state.enrolled:
            lines.append(
                _("Enrolled with {name}; its fingerprint: {fp}").format(
                    name=state.province_name, fp=state.province_fingerprint or "—"
                )
            )
        if state.resend_from:
            lines.append(
                _(
                    "The province asked for the changes from number {number} again; "
                    "the next export includes them."
                ).format(number=state.resend_from)
            )
        self.fingerprint.setText("\n".join(lines))
        self.export_button.setEnabled(state.enrolled)
        self.receipt_button.setEnabled(state.enrolled)
        self.exports.set_rows(list(state.exports))
        refused = sync.center_refusals(self.ctx.db) if state.refused else []
        self.refused.set_rows(refused)
        self.refused_box.setVisible(bool(refused))
        self.resend_button.setEnabled(any(not r.sent_again for r in refused))
        decisions = sync.center_decisions(self.ctx.db) if state.decisions else []
        self.decisions.set_rows(decisions)
        self.decisions_box.setVisible(bool(decisions))

    def resend_refused(self) -> Job | None:
        """Mark the refused records to go again with the next export (in the job runner)."""

        def done(resent: sync.Resent) -> None:
            self.refresh()
            show_info(self, resent.describe())

        return _write(
            self,
            self.ctx,
            _("Sending the refused records again"),
            sync.resend_refused,
            self.ctx.db,
            changes={"sync", "cases", "meetings"},
            on_done=done,
            busy=[self.resend_button],
        )

    def write_request(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the enrolment request"),
            f"{self.ctx.site.code}.jdenrol",
            _("Enrolment request (*.jdenrol)"),
        )
        if path:
            self._run(
                _("Writing the enrolment request"),
                sync.write_enrolment_request,
                self.ctx.db,
                Path(path),
                done=lambda r: show_info(
                    self,
                    _(
                        "Request written: {path}\nSend it to the province and read this "
                        "fingerprint to them by phone: {fp}"
                    ).format(path=r[0], fp=r[1]),
                ),
            )

    def accept_answer(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open the province's answer"), "", _("Enrolment answer (*.jdanswer)")
        )
        if path:
            self._run(
                _("Accepting the answer"),
                sync.accept_answer,
                self.ctx.db,
                Path(path),
                done=lambda a: show_info(
                    self,
                    _(
                        "Enrolled with {name}. Check this fingerprint with the province: {fp}"
                    ).format(name=a.province_name, fp=a.fingerprint),
                ),
            )

    def rotate_keys(self) -> None:
        if not confirm(
            self,
            _(
                "Make new keys for this center? Send the key-change statement to the province "
                "before the next bundle."
            ),
            yes=_("Make new keys"),
        ):
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the key-change statement"),
            f"{self.ctx.site.code}.jdrotate",
            _("Key change (*.jdrotate)"),
        )
        if path:
            self._run(
                _("Making new keys"),
                sync.rotate_center_keys,
                self.ctx.db,
                Path(path),
                done=lambda p: show_info(
                    self,
                    _("New keys made. Send this statement to the province: {path}").format(path=p),
                ),
            )

    def export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose the USB stick or folder for the bundle")
        )
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        self._run(
            _("Exporting changes"),
            sync.export_bundle,
            self.ctx.db,
            folder,
            progress=True,
            done=lambda r: show_info(
                self,
                (
                    _(
                        "Bundle written: {path}\n{records} records, changes {first}–{last}. "
                        "Take it to the province."
                    )
                    if len(r.parts) <= 1
                    else _(
                        "{count} bundles written to {folder} (a large export travels in parts)"
                        "\n{records} records, changes {first}–{last}. Take them all to the "
                        "province."
                    )
                ).format(
                    path=r.path,
                    count=len(r.parts),
                    folder=r.path.parent,
                    records=r.records,
                    first=r.first_change,
                    last=r.last_change,
                ),
            ),
        )

    def apply_receipt(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open a receipt from the province"), "", _("Receipt (*.jdreceipt)")
        )
        if path:
            self.apply_receipt_file(Path(path))

    def apply_receipt_file(self, path: Path) -> None:
        self._run(
            _("Applying the receipt"),
            sync.apply_receipt,
            self.ctx.db,
            path,
            done=lambda _r: show_info(self, self.state.describe()),
            # The province's answers to escalated cases come with it (case view).
            changes=frozenset({"sync", "cases", "escalations"}),
        )

    def _run(
        self,
        title: str,
        fn: Any,
        *args: Any,
        done: Any,
        progress: bool = False,
        changes: frozenset[str] = frozenset({"sync"}),
    ) -> Any:
        """Run a sync step in the job runner, asking for the passphrase first when the keys
        have one; the page and then every page showing ``changes`` are brought up to date."""

        def finished(result: Any) -> None:
            self.refresh()
            done(result)

        extra = ask_passphrase(self, self.ctx)
        if extra is None:
            return None
        if not progress:
            return _write(
                self, self.ctx, title, fn, *args, changes=changes, on_done=finished, **extra
            )

        def announced(result: Any) -> None:
            finished(result)
            self.ctx.records_changed.emit(changes, self)

        # A long step with a progress bar and Cancel: the runner's own job, announced after.
        return self.ctx.runner.run(
            title,
            fn,
            *args,
            takes_progress=True,
            on_success=announced,
            on_error=lambda message, _expected: show_error(self, message),
            **extra,
        )


class ProvinceSync(QWidget):
    """The province: every center's state, enrolment, imports, receipts, the import log."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None  # the last enrolment or revocation started here
        self.quiet_days = QSpinBox()
        self.quiet_days.setRange(1, 365)
        self.quiet_days.setValue(prefs.int_value(ctx.settings, "sync/quiet_days", 30))
        self.quiet_days.setSuffix(" " + _("days"))
        self.centers = _ColouredModel(
            [
                Column(_("Code"), lambda c: c.code),
                Column(_("Center"), lambda c: c.name),
                Column(_("Status"), lambda c: c.status.label()),
                Column(_("Key fingerprint"), lambda c: c.fingerprint),
                Column(_("Last bundle"), lambda c: _when(c.last_bundle_at) or _("never")),
                Column(_("Applied through"), lambda c: str(c.applied_through)),
                Column(_("Bundles held"), lambda c: str(c.held)),
                Column(_("Bundles rejected"), lambda c: str(c.rejected)),
                Column(
                    _("Not heard from"),
                    lambda c: (
                        _("{days} days").format(days=c.quiet_days)
                        if c.quiet_days is not None
                        else _("never")
                    ),
                ),
            ],
            self,
        )
        self.results = _ColouredModel(
            [
                Column(_("File"), lambda o: Path(o.file).name),
                Column(_("Result"), lambda o: o.status.label()),
                Column(_("Records"), lambda o: str(o.records)),
                Column(_("Reason"), lambda o: o.message),
            ],
            self,
        )
        self.log = _ColouredModel(
            [
                Column(_("When"), lambda e: _when(e.at)),
                Column(_("File"), lambda e: Path(e.file_name).name),
                Column(_("Result"), lambda e: e.status.label()),
                Column(
                    _("Reason"),
                    lambda e: (
                        sync.reason_text(e.reason)
                        if e.reason in sync.REASONS
                        else (e.detail or e.reason or "")
                    ),
                ),
                Column(_("Records"), lambda e: str(e.records)),
            ],
            self,
        )
        self.conflicts = _ColouredModel(
            [
                Column(_("No."), lambda c: str(c.id)),
                Column(_("When"), lambda c: _when(c.at)),
                Column(_("Center"), lambda c: f"{c.center_code} {c.center_name}"),
                Column(pgettext("sync", "Record"), lambda c: c.record),
                Column(_("Reason"), lambda c: c.reason_label),
                Column(_("What to do"), lambda c: c.action),
            ],
            self,
        )
        self.overdue = ThaiLabel()
        self.overdue.setObjectName("overdue")
        self.alarms = ThaiLabel()
        self.alarms.setObjectName("syncAlarms")
        self.alarms.setStyleSheet("color: #c62828; font-weight: bold")
        self.epoch_button = QPushButton(_("Decide on a new start…"))
        self.epoch_button.setToolTip(
            _(
                "A center restored from a backup sends from a new start. Call the center first: "
                "if it did not restore a backup, someone may have a copy of its database."
            )
        )
        self.resolve_button = QPushButton(_("Mark as dealt with"))
        buttons = FlowLayout()
        self.enrol_button = QPushButton(_("Enrol a center…"))
        self.import_files_button = QPushButton(_("Import bundle files…"))
        self.import_folder_button = QPushButton(_("Import a folder or USB stick…"))
        self.receipts_button = QPushButton(_("Write receipts…"))
        self.revoke_button = QPushButton(_("Revoke the selected center's key…"))
        for b in (
            self.enrol_button,
            self.import_files_button,
            self.import_folder_button,
            self.receipts_button,
            self.revoke_button,
        ):
            buttons.add_widget(b)
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(QLabel(_("Flag centers not heard from in")))
        quiet_row.addWidget(self.quiet_days)
        quiet_row.addWidget(self.overdue, 1)
        self.centers_view = _table(self.centers)
        alarm_row = QHBoxLayout()
        alarm_row.addWidget(self.alarms, 1)
        alarm_row.addWidget(self.epoch_button)
        self.conflicts_view = _text_table(self.conflicts, 2)
        conflicts_tab = QWidget()
        ct = QVBoxLayout(conflicts_tab)
        ct.addWidget(self.conflicts_view, 1)
        to_page = QLabel(
            _("Decide on each entry, with a note for the center, on the Conflicts page.")
        )
        to_page.setWordWrap(True)
        ct.addWidget(to_page)
        ct.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs = QTabWidget()
        self.tabs.addTab(_table(self.results), _("Last import"))
        self.tabs.addTab(_table(self.log), _("Import log"))
        self.tabs.addTab(conflicts_tab, _("Conflict list"))
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(quiet_row)
        layout.addLayout(alarm_row)
        layout.addWidget(self.centers_view, 2)
        layout.addWidget(self.tabs, 2)
        self.epoch_button.clicked.connect(self.decide_epoch)
        self.resolve_button.clicked.connect(self.resolve_conflict)
        self.enrol_button.clicked.connect(self.enrol)
        self.import_files_button.clicked.connect(self.import_files)
        self.import_folder_button.clicked.connect(self.import_folder)
        self.receipts_button.clicked.connect(self.write_receipts)
        self.revoke_button.clicked.connect(self.revoke)
        self.quiet_days.valueChanged.connect(self._quiet_changed)
        self.refresh()

    def refresh(self) -> None:
        rows = sync.centers_overview(self.ctx.db)
        self.centers.set_rows(rows)
        days = self.quiet_days.value()
        late = [c.code for c in rows if c.status is EnrolmentStatus.APPROVED and c.overdue(days)]
        self.overdue.setText(
            _("{count} centers not heard from: {codes}").format(
                count=len(late), codes=", ".join(late)
            )
            if late
            else _("All enrolled centers have sent a bundle recently.")
        )
        self.overdue.setStyleSheet("color: #c62828" if late else "color: #2e7d32")
        self.log.set_rows(sync.import_log(self.ctx.db, 200))
        waiting = [c for c in rows if c.new_starts]
        self.alarms.setText(
            "\n".join(
                _("{code} {name} sends from a new start: call the center, then decide.").format(
                    code=c.code, name=c.name
                )
                for c in waiting
            )
        )
        self.alarms.setVisible(bool(waiting))
        self.epoch_button.setVisible(bool(waiting))
        conflicts = sync.conflict_list(self.ctx.db)
        self.conflicts.set_rows(conflicts)
        self.resolve_button.setEnabled(bool(conflicts))
        label = _("Conflict list ({count})").format(count=len(conflicts))
        self.tabs.setTabText(2, label if conflicts else _("Conflict list"))

    def decide_epoch(self) -> None:
        waiting = [c for c in sync.centers_overview(self.ctx.db) if c.new_starts]
        selected = self.selected_center()
        center = next((c for c in waiting if selected and c.code == selected.code), None)
        center = center or (waiting[0] if len(waiting) == 1 else None)
        if center is None:
            show_error(self, _("Select the center in the list first."))
            return
        box = MessageBox(
            QMessageBox.Icon.Warning,
            _("A new start"),
            _(
                "{name} ({code}) sends from a new start, as after a restore from a backup.\n\n"
                "Call the center. Accept only if it confirms that it restored a backup; "
                "otherwise refuse: someone may have a copy of its database and key, and the "
                "center should make new keys."
            ).format(name=center.name, code=center.code),
            self,
        )
        accept = box.addButton(_("The center confirms: accept"), QMessageBox.ButtonRole.AcceptRole)
        refuse = box.addButton(_("Refuse the new start"), QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton(_("Decide later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)
        box.setEscapeButton(later)
        box.exec()
        if box.clickedButton() not in (accept, refuse):
            return
        answer = box.clickedButton() is accept
        extra = ask_passphrase(self, self.ctx) if answer else {}
        if extra is None:
            return

        def finished(decision: sync.EpochDecision) -> None:
            show_info(self, decision.describe())
            self.refresh()

        # Accepting applies every waiting bundle: in the job runner, not on the GUI thread.
        self.ctx.runner.run(
            _("Deciding on a new start"),
            sync.decide_epoch,
            self.ctx.db,
            center.code,
            accept=answer,
            epoch=center.new_starts[0],
            on_success=finished,
            on_error=lambda message, _e: show_error(self, message),
            **extra,
        )

    def resolve_conflict(self) -> Job | None:
        index = self.conflicts_view.currentIndex()
        if not index.isValid():
            show_error(self, _("Select an entry of the conflict list first."))
            return None
        entry = self.conflicts.rows[index.row()]
        return _write(
            self,
            self.ctx,
            _("Marking the conflict as dealt with"),
            sync.resolve_conflict,
            self.ctx.db,
            entry.id,
            changes={"sync"},
            on_done=lambda _none: self.refresh(),
            on_refused=self._refused_and_refresh,
            busy=[self.resolve_button],
        )

    def _refused_and_refresh(self, exc: Exception) -> None:
        show_error(self, str(exc))
        self.refresh()

    def _quiet_changed(self, value: int) -> None:
        self.ctx.settings.setValue("sync/quiet_days", value)
        self.refresh()

    def enrol(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open a center's enrolment request"), "", _("Enrolment request (*.jdenrol)")
        )
        if path:
            self.enrol_file(Path(path))

    def enrol_file(self, path: Path) -> Job | None:
        """Read the request (in the job runner: reading it is noted in the audit trail), ask
        for the fingerprint to be confirmed, then enrol the center and write its answer."""
        return _write(
            self,
            self.ctx,
            _("Reading the enrolment request"),
            sync.enrol_center,
            self.ctx.db,
            path,
            approve=False,
            changes={"sync"},
            on_done=lambda review: self._confirm_enrolment(path, review),
            busy=[self.enrol_button],
        )

    def _confirm_enrolment(self, path: Path, review: Any) -> None:
        question = _(
            "{name} ({code}) asks to be enrolled.\n\nIts key fingerprint is:\n"
            "{fp}\n\nCall the center and ask them to read their fingerprint. "
            "Enrol only if every group of digits is the same."
        ).format(name=review.name, code=review.code, fp=review.fingerprint)
        if not confirm(
            self,
            question,
            yes=_("The fingerprints match: enrol"),
            title=_("Confirm the fingerprint"),
        ):
            self.refresh()
            return
        answer, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the answer for the center"),
            str(path.with_suffix(".jdanswer")),
            _("Enrolment answer (*.jdanswer)"),
        )
        if not answer:
            return
        extra = ask_passphrase(self, self.ctx)
        if extra is None:
            return

        def done(enrolled: Any) -> None:
            self.refresh()
            show_info(
                self,
                _("{name} is enrolled. Send the answer file back to the center: {path}").format(
                    name=enrolled.name, path=enrolled.answer
                ),
            )

        self.job = _write(
            self,
            self.ctx,
            _("Enrolling {name}").format(name=review.name),
            sync.enrol_center,
            self.ctx.db,
            path,
            approve=True,
            answer_out=Path(answer),
            expected_fingerprint=review.fingerprint,
            changes={"sync"},
            on_done=done,
            busy=[self.enrol_button],
            **extra,
        )

    def import_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose bundle files"), "", _("Bundles (*.jdbundle *.jdrotate);;All files (*)")
        )
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a folder or USB stick with bundles")
        )
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> None:
        def finished(result: tuple[list[sync.ImportOutcome], str | None]) -> None:
            outcomes, stopped = result
            self.results.set_rows(outcomes)
            self.refresh()
            counts: dict[ImportStatus, int] = {}
            for o in outcomes:
                counts[o.status] = counts.get(o.status, 0) + 1
            summary = ", ".join(f"{k.label()}: {v}" for k, v in sorted(counts.items()))
            if stopped is not None:
                # The database stopped taking writes: what was imported before is listed.
                show_error(self, stopped)
                return
            show_info(
                self, _("Import finished. {summary}").format(summary=summary or _("no files"))
            )

        extra = ask_passphrase(self, self.ctx)
        if extra is None:
            return
        self.ctx.runner.run(
            _("Importing bundles"),
            _import_keeping_results,
            self.ctx.db,
            paths,
            takes_progress=True,
            on_success=finished,
            on_error=lambda message, _e: show_error(self, message),
            **extra,
        )

    def write_receipts(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the folder for the receipts"))
        extra = ask_passphrase(self, self.ctx) if folder else None
        if folder and extra is not None:
            self.ctx.runner.run(
                _("Writing receipts"),
                sync.write_receipts,
                self.ctx.db,
                Path(folder),
                on_success=lambda written: show_info(
                    self,
                    _("{count} receipts written to {folder}.").format(
                        count=len(written), folder=folder
                    ),
                ),
                on_error=lambda message, _e: show_error(self, message),
                **extra,
            )

    def selected_center(self) -> Any:
        index = self.centers_view.currentIndex()
        return self.centers.rows[index.row()] if index.isValid() else None

    def revoke(self) -> None:
        center = self.selected_center()
        if center is None:
            show_error(self, _("Select a center in the list first."))
            return
        if confirm(
            self,
            _(
                "Revoke the key of {name}? Bundles it signs from now on are refused until the "
                "center enrols again with new keys."
            ).format(name=center.name),
            yes=_("Revoke the key"),
        ):

            def done(revoked: Any) -> None:
                self.refresh()
                show_info(self, revoked.describe())

            self.job = _write(
                self,
                self.ctx,
                _("Revoking the key of {name}").format(name=center.name),
                sync.revoke_center_key,
                self.ctx.db,
                center.code,
                changes={"sync"},
                on_done=done,
                busy=[self.revoke_button],
            )
