"""Wording a clerk would otherwise correct by hand (issue 12 §6–7): a substitute is named once,
an address part typed with its own prefix is printed with it once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_doc_support import BODY, flat, make_dispute, pdf_text, thai_language
from thai_pdf_checks import nfkc

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


# -- the settlement agreement (§8), the referral letter and the intake record (§9) ---------------


def _settled_with_interpreter(db: Any) -> Any:
    from test_doc_support import make_settled

    from justice_desk.domain.enums import PartySide
    from justice_desk.services import cases, people
    from justice_desk.services.people import PersonInput

    case = make_settled(db)
    interpreter = people.create_person(
        db, PersonInput(title="นาง", given_name="มึเกอะ", surname="ปู่ลา", no_id_reason="-")
    ).record
    cases.add_party(
        db, case.id, cases.PartyInput(interpreter.id, PartySide.OTHER, "ล่ามภาษาปกาเกอะญอ")
    )
    return case


def test_the_agreement_names_one_place_defines_its_role_words_and_has_everyone_sign(
    center_db: Any,
) -> None:
    from page_checks import page_lines

    from justice_desk.services import printing

    thai_language()
    case = _settled_with_interpreter(center_db)
    pdf = printing.agreement_pdf(center_db, case.id)
    text = flat(pdf_text(pdf))
    # One place: the "ทำที่" line; the opening sentence names no other.
    assert text.count(flat("ทำที่")) == 1 and flat("ทำขึ้นที่") not in text
    assert flat("บันทึกข้อตกลงนี้ทำขึ้นระหว่าง") in text
    # The words the terms use are defined once, under the party headings.
    for word in ("“ผู้ยื่นคำขอ”", "“ผู้ร้อง”", "“คู่กรณีอีกฝ่าย”", "“ผู้ถูกร้อง”", "“คู่พิพาท”"):
        assert text.count(flat(word)) == 1, word
    assert text.index(flat("“ผู้ร้อง”")) < text.index(flat("ข้อ 1"))
    # The interpreter the case recorded is named and signs (§30: everyone who took part).
    assert flat("นางมึเกอะ ปู่ลา (ล่ามภาษาปกาเกอะญอ)") in text
    lines = [line.text for page in page_lines(pdf) for line in page]
    signing = [i for i, line in enumerate(lines) if line.startswith("(ลงชื่อ)")]
    roles = [lines[i] for i in signing]
    assert any(r.endswith("ล่ามภาษาปกาเกอะญอ") for r in roles), roles
    assert any(lines[i + 1] == "(นางมึเกอะ ปู่ลา)" for i in signing)
    assert (
        len(signing) == 1 + 1 + 1 + 1 + 2
    )  # applicant, respondent, mediator, interpreter, 2 witnesses


def test_demo_terms_name_the_first_due_date_of_the_schedule(tmp_path: Any) -> None:
    """One source for each fact: the first payment date the terms state is the schedule's."""
    import re

    from justice_desk.documents.layout import date_text
    from justice_desk.errors import UserError
    from justice_desk.services import cases, printing, setup
    from justice_desk.services.demo import generate_demo

    db = setup.init_center(tmp_path / "d.sqlite3", code="5001", name="ศูนย์ทดสอบ", province="เชียงใหม่")
    try:
        generate_demo(db, people=20, cases=300, meetings=0)
        checked = 0
        for row in cases.list_cases(db, limit=1000).rows:
            try:
                doc = printing.agreement_document(db, row.id)
            except UserError:
                continue
            m = re.search(r"เริ่มงวดแรกวันที่ (\d+ \S+ \d{4})", doc.terms or "")
            if m and doc.instalments:
                assert m.group(1) == date_text(doc.instalments[0].due_on), doc.terms
                checked += 1
        assert checked >= 3
    finally:
        db.dispose()


def test_the_referral_letter_is_one_request_and_the_intake_names_who_took_it_in(
    center_db: Any,
) -> None:
    from test_doc_support import make_referred

    from justice_desk.services import printing
    from justice_desk.storage.models import Case

    thai_language()
    case = make_referred(center_db)
    text = flat_spaces_text(printing.referral_pdf(center_db, case.id))
    assert "โปรดส่งเรื่องต่อ" not in text
    # The legal reason sits inside the request, not in a paragraph of its own.
    assert not any(line.startswith("เนื่องจาก") for line in text.splitlines())
    assert "ตามอำนาจหน้าที่ของท่าน เนื่องจาก" in text.replace("\n", "")
    # The intake record names who took the matter in, when the case knows.
    from justice_desk.services import people
    from justice_desk.services.people import PersonInput

    clerk = people.create_person(
        center_db,
        PersonInput(title="นางสาว", given_name="พิมพ์ใจ", surname="ธรรมวงศ์", no_id_reason="-"),
    ).record
    with center_db.write() as session:
        session.get(Case, case.id).responsible_id = clerk.id
    intake = flat(pdf_text(printing.intake_pdf(center_db, case.id)))
    assert flat("(นางสาวพิมพ์ใจ ธรรมวงศ์)") in intake


def flat_spaces_text(pdf: bytes) -> str:
    from test_doc_support import flat_spaces, lines_of

    return "\n".join(flat_spaces(line).strip() for line in lines_of(pdf))


# -- the invitation letter (§10) ----------------------------------------------------------------


def test_the_invitation_is_signed_on_the_original_has_a_contact_block_and_a_late_one_is_a_copy(
    center_db: Any,
) -> None:
    from page_checks import page_lines
    from test_doc_support import make_meeting

    from justice_desk.documents.meeting_papers import invitation_pdf
    from justice_desk.services import printing

    thai_language()
    meeting = make_meeting(center_db, items=3, paragraphs=1)  # held on 14 January 2569 (2026)
    before = printing.invitation_document(center_db, meeting.id, issued_on=dt.date(2026, 1, 5))
    assert not before.is_copy and before.issued_on == dt.date(2026, 1, 5)
    lines = [line.text for page in page_lines(invitation_pdf(before)) for line in page]
    assert not any("(ลงชื่อ)" in line for line in lines)
    assert lines[0] != nfkc("สำเนา")
    closing = lines.index("ขอแสดงความนับถือ")
    assert lines[closing + 1].startswith("(") and "ประธานกรรมการ" in lines[closing + 2]
    assert lines[-2:] == [nfkc("ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"), "โทร. ........................"]
    # Made after the meeting (today, in 2026 or later): a copy, dated the day it was made.
    late = printing.invitation_document(center_db, meeting.id)
    assert late.is_copy and late.issued_on == dt.date.today()
    first = [line.text for line in page_lines(invitation_pdf(late))[0]]
    assert first[0] == nfkc("สำเนา")


# -- one choice of digits for every document of a center (§11) --------------------------------


def test_a_centers_digit_choice_holds_for_every_document(center_db: Any) -> None:
    from test_doc_support import make_meeting, make_referred, thai_digit_count

    from justice_desk.services import printing

    thai_language()
    meeting = make_meeting(center_db, items=3, paragraphs=1)
    referred = make_referred(center_db)

    def documents() -> dict[str, bytes]:
        return {
            "minutes": printing.minutes_pdf(center_db, meeting.id),
            "invitation": printing.invitation_pdf(center_db, meeting.id),
            "intake": printing.intake_pdf(center_db, referred.id),
            "referral": printing.referral_pdf(center_db, referred.id),
            "monthly": printing.monthly_pdf(center_db, 2026, 1),
        }

    # Not chosen: the one default (Thai digits) in every document; test_doc_digits.py prints
    # every kind of document.
    assert printing.document_digits(center_db) is None
    for name, pdf in documents().items():
        assert thai_digit_count(pdf)[1] == 0, name
    for choice in (True, False):
        printing.set_document_digits(center_db, choice)
        assert printing.document_digits(center_db) is choice
        for name, pdf in documents().items():
            thai, arabic = thai_digit_count(pdf)
            assert (arabic if choice else thai) == 0, (name, choice, thai, arabic)
            assert (thai if choice else arabic) > 0, name
    # One print may still ask otherwise.
    pdf = printing.intake_pdf(center_db, referred.id, thai_digits=True)
    assert thai_digit_count(pdf)[1] == 0
    pdf = printing.intake_pdf(center_db, referred.id, thai_digits=False)
    assert thai_digit_count(pdf)[0] == 0
    printing.set_document_digits(center_db, None)
    assert printing.document_digits(center_db) is None
