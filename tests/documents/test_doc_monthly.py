"""The monthly center report: counts by kind and by outcome for the month and for the fiscal
year to date (October–September, named by the BE year in which it ends)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_doc_support import (
    CENTER,
    assert_in_order,
    break_checks,
    in_mediation,
    make_committee,
    make_dispute,
    make_parties,
    table_cells_fit,
    thai_language,
)

from justice_desk.documents.monthly_report import monthly_report_story
from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.enums import CaseKind
from justice_desk.errors import ValidationError
from justice_desk.services import activities, cases, printing


@pytest.fixture
def records(center_db):
    """Cases across two fiscal years:

    * 2025-09-20 dispute, settled 2025-09-30 (fiscal 2568: outside 2569 entirely);
    * 2025-10-03 complaint, completed 2026-01-10 (received in fiscal 2569, outcome in January);
    * 2025-12-15 dispute, settled 2026-01-17 for 5,000 baht;
    * 2026-01-05 dispute, terminated 2026-01-25 then referred 2026-01-28 (counts once: referred);
    * 2026-01-20 legal advice, still in progress;
    * 2026-02-02 complaint (after the month: not counted).
    """
    thai_language()
    make_committee(center_db)
    a, b, med = make_parties(center_db)

    def settle(received: dt.date, consent: dt.date, settled: dt.date, satang: int) -> None:
        c = make_dispute(center_db, a, b, received_on=received)
        cases.act(center_db, c.id, A.REQUEST_CONSENT, on=consent)
        cases.act(center_db, c.id, A.CONSENT_GIVEN, on=consent)
        cases.assign_mediator(center_db, c.id, med.id, no_conflict_confirmed=True, on=consent)
        cases.record_settlement(
            center_db, c.id, cases.SettlementInput(settled, "ชำระเงินคืน", True, total_satang=satang)
        )
        cases.act(center_db, c.id, A.SETTLE, on=settled)

    settle(dt.date(2025, 9, 20), dt.date(2025, 9, 22), dt.date(2025, 9, 30), 100_000)
    complaint = cases.take_in(
        center_db, cases.CaseInput(CaseKind.COMPLAINT, "ร้องเรียนเสียงดัง", dt.date(2025, 10, 3))
    ).record
    cases.act(center_db, complaint.id, A.TAKE_UP, on=dt.date(2025, 10, 4))
    cases.act(center_db, complaint.id, A.COMPLETE, on=dt.date(2026, 1, 10))
    settle(dt.date(2025, 12, 15), dt.date(2025, 12, 16), dt.date(2026, 1, 17), 500_000)
    failed = make_dispute(center_db, a, b, received_on=dt.date(2026, 1, 5))
    in_mediation(center_db, failed.id, med)
    cases.act(center_db, failed.id, A.TERMINATE, on=dt.date(2026, 1, 25))
    cases.act(
        center_db, failed.id, A.REFER, on=dt.date(2026, 1, 28), referral_target="ศาลจังหวัดเชียงใหม่"
    )
    cases.take_in(
        center_db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษาเรื่องมรดก", dt.date(2026, 1, 20))
    )
    cases.take_in(
        center_db, cases.CaseInput(CaseKind.COMPLAINT, "ร้องเรียนถนนชำรุด", dt.date(2026, 2, 2))
    )
    activities.create_activity(
        center_db,
        activities.ActivityInput(
            dt.date(2025, 11, 5), "อบรมกฎหมายเบื้องต้น", participants_male=10, participants_female=12
        ),
    )
    activities.create_activity(
        center_db,
        activities.ActivityInput(
            dt.date(2026, 1, 20), "รณรงค์ป้องกันยาเสพติด", participants_male=20, participants_female=25
        ),
    )
    return center_db


def _rows(rows) -> dict[str, tuple[int, int]]:
    return {r.label: (r.month, r.year_to_date) for r in rows}


def test_counts_for_the_month_and_the_fiscal_year(records) -> None:
    doc = printing.monthly_document(records, 2026, 1, reported_on=dt.date(2026, 2, 3))
    assert doc.fiscal_year_be == 2569 and doc.fiscal_year_start == dt.date(2025, 10, 1)
    kinds = _rows(doc.by_kind)
    assert kinds["ไกล่เกลี่ยข้อพิพาท"] == (1, 2)
    assert kinds["เรื่องราวร้องทุกข์หรือคำร้อง"] == (0, 1)
    assert kinds["ให้คำแนะนำทางกฎหมาย"] == (1, 1)
    assert sum(r.year_to_date for r in doc.by_kind) == 4
    outcomes = _rows(doc.by_outcome)
    assert outcomes["ไกล่เกลี่ยสำเร็จ"] == (1, 1)  # the September settlement is fiscal 2568
    assert outcomes["ดำเนินการเสร็จสิ้น"] == (1, 1)
    assert outcomes["ส่งต่อหน่วยงานอื่นแล้ว"] == (1, 1)
    assert outcomes["ยุติการไกล่เกลี่ยโดยตกลงกันไม่ได้"] == (0, 0)  # referred after, counted once
    assert doc.pending_at_month_end == 1  # the legal advice
    assert (doc.settled_amount_month_satang, doc.settled_amount_ytd_satang) == (500_000, 500_000)
    assert (doc.activities.month, doc.activities.year_to_date) == (1, 2)
    assert (doc.activity_participants.month, doc.activity_participants.year_to_date) == (45, 67)
    assert doc.reporter.name == "นางสาวน้ำฝน ใจงาม"


def test_earlier_month_and_previous_fiscal_year(records) -> None:
    december = printing.monthly_document(records, 2025, 12)
    assert _rows(december.by_kind)["ไกล่เกลี่ยข้อพิพาท"] == (1, 1)
    assert december.pending_at_month_end == 2  # the complaint and the December dispute
    september = printing.monthly_document(records, 2025, 9)
    assert september.fiscal_year_be == 2568 and september.fiscal_year_start == dt.date(2024, 10, 1)
    assert _rows(september.by_outcome)["ไกล่เกลี่ยสำเร็จ"] == (1, 1)
    assert september.settled_amount_month_satang == 100_000
    with pytest.raises(ValidationError):
        printing.monthly_document(records, 2026, 13)


def test_monthly_report_pdf(records) -> None:
    pdf = printing.monthly_pdf(records, 2026, 1)
    expected = [
        "รายงานผลการดำเนินงานประจำเดือนมกราคม 2569",
        CENTER,
        "ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
        "ปีงบประมาณ พ.ศ. 2569 (ข้อมูลตั้งแต่วันที่ 1 ตุลาคม 2568 ถึงวันที่ 31 มกราคม 2569)",
        "1. เรื่องที่รับใหม่ จำแนกตามประเภท",
        "ประเภทเรื่อง",
        "เดือนมกราคม 2569",
        "สะสมตั้งแต่ต้นปีงบประมาณ",
        "ไกล่เกลี่ยข้อพิพาท",
        "1",
        "2",
        "เรื่องราวร้องทุกข์หรือคำร้อง",
        "0",
        "1",
        "ให้คำแนะนำทางกฎหมาย",
        "1",
        "1",
        "รวม",
        "2",
        "4",
        "2. ผลการดำเนินการ",
        "ไกล่เกลี่ยสำเร็จ",
        "1",
        "1",
        "ส่งต่อหน่วยงานอื่นแล้ว",
        "1",
        "1",
        "รวม",
        "3",
        "3",
        "เรื่องที่อยู่ระหว่างดำเนินการ ณ วันที่ 31 มกราคม 2569 จำนวน 1 เรื่อง",
        "3. ทุนทรัพย์ตามบันทึกข้อตกลงที่ไกล่เกลี่ยสำเร็จ",
        "จำนวนเงิน",
        "5,000 บาท",
        "5,000 บาท",
        "4. กิจกรรมป้องกันอาชญากรรมและกิจกรรมชุมชน",
        "จำนวนครั้ง",
        "1",
        "2",
        "จำนวนผู้เข้าร่วม (คน)",
        "45",
        "67",
        "(ลงชื่อ)",
        "ผู้รายงาน",
        "(นางสาวน้ำฝน ใจงาม)",
        f"กรรมการและเลขานุการ{CENTER}",
    ]
    assert_in_order(pdf, expected)
    story = monthly_report_story(printing.monthly_document(records, 2026, 1))
    assert table_cells_fit(story) >= 40
    break_checks(pdf, story)
