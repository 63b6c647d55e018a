"""Property: a center restored from a backup loses nothing silently at the province (issue 10
§11, docs/sync.md §3).

Hypothesis plays a center's life around a backup: edits of a few people (their phone numbers
carry a unique value per edit), exports and imports in the old epoch after the backup was
taken (some still on a USB stick when the laptop dies), the restore, more edits in the new
epoch, its bundle held at the province as a new start, and an officer accepting it. Then, for
every person:

* what the center sent last (its current version) is the province's version or in the
  conflict list;
* what the province held before the new start was accepted, when the restored center did not
  hold it too (an edit made after the backup, lost by the restore), is still the province's
  version or in the conflict list, never overwritten without a trace.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sync_helpers as h
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from justice_desk.services import people, sync
from justice_desk.storage.backup import backup

PEOPLE = 4

#: One step of the center's life: ("edit", person index) or ("sync",) (export and import), or
#: ("stick",) (export only: the file never reaches the province).
STEP = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("sync")),
    st.tuples(st.just("stick")),
)


@dataclasses.dataclass(frozen=True)
class Life:
    after_backup: list[tuple[object, ...]]  # in the old epoch, after the backup was taken
    after_restore: list[tuple[str, int]]  # edits in the new epoch


LIVES = st.builds(
    Life,
    after_backup=st.lists(STEP, max_size=7),
    after_restore=st.lists(st.tuples(st.just("edit"), st.integers(0, PEOPLE - 1)), max_size=5),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A center with a few people, enrolled, everything imported and acknowledged."""
    root = tmp_path_factory.mktemp("restore-property")
    with h.data_home(root / "home"):
        world = h.build_world(root / "world")
        for n in range(PEOPLE):
            people.create_person(world.center, people.PersonInput(given_name=f"คนที่{n + 1}"))
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        assert world.receipt_to_center() is not None
        yield h.freeze_world(world, root / "home")


def _phones(db: object, ids: list[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    rows = h.query(db, "SELECT id, phone FROM people")
    found = {uuid.UUID(hex=r["id"]): r["phone"] for r in rows}
    return {i: found[i] for i in ids}


def _edit(db: object, person_id: uuid.UUID, phone: str) -> None:
    record = people.get_person(db, person_id)
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(people.PersonInput)}
    fields["phone"] = phone
    people.update_person(db, person_id, people.PersonInput(**fields))


@settings(
    max_examples=int(os.environ.get("JUSTICE_DESK_RESTORE_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(life=LIVES)
# Edited once after the backup and imported, twice after the restore: the restored center's
# version is newer and applied; the one the restore lost stays in the list.
@example(life=Life([("edit", 0), ("sync",)], [("edit", 0), ("edit", 0)]))
# Edited twice after the backup, once after the restore: the province keeps its own version.
@example(life=Life([("edit", 1), ("edit", 1), ("sync",)], [("edit", 1)]))
# An edit that never reached the province (the stick was lost), then edited again.
@example(life=Life([("edit", 2), ("stick",)], [("edit", 2)]))
def test_nothing_the_province_held_or_the_center_sent_disappears_after_a_restore(
    template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, life: Life
) -> None:
    root = tmp_path_factory.mktemp("life")
    numbers = itertools.count(1)
    with h.data_home(root / "home"):
        world = h.clone_world(template, root / "world")
        try:
            ids = [
                uuid.UUID(hex=r["id"])
                for r in h.query(world.center, "SELECT id FROM people ORDER BY given_name")
            ]
            copy = backup(world.center, root / "backups")
            at_backup = _phones(world.center, ids)
            for step in life.after_backup:
                if step[0] == "edit":
                    _edit(world.center, ids[int(step[1])], f"08{next(numbers):08d}")
                elif step[0] == "sync":
                    made = world.export()
                    assert world.import_one(made.path).status in ("applied", "duplicate")
                else:
                    world.export()  # on a stick that is lost with the laptop
            province_before = _phones(world.province, ids)

            world.center = h.replace_database(world.center, copy)
            for _edit_step, k in life.after_restore:
                _edit(world.center, ids[k], f"09{next(numbers):08d}")
            sent = _phones(world.center, ids)
            made = world.export()
            outcome = world.import_one(made.path)
            assert (outcome.status, outcome.reason) == ("held", "new_epoch"), outcome
            decision = sync.decide_epoch(
                world.province,
                h.query(world.province, "SELECT code FROM enrolments")[0]["code"],
                accept=True,
            )
            assert decision.accepted

            now = _phones(world.province, ids)
            queued: dict[uuid.UUID, set[str | None]] = {i: set() for i in ids}
            for conflict in sync.sync_conflicts(world.province, world.center.site_id):
                event(f"conflict: {conflict.reason}")
                if conflict.table_name == "people" and conflict.row_id in queued:
                    queued[conflict.row_id].add(json.loads(conflict.other_fields).get("phone"))
            note(f"at backup {at_backup}\nprovince before {province_before}\nsent {sent}")
            note(f"province now {now}\nqueued {queued}")
            for i in ids:
                visible = {now[i], *queued[i]}
                assert sent[i] in visible, f"the center's version {sent[i]} of {i} vanished"
                if province_before[i] != at_backup[i]:
                    assert province_before[i] in visible, (
                        f"the province's version {province_before[i]} of {i}, made after the "
                        "backup, was overwritten without a trace"
                    )
        finally:
            world.close()
