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
    from pythainlp.util import normalize as thai_normalize

    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # NIKHAHIT + SARA AA typed for SARA AM
    # Fold white space first: pythainlp drops a space that strands a mark, but not a line break
    # (text pasted from a PDF), and normalising must give the same text either way.
    text = _SPACES.sub(" ", text).strip()
    return thai_normalize(text)


@functools.lru_cache(maxsize=262_144)
def sort_key(text: str) -> str:
    """A string whose code-point order is Thai dictionary order.

    Leading vowels (เ แ โ ใ ไ) do not lead the sort, and tone marks only break ties, as in
    ``pythainlp.util.collate`` — except that a word sorts before its own extensions
    (``ไก่`` before ``ไก่ชน``), as the Royal Institute dictionary orders them. It is stored in an indexed column so that SQL can sort
    100,000 names without loading them.
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
