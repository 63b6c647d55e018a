"""A demo center's whole database travels to the province and arrives field by field
(docs/sync.md §3, §6, §8): first export, edits and soft deletes, second export, receipts back
at the center."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk.domain.enums import CaseChannel, CaseKind, PartySide, Sex
from justice_desk.services import activities, cases, people, sync

DEMO = dict(seed=11, people=40, cases=200, meetings=8)


def _ids(db, table: str, where: str = "1=1", limit: int = 5) -> list[uuid.UUID]:
    rows = h.query(
        db,
        f"SELECT id FROM {table} WHERE deleted_at IS NULL AND {where} ORDER BY id LIMIT ?",
        (limit,),
    )  # noqa: S608
    return [uuid.UUID(hex=r[0]) for r in rows]


def _edit_center(db) -> dict[str, uuid.UUID]:
    """Edits, soft deletes and new records through the services, as a center's staff make them."""
    today = dt.date.today()
    first, second, third = _ids(db, "people", limit=3)
    person = people.get_person(db, first)
    people.update_person(
        db, first, dataclasses.replace(person, phone="081-234-5678", notes="ย้ายบ้านไปหมู่ 5")
    )
    people.delete_person(db, second)
    new = people.create_person(
        db,
        people.PersonInput(
            given_name="ทองดี", surname="มีสุข", sex=Sex.FEMALE, title="นาง", village="บ้านสันทราย"
        ),
    ).record
    case = cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.DISPUTE,
            subject="ข้อพิพาทเรื่องทางเดินร่วม",
            received_on=today,
            channel=CaseChannel.PHONE,
            facts="เพื่อนบ้านปิดทางเดิน",
            parties=(
                cases.PartyInput(new.id, PartySide.APPLICANT),
                cases.PartyInput(third, PartySide.RESPONDENT),
            ),
        ),
    ).record
    cases.add_session(
        db,
        case.id,
        cases.SessionInput(held_on=today, summary="นัดครั้งต่อไป", notes="ความลับ: คู่กรณีเล่าเรื่องหนี้สิน"),
    )
    party = case.parties[1]
    cases.remove_party(db, party.id)
    (activity,) = _ids(db, "activities", limit=1)
    record = activities.list_activities(db).rows[0]
    activities.update_activity(
        db,
        record.id,
        dataclasses.replace(
            record,
            topic="อบรมป้องกันยาเสพติด (แก้ไข)",
            participants_female=record.participants_female + 3,
        ),
    )
    activities.delete_activity(
        db, activity if activity != record.id else _ids(db, "activities", limit=2)[1]
    )
    return {
        "updated": first,
        "deleted": second,
        "new_person": new.id,
        "new_case": case.id,
        "removed_party": party.id,
    }


def test_demo_center_round_trip_field_by_field(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=DEMO)
    try:
        center_counts = h.row_counts(world.center)
        assert center_counts["cases"] == 200 and center_counts["case_sessions"] > 0
        assert (
            h.query(world.center, "SELECT count(*) FROM case_sessions WHERE notes IS NOT NULL")[0][
                0
            ]
            > 0
        )

        first = world.export()
        assert (first.seq, first.first_change) == (1, 1)
        assert first.records == sum(center_counts.values())
        outcome = world.import_one(first.path)
        assert (outcome.status, outcome.records, outcome.seq) == ("applied", first.records, 1)

        sent = h.assert_province_holds_center(world)
        assert sum(len(rows) for rows in sent.values()) == first.records
        # Confidential session notes never reach the province; derived columns are recomputed there.
        assert (
            h.query(world.province, "SELECT count(*) FROM case_sessions WHERE notes IS NOT NULL")[
                0
            ][0]
            == 0
        )
        for table in ("people", "cases"):
            theirs = {
                r[0]: (r[1], r[2])
                for r in h.query(world.province, f"SELECT id, sort_key, search_text FROM {table}")
            }  # noqa: S608
            # as sent: a reintegration case's texts stay at the center (docs/privacy.md)
            ours = {rid: (r["sort_key"], r["search_text"]) for rid, r in sent[table].items()}
            assert theirs == ours and all(v[1] for v in ours.values())
        # The province's own site row is still there, beside the center's.
        assert h.query(world.province, "SELECT count(*) FROM sites")[0][0] == 2

        receipt = world.receipt_to_center()
        assert receipt is not None
        status = sync.center_status(world.center)
        assert status.acked_through == first.last_change and status.pending_changes == 0
        assert f"through change {first.last_change}" in status.describe()

        edits = _edit_center(world.center)
        second = world.export()
        assert (second.seq, second.first_change) == (2, first.last_change + 1)
        assert second.last_change > second.first_change
        outcome = world.import_one(second.path)
        assert outcome.status == "applied" and outcome.records == second.records

        h.assert_province_holds_center(world)
        deleted = h.query(
            world.province,
            "SELECT deleted_at, rev FROM people WHERE id = ?",
            (edits["deleted"].hex,),
        )[0]
        assert deleted["deleted_at"] is not None and deleted["rev"] == 2
        assert (
            h.query(
                world.province,
                "SELECT deleted_at FROM case_parties WHERE id = ?",
                (edits["removed_party"].hex,),
            )[0][0]
            is not None
        )
        assert (
            h.query(
                world.province, "SELECT phone FROM people WHERE id = ?", (edits["updated"].hex,)
            )[0][0]
            == "081-234-5678"
        )
        assert (
            h.query(
                world.province,
                "SELECT notes FROM case_sessions WHERE case_id = ?",
                (edits["new_case"].hex,),
            )[0][0]
            is None
        )

        assert world.receipt_to_center() is not None
        status = sync.center_status(world.center)
        assert status.acked_through == second.last_change == status.latest_change
        assert status.pending_changes == 0
        assert (
            f"Received by the province through change {second.last_change} on" in status.describe()
        )

        # Nothing new: the next export is empty and the province calls it a replay,
        # changing nothing.
        before = h.snapshot(world.province)
        empty = world.export()
        assert empty.records == 0 and empty.first_change == second.last_change + 1
        assert world.import_one(empty.path).status == "duplicate"
        assert h.snapshot(world.province) == before
    finally:
        world.close()


def test_second_export_without_a_receipt_covers_everything_again(tmp_path: Path) -> None:
    """Without a receipt the center cannot know the first bundle arrived: the next one repeats
    it (docs/sync.md §3) and the province applies only what is new."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=2, people=30, cases=30, meetings=2))
    try:
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        _edit_center(world.center)
        second = world.export()
        assert second.first_change == 1 and second.last_change > first.last_change
        assert world.import_one(second.path).status == "applied"
        h.assert_province_holds_center(world)
        # And the first one, arriving late, changes nothing.
        before = h.snapshot(world.province)
        late = world.import_one(first.path)
        assert late.status == "duplicate"
        assert h.snapshot(world.province) == before
    finally:
        world.close()


@pytest.mark.parametrize("via_cli", [False, True])
def test_receipt_on_the_command_line(tmp_path: Path, cli, via_cli: bool) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        people.create_person(world.center, people.PersonInput(given_name="สมศรี", surname="ดีใจ"))
        if via_cli:
            world.close()
            exported = cli("sync", "export", "--db", str(world.center_path), "-o", str(world.usb))
            assert exported.returncode == 0, exported.stderr
            bundle = Path(exported.stdout.strip())
            imported = cli(
                "sync", "import", "--db", str(world.province_path), str(bundle), "--json"
            )
            assert imported.returncode == 0, imported.stderr
            assert '"status": "applied"' in imported.stdout
            receipts = cli(
                "sync", "receipts", "--db", str(world.province_path), "-o", str(tmp_path / "r")
            )
            assert receipts.returncode == 0, receipts.stderr
            (receipt,) = (tmp_path / "r").iterdir()
            applied = cli("sync", "receipt", "--db", str(world.center_path), str(receipt))
            assert applied.returncode == 0, applied.stderr
            assert "Received by the province through change 2 on" in applied.stdout
            world = h.World(
                world.root, h.open_database(world.center_path), h.open_database(world.province_path)
            )
        else:
            world.import_one(world.export().path)
            world.receipt_to_center()
        assert sync.center_status(world.center).acked_through == 2  # the site record and the person
        h.assert_province_holds_center(world)
    finally:
        world.close()
