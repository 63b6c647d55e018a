"""Case status as a sequence of events: only the allowed moves exist."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from justice_desk import i18n
from justice_desk.domain.case_flow import (
    MEDIATION_ENDING,
    CaseAction,
    allowed_actions,
    next_status,
    replay,
)
from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.errors import UserError, ValidationError

A, S = CaseAction, CaseStatus
HELP_KINDS = [k for k in CaseKind if k is not CaseKind.DISPUTE]
DISPUTE_ONLY_ACTIONS = {
    A.REQUEST_CONSENT,
    A.CONSENT_GIVEN,
    A.CONSENT_REFUSED,
    A.SETTLE,
    A.WITHDRAW,
    A.TERMINATE,
}
HELP_ONLY_ACTIONS = {A.TAKE_UP, A.COMPLETE}
DISPUTE_ONLY_STATUSES = {
    S.AWAITING_CONSENT,
    S.IN_MEDIATION,
    S.SETTLED,
    S.WITHDRAWN,
    S.TERMINATED,
    S.DISMISSED,
}
HELP_ONLY_STATUSES = {S.IN_PROGRESS, S.COMPLETED}


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def reachable(kind: CaseKind) -> set[CaseStatus]:
    seen = {S.RECEIVED}
    queue = deque([S.RECEIVED])
    while queue:
        status = queue.popleft()
        for action in allowed_actions(kind, status):
            target = next_status(kind, status, action)
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


# --- allowed actions per status ------------------------------------------------------------

DISPUTE_TABLE = {
    S.RECEIVED: {A.REQUEST_CONSENT, A.WITHDRAW, A.REFER, A.ESCALATE},
    S.AWAITING_CONSENT: {A.CONSENT_GIVEN, A.CONSENT_REFUSED, A.WITHDRAW, A.REFER, A.ESCALATE},
    S.IN_MEDIATION: {A.SETTLE, A.WITHDRAW, A.TERMINATE, A.REFER, A.ESCALATE},
    S.SETTLED: {A.CLOSE},
    S.TERMINATED: {A.REFER, A.ESCALATE, A.CLOSE},
    S.DISMISSED: {A.REFER, A.CLOSE},
    S.WITHDRAWN: {A.CLOSE},
    S.REFERRED: {A.CLOSE},
    S.ESCALATED: {A.CLOSE},
    S.CLOSED: set(),
    S.IN_PROGRESS: set(),
    S.COMPLETED: set(),
}

HELP_TABLE = {
    S.RECEIVED: {A.TAKE_UP, A.COMPLETE, A.REFER, A.ESCALATE},
    S.IN_PROGRESS: {A.COMPLETE, A.REFER, A.ESCALATE},
    S.COMPLETED: {A.CLOSE},
    S.REFERRED: {A.CLOSE},
    S.ESCALATED: {A.CLOSE},
    S.CLOSED: set(),
    **{s: set() for s in DISPUTE_ONLY_STATUSES},
}


def test_tables_cover_every_status() -> None:
    assert set(DISPUTE_TABLE) == set(CaseStatus)
    assert set(HELP_TABLE) == set(CaseStatus)


@pytest.mark.parametrize("status", list(CaseStatus))
def test_dispute_allowed_actions(status: CaseStatus) -> None:
    actions = allowed_actions(CaseKind.DISPUTE, status)
    assert set(actions) == DISPUTE_TABLE[status]
    assert len(actions) == len(set(actions))


@pytest.mark.parametrize("kind", HELP_KINDS)
@pytest.mark.parametrize("status", list(CaseStatus))
def test_help_allowed_actions(kind: CaseKind, status: CaseStatus) -> None:
    assert set(allowed_actions(kind, status)) == HELP_TABLE[status]


@pytest.mark.parametrize("kind", list(CaseKind))
def test_closed_has_no_actions_and_every_action_from_closed_is_refused(kind: CaseKind) -> None:
    assert allowed_actions(kind, S.CLOSED) == []
    for action in CaseAction:
        with pytest.raises(ValidationError):
            next_status(kind, S.CLOSED, action)


def test_allowed_actions_returns_a_fresh_list() -> None:
    actions = allowed_actions(CaseKind.DISPUTE, S.RECEIVED)
    actions.clear()
    assert allowed_actions(CaseKind.DISPUTE, S.RECEIVED) != []


# --- moves ---------------------------------------------------------------------------------


def test_dispute_path_uses_consent() -> None:
    kind = CaseKind.DISPUTE
    assert next_status(kind, S.RECEIVED, A.REQUEST_CONSENT) is S.AWAITING_CONSENT
    assert next_status(kind, S.AWAITING_CONSENT, A.CONSENT_GIVEN) is S.IN_MEDIATION
    assert next_status(kind, S.AWAITING_CONSENT, A.CONSENT_REFUSED) is S.DISMISSED  # §21
    assert next_status(kind, S.IN_MEDIATION, A.SETTLE) is S.SETTLED  # §30
    assert next_status(kind, S.IN_MEDIATION, A.WITHDRAW) is S.WITHDRAWN  # §27
    assert next_status(kind, S.IN_MEDIATION, A.TERMINATE) is S.TERMINATED  # §31
    assert next_status(kind, S.SETTLED, A.CLOSE) is S.CLOSED


@pytest.mark.parametrize("action", sorted(HELP_ONLY_ACTIONS))
def test_dispute_refuses_take_up_and_complete(action: CaseAction) -> None:
    for status in CaseStatus:
        with pytest.raises(ValidationError):
            next_status(CaseKind.DISPUTE, status, action)


@pytest.mark.parametrize("kind", HELP_KINDS)
def test_other_kinds_use_take_up_and_complete_and_never_consent(kind: CaseKind) -> None:
    assert next_status(kind, S.RECEIVED, A.TAKE_UP) is S.IN_PROGRESS
    assert next_status(kind, S.IN_PROGRESS, A.COMPLETE) is S.COMPLETED
    assert next_status(kind, S.RECEIVED, A.COMPLETE) is S.COMPLETED
    assert next_status(kind, S.COMPLETED, A.CLOSE) is S.CLOSED
    for status in CaseStatus:
        for action in DISPUTE_ONLY_ACTIONS:
            with pytest.raises(ValidationError):
                next_status(kind, status, action)


def test_dispute_cannot_skip_consent() -> None:
    with pytest.raises(ValidationError):
        next_status(CaseKind.DISPUTE, S.RECEIVED, A.CONSENT_GIVEN)
    with pytest.raises(ValidationError):
        next_status(CaseKind.DISPUTE, S.RECEIVED, A.SETTLE)
    with pytest.raises(ValidationError):
        next_status(CaseKind.DISPUTE, S.AWAITING_CONSENT, A.SETTLE)


def test_illegal_move_message_names_the_action_and_the_status(english) -> None:
    with pytest.raises(ValidationError) as info:
        next_status(CaseKind.DISPUTE, S.RECEIVED, A.SETTLE)
    assert (
        str(info.value)
        == "“The parties signed: record the settlement” is not possible for a case that is "
        "“Received”."
    )
    assert info.value.message == str(info.value)
    assert isinstance(info.value, UserError)


def test_illegal_move_message_uses_the_current_language_labels() -> None:
    previous = i18n.language()
    i18n.set_language("th")
    try:
        with pytest.raises(ValidationError) as info:
            next_status(CaseKind.LEGAL_ADVICE, S.COMPLETED, A.TAKE_UP)
        assert A.TAKE_UP.label() in str(info.value)
        assert S.COMPLETED.label() in str(info.value)
    finally:
        i18n.set_language(previous)


def test_every_action_has_a_label(english) -> None:
    labels = [a.label() for a in CaseAction]
    assert all(labels)
    assert len(set(labels)) == len(labels)
    assert A.CONSENT_REFUSED.label() == "Respondent refuses: dismiss the request"


# --- replay --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "actions", "expected"),
    [
        (CaseKind.DISPUTE, [], S.RECEIVED),
        (CaseKind.DISPUTE, [A.REQUEST_CONSENT, A.CONSENT_GIVEN, A.SETTLE, A.CLOSE], S.CLOSED),
        (CaseKind.DISPUTE, [A.REQUEST_CONSENT, A.CONSENT_REFUSED], S.DISMISSED),
        (CaseKind.DISPUTE, [A.REQUEST_CONSENT, A.CONSENT_REFUSED, A.REFER], S.REFERRED),
        (
            CaseKind.DISPUTE,
            [A.REQUEST_CONSENT, A.CONSENT_GIVEN, A.TERMINATE, A.ESCALATE, A.CLOSE],
            S.CLOSED,
        ),
        (CaseKind.DISPUTE, [A.WITHDRAW], S.WITHDRAWN),
        (CaseKind.LEGAL_ADVICE, [A.TAKE_UP, A.COMPLETE], S.COMPLETED),
        (CaseKind.COMPLAINT, [A.REFER, A.CLOSE], S.CLOSED),
        (CaseKind.JUSTICE_FUND, [A.TAKE_UP, A.ESCALATE], S.ESCALATED),
    ],
)
def test_replay(kind: CaseKind, actions: list[CaseAction], expected: CaseStatus) -> None:
    assert replay(kind, actions) is expected


def test_replay_raises_on_the_first_illegal_move() -> None:
    with pytest.raises(ValidationError):
        replay(CaseKind.DISPUTE, [A.REQUEST_CONSENT, A.CONSENT_GIVEN, A.SETTLE, A.CLOSE, A.REFER])
    with pytest.raises(ValidationError):
        replay(CaseKind.LEGAL_ADVICE, [A.REQUEST_CONSENT])


# --- graph properties ----------------------------------------------------------------------


def test_reachable_statuses_per_kind() -> None:
    assert reachable(CaseKind.DISPUTE) == set(CaseStatus) - HELP_ONLY_STATUSES
    for kind in HELP_KINDS:
        assert reachable(kind) == set(CaseStatus) - DISPUTE_ONLY_STATUSES


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_reachable_status_can_still_be_closed(kind: CaseKind) -> None:
    for start in reachable(kind):
        seen, queue = {start}, deque([start])
        while queue:
            status = queue.popleft()
            for action in allowed_actions(kind, status):
                target = next_status(kind, status, action)
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        assert S.CLOSED in seen, start
        assert (allowed_actions(kind, start) == []) == (start is S.CLOSED)


def test_mediation_ending_actions_are_the_ways_out_of_mediation_other_than_settling() -> None:
    out = set(allowed_actions(CaseKind.DISPUTE, S.IN_MEDIATION))
    assert set(MEDIATION_ENDING) == out - {A.SETTLE}
    assert A.SETTLE not in MEDIATION_ENDING
    for action in MEDIATION_ENDING:
        assert not next_status(CaseKind.DISPUTE, S.IN_MEDIATION, action).is_open


@settings(max_examples=300)
@given(kind=st.sampled_from(list(CaseKind)), data=st.data())
def test_random_walk_from_received_never_raises_and_ends_closed(
    kind: CaseKind, data: st.DataObject
) -> None:
    status = S.RECEIVED
    history: list[CaseAction] = []
    visited = [status]
    for _ in range(20):
        actions = allowed_actions(kind, status)
        if not actions:
            break
        # Every action not offered is refused.
        for action in set(CaseAction) - set(actions):
            with pytest.raises(ValidationError):
                next_status(kind, status, action)
        action = data.draw(st.sampled_from(actions))
        status = next_status(kind, status, action)
        history.append(action)
        assert status not in visited  # the flow has no cycles
        visited.append(status)
        assert set(allowed_actions(kind, status)) <= set(CaseAction)
        if kind is CaseKind.DISPUTE:
            assert status not in HELP_ONLY_STATUSES
        else:
            assert status not in DISPUTE_ONLY_STATUSES
    assert status is S.CLOSED
    assert allowed_actions(kind, status) == []
    assert replay(kind, history) is status
    assert len(history) <= 5


class CaseFlowMachine(RuleBasedStateMachine):
    """Drive one case by random allowed and disallowed actions; the model must stay in step."""

    @initialize(kind=st.sampled_from(list(CaseKind)))
    def new_case(self, kind: CaseKind) -> None:
        self.kind = kind
        self.status = S.RECEIVED
        self.history: list[CaseAction] = []

    @precondition(lambda self: bool(allowed_actions(self.kind, self.status)))
    @rule(data=st.data())
    def take_an_allowed_action(self, data: st.DataObject) -> None:
        action = data.draw(st.sampled_from(allowed_actions(self.kind, self.status)))
        self.status = next_status(self.kind, self.status, action)
        self.history.append(action)

    @rule(action=st.sampled_from(list(CaseAction)))
    def try_any_action(self, action: CaseAction) -> None:
        if action in allowed_actions(self.kind, self.status):
            assert next_status(self.kind, self.status, action) in CaseStatus
        else:
            with pytest.raises(ValidationError):
                next_status(self.kind, self.status, action)

    @invariant()
    def status_is_consistent(self) -> None:
        assert replay(self.kind, self.history) is self.status
        actions = allowed_actions(self.kind, self.status)
        assert (actions == []) == (self.status is S.CLOSED)
        for action in actions:  # every move lands where the case can go on or is closed
            target = next_status(self.kind, self.status, action)
            assert target is not self.status
            assert target is S.CLOSED or allowed_actions(self.kind, target)


TestCaseFlowMachine = CaseFlowMachine.TestCase
TestCaseFlowMachine.settings = settings(max_examples=100, stateful_step_count=15)
