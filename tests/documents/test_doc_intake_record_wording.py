"""The intake record states what the law says of the matter, not the app's advice to the clerk
(issue 12 §3, §9): no "โปรดส่งเรื่องต่อไปยัง…", "โปรดระบุ…" or "โปรดสอบถาม…" in the record; the
agency to refer to is the record's labelled line (หน่วยงานที่ควรส่งต่อ), once, and what was not
entered reads as not entered. PDFs from the printing service, read back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from test_doc_support import assert_contains, flat, make_parties, pdf_text, thai_language

from justice_desk.domain import eligibility
from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
from justice_desk.services import cases, printing

ADVICE = ("โปรด", "ส่งเรื่องต่อไปยัง", "ให้ปรึกษา")


@pytest.fixture(autouse=True)
def _thai_records() -> None:
    thai_language()


def _intake(db: Any, **kw: Any) -> str:
    a, b, _med = make_parties(db)
    data: dict[str, Any] = dict(
        kind=CaseKind.DISPUTE,
        subject="ข้อพิพาทในหมู่บ้าน",
        received_on=dt.date(2026, 1, 5),
        incident_on=dt.date(2026, 1, 2),
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    case = cases.take_in(db, cases.CaseInput(**data)).record
    return pdf_text(printing.intake_pdf(db, case.id))


SCENARIOS = {
    # a matter the Act keeps from a people's-sector center: police
    "bodily harm": (
        dict(category=CaseCategory.CRIMINAL, matter_code="bodily_harm", offender_age=30),
        [
            "ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไม่สามารถไกล่เกลี่ยได้ (มาตรา 35)",
            "หน่วยงานที่ควรส่งต่อ สถานีตำรวจ (พนักงานสอบสวน)",
        ],
    ),
    "juvenile": (
        dict(category=CaseCategory.CRIMINAL, matter_code="trespass", offender_age=16),
        [
            "คดีจึงอยู่ในอำนาจของศาลเยาวชนและครอบครัว",
            "หน่วยงานที่ควรส่งต่อ ศาลเยาวชนและครอบครัว",
            "หรือ สถานีตำรวจ (พนักงานสอบสวน)",
        ],
    ),
    "over the cap": (
        dict(category=CaseCategory.CIVIL, matter_code="contract", amount_satang=80_000_000),
        [
            "ข้อพิพาททางแพ่งที่มีทุนทรัพย์เกิน 500,000 บาท ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไม่สามารถไกล่เกลี่ยได้",
            "หน่วยงานที่ควรส่งต่อ หน่วยงานของรัฐซึ่งดำเนินการไกล่เกลี่ยข้อพิพาท",
        ],
    ),
    "the law unclear": (
        dict(category=CaseCategory.CRIMINAL, matter_code="cheque", offender_age=40),
        [
            "กฎหมายยังไม่ชัดเจนว่าศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้หรือไม่",
            "หน่วยงานที่ควรส่งต่อ สถานีตำรวจ (พนักงานสอบสวน)",
        ],
    ),
    "no amount yet": (
        dict(category=CaseCategory.CIVIL, matter_code="debt"),
        ["ยังไม่ได้ระบุจำนวนทุนทรัพย์ที่พิพาท"],
    ),
    "no age yet": (
        dict(category=CaseCategory.CRIMINAL, matter_code="trespass"),
        ["ยังไม่ได้ระบุอายุของผู้ถูกกล่าวหาในวันกระทำความผิด"],
    ),
    "stage not asked": (
        dict(category=CaseCategory.CRIMINAL, matter_code="trespass", offender_age=30),
        ["หากเรื่องนี้อยู่ระหว่างการสอบสวนหรือพิจารณาของพนักงานสอบสวน พนักงานอัยการ หรือศาล"],
    ),
    "no money value": (
        dict(category=CaseCategory.CIVIL, matter_code="land_use", no_money_value=True),
        ["จำนวนทุนทรัพย์ ไม่มีทุนทรัพย์ (ข้อพิพาทมิใช่เรื่องเงิน)", "สามารถไกล่เกลี่ยได้"],
    ),
    "no category yet": (
        dict(),
        ["ยังไม่ได้ระบุว่าเป็นข้อพิพาททางแพ่งหรือทางอาญา"],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_intake_record_states_the_finding_without_the_apps_advice(
    center_db: Any, name: str
) -> None:
    kw, expected = SCENARIOS[name]
    text = _intake(center_db, **kw)
    for advice in ADVICE:
        assert flat(advice) not in flat(text), (name, advice)
    # Nor what the rules file tells the coordinator about its own sources, nor the app's
    # reading of the law.
    assert flat("ยังไม่ได้ตรวจ") not in flat(text), name
    assert flat("มิได้บัญญัติไว้โดยตรง") not in flat(text), name
    assert_contains_text(text, expected)
    # The agency to refer to is the record's one labelled line; others follow it as "หรือ …".
    referred = any(line.startswith("หน่วยงานที่ควรส่งต่อ") for line in expected)
    assert flat(text).count(flat("หน่วยงานที่ควรส่งต่อ")) == (1 if referred else 0), name
    for line in expected:
        if line.startswith("หรือ "):
            assert flat(text).count(flat(line)) == 1, (name, line)


def assert_contains_text(text: str, values: list[str]) -> None:
    for value in values:
        assert flat(value) in flat(text), f"{value!r} is not printed"


def test_every_eligibility_message_that_advises_has_a_record_wording() -> None:
    """A new message with advice in it cannot reach the record unnoticed."""
    messages = [
        value
        for key, value in vars(eligibility).items()
        if key.isupper() and isinstance(value, str)
    ]
    advising = [m for m in messages if re.search("|".join(ADVICE), printing.th(m))]
    assert len(advising) >= 6
    for message in advising:
        assert message in printing._RECORD_TH, message
        assert not re.search("|".join(ADVICE), printing._RECORD_TH[message]), message


def test_the_referral_letter_still_gives_its_reason(center_db: Any) -> None:
    """The letter's own request is unchanged: only the record leaves the advice out."""
    from test_doc_support import make_referred

    case = make_referred(center_db)
    assert_contains(
        printing.referral_pdf(center_db, case.id),
        [
            "ไม่อยู่ในหลักเกณฑ์ที่ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้",
            "จึงขอส่งเรื่องมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
        ],
    )
