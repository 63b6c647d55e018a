"""The layout holds still while a person types and clicks (issue 11 §5, docs/architecture.md
§15): a message that appears under a field (the national ID's check digit, a phone number), the
meeting's "saved" / "not saved" line and the "everyone present" button keep their room whether
they show or not, so no field moves from under the pointer or the caret. Each test records where
the fields are on the window before, makes the message come and go through the real widgets, and
compares, at the default text size and the largest the View menu offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from justice_desk.domain.enums import CommitteePosition
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations
from justice_desk.ui import settings as prefs
from justice_desk.ui.widgets.fit import SCREEN

SIZES = [prefs.DEFAULT_TEXT_SIZE, prefs.MAX_TEXT_SIZE]
WRONG_ID = "1101700203451"  # the check digit should be 0


@pytest.fixture
def text_size(qapp, request) -> Iterator[int]:
    from justice_desk.ui.fonts import load_thai_font

    before = qapp.font()
    qapp.setFont(load_thai_font(request.param))
    yield request.param
    qapp.setFont(before)


@pytest.fixture(autouse=True)
def prompts(monkeypatch) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {"errors": [], "confirms": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: said["errors"].append(text)
    )

    def confirm(parent, text, *, yes, no=None, title=None) -> bool:
        said["confirms"].append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    return said


def settle(qtbot) -> None:
    for _ in range(3):
        qtbot.wait(5)
        QApplication.processEvents()


def where(widgets: Sequence[QWidget]) -> list[tuple[int, int, int, int]]:
    """Each widget's rectangle on its window (what the pointer aims at)."""
    return [QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size()).getRect() for w in widgets]


def type_one_by_one(qtbot, typer, field, text: str, still: Sequence[QWidget], before) -> None:
    """Type ``text`` a key at a time; after every key nothing in ``still`` has moved."""
    for ch in text:
        typer(field, ch)
        settle(qtbot)
        assert where(still) == before, f"moved after typing {ch!r} into {field.accessibleName()}"


def shown_whole(label) -> bool:
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


# -- the person form (People page) ------------------------------------------------------------


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_person_form_fields_stay_put_while_the_id_and_phone_are_checked(
    qtbot, typer, text_size: int, main_window
) -> None:
    window = main_window
    window.resize(SCREEN)
    page = window.show_page("people")
    page.new_record()
    form = page.form
    settle(qtbot)
    below_id = [form.no_id_reason, form.birth_date, form.birth_year, form.sex, form.house_no]
    below_phone = [form.line_id, form.community_role, form.occupation, form.notes]
    still = below_id + below_phone
    before = where(still)

    form.national_id.setFocus()
    type_one_by_one(qtbot, typer, form.national_id, WRONG_ID, still, before)
    # The check has spoken, in full, and nothing moved for it.
    assert form.id_warning() and shown_whole(form.id_status)
    form.national_id.clearFocus()  # leaving the field: the count of digits gives way
    form.national_id.setText(WRONG_ID[:-2])
    settle(qtbot)
    assert "13" in form.id_status.text() and shown_whole(form.id_status)
    assert where(still) == before
    form.national_id.clear()
    settle(qtbot)
    assert form.id_status.isHidden() and where(still) == before

    type_one_by_one(qtbot, typer, form.phone, "12345", still, before)
    assert shown_whole(form.phone_status) and "12345" in form.phone_status.text()
    form.phone.clear()
    settle(qtbot)
    assert form.phone_status.isHidden() and where(still) == before


# -- the new person of a case's intake ----------------------------------------------------------


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_intake_new_person_fields_stay_put_while_the_id_is_checked(
    qtbot, typer, text_size: int, main_window
) -> None:
    page = main_window.show_page("cases")
    page.new_record()
    dialog = page.intake_dialog
    assert dialog is not None and dialog.isVisible()
    picker = dialog.picker
    picker.tabs.setCurrentIndex(1)  # a new person
    settle(qtbot)
    still = [picker.no_id_reason, picker.phone, picker.house_no, picker.add_new]
    before = where(still)
    picker.national_id.setFocus()
    type_one_by_one(qtbot, typer, picker.national_id, WRONG_ID, still, before)
    assert "check digit" in picker.id_status.text() and shown_whole(picker.id_status)
    type_one_by_one(qtbot, typer, picker.phone, "999", still, before)
    assert shown_whole(picker.phone_status)
    dialog.done(0)


# -- the meeting editor -----------------------------------------------------------------------


@pytest.fixture
def meeting(center_db):
    """A committee of four and a meeting held last month (attendance not taken yet)."""
    term = people.create_term(center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    for given, position in (
        ("สมศักดิ์", CommitteePosition.CHAIR),
        ("ปิ่นมณี", CommitteePosition.VICE_CHAIR),
        ("ญาณวุฒิ", CommitteePosition.MEMBER),
        ("น้ำฝน", CommitteePosition.SECRETARY),
    ):
        person = people.create_person(
            center_db,
            PersonInput(given_name=given, surname="ใจดี", title="นาย", no_id_reason="ไม่ทราบ"),
        ).record
        people.appoint(center_db, term.id, person.id, position)
    day = dt.date.today() - dt.timedelta(days=30)
    return meetings.create_meeting(
        center_db, meetings.MeetingInput(held_on=day, starts_at=dt.time(9, 30), place="ศาลา")
    )


@pytest.fixture
def editor(ui_settings, meeting, main_window, qtbot):
    window = main_window
    window.resize(SCREEN)
    page = window.show_page("meetings")
    page._select(meeting.id)
    settle(qtbot)
    return page.editor


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisibleTo(button.window()), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    settle(qtbot)


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_everyone_present_does_not_move_the_roster(qtbot, text_size: int, editor) -> None:
    editor.tabs.setCurrentWidget(editor.attendance)
    settle(qtbot)
    attendance = editor.attendance
    still = [w for row in attendance.rows for w in (row.name, row.choice)]
    still += [attendance.guest_box, attendance.add_guest_button, editor.save_button]
    before = where(still)
    assert attendance.rest_present.isVisibleTo(editor)
    click(qtbot, attendance.rest_present)
    assert not attendance.rest_present.isVisibleTo(editor)  # everyone is recorded now
    assert {row.kind for row in attendance.rows} == {"present"}
    assert where(still) == before
    # Back to "not recorded" for one member: the button returns, in the same place.
    row = attendance.rows[0]
    row.choice.setCurrentIndex(row.choice.findData("not_taken"))
    settle(qtbot)
    assert attendance.rest_present.isVisibleTo(editor) and where(still) == before


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_saved_and_not_saved_lines_do_not_move_the_meeting(
    qtbot, typer, text_size: int, editor, center_db, meeting
) -> None:
    editor.tabs.setCurrentWidget(editor.agenda)
    settle(qtbot)
    boxes = editor.agenda.boxes
    still = [w for box in boxes for w in (box.title_edit, box.discussion, box.up, box.down)]
    still += [editor.tabs, editor.save_button, editor.revert_button]
    bar = editor.scroll_box.verticalScrollBar()
    before, scrolled = where(still), bar.value()
    assert editor.message.text() == ""

    typer(boxes[0].discussion, "ประธานแจ้งเรื่องงบประมาณ")
    settle(qtbot)
    click(qtbot, editor.save_button)
    assert editor.message.text() == "Saved." and shown_whole(editor.message)
    assert where(still) == before and bar.value() == scrolled
    assert "งบประมาณ" in (meetings.get_meeting(center_db, meeting.id).agenda[0].discussion or "")

    # A refusal before saving: the "not saved" line says why, and nothing moves either.
    boxes[1].title_edit.clear()
    settle(qtbot)
    click(qtbot, editor.save_button)
    assert editor.message.text().startswith("Not saved") and shown_whole(editor.message)
    assert where(still) == before
    # Typing again clears the line; still nothing moves.
    typer(boxes[1].title_edit, "รับรองรายงานการประชุม")
    settle(qtbot)
    assert editor.message.text() == "" and where(still) == before
