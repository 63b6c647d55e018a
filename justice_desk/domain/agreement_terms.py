"""What the typed terms of a settlement agreement already say about the money.

A clerk often types the payment into the terms ("ตกลงชำระเงินจำนวน 15,000 บาท แบ่งชำระเป็น 6 งวด
งวดละ 2,500 บาท เริ่มงวดแรกวันที่ 2 เมษายน 2568") and also records the total and the instalments,
from which the printed agreement states them again. One source for each fact: the agreement
states only what the terms do not, and refuses to print terms that contradict the schedule
recorded (a count of instalments, or a first due date, that differs).

The reading is deliberately narrow — figures followed by บาท, a number followed by งวด, a date
written ``2 เมษายน 2568`` (Thai or Arabic digits, ``เดือน`` and ``พ.ศ.`` allowed) — so that it never
guesses: what it cannot read counts as not stated, and the agreement then states it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from justice_desk.domain.dates import BE_OFFSET, format_date

__all__ = ["TermsMoney", "read_terms"]

_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_COUNT = re.compile(r"(?<![\d,.])(\d{1,3})\s*งวด(?!ที่|ละ)")


@cache
def _months() -> tuple[str, ...]:
    """The Thai month names as documents print them (``มกราคม`` …)."""
    return tuple(format_date(dt.date(2000, m, 1), "th").split()[1] for m in range(1, 13))


@cache
def _date_pattern() -> re.Pattern[str]:
    months = "|".join(_months())
    return re.compile(
        rf"(?<!\d)(\d{{1,2}})\s*(?:เดือน)?\s*({months})\s*(?:พ\.\s*ศ\.)?\s*(\d{{4}})(?!\d)"
    )


def _dates(text: str) -> list[tuple[int, dt.date]]:
    """(position, date) of every date written in full in ``text`` (BE years)."""
    found = []
    for m in _date_pattern().finditer(text):
        day, month, year = int(m.group(1)), _months().index(m.group(2)) + 1, int(m.group(3))
        try:
            found.append((m.start(), dt.date(year - BE_OFFSET, month, day)))
        except ValueError:
            continue
    return found


def _amount(text: str, satang: int) -> bool:
    """Whether ``satang`` is written in figures followed by บาท (``15,000 บาท``,
    ``15000.00 บาท``)."""
    baht, rest = divmod(satang, 100)
    cents = rf"\.{rest:02d}" if rest else r"(?:\.00)?"
    figures = rf"(?:{re.escape(f'{baht:,}')}|{baht})"
    return re.search(rf"(?<![\d,.]){figures}{cents}\s*บาท", text) is not None


@dataclass(frozen=True)
class TermsMoney:
    """What the terms say about the money, as far as they can be read without guessing."""

    #: the total amount is written in figures
    states_total: bool = False
    #: the terms speak of instalments (งวด)
    mentions_instalments: bool = False
    #: every instalment's due date is written in the terms
    lists_every_instalment: bool = False
    #: the clause (1-based, a non-empty line of the terms) that first speaks of instalments
    instalment_clause: int | None = None
    #: "แบ่งชำระเป็น 6 งวด": the number of instalments the terms give
    typed_count: int | None = None
    #: the date the terms give for the first instalment (after งวดแรก or งวดที่ 1)
    typed_first_due: dt.date | None = None


def read_terms(
    terms: str, total_satang: int | None, due_dates: Sequence[dt.date] = ()
) -> TermsMoney:
    """Read ``terms`` (one clause a line) against the total and the instalments' due dates."""
    clauses = [c.strip().translate(_ARABIC) for c in terms.splitlines() if c.strip()]
    text = "\n".join(clauses)
    clause = next((i for i, c in enumerate(clauses, start=1) if "งวด" in c), None)
    count = _COUNT.search(text)
    first: dt.date | None = None
    for m in re.finditer(r"งวดแรก|งวดที่\s*1(?!\d)", text):
        after = [d for pos, d in _dates(text[m.end() : m.end() + 80]) if pos < 60]
        if after:
            first = after[0]
            break
    written = {d for _pos, d in _dates(text)}
    return TermsMoney(
        states_total=total_satang is not None and _amount(text, total_satang),
        mentions_instalments=clause is not None,
        lists_every_instalment=bool(due_dates) and all(d in written for d in due_dates),
        instalment_clause=clause,
        typed_count=int(count.group(1)) if count else None,
        typed_first_due=first,
    )
