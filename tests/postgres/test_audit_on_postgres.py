"""The audit trail on PostgreSQL: chained, and append-only by triggers (UPDATE, DELETE and
TRUNCATE refused); accounts sign in the same way."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_the_trail_is_chained_and_append_only_on_postgres(fresh_pg_database: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from justice_desk.domain.access import Role
    from justice_desk.errors import DataIntegrityError
    from justice_desk.services import accounts, audit_trail, setup

    db = setup.init_province(fresh_pg_database, province="เชียงใหม่")
    try:
        accounts.create_first_account(db, "admin", "ผู้ดูแล", "password-1")
        accounts.sign_in(db, "admin", "password-1")
        accounts.add_account(db, "officer", "เจ้าหน้าที่", Role.OFFICER, "password-2")
        check = audit_trail.verify_chain(db)
        assert check.whole and check.count >= 4
        for statement in (
            "UPDATE audit_events SET actor = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ):
            with pytest.raises((DataIntegrityError, DBAPIError), match="append-only"):
                with db.write() as s:
                    s.execute(text(statement))
        assert audit_trail.verify_chain(db).count == check.count
        actions = [e.action for e in audit_trail.list_entries(db, user="admin").rows]
        assert actions[:2] == ["account-add", "login"]
    finally:
        db.dispose()


def test_entries_of_one_transaction_take_the_chains_lock_once_on_postgres(
    fresh_pg_database: str,
) -> None:
    """A transaction writing several entries (a group of imported bundles: one per bundle)
    takes the chain's advisory lock and reads its end once; a savepoint rolled back makes the
    next entry read it again; the chain stays whole and the checkpoint follows it."""
    from sqlalchemy import event

    from justice_desk.services import audit_trail, setup
    from justice_desk.storage import audit

    db = setup.init_province(fresh_pg_database, province="เชียงใหม่")
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    try:
        event.listen(db.write_engine, "before_cursor_execute", note)
        with db.write() as s:
            for n in range(4):
                audit.record(s, f"test-{n}")
            assert sum("pg_advisory_xact_lock" in q for q in seen) == 1
            nested = s.begin_nested()
            audit.record(s, "test-rolled-back")
            nested.rollback()
            audit.record(s, "test-after")
            assert sum("pg_advisory_xact_lock" in q for q in seen) == 3
        with db.write() as s:
            number = audit.record(s, "test-next")
            assert audit.checkpoint(s) == (number, audit.summary(s)[1])
        check = audit_trail.verify_chain(db)
        assert check.whole, check
    finally:
        event.remove(db.write_engine, "before_cursor_execute", note)
        db.dispose()
