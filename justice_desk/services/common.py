"""Small pieces every service uses: pages of rows, save results, input checks."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _

if TYPE_CHECKING:
    # Only named in annotations: the storage layer is imported where it is used.
    from justice_desk.storage.database import Database
    from justice_desk.storage.repositories import Numbered

T = TypeVar("T")

DEFAULT_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """A window of a list: ``rows`` from ``offset``, out of ``total``."""

    rows: list[T]
    total: int
    offset: int = 0


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A saved record and the warnings the user should see (saving was not blocked by them)."""

    record: T
    warnings: list[str] = field(default_factory=list)


def clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def required(value: str | None, message: str, field_name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field_name)
    return value


_PHONE = re.compile(r"^0\d{8,9}$")


def phone_warning(phone: str | None) -> str | None:
    """Thai phone numbers have 9 (landline) or 10 (mobile) digits starting with 0."""
    if not phone:
        return None
    digits = re.sub(r"[\s\-()]", "", phone)
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    if not _PHONE.match(digits):
        return _(
            "The phone number {phone} does not look like a Thai number (0 and 8 or 9 more digits)."
        ).format(phone=phone)
    return None


def not_in_future(
    day: dt.date | None, what: str, field_name: str, today: dt.date | None = None
) -> None:
    if day is not None and day > (today or dt.date.today()):
        raise ValidationError(_("{what} cannot be in the future.").format(what=what), field_name)


def check_rev(current: int, expected: int | None) -> None:
    """Refuse to overwrite a record someone else saved since it was opened."""
    if expected is not None and current != expected:
        raise UserError(
            _(
                "This record was changed by someone else after you opened it. Close it, "
                "open it again and redo your change."
            )
        )


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(
            _("{value} is not a record identifier.").format(value=value)
        ) from None


def find_by_reference(
    db: Database,
    model: type[Numbered],
    reference: str,
    not_found: str,
    owner_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """A numbered record (case, meeting) by its visible number (``005/2569``, ``4/2569``, Thai
    digits too) or its UUID; ``not_found`` is the translated message with ``{number}``."""
    from justice_desk.domain.numbering import parse_year_number
    from justice_desk.errors import NotFoundError
    from justice_desk.storage import repositories as repo

    number = parse_year_number(reference)
    with db.read() as session:
        if number is not None:
            row = repo.find_by_number(
                session, model, db.home_owner(owner_id), number.year_be, number.number
            )
            if row is None:
                raise NotFoundError(not_found.format(number=reference.strip()))
            return row.id
        return repo.get(session, model, as_uuid(reference)).id
