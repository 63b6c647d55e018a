"""The office's answer to a case a center escalated (domain.md §13).

A village committee escalates what it cannot resolve to the Provincial Justice Office (the
case's "escalate" step, ``case_flow``). The office answers with one of four decisions and a
note; the answer is the office's own record, travels back to the center in the next receipt
(docs/sync.md §12) and never changes the center's case.
"""

from __future__ import annotations

from dataclasses import dataclass

from justice_desk.domain.enums import LabelledEnum
from justice_desk.i18n import N_, _

#: Longest note and agency name an answer keeps (the receipt's reader checks the same).
NOTE_MAX = 2000
NAME_MAX = 200


class EscalationDecision(LabelledEnum):
    ACCEPTED = "accepted"
    REFERRED = "referred"
    RETURNED = "returned"
    CLOSED = "closed"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "accepted": N_("Accepted: the office handles it"),
            "referred": N_("Referred to another agency"),
            "returned": N_("Returned to the center with advice"),
            "closed": N_("Closed by the office"),
        }


@dataclass(frozen=True)
class AnswerProblem:
    """What is wrong with an answer, and which field (``decision``, ``agency``, ``note``,
    ``officer``)."""

    field: str
    message: str


def check_answer(
    decision: str, note: str, agency: str | None, officer: str | None
) -> AnswerProblem | None:
    """The first problem of an answer the office is about to record, or ``None``.

    A referral names the agency; every answer has a note (the advice, the reason, what the
    office will do); lengths are bounded so that the answer fits a receipt.
    """
    if decision not in EscalationDecision._value2member_map_:
        return AnswerProblem(
            "decision",
            _("Choose a decision: accepted, referred, returned or closed."),
        )
    if not note.strip():
        return AnswerProblem(
            "note", _("Write a note for the center: the advice, the reason or what happens next.")
        )
    if len(note) > NOTE_MAX:
        return AnswerProblem(
            "note",
            _("The note is too long: shorten it to {count} characters.").format(count=NOTE_MAX),
        )
    if decision == EscalationDecision.REFERRED and not (agency or "").strip():
        return AnswerProblem("agency", _("Name the agency the case is referred to."))
    for name, value in (("agency", agency), ("officer", officer)):
        if value is not None and len(value) > NAME_MAX:
            return AnswerProblem(
                name,
                _("The name is too long: shorten it to {count} characters.").format(count=NAME_MAX),
            )
    return None
