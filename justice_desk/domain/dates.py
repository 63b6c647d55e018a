"""Buddhist Era years, Thai dates and times, fiscal years, and date arithmetic for deadlines.

Dates are stored as ISO Gregorian dates; the BE year is a display and numbering concern only.
"""

from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def be_year(day: dt.date) -> int:
    return day.year + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def fiscal_year_be(day: dt.date) -> int:
    """The Thai government fiscal year (October–September), named by the BE year it ends in."""
    return be_year(day) + (1 if day.month >= 10 else 0)


def fiscal_year_range(fiscal_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year given by its BE name."""
    end_ce = ce_year(fiscal_be)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def format_date(
    day: dt.date | None, language: str = "th", *, weekday: bool = False, short: bool = False
) -> str:
    """``14 มกราคม 2569`` / ``วันพุธที่ 14 มกราคม 2569`` / ``14 ม.ค. 2569``;
    English: ``14 January 2569 BE``."""
    if day is None:
        return ""
    if language == "th":
        from pythainlp.util import thai_strftime

        pattern = "%-d %b %Y" if short else "%-d %B %Y"
        if weekday:
            pattern = "%Aที่ " + pattern
        return thai_strftime(dt.datetime(day.year, day.month, day.day), pattern)
    month_name = ENGLISH_MONTHS[day.month - 1]
    text = f"{day.day} {month_name[:3] if short else month_name} {be_year(day)}"
    if weekday:
        text = f"{day.strftime('%A')} {text}"
    return text if short else f"{text} BE"


def format_numeric_date(day: dt.date | None) -> str:
    """``14/01/2569``: the form dates are typed in."""
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{be_year(day)}"


def format_time(value: dt.time | None, language: str = "th") -> str:
    """``09.30 น.`` in Thai, ``09:30`` in English."""
    if value is None:
        return ""
    if language == "th":
        return f"{value.hour:02d}.{value.minute:02d} น."
    return f"{value.hour:02d}:{value.minute:02d}"


_DATE_INPUT = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_INPUT = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class DateInputError(ValueError):
    """The typed text is not a date; ``str()`` is a translated sentence."""


def parse_be_date(text: str) -> dt.date:
    """Parse ``14/1/2569`` (day/month/BE year) or ISO ``2026-01-14``; Thai digits accepted.

    A four-digit year above 2400 is taken as BE, anything else as CE — nobody alive was born
    before 1857, and a CE year typed by habit is still understood.
    """
    from pythainlp.util import thai_digit_to_arabic_digit

    from justice_desk.i18n import _

    text = thai_digit_to_arabic_digit(text or "")
    iso = _ISO_INPUT.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        if year > 2400:
            year -= BE_OFFSET
    else:
        m = _DATE_INPUT.match(text)
        if not m:
            raise DateInputError(_("Type the date as day/month/year, for example 14/01/2569."))
        day, month, year = (int(g) for g in m.groups())
        if year > 2400:
            year -= BE_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateInputError(
            _("{text} is not a date in the calendar. Check the day and the month.").format(
                text=text.strip()
            )
        ) from None


def parse_time(text: str) -> dt.time:
    """Parse ``9.30``, ``09:30`` or ``09.30 น.``."""
    from justice_desk.i18n import _

    m = re.match(r"^\s*(\d{1,2})\s*[.:]\s*(\d{2})\s*(น\.)?\s*$", text or "")
    if not m:
        raise DateInputError(_("Type the time as hours.minutes, for example 09.30."))
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise DateInputError(_("{text} is not a time of day.").format(text=text.strip()))
    return dt.time(hour, minute)
