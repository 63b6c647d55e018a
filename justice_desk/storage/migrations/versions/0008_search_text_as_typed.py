"""search text found the way people type what they see (docs/thai-text-and-printing.md §7)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00

The search text of people, cases and activities is rewritten in the form of
``domain.search``: each field without white space inside (``นางน้ำฝนปั้นทอง``: the name as the
lists show it, the title written against it), Thai digits as Arabic ones, the national ID and
the phone as digits only. Nothing in the schema changes; the FTS triggers keep the trigram
indexes in step with the rewritten column. Downgrading writes the earlier form back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 5000

#: table -> the columns its search text is made of
COLUMNS = {
    "people": ("title", "given_name", "surname", "national_id", "phone", "line_id"),
    "cases": ("year_be", "number", "subject"),
    "activities": ("topic", "place", "partners"),
}


def _new(table: str, row: Any) -> str:
    from justice_desk.domain import search

    if table == "people":
        return search.person_index(*row)
    if table == "cases":
        year, number, subject = row
        return search.index_text(f"{number:03d}/{year}", subject)
    return search.index_text(*row)


def _old(table: str, row: Any) -> str:
    from justice_desk.domain import thai_text

    if table == "cases":
        year, number, subject = row
        return thai_text.search_text(f"{number:03d}/{year}", subject)
    return thai_text.search_text(*row)


def _rewrite(make: Callable[[str, Any], str]) -> None:
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
        updates = [{"id": row[0], "s": make(table, tuple(row[1:]))} for row in rows]
        for start in range(0, len(updates), BATCH):
            conn.execute(
                sa.text(f"UPDATE {table} SET search_text = :s WHERE id = :id"),
                updates[start : start + BATCH],
            )


def upgrade() -> None:
    _rewrite(_new)


def downgrade() -> None:
    _rewrite(_old)
