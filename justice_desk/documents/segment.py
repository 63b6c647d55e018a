"""Thai word segmentation for line breaking (PyThaiNLP ``newmm``), loaded lazily and once.

Thai is written without spaces between words, so a line may only break where a dictionary
segmenter says a word ends. The dictionary is PyThaiNLP's word list plus the names of the
center's people and places (:func:`use_names`): a dictionary that does not know ``หางดง`` or
``ขุนแตะ`` cuts them into the words it knows and a line may then break inside the name.

PyThaiNLP's own ``Trie`` takes about a second to build from its 62,000 words; :class:`WordSet`
(two frozensets: the words and their proper prefixes) answers the same ``prefixes`` questions,
builds in about a third of that, and is cached on disk in the data folder
(``cache/thai-words-<key>.pickle``), so a print in a fresh process loads it in a few
milliseconds. The key changes when the names change. Nothing here runs at import time; call
:func:`warm_up` from a background job if the first printed document must be fast.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from justice_desk import configure_pythainlp

__all__ = [
    "WordSet",
    "configure_pythainlp",
    "dictionary_key",
    "name_words",
    "tcc_clusters",
    "thai_digits",
    "use_names",
    "warm_up",
    "words",
]

log = logging.getLogger(__name__)

# Bump when the pickled form of WordSet changes.
_CACHE_FORMAT = 1
# Cached dictionaries kept besides the current one (several databases on one machine).
_CACHE_KEEP = 4

_lock = threading.Lock()
_tokenize: Callable[[str], list[str]] | None = None
_tcc: Callable[[str], list[str]] | None = None
_names_key = ""
_names_source: Callable[[], Iterable[str]] | None = None


class WordSet:
    """A word list that answers ``newmm``'s questions (``prefixes``, ``in``) from two frozen
    sets: the words, and every proper prefix of them (where to stop looking)."""

    __slots__ = ("_prefixes", "_words")

    def __init__(self, words: Iterable[str]) -> None:
        found = frozenset(w.strip() for w in words if w and w.strip())
        prefixes: set[str] = set()
        for word in found:
            for end in range(1, len(word)):
                prefixes.add(word[:end])
        self._words = found
        self._prefixes = frozenset(prefixes)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that ``text[start:]`` begins with, shortest first."""
        found: list[str] = []
        words, prefixes = self._words, self._prefixes
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if piece in words:
                found.append(piece)
            if piece not in prefixes:
                break
        return found

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def name_words(names: Iterable[str]) -> tuple[str, ...]:
    """The words of ``names`` worth adding to the dictionary: each space-separated part with
    at least two Thai letters (``นายสุทัศน์ จินะ`` gives ``นายสุทัศน์`` and ``จินะ``)."""
    found: set[str] = set()
    for name in names:
        for part in (name or "").split():
            part = part.strip("()[],.;:\"'")
            if sum("\u0e01" <= ch <= "\u0e2e" for ch in part) >= 2:
                found.add(part)
    return tuple(sorted(found))


def dictionary_key() -> str:
    """The key of the names in use (empty: PyThaiNLP's words alone)."""
    return _names_key


def use_names(key: str, names: Callable[[], Iterable[str]]) -> None:
    """Break lines with PyThaiNLP's words plus the words of ``names()`` (people and places).

    ``key`` identifies the names (a fingerprint of the records they come from): when it is the
    key in use nothing happens, and ``names`` is called only when no dictionary cached under
    that key is found on disk.
    """
    global _names_key, _names_source, _tokenize
    if key == _names_key:
        return
    with _lock:
        if key == _names_key:
            return
        _names_source = names if key else None
        _names_key = key
        _tokenize = None
    words.cache_clear()


def _cache_file(key: str) -> Path:
    from justice_desk import paths

    configure_pythainlp()
    import pythainlp

    version = getattr(pythainlp, "__version__", "")
    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{version}|{key}".encode()).hexdigest()[:20]
    return paths.home() / "cache" / f"thai-words-{digest}.pickle"


def _read_cache(path: Path) -> WordSet | None:
    try:
        with path.open("rb") as fh:
            found = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
        log.warning("damaged word cache %s: rebuilding it", path, exc_info=True)
        return None
    return found if isinstance(found, WordSet) else None


def _write_cache(path: Path, dictionary: WordSet) -> None:
    if not path.parent.parent.is_dir():
        return  # no data folder yet (a bare import, a test): do not create one for a cache
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".thai-words-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(dictionary, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        old = sorted(
            path.parent.glob("thai-words-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in old[_CACHE_KEEP + 1 :]:
            stale.unlink(missing_ok=True)
    except OSError:
        # A read-only data folder: print anyway, build again next time.
        log.info("cannot cache the word list in %s", path.parent, exc_info=True)


def _dictionary() -> WordSet:
    from pythainlp.corpus import thai_words

    path = _cache_file(_names_key)
    cached = _read_cache(path)
    if cached is not None:
        return cached
    names = name_words(_names_source()) if _names_source is not None else ()
    dictionary = WordSet([*thai_words(), *names])
    _write_cache(path, dictionary)
    return dictionary


def _load() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    global _tokenize, _tcc
    with _lock:
        if _tokenize is None or _tcc is None:
            configure_pythainlp()
            from pythainlp.tokenize import newmm, tcc

            dictionary = _dictionary()

            def tokenize(text: str) -> list[str]:
                return list(newmm.segment(text, custom_dict=dictionary, safe_mode=False))  # type: ignore[arg-type]

            tokenize("ทดสอบ")
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
