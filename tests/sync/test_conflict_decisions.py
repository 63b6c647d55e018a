"""Conflicts and problems, with a person's decision (docs/sync.md §13): the province's list in
plain words, an officer's decision on each entry, the decision carried to the center in the next
signed receipt, and the center's view of it. Real worlds: a center restored from a backup
sends versions that end in the conflict list, bundles go through real files both ways.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

import legacy_receipt_reader as legacy
import pytest
import sync_helpers as h

from justice_desk.domain.conflicts import ConflictDecision
from justice_desk.domain.enums import CaseKind
from justice_desk.errors import NotFoundError, UserError, ValidationError
from justice_desk.services import cases, people, sync
from justice_desk.storage.backup import backup


def _person_ids(db, n: int) -> list[uuid.UUID]:
    return [
        uuid.UUID(hex=r[0])
        for r in h.query(
            db, "SELECT id FROM people WHERE deleted_at IS NULL ORDER BY id LIMIT ?", (n,)
        )
    ]


def _edit(db, person_id: uuid.UUID, **changes) -> None:
    record = people.get_person(db, person_id)
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(people.PersonInput)}
    fields.update(changes)
    people.update_person(db, person_id, people.PersonInput(**fields))


def _complaint(db, subject: str) -> cases.CaseDetail:
    return cases.take_in(
        db, cases.CaseInput(kind=CaseKind.COMPLAINT, subject=subject, received_on=dt.date.today())
    ).record


def _code(world: h.World) -> str:
    return "CJC-0001"


@dataclasses.dataclass
class Restored:
    world: h.World
    p1: uuid.UUID  # restored_center_older: the center's version differs, the province kept its own
    p2: uuid.UUID  # the province's copy, older than the center's after the restore
    case_b: uuid.UUID  # number_taken: the restored center's new case takes case A's number


def restored_world(root: Path) -> Restored:
    """A center that sent changes, was restored from a backup made before them, and sent its
    new start, which an officer accepted: the conflict list then holds a different version of
    a person and a case refused for its number."""
    world = h.build_world(root, demo=dict(seed=3, people=8, cases=3, meetings=1))
    p1, p2 = _person_ids(world.center, 2)
    assert world.import_one(world.export().path).status == "applied"
    world.receipt_to_center()
    copy = backup(world.center, root / "backups")
    _edit(world.center, p1, phone="080-000-0001")
    _complaint(world.center, "เรื่องร้องเรียนก่อนเครื่องเสีย")
    assert world.import_one(world.export().path).status == "applied"
    world.center = h.replace_database(world.center, copy)
    _edit(world.center, p1, phone="080-999-9999")  # same rev as the province's, other content
    case_b = _complaint(world.center, "เรื่องร้องเรียนหลังกู้คืน")
    outcome = world.import_one(world.export().path)
    assert (outcome.status, outcome.reason) == ("held", "new_epoch")
    assert sync.decide_epoch(world.province, _code(world), accept=True).accepted
    return Restored(world, p1, p2, case_b.id)


@pytest.fixture
def restored(tmp_path: Path):
    r = restored_world(tmp_path / "w")
    yield r
    r.world.close()


def _by_reason(problems: list[sync.Problem]) -> dict[str, sync.Problem]:
    return {p.reason: p for p in problems}


def test_the_list_tells_each_entry_in_plain_words_with_its_choices(restored: Restored) -> None:
    entries = _by_reason(sync.problem_list(restored.world.province))
    older = entries["restored_center_older"]
    assert older.center_code == "CJC-0001" and older.kind == "conflict"
    assert older.key == str(older.number) and older.open and older.decision is None
    assert older.record.startswith("Person ")
    assert "restored a backup" in older.happened and older.action
    assert older.choices == (
        ConflictDecision.KEEP_CENTER,
        ConflictDecision.KEEP_PROVINCE,
        ConflictDecision.DISMISS,
    )
    taken = entries["number_taken"]
    assert taken.choices == (ConflictDecision.RESEND, ConflictDecision.DISMISS)
    assert taken.record.startswith("Case ") and "number" in taken.happened
    helps = dict(sync.decision_help(taken))
    assert "new number" in helps[ConflictDecision.RESEND]
    # One center's list; an unknown center is named.
    assert {p.key for p in sync.problem_list(restored.world.province, "CJC-0001")} == {
        p.key for p in entries.values()
    }
    with pytest.raises(UserError, match="CJC-9999"):
        sync.problem_list(restored.world.province, "CJC-9999")


def test_keeping_the_centers_version_makes_the_offices_copy_follow_it(restored: Restored) -> None:
    w = restored.world
    before = h.query(w.province, "SELECT phone, rev FROM people WHERE id = ?", (restored.p1.hex,))
    assert before[0]["phone"] == "080-000-0001" and before[0]["rev"] == 2
    older = _by_reason(sync.problem_list(w.province))["restored_center_older"]
    done = sync.decide_problem(
        w.province, older.key, decision="keep-center", note="", officer="นายสมศักดิ์ ตรวจดี"
    )
    assert done.adopted and "center's version" in done.describe()
    after = h.query(w.province, "SELECT phone, rev FROM people WHERE id = ?", (restored.p1.hex,))
    center = h.query(w.center, "SELECT phone, rev FROM people WHERE id = ?", (restored.p1.hex,))
    assert [tuple(r) for r in after] == [tuple(r) for r in center]
    assert after[0]["phone"] == "080-999-9999"
    # The entry left the open list; the decision is kept with who and when.
    assert older.key not in {p.key for p in sync.problem_list(w.province)}
    (decided,) = [p for p in sync.problem_list(w.province, open_only=False) if p.key == older.key]
    assert decided.resolved and decided.decision is not None
    assert decided.decision.officer == "นายสมศักดิ์ ตรวจดี" and decided.decision.rev == 1
    assert decided.decision.receipt_seq is None
    # The center's next edit of the record applies as usual (its rev is above the copy's now).
    _edit(w.center, restored.p1, phone="080-111-1111")
    assert w.import_one(w.export().path).status == "applied"
    again = h.query(w.province, "SELECT phone FROM people WHERE id = ?", (restored.p1.hex,))
    assert again[0]["phone"] == "080-111-1111"
    assert not [
        c
        for c in sync.sync_conflicts(w.province)
        if c.row_id == restored.p1 and c.reason == "restored_center_older"
    ]


def test_decisions_are_checked_against_the_entry(restored: Restored) -> None:
    w = restored.world
    taken = _by_reason(sync.problem_list(w.province))["number_taken"]
    with pytest.raises(ValidationError) as wrong:
        sync.decide_problem(w.province, taken.key, decision="keep-center", note="")
    assert wrong.value.field == "decision"
    with pytest.raises(ValidationError) as no_note:
        sync.decide_problem(w.province, taken.key, decision="dismiss", note="  ")
    assert no_note.value.field == "note"
    with pytest.raises(ValidationError) as long_note:
        sync.decide_problem(w.province, taken.key, decision="resend", note="ก" * 2001)
    assert long_note.value.field == "note"
    with pytest.raises(NotFoundError):
        sync.decide_problem(w.province, "99999", decision="dismiss", note="x")
    with pytest.raises(UserError, match="H5"):
        sync.decide_problem(w.province, "x-1", decision="dismiss", note="x")
    # At a center nobody decides on the province's list.
    with pytest.raises(UserError):
        sync.decide_problem(w.center, taken.key, decision="resend", note="")
    # Nothing was written by the refusals.
    assert h.query(w.province, "SELECT count(*) AS n FROM conflict_decisions")[0]["n"] == 0
    assert taken.key in {p.key for p in sync.problem_list(w.province)}


def test_the_decision_travels_to_the_center_in_the_next_receipt(restored: Restored) -> None:
    w = restored.world
    entries = _by_reason(sync.problem_list(w.province))
    taken, older = entries["number_taken"], entries["restored_center_older"]
    note = "ศูนย์ฯ ให้เลขเรื่องใหม่แล้วส่งมาอีกครั้ง"
    sync.decide_problem(w.province, taken.key, decision="resend", note=note, officer="นางสาวพร")
    sync.decide_problem(w.province, older.key, decision="keep_province", note="ใช้เบอร์เดิม")
    receipt_path = w.receipt_to_center()
    assert receipt_path is not None
    # Once sent, a decision is not news.
    assert sync.write_receipts(w.province, w.root / "receipts-2") == []
    sent = [p for p in sync.problem_list(w.province, open_only=False) if p.decision]
    assert {p.decision.receipt_seq for p in sent if p.decision} == {2}

    at_center = {d.reason: d for d in sync.center_decisions(w.center)}
    resend = at_center["number_taken"]
    assert resend.decision.decision == "resend" and resend.decision.note == note
    assert resend.decision.officer == "นางสาวพร" and resend.decision.receipt_seq == 2
    assert "Send the refused records again" in resend.instruction
    number = cases.get_case(w.center, restored.case_b).number
    assert resend.record.endswith(number)
    kept = at_center["restored_center_older"]
    assert kept.decision.decision == "keep_province" and "Enter it again" in kept.instruction
    status = sync.center_status(w.center)
    assert status.decisions == 2 and "decided on 2 entries" in status.describe()
    # A copy owned by the province, never in the center's change log.
    con = sqlite3.connect(w.center_path)
    try:
        owners = {r[0] for r in con.execute("SELECT owner_id FROM conflict_decisions")}
        logged = con.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'conflict_decisions'"
        ).fetchone()
    finally:
        con.close()
    assert owners == {w.province.site_id.hex} and logged == (0,)

    # Deciding again raises the rev; the next receipt replaces the center's copy.
    sync.decide_problem(w.province, taken.key, decision="dismiss", note="ยกเลิกเรื่องนี้แล้ว")
    assert w.receipt_to_center() is not None
    (changed,) = [d for d in sync.center_decisions(w.center) if d.reason == "number_taken"]
    assert (changed.decision.decision, changed.decision.rev) == ("dismiss", 2)
    assert len(sync.center_decisions(w.center)) == 2


def test_an_older_receipt_never_undoes_a_newer_decision(restored: Restored) -> None:
    w = restored.world
    taken = _by_reason(sync.problem_list(w.province))["number_taken"]
    sync.decide_problem(w.province, taken.key, decision="resend", note="")
    first = w.receipt_to_center()
    sync.decide_problem(w.province, taken.key, decision="dismiss", note="ปิดเรื่อง")
    assert w.receipt_to_center() is not None
    assert first is not None
    sync.apply_receipt(w.center, first)  # replayed: numbered below the last one, ignored
    (kept,) = [d for d in sync.center_decisions(w.center) if d.reason == "number_taken"]
    assert kept.decision.decision == "dismiss"


def test_a_gap_held_for_days_is_listed_and_decided(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=2, people=4, cases=1, meetings=0))
    try:
        # The province loses bundle 1 after its receipt went out (restored from a backup made
        # before), so bundle 2 starts past what it holds (as in test_sync_service_gaps).
        copy = backup(world.province, tmp_path / "backups")
        first = world.export(tmp_path / "first")
        assert world.import_one(first.path).status == "applied"
        assert world.receipt_to_center() is not None
        people.create_person(world.center, people.PersonInput(given_name="มาทีหลัง"))
        second = world.export(tmp_path / "second")
        world.province = h.replace_database(world.province, copy)
        outcome = world.import_one(second.path)
        assert (outcome.status, outcome.reason) == ("held", "gap")
        # Not listed until it has waited the number of days the office chose.
        assert [p for p in sync.problem_list(world.province) if p.kind == "gap"] == []
        con = sqlite3.connect(world.province_path)
        try:
            old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).replace(tzinfo=None)
            con.execute("UPDATE received_bundles SET received_at = ?", (old.isoformat(" "),))
            con.commit()
        finally:
            con.close()
        (gap,) = [p for p in sync.problem_list(world.province) if p.kind == "gap"]
        assert gap.key.startswith("H") and gap.days == 10
        assert f"changes {first.first_change}–{first.last_change}" in gap.happened
        assert gap.choices == (ConflictDecision.RESEND, ConflictDecision.DISMISS)
        assert [p for p in sync.problem_list(world.province, gap_days=11) if p.kind == "gap"] == []
        sync.decide_problem(world.province, gap.key.lower(), decision="resend", note="โทรแล้ว")
        assert [p for p in sync.problem_list(world.province) if p.kind == "gap"] == []
        world.receipt_to_center()
        (told,) = sync.center_decisions(world.center)
        assert told.kind == "gap" and "Export again" in told.instruction
        assert told.record.startswith(f"Bundle {second.seq}")
        # The missing bundle arrives: both apply; the decision stays in the full list.
        assert world.import_one(first.path).status == "applied"
        (done,) = [p for p in sync.problem_list(world.province, open_only=False) if p.kind == "gap"]
        assert done.decision is not None and done.decision.decision == "resend"
        # Deciding again on it still works after it was applied.
        sync.decide_problem(world.province, done.key, decision="dismiss", note="มาครบแล้ว")
    finally:
        world.close()


def test_an_older_center_reads_a_receipt_with_decisions(restored: Restored) -> None:
    """The receipt reader released before decisions existed opens a receipt that carries them,
    reads every field it knows, and keeps the decisions among the unknown fields."""
    w = restored.world
    taken = _by_reason(sync.problem_list(w.province))["number_taken"]
    sync.decide_problem(w.province, taken.key, decision="resend", note="ส่งใหม่")
    written = sync.write_receipts(w.province, w.root / "receipts")
    (receipt,) = written
    keys = sync.own_keys(w.center)
    province_public = sync.own_public(w.province)
    trust = {str(w.province.site_id): {province_public.key_id: sync.TrustedKey(province_public)}}
    old = legacy.open_receipt_file(
        receipt.path, trusted_keys=trust.get, recipient_private_key=keys
    ).receipt
    assert old.applied_through == receipt.applied_through
    (decision,) = old.extra["decisions"]
    assert (decision["decision"], decision["note"], decision["problem"]) == (
        "resend",
        "ส่งใหม่",
        "conflict",
    )
    assert decision["record"] == str(restored.case_b)


def test_a_decision_about_another_centers_record_is_refused_at_the_center(
    restored: Restored,
) -> None:
    """Even a receipt the real province key signed cannot place a decision on a record that is
    not the addressee's own: it is refused and named in the stored receipt's summary."""
    from justice_desk import sync as fmt

    w = restored.world
    stranger = str(uuid.uuid4())
    receipt = fmt.Receipt(
        province_id=str(w.province.site_id),
        province_epoch=w.province.setting("epoch") or "",
        center_id=str(w.center.site_id),
        seq=50,
        center_epoch=w.center.setting("epoch") or "",
        applied_through=0,
        decisions=(
            fmt.ProblemDecision(
                id=str(uuid.uuid4()),
                problem="conflict",
                number=1,
                reason="number_taken",
                rev=1,
                decision="resend",
                table="cases",
                record=stranger,
            ),
        ),
    )
    center_public = _center_public(w)
    path = w.root / "crafted.jdreceipt"
    path.write_bytes(fmt.create_receipt(receipt, sync.own_keys(w.province), center_public))
    sync.apply_receipt(w.center, path)
    assert sync.center_decisions(w.center) == []
    summary = h.query(w.center, "SELECT summary FROM receipts ORDER BY id DESC LIMIT 1")[0][
        "summary"
    ]
    assert json.loads(summary)["decisions_refused"] == [stranger]


def _center_public(w: h.World):
    from justice_desk.services.sync._common import _public_from_row
    from justice_desk.storage import sync_queries as q

    with w.province.read() as session:
        peer = [r for r in q.keys_of(session, w.center.site_id) if r.role == "peer"]
        return _public_from_row(peer[-1])
