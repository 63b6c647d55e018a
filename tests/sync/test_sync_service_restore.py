"""A center restored from a backup (docs/sync.md §3, storage/backup.py): a new epoch that starts
again from change 1, applied at the province without taking anything newer away, conflicts in
the visible queue, and old-epoch bundles never applied over it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

import sync_helpers as h

from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import cases, people, sync
from justice_desk.services.sync._common import _table_label
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


def _new_case(db, parties: list[uuid.UUID], subject: str) -> cases.CaseDetail:
    today = dt.date.today()
    detail = cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.DISPUTE,
            subject=subject,
            received_on=today,
            parties=(
                cases.PartyInput(parties[0], PartySide.APPLICANT),
                cases.PartyInput(parties[1], PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.add_session(
        db, detail.id, cases.SessionInput(held_on=today, summary="ไกล่เกลี่ยครั้งแรก", notes="ลับ")
    )
    return detail


def test_center_restored_from_a_backup(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=8, people=20, cases=40, meetings=2))
    try:
        p1, p2, p3, p4, p5 = _person_ids(world.center, 5)
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        assert world.receipt_to_center() is not None
        old_epoch = world.center.setting("epoch")

        copy = backup(world.center, tmp_path / "backups")

        # Life goes on in the old epoch, and reaches the province ...
        _edit(world.center, p1, phone="080-000-0001")
        _edit(world.center, p3, phone="080-000-0003")
        _edit(world.center, p3, occupation="ชาวนา")
        case_a = _new_case(world.center, [p4, p5], "ข้อพิพาทเรื่องน้ำ (ก่อนเครื่องเสีย)")
        second = world.export()
        assert world.import_one(second.path).status == "applied"
        people.create_person(world.center, people.PersonInput(given_name="ส่งไม่ทัน"))
        third = world.export()  # made, but still on a USB stick when the laptop dies

        # ... then the laptop dies and the center is restored from the backup.
        world.center = h.replace_database(world.center, copy)
        new_epoch = world.center.setting("epoch")
        assert new_epoch and new_epoch != old_epoch
        assert sync.center_status(world.center).acked_through == 0
        _edit(
            world.center, p1, phone="080-999-9999"
        )  # the same rev as the province's, other content
        _edit(world.center, p2, line_id="restored-1")
        _edit(world.center, p2, line_id="restored-2")  # newer than anything the province has
        case_b = _new_case(world.center, [p4, p5], "ข้อพิพาทเรื่องน้ำ (หลังกู้คืน)")
        assert case_b.number == case_a.number and case_b.id != case_a.id

        restored = world.export()
        assert (restored.first_change, restored.seq) == (1, 2)  # a new epoch starts from change 1
        assert restored.last_change == sync.center_status(world.center).latest_change
        before_conflicts = len(sync.sync_conflicts(world.province))
        assert before_conflicts == 0
        outcome = world.import_one(restored.path)
        # A new start waits for an officer (docs/sync.md §3): nothing applied, the old epoch kept.
        assert (outcome.status, outcome.reason) == ("held", "new_epoch"), outcome
        assert h.query(world.province, "SELECT epoch FROM enrolments")[0][0] != new_epoch
        assert sync.waiting_epochs(world.province, _code(world)) == [new_epoch]
        decision = sync.decide_epoch(world.province, _code(world), accept=True)
        assert decision.accepted and decision.outcomes == ("2:applied",), decision
        (overview,) = sync.centers_overview(world.province)
        assert overview.applied_through == restored.last_change
        assert h.query(world.province, "SELECT epoch FROM enrolments")[0][0] == new_epoch

        # What the province had newer is kept, and both versions are visible in the queue.
        queue = {
            (c.table_name, c.row_id): c
            for c in sync.sync_conflicts(world.province, world.center.site_id)
        }
        assert queue[("people", p1)].reason == "restored_center_older"
        assert (queue[("people", p1)].kept_rev, queue[("people", p1)].other_rev) == (2, 2)
        assert "080-999-9999" in queue[("people", p1)].other_fields
        assert (queue[("people", p3)].kept_rev, queue[("people", p3)].other_rev) == (3, 1)
        assert ("people", p2) not in queue
        province_people = {
            r["id"]: r
            for r in h.query(
                world.province, "SELECT id, phone, occupation, line_id, rev FROM people"
            )
        }
        assert province_people[p1.hex]["phone"] == "080-000-0001"
        assert (province_people[p3.hex]["occupation"], province_people[p3.hex]["rev"]) == (
            "ชาวนา",
            3,
        )
        assert (province_people[p2.hex]["line_id"], province_people[p2.hex]["rev"]) == (
            "restored-2",
            3,
        )
        # The restored center's new case took a number the province already holds: refused with
        # its parties and session, all kept in the queue; the old case stays.
        assert queue[("cases", case_b.id)].reason == "number_taken"
        refused_children = {k for k, c in queue.items() if c.reason == "parent_refused"}
        assert {t for t, _id in refused_children} == {"case_parties", "case_sessions"}
        assert len(refused_children) == 3
        assert (
            h.query(world.province, "SELECT count(*) FROM cases WHERE id = ?", (case_b.id.hex,))[0][
                0
            ]
            == 0
        )
        assert (
            h.query(world.province, "SELECT count(*) FROM cases WHERE id = ?", (case_a.id.hex,))[0][
                0
            ]
            == 1
        )

        # Everything else is exactly the center's.
        expected, actual = (
            h.center_as_sent(world.center),
            h.snapshot(world.province, world.center.site_id),
        )
        for table, row_id in queue:
            expected[table].pop(row_id.hex, None)
            actual[table].pop(row_id.hex, None)
        for (
            table,
            rows,
        ) in actual.items():  # what only the old epoch had (case A, its rows, the extra person)
            for row_id in [r for r in rows if r not in expected[table]]:
                assert (
                    h.query(
                        world.province, f"SELECT count(*) FROM {table} WHERE id = ?", (row_id,)
                    )[0][0]
                    == 1
                )  # noqa: S608
                rows.pop(row_id)
        assert not h.diff(expected, actual)

        # The old epoch's bundles, old or never seen, are not applied over the new one.
        before = h.snapshot(world.province)
        for late in (third.path, second.path, first.path):
            result = world.import_one(late)
            assert result.status == "duplicate" and result.reason in ("replay", "duplicate"), result
        assert h.snapshot(world.province) == before
        assert h.query(world.province, "SELECT epoch, applied_through FROM enrolments")[0][:] == (
            new_epoch,
            restored.last_change,
        )

        # The receipt speaks of the new epoch and lists the refused records.
        receipt_path = world.receipt_to_center()
        assert receipt_path is not None
        status = sync.center_status(world.center)
        assert (status.acked_through, status.pending_changes) == (restored.last_change, 0)
        summary = h.query(world.center, "SELECT summary FROM receipts ORDER BY id DESC LIMIT 1")[0][
            0
        ]
        assert "number_taken" in summary and "parent_refused" in summary

        # The center is told what was refused and what to do; the province lists the same
        # entries by center and record (docs/sync.md §1: nothing disappears silently).
        assert status.refused == 4
        refusals = {(r.table, uuid.UUID(r.row_id)): r for r in sync.center_refusals(world.center)}
        refused_case = refusals[("cases", case_b.id)]
        assert refused_case.reason == "number_taken" and refused_case.action
        assert refused_case.record.endswith(case_b.number) and not refused_case.sent_again
        assert sum(r.reason == "parent_refused" for r in refusals.values()) == 3
        entries = sync.conflict_list(world.province)
        (taken,) = [e for e in entries if e.reason == "number_taken"]
        assert taken.center_code == "CJC-0001" and taken.record.endswith(f" {case_b.number}")
        assert taken.action and not taken.resolved

        # Sending the same versions again does not fill the queue twice; a newer edit of a
        # queued record joins the queue rather than being dropped unseen.
        _edit(world.center, p3, phone="080-333-3333")  # rev 2 in the new epoch, the province has 3
        again = world.export()
        assert world.import_one(again.path).status == "applied"
        queue2 = sync.sync_conflicts(world.province, world.center.site_id)
        assert len(queue2) == len(queue) + 1
        assert {(c.row_id, c.other_rev) for c in queue2 if c.row_id == p3} == {(p3, 1), (p3, 2)}
        assert all(c.resolved_at is None for c in queue2)

        # The center gives the case a new number and sends it again with its children: all
        # applied, nothing refused any more, on both sides.
        assert world.receipt_to_center() is not None
        resent = sync.resend_refused(world.center)
        assert resent.count == 4
        ((old_label, new_number),) = resent.renumbered
        assert old_label == refused_case.record and new_number != case_b.number
        assert cases.get_case(world.center, case_b.id).number == new_number
        assert all(r.sent_again for r in sync.center_refusals(world.center))
        fixed = world.export()
        outcome = world.import_one(fixed.path)
        assert (outcome.status, outcome.reason) == ("applied", None), outcome
        assert "refused" not in outcome.message and "ปฏิเสธ" not in outcome.message
        assert world.receipt_to_center() is not None
        assert sync.center_refusals(world.center) == []
        assert sync.center_status(world.center).refused == 0
        number = h.query(world.province, "SELECT number FROM cases WHERE id = ?", (case_b.id.hex,))
        assert len(number) == 1
        sync.resolve_conflict(world.province, taken.id)
        assert taken.id not in {e.id for e in sync.conflict_list(world.province)}
        assert taken.id in {e.id for e in sync.conflict_list(world.province, open_only=False)}
    finally:
        world.close()


def test_restored_center_whose_old_epoch_was_never_seen(tmp_path: Path) -> None:
    """Restored before the province heard from it at all: the new epoch simply applies."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=9, people=20, cases=10, meetings=1))
    try:
        copy = backup(world.center, tmp_path / "backups")
        lost = world.export()  # never arrives
        world.center = h.replace_database(world.center, copy)
        people.create_person(world.center, people.PersonInput(given_name="เริ่มใหม่"))
        fresh = world.export()
        assert fresh.first_change == 1 and fresh.seq == 1 and lost.seq == 1
        assert world.import_one(fresh.path).status == "applied"
        h.assert_province_holds_center(world)
        assert sync.sync_conflicts(world.province) == []
        del lost
    finally:
        world.close()


def _restore_center(world, copy: Path) -> None:
    """The restore command's way: the current database's epochs are left behind too."""
    from justice_desk.storage.backup import restore
    from justice_desk.storage.database import open_database

    path = world.center.target.path
    world.center.dispose()
    restore(copy, path)
    world.center = open_database(path)


def test_bundle_of_an_epoch_the_province_never_saw_is_old_news_after_a_later_restore(
    tmp_path: Path,
) -> None:
    """Restored twice: the first restore's bundle is still on a USB stick when the second's
    arrives. The later bundle names the epochs its database left, so the stray one is
    recognised as old (never applied over the newer state), though the province never saw
    its epoch."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=10, people=20, cases=10, meetings=1))
    try:
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        epoch_1 = world.center.setting("epoch")
        copy = backup(world.center, tmp_path / "backups")

        _restore_center(world, copy)
        epoch_2 = world.center.setting("epoch")
        people.create_person(world.center, people.PersonInput(given_name="หลังกู้คืนครั้งแรก"))
        stray = world.export(world.root / "in-transit")  # still travelling

        _restore_center(world, copy)
        people.create_person(world.center, people.PersonInput(given_name="หลังกู้คืนครั้งที่สอง"))
        latest = world.export()
        manifest = h.manifest_of(latest.path)
        assert manifest.epoch not in (epoch_1, epoch_2)
        assert {epoch_1, epoch_2} <= set(manifest.previous_epochs)

        assert world.import_one(latest.path).reason == "new_epoch"
        sync.decide_epoch(world.province, _code(world), accept=True)
        h.assert_province_holds_center(world)
        before = h.snapshot(world.province)
        late = world.import_one(stray.path)
        assert (late.status, late.reason) == ("duplicate", "replay")
        assert h.snapshot(world.province) == before  # "หลังกู้คืนครั้งแรก" is not brought back
        h.assert_province_holds_center(world)
    finally:
        world.close()


def _code(world: h.World) -> str:
    (overview,) = sync.centers_overview(world.province)
    return overview.code


def test_a_version_lost_by_the_restore_stays_visible_when_a_newer_one_replaces_it(
    tmp_path: Path,
) -> None:
    """A record edited after the backup (that edit reached the province) and edited more times
    after the restore arrives with a higher rev: the center's version is applied, and the one it
    replaces, which the restore lost, goes to the conflict list. A record edited only after the
    restore replaces its old version without an entry."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=12, people=12, cases=2, meetings=1))
    try:
        p, q = _person_ids(world.center, 2)
        assert world.import_one(world.export().path).status == "applied"
        copy = backup(world.center, tmp_path / "backups")
        _edit(world.center, p, phone="080-000-0001")  # after the backup
        assert world.import_one(world.export().path).status == "applied"

        world.center = h.replace_database(world.center, copy)
        _edit(world.center, p, phone="080-111-1111")
        _edit(world.center, p, occupation="ครู")
        _edit(world.center, p, line_id="after-restore")  # rev above the province's
        _edit(world.center, q, phone="080-222-2222")
        _edit(world.center, q, occupation="ชาวสวน")  # only after the restore
        restored = world.export()
        assert h.manifest_of(restored.path).restored_after
        assert world.import_one(restored.path).reason == "new_epoch"
        assert sync.decide_epoch(world.province, _code(world), accept=True).accepted

        rows = {
            r["id"]: r for r in h.query(world.province, "SELECT id, phone, line_id FROM people")
        }
        assert (rows[p.hex]["phone"], rows[p.hex]["line_id"]) == ("080-111-1111", "after-restore")
        assert rows[q.hex]["phone"] == "080-222-2222"
        queue = sync.sync_conflicts(world.province, world.center.site_id)
        lost = [c for c in queue if c.row_id == p]
        assert [(c.reason, c.other_rev) for c in lost] == [("restored_center_overwrote", 2)]
        assert "080-000-0001" in lost[0].other_fields
        assert not [c for c in queue if c.row_id == q]
        (entry,) = [e for e in sync.conflict_list(world.province) if e.reason.endswith("overwrote")]
        assert entry.action and entry.record.startswith(_table_label("people"))
        h.assert_province_holds_center(world)
    finally:
        world.close()


def test_a_restored_center_is_told_its_new_start_waits_for_the_province(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=3, people=10, cases=5, meetings=1))
    try:
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        assert world.receipt_to_center() is not None
        assert sync.center_status(world.center).new_start is None
        copy = backup(world.center, tmp_path / "backups")
        world.center = h.replace_database(world.center, copy)

        status = sync.center_status(world.center)
        assert status.new_start is sync.NewStart.NOT_SENT
        assert "restored from a backup" in status.describe()

        restored = world.export()
        assert sync.center_status(world.center).new_start is sync.NewStart.WAITING
        outcome = world.import_one(restored.path)
        assert (outcome.status, outcome.reason) == ("held", "new_epoch")
        assert world.receipt_to_center() is not None
        status = sync.center_status(world.center)
        assert status.new_start is sync.NewStart.WAITING
        assert "until an officer accepts the new start" in status.describe()

        sync.decide_epoch(world.province, _code(world), accept=False)
        assert world.receipt_to_center() is not None
        status = sync.center_status(world.center)
        assert status.new_start is sync.NewStart.REFUSED
        assert "refused this database's new start" in status.describe()

        # The officer and the center talked: the next bundle waits again and is accepted.
        people.create_person(world.center, people.PersonInput(given_name="โทรคุยแล้ว"))
        again = world.export()
        assert world.import_one(again.path).reason == "new_epoch"
        sync.decide_epoch(world.province, _code(world), accept=True)
        assert world.receipt_to_center() is not None
        status = sync.center_status(world.center)
        assert status.new_start is None
        assert status.acked_through == again.last_change
        assert "Received by the province" in status.describe()
    finally:
        world.close()
