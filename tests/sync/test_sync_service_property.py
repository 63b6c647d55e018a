"""Property (docs/sync.md §3, §7): whatever a center does, whenever it exports, however the
bundles travel (out of order, twice, or never) and whichever receipts come back, once the last
export has arrived the province holds exactly the center's current records."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import sync_helpers as h
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justice_desk.domain.enums import CaseKind, PartySide, Sex
from justice_desk.services import activities, cases, people, sync

NAMES = ["สมชาย", "สมหญิง", "บุญมี", "ประยูร", "วิไลวรรณ", "ณัฐพล", "กาญจนา", "อำนาจ", "ผู้ใหญ่", "น้ำฝน"]
PICK = st.integers(0, 10_000)
ACTION = st.one_of(
    st.tuples(st.just("person"), PICK),
    st.tuples(st.just("edit_person"), PICK, PICK),
    st.tuples(st.just("delete_person"), PICK),
    st.tuples(st.just("case"), PICK, PICK),
    st.tuples(st.just("session"), PICK),
    st.tuples(st.just("activity"), PICK),
    st.tuples(st.just("edit_activity"), PICK),
    st.tuples(st.just("delete_activity"), PICK),
    st.tuples(st.just("export")),
    st.tuples(st.just("export")),
    st.tuples(st.just("deliver"), PICK),
    st.tuples(st.just("deliver"), PICK),
    st.tuples(st.just("receipts")),
    st.tuples(st.just("apply_receipt"), PICK),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("property")
    with h.data_home(root / "home"):
        world = h.build_world(root / "w")
        for i in range(3):
            people.create_person(
                world.center, people.PersonInput(given_name=NAMES[i], surname="ตั้งต้น")
            )
        return h.freeze_world(world, root / "home")


def _live(db, table: str) -> list[uuid.UUID]:
    return [
        uuid.UUID(hex=r[0])
        for r in h.query(
            db, f"SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY created_at, id"
        )
    ]  # noqa: S608


def _pick(items: list, n: int):
    return items[n % len(items)] if items else None


def _do(world: h.World, action: tuple, state: dict) -> None:
    center, today = world.center, dt.date.today()
    kind = action[0]
    if kind == "person":
        people.create_person(
            center,
            people.PersonInput(
                given_name=_pick(NAMES, action[1]), surname=f"ลำดับ{action[1]}", sex=Sex.FEMALE
            ),
        )
    elif kind == "edit_person" and (who := _pick(_live(center, "people"), action[1])):
        record = people.get_person(center, who)
        people.update_person(
            center,
            who,
            people.PersonInput(
                given_name=record.given_name,
                surname=record.surname,
                phone=f"08{action[2]:08d}",
                village=_pick(NAMES, action[2]),
            ),
        )
    elif kind == "delete_person" and (who := _pick(_live(center, "people"), action[1])):
        people.delete_person(center, who)
    elif kind == "case":
        live = _live(center, "people")
        a, b = _pick(live, action[1]), _pick(live, action[2])
        if a is not None and b is not None and a != b:
            cases.take_in(
                center,
                cases.CaseInput(
                    kind=CaseKind.DISPUTE,
                    subject=f"ข้อพิพาท {action[1]}",
                    received_on=today,
                    facts="เรื่องเล่า",
                    parties=(
                        cases.PartyInput(a, PartySide.APPLICANT),
                        cases.PartyInput(b, PartySide.RESPONDENT),
                    ),
                ),
            )
    elif kind == "session" and (case := _pick(_live(center, "cases"), action[1])):
        cases.add_session(
            center, case, cases.SessionInput(held_on=today, summary="นัดหมาย", notes="บันทึกลับ")
        )
    elif kind == "activity":
        activities.create_activity(
            center,
            activities.ActivityInput(
                held_on=today, topic=f"กิจกรรม {action[1]}", participants_male=action[1] % 7
            ),
        )
    elif kind == "edit_activity" and (what := _pick(_live(center, "activities"), action[1])):
        record = next(r for r in activities.list_activities(center).rows if r.id == what)
        activities.update_activity(
            center,
            what,
            activities.ActivityInput(
                held_on=record.held_on,
                topic=record.topic + " (แก้)",
                participants_female=record.participants_female + 1,
            ),
        )
    elif kind == "delete_activity" and (what := _pick(_live(center, "activities"), action[1])):
        activities.delete_activity(center, what)
    elif kind == "export":
        folder = world.root / f"usb-{len(state['bundles'])}"
        state["bundles"].append(world.export(folder).path)
    elif kind == "deliver" and state["bundles"]:
        # Any bundle, old or new, perhaps again; those never picked are lost.
        outcome = world.import_one(_pick(state["bundles"], action[1]))
        state["statuses"].add(outcome.status)
    elif kind == "receipts":
        state["receipts"].extend(
            w.path
            for w in sync.write_receipts(
                world.province, world.root / f"receipts-{len(state['receipts'])}"
            )
        )
    elif kind == "apply_receipt" and state["receipts"]:
        sync.apply_receipt(center, _pick(state["receipts"], action[1]))  # perhaps an old one


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(ACTION, min_size=4, max_size=28))
def test_province_ends_with_exactly_the_centers_records(
    template: tuple[Path, Path], actions: list[tuple]
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="prop-"))
    world = h.clone_world(template, folder / "w")
    state: dict = {"bundles": [], "receipts": [], "statuses": set()}
    try:
        for action in actions:
            _do(world, action, state)
        # The last export covers everything not acknowledged, so it heals every loss.
        last = world.export(world.root / "usb-last").path
        outcome = world.import_one(last)
        state["statuses"].add(outcome.status)
        assert state["statuses"] <= {"applied", "duplicate"}, state["statuses"]
        h.assert_province_holds_center(world)
        (overview,) = sync.centers_overview(world.province)
        assert (overview.held, overview.rejected) == (0, 0)
        assert sync.sync_conflicts(world.province) == []
        # And a receipt brings the center up to date.
        (receipt,) = sync.write_receipts(world.province, world.root / "final", only_new=False)
        sync.apply_receipt(world.center, receipt.path)
        status = sync.center_status(world.center)
        assert status.acked_through == status.latest_change and status.pending_changes == 0
    finally:
        world.close()
        shutil.rmtree(folder, ignore_errors=True)
