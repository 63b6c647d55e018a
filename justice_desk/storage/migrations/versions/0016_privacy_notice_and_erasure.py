"""each person's privacy notice, legal basis and erasure (PDPA; docs/privacy.md)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:30:00

``people`` gains ``privacy_notice_on`` (the day the person was given the notice whose version
``privacy_notice_version`` already held), ``privacy_basis`` (``case``, ``mediator`` or
``consent``: domain.privacy.LegalBasis) and ``anonymised_on`` (the day the person's data was
erased on request or at the yearly disposal; the row stays, emptied, so that cases and minutes
keep their shape and the province's copy is emptied by the next bundle).

Existing people get the basis their links give (a party to or responsible for a case: ``case``;
else a registered mediator: ``mediator``; else ``consent``), computed the same way at a center
and at the province, so no bundle is needed for it. Their notice version and day stay as they
were: a notice not yet recorded shows as such on the person's page.

All three are nullable: bundles from centers that have not upgraded read as "not recorded".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch:
        batch.add_column(sa.Column("privacy_notice_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("privacy_basis", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("anonymised_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE people SET privacy_basis = CASE "
        "WHEN EXISTS (SELECT 1 FROM case_parties cp WHERE cp.person_id = people.id "
        "AND cp.deleted_at IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases c WHERE c.responsible_id = people.id "
        "AND c.deleted_at IS NULL) THEN 'case' "
        "WHEN EXISTS (SELECT 1 FROM mediators m WHERE m.person_id = people.id "
        "AND m.deleted_at IS NULL) THEN 'mediator' "
        "ELSE 'consent' END"
    )


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch:
        batch.drop_column("anonymised_on")
        batch.drop_column("privacy_basis")
        batch.drop_column("privacy_notice_on")
