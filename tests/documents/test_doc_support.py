"""Shared pieces of the document tests (no tests here): realistic records made through the
services, document data objects made from literals, and checks on PDFs read back.

Named ``test_doc_*`` so it sits with the tests it serves; imported as a plain module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from pypdf import PdfReader
from thai_pdf_checks import PAGE_NUMBER, nfkc, pypdf_pages

CENTER = "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"
BODY = f"คณะกรรมการ{CENTER}"

LONG_DISCUSSION = (
    "เลขานุการแจ้งที่ประชุมว่า ศูนย์ยุติธรรมชุมชนได้รับเรื่องร้องทุกข์จากประชาชนในพื้นที่ จำนวน 12 เรื่อง "
    "แบ่งเป็นข้อพิพาททางแพ่งเกี่ยวกับการกู้ยืมเงิน 5 เรื่อง ข้อพิพาทเรื่องที่ดินทำกินและทางสาธารณประโยชน์ 3 เรื่อง "
    "และเรื่องร้องเรียนเกี่ยวกับเสียงดังรบกวนจากสถานบันเทิงในหมู่บ้านอีก 4 เรื่อง "
    "ซึ่งผู้ไกล่เกลี่ยข้อพิพาทได้ดำเนินการไกล่เกลี่ยแล้วเสร็จ 7 เรื่อง คงเหลือที่อยู่ระหว่างดำเนินการ 5 เรื่อง"
)
CONFIDENTIAL = "บันทึกลับของผู้ไกล่เกลี่ยห้ามเปิดเผย"


# -- PDF reading ---------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF (pypdf), NFKC, lines joined with newlines, page numbers dropped."""
    return "\n".join(nfkc(line) for line in lines_of(pdf))


def lines_of(pdf: bytes) -> list[str]:
    return [
        line for page in pypdf_pages(pdf) for line in page if not PAGE_NUMBER.match(line.strip())
    ]


_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def flat(text: str) -> str:
    """Text without any whitespace: what to search in when a phrase may wrap across lines.
    Digits compare as digits whichever script prints them (the center chooses Thai or Arabic
    for every document); :func:`thai_digit_count` and test_doc_digits.py check the script."""
    return re.sub(r"\s+", "", nfkc(text)).translate(_ARABIC)


def flat_spaces(text: str) -> str:
    """NFKC with ำ recomposed and runs of whitespace as one space."""
    return re.sub(r"\s+", " ", nfkc(text)).replace("\u0e4d\u0e32", "\u0e33")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def assert_in_order(pdf: bytes, labels: Sequence[str]) -> None:
    """Every label appears, each after the one before it (whitespace ignored)."""
    text = flat(pdf_text(pdf))
    pos = 0
    for label in labels:
        found = text.find(flat(label), pos)
        assert found >= 0, f"{label!r} missing, or not after {text[max(0, pos - 30) : pos]!r}"
        pos = found + len(flat(label))


def assert_contains(pdf: bytes, values: Iterable[str]) -> None:
    text = flat(pdf_text(pdf))
    for value in values:
        assert flat(value) in text, f"{value!r} is not printed"


def _thai(ch: str) -> bool:
    """A Thai letter, vowel or mark (not a Thai digit: rows of numbers are not words)."""
    return "\u0e01" <= ch <= "\u0e4f"


def paragraph_texts(flowables: Iterable[Any]) -> list[str]:
    """The printed text of every Thai paragraph of a story (tables and kept-together blocks
    included), one entry per hard line."""
    from reportlab.platypus import KeepTogether, Table

    from justice_desk.documents import ThaiParagraph

    texts: list[str] = []
    stack = list(flowables)
    while stack:
        f = stack.pop()
        if isinstance(f, ThaiParagraph):
            texts.extend(f.plain_text.split("\n"))
        elif isinstance(f, KeepTogether):
            stack.extend(f._content)
        elif isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    stack.extend(cell if isinstance(cell, list) else [cell])
    return texts


def _boundaries(text: str) -> set[int]:
    from pythainlp.tokenize import word_tokenize

    bounds = set()
    pos = 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(token)
        bounds.add(pos)
    return bounds


def break_checks(pdf: bytes, flowables: Iterable[Any]) -> int:
    """No line ends inside a word.

    For every two consecutive printed lines whose junction joins two Thai letters, find the
    paragraph of the story that holds them as one run of text: the break must fall on a word
    boundary of PyThaiNLP newmm's segmentation of that whole paragraph (the words of a name
    count as one). A junction found only with a space between was a break at the space; one
    found in no paragraph is the end of one paragraph and the start of the next. Also no line
    starts with a mark or a following vowel. Returns the number of in-paragraph breaks checked.
    """
    sources = [flat_spaces(t) for t in paragraph_texts(flowables)]
    lines = [flat_spaces(line).strip() for line in lines_of(pdf)]
    checked = 0
    for before, after in zip(lines, lines[1:], strict=False):
        if not before or not after:
            continue
        assert unicodedata.category(after[0]) != "Mn", f"line starts with a mark: {after!r}"
        assert after[0] not in "ะาๅๆฯำ", f"line starts with a following vowel: {after!r}"
        if not (_thai(before[-1]) and _thai(after[0])):
            continue
        head, tail = before.split(" ")[-1], after.split(" ")[0]
        for source in sources:
            at = source.find(head + tail)
            if at < 0:
                continue
            offset = at + len(head)
            assert offset in _boundaries(source), (
                f"line broken inside a word: {head!r} | {tail!r} in {source!r}"
            )
            checked += 1
            break
    return checked


def thai_digit_count(pdf: bytes) -> tuple[int, int]:
    """(Thai digits, Arabic digits) in the text, page numbers excluded."""
    text = pdf_text(pdf)
    return sum(c in "๐๑๒๓๔๕๖๗๘๙" for c in text), sum(c in "0123456789" for c in text)


def table_cells_fit(flowables: Iterable[Any]) -> int:
    """Every Thai paragraph in every table is narrower than its column (no word sticks out).
    Returns the number of cells checked."""
    from reportlab.platypus import KeepTogether, Table

    from justice_desk.documents import ThaiParagraph

    checked = 0
    stack = list(flowables)
    while stack:
        f = stack.pop()
        if isinstance(f, KeepTogether):
            stack.extend(f._content)
            continue
        if not isinstance(f, Table):
            continue
        widths = f._argW
        for r, row in enumerate(f._cellvalues):
            for c, cell in enumerate(row):
                cells = cell if isinstance(cell, list) else [cell]
                for item in cells:
                    if isinstance(item, Table):
                        stack.append(item)
                    if not isinstance(item, ThaiParagraph):
                        continue
                    style = f._cellStyles[r][c]
                    room = widths[c] - style.leftPadding - style.rightPadding
                    assert item.minWidth() <= room + 0.01, (
                        f"cell {r},{c} {item.plain_text!r}: "
                        f"word {item.minWidth():.1f} pt in {room:.1f} pt"
                    )
                    checked += 1
    return checked


# -- records made through the services ----------------------------------------------------------


def thai_language() -> None:
    """Records are entered in Thai (the app's default) in these tests."""
    from justice_desk import i18n

    i18n.set_language("th")


def english_messages() -> None:
    """Messages are checked in English (the records above were entered in Thai)."""
    from justice_desk import i18n

    i18n.set_language("en")


def make_committee(db: Any) -> dict[str, Any]:
    from justice_desk.domain.enums import CommitteePosition as P
    from justice_desk.services import people
    from justice_desk.services.people import PersonInput

    term = people.create_term(db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    seats = [
        ("นาย", "สมศักดิ์", "ใจดี", P.CHAIR),
        ("นาง", "ปิ่นมณี", "ศรีสุข", P.VICE_CHAIR),
        ("นาย", "ญาณวุฒิ", "ปั้นทอง", P.MEMBER),
        ("นาย", "กมล", "รักถิ่น", P.MEMBER),
        ("นาย", "ขวัญ", "ศรีเมือง", P.ASSISTANT_SECRETARY),
        ("นางสาว", "น้ำฝน", "ใจงาม", P.SECRETARY),
        ("", "พระครูสุวรรณธรรมโกวิท", None, P.ADVISER),
    ]
    ids = {}
    for title, given, surname, pos in seats:
        p = people.create_person(
            db,
            PersonInput(given_name=given, surname=surname, title=title or None, no_id_reason="-"),
        ).record
        people.appoint(db, term.id, p.id, pos)
        ids[given] = p.id
    return ids


def make_meeting(db: Any, *, items: int = 4, paragraphs: int = 2) -> Any:
    """A held meeting with an absence, a substitute, a guest and long discussions: with the
    defaults the minutes take three pages."""
    from justice_desk.domain.enums import Attendance
    from justice_desk.services import meetings

    ids = make_committee(db)
    m = meetings.create_meeting(
        db,
        meetings.MeetingInput(
            dt.date(2026, 1, 14),
            starts_at=dt.time(9, 30),
            ends_at=dt.time(12, 0),
            place="ห้องประชุมองค์การบริหารส่วนตำบลแม่เหียะ",
        ),
    )
    # Attendance taken: กมล sends a substitute, every other member came.
    lines = [dataclasses.replace(line, attendance=Attendance.PRESENT) for line in m.attendance]
    for i, line in enumerate(lines):
        if line.person_id == ids["กมล"]:
            lines[i] = dataclasses.replace(
                line, attendance=Attendance.ABSENT, absence_reason="ติดภารกิจราชการ"
            )
    lines.append(
        meetings.AttendanceLine("นายแทน ดีมาก", Attendance.SUBSTITUTE, substitute_for_id=ids["กมล"])
    )
    lines.append(
        meetings.AttendanceLine(
            "นางสาวพัฒนา กรุณา",
            Attendance.GUEST,
            position_label="นักวิชาการยุติธรรมชำนาญการ สำนักงานยุติธรรมจังหวัดเชียงใหม่",
        )
    )
    m = meetings.save_attendance(db, m.id, lines)
    agenda = list(m.agenda)
    agenda[0] = dataclasses.replace(
        agenda[0], discussion="\n".join([LONG_DISCUSSION] * paragraphs), resolution="ที่ประชุมรับทราบ"
    )
    agenda[1] = dataclasses.replace(
        agenda[1], resolution="ที่ประชุมมีมติรับรองรายงานการประชุมโดยไม่มีการแก้ไข"
    )
    agenda[2] = dataclasses.replace(
        agenda[2], discussion="\n".join([LONG_DISCUSSION] * paragraphs), resolution="ที่ประชุมรับทราบ"
    )
    agenda[3] = dataclasses.replace(
        agenda[3],
        discussion="\n".join([LONG_DISCUSSION] * (items - 2)),
        resolution="ที่ประชุมมีมติเห็นชอบให้จัดกิจกรรมรณรงค์ป้องกันยาเสพติดในหมู่บ้านในเดือนกุมภาพันธ์ 2569",
        votes_for=5,
        votes_against=0,
        votes_abstain=1,
    )
    m = meetings.save_agenda(db, m.id, agenda)
    return meetings.mark_held(db, m.id)


def make_parties(db: Any) -> tuple[Any, Any, Any]:
    from justice_desk.services import people
    from justice_desk.services.people import PersonInput

    a = people.create_person(
        db,
        PersonInput(
            title="นาย",
            given_name="สมชาย",
            surname="ใจดี",
            no_id_reason="-",
            house_no="12/3",
            moo="4",
            tambon="แม่เหียะ",
            amphoe="เมืองเชียงใหม่",
            province="เชียงใหม่",
            postcode="50100",
        ),
    ).record
    b = people.create_person(
        db,
        PersonInput(
            title="นาง",
            given_name="น้ำฝน",
            surname="ปั้นทอง",
            no_id_reason="-",
            house_no="45",
            moo="2",
            village="บ้านป่าจี้",
            tambon="แม่เหียะ",
            amphoe="เมืองเชียงใหม่",
            province="เชียงใหม่",
        ),
    ).record
    m = people.create_person(
        db, PersonInput(title="นาย", given_name="กิตติศักดิ์", surname="ศรีสุข", no_id_reason="-")
    ).record
    med = people.register_mediator(
        db, m.id, registration_no="ชม 1/2567", expires_on=dt.date(2030, 1, 1)
    )
    return a, b, med


def make_dispute(db: Any, a: Any, b: Any, **kw: Any) -> Any:
    from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
    from justice_desk.services import cases

    data: dict[str, Any] = dict(
        kind=CaseKind.DISPUTE,
        subject="ยืมเงินแล้วไม่คืนตามกำหนด",
        received_on=dt.date(2026, 1, 5),
        category=CaseCategory.CIVIL,
        matter_code="debt",
        amount_satang=2_000_000,
        facts=(
            "ผู้ยื่นคำขอให้ผู้ถูกร้องยืมเงินจำนวนสองหมื่นบาทเมื่อเดือนมิถุนายน 2568 "
            "ตกลงจะคืนภายในเดือนธันวาคม 2568 แต่ยังไม่ได้คืน"
        ),
        parties=(
            cases.PartyInput(a.id, PartySide.APPLICANT),
            cases.PartyInput(b.id, PartySide.RESPONDENT),
        ),
    )
    data.update(kw)
    return cases.take_in(db, cases.CaseInput(**data)).record


def in_mediation(db: Any, case_id: Any, med: Any) -> Any:
    from justice_desk.domain.case_flow import CaseAction as A
    from justice_desk.services import cases

    cases.act(db, case_id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(db, case_id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    cases.assign_mediator(db, case_id, med.id, no_conflict_confirmed=True, on=dt.date(2026, 1, 7))
    cases.add_session(
        db,
        case_id,
        cases.SessionInput(
            dt.date(2026, 1, 10), place="ศาลาหมู่บ้าน", summary="สรุปสั้น", notes=CONFIDENTIAL
        ),
    )
    return cases.add_session(
        db, case_id, cases.SessionInput(dt.date(2026, 1, 17), notes=CONFIDENTIAL)
    )


def make_settled(db: Any) -> Any:
    from justice_desk.domain.case_flow import CaseAction as A
    from justice_desk.services import cases

    a, b, med = make_parties(db)
    c = make_dispute(db, a, b)
    in_mediation(db, c.id, med)
    cases.record_settlement(
        db,
        c.id,
        cases.SettlementInput(
            dt.date(2026, 1, 17),
            "ผู้ถูกร้องยอมรับว่าเป็นหนี้ผู้ยื่นคำขอจริง และตกลงชำระหนี้คืนเป็นสองงวดตามกำหนดด้านล่าง\n"
            "ผู้ยื่นคำขอตกลงไม่ดำเนินคดีใด ๆ เกี่ยวกับหนี้รายนี้อีก เมื่อได้รับชำระครบถ้วนแล้ว",
            True,
            place="ศาลาประชาคมหมู่ที่ 4 ตำบลแม่เหียะ",
            total_satang=2_000_050,
            instalments=(
                cases.InstalmentInput(dt.date(2026, 2, 17), 1_000_000),
                cases.InstalmentInput(dt.date(2026, 3, 17), 1_000_050),
            ),
        ),
    )
    return cases.act(db, c.id, A.SETTLE, on=dt.date(2026, 1, 17))


def make_terminated(db: Any) -> Any:
    from justice_desk.domain.case_flow import CaseAction as A
    from justice_desk.services import cases

    a, b, med = make_parties(db)
    c = make_dispute(db, a, b, subject="ทะเลาะวิวาทเรื่องแนวเขตรั้วบ้าน", matter_code="land_use")
    in_mediation(db, c.id, med)
    return cases.act(
        db, c.id, A.TERMINATE, on=dt.date(2026, 2, 1), note="คู่พิพาทไม่อาจตกลงเรื่องค่าเสียหายกันได้"
    )


def make_referred(db: Any) -> Any:
    from justice_desk.domain.case_flow import CaseAction as A
    from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
    from justice_desk.services import cases

    a, b, _med = make_parties(db)
    c = cases.take_in(
        db,
        cases.CaseInput(
            CaseKind.DISPUTE,
            "ลักทรัพย์ (ควายหาย)",
            dt.date(2026, 1, 5),
            category=CaseCategory.CRIMINAL,
            matter_code="theft",
            parties=(
                cases.PartyInput(a.id, PartySide.APPLICANT),
                cases.PartyInput(b.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    return cases.act(
        db, c.id, A.REFER, on=dt.date(2026, 1, 7), referral_target="สถานีตำรวจภูธรแม่เหียะ"
    )
