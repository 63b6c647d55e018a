"""Thai substring search through the services, with the shared samples."""

from __future__ import annotations

import datetime as dt

import pytest

from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import activities, cases, people
from justice_desk.services.people import PersonInput


def test_search_samples_match_through_the_index(center_db, thai_samples) -> None:
    for line in thai_samples["search"]:
        query, text = line.split("\t")
        activities.create_activity(
            center_db, activities.ActivityInput(held_on=dt.date(2026, 1, 1), topic=text)
        )
        activities.create_activity(
            center_db, activities.ActivityInput(held_on=dt.date(2026, 1, 1), topic="เรื่องอื่นที่ไม่เกี่ยว")
        )
    for line in thai_samples["search"]:
        query, text = line.split("\t")
        found = [a.topic for a in activities.list_activities(center_db, search=query).rows]
        assert found == [text], query


@pytest.mark.parametrize("query", ["ปั้นทอง", "น้ำฝน", "ฝน", "ปั้น", "น้ํา"])
def test_person_found_by_substring_of_any_length_and_mark_order(center_db, query: str) -> None:
    people.create_person(
        center_db, PersonInput(given_name="น้ำฝน", surname="ปั้นทอง", title="นาง", no_id_reason="-")
    )
    people.create_person(
        center_db, PersonInput(given_name="สมศักดิ์", surname="ใจดี", title="นาย", no_id_reason="-")
    )
    rows = people.list_people(center_db, search=query).rows
    assert [r.name for r in rows] == ["นางน้ำฝน ปั้นทอง"]


def test_case_found_by_party_name_number_and_subject(center_db) -> None:
    a = people.create_person(
        center_db, PersonInput(given_name="ญาณวุฒิ", surname="ฐานะดี", no_id_reason="-")
    ).record
    b = people.create_person(
        center_db, PersonInput(given_name="ปิ่นมณี", surname="ฟ้าใส", no_id_reason="-")
    ).record
    case = cases.take_in(
        center_db,
        cases.CaseInput(
            CaseKind.DISPUTE,
            "ข้อพิพาทเรื่องทางเดินผ่านที่ดิน",
            dt.date(2026, 1, 5),
            parties=(
                cases.PartyInput(a.id, PartySide.APPLICANT),
                cases.PartyInput(b.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.take_in(
        center_db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษาเรื่องมรดก", dt.date(2026, 1, 6))
    )
    for query in ("ฟ้าใส", "ฐานะ", "ทางเดิน", "001/2569", "ดิน"):
        assert [r.id for r in cases.list_cases(center_db, search=query).rows] == [case.id], query
    assert cases.list_cases(center_db, search="ไม่มีอยู่จริง").total == 0


def test_quotes_and_like_wildcards_are_plain_text(center_db) -> None:
    people.create_person(center_db, PersonInput(given_name='ก"ข', no_id_reason="-"))
    people.create_person(center_db, PersonInput(given_name="100%", no_id_reason="-"))
    people.create_person(center_db, PersonInput(given_name="ธรรมดา", no_id_reason="-"))
    assert [r.name for r in people.list_people(center_db, search='ก"ข').rows] == ['ก"ข']
    assert [r.name for r in people.list_people(center_db, search="%").rows] == ["100%"]
    assert [r.name for r in people.list_people(center_db, search="_").rows] == []
