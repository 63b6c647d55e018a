"""Taking the next step of a case: a date, a note, and for a referral the agency.

The detail view offers one button per step the case flow allows (``CaseDetail.allowed_actions``);
this dialog asks for what the step needs and calls the service, staying open if it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk import config
from justice_desk.domain.case_flow import CaseAction
from justice_desk.i18n import N_, _, language
from justice_desk.services.cases import CaseDetail
from justice_desk.ui.case_widgets import FormSection, date_field
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.widgets.thai_label import ThaiLabel

#: What each step means in law, shown above the fields so the coordinator knows what they record.
EXPLANATIONS = {
    CaseAction.REQUEST_CONSENT: N_(
        "The respondent is asked whether they agree to mediation (§21)."
    ),
    CaseAction.CONSENT_GIVEN: N_(
        "The respondent agreed: mediation starts. "
        "The parties then choose mediators from the center's list."
    ),
    CaseAction.CONSENT_REFUSED: N_(
        "The respondent did not agree: the request is dismissed (§21). "
        "The limitation period is not extended."
    ),
    CaseAction.SETTLE: N_(
        "Record this once the parties and the mediator have signed the printed settlement "
        "agreement (§30); if it is not printed yet, print it first and have it signed. The case "
        "is then settled, and the agreement can be enforced through the court within 3 years "
        "(§32)."
    ),
    CaseAction.WITHDRAW: N_(
        "The applicant withdrew the request in writing (§27). "
        "Keep the written withdrawal with the file."
    ),
    CaseAction.TERMINATE: N_(
        "The mediator ends the mediation without agreement (§31). "
        "Limitation runs on for 60 days after this date (§6)."
    ),
    CaseAction.TAKE_UP: N_("The center starts working on the request."),
    CaseAction.COMPLETE: N_("The help asked for was given."),
    CaseAction.REFER: N_(
        "The case goes to the agency named below; a referral letter can be printed."
    ),
    CaseAction.ESCALATE: N_("The case goes to the Provincial Justice Office, which follows it up."),
    CaseAction.CLOSE: N_("Nothing more is to be done; the case is closed."),
}


def referral_agencies() -> list[str]:
    """The agencies named in the mediation rules, in the user's language, for the referral box."""
    rules = config.mediation_rules()
    return [
        labels.get(language()) or labels.get("th", code) for code, labels in rules.referrals.items()
    ]


class ActionDialog(QDialog):
    """``submit(on, note, referral_target) -> bool`` does the work; the dialog closes on success.

    "Settled" is recorded after the agreement was printed and signed on paper: the dialog asks
    for the day it was signed and for a tick that it was, and offers to print it (``on_print``)
    for a coordinator who has not yet."""

    def __init__(
        self,
        detail: CaseDetail,
        action: CaseAction,
        submit: Callable[[dt.date, str | None, str | None], bool],
        parent: QWidget | None = None,
        *,
        on_print: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseActionDialog")
        self.action = action
        self._submit = submit
        self.setWindowTitle(
            _("Case {number}: {action}").format(number=detail.number, action=action.label())
        )
        self.section = FormSection(self)  # field errors only: its message label goes in the layout
        self.section.setVisible(False)
        explanation = ThaiLabel(_(EXPLANATIONS[action]), self)
        self.on = date_field(self, required=True)
        self.on.setDate(_default_day(detail, action))
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)  # Tab moves on (a keyboard user was stuck here)
        self.note.setPlaceholderText(_("Optional: what happened, who decided, documents received"))
        self.note.setMaximumHeight(110)
        self.target = QComboBox(self)
        self.target.setEditable(True)
        self.target.addItems(referral_agencies())
        self.target.setCurrentText(
            detail.referral_target or detail.eligibility.referral_label or ""
        )
        settling = action is CaseAction.SETTLE
        self.signed = QCheckBox(
            _("The parties and the mediator have signed the printed agreement"), self
        )
        self.signed.setObjectName("agreementSignedCheck")
        self.print_button = QPushButton(_("Print the agreement for signing…"), self)
        self.print_button.setObjectName("printAgreementFromStep")
        self.print_button.setAutoDefault(False)
        if on_print is not None:
            self.print_button.clicked.connect(lambda: on_print())
        self.section.fields = {
            "on": self.on,
            "note": self.note,
            "referral_target": self.target,
            "signed": self.signed,
        }
        form = QFormLayout()
        form.addRow(_("Signed on") if settling else _("Date of this step"), self.on)
        if settling:
            row = QHBoxLayout()
            row.addWidget(self.print_button)
            row.addStretch(1)
            form.addRow("", row)
            form.addRow("", self.signed)
        else:
            self.signed.setVisible(False)
            self.print_button.setVisible(False)
        self.print_button.setVisible(settling and on_print is not None)
        if action is CaseAction.REFER:
            form.addRow(_("Referred to"), self.target)
        else:
            self.target.setVisible(False)
        form.addRow(_("Note"), self.note)
        self.buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        )
        self.ok_button = self.buttons.addButton(
            _("Record this step"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("confirmActionButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel("<b>" + action.label() + "</b>", self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.section.errors)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def confirm(self) -> None:
        target = self.target.currentText().strip() if self.action is CaseAction.REFER else None
        checks = [("on", self.on.error())]
        if self.action is CaseAction.SETTLE and not self.signed.isChecked():
            checks.append(
                (
                    "signed",
                    _(
                        "Print the agreement and have the parties and the mediator sign it "
                        "first; then tick that they signed."
                    ),
                )
            )
        if self.action is CaseAction.REFER:
            checks.append(
                (
                    "referral_target",
                    None if target else _("Say which agency the case is referred to."),
                )
            )
        if not self.section.check_fields(checks):
            return
        on = self.on.date()
        assert on is not None
        if self._submit(on, self.note.toPlainText().strip() or None, target):
            super().accept()

    def accept(self) -> None:  # Enter: the same as the button
        self.confirm()


def _default_day(detail: CaseDetail, action: CaseAction) -> dt.date:
    """Today, or for "settled" the day of the agreement (usually the day it is signed); never
    before the case was received or its last step was taken."""
    today = dt.date.today()
    day = today
    if action is CaseAction.SETTLE and detail.settlement is not None:
        day = min(detail.settlement.agreed_on, today)
    return max(day, detail.received_on, *(e.occurred_on for e in detail.events))
