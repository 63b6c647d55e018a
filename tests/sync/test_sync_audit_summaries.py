"""The centers' audit trail summaries (manifest field ``audit``) are kept from every authentic
bundle whatever its outcome, and a trail that shrank or was rewritten is flagged
(docs/sync.md §6, "The centers' audit trails"). Real bundles signed with the center's key."""

from __future__ import annotations

from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import audit_trail, people, sync
from justice_desk.sync.bundle import AuditSummary, BundleFields

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64


@pytest.fixture
def world(tmp_path: Path):  # noqa: ANN201
    with h.data_home(tmp_path / "home"):
        w = h.build_world(tmp_path)
        people.create_person(w.center, people.PersonInput(given_name="มานี", no_id_reason="x"))
        first = w.export()
        assert w.import_one(first.path).status.value == "applied"
        yield w
        w.close()


def _signed(w: h.World, seq: int, first: int, last: int, trail: AuditSummary) -> Path:
    """A bundle signed with the center's own key, sealed to the province, with no records."""
    m = h.manifest_of(next(iter(sorted(w.usb.glob("*.jdbundle")))))
    fields = BundleFields(
        center_id=m.center_id,
        epoch=m.epoch,
        seq=seq,
        first_change=first,
        last_change=last,
        schema_version=m.schema_version,
        audit=trail,
    )
    path = w.root / "forged" / f"{seq}-{trail.count}-{trail.last_hash[:2]}.jdbundle"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(
        fmt.build_bundle(fields, [], sync.own_keys(w.center), [sync.own_public(w.province)])
    )
    return path


def _applied_through(w: h.World) -> tuple[int, int]:
    m = h.manifest_of(next(iter(sorted(w.usb.glob("*.jdbundle")))))
    return m.seq, m.last_change


def test_an_empty_new_bundle_is_nothing_new_and_its_shrunk_trail_is_kept(world: h.World) -> None:
    seq, last = _applied_through(world)
    (before,) = audit_trail.center_trails(world.province)
    shrunk = AuditSummary(max(before.count - 3, 0), H1, True)
    outcome = world.import_one(_signed(world, seq + 1, last + 1, last, shrunk))
    assert outcome.status.value == "duplicate" and outcome.reason == "nothing_new"
    assert "sent again" not in outcome.message
    (trail,) = audit_trail.center_trails(world.province)
    assert (trail.count, trail.seq, trail.shrunk, trail.rewritten) == (
        shrunk.count,
        seq + 1,
        True,
        False,
    )


def test_a_bundle_sent_again_keeps_its_reason(world: h.World) -> None:
    (first,) = sorted(world.usb.glob("*.jdbundle"))
    again = world.root / "again.jdbundle"
    again.write_bytes(first.read_bytes())
    outcome = world.import_one(again)
    assert outcome.status.value == "duplicate" and outcome.reason == "duplicate"


def test_the_same_count_with_another_hash_is_a_rewritten_trail(world: h.World) -> None:
    seq, last = _applied_through(world)
    (before,) = audit_trail.center_trails(world.province)
    grown = AuditSummary(before.count + 5, H2, True)
    world.import_one(_signed(world, seq + 1, last + 1, last, grown))
    (trail,) = audit_trail.center_trails(world.province)
    assert not trail.rewritten and not trail.shrunk and trail.count == grown.count
    # The same number of entries, another last entry: removed and as many made.
    world.import_one(_signed(world, seq + 2, last + 1, last, AuditSummary(grown.count, H3, True)))
    (trail,) = audit_trail.center_trails(world.province)
    assert trail.rewritten and not trail.shrunk and "rewritten" in trail.state
    # The flag stays when the trail grows again.
    world.import_one(
        _signed(world, seq + 3, last + 1, last, AuditSummary(grown.count + 1, H1, True))
    )
    (trail,) = audit_trail.center_trails(world.province)
    assert trail.rewritten and trail.seq == seq + 3


def test_a_late_older_bundle_is_compared_but_does_not_replace_the_newest(world: h.World) -> None:
    seq, last = _applied_through(world)
    (before,) = audit_trail.center_trails(world.province)
    world.import_one(
        _signed(world, seq + 5, last + 1, last, AuditSummary(before.count + 9, H2, True))
    )
    # seq + 2 arrives late saying more entries than seq + 5 did: the trail shrank since.
    world.import_one(
        _signed(world, seq + 2, last + 1, last, AuditSummary(before.count + 20, H1, True))
    )
    (trail,) = audit_trail.center_trails(world.province)
    assert (trail.seq, trail.count, trail.shrunk) == (seq + 5, before.count + 9, True)


def test_the_audit_centers_command_fails_on_a_rewritten_trail(world: h.World, capsys) -> None:  # noqa: ANN001
    from justice_desk.cli.main import main

    seq, last = _applied_through(world)
    (before,) = audit_trail.center_trails(world.province)
    world.import_one(_signed(world, seq + 1, last + 1, last, AuditSummary(before.count, H3, True)))
    assert main(["audit", "centers", "--db", str(world.province_path)]) == 2
    assert "CJC-0001" in capsys.readouterr().out
