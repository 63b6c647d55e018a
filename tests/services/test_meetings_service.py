from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from justice_desk.domain.enums import Attendance, CommitteePosition, MeetingStatus
from justice_desk.errors import ValidationError
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput


@pytest.fixture
def committee(center_db):
    term = people.create_term(center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    seats = [
        ("สมศักดิ์", CommitteePosition.CHAIR),
        ("ปิ่นมณี", CommitteePosition.VICE_CHAIR),
        ("ญาณวุฒิ", CommitteePosition.MEMBER),
        ("กมล", CommitteePosition.MEMBER),
        ("ขวัญ", CommitteePosition.MEMBER),
        ("น้ำฝน", CommitteePosition.SECRETARY),
        ("พระครูสุวรรณธรรมโกวิท", CommitteePosition.ADVISER),
    ]
    ids = []
    for name, pos in seats:
        p = people.create_person(center_db, PersonInput(given_name=name, no_id_reason="-")).record
        people.appoint(center_db, term.id, p.id, pos)
        ids.append(p.id)
    return ids


def with_attendance(line, **kw):
    return dataclasses.replace(line, **kw)


def everyone_present(db, meeting):
    """Take attendance: every member whose attendance is not recorded came."""
    lines = [
        dataclasses.replace(a, attendance=Attendance.PRESENT)
        if a.attendance is Attendance.NOT_TAKEN
        else a
        for a in meeting.attendance
    ]
    return meetings.save_attendance(db, meeting.id, lines)


def test_meeting_numbering_agenda_and_roster(center_db, committee) -> None:
    m = meetings.create_meeting(
        center_db,
        meetings.MeetingInput(
            dt.date(2026, 1, 14), starts_at=dt.time(9, 30), place="ห้องประชุม อบต."
        ),
    )
    assert m.number == "1/2569" and m.status is MeetingStatus.DRAFT
    assert len(m.agenda) == 5 and "..." in m.agenda[1].title
    assert [a.position for a in m.attendance][:2] == [
        CommitteePosition.CHAIR,
        CommitteePosition.VICE_CHAIR,
    ]
    assert m.minute_taker == "น้ำฝน" and m.checker == "สมศักดิ์"
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    assert m2.number == "2/2569" and "1/2569" in m2.agenda[1].title
    assert meetings.find_meeting(center_db, "2/2569") == m2.id


def test_quorum_below_and_above(center_db, committee) -> None:
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    # Nobody has taken attendance yet: no member is present, and there is no quorum to speak of.
    assert {a.attendance for a in m.attendance} == {Attendance.NOT_TAKEN}
    assert m.quorum.members == 6 and m.quorum.required == 3  # the adviser does not count
    assert not m.quorum.taken and not m.quorum.met and m.quorum.present == 0
    assert m.quorum.describe().startswith("Attendance has not been taken yet")
    m = everyone_present(center_db, m)
    assert m.quorum.met and m.quorum.present == 6 and m.quorum.taken
    lines = list(m.attendance)
    for i in range(4):
        lines[i] = with_attendance(lines[i], attendance=Attendance.ABSENT, absence_reason="ติดภารกิจ")
    m = meetings.save_attendance(center_db, m.id, lines)
    assert not m.quorum.met and m.quorum.present == 2 and "No quorum" in m.quorum.describe()
    assert m.lines(Attendance.ABSENT)[0].absence_reason == "ติดภารกิจ"
    sub = meetings.AttendanceLine(
        "นายแทน ดีมาก", Attendance.SUBSTITUTE, substitute_for_id=lines[0].person_id
    )
    guest = meetings.AttendanceLine(
        "นางสาวพัฒนา กร", Attendance.GUEST, position_label="นักวิชาการยุติธรรม"
    )
    m = meetings.save_attendance(center_db, m.id, [*lines, sub, guest])
    assert m.quorum.met and m.quorum.present == 3
    with pytest.raises(ValidationError, match="attends for"):
        meetings.save_attendance(
            center_db, m.id, [meetings.AttendanceLine("ใครสักคน", Attendance.SUBSTITUTE)]
        )


def test_resolutions_votes_and_adoption_locks_minutes(center_db, committee) -> None:
    m1 = everyone_present(
        center_db, meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    )
    items = list(m1.agenda)
    items[3] = dataclasses.replace(
        items[3],
        discussion="เลขานุการเสนอ",
        resolution="ที่ประชุมมีมติเห็นชอบ",
        votes_for=5,
        votes_against=0,
        votes_abstain=1,
    )
    m1 = meetings.save_agenda(center_db, m1.id, items)
    assert m1.agenda[3].votes_for == 5
    with pytest.raises(ValidationError):
        meetings.save_agenda(center_db, m1.id, [dataclasses.replace(items[0], votes_for=-1)])
    m1 = meetings.mark_held(center_db, m1.id)
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    adopted = meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m2.id)
    assert adopted.locked and adopted.adopted_in == "2/2569"
    assert "1/2569" in meetings.get_meeting(center_db, m2.id).agenda[1].resolution
    with pytest.raises(ValidationError, match="locked"):
        meetings.save_agenda(center_db, m1.id, list(adopted.agenda))
    with pytest.raises(ValidationError, match="locked"):
        meetings.save_attendance(center_db, m1.id, list(adopted.attendance))
    corrected_items = list(adopted.agenda)
    corrected_items[3] = dataclasses.replace(
        corrected_items[3], resolution="ที่ประชุมมีมติเห็นชอบ (แก้ไขถ้อยคำ)"
    )
    c = meetings.correct_minutes(
        center_db, m1.id, corrected_items, reason="แก้ไขถ้อยคำมติ", in_meeting_id=m2.id
    )
    assert c.minutes_version == 2 and c.locked
    versions = meetings.minutes_versions(center_db, m1.id)
    assert [v[0] for v in versions] == [1, 2] and versions[1][1] == "แก้ไขถ้อยคำมติ"
    assert versions[0][2]["agenda"][3]["resolution"] == "ที่ประชุมมีมติเห็นชอบ"


def test_cannot_adopt_a_draft_or_at_an_earlier_meeting(center_db, committee) -> None:
    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    with pytest.raises(ValidationError, match="held"):
        meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m2.id)
    meetings.mark_held(center_db, m2.id)
    with pytest.raises(ValidationError, match="later meeting"):
        meetings.adopt_minutes(center_db, m2.id, in_meeting_id=m1.id)


def test_the_meeting_before_is_the_one_item_2_names_and_adopts(center_db, committee) -> None:
    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    m3 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 11)))
    # The meeting before, whatever its status: the same one item 2's title names.
    assert meetings.previous_meeting(center_db, m3.id).number == "2/2569"
    assert meetings.previous_meeting(center_db, m3.id).status is MeetingStatus.DRAFT
    assert "2/2569" in meetings.get_meeting(center_db, m3.id).agenda[1].title
    assert meetings.previous_meeting(center_db, m1.id) is None
    for m in (m1, m2):
        everyone_present(center_db, m)
        meetings.mark_held(center_db, m.id)
    # Meeting 3 adopts the minutes of meeting 2 only; meeting 1's are adopted at meeting 2.
    with pytest.raises(ValidationError, match="before it .2/2569., not those of meeting 1/2569"):
        meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m3.id)
    meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m2.id)
    meetings.adopt_minutes(center_db, m2.id, in_meeting_id=m3.id)
    before = meetings.previous_meeting(center_db, m3.id)
    assert before.number == "2/2569" and before.status is MeetingStatus.ADOPTED
    assert before.adopted_in == "3/2569"
    assert [r.number for r in meetings.meetings_after(center_db, m1.id)] == ["2/2569", "3/2569"]
    assert meetings.meetings_after(center_db, m3.id) == []


def test_item_2_follows_meetings_planned_moved_and_deleted(center_db, committee) -> None:
    def item_2(m):
        return meetings.get_meeting(center_db, m.id).agenda[1].title

    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 11)))
    assert item_2(m1) == "Adoption of the minutes of meeting ..."
    # A meeting held earlier is entered afterwards: it becomes the one meeting 1 adopts.
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    assert item_2(m1) == "Adoption of the minutes of meeting 2/2569"
    assert meetings.previous_meeting(center_db, m1.id).number == "2/2569"
    assert item_2(m2) == "Adoption of the minutes of meeting ..."
    # Moving meeting 2 after meeting 1 swaps them.
    detail = meetings.get_meeting(center_db, m2.id)
    meetings.update_meeting(
        center_db, m2.id, meetings.MeetingInput(dt.date(2026, 4, 8)), detail.rev
    )
    assert item_2(m2) == "Adoption of the minutes of meeting 1/2569"
    assert item_2(m1) == "Adoption of the minutes of meeting ..."
    # A title the secretary wrote herself is hers.
    items = list(meetings.get_meeting(center_db, m2.id).agenda)
    items[1] = dataclasses.replace(items[1], title="รับรองรายงานการประชุมครั้งก่อน")
    meetings.save_agenda(center_db, m2.id, items)
    m3 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 25)))
    assert item_2(m2) == "รับรองรายงานการประชุมครั้งก่อน"
    assert item_2(m3) == "Adoption of the minutes of meeting 1/2569"
    meetings.delete_meeting(center_db, m1.id)
    assert item_2(m3) == "Adoption of the minutes of meeting ..."


def test_item_2_in_thai_is_kept_in_thai(center_db, committee) -> None:
    from justice_desk import i18n

    i18n.set_language("th")
    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 11)))
    i18n.set_language("en")
    meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    title = meetings.get_meeting(center_db, m1.id).agenda[1].title
    assert title == "เรื่องรับรองรายงานการประชุมครั้งที่ 2/2569"


def test_attendance_not_taken_blocks_minutes_and_adoption(center_db, committee) -> None:
    from justice_desk.services import printing

    m1 = meetings.create_meeting(
        center_db,
        meetings.MeetingInput(
            dt.date(2026, 1, 14),
            starts_at=dt.time(9, 30),
            ends_at=dt.time(12, 0),
            place="ศาลาเอนกประสงค์",
        ),
    )
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    meetings.mark_held(center_db, m1.id)  # held before the list is typed in: allowed
    with pytest.raises(meetings.AttendanceNotTakenError, match="attendance has not been taken"):
        printing.minutes_document(center_db, m1.id)
    with pytest.raises(meetings.AttendanceNotTakenError) as refused:
        meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m2.id)
    assert refused.value.reason == "attendance_not_taken" and refused.value.number == "1/2569"
    # A blank attendance sheet, for signing on the day, lists every member.
    sheet = printing.attendance_document(center_db, m1.id)
    assert len(sheet.members) == 7
    # Half taken: still refused, saying how many are missing.
    detail = meetings.get_meeting(center_db, m1.id)
    lines = list(detail.attendance)
    lines[0] = with_attendance(lines[0], attendance=Attendance.PRESENT)
    detail = meetings.save_attendance(center_db, m1.id, lines)
    assert detail.quorum.started and not detail.quorum.taken
    assert detail.quorum.describe().startswith("Attendance is not finished: 5 of 6")
    with pytest.raises(meetings.AttendanceNotTakenError, match="5 of 6 members"):
        printing.minutes_document(center_db, m1.id)
    everyone_present(center_db, detail)
    assert printing.minutes_document(center_db, m1.id).quorum_met
    assert meetings.adopt_minutes(center_db, m1.id, in_meeting_id=m2.id).locked


def test_a_guest_or_substitute_line_cannot_be_left_unrecorded(center_db, committee) -> None:
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    stray = meetings.AttendanceLine("ผู้สังเกตการณ์", Attendance.NOT_TAKEN)
    with pytest.raises(ValidationError, match="present or absent") as refused:
        meetings.save_attendance(center_db, m.id, [*m.attendance, stray])
    assert refused.value.field == "attendance"


def test_votes_are_checked_against_the_members_present(center_db, committee) -> None:
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    items = list(m.agenda)
    items[3] = dataclasses.replace(items[3], votes_for=3, votes_against=0, votes_abstain=0)
    with pytest.raises(ValidationError, match="Agenda item 4: Take the attendance first"):
        meetings.save_agenda(center_db, m.id, items)
    lines = list(m.attendance)
    for i in (2, 3, 4):  # three members away: three present (the adviser does not vote)
        lines[i] = with_attendance(lines[i], attendance=Attendance.ABSENT, absence_reason="ป่วย")
    lines = [
        with_attendance(a, attendance=Attendance.PRESENT)
        if a.attendance is Attendance.NOT_TAKEN
        else a
        for a in lines
    ]
    m = meetings.save_attendance(center_db, m.id, lines)
    assert m.quorum.voters == 3
    m = meetings.save_agenda(center_db, m.id, items)  # 3 of 3: fine
    assert m.agenda[3].votes_for == 3
    items = list(m.agenda)
    items[3] = dataclasses.replace(items[3], votes_for=2, votes_against=1, votes_abstain=1)
    with pytest.raises(ValidationError, match="4 votes .* only 3 members present") as refused:
        meetings.save_agenda(center_db, m.id, items)
    assert refused.value.field == "votes"
    # A substitute votes in the member's place.
    sub = meetings.AttendanceLine(
        "นายแทน ดีมาก", Attendance.SUBSTITUTE, substitute_for_id=committee[2]
    )
    m = meetings.save_attendance(center_db, m.id, [*m.attendance, sub])
    assert meetings.save_agenda(center_db, m.id, items).agenda[3].votes_abstain == 1


def test_the_register_counts_attendance_as_the_quorum_line(center_db, committee) -> None:
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    row = meetings.list_meetings(center_db).rows[0]
    assert (row.present, row.members, row.not_recorded) == (0, 6, 6)
    assert row.quorum.attended() == "not recorded"
    lines = [with_attendance(a, attendance=Attendance.PRESENT) for a in m.attendance]
    lines[1] = with_attendance(lines[1], attendance=Attendance.ABSENT, absence_reason="ติดธุระ")
    guest = meetings.AttendanceLine("นางสาวพัฒนา กร", Attendance.GUEST, position_label="ผู้แทน อบต.")
    sub = meetings.AttendanceLine(
        "นายแทน ดีมาก", Attendance.SUBSTITUTE, substitute_for_id=committee[1]
    )
    m = meetings.save_attendance(center_db, m.id, [*lines, sub, guest])
    row = meetings.list_meetings(center_db).rows[0]
    # Present: five members and the substitute; the adviser (present) and the guest do not count.
    assert (
        (row.present, row.members, row.not_recorded)
        == (6, 6, 0)
        == (
            m.quorum.present,
            m.quorum.members,
            m.quorum.not_recorded,
        )
    )
    assert row.quorum == m.quorum and row.quorum.attended() == "6 of 6"


def test_the_detail_carries_the_centers_quorum_rule(center_db, committee) -> None:
    """The live indicator in the editor uses the rule itself, not a ratio guessed
    from one result."""
    from fractions import Fraction

    from justice_desk.storage.models import Site

    with center_db.write() as session:
        site = session.get(Site, center_db.site_id)
        site.quorum_numerator, site.quorum_denominator = 3, 5
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    assert m.quorum_fraction == Fraction(3, 5)
    assert m.quorum.members == 6 and m.quorum.required == 4  # 3/5 of 6 is 3.6: four must be present
    assert meetings.compute_quorum(m.attendance[:5], m.quorum_fraction).required == 3
