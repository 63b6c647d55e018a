"""One case: its number, status and legal deadlines, the next steps as buttons (only those the
case flow allows), print buttons, and tabs for the intake data, parties, mediators, sessions,
outcome and history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Actor, Permission
from justice_desk.domain.case_flow import CaseAction, Prerequisite
from justice_desk.domain.eligibility import Verdict
from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.domain.prosecution import ProsecutionRight
from justice_desk.i18n import _
from justice_desk.services import cases
from justice_desk.services.cases import CaseDetail
from justice_desk.ui import dialogs
from justice_desk.ui.case_actions import ActionDialog
from justice_desk.ui.case_form import CaseFieldsForm
from justice_desk.ui.case_outcome import (
    CertificateSection,
    ComplianceSection,
    PaymentsSection,
    SettlementSection,
)
from justice_desk.ui.case_parties import CasePartiesSection
from justice_desk.ui.case_printing import DOCUMENTS, print_case_document
from justice_desk.ui.case_sessions import MediatorsSection, SessionsSection
from justice_desk.ui.case_widgets import (
    WARNING_STYLE,
    FormSection,
    attempt,
    baht_text,
    long_date,
    make_table,
    short_date,
)
from justice_desk.ui.context import AppContext
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.role_gate import apply_gates, case_work_reason, gate
from justice_desk.ui.widgets.fit import (
    FlowLayout,
    scaled_font,
    scroll_area,
    text_lines,
    text_width,
)
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:  # imported when a print button is pressed, not with the page
    from justice_desk.ui.print_preview import PreviewTask

SOON_DAYS = 30  # a deadline this close is shown in red


def DEADLINES_HELP() -> str:  # noqa: N802 - reads as the constant text it is
    """The tooltip of the deadlines box: what each deadline of the law means (the user guide,
    chapter mediation, explains the same)."""
    return _(
        "§6: when mediation ends without agreement, the limitation period runs on for 60 days "
        "after that day, so the applicant can still go to court or to the police.\n"
        "§32: if the agreement is not kept, a party may petition the court to enforce it "
        "within 3 years of the agreement.\n"
        "Compensation: a victim claims it from the Rights and Liberties Protection Department "
        "within 1 year of knowing of the offence.\n"
        "Dates are in the Buddhist Era; a date within 30 days is shown in red."
    )


ANSWER_STYLE = "background: #fff8e1; color: #5d4037; padding: 6px;"
OPEN_STATUS_STYLE = "background: #e3f2fd; color: #0d47a1;"
DONE_STATUS_STYLE = "background: #eeeeee; color: #333;"


class CaseEditSection(CaseFieldsForm):
    """The intake data of a recorded case, editable; saving re-runs the eligibility check."""

    def __init__(
        self, ctx: AppContext, view: CaseDetailView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, offer_refer=False)
        self.ctx = ctx
        self.view = view
        self.detail: CaseDetail | None = None
        self.save_button = QPushButton(_("Save changes to the case"), self)
        self.save_button.setObjectName("saveCaseButton")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addLayout(row)
        layout.addStretch(1)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        if not self.dirty:
            super().load(detail)

    def save(self) -> bool:
        if self.detail is None:
            return True
        data = self.case_input()
        if data is None:
            return False
        ok, saved = self.attempt(
            cases.update_case, self.ctx.db, self.detail.id, data, expected_rev=self.detail.rev
        )
        if ok:
            self.dirty = False
            self.view.section_changed(saved.record)
            self.view.show_messages(saved.warnings)
        return ok

    def discard(self) -> None:
        self.dirty = False
        if self.detail is not None:
            super().load(self.detail)


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class CaseDetailView(QWidget):
    """Shows one case; every change goes through a service and the case is shown again."""

    changed = Signal(object)  # CaseDetail after a write: the page refreshes its list
    back_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: CaseDetail | None = None
        #: (case id and rev, the people who mediate it): asked of mediator accounts only
        self._mediator_people: tuple[object, set[uuid.UUID | None]] = (None, set())
        self.action_dialog: ActionDialog | None = None
        self.last_print: PreviewTask | None = None  # the last print button pressed

        self.back_button = QPushButton("← " + _("Back to the list"), self)
        self.back_button.setObjectName("backToListButton")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.number = QLabel(self)
        self.number.setObjectName("caseNumber")
        scaled_font(self.number, 1.5)
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.kind = ThaiLabel("", self)
        self.subject = ThaiLabel("", self)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messages = ThaiLabel("", self)
        self.messages.setObjectName("caseMessages")
        self.messages.setStyleSheet(WARNING_STYLE)
        self.messages.setVisible(False)
        self.eligibility_warning = ThaiLabel("", self)
        self.eligibility_warning.setObjectName("eligibilityWarning")
        self.eligibility_warning.setStyleSheet("color: #c62828; font-weight: bold;")

        top = FlowLayout()
        top.add_widget(self.back_button)
        top.add_widget(self.number)
        top.add_widget(self.status)
        top.add_widget(self.kind)

        self.deadlines_box = QGroupBox(_("Deadlines"), self)
        self.deadlines_box.setToolTip(DEADLINES_HELP())
        self.deadlines = QGridLayout(self.deadlines_box)
        self.deadlines.setColumnStretch(1, 1)

        self.actions_box = QGroupBox(_("Next steps"), self)
        actions_v = QVBoxLayout(self.actions_box)
        self.actions_row = QWidget(self.actions_box)
        self.actions_layout = FlowLayout(self.actions_row)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_v.addWidget(self.actions_row)
        self.action_buttons: dict[CaseAction, QPushButton] = {}
        self.no_actions = ThaiLabel(_("No further step: the case is closed."), self.actions_row)
        # What a step offered but not yet possible waits for, and a button to where it is done.
        self.step_hint = ThaiLabel("", self.actions_box)
        self.step_hint.setObjectName("stepHint")
        self.step_hint.setStyleSheet("color: #5d4037;")
        self.step_hint_button = QPushButton(self.actions_box)
        self.step_hint_button.setObjectName("stepHintButton")
        self.step_hint_button.clicked.connect(self._open_hinted_tab)
        self._hinted_tab = "mediators"
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.step_hint_button)
        hint_row.addStretch(1)
        actions_v.addWidget(self.step_hint)
        actions_v.addLayout(hint_row)

        self.print_box = QGroupBox(_("Print"), self)
        print_row = FlowLayout(self.print_box)
        print_row.setContentsMargins(9, 9, 9, 9)
        self.print_buttons: dict[str, QPushButton] = {}
        for doc in DOCUMENTS:
            button = QPushButton(_(doc.title), self.print_box)
            button.setObjectName(f"print_{doc.key}")
            button.clicked.connect(self._printer(doc.key))
            self.print_buttons[doc.key] = button
            print_row.add_widget(button)

        # -- tabs
        self.case_form = CaseEditSection(ctx, self)
        self.parties = CasePartiesSection(ctx, self.section_changed, self.show_messages)
        self.mediators = MediatorsSection(ctx, self.section_changed)
        self.sessions = SessionsSection(ctx, self.section_changed)
        self.settlement = SettlementSection(
            ctx,
            self.section_changed,
            on_print=lambda: self.print_document("agreement"),
            on_signed=lambda: self.start_action(CaseAction.SETTLE),
            on_open_mediators=lambda: self.open_tab_at("mediators"),
        )
        self.payments = PaymentsSection(ctx, self.section_changed)
        self.certificate = CertificateSection(ctx, self.section_changed)
        self.compliance = ComplianceSection(ctx, self.section_changed)
        outcome = QWidget()
        ov = QVBoxLayout(outcome)
        self.outcome_summary = ThaiLabel("", outcome)
        ov.addWidget(self.outcome_summary)
        for section in (self.settlement, self.payments, self.certificate, self.compliance):
            ov.addWidget(section)
        ov.addStretch(1)
        self.events_model = ListTableModel(
            [
                Column(_("Date"), lambda e: short_date(e.occurred_on)),
                Column(_("Step"), lambda e: e.action.label()),
                Column(_("Status became"), lambda e: e.to_status.label()),
                Column(_("Note"), lambda e: e.note or ""),
            ],
            self,
        )
        # The office's answer to an escalated case: its own record, read-only here (sync.md §12).
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        self.province_answer = ThaiLabel("", history)
        self.province_answer.setObjectName("provinceAnswer")
        self.province_answer.setStyleSheet(ANSWER_STYLE)
        self.province_answer.setTextFormat(Qt.TextFormat.PlainText)  # the office's own words
        self.province_answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.province_answer.setVisible(False)
        history_layout.addWidget(self.province_answer)
        history_layout.addWidget(make_table(self.events_model, history), 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseTabs")
        self.tab_index = {
            "case": self.tabs.addTab(_scroll(self.case_form), _("Case")),
            "parties": self.tabs.addTab(self.parties, _("Parties")),
            "mediators": self.tabs.addTab(_scroll(self.mediators), _("Mediators")),
            "sessions": self.tabs.addTab(_scroll(self.sessions), _("Sessions")),
            "outcome": self.tabs.addTab(_scroll(outcome), _("Outcome")),
            "history": self.tabs.addTab(history, _("History")),
        }
        self.sections: dict[str, list[FormSection]] = {
            "case": [self.case_form],
            "parties": [self.parties],
            "mediators": [self.mediators],
            "sessions": [self.sessions],
            "outcome": [self.settlement, self.payments, self.certificate, self.compliance],
            "history": [],
        }

        self._gate_buttons()

        content = QWidget(self)
        header = QVBoxLayout()
        header.addLayout(top)
        header.addWidget(self.subject)
        header.addWidget(self.eligibility_warning)
        header.addWidget(self.messages)
        # Deadlines beside the steps when there is room, above them when not (large text); as
        # tall as their text (beside the steps the box was stretched to their height, one line
        # of text in the middle of a tall empty box).
        middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.middle = middle
        middle.addWidget(self.deadlines_box, 3, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addWidget(self.actions_box)
        right.addWidget(self.print_box)
        right.addStretch(1)
        middle.addLayout(right, 4)
        inner = QVBoxLayout(content)
        inner.addLayout(header)
        inner.addLayout(middle)
        # The tabs keep room for a dozen lines; below that the whole case scrolls, so that the
        # steps, the deadlines and every tab stay within reach on a short screen (§15).
        self.tabs.setMinimumHeight(text_lines(self.tabs, 14))
        inner.addWidget(self.tabs, 1)
        self.scroll_box = scroll_area(content, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_box)

    # -- who may use the buttons ----------------------------------------------------------------

    def _gate_buttons(self) -> None:
        """The buttons that change the case are disabled, saying why, for a role that may not
        work on it — a viewer, a secretary, a mediator on a case they do not mediate — and the
        print buttons for a role that may not print (ui/role_gate.py; the services refuse all
        the same). They follow the case shown and the person signed in."""
        works = self.may_work_on_case
        writes: list[QPushButton] = [
            self.case_form.save_button,
            self.parties.remove_button,
            self.parties.picker.add_existing,
            self.mediators.assign_button,
            self.sessions.add_button,
            self.settlement.save_button,
            self.settlement.signed_button,
            self.settlement.instalments.add_button,
            self.settlement.instalments.remove_button,
            self.payments.pay_button,
            self.certificate.save_button,
            self.compliance.add_button,
        ]
        for button in writes:
            gate(button, self.ctx, rule=works)
        # A new person is written to the register first: the people permission as well.
        gate(self.parties.picker.add_new, self.ctx, Permission.PEOPLE, rule=works)
        for button in [*self.print_buttons.values(), self.settlement.print_button]:
            gate(button, self.ctx, Permission.PRINT)

    def may_work_on_case(self, actor: Actor) -> str:
        """Why ``actor`` may not change the case shown ("" when they may)."""
        return case_work_reason(actor, lambda: self._mediates(actor))

    def _mediates(self, actor: Actor) -> bool:
        detail = self.detail
        if detail is None or actor.person_id is None or not detail.mediators:
            return False
        key = (detail.id, detail.rev)
        if self._mediator_people[0] != key:
            from justice_desk.services import people

            registered = {m.id: m.person_id for m in people.list_mediators(self.ctx.db)}
            self._mediator_people = (
                key,
                {registered.get(m.mediator_id) for m in detail.mediators} - {None},
            )
        return actor.person_id in self._mediator_people[1]

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._arrange_middle()

    def _arrange_middle(self) -> None:
        """Side by side only when both halves fit the width without scrolling sideways."""
        room = self.scroll_box.viewport().width()
        side = (
            self.deadlines_box.minimumSizeHint().width()
            + max(self.actions_box.minimumSizeHint().width(), self.print_box.sizeHint().width())
            + text_width(self, 6)
        )
        direction = (
            QBoxLayout.Direction.LeftToRight if side <= room else QBoxLayout.Direction.TopToBottom
        )
        if self.middle.direction() != direction:
            self.middle.setDirection(direction)

    # -- showing a case -------------------------------------------------------------------------

    def open_case(self, case_id: uuid.UUID) -> bool:
        """Show ``case_id`` afresh (anything typed for another case is dropped: ask first)."""
        ok, detail = attempt(self, cases.get_case, self.ctx.db, case_id)
        if not ok:
            return False
        for section in self.all_sections():
            section.dirty = False
        self.parties.picker.clear_new_person()
        self.messages.setVisible(False)
        self.show_detail(detail)
        self.tabs.setCurrentIndex(self.tab_index["case"])
        return True

    def reload(self) -> None:
        if self.detail is not None:
            ok, detail = attempt(self, cases.get_case, self.ctx.db, self.detail.id)
            if ok:
                self.show_detail(detail)

    def section_changed(self, detail: CaseDetail) -> None:
        """A section wrote something: show the case as it is now and tell the page."""
        self.messages.setVisible(False)
        self.show_detail(detail)
        self.changed.emit(detail)

    def show_detail(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.number.setText(_("Case {number}").format(number=detail.number))
        self.status.setText(" " + detail.status.label() + " ")
        self.status.setStyleSheet(OPEN_STATUS_STYLE if detail.status.is_open else DONE_STATUS_STYLE)
        self.kind.setText(
            detail.kind.label()
            + (
                f" · {detail.category.label()}"
                if detail.kind is CaseKind.DISPUTE and detail.category.value != "none"
                else ""
            )
        )
        received = _("received {date}").format(date=long_date(detail.received_on))
        self.subject.setText(f"<b>{_escape(detail.subject)}</b> — {received}")
        is_dispute = detail.kind is CaseKind.DISPUTE
        not_mediable = (
            is_dispute
            and not detail.eligibility.mediable
            and detail.status in (CaseStatus.RECEIVED, CaseStatus.AWAITING_CONSENT)
        )
        self.eligibility_warning.setVisible(not_mediable)
        mark = "✖ " if detail.eligibility.verdict is Verdict.NO else "⚠ "
        self.eligibility_warning.setText(mark + detail.eligibility.reason if not_mediable else "")
        self._show_deadlines(detail)
        self._show_actions(detail)
        self._show_print_buttons(detail)
        self.tabs.setTabVisible(self.tab_index["mediators"], is_dispute)
        self.tabs.setTabVisible(self.tab_index["outcome"], is_dispute)
        self.tabs.setTabText(
            self.tab_index["parties"], _("Parties ({count})").format(count=len(detail.parties))
        )
        self.tabs.setTabText(
            self.tab_index["sessions"], _("Sessions ({count})").format(count=len(detail.sessions))
        )
        self.tabs.setTabText(
            self.tab_index["mediators"],
            _("Mediators ({count})").format(count=len(detail.mediators)),
        )
        for section in self.all_sections():
            section.load(detail)
        self.events_model.set_rows(detail.events)
        self._show_province_answer(detail)
        self._show_outcome_summary(detail)
        apply_gates(self, self.ctx.db.actor)  # this case: may the person work on it?
        self._arrange_middle()

    def _show_province_answer(self, detail: CaseDetail) -> None:
        answer = detail.escalation_answer
        self.province_answer.setVisible(answer is not None)
        if answer is None:
            self.province_answer.setText("")
            return
        lines = [
            _("The Provincial Justice Office answered on {date}: {decision}").format(
                date=long_date(answer.answered_on), decision=answer.decision_label
            )
        ]
        if answer.agency:
            lines.append(_("Referred to: {agency}").format(agency=answer.agency))
        lines.append(_("Note: {note}").format(note=answer.note))
        if answer.officer:
            lines.append(_("Officer: {name}").format(name=answer.officer))
        self.province_answer.setText("\n".join(lines))

    def _show_deadlines(self, detail: CaseDetail) -> None:
        while self.deadlines.count():
            item = self.deadlines.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        d = detail.deadlines
        rows: list[tuple[str, dt.date, str]] = []
        effect = detail.prosecution  # §35 ¶2, §37, §69 ¶2: a settled criminal dispute
        if effect.state is not ProsecutionRight.NOT_APPLICABLE:
            title, text = _("Right to prosecute"), _(effect.message)
            right = ThaiLabel(f"<b>{_escape(title)}</b><br>{_escape(text)}", self.deadlines_box)
            right.setObjectName("prosecutionEffect")
            right.setStyleSheet("" if effect.ended else "color: #c62828;")
            self.deadlines.addWidget(right, 100, 0, 1, 2)
            right.show()
        if d.limitation_extended_until:
            rows.append(
                (
                    _("Limitation extended until"),
                    d.limitation_extended_until,
                    _(
                        "Mediation ended without agreement on {date}. §6: "
                        "the limitation period runs on for 60 days after that, "
                        "so the applicant can still go to court or to the police until this date."
                    ).format(date=long_date(detail.mediation_ended_on)),
                )
            )
        if d.enforcement_deadline:
            rows.append(
                (
                    _("Enforcement petition by"),
                    d.enforcement_deadline,
                    _(
                        "If the agreement is not kept, a party may petition the court to enforce "
                        "it within 3 years of the agreement (§32)."
                    ),
                )
            )
        # The compensation claim applies to victims seeking compensation,
        # not to other kinds of case.
        if d.compensation_claim_deadline and detail.kind is CaseKind.VICTIM_COMPENSATION:
            rows.append(
                (
                    _("Compensation claim by"),
                    d.compensation_claim_deadline,
                    _(
                        "A victim must claim compensation from the Rights and Liberties Protection "
                        "Department within 1 year of knowing of the offence."
                    ),
                )
            )
        if not rows:
            empty = ThaiLabel(
                _(
                    "No legal deadline runs for this case yet. Deadlines appear here when "
                    "mediation fails (60 days, §6), when an agreement is made (3 years, §32), "
                    "or for a compensation claim (1 year)."
                ),
                self.deadlines_box,
            )
            empty.setStyleSheet("color: #555;")
            self.deadlines.addWidget(empty, 0, 0, 1, 2)
            empty.show()
            return
        today = dt.date.today()
        for i, (title, day, why) in enumerate(rows):
            date_label = ThaiLabel(
                f"<b>{_escape(title)}</b><br>{_escape(long_date(day))}", self.deadlines_box
            )
            date_label.setObjectName(f"deadline{i}")
            if today <= day <= today + dt.timedelta(days=SOON_DAYS):
                date_label.setStyleSheet("color: #c62828;")
            elif day < today:
                date_label.setStyleSheet("color: #777;")
            explanation = ThaiLabel(why, self.deadlines_box)
            self.deadlines.addWidget(date_label, i, 0, Qt.AlignmentFlag.AlignTop)
            self.deadlines.addWidget(explanation, i, 1)
            date_label.show()
            explanation.show()

    def _show_actions(self, detail: CaseDetail) -> None:
        for button in self.action_buttons.values():
            self.actions_layout.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        self.actions_layout.removeWidget(self.no_actions)
        hint: tuple[str, str, str] | None = None
        for action in detail.allowed_actions:
            button = QPushButton(action.label(), self.actions_row)
            button.setObjectName(f"action_{action.value}")
            button.clicked.connect(self._starter(action))
            missing = detail.missing_before(action)
            if missing:  # offered, but it waits for something: greyed out, and said why
                hint = hint or _missing_hint(missing[0])
                button.setEnabled(False)
                button.setToolTip(hint[0])
            gate(button, self.ctx, rule=self.may_work_on_case)
            self.actions_layout.add_widget(button)
            button.show()  # a layout shows new children of a visible widget only later
            self.action_buttons[action] = button
        self.no_actions.setVisible(not detail.allowed_actions)
        if not detail.allowed_actions:
            self.actions_layout.add_widget(self.no_actions)
        self.step_hint.setVisible(hint is not None)
        self.step_hint_button.setVisible(hint is not None)
        if hint is not None:
            text, button_text, self._hinted_tab = hint
            self.step_hint.setText(text)
            self.step_hint_button.setText(button_text)

    def _open_hinted_tab(self) -> None:
        self.open_tab_at(self._hinted_tab)

    def open_tab_at(self, key: str) -> None:
        """Show the tab where the next thing is done, scrolled to its form, the cursor in its
        first field (the form is below the fold on a laptop screen)."""
        self.tabs.setCurrentIndex(self.tab_index[key])
        target: QWidget = self.tabs.currentWidget()
        if key == "mediators":
            target = self.mediators.mediator
        elif key == "outcome":
            s = self.settlement  # the terms, or what they wait for (a mediator) and its button
            target = s.terms if s.terms.isEnabled() else s.mediators_button
        area = self.tabs.currentWidget()
        if isinstance(area, QScrollArea) and area.isAncestorOf(target):
            area.ensureWidgetVisible(target)
        self.scroll_box.ensureWidgetVisible(target, 50, 120)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_steps(self) -> None:
        """After a step's dialog: the keyboard is back on the steps (their buttons were made
        anew, so the one pressed is gone)."""
        button = next((b for b in self.action_buttons.values() if b.isEnabled()), None)
        if button is not None and self.isVisible():
            button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_print_buttons(self, detail: CaseDetail) -> None:
        is_dispute = detail.kind is CaseKind.DISPUTE
        available = {
            "intake": (True, ""),
            "agreement": (
                detail.settlement is not None,
                _("Record the settlement agreement first."),
            ),
            "unsettled": (
                detail.deadlines.limitation_extended_until is not None,
                _("Only when mediation ended without agreement."),
            ),
            "referral": (
                detail.referral_target is not None,
                _("Only when the case was referred to another agency."),
            ),
        }
        for key, button in self.print_buttons.items():
            enabled, why = available[key]
            button.setVisible(is_dispute or key in ("intake", "referral"))
            button.setEnabled(enabled)
            button.setToolTip("" if enabled else why)

    def _show_outcome_summary(self, detail: CaseDetail) -> None:
        parts = []
        if detail.outcome_on:
            parts.append(
                _("Outcome: {status} on {date}.").format(
                    status=detail.status.label(), date=long_date(detail.outcome_on)
                )
            )
        if detail.settlement and detail.settlement.total_satang:
            parts.append(
                _("Agreed amount: {amount}.").format(
                    amount=baht_text(detail.settlement.total_satang)
                )
            )
        if detail.certificate_no:
            parts.append(
                _("Certificate {number} of {date}.").format(
                    number=detail.certificate_no, date=long_date(detail.certificate_on)
                )
            )
        if detail.referral_target:
            parts.append(
                _("Referred to {agency} on {date}.").format(
                    agency=detail.referral_target, date=long_date(detail.referred_on)
                )
            )
        self.outcome_summary.setText(" ".join(parts))
        self.outcome_summary.setVisible(bool(parts))

    def show_messages(self, messages: list[str]) -> None:
        """Warnings from a save: shown, never blocking."""
        self.messages.setText("\n".join(messages))
        self.messages.setVisible(bool(messages))

    # -- steps ----------------------------------------------------------------------------------

    # Slots for buttons made in a loop: closures without parameters, since ``clicked`` passes
    # ``checked`` to a slot that takes an argument, defaulted or not.
    def _printer(self, key: str) -> Callable[[], object]:
        return lambda: self.print_document(key)

    def _starter(self, action: CaseAction) -> Callable[[], None]:
        return lambda: self.start_action(action)

    def start_action(self, action: CaseAction) -> None:
        """Open the dialog for a step; only steps in ``allowed_actions`` have a button."""
        if self.detail is None or action not in self.detail.allowed_actions:
            return
        if not self.resolve_unsaved():
            return
        detail = self.detail
        self.action_dialog = ActionDialog(
            detail,
            action,
            lambda on, note, target: self._act(action, on, note, target),
            self,
            on_print=lambda: self.print_document("agreement"),
        )
        self.action_dialog.finished.connect(lambda _result: self._focus_steps())
        self.action_dialog.open()

    def _act(self, action: CaseAction, on: dt.date, note: str | None, target: str | None) -> bool:
        assert self.detail is not None and self.action_dialog is not None
        ok, detail = attempt(
            self.action_dialog,
            cases.act,
            self.ctx.db,
            self.detail.id,
            action,
            on=on,
            note=note,
            referral_target=target,
            expected_rev=self.detail.rev,
            section=self.action_dialog.section,
            ctx=self.ctx,
            changes={"cases"},
        )
        if ok:
            self.section_changed(detail)
            if action is CaseAction.SETTLE or action is CaseAction.TERMINATE:
                self.tabs.setCurrentIndex(self.tab_index["outcome"])
        elif action is CaseAction.SETTLE:
            # Refused for want of a mediator or an agreement (another window may have removed
            # it): show the case as it is, with the step's hint and its tab.
            self.reload()
            if self.detail is not None and self.detail.missing_before(action):
                self._open_hinted_tab()
        return ok

    # -- printing -------------------------------------------------------------------------------

    def print_document(self, key: str) -> PreviewTask | None:
        """Build the document in the background, then show its print preview."""
        if self.detail is None:
            return None
        # What is printed is what is saved: an agreement changed on screen is saved first.
        if not self.resolve_unsaved():
            return None
        self.last_print = print_case_document(
            self, self.ctx, self.detail.id, self.detail.number, key
        )
        return self.last_print

    # -- unsaved changes ------------------------------------------------------------------------

    def all_sections(self) -> list[FormSection]:
        return [s for group in self.sections.values() for s in group]

    def dirty_sections(self) -> list[FormSection]:
        return [s for s in self.all_sections() if s.is_dirty()]

    def is_dirty(self) -> bool:
        return bool(self.dirty_sections())

    def save_all(self) -> bool:
        for section in self.dirty_sections():
            if not section.save():
                self._show_section(section)
                return False
        return True

    def save_current(self) -> bool:
        """Ctrl+S: save what was typed on the tab shown."""
        key = next((k for k, i in self.tab_index.items() if i == self.tabs.currentIndex()), "case")
        for section in self.sections.get(key, []):
            if section.is_dirty() and not section.save():
                return False
        return True

    def discard_all(self) -> None:
        for section in self.dirty_sections():
            section.discard()

    def resolve_unsaved(self) -> bool:
        """Ask about unsaved changes; True when it is fine to go on."""
        dirty = self.dirty_sections()
        if not dirty:
            return True
        self._show_section(dirty[0])
        answer = dialogs.ask_save_changes(self)
        if answer == "save":
            return self.save_all()
        if answer == "discard":
            self.discard_all()
            return True
        return False

    def _show_section(self, section: FormSection) -> None:
        for key, group in self.sections.items():
            if section in group:
                self.tabs.setCurrentIndex(self.tab_index[key])


def _missing_hint(missing: Prerequisite) -> tuple[str, str, str]:
    """(what a step waits for, the button's text, the tab it opens)."""
    if missing is Prerequisite.MEDIATOR:
        return (
            _(
                "Before the settlement: assign the mediator the parties chose, on the "
                "Mediators tab. The agreement is made before the mediator, who signs it (§30)."
            ),
            _("Open the Mediators tab"),
            "mediators",
        )
    return (
        _(
            "Before the settlement: write the agreement on the Outcome tab and save it, print "
            "it, and have the parties and the mediator sign the paper."
        ),
        _("Open the Outcome tab"),
        "outcome",
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
