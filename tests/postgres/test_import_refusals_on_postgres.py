"""Refusals a PostgreSQL province names as a SQLite one does (docs/sync.md §6, found by an
outside review that imported the same forged sticks both ways): a number beyond the server's
32-bit integers refuses its record (``bad_record``) and that record's children by name
(``parent_refused``) while the rest applies, and a bundle the database's unique rules refuse
is ``constraint``, not an unexpected failure to report."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import forged_records
import pytest
from test_import_numbers_on_postgres import _enrolled_center
from test_ownership_on_postgres import _records

from justice_desk import sync as fmt
from justice_desk.services import setup, sync

pytestmark = pytest.mark.postgres


def _forge(center: Any, province: Any, folder: Path, records: list[Any], seq: int, first: int):
    fields = fmt.BundleFields(
        center_id=str(center.site_id),
        epoch=center.setting("epoch") or "",
        seq=seq,
        first_change=first,
        last_change=first + len(records) - 1,
        schema_version=sync.SCHEMA_VERSION,
    )
    path = folder / f"forged-{seq}.jdbundle"
    path.write_bytes(
        fmt.build_bundle(fields, records, sync.own_keys(center), [sync.own_public(province)])
    )
    return path


def _first_bundle_applied(url: str, tmp_path: Path) -> tuple[Any, Any, Any, dict[str, Any]]:
    """A province on the server and an enrolled demo center whose first bundle it applied;
    the bundle's first person record."""
    province = setup.init_province(url, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(tmp_path / "c.sqlite3", province, tmp_path / "enrol")
    first = sync.export_bundle(center, tmp_path / "usb")
    (applied,) = sync.import_paths(province, [first.path])
    assert applied.status == "applied", applied
    person = next(r for r in _records(center, province, first.path) if r["table"] == "people")
    return province, center, first, person


def test_refusals_are_named_on_postgres(fresh_pg_database: str, tmp_path: Path) -> None:
    from sqlalchemy import text

    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(
        tmp_path / "c.sqlite3", province, tmp_path / "enrol", seed=5, people=6, cases=3, meetings=1
    )
    first = sync.export_bundle(center, tmp_path / "usb")
    (applied,) = sync.import_paths(province, [first.path])
    assert applied.status == "applied", applied
    records = _records(center, province, first.path)
    cases = [r for r in records if r["table"] == "cases"]
    event = next(r for r in records if r["table"] == "case_events")
    person = next(r for r in records if r["table"] == "people")

    # A new case with an amount beyond 32 bits, an event of it, and a new person.
    big = dict(cases[0], id=str(uuid.uuid4()), rev=1)
    big["fields"] = dict(cases[0]["fields"], amount_satang=2**31, number=900)
    child = dict(event, id=str(uuid.uuid4()), rev=1)
    child["fields"] = dict(event["fields"], case_id=big["id"])
    newcomer = dict(person, id=str(uuid.uuid4()), rev=1)
    newcomer["fields"] = dict(person["fields"], given_name="มาใหม่", national_id=None)
    second = _forge(center, province, tmp_path, [big, child, newcomer], 2, first.last_change + 1)
    (outcome,) = sync.import_paths(province, [second])
    assert (outcome.status, outcome.records) == ("applied", 1), outcome
    with province.connect_read() as conn:
        refused = {
            row_id: reason
            for row_id, reason in conn.execute(text("SELECT row_id, reason FROM rejected_records"))
        }
        names = set(conn.execute(text("SELECT given_name FROM people")).scalars())
    assert refused == {big["id"]: "bad_record", child["id"]: "parent_refused"}
    assert "มาใหม่" in names

    # Two stored cases swapping their numbers in one bundle: the unique rule refuses the
    # bundle at the statement; named as the database's rule, as on SQLite.
    one, two = cases[0], cases[1]
    swapped = [
        dict(one, rev=one["rev"] + 1, fields=dict(one["fields"], number=two["fields"]["number"])),
        dict(two, rev=two["rev"] + 1, fields=dict(two["fields"], number=one["fields"]["number"])),
    ]
    third = _forge(center, province, tmp_path, swapped, 3, first.last_change + 4)
    (outcome,) = sync.import_paths(province, [third])
    assert (outcome.status, outcome.reason) == ("rejected", "constraint"), outcome
    assert "unique" in outcome.message.lower()
    center.dispose()
    province.dispose()


def test_a_parent_in_a_later_bundle_of_the_run_does_not_rescue_a_bundle(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """Bundles of one center in a run share a transaction (docs/sync.md §6), and each must
    get the outcome it gets alone: a membership whose person arrives only in the next bundle
    is ``missing_parent`` whether the two come in one run or one file a run."""
    from sqlalchemy import text

    province, center, first, person = _first_bundle_applied(fresh_pg_database, tmp_path)
    later = dict(person, id=str(uuid.uuid4()), rev=1)
    later["fields"] = dict(person["fields"], given_name="มาทีหลัง", national_id=None)
    membership = forged_records.membership(str(center.site_id), later["id"])
    stick = tmp_path / "stick"
    stick.mkdir()
    start = first.last_change + 1
    _forge(center, province, stick, [membership], 2, start)
    _forge(center, province, stick, [later, membership], 3, start + 1)
    outcomes = sync.import_paths(province, [stick])
    # As each gets alone: the membership's bundle refused, the next one waits for its seq.
    assert [(o.status, o.reason) for o in outcomes] == [
        ("rejected", "missing_parent"),
        ("held", "gap"),
    ], outcomes
    with province.connect_read() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM memberships WHERE id = :id"), {"id": membership["id"]}
        ).scalar_one()
    assert stored == 0
    center.dispose()
    province.dispose()


def test_a_revocation_waits_for_the_group_being_written_and_refuses_the_rest_on_postgres(
    fresh_pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another officer revokes a center while an import of its bundles runs (the outside
    review of session 12, F1): the revocation waits for the group the import is writing (it
    takes the center's lock, as the importer does), and bundles read before it but applied
    after it are refused as ``revoked_key``, as when imported after it."""
    import threading

    from justice_desk.services.sync import importer
    from justice_desk.storage import sync_queries as q

    province, center, first, person = _first_bundle_applied(fresh_pg_database, tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    start = first.last_change + 1
    for k in range(3):  # seq 2, 3, 4
        again = dict(person, rev=person["rev"] + 1 + k)
        _forge(center, province, stick, [again], 2 + k, start + k)

    # The keys as an import that started before the revocation read them.
    stale = importer._trust(province)
    assert stale(str(center.site_id))
    monkeypatch.setattr(importer, "_trust", lambda db, **kwargs: stale)

    # An import holding the center's lock (a group being written): the revocation waits.
    done = threading.Event()
    with province.write() as session:
        q.lock_center(session, center.site_id)
        revoking = threading.Thread(
            target=lambda: (
                sync.revoke_center_key(province, "CJC-0001", keep_through_seq=2),
                done.set(),
            )
        )
        revoking.start()
        assert not done.wait(1.0)
    revoking.join(30)
    assert done.is_set()

    outcomes = sync.import_paths(province, [stick])
    assert [(o.seq, o.status, o.reason) for o in outcomes] == [
        (2, "applied", None),
        (3, "rejected", "revoked_key"),
        (4, "rejected", "revoked_key"),
    ], outcomes
    center.dispose()
    province.dispose()


@pytest.mark.parametrize("one_run", [True, False], ids=["one-run", "a-run-a-file"])
def test_a_child_of_a_record_refused_in_an_earlier_bundle_is_refused_by_name_on_postgres(
    fresh_pg_database: str, tmp_path: Path, one_run: bool
) -> None:
    """A person refused in one bundle (its number beyond the server's integers: ``bad_record``)
    is no parent in the next bundle either: a membership of it there is ``parent_refused`` and
    the rest applies, and the bundle after it is not held (it was ``missing_parent``, and every
    later bundle ``gap``, until someone mended the record)."""
    from sqlalchemy import text

    province, center, first, person = _first_bundle_applied(fresh_pg_database, tmp_path)

    def newcomer(name: str, **fields: Any) -> dict[str, Any]:
        record = dict(person, id=str(uuid.uuid4()), rev=1)
        record["fields"] = dict(person["fields"], given_name=name, national_id=None, **fields)
        return record

    refused = newcomer("ถูกปฏิเสธ", birth_year=2**31)
    membership = forged_records.membership(str(center.site_id), refused["id"])
    stick = tmp_path / "stick"
    stick.mkdir()
    start = first.last_change + 1
    files = [
        _forge(center, province, stick, [refused, newcomer("สอง")], 2, start),
        _forge(center, province, stick, [membership, newcomer("สาม")], 3, start + 2),
        _forge(center, province, stick, [newcomer("สี่")], 4, start + 4),
    ]
    if one_run:
        outcomes = sync.import_paths(province, [stick])
    else:
        outcomes = [o for path in files for o in sync.import_paths(province, [path])]
    assert [(o.status, o.records) for o in outcomes] == [("applied", 1)] * 3, outcomes
    with province.connect_read() as conn:
        rejected = dict(conn.execute(text("SELECT row_id, reason FROM rejected_records")).all())
        names = set(conn.execute(text("SELECT given_name FROM people")).scalars())
    assert rejected == {refused["id"]: "bad_record", membership["id"]: "parent_refused"}
    assert {"สอง", "สาม", "สี่"} <= names
    # One audit entry per bundle, in order, whether a group wrote them at its commit or each
    # bundle alone, and the trail and its checkpoint whole.
    from justice_desk.storage import audit

    with province.read() as session:
        assert audit.verify(session).whole
        details = [
            d
            for (d,) in session.execute(
                text(
                    "SELECT detail FROM audit_events WHERE action = 'bundle-import' "
                    "ORDER BY event_no"
                )
            )
        ]
    assert details[-3:] == [
        f"{center.site_id} 2 partial",  # records refused in it
        f"{center.site_id} 3 partial",
        f"{center.site_id} 4 applied",
    ]
    center.dispose()
    province.dispose()
