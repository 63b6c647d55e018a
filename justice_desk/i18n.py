"""Translation of every user-visible string.

Message ids are English; the Thai catalog is the default language, English is available. The
``.po`` sources live in ``translations/``; a build compiles them into ``justice_desk/locale``. A
source checkout without compiled catalogs compiles the ``.po`` in memory with Babel on first use,
so a fresh clone shows Thai without a build step.

``_()`` translates now; ``N_()`` marks a string defined at import time (enum labels, error
templates) for extraction and is translated where it is shown.
"""

from __future__ import annotations

import gettext
import io
import os
import threading
from pathlib import Path

from justice_desk import paths

DOMAIN = "justice_desk"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"

_lock = threading.Lock()
_current: gettext.NullTranslations | None = None
_language = DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def catalog(language: str) -> gettext.NullTranslations:
    """The messages of ``language`` (documents print Thai whatever the app's language): the
    compiled catalog when there is one (an installed build), else the ``.po`` source compiled."""
    mo = paths.compiled_locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    po = paths.translations_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        return _compiled_from_source(po, language)
    return gettext.NullTranslations()


def _compiled_from_source(po: Path, language: str) -> gettext.NullTranslations:
    """A source checkout: compile the ``.po`` with Babel once and keep the ``.mo`` in the data
    folder's cache, so later starts skip Babel (about 60 ms)."""
    cached = paths.home() / "cache" / f"{DOMAIN}-{language}.mo"
    try:
        if cached.exists() and cached.stat().st_mtime >= po.stat().st_mtime:
            with cached.open("rb") as fh:
                return gettext.GNUTranslations(fh)
    except (OSError, ValueError):
        pass  # unreadable or damaged cache: compile again
    compiled = compile_catalog(po)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.write_bytes(compiled)
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only data folder only costs the next start the same 60 ms
    return gettext.GNUTranslations(io.BytesIO(compiled))


def compile_catalog(po: Path) -> bytes:
    """A ``.po`` source as ``.mo`` bytes (also used by the installer build)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def set_language(language: str | None) -> str:
    """Switch the language for the whole process; returns the language now in force."""
    global _current, _language
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    with _lock:
        _language = chosen
        _current = catalog(chosen)
    return chosen


def language() -> str:
    return _language


def _translations() -> gettext.NullTranslations:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = catalog(_language)
    return _current


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` as meant in ``context``: for an English word with two Thai
    meanings ("Attendance" of a meeting's roster and of a mediation session)."""
    return _translations().pgettext(context, message)


def initial_language() -> str:
    """The language chosen by ``JUSTICE_DESK_LANG``, else the Thai default."""
    return os.environ.get("JUSTICE_DESK_LANG", DEFAULT_LANGUAGE)
