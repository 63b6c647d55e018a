"""indexes for a province of many centers: foreign keys' child columns, the dashboard's dates

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-20 10:00:00

Measured on a province of 250 demo centers × 5 years (about 500,000 records; docs/architecture.md
§21, ``benchmarks/bench_province_dashboard.py``):

- Seven foreign-key columns had no index (``models.SCALE_FOREIGN_KEY_INDEXES``). SQLite checks a
  deferred foreign key from the parent's side while a reference is still open in the
  transaction, so an import that inserted meetings read the whole ``minutes_versions`` table
  for each one: writing one center of 2,000 records into that province took 6 s instead of
  0.1 s, and every import grew slower with the province.
- The dashboard's ranges (``models.SCALE_DASHBOARD_INDEXES``): outcome events by day with
  everything the ranking reads, the §6 and §32 deadlines' source dates, active memberships,
  and the attendance lines a meeting's quorum is counted from -- partial indexes over live
  rows, as the case register's (0005).

Indexes only: no data changes; the database keeps them in step with every write, in the same
transaction (imports included).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
FOREIGN_KEYS = (
    ("cases", "responsible_id"),
    ("meetings", "minute_taker_id"),
    ("meetings", "checker_id"),
    ("meetings", "adopted_in_meeting_id"),
    ("meeting_attendance", "person_id"),
    ("meeting_attendance", "substitute_for_id"),
    ("minutes_versions", "adopted_in_meeting_id"),
)
DASHBOARD = {
    "ix_case_events_dashboard": (
        "case_events",
        ["occurred_on", "to_status", "case_id", "owner_id", "created_at", "id"],
    ),
    "ix_cases_live_mediation_ended": ("cases", ["mediation_ended_on"]),
    "ix_settlements_agreed_on": ("settlements", ["agreed_on"]),
    "ix_memberships_live_status": ("memberships", ["status", "person_id"]),
    "ix_meeting_attendance_quorum": (
        "meeting_attendance",
        ["meeting_id", "position", "attendance", "person_id", "substitute_for_id"],
    ),
}


def upgrade() -> None:
    for table, column in FOREIGN_KEYS:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
    for name, (table, columns) in DASHBOARD.items():
        op.create_index(
            name, table, columns, unique=False, sqlite_where=LIVE, postgresql_where=LIVE
        )


def downgrade() -> None:
    for name, (table, _columns) in DASHBOARD.items():
        op.drop_index(name, table_name=table)
    for table, column in FOREIGN_KEYS:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
