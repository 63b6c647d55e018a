"""A province with three demo centers, built through the real path: each center is set up,
filled by the demo generator, enrolled, exports its bundles and the province imports them
(``tests/sync/sync_helpers.py``). Used by the dashboard's service, command-line, PostgreSQL and
GUI tests, which compare its figures with counts made independently.

The world is made once per test module (:func:`build`, a few seconds) and copied for each test
(:func:`copy_world`). What it holds besides the demo records, so every sync figure is non-zero
somewhere:

- ``CJC-0002``'s second bundle arrived and its first one did not: the second is held (a gap);
- a file that is not a bundle was imported (rejected, no center);
- ``CJC-0003``'s key was revoked after its bundle was applied, and its next bundle rejected;
- one conflict is queued for ``CJC-0001``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from justice_desk.services import sync
from justice_desk.services.demo import generate_demo
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.models import SyncConflict

sys.path.insert(0, str(Path(__file__).parent / "sync"))
import sync_helpers as h  # noqa: E402 - tests/sync is not a package

CENTERS = {
    "CJC-0001": ("ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", 11),
    "CJC-0002": ("ศูนย์ยุติธรรมชุมชนตำบลสุเทพ", 12),
    "CJC-0003": ("ศูนย์ยุติธรรมชุมชนตำบลหนองควาย", 13),
}
#: The demo's "today": its records lie in the two years before it.
TODAY = dt.date(2026, 3, 15)


@dataclass
class ProvinceWorld:
    root: Path
    province_path: Path
    center_paths: dict[str, Path]
    keys_home: Path

    def open_province(self) -> Database:
        return open_database(self.province_path)

    def open_center(self, code: str) -> Database:
        return open_database(self.center_paths[code])


def build(root: Path, *, cases: int = 90, people: int = 30, meetings: int = 8) -> ProvinceWorld:
    """Make the world under ``root`` (with ``JUSTICE_DESK_HOME`` at ``root / 'home'``)."""
    home = root / "home"
    with h.data_home(home):
        province = h.new_province(root / "province.sqlite3")
        paths: dict[str, Path] = {}
        for code, (name, seed) in CENTERS.items():
            path = root / f"{code}.sqlite3"
            center = h.new_center(path, code=code, name=name)
            generate_demo(
                center, seed=seed, people=people, cases=cases, meetings=meetings, today=TODAY
            )
            h.enrol(center, province, root / "enrol")
            usb = root / "usb" / code
            first = sync.export_bundle(center, usb).path
            (applied,) = sync.import_paths(province, [first])
            assert applied.status == "applied", applied
            if code == "CJC-0002":
                _make_a_gap(root, center, province)
            center.dispose()
            paths[code] = path
        junk = root / "usb" / "junk.jdbundle"
        junk.write_bytes(b"not a bundle at all")
        (rejected,) = sync.import_paths(province, [junk])
        assert rejected.status == "rejected", rejected
        sync.revoke_center_key(province, "CJC-0003")
        # what CJC-0003 signs after the revocation is refused
        late_center = open_database(paths["CJC-0003"])
        from justice_desk.services import people

        people.create_person(late_center, people.PersonInput(given_name="มาสาย"))
        late = sync.export_bundle(late_center, root / "usb" / "late").path
        late_center.dispose()
        (refused,) = sync.import_paths(province, [late])
        assert refused.status == "rejected", refused
        _queue_a_conflict(province, "CJC-0001")
        province.dispose()
    return ProvinceWorld(root, root / "province.sqlite3", paths, home)


def _make_a_gap(root: Path, center: Database, province: Database) -> None:
    """The center's second bundle reaches a copy of the office's database only (the copy's
    receipt reaches the center), and its third reaches the office: held, waiting for the second."""
    from justice_desk.services import people

    def receipt_from(office: Database, folder: Path) -> None:
        written = sync.write_receipts(office, folder)
        mine = [w for w in written if w.center_code == "CJC-0002"]
        sync.apply_receipt(center, mine[0].path)

    receipt_from(province, root / "receipts" / "1")
    scratch_path = root / "scratch" / "province.sqlite3"
    assert province.target.path is not None
    h.copy_database(province.target.path, scratch_path)
    scratch = open_database(scratch_path)
    people.create_person(center, people.PersonInput(given_name="สมหญิง", surname="ใจดี"))
    second = sync.export_bundle(center, root / "usb" / "second").path
    (applied,) = sync.import_paths(scratch, [second])
    assert applied.status == "applied", applied
    receipt_from(scratch, root / "receipts" / "2")
    scratch.dispose()
    people.create_person(center, people.PersonInput(given_name="สมชาย", surname="ใจกว้าง"))
    third = sync.export_bundle(center, root / "usb" / "third").path
    (held,) = sync.import_paths(province, [third])
    assert held.status == "held", held


def _queue_a_conflict(province: Database, code: str) -> None:
    from justice_desk.services import setup

    center = setup.find_site(province, code)
    with province.write() as session:
        session.add(
            SyncConflict(
                center_id=center.id,
                table_name="people",
                row_id=uuid.uuid4(),
                kept_rev=2,
                other_rev=1,
                other_fields='{"given_name": "ทดสอบ"}',
                reason="restored_center_older",
            )
        )


def copy_world(world: ProvinceWorld, dest: Path, home: Path) -> ProvinceWorld:
    """A copy of ``world``'s databases in ``dest``, its keys copied into ``home``."""
    dest.mkdir(parents=True, exist_ok=True)
    for database in world.root.glob("*.sqlite3"):
        shutil.copy2(database, dest / database.name)
    keys = home / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for key in (world.keys_home / "keys").iterdir():
        shutil.copy2(key, keys / key.name)
    return ProvinceWorld(
        dest,
        dest / "province.sqlite3",
        {code: dest / path.name for code, path in world.center_paths.items()},
        home,
    )
