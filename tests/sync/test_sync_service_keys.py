"""Key rotation (docs/sync.md §9): the center makes new keys and a statement signed by the old
and the new key; the province reads it and trusts the new key; an unknown key is refused."""

from __future__ import annotations

from pathlib import Path

import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import people, sync


def test_key_rotation(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=6, people=20, cases=10, meetings=1))
    try:
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        people.create_person(world.center, people.PersonInput(given_name="ก่อนเปลี่ยนกุญแจ"))
        old_key_bundle = world.export(
            world.root / "in-transit"
        )  # signed with the old key, still travelling
        old_keys = sync.own_keys(world.center)
        old_key = old_keys.key_id

        (world.root / "rotate").mkdir()
        statement = sync.rotate_center_keys(world.center, world.root / "rotate")
        assert statement.suffix == ".jdrotate"
        new_key = sync.own_keys(world.center).key_id
        assert new_key != old_key
        assert fmt.key_file_is_private(sync.key_file(world.center))

        # The province wrote a receipt before it read the statement: sealed to the old key, and
        # the center can still read it.
        assert world.receipt_to_center() is not None
        assert sync.center_status(world.center).acked_through == first.last_change

        people.create_person(world.center, people.PersonInput(given_name="หลังเปลี่ยนกุญแจ"))
        new_key_bundle = world.export()
        before = h.snapshot(world.province)
        early = world.import_one(new_key_bundle.path)
        assert (early.status, early.reason) == (
            "rejected",
            "unknown_key",
        )  # the statement has not arrived
        assert h.snapshot(world.province) == before

        rotation = world.import_one(statement)
        assert (rotation.status, rotation.reason) == ("applied", "key_rotation")
        (overview,) = sync.centers_overview(world.province)
        assert overview.fingerprint == fmt.fingerprint(sync.own_keys(world.center).public)
        # Reading it twice changes nothing more.
        assert world.import_one(statement).status == "duplicate"
        # The retired key cannot appoint another successor (a copy of the old key file).
        thief = fmt.generate_keyset()
        forged = world.root / "forged.jdrotate"
        forged.write_bytes(
            fmt.create_key_rotation(str(world.center.site_id), old_keys, thief, reason="x")
        )
        before_forged = h.snapshot(world.province)
        assert (world.import_one(forged).status, world.import_one(forged).reason) == (
            "rejected",
            "revoked_key",
        )
        assert h.snapshot(world.province) == before_forged

        late_old = world.import_one(old_key_bundle.path)  # made before the rotation: still good
        assert late_old.status == "applied", late_old
        applied = world.import_one(new_key_bundle.path)
        assert (
            applied.status == "applied" and applied.records == 1
        )  # the other record came with the old-key bundle
        h.assert_province_holds_center(world)

        # Receipts now go to the new key.
        assert world.receipt_to_center() is not None
        assert sync.center_status(world.center).acked_through == new_key_bundle.last_change

        # A bundle in this center's name signed with a key the province never saw: refused.
        stranger = fmt.generate_keyset()
        fields = fmt.BundleFields(
            center_id=str(world.center.site_id),
            epoch=world.center.setting("epoch"),
            seq=99,
            first_change=1,
            last_change=1,
            schema_version=sync.SCHEMA_VERSION,
        )
        forged_path = world.root / "forged.jdbundle"
        record = {
            "table": "sites",
            "id": str(world.center.site_id),
            "op": "update",
            "rev": 99,
            "fields": {"owner_id": str(world.center.site_id), "name": "ปลอม"},
        }
        forged_path.write_bytes(
            fmt.build_bundle(fields, [record], stranger, [sync.own_public(world.province)])
        )
        before = h.snapshot(world.province)
        refused = world.import_one(forged_path)
        assert (refused.status, refused.reason) == ("rejected", "unknown_key")
        assert h.snapshot(world.province) == before
        assert h.last_log(world.province).reason == "unknown_key"
    finally:
        world.close()


def test_rotation_statement_of_a_center_not_enrolled_is_refused(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w")
    stranger = h.new_center(tmp_path / "stranger.sqlite3", code="CJC-0404")
    try:
        statement = sync.rotate_center_keys(stranger, tmp_path / "stranger.jdrotate")
        outcome = world.import_one(statement)
        assert (outcome.status, outcome.reason) == ("rejected", "unknown_center")
        assert h.last_log(world.province).reason == "unknown_center"
    finally:
        stranger.dispose()
        world.close()


def test_a_folder_with_the_key_change_before_new_key_bundles_imports_in_one_run(
    tmp_path: Path,
) -> None:
    """The importer reads one file ahead; after a key-change statement the next file is read
    again with the new key, so a folder holding both is imported in one run."""
    import shutil

    world = h.build_world(tmp_path / "w", demo=dict(seed=7, people=10, cases=5, meetings=1))
    try:
        assert world.import_one(world.export().path).status == "applied"
        (world.root / "rotate").mkdir()
        statement = sync.rotate_center_keys(world.center, world.root / "rotate")
        people.create_person(world.center, people.PersonInput(given_name="หลังเปลี่ยนกุญแจ"))
        bundle = world.export(world.root / "out")
        stick = world.root / "stick"
        stick.mkdir()
        shutil.copy(statement, stick / f"1-{statement.name}")
        shutil.copy(bundle.path, stick / f"2-{bundle.path.name}")
        outcomes = sync.import_paths(world.province, [stick])
        assert [(o.status, o.reason) for o in outcomes] == [
            ("applied", "key_rotation"),
            ("applied", None),
        ]
        h.assert_province_holds_center(world)
    finally:
        world.close()


def test_a_center_whose_code_is_not_a_code_cannot_write_a_request(tmp_path) -> None:
    """The province would refuse it (docs/sync.md §9): the center is told before it sends."""
    import contextlib
    import sqlite3

    import pytest

    from justice_desk.errors import UserError

    center = h.new_center(tmp_path / "c.sqlite3", code="CJC-0007")
    path = center.target.path
    center.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE sites SET code = '../evil'")
    center = h.open_database(path)
    try:
        with pytest.raises(UserError, match=r"\.\./evil"):
            sync.write_enrolment_request(center, tmp_path / "req.jdenrol")
        assert not (tmp_path / "req.jdenrol").exists()
    finally:
        center.dispose()
