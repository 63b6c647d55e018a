"""Case status as a sequence of events: only the allowed moves exist.

Disputes follow the Dispute Mediation Act B.E. 2562: the respondent must consent (§21, refusal
dismisses the request), the mediation ends settled (§30), withdrawn in writing (§27), terminated
by the mediator (§31), or is referred/escalated. Other kinds of help (advice, complaints,
referrals to funds) are simply taken up and completed, referred or escalated.
"""

from __future__ import annotations

from enum import StrEnum

from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.errors import ValidationError
from justice_desk.i18n import N_, _


class CaseAction(StrEnum):
    REQUEST_CONSENT = "request_consent"
    CONSENT_GIVEN = "consent_given"
    CONSENT_REFUSED = "consent_refused"
    SETTLE = "settle"
    WITHDRAW = "withdraw"
    TERMINATE = "terminate"
    TAKE_UP = "take_up"
    COMPLETE = "complete"
    REFER = "refer"
    ESCALATE = "escalate"
    CLOSE = "close"

    def label(self) -> str:
        return _(_ACTION_LABELS[self])


_ACTION_LABELS = {
    CaseAction.REQUEST_CONSENT: N_("Ask the respondent for consent"),
    CaseAction.CONSENT_GIVEN: N_("Respondent consents: start mediation"),
    CaseAction.CONSENT_REFUSED: N_("Respondent refuses: dismiss the request"),
    CaseAction.SETTLE: N_("The parties signed: record the settlement"),
    CaseAction.WITHDRAW: N_("Applicant withdraws in writing"),
    CaseAction.TERMINATE: N_("End mediation without agreement"),
    CaseAction.TAKE_UP: N_("Take up the request"),
    CaseAction.COMPLETE: N_("Mark as completed"),
    CaseAction.REFER: N_("Refer to another agency"),
    CaseAction.ESCALATE: N_("Escalate to the Provincial Justice Office"),
    CaseAction.CLOSE: N_("Close the case"),
}

S = CaseStatus
A = CaseAction

_DISPUTE_MOVES: dict[CaseStatus, dict[CaseAction, CaseStatus]] = {
    S.RECEIVED: {
        A.REQUEST_CONSENT: S.AWAITING_CONSENT,
        A.WITHDRAW: S.WITHDRAWN,
        A.REFER: S.REFERRED,
        A.ESCALATE: S.ESCALATED,
    },
    S.AWAITING_CONSENT: {
        A.CONSENT_GIVEN: S.IN_MEDIATION,
        A.CONSENT_REFUSED: S.DISMISSED,
        A.WITHDRAW: S.WITHDRAWN,
        A.REFER: S.REFERRED,
        A.ESCALATE: S.ESCALATED,
    },
    S.IN_MEDIATION: {
        A.SETTLE: S.SETTLED,
        A.WITHDRAW: S.WITHDRAWN,
        A.TERMINATE: S.TERMINATED,
        A.REFER: S.REFERRED,
        A.ESCALATE: S.ESCALATED,
    },
    S.SETTLED: {A.CLOSE: S.CLOSED},
    S.TERMINATED: {A.REFER: S.REFERRED, A.ESCALATE: S.ESCALATED, A.CLOSE: S.CLOSED},
    S.DISMISSED: {A.REFER: S.REFERRED, A.CLOSE: S.CLOSED},
    S.WITHDRAWN: {A.CLOSE: S.CLOSED},
    S.REFERRED: {A.CLOSE: S.CLOSED},
    S.ESCALATED: {A.CLOSE: S.CLOSED},
    S.CLOSED: {},
}

_HELP_MOVES: dict[CaseStatus, dict[CaseAction, CaseStatus]] = {
    S.RECEIVED: {
        A.TAKE_UP: S.IN_PROGRESS,
        A.COMPLETE: S.COMPLETED,
        A.REFER: S.REFERRED,
        A.ESCALATE: S.ESCALATED,
    },
    S.IN_PROGRESS: {A.COMPLETE: S.COMPLETED, A.REFER: S.REFERRED, A.ESCALATE: S.ESCALATED},
    S.COMPLETED: {A.CLOSE: S.CLOSED},
    S.REFERRED: {A.CLOSE: S.CLOSED},
    S.ESCALATED: {A.CLOSE: S.CLOSED},
    S.CLOSED: {},
}


def _moves(kind: CaseKind) -> dict[CaseStatus, dict[CaseAction, CaseStatus]]:
    return _DISPUTE_MOVES if kind is CaseKind.DISPUTE else _HELP_MOVES


def allowed_actions(kind: CaseKind, status: CaseStatus) -> list[CaseAction]:
    """The next steps offered for a case (the GUI shows these as buttons)."""
    return list(_moves(kind).get(status, {}))


def next_status(kind: CaseKind, status: CaseStatus, action: CaseAction) -> CaseStatus:
    """The status after ``action``; raises :class:`ValidationError` for a move that
    is not allowed."""
    try:
        return _moves(kind)[status][action]
    except KeyError:
        raise ValidationError(
            _("“{action}” is not possible for a case that is “{status}”.").format(
                action=action.label(), status=status.label()
            )
        ) from None


def replay(kind: CaseKind, actions: list[CaseAction]) -> CaseStatus:
    """The status reached by a sequence of events from a new case; raises on any illegal move."""
    status = CaseStatus.RECEIVED
    for action in actions:
        status = next_status(kind, status, action)
    return status


#: Actions that end a mediation (its end date starts the §6 60-day extension of limitation).
MEDIATION_ENDING = frozenset({A.TERMINATE, A.WITHDRAW, A.REFER, A.ESCALATE})


class Prerequisite(StrEnum):
    """What a step needs on record before it can be taken, in the order a mediation goes:
    the parties choose a mediator, the agreement is written with them (and printed, signed on
    paper), then the case is recorded as settled."""

    MEDIATOR = "mediator"
    AGREEMENT = "agreement"


#: The steps (and the agreement itself, ``None``) that wait for something on record.
_NEEDS: dict[CaseAction | None, tuple[Prerequisite, ...]] = {
    # §30: the agreement is made before a mediator and signed by them.
    None: (Prerequisite.MEDIATOR,),
    CaseAction.SETTLE: (Prerequisite.MEDIATOR, Prerequisite.AGREEMENT),
}


def missing_before(
    action: CaseAction | None, *, has_mediator: bool, has_agreement: bool
) -> list[Prerequisite]:
    """What is still missing before ``action`` (``None``: recording the settlement agreement),
    first things first; empty when nothing is."""
    present = {Prerequisite.MEDIATOR: has_mediator, Prerequisite.AGREEMENT: has_agreement}
    return [need for need in _NEEDS.get(action, ()) if not present[need]]
