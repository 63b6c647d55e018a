"""Buddhist Era years, fiscal years, Thai/English date and time formatting, and date input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk import i18n
from justice_desk.domain.dates import (
    BE_OFFSET,
    DateInputError,
    add_years,
    be_year,
    ce_year,
    fiscal_year_be,
    fiscal_year_range,
    format_date,
    format_numeric_date,
    format_time,
    parse_be_date,
    parse_time,
)

WEDNESDAY = dt.date(2026, 1, 14)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


# --- BE years and fiscal years -------------------------------------------------------------


def test_be_year_and_back() -> None:
    assert BE_OFFSET == 543
    assert be_year(WEDNESDAY) == 2569
    assert be_year(dt.date(2025, 12, 31)) == 2568
    assert ce_year(2569) == 2026


@pytest.mark.parametrize(
    ("day", "fiscal"),
    [
        (dt.date(2025, 9, 30), 2568),
        (dt.date(2025, 10, 1), 2569),  # October starts the fiscal year named by the next BE year
        (dt.date(2025, 12, 31), 2569),
        (dt.date(2026, 1, 1), 2569),
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 10, 1), 2570),
    ],
)
def test_fiscal_year_runs_october_to_september_named_by_the_year_it_ends(
    day: dt.date, fiscal: int
) -> None:
    assert fiscal_year_be(day) == fiscal


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2569) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))


@given(day=dates)
def test_every_day_lies_in_its_fiscal_year_and_the_years_are_contiguous(day: dt.date) -> None:
    first, last = fiscal_year_range(fiscal_year_be(day))
    assert first <= day <= last
    assert fiscal_year_be(first) == fiscal_year_be(last) == fiscal_year_be(day)
    assert fiscal_year_be(first - dt.timedelta(days=1)) == fiscal_year_be(day) - 1
    assert fiscal_year_be(last + dt.timedelta(days=1)) == fiscal_year_be(day) + 1
    assert be_year(last) == fiscal_year_be(day)  # named by the BE year in which it ends


# --- add_years -----------------------------------------------------------------------------


def test_add_years_keeps_the_day() -> None:
    assert add_years(WEDNESDAY, 3) == dt.date(2029, 1, 14)
    assert add_years(WEDNESDAY, -1) == dt.date(2025, 1, 14)
    assert add_years(WEDNESDAY, 0) == WEDNESDAY


def test_add_years_from_29_february() -> None:
    leap_day = dt.date(2024, 2, 29)
    assert add_years(leap_day, 1) == dt.date(2025, 2, 28)
    assert add_years(leap_day, 3) == dt.date(2027, 2, 28)
    assert add_years(leap_day, 4) == dt.date(2028, 2, 29)
    assert add_years(leap_day, -4) == dt.date(2020, 2, 29)
    assert add_years(leap_day, -1) == dt.date(2023, 2, 28)


@given(day=dates, years=st.integers(min_value=-100, max_value=100))
def test_add_years_property(day: dt.date, years: int) -> None:
    later = add_years(day, years)
    assert later.year == day.year + years
    assert later.month == day.month
    if (day.month, day.day) == (2, 29):
        assert later.day in (28, 29)
    else:
        assert later.day == day.day
        assert add_years(later, -years) == day


# --- formatting ----------------------------------------------------------------------------


def test_format_date_thai() -> None:
    assert format_date(WEDNESDAY) == "14 มกราคม 2569"
    assert format_date(WEDNESDAY, "th") == "14 มกราคม 2569"
    assert format_date(dt.date(2026, 1, 4)) == "4 มกราคม 2569"  # no leading zero
    assert format_date(dt.date(1999, 12, 31)) == "31 ธันวาคม 2542"


def test_format_date_thai_with_weekday() -> None:
    assert format_date(WEDNESDAY, weekday=True) == "วันพุธที่ 14 มกราคม 2569"
    assert format_date(dt.date(2026, 5, 3), weekday=True) == "วันอาทิตย์ที่ 3 พฤษภาคม 2569"


def test_format_date_thai_weekdays_of_a_week() -> None:
    names = ["วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์"]
    for offset, name in enumerate(names):
        day = dt.date(2026, 1, 12) + dt.timedelta(days=offset)
        assert format_date(day, weekday=True) == f"{name}ที่ {day.day} มกราคม 2569"


def test_format_date_thai_short() -> None:
    assert format_date(WEDNESDAY, short=True) == "14 ม.ค. 2569"
    assert format_date(WEDNESDAY, weekday=True, short=True) == "วันพุธที่ 14 ม.ค. 2569"


def test_format_date_english() -> None:
    assert format_date(WEDNESDAY, "en") == "14 January 2569 BE"
    assert format_date(WEDNESDAY, "en", weekday=True) == "Wednesday 14 January 2569 BE"
    assert format_date(WEDNESDAY, "en", short=True) == "14 Jan 2569"


def test_format_date_none_is_empty() -> None:
    assert format_date(None) == ""
    assert format_date(None, "en") == ""
    assert format_numeric_date(None) == ""
    assert format_time(None) == ""


THAI_MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]


@given(day=dates)
def test_format_date_thai_property(day: dt.date) -> None:
    assert format_date(day) == f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def test_format_numeric_date() -> None:
    assert format_numeric_date(WEDNESDAY) == "14/01/2569"
    assert format_numeric_date(dt.date(2026, 11, 5)) == "05/11/2569"


def test_format_time() -> None:
    assert format_time(dt.time(9, 30)) == "09.30 น."
    assert format_time(dt.time(9, 30), "th") == "09.30 น."
    assert format_time(dt.time(16, 5)) == "16.05 น."
    assert format_time(dt.time(9, 30), "en") == "09:30"
    assert format_time(dt.time(0, 0), "en") == "00:00"


# --- parsing dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "14/01/2569",
        "14/1/2569",
        "14/1/2026",
        "14/01/2026",
        "2026-01-14",
        "๑๔/๐๑/๒๕๖๙",
        "๑๔/๑/๒๐๒๖",
        "14.01.2569",
        "14-01-2569",
        " 14 / 1 / 2569 ",
    ],
)
def test_parse_be_date_accepts_the_usual_forms(typed: str) -> None:
    assert parse_be_date(typed) == WEDNESDAY


def test_parse_be_date_29_february() -> None:
    assert parse_be_date("29/02/2567") == dt.date(2024, 2, 29)


def test_parse_be_date_year_boundary_between_ce_and_be() -> None:
    assert parse_be_date("01/01/2401") == dt.date(1858, 1, 1)  # above 2400: BE
    assert parse_be_date("01/01/2400") == dt.date(2400, 1, 1)  # else CE
    assert parse_be_date("01/01/1990") == dt.date(1990, 1, 1)


@pytest.mark.parametrize(
    "typed", ["31/02/2569", "29/02/2566", "0/1/2569", "14/13/2569", "32/01/2569", "14/0/2569"]
)
def test_impossible_dates_raise_with_a_message_naming_the_input(english, typed: str) -> None:
    with pytest.raises(DateInputError) as info:
        parse_be_date(typed)
    message = str(info.value)
    assert typed in message
    assert "not a date in the calendar" in message


@pytest.mark.parametrize(
    "typed",
    ["garbage", "", "   ", "14/01/69", "14/01", "2026-1-14", "14 มกราคม 2569", "1/1/1/2569"],
)
def test_garbage_raises_with_an_example(english, typed: str) -> None:
    with pytest.raises(DateInputError) as info:
        parse_be_date(typed)
    assert "14/01/2569" in str(info.value)
    assert "day/month/year" in str(info.value)


def test_date_input_error_is_a_value_error_and_none_is_refused(english) -> None:
    assert issubclass(DateInputError, ValueError)
    with pytest.raises(DateInputError):
        parse_be_date(None)  # type: ignore[arg-type]


def test_impossible_date_message_exists_in_thai_mode_too() -> None:
    previous = i18n.language()
    i18n.set_language("th")
    try:
        with pytest.raises(DateInputError) as info:
            parse_be_date("31/02/2569")
        assert "31/02/2569" in str(info.value)
    finally:
        i18n.set_language(previous)


@given(day=dates)
def test_numeric_date_round_trips_in_arabic_and_thai_digits(day: dt.date) -> None:
    typed = format_numeric_date(day)
    assert parse_be_date(typed) == day
    assert parse_be_date(typed.translate(THAI_DIGITS)) == day
    assert parse_be_date(day.isoformat()) == day


def test_iso_shaped_input_with_a_be_year_is_read_as_be() -> None:
    assert parse_be_date("2569-01-14") == WEDNESDAY


# --- parsing times -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9.30", dt.time(9, 30)),
        ("09.30", dt.time(9, 30)),
        ("09:30", dt.time(9, 30)),
        ("09.30 น.", dt.time(9, 30)),
        (" 9 : 30 ", dt.time(9, 30)),
        ("๐๙.๓๐ น.", dt.time(9, 30)),
        ("0.00", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_parse_time(typed: str, expected: dt.time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "99.99"])
def test_parse_time_out_of_range(english, typed: str) -> None:
    with pytest.raises(DateInputError) as info:
        parse_time(typed)
    assert typed in str(info.value)
    assert "not a time of day" in str(info.value)


@pytest.mark.parametrize("typed", ["9", "abc", "", "9.3", "9.300", "09-30", "น."])
def test_parse_time_garbage(english, typed: str) -> None:
    with pytest.raises(DateInputError) as info:
        parse_time(typed)
    assert "09.30" in str(info.value)


@given(value=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_formatted_times_parse_back(value: dt.time) -> None:
    assert parse_time(format_time(value)) == value
    assert parse_time(format_time(value, "en")) == value
