"""Search finds people, cases, meetings and activities the way a coordinator types or pastes
what they see on screen and on paper (docs/thai-text-and-printing.md §7), on a real SQLite
file; the same queries run on PostgreSQL in tests/postgres/test_search_on_postgres.py."""

from __future__ import annotations

import datetime as dt

import pytest
from search_scenarios import (
    CASE_QUERIES,
    NAMFON_QUERIES,
    build_cases,
    build_register,
    names,
    numbers,
)

from justice_desk.domain import search
from justice_desk.domain.numbering import YearNumber
from justice_desk.services import activities, meetings, people
from justice_desk.services.people import PersonInput


@pytest.fixture
def register(center_db):
    build_register(center_db)
    return center_db


@pytest.mark.parametrize("query", NAMFON_QUERIES)
def test_a_person_is_found_however_the_name_id_or_phone_is_written(register, query) -> None:
    assert names(register, query) == ["นางน้ำฝน ปั้นทอง"], query


def test_an_abbreviated_title_finds_the_long_one_and_back(register) -> None:
    # stored as น.ส. (and listed so); found by the long form, the short one and as listed
    for query in ("นางสาวพิมพ์ใจ", "น.ส.พิมพ์ใจ ศรีสุข", "นส. พิมพ์ใจ", "นางสาว พิมพ์ใจ ศรีสุข"):
        assert names(register, query) == ["น.ส.พิมพ์ใจ ศรีสุข"], query


def test_a_title_on_paper_finds_a_person_registered_without_one(register) -> None:
    assert names(register, "นายบุญมี มีสุข") == ["บุญมี มีสุข"]
    assert names(register, "นาย บุญมี") == ["บุญมี มีสุข"]
    # but a title recorded differently does not match a different person's title
    assert names(register, "นายน้ำฝน") == ["นางน้ำฝน ปั้นทอง"]  # the title is dropped as a hint
    assert names(register, "นางสาวน้ำฝน ปั้นทอง") == ["นางน้ำฝน ปั้นทอง"]


def test_words_must_all_be_found_and_other_people_stay_out(register) -> None:
    assert names(register, "น้ำฝน ใจดี") == []
    assert names(register, "สมศักดิ์ 053") == ["นายสมศักดิ์ ใจดี"]
    assert names(register, "053 123 456") == ["นายสมศักดิ์ ใจดี"]
    assert names(register, "ไม่มีใครชื่อนี้") == []
    # digits of one field never run on into the next (ID then phone)
    assert names(register, "5690812") == []


def test_a_fresh_edit_is_found_by_its_new_text(register) -> None:
    row = people.list_people(register, search="บุญมี").rows[0]
    current = people.get_person(register, row.id)
    people.update_person(
        register, row.id, PersonInput(**{**_fields(current), "phone": "๐๙๙ ๘๗๖ ๕๔๓๒"})
    )
    assert names(register, "099-876-5432") == ["บุญมี มีสุข"]


def _fields(record) -> dict:
    import dataclasses

    return {f.name: getattr(record, f.name) for f in dataclasses.fields(PersonInput)}


@pytest.fixture
def case_book(register):
    return register, build_cases(register)


@pytest.mark.parametrize("query", CASE_QUERIES)
def test_a_case_is_found_by_any_written_form_of_its_number_party_or_subject(
    case_book, query
) -> None:
    db, _made = case_book
    assert numbers(db, query) == ["012/2568"], query


def test_a_case_number_is_matched_exactly(case_book) -> None:
    db, _made = case_book
    assert numbers(db, "2/2568") == ["002/2568"]  # not 012/2568
    assert numbers(db, "๒/๒๕๖๘") == ["002/2568"]
    assert numbers(db, "12/2569") == []  # another year
    assert numbers(db, "12/2568 ใจดีมาก") == []  # every word counts


def test_parse_query_reads_numbers_titles_and_digit_runs() -> None:
    q = search.parse_query("ครั้งที่ ๔/๒๕๖๙")
    assert q.numbers == (YearNumber(2569, 4),) and q.words == ()
    q = search.parse_query("น.ส.พิมพ์ใจ  +66 81-234-5678")
    assert [w.text for w in q.words] == ["นางสาวพิมพ์ใจ", "0812345678"]
    assert q.words[0].alternatives == ("พิมพ์ใจ",)
    assert search.parse_query("ที่ดิน").words[0].text == "ที่ดิน"  # not a number word
    assert search.parse_query("ที่").words[0].text == "ที่"
    assert search.parse_query("   ").empty


def test_a_meeting_is_found_by_its_number_in_any_form_and_its_place(center_db) -> None:
    for day in (5, 12, 19, 26):
        meetings.create_meeting(
            center_db,
            meetings.MeetingInput(
                held_on=dt.date(2026, 1, day),
                place="ศาลาเอนกประสงค์ หมู่ ๓" if day == 12 else "ที่ว่าการอำเภอ",
            ),
        )

    def found(query: str) -> list[str]:
        return [r.number for r in meetings.list_meetings(center_db, search=query).rows]

    for query in ("2/2569", "๒/๒๕๖๙", "ครั้งที่ 2/2569", "2 / 69", "ศาลาเอนก", "ศาลา เอนกประสงค์"):
        assert found(query) == ["2/2569"], query
    assert found("หมู่ 3") == ["2/2569"]  # Thai digits in the place, Arabic ones typed
    assert found("ที่ว่าการ") == ["4/2569", "3/2569", "1/2569"]


def test_an_activity_is_found_by_topic_place_and_partner(center_db) -> None:
    activities.create_activity(
        center_db,
        activities.ActivityInput(
            held_on=dt.date(2026, 2, 1),
            topic="อบรมป้องกันยาเสพติด รุ่นที่ ๒",
            place="โรงเรียนบ้านป่าตึง",
            partners="สภ. แม่เหียะ",
        ),
    )
    for query in ("ยาเสพติด รุ่นที่ 2", "ป้องกัน ป่าตึง", "สภ.แม่เหียะ", "รุ่นที่๒"):
        assert [a.topic for a in activities.list_activities(center_db, search=query).rows] == [
            "อบรมป้องกันยาเสพติด รุ่นที่ ๒"
        ], query


def test_index_text_keeps_fields_apart_and_digits_arabic() -> None:
    assert search.person_index(
        "น.ส.", "พิมพ์ใจ", "ศรีสุข", "3-5001-00234-56-9", "081 234 5678", None
    ) == ("นางสาวพิมพ์ใจศรีสุข 3500100234569 0812345678")
    assert search.index_text("012/2568", "แปลง ๑๒  ริมน้ำ") == "012/2568 แปลง12ริมน้ำ"
