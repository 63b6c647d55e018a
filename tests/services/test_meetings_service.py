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
    assert (
        m.quorum.members == 6 and m.quorum.required == 3 and m.quorum.met
    )  # the adviser does not count
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
    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
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


def test_the_meeting_to_adopt_and_the_later_ones(center_db, committee) -> None:
    m1 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 1, 14)))
    m2 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 2, 11)))
    m3 = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 11)))
    assert meetings.previous_to_adopt(center_db, m3.id) is None  # nothing held yet
    meetings.mark_held(center_db, m1.id)
    meetings.mark_held(center_db, m2.id)
    assert (
        meetings.previous_to_adopt(center_db, m3.id).number == "2/2569"
    )  # the latest earlier one held
    assert meetings.previous_to_adopt(center_db, m2.id).number == "1/2569"
    assert meetings.previous_to_adopt(center_db, m1.id) is None
    meetings.adopt_minutes(center_db, m2.id, in_meeting_id=m3.id)
    assert (
        meetings.previous_to_adopt(center_db, m3.id).number == "1/2569"
    )  # adopted ones are skipped
    assert [r.number for r in meetings.meetings_after(center_db, m1.id)] == ["2/2569", "3/2569"]
    assert meetings.meetings_after(center_db, m3.id) == []


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
