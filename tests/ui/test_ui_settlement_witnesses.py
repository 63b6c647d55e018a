"""The witnesses of a settlement agreement are entered with it on the case's Outcome tab, one
name a line, saved through the service and shown again (issue 12 §8: the printed agreement
names them under their signature lines)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import operations

RECEIVED = dt.date.today() - dt.timedelta(days=20)


def _type(widget, text: str) -> None:
    for ch in text:
        if ch == "\n":
            key, ch = Qt.Key.Key_Return, "\r"
        else:
            key = 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def _case_in_mediation(db) -> cases.CaseDetail:
    def person(given: str, surname: str):
        return people.create_person(
            db, PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="-")
        ).record

    a, b, m = person("สมชาย", "ใจดี"), person("สมศักดิ์", "รักถิ่น"), person("กิตติ", "ศรีสุข")
    mediator = people.register_mediator(
        db, m.id, registration_no="ชม 1/2567", expires_on=dt.date(2100, 1, 1)
    )
    c = cases.take_in(
        db,
        cases.CaseInput(
            CaseKind.DISPUTE,
            "ยืมเงินแล้วไม่คืน",
            RECEIVED,
            category=CaseCategory.CIVIL,
            matter_code="debt",
            amount_satang=500_000,
            parties=(
                cases.PartyInput(a.id, PartySide.APPLICANT),
                cases.PartyInput(b.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.act(db, c.id, A.REQUEST_CONSENT, on=RECEIVED)
    cases.act(db, c.id, A.CONSENT_GIVEN, on=RECEIVED)
    return cases.assign_mediator(db, c.id, mediator.id, no_conflict_confirmed=True, on=RECEIVED)


def test_witnesses_are_typed_one_a_line_saved_and_shown_again(main_window, ui_ctx, qtbot) -> None:
    db = ui_ctx.db
    case = _case_in_mediation(db)
    page = main_window.show_page("cases")
    assert page.open_case(case.id)
    view = page.detail
    view.tabs.setCurrentIndex(view.tab_index["outcome"])
    st = view.settlement
    assert st.witnesses.isEnabled() and st.witnesses.toPlainText() == ""
    _type(st.terms, "ผู้ถูกร้องตกลงชำระเงินห้าพันบาทภายในสิ้นเดือน")
    _type(st.witnesses, "นายสมหมาย  ดีใจ\n\nนางสาวเพ็ญ ศรีงาม")
    assert st.is_dirty()
    st.voluntary.setChecked(True)
    QApplication.processEvents()
    qtbot.mouseClick(st.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    assert st.errors.text() == ""
    saved = cases.get_case(db, case.id).settlement
    assert saved is not None
    # Spaces tidied, the blank line left out: the names as they will be printed.
    assert saved.witnesses == ("นายสมหมาย ดีใจ", "นางสาวเพ็ญ ศรีงาม")
    assert not st.is_dirty()
    assert st.witnesses.toPlainText() == "นายสมหมาย ดีใจ\nนางสาวเพ็ญ ศรีงาม"


def test_too_many_witnesses_are_refused_at_the_field(main_window, ui_ctx, qtbot) -> None:
    db = ui_ctx.db
    case = _case_in_mediation(db)
    page = main_window.show_page("cases")
    assert page.open_case(case.id)
    view = page.detail
    view.tabs.setCurrentIndex(view.tab_index["outcome"])
    st = view.settlement
    _type(st.terms, "ตกลงกันได้")
    _type(st.witnesses, "\n".join(f"นายพยาน คนที่{i}" for i in range(1, cases.MAX_WITNESSES + 2)))
    st.voluntary.setChecked(True)
    QApplication.processEvents()
    qtbot.mouseClick(st.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    assert "witness" in st.errors.text()
    assert cases.get_case(db, case.id).settlement is None
    # Corrected, it saves (and leaves nothing unsaved behind).
    st.witnesses.clear()
    _type(st.witnesses, "นายพยาน คนที่1")
    qtbot.mouseClick(st.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    saved = cases.get_case(db, case.id).settlement
    assert saved is not None and saved.witnesses == ("นายพยาน คนที่1",)
    assert not st.is_dirty()
