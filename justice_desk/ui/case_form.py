"""The fields recorded when a case is taken in (used by the intake dialog and the case's own tab),
with the mediation eligibility check run again at every change."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from justice_desk import config
from justice_desk.domain.eligibility import Eligibility
from justice_desk.domain.enums import CaseCategory, CaseChannel, CaseKind
from justice_desk.i18n import _
from justice_desk.services import cases
from justice_desk.services.cases import CaseDetail, CaseInput
from justice_desk.ui.case_widgets import (
    EligibilityPanel,
    FormSection,
    MoneyEdit,
    combo_select,
    date_field,
    set_plain,
)


class CaseFieldsForm(FormSection):
    """Kind, channel, dates, civil/criminal, the matter from the rules in force, amount, subject
    and facts. ``case_input()`` checks what it can before a service is asked."""

    def __init__(self, parent: QWidget | None = None, *, offer_refer: bool = False) -> None:
        super().__init__(parent)
        self.kind = QComboBox(self)
        for kind in CaseKind:
            self.kind.addItem(kind.label(), kind.value)
        self.channel = QComboBox(self)
        for channel in CaseChannel:
            self.channel.addItem(channel.label(), channel.value)
        self.received = date_field(self, required=True)
        self.received.setDate(dt.date.today())
        self.category = QComboBox(self)
        self.matter = QComboBox(self)
        self.matter.setMinimumContentsLength(24)
        self.amount = MoneyEdit(self)
        self.amount.setToolTip(
            _(
                "The amount in dispute, in baht. A civil dispute over the cap in the rules "
                "may not be mediated."
            )
        )
        self.subject = QLineEdit(self)
        self.subject.setPlaceholderText(
            _("In a few words, for example: loan of 20,000 baht not repaid")
        )
        self.facts = QPlainTextEdit(self)
        self.facts.setPlaceholderText(_("What happened, as the applicant tells it"))
        self.facts.setMinimumHeight(70)
        self.facts.setMaximumHeight(140)
        self.incident = date_field(self)
        self.panel = EligibilityPanel(self, offer_refer=offer_refer)
        self.fields = {
            "kind": self.kind,
            "channel": self.channel,
            "received_on": self.received,
            "category": self.category,
            "matter_code": self.matter,
            "amount_satang": self.amount,
            "subject": self.subject,
            "facts": self.facts,
            "incident_on": self.incident,
        }

        form = QFormLayout()
        form.addRow(_("Kind of case"), self.kind)
        form.addRow(_("Received through"), self.channel)
        form.addRow(_("Date received"), self.received)
        self._category_label = QLabel(_("Civil or criminal"), self)
        form.addRow(self._category_label, self.category)
        self._matter_label = QLabel(_("What it is about"), self)
        form.addRow(self._matter_label, self.matter)
        self._amount_label = QLabel(_("Amount in dispute"), self)
        form.addRow(self._amount_label, self.amount)
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Facts"), self.facts)
        form.addRow(_("Date of the incident"), self.incident)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.panel)
        layout.addWidget(self.errors)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.matter.currentIndexChanged.connect(self.update_eligibility)
        self.amount.textChanged.connect(self.update_eligibility)
        self.watch(
            self.kind,
            self.channel,
            self.received,
            self.category,
            self.matter,
            self.amount,
            self.subject,
            self.facts,
            self.incident,
        )
        with self.loading():
            self._kind_changed()

    # -- values ---------------------------------------------------------------------------------

    def current_kind(self) -> CaseKind:
        return CaseKind(self.kind.currentData())

    def current_category(self) -> CaseCategory:
        data = self.category.currentData()
        return CaseCategory(data) if data else CaseCategory.NONE

    def current_matter(self) -> str | None:
        return self.matter.currentData() or None

    def eligibility(self) -> Eligibility:
        return cases.assess_eligibility(
            self.current_kind(),
            self.current_category(),
            self.current_matter(),
            self.amount.satang(),
        )

    # -- reacting to input ----------------------------------------------------------------------

    def _kind_changed(self) -> None:
        is_dispute = self.current_kind() is CaseKind.DISPUTE
        previous = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        if is_dispute:
            self.category.addItem(_("— choose —"), None)
            for category in (CaseCategory.CIVIL, CaseCategory.CRIMINAL):
                self.category.addItem(category.label(), category.value)
        else:
            self.category.addItem(CaseCategory.NONE.label(), CaseCategory.NONE.value)
        combo_select(self.category, previous)
        self.category.blockSignals(False)
        for w in (
            self.category,
            self.matter,
            self._category_label,
            self._matter_label,
            self.amount,
            self._amount_label,
        ):
            w.setEnabled(is_dispute)
        self._category_changed()

    def _category_changed(self) -> None:
        previous = self.matter.currentData()
        self.matter.blockSignals(True)
        self.matter.clear()
        matters = config.mediation_rules().matters_for(self.current_category())
        self.matter.addItem(_("— choose —") if matters else "", None)
        for code, matter in matters.items():
            self.matter.addItem(matter.label(), code)
        combo_select(self.matter, previous)
        self.matter.blockSignals(False)
        self.update_eligibility()

    def update_eligibility(self, *_args: object) -> None:
        self.panel.show_eligibility(
            self.eligibility(), is_dispute=self.current_kind() is CaseKind.DISPUTE
        )

    # -- in and out -----------------------------------------------------------------------------

    def case_input(self) -> CaseInput | None:
        """The case as typed, or None after showing what must be corrected."""
        received_error = self.received.error()
        incident_error = self.incident.error()
        ok = self.check_fields(
            [
                (
                    "subject",
                    None
                    if self.subject.text().strip()
                    else _("Say in a few words what the case is about."),
                ),
                ("received_on", received_error),
                ("incident_on", incident_error),
                ("amount_satang", self.amount.error()),
            ]
        )
        if not ok:
            return None
        received = self.received.date()
        assert received is not None  # required: an empty field is an error above
        kind = self.current_kind()
        return CaseInput(
            kind=kind,
            subject=self.subject.text().strip(),
            received_on=received,
            channel=CaseChannel(self.channel.currentData()),
            category=self.current_category() if kind is CaseKind.DISPUTE else CaseCategory.NONE,
            matter_code=self.current_matter() if kind is CaseKind.DISPUTE else None,
            amount_satang=self.amount.satang() if kind is CaseKind.DISPUTE else None,
            facts=self.facts.toPlainText().strip() or None,
            incident_on=self.incident.date(),
        )

    def load(self, detail: CaseDetail) -> None:
        with self.loading():
            combo_select(self.kind, detail.kind.value)
            combo_select(self.channel, detail.channel.value)
            self.received.setDate(detail.received_on)
            combo_select(
                self.category,
                detail.category.value if detail.category is not CaseCategory.NONE else None,
            )
            combo_select(self.matter, detail.matter_code)
            self.amount.set_satang(detail.amount_satang)
            self.subject.setText(detail.subject)
            set_plain(self.facts, detail.facts)
            self.incident.setDate(detail.incident_on)
            self.update_eligibility()
            self.clear_errors()
        self.dirty = False

    def clear(self) -> None:
        with self.loading():
            self.kind.setCurrentIndex(0)
            self.channel.setCurrentIndex(0)
            self.received.setDate(dt.date.today())
            self.category.setCurrentIndex(0)
            self.amount.clear()
            self.subject.clear()
            self.facts.clear()
            self.incident.setDate(None)
            self.clear_errors()
        self.dirty = False


def with_parties(data: CaseInput, parties: tuple[cases.PartyInput, ...]) -> CaseInput:
    return dataclasses.replace(data, parties=parties)
