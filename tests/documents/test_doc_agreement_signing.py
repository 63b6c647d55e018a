"""A settlement agreement a clerk signs without retyping (issue 12 §8, the rest of it): the
center that makes it is named; each party with their national ID and their age on the day it
is made (left out cleanly when not recorded); the witnesses recorded, each with a signature
line; and the money stated once — what the typed terms already say is not said again, and terms
that contradict the recorded instalments are refused. PDFs from the printing service, read
back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_doc_support import (
    CENTER,
    assert_in_order,
    flat,
    in_mediation,
    make_dispute,
    pdf_text,
    thai_language,
)

from justice_desk.documents.case_papers import (
    AgreementContradictionError,
    agreement_pdf,
)
from justice_desk.documents.data import (
    AgreementDoc,
    InstalmentEntry,
    Issuer,
    MediatorEntry,
    PartyEntry,
)
from justice_desk.domain.agreement_terms import read_terms
from justice_desk.errors import ValidationError
from justice_desk.services import cases, people, printing
from justice_desk.services.people import PersonInput

AGREED = dt.date(2026, 1, 17)
ID_A = "1101700203450"  # 1-1017-00203-45-0, a valid check digit


@pytest.fixture(autouse=True)
def _thai_records() -> None:
    thai_language()


def _people(db: Any) -> tuple[Any, Any, Any]:
    address = dict(house_no="9", moo="4", tambon="แม่เหียะ", amphoe="เมืองเชียงใหม่", province="เชียงใหม่")
    a = people.create_person(
        db,
        PersonInput(
            title="นาย",
            given_name="สมชาย",
            surname="ใจดี",
            national_id=ID_A,
            birth_date=dt.date(1980, 6, 10),
            **address,
        ),
    ).record
    # Only the birth year known, and no ID: neither is printed.
    b = people.create_person(
        db,
        PersonInput(
            title="นาง",
            given_name="น้ำฝน",
            surname="ปั้นทอง",
            no_id_reason="ไม่มีบัตร",
            birth_year=1975,
            **address,
        ),
    ).record
    m = people.create_person(
        db, PersonInput(title="นาย", given_name="กิตติศักดิ์", surname="ศรีสุข", no_id_reason="-")
    ).record
    med = people.register_mediator(
        db, m.id, registration_no="ชม 1/2567", expires_on=dt.date(2030, 1, 1)
    )
    return a, b, med


def _settled(db: Any, terms: str, **settlement: Any) -> bytes:
    a, b, med = _people(db)
    case = make_dispute(db, a, b)
    in_mediation(db, case.id, med)
    cases.record_settlement(
        db,
        case.id,
        cases.SettlementInput(AGREED, terms, True, place="ศาลาประชาคมหมู่ที่ 4", **settlement),
    )
    return printing.agreement_pdf(db, case.id)


SIX = tuple(cases.InstalmentInput(dt.date(2026, month, 2), 250_000) for month in range(2, 8))


def test_the_center_the_parties_ids_and_ages_and_the_witnesses_are_printed(center_db) -> None:
    pdf = _settled(
        center_db,
        "ผู้ถูกร้องตกลงชำระเงินคืนให้แก่ผู้ร้อง",
        total_satang=1_500_000,
        instalments=SIX,
        witnesses=("นายสมหมาย ดีใจ", "นางสาวเพ็ญ ศรีงาม"),
    )
    assert_in_order(
        pdf,
        [
            "บันทึกข้อตกลงระงับข้อพิพาท",
            CENTER,
            "ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
            "ทำที่ ศาลาประชาคมหมู่ที่ 4",
            # 45 full years on 17 January 2569 (born 10 June 2523)
            "นายสมชาย ใจดี อายุ 45 ปี เลขประจำตัวประชาชน 1-1017-00203-45-0 ที่อยู่",
            "นางน้ำฝน ปั้นทอง ที่อยู่",
            "(ลงชื่อ)",
            "พยาน",
            "(นายสมหมาย ดีใจ)",
            "(ลงชื่อ)",
            "พยาน",
            "(นางสาวเพ็ญ ศรีงาม)",
        ],
    )
    text = flat(pdf_text(pdf))
    # Ages and IDs only where recorded: the respondent's birth year alone gives no age.
    assert text.count(flat("อายุ")) == 1 and text.count(flat("เลขประจำตัวประชาชน")) == 1
    # The witnesses named, so no blank witness lines.
    assert text.count(flat("พยาน")) == 3  # "…ต่อหน้าผู้ไกล่เกลี่ยข้อพิพาทและพยาน" and two signatures
    assert text.endswith(flat("(นางสาวเพ็ญ ศรีงาม)"))


def test_without_witnesses_two_blank_witness_lines_remain(center_db) -> None:
    pdf = _settled(center_db, "ผู้ถูกร้องขอโทษผู้ร้อง")
    text = flat(pdf_text(pdf))
    assert text.count(flat("พยาน")) == 3
    assert text.endswith(flat("(..........................................)"))


def test_instalments_typed_in_the_terms_are_not_printed_again(center_db) -> None:
    """The demo's kind of terms: count, amount per instalment and first date typed in clause 1.
    The total and the count are not stated again; the schedule follows as clause 1's detail."""
    pdf = _settled(
        center_db,
        "ผู้ถูกร้องตกลงชำระเงินจำนวน 15,000 บาท (หนึ่งหมื่นห้าพันบาทถ้วน) ให้แก่ผู้ร้อง "
        "โดยแบ่งชำระเป็น 6 งวด งวดละ 2,500 บาท ทุกวันที่ 2 ของเดือน เริ่มงวดแรกวันที่ 2 กุมภาพันธ์ 2569",
        total_satang=1_500_000,
        instalments=SIX,
    )
    text = flat(pdf_text(pdf))
    assert text.count(flat("15,000 บาท")) == 1
    assert text.count(flat("6 งวด")) == 1
    assert flat("จำนวนเงินตามข้อตกลงรวมทั้งสิ้น") not in text
    assert_in_order(
        pdf,
        [
            "ข้อ 1 ผู้ถูกร้องตกลงชำระเงินจำนวน 15,000 บาท",
            "กำหนดชำระเงินแต่ละงวดตามข้อ 1 มีดังนี้",
            "งวดที่ 1 ชำระภายในวันที่ 2 กุมภาพันธ์ 2569 จำนวน 2,500 บาท",
            "งวดที่ 6 ชำระภายในวันที่ 2 กรกฎาคม 2569 จำนวน 2,500 บาท",
            "ข้อ 2 หากฝ่ายใดไม่ปฏิบัติตามบันทึกข้อตกลงนี้",
        ],
    )


def test_terms_listing_every_instalment_get_no_schedule(center_db) -> None:
    pdf = _settled(
        center_db,
        "ผู้ถูกร้องตกลงชำระเงินรวม 5,000 บาท เป็นสองงวด\n"
        "งวดที่ 1 ชำระวันที่ 17 กุมภาพันธ์ 2569 จำนวน 2,000 บาท "
        "งวดที่ 2 ชำระวันที่ 17 มีนาคม 2569 จำนวน 3,000 บาท",
        total_satang=500_000,
        instalments=(
            cases.InstalmentInput(dt.date(2026, 2, 17), 200_000),
            cases.InstalmentInput(dt.date(2026, 3, 17), 300_000),
        ),
    )
    text = flat(pdf_text(pdf))
    assert text.count(flat("งวดที่ 1")) == 1 and text.count(flat("17 มีนาคม 2569")) == 1
    assert flat("กำหนดชำระเงินแต่ละงวด") not in text
    assert flat("ข้อ 3 หากฝ่ายใดไม่ปฏิบัติตาม") in text


def test_terms_silent_on_money_get_a_clause_with_the_total_and_schedule(center_db) -> None:
    pdf = _settled(
        center_db,
        "ผู้ถูกร้องยอมรับว่าทำรั้วของผู้ร้องเสียหายและตกลงชดใช้ค่าเสียหาย",
        total_satang=500_000,
        instalments=(
            cases.InstalmentInput(dt.date(2026, 2, 17), 200_000),
            cases.InstalmentInput(dt.date(2026, 3, 17), 300_000),
        ),
    )
    assert_in_order(
        pdf,
        [
            "ข้อ 1 ผู้ถูกร้องยอมรับว่าทำรั้วของผู้ร้องเสียหาย",
            "ข้อ 2 จำนวนเงินตามข้อตกลงรวมทั้งสิ้น 5,000 บาท (ห้าพันบาทถ้วน) แบ่งชำระเป็น 2 งวด ดังนี้",
            "งวดที่ 1 ชำระภายในวันที่ 17 กุมภาพันธ์ 2569 จำนวน 2,000 บาท",
            "ข้อ 3 หากฝ่ายใดไม่ปฏิบัติตาม",
        ],
    )


def test_a_total_typed_in_the_terms_is_not_stated_again(center_db) -> None:
    pdf = _settled(
        center_db,
        "ผู้ถูกร้องตกลงชำระเงิน 3,000 บาท ให้แก่ผู้ร้องภายในวันทำบันทึกนี้",
        total_satang=300_000,
    )
    text = flat(pdf_text(pdf))
    assert text.count(flat("3,000 บาท")) == 1
    assert flat("จำนวนเงินตามข้อตกลงรวมทั้งสิ้น") not in text


def _doc(terms: str, instalments: tuple[InstalmentEntry, ...]) -> AgreementDoc:
    return AgreementDoc(
        issuer=Issuer(CENTER, "แม่เหียะ", "เมืองเชียงใหม่", "เชียงใหม่"),
        case_number="005/2569",
        agreed_on=AGREED,
        place=None,
        applicants=(PartyEntry("นายสมชาย ใจดี", "9 หมู่ที่ 4 ตำบลแม่เหียะ"),),
        respondents=(PartyEntry("นางน้ำฝน ปั้นทอง", "9 หมู่ที่ 4 ตำบลแม่เหียะ"),),
        mediators=(MediatorEntry("นายกิตติศักดิ์ ศรีสุข"),),
        dispute="ยืมเงินแล้วไม่คืน",
        voluntary=True,
        terms=terms,
        total_satang=sum(i.amount_satang for i in instalments),
        instalments=instalments,
    )


TWO = (
    InstalmentEntry(1, dt.date(2026, 2, 17), 100_000),
    InstalmentEntry(2, dt.date(2026, 3, 17), 100_000),
)


def test_terms_that_contradict_the_schedule_are_refused() -> None:
    from test_doc_support import english_messages

    english_messages()
    with pytest.raises(AgreementContradictionError) as refused:
        agreement_pdf(_doc("ผู้ถูกร้องตกลงแบ่งชำระเป็น 3 งวด", TWO))
    assert "the terms say 3 instalments, the schedule recorded has 2" in str(refused.value)
    with pytest.raises(AgreementContradictionError) as refused:
        agreement_pdf(_doc("แบ่งชำระเป็น 2 งวด เริ่มงวดแรกวันที่ 18 กุมภาพันธ์ 2569", TWO))
    assert "first instalment is due on 18 กุมภาพันธ์ 2569" in str(refused.value)
    assert "17 กุมภาพันธ์ 2569" in str(refused.value)
    assert isinstance(refused.value, ValidationError) and refused.value.field == "instalments"
    # Agreeing terms print.
    assert agreement_pdf(_doc("แบ่งชำระเป็น 2 งวด เริ่มงวดแรกวันที่ 17 กุมภาพันธ์ 2569", TWO))


def test_reading_the_terms() -> None:
    due = [dt.date(2026, 2, 17), dt.date(2026, 3, 17)]
    money = read_terms(
        "ชำระ ๒,๐๐๐ บาท แบ่งเป็น ๒ งวด งวดแรกวันที่ ๑๗ เดือนกุมภาพันธ์ พ.ศ. ๒๕๖๙", 200_000, due
    )
    assert money.states_total and money.mentions_instalments and money.typed_count == 2
    assert money.typed_first_due == due[0] and not money.lists_every_instalment
    assert money.instalment_clause == 1
    # Amounts per instalment are not the total; "งวดที่ 2" is not a count.
    other = read_terms("ข้อแรก\nงวดที่ 2 จำนวน 1,000 บาท ชำระวันที่ 17 มีนาคม 2569", 200_000, due)
    assert not other.states_total and other.typed_count is None
    assert other.instalment_clause == 2 and other.typed_first_due is None
    # Nothing readable: nothing counts as stated.
    assert read_terms("ตกลงกันได้", None) == read_terms("", None)
