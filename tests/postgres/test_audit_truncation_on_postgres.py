"""Deleting the newest entries of the audit trail at a province office's PostgreSQL server is
found, as on SQLite: a superuser switches the append-only triggers off and deletes the tail (or
every entry), or deletes it and writes other entries in its place; ``justice-desk audit verify``
exits 2 naming where, new entries never take a freed number, and a write that is rolled back
raises no false alarm (the checkpoint is written in the entry's own transaction)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from justice_desk.cli.main import main
from justice_desk.domain.access import Actor, Role
from justice_desk.services import accounts, audit_trail, setup
from justice_desk.storage import audit
from justice_desk.storage.database import open_database
from justice_desk.storage.models import AuditEvent

pytestmark = pytest.mark.postgres

#: The administrator, acting without a sign-in entry of their own (the checks read only).
ADMIN = Actor.account("admin", "ผู้ดูแล", Role.ADMINISTRATOR, None)


def _superuser(url: str) -> psycopg.Connection:
    """A connection as the server's superuser (the test server's ``justice``), around the app."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _province(url: str) -> int:
    db = setup.init_province(url, province="เชียงใหม่")
    try:
        accounts.create_first_account(db, "admin", "ผู้ดูแล", "password-1")
        accounts.sign_in(db, "admin", "password-1")
        for n in range(3):
            accounts.add_account(db, f"officer{n}", "เจ้าหน้าที่", Role.OFFICER, "password-2")
        check = audit_trail.verify_chain(db)
        assert check.whole and _checkpoint(db) == (check.last_no, check.last_hash)
        return check.last_no
    finally:
        db.dispose()


def _checkpoint(db) -> tuple[int, str] | None:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return audit.checkpoint(session)


def _numbers(url: str) -> list[int]:
    db = open_database(url)
    try:
        with db.read() as session:
            return list(session.scalars(select(AuditEvent.event_no).order_by(AuditEvent.event_no)))
    finally:
        db.dispose()


def _verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", url, "--user", "admin"])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize("how", ["triggers-disabled", "replication-role", "everything"])
def test_a_superuser_deleting_the_newest_entries_is_found(
    fresh_pg_database: str,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "password-1")
    url = fresh_pg_database
    _province(url)
    assert _verify(url, capsys)[0] == 0
    highest = _numbers(url)[-1]  # with the command's own sign-in
    keep = 0 if how == "everything" else highest - 2
    with _superuser(url) as su:
        if how == "replication-role":  # triggers do not fire for this session
            su.execute("SET session_replication_role = replica")
            su.execute("DELETE FROM audit_events WHERE event_no > %s", (keep,))
        else:
            su.execute("ALTER TABLE audit_events DISABLE TRIGGER USER")
            su.execute("DELETE FROM audit_events WHERE event_no > %s", (keep,))
            su.execute("ALTER TABLE audit_events ENABLE TRIGGER USER")
    assert _numbers(url)[-1:] == ([keep] if keep else [])

    db = open_database(url)
    try:
        db.sign_in(ADMIN)  # no entry written
        check = audit_trail.verify_chain(db)
        assert not check.whole and check.reason == "removed"
        assert check.broken_at == keep + 1 and check.high_water == highest
        assert f"removed after entry {keep}" in audit_trail.broken_message(check)
    finally:
        db.dispose()
    # the command line signs in first (an entry, which takes the next number, not a freed
    # one), then finds the entries before it missing
    code, said = _verify(url, capsys)
    assert code == 2 and "broken" in said, said
    numbers = _numbers(url)
    assert numbers[-1] > highest and set(range(keep + 1, highest + 1)).isdisjoint(numbers)


def test_deleted_and_rewritten_entries_do_not_match_the_checkpoint(
    fresh_pg_database: str,
) -> None:
    url = fresh_pg_database
    highest = _province(url)
    db = open_database(url)
    db.sign_in(ADMIN)
    try:
        with db.read() as session:
            last = session.scalars(select(AuditEvent).where(AuditEvent.event_no == highest)).one()
            session.expunge(last)
        # a superuser replaces the last entry by another, chained as the app would chain it
        forged_detail = "admin nothing to see"
        digest = audit.entry_hash(
            last.event_no, last.at, last.actor, last.host, last.action, last.table_name,
            last.row_id, forged_detail, last.prev_hash,
        )  # fmt: skip
        with _superuser(url) as su:
            su.execute("SET session_replication_role = replica")
            su.execute("DELETE FROM audit_events WHERE event_no = %s", (highest,))
            su.execute(
                "INSERT INTO audit_events (event_no, at, actor, host, action, table_name, "
                "row_id, detail, prev_hash, entry_hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (last.event_no, last.at, last.actor, last.host, last.action, last.table_name,
                 last.row_id, forged_detail, last.prev_hash, digest),
            )  # fmt: skip
        check = audit_trail.verify_chain(db)
        assert not check.whole and check.reason == "replaced" and check.broken_at == highest
        assert "deleted and written again" in audit_trail.broken_message(check)
    finally:
        db.dispose()


def test_a_write_rolled_back_leaves_no_false_alarm(fresh_pg_database: str) -> None:
    url = fresh_pg_database
    _province(url)
    db = open_database(url)
    db.sign_in(ADMIN)
    try:
        with pytest.raises(RuntimeError), db.write() as session:
            audit.record(session, "view", table="accounts", detail="then rolled back")
            raise RuntimeError("the change this entry was for failed")
        check = audit_trail.verify_chain(db)
        assert check.whole and _checkpoint(db) == (check.last_no, check.last_hash)
        accounts.sign_in(db, "admin", "password-1")  # the next entry takes the next number
        check = audit_trail.verify_chain(db)
        assert check.whole and check.count == check.last_no
    finally:
        db.dispose()
