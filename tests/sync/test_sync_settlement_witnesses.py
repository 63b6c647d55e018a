"""The witnesses of a settlement agreement (migration 0014) travel to the province like every
other column, and a settlement from a center that has not upgraded (no such field in its
bundle) reads as "none recorded" (docs/sync.md §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import sync_helpers as h

from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
from justice_desk.services import cases, people, sync
from justice_desk.services.people import PersonInput
from justice_desk.storage import sync_store
from justice_desk.storage.schema import KNOWN_REVISIONS


def test_the_witnesses_of_an_agreement_reach_the_province(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "world")
    try:
        db = world.center
        day = h.today() - dt.timedelta(days=3)

        def person(given: str) -> uuid.UUID:
            return people.create_person(
                db, PersonInput(given_name=given, surname="ใจดี", title="นาย", no_id_reason="-")
            ).record.id

        mediator = people.register_mediator(
            db, person("กิตติ"), registration_no="ชม 9/2567", expires_on=dt.date(2100, 1, 1)
        )
        case = cases.take_in(
            db,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "ยืมเงินแล้วไม่คืน",
                day,
                category=CaseCategory.CIVIL,
                matter_code="debt",
                amount_satang=300_000,
                parties=(
                    cases.PartyInput(person("สมชาย"), PartySide.APPLICANT),
                    cases.PartyInput(person("สมศักดิ์"), PartySide.RESPONDENT),
                ),
            ),
        ).record
        cases.act(db, case.id, A.REQUEST_CONSENT, on=day)
        cases.act(db, case.id, A.CONSENT_GIVEN, on=day)
        cases.assign_mediator(db, case.id, mediator.id, no_conflict_confirmed=True, on=day)
        cases.record_settlement(
            db,
            case.id,
            cases.SettlementInput(
                day,
                "ผู้ถูกร้องตกลงชำระเงินสามพันบาท",
                True,
                witnesses=("นายสมหมาย ดีใจ", "นางสาวเพ็ญ ศรีงาม"),
            ),
        )
        result = world.export()
        assert world.import_one(result.path).status == "applied"
        rows = h.query(world.province, "SELECT witnesses FROM settlements")
        assert [r[0] for r in rows] == ["นายสมหมาย ดีใจ\nนางสาวเพ็ญ ศรีงาม"]
        h.assert_province_holds_center(world)
        assert sync.SCHEMA_VERSION == len(KNOWN_REVISIONS) >= 14  # 0014 carries the column
    finally:
        world.close()


def test_a_settlement_from_an_older_center_has_no_witnesses() -> None:
    fields = {
        "owner_id": str(uuid.uuid4()),
        "case_id": str(uuid.uuid4()),
        "agreed_on": "2026-01-17",
        "place": None,
        "terms": "ตกลงกันได้",
        "total_satang": None,
        "voluntary_confirmed": True,
        "created_at": "2026-01-17T03:00:00",
        "updated_at": "2026-01-17T03:00:00",
        "deleted_at": None,
    }
    row = sync_store.decode_record("settlements", str(uuid.uuid4()), 1, fields)
    assert row["witnesses"] is None and row["terms"] == "ตกลงกันได้"
