"""Taking in a case (Ctrl+N): the intake fields with the live eligibility check, and the parties.

A matter a people's-sector center may not mediate says why, citing the rule, and offers to
record the case and refer it to the suggested agency in one step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.i18n import _
from justice_desk.services import cases, people
from justice_desk.services.cases import CaseDetail
from justice_desk.ui import dialogs
from justice_desk.ui.case_form import CaseFieldsForm, with_parties
from justice_desk.ui.case_parties import PartyPicker, PendingParty
from justice_desk.ui.case_widgets import attempt, make_table, selected_object
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.widgets.fit import scroll_area, text_lines, text_width
from justice_desk.ui.widgets.thai_label import ThaiLabel


class CaseIntakeDialog(QDialog):
    """Fill in, then "Take in the case" (or "Take in and refer"). ``taken_in`` carries the new
    case and the warnings to show; the dialog closes itself once the case is written."""

    taken_in = Signal(object, object)  # CaseDetail, list[str] warnings

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("caseIntakeDialog")
        self.setWindowTitle(_("Take in a new case"))
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        # Laptops at the centers are often 1366×768: never open wider or taller than the
        # screen; with larger text, wider (up to the screen) so the fields keep their room.
        wide, tall = max(1100, text_width(self, 100)), max(760, text_lines(self, 30))
        self.resize(
            min(wide, int(screen.width() * 0.95)) if screen else wide,
            min(tall, int(screen.height() * 0.92)) if screen else tall,
        )
        self.pending: list[PendingParty] = []
        self.result_detail: CaseDetail | None = None
        self.warnings: list[str] = []

        self.form = CaseFieldsForm(self, offer_refer=True)
        self.form.panel.refer_requested.connect(self.take_in_and_refer)
        left = QScrollArea(self)
        left.setWidgetResizable(True)
        holder = QWidget()
        lv = QVBoxLayout(holder)
        lv.addWidget(self.form)
        lv.addStretch(1)
        left.setWidget(holder)

        parties_box = QGroupBox(_("Parties"), self)
        self.parties_model = ListTableModel(
            [
                Column(_("Name"), lambda p: p.name),
                Column(_("Side"), lambda p: p.side.label()),
                Column(
                    _("Record"),
                    lambda p: _("new, saved with the case") if p.is_new else _("registered"),
                ),
            ],
            self,
        )
        self.parties_table = make_table(self.parties_model, parties_box)
        self.remove_party_button = QPushButton(_("Remove from the list"), parties_box)
        self.remove_party_button.clicked.connect(self.remove_selected_party)
        self.picker = PartyPicker(ctx, parties_box)
        self.picker.picked.connect(self.add_pending)
        self.parties_hint = ThaiLabel(
            _(
                "A dispute needs at least one applicant and one respondent before the respondent "
                "is asked for consent."
            ),
            parties_box,
        )
        self.parties_hint.setStyleSheet("color: #555;")
        self.parties_table.setMaximumHeight(text_lines(self.parties_table, 7))
        pv = QVBoxLayout(parties_box)
        pv.addWidget(self.parties_table)
        pv.addWidget(self.parties_hint)
        pv.addWidget(self.remove_party_button, 0, Qt.AlignmentFlag.AlignRight)
        pv.addWidget(self.picker, 1)

        # Both halves scroll down when the screen is short (large text; §15), and they stand
        # one above the other when the dialog is too narrow for them side by side (the largest
        # text sizes): the fields are never cut at the right edge.
        self.halves = (holder, parties_box)
        self.split = split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(scroll_area(parties_box))
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)

        self.buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        )
        self.save_button = self.buttons.addButton(
            _("Take in the case"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("takeInButton")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(_("Record the case with the next number of the year (Ctrl+S)"))
        self.save_button.clicked.connect(self.take_in)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.take_in)

        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)
        self.form.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    # -- the two halves -------------------------------------------------------------------------

    def _needs(self) -> list[int]:
        """The width each half needs whole: its form, the scroll area's frame and bar."""
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        needs = []
        for index, half in enumerate(self.halves):
            area = self.split.widget(index)
            frame = 2 * area.frameWidth() if isinstance(area, QScrollArea) else 0
            needs.append(half.minimumSizeHint().width() + frame + bar + 2)
        return needs

    def side_by_side_width(self) -> int:
        """How wide the halves need to be side by side, the divider included."""
        return sum(self._needs()) + self.split.handleWidth()

    def _arrange_halves(self) -> None:
        across = self.side_by_side_width() <= self.split.width()
        wanted = Qt.Orientation.Horizontal if across else Qt.Orientation.Vertical
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            size = self.split.width() if across else self.split.height()
            self.split.setSizes([size // 2, size - size // 2])
        if across:
            # Side by side, each half has at least what it needs; the rest is shared.
            needs, sizes = self._needs(), self.split.sizes()
            if any(size < need for size, need in zip(sizes, needs, strict=True)):
                spare = self.split.width() - self.split.handleWidth() - sum(needs)
                self.split.setSizes([needs[0] + spare // 2, needs[1] + spare - spare // 2])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        """Enter takes the case in only from the button itself: pressed in the party search or
        a field, it would record a case before its parties were added (Ctrl+S saves)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
            self.focusWidget(), QPushButton
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._arrange_halves()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "split"):
            self._arrange_halves()

    # -- parties --------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        is_dispute = self.form.current_kind() is CaseKind.DISPUTE
        self.parties_hint.setVisible(is_dispute)

    def add_pending(self, party: PendingParty) -> None:
        if party.person_id is not None and any(
            p.person_id == party.person_id for p in self.pending
        ):
            self.picker.check_fields(
                [("person_id", _("This person is already a party to the case."))]
            )
            return
        self.pending.append(party)
        self.parties_model.set_rows(self.pending)
        if party.is_new:
            self.picker.clear_new_person()
        # The usual order is applicant first, then respondent: offer the other side next.
        if party.side is PartySide.APPLICANT and not any(
            p.side is PartySide.RESPONDENT for p in self.pending
        ):
            self.picker.set_side(PartySide.RESPONDENT)

    def remove_selected_party(self) -> None:
        party = selected_object(self.parties_table)
        if party is None:
            return
        self.pending = [p for p in self.pending if p is not party]
        self.parties_model.set_rows(self.pending)

    def is_dirty(self) -> bool:
        return self.form.is_dirty() or bool(self.pending) or self.picker.has_typed_person()

    # -- taking in ------------------------------------------------------------------------------

    def take_in(self) -> bool:
        return self._take_in(refer_to=None)

    def take_in_and_refer(self, referral: str) -> bool:
        return self._take_in(refer_to=referral or None)

    def _take_in(self, refer_to: str | None) -> bool:
        data = self.form.case_input()
        if data is None:
            return False
        if self.picker.has_typed_person():
            self.picker.check_fields(
                [
                    (
                        "given_name",
                        _(
                            "You typed a new person but did not add them: "
                            "click “Add this new person as a party”, or clear the fields."
                        ),
                    )
                ]
            )
            return False
        warnings: list[str] = []
        # New people are written first; a person written stays in the list as registered, so
        # trying again after a refusal does not write them twice.
        for i, party in enumerate(self.pending):
            if party.new_person is None:
                continue
            ok, saved = attempt(
                self,
                people.create_person,
                self.ctx.db,
                party.new_person,
                section=self.picker,
                ctx=self.ctx,
                changes={"people"},
                busy=[self.save_button],
            )
            if not ok:
                return False
            self.pending[i] = dataclasses.replace(party, person_id=saved.record.id, new_person=None)
            warnings.extend(
                _("{name}: {warning}").format(name=party.name, warning=w) for w in saved.warnings
            )
        self.parties_model.set_rows(self.pending)
        data = with_parties(
            data, tuple(cases.PartyInput(p.person_id, p.side) for p in self.pending if p.person_id)
        )
        ok, saved_case = attempt(
            self,
            cases.take_in,
            self.ctx.db,
            data,
            section=self.form,
            ctx=self.ctx,
            changes={"cases"},
            busy=[self.save_button],
        )
        if not ok:
            return False
        detail: CaseDetail = saved_case.record
        warnings = list(saved_case.warnings) + warnings
        if refer_to:
            # The case exists now: whatever happens to the referral, the dialog closes and the
            # case opens, where the referral can be made again from its buttons.
            ok, referred = attempt(
                self,
                cases.act,
                self.ctx.db,
                detail.id,
                CaseAction.REFER,
                on=max(dt.date.today(), detail.received_on),
                referral_target=refer_to,
                ctx=self.ctx,
                changes={"cases"},
                busy=[self.save_button],
            )
            if ok:
                detail = referred
                warnings = [
                    _("Case {number} was recorded and referred to {referral}.").format(
                        number=detail.number, referral=refer_to
                    )
                ]
        self.result_detail, self.warnings = detail, warnings
        self.form.dirty = False
        self.pending = []
        self.taken_in.emit(detail, warnings)
        super().accept()
        return True

    def accept(self) -> None:  # Enter in a field: the same as the primary button
        self.take_in()

    def reject(self) -> None:
        """Cancel, Esc or closing the window: ask before dropping what was typed."""
        if self.is_dirty():
            answer = dialogs.ask_save_changes(self)
            if answer == "cancel":
                return
            if answer == "save":
                self.take_in()
                return
        super().reject()
