"""Beyond the review's own tests (test_sync_trust.py, points 4, 5 and 12): an export killed
after its file was written, followed by an export to another folder, with or without changes
in between (docs/sync.md §3); what follows a record refused as ``foreign_reference`` in later
bundles, and the reasons a receipt names (§1, §6)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import people, sync
from justice_desk.services.demo import generate_demo
from justice_desk.storage.database import Database
from justice_desk.sync.keys import TrustedKey

#: An export in a child process that dies right after its bundle file got its final name.
_KILLED_EXPORT = """
import os, sys
from pathlib import Path
from justice_desk.services import sync
from justice_desk.storage.database import open_database

real_replace = os.replace

def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    if str(dst).endswith(".jdbundle"):
        os._exit(137)

os.replace = replace
sync.export_bundle(open_database(sys.argv[1]), Path(sys.argv[2]))
sys.exit(3)
"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[h.World]:
    w = h.build_world(tmp_path / "w", demo=dict(seed=31, people=10, cases=5, meetings=1))
    yield w
    w.close()


def _killed_export(world: h.World, folder: Path) -> Path:
    folder.mkdir()
    world.center.dispose()
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(world.center_path), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 137, (child.returncode, child.stderr)
    world.reopen_center()
    (left,) = folder.glob("*.jdbundle")
    return left


def _add_person(db: Database, given_name: str) -> None:
    people.create_person(db, people.PersonInput(given_name=given_name, surname="ทดสอบ"))


def test_the_same_content_exported_elsewhere_after_a_kill_keeps_its_number(
    world: h.World,
) -> None:
    """Nothing changed since the killed export: the export to another stick carries the same
    number and content, and the province takes the second file as a duplicate of the first."""
    left = _killed_export(world, world.root / "stick-a")
    again = world.export(world.root / "stick-b")
    assert again.seq == 1 and again.path.name == left.name
    assert [(o.status, o.seq) for o in world.import_(left)] == [("applied", 1)]
    assert [(o.status, o.reason) for o in world.import_(again.path)] == [("duplicate", "duplicate")]
    h.assert_province_holds_center(world)
    assert world.center.setting("export_pending") == ""


def test_other_content_after_a_kill_takes_the_next_number(world: h.World) -> None:
    """A record changed after the killed export: the next export (elsewhere) may not reuse the
    number the killed one may have carried to the province with other content. It takes the
    next one, and the province applies both files in either order."""
    left = _killed_export(world, world.root / "stick-a")
    _add_person(world.center, "หลังไฟดับ")
    again = world.export(world.root / "stick-b")
    assert again.seq == 2 and again.first_change == 1
    assert [(o.status, o.seq) for o in world.import_(left)] == [("applied", 1)]
    assert [(o.status, o.seq) for o in world.import_(again.path)] == [("applied", 2)]
    h.assert_province_holds_center(world)
    assert [tuple(r) for r in h.query(world.center, "SELECT seq FROM exports")] == [(2,)]
    assert world.export(world.root / "stick-c").seq == 3


def test_a_file_of_that_name_that_is_not_the_same_bundle_is_never_replaced(
    world: h.World,
) -> None:
    """The folder holds a file with the name the export would use, but it is not a bundle of
    this center with the same number, range and counts: the export refuses to replace it."""
    left = _killed_export(world, world.root / "stick-a")
    left.write_bytes(b"something else")
    with pytest.raises(fmt.FileExistsSyncError):
        world.export(left.parent)
    assert left.read_bytes() == b"something else"


def _opened(world: h.World, path: Path) -> fmt.VerifiedBundle:
    public = sync.own_public(world.center)
    trust = {str(world.center.site_id): {public.key_id: TrustedKey(public)}}
    return fmt.open_bundle(
        path.read_bytes(),
        trusted_keys=trust.get,
        recipient_private_key=sync.own_keys(world.province),
    )


def _record(bundle: fmt.VerifiedBundle, table: str) -> dict:
    r = next(r for r in bundle.records if r.table == table)
    return {"table": r.table, "id": r.id, "op": r.op, "rev": r.rev, "fields": dict(r.fields)}


def _sealed(world: h.World, records: list[dict], seq: int, first: int, last: int) -> Path:
    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch") or "",
        seq=seq,
        first_change=first,
        last_change=last,
        schema_version=sync.SCHEMA_VERSION,
    )
    data = fmt.build_bundle(
        fields, records, sync.own_keys(world.center), [sync.own_public(world.province)]
    )
    path = world.root / "incoming" / f"{seq}.jdbundle"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def _reasons(world: h.World, row_id: str) -> list[str]:
    rows = h.query(
        world.province, "SELECT reason FROM rejected_records WHERE row_id = ?", (row_id,)
    )
    return [r["reason"] for r in rows]


def test_a_case_refused_for_a_foreign_reference_refuses_its_later_children_alone(
    world: h.World,
) -> None:
    """A new case of the center whose responsible person is another center's is refused
    (``foreign_reference``) and its party in the same bundle with it (``parent_refused``);
    a party of it sent in a later bundle is refused by itself, and that bundle still applies
    (rather than failing as a whole on the missing case)."""
    other = h.new_center(world.root / "other.sqlite3", code="CJC-0002", name="ศูนย์อื่น")
    try:
        generate_demo(other, seed=32, people=4, cases=2, meetings=1)
        h.enrol(other, world.province, world.root / "enrol-other")
        outcome = world.import_one(sync.export_bundle(other, world.root / "other-usb").path)
        assert outcome.status == "applied", outcome
    finally:
        other_id = other.site_id
        other.dispose()
    first = world.export()
    assert world.import_one(first.path).status == "applied"
    bundle = _opened(world, first.path)
    (stranger,) = h.query(
        world.province, "SELECT id FROM people WHERE owner_id = ? LIMIT 1", (other_id.hex,)
    )
    case = _record(bundle, "cases")
    case = dict(case, id=str(uuid.uuid4()), rev=1)
    case["fields"] = dict(
        case["fields"], number=999, responsible_id=str(uuid.UUID(hex=stranger["id"]))
    )
    party = _record(bundle, "case_parties")
    party = dict(party, id=str(uuid.uuid4()), rev=1)
    party["fields"] = dict(party["fields"], case_id=case["id"])
    applied = first.last_change
    outcome = world.import_one(
        _sealed(world, [case, party], first.seq + 1, applied + 1, applied + 1)
    )
    assert outcome.status == "applied", outcome
    assert _reasons(world, case["id"]) == ["foreign_reference"]
    assert _reasons(world, party["id"]) == ["parent_refused"]

    later = dict(party, id=str(uuid.uuid4()))
    outcome = world.import_one(_sealed(world, [later], first.seq + 2, applied + 2, applied + 2))
    assert outcome.status == "applied", outcome
    assert _reasons(world, later["id"]) == ["parent_refused"]


def test_the_centers_own_site_row_updates_all_but_its_identity(world: h.World) -> None:
    """The center's site row with a new address and a new code and name: the address is
    applied, the code and name stay the enrolled ones. A second site row in the same bundle is
    refused as ``other_site`` and not stored, whoever it says owns it."""
    first = world.export()
    assert world.import_one(first.path).status == "applied"
    site = _record(_opened(world, first.path), "sites")
    assert site["id"] == str(world.center.site_id)
    moved = dict(site, rev=site["rev"] + 1)
    moved["fields"] = dict(site["fields"], address="99 หมู่ 1", code="CJC-9999", name="ชื่อใหม่")
    extra = dict(site, id=str(uuid.uuid4()), rev=1)
    extra["fields"] = dict(site["fields"], code="CJC-8888", name="ศูนย์เพิ่ม")
    owned = dict(site, id=str(uuid.uuid4()), rev=1)  # a site row owned by itself
    owned["fields"] = dict(site["fields"], owner_id=owned["id"], code="CJC-7777", name="ศูนย์อื่น")
    # the province's own site row, stored here, sent as the center's (its owner_id)
    theirs = dict(site, id=str(world.province.site_id), rev=99)
    theirs["fields"] = dict(site["fields"], code="PJO-0000", name="ยึดจังหวัด")
    applied = first.last_change
    outcome = world.import_one(
        _sealed(world, [moved, extra, owned, theirs], first.seq + 1, applied + 1, applied + 1)
    )
    assert outcome.status == "applied", outcome
    (row,) = h.query(
        world.province,
        "SELECT code, name, kind, address, rev FROM sites WHERE id = ?",
        (world.center.site_id.hex,),
    )
    assert tuple(row) == (
        "CJC-0001",
        "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        "center",
        "99 หมู่ 1",
        site["rev"] + 1,
    )
    assert _reasons(world, moved["id"]) == []
    assert _reasons(world, extra["id"]) == ["other_site"]
    assert _reasons(world, owned["id"]) == ["other_site"]
    assert _reasons(world, theirs["id"]) == ["other_site"]
    assert h.query(world.province, "SELECT id FROM sites WHERE code = 'CJC-8888'") == []
    assert h.query(world.province, "SELECT id FROM sites WHERE code = 'PJO-0000'") == []
    assert h.query(world.province, "SELECT id FROM sites WHERE code = 'CJC-7777'") == []
    queued = h.query(world.province, "SELECT row_id, reason FROM sync_conflicts")
    assert {(r[0], r[1]) for r in queued} == {
        (uuid.UUID(extra["id"]).hex, "other_site"),
        (uuid.UUID(owned["id"]).hex, "other_site"),
        (uuid.UUID(theirs["id"]).hex, "other_site"),
    }
