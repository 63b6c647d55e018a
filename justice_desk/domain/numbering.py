"""Visible numbers of cases (``005/2569``) and meetings (``4/2569``), running per BE year.

They are labels for people, never keys: the database keys are UUIDs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class YearNumber:
    year_be: int
    number: int


def format_case_number(number: int, year_be: int) -> str:
    return f"{number:03d}/{year_be}"


def format_meeting_number(number: int, year_be: int) -> str:
    return f"{number}/{year_be}"


def parse_year_number(text: str) -> YearNumber | None:
    """``005/2569``, ``5/2569`` or Thai digits ``๕/๒๕๖๙``
    → ``YearNumber(2569, 5)``; else ``None``."""
    from pythainlp.util import thai_digit_to_arabic_digit

    m = _NUMBER.match(thai_digit_to_arabic_digit(text or ""))
    if not m or int(m.group(1)) == 0:
        return None
    return YearNumber(int(m.group(2)), int(m.group(1)))


def next_number(existing_max: int | None) -> int:
    return (existing_max or 0) + 1
