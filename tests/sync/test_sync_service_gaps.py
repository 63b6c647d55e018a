"""Gaps (docs/sync.md §7): a bundle whose range starts past what was applied is held, the
receipt asks for a resend, and the bundle is applied as soon as the missing range arrives.

A gap happens when the province lost what a center was told it had: here the province office's
database is restored from a backup made before it imported the first bundle (after the center
had already received the receipt for it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk.services import people, sync
from justice_desk.services.sync.keys import _trust_for_center
from justice_desk.storage.backup import backup
from justice_desk.sync import open_receipt, read_sync_file


def _receipt_body(world: h.World, path: Path):
    return open_receipt(
        read_sync_file(path),
        trusted_keys=_trust_for_center(world.center),
        recipient_private_key=sync.own_keys(world.center),
    ).receipt


@pytest.fixture
def gap(tmp_path: Path):
    """Bundle 1 applied and acknowledged, bundle 2 made after it, then the province forgets 1."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=4, people=20, cases=20, meetings=2))
    copy = backup(world.province, tmp_path / "backups")
    first = world.export()
    assert world.import_one(first.path).status == "applied"
    assert world.receipt_to_center() is not None
    people.create_person(world.center, people.PersonInput(given_name="สมบัติ", surname="ตามมา"))
    people.update_person(
        world.center,
        people.create_person(world.center, people.PersonInput(given_name="มานี")).record.id,
        people.PersonInput(given_name="มานี", surname="มีนา"),
    )
    second = world.export()
    assert second.first_change == first.last_change + 1
    world.province = h.replace_database(world.province, copy)
    yield world, first, second
    world.close()


def test_bundle_after_a_gap_is_held_then_released(gap) -> None:
    world, first, second = gap
    before = h.snapshot(world.province)
    held = world.import_one(second.path)
    assert (held.status, held.reason, held.records) == ("held", "gap", 0)
    assert f"1–{first.last_change}" in held.message
    assert h.snapshot(world.province) == before  # nothing of it applied yet
    assert h.last_log(world.province).status == "held"
    (overview,) = sync.centers_overview(world.province)
    assert (overview.held, overview.applied_through) == (1, 0)

    # The receipt asks the center to send again from change 1, and says so while it is held.
    (written,) = sync.write_receipts(world.province, world.root / "r1")
    receipt = _receipt_body(world, written.path)
    assert (receipt.resend_from, receipt.applied_through) == (1, 0)
    assert [(b.seq, b.result, b.reason) for b in receipt.bundles] == [(second.seq, "held", "gap")]
    assert world.import_one(second.path).status == "duplicate"
    (again,) = sync.write_receipts(world.province, world.root / "r2")
    assert _receipt_body(world, again.path).resend_from == 1

    # The missing bundle arrives: it is applied, and it releases the held one.
    outcome = world.import_one(first.path)
    assert outcome.status == "applied" and outcome.applied_after == (f"{second.seq}:applied",)
    h.assert_province_holds_center(world)
    (overview,) = sync.centers_overview(world.province)
    assert (overview.held, overview.applied_through) == (0, second.last_change)
    (done,) = sync.write_receipts(world.province, world.root / "r3")
    receipt = _receipt_body(world, done.path)
    assert (receipt.resend_from, receipt.applied_through) == (None, second.last_change)
    assert {(b.seq, b.result) for b in receipt.bundles} >= {
        (first.seq, "applied"),
        (second.seq, "applied"),
    }
    sync.apply_receipt(world.center, done.path)
    status = sync.center_status(world.center)
    assert (status.acked_through, status.resend_from, status.pending_changes) == (
        second.last_change,
        None,
        0,
    )


def test_center_resends_from_the_number_the_receipt_asks(gap) -> None:
    """The first bundle is lost for good: the center's next export, after the receipt asking
    for a resend, covers the whole range, and the held bundle becomes a mere duplicate."""
    world, first, second = gap
    assert world.import_one(second.path).status == "held"
    assert world.receipt_to_center() is not None
    assert sync.center_status(world.center).resend_from == 1
    third = world.export()
    assert (third.first_change, third.last_change) == (1, second.last_change)
    outcome = world.import_one(third.path)
    assert outcome.status == "applied" and outcome.applied_after == (f"{second.seq}:duplicate",)
    h.assert_province_holds_center(world)
    assert [c.held for c in sync.centers_overview(world.province)] == [0]
    assert world.import_one(first.path).status == "duplicate"
    assert world.receipt_to_center() is not None
    status = sync.center_status(world.center)
    assert (status.acked_through, status.resend_from) == (second.last_change, None)


def test_several_held_bundles_are_released_in_order(gap) -> None:
    world, first, second = gap
    people.create_person(world.center, people.PersonInput(given_name="ชูใจ", surname="ลำดับสาม"))
    third = world.export()
    assert (
        third.first_change == first.last_change + 1
    )  # still not acknowledged: covers 2's range too
    assert world.import_one(third.path).status == "held"
    assert world.import_one(second.path).status == "held"
    outcome = world.import_one(first.path)
    assert outcome.status == "applied"
    # Both connect once 1 is in: the one reaching further makes the other a duplicate.
    assert sorted(outcome.applied_after) in (
        [f"{second.seq}:applied", f"{third.seq}:applied"],
        [f"{second.seq}:duplicate", f"{third.seq}:applied"],
    )
    h.assert_province_holds_center(world)
    assert [c.held for c in sync.centers_overview(world.province)] == [0]


def test_held_bundle_that_can_no_longer_be_applied_is_refused_once(tmp_path: Path) -> None:
    """The center's key is revoked while its bundle waits: when the gap closes the held bundle is
    refused with the revocation's reason (reported, logged) instead of being tried forever."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=14, people=20, cases=10, meetings=1))
    try:
        assert world.import_one(world.export().path).status == "applied"
        copy = backup(world.province, tmp_path / "backups")
        people.create_person(world.center, people.PersonInput(given_name="สอง"))
        second = world.export()
        assert world.import_one(second.path).status == "applied"
        assert world.receipt_to_center() is not None
        world.province = h.replace_database(world.province, copy)  # the province loses bundle 2
        people.create_person(world.center, people.PersonInput(given_name="สาม"))
        third = world.export()
        assert world.import_one(third.path).status == "held"
        sync.revoke_center_key(world.province, "CJC-0001", keep_through_seq=second.seq)
        outcome = world.import_one(second.path)
        assert outcome.status == "applied" and outcome.applied_after == (f"{third.seq}:rejected",)
        entry = h.last_log(world.province)
        assert (entry.status, entry.reason, entry.seq) == ("rejected", "revoked_key", third.seq)
        (overview,) = sync.centers_overview(world.province)
        assert overview.held == 0 and overview.applied_through == second.last_change
    finally:
        world.close()
