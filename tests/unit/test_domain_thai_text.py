"""Thai normalisation, dictionary-order sort keys and search text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pythainlp.util import collate

from justice_desk.domain import thai_text
from justice_desk.domain.thai_text import normalize, search_query, search_text, sort_key

_SAMPLES_FILE = Path(__file__).resolve().parents[1] / "data" / "thai-text-samples.txt"


def _samples() -> dict[str, list[str]]:
    path = _SAMPLES_FILE
    sections: dict[str, list[str]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].split(":")[0].strip()
            sections[current] = []
        elif line and not line.startswith("#"):
            sections.setdefault(current, []).append(line)
    return sections


SAMPLES = _samples()

# Code points named for readability.
NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
MAI_EK, MAI_THO = "\u0e48", "\u0e49"
SARA_I, SARA_II, MAI_HAN_AKAT = "\u0e34", "\u0e35", "\u0e31"


def test_samples_have_the_sections_the_tests_need() -> None:
    assert len(SAMPLES["sort"]) >= 5
    assert len(SAMPLES["search"]) >= 3
    assert len(SAMPLES["words"]) >= 20


# --- normalize -----------------------------------------------------------------------------


def test_nikhahit_plus_sara_aa_is_sara_am() -> None:
    typed = "น" + MAI_THO + NIKHAHIT + SARA_AA  # น้ํา as some keyboards produce it
    assert typed != "น้ำ"
    assert normalize(typed) == "น้ำ"
    assert normalize("น" + NIKHAHIT + MAI_THO + SARA_AA) == "น้ำ"  # nikhahit, tone, sara aa
    assert normalize("ก" + NIKHAHIT + SARA_AA + "นัน") == "กำนัน"
    assert SARA_AM in normalize(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ท" + MAI_EK + SARA_II, "ที่"),  # tone typed before the upper vowel
        ("น" + MAI_THO + SARA_II, "นี้"),
        ("ป" + MAI_THO + MAI_HAN_AKAT + "น", "ปั้น"),
        ("ผ" + MAI_THO + "\u0e39" + "ใหญ่บ้าน", "ผู้ใหญ่บ้าน"),
        ("\u0e40\u0e40ปลก", "แปลก"),  # two sara e typed for sara ae
        ("ดีีี", "ดี"),  # repeated vowel
    ],
)
def test_mark_order_and_typos_are_fixed(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert normalize("  นาย  สมศักดิ์\t\tใจดี \n") == "นาย สมศักดิ์ ใจดี"
    assert normalize("ศูนย์\u200bยุติธรรม") == "ศูนย์ยุติธรรม"  # zero-width space removed
    assert normalize("") == ""
    assert normalize(None) == ""  # type: ignore[arg-type]


def test_normalize_keeps_correct_text_unchanged() -> None:
    for section in ("words", "names", "paragraphs", "sort"):
        for line in SAMPLES[section]:
            assert normalize(line) == line, line


def test_a_line_break_before_a_mark_is_treated_like_a_space() -> None:
    broken = "ผู้ใหญ่บ\n้าน"
    assert normalize(broken) == normalize("ผู้ใหญ่บ ้าน") == "ผู้ใหญ่บ้าน"
    assert normalize(normalize(broken)) == normalize(broken)


# --- sort_key ------------------------------------------------------------------------------


def test_sort_key_orders_the_sort_samples_exactly() -> None:
    expected = SAMPLES["sort"]
    assert sorted(expected) != expected  # a code-point sort gets it wrong
    assert sorted(expected, key=sort_key) == expected
    assert sorted(reversed(expected), key=sort_key) == expected


def test_sort_key_agrees_with_pythainlp_collate_on_every_sample_word() -> None:
    words = SAMPLES["words"] + SAMPLES["names"] + SAMPLES["sort"]
    assert sorted(words, key=sort_key) == collate(words)


def test_leading_vowels_do_not_lead_the_sort() -> None:
    assert sort_key("ไก่") < sort_key("ขวัญ")
    assert sort_key("กมล") < sort_key("ไก่")
    assert sort_key("เจริญ") < sort_key("ใจดี") < sort_key("ชัยวัฒน์")


def test_tone_marks_only_break_ties() -> None:
    # Same letters: unmarked first, then by mark.
    assert sorted(["ก้า", "ก่า", "กา"], key=sort_key) == ["กา", "ก่า", "ก้า"]
    # Different letters: the tone mark is ignored, even on a word that is a prefix of another.
    # (pythainlp.util.collate appends the tone directly to the letters and so puts ไก่ชน before
    # ไก่ and กอง before ก่อ; the dictionary, and sort_key, do not.)
    assert sorted(["ไก่ชน", "ไก่"], key=sort_key) == ["ไก่", "ไก่ชน"]
    assert sorted(["กอง", "ก่อ"], key=sort_key) == ["ก่อ", "กอง"]
    assert sorted(["กาก", "ก่า"], key=sort_key) == ["ก่า", "กาก"]


def test_sort_key_is_the_same_for_differently_typed_spellings() -> None:
    assert sort_key("น" + MAI_THO + NIKHAHIT + SARA_AA + "ฝน") == sort_key("น้ำฝน")
    assert sort_key("ท" + MAI_EK + SARA_II) == sort_key("ที่")


def test_sort_key_of_names_sorts_given_name_then_surname() -> None:
    names = ["สมศักดิ์ ใจดี", "สมศักดิ์ กล้าหาญ", "สมชาย ใจดี", "ปิ่นมณี ฟ้าใส"]
    assert sorted(names, key=sort_key) == ["ปิ่นมณี ฟ้าใส", "สมชาย ใจดี", "สมศักดิ์ กล้าหาญ", "สมศักดิ์ ใจดี"]


# Random Thai syllables: [lead vowel] consonant [cluster] [upper/lower vowel] [tone]
# [follow vowel] [final consonant [thanthakhat]].
CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F) if c not in (0x0E24, 0x0E26)]  # no ฤ ฦ
LEAD_VOWELS = list("เแโใไ")
ABOVE_BELOW = list("ัิีึืุู็")
TONES = list("่้๊๋")
FOLLOW = list("ะาำ")


@st.composite
def syllables(draw: st.DrawFn) -> str:
    lead = draw(st.sampled_from([""] + LEAD_VOWELS))
    initial = draw(st.sampled_from(CONSONANTS))
    cluster = draw(st.sampled_from(["", "", "ร", "ล", "ว"]))
    vowel = draw(st.sampled_from([""] + ABOVE_BELOW))
    tone = draw(st.sampled_from(["", ""] + TONES))
    follow = draw(st.sampled_from([""] + FOLLOW)) if not vowel else ""
    final = draw(st.sampled_from([""] + CONSONANTS))
    karan = "์" if final and draw(st.booleans()) and not tone else ""
    return lead + initial + cluster + vowel + tone + follow + final + karan


thai_words = st.lists(syllables(), min_size=1, max_size=3).map("".join)

_MARKS = re.compile("[\u0e47-\u0e4e]")
_LEAD = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def _letters(word: str) -> str:
    """The word without tone marks and signs, leading vowels after their consonant."""
    return _LEAD.sub(r"\2\1", _MARKS.sub("", word))


def _sign(a: str, b: str) -> int:
    return (a > b) - (a < b)


@settings(max_examples=300, deadline=None)
@given(a=thai_words, b=thai_words)
def test_sort_key_agrees_with_pythainlp_collate_on_random_words(a: str, b: str) -> None:
    """Both put leading vowels after their consonant and compare letters before marks.

    They legitimately differ only when the letters of one word are a proper prefix of the other's
    (collate compares the first tone mark of the shorter word with the next letter of the longer;
    sort_key, like the dictionary, puts the shorter word first), and when the letters are equal
    collate looks at the first mark only, so a strict collate order must be kept by sort_key.
    """
    assume(normalize(a) == a and normalize(b) == b and a != b)
    la, lb = _letters(a), _letters(b)
    assume(la == lb or not (la.startswith(lb) or lb.startswith(la)))
    by_key = sorted([a, b], key=sort_key)
    collate_is_strict = collate([a, b]) == collate([b, a])
    if la != lb:
        # Letters decide whenever they differ, whatever the marks.
        assert collate_is_strict
        assert _sign(sort_key(a), sort_key(b)) == _sign(la, lb)
        assert by_key == collate([a, b])
    elif collate_is_strict:
        # Same letters, different first mark (or one unmarked): the same tie-break.
        assert by_key == collate([a, b])
    else:
        # collate ties (same letters, same first mark); sort_key goes on to the other marks.
        assert (sort_key(a) == sort_key(b)) == (_MARKS.findall(a) == _MARKS.findall(b))


@st.composite
def same_letters_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two words with the same letters and independently drawn tone marks."""
    a, b = [], []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        initial = draw(st.sampled_from(CONSONANTS))
        vowel = draw(st.sampled_from([""] + list("ิีึืุู")))
        follow = draw(st.sampled_from(["", "า"]))
        final = draw(st.sampled_from([""] + CONSONANTS))
        for out in (a, b):
            out.append(initial + vowel + draw(st.sampled_from([""] + TONES)) + follow + final)
    return "".join(a), "".join(b)


@settings(max_examples=200, deadline=None)
@given(pair=same_letters_pairs())
def test_sort_key_breaks_ties_by_marks_like_collate(pair: tuple[str, str]) -> None:
    a, b = pair
    assume(normalize(a) == a and normalize(b) == b)
    assert _letters(a) == _letters(b)
    # Keys differ exactly when the marks, read in order, differ (where they sit does not count).
    assert (sort_key(a) == sort_key(b)) == (_MARKS.findall(a) == _MARKS.findall(b))
    if collate([a, b]) == collate([b, a]) and a != b:  # collate orders them strictly
        assert sorted([a, b], key=sort_key) == collate([a, b])
    if _MARKS.sub("", a) == a and a != b:  # the unmarked spelling comes first
        assert sort_key(a) < sort_key(b)


@settings(max_examples=200, deadline=None)
@given(word=thai_words, extra=thai_words, strip_shorter=st.booleans())
def test_sort_key_puts_a_shorter_prefix_word_first_whatever_its_marks(
    word: str, extra: str, strip_shorter: bool
) -> None:
    shorter = _MARKS.sub("", word) if strip_shorter else word
    longer = word + extra if strip_shorter else _MARKS.sub("", word) + extra
    assume(normalize(shorter) == shorter and normalize(longer) == longer)
    assert _letters(longer).startswith(_letters(shorter)) and _letters(longer) != _letters(shorter)
    assert sort_key(shorter) < sort_key(longer)


@settings(max_examples=200, deadline=None)
@given(word=thai_words)
def test_normalize_is_stable_on_well_formed_words(word: str) -> None:
    once = normalize(word)
    assert normalize(once) == once
    assert sort_key(once) == sort_key(word)


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize("line", SAMPLES["search"])
def test_each_search_sample_query_is_found_in_its_text(line: str) -> None:
    query, text = line.split("\t")
    assert search_query(query) in search_text(text)


@pytest.mark.parametrize("line", SAMPLES["search"])
def test_search_sample_query_is_not_found_in_other_texts(line: str) -> None:
    query, text = line.split("\t")
    others = [t.split("\t")[1] for t in SAMPLES["search"] if t != line]
    for other in others:
        if query not in other:
            assert search_query(query) not in search_text(other)


@pytest.mark.parametrize(
    ("typed_query", "text"),
    [
        ("น" + MAI_THO + NIKHAHIT + SARA_AA + "ฝน", "นางน้ำฝน ปั้นทอง"),
        ("ป" + MAI_THO + MAI_HAN_AKAT + "นทอง", "นางน้ำฝน ปั้นทอง"),
        ("ท" + MAI_EK + SARA_II + "ประชุม", "ที่ประชุมพิจารณาแล้ว"),
        ("  ยุติธรรม ", "ศูนย์ยุติธรรมชุมชน"),
    ],
)
def test_search_finds_text_typed_in_another_mark_order(typed_query: str, text: str) -> None:
    assert search_query(typed_query) in search_text(text)


def test_search_text_joins_normalised_lower_cased_parts_and_skips_empty_ones() -> None:
    assert search_text("นาง", None, "", "น้ํา  ฝน", "ABC Road") == "นาง น้ำ ฝน abc road"
    assert search_text() == ""
    assert search_query("  ABC  ") == "abc"
    assert search_query("005/2569") in search_text("คดี 005/2569")


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(syllables(), max_size=3).map("".join),
    word=thai_words,
    after=st.lists(syllables(), max_size=3).map("".join),
)
def test_any_well_formed_word_is_found_inside_text_without_spaces(
    before: str, word: str, after: str
) -> None:
    text = before + word + after
    assume(normalize(text) == text and normalize(word) == word)
    assert search_query(word) in search_text(text)


# -- the shortcut around pythainlp's normalize --------------------------------------------------

THAI_LETTERS = "".join(chr(c) for c in range(0x0E01, 0x0E5C) if chr(c).isprintable())
_alphabet = st.sampled_from(list(THAI_LETTERS) + [" ", " ", "\u200b", "\n", "a", "1"])


def _through_pythainlp(text: str) -> str:
    import unicodedata

    from pythainlp.util import normalize as thai_normalize

    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return thai_normalize(thai_text._SPACES.sub(" ", text).strip())


@settings(max_examples=3000, deadline=None)
@given(st.text(_alphabet, max_size=14))
def test_skipping_pythainlp_never_changes_the_result(text: str) -> None:
    assert thai_text._normalize_cached.__wrapped__(text) == _through_pythainlp(text)


def test_skipping_pythainlp_agrees_on_the_shared_samples(thai_samples) -> None:
    lines = [line for group in thai_samples.values() for line in group]
    assert lines
    for line in lines:
        assert thai_text._normalize_cached.__wrapped__(line) == _through_pythainlp(line), line


def test_domain_helpers_never_write_to_the_home_folder(tmp_path: Path) -> None:
    """PyThaiNLP creates ``~/pythainlp-data`` unless read-only mode is set before its first
    import; the domain helpers import it lazily, before any document is printed."""
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "from justice_desk.domain import national_id, thai_text; "
        "print(national_id.clean('๑ ๒๓๔๕')); print(thai_text.normalize('ศูนย์ยุติธรรม'))"
    )
    env = {"HOME": str(home), "USERPROFILE": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=True,
    )
    assert out.stdout.splitlines()[0] == "12345"
    assert list(home.iterdir()) == []
