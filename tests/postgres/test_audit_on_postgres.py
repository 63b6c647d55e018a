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
