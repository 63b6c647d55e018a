"""The Meetings page through its real widgets on a real database, checked through the services:
numbering and the standard agenda, attendance with a live quorum, resolutions and votes, held,
adoption of the previous minutes (locked), corrections as versions, unsaved changes, delete,
and the print buttons."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from justice_desk.domain.enums import Attendance, CommitteePosition, MeetingMode, MeetingStatus
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, meeting_dialogs, operations

MEET_1 = dt.date(2026, 10, 7)  # 2569 BE; in the past, so it can be marked as held
MEET_2 = dt.date(2026, 11, 4)


class Prompts:
    """Every message box the page may open, answered without a modal loop and recorded."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.confirms: list[str] = []
        self.confirm_answer = True
        self.save_answer = "discard"
        self.save_asked = 0


@pytest.fixture
def prompts(monkeypatch) -> Prompts:
    p = Prompts()
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: p.errors.append(text)
    )
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title=None: p.infos.append(text))

    def confirm(parent, text, *, yes, no=None, title=None) -> bool:
        p.confirms.append(text)
        return p.confirm_answer

    def ask(parent) -> str:
        p.save_asked += 1
        return p.save_answer

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_save_changes", ask)
    return p


@pytest.fixture
def committee(center_db):
    """A committee of six members who count for the quorum (at least 3) and an adviser."""
    term = people.create_term(center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    seats = [
        ("สมศักดิ์", "ใจดี", CommitteePosition.CHAIR),
        ("ปิ่นมณี", "ศรีสุข", CommitteePosition.VICE_CHAIR),
        ("ญาณวุฒิ", "แก้วมา", CommitteePosition.MEMBER),
        ("กมล", "ทองดี", CommitteePosition.MEMBER),
        ("ขวัญ", "ใจงาม", CommitteePosition.MEMBER),
        ("น้ำฝน", "ผู้ใหญ่บ้าน", CommitteePosition.SECRETARY),
        ("พระครูสุวรรณธรรมโกวิท", None, CommitteePosition.ADVISER),
    ]
    ids = []
    for given, surname, position in seats:
        person = people.create_person(
            center_db,
            PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="ไม่ทราบ"),
        ).record
        people.appoint(center_db, term.id, person.id, position)
        ids.append(person.id)
    return ids


@pytest.fixture
def window(ui_settings, committee, prompts, request):
    # Start on a quiet page (the window restores the last one); tests then go to Meetings.
    ui_settings.setValue("window/last_page", "sync")
    return request.getfixturevalue("main_window")


def take_attendance(db, meeting):
    """Everyone not recorded yet came (through the service)."""
    lines = [
        dataclasses.replace(a, attendance=Attendance.PRESENT)
        if a.attendance is Attendance.NOT_TAKEN
        else a
        for a in meeting.attendance
    ]
    return meetings.save_attendance(db, meeting.id, lines)


def open_page(window):
    page = window.show_page("meetings")
    assert window.current_page() is page
    return page


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisibleTo(button.window()), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def new_meeting_through_dialog(page, qtbot, typer, date_text: str, place: str):
    page.new_record()
    dialog = page.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.date.line.clear()
    typer(dialog.date.line, date_text)
    dialog.starts.clear()
    typer(dialog.starts, "9.30")
    typer(dialog.place, place)
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    return dialog


# -- create ------------------------------------------------------------------------------------


def test_new_meeting_gets_next_number_and_standard_agenda(
    window, ui_ctx, qtbot, typer, prompts
) -> None:
    page = open_page(window)
    assert page.register.model.total == 0
    page.new_record()
    dialog = page.new_dialog
    dialog.date.line.clear()
    typer(dialog.date.line, "07/10/2569")
    dialog.starts.clear()
    typer(dialog.starts, "9.30")
    typer(dialog.ends, "08.00")  # before the start: refused inline, nothing created
    typer(dialog.place, "ห้องประชุม อบต.แม่เหียะ")
    dialog.mode.setCurrentIndex(dialog.mode.findData(MeetingMode.HYBRID.value))
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert dialog.isVisible() and not dialog.errors.isHidden()
    assert "ends before it starts" in dialog.errors.text()
    assert meetings.list_meetings(ui_ctx.db).total == 0
    dialog.ends.clear()
    typer(dialog.ends, "12.00")
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert not dialog.isVisible() and prompts.errors == []

    (row,) = meetings.list_meetings(ui_ctx.db).rows
    detail = meetings.get_meeting(ui_ctx.db, row.id)
    assert detail.number == "1/2569" and detail.held_on == MEET_1
    assert (detail.starts_at, detail.ends_at) == (dt.time(9, 30), dt.time(12, 0))
    assert detail.place == "ห้องประชุม อบต.แม่เหียะ" and detail.mode is MeetingMode.HYBRID
    assert len(detail.agenda) == 5
    editor = page.editor
    assert editor.detail.id == row.id
    assert "1/2569" in editor.heading.text()
    assert [box.title_edit.text() for box in editor.agenda.boxes] == [
        a.title for a in detail.agenda
    ]
    assert editor.agenda.boxes[0].title_edit.text() == "Matters the chair informs the meeting of"
    assert editor.starts.text() == "09:30" and editor.ends.text() == "12:00"  # as times are shown
    assert page.register.model.total == 1 and page.register.model.row_object(0).number == "1/2569"
    # the committee roster is on the attendance list, in protocol order
    assert [r.line.position for r in editor.attendance.rows][:2] == [
        CommitteePosition.CHAIR,
        CommitteePosition.VICE_CHAIR,
    ]
    # nobody has taken attendance yet (docs/domain.md §4)
    assert editor.quorum.text().startswith("Attendance has not been taken yet")
    assert {r.kind for r in editor.attendance.rows} == {"not_taken"}

    # the second meeting of the year is number 2, and its item 2 names meeting 1/2569
    new_meeting_through_dialog(page, qtbot, typer, "04/11/2569", "ศาลาประชาคมหมู่ 3")
    second = page.editor.detail
    assert second.number == "2/2569" and "1/2569" in second.agenda[1].title
    assert page.register.model.total == 2


def test_agenda_items_are_added_moved_renamed_and_removed(
    window, ui_ctx, qtbot, typer, prompts
) -> None:
    m = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    page = open_page(window)
    agenda = page.editor.agenda
    page.editor.tabs.setCurrentWidget(agenda)
    click(qtbot, agenda.add_button)
    assert len(agenda.boxes) == 6 and "6" in agenda.boxes[5].title()
    new = agenda.boxes[5]
    typer(new.title_edit, "เรื่องโครงการไกล่เกลี่ยสัญจร")
    click(qtbot, new.up)  # now item 5, before "Other matters"
    assert agenda.boxes[4] is new and "5" in new.title()
    # an empty title is refused inline
    agenda.boxes[2].title_edit.clear()
    click(qtbot, page.editor.save_button)
    assert "needs a title" in page.editor.message.text()
    assert agenda.boxes[2].title_edit.styleSheet()
    typer(agenda.boxes[2].title_edit, "เรื่องสืบเนื่องจากการประชุมครั้งก่อน")
    click(qtbot, agenda.boxes[3].remove)  # empty item: removed without asking
    assert prompts.confirms == [] and len(agenda.boxes) == 5
    click(qtbot, page.editor.save_button)
    assert prompts.errors == [] and not page.editor.dirty

    titles = [a.title for a in meetings.get_meeting(ui_ctx.db, m.id).agenda]
    assert titles[2] == "เรื่องสืบเนื่องจากการประชุมครั้งก่อน"
    assert titles[3] == "เรื่องโครงการไกล่เกลี่ยสัญจร"
    assert titles[4] == "Other matters (if any)" and len(titles) == 5
    assert [a.number for a in meetings.get_meeting(ui_ctx.db, m.id).agenda] == [1, 2, 3, 4, 5]


# -- attendance and quorum ---------------------------------------------------------------------


def test_attendance_below_and_above_quorum_with_reason_substitute_and_guest(
    window, ui_ctx, qtbot, typer, prompts, monkeypatch, committee
) -> None:
    guest_person = people.create_person(
        ui_ctx.db,
        PersonInput(given_name="พัฒนา", surname="กร", title="นางสาว", no_id_reason="ไม่ทราบ"),
    ).record
    m = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    page = open_page(window)
    editor = page.editor
    att = editor.attendance
    editor.tabs.setCurrentWidget(att)
    rows = att.rows
    assert len(rows) == 7
    assert editor.quorum.text().startswith("Attendance has not been taken yet")
    assert "8a5300" in editor.quorum.styleSheet()
    # attendance taken the quick way: everyone not recorded yet came, then the exceptions
    assert att.rest_present.isVisibleTo(editor) and "(7)" in att.rest_present.text()
    click(qtbot, att.rest_present)
    assert not att.rest_present.isVisibleTo(editor)
    assert "Quorum: 6 of 6" in editor.quorum.text() and "1b5e20" in editor.quorum.styleSheet()

    # four members absent: 2 of 6 present, below the quorum of 3 — shown before saving
    for row in rows[1:5]:
        row.choice.setCurrentIndex(row.choice.findData("absent"))
    assert editor.quorum.text().startswith("No quorum: 2 of 6")
    assert "b71c1c" in editor.quorum.styleSheet()
    assert not meetings.get_meeting(ui_ctx.db, m.id).quorum.taken  # nothing saved yet
    for row, reason in zip(rows[1:4], ("ติดภารกิจ", "ป่วย", "ไปต่างจังหวัด"), strict=True):
        typer(row.reason, reason)
    # the fifth absence has no reason: saving is refused on that field
    click(qtbot, editor.save_button)
    assert "reason" in editor.message.text() and rows[4].reason.styleSheet()
    assert meetings.get_meeting(ui_ctx.db, m.id).lines(Attendance.ABSENT) == []

    # กมล sends a substitute: 3 of 6, the quorum is met
    rows[3].choice.setCurrentIndex(rows[3].choice.findData("substitute"))
    assert not rows[3].substitute.isHidden()
    typer(rows[3].substitute, "นายแทน ดีมาก")
    assert (
        editor.quorum.text().startswith("Quorum: 3 of 6") and "1b5e20" in editor.quorum.styleSheet()
    )
    typer(rows[4].reason, "ไม่ได้แจ้ง")

    # a guest picked from the register, with position; another typed and then removed
    monkeypatch.setattr(
        meeting_dialogs,
        "pick_person",
        lambda db, parent, title=None: meeting_dialogs.PickedPerson(
            guest_person.id, "นางสาวพัฒนา กร"
        ),
    )
    click(qtbot, att.add_guest_button)
    guest = att.guests[0]
    click(qtbot, guest.pick)
    assert guest.name.text() == "นางสาวพัฒนา กร"
    typer(guest.position, "นักวิชาการยุติธรรม")
    click(qtbot, att.add_guest_button)
    typer(att.guests[1].name, "ผู้สังเกตการณ์")
    click(qtbot, att.guests[1].remove)
    assert len(att.guests) == 1
    assert editor.quorum.text().startswith("Quorum: 3 of 6")  # guests do not count

    click(qtbot, editor.save_button)
    assert prompts.errors == [] and not editor.dirty

    saved = meetings.get_meeting(ui_ctx.db, m.id)
    absent = {a.name: a.absence_reason for a in saved.lines(Attendance.ABSENT)}
    assert absent == {
        "นายปิ่นมณี ศรีสุข": "ติดภารกิจ",
        "นายญาณวุฒิ แก้วมา": "ป่วย",
        "นายกมล ทองดี": "ไปต่างจังหวัด",
        "นายขวัญ ใจงาม": "ไม่ได้แจ้ง",
    }
    (sub,) = saved.lines(Attendance.SUBSTITUTE)
    assert (
        sub.name == "นายแทน ดีมาก"
        and sub.substitute_for_id == committee[3]
        and sub.person_id is None
    )
    (g,) = saved.lines(Attendance.GUEST)
    assert (g.name, g.person_id, g.position_label) == (
        "นางสาวพัฒนา กร",
        guest_person.id,
        "นักวิชาการยุติธรรม",
    )
    assert saved.quorum.met and (
        saved.quorum.present,
        saved.quorum.members,
        saved.quorum.required,
    ) == (3, 6, 3)
    # The register counts as the quorum line: chair, secretary and the substitute; the adviser
    # (present) and the guest do not count.
    row = page.register.model.row_object(0)
    assert (row.present, row.members) == (3, 6) and row.quorum == saved.quorum
    assert page.register.model.data(page.register.model.index(0, 3)) == "3 of 6"

    # the saved list comes back as it was entered
    rows = editor.attendance.rows
    assert rows[3].kind == "substitute" and rows[3].substitute.text() == "นายแทน ดีมาก"
    assert rows[1].kind == "absent" and rows[1].reason.text() == "ติดภารกิจ"
    assert editor.attendance.guests[0].person_id == guest_person.id
    assert editor.quorum.text() == saved.quorum.describe()


def test_person_picker_finds_a_thai_substring(ui_ctx, qtbot, committee) -> None:
    dialog = meeting_dialogs.PersonPickerDialog(ui_ctx.db)
    qtbot.addWidget(dialog)
    assert dialog.results.count() == 7
    dialog.search.setText("วุฒิ")
    assert dialog.results.count() == 1
    assert dialog.picked() == meeting_dialogs.PickedPerson(committee[2], "นายญาณวุฒิ แก้วมา")


# -- minutes: resolution, held, adoption, correction ---------------------------------------------


def test_resolution_votes_held_adoption_locks_and_correction_versions(
    window, ui_ctx, qtbot, typer, prompts, monkeypatch
) -> None:
    m1 = meetings.create_meeting(
        ui_ctx.db, meetings.MeetingInput(MEET_1, starts_at=dt.time(9, 30), place="ห้องประชุม อบต.")
    )
    page = open_page(window)
    editor = page.editor
    assert editor.detail.id == m1.id
    box = editor.agenda.boxes[3]
    typer(box.discussion, "เลขานุการเสนอแผนการไกล่เกลี่ยสัญจรประจำปี")
    typer(box.resolution, "ที่ประชุมมีมติเห็นชอบ")
    typer(box.votes_for, "5")
    # votes before attendance: said at once, under the votes
    assert not box.vote_note.isHidden() and "Take the attendance first" in box.vote_note.text()
    editor.tabs.setCurrentWidget(editor.attendance)
    click(qtbot, editor.attendance.rest_present)
    editor.tabs.setCurrentWidget(editor.agenda)
    # The note's room stays when it is empty, so fields below do not move as it comes and goes.
    assert box.vote_note.text() == "" and not box.vote_note.isHidden()
    assert box.vote_room.minimumHeight() >= 2 * box.vote_note.fontMetrics().lineSpacing()
    box.votes_for.clear()
    typer(box.votes_for, "50")
    assert not box.vote_note.isHidden() and "only 6 members present" in box.vote_note.text()
    assert box.votes_for.styleSheet()
    click(qtbot, editor.save_button)  # refused: the votes do not fit the attendance
    assert "Agenda item 4" in editor.message.text() and editor.dirty
    assert meetings.get_meeting(ui_ctx.db, m1.id).agenda[3].votes_for is None
    box.votes_for.clear()
    typer(box.votes_for, "5")
    typer(box.votes_against, "0")
    typer(box.votes_abstain, "1")
    assert box.vote_note.text() == ""
    click(qtbot, editor.save_button)
    item = meetings.get_meeting(ui_ctx.db, m1.id).agenda[3]
    assert (item.discussion, item.resolution) == (
        "เลขานุการเสนอแผนการไกล่เกลี่ยสัญจรประจำปี",
        "ที่ประชุมมีมติเห็นชอบ",
    )
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (5, 0, 1)
    assert (
        meetings.get_meeting(ui_ctx.db, m1.id).agenda[0].votes_for is None
    )  # empty = no vote taken

    # held
    assert editor.delete_button.isVisibleTo(editor) and not editor.adopt_button.isEnabled()
    click(qtbot, editor.held_button)
    assert "Mark meeting 1/2569 as held" in prompts.confirms[-1]
    assert meetings.get_meeting(ui_ctx.db, m1.id).status is MeetingStatus.HELD
    assert "Held" in editor.heading.text()
    assert not editor.held_button.isVisibleTo(editor) and not editor.delete_button.isVisibleTo(
        editor
    )

    # the next meeting adopts the minutes of 1/2569 as item 2
    new_meeting_through_dialog(page, qtbot, typer, "04/11/2569", "ห้องประชุม อบต.")
    m2 = editor.detail
    assert m2.number == "2/2569"
    assert editor.adopt_button.isEnabled() and "1/2569" in editor.adopt_button.text()
    click(qtbot, editor.adopt_button)
    assert "1/2569" in prompts.confirms[-1] and prompts.errors == []
    adopted = meetings.get_meeting(ui_ctx.db, m1.id)
    assert (
        adopted.locked
        and adopted.status is MeetingStatus.ADOPTED
        and adopted.adopted_in == "2/2569"
    )
    assert "1/2569" in editor.agenda.boxes[1].resolution.toPlainText()
    assert "1/2569" in (meetings.get_meeting(ui_ctx.db, m2.id).agenda[1].resolution or "")
    assert not editor.adopt_button.isEnabled()  # nothing left to adopt

    # the adopted meeting opens read-only, with the banner
    assert page.register.select_id(m1.id)
    assert editor.detail.id == m1.id
    assert editor.banner.isVisibleTo(editor)
    assert (
        "adopted at meeting 2/2569" in editor.banner.text() and "correction" in editor.banner.text()
    )
    box = editor.agenda.boxes[3]
    assert (
        box.resolution.isReadOnly()
        and box.discussion.isReadOnly()
        and box.title_edit.isReadOnly()
        and box.votes_for.isReadOnly()
    )
    assert box.remove.isHidden() and box.up.isHidden() and editor.agenda.add_button.isHidden()
    assert all(not r.choice.isEnabled() for r in editor.attendance.rows)
    assert editor.attendance.add_guest_button.isHidden() and all(
        r.reason.isReadOnly() for r in editor.attendance.rows
    )
    assert (
        editor.place.isReadOnly() and editor.date.line.isReadOnly() and not editor.mode.isEnabled()
    )
    assert not editor.save_button.isEnabled() and not editor.adopt_button.isVisibleTo(editor)
    assert editor.versions_model.rowCount() == 1
    with pytest.raises(Exception, match="locked"):
        meetings.save_agenda(ui_ctx.db, m1.id, list(adopted.agenda))

    # a correction: the agenda opens for editing, saving asks for the reason, version 2 is recorded
    asked = []

    def reason(parent, number, later):
        asked.append((number, [r.number for r in later]))
        return "แก้ไขถ้อยคำมติ", m2.id

    monkeypatch.setattr(meeting_dialogs, "ask_correction_reason", reason)
    assert editor.correct_button.isVisibleTo(editor)
    click(qtbot, editor.correct_button)
    box = editor.agenda.boxes[3]
    assert not box.resolution.isReadOnly() and "Correcting" in editor.banner.text()
    assert all(
        not r.choice.isEnabled() for r in editor.attendance.rows
    )  # only the minutes' body is corrected
    box.resolution.clear()
    typer(box.resolution, "ที่ประชุมมีมติเห็นชอบ (แก้ไขถ้อยคำ)")
    click(qtbot, editor.save_button)
    assert asked == [("1/2569", ["2/2569"])] and prompts.errors == []
    corrected = meetings.get_meeting(ui_ctx.db, m1.id)
    assert corrected.locked and corrected.minutes_version == 2
    assert corrected.agenda[3].resolution == "ที่ประชุมมีมติเห็นชอบ (แก้ไขถ้อยคำ)"
    versions = meetings.minutes_versions(ui_ctx.db, m1.id)
    assert [(v[0], v[1]) for v in versions] == [(1, None), (2, "แก้ไขถ้อยคำมติ")]
    assert versions[0][2]["agenda"][3]["resolution"] == "ที่ประชุมมีมติเห็นชอบ"
    # the page shows the history and is locked again
    assert editor.versions_model.rowCount() == 2
    assert editor.versions_model.data(editor.versions_model.index(1, 2)) == "แก้ไขถ้อยคำมติ"
    assert "ที่ประชุมมีมติเห็นชอบ (แก้ไขถ้อยคำ)" in editor.version_text.toPlainText()
    editor.versions.selectRow(0)
    assert "(แก้ไขถ้อยคำ)" not in editor.version_text.toPlainText()
    assert editor.agenda.boxes[3].resolution.isReadOnly() and "version 2" in editor.banner.text()


def test_correction_needs_a_reason_and_can_be_cancelled(
    window, ui_ctx, qtbot, typer, prompts, monkeypatch
) -> None:
    m1 = take_attendance(
        ui_ctx.db, meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    )
    meetings.mark_held(ui_ctx.db, m1.id)
    m2 = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_2))
    meetings.adopt_minutes(ui_ctx.db, m1.id, in_meeting_id=m2.id)
    page = open_page(window)
    assert page.register.select_id(m1.id)
    editor = page.editor
    click(qtbot, editor.correct_button)
    typer(editor.agenda.boxes[0].discussion, "ประธานแจ้งเพิ่มเติม")
    monkeypatch.setattr(
        meeting_dialogs, "ask_correction_reason", lambda parent, number, later: None
    )
    click(qtbot, editor.save_button)  # the user cancelled the reason: nothing saved
    assert meetings.get_meeting(ui_ctx.db, m1.id).minutes_version == 1 and editor.dirty
    click(qtbot, editor.cancel_correction_button)
    assert prompts.confirms and not editor.dirty and not editor.correcting
    assert (
        editor.agenda.boxes[0].discussion.toPlainText() == ""
        and editor.agenda.boxes[0].discussion.isReadOnly()
    )

    # the reason dialog itself refuses an empty reason
    dialog = meeting_dialogs.CorrectionDialog("1/2569", meetings.list_meetings(ui_ctx.db).rows[:1])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and not dialog.errors.isHidden()
    dialog.reason.setPlainText("แก้ไขชื่อผู้เข้าประชุม")
    dialog.meeting.setCurrentIndex(1)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_value() == ("แก้ไขชื่อผู้เข้าประชุม", m2.id)


# -- unsaved changes, delete -------------------------------------------------------------------


def test_unsaved_changes_prompt_on_leaving_the_page_and_the_meeting(
    window, ui_ctx, qtbot, typer, prompts
) -> None:
    m1 = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1, place="ห้องประชุม อบต."))
    m2 = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_2, place="ศาลาประชาคม"))
    page = open_page(window)
    editor = page.editor
    assert editor.detail.id == m2.id  # the newest is shown first
    typer(editor.place, " หมู่ 3")
    assert editor.dirty and editor.save_button.isEnabled()

    prompts.save_answer = "cancel"
    window.show_page("sync")
    assert prompts.save_asked == 1 and window.current_page() is page and editor.dirty
    assert page.register.select_id(m1.id)  # choosing another meeting asks too; Cancel stays
    assert (
        prompts.save_asked == 2
        and editor.detail.id == m2.id
        and editor.place.text() == "ศาลาประชาคม หมู่ 3"
    )

    prompts.save_answer = "discard"
    window.show_page("sync")
    assert window.current_page() is not page
    assert meetings.get_meeting(ui_ctx.db, m2.id).place == "ศาลาประชาคม"
    window.show_page("meetings")
    assert editor.place.text() == "ศาลาประชาคม" and not editor.dirty

    typer(editor.place, " หมู่ 3")
    prompts.save_answer = "save"
    window.show_page("sync")
    assert window.current_page() is not page and prompts.errors == []
    assert meetings.get_meeting(ui_ctx.db, m2.id).place == "ศาลาประชาคม หมู่ 3"

    # an invalid time keeps the user on the page even when they chose Save
    window.show_page("meetings")
    editor.starts.clear()
    typer(editor.starts, "25.99")
    window.show_page("sync")
    assert window.current_page() is page and "not a time of day" in editor.message.text()
    assert editor.starts.styleSheet()


def test_delete_only_a_planned_meeting_after_confirmation(window, ui_ctx, qtbot, prompts) -> None:
    held = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    meetings.mark_held(ui_ctx.db, held.id)
    planned = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_2))
    page = open_page(window)
    editor = page.editor
    assert editor.detail.id == planned.id
    prompts.confirm_answer = False
    click(qtbot, editor.delete_button)
    assert "2/2569" in prompts.confirms[-1]
    assert meetings.list_meetings(ui_ctx.db).total == 2
    prompts.confirm_answer = True
    click(qtbot, editor.delete_button)
    assert [r.number for r in meetings.list_meetings(ui_ctx.db).rows] == ["1/2569"]
    assert page.register.model.total == 1 and page.detail_stack.currentWidget() is page.empty
    assert page.register.select_id(held.id)
    assert not editor.delete_button.isVisibleTo(editor)


# -- printing ------------------------------------------------------------------------------------


def test_print_buttons_save_first_then_preview_the_real_document(
    window, ui_ctx, qtbot, prompts, monkeypatch, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from justice_desk.ui import print_preview

    m = meetings.create_meeting(
        ui_ctx.db,
        meetings.MeetingInput(
            MEET_1, starts_at=dt.time(9, 30), ends_at=dt.time(12, 0), place="ห้องประชุม อบต."
        ),
    )
    page = open_page(window)
    editor = page.editor

    # The minutes wait for the attendance: the button says so, Ctrl+P explains and shows the tab.
    minutes = editor.print_buttons["minutes"]
    assert not minutes.isEnabled() and "once attendance is taken" in minutes.toolTip()
    assert editor.print_buttons["attendance"].isEnabled()  # the blank sheet, for signing
    editor.print_document("minutes")
    assert "attendance has not been taken" in prompts.errors[-1] and editor.print_job is None
    assert editor.tabs.currentWidget() is editor.attendance
    prompts.errors.clear()
    click(qtbot, editor.attendance.rest_present)
    assert minutes.isEnabled()

    # The button saves the attendance, builds the minutes in the background and previews them.
    click(qtbot, minutes)
    task = editor.print_job
    assert task is not None and task.request.kind == "minutes"
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    assert prompts.errors == []
    assert meetings.get_meeting(ui_ctx.db, m.id).quorum.taken  # saved before printing
    preview = task.dialog
    assert preview is not None and preview.isVisible()
    assert len(preview.pages) == len(PdfReader(io.BytesIO(preview.pdf)).pages)
    assert preview.request.file_name == "minutes-1-2569.pdf"

    # Save as PDF… from the preview: the file the service made, where the person chose.
    target = tmp_path / "out" / "รายงานการประชุม"
    target.parent.mkdir()
    monkeypatch.setattr(print_preview, "ask_save_path", lambda *args: str(target))
    with qtbot.waitSignal(preview.saved, timeout=10000):
        click(qtbot, preview.save_button)
    assert target.with_suffix(".pdf").read_bytes() == preview.pdf
    preview.reject()
    assert prompts.errors == []


def test_print_with_the_real_printing_service(
    window, ui_ctx, qtbot, prompts, monkeypatch, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    meetings.create_meeting(
        ui_ctx.db, meetings.MeetingInput(MEET_1, starts_at=dt.time(9, 30), place="ห้องประชุม อบต.")
    )
    page = open_page(window)
    click(qtbot, page.editor.print_buttons["invitation"])
    task = page.editor.print_job
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    assert prompts.errors == []
    preview = task.dialog
    assert preview is not None and preview.isVisible()
    reader = PdfReader(io.BytesIO(preview.pdf))
    assert reader.metadata.title.startswith("หนังสือเชิญประชุม")
    assert len(preview.pages) == len(reader.pages)
    preview.reject()


def test_members_appointed_after_the_meeting_was_planned_can_be_added(
    window, ui_ctx, qtbot, prompts
) -> None:
    m = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(MEET_1))
    (term,) = people.list_terms(ui_ctx.db)
    late = people.create_person(
        ui_ctx.db,
        PersonInput(given_name="ใหม่", surname="มาทีหลัง", title="นาง", no_id_reason="ไม่ทราบ"),
    ).record
    people.appoint(
        ui_ctx.db, term.id, late.id, CommitteePosition.MEMBER, starts_on=dt.date(2026, 6, 1)
    )
    page = open_page(window)
    editor = page.editor
    att = editor.attendance
    editor.tabs.setCurrentWidget(att)
    click(qtbot, att.rest_present)
    assert len(att.rows) == 7 and "Quorum: 6 of 6" in editor.quorum.text()
    assert att.add_missing.isVisibleTo(editor) and "(1)" in att.add_missing.text()
    click(qtbot, att.add_missing)
    assert len(att.rows) == 8 and att.rows[-1].line.person_id == late.id
    assert att.rows[-1].kind == "not_taken"  # added, not assumed present
    assert editor.quorum.text().startswith("Attendance is not finished: 1 of 7") and editor.dirty
    click(qtbot, att.rest_present)
    assert "Quorum: 7 of 7" in editor.quorum.text()
    click(qtbot, editor.save_button)
    saved = meetings.get_meeting(ui_ctx.db, m.id)
    assert late.id in [a.person_id for a in saved.attendance] and saved.quorum.members == 7
    assert att.add_missing.isHidden()


def test_a_future_meeting_cannot_be_marked_held_yet(window, ui_ctx, qtbot, prompts) -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(future))
    editor = open_page(window).editor
    assert editor.held_button.isVisibleTo(editor) and not editor.held_button.isEnabled()
    assert "can be marked as held from that day" in editor.held_button.toolTip()
