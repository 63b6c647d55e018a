"""Thai word segmentation for line breaking (PyThaiNLP ``newmm``), loaded lazily and once.

Thai is written without spaces between words, so a line may only break where a dictionary
segmenter says a word ends. The first segmentation call loads PyThaiNLP's dictionary (about
0.4 s), so nothing here runs at import time; call :func:`warm_up` from a background job if the
first printed document must be fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache

from justice_desk import configure_pythainlp

__all__ = ["configure_pythainlp", "tcc_clusters", "thai_digits", "warm_up", "words"]

_lock = threading.Lock()
_tokenize: Callable[[str], list[str]] | None = None
_tcc: Callable[[str], list[str]] | None = None


def _load() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    global _tokenize, _tcc
    with _lock:
        if _tokenize is None or _tcc is None:
            configure_pythainlp()
            from pythainlp.tokenize import newmm, tcc

            def tokenize(text: str) -> list[str]:
                return list(newmm.segment(text, safe_mode=False))

            tokenize("ทดสอบ")  # loads the dictionary trie now, inside the lock
            _tokenize = tokenize
            _tcc = tcc.segment
        return _tokenize, _tcc


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words by ``newmm``; the pieces concatenate back to ``text``.

    Spaces come back as their own pieces.
    """
    if not text:
        return ()
    tokenize, _ = _load()
    pieces = tuple(p for p in tokenize(text) if p)
    if "".join(pieces) != text:
        # newmm keeps every character today; if a future version drops some, fall back to
        # "no break opportunities" rather than printing text that differs from the record.
        return (text,)
    return pieces


@lru_cache(maxsize=4096)
def tcc_clusters(text: str) -> tuple[str, ...]:
    """``text`` cut into Thai Character Clusters: units that never separate a letter from its
    marks or a leading vowel from its consonant. Used only when a word is wider than a line."""
    if not text:
        return ()
    _, tcc = _load()
    pieces = tuple(p for p in tcc(text) if p)
    if "".join(pieces) != text:
        return tuple(text)
    return pieces


def warm_up() -> None:
    """Load the segmenter now (for a background job at start-up)."""
    _load()


_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(text: str) -> str:
    """``text`` with Arabic digits 0-9 replaced by Thai digits ๐-๙ (other text unchanged).

    The same mapping as PyThaiNLP's ``arabic_digit_to_thai_digit`` (a test compares them),
    without loading PyThaiNLP: this runs for every piece of every paragraph."""
    return text.translate(_THAI_DIGITS)
