"""the intake facts the mediation rules need (docs/mediation-law.md, issue 15)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00

The eligibility check answered from the matter and the amount alone. The Dispute Mediation Act
needs more, so intake records it:

- ``no_money_value``: a civil dispute that is not about money (a path, noise), kept apart from
  an amount not entered yet, which is now asked for instead of being taken as within the
  §69(1) cap;
- ``offender_age`` (completed years on the day of the offence) or ``offender_birth_date``
  (with ``incident_on`` as the date of the offence): the Act does not apply to a criminal case of
  the Juvenile and Family Court, an offender under 18 on that day (§8);
- ``criminal_stage`` (``none``, ``police``, ``prosecutor``, ``court``; NULL is "not asked"):
  a criminal matter already with them must be notified to them (§36).

All four are nullable: older rows and bundles from centers that have not upgraded read as
"not entered" (sync.md §10), and the new schema number makes a province that does not know the
columns refuse the bundles carrying them until it upgrades.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch:
        batch.add_column(sa.Column("no_money_value", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("offender_age", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offender_birth_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("criminal_stage", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch:
        batch.drop_column("criminal_stage")
        batch.drop_column("offender_birth_date")
        batch.drop_column("offender_age")
        batch.drop_column("no_money_value")
