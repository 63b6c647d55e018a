"""Reporting periods (domain/periods.py), the deadline windows the dashboard selects cases by
(domain/deadlines.sources_due_between) and the outcome arithmetic (domain/outcomes.py)."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk.domain.dates import BE_OFFSET, fiscal_year_be
from justice_desk.domain.deadlines import (
    DeadlineKind,
    case_deadlines,
    deadline_of,
    sources_due_between,
)
from justice_desk.domain.enums import CaseStatus
from justice_desk.domain.outcomes import (
    OUTCOME_OF,
    Outcome,
    median_of_counts,
    settlement_rate,
    statuses_of,
)
from justice_desk.domain.periods import (
    Period,
    PeriodInputError,
    PeriodKind,
    month_code,
    month_label,
    parse_period,
)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31))
kinds = st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.FISCAL_YEAR])


# -- parsing --------------------------------------------------------------------------------------


def test_a_month_quarter_fiscal_year_and_custom_range_are_read() -> None:
    assert parse_period("2569-01") == Period(
        dt.date(2026, 1, 1), dt.date(2026, 1, 31), PeriodKind.MONTH
    )
    assert parse_period("2569-02").end == dt.date(2026, 2, 28)
    assert parse_period("2571-02").end == dt.date(2028, 2, 29)  # a leap year
    assert parse_period("2569-Q1") == Period(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31), PeriodKind.QUARTER
    )
    assert parse_period("2569-Q4").start == dt.date(2026, 10, 1)
    assert parse_period("FY2569") == Period(
        dt.date(2025, 10, 1), dt.date(2026, 9, 30), PeriodKind.FISCAL_YEAR
    )
    assert parse_period("2569-01-15..2569-03-31") == Period(
        dt.date(2026, 1, 15), dt.date(2026, 3, 31), PeriodKind.CUSTOM
    )


def test_the_fiscal_year_is_named_as_the_monthly_report_names_it() -> None:
    """1 October 2568 BE starts fiscal year 2569 (dates.fiscal_year_be, the monthly report)."""
    fiscal = parse_period("FY2569")
    assert fiscal_year_be(fiscal.start) == fiscal_year_be(fiscal.end) == 2569
    assert fiscal_year_be(fiscal.start - dt.timedelta(days=1)) == 2568
    assert parse_period("2569") == fiscal  # a bare year is a fiscal year, as the reports take it


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("๒๕๖๙-๐๑", "2569-01"),  # Thai digits
        (" 2569-1 ", "2569-01"),
        ("2026-01", "2569-01"),  # a CE year, as typed dates accept one
        ("2569q2", "2569-Q2"),
        ("Q3 2569", "2569-Q3"),
        ("fy2569", "FY2569"),
        ("ปีงบประมาณ 2569", "FY2569"),
        ("15/01/2569..31/03/2569", "2569-01-15..2569-03-31"),
        ("2026-01-15..2026-03-31", "2569-01-15..2569-03-31"),
    ],
)
def test_periods_are_read_as_people_type_them(text: str, code: str) -> None:
    assert parse_period(text).code == code


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "is not a period"),
        ("January", "is not a period"),
        ("2569-13", "months 1 to 12"),
        ("2569-Q5", "quarters 1 to 4"),
        ("2569-03-31..2569-01-15", "ends before it starts"),
        ("2569-02-30..2569-03-01", "not a date in the calendar"),
        ("FY9999", "not a year"),
    ],
)
def test_a_bad_period_says_what_to_type(text: str, says: str) -> None:
    with pytest.raises(PeriodInputError, match=says):
        parse_period(text)


@given(kind=kinds, day=days)
def test_every_period_of_a_day_contains_it_and_its_code_reads_back(
    kind: PeriodKind, day: dt.date
) -> None:
    period = Period.containing(kind, day)
    assert day in period
    assert parse_period(period.code) == period
    if kind is PeriodKind.FISCAL_YEAR:
        assert period.code == f"FY{fiscal_year_be(day)}"
    if kind is PeriodKind.MONTH:
        assert period.code == f"{day.year + BE_OFFSET}-{day.month:02d}"


@given(first=days, length=st.integers(min_value=0, max_value=800))
def test_a_custom_range_reads_back_and_counts_its_days(first: dt.date, length: int) -> None:
    last = min(first + dt.timedelta(days=length), dt.date(2157, 12, 31))
    period = Period.custom(first, last)
    assert parse_period(period.code) == period
    assert period.days == (last - first).days + 1


@given(kind=kinds, day=days)
def test_periods_of_a_kind_follow_each_other_without_gap_or_overlap(
    kind: PeriodKind, day: dt.date
) -> None:
    period = Period.containing(kind, day)
    after = period.following()
    assert after.start == period.end + dt.timedelta(days=1)
    assert after.kind is kind and after.previous() == period


@given(kind=kinds, day=days)
def test_the_months_of_a_period_are_consecutive_and_cover_it(
    kind: PeriodKind, day: dt.date
) -> None:
    period = Period.containing(kind, day)
    months = period.months()
    assert months[0] == (period.start.year, period.start.month)
    assert months[-1] == (period.end.year, period.end.month)
    assert len(months) == {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3}.get(kind, 12)
    for (y1, m1), (y2, m2) in zip(months, months[1:], strict=False):
        assert (y2 * 12 + m2) - (y1 * 12 + m1) == 1


def test_labels_in_thai_and_english_with_be_years() -> None:
    assert parse_period("2569-01").label("th") == "มกราคม 2569"
    assert parse_period("2569-01").label("en") == "January 2569 BE"
    assert parse_period("2569-Q1").label("th") == "ไตรมาสที่ 1 ปี 2569 (มกราคม – มีนาคม)"
    assert parse_period("2569-Q1").label("en") == "Q1 2569 BE (January – March)"
    assert parse_period("FY2569").label("th") == "ปีงบประมาณ 2569 (1 ต.ค. 2568 – 30 ก.ย. 2569)"
    assert parse_period("FY2569").label("en") == "Fiscal year 2569 (1 Oct 2568 – 30 Sep 2569)"
    assert parse_period("2569-01-15..2569-03-31").label("th") == "15 ม.ค. 2569 – 31 มี.ค. 2569"
    assert month_code(2026, 1) == "2569-01"
    assert month_label(2026, 1, "th", short=True) == "ม.ค. 69"
    assert month_label(2026, 10, "en", short=True) == "Oct 69"


def test_as_of_is_today_inside_the_period_else_its_nearest_end() -> None:
    period = parse_period("2569-Q1")
    assert period.as_of(dt.date(2026, 2, 10)) == dt.date(2026, 2, 10)
    assert period.as_of(dt.date(2026, 7, 1)) == dt.date(2026, 3, 31)
    assert period.as_of(dt.date(2025, 7, 1)) == dt.date(2026, 1, 1)


# -- deadline windows ------------------------------------------------------------------------------


@given(
    kind=st.sampled_from(list(DeadlineKind)),
    source=days,
    first=days,
    span=st.integers(min_value=-5, max_value=400),
)
def test_a_case_is_selected_by_its_date_exactly_when_its_deadline_is_in_the_window(
    kind: DeadlineKind, source: dt.date, first: dt.date, span: int
) -> None:
    last = first + dt.timedelta(days=span)
    lo, hi = sources_due_between(kind, first, last)
    deadline = deadline_of(kind, source)
    assert (lo <= source <= hi) == (first <= deadline <= last)


def test_deadline_of_is_what_the_case_shows() -> None:
    ended, agreed, known = dt.date(2026, 1, 10), dt.date(2024, 2, 29), dt.date(2025, 3, 1)
    shown = case_deadlines(mediation_failed_on=ended, settled_on=agreed, offence_known_on=known)
    assert deadline_of(DeadlineKind.LIMITATION, ended) == shown.limitation_extended_until
    assert deadline_of(DeadlineKind.ENFORCEMENT, agreed) == shown.enforcement_deadline
    assert deadline_of(DeadlineKind.COMPENSATION, known) == shown.compensation_claim_deadline
    # 29 February + 3 years falls back to 28 February; both 28 and 29 February count for it
    assert sources_due_between(
        DeadlineKind.ENFORCEMENT, dt.date(2027, 2, 28), dt.date(2027, 2, 28)
    ) == (dt.date(2024, 2, 28), dt.date(2024, 2, 29))


# -- outcomes --------------------------------------------------------------------------------------


def test_every_outcome_status_maps_to_one_outcome_and_every_outcome_has_one() -> None:
    assert set(OUTCOME_OF.values()) == set(Outcome)
    assert statuses_of(Outcome.NOT_SETTLED) == (CaseStatus.TERMINATED, CaseStatus.DISMISSED)
    assert all(not s.is_open or s is CaseStatus.SETTLED for s in OUTCOME_OF)
    assert CaseStatus.CLOSED not in OUTCOME_OF and CaseStatus.RECEIVED not in OUTCOME_OF


def test_settlement_rate() -> None:
    assert settlement_rate(3, 4) == 0.75
    assert settlement_rate(0, 0) is None


@given(values=st.lists(st.integers(min_value=0, max_value=2000), max_size=60))
def test_median_of_counts_is_the_median(values: list[int]) -> None:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    expected = statistics.median(values) if values else None
    assert median_of_counts(counts) == expected
