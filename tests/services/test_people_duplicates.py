"""A national ID on file names one person; alike names with the same birth are probably one
person (docs/domain.md §11): the service refuses the first and warns of the second, and so does
the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from justice_desk.domain import person_match
from justice_desk.services import people
from justice_desk.services.people import DuplicateNationalIdError, PersonInput

ID = "3500100234569"
NAMFON = PersonInput(
    title="นาง",
    given_name="น้ำฝน",
    surname="ปั้นทอง",
    national_id=ID,
    birth_date=dt.date(1967, 3, 3),
    village="บ้านป่าตึง",
)


def test_a_national_id_on_file_is_refused_with_its_reason_and_the_person(center_db) -> None:
    first = people.create_person(center_db, NAMFON).record
    with pytest.raises(DuplicateNationalIdError) as refused:
        people.create_person(
            center_db, PersonInput(given_name="สมศรี", surname="อื่น", national_id="3-5001-00234-56-9")
        )
    err = refused.value
    assert err.reason == "duplicate_national_id" and err.field == "national_id"
    assert err.existing.id == first.id and err.existing.reason == "national_id"
    assert "3-5001-00234-56-9" in str(err) and "นางน้ำฝน ปั้นทอง" in str(err)
    assert "3 Mar 2510" in str(err) and "บ้านป่าตึง" in str(err)  # enough to recognise her
    assert people.list_people(center_db).total == 1


def test_editing_into_an_id_on_file_is_refused_but_an_old_pair_stays_editable(center_db) -> None:
    first = people.create_person(center_db, NAMFON).record
    other = people.create_person(
        center_db, PersonInput(given_name="สมศรี", surname="อื่น", no_id_reason="-")
    ).record
    with pytest.raises(DuplicateNationalIdError):
        people.update_person(
            center_db, other.id, dataclasses.replace(_input(other), national_id=ID)
        )
    # saving the same person again with their own ID is no duplicate
    again = people.update_person(center_db, first.id, dataclasses.replace(_input(first), moo="3"))
    assert again.record.moo == "3" and again.warnings == []
    # a pair entered before the check existed: the one holding the ID stays editable
    from justice_desk.storage.models import Person

    with center_db.write() as session:
        session.get(Person, other.id).national_id = ID
    edited = people.update_person(
        center_db,
        other.id,
        dataclasses.replace(_input(people.get_person(center_db, other.id)), moo="9"),
    )
    assert edited.record.moo == "9"


def _input(record) -> PersonInput:
    return PersonInput(**{f.name: getattr(record, f.name) for f in dataclasses.fields(PersonInput)})


def test_an_id_fragment_or_a_deleted_person_is_no_duplicate(center_db) -> None:
    people.create_person(center_db, PersonInput(given_name="ก", national_id="12345"))
    saved = people.create_person(center_db, PersonInput(given_name="ข", national_id="12345"))
    assert saved.record.national_id == "12345"  # warned as incomplete, not refused
    first = people.create_person(center_db, NAMFON).record
    people.delete_person(center_db, first.id)
    assert people.create_person(center_db, NAMFON).record.national_id == ID


@pytest.mark.parametrize(
    ("title", "given", "surname", "birth_date", "birth_year"),
    [
        ("นาง", "น้ำฝน", "ปั้นทอง", dt.date(1967, 3, 3), None),  # the same, typed again
        ("นางสาว", "น้ำฝน", "ปั่นทอง", dt.date(1967, 3, 3), None),  # title and tone mark differ
        (None, "นางน้ำฝน", "ปั้นทอง", dt.date(1967, 3, 3), None),  # title typed in the name
        ("นาง", "น้ำฝน ", " ปั้น ทอง", dt.date(1967, 3, 3), None),  # spaces
        ("นาง", "น้ำฝน", "ปั้นทอง", None, 1967),  # only the year known
        ("นาง", "น้ำฝน", "ปั้นทอง", None, None),  # the very same name, no birth recorded
    ],
)
def test_an_alike_name_and_agreeing_birth_warns_but_saves(
    center_db, title, given, surname, birth_date, birth_year
) -> None:
    first = people.create_person(
        center_db, dataclasses.replace(NAMFON, national_id=None, no_id_reason="-")
    ).record
    data = PersonInput(
        title=title,
        given_name=given,
        surname=surname,
        birth_date=birth_date,
        birth_year=birth_year,
        no_id_reason="-",
    )
    assert [c.id for c in people.find_duplicates(center_db, data)] == [first.id]
    saved = people.create_person(center_db, data)
    assert any("Possibly the same person as นางน้ำฝน ปั้นทอง" in w for w in saved.warnings)
    assert people.list_people(center_db).total == 2
    # the one being edited is never its own duplicate; the other one still is
    found = people.find_duplicates(center_db, data, exclude_id=saved.record.id)
    assert [c.id for c in found] == [first.id]


@pytest.mark.parametrize(
    ("given", "surname", "birth_date"),
    [
        ("น้ำฝน", "ปั้นทอง", dt.date(1970, 1, 1)),  # born on another day: another person
        ("น้ำผึ้ง", "ปั้นทอง", dt.date(1967, 3, 3)),  # her sister, the same birthday (twins)
        ("สมชาย", "ใจดี", dt.date(1967, 3, 3)),
    ],
)
def test_a_different_person_is_not_named(center_db, given, surname, birth_date) -> None:
    people.create_person(center_db, dataclasses.replace(NAMFON, national_id=None, no_id_reason="-"))
    data = PersonInput(given_name=given, surname=surname, birth_date=birth_date, no_id_reason="-")
    assert people.find_duplicates(center_db, data) == []
    assert not any("Possibly" in w for w in people.create_person(center_db, data).warnings)


def test_find_duplicates_puts_the_id_first_and_names_each_once(center_db) -> None:
    first = people.create_person(center_db, NAMFON).record
    found = people.find_duplicates(center_db, NAMFON)
    assert [(c.id, c.reason) for c in found] == [(first.id, "national_id")]


def test_thai_name_similarity() -> None:
    key = person_match.name_key
    same = person_match.name_similarity
    assert same(key(None, "สมศักดิ์", "ใจดี"), key("นาย", "สมศักด์", "ใจดี")) >= person_match.SIMILAR
    assert same(key(None, "น.ส.พิมพ์ใจ", "ศรีสุข"), key(None, "พิมพ์ใจ", "ศรีสุข")) == 1.0
    assert same(key(None, "สมชาย", "ใจดี"), key(None, "สมหญิง", "ใจดี")) < person_match.SIMILAR
    assert same(key(None, "", ""), key(None, "", "")) == 0.0
    birth = person_match.Birth
    assert birth(dt.date(1967, 3, 3), 1967).agrees(birth(None, 1967))
    assert not birth(dt.date(1967, 3, 3), 1967).agrees(birth(dt.date(1967, 3, 4), 1967))
    assert not birth(None, None).agrees(birth(None, None))


def test_the_command_line_adds_refuses_and_warns(center_db_path, cli) -> None:
    db = str(center_db_path)
    added = cli(
        "add", "person", "--db", db, "--title", "นาง", "--given-name", "น้ำฝน",
        "--surname", "ปั้นทอง", "--national-id", "3-5001-00234-56-9",
        "--birth-date", "2510-03-03", "--village", "บ้านป่าตึง",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added นางน้ำฝน ปั้นทอง." in added.stdout
    refused = cli(
        "add", "person", "--db", db, "--given-name", "สมศรี", "--national-id", ID
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("justice-desk: [duplicate_national_id] ")
    assert "นางน้ำฝน ปั้นทอง" in refused.stderr
    warned = cli(
        "add", "person", "--db", db, "--given-name", "น้ำฝน", "--surname", "ปั่นทอง",
        "--birth-date", "1967-03-03", "--no-id-reason", "ไม่ทราบ", "--json",
    )  # fmt: skip
    assert warned.returncode == 0, warned.stderr
    assert "warning: Possibly the same person as นางน้ำฝน ปั้นทอง" in warned.stderr
    import json

    assert json.loads(warned.stdout)["birth_date"] == "1967-03-03"
    listed = json.loads(cli("list", "people", "--db", db, "--json").stdout)
    assert sorted(p["name"] for p in listed) == ["นางน้ำฝน ปั้นทอง", "น้ำฝน ปั่นทอง"]
