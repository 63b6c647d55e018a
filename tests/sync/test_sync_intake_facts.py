"""The intake facts of migration 0010 (docs/mediation-law.md) travel to the province like every
other column, and the schema number that says so is the number of migrations (sync.md §10)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sync_helpers as h

from justice_desk.domain.enums import CaseCategory, CaseKind, CriminalStage
from justice_desk.services import cases, sync
from justice_desk.storage.schema import KNOWN_REVISIONS


def test_offender_age_birth_date_stage_and_no_money_value_reach_the_province(
    tmp_path: Path,
) -> None:
    world = h.build_world(tmp_path / "world")
    try:
        day = h.today()
        offence = cases.take_in(
            world.center,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "บุกรุกเข้าไปในสวนลำไย",
                day,
                category=CaseCategory.CRIMINAL,
                matter_code="trespass",
                incident_on=day - dt.timedelta(days=2),
                offender_birth_date=dt.date(1980, 4, 13),
                criminal_stage=CriminalStage.PROSECUTOR,
            ),
        ).record
        path = cases.take_in(
            world.center,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "ปิดทางเดินเข้านา",
                day,
                category=CaseCategory.CIVIL,
                matter_code="land_use",
                no_money_value=True,
            ),
        ).record
        aged = cases.take_in(
            world.center,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "ตบหน้ากลางตลาด",
                day,
                category=CaseCategory.CRIMINAL,
                matter_code="petty_assault",
                offender_age=17,
            ),
        ).record
        result = world.export()
        assert world.import_one(result.path).status == "applied"
        rows = {
            r["id"]: tuple(r)[1:]
            for r in h.query(
                world.province,
                "SELECT id, offender_age, offender_birth_date, criminal_stage, no_money_value "
                "FROM cases",
            )
        }
        assert rows[offence.id.hex] == (None, "1980-04-13", "prosecutor", None)
        assert rows[path.id.hex] == (None, None, None, 1)
        assert rows[aged.id.hex] == (17, None, None, None)
        h.assert_province_holds_center(world)
        assert sync.SCHEMA_VERSION == len(KNOWN_REVISIONS) >= 10  # 0010 carries these columns
    finally:
        world.close()
