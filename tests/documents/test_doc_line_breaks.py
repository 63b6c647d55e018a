"""Lines broken where a Thai reader would break them (issue 12 §3–4).

Names the dictionary does not know (``หางดง``, ``ขุนแตะ``, ``จินะ``) come from the database and
are never cut; a number stays with its unit, a date stays whole, a title and name stay together,
and no line ends with ``ณ`` or ``จาก``. Each rule is checked twice: on the layout of one
paragraph at every width from narrow to wide (so that the line end falls everywhere), and on
a real PDF printed through the service and read back with ``pdftotext``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_doc_support import make_dispute, thai_language
from thai_pdf_checks import body_lines, nfkc, pdftotext_pages

from justice_desk.documents import segment
from justice_desk.documents.thai_text import _line_spans, thai_paragraph

NAMES = ("นายสุทัศน์ จินะ", "นางบัวผัน ขุนแตะ")
PLACES = ("บ้านขุนแตะ", "อำเภอหางดง", "ตำบลหนองแก๋ว")
UNITS = ("บาท", "งวด", "เรื่อง", "คน", "ฉบับ")
MONTHS = ("ตุลาคม", "พฤษภาคม", "มกราคม")
SENTENCE = (
    "ผู้ร้องอาศัยอยู่{place}ได้รับเงินจาก{name} จำนวน 300,000 บาท (สามแสนบาทถ้วน) "
    "ตกลงแบ่งชำระ 10 งวด จำนวน ๘ เรื่อง เมื่อวันที่ 27 ตุลาคม 2568 ณ ศาลาหมู่บ้าน "
    "ตามมาตรา 20 แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 หมู่ที่ 4 อำเภอแม่ริม "
    "ที่อยู่บ้านเลขที่ 247 งวดที่ 3 ครั้งที่ 2 โดยชำระงวดละ 8,750 บาท (แปดพันเจ็ดร้อยห้าสิบบาทถ้วน)"
)
FILLER = "ที่ประชุม ได้ พิจารณา เรื่อง ดังกล่าว แล้ว เห็นว่า ควร ดำเนินการ ต่อไป".split()


def _facts() -> str:
    """The names, amounts and dates at every offset from the start of a line."""
    parts = []
    for k in range(len(FILLER) * 2):
        filler = " ".join((FILLER * 2)[:k])
        place = PLACES[k % len(PLACES)]
        name = NAMES[k % len(NAMES)]
        parts.append(f"{filler} {SENTENCE.format(place=place, name=name)}")
    return " ".join(parts)


def _layout_lines(text: str, width: float, keep_whole: tuple[str, ...] = ()) -> list[str]:
    para = thai_paragraph(text, "body", keep_whole=keep_whole)
    para.wrap(width, 1e6)
    return ["".join(s.text for s in _line_spans(line)) for line in para._lines]


def _junction_findings(lines: list[str], names: tuple[str, ...]) -> list[str]:
    """Every line end a Thai clerk would retype."""
    found = []
    units = "|".join(UNITS + MONTHS)
    digits = "0-9๐-๙"
    for before, after in zip(lines, lines[1:], strict=False):
        b, a = nfkc(before).rstrip(), nfkc(after).lstrip()
        if not b or not a:
            continue
        where = f"{b[-25:]!r} / {a[:25]!r}"
        if re.search(f"[{digits}]$", b) and re.match(f"({units})", a):
            found.append(f"number and unit apart: {where}")
        if re.search(f"({'|'.join(MONTHS)})$", b) and re.match(f"[{digits}]", a):
            found.append(f"month and year apart: {where}")
        if re.search(r"(พ\.ศ\.|มาตรา|หมู่ที่)$", b) and re.match(f"[{digits}]", a):
            found.append(f"a number apart from what it numbers: {where}")
        if re.search(r"(บ้าน|เลข|หมู่|งวด|ครั้ง)$", b) and re.match(r"(เลขที่|ที่)", a):
            found.append(f"a word that numbers what follows cut: {where}")
        if re.search(r"(ตำบล|อำเภอ|จังหวัด)$", b) and re.match(r"[ก-ฮ]", a):
            found.append(f"a place's name apart from its prefix: {where}")
        if re.search(r"(^|\s)ณ$", b) or b.endswith("จาก"):
            found.append(f"line ends with ณ or จาก: {where}")
        if re.search(r"\(\S*$", b) and re.match(r"\S*บาทถ้วน\)", a):
            found.append(f"amount in words cut: {where}")
        joined_space, joined = f"{b} {a}", f"{b}{a}"
        for name in (*names, *PLACES):
            n = nfkc(name)
            for text in (joined, joined_space):
                at = text.find(n, max(0, len(b) - len(n)))
                if 0 <= at < len(b) < at + len(n):
                    found.append(f"name {name!r} cut: {where}")
    return found


@pytest.fixture
def names_in_dictionary() -> Any:
    """The segmenter knows the names as a print through the service would give them."""
    previous = segment.dictionary_key()
    segment.use_names("test-names", lambda: [*NAMES, *PLACES])
    yield
    segment.use_names(previous or "", lambda: [])


def test_names_from_the_database_are_words() -> None:
    segment.use_names("", lambda: [])
    assert segment.words("อำเภอหางดง") != ("อำเภอ", "หางดง")  # unknown to PyThaiNLP alone
    segment.use_names("names-1", lambda: ["อำเภอ หางดง", "นางบัวผัน ขุนแตะ"])
    try:
        assert segment.words("อำเภอหางดง") == ("อำเภอ", "หางดง")
        assert "ขุนแตะ" in segment.words("บ้านขุนแตะ")
        assert segment.name_words(["นายสุทัศน์ จินะ", "(ก)", "ถนนถนน"]) == (
            "จินะ",
            "ถนนถนน",
            "นายสุทัศน์",
        )
    finally:
        segment.use_names("", lambda: [])


def test_no_line_ends_where_a_reader_would_not_break_at_any_width(
    names_in_dictionary: None,
) -> None:
    text = _facts()
    checked = 0
    for width in range(140, 460, 9):
        lines = _layout_lines(text, float(width), keep_whole=NAMES)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        findings = _junction_findings(lines, NAMES)
        assert findings == [], f"width {width}: " + "\n".join(findings[:5])
        checked += len(lines) - 1
    assert checked > 1000


def test_an_amount_in_words_is_one_unit_whatever_compounds_the_dictionary_holds() -> None:
    """The dictionary knows some numerals' compounds as words (``ร้อยห้าสิบ``); an amount in
    words still has no place for a line break (an instalment line printed "(แปดพันเจ็ด" over
    "ร้อยห้าสิบบาทถ้วน)")."""
    from justice_desk.documents.layout import baht_words

    for baht in (8_750, 35_000, 150, 1_250, 99_999, 123_456, 2_030_075):
        words = baht_words(baht * 100)
        for width in range(240, 420, 7):
            lines = _layout_lines(f"ผู้ถูกร้องตกลงชำระเงินให้แก่ผู้ร้อง งวดละ {baht:,} บาท ({words})", width)
            assert any(nfkc(f"({words})") in nfkc(line) for line in lines), (baht, width, lines)


def test_a_name_longer_than_the_line_breaks_at_its_space() -> None:
    name = "นางสาวกัลยาณีวรรณ ศรีประเสริฐวงศ์ตระกูล"
    lines = _layout_lines(f"ผู้ร้อง {name}", 150.0, keep_whole=(name,))
    assert [nfkc(line) for line in lines][-2:] == [
        nfkc("นางสาวกัลยาณีวรรณ"),
        nfkc("ศรีประเสริฐวงศ์ตระกูล"),
    ]


def test_a_printed_intake_keeps_names_numbers_and_dates_whole(
    center_db: Any, tmp_path: Path
) -> None:
    """Through the service: the names come from the database (people and their villages)."""
    from justice_desk.services import printing
    from justice_desk.services.people import PersonInput, create_person

    thai_language()
    a = create_person(
        center_db,
        PersonInput(
            title="นาย",
            given_name="สุทัศน์",
            surname="จินะ",
            no_id_reason="-",
            village="บ้านขุนแตะ",
            amphoe="หางดง",
            tambon="หนองแก๋ว",
            province="เชียงใหม่",
        ),
    ).record
    b = create_person(
        center_db,
        PersonInput(title="นาง", given_name="บัวผัน", surname="ขุนแตะ", no_id_reason="-"),
    ).record
    case = make_dispute(center_db, a, b, facts=_facts())
    pdf = printing.intake_pdf(center_db, case.id)
    lines = body_lines(pdftotext_pages(pdf, tmp_path))
    assert len(lines) > 60
    assert _junction_findings(lines, NAMES) == []
    # The database's names reached the segmenter.
    assert segment.words("อำเภอหางดง") == ("อำเภอ", "หางดง")


def test_the_word_list_is_cached_on_disk_and_rebuilt_when_the_names_change() -> None:
    from justice_desk import paths

    paths.ensure_home()
    calls: list[str] = []

    def names(tag: str) -> Any:
        def read() -> list[str]:
            calls.append(tag)
            return ["หางดง", "ขุนแตะ"] if tag != "k2" else ["หนองแก๋ว"]

        return read

    try:
        segment.use_names("k1", names("k1"))
        assert segment.words("อำเภอหางดง") == ("อำเภอ", "หางดง")
        cached = sorted((paths.home() / "cache").glob("thai-words-*.pickle"))
        assert len(cached) == 1 and calls == ["k1"]
        segment.use_names("k2", names("k2"))  # the names changed: read them again
        assert segment.words("ตำบลหนองแก๋ว")[-1] == "หนองแก๋ว"
        assert calls == ["k1", "k2"]
        assert len(list((paths.home() / "cache").glob("thai-words-*.pickle"))) == 2
        segment.use_names("k1", names("again"))  # back to k1: from the disk, names not read
        assert segment.words("อำเภอหางดง") == ("อำเภอ", "หางดง")
        assert calls == ["k1", "k2"]
        # A damaged cache file is rebuilt, not trusted.
        cached[0].write_bytes(b"not a pickle")
        segment.use_names("", lambda: [])
        segment.use_names("k1", names("rebuilt"))
        assert segment.words("อำเภอหางดง") == ("อำเภอ", "หางดง")
        assert calls == ["k1", "k2", "rebuilt"]
    finally:
        segment.use_names("", lambda: [])
