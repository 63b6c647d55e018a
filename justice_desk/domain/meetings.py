"""Meeting rules: quorum and the standard agenda."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from justice_desk.i18n import N_, _

DEFAULT_QUORUM = Fraction(1, 2)


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    required: int

    @property
    def met(self) -> bool:
        return self.members > 0 and self.present >= self.required

    def describe(self) -> str:
        if self.met:
            return _("Quorum: {present} of {members} present (at least {required} needed).").format(
                present=self.present, members=self.members, required=self.required
            )
        return _("No quorum: {present} of {members} present, at least {required} needed.").format(
            present=self.present, members=self.members, required=self.required
        )


def quorum(members: int, present: int, fraction: Fraction = DEFAULT_QUORUM) -> Quorum:
    """Quorum is "at least ``fraction`` of the members" (default half, configurable per body).

    Members present in person and substitutes sent in their place count; guests and advisers do
    not (the caller counts only quorum-bearing positions).
    """
    required = max(1, math.ceil(members * fraction)) if members else 0
    return Quorum(members, present, required)


#: The standard five agenda items of a committee meeting (editable per meeting).
STANDARD_AGENDA = (
    N_("Matters the chair informs the meeting of"),
    N_("Adoption of the minutes of meeting {previous}"),
    N_("Matters arising"),
    N_("Matters for consideration"),
    N_("Other matters (if any)"),
)


def standard_agenda(previous_number: str | None) -> list[str]:
    """Titles of the standard agenda in the current language; item 2 names the previous meeting."""
    previous = previous_number or "..."
    return [_(title).format(previous=previous) for title in STANDARD_AGENDA]
