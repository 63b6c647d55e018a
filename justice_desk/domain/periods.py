"""Reporting periods: a month, a calendar quarter, a fiscal year or a custom range of days.

Written the way people at the office say them, with Buddhist-Era years (docs/domain.md §12):

==============================  ==============================================================
``2569-01``                      January 2569 (1–31 January 2026)
``2569-Q1``                      the first calendar quarter of 2569: January–March
``FY2569`` (or just ``2569``)    fiscal year 2569: 1 October 2568 – 30 September 2569, named by
                                 the BE year it ends in, as ``dates.fiscal_year_be`` and the
                                 monthly report name it
``2569-01-15..2569-03-31``       a custom range, both days included (either day may also be
                                 typed as ``15/01/2569``)
==============================  ==============================================================

Thai digits are accepted; a four-digit year up to 2400 is read as CE and turned into BE, as
typed dates are (``dates.parse_be_date``). ``Period.code`` writes the canonical form, which
parses back to the same period. Labels are Thai or English whatever the app's language, as
``dates.format_date`` (reports print in Thai).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from justice_desk.domain.dates import (
    BE_OFFSET,
    ENGLISH_MONTHS,
    DateInputError,
    be_year,
    ce_year,
    fiscal_year_be,
    fiscal_year_range,
    format_date,
    parse_be_date,
)

#: BE years a period may name (1857–2157 CE): wide enough for any record, narrow enough to
#: catch a typing slip such as 25690.
MIN_YEAR_BE, MAX_YEAR_BE = 2400, 2700

THAI_MONTHS = (
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
)


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_YEAR = "fiscal_year"
    CUSTOM = "custom"


class PeriodInputError(DateInputError):
    """The typed text is not a period; ``str()`` is a translated sentence saying what to type."""


@dataclass(frozen=True, order=True)
class Period:
    """A range of whole days, ``start`` and ``end`` both included."""

    start: dt.date
    end: dt.date
    kind: PeriodKind = PeriodKind.CUSTOM

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after the day it starts")

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def month(cls, year_be: int, month: int) -> Period:
        _check_year(year_be)
        if not 1 <= month <= 12:
            raise PeriodInputError(_month_error(month))
        year = ce_year(year_be)
        first = dt.date(year, month, 1)
        return cls(first, _month_end(year, month), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year_be: int, quarter: int) -> Period:
        """A calendar quarter: Q1 is January–March."""
        _check_year(year_be)
        if not 1 <= quarter <= 4:
            from justice_desk.i18n import _

            raise PeriodInputError(
                _("A year has quarters 1 to 4, not {quarter}.").format(quarter=quarter)
            )
        year = ce_year(year_be)
        first_month = 3 * (quarter - 1) + 1
        return cls(
            dt.date(year, first_month, 1),
            _month_end(year, first_month + 2),
            PeriodKind.QUARTER,
        )

    @classmethod
    def fiscal_year(cls, fiscal_be: int) -> Period:
        """October to September, named by the BE year it ends in."""
        _check_year(fiscal_be)
        start, end = fiscal_year_range(fiscal_be)
        return cls(start, end, PeriodKind.FISCAL_YEAR)

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            from justice_desk.i18n import _

            raise PeriodInputError(
                _("The period ends before it starts: give the first day, then the last.")
            )
        _check_year(be_year(start))
        _check_year(be_year(end))
        return cls(start, end, PeriodKind.CUSTOM)

    @classmethod
    def containing(cls, kind: PeriodKind, day: dt.date) -> Period:
        """The month, quarter or fiscal year ``day`` falls in (custom: that day alone)."""
        if kind is PeriodKind.MONTH:
            return cls.month(be_year(day), day.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(be_year(day), (day.month - 1) // 3 + 1)
        if kind is PeriodKind.FISCAL_YEAR:
            return cls.fiscal_year(fiscal_year_be(day))
        return cls.custom(day, day)

    # -- what it is ---------------------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def code(self) -> str:
        """The canonical written form, which :func:`parse_period` reads back."""
        year_be = be_year(self.start)
        if self.kind is PeriodKind.MONTH:
            return f"{year_be}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{year_be}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.FISCAL_YEAR:
            return f"FY{fiscal_year_be(self.start)}"
        return f"{_be_iso(self.start)}..{_be_iso(self.end)}"

    def label(self, language: str = "th") -> str:
        """``มกราคม 2569``, ``ไตรมาสที่ 1 ปี 2569 (มกราคม – มีนาคม)``, ``ปีงบประมาณ 2569 (1 ต.ค.
        2568 – 30 ก.ย. 2569)``, ``15 ม.ค. 2569 – 31 มี.ค. 2569``; English ``January 2569 BE``,
        ``Q1 2569 BE (January – March)``, ``Fiscal year 2569 (1 Oct 2568 – 30 Sep 2569)``."""
        thai = language == "th"
        names = THAI_MONTHS if thai else ENGLISH_MONTHS
        year_be = be_year(self.start)
        if self.kind is PeriodKind.MONTH:
            month = names[self.start.month - 1]
            return f"{month} {year_be}" if thai else f"{month} {year_be} BE"
        if self.kind is PeriodKind.QUARTER:
            q = (self.start.month - 1) // 3 + 1
            first, last = names[self.start.month - 1], names[self.end.month - 1]
            if thai:
                return f"ไตรมาสที่ {q} ปี {year_be} ({first} – {last})"
            return f"Q{q} {year_be} BE ({first} – {last})"
        span = (
            f"{format_date(self.start, language, short=True)} – "
            f"{format_date(self.end, language, short=True)}"
        )
        if self.kind is PeriodKind.FISCAL_YEAR:
            fiscal = fiscal_year_be(self.start)
            return f"ปีงบประมาณ {fiscal} ({span})" if thai else f"Fiscal year {fiscal} ({span})"
        return span

    def months(self) -> tuple[tuple[int, int], ...]:
        """(CE year, month) of every calendar month the period touches, in order."""
        out = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)

    def previous(self) -> Period:
        """The period of the same kind just before (custom: as many days, ending the day before)."""
        if self.kind is PeriodKind.CUSTOM:
            end = self.start - dt.timedelta(days=1)
            return Period.custom(end - dt.timedelta(days=self.days - 1), end)
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def following(self) -> Period:
        """The period of the same kind just after (custom: as many days)."""
        if self.kind is PeriodKind.CUSTOM:
            start = self.end + dt.timedelta(days=1)
            return Period.custom(start, start + dt.timedelta(days=self.days - 1))
        return Period.containing(self.kind, self.end + dt.timedelta(days=1))

    def as_of(self, today: dt.date) -> dt.date:
        """The day figures that describe a state (deadlines passed so far) are taken on: the
        period's last day, or today while the period is still running (or in the future)."""
        return min(max(today, self.start), self.end)


def month_code(year: int, month: int) -> str:
    """``2569-01`` for a (CE year, month)."""
    return f"{year + BE_OFFSET}-{month:02d}"


def month_label(year: int, month: int, language: str = "th", *, short: bool = False) -> str:
    """``ม.ค. 69`` / ``Jan 69`` (short, for chart axes) or ``มกราคม 2569`` / ``January 2569``."""
    year_be = year + BE_OFFSET
    if language == "th":
        if short:
            from pythainlp.util import thai_strftime

            return thai_strftime(dt.datetime(year, month, 1), "%b") + f" {year_be % 100:02d}"
        return f"{THAI_MONTHS[month - 1]} {year_be}"
    name = ENGLISH_MONTHS[month - 1]
    return f"{name[:3]} {year_be % 100:02d}" if short else f"{name} {year_be}"


_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q\s*(\d)$")
_QUARTER_FIRST = re.compile(r"^Q\s*(\d)\s*[-/ ]?\s*(\d{4})$")
_FISCAL = re.compile(r"^(?:FY|ปีงบประมาณ|ปีงบ)\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str) -> Period:
    """Read a period as people type it (module docstring); raises :class:`PeriodInputError`."""
    from pythainlp.util import thai_digit_to_arabic_digit

    cleaned = thai_digit_to_arabic_digit(text or "").strip()
    upper = cleaned.upper()
    if ".." in cleaned:
        first, _sep, last = cleaned.partition("..")
        try:
            start, end = parse_be_date(first), parse_be_date(last)
        except DateInputError as exc:
            raise PeriodInputError(str(exc)) from None
        return Period.custom(start, end)
    if found := _FISCAL.match(upper) or _YEAR.match(upper):
        return Period.fiscal_year(_be(int(found.group(1))))
    if found := _QUARTER.match(upper):
        return Period.quarter(_be(int(found.group(1))), int(found.group(2)))
    if found := _QUARTER_FIRST.match(upper):
        return Period.quarter(_be(int(found.group(2))), int(found.group(1)))
    if found := _MONTH.match(upper):
        return Period.month(_be(int(found.group(1))), int(found.group(2)))
    from justice_desk.i18n import _

    raise PeriodInputError(
        _(
            "“{text}” is not a period. Write a month as 2569-01, a quarter as 2569-Q1, a fiscal "
            "year as FY2569, or two days as 2569-01-15..2569-03-31."
        ).format(text=cleaned[:60])
    )


# -- helpers ---------------------------------------------------------------------------------


def _be(year: int) -> int:
    """A typed year as BE: above 2400 it is BE already, else CE (as ``parse_be_date``)."""
    return year if year > MIN_YEAR_BE else year + BE_OFFSET


def _check_year(year_be: int) -> None:
    if not MIN_YEAR_BE < year_be <= MAX_YEAR_BE:
        from justice_desk.i18n import _

        raise PeriodInputError(
            _(
                "{year} is not a year the app can report on: give a Buddhist-Era year such as 2569."
            ).format(year=year_be)
        )


def _month_error(month: int) -> str:
    from justice_desk.i18n import _

    return _("A year has months 1 to 12, not {month}.").format(month=month)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return following - dt.timedelta(days=1)


def _be_iso(day: dt.date) -> str:
    return f"{be_year(day)}-{day.month:02d}-{day.day:02d}"
