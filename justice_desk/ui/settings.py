"""Window and user preferences, stored in an INI file in the data folder (portable with it)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from justice_desk import paths

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
