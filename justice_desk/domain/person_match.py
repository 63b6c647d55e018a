"""Is this the same person as one already on file? (docs/domain.md §11)

A national ID names one person: a second record with the same 13 digits is refused. Without
that, two records are a *probable* duplicate when their names are alike and their birth dates
agree — a warning, never a refusal: two people in one village may share a name and a birthday.

Names are compared the Thai way: the title is left out (``นาย``, ``นางสาว``, ``น.ส.``, ranks),
the text is normalised (mark order, NFC, Thai digits) and spaces do not count; then the names
are alike when they are equal, when they *sound* the same (PyThaiNLP's LK82 Thai soundex of the
given name and of the surname: ``สมศักดิ์``/``สมศักด์``, ``ปั้นทอง``/``ปั่นทอง``), or when they
differ by a slip of the keyboard (a similarity ratio of at least :data:`SIMILAR`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass

from justice_desk.domain import thai_text

#: How alike two title-less names must be (difflib's ratio, 0-1) to count as one typed twice.
SIMILAR = 0.85
#: Titles and ranks written before a Thai name (longest first where one starts another).
TITLES: tuple[str, ...] = (
    "นางสาว",
    "น.ส.",
    "นส.",
    "เด็กชาย",
    "เด็กหญิง",
    "ด.ช.",
    "ด.ญ.",
    "นาง",
    "นาย",
    "ว่าที่ร้อยตรี",
    "ว่าที่ ร.ต.",
    "ร.ต.อ.",
    "ร.ต.ท.",
    "ร.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ด.ต.",
    "จ.ส.อ.",
    "จ.ส.ต.",
    "ส.อ.",
    "ส.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "พระครู",
    "พระมหา",
    "พระ",
    "สามเณร",
    "แม่ชี",
    "ดร.",
)
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[.\-'\u200b]")


def strip_title(text: str) -> str:
    """The name without a title written in front of it (one title, the longest that fits)."""
    text = text.strip()
    for title in sorted(TITLES, key=len, reverse=True):
        if text.startswith(title) and len(text) > len(title):
            return text[len(title) :].strip()
    return text


@functools.lru_cache(maxsize=65_536)
def _part(text: str) -> str:
    return _PUNCT.sub("", _SPACE.sub("", thai_text.normalize(text).lower()))


@dataclass(frozen=True)
class NameKey:
    """A name as compared: given name and surname without title, spaces or punctuation."""

    given: str
    surname: str

    @property
    def joined(self) -> str:
        return self.given + self.surname


def name_key(title: str | None, given_name: str, surname: str | None) -> NameKey:
    """The comparable form of a name; a title typed into the given-name field is left out too
    (``title`` itself never takes part)."""
    del title  # the title does not make two records different people
    given = strip_title(given_name or "")
    return NameKey(_part(given), _part(surname or ""))


@functools.lru_cache(maxsize=65_536)
def _sound(word: str) -> str:
    if not word:
        return ""
    from pythainlp.soundex import lk82

    thai = "".join(ch for ch in word if "\u0e01" <= ch <= "\u0e5b")
    # LK82 reads Thai only; a name in Latin letters sounds like itself
    return lk82(thai) if thai == word else word


def name_similarity(a: NameKey, b: NameKey) -> float:
    """1.0 for the same name; at least 0.9 when both parts sound the same; else how alike the
    texts are (0-1)."""
    if not a.joined or not b.joined:
        return 0.0
    if a == b:
        return 1.0
    ratio = difflib.SequenceMatcher(None, a.joined, b.joined, autojunk=False).ratio()
    same_sound = _sound(a.given) == _sound(b.given) and _sound(a.surname) == _sound(b.surname)
    return max(ratio, 0.9) if same_sound else ratio


@dataclass(frozen=True)
class Birth:
    """What is known of a birth: the date, or only the (CE) year, or nothing."""

    date: dt.date | None
    year: int | None

    @property
    def known(self) -> bool:
        return self.date is not None or self.year is not None

    def agrees(self, other: Birth) -> bool:
        """Both known and not in conflict (a full date against only a year compares years)."""
        if not self.known or not other.known:
            return False
        if self.date is not None and other.date is not None:
            return self.date == other.date
        mine = self.date.year if self.date else self.year
        theirs = other.date.year if other.date else other.year
        return mine == theirs


def probable_duplicate(a: NameKey, a_birth: Birth, b: NameKey, b_birth: Birth) -> float | None:
    """How alike two records are when they are probably one person, else ``None``.

    Alike names with agreeing births; or exactly the same name when a birth is not recorded on
    one side (nothing tells them apart). Different births mean different people.
    """
    score = name_similarity(a, b)
    if a_birth.agrees(b_birth):
        return score if score >= SIMILAR else None
    if (not a_birth.known or not b_birth.known) and score == 1.0:
        return score
    return None
