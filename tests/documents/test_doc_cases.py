"""Case papers printed from real records: intake record, settlement agreement (§30 enforced),
record of an unsuccessful mediation (§6) and referral letter."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from test_doc_support import (
    CENTER,
    CONFIDENTIAL,
    assert_contains,
    assert_in_order,
    break_checks,
    english_messages,
    flat,
    make_dispute,
    make_parties,
    make_referred,
    make_settled,
    make_terminated,
    pdf_text,
    table_cells_fit,
    thai_digit_count,
    thai_language,
)

from justice_desk.documents.case_papers import (
    AgreementIncompleteError,
    agreement_missing,
    agreement_pdf,
    agreement_story,
    intake_story,
    referral_story,
    unsettled_story,
)
from justice_desk.documents.data import AgreementDoc, Issuer, MediatorEntry, PartyEntry
from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.errors import ValidationError
from justice_desk.services import cases, people, printing
from justice_desk.services.people import PersonInput

ADDRESS_A = "บ้านเลขที่ 12/3 หมู่ที่ 4 ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50100"
ADDRESS_B = "บ้านเลขที่ 45 หมู่ที่ 2 บ้านป่าจี้ ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"


@pytest.fixture(autouse=True)
def _thai_records() -> None:
    thai_language()


def _no_confidential(pdf: bytes) -> None:
    text = flat(pdf_text(pdf))
    assert flat(CONFIDENTIAL) not in text, "session notes are confidential (§12, §29)"


def test_intake_record(center_db) -> None:
    case = make_settled(center_db)
    pdf = printing.intake_pdf(center_db, case.id)
    expected = [
        "บันทึกการรับเรื่อง",
        CENTER,
        "ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
        "เลขที่รับ 001/2569",
        "วันที่รับเรื่อง 5 มกราคม 2569",
        "ประเภทเรื่อง ไกล่เกลี่ยข้อพิพาท (ทางแพ่ง)",
        "ช่องทางการรับเรื่อง มาติดต่อด้วยตนเองที่ศูนย์",
        "เรื่อง ยืมเงินแล้วไม่คืนตามกำหนด",
        "จำนวนทุนทรัพย์ 20,000 บาท (สองหมื่นบาทถ้วน)",
        "ผู้ยื่นคำขอ",
        f"นายสมชาย ใจดี ที่อยู่ {ADDRESS_A}",
        "คู่กรณีอีกฝ่าย",
        f"นางน้ำฝน ปั้นทอง ที่อยู่ {ADDRESS_B}",
        "ข้อเท็จจริงโดยย่อ",
        "ผู้ยื่นคำขอให้ผู้ถูกร้องยืมเงินจำนวนสองหมื่นบาท",
        "ผลการตรวจสอบเบื้องต้น",
        "เรื่องหนี้เงินกู้ยืม ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนสามารถไกล่เกลี่ยได้ (มาตรา 69 (1))",
        "บทบัญญัติที่อ้างอิง มาตรา 69 (1) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562",
        "ตรวจสอบตามหลักเกณฑ์การไกล่เกลี่ยข้อพิพาท ฉบับที่ 2562.2",
        "(ลงชื่อ)",
        "ผู้ยื่นเรื่อง",
        "(นายสมชาย ใจดี)",
        "ผู้รับเรื่อง",
    ]
    assert_in_order(pdf, expected)
    _no_confidential(pdf)
    story = intake_story(printing.intake_document(center_db, case.id))
    assert break_checks(pdf, story) >= 1
    assert thai_digit_count(pdf)[1] == 0  # Thai digits, as every official document by default


def test_intake_of_a_matter_that_may_not_be_mediated_names_the_referral(center_db) -> None:
    case = make_referred(center_db)
    pdf = printing.intake_pdf(center_db, case.id, thai_digits=True)
    assert_contains(
        pdf,
        [
            "ประเภทเรื่อง ไกล่เกลี่ยข้อพิพาท (ทางอาญา)",
            "เรื่องลักทรัพย์หรือวิ่งราวทรัพย์ (มาตรา ๓๓๔–๓๓๖) "
            "ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไม่สามารถไกล่เกลี่ยได้ (มาตรา ๓๕)",
            "หน่วยงานที่ควรส่งต่อ สถานีตำรวจ (พนักงานสอบสวน)",
        ],
    )
    assert thai_digit_count(pdf)[1] == 0


def test_settlement_agreement_has_the_section_30_content(center_db) -> None:
    case = make_settled(center_db)
    cases.record_certificate(center_db, case.id, number="คร 5/2569", issued_on=dt.date(2026, 1, 20))
    pdf = printing.agreement_pdf(center_db, case.id)
    expected = [
        "บันทึกข้อตกลงระงับข้อพิพาท",
        "ตามพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562",
        CENTER,  # made at the center, whichever room it was signed in
        "ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
        "ข้อพิพาทเลขที่ 001/2569",
        "ทำที่ ศาลาประชาคมหมู่ที่ 4 ตำบลแม่เหียะ",
        "วันที่ 17 มกราคม 2569",
        "ฝ่ายผู้ยื่นคำขอ",
        f"นายสมชาย ใจดี ที่อยู่ {ADDRESS_A}",
        "ฝ่ายคู่กรณีอีกฝ่าย",
        f"นางน้ำฝน ปั้นทอง ที่อยู่ {ADDRESS_B}",
        "ผู้ไกล่เกลี่ยข้อพิพาท",
        "นายกิตติศักดิ์ ศรีสุข (ทะเบียนผู้ไกล่เกลี่ยเลขที่ ชม 1/2567)",
        "ข้อพิพาท",
        "ยืมเงินแล้วไม่คืนตามกำหนด",
        "คู่พิพาททั้งสองฝ่ายได้เข้าร่วมการไกล่เกลี่ยข้อพิพาทด้วยความสมัครใจ",
        "ข้อตกลง",
        "ข้อ 1 ผู้ถูกร้องยอมรับว่าเป็นหนี้ผู้ยื่นคำขอจริง",
        "ข้อ 2 ผู้ยื่นคำขอตกลงไม่ดำเนินคดีใด ๆ",
        # Clause 1 speaks of the instalments: the schedule is its detail, not a clause that
        # says the count again.
        "กำหนดชำระเงินแต่ละงวดตามข้อ 1 รวมทั้งสิ้น 20,000.50 บาท (สองหมื่นบาทห้าสิบสตางค์) มีดังนี้",
        "งวดที่ 1 ชำระภายในวันที่ 17 กุมภาพันธ์ 2569 จำนวน 10,000 บาท (หนึ่งหมื่นบาทถ้วน)",
        "งวดที่ 2 ชำระภายในวันที่ 17 มีนาคม 2569 จำนวน 10,000.50 บาท (หนึ่งหมื่นบาทห้าสิบสตางค์)",
        "ข้อ 3 หากฝ่ายใดไม่ปฏิบัติตามบันทึกข้อตกลงนี้",
        "(มาตรา 32 วรรคสอง) สำหรับข้อตกลงที่บังคับได้ตั้งแต่วันทำบันทึกนี้ คือภายในวันที่ 17 มกราคม 2572",
        "(มาตรา 69 วรรคสอง) เลขที่ คร 5/2569 ลงวันที่ 20 มกราคม 2569",
        "บันทึกข้อตกลงนี้ทำขึ้น 3 ฉบับ",
        "(ลงชื่อ)",
        "ผู้ยื่นคำขอ",
        "(นายสมชาย ใจดี)",
        "(ลงชื่อ)",
        "คู่กรณีอีกฝ่าย",
        "(นางน้ำฝน ปั้นทอง)",
        "(ลงชื่อ)",
        "ผู้ไกล่เกลี่ยข้อพิพาท",
        "(นายกิตติศักดิ์ ศรีสุข)",
        "(ลงชื่อ)",
        "พยาน",
        "(ลงชื่อ)",
        "พยาน",
    ]
    assert_in_order(pdf, expected)
    _no_confidential(pdf)
    story = agreement_story(printing.agreement_document(center_db, case.id))
    assert break_checks(pdf, story) >= 3
    table_cells_fit(story)


def _complete_agreement() -> AgreementDoc:
    return AgreementDoc(
        issuer=Issuer(CENTER, "แม่เหียะ", "เมืองเชียงใหม่", "เชียงใหม่"),
        case_number="005/2569",
        agreed_on=dt.date(2026, 1, 17),
        place=None,
        applicants=(PartyEntry("นายสมชาย ใจดี", ADDRESS_A),),
        respondents=(PartyEntry("นางน้ำฝน ปั้นทอง", ADDRESS_B),),
        mediators=(MediatorEntry("นายกิตติศักดิ์ ศรีสุข"),),
        dispute="ยืมเงินแล้วไม่คืน",
        voluntary=True,
        terms="ผู้ถูกร้องตกลงชำระเงินคืนทั้งหมดภายในหนึ่งเดือน",
        total_satang=1_000_000,
    )


def test_agreement_refuses_to_print_and_lists_what_section_30_needs() -> None:
    english_messages()
    complete = _complete_agreement()
    assert agreement_missing(complete) == []
    assert agreement_pdf(complete).startswith(b"%PDF")
    broken = dataclasses.replace(
        complete,
        respondents=(PartyEntry("นางน้ำฝน ปั้นทอง", None),),
        mediators=(),
        voluntary=False,
        terms="  ",
        dispute=None,
    )
    with pytest.raises(ValidationError) as err:
        agreement_pdf(broken)
    assert isinstance(err.value, AgreementIncompleteError)
    message = str(err.value)
    assert "\n" not in message and "§30" in message
    for part in (
        "the address of นางน้ำฝน ปั้นทอง",
        "a mediator",
        "took part voluntarily",
        "the terms agreed",
        "the dispute",
    ):
        assert part in message
    assert len(err.value.missing) == 5
    with pytest.raises(AgreementIncompleteError, match="an applicant"):
        agreement_pdf(dataclasses.replace(complete, applicants=()))


def test_agreement_service_refuses_a_case_without_a_settlement(center_db) -> None:
    a, b, _med = make_parties(center_db)
    case = make_dispute(center_db, a, b)
    english_messages()
    with pytest.raises(ValidationError, match="no settlement agreement"):
        printing.agreement_pdf(center_db, case.id)


def test_agreement_service_refuses_a_party_without_an_address(center_db) -> None:
    a = people.create_person(
        center_db, PersonInput(title="นาย", given_name="ไร้", surname="ที่อยู่", no_id_reason="-")
    ).record
    _x, b, med = make_parties(center_db)
    case = make_dispute(center_db, a, b)
    cases.act(center_db, case.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(center_db, case.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    cases.assign_mediator(
        center_db, case.id, med.id, no_conflict_confirmed=True, on=dt.date(2026, 1, 7)
    )
    cases.record_settlement(
        center_db, case.id, cases.SettlementInput(dt.date(2026, 1, 17), "ชำระคืนทั้งหมด", True)
    )
    english_messages()
    with pytest.raises(ValidationError, match="the address of นายไร้ ที่อยู่"):
        printing.agreement_pdf(center_db, case.id)


def test_unsuccessful_mediation_record(center_db) -> None:
    case = make_terminated(center_db)
    pdf = printing.unsettled_pdf(center_db, case.id)
    expected = [
        "บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ",
        CENTER,
        "ข้อพิพาทเลขที่ 001/2569",
        "วันที่ 1 กุมภาพันธ์ 2569",
        "เรื่อง ทะเลาะวิวาทเรื่องแนวเขตรั้วบ้าน",
        "รับเรื่องเมื่อ 5 มกราคม 2569",
        "ฝ่ายผู้ยื่นคำขอ",
        "นายสมชาย ใจดี",
        "ฝ่ายคู่กรณีอีกฝ่าย",
        "นางน้ำฝน ปั้นทอง",
        "ผู้ไกล่เกลี่ยข้อพิพาท",
        "นายกิตติศักดิ์ ศรีสุข",
        "ผลการไกล่เกลี่ย",
        "รวม 2 ครั้ง เมื่อวันที่ 10 มกราคม 2569, 17 มกราคม 2569",
        "การไกล่เกลี่ยสิ้นสุดลงเมื่อวันที่ 1 กุมภาพันธ์ 2569",
        "เหตุที่ยุติการไกล่เกลี่ย คู่พิพาทไม่อาจตกลงเรื่องค่าเสียหายกันได้",
        "อายุความ (มาตรา 6)",
        "หกสิบวัน",
        "คือถึงวันที่ 2 เมษายน 2569",
        "ผู้ไกล่เกลี่ยข้อพิพาท",
        "(นายกิตติศักดิ์ ศรีสุข)",
    ]
    assert_in_order(pdf, expected)
    _no_confidential(pdf)
    assert flat("สรุปสั้น") not in flat(pdf_text(pdf))  # nothing said in the sessions
    story = unsettled_story(printing.unsettled_document(center_db, case.id))
    assert break_checks(pdf, story) >= 2


def test_unsuccessful_record_refuses_a_case_that_was_not_terminated(center_db) -> None:
    case = make_settled(center_db)
    english_messages()
    with pytest.raises(ValidationError, match="not ended without agreement"):
        printing.unsettled_pdf(center_db, case.id)


def test_referral_letter(center_db) -> None:
    case = make_referred(center_db)
    pdf = printing.referral_pdf(center_db, case.id, thai_digits=False)
    expected = [
        "ที่",
        CENTER,
        "7 มกราคม 2569",
        "เรื่อง ส่งต่อเรื่องลักทรัพย์ (ควายหาย)",
        "เรียน สถานีตำรวจภูธรแม่เหียะ",
        "สิ่งที่ส่งมาด้วย สำเนาบันทึกการรับเรื่อง เลขที่รับ 001/2569 จำนวน 1 ฉบับ",
        f"ด้วย{CENTER} ได้รับเรื่องไกล่เกลี่ยข้อพิพาท จากนายสมชาย ใจดี",
        "เมื่อวันที่ 5 มกราคม 2569",
        "กรณีพิพาทกับนางน้ำฝน ปั้นทอง",
        "เนื่องจากเรื่องลักทรัพย์หรือวิ่งราวทรัพย์ (มาตรา 334–336) ไม่อยู่ในหลักเกณฑ์"
        "ที่ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้ (มาตรา 35",
        f"ผู้ยื่นเรื่องติดต่อได้ที่ นายสมชาย ใจดี ที่อยู่ {ADDRESS_A}",
        "จึงเรียนมาเพื่อโปรดพิจารณา",
        "ขอแสดงความนับถือ",
        f"ประธานกรรมการ{CENTER}",  # signed on the original: no "(ลงชื่อ)" (issue 12 §10)
        "โทร.",
    ]
    assert_in_order(pdf, expected)
    story = referral_story(printing.referral_document(center_db, case.id))
    assert break_checks(pdf, story) >= 1
    # Letters default to Thai digits.
    assert thai_digit_count(printing.referral_pdf(center_db, case.id))[1] == 0


def test_escalation_letter_goes_to_the_provincial_justice_office(center_db) -> None:
    a, b, _med = make_parties(center_db)
    case = make_dispute(center_db, a, b)
    cases.act(
        center_db,
        case.id,
        A.ESCALATE,
        on=dt.date(2026, 1, 8),
        note="คู่กรณีมีข้อพิพาทหลายเรื่องซับซ้อน ขอให้สำนักงานยุติธรรมจังหวัดช่วยพิจารณา",
    )
    doc = printing.referral_document(center_db, case.id)
    assert doc.addressee == "ยุติธรรมจังหวัดเชียงใหม่"
    pdf = printing.referral_pdf(center_db, case.id)
    assert_contains(pdf, ["เรียน ยุติธรรมจังหวัดเชียงใหม่", "คู่กรณีมีข้อพิพาทหลายเรื่องซับซ้อน"])


def test_referral_refuses_a_case_that_was_not_referred(center_db) -> None:
    a, b, _med = make_parties(center_db)
    case = make_dispute(center_db, a, b)
    english_messages()
    with pytest.raises(ValidationError, match="not referred"):
        printing.referral_pdf(center_db, case.id)


def test_thai_samples_in_an_agreement_copy_out_exactly(thai_samples) -> None:
    """Search and copy work on a real document: every sample word, name and paragraph put into
    an agreement comes back out of the PDF (after NFKC)."""
    texts = thai_samples["words"] + thai_samples["names"] + thai_samples["paragraphs"]
    doc = dataclasses.replace(
        _complete_agreement(),
        applicants=tuple(PartyEntry(n, ADDRESS_A) for n in thai_samples["names"]),
        terms="\n".join(thai_samples["words"] + thai_samples["paragraphs"]),
    )
    pdf = agreement_pdf(doc)
    text = flat(pdf_text(pdf))
    for sample in texts:
        assert flat(sample) in text, sample
    assert break_checks(pdf, agreement_story(doc)) >= 3


def test_names_and_agent_nouns_are_never_cut_between_lines() -> None:
    """The dictionary cuts ``ปั้นทอง`` into ``ปั้น|ทอง`` and ``ผู้ร้อง`` into ``ผู้|ร้อง``; on paper
    either split reads as two words. Laid out at many widths, no line ends inside them."""
    from test_doc_support import lines_of

    from justice_desk.documents import build_pdf, thai_paragraph

    text = "คู่กรณีคือนางน้ำฝน ปั้นทองซึ่งเป็นผู้ถูกร้องและนายสมชาย ใจดีซึ่งเป็นผู้ร้อง" * 3
    flow = [
        thai_paragraph(text, "body", keep_whole=["นางน้ำฝน ปั้นทอง"], rightIndent=float(r))
        for r in range(0, 240, 7)
    ]
    lines = [flat(line) for line in lines_of(build_pdf(flow))]
    assert len(lines) > 100
    for before, after in zip(lines, lines[1:], strict=False):
        assert not before.endswith("ผู้"), (before, after)
        assert not (before.endswith("ปั้น") and after.startswith("ทอง")), (before, after)
