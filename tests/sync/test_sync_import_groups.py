"""Bundles of one center that follow each other in a run are applied in one write transaction
(``services/sync/importer.py``, ``GROUP_RECORDS``/``GROUP_BUNDLES``; docs/sync.md §6): one
commit for them, and every file still gets exactly the outcome it gets when imported alone.

The equivalence is the point: the same folder (good bundles, a bundle the database refuses at
commit, a gap, a copy, another center's bundle between them) imported in one run and one file
per run gives the same outcomes and the same province, row for row. A run that ends with an
exception keeps nothing of its open group, and importing again applies it all; a cancelled run
keeps what it applied before the cancel.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
import sync_helpers as h
from sqlalchemy import event

from justice_desk.progress import CancelToken
from justice_desk.services import people, sync
from justice_desk.services.sync import importer
from justice_desk.storage import audit


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w")
    first = w.export()
    assert w.import_one(first.path).status == "applied"
    w.first = first  # type: ignore[attr-defined]
    yield w
    w.close()


def _person(world: h.World, name: str) -> dict[str, Any]:
    person = people.create_person(
        world.center, people.PersonInput(given_name=name, surname="กลุ่ม")
    ).record
    (record,) = h.current_records(world.center, "people", [person.id])
    return record


def _chain(world: h.World, folder: Path, parts: list[list[dict[str, Any]]]) -> list[Path]:
    """Bundles seq 2, 3, … whose change ranges follow each other from the first export's."""
    folder.mkdir(exist_ok=True)
    first = world.first.last_change + 1  # type: ignore[attr-defined]
    paths = []
    for k, records in enumerate(parts):
        path = h.forge(world, records, seq=2 + k, first=first, name=f"b{k + 2:02d}")
        paths.append(Path(shutil.move(path, folder / path.name)))
        first += len(records)
    return paths


def _commits(world: h.World) -> list[int]:
    """A counter of the province's committed write transactions."""
    counted = [0]

    @event.listens_for(world.province.write_engine, "commit")
    def _count(_conn: Any) -> None:
        counted[0] += 1

    return counted


def _summary(outcomes: list[sync.ImportOutcome]) -> list[tuple[str, str, str | None, int]]:
    return [(Path(o.file).name, o.status, o.reason, o.records) for o in outcomes]


def test_bundles_of_one_center_are_applied_in_one_transaction(world: h.World) -> None:
    folder = world.root / "stick"
    paths = _chain(world, folder, [[_person(world, f"คนที่{k}")] for k in range(5)])
    commits = _commits(world)
    outcomes = world.import_(folder)
    assert [(o.status, o.records) for o in outcomes] == [("applied", 1)] * 5
    assert commits[0] == 1
    assert h.query(world.province, "SELECT last_seq FROM enrolments")[0][0] == 6
    assert [Path(o.file) for o in outcomes] == paths
    # One audit entry per bundle all the same, in their order, written with the commit, and
    # the trail still whole.
    details = [
        r[0]
        for r in h.query(
            world.province,
            "SELECT detail FROM audit_events WHERE action = 'bundle-import' ORDER BY event_no",
        )
    ]
    center = world.center.site_id
    assert details[-5:] == [f"{center} {seq} applied" for seq in range(2, 7)]
    with world.province.read() as session:
        assert audit.verify(session).whole


def test_a_group_asks_for_held_bundles_once_unless_one_of_it_was_held(
    world: h.World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a group the center's lock is held, so only a bundle of the group can be held
    meanwhile: after one "none held" the next bundles do not ask again, but after a held one
    they do, and the held bundle is released in the same run, as one file a run releases it."""
    from justice_desk.storage import sync_queries

    folder = world.root / "stick"
    paths = _chain(world, folder, [[_person(world, f"ลำดับ{k}")] for k in range(5)])
    # seq 2, then 4 (a gap: held), 3 (fills it), 5, 6
    order = [paths[0], paths[2], paths[1], paths[3], paths[4]]
    renamed = [p.rename(folder / f"f{k}-{p.name}") for k, p in enumerate(order)]
    before = tmp_path / "province-before.sqlite3"
    h.copy_database(world.province_path, before)
    asked: list[bool] = []
    has_held = sync_queries.has_held

    def counting(*args: Any) -> bool:
        asked.append(has_held(*args))
        return asked[-1]

    monkeypatch.setattr(sync_queries, "has_held", counting)
    grouped = world.import_(folder)
    grouped_rows = h.snapshot(world.province)
    # seq 2 asks (none held); seq 4 is held; seq 3 asks (one held: the group is committed and
    # seq 4 released alone, which asks again); seq 5 opens a group and asks; seq 6 need not.
    assert asked == [False, True, False, False]
    monkeypatch.setattr(sync_queries, "has_held", has_held)

    world.province = h.replace_database(world.province, before)
    alone = [world.import_one(p) for p in renamed]
    assert [o.status for o in alone] == ["applied", "held", "applied", "applied", "applied"]
    assert h.snapshot(world.province) == grouped_rows
    # seq 4 is reported held, and released by seq 3 (its message says so), either way
    assert _summary(grouped) == _summary(alone)
    assert h.query(world.province, "SELECT last_seq FROM enrolments")[0][0] == 6


def test_a_mixed_stick_gets_the_same_outcomes_and_rows_as_one_file_per_run(
    world: h.World, tmp_path: Path
) -> None:
    folder = world.root / "stick"
    parts = [
        [_person(world, "หนึ่ง")],
        [_person(world, "สอง")],
        [_person(world, "สาม"), h.orphan_membership(world)],  # refused at commit: missing parent
        [_person(world, "สี่")],  # then a gap: held
        [_person(world, "ห้า")],
    ]
    paths = _chain(world, folder, parts)
    shutil.copyfile(paths[0], folder / "b02-copy.jdbundle")  # the same bytes again
    (folder / "notes.txt").write_text("not a bundle", encoding="utf-8")
    before = tmp_path / "province-before.sqlite3"
    h.copy_database(world.province_path, before)

    grouped = world.import_(folder)
    grouped_rows = h.snapshot(world.province)

    world.province = h.replace_database(world.province, before)
    files = sorted(p for p in folder.iterdir())
    alone = [world.import_one(p) for p in files]
    assert _summary(grouped) == _summary(alone)
    assert h.snapshot(world.province) == grouped_rows
    statuses = {Path(o.file).name: (o.status, o.reason) for o in grouped}
    assert statuses["b04.jdbundle"] == ("rejected", "missing_parent")
    assert statuses["b05.jdbundle"][0] == "held"
    # "b02-copy" sorts first: it is applied, and "b02" is the same bytes again.
    assert statuses["b02.jdbundle"] == ("duplicate", "duplicate")


def test_a_run_ending_with_an_exception_keeps_nothing_of_its_open_group(
    world: h.World,
) -> None:
    folder = world.root / "stick"
    _chain(world, folder, [[_person(world, f"คนที่{k}")] for k in range(4)])
    before = h.snapshot(world.province)

    def progress(done: int, _total: int, _text: str) -> None:
        if done == 3:
            raise KeyboardInterrupt  # as a person pressing Ctrl+C, or the process dying

    with pytest.raises(KeyboardInterrupt):
        sync.import_paths(world.province, [folder], progress=progress)
    assert h.snapshot(world.province) == before
    assert h.query(world.province, "SELECT count(*) FROM received_bundles")[0][0] == 1
    again = world.import_(folder)
    assert [o.status for o in again] == ["applied"] * 4


def test_a_cancelled_run_keeps_the_bundles_applied_before_the_cancel(world: h.World) -> None:
    folder = world.root / "stick"
    _chain(world, folder, [[_person(world, f"คนที่{k}")] for k in range(4)])
    token = CancelToken()

    def progress(done: int, _total: int, _text: str) -> None:
        if done == 2:
            token.cancel()  # seen before the fourth file: three are applied

    with pytest.raises(importer.Cancelled):
        sync.import_paths(world.province, [folder], progress=progress, cancel=token)
    assert h.query(world.province, "SELECT last_seq FROM enrolments")[0][0] == 4
    rest = world.import_(folder)
    assert [o.status for o in rest] == ["duplicate", "duplicate", "duplicate", "applied"]


def test_a_group_is_closed_at_the_size_limit(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "GROUP_BUNDLES", 2)
    folder = world.root / "stick"
    _chain(world, folder, [[_person(world, f"คนที่{k}")] for k in range(5)])
    commits = _commits(world)
    outcomes = world.import_(folder)
    assert [o.status for o in outcomes] == ["applied"] * 5
    assert commits[0] == 3


def test_a_parent_in_a_later_bundle_of_the_group_does_not_rescue_a_bundle(
    world: h.World,
) -> None:
    """SQLite checks deferred foreign keys only at the commit: a membership whose person
    arrives only in the next bundle of the group must still be ``missing_parent``, as alone
    (the outside review of session 9, F1; on PostgreSQL:
    tests/postgres/test_import_refusals_on_postgres.py)."""
    folder = world.root / "stick"
    later = _person(world, "มาทีหลัง")
    membership = h.orphan_membership(world, later["id"])
    _chain(world, folder, [[membership], [later, membership]])
    outcomes = world.import_(folder)
    alone = [("rejected", "missing_parent"), ("held", "gap")]
    assert [(o.status, o.reason) for o in outcomes] == alone, outcomes
    stored = h.query(
        world.province,
        "SELECT count(*) FROM memberships WHERE id = ?",
        (membership["id"].replace("-", ""),),
    )
    assert stored[0][0] == 0


def test_files_are_read_two_ahead_at_most_and_none_beside_a_large_bundle(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading thread works up to two files ahead (the second asked for while the
    database checks the bundle just written), each file is read once, and no file is read
    beside a large bundle, whether it is in hand or waiting ahead (``READ_AHEAD_RECORDS``)."""
    monkeypatch.setattr(importer, "READ_AHEAD_RECORDS", 2)
    folder = world.root / "stick"
    sizes = [1, 1, 3, 1, 1, 1]  # the third bundle is large here
    _chain(
        world,
        folder,
        [[_person(world, f"คน{k}ที่{n}") for n in range(size)] for k, size in enumerate(sizes)],
    )
    run_class = importer._ImportRun
    hand: list[int] = []
    reads: list[int] = []
    snapshots: list[tuple[int, list[int]]] = []
    take, read, read_ahead, apply = (
        run_class.take,
        run_class.read,
        run_class.read_ahead,
        run_class.apply_in_group,
    )

    def spy_take(self: Any, index: int) -> Any:
        hand.append(index)
        return take(self, index)

    def spy_read(self: Any, index: int) -> Any:
        reads.append(index)
        return read(self, index)

    def spy_read_ahead(self: Any, files: int, in_hand: Any) -> None:
        read_ahead(self, files, in_hand)
        snapshots.append((hand[-1], [i for i, _future in self.ahead]))

    def spy_apply(self: Any, index: int, bundle: Any) -> None:
        if self.ahead:  # as when the reading is quicker than the writing
            self.ahead[0][1].result()
        apply(self, index, bundle)

    monkeypatch.setattr(run_class, "take", spy_take)
    monkeypatch.setattr(run_class, "read", spy_read)
    monkeypatch.setattr(run_class, "read_ahead", spy_read_ahead)
    monkeypatch.setattr(run_class, "apply_in_group", spy_apply)
    outcomes = world.import_(folder)
    assert [(o.status, o.records) for o in outcomes] == [("applied", n) for n in sizes]
    assert sorted(reads) == list(range(len(sizes)))
    assert max(len(ahead) for _hand, ahead in snapshots) == importer.READ_AHEAD_FILES == 2
    assert (0, [1, 2]) in snapshots  # the large one is read ahead
    for in_hand, ahead in snapshots:
        assert all(i > in_hand for i in ahead)
        if in_hand == 2 or 2 in ahead:
            assert not [i for i in ahead if i > 2], (in_hand, ahead)


def test_a_run_pauses_the_cycle_collector_and_leaves_no_bundle_rows_for_it(
    world: h.World,
) -> None:
    """The cycle collector is off while a run reads and applies (every automatic collection
    walked all the rows waiting for their group's commit again: 0.5-0.8 s of a 6 s import,
    benchmarks/bench_sync_postgres.py), and back on after it. So no bundle's rows may be
    left in a reference cycle, which only the collector frees: each goes when its bundle is
    done, whether it was applied or refused at commit."""
    import gc

    from justice_desk.storage import sync_merge

    folder = world.root / "stick"
    parts = [[_person(world, f"คนที่{k}")] for k in range(4)]
    parts[2].append(h.orphan_membership(world))  # refused at commit: missing parent
    _chain(world, folder, parts)
    seen: list[bool] = []
    original = importer._decide_and_apply

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    def rows_alive() -> int:
        return sum(isinstance(o, sync_merge.Incoming) for o in gc.get_objects())

    assert gc.isenabled()
    gc.collect()
    before = rows_alive()
    importer._decide_and_apply = spy  # type: ignore[assignment]
    try:
        outcomes = world.import_(folder)
    finally:
        importer._decide_and_apply = original  # type: ignore[assignment]
    assert [o.status for o in outcomes] == ["applied", "applied", "rejected", "held"]
    assert seen and not any(seen)
    assert gc.isenabled()
    del outcomes
    # Before any collection: what is left of the rows is only what is still in use.
    assert rows_alive() == before


def test_a_bundle_settled_again_alone_is_checked_for_foreign_references_again(
    world: h.World, tmp_path: Path
) -> None:
    """What a bundle's records point at is worked out once, on the reading thread: when its
    group is rolled back (here by the orphan of the next bundle, at the commit) and it is
    applied again alone, its reference to another center's person is refused again
    (``foreign_reference``), as one file a run refuses it."""
    person = _person(world, "ของศูนย์อื่น")
    folder = world.root / "stick"
    foreign = h.orphan_membership(world, person["id"])
    first, *rest = _chain(
        world,
        folder,
        [[person], [_person(world, "เจ้าของ"), foreign], [h.orphan_membership(world)]],
    )
    assert world.import_one(first).status == "applied"
    first.unlink()
    # The person now belongs to another center at the province (a site row copied from the
    # center's under a new id and code).
    other = uuid.uuid4().hex
    raw = sqlite3.connect(world.province_path)
    raw.row_factory = sqlite3.Row
    with raw:
        site = dict(raw.execute("SELECT * FROM sites WHERE kind = 'center'").fetchone())
        site.update(id=other, owner_id=other, code="CJC-0999", name="ศูนย์อื่น")
        raw.execute(
            f"INSERT INTO sites ({', '.join(site)}) VALUES ({', '.join('?' for _ in site)})",  # noqa: S608
            list(site.values()),
        )
        raw.execute(
            "UPDATE people SET owner_id = ? WHERE id = ?", (other, person["id"].replace("-", ""))
        )
    raw.close()
    before = tmp_path / "province-before.sqlite3"
    h.copy_database(world.province_path, before)

    grouped = world.import_(folder)
    grouped_rows = h.snapshot(world.province)
    assert [(o.status, o.reason, o.records) for o in grouped] == [
        ("applied", None, 1),
        ("rejected", "missing_parent", 0),
    ], grouped
    refused = h.query(world.province, "SELECT reason FROM rejected_records")
    assert [r[0] for r in refused] == ["foreign_reference"]

    world.province = h.replace_database(world.province, before)
    alone = [world.import_one(p) for p in rest]
    assert _summary(grouped) == _summary(alone)
    assert h.snapshot(world.province) == grouped_rows


def test_a_key_revoked_after_the_files_were_read_refuses_them_when_applied(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another officer revokes the center (cut-off: seq 3) while an import runs, after its
    files were read and verified with the keys as they were (the outside review of session
    12, F1): the bundles past the cut-off are refused as ``revoked_key`` when applied, as they
    are when imported after the revocation; those up to it are applied."""
    folder = world.root / "stick"
    _chain(world, folder, [[_person(world, f"ก่อนเพิกถอน{k}")] for k in range(4)])  # seq 2-5
    stale = importer._trust(world.province)
    assert stale(str(world.center.site_id))  # the center's keys, read before the revocation
    monkeypatch.setattr(importer, "_trust", lambda db, **kwargs: stale)
    sync.revoke_center_key(world.province, "CJC-0001", keep_through_seq=3)
    outcomes = world.import_(folder)
    assert [(o.seq, o.status, o.reason) for o in outcomes] == [
        (2, "applied", None),
        (3, "applied", None),
        (4, "rejected", "revoked_key"),
        (5, "rejected", "revoked_key"),
    ], outcomes
    assert "revoked" in outcomes[2].message
    assert h.query(world.province, "SELECT last_seq FROM enrolments")[0][0] == 3


def test_a_cut_off_before_any_bundle_was_received_is_refused_by_name(tmp_path: Path) -> None:
    """``revoke --keep-through N`` for a center whose first bundle has not arrived: there is no
    epoch its cut-off could keep bundles of, so it is refused with what to do instead (it
    used to say "bundles after N are refused" and refuse every one: the outside review of
    session 12, F3); without a cut-off the revocation is made."""
    from justice_desk.errors import UserError

    center = h.new_center(tmp_path / "c.sqlite3")
    province = h.new_province(tmp_path / "p.sqlite3")
    h.enrol(center, province, tmp_path / "enrol")
    with pytest.raises(UserError, match="has been received yet"):
        sync.revoke_center_key(province, "CJC-0001", keep_through_seq=3)
    assert h.query(province, "SELECT status FROM enrolments")[0][0] != "revoked"
    revoked = sync.revoke_center_key(province, "CJC-0001")
    assert not revoked.keep_through  # nothing is kept
    assert h.query(province, "SELECT status FROM enrolments")[0][0] == "revoked"
    center.dispose()
    province.dispose()


def test_a_statement_appointing_a_retired_key_again_is_refused_and_changes_nothing(
    world: h.World,
) -> None:
    """Someone with the center's current key and a copy of its retired one signs a statement
    that makes the retired key the center's key again (the outside review of session 12, F4):
    it is refused (``revoked_key``, by name) and the keys stay as they were, so the center's
    next bundle, signed with its current key, still applies."""
    from justice_desk import sync as fmt

    retired = sync.own_keys(world.center)
    statement = sync.rotate_center_keys(world.center, world.root / "rotate.jdrotate")
    (rotated,) = world.import_(statement)
    assert (rotated.status, rotated.reason) == ("applied", "key_rotation")
    current = sync.own_keys(world.center)
    back = world.root / "back.jdrotate"
    back.write_bytes(
        fmt.create_key_rotation(
            str(world.center.site_id),
            current,
            retired,
            last_epoch=world.center.setting("epoch") or "",
            last_seq=world.first.last_change,  # type: ignore[attr-defined]
        )
    )
    keys_before = h.query(world.province, "SELECT key_id, status FROM site_keys ORDER BY key_id")
    (refused,) = world.import_(back)
    assert (refused.status, refused.reason) == ("rejected", "revoked_key"), refused
    assert "never used again" in refused.message
    keys = h.query(world.province, "SELECT key_id, status FROM site_keys ORDER BY key_id")
    assert [tuple(r) for r in keys] == [tuple(r) for r in keys_before]
    people.create_person(world.center, people.PersonInput(given_name="หลังคำขอย้อนกุญแจ"))
    assert world.import_one(world.export().path).status == "applied"


def test_an_import_hands_pythons_lock_over_sooner_and_puts_the_interval_back(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an import runs, Python's lock changes threads every 0.5 ms (the writer gets it
    back sooner after each answer of the database); afterwards the process's own interval is
    back, also when the run fails."""
    import sys

    before = sys.getswitchinterval()
    seen: list[float] = []
    real = importer._ImportRun._run

    def watched(self: Any, *args: Any) -> Any:
        seen.append(sys.getswitchinterval())
        return real(self, *args)

    monkeypatch.setattr(importer._ImportRun, "_run", watched)
    world.import_(world.export().path)
    assert seen == [importer.IMPORT_SWITCH_INTERVAL] and sys.getswitchinterval() == before

    def failing(self: Any, *args: Any) -> Any:
        seen.append(sys.getswitchinterval())
        raise OSError("the stick was pulled out")

    monkeypatch.setattr(importer._ImportRun, "_run", failing)
    with pytest.raises(OSError):
        sync.import_paths(world.province, [world.export().path])
    assert seen[-1] == importer.IMPORT_SWITCH_INTERVAL and sys.getswitchinterval() == before
