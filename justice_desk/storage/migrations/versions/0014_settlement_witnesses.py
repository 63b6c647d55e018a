"""the witnesses of a settlement agreement (issue 12 §8)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:00:00

The printed agreement had two blank witness lines and nowhere in the app to name the witnesses,
so a clerk wrote them in by hand on every copy. ``settlements.witnesses`` holds their names,
one a line, entered with the agreement; each is printed with a signature line.

Nullable: older rows and bundles from centers that have not upgraded read as "none recorded"
(the agreement then keeps its blank lines), and the new schema number makes a province that does
not know the column refuse the bundles carrying it until it upgrades (docs/sync.md §10).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settlements", schema=None) as batch:
        batch.add_column(sa.Column("witnesses", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("settlements", schema=None) as batch:
        batch.drop_column("witnesses")
