"""Ownership of references and of a center's identity hold at a province on PostgreSQL
(docs/sync.md §1): a record pointing at another center's record is refused, the center's site
row keeps its enrolled code and name, a second site row is refused, and codes resolve through
the enrolments."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.postgres


def _enrol(center: Any, province: Any, folder: Path) -> None:
    from justice_desk.services import sync

    folder.mkdir()
    request, fingerprint = sync.write_enrolment_request(center, folder / "request.jdenrol")
    review = sync.enrol_center(
        province,
        request,
        approve=True,
        answer_out=folder / "answer.jdanswer",
        expected_fingerprint=fingerprint,
    )
    assert review.answer is not None
    sync.accept_answer(center, review.answer)


def _holder(province: Any, folder: Path) -> Any:
    """A center whose demo records the province holds: the other center of the tests below."""
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo

    holder = setup.init_center(
        folder / "holder.sqlite3", code="CJC-0001", name="ศูนย์หนึ่ง", province="เชียงใหม่"
    )
    generate_demo(holder, seed=41, people=6, cases=3, meetings=1)
    _enrol(holder, province, folder / "enrol-holder")
    (held,) = sync.import_paths(province, [sync.export_bundle(holder, folder / "usb-h").path])
    assert held.status == "applied", held
    return holder


def _new_center_stick(
    province: Any,
    folder: Path,
    code: str,
    seed: int,
    *,
    people: int = 6,
    cases: int = 3,
    meetings: int = 1,
) -> tuple[Any, Path, Any]:
    """A new center (enrolled, nothing imported yet) and a stick of its first two exports:
    ``(center, stick folder, the first export, the second)``."""
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo

    center = setup.init_center(
        folder / f"{code}.sqlite3", code=code, name=f"ศูนย์ {code}", province="เชียงใหม่"
    )
    generate_demo(center, seed=seed, people=people, cases=cases, meetings=meetings)
    _enrol(center, province, folder / f"enrol-{code}")
    usb = folder / f"usb-{code}"
    first = sync.export_bundle(center, usb)
    generate_demo(center, seed=seed + 1, people=3, cases=2, meetings=1)
    second = sync.export_bundle(center, usb)
    return center, usb, first, second


def _records(center: Any, province: Any, bundle: Path) -> list[dict[str, Any]]:
    """The records of ``center``'s bundle as a forger edits them."""
    from justice_desk import sync as fmt
    from justice_desk.services import sync
    from justice_desk.sync.keys import TrustedKey

    public = sync.own_public(center)
    opened = fmt.open_bundle(
        bundle.read_bytes(),
        trusted_keys={str(center.site_id): {public.key_id: TrustedKey(public)}}.get,
        recipient_private_key=sync.own_keys(province),
    )
    return [
        {"table": r.table, "id": r.id, "op": r.op, "rev": r.rev, "fields": dict(r.fields)}
        for r in opened.records
    ]


def _resign(center: Any, province: Any, export: Any, records: list[dict[str, Any]]) -> None:
    """Write ``export``'s file again with ``records``, signed by the center's own key."""
    from justice_desk import sync as fmt
    from justice_desk.services import sync

    fields = fmt.BundleFields(
        center_id=str(center.site_id),
        epoch=center.setting("epoch") or "",
        seq=export.seq,
        first_change=export.first_change,
        last_change=export.last_change,
        schema_version=sync.SCHEMA_VERSION,
    )
    export.path.write_bytes(
        fmt.build_bundle(fields, records, sync.own_keys(center), [sync.own_public(province)])
    )


def _spy_on_merge(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Per bundle merged from now on: whether it was merged without its own lookups."""
    from justice_desk.storage import sync_merge

    merged_with: list[bool] = []
    real_merge = sync_merge.merge

    def spy(*args: Any, **kwargs: Any) -> Any:
        merged_with.append(kwargs.get("known") is not None)
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(sync_merge, "merge", spy)
    return merged_with


def test_references_and_identity_are_the_centers_own_on_postgres(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    from sqlalchemy import text

    from justice_desk import sync as fmt
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo
    from justice_desk.sync.keys import TrustedKey

    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    centers = []
    for code, name, seed in (("CJC-0001", "ศูนย์หนึ่ง", 41), ("CJC-0002", "ศูนย์สอง", 42)):
        center = setup.init_center(
            tmp_path / f"{code}.sqlite3", code=code, name=name, province="เชียงใหม่"
        )
        generate_demo(center, seed=seed, people=6, cases=3, meetings=1)
        _enrol(center, province, tmp_path / f"enrol-{code}")
        first = sync.export_bundle(center, tmp_path / f"usb-{code}")
        (outcome,) = sync.import_paths(province, [first.path])
        assert outcome.status == "applied", outcome
        centers.append((center, first))
    (mine, first), (other, _other_first) = centers

    public = sync.own_public(mine)
    bundle = fmt.open_bundle(
        first.path.read_bytes(),
        trusted_keys={str(mine.site_id): {public.key_id: TrustedKey(public)}}.get,
        recipient_private_key=sync.own_keys(province),
    )

    def record(table: str, record_id: str | None = None) -> dict[str, Any]:
        r = next(r for r in bundle.records if r.table == table and record_id in (None, r.id))
        return {"table": r.table, "id": r.id, "op": r.op, "rev": r.rev, "fields": dict(r.fields)}

    with province.connect_read() as conn:
        victim = conn.execute(
            text("SELECT id FROM cases WHERE owner_id = :owner LIMIT 1"), {"owner": other.site_id}
        ).scalar_one()
    party = record("case_parties")
    party = dict(party, id=str(uuid.uuid4()), rev=1)
    party["fields"] = dict(party["fields"], case_id=str(victim))
    site = record("sites", str(mine.site_id))
    renamed = dict(site, rev=site["rev"] + 1)
    renamed["fields"] = dict(site["fields"], code="CJC-0002", name="ศูนย์สอง", phone="053-000000")
    added = dict(site, id=str(uuid.uuid4()), rev=1)
    added["fields"] = dict(site["fields"], code="CJC-0002", name="ศูนย์สอง")
    fields = fmt.BundleFields(
        center_id=str(mine.site_id),
        epoch=mine.setting("epoch") or "",
        seq=first.seq + 1,
        first_change=first.last_change + 1,
        last_change=first.last_change + 1,
        schema_version=sync.SCHEMA_VERSION,
    )
    rogue = tmp_path / "rogue.jdbundle"
    rogue.write_bytes(
        fmt.build_bundle(
            fields, [renamed, added, party], sync.own_keys(mine), [sync.own_public(province)]
        )
    )
    (outcome,) = sync.import_paths(province, [rogue])
    assert outcome.status == "applied", outcome

    with province.connect_read() as conn:
        reasons = dict(conn.execute(text("SELECT row_id, reason FROM rejected_records")).all())
        sites = {
            row_id: (code, name, phone)
            for row_id, code, name, phone in conn.execute(
                text("SELECT id, code, name, phone FROM sites WHERE deleted_at IS NULL")
            )
        }
        hanging = conn.execute(
            text("SELECT count(*) FROM case_parties WHERE id = :id"), {"id": party["id"]}
        ).scalar_one()
    assert reasons == {party["id"]: "foreign_reference", added["id"]: "other_site"}
    assert hanging == 0
    assert sites[mine.site_id] == ("CJC-0001", "ศูนย์หนึ่ง", "053-000000")
    assert sites[other.site_id][:2] == ("CJC-0002", "ศูนย์สอง")
    assert uuid.UUID(added["id"]) not in sites
    assert setup.find_site(province, "CJC-0002").id == other.site_id
    assert setup.find_site(province, "CJC-0001").id == mine.site_id
    assert setup.find_site(province, "PJO-50").id == province.site_id
    for center, _first in centers:
        center.dispose()
    province.dispose()


def test_a_new_centers_first_import_refuses_another_centers_id_by_name_on_postgres(
    fresh_pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A center with no records at the office has its first bundles applied without looking
    its own ids up (sync_store.Ownership ``known``): an id another center holds must still be
    refused as ``wrong_owner``, the other center's record untouched, and every other record of
    the group applied, as when each bundle is applied alone with every lookup."""
    from sqlalchemy import text

    from justice_desk.services import setup, sync

    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    holder = _holder(province, tmp_path)
    with province.connect_read() as conn:
        victim_id, victim_name = conn.execute(
            text("SELECT id, given_name FROM people WHERE owner_id = :o ORDER BY id LIMIT 1"),
            {"o": holder.site_id},
        ).one()

    rogue, usb, first, _second = _new_center_stick(province, tmp_path, "CJC-0002", 42)
    records = _records(rogue, province, first.path)
    person = next(r for r in records if r["table"] == "people")
    taken = dict(person, id=str(victim_id), rev=7)
    taken["fields"] = dict(person["fields"], given_name="ปลอม")
    _resign(rogue, province, first, [*records, taken])

    merged_with = _spy_on_merge(monkeypatch)
    outcomes = sync.import_paths(province, [usb])

    assert [o.status for o in outcomes] == ["applied", "applied"], outcomes
    # Tried together without the lookups, refused at the primary key, applied again alone.
    assert merged_with[0] is True and merged_with[-2:] == [False, False], merged_with
    with province.connect_read() as conn:
        reasons = {
            row_id: reason
            for row_id, reason in conn.execute(text("SELECT row_id, reason FROM rejected_records"))
        }
        still = conn.execute(
            text("SELECT owner_id, given_name FROM people WHERE id = :id"), {"id": victim_id}
        ).one()
        applied = conn.execute(
            text("SELECT count(*) FROM people WHERE owner_id = :o"), {"o": rogue.site_id}
        ).scalar_one()
    assert reasons == {str(victim_id): "wrong_owner"}
    assert tuple(still) == (holder.site_id, victim_name)
    with rogue.connect_read() as conn:
        made = conn.execute(
            text("SELECT count(*) FROM people WHERE owner_id = :o"), {"o": rogue.site_id.hex}
        ).scalar_one()
    assert applied == made  # every one of its own people, from both bundles

    # A center with nothing at the office whose bundles are all its own: applied together,
    # without the lookups, exactly as the center holds them.
    merged_with.clear()
    third, usb3, _first, _second = _new_center_stick(province, tmp_path, "CJC-0003", 44)
    outcomes = sync.import_paths(province, [usb3])
    assert [o.status for o in outcomes] == ["applied", "applied"], outcomes
    assert merged_with == [True, True]
    with third.connect_read() as conn:  # SQLite keeps ids as 32 hex digits
        theirs = sorted(
            (uuid.UUID(hex=i), rev, uuid.UUID(hex=case))
            for i, rev, case in conn.execute(text("SELECT id, rev, case_id FROM case_parties"))
        )
    with province.connect_read() as conn:
        ours = sorted(
            conn.execute(
                text("SELECT id, rev, case_id FROM case_parties WHERE owner_id = :o"),
                {"o": third.site_id},
            ).all()
        )
    assert [tuple(r) for r in ours] == [tuple(r) for r in theirs]
    for db in (holder, rogue, third, province):
        db.dispose()


@pytest.mark.parametrize("stick", ["taken", "claimed", "later"])
def test_a_new_centers_forged_first_stick_gets_the_outcomes_it_gets_one_file_a_run(
    fresh_pg_database: str,
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stick: str,
) -> None:
    """The first import of a center skips its own lookups only while nothing differs. Imported
    in one run (one group, docs/sync.md §6) and one file per run (each bundle alone, every
    lookup made), a stick gives the same outcomes, refusals and rows when its first bundle
    carries ``taken``: an id another center holds and a case number given twice (refused by
    the indexes, so the group is applied again bundle by bundle); ``claimed``: records that
    say they are another center's, one of them under an id that center holds, and children
    of both (decided without the lookups, in the group); ``later``: a second bundle whose
    records point at the first bundle's (the center's own, known without a lookup) and at
    another center's case."""
    import psycopg
    from sqlalchemy import text

    from justice_desk.services import setup, sync
    from justice_desk.storage.database import open_database

    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    holder = _holder(province, tmp_path)
    with province.connect_read() as conn:
        (victim,) = conn.execute(
            text("SELECT id FROM people WHERE owner_id = :o ORDER BY id LIMIT 1"),
            {"o": holder.site_id},
        ).one()
        (victim_case,) = conn.execute(
            text("SELECT id FROM cases WHERE owner_id = :o ORDER BY id LIMIT 1"),
            {"o": holder.site_id},
        ).one()

    center, usb, first, second = _new_center_stick(
        province, tmp_path, "CJC-0002", 42, people=8, cases=4, meetings=1
    )
    records = _records(center, province, first.path)
    person = next(r for r in records if r["table"] == "people")
    case = next(r for r in records if r["table"] == "cases")
    party = next(r for r in records if r["table"] == "case_parties")
    taken = dict(person, id=str(victim))  # an id the other center holds
    twice = dict(case, id=str(uuid.uuid4()))  # the same case number again
    claimed = dict(case, id=str(uuid.uuid4()))  # says it is the other center's
    claimed["fields"] = dict(case["fields"], owner_id=str(holder.site_id))
    child = dict(party, id=str(uuid.uuid4()))  # a party of the claimed case
    child["fields"] = dict(party["fields"], case_id=claimed["id"])
    # says it is the other center's, under an id that center holds
    claimed_held = dict(case, id=str(victim_case))
    claimed_held["fields"] = dict(case["fields"], owner_id=str(holder.site_id))
    child_of_held = dict(party, id=str(uuid.uuid4()))
    child_of_held["fields"] = dict(party["fields"], case_id=str(victim_case))
    if stick == "later":
        later = _records(center, province, second.path)
        party2 = next(r for r in later if r["table"] == "case_parties")
        own_parent = dict(party2, id=str(uuid.uuid4()))  # a party of a case of bundle 1
        own_parent["fields"] = dict(party2["fields"], case_id=case["id"])
        foreign_parent = dict(party2, id=str(uuid.uuid4()))  # a party of the other's case
        foreign_parent["fields"] = dict(party2["fields"], case_id=str(victim_case))
        _resign(center, province, second, [*later, own_parent, foreign_parent])
    else:
        forged = (
            [taken, twice] if stick == "taken" else [claimed, child, claimed_held, child_of_held]
        )
        _resign(center, province, first, [*records, *forged])

    # The province as it is now, copied for the one-file-a-run import.
    name = fresh_pg_database.rsplit("/", 1)[1]
    province.dispose()
    base = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}_alone TEMPLATE {name}")
    try:
        together = open_database(fresh_pg_database)
        alone = open_database(fresh_pg_database + "_alone")
        merged_with = _spy_on_merge(monkeypatch)
        grouped = sync.import_paths(together, [usb])
        # taken: tried in the group without the lookups, then each bundle alone
        assert merged_with == ([True, False, False] if stick == "taken" else [True, True])
        # One file a run, and every lookup made (a single file is a group of one too).
        from justice_desk.services.sync import importer

        monkeypatch.setattr(importer, "_known_records", lambda *_args: None)
        one_by_one = [sync.import_paths(alone, [p])[0] for p in sorted(usb.iterdir())]

        def summary(outcomes: list[Any]) -> list[tuple[str, str, Any, int]]:
            return [(Path(o.file).name, o.status, o.reason, o.records) for o in outcomes]

        def state(db: Any) -> dict[str, list[tuple[Any, ...]]]:
            queries = {
                "refused": "SELECT table_name, row_id, reason FROM rejected_records",
                "people": "SELECT id, owner_id, rev, given_name FROM people",
                "cases": "SELECT id, owner_id, rev, year_be, number FROM cases",
                "parties": "SELECT id, owner_id, rev, case_id, person_id FROM case_parties",
                "conflicts": "SELECT table_name, row_id, reason FROM sync_conflicts",
            }
            with db.connect_read() as conn:
                return {k: sorted(map(tuple, conn.execute(text(q)))) for k, q in queries.items()}

        assert summary(grouped) == summary(one_by_one)
        assert [o.status for o in grouped] == ["applied", "applied"], grouped
        got = state(together)
        assert got == state(alone)
        reasons = {row_id: reason for _t, row_id, reason in got["refused"]}
        if stick == "taken":
            assert reasons == {str(victim): "wrong_owner", twice["id"]: "number_taken"}
        elif stick == "later":
            assert reasons == {foreign_parent["id"]: "foreign_reference"}
            assert (
                uuid.UUID(own_parent["id"]),
                center.site_id,
                own_parent["rev"],
                uuid.UUID(case["id"]),
                uuid.UUID(own_parent["fields"]["person_id"]),
            ) in got["parties"]
        else:
            assert reasons == {
                claimed["id"]: "wrong_owner",
                child["id"]: "parent_refused",
                str(victim_case): "wrong_owner",
                child_of_held["id"]: "foreign_reference",
            }
        together.dispose()
        alone.dispose()
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}_alone WITH (FORCE)")
        holder.dispose()
        center.dispose()
