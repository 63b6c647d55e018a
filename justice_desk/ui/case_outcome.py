"""The outcome of a dispute: the §30 settlement agreement with its instalments, payments, the §69
certificate, and the follow-up of compliance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseStatus, Compliance
from justice_desk.errors import ValidationError
from justice_desk.i18n import _, pgettext
from justice_desk.services import cases
from justice_desk.services.cases import (
    CaseDetail,
    InstalmentInput,
    InstalmentRecord,
    SettlementInput,
)
from justice_desk.ui.case_widgets import (
    CaseDateEdit,
    CaseSection,
    MoneyEdit,
    baht_text,
    combo_select,
    date_field,
    make_table,
    selected_object,
    set_plain,
    short_date,
)
from justice_desk.ui.context import AppContext
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.fit import FlowLayout, wrapping_check_box
from justice_desk.ui.widgets.thai_label import ThaiLabel

Changed = Callable[[CaseDetail], None]


def _labelled(text: str, field: QWidget, parent: QWidget) -> QWidget:
    """A label and its field kept on one line (a flowing row wraps between such pairs)."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text, holder)
    label.setBuddy(field)
    row.addWidget(label)
    row.addWidget(field)
    return holder


# -- the agreement ------------------------------------------------------------------------------


class InstalmentsEditor(QWidget):
    """Rows of (due date, amount) added and removed by the user."""

    def __init__(self, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_change = on_change
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("instalmentsTable")
        self.table.setHorizontalHeaderLabels([_("Due on"), _("Amount (baht)")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 18)
        self.table.setMinimumHeight(120)
        self.add_button = QPushButton(_("Add an instalment"), self)
        self.add_button.setObjectName("addInstalmentButton")
        self.remove_button = QPushButton(_("Remove the selected instalment"), self)
        self.remove_button.setObjectName("removeInstalmentButton")
        self.add_button.clicked.connect(self.add_row_to_type)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def row_count(self) -> int:
        return self.table.rowCount()

    def date_edit(self, row: int) -> BeDateEdit:
        widget = self.table.cellWidget(row, 0)
        assert isinstance(widget, BeDateEdit)
        return widget

    def money_edit(self, row: int) -> MoneyEdit:
        widget = self.table.cellWidget(row, 1)
        assert isinstance(widget, MoneyEdit)
        return widget

    def add_row(
        self,
        due_on: dt.date | None = None,
        amount_satang: int | None = None,
        *,
        quiet: bool = False,
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        due = CaseDateEdit(self.table, required=True)  # fills its cell
        due.setDate(due_on)
        amount = MoneyEdit(self.table, required=True)
        amount.set_satang(amount_satang)
        self.table.setCellWidget(row, 0, due)
        self.table.setCellWidget(row, 1, amount)
        due.line.textChanged.connect(lambda _t: self.on_change())
        due.dateChanged.connect(lambda _d: self.on_change())
        amount.textChanged.connect(lambda _t: self.on_change())
        self.table.selectRow(row)
        if not quiet:
            self.on_change()
        return row

    def add_row_to_type(self) -> None:
        """Add an instalment and put the cursor in its due date: what is typed next goes there
        (it went nowhere while the focus stayed on the button)."""
        row = self.add_row()
        self.table.scrollTo(self.table.model().index(row, 0))
        self.date_edit(row).line.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0 and self.table.rowCount():
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.on_change()

    def clear(self) -> None:
        self.table.setRowCount(0)

    def problems(self) -> list[str]:
        out = []
        for row in range(self.row_count()):
            for error in (self.date_edit(row).error(), self.money_edit(row).error()):
                if error:
                    out.append(_("Instalment {n}: {error}").format(n=row + 1, error=error))
            amount = self.money_edit(row).satang()
            if amount is not None and amount <= 0:
                out.append(_("Instalment {n}: the amount must be above zero.").format(n=row + 1))
        return out

    def values(self) -> list[InstalmentInput]:
        out = []
        for row in range(self.row_count()):
            due, amount = self.date_edit(row).date(), self.money_edit(row).satang()
            if due is not None and amount is not None:
                out.append(InstalmentInput(due, amount))
        return out

    def total(self) -> int:
        return sum(self.money_edit(r).satang() or 0 for r in range(self.row_count()))


class SettlementSection(CaseSection):
    """§30: the agreement must state the parties' voluntary participation and the terms
    (amounts, instalments, dates); it can be recorded or replaced while the case is in mediation.

    The order is a mediation's own: a mediator is assigned (``on_open_mediators`` goes there),
    the agreement is written and saved, printed for signing (``on_print``), signed on paper,
    and then the case is recorded as settled (``on_signed`` opens that step)."""

    def __init__(
        self,
        ctx: AppContext,
        on_changed: Changed,
        parent: QWidget | None = None,
        *,
        on_print: Callable[[], object] | None = None,
        on_signed: Callable[[], object] | None = None,
        on_open_mediators: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(ctx, on_changed, parent)
        self.detail: CaseDetail | None = None
        self.print_button = QPushButton(_("Print the agreement for signing…"), self)
        self.print_button.setObjectName("printAgreementButton")
        self.signed_button = QPushButton(CaseAction.SETTLE.label(), self)
        self.signed_button.setObjectName("agreementSignedButton")
        self.mediators_button = QPushButton(_("Open the Mediators tab"), self)
        self.mediators_button.setObjectName("openMediatorsButton")
        for button, callback in (
            (self.print_button, on_print),
            (self.signed_button, on_signed),
            (self.mediators_button, on_open_mediators),
        ):
            if callback is not None:
                button.clicked.connect(_calling(callback))
            else:
                button.setVisible(False)
        self.agreed_on = date_field(self, required=True)
        self.place = QLineEdit(self)
        self.place.setPlaceholderText(_("Where the agreement was made"))
        self.terms = QPlainTextEdit(self)
        self.terms.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.terms.setPlaceholderText(_("What each party agreed to do, with amounts and dates"))
        self.terms.setMinimumHeight(80)
        self.terms.setMaximumHeight(150)
        self.total = MoneyEdit(self)
        self.voluntary = QCheckBox(
            _("The parties took part voluntarily and agreed freely (§30)"), self
        )
        self.voluntary.setObjectName("voluntaryCheck")
        self.instalments = InstalmentsEditor(self._instalments_changed, self)
        self.sum_label = ThaiLabel(self)
        # Each witness signs the printed agreement under their name (blank lines when none).
        self.witnesses = QPlainTextEdit(self)
        self.witnesses.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.witnesses.setObjectName("witnessesEdit")
        self.witnesses.setPlaceholderText(_("One full name a line, for example นายสมหมาย ดีใจ"))
        self.witnesses.setMaximumHeight(70)
        self.save_button = QPushButton(_("Save the settlement agreement"), self)
        self.save_button.setObjectName("saveSettlementButton")
        self.save_button.clicked.connect(self.save)
        self.state = ThaiLabel(self)
        self.state.setStyleSheet("color: #555;")
        self.fields = {
            "agreed_on": self.agreed_on,
            "place": self.place,
            "terms": self.terms,
            "total_satang": self.total,
            "voluntary_confirmed": self.voluntary,
            "instalments": self.instalments.table,
            "witnesses": self.witnesses,
            "settlement": self.terms,
        }
        box = QGroupBox(_("Settlement agreement (§30)"), self)
        # Where the case stands and what to do next, then the mediators' button when the
        # agreement waits for one, above the form (inside a form row the text kept a blank
        # line's height above and below it).
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.state)
        mediators_row = QHBoxLayout()
        mediators_row.addWidget(self.mediators_button)
        mediators_row.addStretch(1)
        box_layout.addLayout(mediators_row)
        form = QFormLayout()
        box_layout.addLayout(form)
        form.addRow(_("Agreed on"), self.agreed_on)
        form.addRow(_("Place"), self.place)
        form.addRow(_("Terms"), self.terms)
        form.addRow(_("Total amount (baht)"), self.total)
        form.addRow(_("Instalments"), self.instalments)
        form.addRow("", self.sum_label)
        form.addRow(_("Witnesses"), self.witnesses)
        form.addRow("", wrapping_check_box(self.voluntary))
        # The three steps in their order; they wrap onto more lines at large text sizes.
        row = FlowLayout()
        row.add_widget(self.save_button)
        row.add_widget(self.print_button)
        row.add_widget(self.signed_button)
        form.addRow("", row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(self.errors)
        self.box = box
        self._callbacks = (on_print, on_signed, on_open_mediators)
        self.watch(
            self.agreed_on, self.place, self.terms, self.total, self.voluntary, self.witnesses
        )
        self.total.textChanged.connect(lambda _t: self._update_sum())

    def _instalments_changed(self) -> None:
        self._touched()
        self._update_sum()

    def _update_sum(self) -> None:
        count = self.instalments.row_count()
        if not count:
            self.sum_label.setText(_("No instalments: paid at once, or nothing to pay."))
            self.sum_label.setStyleSheet("color: #555;")
            return
        total, summed = self.total.satang(), self.instalments.total()
        text = _("{count} instalments add up to {sum}.").format(count=count, sum=baht_text(summed))
        if total is not None and total != summed:
            text += " " + _("The total amount is {total}: they must be equal.").format(
                total=baht_text(total)
            )
            self.sum_label.setStyleSheet("color: #c62828;")
        else:
            self.sum_label.setStyleSheet("color: #2e7d32;")
        self.sum_label.setText(text)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        s = detail.settlement
        in_mediation = detail.status is CaseStatus.IN_MEDIATION
        no_mediator = in_mediation and bool(detail.missing_before(None))
        editable = in_mediation and not no_mediator
        for w in (
            self.agreed_on,
            self.place,
            self.terms,
            self.total,
            self.voluntary,
            self.instalments,
            self.witnesses,
            self.save_button,
        ):
            w.setEnabled(editable)
        on_print, on_signed, on_open_mediators = self._callbacks
        self.mediators_button.setVisible(no_mediator and on_open_mediators is not None)
        self.print_button.setVisible(s is not None and on_print is not None)
        self.print_button.setText(
            _("Print the agreement for signing…") if in_mediation else _("Print the agreement…")
        )
        self.signed_button.setVisible(
            in_mediation and on_signed is not None and CaseAction.SETTLE in detail.allowed_actions
        )
        self.signed_button.setEnabled(in_mediation and not detail.missing_before(CaseAction.SETTLE))
        if no_mediator:
            self.state.setText(
                _(
                    "Assign the mediator the parties chose first, on the Mediators tab: the "
                    "agreement is made before the mediator, who signs it (§30)."
                )
            )
        elif in_mediation and s is None:
            self.state.setText(
                _(
                    "1. Write the agreement here and save it. 2. Print it for signing. "
                    "3. Once the parties and the mediator have signed the paper, press "
                    "“{signed}”."
                ).format(signed=CaseAction.SETTLE.label())
            )
        elif in_mediation:
            self.state.setText(
                _(
                    "The agreement is saved. Print it for the parties and the mediator to sign; "
                    "once they have signed the paper, press “{signed}”. Saving again replaces "
                    "the agreement recorded before."
                ).format(signed=CaseAction.SETTLE.label())
            )
        elif s is None:
            self.state.setText(
                _("A settlement agreement is recorded while the case is in mediation.")
            )
        else:
            self.state.setText(_("The agreement as recorded and signed."))
        if self.dirty:
            return
        with self.loading():
            self.agreed_on.setDate(s.agreed_on if s else dt.date.today())
            self.place.setText(s.place or "" if s else "")
            set_plain(self.terms, s.terms if s else "")
            set_plain(self.witnesses, "\n".join(s.witnesses) if s else "")
            self.total.set_satang(s.total_satang if s else None)
            self.voluntary.setChecked(bool(s and s.voluntary_confirmed))
            self.instalments.clear()
            for inst in s.instalments if s else ():
                self.instalments.add_row(inst.due_on, inst.amount_satang, quiet=True)
            self.clear_errors()
        self.dirty = False
        self._update_sum()

    def save(self) -> bool:
        if self.detail is None:
            return True
        total = self.total.satang()
        summed = self.instalments.total()
        checks = [
            ("agreed_on", self.agreed_on.error()),
            (
                "terms",
                None
                if self.terms.toPlainText().strip()
                else _("Write the terms the parties agreed on."),
            ),
            ("total_satang", self.total.error()),
            (
                "voluntary_confirmed",
                None
                if self.voluntary.isChecked()
                else _(
                    "The agreement must state that the parties took part voluntarily (§30): "
                    "tick the box once they have confirmed it."
                ),
            ),
        ]
        checks += [("instalments", problem) for problem in self.instalments.problems()]
        try:
            cases.witness_names(self.witnesses.toPlainText().splitlines())
        except ValidationError as exc:
            checks.append(("witnesses", str(exc)))
        if (
            total is not None
            and self.instalments.row_count()
            and not self.instalments.problems()
            and summed != total
        ):
            checks.append(("instalments", _("The instalments do not add up to the total amount.")))
        if not self.check_fields(checks):
            return False
        agreed_on = self.agreed_on.date()
        assert agreed_on is not None
        data = SettlementInput(
            agreed_on=agreed_on,
            terms=self.terms.toPlainText().strip(),
            voluntary_confirmed=True,
            place=self.place.text().strip() or None,
            total_satang=total,
            instalments=tuple(self.instalments.values()),
            witnesses=tuple(self.witnesses.toPlainText().splitlines()),
        )
        ok, detail = self.attempt(cases.record_settlement, self.ctx.db, self.detail.id, data)
        if ok:
            self.dirty = False
            self.on_changed(detail)
        return ok


# -- payments -----------------------------------------------------------------------------------


def _instalment_state(i: InstalmentRecord) -> str:
    if i.paid_satang is not None and i.paid_satang >= i.amount_satang:
        return _("Paid")
    if i.paid_satang:
        return _("Partly paid")
    if i.due_on < dt.date.today():
        return _("Overdue")
    return _("Not yet due")


class PaymentsSection(CaseSection):
    """Instalments of the agreement and the payments received against them."""

    def __init__(self, ctx: AppContext, on_changed: Changed, parent: QWidget | None = None) -> None:
        super().__init__(ctx, on_changed, parent)
        self.detail: CaseDetail | None = None
        self.model = ListTableModel(
            [
                Column(_("No."), lambda i: str(i.seq), align=Qt.AlignmentFlag.AlignCenter),
                Column(_("Due on"), lambda i: short_date(i.due_on)),
                Column(
                    _("Amount"),
                    lambda i: baht_text(i.amount_satang),
                    align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                ),
                Column(_("Paid on"), lambda i: short_date(i.paid_on)),
                Column(
                    _("Paid"),
                    lambda i: baht_text(i.paid_satang),
                    align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                ),
                Column(_("State"), _instalment_state),
            ],
            self,
        )
        self.table = make_table(self.model, self)
        self.paid_on = date_field(self, required=True)
        self.paid_on.setDate(dt.date.today())
        self.amount = MoneyEdit(self, required=True)
        self.pay_button = QPushButton(_("Record the payment of the selected instalment"), self)
        self.pay_button.setObjectName("recordPaymentButton")
        self.pay_button.clicked.connect(self.save)
        self.fields = {
            "paid_on": self.paid_on,
            "paid_satang": self.amount,
            "instalment": self.table,
        }
        box = QGroupBox(_("Instalments and payments"), self)
        v = QVBoxLayout(box)
        v.addWidget(self.table)
        # Label and field stay together; the row wraps at large text sizes.
        row = FlowLayout()
        row.add_widget(_labelled(_("Paid on"), self.paid_on, box))
        row.add_widget(_labelled(_("Amount (baht)"), self.amount, box))
        row.add_widget(self.pay_button)
        v.addLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(self.errors)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.watch(self.paid_on, self.amount)

    def _selected(self) -> None:
        inst = selected_object(self.table)
        if inst is not None and not self.dirty:
            with self.loading():
                self.amount.set_satang(inst.amount_satang)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        rows = detail.settlement.instalments if detail.settlement else ()
        self.model.set_rows(rows)
        self.setVisible(bool(rows))
        if not self.dirty:
            with self.loading():
                self.paid_on.setDate(dt.date.today())
                self.amount.clear()
                self.clear_errors()
            unpaid = next((r for r, i in enumerate(rows) if not i.paid_satang), None)
            if unpaid is not None:
                self.table.selectRow(unpaid)
                self._selected()

    def save(self) -> bool:
        inst = selected_object(self.table)
        if self.detail is None or (inst is None and not self.dirty):
            return True
        ok = self.check_fields(
            [
                (
                    "instalment",
                    None if inst is not None else _("Select the instalment that was paid."),
                ),
                ("paid_on", self.paid_on.error()),
                ("paid_satang", self.amount.error()),
            ]
        )
        if not ok:
            return False
        paid_on, amount = self.paid_on.date(), self.amount.satang()
        assert inst is not None and paid_on is not None and amount is not None
        ok, _none = self.attempt(
            cases.record_payment, self.ctx.db, inst.id, paid_on=paid_on, paid_satang=amount
        )
        if ok:
            self.dirty = False
            self.on_changed(cases.get_case(self.ctx.db, self.detail.id))
        return ok


# -- certificate --------------------------------------------------------------------------------


class CertificateSection(CaseSection):
    """§69: once certified, the agreement can be enforced like a judgment."""

    def __init__(self, ctx: AppContext, on_changed: Changed, parent: QWidget | None = None) -> None:
        super().__init__(ctx, on_changed, parent)
        self.detail: CaseDetail | None = None
        self.number = QLineEdit(self)
        self.number.setPlaceholderText(_("for example 5/2569"))
        self.issued_on = date_field(self, required=True)
        self.save_button = QPushButton(_("Save the certificate"), self)
        self.save_button.setObjectName("saveCertificateButton")
        self.save_button.clicked.connect(self.save)
        self.note = QLabel(_("Recorded once the case is settled."), self)
        self.note.setStyleSheet("color: #555;")
        self.fields = {"certificate_no": self.number, "certificate_on": self.issued_on}
        box = QGroupBox(_("Certificate of enforceability (§69)"), self)
        form = QFormLayout(box)
        form.addRow("", self.note)
        form.addRow(pgettext("enforceability", "Certificate no."), self.number)
        form.addRow(_("Issued on"), self.issued_on)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        form.addRow("", row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(self.errors)
        self.watch(self.number, self.issued_on)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        editable = (
            detail.status in (CaseStatus.SETTLED, CaseStatus.CLOSED)
            and detail.settlement is not None
        )
        for w in (self.number, self.issued_on, self.save_button):
            w.setEnabled(editable)
        self.note.setVisible(not editable)
        if not self.dirty:
            with self.loading():
                self.number.setText(detail.certificate_no or "")
                self.issued_on.setDate(detail.certificate_on)
                self.clear_errors()
            self.dirty = False

    def save(self) -> bool:
        if self.detail is None:
            return True
        ok = self.check_fields(
            [
                (
                    "certificate_no",
                    None
                    if self.number.text().strip()
                    else _("The certificate number is required."),
                ),
                ("certificate_on", self.issued_on.error()),
            ]
        )
        if not ok:
            return False
        issued_on = self.issued_on.date()
        assert issued_on is not None
        ok, detail = self.attempt(
            cases.record_certificate,
            self.ctx.db,
            self.detail.id,
            number=self.number.text().strip(),
            issued_on=issued_on,
        )
        if ok:
            self.dirty = False
            self.on_changed(detail)
        return ok


# -- compliance ---------------------------------------------------------------------------------


class ComplianceSection(CaseSection):
    """Follow-ups: did the parties do what they agreed?"""

    def __init__(self, ctx: AppContext, on_changed: Changed, parent: QWidget | None = None) -> None:
        super().__init__(ctx, on_changed, parent)
        self.detail: CaseDetail | None = None
        self.model = ListTableModel(
            [
                Column(_("Checked on"), lambda c: short_date(c.checked_on)),
                Column(_("Result"), lambda c: c.result.label()),
                Column(_("Note"), lambda c: c.note or ""),
            ],
            self,
        )
        self.table = make_table(self.model, self)
        self.checked_on = date_field(self, required=True)
        self.result = QComboBox(self)
        for r in Compliance:
            self.result.addItem(r.label(), r.value)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(_("What was found"))
        self.add_button = QPushButton(_("Add this follow-up"), self)
        self.add_button.setObjectName("addComplianceButton")
        self.add_button.clicked.connect(self.save)
        self.fields = {"checked_on": self.checked_on, "result": self.result, "note": self.note}
        box = QGroupBox(_("Compliance follow-up"), self)
        v = QVBoxLayout(box)
        v.addWidget(self.table)
        row = FlowLayout()
        row.add_widget(_labelled(_("Checked on"), self.checked_on, box))
        row.add_widget(self.result)
        self.note.setMinimumWidth(self.note.fontMetrics().horizontalAdvance("0" * 24))
        row.add_widget(self.note)
        row.add_widget(self.add_button)
        v.addLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(self.errors)
        self.watch(self.note)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.model.set_rows(detail.compliance)
        self.setVisible(
            detail.settlement is not None
            and detail.status in (CaseStatus.SETTLED, CaseStatus.CLOSED)
        )
        if not self.dirty:
            with self.loading():
                self.checked_on.setDate(dt.date.today())
                combo_select(self.result, Compliance.COMPLIED.value)
                self.note.clear()
                self.clear_errors()
            self.dirty = False

    def save(self) -> bool:
        if self.detail is None:
            return True
        if not self.check_fields([("checked_on", self.checked_on.error())]):
            return False
        checked_on = self.checked_on.date()
        assert checked_on is not None
        ok, detail = self.attempt(
            cases.add_compliance_check,
            self.ctx.db,
            self.detail.id,
            checked_on=checked_on,
            result=Compliance(self.result.currentData()),
            note=self.note.text().strip() or None,
        )
        if ok:
            self.dirty = False
            self.on_changed(detail)
        return ok


def _calling(fn: Callable[[], object]) -> Callable[..., object]:
    """A slot that calls ``fn`` with no arguments, whatever the signal sends (``clicked``
    sends ``checked``; a defaulted lambda parameter would take it)."""
    return lambda *_args: fn()
