"""the province's summary tables: per center and month, the dashboard's sums

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-21 10:00:00

``summary_received`` (cases received by kind and channel), ``summary_outcomes`` (cases whose
outcome events share one month, by last outcome, kind and days to it), ``summary_outcome_spans``
(the cases whose outcome events fall in several months) and ``summary_month`` (meetings held,
without a quorum, minutes not adopted; activities and participants by sex), per center and
calendar month (``month`` = CE year × 100 + month); ``summary_deadlines`` (cases per day a
legal deadline counts from) and ``summary_people`` (members and trained members per center).
A province's dashboard and reports sum a period's whole months, its deadlines' days and its
members from them (docs/architecture.md §21; ``storage/summaries.py``).

Filled here from the records already imported, by the same recount every import runs in its
transaction (``storage.summaries.refresh_all``): every owner but this database's own site. A
center's database leaves them empty (its dashboard counts its own records).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = (
    "summary_received",
    "summary_outcomes",
    "summary_outcome_spans",
    "summary_month",
    "summary_deadlines",
    "summary_people",
)


def upgrade() -> None:
    op.create_table(
        "summary_received",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "owner_id", "kind", "channel", name=op.f("pk_summary_received")
        ),
    )
    op.create_table(
        "summary_outcomes",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "owner_id", "kind", "status", "days", name=op.f("pk_summary_outcomes")
        ),
    )
    op.create_table(
        "summary_outcome_spans",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_summary_outcome_spans")),
    )
    op.create_table(
        "summary_month",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("meetings_held", sa.Integer(), nullable=False),
        sa.Column("quorum_failures", sa.Integer(), nullable=False),
        sa.Column("minutes_not_adopted", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("participants_male", sa.Integer(), nullable=False),
        sa.Column("participants_female", sa.Integer(), nullable=False),
        sa.Column("participants_unspecified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "owner_id", name=op.f("pk_summary_month")),
    )
    op.create_table(
        "summary_deadlines",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day", "owner_id", name=op.f("pk_summary_deadlines")),
    )
    op.create_table(
        "summary_people",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("trained_members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_summary_people")),
    )
    for table in TABLES[:-1]:
        op.create_index(op.f(f"ix_{table}_owner_id"), table, ["owner_id"], unique=False)

    from justice_desk.storage import summaries

    summaries.refresh_all(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        if table != "summary_people":
            op.drop_index(op.f(f"ix_{table}_owner_id"), table_name=table)
        op.drop_table(table)
