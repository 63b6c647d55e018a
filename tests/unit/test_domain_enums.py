"""The domain's closed vocabularies: stable codes and translatable labels."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from justice_desk import i18n
from justice_desk.domain import enums
from justice_desk.domain.enums import (
    CaseKind,
    CaseStatus,
    ChangeOp,
    CommitteePosition,
    LabelledEnum,
)

LABELLED = [
    obj
    for obj in vars(enums).values()
    if isinstance(obj, type) and issubclass(obj, LabelledEnum) and obj is not LabelledEnum
]


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def test_the_module_defines_the_expected_enums() -> None:
    names = {e.__name__ for e in LABELLED}
    assert {
        "CaseKind",
        "CaseStatus",
        "CaseCategory",
        "CommitteePosition",
        "Attendance",
        "PartySide",
    } <= names


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_every_member_has_a_label_and_a_stable_ascii_code(
    english, enum: type[LabelledEnum]
) -> None:
    assert set(enum.labels()) == {m.value for m in enum}
    labels = [m.label() for m in enum]
    assert all(labels)
    assert len(set(labels)) == len(labels)
    for member in enum:
        assert re.fullmatch(r"[a-z][a-z_]*", member.value)
        assert member.label() == enum.labels()[member.value]
        assert enum(member.value) is member
        assert member == member.value  # StrEnum: stored as its code


def test_labelled_enum_base_has_no_labels() -> None:
    with pytest.raises(NotImplementedError):
        LabelledEnum.labels()


def test_some_labels(english) -> None:
    assert CaseKind.DISPUTE.label() == "Dispute mediation"
    assert CaseStatus.DISMISSED.label() == "Dismissed: respondent did not consent"
    assert CommitteePosition.SECRETARY.label() == "Committee member and secretary"


def test_committee_position_order_follows_protocol() -> None:
    ordered = sorted(CommitteePosition, key=lambda p: p.order)
    assert ordered[0] is CommitteePosition.CHAIR
    assert ordered[1] is CommitteePosition.VICE_CHAIR
    assert [p.order for p in CommitteePosition] == list(range(len(CommitteePosition)))
    assert CommitteePosition.MEMBER.order < CommitteePosition.SECRETARY.order


def test_only_advisers_do_not_count_for_quorum() -> None:
    assert [p for p in CommitteePosition if not p.counts_for_quorum] == [CommitteePosition.ADVISER]


def test_open_statuses() -> None:
    open_ = {s for s in CaseStatus if s.is_open}
    assert {
        CaseStatus.RECEIVED,
        CaseStatus.AWAITING_CONSENT,
        CaseStatus.IN_MEDIATION,
        CaseStatus.IN_PROGRESS,
    } <= open_
    assert CaseStatus.SETTLED.is_open  # compliance with the agreement is still followed up
    for status in (
        CaseStatus.CLOSED,
        CaseStatus.WITHDRAWN,
        CaseStatus.TERMINATED,
        CaseStatus.DISMISSED,
        CaseStatus.REFERRED,
        CaseStatus.ESCALATED,
        CaseStatus.COMPLETED,
    ):
        assert not status.is_open, status


def test_change_ops() -> None:
    assert [op.value for op in ChangeOp] == ["insert", "update", "delete"]
