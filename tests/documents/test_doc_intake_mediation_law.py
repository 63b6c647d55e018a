"""The intake record prints what the mediation rules asked and answered — the rules version, the
citations in full official Thai, the offender's age, the §36 stage and notice, "no money value" —
and the settlement agreement of a criminal dispute says when the right to prosecute ends
(§35 ¶2, §37, §69 ¶2). PDFs are built by the real printing service and read back
(docs/mediation-law.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_doc_support import (
    assert_contains,
    assert_in_order,
    flat,
    in_mediation,
    make_parties,
    pdf_text,
    thai_language,
)

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.enums import CaseCategory, CaseKind, CriminalStage, PartySide
from justice_desk.services import cases, printing

RECEIVED = dt.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _thai_records() -> None:
    thai_language()


def _take_in(db, a, b, **kw) -> cases.CaseDetail:
    data = dict(
        kind=CaseKind.DISPUTE,
        subject="โพสต์ข้อความหมิ่นประมาทในกลุ่มไลน์หมู่บ้าน",
        received_on=RECEIVED,
        category=CaseCategory.CRIMINAL,
        matter_code="defamation",
        incident_on=dt.date(2026, 1, 2),
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    return cases.take_in(db, cases.CaseInput(**data)).record


def test_a_criminal_intake_record_shows_age_stage_notice_citation_and_rules_version(
    center_db,
) -> None:
    a, b, _med = make_parties(center_db)
    case = _take_in(
        center_db,
        a,
        b,
        offender_birth_date=dt.date(1984, 6, 10),
        criminal_stage=CriminalStage.POLICE,
    )
    pdf = printing.intake_pdf(center_db, case.id)
    assert_in_order(
        pdf,
        [
            "ประเภทเรื่อง ไกล่เกลี่ยข้อพิพาท (ทางอาญา)",
            "วันที่เกิดเหตุ 2 มกราคม 2569",
            "อายุของผู้ถูกกล่าวหาในวันกระทำความผิด 41 ปี (เกิดวันที่ 10 มิถุนายน 2527)",
            "การดำเนินคดีอาญา อยู่ระหว่างการสอบสวนของพนักงานสอบสวน",
            "ผลการตรวจสอบเบื้องต้น",
            "ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนสามารถไกล่เกลี่ยได้ (มาตรา 35 (1) ประกอบ"
            "ประมวลกฎหมายอาญา มาตรา 333 วรรคหนึ่ง)",
            "บทบัญญัติที่อ้างอิง มาตรา 35 (1) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 "
            "ประกอบมาตรา 333 วรรคหนึ่ง แห่งประมวลกฎหมายอาญา",
            "เรื่องนี้อยู่ระหว่างการดำเนินการของพนักงานสอบสวนแล้ว ต้องแจ้งให้ทราบว่ามีการไกล่เกลี่ยข้อพิพาท",
            "กรมคุ้มครองสิทธิและเสรีภาพซึ่งกำกับดูแลศูนย์เป็นผู้แจ้ง",
            "ให้ส่งสำเนาบันทึกข้อตกลงไปด้วย (มาตรา 36)",
            "ตรวจสอบตามหลักเกณฑ์การไกล่เกลี่ยข้อพิพาท ฉบับที่ 2562.2",
        ],
    )
    text = flat(pdf_text(pdf))
    assert "§" not in text  # Thai documents cite sections in words


def test_a_juvenile_offenders_intake_record_cites_section_8_and_refers(center_db) -> None:
    a, b, _med = make_parties(center_db)
    case = _take_in(center_db, a, b, matter_code="trespass", offender_age=16)
    pdf = printing.intake_pdf(center_db, case.id)
    assert_contains(
        pdf,
        [
            "อายุของผู้ถูกกล่าวหาในวันกระทำความผิด 16 ปี",
            "การดำเนินคดีอาญา ยังไม่ได้สอบถาม",
            "ผู้ถูกกล่าวหาว่ากระทำความผิดมีอายุ 16 ปีในวันกระทำความผิด ซึ่งยังไม่ถึง 18 ปีบริบูรณ์",
            "บทบัญญัติที่อ้างอิง มาตรา 8 แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 "
            "ประกอบมาตรา 5 และมาตรา 10 (1) แห่งพระราชบัญญัติศาลเยาวชนและครอบครัว"
            "และวิธีพิจารณาคดีเยาวชนและครอบครัว พ.ศ. 2553",
            "หน่วยงานที่ควรส่งต่อ ศาลเยาวชนและครอบครัว / สถานพินิจและคุ้มครองเด็กและเยาวชน",
            "หรือ สถานีตำรวจ (พนักงานสอบสวน)",
        ],
    )


def test_a_civil_intake_record_tells_no_money_value_from_not_entered(center_db) -> None:
    a, b, _med = make_parties(center_db)
    path = _take_in(
        center_db,
        a,
        b,
        subject="ปิดทางเดินเข้านา",
        category=CaseCategory.CIVIL,
        matter_code="land_use",
        no_money_value=True,
    )
    assert_contains(
        printing.intake_pdf(center_db, path.id),
        [
            "จำนวนทุนทรัพย์ ไม่มีทุนทรัพย์ (ข้อพิพาทมิใช่เรื่องเงิน)",
            "มาตรา 20 วรรคสอง (1) และมาตรา 69 (1) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562",
        ],
    )
    unknown = _take_in(
        center_db, a, b, subject="ยืมเงิน", category=CaseCategory.CIVIL, matter_code="debt"
    )
    assert_contains(
        printing.intake_pdf(center_db, unknown.id),
        [
            "จำนวนทุนทรัพย์ ยังไม่ได้ระบุ",
            "ยังไม่ได้ระบุจำนวนทุนทรัพย์ที่พิพาท",
            "ไม่เกิน 500,000 บาท (มาตรา 69 (1))",
        ],
    )


def test_over_the_cap_the_intake_record_names_both_routes(center_db) -> None:
    a, b, _med = make_parties(center_db)
    case = _take_in(
        center_db,
        a,
        b,
        subject="ค่าก่อสร้างบ้านค้างชำระ",
        category=CaseCategory.CIVIL,
        matter_code="contract",
        amount_satang=80_000_000,
    )
    assert_contains(
        printing.intake_pdf(center_db, case.id),
        [
            "มาตรา 69 (1) และมาตรา 20 วรรคสอง (4) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562",
            "หน่วยงานที่ควรส่งต่อ หน่วยงานของรัฐซึ่งดำเนินการไกล่เกลี่ยข้อพิพาท",
            "หรือ ศาลที่มีเขตอำนาจ หรือศูนย์ไกล่เกลี่ยของศาล",
        ],
    )


def _criminal_agreement(center_db, **settlement) -> bytes:
    a, b, med = make_parties(center_db)
    case = _take_in(center_db, a, b, offender_age=45, criminal_stage=CriminalStage.NONE)
    in_mediation(center_db, case.id, med)
    cases.record_settlement(
        center_db,
        case.id,
        cases.SettlementInput(
            dt.date(2026, 1, 17), "ผู้ถูกร้องลบข้อความและขอโทษในกลุ่มไลน์", True, **settlement
        ),
    )
    cases.act(center_db, case.id, A.SETTLE, on=dt.date(2026, 1, 17))
    return printing.agreement_pdf(center_db, case.id)


def test_a_criminal_agreement_with_a_civil_part_waits_for_it(center_db) -> None:
    pdf = _criminal_agreement(center_db, total_satang=500_000)
    assert_contains(
        pdf,
        [
            "ข้อตกลงนี้เป็นข้อตกลงระงับข้อพิพาททางอาญาที่มีส่วนแพ่ง",
            "สิทธินำคดีอาญามาฟ้องจะระงับเมื่อคู่กรณีได้ปฏิบัติตามข้อตกลงในส่วนแพ่งแล้ว (มาตรา 37 วรรคหนึ่ง)",
            "(มาตรา 69 วรรคสอง)",
            "อาจดำเนินการเพื่อขอให้มีการบังคับตามข้อตกลงตามมาตรา 32 ได้ (มาตรา 37 วรรคสอง)",
            "(มาตรา 32 วรรคสอง)",
        ],
    )


def test_a_criminal_agreement_without_money_ends_prosecution_for_its_parties(center_db) -> None:
    pdf = _criminal_agreement(center_db)
    assert_contains(
        pdf,
        [
            "ข้อตกลงนี้เป็นข้อตกลงระงับข้อพิพาททางอาญา",
            "สิทธินำคดีอาญามาฟ้องย่อมระงับเฉพาะคู่กรณีซึ่งทำข้อตกลงนี้ (มาตรา 35 วรรคสอง และมาตรา 69 วรรคสอง)",
        ],
    )
    assert "ส่วนแพ่ง" not in flat(pdf_text(pdf))
