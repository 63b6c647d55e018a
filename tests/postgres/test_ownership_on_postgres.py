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
