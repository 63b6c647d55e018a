"""Quorum (at least half of the members by default) and the standard five-item agenda."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk import i18n
from justice_desk.domain.meetings import (
    DEFAULT_QUORUM,
    STANDARD_AGENDA,
    Quorum,
    quorum,
    standard_agenda,
)


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.mark.parametrize(
    ("members", "required"),
    [(9, 5), (8, 4), (1, 1), (2, 1), (3, 2), (15, 8), (16, 8)],
)
def test_quorum_is_at_least_half_rounded_up(members: int, required: int) -> None:
    assert DEFAULT_QUORUM == Fraction(1, 2)
    assert quorum(members, 0).required == required
    assert quorum(members, required).met is True
    assert quorum(members, required - 1).met is False


def test_nine_members() -> None:
    assert quorum(9, 5) == Quorum(9, 5, 5)
    assert quorum(9, 5).met
    assert not quorum(9, 4).met


def test_eight_members() -> None:
    assert quorum(8, 4).met
    assert not quorum(8, 3).met


def test_no_members_never_has_a_quorum() -> None:
    q = quorum(0, 0)
    assert q.required == 0
    assert q.met is False
    assert quorum(0, 3).met is False


def test_configurable_fraction() -> None:
    assert quorum(9, 6, Fraction(2, 3)).required == 6
    assert quorum(9, 6, Fraction(2, 3)).met
    assert not quorum(9, 5, Fraction(2, 3)).met
    assert quorum(10, 0, Fraction(1, 3)).required == 4
    assert quorum(5, 1, Fraction(0)).required == 1  # never fewer than one person


@given(
    members=st.integers(min_value=1, max_value=500), present=st.integers(min_value=0, max_value=500)
)
def test_default_quorum_property(members: int, present: int) -> None:
    q = quorum(members, present)
    assert q.required == math.ceil(members / 2)
    assert 2 * q.required >= members > 2 * (q.required - 1)
    assert q.met is (present >= q.required)


@given(
    members=st.integers(min_value=1, max_value=200),
    present=st.integers(min_value=0, max_value=200),
    numerator=st.integers(min_value=1, max_value=10),
    extra=st.integers(min_value=0, max_value=10),
)
def test_fraction_quorum_property(members: int, present: int, numerator: int, extra: int) -> None:
    fraction = Fraction(numerator, numerator + extra)
    q = quorum(members, present, fraction)
    assert q.required >= members * fraction > q.required - 1
    assert 1 <= q.required <= members
    assert q.met is (present >= q.required)


def test_describe_mentions_the_numbers(english) -> None:
    met = quorum(9, 6).describe()
    assert met == "Quorum: 6 of 9 present (at least 5 needed)."
    not_met = quorum(9, 4).describe()
    assert not_met == "No quorum: 4 of 9 present, at least 5 needed."
    # A meeting planned before the committee was recorded says what to do, not "0 of 0".
    empty = quorum(0, 0)
    assert not empty.met and "0 of 0" not in empty.describe()
    assert empty.describe().startswith("No committee members are on this meeting's list")
    assert "Committee & mediators" in empty.describe() and empty.attended() == "no committee"


@given(
    members=st.integers(min_value=1, max_value=99), present=st.integers(min_value=0, max_value=99)
)
def test_describe_always_names_present_members_and_required(members: int, present: int) -> None:
    q = quorum(members, present)
    text = q.describe()
    assert f"{present} of {members}" in text
    assert str(q.required) in text


def test_standard_agenda_has_five_items_with_the_previous_meeting(english) -> None:
    agenda = standard_agenda("3/2569")
    assert len(agenda) == 5 == len(STANDARD_AGENDA)
    assert agenda == [
        "Matters the chair informs the meeting of",
        "Adoption of the minutes of meeting 3/2569",
        "Matters arising",
        "Matters for consideration",
        "Other matters (if any)",
    ]
    assert "3/2569" in agenda[1]
    assert all("3/2569" not in item for i, item in enumerate(agenda) if i != 1)


def test_standard_agenda_without_a_previous_meeting(english) -> None:
    agenda = standard_agenda(None)
    assert agenda[1] == "Adoption of the minutes of meeting ..."
    assert standard_agenda("") == agenda


def test_standard_agenda_in_the_current_language_still_names_the_previous_meeting() -> None:
    previous = i18n.language()
    i18n.set_language("th")
    try:
        agenda = standard_agenda("12/2568")
        assert len(agenda) == 5
        assert "12/2568" in agenda[1]
        assert all("{" not in item for item in agenda)
    finally:
        i18n.set_language(previous)
