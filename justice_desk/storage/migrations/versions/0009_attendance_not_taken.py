"""attendance not taken is a state of its own, not "present" (docs/domain.md §4)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 14:00:00

A new meeting used to list every member as *present*, so minutes printed before anybody took
attendance said that everyone came. Members now start as ``not_taken``
(``Attendance.NOT_TAKEN``) and the minutes cannot be printed or adopted until each is recorded
as present or absent. Nothing in the schema changes (``meeting_attendance.attendance`` is a
string); the new value raises the sync schema number, so a province that does not know it yet
refuses the bundles that carry it ("upgrade this office first", sync.md §10) instead of
misreading them.

What the old rows mean. A member line that is still exactly as the meeting was created
(``present``, never edited: ``rev`` 1) says nothing about whether the member came. Such lines
become ``not_taken`` in this site's own meetings that are not adopted, when nothing shows that
attendance was taken for that meeting:

- minutes adopted (locked, the record as approved) keep their attendance;
- minutes printed (an ``audit_events`` row ``print`` / ``minutes`` for the meeting) keep it:
  a paper says who attended;
- a list somebody edited keeps it: a member line absent, edited (``rev`` > 1) or removed, or a
  substitute on it, shows that attendance was taken.

Every changed line gets ``rev`` + 1 and a change-log row, so the next bundle tells the province.
Records of other centers held at a province are copies and are not touched. Downgrading turns
``not_taken`` back into ``present`` (the only value older versions know).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

meetings = sa.table(
    "meetings",
    sa.column("id", sa.Uuid),
    sa.column("owner_id", sa.Uuid),
    sa.column("status", sa.String),
    sa.column("deleted_at", sa.DateTime),
)
lines = sa.table(
    "meeting_attendance",
    sa.column("id", sa.Uuid),
    sa.column("meeting_id", sa.Uuid),
    sa.column("position", sa.String),
    sa.column("attendance", sa.String),
    sa.column("rev", sa.Integer),
    sa.column("updated_at", sa.DateTime),
    sa.column("deleted_at", sa.DateTime),
)
audit = sa.table(
    "audit_events",
    sa.column("action", sa.String),
    sa.column("table_name", sa.String),
    sa.column("row_id", sa.Uuid),
    sa.column("detail", sa.String),
)
changes = sa.table(
    "change_log",
    sa.column("table_name", sa.String),
    sa.column("row_id", sa.Uuid),
    sa.column("op", sa.String),
    sa.column("rev", sa.Integer),
    sa.column("changed_at", sa.DateTime),
)
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.String))


def _member_lines() -> sa.ColumnElement[bool]:
    return sa.and_(
        lines.c.meeting_id == meetings.c.id,
        lines.c.position.is_not(None),
        lines.c.attendance.not_in(["substitute", "guest"]),
    )


def _untouched_meetings(owner: uuid.UUID) -> sa.Select[tuple[uuid.UUID]]:
    """This site's meetings, not adopted, whose attendance nothing shows was ever taken."""
    printed = sa.exists().where(
        audit.c.action == "print",
        audit.c.table_name == "meetings",
        audit.c.row_id == meetings.c.id,
        audit.c.detail == "minutes",
    )
    edited = sa.exists().where(
        sa.or_(
            sa.and_(
                _member_lines(),
                sa.or_(
                    lines.c.rev > 1,
                    lines.c.attendance != "present",
                    lines.c.deleted_at.is_not(None),
                ),
            ),
            sa.and_(lines.c.meeting_id == meetings.c.id, lines.c.attendance == "substitute"),
        )
    )
    return sa.select(meetings.c.id).where(
        meetings.c.owner_id == owner,
        meetings.c.deleted_at.is_(None),
        meetings.c.status.in_(["draft", "held"]),
        ~printed,
        ~edited,
    )


def upgrade() -> None:
    conn = op.get_bind()
    site = conn.execute(sa.select(settings.c.value).where(settings.c.key == "site_id")).scalar()
    if not site:
        return
    owner = uuid.UUID(str(site))
    meeting_ids = list(conn.execute(_untouched_meetings(owner)).scalars())
    if not meeting_ids:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for start in range(0, len(meeting_ids), 500):
        chunk = meeting_ids[start : start + 500]
        where = sa.and_(
            lines.c.meeting_id.in_(chunk),
            lines.c.position.is_not(None),
            lines.c.attendance == "present",
            lines.c.deleted_at.is_(None),
        )
        changed = [
            (row_id, rev + 1)
            for row_id, rev in conn.execute(sa.select(lines.c.id, lines.c.rev).where(where))
        ]
        if not changed:
            continue
        conn.execute(
            lines.update()
            .where(where)
            .values(attendance="not_taken", rev=lines.c.rev + 1, updated_at=now)
        )
        conn.execute(
            changes.insert(),
            [
                {
                    "table_name": "meeting_attendance",
                    "row_id": row_id,
                    "op": "update",
                    "rev": rev,
                    "changed_at": now,
                }
                for row_id, rev in changed
            ],
        )


def downgrade() -> None:
    op.execute(lines.update().where(lines.c.attendance == "not_taken").values(attendance="present"))
