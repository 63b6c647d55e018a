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

from justice_desk.services import setup, sync
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
    #: The office's database: a SQLite file, or a PostgreSQL URL.
    province_db: str
    center_paths: dict[str, Path]
    keys_home: Path
    #: The centers as the demo made them, before enrolment (to build the same world again).
    pristine: Path

    @property
    def province_path(self) -> Path:
        return Path(self.province_db)

    def open_province(self) -> Database:
        return open_database(self.province_db)

    def open_center(self, code: str) -> Database:
        return open_database(self.center_paths[code])


def build(
    root: Path,
    *,
    cases: int = 90,
    people: int = 30,
    meetings: int = 8,
    province_db: str | None = None,
    same_centers_as: ProvinceWorld | None = None,
) -> ProvinceWorld:
    """Make the world under ``root`` (with ``JUSTICE_DESK_HOME`` at ``root / 'home'``); the
    office in ``province_db`` (a PostgreSQL URL) or in ``root / 'province.sqlite3'``. With
    ``same_centers_as``, the centers are copies of that world's, as its demo made them."""
    home = root / "home"
    province_db = province_db or str(root / "province.sqlite3")
    pristine = root / "pristine"
    with h.data_home(home):
        if same_centers_as is not None:
            keys = home / "keys"
            keys.mkdir(parents=True, exist_ok=True)
            for key in (same_centers_as.keys_home / "keys").iterdir():
                shutil.copy2(key, keys / key.name)
        province = setup.init_province(province_db, province="เชียงใหม่", code="PJO-50")
        paths: dict[str, Path] = {}
        for code, (name, seed) in CENTERS.items():
            path = root / f"{code}.sqlite3"
            if same_centers_as is not None:
                shutil.copy2(same_centers_as.pristine / f"{code}.sqlite3", path)
                center = open_database(path)
            else:
                center = h.new_center(path, code=code, name=name)
                generate_demo(
                    center, seed=seed, people=people, cases=cases, meetings=meetings, today=TODAY
                )
                assert center.target.path is not None
                h.copy_database(center.target.path, pristine / f"{code}.sqlite3")
            h.enrol(center, province, root / "enrol")
            usb = root / "usb" / code
            first = sync.export_bundle(center, usb).path
            (applied,) = sync.import_paths(province, [first])
            assert applied.status == "applied", applied
            if code == "CJC-0002":
                province = _make_a_gap(root, center, province)
            center.dispose()
            paths[code] = path
        junk = root / "usb" / "junk.jdbundle"
        junk.write_bytes(b"not a bundle at all")
        (rejected,) = sync.import_paths(province, [junk])
        assert rejected.status == "rejected", rejected
        sync.revoke_center_key(province, "CJC-0003")
        # what CJC-0003 signs after the revocation is refused
        late_center = open_database(paths["CJC-0003"])
        from justice_desk.services import people as people_service

        people_service.create_person(late_center, people_service.PersonInput(given_name="มาสาย"))
        late = sync.export_bundle(late_center, root / "usb" / "late").path
        late_center.dispose()
        (refused,) = sync.import_paths(province, [late])
        assert refused.status == "rejected", refused
        _queue_a_conflict(province, "CJC-0001")
        province.dispose()
    return ProvinceWorld(root, province_db, paths, home, pristine)


def _scratch_copy(root: Path, province: Database) -> tuple[Database, Database]:
    """A copy of the office's database (the office reopened, and the copy)."""
    if province.target.path is not None:
        scratch_path = root / "scratch" / "province.sqlite3"
        h.copy_database(province.target.path, scratch_path)
        return province, open_database(scratch_path)
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(province.target.url)
    province.dispose()
    name = f"{url.database}_scratch"
    server = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    scratch_url = url.set(database=name).render_as_string(hide_password=False)
    return open_database(province.target.url), open_database(scratch_url)


def _make_a_gap(root: Path, center: Database, province: Database) -> Database:
    """The center's second bundle reaches a copy of the office's database only (the copy's
    receipt reaches the center), and its third reaches the office: held, waiting for the second."""
    from justice_desk.services import people

    def receipt_from(office: Database, folder: Path) -> None:
        written = sync.write_receipts(office, folder)
        mine = [w for w in written if w.center_code == "CJC-0002"]
        sync.apply_receipt(center, mine[0].path)

    receipt_from(province, root / "receipts" / "1")
    province, scratch = _scratch_copy(root, province)
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
    return province


def _queue_a_conflict(province: Database, code: str) -> None:
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
    """A copy of a SQLite ``world``'s databases in ``dest``, its keys copied into ``home``."""
    dest.mkdir(parents=True, exist_ok=True)
    for database in world.root.glob("*.sqlite3"):
        shutil.copy2(database, dest / database.name)
    keys = home / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for key in (world.keys_home / "keys").iterdir():
        shutil.copy2(key, keys / key.name)
    return ProvinceWorld(
        dest,
        str(dest / "province.sqlite3"),
        {code: dest / path.name for code, path in world.center_paths.items()},
        home,
        world.pristine,
    )
