"""Deadlines the law attaches to a case; shown, never enforced by the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from justice_desk.domain.dates import add_years

LIMITATION_EXTENSION_DAYS = 60  # §6: limitation runs on 60 days after a failed mediation ends
ENFORCEMENT_YEARS = 3  # §32: petition the court to enforce within 3 years of the agreement
COMPENSATION_CLAIM_YEARS = 1  # Damages for Injured Persons Act: claim within 1 year


def limitation_extended_until(mediation_ended_on: dt.date) -> dt.date:
    return mediation_ended_on + dt.timedelta(days=LIMITATION_EXTENSION_DAYS)


def enforcement_deadline(agreed_on: dt.date) -> dt.date:
    return add_years(agreed_on, ENFORCEMENT_YEARS)


def compensation_claim_deadline(offence_known_on: dt.date) -> dt.date:
    return add_years(offence_known_on, COMPENSATION_CLAIM_YEARS)


@dataclass(frozen=True)
class CaseDeadlines:
    limitation_extended_until: dt.date | None = None
    enforcement_deadline: dt.date | None = None
    compensation_claim_deadline: dt.date | None = None


def case_deadlines(
    *,
    mediation_failed_on: dt.date | None,
    settled_on: dt.date | None,
    offence_known_on: dt.date | None,
) -> CaseDeadlines:
    return CaseDeadlines(
        limitation_extended_until(mediation_failed_on) if mediation_failed_on else None,
        enforcement_deadline(settled_on) if settled_on else None,
        compensation_claim_deadline(offence_known_on) if offence_known_on else None,
    )


# -- deadlines across many cases (the province's dashboard, docs/domain.md §12) ---------------

#: A deadline within this many days counts as close (the dashboard's "due soon").
DUE_SOON_DAYS = 30


class DeadlineKind(StrEnum):
    """The three deadlines above, each counted from its own date of a case."""

    LIMITATION = "limitation"  # §6: from the end of a mediation without agreement
    ENFORCEMENT = "enforcement"  # §32: from the settlement agreement
    COMPENSATION = "compensation"  # from the day the offence became known


def deadline_of(kind: DeadlineKind, source: dt.date) -> dt.date:
    """The deadline of ``kind`` counted from ``source``: the same functions the case shows."""
    if kind is DeadlineKind.LIMITATION:
        return limitation_extended_until(source)
    if kind is DeadlineKind.ENFORCEMENT:
        return enforcement_deadline(source)
    return compensation_claim_deadline(source)


def sources_due_between(
    kind: DeadlineKind, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date]:
    """The range of source dates whose deadline falls between ``first`` and ``last`` (both
    included), so that a query can select cases by the date it stores rather than compute every
    deadline: ``lo <= source <= hi`` exactly when ``first <= deadline_of(source) <= last``
    (``lo > hi`` when no day qualifies). Deadlines never decrease as the source date grows."""
    one = dt.timedelta(days=1)
    lo = _first_source(kind, first)
    hi = _first_source(kind, last + one) - one
    return lo, hi


def _first_source(kind: DeadlineKind, day: dt.date) -> dt.date:
    """The earliest source date whose deadline is ``day`` or later."""
    one = dt.timedelta(days=1)
    if kind is DeadlineKind.LIMITATION:
        return day - dt.timedelta(days=LIMITATION_EXTENSION_DAYS)
    years = ENFORCEMENT_YEARS if kind is DeadlineKind.ENFORCEMENT else COMPENSATION_CLAIM_YEARS
    guess = add_years(day, -years)
    while deadline_of(kind, guess - one) >= day:
        guess -= one
    while deadline_of(kind, guess) < day:
        guess += one
    return guess
