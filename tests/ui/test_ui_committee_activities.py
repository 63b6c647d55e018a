"""The Committee & mediators and Activities pages through their real widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from justice_desk.domain.dates import format_date, format_numeric_date
from justice_desk.domain.enums import CommitteePosition
from justice_desk.services import activities, people
from justice_desk.services.activities import ActivityInput
from justice_desk.services.people import PersonInput, PersonRecord
from justice_desk.ui import dialogs, operations


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    def unexpected(parent, text, *a, **kw):
        raise AssertionError(f"unexpected dialog: {text}")

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    monkeypatch.setattr(dialogs, "show_error", unexpected)
    monkeypatch.setattr(dialogs, "confirm", unexpected)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def be(day: dt.date) -> str:
    """A date as typed into a date field."""
    return format_numeric_date(day)


def listed(day: dt.date) -> str:
    """A date as lists show it (the short Buddhist-Era form, as everywhere in the app)."""
    return format_date(day, "en", short=True)


def add_people(db, *names: tuple[str, str]) -> dict[str, PersonRecord]:
    return {
        given: people.create_person(
            db, PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="ยังไม่ทราบ")
        ).record
        for given, surname in names
    }


def pick(qtbot, typer, dialog, search: str, person_id) -> None:
    """Find a person in the dialog's picker by typing, then click their row."""
    typer(dialog.picker.register.search, search)
    dialog.picker.register.apply_search_now()
    assert dialog.picker.register.model.total >= 1
    assert dialog.picker.choose_id(person_id)
    assert dialog.picker.chosen is not None and dialog.picker.chosen.id == person_id


# -- committee -----------------------------------------------------------------------------


def test_create_term_appoint_chair_and_secretary_and_see_the_roster(
    main_window, ui_ctx, qtbot, typer
) -> None:
    crowd = add_people(ui_ctx.db, ("ปรีชา", "มณีวงศ์"), ("บุญชู", "ใจแก้ว"), ("สมใจ", "ใจงาม"))
    page = main_window.show_page("committee")
    assert page.terms.rowCount() == 0
    assert not page.appoint_button.isEnabled()

    start = dt.date.today() - dt.timedelta(days=30)
    end = start.replace(year=start.year + 2)
    click(qtbot, page.new_term_button)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    click(qtbot, dialog.ok_button)  # nothing filled in: refused, the dialog stays open
    assert dialog.isVisible() and people.list_terms(ui_ctx.db) == []
    assert dialog.errors.marked is not None
    typer(dialog.name, "วาระปี 2569–2571")
    dialog.starts_on.line.setText(be(start))
    dialog.ends_on.line.setText(be(end))
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (term,) = people.list_terms(ui_ctx.db)
    assert (term.name, term.starts_on, term.ends_on) == ("วาระปี 2569–2571", start, end)
    assert page.terms.rowCount() == 1 and page.current_term().id == term.id
    assert page.terms.data(page.terms.index(0, 1)) == listed(start)

    # appoint the chair: pick the person by a Thai search, choose the position
    click(qtbot, page.appoint_button)
    dialog = page.dialog
    click(qtbot, dialog.ok_button)  # nobody chosen yet
    assert dialog.isVisible() and dialog.errors.marked is dialog.picker.register.table
    pick(qtbot, typer, dialog, "ปรีชา", crowd["ปรีชา"].id)
    dialog.set_position(CommitteePosition.CHAIR)
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted

    # and the secretary
    dialog = page.appoint()
    pick(qtbot, typer, dialog, "ใจแก้ว", crowd["บุญชู"].id)
    dialog.position.setCurrentIndex(dialog.position.findData(CommitteePosition.SECRETARY.value))
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted

    # a second chair is refused by the rule, on the position field
    dialog = page.appoint()
    pick(qtbot, typer, dialog, "สมใจ", crowd["สมใจ"].id)
    dialog.set_position(CommitteePosition.CHAIR)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.errors.marked is dialog.position
    assert "already has a Chair" in dialog.strip.text()
    dialog.reject()

    roster = people.roster(ui_ctx.db)
    assert [(s.person_name, s.position) for s in roster] == [
        ("นายปรีชา มณีวงศ์", CommitteePosition.CHAIR),
        ("นายบุญชู ใจแก้ว", CommitteePosition.SECRETARY),
    ]
    shown = [
        [page.roster.data(page.roster.index(r, c)) for c in range(2)]
        for r in range(page.roster.rowCount())
    ]
    assert shown == [["Chair", "นายปรีชา มณีวงศ์"], ["Committee member and secretary", "นายบุญชู ใจแก้ว"]]
    assert "2 serving" in page.roster_label.text()

    # end the secretary's appointment yesterday: they leave today's roster
    page.roster_table.selectRow(1)
    click(qtbot, page.end_button)
    dialog = page.dialog
    dialog.date.line.setText(be(dt.date.today() - dt.timedelta(days=1)))
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [s.position for s in people.roster(ui_ctx.db)] == [CommitteePosition.CHAIR]
    assert page.roster.rowCount() == 1


def test_register_a_mediator_and_see_valid_and_expired(main_window, ui_ctx, qtbot, typer) -> None:
    crowd = add_people(ui_ctx.db, ("อุดม", "ปู่ก้อน"), ("พรทิพย์", "อินต๊ะ"))
    today = dt.date.today()
    people.register_mediator(
        ui_ctx.db,
        crowd["พรทิพย์"].id,
        registration_no="ชม 0003/2567",
        issued_on=today - dt.timedelta(days=800),
        expires_on=today - dt.timedelta(days=70),
    )
    page = main_window.show_page("committee")
    dialog = page.register_mediator()
    assert page.tabs.currentIndex() == 1
    pick(qtbot, typer, dialog, "อุดม", crowd["อุดม"].id)
    click(qtbot, dialog.ok_button)  # the registration number is required
    assert dialog.isVisible() and dialog.errors.marked is dialog.registration_no
    typer(dialog.registration_no, "ชม 0001/2569")
    dialog.issued_on.line.setText(be(today - dt.timedelta(days=10)))
    dialog.expires_on.line.setText(be(today - dt.timedelta(days=10) + dt.timedelta(days=730)))
    click(qtbot, dialog.ok_button)
    assert dialog.result() == QDialog.DialogCode.Accepted

    valid = people.list_mediators(ui_ctx.db, valid_on=today)
    assert [(m.person_name, m.registration_no) for m in valid] == [("นายอุดม ปู่ก้อน", "ชม 0001/2569")]
    rows = {
        page.mediators.data(page.mediators.index(r, 1)): r for r in range(page.mediators.rowCount())
    }
    assert set(rows) == {"ชม 0001/2569", "ชม 0003/2567"}

    def status(row: int) -> str:
        return page.mediators.data(page.mediators.index(row, 4))

    def background(row: int) -> object:
        return page.mediators.data(page.mediators.index(row, 0), Qt.ItemDataRole.BackgroundRole)

    assert status(rows["ชม 0001/2569"]) == "Valid" and background(rows["ชม 0001/2569"]) is None
    assert (
        status(rows["ชม 0003/2567"]) == "Expired" and background(rows["ชม 0003/2567"]) is not None
    )
    assert page.mediators.data(page.mediators.index(rows["ชม 0001/2569"], 2)) == listed(
        today - dt.timedelta(days=10)
    )
    page.valid_only.setChecked(True)
    assert page.mediators.rowCount() == 1
    assert "1 valid today" in page.mediator_count.text()


# -- activities ----------------------------------------------------------------------------


def test_create_an_activity_and_see_it_listed_then_edit_and_delete(
    main_window, ui_ctx, qtbot, typer, monkeypatch
) -> None:
    page = main_window.show_page("activities")
    assert page.register.model.total == 0
    page.new_record()
    page.topic.clear()
    click(qtbot, page.save_button)  # the topic is required
    assert page.errors.marked is page.topic
    assert activities.list_activities(ui_ctx.db).total == 0

    held = dt.date.today() - dt.timedelta(days=3)
    page.held_on.line.setText(be(held))
    typer(page.topic, "รณรงค์ป้องกันยาเสพติดในโรงเรียน")
    typer(page.place, "โรงเรียนบ้านหนองโค้ง")
    page.male.setValue(12)
    page.female.setValue(20)
    page.unspecified.setValue(3)
    assert page.total.text() == "Total: 35"
    typer(page.partners, "สถานีตำรวจภูธรแม่เหียะ")
    click(qtbot, page.save_button)

    (saved,) = activities.list_activities(ui_ctx.db).rows
    assert (saved.held_on, saved.topic, saved.place, saved.participants) == (
        held,
        "รณรงค์ป้องกันยาเสพติดในโรงเรียน",
        "โรงเรียนบ้านหนองโค้ง",
        35,
    )
    assert (saved.participants_male, saved.participants_female, saved.participants_unspecified) == (
        12,
        20,
        3,
    )
    assert saved.partners == "สถานีตำรวจภูธรแม่เหียะ"
    model = page.register.model
    assert model.total == 1
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        listed(held),
        saved.topic,
        saved.place,
        "35",
    ]
    assert page.current_id == saved.id and page.strip.text() == "Saved."

    # another one, older, then edit the first from the list
    activities.create_activity(
        ui_ctx.db,
        ActivityInput(
            held_on=held - dt.timedelta(days=40), topic="ประชาคมหมู่บ้าน", participants_male=5
        ),
    )
    page.refresh()
    assert model.total == 2 and model.row_object(0).id == saved.id  # newest first
    page.register.select_row(1)
    assert page.topic.text() == "ประชาคมหมู่บ้าน"
    page.register.select_row(0)
    page.female.setValue(25)
    click(qtbot, page.save_button)
    assert activities.list_activities(ui_ctx.db).rows[0].participants == 40

    # search finds it by a Thai substring of the place
    typer(page.register.search, "หนองโค้ง")
    page.register.apply_search_now()
    assert model.total == 1 and model.row_object(0).id == saved.id

    monkeypatch.setattr(dialogs, "confirm", lambda parent, text, **kw: True)
    page.register.search.clear()
    page.register.apply_search_now()
    assert page.register.select_id(saved.id)
    click(qtbot, page.delete_button)
    assert [a.topic for a in activities.list_activities(ui_ctx.db).rows] == ["ประชาคมหมู่บ้าน"]
    assert model.total == 1
