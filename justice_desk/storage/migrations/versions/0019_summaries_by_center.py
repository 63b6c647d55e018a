"""the province's monthly summary tables keyed by center first

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-22 12:00:00

``summary_received`` (owner_id, month, kind, channel), ``summary_outcomes`` (owner_id, days,
month, kind, status) and ``summary_month`` (owner_id, month): the dashboard sums them per
center, and reads a long period's months by scanning them in key order instead of looking each
row up through the month and sorting tens of thousands of rows by center (a province's five
years, docs/architecture.md §21). On SQLite they become WITHOUT ROWID tables (the rows stored
in key order); their separate ``owner_id`` indexes go (the key starts with it). The rows are
copied as they are.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

#: table -> (its columns with their types, the key before, the key after)
TABLES: dict[str, tuple[list[tuple[str, Any]], list[str], list[str]]] = {
    "summary_received": (
        [
            ("month", sa.Integer()),
            ("owner_id", sa.Uuid()),
            ("kind", sa.String(length=32)),
            ("channel", sa.String(length=16)),
            ("cases", sa.Integer()),
        ],
        ["month", "owner_id", "kind", "channel"],
        ["owner_id", "month", "kind", "channel"],
    ),
    "summary_outcomes": (
        [
            ("month", sa.Integer()),
            ("owner_id", sa.Uuid()),
            ("kind", sa.String(length=32)),
            ("status", sa.String(length=32)),
            ("days", sa.Integer()),
            ("cases", sa.Integer()),
        ],
        ["month", "owner_id", "kind", "status", "days"],
        ["owner_id", "days", "month", "kind", "status"],
    ),
    "summary_month": (
        [
            ("month", sa.Integer()),
            ("owner_id", sa.Uuid()),
            ("meetings_held", sa.Integer()),
            ("quorum_failures", sa.Integer()),
            ("minutes_not_adopted", sa.Integer()),
            ("activities", sa.Integer()),
            ("participants_male", sa.Integer()),
            ("participants_female", sa.Integer()),
            ("participants_unspecified", sa.Integer()),
        ],
        ["month", "owner_id"],
        ["owner_id", "month"],
    ),
}


def _rekey(table: str, key: list[str], *, clustered: bool) -> None:
    columns, _before, _after = TABLES[table]
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, key)
        return
    # SQLite cannot change a table's key: a new table, the rows copied, the old one dropped.
    names = ", ".join(name for name, _type in columns)
    op.create_table(
        f"{table}_rekeyed",
        *(sa.Column(name, type_, nullable=False) for name, type_ in columns),
        sa.PrimaryKeyConstraint(*key, name=f"pk_{table}"),
        sqlite_with_rowid=not clustered,
    )
    op.execute(f"INSERT INTO {table}_rekeyed ({names}) SELECT {names} FROM {table}")
    op.drop_table(table)
    op.rename_table(f"{table}_rekeyed", table)


def upgrade() -> None:
    for table, (_columns, _before, after) in TABLES.items():
        op.drop_index(f"ix_{table}_owner_id", table_name=table)
        _rekey(table, after, clustered=True)


def downgrade() -> None:
    for table, (_columns, before, _after) in TABLES.items():
        _rekey(table, before, clustered=False)
        op.create_index(f"ix_{table}_owner_id", table, ["owner_id"], unique=False)
