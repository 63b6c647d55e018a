"""Names of backup files and which automatic backups to keep (docs/architecture.md §10).

A backup is named ``justice-desk-CODE-YYYYMMDD-HHMMSS.sqlite3`` with the year in the Buddhist
Era (``justice-desk-500107-25690114-093000.sqlite3``: 14 January 2569, 09.30), the local time it
was taken. Backups made before names used the BE year carry the Gregorian year
(``...-20260114-...``); both are read.

Automatic backups are thinned out by a rotation: the newest backup of each of the last N days,
of each of the last N weeks (Monday to Sunday) and of each of the last N months is kept, and the
newest backup of all is always kept; everything else is removed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from justice_desk.domain.dates import BE_OFFSET

SUFFIX = ".sqlite3"
_STAMP = re.compile(r"^(?P<label>.+)-(?P<date>\d{8})-(?P<time>\d{6})\.sqlite3$")
#: A year below this in a name is Gregorian (names written before the BE stamp).
_FIRST_BE_YEAR = 2400


def stamp(moment: dt.datetime) -> str:
    """``25690114-093000`` for 14 January 2569 at 09.30."""
    return f"{moment.year + BE_OFFSET:04d}{moment:%m%d-%H%M%S}"


def file_name(label: str, moment: dt.datetime) -> str:
    return f"{label}-{stamp(moment)}{SUFFIX}"


@dataclass(frozen=True)
class BackupName:
    label: str
    taken: dt.datetime  # local time, Gregorian


def parse(name: str) -> BackupName | None:
    """The label and moment of a backup file name; ``None`` for any other name."""
    match = _STAMP.match(name)
    if match is None:
        return None
    date, time = match["date"], match["time"]
    year = int(date[:4])
    if year >= _FIRST_BE_YEAR:
        year -= BE_OFFSET
    try:
        taken = dt.datetime(
            year, int(date[4:6]), int(date[6:]), int(time[:2]), int(time[2:4]), int(time[4:])
        )
    except ValueError:
        return None
    return BackupName(match["label"], taken)


@dataclass(frozen=True)
class Retention:
    """How many automatic backups to keep: one per day, per week and per month."""

    days: int = 7
    weeks: int = 5
    months: int = 12

    def __post_init__(self) -> None:
        if min(self.days, self.weeks, self.months) < 0:
            raise ValueError("retention counts cannot be negative")


def to_keep(
    moments: Iterable[dt.datetime], now: dt.datetime, policy: Retention
) -> set[dt.datetime]:
    """The moments (of backups) the rotation keeps at ``now``."""
    ordered = sorted(set(moments), reverse=True)
    if not ordered:
        return set()
    keep = {ordered[0]}
    today = now.date()
    this_monday = today - dt.timedelta(days=today.weekday())

    def newest_per(
        bucket_of: Mapping[dt.datetime, Hashable], allowed: AbstractSet[Hashable]
    ) -> None:
        seen: set[Hashable] = set()
        for moment in ordered:  # newest first
            bucket = bucket_of[moment]
            if bucket in allowed and bucket not in seen:
                seen.add(bucket)
                keep.add(moment)

    newest_per(
        {m: m.date() for m in ordered},
        {today - dt.timedelta(days=i) for i in range(policy.days)},
    )
    newest_per(
        {m: m.date() - dt.timedelta(days=m.weekday()) for m in ordered},
        {this_monday - dt.timedelta(weeks=i) for i in range(policy.weeks)},
    )
    months: set[tuple[int, int]] = set()
    year, month = today.year, today.month
    for _ in range(policy.months):
        months.add((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    newest_per({m: (m.year, m.month) for m in ordered}, months)
    return keep
