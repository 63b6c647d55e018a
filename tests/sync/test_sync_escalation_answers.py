"""Escalations answered back: the office's answer travels to the center inside the next signed
receipt and is kept there as the province's record (docs/sync.md §12, docs/domain.md §13).

Real worlds: a center and a province enrolled with each other, cases escalated through the case
service, bundles exported and imported, receipts written and applied.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, CaseStatus
from justice_desk.errors import NotFoundError, UserError, ValidationError
from justice_desk.services import cases, dashboard, escalations, setup, sync
from justice_desk.services.sync import keys as sync_keys
from justice_desk.storage.database import Database

TODAY = dt.date.today()


def _escalated_case(db: Database, subject: str, *, days_ago: int = 10) -> uuid.UUID:
    received = TODAY - dt.timedelta(days=days_ago + 5)
    saved = cases.take_in(
        db, cases.CaseInput(kind=CaseKind.COMPLAINT, subject=subject, received_on=received)
    )
    case_id = saved.record.id
    cases.act(db, case_id, CaseAction.ESCALATE, on=TODAY - dt.timedelta(days=days_ago))
    return case_id


def _sync(w: h.World) -> None:
    result = w.export()
    for outcome in w.import_(*(result.parts or (result.path,))):
        assert outcome.status in ("applied", "duplicate"), outcome


def _this_month():
    from justice_desk.domain.periods import parse_period

    return parse_period(f"{TODAY.year + 543}-{TODAY.month:02d}")


def _center_public(w: h.World) -> fmt.PublicKeySet:
    """The center's public keys as the province holds them (to seal a crafted receipt)."""
    from justice_desk.services.sync._common import _public_from_row
    from justice_desk.storage import sync_queries as q

    with w.province.read() as session:
        peer = [r for r in q.keys_of(session, w.center.site_id) if r.role == "peer"]
        return _public_from_row(peer[-1])


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w")
    yield w
    w.close()


def test_an_escalated_case_reaches_the_queue_and_its_answer_the_center(world: h.World) -> None:
    first = _escalated_case(world.center, "ขอความช่วยเหลือเรื่องที่ดินทำกิน", days_ago=12)
    second = _escalated_case(world.center, "ร้องเรียนการกู้ยืมเงินนอกระบบ", days_ago=3)
    _sync(world)

    queue = escalations.list_escalations(world.province)
    assert [e.case_id for e in queue] == [first, second]  # the oldest first
    assert {e.center_code for e in queue} == {"CJC-0001"}
    assert queue[0].waiting and queue[0].days_waiting == 12
    assert queue[0].subject == "ขอความช่วยเหลือเรื่องที่ดินทำกิน"
    waiting_before = dashboard.dashboard(world.province, _this_month())
    assert waiting_before.total.escalations_waiting == 2

    case_id = escalations.find_escalated_case(world.province, "CJC-0001", queue[0].number)
    assert case_id == first
    answered = escalations.answer_escalation(
        world.province,
        first,
        decision="returned",
        note="ให้ศูนย์ฯ นัดคู่กรณีไกล่เกลี่ยอีกครั้ง โดยเชิญผู้ใหญ่บ้านร่วมด้วย",
        officer="นางสาวพรทิพย์ ใจดี",
    )
    assert answered.answer is not None and not answered.waiting
    assert answered.answer.decision == "returned" and answered.answer.receipt_seq is None
    # The dashboard's "escalations waiting" counts only those not answered yet.
    after = dashboard.dashboard(world.province, _this_month())
    assert after.total.escalations_waiting == 1
    assert [e.case_id for e in escalations.list_escalations(world.province, waiting_only=True)] == [
        second
    ]
    # The province never edits the center's case row.
    with world.province.read() as session:
        from justice_desk.storage.models import Case

        row = session.get(Case, first)
        assert row is not None and row.status == CaseStatus.ESCALATED and row.rev == 2

    # The next receipt carries the answer, even with no new bundle to report.
    receipt_path = world.receipt_to_center()
    assert receipt_path is not None
    center_view = escalations.list_escalations(world.center)
    by_case = {e.case_id: e for e in center_view}
    got = by_case[first].answer
    assert got is not None
    assert got.decision == "returned" and got.officer == "นางสาวพรทิพย์ ใจดี"
    assert got.note.startswith("ให้ศูนย์ฯ นัดคู่กรณี")
    assert got.receipt_seq == 1
    assert by_case[second].answer is None and by_case[second].waiting
    # Owned by the province, stored apart from the case: the case row is untouched.
    detail = cases.get_case(world.center, first)
    assert detail.escalation_answer is not None
    assert detail.escalation_answer.decision_label == "Returned to the center with advice"
    assert detail.status is CaseStatus.ESCALATED and detail.rev == 2
    con = sqlite3.connect(world.center_path)
    try:
        (owner,) = con.execute(
            "SELECT owner_id FROM escalation_answers WHERE case_id = ?", (first.hex,)
        ).fetchone()
        changes = con.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'escalation_answers'"
        ).fetchone()
    finally:
        con.close()
    assert uuid.UUID(owner) == world.province.site_id
    assert changes == (0,)  # never in the center's change log: it is not the center's record

    # Once sent, an answer is not news: no receipt without another change.
    assert sync.write_receipts(world.province, world.root / "receipts-2") == []
    (sent,) = [e for e in escalations.list_escalations(world.province) if e.case_id == first]
    assert sent.answer is not None and sent.answer.receipt_seq == 1


def test_answering_again_updates_the_answer_at_the_center(world: h.World) -> None:
    case_id = _escalated_case(world.center, "ขอรับเงินช่วยเหลือจากกองทุนยุติธรรม")
    _sync(world)
    escalations.answer_escalation(
        world.province, case_id, decision="accepted", note="สำนักงานฯ รับเรื่องไว้ดำเนินการ"
    )
    world.receipt_to_center()
    again = escalations.answer_escalation(
        world.province,
        case_id,
        decision="referred",
        agency="สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน",
        note="ส่งต่อให้หน่วยงานที่มีอำนาจ",
        officer="นายสมชาย รักษ์ดี",
    )
    assert again.answer is not None and again.answer.rev == 2
    world.receipt_to_center()
    (got,) = escalations.list_escalations(world.center)
    assert got.answer is not None
    assert (got.answer.decision, got.answer.rev, got.answer.receipt_seq) == ("referred", 2, 2)
    assert got.answer.agency == "สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน"
    with world.center.read() as session:
        from justice_desk.storage.models import EscalationAnswer

        assert session.query(EscalationAnswer).count() == 1


def test_a_lost_receipt_costs_nothing_the_next_one_brings_the_answer(world: h.World) -> None:
    case_id = _escalated_case(world.center, "ร้องเรียนเรื่องทางสาธารณะ")
    _sync(world)
    escalations.answer_escalation(world.province, case_id, decision="closed", note="ยุติเรื่อง")
    lost = sync.write_receipts(world.province, world.root / "lost")
    assert len(lost) == 1  # written, never reaches the center
    _escalated_case(world.center, "เรื่องใหม่หลังใบตอบรับหาย")
    _sync(world)
    world.receipt_to_center()
    answered = [e for e in escalations.list_escalations(world.center) if e.answer]
    assert [e.case_id for e in answered] == [case_id]


def test_an_older_or_replayed_receipt_never_undoes_a_newer_answer(world: h.World) -> None:
    case_id = _escalated_case(world.center, "ขอคำปรึกษากฎหมายเรื่องมรดก")
    _sync(world)
    escalations.answer_escalation(world.province, case_id, decision="accepted", note="รับไว้")
    (old,) = sync.write_receipts(world.province, world.root / "r1")
    escalations.answer_escalation(world.province, case_id, decision="returned", note="คืนเรื่อง")
    (new,) = sync.write_receipts(world.province, world.root / "r2")
    sync.apply_receipt(world.center, new.path)
    sync.apply_receipt(world.center, old.path)  # arrives late: ignored
    sync.apply_receipt(world.center, new.path)  # replayed: ignored
    (got,) = escalations.list_escalations(world.center)
    assert got.answer is not None and (got.answer.decision, got.answer.rev) == ("returned", 2)


def test_an_answer_about_another_centers_case_is_refused(tmp_path: Path, world: h.World) -> None:
    """Even in a receipt the province really signed: a center keeps answers about its own
    cases only, and the case of another center is never written."""
    own = _escalated_case(world.center, "เรื่องของศูนย์นี้")
    _sync(world)
    other_center = h.new_center(tmp_path / "other.sqlite3", code="CJC-0002", name="ศูนย์อื่น")
    other_case = _escalated_case(other_center, "เรื่องของศูนย์อื่น")
    other_center.dispose()

    province_keys = sync_keys.own_keys(world.province)
    forged_answers = (
        fmt.EscalationAnswer(
            id=str(uuid.uuid4()), case=str(other_case), rev=1, decision="closed", note="x"
        ),
        fmt.EscalationAnswer(
            id=str(uuid.uuid4()), case=str(uuid.uuid4()), rev=1, decision="closed", note="y"
        ),
        fmt.EscalationAnswer(
            id=str(uuid.uuid4()), case=str(own), rev=1, decision="accepted", note="z"
        ),
    )
    receipt = fmt.Receipt(
        province_id=str(world.province.site_id),
        province_epoch=world.province.setting("epoch") or "",
        center_id=str(world.center.site_id),
        seq=7,
        center_epoch=world.center.setting("epoch") or "",
        applied_through=0,
        answers=forged_answers,
    )
    path = tmp_path / "crafted.jdreceipt"
    path.write_bytes(fmt.create_receipt(receipt, province_keys, _center_public(world)))
    sync.apply_receipt(world.center, path)
    with world.center.read() as session:
        from justice_desk.storage.models import EscalationAnswer

        kept = {a.case_id for a in session.query(EscalationAnswer)}
    assert kept == {own}
    summary = (
        sqlite3.connect(world.center_path)
        .execute("SELECT summary FROM receipts WHERE seq = 7")
        .fetchone()[0]
    )
    assert str(other_case) in summary


def test_a_receipt_signed_by_another_key_injects_nothing(tmp_path: Path, world: h.World) -> None:
    own = _escalated_case(world.center, "เรื่องที่มีผู้ปลอมใบตอบรับ")
    _sync(world)
    impostor = h.new_province(tmp_path / "impostor.sqlite3")
    impostor_keys = sync_keys.own_keys(impostor)
    forged = fmt.Receipt(
        province_id=str(world.province.site_id),  # claims to be the real province
        province_epoch=world.province.setting("epoch") or "",
        center_id=str(world.center.site_id),
        seq=9,
        center_epoch=world.center.setting("epoch") or "",
        applied_through=0,
        answers=(
            fmt.EscalationAnswer(
                id=str(uuid.uuid4()), case=str(own), rev=5, decision="closed", note="ปลอม"
            ),
        ),
    )
    path = tmp_path / "forged.jdreceipt"
    path.write_bytes(fmt.create_receipt(forged, impostor_keys, _center_public(world)))
    with pytest.raises(UserError):
        sync.apply_receipt(world.center, path)
    (got,) = escalations.list_escalations(world.center)
    assert got.answer is None
    impostor.dispose()


def test_what_the_office_may_answer(world: h.World) -> None:
    case_id = _escalated_case(world.center, "เรื่องทดสอบการตอบ")
    plain = cases.take_in(
        world.center,
        cases.CaseInput(kind=CaseKind.COMPLAINT, subject="เรื่องที่ไม่ได้ส่งต่อ", received_on=TODAY),
    ).record.id
    _sync(world)
    with pytest.raises(ValidationError) as err:
        escalations.answer_escalation(world.province, case_id, decision="referred", note="ส่งต่อ")
    assert err.value.field == "agency"
    with pytest.raises(ValidationError) as err:
        escalations.answer_escalation(world.province, case_id, decision="returned", note="  ")
    assert err.value.field == "note"
    with pytest.raises(ValidationError) as err:
        escalations.answer_escalation(world.province, case_id, decision="maybe", note="x")
    assert err.value.field == "decision"
    with pytest.raises(NotFoundError):
        escalations.answer_escalation(world.province, plain, decision="closed", note="x")
    # A center does not answer; it receives answers.
    with pytest.raises(UserError):
        escalations.answer_escalation(world.center, case_id, decision="closed", note="x")
    with pytest.raises(NotFoundError):
        escalations.find_escalated_case(world.province, "CJC-9999", "1/2569")
    assert setup.this_site(world.center).code == "CJC-0001"
