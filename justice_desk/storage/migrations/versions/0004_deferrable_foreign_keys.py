"""deferrable foreign keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:40:00

A province applies a bundle's records in one transaction and checks foreign keys at commit.
SQLite does that with ``PRAGMA defer_foreign_keys``; PostgreSQL only defers constraints declared
DEFERRABLE. SQLite keeps its tables (recreating them would rewrite every row for nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _foreign_keys() -> list[tuple[str, str]]:
    inspector = sa.inspect(op.get_bind())
    return [
        (table, name)
        for table in inspector.get_table_names()
        for fk in inspector.get_foreign_keys(table)
        if (name := fk.get("name"))
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, name in _foreign_keys():
        op.execute(
            f'ALTER TABLE "{table}" ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, name in _foreign_keys():
        op.execute(f'ALTER TABLE "{table}" ALTER CONSTRAINT "{name}" NOT DEFERRABLE')
