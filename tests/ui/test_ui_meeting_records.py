"""Records that tell the truth, through the real Meetings page (issue 11 §7–10, §13): a new
meeting's attendance is not taken until somebody takes it, the demo's planned meeting says so,
agenda item 2 and the adopt button name the same meeting, and dates and times read one way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from justice_desk import i18n
from justice_desk.domain.enums import Attendance, CommitteePosition, MeetingStatus
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations

MEET_1 = dt.date(2026, 10, 7)
MEET_2 = dt.date(2026, 11, 4)


@pytest.fixture
def prompts(monkeypatch) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {"errors": [], "infos": [], "confirms": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda p, text, title=None: said["errors"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda p, text, title=None: said["infos"].append(text)
    )

    def confirm(parent, text, *, yes, no=None, title=None) -> bool:
        said["confirms"].append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return said


@pytest.fixture
def committee(center_db):
    term = people.create_term(center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    for given, position in (
        ("สมศักดิ์", CommitteePosition.CHAIR),
        ("ปิ่นมณี", CommitteePosition.MEMBER),
        ("ญาณวุฒิ", CommitteePosition.MEMBER),
        ("น้ำฝน", CommitteePosition.SECRETARY),
    ):
        person = people.create_person(
            center_db, PersonInput(given_name=given, title="นาย", no_id_reason="ไม่ทราบ")
        ).record
        people.appoint(center_db, term.id, person.id, position)


@pytest.fixture
def window(ui_settings, committee, prompts, request):
    ui_settings.setValue("window/last_page", "sync")
    return request.getfixturevalue("main_window")


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisibleTo(button.window()), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def test_attendance_is_taken_before_the_minutes(window, ui_ctx, qtbot, prompts) -> None:
    m = meetings.create_meeting(
        ui_ctx.db, meetings.MeetingInput(MEET_1, starts_at=dt.time(9, 30), place="ศาลาเอนกประสงค์")
    )
    page = window.show_page("meetings")
    editor, att = page.editor, page.editor.attendance
    # Not "present": not recorded, for every member, in the list and on the quorum line.
    assert [r.choice.currentText() for r in att.rows] == ["Not recorded yet"] * 4
    assert editor.quorum.text() == (
        "Attendance has not been taken yet: record who of the 4 members is present "
        "(at least 2 needed)."
    )
    assert page.register.model.data(page.register.model.index(0, 3)) == "not recorded"
    assert not editor.print_buttons["minutes"].isEnabled()
    # Marked held without it (the list is typed in from the paper afterwards): the confirmation
    # says attendance is not taken.
    click(qtbot, editor.held_button)
    assert "Attendance has not been taken yet" in prompts["confirms"][-1]
    editor.tabs.setCurrentWidget(att)
    att.rows[1].choice.setCurrentIndex(att.rows[1].choice.findData("absent"))
    assert editor.quorum.text().startswith("Attendance is not finished: 3 of 4")
    att.rows[1].reason.setText("ป่วย")
    click(qtbot, editor.save_button)  # a list half taken can be saved
    assert meetings.get_meeting(ui_ctx.db, m.id).quorum.not_recorded == 3
    assert page.register.model.data(page.register.model.index(0, 3)) == "not finished"
    assert not editor.print_buttons["minutes"].isEnabled()
    click(qtbot, att.rest_present)
    assert editor.quorum.text() == "Quorum: 3 of 4 present (at least 2 needed)."
    assert editor.print_buttons["minutes"].isEnabled()
    click(qtbot, editor.save_button)
    saved = meetings.get_meeting(ui_ctx.db, m.id)
    assert [a.attendance for a in saved.attendance] == [
        Attendance.PRESENT,
        Attendance.ABSENT,
        Attendance.PRESENT,
        Attendance.PRESENT,
    ]
    # The register and the quorum line count the same people.
    assert page.register.model.data(page.register.model.index(0, 3)) == "3 of 4"
    assert prompts["errors"] == []


def test_item_2_and_the_adopt_button_name_the_same_meeting(
    window, ui_ctx, qtbot, typer, prompts
) -> None:
    first = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    later = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_2))
    page = window.show_page("meetings")
    editor = page.editor
    assert editor.detail.id == later.id

    def item_2() -> str:
        return editor.agenda.boxes[1].title_edit.text()

    # Meeting 1 is still planned: item 2 names it, and so does the button, which says why it
    # cannot adopt yet (it used to offer nothing, or an older meeting, while item 2 named 1).
    assert item_2() == "Adoption of the minutes of meeting 1/2569"
    assert editor.adopt_button.text() == "Adopt the minutes of meeting 1/2569"
    assert not editor.adopt_button.isEnabled()
    assert "still planned" in editor.adopt_button.toolTip()
    # A meeting held between them is entered afterwards: both now name it.
    page.new_record()
    dialog = page.new_dialog
    dialog.date.line.clear()
    typer(dialog.date.line, "21/10/2569")
    typer(dialog.place, "ห้องประชุม อบต.")
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    between = editor.detail
    assert between.number == "3/2569" and "1/2569" in between.agenda[1].title
    assert page.register.select_id(later.id)
    assert item_2() == "Adoption of the minutes of meeting 3/2569"
    assert editor.adopt_button.text() == "Adopt the minutes of meeting 3/2569"
    # Held, attendance taken: the button adopts exactly the meeting item 2 names.
    assert page.register.select_id(between.id)
    editor.tabs.setCurrentWidget(editor.attendance)
    click(qtbot, editor.attendance.rest_present)
    click(qtbot, editor.save_button)
    click(qtbot, editor.held_button)
    assert page.register.select_id(later.id)
    assert editor.adopt_button.isEnabled()
    click(qtbot, editor.adopt_button)
    assert meetings.get_meeting(ui_ctx.db, between.id).adopted_in == "2/2569"
    assert "3/2569" in editor.agenda.boxes[1].resolution.toPlainText()
    assert meetings.get_meeting(ui_ctx.db, first.id).status is MeetingStatus.DRAFT
    assert prompts["errors"] == []


def test_the_demo_planned_meeting_shows_attendance_not_taken(tmp_path: Path, qtbot) -> None:
    """The demo center as a person first sees it: its newest meeting, planned, takes nobody's
    attendance for granted (it showed 13 present and the quorum met)."""
    from justice_desk.app import open_main_window
    from justice_desk.services import demo, setup

    db = setup.init_center(
        tmp_path / "demo.sqlite3",
        code="500107",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    demo.generate_demo(db, seed=5, people=30, cases=10, meetings=4)
    db.dispose()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/last_page", "meetings")
    window = open_main_window(tmp_path / "demo.sqlite3", settings)
    qtbot.addWidget(window)
    window.show()
    try:
        page = window.current_page()
        editor = page.editor
        assert editor.detail.status is MeetingStatus.DRAFT
        assert editor.detail.held_on > dt.date.today()
        assert editor.quorum.text().startswith("Attendance has not been taken yet")
        assert {r.kind for r in editor.attendance.rows} == {"not_taken"}
        assert page.register.model.data(page.register.model.index(0, 3)) == "not recorded"
        assert not editor.print_buttons["minutes"].isEnabled()
        held = page.register.model.row_object(1)
        assert (
            held.quorum.met
            and page.register.model.data(page.register.model.index(1, 3))
            == f"{held.present} of {held.members}"
        )
    finally:
        qtbot.waitUntil(lambda: window.runner.active == 0, timeout=10000)
        window.close()
        window.ctx.db.dispose()


def test_dates_and_times_read_one_way_in_thai(
    ui_settings, committee, prompts, request, qtbot
) -> None:
    """Times as ``13.30 น.``, dates in the short BE form in every list, and time fields whose
    placeholders are hints, not ``09.30 ถึง 09.30``."""
    i18n.set_language("th")
    try:
        db = request.getfixturevalue("center_db")
        m = meetings.create_meeting(
            db, meetings.MeetingInput(MEET_1, starts_at=dt.time(13, 30), ends_at=dt.time(16, 0))
        )
        window = request.getfixturevalue("window")
        page = window.show_page("meetings")
        editor = page.editor
        assert editor.detail.id == m.id
        assert (editor.starts.text(), editor.ends.text()) == ("13.30 น.", "16.00 น.")
        assert "13.30 น." in editor.subheading.text()
        assert editor.starts.placeholderText() == "เริ่ม เช่น 09.30 น."
        assert editor.ends.placeholderText() == "เลิก เช่น 12.00 น."
        # Typed the quick way, shown the one way; an unchanged field is not an edit.
        editor.starts.clear()
        editor.starts.insert("9.5")
        editor.starts.editingFinished.emit()
        assert editor.starts.styleSheet()  # not a time: said on the field
        editor.starts.clear()
        editor.starts.insert("๐๙.๓๐")
        editor.starts.editingFinished.emit()
        assert editor.starts.text() == "09.30 น." and editor.starts.value() == dt.time(9, 30)
        editor.save_and_wait()
        assert meetings.get_meeting(db, m.id).starts_at == dt.time(9, 30)
        editor.starts.editingFinished.emit()
        assert not editor.dirty
        # The meeting list and the committee's lists: the same short BE date.
        assert page.register.model.data(page.register.model.index(0, 1)) == "7 ต.ค. 2569"
        committee_page = window.show_page("committee")
        assert committee_page.terms.data(committee_page.terms.index(0, 1)) == "1 ม.ค. 2568"
        # The new-meeting dialog: a start time filled in, hints that differ.
        page = window.show_page("meetings")
        page.new_record()
        dialog = page.new_dialog
        assert dialog.starts.text() == "09.30 น."
        assert dialog.ends.text() == "" and dialog.ends.placeholderText() == "เลิก เช่น 12.00 น."
        dialog.reject()
    finally:
        i18n.set_language("en")
