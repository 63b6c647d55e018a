"""Intake records what the mediation law asks (docs/mediation-law.md) and the case flow follows
it: the offender's age (§8), "no money value" apart from an amount not entered (§69(1)), a
criminal matter already with the police, prosecutor or court (§36), and a criminal settlement
with a civil part that ends the right to prosecute only once performed (§37)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.eligibility import Verdict
from justice_desk.domain.enums import (
    CaseCategory,
    CaseKind,
    CaseStatus,
    Compliance,
    CriminalStage,
    PartySide,
)
from justice_desk.domain.prosecution import ProsecutionRight
from justice_desk.errors import ValidationError
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput

RECEIVED = dt.date(2026, 1, 5)
OFFENCE = dt.date(2026, 1, 3)


@pytest.fixture
def parties(center_db):
    a = people.create_person(
        center_db, PersonInput(given_name="สมศักดิ์", surname="ใจดี", title="นาย", no_id_reason="-")
    ).record
    b = people.create_person(
        center_db, PersonInput(given_name="น้ำฝน", surname="ปั้นทอง", title="นาง", no_id_reason="-")
    ).record
    m = people.create_person(
        center_db, PersonInput(given_name="กิตติศักดิ์", surname="ศรีสุข", no_id_reason="-")
    ).record
    med = people.register_mediator(
        center_db, m.id, registration_no="ชม 1/2567", expires_on=dt.date(2030, 1, 1)
    )
    return a, b, med


def offence(center_db, a, b, **kw) -> cases.CaseDetail:
    data = dict(
        kind=CaseKind.DISPUTE,
        subject="ด่าทอและโพสต์หมิ่นประมาทในกลุ่มไลน์หมู่บ้าน",
        received_on=RECEIVED,
        category=CaseCategory.CRIMINAL,
        matter_code="defamation",
        incident_on=OFFENCE,
        offender_age=42,
        criminal_stage=CriminalStage.NONE,
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    return cases.take_in(center_db, cases.CaseInput(**data)).record


def to_mediation(db, case_id, med) -> cases.CaseDetail:
    cases.act(db, case_id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(db, case_id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    return cases.assign_mediator(db, case_id, med.id, no_conflict_confirmed=True, on=RECEIVED)


def test_the_new_facts_are_stored_read_back_and_edited(center_db, center_db_path, parties):
    a, b, _ = parties
    c = offence(center_db, a, b, criminal_stage=CriminalStage.POLICE)
    assert (c.offender_age, c.offender_birth_date, c.criminal_stage) == (
        42,
        None,
        CriminalStage.POLICE,
    )
    assert c.eligibility.verdict is Verdict.YES
    assert any("§36" in note for note in c.eligibility.notes)
    edited = cases.update_case(
        center_db,
        c.id,
        cases.CaseInput(
            CaseKind.DISPUTE,
            c.subject,
            RECEIVED,
            category=CaseCategory.CRIMINAL,
            matter_code="defamation",
            incident_on=OFFENCE,
            offender_birth_date=dt.date(1990, 5, 1),
            criminal_stage=CriminalStage.COURT,
        ),
        expected_rev=c.rev,
    ).record
    assert edited.offender_birth_date == dt.date(1990, 5, 1) and edited.offender_age is None
    assert edited.offender_age_at_offence == 35
    conn = sqlite3.connect(center_db_path)
    try:
        row = conn.execute(
            "SELECT offender_age, offender_birth_date, criminal_stage, no_money_value, "
            "rules_version FROM cases WHERE id = ?",
            (c.id.hex,),
        ).fetchone()
    finally:
        conn.close()
    assert row == (None, "1990-05-01", "court", None, "2562.2")


def test_a_civil_dispute_without_an_amount_asks_for_it_and_no_money_value_is_stored(
    center_db, parties
):
    a, b, _ = parties
    base = dict(
        kind=CaseKind.DISPUTE,
        subject="เสียงดังรบกวนยามวิกาล",
        received_on=RECEIVED,
        category=CaseCategory.CIVIL,
        matter_code="neighbour",
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    saved = cases.take_in(center_db, cases.CaseInput(**base))
    assert saved.record.eligibility.verdict is Verdict.INCOMPLETE
    assert saved.warnings == [saved.record.eligibility.reason]
    cases.act(center_db, saved.record.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    with pytest.raises(ValidationError) as refused:
        cases.act(center_db, saved.record.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    assert refused.value.field == "amount_satang"
    none = cases.take_in(center_db, cases.CaseInput(**base, no_money_value=True)).record
    assert none.no_money_value and none.eligibility.verdict is Verdict.YES
    with pytest.raises(ValidationError, match="money value") as both:
        cases.take_in(center_db, cases.CaseInput(**base, no_money_value=True, amount_satang=100))
    assert both.value.field == "amount_satang"


def test_consent_is_refused_for_a_juvenile_offender_and_the_intake_says_why(center_db, parties):
    a, b, _ = parties
    c = offence(center_db, a, b, offender_age=None, offender_birth_date=dt.date(2010, 2, 1))
    assert c.offender_age_at_offence == 15
    assert c.eligibility.verdict is Verdict.NO and c.eligibility.referral == "family_court"
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    with pytest.raises(ValidationError, match="Juvenile and Family Court"):
        cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))


def test_consent_waits_for_the_offenders_age(center_db, parties):
    a, b, _ = parties
    c = offence(center_db, a, b, offender_age=None)
    assert c.eligibility.verdict is Verdict.INCOMPLETE
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    with pytest.raises(ValidationError) as refused:
        cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    assert refused.value.field == "offender_age"


def test_an_unclear_matter_may_go_ahead_after_the_warning(center_db, parties):
    a, b, _ = parties
    c = offence(center_db, a, b, matter_code="cheque", subject="เช็คค่าข้าวเปลือกเด้ง")
    assert c.eligibility.verdict is Verdict.UNCLEAR
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    c = cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    assert c.status is CaseStatus.IN_MEDIATION


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (dict(offender_age=121), "offender_age"),
        (dict(offender_age=-1), "offender_age"),
        (dict(offender_birth_date=dt.date(2026, 1, 4)), "offender_birth_date"),  # after it
        (dict(offender_birth_date=dt.date(2099, 1, 1)), "offender_birth_date"),  # future
        (dict(offender_age=30, offender_birth_date=dt.date(1990, 1, 1)), "offender_age"),
    ],
)
def test_bad_offender_facts_are_refused_with_the_field(center_db, parties, change, field):
    a, b, _ = parties
    with pytest.raises(ValidationError) as refused:
        offence(center_db, a, b, **change)
    assert refused.value.field == field


def test_facts_that_do_not_belong_to_the_category_are_not_stored(center_db, parties):
    a, b, _ = parties
    c = offence(
        center_db,
        a,
        b,
        category=CaseCategory.CIVIL,
        matter_code="debt",
        amount_satang=500_000,
        offender_age=15,
        criminal_stage=CriminalStage.COURT,
    )
    assert c.offender_age is None and c.criminal_stage is None
    assert c.eligibility.verdict is Verdict.YES


def _settle(db, c, med, **settlement) -> cases.CaseDetail:
    to_mediation(db, c.id, med)
    cases.record_settlement(
        db,
        c.id,
        cases.SettlementInput(dt.date(2026, 1, 20), "ผู้ถูกร้องขอโทษและลบข้อความ", True, **settlement),
    )
    return cases.act(db, c.id, A.SETTLE, on=dt.date(2026, 1, 20))


def test_a_criminal_settlement_with_a_civil_part_ends_prosecution_only_once_performed(
    center_db, parties
):
    a, b, med = parties
    c = _settle(
        center_db,
        offence(center_db, a, b),
        med,
        total_satang=300_000,
        instalments=(
            cases.InstalmentInput(dt.date(2026, 2, 20), 100_000),
            cases.InstalmentInput(dt.date(2026, 3, 20), 200_000),
        ),
    )
    assert c.prosecution.state is ProsecutionRight.AWAITS_CIVIL_PART
    assert "§37" in c.prosecution.message
    with pytest.raises(ValidationError, match="§37") as refused:
        cases.act(center_db, c.id, A.CLOSE, on=dt.date(2026, 1, 21))
    assert refused.value.field == "compliance"
    for inst in c.settlement.instalments:
        cases.record_payment(
            center_db, inst.id, paid_on=dt.date(2026, 1, 21), paid_satang=inst.amount_satang
        )
    c = cases.get_case(center_db, c.id)
    assert c.prosecution.state is ProsecutionRight.AWAITS_CERTIFICATE  # §69 ¶2
    c = cases.record_certificate(center_db, c.id, number="คร 7/2569", issued_on=dt.date(2026, 2, 1))
    assert c.prosecution.ended
    assert cases.act(center_db, c.id, A.CLOSE, on=dt.date(2026, 2, 2)).status is CaseStatus.CLOSED


def test_a_civil_part_not_performed_may_be_closed_once_followed_up(center_db, parties):
    a, b, med = parties
    c = _settle(center_db, offence(center_db, a, b), med, total_satang=300_000)
    assert c.prosecution.state is ProsecutionRight.AWAITS_CIVIL_PART
    c = cases.add_compliance_check(
        center_db, c.id, checked_on=dt.date(2026, 3, 1), result=Compliance.BREACHED
    )
    assert c.prosecution.state is ProsecutionRight.AWAITS_CIVIL_PART  # still not ended
    assert cases.act(center_db, c.id, A.CLOSE, on=dt.date(2026, 3, 2)).status is CaseStatus.CLOSED


def test_a_criminal_settlement_without_money_waits_only_for_the_certificate(center_db, parties):
    a, b, med = parties
    c = _settle(center_db, offence(center_db, a, b), med)
    assert c.prosecution.state is ProsecutionRight.AWAITS_CERTIFICATE
    assert cases.act(center_db, c.id, A.CLOSE, on=dt.date(2026, 1, 21)).status is CaseStatus.CLOSED


def test_a_civil_settlement_has_no_prosecution_effect(center_db, parties):
    a, b, med = parties
    c = offence(
        center_db, a, b, category=CaseCategory.CIVIL, matter_code="debt", amount_satang=300_000
    )
    c = _settle(center_db, c, med, total_satang=300_000)
    assert c.prosecution.state is ProsecutionRight.NOT_APPLICABLE
