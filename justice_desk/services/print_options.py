"""How documents are printed in this process, set by the command line and the app's Settings
(light: importing it loads neither ReportLab nor the database layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from justice_desk.documents import options

if TYPE_CHECKING:
    from justice_desk.storage.database import Database

__all__ = ["DIGITS_SETTING", "document_digits", "justified", "set_document_digits", "set_justified"]

#: The center's one choice of digits for all its official documents: "thai" or "arabic".
DIGITS_SETTING = "document_digits"


def document_digits(db: Database) -> bool | None:
    """Thai digits (True), Arabic (False) for every official document of this center, or
    ``None`` when the center has not chosen (each document then has its own default)."""
    value = db.setting(DIGITS_SETTING)
    return {"thai": True, "arabic": False}.get(value or "")


def set_document_digits(db: Database, thai: bool | None) -> None:
    """Choose the digits of every official document of this center once (issue 12 §11), so
    that documents citing each other agree (a referral letter and the intake it encloses);
    ``None`` goes back to each document's own default."""
    value = "" if thai is None else ("thai" if thai else "arabic")
    with db.write() as session:
        db.put_settings(session, {DIGITS_SETTING: value})


def set_justified(on: bool) -> None:
    """Justify body paragraphs the Thai way (the default, as official documents are) or print
    them flush left, for every document printed afterwards in this process."""
    options.set_justify(on)


def justified() -> bool:
    return options.justify()
