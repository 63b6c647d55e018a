"""accounts with roles; the audit trail chained, append-only, with the computer's name

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-14 09:00:00

``accounts``: who may sign in, with a role and an Argon2id password hash (docs/architecture.md
§19). A database upgraded from an earlier release has none: it opens as before, and the window
asks for the first coordinator (or administrator) account; from the first account on, everyone
signs in.

``audit_events`` gains ``host`` (the computer), ``prev_hash`` and ``entry_hash``: each entry's
hash covers the previous entry's hash and its own fields (storage/audit.py). Entries written by
earlier releases are chained here, in their order, with no host; then triggers make the table
append-only (UPDATE and DELETE refused; TRUNCATE too on PostgreSQL). A later migration that
rebuilds this table on SQLite (batch mode) must drop the triggers first and create them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from justice_desk.storage import audit

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("login", name=op.f("uq_accounts_login")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_row_id"), ["row_id"], unique=False)

    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("event_no", sa.Integer()),
        sa.column("at", sa.DateTime()),
        sa.column("actor", sa.String()),
        sa.column("host", sa.String()),
        sa.column("action", sa.String()),
        sa.column("table_name", sa.String()),
        sa.column("row_id", sa.Uuid()),
        sa.column("detail", sa.Text()),
        sa.column("prev_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    # Earlier releases numbered entries by autoincrement: renumber them 1, 2, 3… in their order
    # (nothing refers to the numbers) so that the chain has no gap, then chain them.
    rows = bind.execute(sa.select(events).order_by(events.c.event_no)).all()
    prev = audit.GENESIS
    for new_no, row in enumerate(rows, start=1):
        digest = audit.entry_hash(
            new_no,
            row.at,
            row.actor,
            None,
            row.action,
            row.table_name,
            row.row_id,
            row.detail,
            prev,
        )
        bind.execute(
            events.update()
            .where(events.c.event_no == row.event_no)
            .values(event_no=new_no, prev_hash=prev, entry_hash=digest)
        )
        prev = digest
    for statement in _triggers(bind.dialect.name):
        op.execute(statement)


def _triggers(dialect: str) -> tuple[str, ...]:
    return audit.POSTGRES_TRIGGERS if dialect == "postgresql" else audit.SQLITE_TRIGGERS


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    drops = audit.POSTGRES_DROP_TRIGGERS if dialect == "postgresql" else audit.SQLITE_DROP_TRIGGERS
    for statement in drops:
        op.execute(statement)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_row_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor"))
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("host")
    op.drop_table("accounts")
    if dialect == "postgresql":
        # Entries of this schema carry their own numbers, so the column's sequence never moved:
        # the older code that numbers by the sequence would start again at 1.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_events', 'event_no'), "
            "COALESCE((SELECT max(event_no) FROM audit_events), 0) + 1, false)"
        )
