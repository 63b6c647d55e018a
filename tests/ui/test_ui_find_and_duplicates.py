"""Through the real widgets: a national ID or a person already on file is shown with a button
that opens them (docs/domain.md §11), and the registers find what a coordinator types as they
see it on screen and on paper (thai-text-and-printing.md §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from search_scenarios import NAMFON, build_cases, build_register

from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations

ID = "3500100234569"


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    def unexpected(parent, text, *a, **kw):
        raise AssertionError(f"unexpected dialog: {text}")

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    monkeypatch.setattr(dialogs, "show_error", unexpected)
    monkeypatch.setattr(dialogs, "confirm", unexpected)


@pytest.fixture
def page(main_window):
    return main_window.show_page("people")


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def wait_for_check(qtbot, page) -> None:
    with qtbot.waitSignal(page.duplicates_checked, timeout=5000):
        pass


def test_a_national_id_on_file_is_shown_refused_on_save_and_opened(
    page, ui_ctx, qtbot, typer, monkeypatch
) -> None:
    existing = people.create_person(ui_ctx.db, NAMFON).record
    page.refresh()
    page.new_record()
    form = page.form
    typer(form.given_name, "น้ำฝน")
    typer(form.surname, "ทองดี")
    assert page.duplicates.isHidden()
    typer(form.national_id, "3-5001-00234-56-9")  # the same ID, written as on the card
    wait_for_check(qtbot, page)
    panel = page.duplicates
    assert panel.isVisible()
    assert "national ID is already on file" in panel.heading.text()
    assert [c.id for c in panel.candidates] == [existing.id]
    assert "นางน้ำฝน ปั้นทอง" in panel.findChild(type(panel.heading), "duplicateName").text()

    click(qtbot, page.save_button)  # refused, with the reason on the ID field
    assert [p.id for p in people.list_people(ui_ctx.db).rows] == [existing.id]
    assert page.errors.marked is form.national_id
    assert "already on file for นางน้ำฝน ปั้นทอง" in page.strip.text()
    assert page.current_id is None and page.tracker.dirty
    assert panel.isVisible()

    asked: list[str] = []

    def confirm(parent, text, **kw) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    (button,) = panel.open_buttons
    click(qtbot, button)
    assert asked and "will be discarded" in asked[0]
    assert page.current_id == existing.id
    assert form.given_name.text() == "น้ำฝน" and form.surname.text() == "ปั้นทอง"
    assert not page.tracker.dirty
    assert panel.isHidden()


def test_an_alike_name_with_the_same_birth_date_warns_and_saves(page, ui_ctx, qtbot, typer) -> None:
    existing = people.create_person(
        ui_ctx.db,
        PersonInput(
            title="นาง",
            given_name="น้ำฝน",
            surname="ปั้นทอง",
            birth_date=dt.date(1967, 3, 3),
            village="บ้านป่าตึง",
            no_id_reason="ยังไม่ทราบ",
        ),
    ).record
    page.refresh()
    page.new_record()
    form = page.form
    typer(form.title_box.lineEdit(), "นาง")
    typer(form.given_name, "น้ำฝน")
    typer(form.surname, "ปั่นทอง")  # another tone mark, as a slip of the keyboard
    typer(form.birth_date.line, "03/03/2510")
    form.no_id_reason.setText("ยังไม่ทราบ")
    wait_for_check(qtbot, page)
    panel = page.duplicates
    assert panel.isVisible() and "Possibly already on file" in panel.heading.text()
    assert [c.id for c in panel.candidates] == [existing.id]
    assert "บ้านป่าตึง" in panel.candidates[0].describe()

    click(qtbot, page.save_button)  # a warning, not a refusal
    assert people.list_people(ui_ctx.db).total == 2
    assert page.current_id not in (None, existing.id)
    assert page.strip.kind == "warning"
    assert "Possibly the same person as นางน้ำฝน ปั้นทอง" in page.strip.text()


def test_a_different_birth_date_is_not_a_duplicate(page, ui_ctx, qtbot, typer) -> None:
    people.create_person(
        ui_ctx.db,
        PersonInput(
            given_name="สมชาย", surname="ใจดี", birth_date=dt.date(1960, 1, 1), no_id_reason="-"
        ),
    )
    page.refresh()
    page.new_record()
    typer(page.form.given_name, "สมชาย")
    typer(page.form.surname, "ใจดี")
    typer(page.form.birth_date.line, "02/02/2520")
    wait_for_check(qtbot, page)
    assert page.duplicates.isHidden() and page.duplicates.candidates == []


def test_the_people_register_finds_names_ids_and_phones_as_written(
    page, ui_ctx, qtbot, typer
) -> None:
    build_register(ui_ctx.db)
    page.refresh()
    search = page.register.search
    for query, expected in [
        ("นางน้ำฝน ปั้นทอง", ["นางน้ำฝน ปั้นทอง"]),  # as the list itself shows her
        ("นายบุญมี มีสุข", ["บุญมี มีสุข"]),  # a title on paper, none in the register
        ("081-234-5678", ["นางน้ำฝน ปั้นทอง"]),
        ("๓-๕๐๐๑-๐๐๒๓๔-๕๖-๙", ["นางน้ำฝน ปั้นทอง"]),
        ("น.ส. พิมพ์ใจ", ["น.ส.พิมพ์ใจ ศรีสุข"]),
    ]:
        search.clear()
        typer(search, query)
        with qtbot.waitSignal(page.register.searched, timeout=5000):
            page.register.apply_search_now()
        model = page.register.model
        assert [model.row_object(i).name for i in range(model.total)] == expected, query


def test_the_case_register_finds_a_number_in_thai_digits_and_a_party_as_printed(
    main_window, ui_ctx, qtbot, typer
) -> None:
    build_register(ui_ctx.db)
    build_cases(ui_ctx.db)
    page = main_window.show_page("cases")
    page.refresh()
    for query in ("๑๒/๒๕๖๘", "เลขที่ 12/68", "นางน้ำฝน ปั้นทอง ทางเดิน"):
        page.register.search.clear()
        typer(page.register.search, query)
        with qtbot.waitSignal(page.register.searched, timeout=5000):
            page.register.apply_search_now()
        model = page.register.model
        assert [model.row_object(i).number for i in range(model.total)] == ["012/2568"], query
