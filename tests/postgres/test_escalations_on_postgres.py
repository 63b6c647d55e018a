"""Escalations answered back with the province on a real PostgreSQL server: the queue across
centers, the answer (and a second one), the dashboard's waiting count, and the receipt that
carries the answer to a center on SQLite (docs/sync.md §12)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
import sync_helpers as h  # noqa: E402 - tests/sync is not a package

from justice_desk.domain.case_flow import CaseAction  # noqa: E402
from justice_desk.domain.enums import CaseKind  # noqa: E402
from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import cases, dashboard, escalations, setup, sync  # noqa: E402

pytestmark = pytest.mark.postgres

TODAY = dt.date.today()


def _escalate(db, subject: str, days: int):
    saved = cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.COMPLAINT, subject=subject, received_on=TODAY - dt.timedelta(days + 2)
        ),
    )
    cases.act(db, saved.record.id, CaseAction.ESCALATE, on=TODAY - dt.timedelta(days))
    return saved.record.id


def test_answers_on_postgres_reach_the_centers(fresh_pg_database: str, tmp_path: Path) -> None:
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    first = h.new_center(tmp_path / "a.sqlite3", code="CJC-0001")
    second = h.new_center(tmp_path / "b.sqlite3", code="CJC-0002", name="ศูนย์ยุติธรรมชุมชนตำบลสุเทพ")
    try:
        ids = {}
        for center, subject, days in (
            (first, "ขอความช่วยเหลือเรื่องที่ดินทำกิน", 9),
            (second, "ร้องเรียนเรื่องน้ำเสียจากโรงงาน", 30),
        ):
            h.enrol(center, province, tmp_path / "enrol")
            ids[setup.this_site(center).code] = _escalate(center, subject, days)
            result = sync.export_bundle(center, tmp_path / "usb")
            (outcome,) = sync.import_paths(province, [result.path])
            assert outcome.status == "applied", outcome

        queue = escalations.list_escalations(province)
        assert [(e.center_code, e.days_waiting) for e in queue] == [
            ("CJC-0002", 30),
            ("CJC-0001", 9),
        ]
        month = parse_period(f"{TODAY.year + 543}-{TODAY.month:02d}")
        assert dashboard.dashboard(province, month).total.escalations_waiting == 2

        case_id = escalations.find_escalated_case(province, "CJC-0002", queue[0].number)
        escalations.answer_escalation(
            province, case_id, decision="accepted", note="สำนักงานฯ รับไว้ดำเนินการ", officer="นายสมชาย"
        )
        again = escalations.answer_escalation(
            province,
            case_id,
            decision="referred",
            agency="สำนักงานอัยการจังหวัดเชียงใหม่",
            note="ส่งต่อเพื่อดำเนินการตามอำนาจหน้าที่",
            officer="นายสมชาย",
        )
        assert again.answer is not None and again.answer.rev == 2
        assert dashboard.dashboard(province, month).total.escalations_waiting == 1
        assert [
            e.center_code for e in escalations.list_escalations(province, waiting_only=True)
        ] == ["CJC-0001"]

        written = sync.write_receipts(province, tmp_path / "receipts")
        assert [w.center_code for w in written] == ["CJC-0001", "CJC-0002"]
        for center in (first, second):
            code = setup.this_site(center).code
            (mine,) = [w for w in written if w.center_code == code]
            sync.apply_receipt(center, mine.path)
        (answered,) = escalations.list_escalations(second)
        assert answered.answer is not None
        assert (answered.answer.decision, answered.answer.rev) == ("referred", 2)
        assert answered.answer.agency == "สำนักงานอัยการจังหวัดเชียงใหม่"
        (waiting,) = escalations.list_escalations(first)
        assert waiting.answer is None and waiting.waiting
        # Sent once: the next receipts carry nothing new, and the province marks it sent.
        assert sync.write_receipts(province, tmp_path / "receipts-2") == []
        sent = escalations.get_escalation(province, case_id)
        assert sent.answer is not None and sent.answer.receipt_seq is not None
    finally:
        first.dispose()
        second.dispose()
        province.dispose()
