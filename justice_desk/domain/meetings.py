"""Meeting rules: who counts towards the quorum and the votes, the quorum itself, and the
standard agenda (docs/domain.md §4)."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Protocol

from justice_desk.domain.enums import Attendance, CommitteePosition
from justice_desk.i18n import N_, _

DEFAULT_QUORUM = Fraction(1, 2)


@dataclass(frozen=True)
class Quorum:
    """Members of the deciding body, how many of them are present (in person or through a
    substitute), how many must be, and how many members' attendance is not recorded yet."""

    members: int
    present: int
    required: int
    not_recorded: int = 0

    @property
    def taken(self) -> bool:
        """Attendance is taken: every member is recorded as present or absent."""
        return self.not_recorded == 0

    @property
    def started(self) -> bool:
        """At least one member's attendance is recorded."""
        return self.not_recorded < self.members

    @property
    def met(self) -> bool:
        return self.taken and self.members > 0 and self.present >= self.required

    @property
    def voters(self) -> int:
        """How many may vote: the members present and the substitutes sent in their place."""
        return self.present

    def describe(self) -> str:
        if self.members == 0:
            # A meeting planned before the center recorded its committee (issue 11 §15).
            return _(
                "No committee members are on this meeting's list, so there is no quorum to "
                "count. Record the committee on the page “Committee & mediators”, then add its "
                "members here (“Add committee members missing from the list”)."
            )
        if not self.taken:
            if not self.started:
                return _(
                    "Attendance has not been taken yet: record who of the {members} members "
                    "is present (at least {required} needed)."
                ).format(members=self.members, required=self.required)
            return _(
                "Attendance is not finished: {missing} of {members} members not recorded yet; "
                "{present} present so far (at least {required} needed)."
            ).format(
                missing=self.not_recorded,
                members=self.members,
                present=self.present,
                required=self.required,
            )
        if self.met:
            return _("Quorum: {present} of {members} present (at least {required} needed).").format(
                present=self.present, members=self.members, required=self.required
            )
        return _("No quorum: {present} of {members} present, at least {required} needed.").format(
            present=self.present, members=self.members, required=self.required
        )

    def attended(self) -> str:
        """What the meeting register shows in its column: the same count as ``describe``."""
        if self.members == 0:
            return _("no committee")
        if not self.taken:
            return _("not recorded") if not self.started else _("not finished")
        return _("{present} of {members}").format(present=self.present, members=self.members)


def quorum(
    members: int, present: int, fraction: Fraction = DEFAULT_QUORUM, *, not_recorded: int = 0
) -> Quorum:
    """Quorum is "at least ``fraction`` of the members" (default half, configurable per body).

    Members present in person and substitutes sent in their place count; guests and advisers do
    not (the caller counts only quorum-bearing positions, see ``count_quorum``).
    """
    required = max(1, math.ceil(members * fraction)) if members else 0
    return Quorum(members, present, required, not_recorded)


class AttendanceFacts(Protocol):
    """What the quorum needs of an attendance line (``services.meetings.AttendanceLine``)."""

    @property
    def attendance(self) -> Attendance: ...

    @property
    def position(self) -> CommitteePosition | None: ...

    @property
    def person_id(self) -> uuid.UUID | None: ...

    @property
    def substitute_for_id(self) -> uuid.UUID | None: ...


@dataclass(frozen=True)
class Line:
    """An attendance line reduced to what the quorum needs (for code that holds plain rows)."""

    attendance: Attendance
    position: CommitteePosition | None = None
    person_id: uuid.UUID | None = None
    substitute_for_id: uuid.UUID | None = None


def _is_member(line: AttendanceFacts) -> bool:
    return (
        line.position is not None
        and line.position.counts_for_quorum
        and line.attendance not in (Attendance.SUBSTITUTE, Attendance.GUEST)
    )


def count_quorum(lines: Iterable[AttendanceFacts], fraction: Fraction = DEFAULT_QUORUM) -> Quorum:
    """The one definition of who counts, used by the quorum line, the meeting register, the
    vote check, the printed minutes and the demo:

    - members are the committee lines whose position counts for quorum (not advisers, not
      guests, not substitutes);
    - present are those members marked present, plus every substitute sent in place of a line
      that is not an adviser's (a substitute's own line is not a member's);
    - a member whose attendance is ``NOT_TAKEN`` is neither present nor absent yet.
    """
    lines = list(lines)
    members = [a for a in lines if _is_member(a)]
    advisers = {
        a.person_id
        for a in lines
        if a.person_id is not None
        and a.position is not None
        and not a.position.counts_for_quorum
        and a.attendance not in (Attendance.SUBSTITUTE, Attendance.GUEST)
    }
    present = sum(1 for a in members if a.attendance is Attendance.PRESENT)
    substitutes = sum(
        1
        for a in lines
        if a.attendance is Attendance.SUBSTITUTE
        and not (a.substitute_for_id is not None and a.substitute_for_id in advisers)
    )
    not_recorded = sum(1 for a in members if a.attendance is Attendance.NOT_TAKEN)
    return quorum(len(members), present + substitutes, fraction, not_recorded=not_recorded)


def vote_problem(
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    attendance: Quorum,
) -> str | None:
    """Why these votes cannot stand, or ``None``: votes are counted only among the members
    present with a vote, so they cannot be cast before attendance is taken, and for + against
    + abstain may not exceed the voters."""
    values = [v for v in (votes_for, votes_against, votes_abstain) if v is not None]
    if not values:
        return None
    if any(v < 0 for v in values):
        return _("Votes cannot be negative.")
    total = sum(values)
    if not attendance.taken:
        return _("Take the attendance first: votes are checked against the members present.")
    if total > attendance.voters:
        return _(
            "{total} votes (for, against and abstaining), but only {voters} members present "
            "may vote. Check the numbers."
        ).format(total=total, voters=attendance.voters)
    return None


#: The standard five agenda items of a committee meeting (editable per meeting).
STANDARD_AGENDA = (
    N_("Matters the chair informs the meeting of"),
    N_("Adoption of the minutes of meeting {previous}"),
    N_("Matters arising"),
    N_("Matters for consideration"),
    N_("Other matters (if any)"),
)
#: Item 2, which names the meeting whose minutes this meeting adopts.
ADOPTION_ITEM = STANDARD_AGENDA[1]
NO_PREVIOUS = "..."
#: Item 2 as printed when it names no meeting (the first meeting the app records).
FIRST_MEETING_ADOPTION = N_(
    "Adoption of the minutes of the previous meeting (none: this is the first meeting recorded)"
)


def standard_agenda(previous_number: str | None) -> list[str]:
    """Titles of the standard agenda in the current language; item 2 names the previous meeting."""
    previous = previous_number or NO_PREVIOUS
    return [_(title).format(previous=previous) for title in STANDARD_AGENDA]


def adoption_title(previous_number: str | None) -> str:
    """Item 2's title in the current language."""
    return _(ADOPTION_ITEM).format(previous=previous_number or NO_PREVIOUS)


def adoption_title_names(title: str) -> str | None:
    """The meeting number a standard item-2 title names (``NO_PREVIOUS`` when it names none),
    in any language of the app; ``None`` for a title the secretary wrote differently."""
    for pattern in _adoption_patterns():
        found = pattern.fullmatch(title.strip())
        if found:
            return found.group(1)
    return None


@cache
def _adoption_patterns() -> tuple[re.Pattern[str], ...]:
    from justice_desk import i18n

    texts = {ADOPTION_ITEM} | {i18n.catalog(lang).gettext(ADOPTION_ITEM) for lang in i18n.LANGUAGES}
    return tuple(
        re.compile(re.escape(text).replace(re.escape("{previous}"), r"(\S+)"))
        for text in sorted(texts)
    )
