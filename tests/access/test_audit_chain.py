"""The audit trail: who, what, when, which computer; in the change's own transaction; append-only
(triggers), chained (a changed byte in the file is found and named); its summary travels to the
province in bundles."""

from __future__ import annotations

import socket
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from justice_desk.domain.access import Actor, Role
from justice_desk.errors import DataIntegrityError, ValidationError
from justice_desk.services import accounts, audit_trail, cases, exports, people, printing
from justice_desk.storage import audit
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.models import AuditEvent

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
import sync_helpers as h  # noqa: E402


def entries(db: Database) -> list[tuple[int, str, str | None, str, str | None, str | None]]:
    with db.read() as s:
        return [
            (r.event_no, r.actor, r.host, r.action, r.table_name, r.detail)
            for r in s.scalars(select(AuditEvent).order_by(AuditEvent.event_no))
        ]


def change_in_the_file(path: Path, number: int, column: str, value: str) -> None:
    """Change a field of audit entry ``number`` in the database file, behind the app's back
    (its trigger that refuses changes dropped first)."""
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("DROP TRIGGER audit_events_no_update")
        raw.execute(
            f"UPDATE audit_events SET {column} = ? WHERE event_no = ?",  # noqa: S608 - ours
            (value, number),
        )
    raw.close()


def signed_in(db: Database, role: Role = Role.COORDINATOR) -> Actor:
    actor = Actor.account("somchai", "สมชาย", role)
    db.sign_in(actor)
    return actor


person_in = people.PersonInput(given_name="มานี", surname="ใจดี", no_id_reason="ไม่มีบัตร")


def test_a_change_is_written_with_the_account_and_the_computer(center_db: Database) -> None:
    signed_in(center_db)
    before = len(entries(center_db))
    saved = people.create_person(center_db, person_in)
    new = entries(center_db)[before:]
    assert [(e[1], e[2], e[3], e[4]) for e in new] == [
        ("somchai", socket.gethostname(), "create", "people")
    ]
    with center_db.read() as s:
        check = audit.verify(s)
    assert check.whole and check.count == len(entries(center_db))
    # the person's history is one filter, memberships included
    people.add_membership(center_db, saved.record.id)
    page = audit_trail.list_entries(center_db, person=saved.record.id)
    assert [e.action for e in page.rows] == ["create", "create"]
    assert page.rows[0].detail and page.rows[0].detail.startswith("memberships ")


def test_a_change_rolled_back_leaves_no_entry(center_db: Database) -> None:
    people.create_person(
        center_db, people.PersonInput(given_name="ก", national_id="3100100236671", surname="ข")
    )
    count = len(entries(center_db))
    with pytest.raises(ValidationError):  # the same national ID again: refused, nothing written
        people.create_person(
            center_db,
            people.PersonInput(given_name="ค", national_id="3100100236671", surname="ง"),
        )
    assert len(entries(center_db)) == count


def test_views_prints_and_exports_are_written(center_db: Database, tmp_path: Path) -> None:
    signed_in(center_db)
    person = people.create_person(center_db, person_in).record
    case = cases.take_in(
        center_db,
        cases.CaseInput(
            kind=cases.CaseKind.LEGAL_ADVICE,
            subject="ที่ดิน",
            received_on=h.today(),
            parties=(cases.PartyInput(person.id, cases.PartySide.APPLICANT),),
        ),
    ).record
    people.view_person(center_db, person.id)
    cases.view_case(center_db, case.id)
    printing.intake_pdf(center_db, case.id)
    exports.export_register(center_db, exports.Register.PEOPLE, tmp_path / "people.csv")
    actions = [(e[3], e[4]) for e in entries(center_db)]
    assert ("view", "people") in actions and ("view", "cases") in actions
    assert ("print", "cases") in actions
    assert any(a == "export" for a, _t in actions)
    by_case = audit_trail.list_entries(center_db, case=case.id).rows
    assert {e.action for e in by_case} >= {"create", "view", "print"}
    assert {e.actor for e in by_case} == {"somchai"}


def test_sign_ins_failures_and_account_changes_are_written(center_db: Database) -> None:
    accounts.create_first_account(center_db, "boss", "Boss", "password-1")
    with pytest.raises(Exception):  # noqa: B017, PT011 - SignInFailed
        accounts.authenticate(center_db, "boss", "wrong password")
    accounts.sign_in(center_db, "boss", "password-1")
    accounts.add_account(center_db, "view", "Viewer", Role.VIEWER, "password-2")
    accounts.set_enabled(center_db, "view", False)
    mine = audit_trail.list_entries(center_db, user="boss").rows
    assert [e.action for e in reversed(mine)] == [
        "login-failed",
        "login",
        "account-add",
        "account-disable",
    ]
    assert audit_trail.verify_chain(center_db).whole


def test_the_trail_refuses_update_and_delete(center_db: Database) -> None:
    people.create_person(center_db, person_in)
    for statement in (
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
    ):
        with pytest.raises(DataIntegrityError, match="append-only"), center_db.write() as s:
            s.execute(text(statement))
    raw = sqlite3.connect(center_db.target.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM audit_events WHERE event_no = 1")
    raw.close()


def _flip_one_byte(path: Path, needle: bytes) -> None:
    data = bytearray(path.read_bytes())
    at = data.find(needle)
    assert at > 0 and data.find(needle, at + 1) == -1, "the detail must be in the file once"
    data[at] ^= 0x01  # one bit of one byte: 'h' (0x68) becomes 'i' (0x69)
    path.write_bytes(bytes(data))


def test_one_byte_changed_in_the_file_is_found_and_named(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    for given in ("สมชาย", "สมหญิง", "บุญมี"):
        people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
    audit_trail.record(db, "print", detail="the-marked-entry-hhhh")  # findable in the file
    number = entries(db)[-1][0]
    people.create_person(db, people.PersonInput(given_name="มานี", no_id_reason="x"))
    assert audit_trail.verify_chain(db).whole
    db.dispose()  # the last connection checkpoints the write-ahead log into the file
    _flip_one_byte(center_db_path, b"the-marked-entry-hhhh")

    db = open_database(center_db_path)
    check = audit_trail.verify_chain(db)
    assert not check.whole and check.broken_at == number and check.reason == "changed"
    assert f"entry {number}" in audit_trail.broken_message(check)
    db.dispose()


@pytest.mark.parametrize(
    ("column", "value"),
    [("row_id", "g56456e040244905b4a80a8b25e3b3ea"), ("at", "2026-13-45 99:00:00.000000")],
)
def test_a_field_changed_to_text_its_type_cannot_read_is_named(
    center_db_path: Path, column: str, value: str
) -> None:
    """SQLite keeps any text in a UUID or date column: an entry changed to such text (one byte
    of a row id turned from ``f`` into ``g``) is named as changed, not a crash of the check."""
    db = open_database(center_db_path)
    saved = people.create_person(db, people.PersonInput(given_name="สมชาย", no_id_reason="x"))
    number = entries(db)[-1][0]
    for given in ("สมหญิง", "บุญมี"):
        people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
    assert audit_trail.verify_chain(db).whole
    assert saved.record.id is not None
    db.dispose()
    change_in_the_file(center_db_path, number, column, value)
    db = open_database(center_db_path)
    check = audit_trail.verify_chain(db)
    assert not check.whole and check.broken_at == number and check.reason == "changed"
    assert f"entry {number}" in audit_trail.broken_message(check)
    db.dispose()


def test_a_removed_entry_breaks_the_link(center_db_path: Path) -> None:
    db = open_database(center_db_path)
    for given in ("สมชาย", "สมหญิง", "บุญมี"):
        people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
    last = entries(db)[-1][0]
    db.dispose()
    raw = sqlite3.connect(center_db_path)
    with raw:
        raw.execute("DROP TRIGGER audit_events_no_delete")
        raw.execute("DELETE FROM audit_events WHERE event_no = ?", (last - 1,))
    raw.close()
    db = open_database(center_db_path)
    check = audit_trail.verify_chain(db)
    assert check.broken_at == last and check.reason == "gap"
    db.dispose()


def test_the_trail_summary_travels_in_bundles(tmp_path: Path) -> None:
    with h.data_home(tmp_path / "home"):
        world = h.build_world(tmp_path)
        try:
            people.create_person(world.center, person_in)
            result = world.export()
            manifest = h.manifest_of(result.path)
            assert manifest.audit is not None and manifest.audit.whole
            with world.center.read() as s:
                count, _last = audit.summary(s)
            assert manifest.audit.count <= count
            world.import_one(result.path)
            trails = audit_trail.center_trails(world.province)
            assert [(t.code, t.count, t.whole, t.shrunk) for t in trails] == [
                ("CJC-0001", manifest.audit.count, True, False)
            ]
        finally:
            world.close()


def test_the_summary_is_an_additive_field() -> None:
    """Older centers send no ``audit`` field (read as not said); an older office reads a
    manifest with it as one more field it does not know, kept aside (``FieldReader.extra``)."""
    from justice_desk.sync import bundle
    from justice_desk.sync._codec import FieldReader
    from justice_desk.sync.exceptions import BadContainerError

    manifest = {"count": 3, "last": "a" * 64, "whole": True}
    older = FieldReader({"seq": 1, "audit": manifest}, BadContainerError, "manifest")
    assert older.integer("seq") == 1 and older.extra() == {"audit": manifest}
    fields = bundle.BundleFields(
        center_id="c" * 8, epoch="e" * 8, seq=1, first_change=1, last_change=0, schema_version=1
    )
    assert "audit" not in bundle.bundle_manifest_fields(fields, {})
    with_trail = bundle.BundleFields(
        center_id="c" * 8,
        epoch="e" * 8,
        seq=1,
        first_change=1,
        last_change=0,
        schema_version=1,
        audit=bundle.AuditSummary(3, "a" * 64, True),
    )
    assert bundle.bundle_manifest_fields(with_trail, {})["audit"] == manifest


@pytest.mark.parametrize(
    ("column", "value"),
    [("row_id", "g56456e040244905b4a80a8b25e3b3ea"), ("at", "2026-13-45 99:00:00.000000")],
)
def test_the_listing_shows_an_entry_its_types_cannot_read_and_the_rest(
    center_db_path: Path, column: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The audit page and ``justice-desk audit list`` read the trail newest first: an entry
    changed in the file to text its column's type cannot read is listed by its number as one
    that cannot be read, with the others around it, instead of the listing failing."""
    from justice_desk.cli.main import main

    db = open_database(center_db_path)
    for given in ("สมชาย", "สมหญิง", "บุญมี"):
        people.create_person(db, people.PersonInput(given_name=given, no_id_reason="x"))
    numbers = [n for n, *_rest in entries(db)]
    number = numbers[-2]
    db.dispose()
    change_in_the_file(center_db_path, number, column, value)
    db = open_database(center_db_path)
    page = audit_trail.list_entries(db)
    db.dispose()
    assert [e.number for e in page.rows] == sorted(numbers, reverse=True)
    (bad,) = [e for e in page.rows if e.number == number]
    assert bad.action == audit_trail.UNREADABLE and bad.at is None
    assert "changed after it was written" in (bad.detail or "")
    assert all(e.at is not None for e in page.rows if e.number != number)

    assert main(["audit", "list", "--db", str(center_db_path)]) == 0
    out = capsys.readouterr().out
    assert "cannot be read" in out or "อ่านไม่ได้" in out
    assert str(numbers[-1]) in out
