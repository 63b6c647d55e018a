"""Meeting papers printed from real records: minutes in the official format, the invitation and
the attendance sheet. Every check reads the PDF back with pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from test_doc_support import (
    BODY,
    CENTER,
    assert_contains,
    assert_in_order,
    break_checks,
    english_messages,
    flat,
    make_meeting,
    page_count,
    pdf_text,
    table_cells_fit,
    thai_digit_count,
    thai_language,
)
from thai_pdf_checks import nfkc, pypdf_pages

from justice_desk.documents import thai_digits as to_thai
from justice_desk.documents.data import AgendaEntry, Attendee, MinutesDoc, Signatory
from justice_desk.documents.meeting_papers import (
    MINUTES_LABELS,
    attendance_sheet_story,
    invitation_story,
    minutes_pdf,
    minutes_story,
)
from justice_desk.errors import ValidationError
from justice_desk.services import meetings, printing
from justice_desk.storage.models import AuditEvent

PLACE = "ห้องประชุมองค์การบริหารส่วนตำบลแม่เหียะ"


@pytest.fixture
def meeting(center_db):
    thai_language()
    return make_meeting(center_db)


def test_minutes_labels_and_data_in_the_official_order(center_db, meeting) -> None:
    pdf = printing.minutes_pdf(center_db, meeting.id)
    expected = [
        f"รายงานการประชุม{BODY}",
        "ครั้งที่ 1/2569",
        "เมื่อวันพุธที่ 14 มกราคม 2569",
        f"ณ {PLACE}",
        "ผู้มาประชุม",
        "1. นายสมศักดิ์ ใจดี ประธานกรรมการ",
        "2. นางปิ่นมณี ศรีสุข รองประธานกรรมการ",
        "นางสาวน้ำฝน ใจงาม กรรมการและเลขานุการ",
        "นายแทน ดีมาก มาประชุมแทน นายกมล รักถิ่น",
        "ผู้ไม่มาประชุม",
        "1. นายกมล รักถิ่น กรรมการ ติดภารกิจราชการ",
        "ผู้เข้าร่วมประชุม",
        "1. นางสาวพัฒนา กรุณา นักวิชาการยุติธรรมชำนาญการ สำนักงานยุติธรรมจังหวัดเชียงใหม่",
        "เริ่มประชุมเวลา 09.30 น.",
        "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "มติที่ประชุม ที่ประชุมรับทราบ",
        "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุมครั้งที่",
        "มติที่ประชุม ที่ประชุมมีมติรับรองรายงานการประชุมโดยไม่มีการแก้ไข",
        "ระเบียบวาระที่ 3 เรื่องสืบเนื่อง",
        "ระเบียบวาระที่ 4 เรื่องเสนอเพื่อพิจารณา",
        "มติที่ประชุม ที่ประชุมมีมติเห็นชอบให้จัดกิจกรรมรณรงค์ป้องกันยาเสพติดในหมู่บ้านในเดือนกุมภาพันธ์ 2569",
        "ผลการลงมติ เห็นด้วย 5 เสียง ไม่เห็นด้วย 0 เสียง งดออกเสียง 1 เสียง",
        "ระเบียบวาระที่ 5 เรื่องอื่น ๆ (ถ้ามี)",
        "- ไม่มี -",
        "เลิกประชุมเวลา 12.00 น.",
        "(ลงชื่อ)",
        "ผู้จดรายงานการประชุม",
        "(นางสาวน้ำฝน ใจงาม)",
        "กรรมการและเลขานุการ",
        "(ลงชื่อ)",
        "ผู้ตรวจรายงานการประชุม",
        "(นายสมศักดิ์ ใจดี)",
        "ประธานกรรมการ",
    ]
    assert_in_order(pdf, [to_thai(e) for e in expected])
    assert_in_order(pdf, [to_thai(label) for label in MINUTES_LABELS])
    # The adviser is listed among those present; the quorum sentence opens the meeting.
    assert_contains(pdf, ["พระครูสุวรรณธรรมโกวิท ที่ปรึกษา", "เมื่อครบองค์ประชุมแล้ว"])
    story = minutes_story(printing.minutes_document(center_db, meeting.id))
    assert break_checks(pdf, story) >= 5
    assert table_cells_fit(story) >= 20


def test_minutes_of_three_pages_are_numbered_from_page_two(center_db, meeting) -> None:
    pdf = printing.minutes_pdf(center_db, meeting.id)
    pages = pypdf_pages(pdf)
    assert page_count(pdf) == 3
    assert not any(
        line.strip().startswith("- ") and line.strip().endswith(" -") for line in pages[0]
    )
    assert nfkc(pages[1][0]) == "- ๒ -"
    assert nfkc(pages[2][0]) == "- ๓ -"


def test_minutes_digits_are_thai_by_default_and_arabic_on_request(center_db, meeting) -> None:
    thai = printing.minutes_pdf(center_db, meeting.id)
    thai_count, arabic_count = thai_digit_count(thai)
    assert thai_count > 30 and arabic_count == 0
    arabic = printing.minutes_pdf(center_db, meeting.id, thai_digits=False)
    thai_count, arabic_count = thai_digit_count(arabic)
    assert thai_count == 0 and arabic_count > 30
    assert nfkc(pypdf_pages(arabic)[1][0]) == "- 2 -"
    assert_contains(arabic, ["ครั้งที่ 1/2569", "เริ่มประชุมเวลา 09.30 น."])


def test_minutes_refuse_a_meeting_without_times_or_place(center_db) -> None:
    thai_language()
    m = meetings.create_meeting(center_db, meetings.MeetingInput(dt.date(2026, 3, 4)))
    english_messages()
    with pytest.raises(ValidationError) as err:
        printing.minutes_pdf(center_db, m.id)
    message = str(err.value)
    assert "\n" not in message
    for part in ("start time", "end time", "place"):
        assert part in message


def test_every_print_is_audited(center_db, meeting) -> None:
    printing.minutes_pdf(center_db, meeting.id)
    printing.attendance_pdf(center_db, meeting.id)
    with center_db.read() as session:
        events = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "print")).scalars().all()
        )
        assert [(e.table_name, e.row_id, e.detail) for e in events] == [
            ("meetings", meeting.id, "minutes"),
            ("meetings", meeting.id, "attendance"),
        ]


def test_records_saved_in_english_still_print_in_thai(center_db) -> None:
    """The app may be used in English; the documents stay Thai official documents."""
    from justice_desk import i18n

    i18n.set_language("en")
    m = make_meeting(center_db, items=3, paragraphs=1)
    assert m.agenda[0].title == "Matters the chair informs the meeting of"
    pdf = printing.minutes_pdf(center_db, m.id)
    text = flat(pdf_text(pdf))
    assert "Matters" not in text and "Committee" not in text and "Chair" not in text
    assert "ครั้งที่..." not in text
    assert_in_order(
        pdf,
        [
            to_thai(f"รายงานการประชุมคณะกรรมการ{CENTER}"),
            "ประธานกรรมการ",
            to_thai("ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
            # the first meeting recorded: no "ครั้งที่ ..." for the clerk to fill in by hand
            to_thai(
                "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุมครั้งที่แล้ว (ไม่มี เนื่องจากเป็นการประชุมครั้งแรกที่บันทึกไว้)"
            ),
            "เรื่องอื่น ๆ (ถ้ามี)",
        ],
    )


def test_invitation_is_a_letter_with_the_agenda(center_db, meeting) -> None:
    doc = printing.invitation_document(center_db, meeting.id, issued_on=dt.date(2026, 1, 7))
    assert doc.signer == Signatory("นายสมศักดิ์ ใจดี", f"ประธานกรรมการ{CENTER}")
    pdf = printing.invitation_pdf(center_db, meeting.id)
    expected = [
        "ที่",
        CENTER,
        "ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
        f"เรื่อง ขอเชิญประชุม{BODY} ครั้งที่ 1/2569",
        f"เรียน {BODY} ทุกท่าน",
        "สิ่งที่ส่งมาด้วย ระเบียบวาระการประชุม จำนวน 1 ชุด",
        "ในวันพุธที่ 14 มกราคม 2569 เวลา 09.30 น.",
        f"ณ {PLACE}",
        "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "ระเบียบวาระที่ 5 เรื่องอื่น ๆ (ถ้ามี)",
        "จึงเรียนมาเพื่อโปรดเข้าร่วมประชุม",
        "ขอแสดงความนับถือ",
        "(นายสมศักดิ์ ใจดี)",  # signed on the original: no "(ลงชื่อ)" (issue 12 §10)
        f"ประธานกรรมการ{CENTER}",
        CENTER,  # the contact block at the foot
        "โทร.",
    ]
    assert_in_order(pdf, [to_thai(e) for e in expected])
    # The agenda only: no discussion or resolution goes out with an invitation.
    assert flat("ที่ประชุมรับทราบ") not in flat(pdf_text(pdf))
    assert (
        break_checks(pdf, invitation_story(printing.invitation_document(center_db, meeting.id)))
        >= 1
    )


def test_attendance_sheet_lists_the_committee_with_a_signature_column(center_db, meeting) -> None:
    doc = printing.attendance_document(center_db, meeting.id)
    names = [m.name for m in doc.members]
    assert "นายกมล รักถิ่น" in names  # expected, though absent in the end
    assert "นายแทน ดีมาก" not in names and "นางสาวพัฒนา กรุณา" not in names
    pdf = printing.attendance_pdf(center_db, meeting.id)
    expected = [
        f"บัญชีลงชื่อผู้มาประชุม{BODY}",
        "ครั้งที่ 1/2569",
        "เมื่อวันพุธที่ 14 มกราคม 2569 เวลา 09.30 น.",
        f"ณ {PLACE}",
        "ลำดับที่",
        "ชื่อ – สกุล",
        "ตำแหน่ง",
        "ลายมือชื่อ",
        "หมายเหตุ",
        "1",
        "นายสมศักดิ์ ใจดี",
        "ประธานกรรมการ",
        "นายขวัญ ศรีเมือง",
        "กรรมการและผู้ช่วยเลขานุการ",
        "พระครูสุวรรณธรรมโกวิท",
        "ที่ปรึกษา",
    ]
    assert_in_order(pdf, [to_thai(e) for e in expected])
    story = attendance_sheet_story(doc)
    assert table_cells_fit(story) >= 7 * 3
    break_checks(pdf, story)


def test_minutes_from_literals_keep_long_names_and_titles_inside_their_columns() -> None:
    """A narrow column never cuts a word: long positions wrap between words, names stay whole."""
    long_position = "ผู้อำนวยการสำนักงานยุติธรรมจังหวัดเชียงใหม่และผู้ประสานงานเครือข่ายยุติธรรมชุมชน"
    doc = MinutesDoc(
        body_name=BODY,
        number="4/2569",
        held_on=dt.date(2026, 4, 8),
        place="ศาลาอเนกประสงค์หมู่ที่ 3",
        starts_at=dt.time(13, 0),
        ends_at=dt.time(15, 45),
        present=(
            Attendee("ว่าที่ร้อยตรีกิตติศักดิ์ ศรีสุขสวัสดิ์วัฒนา", "กรรมการและผู้ช่วยเลขานุการ"),
            Attendee("นายญาณวุฒิ ฐานะดี", long_position),
        ),
        absent=(
            Attendee(
                "นางสาวปิ่นมณี ฟ้าใส", "กรรมการ", absence_reason="ลาป่วยเนื่องจากเข้ารับการรักษาตัวที่โรงพยาบาล"
            ),
        ),
        agenda=(AgendaEntry(1, "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", "ไม่มี", "รับทราบ"),),
        minute_taker=Signatory("นางน้ำฝน ปั้นทอง", "กรรมการและเลขานุการ"),
        checker=None,
    )
    flowables = minutes_story(doc)
    assert table_cells_fit(flowables) >= 8
    pdf = minutes_pdf(doc)
    assert_contains(pdf, [long_position, "ลาป่วยเนื่องจากเข้ารับการรักษาตัวที่โรงพยาบาล", "(นางน้ำฝน ปั้นทอง)"])
    assert break_checks(pdf, flowables) >= 2
    # No checker recorded: a blank name line to be written in by hand.
    assert_in_order(pdf, ["ผู้ตรวจรายงานการประชุม", "(....."])


def test_draft_minutes_say_so(center_db) -> None:
    thai_language()
    m = make_meeting(center_db, items=3, paragraphs=1)
    doc = dataclasses.replace(printing.minutes_document(center_db, m.id), draft=True)
    pdf = minutes_pdf(doc)
    assert pdf_text(pdf).splitlines()[0].strip() == "ร่าง"
