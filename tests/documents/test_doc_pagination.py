"""Pagination as a clerk sees it (issue 12 §1–2), on a large demo center and on made-up
extremes.

The large demo (``generate_demo`` with 2,000 cases and 60 meetings, about 1 s) is built once per
session in a pytest temporary folder. Every meeting's minutes, invitation and attendance sheet
are printed. Printing every case's papers takes about two minutes on the development machine,
so the sweep prints a deterministic sample: every :data:`CASE_STEP`-th case in number order,
plus the case with the longest facts, the one with the most parties and the agreement with the
most instalments (a full sweep found nothing either; see docs/thai-text-and-printing.md §11).
Each PDF is read back page by page (``page_checks.page_findings``): no page may start with a
signature block, no signature block may be split, no heading may end a page, and no page may
hold only empty table rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from page_checks import page_findings, page_lines
from test_doc_support import LONG_DISCUSSION, make_dispute, make_parties, thai_language

from justice_desk.errors import UserError

CASE_STEP = 4


@pytest.fixture(scope="session")
def large_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    path = tmp_path_factory.mktemp("large-demo") / "center.sqlite3"
    db = setup.init_center(
        path,
        code="5001",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    generate_demo(db, cases=2000, meetings=60, today=dt.date(2026, 6, 30))
    db.dispose()
    yield path


def _ids(path: Path, sql: str) -> list[uuid.UUID]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return [uuid.UUID(hex=str(row[0])) for row in conn.execute(sql)]


def _sample_cases(path: Path) -> list[uuid.UUID]:
    ordered = _ids(path, "SELECT id FROM cases WHERE deleted_at IS NULL ORDER BY year_be, number")
    extremes = [
        *_ids(path, "SELECT id FROM cases ORDER BY length(facts) DESC LIMIT 1"),
        *_ids(
            path,
            "SELECT case_id FROM case_parties GROUP BY case_id ORDER BY count(*) DESC LIMIT 1",
        ),
        *_ids(
            path,
            "SELECT s.case_id FROM instalments i JOIN settlements s ON s.id = i.settlement_id "
            "GROUP BY s.case_id ORDER BY count(*) DESC LIMIT 1",
        ),
    ]
    return list(dict.fromkeys([*ordered[::CASE_STEP], *extremes]))


def _print_all(
    db: Any, ids: list[uuid.UUID], documents: list[tuple[str, Callable[..., Any], Any]]
) -> tuple[Counter[str], list[str]]:
    printed: Counter[str] = Counter()
    findings: list[str] = []
    for record_id in ids:
        for kind, make, build in documents:
            try:
                doc = make(db, record_id)
            except UserError:
                continue  # this record has no such document (not settled, not referred, ...)
            pdf = build(doc)
            printed[kind] += 1
            number = getattr(doc, "number", None) or getattr(doc, "case_number", "")
            findings += page_findings(pdf, name=f"{kind} {number}")
    return printed, findings


@pytest.mark.slow
def test_large_demo_pages_have_no_lone_signatures_split_blocks_or_stranded_headings(
    large_demo: Path,
) -> None:
    from justice_desk.documents import case_papers as cp
    from justice_desk.documents import meeting_papers as mp
    from justice_desk.services import meetings, printing
    from justice_desk.storage.database import open_database

    db = open_database(large_demo)
    try:
        meeting_ids = [m.id for m in meetings.list_meetings(db, limit=1000).rows]
        assert len(meeting_ids) == 60
        printed, findings = _print_all(
            db,
            meeting_ids,
            [
                ("minutes", printing.minutes_document, mp.minutes_pdf),
                ("invitation", printing.invitation_document, mp.invitation_pdf),
                ("attendance", printing.attendance_document, mp.attendance_sheet_pdf),
            ],
        )
        case_ids = _sample_cases(large_demo)
        assert len(case_ids) > 2000 // CASE_STEP
        more, found = _print_all(
            db,
            case_ids,
            [
                ("intake", printing.intake_document, cp.intake_pdf),
                ("agreement", printing.agreement_document, cp.agreement_pdf),
                ("unsettled", printing.unsettled_document, cp.unsettled_pdf),
                ("referral", printing.referral_document, cp.referral_pdf),
            ],
        )
    finally:
        db.dispose()
    printed += more
    findings += found
    # Every document type was printed, the multi-page ones included.
    assert printed["minutes"] >= 50 and printed["invitation"] == 60
    assert printed["attendance"] >= 50 and printed["intake"] == len(case_ids)
    assert min(printed["agreement"], printed["unsettled"], printed["referral"]) >= 5, printed
    assert findings == [], "\n".join(findings[:30])


# -- made-up extremes ---------------------------------------------------------------------------


def test_long_facts_flow_from_page_one(center_db: Any) -> None:
    """§2: facts of several pages start under their heading on page 1, not on page 2."""
    from justice_desk.services import printing

    thai_language()
    a, b, _med = make_parties(center_db)
    case = make_dispute(center_db, a, b, facts="\n".join([LONG_DISCUSSION] * 12))
    pdf = printing.intake_pdf(center_db, case.id)
    pages = page_lines(pdf)
    assert len(pages) >= 3
    first = [line.text for line in pages[0]]
    heading = first.index("ข้อเท็จจริงโดยย่อ")
    # The page is full: the facts fill it down to its foot (about 30 lines of text a page).
    assert len(first) - heading > 10, first
    assert len(first) >= 28
    assert page_findings(pdf) == []


def test_signatures_take_the_last_lines_of_text_along(center_db: Any) -> None:
    """Whatever the length of the text before them, signatures never stand alone: lengthen
    the facts line by line so that the page end falls at every place near the signatures."""
    from justice_desk.documents.case_papers import intake_pdf
    from justice_desk.services import printing

    thai_language()
    a, b, _med = make_parties(center_db)
    case = make_dispute(center_db, a, b)
    doc = printing.intake_document(center_db, case.id)
    words = LONG_DISCUSSION.split(" ") * 12
    pages_seen: set[int] = set()
    for count in range(0, 200, 3):  # about one line of text more each time
        facts = " ".join(words[:count])
        pdf = intake_pdf(dataclasses.replace(doc, facts=facts))
        pages_seen.add(len(page_lines(pdf)))
        assert page_findings(pdf, name=f"{count} words of facts") == []
    assert len(pages_seen) >= 2, "the page end never fell near the signatures"
