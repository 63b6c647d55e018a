"""The fields recorded when a case is taken in (used by the intake dialog and the case's own tab),
with the mediation eligibility check run again at every change."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from justice_desk import config
from justice_desk.domain.eligibility import Eligibility
from justice_desk.domain.enums import CaseCategory, CaseChannel, CaseKind, CriminalStage
from justice_desk.i18n import _
from justice_desk.services import cases
from justice_desk.services.cases import CaseDetail, CaseInput
from justice_desk.ui.case_widgets import (
    THAI_DIGITS,
    EligibilityPanel,
    FormSection,
    MoneyEdit,
    combo_select,
    date_field,
    set_plain,
)
from justice_desk.ui.widgets.fit import wrapping_check_box


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
        self.facts.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.facts.setPlaceholderText(_("What happened, as the applicant tells it"))
        self.facts.setMinimumHeight(70)
        self.facts.setMaximumHeight(140)
        self.incident = date_field(self)
        # What the mediation rules need besides the matter (docs/mediation-law.md): "no money
        # value" apart from an amount not entered; the offender's age on the day of the offence
        # or their date of birth (§8); whether the police, prosecutor or court have it (§36).
        self.no_money = QCheckBox(_("No money value (for example a path or noise)"), self)
        self.no_money.setObjectName("noMoneyValue")
        self.offender_age = QLineEdit(self)
        self.offender_age.setObjectName("offenderAge")
        self.offender_age.setPlaceholderText(_("years, for example 35"))
        self.offender_age.setMaximumWidth(140)
        self.offender_age.setToolTip(
            _(
                "The age of the person said to have committed the offence, on the day of the "
                "offence (the youngest, if there are several). The Dispute Mediation Act does not "
                "apply to an offence by someone under 18."
            )
        )
        self.offender_birth = date_field(self)
        self.offender_birth.setObjectName("offenderBirthDate")
        self.stage = QComboBox(self)
        self.stage.setObjectName("criminalStage")
        self.stage.addItem(_("— not asked yet —"), None)
        for stage in CriminalStage:
            self.stage.addItem(stage.label(), stage.value)
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
            "no_money_value": self.no_money,
            "offender_age": self.offender_age,
            "offender_birth_date": self.offender_birth,
            "criminal_stage": self.stage,
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
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount)
        # The box's long text wraps beside the amount instead of widening the form.
        self._no_money_row = wrapping_check_box(self.no_money)
        amount_row.addWidget(self._no_money_row, 1)
        form.addRow(self._amount_label, amount_row)
        self._age_label = QLabel(_("Offender's age on the day of the offence"), self)
        age_row = QHBoxLayout()
        age_row.addWidget(self.offender_age)
        self._birth_label = QLabel(_("or date of birth"), self)
        age_row.addWidget(self._birth_label)
        age_row.addWidget(self.offender_birth)
        age_row.addStretch(1)
        form.addRow(self._age_label, age_row)
        self._stage_label = QLabel(_("Already with the police, prosecutor or a court?"), self)
        form.addRow(self._stage_label, self.stage)
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Facts"), self.facts)
        self._incident_label = QLabel(_("Date of the incident"), self)
        form.addRow(self._incident_label, self.incident)
        self._form = form
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.panel)
        layout.addWidget(self.errors)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.matter.currentIndexChanged.connect(self.update_eligibility)
        self.amount.textChanged.connect(self.update_eligibility)
        self.no_money.toggled.connect(self._no_money_toggled)
        self.offender_age.textChanged.connect(self.update_eligibility)
        self.offender_birth.dateChanged.connect(self.update_eligibility)
        self.offender_birth.line.textChanged.connect(self.update_eligibility)
        self.incident.dateChanged.connect(self.update_eligibility)
        self.incident.line.textChanged.connect(self.update_eligibility)
        self.stage.currentIndexChanged.connect(self.update_eligibility)
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
            self.no_money,
            self.offender_age,
            self.offender_birth,
            self.stage,
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

    def age_value(self) -> tuple[int | None, str | None]:
        """The typed age (Thai digits too), or an error; empty is "not entered"."""
        text = self.offender_age.text().translate(THAI_DIGITS).replace("ปี", "").strip()
        if not text:
            return None, None
        if not text.isdigit() or int(text) > cases.MAX_AGE:
            return None, _("Type the age in whole years, for example 35.")
        return int(text), None

    def current_stage(self) -> CriminalStage | None:
        data = self.stage.currentData()
        return CriminalStage(data) if data else None

    def eligibility(self) -> Eligibility:
        kind, category = self.current_kind(), self.current_category()
        criminal = kind is CaseKind.DISPUTE and category is CaseCategory.CRIMINAL
        return cases.assess_eligibility(
            cases.CaseInput(
                kind,
                "",
                dt.date.today(),
                category=category,
                matter_code=self.current_matter(),
                amount_satang=self.amount.satang(),
                incident_on=self.incident.date() if self.incident.error() is None else None,
                no_money_value=self.no_money.isChecked(),
                offender_age=self.age_value()[0] if criminal else None,
                offender_birth_date=(
                    self.offender_birth.date()
                    if criminal and self.offender_birth.error() is None
                    else None
                ),
                criminal_stage=self.current_stage() if criminal else None,
            )
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

    def _category_changed(self, _index: int = 0, *, keep: str | None = None) -> None:
        previous = keep or self.matter.currentData()
        self.matter.blockSignals(True)
        self.matter.clear()
        category = self.current_category()
        rules = config.mediation_rules()
        matters = rules.offered(category)
        self.matter.addItem(_("— choose —") if matters else "", None)
        for code, matter in matters.items():
            self.matter.addItem(matter.label(), code)
        retired = rules.matters_for(category).get(previous or "")
        if retired is not None and previous not in matters:  # an older record's matter
            self.matter.addItem(retired.label(), previous)
        combo_select(self.matter, previous)
        self.matter.blockSignals(False)
        dispute = self.current_kind() is CaseKind.DISPUTE
        civil = dispute and category is CaseCategory.CIVIL
        criminal = dispute and category is CaseCategory.CRIMINAL
        self._no_money_row.setVisible(civil)
        for row_label in (self._age_label, self._stage_label):
            self._form.setRowVisible(row_label, criminal)
        self._incident_label.setText(
            _("Date of the offence") if criminal else _("Date of the incident")
        )
        self.update_eligibility()

    def _no_money_toggled(self, checked: bool) -> None:
        if checked:
            self.amount.clear()
        self.amount.setEnabled(not checked and self.current_kind() is CaseKind.DISPUTE)
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
                ("offender_age", self.age_value()[1]),
                ("offender_birth_date", self.offender_birth.error()),
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
            no_money_value=self.no_money.isChecked(),
            offender_age=self.age_value()[0],
            offender_birth_date=self.offender_birth.date(),
            criminal_stage=self.current_stage(),
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
            self._category_changed(keep=detail.matter_code)
            self.no_money.setChecked(detail.no_money_value)
            self.amount.set_satang(detail.amount_satang)
            self.offender_age.setText(
                "" if detail.offender_age is None else str(detail.offender_age)
            )
            self.offender_birth.setDate(detail.offender_birth_date)
            combo_select(self.stage, detail.criminal_stage.value if detail.criminal_stage else None)
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
            self.no_money.setChecked(False)
            self.offender_age.clear()
            self.offender_birth.setDate(None)
            self.stage.setCurrentIndex(0)
            self.subject.clear()
            self.facts.clear()
            self.incident.setDate(None)
            self.clear_errors()
        self.dirty = False


def with_parties(data: CaseInput, parties: tuple[cases.PartyInput, ...]) -> CaseInput:
    return dataclasses.replace(data, parties=parties)
