"""How long each kind of record is kept, and whether a person's data may be erased now
(PDPA s.33, s.37(3); the periods and their sources are tabled in docs/privacy.md).

No law gives a Community Justice Center a number of years for its files. Where a law fixes a
period that bears on a record, the period here covers it; the rest is the center's policy,
with the reason written beside it. A center may change these numbers only through a new
version of this module (and of docs/privacy.md), so that every center keeps the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from justice_desk.domain.dates import add_years
from justice_desk.i18n import N_, _


@dataclass(frozen=True)
class RetentionRule:
    """A kind of record, how long it is kept after its end, and the source of that period."""

    code: str
    years: int
    #: What is kept (``N_`` message id).
    what: str
    #: The legal source or the policy and its reason, short (``N_`` message id).
    source: str

    def until(self, ended_on: dt.date) -> dt.date:
        return add_years(ended_on, self.years)


CASE = RetentionRule(
    "case",
    10,
    N_("Case records (parties, sessions, settlement, payments)"),
    N_(
        "center policy, 10 years after the case ends: covers the 3 years to ask a court to "
        "enforce a settlement (Dispute Mediation Act s.32) and the 10-year general limitation "
        "of claims (Civil and Commercial Code s.193/30)"
    ),
)
MINUTES = RetentionRule(
    "minutes",
    10,
    N_("Meeting minutes and attendance"),
    N_(
        "center policy, 10 years after the meeting, as the Regulation of the Prime Minister's "
        "Office on Correspondence B.E. 2526 keeps official papers"
    ),
)
MEDIATOR = RetentionRule(
    "mediator",
    10,
    N_("A mediator's registration and the cases they mediated"),
    N_("center policy: as long as the cases the mediator worked on (10 years after they end)"),
)
MEMBER = RetentionRule(
    "member",
    2,
    N_("Network members who left, and people recorded for activities"),
    N_(
        "center policy, 2 years after leaving or the last activity: kept with consent (PDPA "
        "s.19) and only as long as needed to answer questions about certificates and training "
        "(PDPA s.37(3))"
    ),
)

RULES: dict[str, RetentionRule] = {r.code: r for r in (CASE, MINUTES, MEDIATOR, MEMBER)}


@dataclass(frozen=True)
class Hold:
    """Something that keeps a person's data: a rule, what it is about (``005/2569``), and the
    day it ends (``None``: still open, so not counting yet)."""

    rule: str
    reference: str
    until: dt.date | None
    #: ``party``, ``responsible``, ``mediator``, ``registered``, ``minutes``
    role: str

    def holds_on(self, today: dt.date) -> bool:
        return self.until is None or self.until > today

    def describe(self) -> str:
        """Why the data is kept, in the interface language, with the rule's source."""
        return explain([self])[0]


_ROLES = {
    "party": (N_("A party to case {refs}"), N_("A party to cases {refs}")),
    "responsible": (N_("Responsible for case {refs}"), N_("Responsible for cases {refs}")),
    "mediator": (N_("Mediator of case {refs}"), N_("Mediator of cases {refs}")),
    "registered": (N_("On the register of mediators ({refs})"),) * 2,
    "minutes": (
        N_("Named in the minutes of meeting {refs}"),
        N_("Named in the minutes of meetings {refs}"),
    ),
}


def explain(holds: list[Hold]) -> list[str]:
    """One sentence per kind of hold, naming what and the rule: ``A party to cases 002/2568,
    010/2569: kept until 22 ตุลาคม 2579 (center policy, …).`` (the latest day of the group)."""
    from justice_desk import i18n
    from justice_desk.domain.dates import format_date

    groups: dict[tuple[str, str], list[Hold]] = {}
    for h in holds:
        groups.setdefault((h.role, h.rule), []).append(h)
    out = []
    for (role, code), group in groups.items():
        rule = RULES[code]
        one, many = _ROLES[role]
        refs = ", ".join(dict.fromkeys(h.reference for h in group))
        who = _(one if len(group) == 1 else many).format(refs=refs)
        if any(h.until is None for h in group):
            when = _("kept while it is open, then for {years} years").format(years=rule.years)
        else:
            last = max(h.until for h in group if h.until is not None)
            when = _("kept until {date}").format(date=format_date(last, i18n.language()))
        out.append(_("{who}: {when} ({source}).").format(who=who, when=when, source=_(rule.source)))
    return out


def holds_today(holds: list[Hold], today: dt.date) -> list[Hold]:
    """The holds that still keep the data on ``today`` (empty: it may be erased)."""
    return [h for h in holds if h.holds_on(today)]


def case_end(status_open: bool, ended_on: dt.date | None) -> dt.date | None:
    """The day a case's retention starts counting: ``None`` while it is open."""
    return None if status_open else ended_on
