"""Shared tools for the sync service tests: sites that are set up and enrolled, exports and
imports in one call, and field-by-field snapshots of every syncable table.

Snapshots read the SQLite files with the standard ``sqlite3`` module, not through the app, so a
test compares what is really stored. A *world* is one center and one province enrolled with each
other; building one takes a few seconds with demo data, so a test module builds a template once
and every test works on its own copy (:func:`clone_world`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import forged_records

from justice_desk.services import setup, sync
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.models import SYNCABLE_MODELS

SYNCABLE_TABLES: tuple[str, ...] = tuple(m.__tablename__ for m in SYNCABLE_MODELS)  # type: ignore[attr-defined]
#: Columns the province never receives (confidential): NULL there whatever the center holds.
NEVER_SENT = {"case_sessions": ("notes",)}

Snapshot = dict[str, dict[str, dict[str, Any]]]


# --- environment ------------------------------------------------------------------------------


@contextlib.contextmanager
def data_home(folder: Path) -> Iterator[Path]:
    """Point ``JUSTICE_DESK_HOME`` at ``folder`` for work done outside a test (module fixtures)."""
    old = os.environ.get("JUSTICE_DESK_HOME")
    os.environ["JUSTICE_DESK_HOME"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("JUSTICE_DESK_HOME", None)
        else:
            os.environ["JUSTICE_DESK_HOME"] = old


def home() -> Path:
    return Path(os.environ["JUSTICE_DESK_HOME"])


# --- sites ------------------------------------------------------------------------------------


def new_center(
    path: Path, code: str = "CJC-0001", name: str = "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"
) -> Database:
    return setup.init_center(
        path, code=code, name=name, province="เชียงใหม่", amphoe="เมืองเชียงใหม่", tambon="แม่เหียะ"
    )


def new_province(path: Path) -> Database:
    return setup.init_province(path, province="เชียงใหม่", code="PJO-50")


def enrol(center: Database, province: Database, folder: Path) -> str:
    """Request, approve at the province, accept the answer; returns the center fingerprint."""
    folder.mkdir(parents=True, exist_ok=True)
    request, fingerprint = sync.write_enrolment_request(
        center, folder / f"{center.site_id}.jdenrol"
    )
    review = sync.enrol_center(
        province,
        request,
        approve=True,
        answer_out=folder / f"{center.site_id}.jdanswer",
        expected_fingerprint=fingerprint,
    )
    assert review.approved and review.answer is not None
    sync.accept_answer(center, review.answer)
    return fingerprint


def copy_database(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite file (backup API: the WAL is included), nothing changed
    in it -- unlike :func:`justice_desk.storage.backup.backup`, which starts a new epoch."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    source = sqlite3.connect(src)
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def replace_database(db: Database, copy: Path) -> Database:
    """Put ``copy`` in place of ``db``'s file (a laptop restored from a copy) and reopen it."""
    path = db.target.path
    assert path is not None
    db.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, path)
    return open_database(path)


# --- a center and a province enrolled with each other ----------------------------------------


@dataclass
class World:
    root: Path
    center: Database
    province: Database

    @property
    def usb(self) -> Path:
        folder = self.root / "usb"
        folder.mkdir(exist_ok=True)
        return folder

    @property
    def center_path(self) -> Path:
        assert self.center.target.path is not None
        return self.center.target.path

    @property
    def province_path(self) -> Path:
        assert self.province.target.path is not None
        return self.province.target.path

    def export(self, folder: Path | None = None) -> sync.ExportResult:
        return sync.export_bundle(self.center, folder or self.usb)

    def import_(self, *paths: Path) -> list[sync.ImportOutcome]:
        return sync.import_paths(self.province, list(paths))

    def import_one(self, path: Path) -> sync.ImportOutcome:
        (outcome,) = self.import_(path)
        return outcome

    def receipt_to_center(self) -> Path | None:
        """Write receipts at the province and apply this center's at the center."""
        written = sync.write_receipts(self.province, self.root / "receipts")
        mine = [w for w in written if w.center_code == setup.this_site(self.center).code]
        if not mine:
            return None
        sync.apply_receipt(self.center, mine[0].path)
        return mine[0].path

    def reopen_center(self) -> None:
        self.center.dispose()
        self.center = open_database(self.center_path)

    def close(self) -> None:
        self.center.dispose()
        self.province.dispose()


def build_world(root: Path, *, demo: dict[str, int] | None = None, code: str = "CJC-0001") -> World:
    """A center (with demo records when ``demo`` gives sizes) and a province, enrolled.
    Uses the current ``JUSTICE_DESK_HOME`` for the key files."""
    root.mkdir(parents=True, exist_ok=True)
    center = new_center(root / "center.sqlite3", code=code)
    if demo:
        from justice_desk.services.demo import generate_demo

        generate_demo(center, **demo)
    province = new_province(root / "province.sqlite3")
    enrol(center, province, root / "enrolment")
    return World(root, center, province)


def freeze_world(world: World, keys_home: Path) -> tuple[Path, Path]:
    """Close a world so it can serve as a template: (its folder, the home holding its keys)."""
    world.close()
    return world.root, keys_home


def clone_world(template: tuple[Path, Path], dest: Path) -> World:
    """Copy a frozen world's databases to ``dest`` and its keys into the current home."""
    root, keys_home = template
    dest.mkdir(parents=True, exist_ok=True)
    for database in root.glob("*.sqlite3"):
        shutil.copy2(database, dest / database.name)
    keys = home() / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    for key in (keys_home / "keys").iterdir():
        shutil.copy2(key, keys / key.name)
    return World(
        dest, open_database(dest / "center.sqlite3"), open_database(dest / "province.sqlite3")
    )


# --- snapshots --------------------------------------------------------------------------------


def _connect(db_or_path: Database | Path) -> sqlite3.Connection:
    path = db_or_path.target.path if isinstance(db_or_path, Database) else db_or_path
    assert path is not None
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def snapshot(db_or_path: Database | Path, owner: uuid.UUID | None = None) -> Snapshot:
    """``table -> id -> {column: stored value}`` of every syncable table (rows of ``owner`` only
    when given)."""
    conn = _connect(db_or_path)
    try:
        out: Snapshot = {}
        for table in SYNCABLE_TABLES:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - our table names
            out[table] = {
                r["id"]: dict(r) for r in rows if owner is None or r["owner_id"] == owner.hex
            }
        return out
    finally:
        conn.close()


def center_as_sent(center: Database) -> Snapshot:
    """The center's own records as the province must hold them: confidential columns NULL,
    and what a reintegration case the center handles itself would reveal left at the center
    (docs/privacy.md "What leaves the center"; :func:`withhold_sensitive`)."""
    snap = snapshot(center, center.site_id)
    for table, columns in NEVER_SENT.items():
        for row in snap[table].values():
            for column in columns:
                row[column] = None
    return withhold_sensitive(snap)


#: Columns emptied in the province's copy of a reintegration case that was not escalated.
WITHHELD_TEXT = {
    "cases": ("facts", "eligibility_note"),
    "case_events": ("note",),
    "case_sessions": ("attendees", "summary"),
    "case_parties": ("role_note",),
}
#: Columns emptied in the province's copy of a person known only from such cases.
WITHHELD_PERSON = (
    "title", "surname", "national_id", "no_id_reason", "birth_date", "house_no", "moo",
    "village", "road", "tambon", "postcode", "dopa_area_code", "phone", "line_id",
    "community_role", "occupation", "notes",
)  # fmt: skip


def withhold_sensitive(snap: Snapshot) -> Snapshot:
    """Apply the minimisation rule to a snapshot, written out here on its own: cases of kind
    ``reintegration`` without ``escalated_on`` keep their shape with a neutral subject and no
    texts; people whose only link is being a party to such cases keep sex and the decade of
    birth; the derived columns follow the sent values."""
    from justice_desk.storage.changelog import case_derived, person_derived

    withheld = {
        cid
        for cid, row in snap["cases"].items()
        if row["kind"] == "reintegration" and row["escalated_on"] is None
    }
    for cid in withheld:
        case = snap["cases"][cid]
        case["subject"] = "(ข้อมูลอ่อนไหว เก็บไว้ที่ศูนย์)"
        derived = case_derived(case)
        case["sort_key"], case["search_text"] = derived["sort_key"], derived["search_text"]
    for table, columns in WITHHELD_TEXT.items():
        for rid, row in snap[table].items():
            if (rid if table == "cases" else row["case_id"]) in withheld:
                for column in columns:
                    row[column] = None
    elsewhere = {r["person_id"] for t in ("memberships", "mediators", "committee_positions",
                 "meeting_attendance") for r in snap[t].values()}  # fmt: skip
    elsewhere |= {r["responsible_id"] for r in snap["cases"].values()}
    cases_of: dict[str, set[str]] = {}
    for party in snap["case_parties"].values():
        cases_of.setdefault(party["person_id"], set()).add(party["case_id"])
    for pid, cases in cases_of.items():
        if pid in elsewhere or not cases <= withheld or pid not in snap["people"]:
            continue
        row = snap["people"][pid]
        for column in WITHHELD_PERSON:
            row[column] = None
        row["given_name"] = "(เก็บไว้ที่ศูนย์)"
        if row["birth_year"] is not None:
            row["birth_year"] -= row["birth_year"] % 10
        derived = person_derived({k: row[k] for k in ("title", "given_name", "surname")})
        row["sort_key"], row["search_text"] = derived["sort_key"], derived["search_text"]
    return snap


def diff(expected: Snapshot, actual: Snapshot, limit: int = 10) -> list[str]:
    """Readable differences, field by field (empty when equal)."""
    problems: list[str] = []
    for table in SYNCABLE_TABLES:
        a, b = expected.get(table, {}), actual.get(table, {})
        for rid in sorted(set(a) - set(b))[:limit]:
            problems.append(f"{table} {rid}: missing")
        for rid in sorted(set(b) - set(a))[:limit]:
            problems.append(f"{table} {rid}: unexpected")
        for rid in sorted(set(a) & set(b)):
            for column in a[rid]:
                if a[rid][column] != b[rid].get(column):
                    problems.append(
                        f"{table} {rid}.{column}: {a[rid][column]!r} != {b[rid].get(column)!r}"
                    )
            if len(problems) > limit * 4:
                return problems
    return problems


def assert_province_holds_center(world: World) -> Snapshot:
    """Every syncable table, field by field: the province holds exactly the center's records."""
    expected = center_as_sent(world.center)
    actual = snapshot(world.province, world.center.site_id)
    problems = diff(expected, actual)
    assert not problems, "\n".join(problems)
    return expected


def row_counts(db_or_path: Database | Path) -> dict[str, int]:
    conn = _connect(db_or_path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SYNCABLE_TABLES}  # noqa: S608
    finally:
        conn.close()


def query(db_or_path: Database | Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    conn = _connect(db_or_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(db_or_path: Database | Path) -> str:
    return str(query(db_or_path, "PRAGMA integrity_check")[0][0])


def last_log(province: Database) -> Any:
    return sync.import_log(province, 1)[0]


def today() -> dt.date:
    return dt.date.today()


def manifest_of(path: Path):  # noqa: ANN201 - a justice_desk.sync.BundleManifest
    """A bundle file's manifest (unverified: for looking at what it says)."""
    from justice_desk import sync as fmt

    return fmt.read_bundle_manifest(path.read_bytes())


# --- bundles made by hand with the center's real key -----------------------------------------


def current_records(center: Database, table: str, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The records of ``table`` with ``ids`` as the center's export would send them."""
    from justice_desk.storage import sync_store

    with center.connect_read() as conn:
        return sync_store.current_records(conn, table, ids)


def forge(world: World, records: list[dict[str, Any]], *, seq: int, first: int, name: str) -> Path:
    """A bundle of ``records``, signed by the center's real key and sealed to the province, its
    change range starting at ``first`` (one change per record), written to ``root/name``."""
    from justice_desk import sync as fmt

    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch"),
        seq=seq,
        first_change=first,
        last_change=first + len(records) - 1,
        schema_version=sync.SCHEMA_VERSION,
    )
    path = world.root / f"{name}.jdbundle"
    path.write_bytes(
        fmt.build_bundle(
            fields, records, sync.own_keys(world.center), [sync.own_public(world.province)]
        )
    )
    return path


def orphan_membership(world: World, person_id: str | None = None) -> dict[str, Any]:
    """A membership of a person the province has never seen (or of ``person_id``), as the
    center would send it: the database refuses it at commit (the deferred foreign key), so its
    whole bundle is refused."""
    return forged_records.membership(str(world.center.site_id), person_id)
