"""Crime-prevention and community activities, with participants counted by sex."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from justice_desk.domain import limits
from justice_desk.domain.access import Permission
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.services.access import require
from justice_desk.services.common import Page, check_rev, clean, not_in_future, required
from justice_desk.storage import audit
from justice_desk.storage import meeting_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import Activity, utcnow


@dataclass(frozen=True)
class ActivityInput:
    held_on: dt.date
    topic: str
    place: str | None = None
    kind: str = "crime_prevention"
    participants_male: int = 0
    participants_female: int = 0
    participants_unspecified: int = 0
    partners: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ActivityRecord(ActivityInput):
    id: uuid.UUID = uuid.UUID(int=0)
    rev: int = 0

    @property
    def participants(self) -> int:
        return self.participants_male + self.participants_female + self.participants_unspecified


def _check(data: ActivityInput) -> None:
    required(data.topic, _("The topic of the activity is required."), "topic")
    not_in_future(data.held_on, _("A recorded activity"), "held_on")
    if min(data.participants_male, data.participants_female, data.participants_unspecified) < 0:
        raise ValidationError(_("Participant numbers cannot be negative."), "participants")
    if (
        max(data.participants_male, data.participants_female, data.participants_unspecified)
        > limits.PARTICIPANTS_MAX
    ):
        raise ValidationError(
            _("Each participant number can be at most {most}.").format(
                most=f"{limits.PARTICIPANTS_MAX:,}"
            ),
            "participants",
        )


def _record(row: Activity) -> ActivityRecord:
    return ActivityRecord(
        row.held_on,
        row.topic,
        row.place,
        row.kind,
        row.participants_male,
        row.participants_female,
        row.participants_unspecified,
        row.partners,
        row.notes,
        id=row.id,
        rev=row.rev,
    )


def _apply(row: Activity, data: ActivityInput) -> None:
    row.held_on, row.topic, row.place, row.kind = (
        data.held_on,
        data.topic.strip(),
        clean(data.place),
        data.kind,
    )
    row.participants_male, row.participants_female = (
        data.participants_male,
        data.participants_female,
    )
    row.participants_unspecified, row.partners, row.notes = (
        data.participants_unspecified,
        clean(data.partners),
        clean(data.notes),
    )


def create_activity(db: Database, data: ActivityInput) -> ActivityRecord:
    require(db, Permission.ACTIVITIES)
    _check(data)
    with db.write() as session:
        row = Activity()
        _apply(row, data)
        session.add(row)
        session.flush()
        return _record(row)


def update_activity(
    db: Database, activity_id: uuid.UUID, data: ActivityInput, expected_rev: int | None = None
) -> ActivityRecord:
    require(db, Permission.ACTIVITIES)
    _check(data)
    with db.write() as session:
        row = repo.get(session, Activity, activity_id)
        check_rev(row.rev, expected_rev)
        _apply(row, data)
        session.flush()
        return _record(row)


def get_activity(db: Database, activity_id: uuid.UUID) -> ActivityRecord:
    with db.read() as session:
        return _record(repo.get(session, Activity, activity_id))


def delete_activity(db: Database, activity_id: uuid.UUID) -> None:
    require(db, Permission.ACTIVITIES)
    with db.write() as session:
        repo.get(session, Activity, activity_id).deleted_at = utcnow()
        audit.record(session, "delete", table="activities", row_id=activity_id)


def list_activities(
    db: Database,
    *,
    search: str | None = None,
    owner_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 200,
) -> Page[ActivityRecord]:
    with db.read() as session:
        result = q.activities_page(
            session, search=search, owner_id=db.owner_in_view(owner_id), offset=offset, limit=limit
        )
        return Page([_record(r) for r in result.rows], result.total, offset)
