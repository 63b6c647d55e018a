from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, Compliance, PartySide
from justice_desk.errors import NotFoundError, ValidationError
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.storage.models import CaseEvent, ChangeLog


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


def dispute(center_db, a, b, **kw) -> cases.CaseDetail:
    data = dict(
        kind=CaseKind.DISPUTE,
        subject="ยืมเงินแล้วไม่คืน",
        received_on=dt.date(2026, 1, 5),
        category=CaseCategory.CIVIL,
        matter_code="debt",
        amount_satang=2_000_000,
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    return cases.take_in(center_db, cases.CaseInput(**data)).record


def test_dispute_through_sessions_to_settlement(center_db, parties) -> None:
    a, b, med = parties
    c = dispute(center_db, a, b)
    assert c.number == "001/2569" and c.status is CaseStatus.RECEIVED and c.eligibility.mediable
    c = cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    c = cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    assert c.parties_on(PartySide.RESPONDENT)[0].consent is True
    with pytest.raises(ValidationError, match="conflict of interest"):
        cases.assign_mediator(center_db, c.id, med.id, no_conflict_confirmed=False)
    c = cases.assign_mediator(
        center_db, c.id, med.id, no_conflict_confirmed=True, on=dt.date(2026, 1, 7)
    )
    c = cases.add_session(
        center_db, c.id, cases.SessionInput(dt.date(2026, 1, 10), place="ศาลาหมู่บ้าน", notes="บันทึกลับ")
    )
    c = cases.add_session(
        center_db, c.id, cases.SessionInput(dt.date(2026, 1, 17), summary="ตกลงผ่อนชำระ")
    )
    assert [s.session_no for s in c.sessions] == [1, 2]
    with pytest.raises(ValidationError, match="settlement agreement"):
        cases.act(center_db, c.id, A.SETTLE, on=dt.date(2026, 1, 17))
    with pytest.raises(ValidationError, match="add up"):
        cases.record_settlement(
            center_db,
            c.id,
            cases.SettlementInput(
                dt.date(2026, 1, 17),
                "ผ่อนชำระ",
                True,
                total_satang=2_000_000,
                instalments=(cases.InstalmentInput(dt.date(2026, 2, 17), 1_000_000),),
            ),
        )
    c = cases.record_settlement(
        center_db,
        c.id,
        cases.SettlementInput(
            dt.date(2026, 1, 17),
            "ผู้ถูกร้องตกลงชำระเงินสองหมื่นบาทเป็นสองงวด",
            True,
            place="ศูนย์ยุติธรรมชุมชน",
            total_satang=2_000_000,
            instalments=(
                cases.InstalmentInput(dt.date(2026, 3, 17), 1_000_000),
                cases.InstalmentInput(dt.date(2026, 2, 17), 1_000_000),
            ),
        ),
    )
    c = cases.act(center_db, c.id, A.SETTLE, on=dt.date(2026, 1, 17))
    assert c.status is CaseStatus.SETTLED and c.outcome_on == dt.date(2026, 1, 17)
    assert [i.due_on for i in c.settlement.instalments] == [
        dt.date(2026, 2, 17),
        dt.date(2026, 3, 17),
    ]
    assert c.deadlines.enforcement_deadline == dt.date(2029, 1, 17)
    assert c.deadlines.limitation_extended_until is None
    c = cases.record_certificate(
        center_db, c.id, number="คร 5/2569", issued_on=dt.date(2026, 1, 20)
    )
    assert c.certificate_no == "คร 5/2569"
    cases.record_payment(
        center_db,
        c.settlement.instalments[0].id,
        paid_on=dt.date(2026, 2, 16),
        paid_satang=1_000_000,
    )
    c = cases.add_compliance_check(
        center_db, c.id, checked_on=dt.date(2026, 2, 20), result=Compliance.PARTIAL
    )
    assert c.compliance[0].result is Compliance.PARTIAL
    assert c.allowed_actions == (A.CLOSE,)
    assert [e.to_status for e in c.events] == [
        CaseStatus.AWAITING_CONSENT,
        CaseStatus.IN_MEDIATION,
        CaseStatus.SETTLED,
    ]


def test_failed_mediation_shows_the_60_day_extension(center_db, parties) -> None:
    a, b, med = parties
    c = dispute(center_db, a, b)
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    c = cases.act(center_db, c.id, A.TERMINATE, on=dt.date(2026, 2, 1), note="ตกลงกันไม่ได้")
    assert c.status is CaseStatus.TERMINATED and c.mediation_ended_on == dt.date(2026, 2, 1)
    assert c.deadlines.limitation_extended_until == dt.date(2026, 4, 2)


def test_matter_that_may_not_be_mediated_warns_and_offers_referral(center_db, parties) -> None:
    a, b, _ = parties
    saved = cases.take_in(
        center_db,
        cases.CaseInput(
            CaseKind.DISPUTE,
            "ลักควาย",
            dt.date(2026, 1, 5),
            category=CaseCategory.CRIMINAL,
            matter_code="theft",
            parties=(
                cases.PartyInput(a.id, PartySide.APPLICANT),
                cases.PartyInput(b.id, PartySide.RESPONDENT),
            ),
        ),
    )
    c = saved.record
    assert (
        not c.eligibility.mediable
        and c.eligibility.referral == "police"
        and "§35" in saved.warnings[0]
    )
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    with pytest.raises(ValidationError, match="may not mediate"):
        cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    with pytest.raises(ValidationError, match="which agency"):
        cases.act(center_db, c.id, A.REFER, on=dt.date(2026, 1, 7))
    c = cases.act(
        center_db,
        c.id,
        A.REFER,
        on=dt.date(2026, 1, 7),
        referral_target=c.eligibility.referral_label,
    )
    assert c.status is CaseStatus.REFERRED and c.referral_target


def test_illegal_moves_are_refused_and_nothing_is_written(center_db, parties) -> None:
    a, b, _ = parties
    c = dispute(center_db, a, b)
    with center_db.read() as s:
        before = s.execute(select(ChangeLog.change_no)).all()
    with pytest.raises(ValidationError, match="not possible"):
        cases.act(center_db, c.id, A.SETTLE)
    with pytest.raises(ValidationError, match="not possible"):
        cases.act(center_db, c.id, A.TAKE_UP)
    with center_db.read() as s:
        assert s.execute(select(ChangeLog.change_no)).all() == before
        assert s.execute(select(CaseEvent)).first() is None
    assert cases.get_case(center_db, c.id).status is CaseStatus.RECEIVED


def test_help_requests_follow_their_own_path(center_db) -> None:
    c = cases.take_in(
        center_db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษาเรื่องมรดก", dt.date(2026, 3, 1))
    ).record
    assert c.allowed_actions[0] is A.TAKE_UP and c.eligibility.mediable
    c = cases.act(center_db, c.id, A.TAKE_UP, on=dt.date(2026, 3, 1))
    c = cases.act(center_db, c.id, A.COMPLETE, on=dt.date(2026, 3, 2))
    assert c.status is CaseStatus.COMPLETED
    v = cases.take_in(
        center_db,
        cases.CaseInput(
            CaseKind.VICTIM_COMPENSATION,
            "ขอรับค่าตอบแทนผู้เสียหาย",
            dt.date(2026, 3, 1),
            incident_on=dt.date(2026, 2, 1),
        ),
    ).record
    assert v.deadlines.compensation_claim_deadline == dt.date(2027, 2, 1)


def test_numbers_run_per_be_year_and_are_found(center_db) -> None:
    first = cases.take_in(
        center_db, cases.CaseInput(CaseKind.COMPLAINT, "ร้องเรียนเสียงดัง", dt.date(2025, 12, 30))
    ).record
    second = cases.take_in(
        center_db, cases.CaseInput(CaseKind.COMPLAINT, "ร้องเรียนน้ำท่วม", dt.date(2026, 1, 2))
    ).record
    third = cases.take_in(
        center_db, cases.CaseInput(CaseKind.COMPLAINT, "ร้องเรียนถนน", dt.date(2026, 1, 3))
    ).record
    assert (first.number, second.number, third.number) == ("001/2568", "001/2569", "002/2569")
    assert cases.find_case(center_db, "2/2569") == third.id
    assert cases.find_case(center_db, "๐๐๒/๒๕๖๙") == third.id
    assert cases.find_case(center_db, str(third.id)) == third.id
    with pytest.raises(NotFoundError):
        cases.find_case(center_db, "9/2569")
    with pytest.raises(ValidationError):
        cases.find_case(center_db, "not-a-number")


@pytest.mark.parametrize(
    "kw, field",
    [
        (dict(subject=""), "subject"),
        (dict(received_on=dt.date.today() + dt.timedelta(days=2)), "received_on"),
        (dict(incident_on=dt.date(2026, 2, 1)), "incident_on"),
        (dict(amount_satang=-5), "amount_satang"),
    ],
)
def test_bad_intake_is_refused(center_db, parties, kw, field) -> None:
    a, b, _ = parties
    with pytest.raises(ValidationError) as err:
        dispute(center_db, a, b, **kw)
    assert err.value.field == field


def test_list_shows_parties_and_filters(center_db, parties) -> None:
    a, b, _ = parties
    dispute(center_db, a, b)
    cases.take_in(
        center_db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษา", dt.date(2026, 1, 6))
    )
    page = cases.list_cases(center_db, kind=[CaseKind.DISPUTE])
    assert page.total == 1 and page.rows[0].parties == "นายสมศักดิ์ ใจดี v. นางน้ำฝน ปั้นทอง"
    assert cases.list_cases(center_db, status=[CaseStatus.RECEIVED]).total == 2
    assert [r.number for r in cases.list_cases(center_db, descending=False).rows] == [
        "001/2569",
        "002/2569",
    ]


def test_settlement_needs_the_voluntary_confirmation(center_db, parties) -> None:
    a, b, med = parties
    c = dispute(center_db, a, b)
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    with pytest.raises(ValidationError) as err:
        cases.record_settlement(
            center_db, c.id, cases.SettlementInput(dt.date(2026, 1, 8), "ชำระเงิน", False)
        )
    assert err.value.field == "voluntary_confirmed" and "§30" in str(err.value)


def test_compensation_deadline_only_for_victim_compensation(center_db, parties) -> None:
    a, b, _ = parties
    c = dispute(center_db, a, b, incident_on=dt.date(2026, 1, 1))
    assert c.deadlines.compensation_claim_deadline is None


def test_a_case_entered_by_mistake_can_be_deleted_but_not_one_with_history(
    center_db, parties
) -> None:
    a, b, _ = parties
    mistake = dispute(center_db, a, b)
    kept = dispute(center_db, a, b)
    cases.act(center_db, kept.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.delete_case(center_db, mistake.id)
    with pytest.raises(ValidationError, match="close it instead"):
        cases.delete_case(center_db, kept.id)
    assert [r.id for r in cases.list_cases(center_db).rows] == [kept.id]
    assert cases.find_case(center_db, kept.number) == kept.id


def test_settlement_can_be_recorded_again_while_in_mediation(center_db, parties) -> None:
    a, b, med = parties
    c = dispute(center_db, a, b)
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    cases.assign_mediator(
        center_db, c.id, med.id, no_conflict_confirmed=True, on=dt.date(2026, 1, 7)
    )
    first = cases.record_settlement(
        center_db,
        c.id,
        cases.SettlementInput(
            dt.date(2026, 1, 8),
            "ชำระครั้งเดียว",
            True,
            total_satang=500_000,
            instalments=(cases.InstalmentInput(dt.date(2026, 2, 1), 500_000),),
        ),
    )
    again = cases.record_settlement(
        center_db,
        c.id,
        cases.SettlementInput(
            dt.date(2026, 1, 9),
            "ผ่อนสองงวด",
            True,
            total_satang=500_000,
            instalments=(
                cases.InstalmentInput(dt.date(2026, 2, 1), 250_000),
                cases.InstalmentInput(dt.date(2026, 3, 1), 250_000),
            ),
        ),
    )
    assert again.settlement.id == first.settlement.id
    assert again.settlement.terms == "ผ่อนสองงวด" and [
        i.amount_satang for i in again.settlement.instalments
    ] == [250_000, 250_000]


def test_an_amount_beyond_what_every_database_holds_is_refused_with_a_message(
    center_db, parties
) -> None:
    """The province's database holds amounts up to 21,474,836.47 baht (domain.limits): a
    larger one is refused when typed, saying what to do, instead of being refused at the
    province after the center has kept it."""
    from justice_desk.domain import limits
    from justice_desk.services import activities

    a, b, _med = parties
    assert dispute(center_db, a, b, amount_satang=limits.SATANG_MAX).amount_satang == (
        limits.SATANG_MAX
    )
    with pytest.raises(ValidationError, match="21,474,836.47 baht") as raised:
        dispute(center_db, a, b, amount_satang=limits.SATANG_MAX + 1)
    assert raised.value.field == "amount_satang"
    with pytest.raises(ValidationError, match="at most 100,000"):
        activities.create_activity(
            center_db,
            activities.ActivityInput(
                held_on=dt.date(2026, 1, 5), topic="อบรม", participants_female=100_001
            ),
        )
