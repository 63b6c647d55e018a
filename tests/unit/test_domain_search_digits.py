"""``domain.search.digits_only``: the digits of a phone number or national ID as the search text
keeps them. ASCII text takes a quicker path (found in C); it must give exactly what the
character-by-character reading gives for any text."""

from hypothesis import given
from hypothesis import strategies as st

from justice_desk.domain.search import digits_only

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _by_character(text: str) -> str:
    """The reference: every character ``str.isdigit`` calls a digit, +66 read as 0."""
    text = text.translate(_THAI_DIGITS).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+66") and digits.startswith("66"):
        digits = "0" + digits[2:]
    return digits


def test_phone_numbers_and_ids_as_people_type_them() -> None:
    assert digits_only("1-2345-67890-12-3") == "1234567890123"
    assert digits_only("081-234-5678") == "0812345678"
    assert digits_only(" +66 81 234 5678 ") == "0812345678"
    assert digits_only("๐๘๑-๒๓๔-๕๖๗๘") == "0812345678"
    assert digits_only("(02) 141 5100 ต่อ 12") == "02141510012"
    assert digits_only("โทร.") == ""


@given(st.text(alphabet=st.sampled_from("0123456789+66 -().xX*/abc๐๑๙²٣ก")))
def test_the_quick_path_reads_what_the_reference_reads(text: str) -> None:
    assert digits_only(text) == _by_character(text)


@given(st.text())
def test_any_text_reads_as_the_reference_reads(text: str) -> None:
    assert digits_only(text) == _by_character(text)
