"""a retired key verifies only what it signed before; a new epoch waits for a decision

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:20:00

A rotation statement now names the last bundle the old key signed (epoch and seq). The province
keeps that point on the retired key, so a copy of the old key file cannot sign anything newer;
a revocation of the center then takes the earlier of the two cut-offs. ``retired_epoch`` is
empty for a key retired by a statement that did not say, whose cut-off is what the province
had received when it read the statement.

A bundle that starts a new epoch (a center restored from a backup, or someone holding a copy of
its database and key) is held until an officer accepts that epoch: ``enrolments.accepted_epoch``
records the decision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_keys") as batch:
        batch.add_column(sa.Column("retired_epoch", sa.String(64), nullable=True))
        batch.add_column(sa.Column("retired_seq", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("accepted_epoch", sa.String(64), nullable=True))
    # Keys a rotation retired before this revision get the limit a statement that does not say
    # gets: what the province had received from the center by now.
    op.execute(
        """
        UPDATE site_keys
        SET retired_epoch = (
                SELECT e.epoch FROM enrolments e WHERE e.center_id = site_keys.site_id
            ),
            retired_seq = COALESCE(
                (SELECT e.last_seq FROM enrolments e WHERE e.center_id = site_keys.site_id), 0
            )
        WHERE status = 'rotated' AND role = 'peer'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("accepted_epoch")
    with op.batch_alter_table("site_keys") as batch:
        batch.drop_column("retired_seq")
        batch.drop_column("retired_epoch")
