"""The Cases page through its real widgets, on a real database: intake with the live eligibility
check, parties, mediators with the conflict-of-interest confirmation, sessions, settlement with
instalments, status changes only through the allowed steps, search, and unsaved changes."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.dates import format_numeric_date
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, Compliance, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import operations
from justice_desk.ui.widgets.date_edit import ERROR_STYLE

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date.today()
RECEIVED = TODAY - dt.timedelta(days=30)


def be(day: dt.date) -> str:
    return format_numeric_date(day)


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    """Dead widgets must not be left for a collection that a pool thread could start."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Message boxes are modal; record them instead. An unexpected prompt fails the test."""
    from justice_desk.ui import dialogs

    shown: dict[str, list[str]] = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: shown["error"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda parent, text, title=None: shown["info"].append(text)
    )

    def confirm(parent, text, *, yes, no=None, title=None):
        shown["confirm"].append(text)
        return True

    def unexpected(parent):
        raise AssertionError("unexpected unsaved-changes prompt")

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_save_changes", unexpected)
    return shown


@pytest.fixture
def page(main_window):
    return main_window.show_page("cases")


@pytest.fixture
def registered(center_db):
    """An applicant already in the register, and a mediator of the center."""
    somsak = people.create_person(
        center_db,
        PersonInput(given_name="สมศักดิ์", surname="ใจดี", title="นาย", no_id_reason="ยังไม่ทราบ"),
    ).record
    kitti = people.create_person(
        center_db,
        PersonInput(given_name="กิตติศักดิ์", surname="ศรีสุข", title="นาย", no_id_reason="ยังไม่ทราบ"),
    ).record
    mediator = people.register_mediator(
        center_db, kitti.id, registration_no="ชม 1/2567", expires_on=dt.date(2100, 1, 1)
    )
    return somsak, mediator


def set_date(typer, field, day: dt.date) -> None:
    field.line.clear()
    typer(field.line, be(day))


def click(qtbot, button) -> None:
    QApplication.processEvents()  # what the event loop does between two clicks: layouts settle
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, LEFT)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def take_step(qtbot, view, action: A, *, target: str | None = None) -> None:
    click(qtbot, view.action_buttons[action])
    dialog = view.action_dialog
    assert dialog is not None and dialog.isVisible()
    if target is not None:
        dialog.target.setCurrentText(target)
    if action is A.SETTLE:  # recorded once the printed agreement is signed
        click(qtbot, dialog.signed)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()


def dispute(db, applicant, respondent, **kw) -> cases.CaseDetail:
    data = dict(
        kind=CaseKind.DISPUTE,
        subject="ยืมเงินแล้วไม่คืน",
        received_on=RECEIVED,
        category=CaseCategory.CIVIL,
        matter_code="debt",
        parties=(
            cases.PartyInput(applicant.id, PartySide.APPLICANT),
            cases.PartyInput(respondent.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    return cases.take_in(db, cases.CaseInput(**data)).record


def person(db, given: str, surname: str):
    return people.create_person(
        db, PersonInput(given_name=given, surname=surname, no_id_reason="-")
    ).record


# -- the main path --------------------------------------------------------------------------------


def test_dispute_from_intake_through_sessions_to_settlement(
    page, main_window, ui_ctx, registered, qtbot, typer, messages
) -> None:
    somsak, mediator = registered
    db = ui_ctx.db

    # -- intake: the window's "New record" action (Ctrl+N)
    new_record = next(
        a
        for a in main_window.actions()
        if a.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    )
    new_record.trigger()
    dlg = page.intake_dialog
    assert dlg is not None and dlg.isVisible()
    form = dlg.form
    assert form.kind.currentData() == CaseKind.DISPUTE.value
    form.category.setCurrentIndex(form.category.findData(CaseCategory.CIVIL.value))
    assert (
        form.matter.findData("debt") > 0 and form.matter.findData("theft") < 0
    )  # the civil list only
    form.matter.setCurrentIndex(form.matter.findData("debt"))
    set_date(typer, form.received, RECEIVED)
    typer(form.amount, "20000")
    typer(form.subject, "ยืมเงินแล้วไม่คืน")
    typer(form.facts, "ผู้ร้องให้ผู้ถูกร้องยืมเงินสองหมื่นบาท")
    assert form.panel.reason.text() == "Loan or debt may be mediated (§69(1))."
    assert not form.panel.refer_button.isVisible()

    picker = dlg.picker
    picker.set_side(PartySide.APPLICANT)
    typer(picker.search, "ใจด")
    picker.refresh_results()
    assert picker.results.count() == 1 and "สมศักดิ์" in picker.results.item(0).text()
    click(qtbot, picker.add_existing)
    assert picker.current_side() is PartySide.RESPONDENT  # the other side is offered next

    picker.tabs.setCurrentIndex(1)
    picker.title_box.setCurrentText("นาง")
    typer(picker.given_name, "น้ำฝน")
    typer(picker.surname, "ปั้นทอง")
    typer(picker.national_id, "1101700203451")  # wrong check digit: warns, does not block
    assert "check digit" in picker.id_status.text()
    typer(picker.phone, "0812345678")
    typer(picker.tambon, "แม่เหียะ")
    click(qtbot, picker.add_new)
    assert [(p.name, p.side, p.is_new) for p in dlg.pending] == [
        ("นายสมศักดิ์ ใจดี", PartySide.APPLICANT, False),
        ("นางน้ำฝน ปั้นทอง", PartySide.RESPONDENT, True),
    ]
    assert picker.given_name.text() == ""

    click(qtbot, dlg.save_button)
    assert not dlg.isVisible()
    view = page.detail
    assert page.showing_detail()
    case_id = view.detail.id
    assert view.detail.number == f"001/{RECEIVED.year + 543}"
    assert "check digit" in view.messages.text()  # the new person's ID warning, shown, not blocking

    # -- steps, only through the buttons the flow allows
    assert (
        set(view.action_buttons)
        == set(view.detail.allowed_actions)
        == {A.REQUEST_CONSENT, A.WITHDRAW, A.REFER, A.ESCALATE}
    )
    take_step(qtbot, view, A.REQUEST_CONSENT)
    take_step(qtbot, view, A.CONSENT_GIVEN)
    assert view.detail.status is CaseStatus.IN_MEDIATION
    assert A.SETTLE in view.action_buttons and A.REQUEST_CONSENT not in view.action_buttons
    assert not view.action_buttons[A.SETTLE].isEnabled()  # a mediator and an agreement first

    # -- a mediator: the conflict-of-interest confirmation is required
    view.tabs.setCurrentIndex(view.tab_index["mediators"])
    section = view.mediators
    assert section.mediator.count() == 1 and section.mediator.currentData() == mediator.id
    click(qtbot, section.assign_button)
    assert "conflict of interest" in section.errors.text()
    assert section.no_conflict.styleSheet() != ""
    assert cases.get_case(db, case_id).mediators == ()
    click(qtbot, section.no_conflict)
    click(qtbot, section.assign_button)
    assert [(m.mediator_id, m.no_conflict_confirmed) for m in view.detail.mediators] == [
        (mediator.id, True)
    ]
    assert section.mediator.count() == 0  # an assigned mediator is not offered twice

    # -- two sessions
    view.tabs.setCurrentIndex(view.tab_index["sessions"])
    s = view.sessions
    set_date(typer, s.held_on, RECEIVED + dt.timedelta(days=5))
    typer(s.starts_at, "09.30")
    typer(s.ends_at, "11.00")
    typer(s.place, "ศาลาหมู่บ้าน")
    click(qtbot, s.fill_attendees)
    typer(s.notes, "ผู้ถูกร้องยอมรับว่ายืมเงินจริง")
    click(qtbot, s.add_button)
    assert s.place.text() == "" and not s.is_dirty()
    set_date(typer, s.held_on, RECEIVED + dt.timedelta(days=12))
    typer(s.summary, "ตกลงผ่อนชำระสองงวด")
    click(qtbot, s.add_button)
    assert s.model.rowCount() == 2

    # -- the settlement with two instalments
    view.tabs.setCurrentIndex(view.tab_index["outcome"])
    st = view.settlement
    agreed = RECEIVED + dt.timedelta(days=12)
    set_date(typer, st.agreed_on, agreed)
    typer(st.place, "ศูนย์ยุติธรรมชุมชน")
    typer(st.terms, "ผู้ถูกร้องตกลงชำระเงินสองหมื่นบาทเป็นสองงวด")
    typer(st.total, "20,000")
    click(qtbot, st.instalments.add_button)
    click(qtbot, st.instalments.add_button)
    click(qtbot, st.instalments.add_button)
    st.instalments.table.selectRow(2)
    click(qtbot, st.instalments.remove_button)
    assert st.instalments.row_count() == 2
    for row, (due, amount) in enumerate(
        [(agreed + dt.timedelta(days=30), "10000"), (agreed + dt.timedelta(days=60), "10,000")]
    ):
        set_date(typer, st.instalments.date_edit(row), due)
        typer(st.instalments.money_edit(row), amount)
    assert "20,000 baht" in st.sum_label.text()
    click(qtbot, st.save_button)  # voluntary participation not confirmed yet (§30)
    assert "voluntarily" in st.errors.text()
    assert cases.get_case(db, case_id).settlement is None
    click(qtbot, st.voluntary)
    click(qtbot, st.save_button)
    assert view.detail.settlement is not None
    take_step(qtbot, view, A.SETTLE)
    assert messages["error"] == []

    # -- what the database now holds
    c = cases.get_case(db, case_id)
    assert c.status is CaseStatus.SETTLED and c.outcome_on == TODAY
    assert (
        c.kind is CaseKind.DISPUTE and c.category is CaseCategory.CIVIL and c.matter_code == "debt"
    )
    assert (
        c.amount_satang == 2_000_000 and c.received_on == RECEIVED and c.subject == "ยืมเงินแล้วไม่คืน"
    )
    assert [(p.name, p.side) for p in c.parties] == [
        ("นายสมศักดิ์ ใจดี", PartySide.APPLICANT),
        ("นางน้ำฝน ปั้นทอง", PartySide.RESPONDENT),
    ]
    assert c.parties[0].person_id == somsak.id
    assert c.parties[1].consent is True
    new_person = people.get_person(db, c.parties[1].person_id)
    assert (new_person.national_id, new_person.phone, new_person.tambon) == (
        "1101700203451",
        "0812345678",
        "แม่เหียะ",
    )
    assert [(x.session_no, x.held_on) for x in c.sessions] == [
        (1, RECEIVED + dt.timedelta(days=5)),
        (2, agreed),
    ]
    assert (c.sessions[0].starts_at, c.sessions[0].ends_at, c.sessions[0].place) == (
        dt.time(9, 30),
        dt.time(11, 0),
        "ศาลาหมู่บ้าน",
    )
    assert (
        c.sessions[0].notes == "ผู้ถูกร้องยอมรับว่ายืมเงินจริง" and "นายสมศักดิ์ ใจดี" in c.sessions[0].attendees
    )
    assert c.sessions[1].summary == "ตกลงผ่อนชำระสองงวด"
    assert (
        c.settlement.voluntary_confirmed
        and c.settlement.total_satang == 2_000_000
        and c.settlement.agreed_on == agreed
    )
    assert [(i.due_on, i.amount_satang) for i in c.settlement.instalments] == [
        (agreed + dt.timedelta(days=30), 1_000_000),
        (agreed + dt.timedelta(days=60), 1_000_000),
    ]
    assert [e.action for e in c.events] == [A.REQUEST_CONSENT, A.CONSENT_GIVEN, A.SETTLE]

    # -- after the settlement: the 3-year deadline, certificate, a payment, a follow-up
    assert c.deadlines.enforcement_deadline == agreed.replace(year=agreed.year + 3)
    assert (
        str(agreed.year + 3 + 543)
        in view.deadlines_box.findChild(type(view.number), "deadline0").text()
    )
    assert set(view.action_buttons) == {A.CLOSE}
    typer(view.certificate.number, "คร 5/2569")
    set_date(typer, view.certificate.issued_on, TODAY)
    click(qtbot, view.certificate.save_button)
    pay = view.payments
    assert pay.isVisible() and pay.model.rowCount() == 2
    click(qtbot, pay.pay_button)  # the first unpaid instalment is selected, its amount filled in
    view.compliance.result.setCurrentIndex(
        view.compliance.result.findData(Compliance.PARTIAL.value)
    )
    typer(view.compliance.note, "ชำระงวดแรกแล้ว")
    click(qtbot, view.compliance.add_button)
    c = cases.get_case(db, case_id)
    assert (c.certificate_no, c.certificate_on) == ("คร 5/2569", TODAY)
    assert (c.settlement.instalments[0].paid_on, c.settlement.instalments[0].paid_satang) == (
        TODAY,
        1_000_000,
    )
    assert c.settlement.instalments[1].paid_on is None
    assert [(x.result, x.note) for x in c.compliance] == [(Compliance.PARTIAL, "ชำระงวดแรกแล้ว")]
    assert messages["error"] == []

    # -- back in the register, the case is there with its parties
    click(qtbot, view.back_button)
    assert not page.showing_detail()
    row = page.register.model.row_object(0)
    assert row.id == case_id and row.status is CaseStatus.SETTLED and "น้ำฝน" in row.parties


# -- a matter that may not be mediated -------------------------------------------------------------


def choose_theft(form, typer) -> None:
    form.category.setCurrentIndex(form.category.findData(CaseCategory.CRIMINAL.value))
    form.matter.setCurrentIndex(form.matter.findData("theft"))
    typer(form.subject, "ลักควายของเพื่อนบ้าน")


def test_theft_says_why_and_is_taken_in_and_referred_in_one_step(
    page, ui_ctx, registered, qtbot, typer
) -> None:
    somsak, _mediator = registered
    page.new_record()
    dlg = page.intake_dialog
    choose_theft(dlg.form, typer)
    panel = dlg.form.panel
    assert "may not mediate theft or snatching (§§334–336) (§35)" in panel.reason.text()
    assert "the police (inquiry officer)" in panel.referral.text()
    assert panel.refer_button.isVisible() and "the police" in panel.refer_button.text()
    typer(dlg.picker.search, "สมศักดิ์")
    dlg.picker.refresh_results()
    click(qtbot, dlg.picker.add_existing)

    click(qtbot, panel.refer_button)
    assert not dlg.isVisible()
    c = cases.get_case(ui_ctx.db, page.detail.detail.id)
    assert (
        c.status is CaseStatus.REFERRED
        and c.referral_target == "the police (inquiry officer)"
        and c.referred_on == TODAY
    )
    assert c.matter_code == "theft" and not c.eligibility.mediable and len(c.parties) == 1
    assert "referred to the police" in page.detail.messages.text()
    assert set(page.detail.action_buttons) == {A.CLOSE}
    assert page.detail.print_buttons["referral"].isEnabled()


def test_theft_taken_in_then_referred_from_its_buttons(page, ui_ctx, qtbot, typer) -> None:
    page.new_record()
    dlg = page.intake_dialog
    choose_theft(dlg.form, typer)
    click(qtbot, dlg.save_button)
    view = page.detail
    assert view.detail.status is CaseStatus.RECEIVED
    assert "§35" in view.messages.text()  # the service's warning, shown but not blocking
    assert view.eligibility_warning.isVisible() and "§35" in view.eligibility_warning.text()
    click(qtbot, view.action_buttons[A.REFER])
    assert (
        view.action_dialog.target.currentText() == "the police (inquiry officer)"
    )  # prefilled from the rules
    typer(view.action_dialog.note, "ส่งบันทึกให้ สภ.")
    click(qtbot, view.action_dialog.ok_button)
    c = cases.get_case(ui_ctx.db, view.detail.id)
    assert c.status is CaseStatus.REFERRED and c.referral_target == "the police (inquiry officer)"
    assert c.events[-1].note == "ส่งบันทึกให้ สภ."


# -- steps offered ---------------------------------------------------------------------------------


def test_only_the_allowed_steps_are_offered(page, ui_ctx, qtbot, messages) -> None:
    db = ui_ctx.db
    a, b = person(db, "ประเสริฐ", "สุวรรณ"), person(db, "ศิริพร", "ทองดี")
    c = dispute(db, a, b)
    page.open_case(c.id)
    view = page.detail
    for expected, step in (
        ({A.REQUEST_CONSENT, A.WITHDRAW, A.REFER, A.ESCALATE}, A.REQUEST_CONSENT),
        ({A.CONSENT_GIVEN, A.CONSENT_REFUSED, A.WITHDRAW, A.REFER, A.ESCALATE}, A.CONSENT_REFUSED),
        ({A.REFER, A.CLOSE}, A.CLOSE),  # dismissed (§21)
        (set(), None),
    ):
        assert set(view.action_buttons) == expected == set(view.detail.allowed_actions)
        assert all(
            button.isVisible() and button.text() == action.label()
            for action, button in view.action_buttons.items()
        )
        view.start_action(A.SETTLE)  # never offered on this path: nothing happens
        assert view.action_dialog is None or not view.action_dialog.isVisible()
        if step is not None:
            take_step(qtbot, view, step)
    assert view.no_actions.isVisible()
    assert cases.get_case(db, c.id).status is CaseStatus.CLOSED
    assert messages["error"] == []

    advice = cases.take_in(
        db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษาเรื่องมรดก", RECEIVED)
    ).record
    page.show_list()
    page.open_case(advice.id)
    assert set(view.action_buttons) == {A.TAKE_UP, A.COMPLETE, A.REFER, A.ESCALATE}
    assert not view.tabs.isTabVisible(view.tab_index["mediators"]) and not view.tabs.isTabVisible(
        view.tab_index["outcome"]
    )


# -- the register ----------------------------------------------------------------------------------


def test_search_finds_a_case_by_part_of_a_partys_thai_name(page, ui_ctx, qtbot, typer) -> None:
    from justice_desk.ui.pages.base import SEARCH_DELAY_MS

    db = ui_ctx.db
    a, b, c = person(db, "น้ำฝน", "ปั้นทอง"), person(db, "สมชาย", "ใจดี"), person(db, "มาลี", "ศรีสุข")
    wanted = dispute(db, a, b, subject="ที่ดินรุกล้ำ")
    dispute(db, c, b, subject="ยืมเงิน")
    page.refresh()
    assert page.register.model.total == 2
    typer(page.register.search, "ปั้นท")  # part of the surname, no spaces
    qtbot.waitUntil(lambda: page.register.model.search == "ปั้นท", timeout=3000)  # as you type
    assert page.register.model.total == 1
    assert page.register.model.row_object(0).id == wanted.id
    assert page.register.count.text().startswith("1 ")
    page.register.search.clear()
    typer(page.register.search, "ฝน")  # two letters: slow on a big register, so it waits for Enter
    qtbot.wait(SEARCH_DELAY_MS + 150)
    assert page.register.model.search != "ฝน" and "press Enter" in page.register.count.text()
    with qtbot.waitSignal(page.register.searched, timeout=5000):  # runs in the job runner
        qtbot.keyClick(page.register.search, Qt.Key.Key_Return)
        assert page.register.count.text() == "Searching…"  # the window stays responsive meanwhile
    assert page.register.model.search == "ฝน"
    assert [page.register.model.row_object(i).id for i in range(page.register.model.total)] == [
        wanted.id
    ]


def test_filters_and_sorting_are_done_by_the_service(page, ui_ctx, qtbot) -> None:
    db = ui_ctx.db
    a, b = person(db, "ประเสริฐ", "สุวรรณ"), person(db, "ศิริพร", "ทองดี")
    first = dispute(db, a, b, subject="ไก่ชน")
    second = dispute(db, a, b, subject="กระบือ")
    advice = cases.take_in(
        db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "เอกสารมรดก", RECEIVED)
    ).record
    cases.act(db, advice.id, A.COMPLETE, on=RECEIVED)
    page.refresh()
    model = page.register.model
    assert [model.row_object(i).id for i in range(3)] == [
        advice.id,
        second.id,
        first.id,
    ]  # newest first
    page.status_filter.setCurrentIndex(page.status_filter.findData("closed"))
    assert [model.row_object(i).id for i in range(model.total)] == [advice.id]
    page.status_filter.setCurrentIndex(page.status_filter.findData("open"))
    assert {model.row_object(i).id for i in range(model.total)} == {first.id, second.id}
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(CaseKind.LEGAL_ADVICE.value))
    assert [model.row_object(i).id for i in range(model.total)] == [advice.id]
    assert ui_ctx.settings.value("cases/kind") == CaseKind.LEGAL_ADVICE.value
    page.kind_filter.setCurrentIndex(0)
    page.register.table.sortByColumn(
        4, Qt.SortOrder.AscendingOrder
    )  # subject, Thai dictionary order
    assert model.order == "subject"
    assert [model.row_object(i).subject for i in range(3)] == ["กระบือ", "ไก่ชน", "เอกสารมรดก"]


# -- validation and unsaved changes ----------------------------------------------------------------


def test_intake_checks_fields_inline_and_highlights_what_a_service_refuses(
    page, ui_ctx, qtbot, typer, messages
) -> None:
    page.new_record()
    dlg = page.intake_dialog
    form = dlg.form
    typer(form.amount, "สองหมื่น")
    click(qtbot, dlg.save_button)
    assert dlg.isVisible() and "Say in a few words" in form.errors.text()
    assert form.subject.styleSheet() == ERROR_STYLE and form.amount.styleSheet() == ERROR_STYLE
    assert messages["error"] == []  # inline, no message box
    form.amount.clear()
    typer(form.subject, "ข้อพิพาทเรื่องทางเดิน")
    set_date(typer, form.received, RECEIVED)
    set_date(
        typer, form.incident, RECEIVED + dt.timedelta(days=3)
    )  # after it was received: the service refuses
    click(qtbot, dlg.save_button)
    assert dlg.isVisible()
    assert messages["error"] == ["The incident cannot be after the case was received."]
    assert form.incident.line.styleSheet() == ERROR_STYLE
    assert cases.list_cases(ui_ctx.db).total == 0
    set_date(typer, form.incident, RECEIVED - dt.timedelta(days=3))
    click(qtbot, dlg.save_button)
    assert not dlg.isVisible() and cases.list_cases(ui_ctx.db).total == 1


def test_unsaved_changes_prompt(
    page, main_window, ui_ctx, registered, qtbot, typer, monkeypatch
) -> None:
    from justice_desk.ui import dialogs

    somsak, _m = registered
    other = person(ui_ctx.db, "ศิริพร", "ทองดี")
    c = dispute(ui_ctx.db, somsak, other)
    page.open_case(c.id)
    view = page.detail
    view.case_form.subject.clear()
    typer(view.case_form.subject, "ทางเดินร่วม")
    assert view.is_dirty()

    answers: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: answers.pop(0))
    answers.append("cancel")
    main_window.show_page("meetings")
    assert main_window.current_page() is page and view.is_dirty() and answers == []
    answers.append("save")
    main_window.show_page("meetings")
    assert main_window.current_page() is not page
    assert cases.get_case(ui_ctx.db, c.id).subject == "ทางเดินร่วม" and not view.is_dirty()

    main_window.show_page("cases")
    typer(view.sessions.place, "วัด")  # a session typed but not added
    answers.append("discard")
    click(qtbot, view.back_button)
    assert not page.showing_detail() and not view.is_dirty()
    assert cases.get_case(ui_ctx.db, c.id).sessions == ()

    page.new_record()
    dlg = page.intake_dialog
    typer(dlg.form.subject, "เรื่องที่ยังไม่บันทึก")
    answers.append("cancel")
    dlg.reject()
    assert dlg.isVisible()
    answers.append("discard")
    dlg.reject()
    assert not dlg.isVisible() and cases.list_cases(ui_ctx.db).total == 1


# -- printing --------------------------------------------------------------------------------------


def test_print_buttons_build_the_document_in_the_background_and_preview_it(
    page, ui_ctx, registered, qtbot, monkeypatch, messages
) -> None:
    """The intake record through the real service, which runs on a pool thread, not the GUI's.

    (The old version of this test waited for the runner's ``idle`` signal, which a job started
    before the click could emit first: it then looked before its own job had run. It waits for
    its own job now.)"""
    import threading

    from justice_desk.services import printing

    somsak, _m = registered
    c = dispute(ui_ctx.db, somsak, person(ui_ctx.db, "ศิริพร", "ทองดี"))
    page.open_case(c.id)
    view = page.detail
    assert (
        view.print_buttons["intake"].isEnabled() and not view.print_buttons["agreement"].isEnabled()
    )
    threads = []
    real = printing.intake_pdf

    def intake_pdf(db, case_id):
        threads.append((threading.current_thread(), case_id))
        return real(db, case_id)

    monkeypatch.setattr(printing, "intake_pdf", intake_pdf)
    click(qtbot, view.print_buttons["intake"])
    task = view.last_print
    assert task is not None and task.request.kind == "intake"
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    assert messages["error"] == []
    assert threads == [(threads[0][0], c.id)] and threads[0][0] is not threading.main_thread()
    preview = task.dialog
    assert preview is not None and preview.isVisible() and len(preview.pages) >= 1
    assert c.number in preview.windowTitle()
    preview.reject()

    # A document the case cannot have yet is refused with the service's reason, and no preview.
    refused = view.print_document("agreement")
    qtbot.waitUntil(lambda: refused.job.done, timeout=60000)
    assert refused.dialog is None and len(messages["error"]) == 1


def test_print_the_settlement_agreement_with_the_real_printing_service(
    page, ui_ctx, registered, qtbot, monkeypatch, tmp_path, messages
) -> None:
    import io

    from pypdf import PdfReader

    from justice_desk.ui import print_preview

    db = ui_ctx.db
    _somsak, mediator = registered
    address = dict(
        house_no="12", moo="3", tambon="แม่เหียะ", amphoe="เมืองเชียงใหม่", province="เชียงใหม่"
    )
    applicant = people.create_person(
        db,
        PersonInput(
            given_name="ประเสริฐ", surname="สุวรรณ", title="นาย", no_id_reason="-", **address
        ),
    ).record
    respondent = people.create_person(
        db,
        PersonInput(given_name="น้ำฝน", surname="ปั้นทอง", title="นาง", no_id_reason="-", **address),
    ).record
    c = dispute(db, applicant, respondent, amount_satang=2_000_000)
    cases.act(db, c.id, A.REQUEST_CONSENT, on=RECEIVED)
    cases.act(db, c.id, A.CONSENT_GIVEN, on=RECEIVED)
    cases.assign_mediator(db, c.id, mediator.id, no_conflict_confirmed=True, on=RECEIVED)
    agreed = RECEIVED + dt.timedelta(days=7)
    cases.record_settlement(
        db,
        c.id,
        cases.SettlementInput(
            agreed,
            "ผู้ถูกร้องตกลงชำระเงินสองหมื่นบาท",
            True,
            total_satang=2_000_000,
            instalments=(cases.InstalmentInput(agreed + dt.timedelta(days=30), 2_000_000),),
        ),
    )
    cases.act(db, c.id, A.SETTLE, on=agreed)
    page.open_case(c.id)
    button = page.detail.print_buttons["agreement"]
    assert button.isEnabled() and not page.detail.print_buttons["unsettled"].isEnabled()
    click(qtbot, button)
    task = page.detail.last_print
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    assert messages["error"] == []
    preview = task.dialog
    assert preview is not None and preview.isVisible()
    reader = PdfReader(io.BytesIO(preview.pdf))
    assert reader.metadata.title == f"บันทึกข้อตกลงระงับข้อพิพาท {c.number}"
    assert len(preview.pages) == len(reader.pages) >= 1
    assert preview.page_image().width() >= 400

    # Save as PDF…, then "Open" and "Open folder" in the computer's programs.
    opened = []
    preview.opener = lambda url: opened.append(url.toLocalFile()) or True
    monkeypatch.setattr(
        print_preview, "ask_save_path", lambda *args: str(tmp_path / "agreement.pdf")
    )
    with qtbot.waitSignal(preview.saved, timeout=10000):
        click(qtbot, preview.save_button)
    assert (tmp_path / "agreement.pdf").read_bytes() == preview.pdf
    click(qtbot, preview.open_button)
    click(qtbot, preview.open_folder_button)
    assert opened == [str(tmp_path / "agreement.pdf"), str(tmp_path)]
    preview.reject()


def test_enter_in_the_party_search_does_not_take_the_case_in(
    page, main_window, ui_ctx, registered, qtbot, typer, messages, monkeypatch
) -> None:
    """A coordinator who presses Enter after typing a name to search for a party (or in a
    field) keeps the dialog: only the button, or Ctrl+S, records the case."""
    before = cases.list_cases(ui_ctx.db).total
    page.new_record()
    dlg = page.intake_dialog
    assert dlg is not None and dlg.isVisible()
    typer(dlg.form.subject, "ยืมเงินแล้วไม่คืน")
    qtbot.keyClick(dlg.form.subject, Qt.Key.Key_Return)
    typer(dlg.picker.search, "ใจด")
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Return)
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Enter)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    assert dlg.isVisible()
    assert cases.list_cases(ui_ctx.db).total == before
    assert messages["error"] == []
    from justice_desk.ui import dialogs

    asked: list[bool] = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: asked.append(True) or "discard")
    dlg.reject()  # what was typed is still there to lose: the dialog asks first
    assert asked == [True]
