"""Every path the app uses, from one place.

``JUSTICE_DESK_HOME`` moves everything (tests, portable installs on a USB stick); otherwise the
platform's user data and config folders are used. Tests never touch the real user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "JusticeDesk"
DB_FILENAME = "justice-desk.sqlite3"


def home() -> Path:
    """The folder holding the database, settings, logs and keys."""
    override = os.environ.get("JUSTICE_DESK_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def ensure_home() -> Path:
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_database() -> Path:
    return home() / DB_FILENAME


def settings_file() -> Path:
    return home() / "settings.json"


def log_file() -> Path:
    return home() / "logs" / "justice-desk.log"


def backups_dir() -> Path:
    return home() / "backups"


def keys_dir() -> Path:
    return home() / "keys"


def package_data(name: str) -> Path:
    """A file shipped inside the package (``justice_desk/data``)."""
    return Path(__file__).resolve().parent / "data" / name


SARABUN_FILES = {
    "regular": "Sarabun-Regular.ttf",
    "bold": "Sarabun-Bold.ttf",
    "italic": "Sarabun-Italic.ttf",
    "bold_italic": "Sarabun-BoldItalic.ttf",
}


def sarabun_font(style: str = "regular") -> Path:
    """A file of the bundled Sarabun font (the ``fontpkg-sarabun`` package), found from the
    package itself: no scan of installed packages' metadata, so it is cheap at start-up and
    works in a frozen build."""
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.ROOT) / "files" / SARABUN_FILES[style]


def translations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "translations"


def compiled_locale_dir() -> Path:
    return Path(__file__).resolve().parent / "locale"
