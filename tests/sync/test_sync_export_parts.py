"""An export too large for one bundle is written as several, each applicable on its own in
order (docs/sync.md §3): a record whose current state points at a parent that only a later
part would bring carries that parent with it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sync_helpers as h
from sqlalchemy import select

from justice_desk import sync as fmt
from justice_desk.services import people, sync
from justice_desk.services.sync import center
from justice_desk.storage.models import CaseParty
from justice_desk.sync.keys import TrustedKey


def test_a_large_export_is_split_into_parts_that_apply_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=41, people=30, cases=25, meetings=2))
    try:
        # A party of an early case is pointed at a person created last: in the first part its
        # current state refers to a row whose own change comes in the last part.
        late = people.create_person(
            world.center, people.PersonInput(given_name="มาทีหลัง", no_id_reason="-")
        ).record
        with world.center.write() as session:
            party = session.execute(select(CaseParty).order_by(CaseParty.created_at)).scalars()
            first_party = next(iter(party))
            first_party.person_id = late.id
            party_id = first_party.id
        monkeypatch.setattr(center, "EXPORT_MAX_ROWS", 60)
        result = world.export()
        assert len(result.parts) >= 3, result
        manifests = [h.manifest_of(p) for p in result.parts]
        assert [m.seq for m in manifests] == list(range(1, len(manifests) + 1))
        assert manifests[0].first_change == 1 and manifests[-1].last_change == result.last_change
        for before, after in zip(manifests, manifests[1:], strict=False):
            assert after.first_change == before.last_change + 1  # contiguous ranges
        assert all(m.record_count <= 60 * 4 for m in manifests)

        public = sync.own_public(world.center)
        trust = {str(world.center.site_id): {public.key_id: TrustedKey(public)}}
        contents = [
            {
                (r.table, uuid.UUID(r.id))
                for r in fmt.open_bundle(
                    part.read_bytes(),
                    trusted_keys=trust.get,
                    recipient_private_key=sync.own_keys(world.province),
                ).records
            }
            for part in result.parts
        ]
        with_party = [i for i, c in enumerate(contents) if ("case_parties", party_id) in c]
        with_late = [i for i, c in enumerate(contents) if ("people", late.id) in c]
        # The party's first part carries the late person too, long before its own part.
        assert with_party[0] in with_late and with_late[-1] == len(contents) - 1
        assert with_party[0] < len(contents) - 1

        # Each part applies alone, in order: nothing refused, nothing held.
        for part in result.parts:
            outcome = world.import_one(part)
            assert (outcome.status, outcome.reason) == ("applied", None), outcome
        h.assert_province_holds_center(world)
        assert world.receipt_to_center() is not None
        assert sync.center_status(world.center).pending_changes == 0
    finally:
        world.close()


def test_parts_found_out_of_order_on_a_stick_still_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=42, people=20, cases=10, meetings=1))
    try:
        monkeypatch.setattr(center, "EXPORT_MAX_ROWS", 40)
        result = world.export()
        assert len(result.parts) >= 2
        outcomes = [world.import_one(p) for p in reversed(result.parts)]
        assert outcomes[0].status == "held" and outcomes[-1].status == "applied", outcomes
        h.assert_province_holds_center(world)
    finally:
        world.close()
