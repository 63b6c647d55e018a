"""the province's summaries: centers marked stale by a write, recounted later

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-22 10:00:00

``summary_stale``: one row per center whose summary rows may no longer match its records. A
bundle's import (and a conflict decision) marks its center in its own transaction instead of
recounting it there; the dashboard counts a marked center from its records, and
``storage.summaries.refresh_stale`` recounts it later in a transaction of its own and removes
the mark (docs/architecture.md §21). The summaries filled by 0017 are a recount, so nothing
starts marked.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summary_stale",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_summary_stale")),
    )


def downgrade() -> None:
    op.drop_table("summary_stale")
