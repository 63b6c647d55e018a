"""Deadlines the law attaches to a case; shown, never enforced by the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
