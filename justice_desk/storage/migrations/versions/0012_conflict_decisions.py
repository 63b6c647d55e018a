"""an officer's decisions on the conflict list (docs/sync.md §13)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-18 10:00:00

The province's conflict list (versions that came back after a center's restore, records
refused for their number or references, bundles held for a gap) now gets a person's decision:
keep the center's version, keep the province's, ask the center to send it again, or dismiss
with a note. ``conflict_decisions`` holds it, one per entry, owned by the province
(``owner_id``). It is not a syncable table: the province writes it, its next receipt carries it
to the center (an additive receipt field, format §6), and the center keeps the copy read-only
with the receipt number that brought it.

A new table only: older databases gain it empty, nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflict_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("center_id", sa.Uuid(), nullable=False),
        sa.Column("problem", sa.String(length=16), nullable=False),
        sa.Column("problem_no", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=True),
        sa.Column("row_id", sa.String(length=64), nullable=True),
        sa.Column("record_rev", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("first_change", sa.Integer(), nullable=True),
        sa.Column("last_change", sa.Integer(), nullable=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_decisions")),
        sa.UniqueConstraint(
            "center_id", "problem", "problem_no", name="uq_conflict_decisions_problem"
        ),
    )
    with op.batch_alter_table("conflict_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_decisions_center_id"), ["center_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conflict_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_decisions_center_id"))
    op.drop_table("conflict_decisions")
