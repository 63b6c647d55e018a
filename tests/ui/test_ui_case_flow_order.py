"""The case view follows a mediation's order, through the real widgets: the settlement waits for
a mediator (greyed out, with what to do and a button to the tab), the agreement is saved, printed
for signing from the Outcome tab, and only then recorded as signed; the Mediators tab says why
its list is empty; dates are shown as the rest of the app writes them (ui/case_*.py)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QCheckBox

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.dates import format_date, format_numeric_date
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import operations

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date.today()
RECEIVED = TODAY - dt.timedelta(days=20)


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    from justice_desk.ui import dialogs

    shown: dict[str, list[str]] = {"error": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: shown["error"].append(text)
    )

    def unexpected(*args, **kwargs):
        raise AssertionError("unexpected prompt")

    monkeypatch.setattr(dialogs, "confirm", unexpected)
    monkeypatch.setattr(dialogs, "ask_save_changes", unexpected)
    return shown


def click(qtbot, button) -> None:
    QApplication.processEvents()
    assert button.isVisible() and button.isEnabled(), button.text()
    if isinstance(button, QCheckBox):  # on its box: a long label is wider than its text
        qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def add_person(db, given: str, surname: str):
    address = dict(
        house_no="12", moo="3", tambon="แม่เหียะ", amphoe="เมืองเชียงใหม่", province="เชียงใหม่"
    )
    return people.create_person(
        db,
        PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="-", **address),
    ).record


@pytest.fixture
def in_mediation(center_db):
    """A dispute in mediation with no mediator yet, and one mediator registered at the center."""
    db = center_db
    applicant = add_person(db, "ประเสริฐ", "สุวรรณ")
    respondent = add_person(db, "สมชาย", "ปั้นทอง")
    mediator = people.register_mediator(
        db,
        add_person(db, "กิตติศักดิ์", "ศรีสุข").id,
        registration_no="ชม 1/2567",
        expires_on=dt.date(2100, 1, 1),
    )
    c = cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.DISPUTE,
            subject="ยืมเงินแล้วไม่คืน",
            received_on=RECEIVED,
            category=CaseCategory.CIVIL,
            matter_code="debt",
            amount_satang=2_000_000,
            parties=(
                cases.PartyInput(applicant.id, PartySide.APPLICANT),
                cases.PartyInput(respondent.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.act(db, c.id, A.REQUEST_CONSENT, on=RECEIVED)
    cases.act(db, c.id, A.CONSENT_GIVEN, on=RECEIVED)
    return c, mediator


@pytest.fixture
def view(main_window, in_mediation):
    page = main_window.show_page("cases")
    assert page.open_case(in_mediation[0].id)
    return page.detail


def test_the_settlement_waits_for_a_mediator_then_for_the_signed_agreement(
    view, in_mediation, qtbot, ui_ctx, messages
) -> None:
    db = ui_ctx.db
    case, mediator = in_mediation

    # -- offered, greyed out, and the box says what to do first, with a button to the tab
    settle = view.action_buttons[A.SETTLE]
    assert not settle.isEnabled() and "mediator" in settle.toolTip()
    assert view.step_hint.isVisible() and "assign the mediator" in view.step_hint.text()
    assert view.action_buttons[A.TERMINATE].isEnabled()  # the other steps stay as they were
    click(qtbot, view.step_hint_button)
    assert view.tabs.currentIndex() == view.tab_index["mediators"]

    # -- the Outcome tab says the same, and its form waits
    st = view.settlement
    view.tabs.setCurrentIndex(view.tab_index["outcome"])
    assert not st.save_button.isEnabled() and not st.terms.isEnabled()
    assert "Assign the mediator" in st.state.text()
    assert not st.print_button.isVisible() and not st.signed_button.isEnabled()
    click(qtbot, st.mediators_button)
    assert view.tabs.currentIndex() == view.tab_index["mediators"]

    # -- a mediator: afterwards the tab does not claim there is no registered mediator
    ms = view.mediators
    assert not ms.none_available.isVisible() and ms.mediator.currentData() == mediator.id
    click(qtbot, ms.no_conflict)
    click(qtbot, ms.assign_button)
    assert [m.mediator_id for m in view.detail.mediators] == [mediator.id]
    assert ms.none_available.isVisible()
    assert "already assigned to this case" in ms.none_available.text()
    assert "No registered mediator" not in ms.none_available.text()

    # -- now the settlement waits for the agreement
    settle = view.action_buttons[A.SETTLE]
    assert not settle.isEnabled()
    assert "Outcome tab" in view.step_hint.text() and "sign" in view.step_hint.text()
    click(qtbot, view.step_hint_button)
    assert view.tabs.currentIndex() == view.tab_index["outcome"]
    assert st.terms.isEnabled() and "1. Write the agreement" in st.state.text()
    assert not st.print_button.isVisible()
    st.terms.setPlainText("ผู้ถูกร้องตกลงชำระเงินสองหมื่นบาท")
    st.total.setText("20,000")
    click(qtbot, st.voluntary)
    click(qtbot, st.save_button)
    assert messages["error"] == [] and st.errors.text() == ""
    assert view.detail.settlement is not None and view.detail.status is CaseStatus.IN_MEDIATION

    # -- saved: print for signing first, then "signed"
    assert st.print_button.isVisible() and st.print_button.isEnabled()
    assert "Print it for the parties and the mediator to sign" in st.state.text()
    assert view.action_buttons[A.SETTLE].isEnabled() and not view.step_hint.isVisible()
    click(qtbot, st.print_button)
    task = view.last_print
    assert task is not None and task.request.kind == "agreement"
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    assert messages["error"] == []
    assert task.dialog is not None and task.dialog.isVisible()
    task.dialog.reject()

    click(qtbot, st.signed_button)
    dialog = view.action_dialog
    assert dialog is not None and dialog.isVisible() and dialog.action is A.SETTLE
    assert dialog.print_button.isVisible() and dialog.signed.isVisible()
    assert dialog.on.date() == TODAY  # the agreement's date, never before the last step
    click(qtbot, dialog.ok_button)  # not ticked: the paper must be signed first
    assert dialog.isVisible() and "sign" in dialog.section.errors.text()
    assert cases.get_case(db, case.id).status is CaseStatus.IN_MEDIATION
    click(qtbot, dialog.signed)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and messages["error"] == []
    assert cases.get_case(db, case.id).status is CaseStatus.SETTLED
    assert view.tabs.currentIndex() == view.tab_index["outcome"]
    assert "signed" in st.state.text() and not st.signed_button.isVisible()
    assert st.print_button.text() == "Print the agreement…"  # signed: a copy, not for signing


def test_tab_leaves_every_multi_line_field_of_the_case(view) -> None:
    """A keyboard user typing the facts, a disclosure, the terms or a note moves on with Tab
    (it typed spaces into the text, and the buttons below could not be reached)."""
    from PySide6.QtWidgets import QPlainTextEdit

    fields = [
        w
        for section in (view.case_form, view.mediators, view.sessions, view.settlement)
        for w in section.findChildren(QPlainTextEdit)
    ]
    assert len(fields) >= 7
    assert all(f.tabChangesFocus() for f in fields), [f.objectName() for f in fields]


def test_a_refused_settlement_shows_the_mediators_tab(
    view, in_mediation, qtbot, ui_ctx, messages
) -> None:
    """The service refuses by name (another window may have changed the case): the refusal is
    shown and the view opens the tab where the missing thing is done."""
    from justice_desk.ui.case_actions import ActionDialog

    view.tabs.setCurrentIndex(view.tab_index["case"])
    # The button is greyed out: open the step as a view would that showed the case earlier.
    view.action_dialog = ActionDialog(
        view.detail, A.SETTLE, lambda on, note, t: view._act(A.SETTLE, on, note, t), view
    )
    assert view._act(A.SETTLE, TODAY, None, None) is False
    assert len(messages["error"]) == 1 and "no mediator yet" in messages["error"][0]
    assert view.tabs.currentIndex() == view.tab_index["mediators"]
    assert cases.get_case(ui_ctx.db, in_mediation[0].id).status is CaseStatus.IN_MEDIATION
    view.action_dialog.reject()


def test_case_dates_read_as_the_app_writes_them_and_are_typed_as_numbers(
    view, qtbot, typer
) -> None:
    field = view.case_form.received
    assert field.line.text() == format_date(RECEIVED, "en", short=True)  # 12 Nov 2569
    assert field.date() == RECEIVED and not view.case_form.is_dirty()

    # In the field: the typed form; out of it: the date in words again. Looking is no change.
    QApplication.sendEvent(field.line, QFocusEvent(QEvent.Type.FocusIn))
    field.line.setFocus()
    QApplication.sendEvent(field.line, QFocusEvent(QEvent.Type.FocusIn))
    assert field.line.text() == format_numeric_date(RECEIVED)
    field.line.clear()
    earlier = RECEIVED - dt.timedelta(days=1)
    typer(field.line, format_numeric_date(earlier))
    view.back_button.setFocus()
    QApplication.sendEvent(field.line, QFocusEvent(QEvent.Type.FocusOut))
    assert field.date() == earlier
    assert field.line.text() == format_date(earlier, "en", short=True)
    assert view.case_form.is_dirty()

    # An empty date shows an example that fits; nothing typed is cut or mistaken.
    nxt = view.sessions.next_on
    assert nxt.date() is None and nxt.line.text() == ""
    hint = nxt.line.placeholderText()
    assert hint == f"for example {format_numeric_date(TODAY)}"
    metrics = nxt.line.fontMetrics()
    assert metrics.horizontalAdvance(hint) < nxt.line.minimumWidth() - metrics.height()
    view.discard_all()


def test_thai_case_dates_are_in_the_buddhist_era_with_thai_months(
    main_window, in_mediation
) -> None:
    from justice_desk import i18n

    i18n.set_language("th")
    try:
        from justice_desk.ui.case_widgets import date_field

        field = date_field()
        field.setDate(dt.date(2026, 11, 12))
        assert field.line.text() == "12 พ.ย. 2569"
        assert field.line.placeholderText().startswith("เช่น ")
        field.deleteLater()
    finally:
        i18n.set_language("en")
