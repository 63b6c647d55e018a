"""Window and user preferences, stored in an INI file in the data folder (portable with it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from justice_desk import paths
from justice_desk.domain.backup_names import Retention

DEFAULT_TEXT_SIZE = 11
MIN_TEXT_SIZE, MAX_TEXT_SIZE = 9, 24


def open_settings() -> QSettings:
    folder = paths.ensure_home()
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def int_value(settings: QSettings, key: str, default: int) -> int:
    """A whole-number preference; ``default`` when it is missing or not a number (a hand-edited
    INI file)."""
    value = settings.value(key, default)
    if not isinstance(value, str | int | float):
        return default
    try:
        return int(value)
    except ValueError:
        return default


def text_size(settings: QSettings) -> int:
    value = int_value(settings, "ui/text_size", DEFAULT_TEXT_SIZE)
    return max(MIN_TEXT_SIZE, min(MAX_TEXT_SIZE, value))


def language(settings: QSettings) -> str | None:
    value = settings.value("ui/language")
    return str(value) if value else None


# -- the database used last (docs/architecture.md §10) -----------------------------------------

LAST_DATABASE = "database/last"


def last_database(settings: QSettings) -> Path | None:
    """The database file the app had open last (a demo included), if one was recorded."""
    value = settings.value(LAST_DATABASE)
    return Path(str(value)) if value else None


def remember_database(settings: QSettings, path: Path) -> None:
    settings.setValue(LAST_DATABASE, str(path))
    settings.remove(LAST_SERVER)
    settings.sync()


#: The server database used last: its URL WITHOUT the password (services.server), so that the
#: next start fills in the details and asks only for the password.
LAST_SERVER = "database/last_server"


def last_server(settings: QSettings) -> str | None:
    value = settings.value(LAST_SERVER)
    return str(value) if value else None


def remember_server(settings: QSettings, url_without_password: str) -> None:
    settings.setValue(LAST_SERVER, url_without_password)
    settings.remove(LAST_DATABASE)
    settings.sync()


# -- automatic backups -----------------------------------------------------------------------

DEFAULT_KEEP = {"days": 7, "weeks": 5, "months": 12}


def automatic_backups(settings: QSettings) -> bool:
    value = settings.value("backup/automatic", True)
    return value not in (False, "false", "0", 0)


def retention(settings: QSettings) -> Retention:
    """How many automatic backups to keep (one per day, week and month)."""
    counts = {
        key: max(0, min(999, int_value(settings, f"backup/keep_{key}", default)))
        for key, default in DEFAULT_KEEP.items()
    }
    return Retention(**counts)


def justified_documents(settings: QSettings) -> bool:
    """Whether printed documents justify their body text the Thai way (the default)."""
    value = settings.value("print/justified", True)
    return value not in (False, "false", "0", 0)


def backup_folder(settings: QSettings) -> Path:
    value = settings.value("backup/folder")
    return Path(str(value)) if value else paths.backups_dir()
