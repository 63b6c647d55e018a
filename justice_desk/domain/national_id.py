"""Thai national ID (เลขประจำตัวประชาชน) checks.

A failed check digit *warns* and never blocks: legacy paper records carry mistyped IDs that a
coordinator must still be able to enter and later correct. ``python-stdnum`` does the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.th import pin

from justice_desk.i18n import _

#: Digits of a whole national ID.
ID_LENGTH = 13


@dataclass(frozen=True)
class NationalIdCheck:
    """Outcome of checking a typed national ID.

    ``digits`` is what should be stored (13 digits, or the cleaned input when it is not even
    13 digits); ``warning`` is a translated sentence when something looks wrong, else ``None``.
    """

    digits: str
    valid: bool
    warning: str | None


def clean(value: str) -> str:
    """Strip separators and turn Thai digits into Arabic ones."""
    from pythainlp.util import thai_digit_to_arabic_digit

    return "".join(ch for ch in thai_digit_to_arabic_digit(value) if ch.isalnum())


def check(value: str) -> NationalIdCheck:
    """Check a national ID as typed; never raises for bad input."""
    digits = clean(value)
    letters = "".join(dict.fromkeys(ch for ch in digits if not ch.isdigit()))
    if letters:
        # Counted as "digits" the length message would mislead ("this one has 4").
        return NationalIdCheck(
            digits,
            False,
            _(
                "A national ID has only digits; remove “{letters}” and type the 13 digits "
                "from the ID card."
            ).format(letters=letters),
        )
    try:
        pin.validate(digits)
    except InvalidLength:
        return NationalIdCheck(
            digits,
            False,
            _("A national ID has 13 digits; this one has {count}.").format(count=len(digits)),
        )
    except InvalidChecksum:
        return NationalIdCheck(
            digits,
            False,
            _(
                "The check digit of this national ID is wrong. Compare it with the ID card; "
                "you can still save it."
            ),
        )
    except (InvalidFormat, ValidationError):
        return NationalIdCheck(
            digits, False, _("A national ID has only digits, and cannot start with 0 or 9.")
        )
    return NationalIdCheck(digits, True, None)


def display(digits: str) -> str:
    """``1-1017-00203-45-0`` for a 13-digit ID; other values unchanged."""
    if len(digits) == 13 and digits.isdigit():
        return pin.format(digits)
    return digits


def masked(digits: str) -> str:
    """The ID as lists and printouts show it unless it is needed: ``x-xxxx-xxxxx-45-0``."""
    if len(digits) == 13 and digits.isdigit():
        return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"
    if not digits:
        return ""
    return "x" * max(0, len(digits) - 3) + digits[-3:]
