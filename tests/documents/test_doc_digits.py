"""One default of digits for every official document (issue 12 §11).

A center that has not chosen Thai or Arabic digits in Settings still prints every document the
same way, so that documents citing each other agree: a referral letter says
``เลขที่รับ ๐๐๑/๒๕๖๙`` and so does the intake record it encloses. Every kind of document is printed
for one meeting and one case with no choice made, and read back with poppler's ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from test_doc_support import in_mediation, make_dispute, make_meeting, make_parties, thai_language
from thai_pdf_checks import body_lines, nfkc, pdftotext_pages

from justice_desk.documents import data
from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.services import cases, print_options, printing

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
NUMBER = re.compile(r"[0-9๐-๙][0-9๐-๙,./]*")


def _every_document(db: Any) -> dict[str, bytes]:
    """All eight documents: the meeting's three, the case's four, the month's report. The one
    case goes through mediation (its agreement recorded and printed), then ends without
    agreement and is escalated, so that it has every case paper."""
    meeting = make_meeting(db, items=2, paragraphs=1)
    a, b, med = make_parties(db)
    case = make_dispute(db, a, b)
    in_mediation(db, case.id, med)
    cases.record_settlement(
        db,
        case.id,
        cases.SettlementInput(
            dt.date(2026, 1, 17),
            "ผู้ถูกร้องตกลงชำระเงินคืนให้แก่ผู้ร้องตามกำหนดด้านล่าง",
            True,
            total_satang=2_000_000,
            instalments=(
                cases.InstalmentInput(dt.date(2026, 2, 17), 1_000_000),
                cases.InstalmentInput(dt.date(2026, 3, 17), 1_000_000),
            ),
        ),
    )
    papers = {
        "minutes": printing.minutes_pdf(db, meeting.id),
        "invitation": printing.invitation_pdf(db, meeting.id),
        "attendance": printing.attendance_pdf(db, meeting.id),
        "intake": printing.intake_pdf(db, case.id),
        "agreement": printing.agreement_pdf(db, case.id),
    }
    cases.act(db, case.id, A.TERMINATE, on=dt.date(2026, 1, 24), note="ตกลงค่าเสียหายกันไม่ได้")
    papers["unsettled"] = printing.unsettled_pdf(db, case.id)
    cases.act(db, case.id, A.ESCALATE, on=dt.date(2026, 1, 26), note="ขอคำแนะนำเรื่องค่าเสียหาย")
    papers["referral"] = printing.referral_pdf(db, case.id)
    papers["monthly"] = printing.monthly_pdf(db, 2026, 1)
    assert set(papers) == set(printing.DOCUMENTS)
    return papers


def test_every_document_prints_the_same_digits_when_the_center_has_not_chosen(
    center_db: Any, tmp_path: Path
) -> None:
    thai_language()
    assert print_options.document_digits(center_db) is None
    assert print_options.DEFAULT_THAI_DIGITS is True
    texts = {
        name: nfkc(" ".join(body_lines(pdftotext_pages(pdf, tmp_path))))
        for name, pdf in _every_document(center_db).items()
    }
    for name, text in texts.items():
        numbers = NUMBER.findall(text)
        assert numbers, name
        arabic = [n for n in numbers if re.search("[0-9]", n)]
        assert not arabic, f"{name} prints Arabic digits: {arabic[:5]}"
    # The same number is written the same way wherever it is cited (whitespace aside: a
    # justified line may space a phrase out, a line may end inside it).
    # ำ comes out of the PDF as NIKHAHIT + SARA AA.
    texts = {
        name: re.sub(r"\s+", "", text).replace("\u0e4d\u0e32", "\u0e33")
        for name, text in texts.items()
    }
    case_no = "001/2569".translate(THAI)
    for name in ("intake", "agreement", "unsettled", "referral"):
        assert case_no in texts[name], name
    assert f"สำเนาบันทึกการรับเรื่องเลขที่รับ{case_no}" in texts["referral"]
    assert f"เลขที่รับ{case_no}" in texts["intake"]
    meeting_no = "1/2569".translate(THAI)
    for name in ("minutes", "invitation", "attendance"):
        assert f"ครั้งที่{meeting_no}" in texts[name], name
    year = "2569".translate(THAI)
    assert all(year in text for text in texts.values())


def test_the_document_data_objects_share_the_one_default() -> None:
    """A document built from literals (a preview, another front end) has the same default."""
    import dataclasses

    defaults = {
        cls.__name__: next(f.default for f in dataclasses.fields(cls) if f.name == "thai_digits")
        for cls in (
            data.MinutesDoc,
            data.InvitationDoc,
            data.AttendanceSheetDoc,
            data.IntakeDoc,
            data.AgreementDoc,
            data.UnsettledDoc,
            data.ReferralDoc,
            data.MonthlyReportDoc,
        )
    }
    assert set(defaults.values()) == {print_options.DEFAULT_THAI_DIGITS}, defaults
