"""The merge decisions in storage (``storage/sync_merge.py``, docs/sync.md §1, §6, §7) take plain
rows, not the format layer's records: column values as ``sync_store.Decoder`` makes them, with
the id and ``rev`` the bundle gave. These tests call it directly on a real province database,
in a transaction as the importer opens it, with rows of a real center."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk.services import people
from justice_desk.storage import sync_merge, sync_store
from justice_desk.storage.sync_merge import Incoming


@pytest.fixture
def world(tmp_path: Path) -> Iterator[h.World]:
    w = h.build_world(tmp_path / "w")
    assert w.import_one(w.export().path).status == "applied"
    yield w
    w.close()


def _incoming(world: h.World, table: str, ids: list[uuid.UUID]) -> list[Incoming]:
    """The center's current rows as a bundle would bring them, decoded."""
    with world.center.connect_read() as conn:
        records = sync_store.current_records(conn, table, ids)
    decoder = sync_store.Decoder()
    return [
        Incoming(r["id"], r["rev"], decoder.decode(table, r["id"], r["rev"], r["fields"]))
        for r in records
    ]


def _person(world: h.World, name: str) -> uuid.UUID:
    return people.create_person(
        world.center, people.PersonInput(given_name=name, surname="ผสาน")
    ).record.id


def _merge(
    world: h.World,
    tables: list[tuple[str, list[Incoming]]],
    *,
    unknown: list[tuple[str, str, int]] | None = None,
    new_epoch: bool = False,
) -> sync_merge.Merged:
    with world.province.write() as session:
        conn = session.connection()
        sync_store.defer_foreign_keys(conn)
        merged = sync_merge.merge(
            conn, world.center.site_id, tables, unknown=unknown or [], new_epoch=new_epoch
        )
        session.add_all(merged.conflicts)
    return merged


def _given_names(world: h.World, ids: list[uuid.UUID]) -> dict[str, str]:
    return {
        r[0]: r[1]
        for r in h.query(
            world.province,
            f"SELECT id, given_name FROM people WHERE id IN ({', '.join('?' * len(ids))})",  # noqa: S608
            tuple(i.hex for i in ids),
        )
    }


def test_rows_are_applied_or_refused_with_their_reason(world: h.World) -> None:
    good, stranger = _person(world, "ใหม่"), _person(world, "ของคนอื่น")
    (good_row,) = _incoming(world, "people", [good])
    (theirs,) = _incoming(world, "people", [stranger])
    assert theirs.row is not None
    theirs = theirs._replace(row={**theirs.row, "owner_id": uuid.uuid4()})
    unreadable = Incoming(str(uuid.uuid4()), 1, None, "birth_date: not a date")
    future = ("drone_flights", str(uuid.uuid4()), 3)
    merged = _merge(world, [("people", [good_row, theirs, unreadable])], unknown=[future])
    assert merged.applied == 1
    assert sorted(merged.rejected) == sorted(
        [
            sync_merge.RefusedRecord(
                "people",
                str(stranger),
                theirs.rev,
                "wrong_owner",
                f"owner_id is {theirs.row['owner_id']}, not the sending center",
            ),
            sync_merge.RefusedRecord(
                "people", unreadable.id, 1, "bad_record", "birth_date: not a date"
            ),
            sync_merge.RefusedRecord(*future, "unknown_table", ""),
        ]
    )
    assert merged.conflicts == []
    assert _given_names(world, [good, stranger]) == {good.hex: "ใหม่"}


def test_a_stored_version_is_kept_and_a_differing_one_queued_after_a_restore(
    world: h.World,
) -> None:
    pid = _person(world, "เดิม")
    (row,) = _incoming(world, "people", [pid])
    assert _merge(world, [("people", [row])]).applied == 1
    assert row.row is not None
    changed = row._replace(row={**copy.deepcopy(row.row), "given_name": "แก้ไข"})
    # The same rev again: nothing changes, and without a restore nothing is queued.
    quiet = _merge(world, [("people", [changed])])
    assert (quiet.applied, quiet.rejected, quiet.conflicts) == (0, [], [])
    # After a restore (a new epoch) the differing version goes to the conflict list.
    restored = _merge(world, [("people", [changed])], new_epoch=True)
    assert restored.applied == 0 and restored.rejected == []
    assert [(c.table_name, c.row_id, c.reason) for c in restored.conflicts] == [
        ("people", pid, "restored_center_older")
    ]
    assert _given_names(world, [pid]) == {pid.hex: "เดิม"}
    # Sent once more, the version already waiting in the list is not queued twice.
    assert _merge(world, [("people", [changed])], new_epoch=True).conflicts == []
    assert h.query(world.province, "SELECT count(*) FROM sync_conflicts")[0][0] == 1
