"""Thai text normalisation, dictionary-order sort keys and search text.

Normalise the same way when indexing and when searching (NFC, tone-mark order, ``ำ``), or a
query typed in another mark order finds nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TONE_AND_SIGNS = re.compile("[\u0e47-\u0e4e]")
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Canonical form for storage comparisons and search: NFC, Thai mark order, one space."""
    if not text:
        return ""
    # ASCII without white space (numbers, IDs, phones) is already normal: skip the work.
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return _normalize_cached(text)


@functools.lru_cache(maxsize=262_144)
def _normalize_cached(text: str) -> str:
    # Memoised: names, villages and subjects repeat across thousands of records, and a call
    # into pythainlp costs 35-130 µs (bulk imports and the demo generator depend on this).
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # NIKHAHIT + SARA AA typed for SARA AM
    # Fold white space first: pythainlp drops a space that strands a mark, but not a line break
    # (text pasted from a PDF), and normalising must give the same text either way.
    text = _SPACES.sub(" ", text).strip()
    if _pythainlp_may_change().search(text) is None:
        return text  # nothing pythainlp's rules act on: its normalize would return it as it is
    from pythainlp.util import normalize as thai_normalize

    return thai_normalize(text)


@functools.cache
def _pythainlp_may_change() -> re.Pattern[str]:
    """Every place where one of ``pythainlp.util.normalize``'s rules can act (built from its
    own character classes). Correctly typed text has none, so most names and subjects are
    already normal and skip its 30-odd regular expressions; anything this matches is handed
    to pythainlp. A property test checks that skipping never changes the result."""
    from pythainlp import (
        thai_above_vowels,
        thai_below_vowels,
        thai_follow_vowels,
        thai_lead_vowels,
        thai_tonemarks,
    )

    dangling = re.escape(
        f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
    )
    no_repeat = re.escape(
        f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}\u0e3a\u0e4c\u0e4d\u0e4e"
    )
    tones = re.escape(thai_tonemarks)
    above_below = re.escape(f"{thai_above_vowels}{thai_below_vowels}")
    follow = re.escape(thai_follow_vowels)
    rules = [
        "[\u200b\u200c]",  # zero-width characters
        r"\s\s|\n|^\s|\s$",  # white space to fold or strip
        rf"^[{dangling}]|\s[{dangling}]",  # a dangling mark, or a space before a mark
        "\u0e40\u0e40",  # sara e twice for sara ae
        rf"[{tones}\u0e4c][{above_below}]",  # a tone mark before its vowel
        rf"\u0e4d[{tones}]*\u0e32",  # nikhahit + sara aa for sara am
        rf"[{follow}][{tones}]",  # a following vowel before the tone mark
        "\u0e45",  # lakkhangyao (pythainlp turns most into sara aa)
        rf"([{no_repeat}])\s*\1",  # a vowel or sign repeated
        rf"[{tones}]{{2}}",  # tone marks repeated
    ]
    return re.compile("|".join(f"(?:{rule})" for rule in rules))


@functools.lru_cache(maxsize=262_144)
def sort_key(text: str) -> str:
    """A string whose code-point order is Thai dictionary order.

    Leading vowels (เ แ โ ใ ไ) do not lead the sort, and tone marks only break ties, as in
    ``pythainlp.util.collate`` — except that a word sorts before its own extensions
    (``ไก่`` before ``ไก่ชน``), as the Royal Institute dictionary orders them. It is stored in an
    indexed column so that SQL can sort 100,000 names without loading them.
    """
    text = normalize(text)
    base = _LEADING_VOWEL.sub(r"\2\1", _TONE_AND_SIGNS.sub("", text))
    marks = "".join(_TONE_AND_SIGNS.findall(text))
    return f"{base}\u0001{marks}" if marks else base


def search_text(*parts: str | None) -> str:
    """The text a record is found by: its parts normalised, lower-cased, joined by spaces."""
    return " ".join(normalize(p).lower() for p in parts if p)


def search_query(query: str) -> str:
    """Normalise what the user typed the same way as :func:`search_text`."""
    return normalize(query).lower()
