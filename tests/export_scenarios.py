"""A small center with something in every register, and readers of exported files: shared by
tests/services/test_exports.py and tests/ui/test_ui_exports.py."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, CommitteePosition, PartySide
from justice_desk.services import activities, cases, meetings, people
from justice_desk.services.people import PersonInput

TERM = "2568–2570"


@dataclass(frozen=True)
class Center:
    namfon: object
    somsak: object
    dispute: object  # 001/2569, open
    advice: object  # 002/2569, completed


def build_center(db) -> Center:
    namfon = people.create_person(
        db,
        PersonInput(
            title="นาง",
            given_name="น้ำฝน",
            surname="ปั้นทอง",
            national_id="3500100234569",
            phone="081 234 5678",
            village="บ้านป่าตึง",
            community_role="อสม.",
        ),
    ).record
    somsak = people.create_person(
        db, PersonInput(title="นาย", given_name="สมศักดิ์", surname="ใจดี", no_id_reason="-")
    ).record
    people.create_person(
        db, PersonInput(title="นาย", given_name="=SUM(A1)", surname="ลองดู", no_id_reason="-")
    )
    people.add_membership(db, namfon.id, member_no="ชม-0042", joined_on=dt.date(2025, 1, 15))
    term = people.create_term(db, name=TERM, starts_on=dt.date(2025, 1, 1))
    people.appoint(db, term.id, namfon.id, CommitteePosition.CHAIR)
    people.appoint(db, term.id, somsak.id, CommitteePosition.SECRETARY)
    people.register_mediator(
        db,
        namfon.id,
        registration_no="ชม 12/2567",
        issued_on=dt.date(2024, 6, 1),
        expires_on=dt.date(2027, 5, 31),
    )
    people.register_mediator(
        db,
        somsak.id,
        registration_no="ชม 3/2562",
        issued_on=dt.date(2019, 6, 1),
        expires_on=dt.date(2022, 5, 31),
    )
    dispute = cases.take_in(
        db,
        cases.CaseInput(
            CaseKind.DISPUTE,
            "ข้อพิพาทเรื่องทางเดินผ่านที่ดิน",
            dt.date(2026, 1, 14),
            parties=(
                cases.PartyInput(namfon.id, PartySide.APPLICANT),
                cases.PartyInput(somsak.id, PartySide.RESPONDENT),
            ),
        ),
    ).record
    advice = cases.take_in(
        db, cases.CaseInput(CaseKind.LEGAL_ADVICE, "ขอคำปรึกษาเรื่องมรดก", dt.date(2026, 1, 20))
    ).record
    cases.act(db, advice.id, CaseAction.COMPLETE, on=dt.date(2026, 1, 21))
    for day, place in ((dt.date(2026, 1, 5), "ศาลาเอนกประสงค์"), (dt.date(2026, 2, 2), "วัดป่าตึง")):
        meetings.create_meeting(db, meetings.MeetingInput(held_on=day, place=place))
    activities.create_activity(
        db,
        activities.ActivityInput(
            held_on=dt.date(2026, 1, 10),
            topic="อบรมป้องกันยาเสพติด",
            place="โรงเรียนบ้านป่าตึง",
            participants_male=12,
            participants_female=15,
        ),
    )
    activities.create_activity(
        db, activities.ActivityInput(held_on=dt.date(2026, 2, 1), topic="ประชาคมหมู่บ้าน")
    )
    return Center(namfon, somsak, dispute, advice)


def read_xlsx(path: Path) -> tuple[list[list[object]], object]:
    """All rows (header first) and the worksheet, read with openpyxl."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows, sheet


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "a CSV for Excel starts with the UTF-8 BOM"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))
