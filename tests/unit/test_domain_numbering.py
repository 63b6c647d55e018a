"""Visible case and meeting numbers running per BE year (labels, never keys)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk.domain.numbering import (
    YearNumber,
    format_case_number,
    format_meeting_number,
    next_number,
    parse_year_number,
)

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def test_case_numbers_have_three_digits() -> None:
    assert format_case_number(5, 2569) == "005/2569"
    assert format_case_number(42, 2569) == "042/2569"
    assert format_case_number(999, 2569) == "999/2569"
    assert format_case_number(1234, 2569) == "1234/2569"


def test_meeting_numbers_are_not_padded() -> None:
    assert format_meeting_number(4, 2569) == "4/2569"
    assert format_meeting_number(12, 2570) == "12/2570"


@pytest.mark.parametrize(
    "typed", ["005/2569", "5/2569", "05/2569", " 5 / 2569 ", "๕/๒๕๖๙", "๐๐๕/๒๕๖๙", "5/๒๕๖๙"]
)
def test_parse_year_number(typed: str) -> None:
    assert parse_year_number(typed) == YearNumber(2569, 5)


@pytest.mark.parametrize(
    "typed",
    [
        "0/2569",
        "000/2569",
        "",
        None,
        "abc",
        "5",
        "5/69",
        "5/25690",
        "5-2569",
        "1234567/2569",
        "/2569",
        "5/",
        "a5/2569",
    ],
)
def test_parse_year_number_rejects_zero_and_garbage(typed: str | None) -> None:
    assert parse_year_number(typed) is None  # type: ignore[arg-type]


@given(
    number=st.integers(min_value=1, max_value=999_999),
    year=st.integers(min_value=2400, max_value=9999),
)
def test_formatted_numbers_parse_back(number: int, year: int) -> None:
    expected = YearNumber(year, number)
    assert parse_year_number(format_case_number(number, year)) == expected
    assert parse_year_number(format_meeting_number(number, year)) == expected
    assert parse_year_number(format_case_number(number, year).translate(THAI_DIGITS)) == expected


def test_year_numbers_sort_by_year_then_number() -> None:
    numbers = [YearNumber(2569, 10), YearNumber(2568, 99), YearNumber(2569, 2), YearNumber(2569, 1)]
    assert sorted(numbers) == [
        YearNumber(2568, 99),
        YearNumber(2569, 1),
        YearNumber(2569, 2),
        YearNumber(2569, 10),
    ]
    # Numeric, not textual: 10 comes after 2.
    assert parse_year_number("010/2569") > parse_year_number("002/2569")  # type: ignore[operator]


def test_next_number_runs_from_one() -> None:
    assert next_number(None) == 1
    assert next_number(0) == 1
    assert next_number(4) == 5
