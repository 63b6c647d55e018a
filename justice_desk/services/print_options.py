"""How documents are printed in this process, set by the command line and the app's Settings
(light: importing it loads neither ReportLab nor the database layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from justice_desk.documents import options
from justice_desk.domain.access import Permission
from justice_desk.services.access import require

if TYPE_CHECKING:
    from justice_desk.storage.database import Database

__all__ = [
    "DEFAULT_THAI_DIGITS",
    "DIGITS_SETTING",
    "document_digits",
    "justified",
    "set_document_digits",
    "set_justified",
    "thai_digits",
]

#: The center's one choice of digits for all its official documents: "thai" or "arabic".
DIGITS_SETTING = "document_digits"

#: Until a center chooses, every official document prints Thai digits (๐-๙), as Thai government
#: correspondence does by custom and by the Cabinet's call to use Thai digits in official
#: letters; one default, so that documents citing each other agree (docs/thai-text-and-printing.md
#: §5).
DEFAULT_THAI_DIGITS = True


def document_digits(db: Database) -> bool | None:
    """Thai digits (True), Arabic (False) for every official document of this center, or
    ``None`` when the center has not chosen (every document then has
    :data:`DEFAULT_THAI_DIGITS`)."""
    value = db.setting(DIGITS_SETTING)
    return {"thai": True, "arabic": False}.get(value or "")


def set_document_digits(db: Database, thai: bool | None) -> None:
    """Choose the digits of every official document of this center once (issue 12 §11), so
    that documents citing each other agree (a referral letter and the intake it encloses);
    ``None`` goes back to the default (:data:`DEFAULT_THAI_DIGITS`)."""
    require(db, Permission.SETTINGS)
    value = "" if thai is None else ("thai" if thai else "arabic")
    with db.write() as session:
        db.put_settings(session, {DIGITS_SETTING: value})


def thai_digits(db: Database, asked: bool | None = None) -> bool:
    """The digits of one print: what was asked for it, else the center's choice, else the one
    default of every official document."""
    if asked is not None:
        return asked
    chosen = document_digits(db)
    return DEFAULT_THAI_DIGITS if chosen is None else chosen


def set_justified(on: bool) -> None:
    """Justify body paragraphs the Thai way (the default, as official documents are) or print
    them flush left, for every document printed afterwards in this process."""
    options.set_justify(on)


def justified() -> bool:
    return options.justify()
