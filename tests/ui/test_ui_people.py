"""The People & members page through its real widgets, checked through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from justice_desk.domain.enums import MembershipStatus
from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations

WRONG_ID = "1101700203451"  # check digit should be 0
RIGHT_ID = "1101700203450"


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    """A modal dialog would wait forever offscreen: closing the window at teardown discards
    unsaved edits, and an unexpected error dialog fails the test instead of hanging it."""

    def unexpected(parent, text, *a, **kw):
        raise AssertionError(f"unexpected dialog: {text}")

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    monkeypatch.setattr(dialogs, "show_error", unexpected)
    monkeypatch.setattr(dialogs, "confirm", unexpected)


@pytest.fixture
def page(main_window):
    page = main_window.show_page("people")
    assert main_window.current_page() is page
    return page


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def all_people(db):
    return people.list_people(db, limit=1000).rows


def test_member_with_wrong_then_right_national_id(page, ui_ctx, qtbot, typer) -> None:
    form = page.form
    page.new_record()
    typer(form.title_box.lineEdit(), "นาย")
    typer(form.given_name, "สมศักดิ์")
    typer(form.surname, "ใจดี")
    typer(form.national_id, WRONG_ID)
    # the check runs while typing: the warning is in the form before anything is saved
    assert "check digit" in (form.id_warning() or "")
    assert not form.id_status.isHidden()
    typer(form.village, "บ้านหนองโค้ง")
    typer(form.phone, "0812345678")
    assert page.tracker.dirty

    click(qtbot, page.save_button)

    saved = all_people(ui_ctx.db)
    assert [p.name for p in saved] == ["นายสมศักดิ์ ใจดี"]
    record = people.get_person(ui_ctx.db, saved[0].id)
    assert record.national_id == WRONG_ID  # the warning did not block saving
    assert record.village == "บ้านหนองโค้ง"
    assert page.current_id == record.id
    assert not page.tracker.dirty
    assert page.strip.kind == "warning" and "check digit" in page.strip.text()
    assert "check digit" in (form.id_warning() or "")
    assert page.register.model.total == 1

    # make them a network member through the membership tab
    page.tabs.setCurrentIndex(1)
    panel = page.membership
    typer(panel.member_no, "ชม-0042")
    panel.joined_on.line.setText("15/01/2568")
    click(qtbot, panel.join_button)
    (member,) = people.list_members(ui_ctx.db).rows
    assert (member.person_id, member.member_no, member.status) == (
        record.id,
        "ชม-0042",
        MembershipStatus.ACTIVE,
    )
    assert member.joined_on == dt.date(2025, 1, 15)
    assert "ชม-0042" in panel.status.text()

    # correct the ID: the warning goes away as the right digits are typed, and on save
    page.tabs.setCurrentIndex(0)
    form.national_id.clear()
    typer(form.national_id, "1-1017-00203-45-0")
    assert form.id_warning() is None
    assert form.id_status.text() == "Check digit is correct."
    click(qtbot, page.save_button)
    record = people.get_person(ui_ctx.db, record.id)
    assert record.national_id == RIGHT_ID
    assert record.rev >= 2
    assert page.strip.kind == "info" and page.strip.text() == "Saved."
    # still one person, and a member in the register
    page.members_only.setChecked(True)
    assert page.register.model.total == 1
    assert page.register.model.row_object(0).is_member


def test_training_record_is_added_and_listed(page, ui_ctx, qtbot, typer) -> None:
    person = people.create_person(
        ui_ctx.db, PersonInput(given_name="บุญมี", surname="ศรีสุข", national_id=RIGHT_ID)
    ).record
    page.refresh()
    assert page.register.select_id(person.id)
    assert page.current_id == person.id
    panel = page.membership
    click(qtbot, panel.add_training_button)  # nothing typed: the course is required
    assert panel.errors.marked is panel.course
    assert people.trainings_of(ui_ctx.db, person.id) == []
    typer(panel.course, "หลักสูตรเครือข่ายยุติธรรมชุมชน")
    panel.completed_on.line.setText("02/03/2567")
    panel.hours.setValue(12)
    click(qtbot, panel.add_training_button)
    (training,) = people.trainings_of(ui_ctx.db, person.id)
    assert (training.course, training.hours, training.completed_on) == (
        "หลักสูตรเครือข่ายยุติธรรมชุมชน",
        12,
        dt.date(2024, 3, 2),
    )
    assert panel.trainings.rowCount() == 1
    # typed 02/03/2567, listed in the short BE form every list uses
    assert panel.trainings.data(panel.trainings.index(0, 2)) == "2 Mar 2567"


def test_missing_given_name_highlights_the_field_and_saves_nothing(
    page, ui_ctx, qtbot, typer
) -> None:
    page.new_record()
    typer(page.form.surname, "ใจดี")
    typer(page.form.national_id, RIGHT_ID)
    click(qtbot, page.save_button)
    assert all_people(ui_ctx.db) == []
    assert page.errors.marked is page.form.given_name
    assert "2px solid" in page.form.given_name.styleSheet()
    assert page.strip.kind == "error" and "given name is required" in page.strip.text()
    assert page.current_id is None and page.tracker.dirty
    # fixing it clears the highlight and saves
    typer(page.form.given_name, "สมชาย")
    click(qtbot, page.save_button)
    assert [p.name for p in all_people(ui_ctx.db)] == ["สมชาย ใจดี"]
    assert page.errors.marked is None and page.form.given_name.styleSheet() == ""


def test_bad_birth_year_and_postcode_are_refused_on_their_fields(
    page, ui_ctx, qtbot, typer
) -> None:
    page.new_record()
    typer(page.form.given_name, "มาลี")
    typer(page.form.birth_year, "25x0")
    click(qtbot, page.save_button)
    assert page.errors.marked is page.form.birth_year
    page.form.birth_year.clear()
    typer(page.form.birth_year, "2510")
    typer(page.form.postcode, "501")
    click(qtbot, page.save_button)
    assert page.errors.marked is page.form.postcode
    assert all_people(ui_ctx.db) == []
    page.form.postcode.clear()
    typer(page.form.postcode, "50100")
    click(qtbot, page.save_button)
    (row,) = all_people(ui_ctx.db)
    record = people.get_person(ui_ctx.db, row.id)
    assert (record.birth_year, record.postcode) == (1967, "50100")


def test_phone_format_warns_in_the_form(page, typer) -> None:
    page.new_record()
    typer(page.form.phone, "12345")
    assert not page.form.phone_status.isHidden()
    assert "does not look like a Thai number" in page.form.phone_status.text()
    page.form.phone.clear()
    typer(page.form.phone, "053-306-454")
    assert page.form.phone_status.isHidden()


def test_search_as_you_type_finds_a_thai_substring(page, ui_ctx, qtbot, typer) -> None:
    for given, surname in [("สมศักดิ์", "ใจดี"), ("มานี", "ศรีสุข"), ("ปิติ", "ยุติธรรมชัย"), ("ชูใจ", "ใจงาม")]:
        people.create_person(
            ui_ctx.db, PersonInput(given_name=given, surname=surname, no_id_reason="ยังไม่ทราบ")
        )
    page.refresh()
    assert page.register.model.total == 4
    typer(page.register.search, "ยุติธรรม")  # the middle of a surname, no spaces
    qtbot.waitUntil(lambda: page.register.model.total == 1, timeout=3000)
    assert page.register.model.row_object(0).name == "ปิติ ยุติธรรมชัย"
    page.register.search.clear()
    typer(page.register.search, "ใจ")  # two characters: found by LIKE, in Thai order
    with qtbot.waitSignal(page.register.searched, timeout=5000):  # searched in the job runner
        page.register.apply_search_now()
    names = [page.register.model.row_object(i).name for i in range(page.register.model.total)]
    assert names == ["ชูใจ ใจงาม", "สมศักดิ์ ใจดี"]


def test_register_is_in_thai_dictionary_order(page, ui_ctx) -> None:
    for given in ["เอกชัย", "กมล", "ไพศาล", "ขวัญใจ"]:
        people.create_person(ui_ctx.db, PersonInput(given_name=given, no_id_reason="ยังไม่ทราบ"))
    page.refresh()
    names = [page.register.model.row_object(i).name for i in range(page.register.model.total)]
    # leading vowels เ ไ do not lead the sort: เอกชัย sorts under อ, ไพศาล under พ
    assert names == ["กมล", "ขวัญใจ", "ไพศาล", "เอกชัย"]


def test_delete_is_a_soft_delete_after_confirmation(page, ui_ctx, qtbot, monkeypatch) -> None:
    person = people.create_person(
        ui_ctx.db, PersonInput(given_name="สมหญิง", surname="ลบได้", no_id_reason="ยังไม่ทราบ")
    ).record
    page.refresh()
    assert page.register.select_id(person.id)
    questions: list[str] = []

    def answer(value: bool):
        def ask(parent, text: str, **kw) -> bool:
            questions.append(text)
            return value

        return ask

    monkeypatch.setattr(dialogs, "confirm", answer(False))
    click(qtbot, page.delete_button)
    assert len(questions) == 1 and "สมหญิง ลบได้" in questions[0]
    assert [p.id for p in all_people(ui_ctx.db)] == [person.id]  # "Cancel": nothing deleted

    monkeypatch.setattr(dialogs, "confirm", answer(True))
    click(qtbot, page.delete_button)
    assert all_people(ui_ctx.db) == []
    assert page.register.model.total == 0
    assert page.current_id is None
    # soft: the row is still there for old minutes and cases, marked deleted and hidden
    from justice_desk.errors import NotFoundError
    from justice_desk.storage.models import Person

    with pytest.raises(NotFoundError):
        people.get_person(ui_ctx.db, person.id)
    with ui_ctx.db.read() as session:
        row = session.get(Person, person.id)
        assert row is not None and row.given_name == "สมหญิง" and row.deleted_at is not None


def test_unsaved_changes_prompt_on_switching_record_and_page(
    page, main_window, ui_ctx, qtbot, typer, monkeypatch
) -> None:
    a = people.create_person(
        ui_ctx.db, PersonInput(given_name="กมล", no_id_reason="ยังไม่ทราบ")
    ).record
    b = people.create_person(
        ui_ctx.db, PersonInput(given_name="ขวัญ", no_id_reason="ยังไม่ทราบ")
    ).record
    page.refresh()
    assert page.register.select_id(a.id) and page.current_id == a.id
    typer(page.form.occupation, "ทำนา")
    assert page.tracker.dirty
    answers: list[str] = []

    def answer(value: str):
        def ask(parent) -> str:
            answers.append(value)
            return value

        return ask

    # Cancel: stays on the record being edited, the edit kept
    monkeypatch.setattr(dialogs, "ask_save_changes", answer("cancel"))
    page.register.select_id(b.id)
    assert answers == ["cancel"]
    assert page.current_id == a.id and page.form.occupation.text() == "ทำนา"
    assert page.register.table.currentIndex().row() == 0
    main_window.show_page("activities")
    assert answers == ["cancel", "cancel"]
    assert main_window.current_page() is page

    # Save: the change is written, then the other record opens
    monkeypatch.setattr(dialogs, "ask_save_changes", answer("save"))
    page.register.select_id(b.id)
    assert people.get_person(ui_ctx.db, a.id).occupation == "ทำนา"
    assert page.current_id == b.id and page.form.given_name.text() == "ขวัญ"

    # Don't save: the change is dropped and the page can be left
    typer(page.form.occupation, "ค้าขาย")
    monkeypatch.setattr(dialogs, "ask_save_changes", answer("discard"))
    main_window.show_page("activities")
    assert answers[-1] == "discard"
    assert main_window.current_page().key == "activities"
    assert people.get_person(ui_ctx.db, b.id).occupation is None

    # an untouched form never asks
    count = len(answers)
    main_window.show_page("people")
    page.register.select_id(a.id)
    main_window.show_page("committee")
    assert len(answers) == count


def test_new_record_after_edit_asks_first(page, ui_ctx, typer, monkeypatch) -> None:
    page.new_record()
    typer(page.form.given_name, "ประยูร")
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "save")
    page.new_record()
    assert [p.name for p in all_people(ui_ctx.db)] == ["ประยูร"]
    assert page.current_id is None and page.form.given_name.text() == ""


def test_end_membership_through_the_dialog(page, ui_ctx, qtbot) -> None:
    person = people.create_person(
        ui_ctx.db, PersonInput(given_name="ทองดี", surname="มีสุข", national_id=RIGHT_ID)
    ).record
    people.add_membership(ui_ctx.db, person.id, member_no="17", joined_on=dt.date(2023, 5, 1))
    page.refresh()
    assert page.register.select_id(person.id)
    page.tabs.setCurrentIndex(1)
    panel = page.membership
    assert "Active" in panel.status.text() and not panel.end_button.isHidden()
    click(qtbot, panel.end_button)
    dialog = panel.end_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.date.line.setText("01/01/2565")  # before joining: refused on the date field
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.errors.marked is dialog.date
    dialog.date.line.setText("31/12/2567")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    (member,) = people.list_members(ui_ctx.db).rows
    assert (member.status, member.left_on) == (MembershipStatus.LEFT, dt.date(2024, 12, 31))
    assert "Left the network" in panel.status.text() and panel.end_button.isHidden()
    assert not panel.join_form.isHidden()  # they can join again
    assert page.register.model.row_object(0).is_member is False
