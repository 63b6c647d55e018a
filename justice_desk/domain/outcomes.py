"""How a case ended, as the province counts it (docs/domain.md §12).

A case's outcome in a period is the last outcome its status events reached within that period,
as the monthly report counts it (``services/printing.monthly_document``): a dispute terminated
and then referred in the same month counts once, as referred. The statuses group into the
outcomes the Provincial Justice Office reports:

=============  ===========================================================================
settled        ``settled`` (§30 agreement)
not settled    ``terminated`` (ended by the mediator without agreement, §31) and
               ``dismissed`` (the respondent did not consent, §21)
withdrawn      ``withdrawn`` (§27)
referred       ``referred`` to another agency
escalated      ``escalated`` to the Provincial Justice Office
completed      ``completed``: a request for help (advice, a complaint, a fund referral) dealt
               with by the center
=============  ===========================================================================

The settlement rate is the share of disputes with an outcome in the period that were
settled; the median is over whole days from the day received to the day of that outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from justice_desk.domain.enums import CaseStatus, LabelledEnum
from justice_desk.i18n import N_


class Outcome(LabelledEnum):
    SETTLED = "settled"
    NOT_SETTLED = "not_settled"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    ESCALATED = "escalated"
    COMPLETED = "completed"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "settled": N_("Settled"),
            "not_settled": N_("Not settled"),
            "withdrawn": N_("Withdrawn"),
            "referred": N_("Referred"),
            "escalated": N_("Escalated"),
            "completed": N_("Help given"),
        }


#: Every status that is an outcome, and the outcome it counts as.
OUTCOME_OF: Mapping[CaseStatus, Outcome] = {
    CaseStatus.SETTLED: Outcome.SETTLED,
    CaseStatus.TERMINATED: Outcome.NOT_SETTLED,
    CaseStatus.DISMISSED: Outcome.NOT_SETTLED,
    CaseStatus.WITHDRAWN: Outcome.WITHDRAWN,
    CaseStatus.REFERRED: Outcome.REFERRED,
    CaseStatus.ESCALATED: Outcome.ESCALATED,
    CaseStatus.COMPLETED: Outcome.COMPLETED,
}

#: Outcome statuses reached only after another outcome (a dispute terminated or dismissed, then
#: referred or escalated): on the same day they are the later one.
FOLLOWS_AN_OUTCOME: frozenset[CaseStatus] = frozenset({CaseStatus.REFERRED, CaseStatus.ESCALATED})


def statuses_of(outcome: Outcome) -> tuple[CaseStatus, ...]:
    return tuple(s for s, o in OUTCOME_OF.items() if o is outcome)


def settlement_rate(settled: int, disputes_decided: int) -> float | None:
    """Settled disputes as a share (0–1) of disputes with an outcome; ``None`` without any."""
    return settled / disputes_decided if disputes_decided else None


def median_of_counts(counts: Mapping[int, int] | Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times) pairs: the middle value, or the
    mean of the two middle values; ``None`` when there are none."""
    pairs = sorted(counts.items() if isinstance(counts, Mapping) else counts)
    pairs = [(v, n) for v, n in pairs if n > 0]
    total = sum(n for _v, n in pairs)
    if not total:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower: int | None = None
    upper: int | None = None
    seen = 0
    for value, n in pairs:
        if lower is None and lower_rank < seen + n:
            lower = value
        if upper_rank < seen + n:
            upper = value
            break
        seen += n
    assert lower is not None and upper is not None
    return (lower + upper) / 2
