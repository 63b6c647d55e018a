"""A mediation goes in order: a mediator, then the agreement written with them (printed and
signed on paper), then "settled". A step asked for too early is refused by name, and nothing is
written (domain.case_flow.missing_before, services.cases.StepNotReadyError)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.case_flow import Prerequisite, missing_before
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, PartySide
from justice_desk.services import cases, people
from justice_desk.services.cases import (
    AgreementRequiredError,
    MediatorRequiredError,
    StepNotReadyError,
)
from justice_desk.services.people import PersonInput
from justice_desk.storage.models import ChangeLog

DAY = dt.date(2026, 1, 5)


def test_what_each_step_waits_for() -> None:
    assert missing_before(A.SETTLE, has_mediator=False, has_agreement=False) == [
        Prerequisite.MEDIATOR,
        Prerequisite.AGREEMENT,
    ]
    assert missing_before(A.SETTLE, has_mediator=True, has_agreement=False) == [
        Prerequisite.AGREEMENT
    ]
    assert missing_before(A.SETTLE, has_mediator=True, has_agreement=True) == []
    assert missing_before(None, has_mediator=False, has_agreement=False) == [Prerequisite.MEDIATOR]
    for action in A:
        if action is not A.SETTLE:
            assert missing_before(action, has_mediator=False, has_agreement=False) == []


@pytest.fixture
def in_mediation(center_db):
    a, b, m = (
        people.create_person(
            center_db, PersonInput(given_name=g, surname=s, title="นาย", no_id_reason="-")
        ).record
        for g, s in (("สมศักดิ์", "ใจดี"), ("ประสิทธิ์", "ปั้นทอง"), ("กิตติ", "ศรีสุข"))
    )
    med = people.register_mediator(
        center_db, m.id, registration_no="ชม 1/2567", expires_on=dt.date(2030, 1, 1)
    )
    c = cases.take_in(
        center_db,
        cases.CaseInput(
            kind=CaseKind.DISPUTE,
            subject="ยืมเงินแล้วไม่คืน",
            received_on=DAY,
            category=CaseCategory.CIVIL,
            matter_code="debt",
            amount_satang=2_000_000,
            parties=(
                cases.PartyInput(a.id, PartySide.APPLICANT),
                cases.PartyInput(b.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=DAY)
    c = cases.act(center_db, c.id, A.CONSENT_GIVEN, on=DAY)
    return c, med


AGREEMENT = cases.SettlementInput(DAY, "ผู้ถูกร้องคืนเงินสองหมื่นบาท", True, total_satang=2_000_000)


def changes(db) -> list:
    with db.read() as s:
        return s.execute(select(ChangeLog.change_no)).all()


def test_settled_and_the_agreement_wait_for_a_mediator(center_db, in_mediation) -> None:
    c, med = in_mediation
    assert c.missing_before(A.SETTLE) == [Prerequisite.MEDIATOR, Prerequisite.AGREEMENT]
    assert c.missing_before(None) == [Prerequisite.MEDIATOR]
    before = changes(center_db)
    with pytest.raises(MediatorRequiredError) as refused:
        cases.act(center_db, c.id, A.SETTLE, on=DAY)
    assert refused.value.field == "mediators" and refused.value.reason == "mediator_required"
    assert refused.value.missing is Prerequisite.MEDIATOR
    assert c.number in str(refused.value) and "mediator" in str(refused.value)
    with pytest.raises(MediatorRequiredError, match="before recording the settlement agreement"):
        cases.record_settlement(center_db, c.id, AGREEMENT)
    assert changes(center_db) == before, "a refused step writes nothing"
    assert cases.get_case(center_db, c.id).status is CaseStatus.IN_MEDIATION

    c = cases.assign_mediator(center_db, c.id, med.id, no_conflict_confirmed=True, on=DAY)
    assert c.missing_before(A.SETTLE) == [Prerequisite.AGREEMENT]
    with pytest.raises(AgreementRequiredError) as refused:
        cases.act(center_db, c.id, A.SETTLE, on=DAY)
    assert isinstance(refused.value, StepNotReadyError) and refused.value.field == "settlement"
    assert "print it" in str(refused.value)

    c = cases.record_settlement(center_db, c.id, AGREEMENT)
    assert c.missing_before(A.SETTLE) == []
    c = cases.act(center_db, c.id, A.SETTLE, on=DAY)
    assert c.status is CaseStatus.SETTLED


def test_the_refusal_is_in_thai_for_a_thai_user(center_db, in_mediation) -> None:
    from justice_desk import i18n

    c, _med = in_mediation
    i18n.set_language("th")
    try:
        with pytest.raises(MediatorRequiredError) as refused:
            cases.act(center_db, c.id, A.SETTLE, on=DAY)
    finally:
        i18n.set_language("en")
    assert "ผู้ไกล่เกลี่ย" in str(refused.value) and c.number in str(refused.value)
