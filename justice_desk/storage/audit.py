"""The local audit trail of sensitive actions (PDPA): who, when, what."""

from __future__ import annotations

import datetime as dt
import getpass
import uuid

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from justice_desk.storage.models import AuditEvent, utcnow


def current_actor() -> str:
    """The operating-system user until the app has its own accounts."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises various errors on odd systems
        return "unknown"


def record(
    session: Session,
    action: str,
    *,
    table: str | None = None,
    row_id: uuid.UUID | None = None,
    detail: str | None = None,
) -> None:
    session.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            actor=current_actor(),
            action=action,
            table_name=table,
            row_id=row_id,
            detail=detail,
        )
    )


def last_at(session: Session, action: str) -> dt.datetime | None:
    """When ``action`` was last recorded (UTC), or ``None``."""
    return session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.action == action))


def first_at(session: Session) -> dt.datetime | None:
    """When the first event of any kind was recorded on this machine (UTC), or ``None``."""
    return session.scalar(select(func.min(AuditEvent.at)))
