"""How records are found the way people type what they see (docs/thai-text-and-printing.md §7).

A coordinator types or pastes a name as the lists and documents show it (``นางน้ำฝน ปั้นทอง``,
title written against the given name, sometimes ``น.ส.`` for ``นางสาว``), part of a name, a case
number in any written form (``12/2568``, ``๐๑๒/๒๕๖๘``, ``12 / 68``, ``เลขที่ 12/2568``), a phone
number or a national ID however it is punctuated (``081-234-5678``, ``+66 81 234 5678``,
``1-2345-67890-12-3``, Thai digits).

Both sides are brought to one form:

- the stored search text (:func:`index_text`, :func:`person_index`) is each field normalised
  (Thai mark order, NFC), in lower case, with Thai digits turned into Arabic ones and **all white
  space removed inside a field**; fields are separated by one space, so a query word (which never
  contains a space) cannot run from one field into the next. A person's title, given name and
  surname are one field (``นางน้ำฝนปั้นทอง``), phone numbers and IDs are digits only;
- a query (:func:`parse_query`) becomes words that must all be found, in any order, plus the
  record numbers it names. Runs of digits and separators are joined into one string of digits,
  abbreviated titles are written out, and words such as ``เลขที่`` beside a number are dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from justice_desk.domain import thai_text
from justice_desk.domain.numbering import YearNumber

#: Abbreviated titles and how the register writes them (both sides use the long form).
TITLE_ABBREVIATIONS: dict[str, str] = {
    "น.ส.": "นางสาว",
    "นส.": "นางสาว",
    "ด.ช.": "เด็กชาย",
    "ดช.": "เด็กชาย",
    "ด.ญ.": "เด็กหญิง",
    "ดญ.": "เด็กหญิง",
}
#: The everyday titles a document may print although the register left the title empty; a
#: query word that starts with one is also looked for without it (longest first).
COMMON_TITLES: tuple[str, ...] = ("นางสาว", "เด็กชาย", "เด็กหญิง", "นาง", "นาย")
#: Words written before a number on paper (``เลขที่ 12/2568``, ``ครั้งที่ 4/2569``): dropped when
#: the query names a number.
NUMBER_WORDS = frozenset(
    {
        "ที่",
        "เลขที่",
        "เลขรับที่",
        "คดีที่",
        "เรื่องที่",
        "คำร้องที่",
        "ครั้งที่",
        "การประชุมครั้งที่",
        "no",
        "no.",
        "#",
    }
)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ARABIC_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_WHITE = re.compile(r"\s+")
# digits with separators, or an ID as lists mask it (``x-xxxx-xxxxx-45-0``: its last digits)
_DIGITISH = re.compile(r"^\+?[\d\-.()xX*]*\d[\d\-.()xX*]*$")
_NUMBER_GAP = re.compile(r"(\d)\s*/\s*(\d)")
_YEAR_NUMBER = re.compile(r"^(.*?)(\d{1,6})/(\d{4}|\d{2})$")
_NOT_ASCII_DIGITS = re.compile(r"[^0-9]+").sub
_has_thai_digit = re.compile("[๐-๙]").search


def arabic_digit_to_thai_digit(text: str) -> str:
    """``12/2568`` → ``๑๒/๒๕๖๘``."""
    return text.translate(_ARABIC_DIGITS)


def digits_only(text: str) -> str:
    """The digits of ``text`` (Thai digits too), a leading +66 read as 0 (Thai phone numbers)."""
    if not text.isascii():  # (translating ASCII changes nothing, and costs a call per letter)
        text = text.translate(_THAI_DIGITS)
    text = text.strip()
    if text.isascii():  # almost always: the same digits (0-9 are ASCII's only), found in C
        digits = text if text.isdigit() else _NOT_ASCII_DIGITS("", text)
    else:
        digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+66") and digits.startswith("66"):
        digits = "0" + digits[2:]
    return digits


def canonical_title(title: str | None) -> str:
    """``น.ส.`` → ``นางสาว`` (the long form); other titles as typed, without spaces."""
    t = _WHITE.sub("", title or "")
    return TITLE_ABBREVIATIONS.get(t, t)


@functools.lru_cache(maxsize=262_144)
def _field(text: str) -> str:
    text = thai_text.normalize(text).lower()
    if _has_thai_digit(text):  # rare; translating Thai text looks up every letter
        text = text.translate(_THAI_DIGITS)
    return _WHITE.sub("", text)


def index_text(*parts: str | None) -> str:
    """The stored search text of a record: each part normalised and without white space,
    parts separated by one space."""
    return " ".join(f for f in (_field(p) for p in parts if p) if f)


def person_index(
    title: str | None,
    given_name: str | None,
    surname: str | None,
    national_id: str | None,
    phone: str | None,
    line_id: str | None,
) -> str:
    """A person's search text: the name as lists show it (title against the given name), the
    national ID and the phone as digits only, the LINE ID."""
    name = canonical_title(title) + (given_name or "") + (surname or "")
    phone_digits = digits_only(phone) if phone else ""
    return index_text(
        name,
        digits_only(national_id) if national_id else None,
        phone_digits or phone,
        line_id,
    )


@dataclass(frozen=True)
class Word:
    """One word of a query: found when ``text`` or one of ``alternatives`` is in the text."""

    text: str
    alternatives: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


@dataclass(frozen=True)
class Query:
    """What a typed query asks for: every word, and every record number named."""

    words: tuple[Word, ...]
    numbers: tuple[YearNumber, ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.numbers


def _year_be(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2500 + year  # ``12/68``: the century of the Buddhist Era is left out
    if year < 2400:
        return year + 543  # written in the Common Era
    return year


def _title_alternatives(word: str, alone: bool) -> tuple[str, ...]:
    """Other forms a name word may be found by: without its title, for a register that left
    the title empty. A title typed as a word of its own beside a name may be missing (``""``)."""
    if word in COMMON_TITLES or word in TITLE_ABBREVIATIONS.values():
        return () if alone else ("",)
    for title in COMMON_TITLES:
        rest = word[len(title) :]
        if word.startswith(title) and len(rest) >= 2:
            return (rest,)
    return ()


def _expand_title(word: str) -> str:
    for short, full in TITLE_ABBREVIATIONS.items():
        if word.startswith(short):
            return full + word[len(short) :]
    return word


def _join_digit_runs(tokens: Iterable[str]) -> list[str]:
    """``081 234 5678`` → ``0812345678``: neighbouring tokens of digits and separators are one
    number, written with digits only."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and _DIGITISH.match(token):
            run.append(token)
            continue
        if run:
            digits = digits_only(" ".join(run))
            if digits:
                out.append(digits)
            run = []
        if token:
            out.append(token)
    return out


@functools.lru_cache(maxsize=1024)
def parse_query(query: str) -> Query:
    """Read what a person typed into a search box (see the module docstring)."""
    text = thai_text.normalize(query or "").lower().translate(_THAI_DIGITS)
    text = _NUMBER_GAP.sub(r"\1/\2", text)
    tokens = [_expand_title(t) for t in text.split()]
    # a title typed apart from the name (``น.ส. น้ำฝน``) stays a word of its own: both are found
    words: list[str] = []
    numbers: list[YearNumber] = []
    prefixes: list[str] = []
    for token in _join_digit_runs(tokens):
        m = _YEAR_NUMBER.match(token)
        if m and int(m.group(2)) > 0:
            prefix = m.group(1)
            if not prefix or prefix in NUMBER_WORDS:
                numbers.append(YearNumber(_year_be(m.group(3)), int(m.group(2))))
                continue
            if prefix in {w.rstrip(".") for w in NUMBER_WORDS}:
                numbers.append(YearNumber(_year_be(m.group(3)), int(m.group(2))))
                continue
        if token in NUMBER_WORDS:
            prefixes.append(token)
            continue
        words.append(token)
    if not numbers:
        words = [*prefixes, *words]  # ``ที่`` alone (or ``no``) is a word like any other
    return Query(
        tuple(Word(w, _title_alternatives(w, len(words) == 1)) for w in dict.fromkeys(words)),
        tuple(dict.fromkeys(numbers)),
    )


def number_text(number: YearNumber, *, padded: bool) -> str:
    """How the search text writes a number: ``012/2568`` (cases) or ``12/2568``."""
    return (
        f"{number.number:03d}/{number.year_be}" if padded else f"{number.number}/{number.year_be}"
    )
