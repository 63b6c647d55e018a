"""enrolments remember the epochs a center has left

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:10:00

Bundles now name the epochs their center left before the current one (``previous_epochs`` in
the manifest, an additive field). The province keeps them per center, so a bundle from an older
epoch it never saw (a laptop restored twice, the first restore's bundle still on a USB stick) is
known to be old news instead of being taken for the newest state.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("superseded_epochs", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("superseded_epochs")
