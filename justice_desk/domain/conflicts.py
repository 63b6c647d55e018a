"""An officer's decision on an entry of the province's conflict list (docs/sync.md §13).

The conflict list holds what the sync could not settle by itself: a version of a record that
came back after a center's restore and differs from the one kept, a record refused for its
number or its references, and a bundle held for a gap in the change numbers for too long. The
sync never resolves these silently (docs/sync.md §1); a person looks at each and decides. What
can be decided depends on the entry, and the decision travels back to the center in the next
receipt, so the center knows what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from justice_desk.domain.enums import LabelledEnum
from justice_desk.i18n import N_, _

#: Longest note and officer's name a decision keeps (the receipt's reader checks the same).
NOTE_MAX = 2000
NAME_MAX = 200

#: Kinds of entry: a version in the conflict queue, or a bundle held for a gap.
CONFLICT = "conflict"
GAP = "gap"

#: Conflict reasons where two versions of the same record met (one kept, one in the list).
TWO_VERSIONS = ("restored_center_older", "restored_center_overwrote")


class ConflictDecision(LabelledEnum):
    KEEP_CENTER = "keep_center"
    KEEP_PROVINCE = "keep_province"
    RESEND = "resend"
    DISMISS = "dismiss"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "keep_center": N_("Keep the center's version"),
            "keep_province": N_("Keep the province's version"),
            "resend": N_("Ask the center to send it again"),
            "dismiss": N_("Dismiss, with a note"),
        }


def choices(kind: str, reason: str) -> tuple[ConflictDecision, ...]:
    """What an officer can decide about an entry of this kind and reason."""
    if kind == CONFLICT and reason in TWO_VERSIONS:
        return (
            ConflictDecision.KEEP_CENTER,
            ConflictDecision.KEEP_PROVINCE,
            ConflictDecision.DISMISS,
        )
    return (ConflictDecision.RESEND, ConflictDecision.DISMISS)


def choice_help(decision: ConflictDecision, kind: str, reason: str) -> str:
    """What a decision does, in plain words, for the entry it would settle."""
    if decision is ConflictDecision.KEEP_CENTER:
        if reason == "restored_center_older":
            return _(
                "The office's copy takes the center's version, the one its database holds now. "
                "Nothing changes at the center."
            )
        return _("The center's version stays, as it is now at both ends. The center is told.")
    if decision is ConflictDecision.KEEP_PROVINCE:
        return _(
            "The version the office holds was the right one: the center is asked to enter it "
            "again (the note says what), so that its record matches."
        )
    if decision is ConflictDecision.RESEND:
        if kind == GAP:
            return _(
                "The center is asked to export again: the next bundle carries the missing "
                "changes, and the held bundle is then applied by itself."
            )
        if reason == "number_taken":
            return _(
                "The center is asked to give the record a new number and send it again "
                "(its Sync page: Send the refused records again)."
            )
        return _(
            "The center is asked to correct the record and send it again "
            "(its Sync page: Send the refused records again)."
        )
    return _("Nothing changes. The entry leaves the list; the note says why.")


@dataclass(frozen=True)
class DecisionProblem:
    """What is wrong with a decision, and which field (``decision``, ``note``, ``officer``)."""

    field: str
    message: str


def check_decision(
    decision: str, allowed: tuple[ConflictDecision, ...], note: str, officer: str | None
) -> DecisionProblem | None:
    """The first problem of a decision an officer is about to record, or ``None``.

    Only a decision that fits the entry; dismissing always says why; lengths are bounded so
    that the decision fits a receipt."""
    if decision not in {d.value for d in allowed}:
        return DecisionProblem(
            "decision",
            _("Choose one of: {choices}.").format(choices=", ".join(d.label() for d in allowed)),
        )
    if decision == ConflictDecision.DISMISS and not note.strip():
        return DecisionProblem(
            "note", _("Write a note: why the entry is dismissed, for the center and later readers.")
        )
    if len(note) > NOTE_MAX:
        return DecisionProblem(
            "note",
            _("The note is too long: shorten it to {count} characters.").format(count=NOTE_MAX),
        )
    if officer is not None and len(officer) > NAME_MAX:
        return DecisionProblem(
            "officer",
            _("The name is too long: shorten it to {count} characters.").format(count=NAME_MAX),
        )
    return None


def center_instruction(decision: str, kind: str, reason: str) -> str:
    """At the center: what the province's decision asks of it, in plain words."""
    if decision == ConflictDecision.KEEP_CENTER:
        return _("The province keeps this center's version. Nothing to do.")
    if decision == ConflictDecision.KEEP_PROVINCE:
        return _(
            "The province keeps the version it had. Enter it again in this record (the note "
            "says what), then export."
        )
    if decision == ConflictDecision.RESEND:
        if kind == GAP:
            return _(
                "Export again: the province is missing some changes. The next bundle has them."
            )
        return _(
            "Correct the record if needed, then press “Send the refused records again” and export."
        )
    if decision == ConflictDecision.DISMISS:
        return _("The province closed it; the note says why. Nothing to do.")
    return decision  # a newer province's decision, shown as it came
