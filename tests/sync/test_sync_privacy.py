"""The PDPA through real bundles (docs/privacy.md): an erasure at the center empties the
province's copy with the next bundle, and nothing else of the person stays at the province (the
file's bytes, the search index, the conflict list, stored bundles); a reintegration case the
center handles itself reaches the province without what would reveal a criminal record, and
whole once it is escalated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sync_helpers as h

from justice_desk.domain import privacy as rules
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, PartySide, Sex
from justice_desk.services import cases, people, privacy
from justice_desk.services.people import PersonInput

NAME, SURNAME = "ประดิษฐ์สุนทร", "วงศ์ไพบูลย์กิจ"
NID, PHONE, LINE = "3500101234561", "0861234599", "pradit.wong"


def _erasable(world: h.World) -> people.PersonRecord:
    person = people.create_person(
        world.center,
        PersonInput(
            given_name=NAME,
            surname=SURNAME,
            title="นาย",
            national_id=NID,
            birth_year=1971,
            sex=Sex.MALE,
            house_no="99/1",
            village="บ้านดอนแก้ว",
            tambon="แม่เหียะ",
            amphoe="เมืองเชียงใหม่",
            province="เชียงใหม่",
            phone=PHONE,
            line_id=LINE,
            notes="อาสาสมัครประจำหมู่บ้าน",
        ),
    ).record
    people.add_membership(world.center, person.id, member_no="ชม-555", joined_on=h.today())
    return person


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


def _traces(data: bytes) -> list[str]:
    return [
        word
        for word in (NAME, SURNAME, NID, PHONE, LINE, "บ้านดอนแก้ว", "ชม-555")
        if word.encode("utf-8") in data
    ]


def test_an_erasure_travels_and_nothing_of_the_person_stays_at_the_province(
    tmp_path: Path,
) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        person = _erasable(world)
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        assert (
            h.query(world.province, "SELECT given_name FROM people WHERE id = ?", (person.id.hex,))[
                0
            ][0]
            == NAME
        )
        # a version of the person waits in the province's conflict list (a restored center)
        stored = h.query(world.province, "SELECT * FROM people WHERE id = ?", (person.id.hex,))[0]
        conn = h._connect(world.province)
        with conn:
            conn.execute(
                "INSERT INTO sync_conflicts (at, center_id, table_name, row_id, kept_rev, "
                "other_rev, other_fields, reason) VALUES (?, ?, 'people', ?, 1, 1, ?, "
                "'restored_center_older')",
                (
                    dt.datetime.now().isoformat(" "),
                    world.center.site_id.hex,
                    person.id.hex,
                    json.dumps(dict(stored), ensure_ascii=False),
                ),
            )
        conn.close()
        assert (
            h.query(world.province, "SELECT count(*) FROM received_bundles WHERE raw IS NOT NULL")[
                0
            ][0]
            == 1
        )

        # before the erasure the province's file holds every one of those words
        world.close()
        assert len(_traces(_file_bytes(world.province_path))) == 7
        world.reopen_center()
        world.province = h.open_database(world.province_path)

        privacy.erase_person(world.center, person.id)
        second = world.export()
        assert world.import_one(second.path).status == "applied"

        row = h.query(world.province, "SELECT * FROM people WHERE id = ?", (person.id.hex,))[0]
        assert row["given_name"] == rules.ANONYMISED_NAME and row["anonymised_on"] is not None
        for column in ("surname", "title", "national_id", "phone", "line_id", "house_no", "notes"):
            assert row[column] is None, column
        assert (row["sex"], row["birth_year"], row["amphoe"]) == ("male", 1970, "เมืองเชียงใหม่")
        assert NAME not in row["search_text"] and NID not in row["search_text"]
        (member,) = h.query(
            world.province, "SELECT member_no, status FROM memberships WHERE person_id = ?",
            (person.id.hex,),
        )  # fmt: skip
        assert tuple(member) == (None, "left")
        assert h.query(world.province, "SELECT count(*) FROM sync_conflicts")[0][0] == 0
        # the first bundle's stored bytes held the old values: gone; the second's has none
        raws = h.query(world.province, "SELECT seq, raw IS NOT NULL FROM received_bundles")
        assert sorted(tuple(r) for r in raws) == [(1, 0), (2, 1)]
        h.assert_province_holds_center(world)
        # the province finds the person by none of the old words
        province_people = people.list_people(world.province, search=NAME)
        assert province_people.total == 0
        assert people.list_people(world.province, search=NID).total == 0
        assert people.list_people(world.province, search=PHONE).total == 0

        # nothing of the old values anywhere in the province's file, nor the center's
        world.close()
        for path in (world.province_path, world.center_path):
            assert _traces(_file_bytes(path)) == [], path
    finally:
        world.close()


def _reintegration(world: h.World) -> tuple[people.PersonRecord, cases.CaseDetail]:
    person = people.create_person(
        world.center,
        PersonInput(given_name="สมบัติ", surname="พ้นโทษดี", national_id=NID, birth_year=1985,
                    sex=Sex.MALE, phone=PHONE),
    ).record  # fmt: skip
    case = cases.take_in(
        world.center,
        cases.CaseInput(
            kind=CaseKind.REINTEGRATION,
            subject="ผู้พ้นโทษขอความช่วยเหลือในการหางาน",
            received_on=h.today() - dt.timedelta(days=5),
            facts="พ้นโทษจากเรือนจำกลางเชียงใหม่เมื่อเดือนที่แล้ว",
            parties=(cases.PartyInput(person.id, PartySide.APPLICANT, "ผู้พ้นโทษ"),),
        ),
    ).record
    return person, case


def test_a_reintegration_case_reaches_the_province_without_the_criminal_record(
    tmp_path: Path,
) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        person, case = _reintegration(world)
        cases.act(world.center, case.id, CaseAction.TAKE_UP, on=h.today())
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        theirs = h.query(world.province, "SELECT * FROM cases WHERE id = ?", (case.id.hex,))[0]
        assert theirs["kind"] == "reintegration" and theirs["status"] == "in_progress"
        assert theirs["subject"] == rules.WITHHELD_SUBJECT and theirs["facts"] is None
        party = h.query(world.province, "SELECT * FROM case_parties WHERE case_id = ?",
                        (case.id.hex,))[0]  # fmt: skip
        assert party["person_id"] == person.id.hex and party["role_note"] is None
        who = h.query(world.province, "SELECT * FROM people WHERE id = ?", (person.id.hex,))[0]
        assert who["given_name"] == rules.WITHHELD_NAME and who["national_id"] is None
        assert (who["sex"], who["birth_year"], who["anonymised_on"]) == ("male", 1980, None)
        h.assert_province_holds_center(world)  # the helper applies the same rule on its own
        world.close()
        assert _traces(_file_bytes(world.province_path)) == []
        world.reopen_center()
        world.province = h.open_database(world.province_path)

        # escalated: the office takes the matter up and needs it whole
        cases.act(world.center, case.id, CaseAction.ESCALATE, on=h.today())
        second = world.export()
        assert world.import_one(second.path).status == "applied"
        theirs = h.query(world.province, "SELECT * FROM cases WHERE id = ?", (case.id.hex,))[0]
        assert theirs["subject"] == "ผู้พ้นโทษขอความช่วยเหลือในการหางาน"
        assert theirs["facts"].startswith("พ้นโทษจากเรือนจำ")
        who = h.query(world.province, "SELECT * FROM people WHERE id = ?", (person.id.hex,))[0]
        assert (who["given_name"], who["national_id"], who["phone"]) == ("สมบัติ", NID, PHONE)
        party = h.query(world.province, "SELECT role_note FROM case_parties WHERE case_id = ?",
                        (case.id.hex,))[0]  # fmt: skip
        assert party["role_note"] == "ผู้พ้นโทษ"
        h.assert_province_holds_center(world)
    finally:
        world.close()


def test_a_person_also_linked_elsewhere_is_sent_whole(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        person, case = _reintegration(world)
        people.add_membership(world.center, person.id, member_no="ชม-1", joined_on=h.today())
        result = world.export()
        assert world.import_one(result.path).status == "applied"
        who = h.query(world.province, "SELECT given_name FROM people WHERE id = ?",
                      (person.id.hex,))[0]  # fmt: skip
        assert who["given_name"] == "สมบัติ"
        theirs = h.query(world.province, "SELECT facts FROM cases WHERE id = ?", (case.id.hex,))
        assert theirs[0]["facts"] is None  # the case itself still stays at the center
        h.assert_province_holds_center(world)
    finally:
        world.close()
