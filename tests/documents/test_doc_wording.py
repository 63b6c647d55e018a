"""Wording a clerk would otherwise correct by hand (issue 12 §6–7): a substitute is named once,
an address part typed with its own prefix is printed with it once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_doc_support import BODY, flat, make_dispute, pdf_text, thai_language

from justice_desk.documents.data import AgendaEntry, Attendee, MinutesDoc, Signatory
from justice_desk.documents.meeting_papers import minutes_pdf


def _minutes(*present: Attendee) -> MinutesDoc:
    return MinutesDoc(
        body_name=BODY,
        number="4/2569",
        held_on=dt.date(2026, 4, 8),
        place="ศาลาอเนกประสงค์หมู่ที่ 3",
        starts_at=dt.time(13, 0),
        ends_at=dt.time(15, 45),
        present=present,
        agenda=(AgendaEntry(1, "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", "ไม่มี", "รับทราบ"),),
        minute_taker=Signatory("นางน้ำฝน ปั้นทอง", "กรรมการและเลขานุการ"),
    )


def test_a_substitute_is_named_once_however_the_position_was_typed() -> None:
    doc = _minutes(
        Attendee("นายสมศักดิ์ ใจดี", "ประธานกรรมการ"),
        Attendee("นายธนากร ปวงคำ", "กรรมการ (มาประชุมแทนนางสาวพัชรี วิเศษศักดิ์)", "นางสาวพัชรี วิเศษศักดิ์"),
        Attendee("นายอินถา ศรีวงศ์", "กรรมการ มาประชุมแทน นายบรรจง กาวิละ", "นายบรรจง กาวิละ"),
        Attendee("นายแทน ดีมาก", "ผู้แทนองค์การบริหารส่วนตำบล", "นายกมล รักถิ่น"),
    )
    text = flat(pdf_text(minutes_pdf(doc)))
    assert text.count(flat("มาประชุมแทน")) == 3
    assert flat("กรรมการมาประชุมแทนนางสาวพัชรีวิเศษศักดิ์") in text
    assert flat("กรรมการมาประชุมแทนนายบรรจงกาวิละ") in text
    # "ผู้แทน…" (a representative) is a position, not a substitute note: kept as typed.
    assert flat("ผู้แทนองค์การบริหารส่วนตำบลมาประชุมแทนนายกมลรักถิ่น") in text


def test_an_address_typed_with_its_prefixes_is_stored_and_printed_with_each_once(
    center_db: Any,
) -> None:
    from justice_desk.services import people, printing
    from justice_desk.services.people import PersonInput, format_address

    thai_language()
    typed = PersonInput(
        title="นาย",
        given_name="สมชาย",
        surname="ใจดี",
        no_id_reason="-",
        house_no="บ้านเลขที่ 12/3",
        moo="ม.4",
        road="ถนนเชียงใหม่-ลำพูน",
        tambon="ต.แม่เหียะ",
        amphoe="อำเภอเมืองเชียงใหม่",
        province="จ.เชียงใหม่",
    )
    a = people.create_person(center_db, typed).record
    assert (a.house_no, a.moo, a.road, a.tambon, a.amphoe, a.province) == (
        "12/3",
        "4",
        "เชียงใหม่-ลำพูน",
        "แม่เหียะ",
        "เมืองเชียงใหม่",
        "เชียงใหม่",
    )
    expected = "บ้านเลขที่ 12/3 หมู่ที่ 4 ถนนเชียงใหม่-ลำพูน ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"
    # A record saved before the prefixes were taken off on entry prints the same.
    assert format_address(typed, printing.th) == expected
    b = people.create_person(
        center_db,
        PersonInput(
            title="นาง", given_name="น้ำฝน", surname="ปั้นทอง", no_id_reason="-", road="ซอยวัดอุโมงค์"
        ),
    ).record
    case = make_dispute(center_db, a, b)
    text = flat(pdf_text(printing.intake_pdf(center_db, case.id)))
    assert flat(expected) in text
    assert flat("ที่อยู่ซอยวัดอุโมงค์") in text
    for doubled in ("ถนนถนน", "หมู่ที่ม.", "ตำบลต.", "จังหวัดจ.", "บ้านเลขที่บ้านเลขที่", "ถนนซอย"):
        assert flat(doubled) not in text
