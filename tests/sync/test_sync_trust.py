"""What sync must refuse or survive, from an adversarial review of the protocol (docs/sync.md
§3, §5, §6, §7, §9).

Each test names the behaviour that must hold; its docstring names the point of the review it
guards (“Point N”). Real SQLite files, real key pairs, real bundles and real crafted files
throughout: an impostor is a copy of a center's database with a key pair of its own, working
through the app's own services in its own data folder. Command-line behaviour (exit codes,
output lines) is checked by running ``python -m justice_desk`` as a subprocess.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.errors import UserError
from justice_desk.services import people, setup, sync
from justice_desk.services.demo import generate_demo
from justice_desk.storage import sync_store
from justice_desk.storage.database import Database
from justice_desk.sync.keys import KeySet, TrustedKey

CODE, NAME = "CJC-0001", "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"
OTHER_CODE, OTHER_NAME = "CJC-0002", "ศูนย์ยุติธรรมชุมชนตำบลสุเทพ"
#: A UUID as people never want to read one: with dashes, or as the 32 hex digits SQLite stores.
UUID_TEXT = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])"
)
#: Statuses of a file that was not taken in (for junk that is not even a file).
NOT_TAKEN = {"rejected", "skipped"}


# --- sites ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A center with demo records and its province, enrolled with each other, built once: each
    test works on its own copy (databases and key files)."""
    root = tmp_path_factory.mktemp("trust")
    with h.data_home(root / "home"):
        world = h.build_world(root / "w", demo=dict(seed=21, people=12, cases=6, meetings=1))
        return h.freeze_world(world, root / "home")


@pytest.fixture
def world(template: tuple[Path, Path], tmp_path: Path) -> Iterator[h.World]:
    """A center with demo records and its province, enrolled with each other."""
    w = h.clone_world(template, tmp_path / "w")
    yield w
    w.close()


@pytest.fixture
def other(world: h.World) -> Iterator[Database]:
    """A second center (its own demo records) enrolled at the same province, its first bundle
    imported there."""
    db = h.new_center(world.root / "other.sqlite3", code=OTHER_CODE, name=OTHER_NAME)
    generate_demo(db, seed=22, people=8, cases=4, meetings=1)
    h.enrol(db, world.province, world.root / "enrol-other")
    outcome = world.import_one(sync.export_bundle(db, world.root / "other-usb").path)
    assert outcome.status == "applied", outcome
    yield db
    db.dispose()


@dataclass
class Impostor:
    """Someone holding a copy of a center's database and a key pair that is not the enrolled
    one (their own, or a retired key taken from the laptop). What they write is made by the
    app's own services, in their own data folder, so the files are real in every byte."""

    root: Path
    keys: KeySet

    @classmethod
    def of(cls, world: h.World, site_id: uuid.UUID, keys: KeySet | None = None) -> Impostor:
        root = world.root / f"impostor-{uuid.uuid4().hex[:6]}"
        keys = keys or fmt.generate_keyset()
        key_file = root / "home" / "keys" / f"{site_id}.jdkey"
        key_file.parent.mkdir(parents=True)
        fmt.save_private_keys(keys, key_file, None)
        return cls(root, keys)

    @contextlib.contextmanager
    def database(self, center_path: Path) -> Iterator[Database]:
        """A fresh copy of the center's database, opened with the impostor's keys."""
        copy = self.root / "copy.sqlite3"
        h.copy_database(center_path, copy)
        with h.data_home(self.root / "home"):
            db = h.open_database(copy)
            try:
                yield db
            finally:
                db.dispose()

    def request(self, center_path: Path) -> Path:
        with self.database(center_path) as db:
            path, fingerprint = sync.write_enrolment_request(db, self.root / "request.jdenrol")
        assert fingerprint == self.keys.public.fingerprint
        return path

    def export(self, center_path: Path, given_name: str = "ผู้แอบอ้าง") -> sync.ExportResult:
        """A new person in the copy, then an export: a bundle signed with the impostor's key."""
        with self.database(center_path) as db:
            add_person(db, given_name)
            out = self.root / f"out-{uuid.uuid4().hex[:6]}"
            return sync.export_bundle(db, out)


# --- helpers ----------------------------------------------------------------------------------


def add_person(db: Database, given_name: str) -> None:
    people.create_person(db, people.PersonInput(given_name=given_name, surname="ทดสอบ"))


def applied(world: h.World, path: Path) -> sync.ImportOutcome:
    outcome = world.import_one(path)
    assert outcome.status == "applied", outcome
    return outcome


def first_import(world: h.World) -> sync.ExportResult:
    """The center's first bundle, exported and applied at the province."""
    result = world.export()
    applied(world, result.path)
    return result


def opened(world: h.World, path: Path, signer: Database | None = None) -> fmt.VerifiedBundle:
    """A real bundle opened with the province's key (to take real records from it)."""
    signer = signer or world.center
    public = sync.own_public(signer)
    trust = {str(signer.site_id): {public.key_id: TrustedKey(public)}}
    return fmt.open_bundle(
        path.read_bytes(),
        trusted_keys=trust.get,
        recipient_private_key=sync.own_keys(world.province),
    )


def record_of(bundle: fmt.VerifiedBundle, table: str, record_id: str | None = None) -> dict:
    for r in bundle.records:
        if r.table == table and (record_id is None or r.id == record_id):
            return {
                "table": r.table,
                "id": r.id,
                "op": r.op,
                "rev": r.rev,
                "fields": dict(r.fields),
            }
    raise AssertionError(f"no {table} record {record_id or ''} in the bundle")


def sealed(
    world: h.World,
    signer: KeySet,
    records: list[dict],
    *,
    seq: int,
    first: int,
    last: int,
    epoch: str | None = None,
    previous: tuple[str, ...] = (),
    center: Database | None = None,
) -> bytes:
    """A well-formed bundle in ``center``'s name, signed by ``signer``, sealed to the province."""
    center = center or world.center
    fields = fmt.BundleFields(
        center_id=str(center.site_id),
        epoch=epoch or center.setting("epoch") or "",
        seq=seq,
        first_change=first,
        last_change=last,
        schema_version=sync.SCHEMA_VERSION,
        previous_epochs=previous,
    )
    return fmt.build_bundle(fields, records, signer, [sync.own_public(world.province)])


def drop(world: h.World, name: str, data: bytes) -> Path:
    path = world.root / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def enrolment(world: h.World, center: Database | None = None) -> dict[str, Any]:
    center = center or world.center
    rows = h.query(
        world.province, "SELECT * FROM enrolments WHERE center_id = ?", (center.site_id.hex,)
    )
    assert len(rows) == 1, rows
    return dict(rows[0])


def province_row(world: h.World, table: str, row_id: str | uuid.UUID) -> dict[str, Any] | None:
    rows = h.query(
        world.province,
        f"SELECT * FROM {table} WHERE id = ?",  # noqa: S608 - our table names
        (uuid.UUID(str(row_id)).hex,),
    )
    return dict(rows[0]) if rows else None


def refused_record_reasons(world: h.World, row_id: str) -> list[str]:
    """Reasons the province gave for refusing this record inside an applied bundle."""
    rows = h.query(
        world.province, "SELECT reason FROM rejected_records WHERE row_id = ?", (row_id,)
    )
    return [r["reason"] for r in rows]


def retired_key_files(db: Database) -> list[Path]:
    current = sync.key_file(db)
    return sorted(current.parent.glob(current.name + ".*.old"))


def key_ids_on_disk() -> set[str]:
    """Key ids of every private key file in the data folder, whatever its name."""
    ids = set()
    for path in (h.home() / "keys").iterdir():
        with contextlib.suppress(fmt.SyncError, ValueError):
            ids.add(fmt.load_private_keys(path).key_id)
    return ids


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    return subprocess.run(
        [sys.executable, "-m", "justice_desk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def cli_import(
    province: Path, *paths: Path, timeout: float = 300
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    done = cli("sync", "import", "--db", str(province), *map(str, paths), "--json", timeout=timeout)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done, lines


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


def closed(world: h.World) -> None:
    """Let a subprocess have the databases, each a single file again: a database only read
    since it was copied keeps its write-ahead log when its read connections close, and the
    last connection that can write folds it in."""
    world.close()
    for path in (world.center_path, world.province_path):
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        finally:
            conn.close()


def reopen(world: h.World) -> None:
    world.center = h.open_database(world.center_path)
    world.province = h.open_database(world.province_path)


# --- Point 1: viewing an enrolment request trusts nothing --------------------------------------


def test_viewing_an_impostors_request_for_a_revoked_center_does_not_let_its_bundles_in(
    world: h.World,
) -> None:
    """Point 1. The center's key was revoked (stolen laptop). Someone with a copy of its
    database and a key pair of their own sends a request in its name; the province only looks
    at it (``sync enrol FILE`` without ``--approve``). Their bundle must still be refused, and
    nothing the real center sent changes."""
    first_import(world)
    sync.revoke_center_key(world.province, CODE)
    fingerprint_before = enrolment(world)["fingerprint"]
    impostor = Impostor.of(world, world.center.site_id)
    request = impostor.request(world.center_path)

    review = sync.enrol_center(world.province, request, approve=False)
    assert not review.approved
    assert review.fingerprint == impostor.keys.public.fingerprint  # what the person is shown

    forged = impostor.export(world.center_path)
    before = h.snapshot(world.province)
    outcome = world.import_one(forged.path)
    assert outcome.status == "rejected", outcome
    assert h.snapshot(world.province) == before
    row = enrolment(world)
    assert (row["status"], row["fingerprint"]) == ("revoked", fingerprint_before)


def test_viewing_an_impostors_request_for_a_pending_center_does_not_let_its_bundles_in(
    world: h.World,
) -> None:
    """Point 1. A new center's request waits at the province (pending). An impostor with a
    copy of that center's database and their own keys sends a request in its name, which is
    only viewed. The person then approves the real center after confirming its fingerprint by
    phone: the impostor's bundle must be refused, and the real center's records are exactly
    what it sent."""
    center = h.new_center(world.root / "new.sqlite3", code="CJC-0003", name="ศูนย์ใหม่")
    try:
        generate_demo(center, seed=23, people=6, cases=3, meetings=1)
        (world.root / "enrol-new").mkdir()
        real_request, real_fp = sync.write_enrolment_request(
            center, world.root / "enrol-new" / "real.jdenrol"
        )
        assert not sync.enrol_center(world.province, real_request, approve=False).approved
        center_path = center.target.path
        assert center_path is not None
        impostor = Impostor.of(world, center.site_id)
        fake_request = impostor.request(center_path)
        assert not sync.enrol_center(world.province, fake_request, approve=False).approved

        review = sync.enrol_center(
            world.province,
            real_request,
            approve=True,
            answer_out=world.root / "enrol-new" / "real.jdanswer",
            expected_fingerprint=real_fp,
        )
        assert review.approved and review.answer is not None
        sync.accept_answer(center, review.answer)

        forged = impostor.export(center_path)  # a copy taken after the answer was accepted
        before = h.snapshot(world.province)
        outcome = world.import_one(forged.path)
        assert outcome.status == "rejected", outcome
        assert h.snapshot(world.province) == before

        genuine = sync.export_bundle(center, world.root / "new-usb")
        applied(world, genuine.path)
        h.assert_province_holds_center(h.World(world.root, center, world.province))
        assert enrolment(world, center)["fingerprint"] == real_fp
    finally:
        center.dispose()


# --- Point 2: revocation covers every key a center ever had ------------------------------------


def test_a_retired_key_cannot_sign_bundles_numbered_after_its_rotation(world: h.World) -> None:
    """Point 2. After a key rotation the old key stays trusted only for what it signed before
    the rotation (bundles still travelling). Someone who took the retired key file
    (``<site>.jdkey.<key id>.old``) and a copy of the database signs a bundle numbered after
    the rotation: refused, nothing changes."""
    first_import(world)
    add_person(world.center, "ก่อนเปลี่ยนกุญแจ")
    in_transit = world.export(world.root / "in-transit")  # old key, made before the rotation
    old_keys = sync.own_keys(world.center)
    (world.root / "rotate").mkdir()
    statement = sync.rotate_center_keys(world.center, world.root / "rotate")
    assert [p.name for p in retired_key_files(world.center)] == [
        f"{world.center.site_id}.jdkey.{old_keys.key_id}.old"
    ]
    assert world.import_one(statement).reason == "key_rotation"
    applied(world, in_transit.path)  # made before the rotation: still good

    thief = Impostor.of(world, world.center.site_id, keys=old_keys)
    forged = thief.export(world.center_path)
    assert forged.seq == in_transit.seq + 1
    before = h.snapshot(world.province)
    outcome = world.import_one(forged.path)
    assert outcome.status == "rejected", outcome
    assert outcome.reason
    assert h.snapshot(world.province) == before

    add_person(world.center, "หลังเปลี่ยนกุญแจ")
    genuine = world.export()
    assert genuine.seq == forged.seq
    applied(world, genuine.path)
    h.assert_province_holds_center(world)


def test_revoking_a_center_refuses_its_retired_key_too(world: h.World) -> None:
    """Point 2. A center rotated its keys, then its laptop (holding the retired key file) was
    stolen and the province revoked the center without a cut-off. Bundles signed with the
    retired key and numbered after what the province had received are refused, like those of
    the current key."""
    first = first_import(world)
    add_person(world.center, "ส่งไม่ถึง")
    lost = world.export(world.root / "lost")  # old key, seq 2, never reached the province
    old_keys = sync.own_keys(world.center)
    (world.root / "rotate").mkdir()
    statement = sync.rotate_center_keys(world.center, world.root / "rotate")
    assert world.import_one(statement).reason == "key_rotation"
    sync.revoke_center_key(world.province, CODE)  # cut-off: the last bundle received, seq 1
    assert enrolment(world)["last_seq"] == first.seq

    before = h.snapshot(world.province)
    for path in (
        lost.path,
        Impostor.of(world, world.center.site_id, old_keys).export(world.center_path).path,
    ):
        outcome = world.import_one(path)
        assert outcome.status == "rejected", outcome
        assert h.snapshot(world.province) == before
    add_person(world.center, "หลังถูกเพิกถอน")
    current = world.export()
    outcome = world.import_one(current.path)
    assert (outcome.status, outcome.reason) == ("rejected", "revoked_key")
    assert h.snapshot(world.province) == before


def test_a_second_revoke_with_another_cut_off_changes_it_or_says_why(world: h.World) -> None:
    """Point 2. ``sync revoke --center CODE --keep-through 2`` after ``--keep-through 1``
    either moves the cut-off (bundle 2 is then accepted, bundle 3 still refused) or fails with
    a one-line reason; it never prints “revoked” and changes nothing."""
    first_import(world)
    add_person(world.center, "สอง")
    second = world.export(world.root / "b2")
    add_person(world.center, "สาม")
    third = world.export(world.root / "b3")
    closed(world)
    done = cli(
        "sync", "revoke", "--db", str(world.province_path), "--center", CODE, "--keep-through", "1"
    )
    assert done.returncode == 0, done.stderr
    again = cli(
        "sync", "revoke", "--db", str(world.province_path), "--center", CODE, "--keep-through", "2"
    )
    reopen(world)
    outcome_second = world.import_one(second.path)
    if again.returncode == 0:
        assert outcome_second.status == "applied", (again.stdout, outcome_second)
    else:
        assert again.returncode == 2 and one_line(again.stderr), again
        assert "revoked" not in again.stdout.lower()
        assert (outcome_second.status, outcome_second.reason) == ("rejected", "revoked_key")
    outcome_third = world.import_one(third.path)
    assert (outcome_third.status, outcome_third.reason) == ("rejected", "revoked_key")


def test_a_revocation_says_how_many_bundles_past_its_cut_off_were_already_applied(
    world: h.World,
) -> None:
    """A cut-off before bundles the office already applied refuses what comes after it and
    keeps what is in; the officer is told how many such bundles there are, to check their
    records with the center (it said nothing of them)."""
    first_import(world)
    for name in ("สอง", "สาม"):
        add_person(world.center, name)
        assert world.import_one(world.export(world.root / name).path).status == "applied"
    done = sync.revoke_center_key(world.province, CODE, keep_through_seq=1)
    assert done.applied_after == 2
    assert "2" in done.describe() and CODE in done.describe()
    # Moving the cut-off past them leaves none to report.
    assert sync.revoke_center_key(world.province, CODE, keep_through_seq=3).applied_after == 0


def test_bundles_accepted_under_a_revocation_cut_off_still_get_receipts(world: h.World) -> None:
    """Point 2. A bundle made before the laptop was stolen, accepted under the cut-off, is
    confirmed to the center in a receipt like any other."""
    first = first_import(world)
    add_person(world.center, "ระหว่างทาง")
    in_transit = world.export()
    sync.revoke_center_key(world.province, CODE, keep_through_seq=in_transit.seq)
    applied(world, in_transit.path)

    written = sync.write_receipts(world.province, world.root / "receipts")
    assert [w.center_code for w in written] == [CODE]
    receipt = sync.apply_receipt(world.center, written[0].path)
    assert [(b.seq, b.result) for b in receipt.bundles] == [
        (first.seq, "applied"),
        (in_transit.seq, "applied"),
    ]
    assert sync.center_status(world.center).acked_through == in_transit.last_change


def test_a_receipt_confirming_changes_the_center_never_made_is_refused_with_an_alarm(
    world: h.World,
) -> None:
    """Outside review, session 11. A stolen key signs a bundle whose change range runs to
    2^63 - 1; a SQLite province takes it in and its receipt confirms "through change
    9223372036854775807". The center recorded that, and every export after it failed
    (exit 1). Now the center records nothing of such a receipt, says why and what to do, and
    keeps exporting."""
    first = first_import(world)
    person = people.create_person(
        world.center, people.PersonInput(given_name="ของจริง", surname="ทดสอบ")
    ).record
    with world.center.connect_read() as conn:
        (record,) = sync_store.current_records(conn, "people", [person.id])
    forged_far = world.root / "far-end.jdbundle"
    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch"),
        seq=first.seq + 1,
        first_change=first.last_change + 1,
        last_change=2**63 - 1,
        schema_version=sync.SCHEMA_VERSION,
    )
    forged_far.write_bytes(
        fmt.build_bundle(
            fields, [record], sync.own_keys(world.center), [sync.own_public(world.province)]
        )
    )
    applied(world, forged_far)
    written = sync.write_receipts(world.province, world.root / "receipts")
    acked = sync.center_status(world.center).acked_through
    with pytest.raises(UserError, match="has made only") as raised:
        sync.apply_receipt(world.center, written[0].path)
    assert "9,223,372,036,854,775,807" in str(raised.value)
    assert sync.center_status(world.center).acked_through == acked
    add_person(world.center, "หลังจากนั้น")
    assert world.export().last_change > first.last_change  # the center still exports


def test_the_center_deletes_its_retired_key_once_the_province_confirmed_the_rotation(
    world: h.World,
) -> None:
    """Point 2. The retired private key is kept only until the province has confirmed the new
    key: a receipt sealed to the old key (written before the province read the key-change
    statement) still opens, and once a receipt confirms a bundle signed with the new key the
    retired key file is deleted."""
    first_import(world)
    (world.root / "rotate").mkdir()
    old_key_id = sync.own_keys(world.center).key_id
    statement = sync.rotate_center_keys(world.center, world.root / "rotate")
    assert len(retired_key_files(world.center)) == 1
    assert old_key_id in key_ids_on_disk()

    assert world.receipt_to_center() is not None  # sealed to the old key
    assert len(retired_key_files(world.center)) == 1  # still needed

    assert world.import_one(statement).reason == "key_rotation"
    add_person(world.center, "กุญแจใหม่")
    applied(world, world.export().path)
    assert world.receipt_to_center() is not None  # sealed to the new key: rotation confirmed
    assert retired_key_files(world.center) == []
    # Under no name: no key file in the data folder opens to the retired key any more.
    assert old_key_id not in key_ids_on_disk()
    add_person(world.center, "หลังยืนยัน")
    applied(world, world.export().path)


# --- Point 3: an epoch change is held for a person, not adopted ---------------------------------


def test_a_bundle_claiming_a_new_epoch_does_not_turn_the_real_one_into_replays(
    world: h.World,
) -> None:
    """Point 3. A bundle signed with the center's key (a stolen laptop, or a database copied by
    hand) claims a new epoch and lists the real one as left behind. It is held for a decision
    with a named reason, not adopted: nothing it carries is applied, the province keeps the
    real epoch, and the center's next genuine bundle is applied, not reported as a replay."""
    first = first_import(world)
    real_epoch = world.center.setting("epoch")
    site = record_of(opened(world, first.path), "sites", str(world.center.site_id))
    site["rev"] += 10
    site["fields"]["name"] = "ศูนย์ปลอม"
    fake_epoch = uuid.uuid4().hex[:16]
    forged = sealed(
        world,
        sync.own_keys(world.center),
        [site],
        seq=1,
        first=1,
        last=1,
        epoch=fake_epoch,
        previous=(real_epoch,),
    )
    before = h.snapshot(world.province)
    outcome = world.import_one(drop(world, "new-epoch.jdbundle", forged))
    assert outcome.status == "held", outcome
    assert outcome.reason not in (None, "", "gap"), outcome
    assert h.snapshot(world.province) == before
    row = enrolment(world)
    assert (row["epoch"], row["applied_through"]) == (real_epoch, first.last_change)

    add_person(world.center, "ของจริง")
    genuine = world.export()
    outcome = world.import_one(genuine.path)
    assert (outcome.status, outcome.reason) == ("applied", None), outcome
    assert outcome.records == 1
    h.assert_province_holds_center(world)


# --- Point 4: a record may not hang off another center's record --------------------------------


@pytest.mark.parametrize(
    ("table", "column", "parent"),
    [
        ("case_parties", "case_id", "cases"),
        ("case_parties", "person_id", "people"),
        ("case_events", "case_id", "cases"),
    ],
)
def test_a_record_pointing_at_another_centers_record_is_refused(
    world: h.World, other: Database, table: str, column: str, parent: str
) -> None:
    """Point 4. A center's bundle carries a record of its own whose parent is a record of
    another center (a party of another center's case, say). It is refused, it is not stored,
    and the other center's records at the province are unchanged: nothing new hangs off
    them."""
    first = first_import(world)
    template = record_of(opened(world, first.path), table)
    (victim,) = h.query(
        world.province,
        f"SELECT id FROM {parent} WHERE owner_id = ? LIMIT 1",  # noqa: S608 - our table names
        (other.site_id.hex,),
    )
    rogue = dict(template, id=str(uuid.uuid4()), rev=1)
    rogue["fields"] = dict(template["fields"], **{column: str(uuid.UUID(hex=victim["id"]))})
    row = enrolment(world)
    data = sealed(
        world,
        sync.own_keys(world.center),
        [rogue],
        seq=first.seq + 1,
        first=row["applied_through"] + 1,
        last=row["applied_through"] + 1,
    )
    others_before = h.snapshot(world.province, other.site_id)
    hanging_before = h.query(
        world.province,
        f"SELECT id FROM {table} WHERE {column} = ?",  # noqa: S608 - our table names
        (victim["id"],),
    )

    outcome = world.import_one(drop(world, "rogue.jdbundle", data))
    assert province_row(world, table, rogue["id"]) is None, outcome
    assert outcome.status == "rejected" or len(refused_record_reasons(world, rogue["id"])) == 1, (
        outcome
    )
    assert h.snapshot(world.province, other.site_id) == others_before
    assert (
        h.query(
            world.province,
            f"SELECT id FROM {table} WHERE {column} = ?",  # noqa: S608 - our table names
            (victim["id"],),
        )
        == hanging_before
    )


# --- Point 5: a center's identity is the one it enrolled with ----------------------------------


def _site_identity(world: h.World, site_id: uuid.UUID) -> tuple[str, str]:
    row = province_row(world, "sites", site_id)
    assert row is not None
    return row["code"], row["name"]


@pytest.mark.parametrize("how", ["renames-itself", "adds-a-site"])
def test_a_site_row_with_another_centers_code_changes_no_centers_identity(
    world: h.World, other: Database, how: str
) -> None:
    """Point 5. A center's bundle renames the center's own site row to another center's code
    and name, or carries a second site row with that code. The province's record of both
    centers keeps the identity they enrolled with (code, name), and ``find_site`` (behind
    ``list --center CODE``) still finds each real center by its code."""
    first = first_import(world)
    site = record_of(opened(world, first.path), "sites", str(world.center.site_id))
    fields = dict(site["fields"], code=OTHER_CODE, name=OTHER_NAME)
    if how == "renames-itself":
        rogue = dict(site, rev=site["rev"] + 1, fields=fields)
    else:
        rogue = dict(site, id=str(uuid.uuid4()), rev=1, fields=fields)
    row = enrolment(world)
    data = sealed(
        world,
        sync.own_keys(world.center),
        [rogue],
        seq=first.seq + 1,
        first=row["applied_through"] + 1,
        last=row["applied_through"] + 1,
    )
    world.import_one(drop(world, "identity.jdbundle", data))

    assert _site_identity(world, world.center.site_id) == (CODE, NAME)
    assert _site_identity(world, other.site_id) == (OTHER_CODE, OTHER_NAME)
    assert setup.find_site(world.province, OTHER_CODE).id == other.site_id
    assert setup.find_site(world.province, CODE).id == world.center.site_id
    live_with_other_code = h.query(
        world.province,
        "SELECT id FROM sites WHERE code = ? AND deleted_at IS NULL",
        (OTHER_CODE,),
    )
    assert [r["id"] for r in live_with_other_code] == [other.site_id.hex]
    assert {(c.code, c.name) for c in sync.centers_overview(world.province)} == {
        (CODE, NAME),
        (OTHER_CODE, OTHER_NAME),
    }


def test_the_province_lists_the_real_center_by_its_code_after_an_identity_grab(
    world: h.World, other: Database
) -> None:
    """Point 5, on the command line: after a bundle of one center claimed another center's
    code, ``list cases --center CODE`` at the province lists that real center's cases."""
    first = first_import(world)
    site = record_of(opened(world, first.path), "sites", str(world.center.site_id))
    rogue = dict(site, rev=site["rev"] + 1, fields=dict(site["fields"], code=OTHER_CODE))
    row = enrolment(world)
    data = sealed(
        world,
        sync.own_keys(world.center),
        [rogue],
        seq=first.seq + 1,
        first=row["applied_through"] + 1,
        last=row["applied_through"] + 1,
    )
    world.import_one(drop(world, "identity.jdbundle", data))
    expected = {
        uuid.UUID(hex=r["id"])
        for r in h.query(
            world.province, "SELECT id FROM cases WHERE owner_id = ?", (other.site_id.hex,)
        )
    }
    assert expected
    closed(world)
    done = cli("list", "cases", "--db", str(world.province_path), "--center", OTHER_CODE, "--json")
    reopen(world)
    assert done.returncode == 0, done.stderr
    assert {uuid.UUID(r["id"]) for r in json.loads(done.stdout)} == expected


# --- Point 6: integers too big for the database -------------------------------------------------

HUGE = 2**63


@pytest.mark.parametrize("where", ["rev", "field", "seq", "first", "last"])
def test_a_signed_bundle_with_a_huge_integer_is_refused_and_the_next_file_still_imports(
    world: h.World, where: str
) -> None:
    """Point 6. A bundle signed with the center's key carries an integer of 2**63 or more
    (beyond SQLite's 64-bit integers) in a record's ``rev``, in a record's field, or in the
    manifest's ``seq``, ``first`` or ``last``. The import does not crash (exit status 1,
    “unexpected error”): that file is refused with a named reason (or, for a record's value,
    that record is refused by name), nothing of it is stored, and the good file after it in
    the same folder is applied."""
    good = world.export(world.root / "made")
    person = record_of(opened(world, good.path), "people")
    person["id"] = str(uuid.uuid4())
    # Numbered after the good bundle, so that refusing only the record (the rest applied)
    # cannot turn the good bundle into “same number, different content”.
    seq, first, last = 2, 1, 1
    if where == "rev":
        person["rev"] = HUGE
    elif where == "field":
        person["fields"]["birth_year"] = HUGE
    elif where == "seq":
        seq = HUGE
    elif where == "first":
        first = last = HUGE
    else:
        last = HUGE
    folder = world.root / "stick"
    folder.mkdir()
    (folder / "a-huge.jdbundle").write_bytes(
        sealed(world, sync.own_keys(world.center), [person], seq=seq, first=first, last=last)
    )
    shutil.copy(good.path, folder / "b-good.jdbundle")
    closed(world)
    done, lines = cli_import(world.province_path, folder)
    reopen(world)

    assert done.returncode != 1 and "unexpected" not in done.stderr, done.stderr
    by_name = {Path(line["file"]).name: line for line in lines}
    assert sorted(by_name) == ["a-huge.jdbundle", "b-good.jdbundle"], done.stdout
    huge = by_name["a-huge.jdbundle"]
    if where in ("rev", "field"):
        reasons = refused_record_reasons(world, person["id"])
        assert (huge["status"] == "rejected" and huge["reason"]) or (
            huge["status"] == "applied" and len(reasons) == 1 and reasons[0]
        ), (huge, reasons)
    else:
        assert huge["status"] == "rejected" and huge["reason"], huge
    assert province_row(world, "people", person["id"]) is None
    assert (by_name["b-good.jdbundle"]["status"], by_name["b-good.jdbundle"]["records"]) == (
        "applied",
        good.records,
    )
    h.assert_province_holds_center(world)


# --- Point 7: things that are not regular files ----------------------------------------------


def _import_with_timeout(
    world: h.World, *paths: Path, timeout: float = 60
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    closed(world)
    try:
        return cli_import(world.province_path, *paths, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sync import did not finish within {timeout} s (it hangs)")
    finally:
        reopen(world)


@pytest.mark.skipif(os.name != "posix", reason="named pipes (os.mkfifo) are POSIX only")
def test_a_fifo_given_as_a_path_does_not_hang_the_import(world: h.World) -> None:
    """Point 7. A named pipe given on the command line (nobody ever writes to it) is refused
    with a named reason instead of blocking the import forever; the bundle given after it is
    applied. One result line per path."""
    good = world.export()
    fifo = world.root / "pipe.jdbundle"
    os.mkfifo(fifo)
    done, lines = _import_with_timeout(world, fifo, good.path)
    assert done.returncode != 1, done.stderr
    assert [Path(line["file"]).name for line in lines] == [fifo.name, good.path.name]
    assert lines[0]["status"] in NOT_TAKEN and lines[0]["reason"], lines[0]
    assert lines[1]["status"] == "applied", lines[1]


@pytest.mark.skipif(os.name != "posix", reason="named pipes and /dev/zero are POSIX only")
def test_every_file_found_in_a_folder_gets_exactly_one_line_even_a_pipe_or_a_device(
    world: h.World,
) -> None:
    """Point 7. In a folder: a symlink to /dev/zero (endless bytes) and a named pipe each get
    exactly one result line, refused or skipped with a named reason; neither hangs the
    import nor is silently left out; the good bundle beside them is applied."""
    good = world.export()
    folder = world.root / "stick"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(good.path, folder / "a-good.jdbundle")
    os.symlink("/dev/zero", folder / "b-zero.jdbundle")
    os.mkfifo(folder / "sub" / "c-pipe.jdbundle")
    done, lines = _import_with_timeout(world, folder)
    assert done.returncode != 1, done.stderr
    by_name = {}
    for line in lines:
        name = Path(line["file"]).name
        assert name not in by_name, f"{name} has more than one line: {lines}"
        by_name[name] = line
    assert sorted(by_name) == ["a-good.jdbundle", "b-zero.jdbundle", "c-pipe.jdbundle"], lines
    assert by_name["a-good.jdbundle"]["status"] == "applied"
    for name in ("b-zero.jdbundle", "c-pipe.jdbundle"):
        assert by_name[name]["status"] in NOT_TAKEN and by_name[name]["reason"], by_name[name]


def test_every_path_given_gets_exactly_one_line(world: h.World) -> None:
    """Point 7: a missing file, a bundle given twice, and a folder holding a bundle in a
    subfolder: one result line for each path given and each file found, in that order."""
    good = world.export()
    folder = world.root / "stick"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(good.path, folder / "sub" / "copy.jdbundle")
    missing = world.root / "missing.jdbundle"
    done, lines = _import_with_timeout(world, missing, good.path, good.path, folder)
    assert done.returncode != 1, done.stderr
    assert [(Path(line["file"]).name, line["status"]) for line in lines] == [
        ("missing.jdbundle", "rejected"),
        (good.path.name, "applied"),
        (good.path.name, "duplicate"),
        ("copy.jdbundle", "duplicate"),
    ]
    assert lines[0]["reason"]


# --- Point 8: a copy is known by its manifest, before decrypting --------------------------------


@pytest.fixture
def decryptions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every payload decryption (the sealed file's size each time)."""
    from justice_desk.sync import _envelope

    calls: list[int] = []
    real = _envelope.decrypt_payload

    def spy(sealed: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(getattr(sealed, "payload", b"")))
        return real(sealed, *args, **kwargs)

    monkeypatch.setattr(_envelope, "decrypt_payload", spy)
    return calls


def test_copies_of_an_imported_bundle_are_duplicates_without_decrypting(
    world: h.World, decryptions: list[int]
) -> None:
    """Point 8. A bundle already imported arrives again, twice, under other names: both copies
    are reported ``duplicate`` from what the file says about itself, and its payload is not
    decrypted again (a stick full of copies of a large bundle costs no memory)."""
    good = world.export()
    applied(world, good.path)
    assert len(decryptions) == 1  # the spy sees the importer's decryption
    folder = world.root / "again"
    folder.mkdir()
    for name in ("copy-1.jdbundle", "copy-2.jdbundle"):
        shutil.copy(good.path, folder / name)
    outcomes = world.import_(folder)
    assert [(Path(o.file).name, o.status) for o in outcomes] == [
        ("copy-1.jdbundle", "duplicate"),
        ("copy-2.jdbundle", "duplicate"),
    ]
    assert len(decryptions) == 1, "a copy was decrypted again"


def test_copies_in_the_same_folder_are_decrypted_once(
    world: h.World, decryptions: list[int]
) -> None:
    """Point 8. Three copies of one bundle on the same stick, imported in one run: the first
    is applied, the second and third are ``duplicate``, and the payload is decrypted once."""
    good = world.export()
    folder = world.root / "stick"
    folder.mkdir()
    for name in ("a.jdbundle", "b.jdbundle", "c.jdbundle"):
        shutil.copy(good.path, folder / name)
    outcomes = world.import_(folder)
    assert [(Path(o.file).name, o.status) for o in outcomes] == [
        ("a.jdbundle", "applied"),
        ("b.jdbundle", "duplicate"),
        ("c.jdbundle", "duplicate"),
    ]
    assert len(decryptions) == 1, f"decrypted {len(decryptions)} times"
    h.assert_province_holds_center(world)


# --- Point 9: a center code is not a path ------------------------------------------------------


@pytest.fixture
def outside() -> Iterator[Path]:
    """A short absolute folder (a center code holds at most 64 characters) outside every
    output folder of the test."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="jd-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _evil_code(kind: str, outside: Path) -> str:
    return {"dotdot": "../escaped", "deeper": "x/../../escaped", "absolute": f"{outside}/esc"}[kind]


def _files_named(root: Path, suffix: str) -> list[Path]:
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file())


@pytest.mark.parametrize("kind", ["dotdot", "deeper", "absolute"])
def test_a_center_code_that_is_a_path_is_refused_at_enrolment(
    world: h.World, outside: Path, kind: str
) -> None:
    """Point 9. A signed request whose center code holds ``../`` or an absolute path is
    refused when the province approves it (exit 2, one line), no center is enrolled under
    that code, and no answer file is written anywhere (least of all outside ``-o``)."""
    code = _evil_code(kind, outside)
    newcomer = h.new_center(world.root / "newcomer.sqlite3", code="CJC-0404")
    try:
        request = world.root / "requests" / "newcomer.jdenrol"
        request.parent.mkdir()
        request.write_bytes(
            fmt.create_enrolment_request(
                str(newcomer.site_id), code, "ศูนย์แปลก", sync.own_keys(newcomer)
            )
        )
    finally:
        newcomer.dispose()
    answers = world.root / "answers" / "deep"
    (answers / "x").mkdir(parents=True)  # so that x/../.. resolves
    answers_before = _files_named(world.root, ".jdanswer")  # the world's own enrolment
    closed(world)
    done = cli(
        "sync", "enrol", "--db", str(world.province_path), str(request), "--approve", "-o",
        str(answers),
    )  # fmt: skip
    reopen(world)
    assert done.returncode == 2 and one_line(done.stderr), (done.stdout, done.stderr)
    assert _files_named(world.root, ".jdanswer") == answers_before
    assert list(outside.iterdir()) == []
    assert h.query(world.province, "SELECT code FROM enrolments WHERE code = ?", (code,)) == []


@pytest.mark.parametrize("kind", ["dotdot", "deeper", "absolute"])
def test_receipts_are_written_only_inside_the_output_folder(
    world: h.World, outside: Path, kind: str
) -> None:
    """Point 9. A center enrolled under a code that is a path (a database from before codes
    were checked; set here directly in the file): ``sync receipts -o DIR`` writes nothing
    outside DIR: it refuses, or names the receipt so that it stays inside."""
    first_import(world)
    closed(world)
    code = _evil_code(kind, outside)
    with contextlib.closing(sqlite3.connect(world.province_path)) as conn, conn:
        conn.execute("UPDATE enrolments SET code = ?", (code,))
    out = world.root / "receipts" / "deep"
    (out / "x").mkdir(parents=True)  # so that x/../.. resolves
    done = cli("sync", "receipts", "--db", str(world.province_path), "-o", str(out))
    reopen(world)
    assert done.returncode in (0, 2), done.stderr
    written = _files_named(world.root, ".jdreceipt")
    assert all(p.parent == out for p in written), written
    assert list(outside.iterdir()) == []
    if done.returncode == 0:
        assert len(written) == 1, done.stdout
    else:
        assert one_line(done.stderr) and written == [], done.stderr


# --- Point 10: one code, one center --------------------------------------------------------------


def test_a_request_with_a_code_already_enrolled_for_another_center_is_refused(
    world: h.World,
) -> None:
    """Point 10. Another center (another id, its own keys) asks to enrol under a code that is
    already enrolled: approving it is refused (exit 2, one line) with a message that names the
    center enrolled under that code; nothing is enrolled and no answer is written."""
    twin = h.new_center(world.root / "twin.sqlite3", code=CODE, name="ศูนย์รหัสซ้ำ")
    try:
        (world.root / "twin").mkdir()
        request, _fingerprint = sync.write_enrolment_request(
            twin, world.root / "twin" / "twin.jdenrol"
        )
        twin_id = twin.site_id
    finally:
        twin.dispose()
    answer = world.root / "twin" / "twin.jdanswer"
    closed(world)
    done = cli(
        "sync", "enrol", "--db", str(world.province_path), str(request), "--approve", "-o",
        str(answer),
    )  # fmt: skip
    reopen(world)
    assert done.returncode == 2 and one_line(done.stderr), (done.stdout, done.stderr)
    assert NAME in done.stderr and CODE in done.stderr, done.stderr
    assert not answer.exists()
    rows = h.query(
        world.province, "SELECT center_id, status FROM enrolments WHERE code = ?", (CODE,)
    )
    assert [(r["center_id"], r["status"]) for r in rows] == [(world.center.site_id.hex, "approved")]
    assert province_row(world, "sites", twin_id) is None
    with pytest.raises(UserError, match=NAME):
        sync.enrol_center(world.province, request, approve=True, answer_out=answer)
    assert not answer.exists()


# --- Point 12: an export killed after its file was written ----------------------------------------

#: Runs an export in a child process that dies (like a kill -9 or a power cut) right after the
#: bundle file got its final name, before the database could record the export.
_KILLED_EXPORT = """
import os, sys
from pathlib import Path
from justice_desk.services import sync
from justice_desk.storage.database import open_database

real_replace, real_rename = os.replace, os.rename

def renamed_then_killed(real):
    def rename(src, dst, *args, **kwargs):
        real(src, dst, *args, **kwargs)
        if str(dst).endswith(".jdbundle"):
            os._exit(137)
    return rename

os.replace = renamed_then_killed(real_replace)
os.rename = renamed_then_killed(real_rename)
sync.export_bundle(open_database(sys.argv[1]), Path(sys.argv[2]))
sys.exit(3)  # the export never renamed a bundle file into place
"""


def test_an_export_killed_between_the_file_and_the_database_does_not_block_the_next(
    world: h.World,
) -> None:
    """Point 12. The export's process dies after the bundle file was renamed into place and
    before the database recorded the export. The next export to the same folder recovers: it
    adopts the file or replaces it with an identical one (same number, one file), and the
    province applies it."""
    stick = world.root / "stick"
    stick.mkdir()
    world.center.dispose()
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(world.center_path), str(stick)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 137, (child.returncode, child.stderr)
    (left,) = _files_named(stick, ".jdbundle")
    assert h.query(world.center_path, "SELECT count(*) FROM exports")[0][0] == 0
    world.reopen_center()

    result = world.export(stick)
    assert result.seq == 1
    assert _files_named(stick, ".jdbundle") == [left] and result.path == left
    assert [(o.status, o.seq) for o in world.import_(stick)] == [("applied", 1)]
    h.assert_province_holds_center(world)
    assert [tuple(r) for r in h.query(world.center, "SELECT seq FROM exports")] == [(1,)]


# --- Point 13: a database that cannot be written -------------------------------------------------

#: Words that name the cause: the file or its folder cannot be written.
_READ_ONLY_CAUSE = re.compile(
    r"read-only|read only|readonly|permission|not writable|cannot be written|write-protected",
    re.IGNORECASE,
)
#: Linux capabilities that let root ignore file permissions: CAP_DAC_OVERRIDE,
#: CAP_DAC_READ_SEARCH, CAP_FOWNER.
_OVERRIDE_CAPABILITIES = (1, 2, 3)
_PR_CAPBSET_DROP = 24


def _as_ordinary_user() -> dict[str, Any]:
    """``subprocess`` arguments under which file permissions hold for the child. As root (a
    container, a CI runner) the child drops the capabilities that bypass permissions before it
    starts Python: it stays root, so the interpreter (perhaps in root's private home) still
    runs, but a 0444 file or a 0555 folder can no longer be written, as for any user."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in _OVERRIDE_CAPABILITIES:
            if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                os._exit(86)

    return {"preexec_fn": drop}


def _cli_as_ordinary_user(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    return subprocess.run(
        [sys.executable, "-m", "justice_desk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **_as_ordinary_user(),
    )


def _require_unwritable(check: str, path: Path) -> None:
    """Fail (never skip) when the condition cannot be set up for the child."""
    probe = subprocess.run(
        [sys.executable, "-c", check, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        **_as_ordinary_user(),
    )
    if probe.returncode != 0 or probe.stdout.strip() != "refused":
        pytest.fail(
            f"could not make {path} unwritable for the command (exit {probe.returncode}): "
            f"{probe.stdout}{probe.stderr}"
        )


_CANNOT_OPEN_FOR_WRITING = """
import sys
try:
    open(sys.argv[1], "r+b").close()
except PermissionError:
    print("refused")
"""
_CANNOT_CREATE_IN = """
import os, sys
try:
    open(os.path.join(sys.argv[1], "probe"), "xb").close()
except PermissionError:
    print("refused")
"""


def _assert_names_the_cause(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert one_line(done.stderr), done.stderr
    message = done.stderr.lower()
    assert "unexpected" not in message, done.stderr
    assert "damaged" not in message and "backup" not in message, done.stderr
    assert _READ_ONLY_CAUSE.search(done.stderr), done.stderr


def test_a_read_only_province_database_is_named_as_such(world: h.World) -> None:
    """Point 13. The province's database file is read-only (copied from a CD, a file
    attribute): ``sync import`` exits 2 with one line that says the file cannot be written;
    not “unexpected error”, not “damaged”."""
    bundle = world.export()
    closed(world)
    path = world.province_path
    assert not Path(f"{path}-wal").exists()
    path.chmod(0o444)
    try:
        _require_unwritable(_CANNOT_OPEN_FOR_WRITING, path)
        done = _cli_as_ordinary_user("sync", "import", "--db", str(path), str(bundle.path))
    finally:
        path.chmod(0o644)
    reopen(world)
    _assert_names_the_cause(done)
    assert h.query(world.province, "SELECT count(*) FROM import_log")[0][0] == 0


def test_a_database_in_a_read_only_folder_is_not_called_damaged(world: h.World) -> None:
    """Point 13. The province's database sits in a folder that cannot be written (SQLite
    needs it for its journal): ``sync import`` exits 2 with one line naming that cause, and
    does not tell the person that the database is damaged and must be restored from a
    backup."""
    bundle = world.export()
    closed(world)
    folder = world.root / "read-only"
    folder.mkdir()
    path = folder / "province.sqlite3"
    shutil.copy2(world.province_path, path)
    folder.chmod(0o555)
    try:
        _require_unwritable(_CANNOT_CREATE_IN, folder)
        done = _cli_as_ordinary_user("sync", "import", "--db", str(path), str(bundle.path))
    finally:
        folder.chmod(0o755)
    reopen(world)
    _assert_names_the_cause(done)


# --- Point 14: the exit status of ``sync import`` says whether everything went in --------------


@pytest.mark.parametrize(
    ("files", "statuses", "expected"),
    [
        (("second", "first-again"), ("applied", "duplicate"), 0),
        (("first-again",), ("duplicate",), 0),
        (("second", "third"), ("applied", "applied"), 0),
        (("second", "junk"), ("applied", "rejected"), 3),
        (("junk", "empty"), ("rejected", "rejected"), 3),
        (("third",), ("held",), 3),
    ],
    ids=["applied-and-duplicate", "duplicate", "applied", "one-rejected", "all-rejected", "held"],
)
def test_sync_import_exit_status(
    world: h.World, files: tuple[str, ...], statuses: tuple[str, ...], expected: int
) -> None:
    """Point 14. ``sync import`` exits 0 when every file was applied or was a duplicate, and 3
    when any file was rejected or held (so a script or a person notices), with one line per
    file either way."""
    first = first_import(world)
    assert world.receipt_to_center() is not None
    add_person(world.center, "สอง")
    second = world.export(world.root / "second")
    # The province confirms the second bundle, so the third starts after it; then the province
    # is put back to before it had the second, so the third leaves a gap there.
    before_second = world.root / "province-before-second.sqlite3"
    h.copy_database(world.province_path, before_second)
    applied(world, second.path)
    assert world.receipt_to_center() is not None
    add_person(world.center, "สาม")
    third = world.export(world.root / "third")
    world.province = h.replace_database(world.province, before_second)
    assert (second.first_change, third.first_change) == (
        first.last_change + 1,
        second.last_change + 1,
    )
    folder = world.root / "stick"
    folder.mkdir()
    sources = {
        "first-again": first.path.read_bytes(),
        "second": second.path.read_bytes(),
        "third": third.path.read_bytes(),
        "junk": "ไม่ใช่ไฟล์ซิงก์".encode(),
        "empty": b"",
    }
    for i, name in enumerate(files):
        (folder / f"{i}-{name}.jdbundle").write_bytes(sources[name])
    closed(world)
    done, lines = cli_import(world.province_path, folder)
    reopen(world)
    assert tuple(line["status"] for line in lines) == statuses, done.stdout
    assert done.returncode == expected, (done.returncode, lines, done.stderr)


# --- Point 15: people read codes and names; a key change found later on the stick --------------


def _text_import(world: h.World, *paths: Path) -> list[str]:
    closed(world)
    done = cli("sync", "import", "--db", str(world.province_path), *map(str, paths))
    reopen(world)
    assert done.returncode != 1 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


def test_import_messages_name_centers_by_code_and_name_never_by_uuid(world: h.World) -> None:
    """Point 15. The lines ``sync import`` prints (files given neutral names here, since bundle
    file names hold the center id) never show a UUID: a message about an enrolled center names
    it by code and name (“CJC-0001 ศูนย์…”); one about a center not enrolled says so without
    the id."""
    first = world.export(world.root / "made")
    stranger = h.new_center(world.root / "stranger.sqlite3", code="CJC-0999", name="ศูนย์แปลกหน้า")
    try:
        from_stranger = sealed(
            world, sync.own_keys(stranger), [], seq=1, first=1, last=0, center=stranger
        )
    finally:
        stranger.dispose()
    stick = world.root / "stick"
    stick.mkdir()
    shutil.copy(first.path, stick / "a-good.jdbundle")
    (stick / "b-stranger.jdbundle").write_bytes(from_stranger)
    (stick / "c-wrong-key.jdbundle").write_bytes(
        sealed(world, fmt.generate_keyset(), [], seq=7, first=1, last=0)
    )
    gap_start = first.last_change + 10
    (stick / "d-gap.jdbundle").write_bytes(
        sealed(world, sync.own_keys(world.center), [], seq=8, first=gap_start, last=gap_start - 1)
    )
    lines = _text_import(world, stick)
    assert [line.split()[:2] for line in lines] == [
        ["applied", "a-good.jdbundle"],
        ["rejected", "b-stranger.jdbundle"],
        ["rejected", "c-wrong-key.jdbundle"],
        ["held", "d-gap.jdbundle"],
    ], lines
    for line in lines:
        assert not UUID_TEXT.search(line), line
    wrong_key = lines[2]
    assert CODE in wrong_key and NAME in wrong_key, wrong_key

    sync.revoke_center_key(world.province, CODE, keep_through_seq=first.seq)
    add_person(world.center, "หลังเพิกถอน")
    after = world.export(world.root / "made")
    shutil.copy(after.path, world.root / "e-revoked.jdbundle")
    (line,) = _text_import(world, world.root / "e-revoked.jdbundle")
    assert line.split()[:2] == ["rejected", "e-revoked.jdbundle"], line
    assert not UUID_TEXT.search(line), line
    assert CODE in line and NAME in line, line
    outcome = world.import_one(world.root / "e-revoked.jdbundle")
    assert outcome.reason == "revoked_key" and not UUID_TEXT.search(outcome.message), outcome


def test_a_bundle_found_before_its_key_change_statement_is_applied_in_the_same_run(
    world: h.World,
) -> None:
    """Point 15. On the stick, a bundle signed with the center's new key sorts before the
    key-change statement that introduces that key. It is tried again once the statement has
    been read, in the same run, and applied: one line per file, nothing left for a second
    run."""
    first_import(world)
    (world.root / "rotate").mkdir()
    statement = sync.rotate_center_keys(world.center, world.root / "rotate")
    add_person(world.center, "กุญแจใหม่")
    bundle = world.export(world.root / "out")
    stick = world.root / "stick"
    stick.mkdir()
    shutil.copy(bundle.path, stick / f"1-{bundle.path.name}")
    shutil.copy(statement, stick / f"2-{statement.name}")
    outcomes = world.import_(stick)
    by_name = {Path(o.file).name: o for o in outcomes}
    assert len(outcomes) == 2 and len(by_name) == 2, outcomes
    assert (by_name[f"2-{statement.name}"].status, by_name[f"2-{statement.name}"].reason) == (
        "applied",
        "key_rotation",
    )
    late = by_name[f"1-{bundle.path.name}"]
    assert (late.status, late.records) == ("applied", 1), late
    h.assert_province_holds_center(world)
