"""Per-record checks at the province (docs/sync.md §6, §7): a bundle signed by an enrolled
center but carrying records it must not send. Each such record is refused with a reason that
the receipt reports; the rest of the bundle applies, unless the database itself refuses it (a
missing parent), and then nothing of it does."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import people, sync


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w")
    first = w.export()
    assert w.import_one(first.path).status == "applied"
    w.first = first  # type: ignore[attr-defined]
    yield w
    w.close()


def _records(world: h.World, table: str, ids: list[uuid.UUID]) -> list[dict]:
    return h.current_records(world.center, table, ids)


def _person(world: h.World, name: str) -> dict:
    person = people.create_person(
        world.center, people.PersonInput(given_name=name, surname="ทดสอบ")
    ).record
    (record,) = _records(world, "people", [person.id])
    return record


def _forge(world: h.World, records: list[dict], *, seq: int, name: str) -> Path:
    """A bundle of these records, signed by the center's real key, continuing the change range."""
    first = world.first.last_change + 1  # type: ignore[attr-defined]
    return h.forge(world, records, seq=seq, first=first, name=name)


def _refused(world: h.World) -> dict[str, str]:
    return {
        r["row_id"]: r["reason"]
        for r in h.query(world.province, "SELECT row_id, reason FROM rejected_records")
    }


def test_records_of_someone_else_are_refused_and_the_rest_applied(world: h.World) -> None:
    good = _person(world, "ถูกต้อง")
    stranger = copy.deepcopy(_person(world, "คนอื่น"))
    stranger["fields"]["owner_id"] = str(uuid.uuid4())  # claims another site's record
    province_site = h.query(world.province, "SELECT * FROM sites WHERE kind = 'province'")[0]
    takeover = {
        "table": "sites",
        "id": str(uuid.UUID(hex=province_site["id"])),
        "op": "update",
        "rev": 99,
        "fields": {
            **_records(world, "sites", [world.center.site_id])[0]["fields"],
            "name": "ยึดสำนักงาน",
        },
    }
    membership = h.orphan_membership(world, person_id=stranger["id"])  # its person refused
    path = _forge(world, [good, stranger, takeover, membership], seq=2, name="mixed")
    outcome = world.import_one(path)
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert "3 refused" in outcome.message
    assert _refused(world) == {
        stranger["id"]: "wrong_owner",
        takeover["id"]: "other_site",  # any site row but the sender's own (docs/sync.md §1)
        membership["id"]: "parent_refused",
    }
    assert h.query(
        world.province, "SELECT name, rev FROM sites WHERE id = ?", (province_site["id"],)
    )[0][:] == (province_site["name"], province_site["rev"])
    assert (
        h.query(
            world.province,
            "SELECT count(*) FROM people WHERE id = ?",
            (uuid.UUID(stranger["id"]).hex,),
        )[0][0]
        == 0
    )
    assert (
        h.query(
            world.province,
            "SELECT given_name FROM people WHERE id = ?",
            (uuid.UUID(good["id"]).hex,),
        )[0][0]
        == "ถูกต้อง"
    )
    assert (
        h.query(world.province, "SELECT status FROM received_bundles WHERE seq = 2")[0][0]
        == "partial"
    )
    # The receipt tells the center which records were refused and why. The forged bundle
    # claimed a change for each of its 4 records; the center made 2: it makes 2 more, or it
    # would refuse a receipt confirming changes it never made (the alarm of a forged bundle).
    _person(world, "เพิ่มหนึ่ง")
    _person(world, "เพิ่มสอง")
    (written,) = sync.write_receipts(world.province, world.root / "receipts")
    receipt = sync.apply_receipt(world.center, written.path)
    assert {(r.id, r.reason) for r in receipt.rejected} == set(_refused(world).items())
    assert [(b.seq, b.result) for b in receipt.bundles if b.seq == 2] == [(2, "partial")]


def test_bad_values_and_unknown_tables(world: h.World) -> None:
    good = _person(world, "ดี")
    bad_date = copy.deepcopy(_person(world, "วันที่ผิด"))
    bad_date["fields"]["birth_date"] = "31/02/2567"
    no_name = copy.deepcopy(_person(world, "ไม่มีชื่อ"))
    del no_name["fields"]["given_name"]
    wrong_type = copy.deepcopy(_person(world, "ชนิดผิด"))
    wrong_type["fields"]["birth_year"] = "2510"
    future = {
        "table": "drone_flights",
        "id": str(uuid.uuid4()),
        "op": "update",
        "rev": 1,
        "fields": {"owner_id": str(world.center.site_id)},
    }
    outcome = world.import_one(
        _forge(world, [good, bad_date, no_name, wrong_type, future], seq=2, name="bad")
    )
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert _refused(world) == {
        bad_date["id"]: "bad_record",
        no_name["id"]: "bad_record",
        wrong_type["id"]: "bad_record",
        future["id"]: "unknown_table",
    }
    assert (
        h.query(
            world.province,
            "SELECT count(*) FROM people WHERE given_name = 'ไม่มีชื่อ' OR given_name IS NULL",
        )[0][0]
        == 0
    )


def test_missing_parent_refuses_the_whole_bundle(world: h.World) -> None:
    good = _person(world, "พ่อแม่")
    orphan = h.orphan_membership(world)
    before = h.snapshot(world.province)
    outcome = world.import_one(_forge(world, [good, orphan], seq=2, name="orphan"))
    assert (outcome.status, outcome.reason) == ("rejected", "missing_parent")
    assert h.snapshot(world.province) == before
    assert h.last_log(world.province).reason == "missing_parent"
    assert (
        h.query(world.province, "SELECT applied_through FROM enrolments")[0][0]
        == world.first.last_change
    )  # type: ignore[attr-defined]
    # The center sends a corrected bundle under the same number: a refused bundle does not block it.
    fixed = world.import_one(_forge(world, [good], seq=2, name="fixed"))
    assert (fixed.status, fixed.records) == ("applied", 1)


def test_a_lower_rev_never_overwrites(world: h.World) -> None:
    person = people.create_person(world.center, people.PersonInput(given_name="ล่าสุด")).record
    people.update_person(
        world.center, person.id, people.PersonInput(given_name="ล่าสุด", phone="081-111-1111")
    )
    newer = world.export()
    assert world.import_one(newer.path).status == "applied"
    (record,) = _records(world, "people", [person.id])
    older = copy.deepcopy(record)
    older["rev"], older["fields"]["phone"] = 1, "099-999-9999"
    equal = copy.deepcopy(record)
    equal["fields"]["phone"] = (
        "088-888-8888"  # same rev, other content: within an epoch, not applied
    )
    first = newer.last_change + 1
    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch"),
        seq=newer.seq + 1,
        first_change=first,
        last_change=first,
        schema_version=sync.SCHEMA_VERSION,
    )
    for label, rec in (("older", older), ("equal", equal)):
        path = world.root / f"{label}.jdbundle"
        path.write_bytes(
            fmt.build_bundle(
                fields, [rec], sync.own_keys(world.center), [sync.own_public(world.province)]
            )
        )
        fields = fmt.BundleFields(
            **{
                **fields.__dict__,
                "seq": fields.seq + 1,
                "first_change": fields.last_change + 1,
                "last_change": fields.last_change + 1,
            }
        )
        outcome = world.import_one(path)
        assert (outcome.status, outcome.records) == ("applied", 0), label
    assert h.query(world.province, "SELECT phone, rev FROM people WHERE id = ?", (person.id.hex,))[
        0
    ][:] == ("081-111-1111", 2)
    assert sync.sync_conflicts(world.province) == []
