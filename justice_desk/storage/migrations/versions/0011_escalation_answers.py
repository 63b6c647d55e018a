"""the office's answers to escalated cases (docs/domain.md §13, docs/sync.md §12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11 10:00:00

A center escalates what it cannot resolve to the Provincial Justice Office; the office now
answers (accepted, referred to a named agency, returned with advice, closed) with a note and
the officer's name. ``escalation_answers`` holds the answer, one per case, owned by the province
(``owner_id``). It is not a syncable table: the province writes it, its next receipt carries it
to the center (an additive receipt field, format §6), and the center keeps the copy read-only
with the receipt number that brought it. The center's case row is never changed by an answer.

A new table only: older databases gain it empty, nothing else changes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # DEFERRABLE as every foreign key on PostgreSQL (0004); SQLite defers with a pragma and
    # does not keep the flag.
    deferrable: dict[str, Any] = {"deferrable": True, "initially": "IMMEDIATE"}
    if op.get_bind().dialect.name != "postgresql":
        deferrable = {}
    op.create_table(
        "escalation_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_escalation_answers_case_id_cases"),
            **deferrable,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_answers")),
        sa.UniqueConstraint("case_id", name=op.f("uq_escalation_answers_case_id")),
    )
    with op.batch_alter_table("escalation_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_answers_center_id"), ["center_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_answers_center_id"))
    op.drop_table("escalation_answers")
