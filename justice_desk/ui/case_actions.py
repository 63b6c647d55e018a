"""Taking the next step of a case: a date, a note, and for a referral the agency.

The detail view offers one button per step the case flow allows (``CaseDetail.allowed_actions``);
this dialog asks for what the step needs and calls the service, staying open if it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
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
        "The parties signed the settlement agreement recorded on the Outcome tab (§30). "
        "It can be enforced through the court within 3 years (§32)."
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
    """``submit(on, note, referral_target) -> bool`` does the work; the dialog closes on success."""

    def __init__(
        self,
        detail: CaseDetail,
        action: CaseAction,
        submit: Callable[[dt.date, str | None, str | None], bool],
        parent: QWidget | None = None,
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
        self.on.setDate(max(dt.date.today(), detail.received_on))
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(_("Optional: what happened, who decided, documents received"))
        self.note.setMaximumHeight(110)
        self.target = QComboBox(self)
        self.target.setEditable(True)
        self.target.addItems(referral_agencies())
        self.target.setCurrentText(
            detail.referral_target or detail.eligibility.referral_label or ""
        )
        self.section.fields = {"on": self.on, "note": self.note, "referral_target": self.target}
        form = QFormLayout()
        form.addRow(_("Date of this step"), self.on)
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
