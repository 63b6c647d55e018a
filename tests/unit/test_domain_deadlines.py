"""Deadlines the law attaches to a case (§6 60 days, §32 three years, compensation one year)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from justice_desk.domain.deadlines import (
    COMPENSATION_CLAIM_YEARS,
    ENFORCEMENT_YEARS,
    LIMITATION_EXTENSION_DAYS,
    CaseDeadlines,
    case_deadlines,
    compensation_claim_deadline,
    enforcement_deadline,
    limitation_extended_until,
)

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))


def test_constants() -> None:
    assert LIMITATION_EXTENSION_DAYS == 60
    assert ENFORCEMENT_YEARS == 3
    assert COMPENSATION_CLAIM_YEARS == 1


def test_limitation_runs_on_60_days_after_a_failed_mediation() -> None:
    assert limitation_extended_until(dt.date(2026, 1, 14)) == dt.date(2026, 3, 15)
    assert limitation_extended_until(dt.date(2025, 11, 15)) == dt.date(2026, 1, 14)  # across a year


def test_limitation_counts_the_leap_day() -> None:
    assert limitation_extended_until(dt.date(2024, 1, 1)) == dt.date(2024, 3, 1)
    assert limitation_extended_until(dt.date(2023, 1, 1)) == dt.date(2023, 3, 2)
    assert limitation_extended_until(dt.date(2024, 2, 29)) == dt.date(2024, 4, 29)


def test_enforcement_three_years_after_the_agreement() -> None:
    assert enforcement_deadline(dt.date(2026, 1, 14)) == dt.date(2029, 1, 14)
    assert enforcement_deadline(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert enforcement_deadline(dt.date(2025, 2, 28)) == dt.date(2028, 2, 28)


def test_compensation_claim_one_year() -> None:
    assert compensation_claim_deadline(dt.date(2026, 1, 14)) == dt.date(2027, 1, 14)
    assert compensation_claim_deadline(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert compensation_claim_deadline(dt.date(2027, 2, 28)) == dt.date(2028, 2, 28)


@given(day=dates)
def test_deadline_properties(day: dt.date) -> None:
    assert (limitation_extended_until(day) - day).days == 60
    enforce = enforcement_deadline(day)
    claim = compensation_claim_deadline(day)
    assert (enforce.year, enforce.month) == (day.year + 3, day.month)
    assert (claim.year, claim.month) == (day.year + 1, day.month)
    if (day.month, day.day) != (2, 29):
        assert enforce.day == claim.day == day.day
    else:
        assert claim.day == 28
    assert day < claim < enforce


def test_case_deadlines_all_none() -> None:
    assert (
        case_deadlines(mediation_failed_on=None, settled_on=None, offence_known_on=None)
        == CaseDeadlines()
    )
    assert CaseDeadlines() == CaseDeadlines(None, None, None)


def test_case_deadlines_fills_only_what_applies() -> None:
    failed = case_deadlines(
        mediation_failed_on=dt.date(2026, 1, 14), settled_on=None, offence_known_on=None
    )
    assert failed == CaseDeadlines(limitation_extended_until=dt.date(2026, 3, 15))
    settled = case_deadlines(
        mediation_failed_on=None,
        settled_on=dt.date(2024, 2, 29),
        offence_known_on=dt.date(2024, 2, 29),
    )
    assert settled.limitation_extended_until is None
    assert settled.enforcement_deadline == dt.date(2027, 2, 28)
    assert settled.compensation_claim_deadline == dt.date(2025, 2, 28)
