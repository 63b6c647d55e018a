from __future__ import annotations

import datetime as dt

import pytest

from justice_desk.domain.enums import CommitteePosition
from justice_desk.errors import UserError, ValidationError
from justice_desk.services import people
from justice_desk.services.people import PersonInput


def test_wrong_national_id_warns_but_saves_and_right_one_does_not_warn(center_db) -> None:
    wrong = people.create_person(
        center_db, PersonInput(given_name="สมศักดิ์", surname="ใจดี", national_id="1-1017-00203-45-1")
    )
    assert any("check digit" in w for w in wrong.warnings)
    assert wrong.record.national_id == "1101700203451"
    right = people.update_person(
        center_db,
        wrong.record.id,
        PersonInput(given_name="สมศักดิ์", surname="ใจดี", national_id="1101700203450"),
    )
    assert right.warnings == [] and right.record.rev == 2


def test_no_id_needs_a_reason_as_a_warning(center_db) -> None:
    saved = people.create_person(center_db, PersonInput(given_name="กมล"))
    assert any("No national ID" in w for w in saved.warnings)
    # (another name: a second กมล with no birth recorded would be named as a probable duplicate)
    saved = people.create_person(center_db, PersonInput(given_name="ขวัญ", no_id_reason="ยังไม่ทราบ"))
    assert saved.warnings == []


@pytest.mark.parametrize(
    "data, field",
    [
        (PersonInput(given_name="  "), "given_name"),
        (
            PersonInput(given_name="ก", birth_date=dt.date.today() + dt.timedelta(days=1)),
            "birth_date",
        ),
        (PersonInput(given_name="ก", birth_year=1850), "birth_year"),
        (PersonInput(given_name="ก", postcode="5012"), "postcode"),
    ],
)
def test_impossible_input_is_refused_with_the_field(
    center_db, data: PersonInput, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        people.create_person(center_db, data)
    assert err.value.field == field


def test_phone_format_warns(center_db) -> None:
    assert people.create_person(
        center_db, PersonInput(given_name="ก", no_id_reason="-", phone="12345")
    ).warnings
    assert not people.create_person(
        center_db, PersonInput(given_name="ข", no_id_reason="-", phone="081-234-5678")
    ).warnings


def test_stale_edit_is_refused(center_db) -> None:
    p = people.create_person(center_db, PersonInput(given_name="ก")).record
    people.update_person(center_db, p.id, PersonInput(given_name="ข"), expected_rev=p.rev)
    with pytest.raises(UserError, match="changed by someone else"):
        people.update_person(center_db, p.id, PersonInput(given_name="ค"), expected_rev=p.rev)


def test_people_list_in_thai_order_with_masked_ids_and_paging(center_db, thai_samples) -> None:
    for name in reversed(thai_samples["sort"]):
        # one national ID names one person (docs/domain.md §10): the first in order holds it
        first = name == thai_samples["sort"][0]
        people.create_person(
            center_db,
            PersonInput(
                given_name=name,
                national_id="1101700203450" if first else None,
                no_id_reason=None if first else "-",
            ),
        )
    page = people.list_people(center_db, limit=3)
    assert page.total == len(thai_samples["sort"])
    assert [r.name for r in page.rows] == thai_samples["sort"][:3]
    assert page.rows[0].masked_id == "x-xxxx-xxxxx-45-0"
    rest = people.list_people(center_db, offset=3, limit=100)
    assert [r.name for r in rest.rows] == thai_samples["sort"][3:]


def test_soft_delete_hides_the_person(center_db) -> None:
    p = people.create_person(center_db, PersonInput(given_name="กมล", no_id_reason="-")).record
    people.delete_person(center_db, p.id)
    assert people.list_people(center_db).total == 0
    with pytest.raises(UserError):
        people.get_person(center_db, p.id)


def test_membership_training_committee_and_mediators(center_db) -> None:
    a = people.create_person(
        center_db, PersonInput(given_name="สมศักดิ์", surname="ใจดี", title="นาย")
    ).record
    b = people.create_person(
        center_db, PersonInput(given_name="น้ำฝน", surname="ปั้นทอง", title="นาง")
    ).record
    m = people.add_membership(center_db, a.id, member_no="ชม-001", joined_on=dt.date(2024, 5, 1))
    with pytest.raises(ValidationError, match="already a member"):
        people.add_membership(center_db, a.id)
    assert people.list_members(center_db).total == 1
    assert people.list_people(center_db, members_only=True).rows[0].id == a.id
    people.add_training(
        center_db,
        a.id,
        course="หลักสูตรเครือข่ายยุติธรรมชุมชน",
        completed_on=dt.date(2024, 4, 1),
        hours=18,
    )
    assert people.trainings_of(center_db, a.id)[0].hours == 18
    people.end_membership(center_db, m.id, left_on=dt.date(2025, 1, 1))
    assert people.list_people(center_db, members_only=True).total == 0

    term = people.create_term(
        center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    people.appoint(center_db, term.id, b.id, CommitteePosition.SECRETARY)
    people.appoint(center_db, term.id, a.id, CommitteePosition.CHAIR)
    c = people.create_person(center_db, PersonInput(given_name="กมล")).record
    with pytest.raises(ValidationError, match="already has a"):
        people.appoint(center_db, term.id, c.id, CommitteePosition.CHAIR)
    roster = people.roster(center_db, dt.date(2026, 1, 1))
    assert [s.position for s in roster] == [CommitteePosition.CHAIR, CommitteePosition.SECRETARY]
    assert people.roster(center_db, dt.date(2028, 1, 1)) == []

    med = people.register_mediator(
        center_db,
        b.id,
        registration_no="ชม 12/2567",
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2026, 6, 30),
    )
    assert people.list_mediators(center_db, valid_on=dt.date(2026, 1, 1))[0].id == med.id
    assert people.list_mediators(center_db, valid_on=dt.date(2026, 7, 1)) == []


def test_province_sees_center_records_read_only_and_per_center(tmp_path) -> None:
    """docs/sync.md §1 at the province: a center's records can be listed (per center)
    but not changed."""
    import uuid as _uuid

    from justice_desk.services import setup
    from justice_desk.storage.changelog import bulk_insert

    province = setup.init_province(tmp_path / "p.sqlite3", province="เชียงใหม่")
    center_a, center_b = _uuid.uuid4(), _uuid.uuid4()
    with province.connect_write() as conn:
        a_ids = bulk_insert(
            conn,
            __import__("justice_desk.storage.models", fromlist=["Person"]).Person,
            [{"given_name": "สมศักดิ์"}],
            center_a,
        )
        bulk_insert(
            conn,
            __import__("justice_desk.storage.models", fromlist=["Person"]).Person,
            [{"given_name": "น้ำฝน"}],
            center_b,
        )
    assert people.list_people(province).total == 2
    province.scope_owner = center_a
    assert [r.name for r in people.list_people(province).rows] == ["สมศักดิ์"]
    with pytest.raises(ValidationError, match="belongs to a center"):
        people.update_person(province, a_ids[0], PersonInput(given_name="แก้ไข"))
    assert people.get_person(province, a_ids[0]).given_name == "สมศักดิ์"
    province.dispose()
