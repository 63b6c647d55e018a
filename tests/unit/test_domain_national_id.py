"""Thai national ID: cleaning, check digit (warn, never block), display and masking."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk import i18n
from justice_desk.domain import national_id
from justice_desk.domain.national_id import NationalIdCheck, check, clean, display, masked

VALID = "1101700203450"


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def product_check_digit(first12: str) -> str:
    """docs/domain.md §1: (11 − Σ dᵢ·(14−i) for i=1..12 mod 11) mod 10."""
    total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
    return str((11 - total % 11) % 10)


def test_product_formula_gives_the_known_check_digit() -> None:
    assert product_check_digit(VALID[:12]) == VALID[12]


def test_valid_id_has_no_warning() -> None:
    result = check(VALID)
    assert result == NationalIdCheck(VALID, True, None)


def test_wrong_check_digit_warns_but_keeps_the_digits(english) -> None:
    result = check("1101700203451")
    assert result.valid is False
    assert result.digits == "1101700203451"
    assert result.warning is not None
    assert "check digit" in result.warning
    assert "still save" in result.warning  # it never blocks legacy data


@pytest.mark.parametrize("typed", ["110170020345", "11017002034500", "1", ""])
def test_wrong_length_warns_with_the_count(english, typed: str) -> None:
    result = check(typed)
    assert result.valid is False
    assert result.digits == typed
    assert result.warning is not None
    assert "13 digits" in result.warning
    assert f"has {len(typed)}." in result.warning


@pytest.mark.parametrize(
    "typed",
    [
        "1-1017-00203-45-0",
        "1 1017 00203 45 0",
        " 1101700203450 ",
        "๑๑๐๑๗๐๐๒๐๓๔๕๐",
        "๑-๑๐๑๗-๐๐๒๐๓-๔๕-๐",
        "1-๑๐๑๗-00203-๔๕-0",
        "1.1017.00203.45.0",
    ],
)
def test_separators_and_thai_digits_are_cleaned(typed: str) -> None:
    assert clean(typed) == VALID
    assert check(typed) == NationalIdCheck(VALID, True, None)


@pytest.mark.parametrize("typed", ["0101700203450", "9101700203450"])
def test_first_digit_zero_or_nine_is_refused(english, typed: str) -> None:
    result = check(typed)
    assert result.valid is False
    assert result.digits == typed
    assert result.warning is not None and "cannot start with 0 or 9" in result.warning


def test_letters_in_a_13_character_value_warn_about_digits(english) -> None:
    result = check("110170020345X")
    assert result.valid is False
    assert result.warning is not None and "only digits" in result.warning


def test_display_groups_a_13_digit_id() -> None:
    assert display(VALID) == "1-1017-00203-45-0"


@pytest.mark.parametrize("value", ["", "123", "110170020345", "11017002034500", "110170020345X"])
def test_display_leaves_other_values_unchanged(value: str) -> None:
    assert display(value) == value


def test_masked_hides_all_but_the_last_three_digits() -> None:
    assert masked(VALID) == "x-xxxx-xxxxx-45-0"


def test_masked_other_values() -> None:
    assert masked("") == ""
    assert masked("110170020345") == "xxxxxxxxx345"  # a mistyped 12-digit legacy ID
    assert masked("12345") == "xx345"


thirteen_digit_ids = st.tuples(
    st.sampled_from("12345678"), st.text(alphabet="0123456789", min_size=12, max_size=12)
).map(lambda t: t[0] + t[1])


@given(first12=thirteen_digit_ids.map(lambda s: s[:12]))
def test_any_id_with_the_product_check_digit_is_valid(first12: str) -> None:
    number = first12 + product_check_digit(first12)
    assert check(number) == NationalIdCheck(number, True, None)


@given(first12=thirteen_digit_ids.map(lambda s: s[:12]), wrong=st.sampled_from("0123456789"))
def test_any_other_check_digit_warns_and_returns_the_digits(first12: str, wrong: str) -> None:
    if wrong == product_check_digit(first12):
        wrong = str((int(wrong) + 1) % 10)
    number = first12 + wrong
    result = check(number)
    assert result.valid is False
    assert result.digits == number
    assert result.warning


@given(number=thirteen_digit_ids)
def test_display_round_trips_and_mask_reveals_only_the_last_three(number: str) -> None:
    shown = display(number)
    assert re.fullmatch(r"\d-\d{4}-\d{5}-\d{2}-\d", shown)
    assert clean(shown) == number
    hidden = masked(number)
    assert re.fullmatch(r"x-xxxx-xxxxx-\d{2}-\d", hidden)
    assert hidden.replace("-", "").replace("x", "") == number[-3:]


def test_check_never_raises_for_odd_input() -> None:
    for typed in ["", " ", "-", "abc", "๑", "1101700203450" * 3, "\t\n"]:
        result = national_id.check(typed)
        assert isinstance(result, NationalIdCheck)
        assert result.valid is False
        assert result.warning


@pytest.mark.parametrize("typed", ["กขคง", "1101-7002-034กข", "ab1101700203450"])
def test_letters_are_named_not_counted_as_digits(english, typed: str) -> None:
    """Thai or Latin letters typed into the ID (a name in the wrong box) are named, not
    counted: "this one has 4 digits" for กขคง misled a coordinator."""
    result = check(typed)
    assert result.valid is False and result.warning is not None
    assert "only digits" in result.warning and "has 13 digits" not in result.warning
    letters = "".join(ch for ch in typed if ch.isalpha())
    assert f"“{''.join(dict.fromkeys(letters))}”" in result.warning


def test_letters_are_named_in_thai() -> None:
    from justice_desk import i18n

    i18n.set_language("th")
    try:
        warning = check("กขคง").warning
    finally:
        i18n.set_language("en")
    assert warning is not None and "“กขคง”" in warning and "ตัวเลข" in warning
