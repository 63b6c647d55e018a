"""Every register as an Excel workbook and a CSV file, read back with openpyxl and the csv
module: Thai text, BE dates, filters applied, header frozen, widths that fit, written atomically
(docs/architecture.md §12)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from export_scenarios import TERM, build_center, read_csv, read_xlsx

from justice_desk import i18n
from justice_desk.domain.enums import CaseKind, CaseStatus, CommitteePosition, MembershipStatus
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services import exports
from justice_desk.services.exports import ExportFilters, ExportFormat, Register


@pytest.fixture
def center(center_db):
    i18n.set_language("th")  # as a center exports: Thai headers, Thai BE dates
    build_center(center_db)
    return center_db


def export_both(db, tmp_path: Path, register: Register, filters=None):
    xlsx = exports.export_register(db, register, tmp_path / "x.xlsx", filters=filters)
    csv_file = exports.export_register(db, register, tmp_path / "x.csv", filters=filters)
    rows, sheet = read_xlsx(xlsx.path)
    text_rows = read_csv(csv_file.path)
    assert xlsx.rows == csv_file.rows == len(rows) - 1 == len(text_rows) - 1
    # the same table both ways (numbers are numbers in the workbook, text in the CSV)
    assert [["" if v is None else str(v) for v in r] for r in rows] == [
        [v.lstrip("'") if v.startswith("'=") else v for v in r] for r in text_rows
    ]
    return rows, sheet, text_rows


def test_people_export_is_the_register_with_masked_ids_and_a_frozen_header(
    center, tmp_path
) -> None:
    rows, sheet, text = export_both(center, tmp_path, Register.PEOPLE)
    assert rows[0] == [_(h) for h in ("Name", "National ID", "Phone", "Village")] + [
        _("Community role"),
        _("Member"),
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["นางน้ำฝน ปั้นทอง"] == [
        "นางน้ำฝน ปั้นทอง",
        "x-xxxx-xxxxx-56-9",  # masked, as the list shows it
        "081 234 5678",  # text, not a number
        "บ้านป่าตึง",
        "อสม.",
        _("Yes"),
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    # Thai marks take no width: the name column fits "นางน้ำฝน ปั้นทอง" (14 columns) and more
    assert 14 <= widths["A"] <= 25 and widths["B"] >= len("x-xxxx-xxxxx-56-9")
    assert sheet.auto_filter.ref.startswith("A1:F")
    # a name that looks like a formula stays text in both files
    assert sheet["A2"].data_type == "s"
    assert any(r[0] == "'นาย=SUM(A1) ลองดู" or r[0] == "นาย=SUM(A1) ลองดู" for r in text[1:])


def test_people_search_and_members_only_are_applied(center, tmp_path) -> None:
    rows, _sheet, _text = export_both(
        center, tmp_path, Register.PEOPLE, ExportFilters(search="นางน้ำฝน ปั้นทอง")
    )
    assert [r[0] for r in rows[1:]] == ["นางน้ำฝน ปั้นทอง"]
    rows, _sheet, _text = export_both(
        center, tmp_path, Register.PEOPLE, ExportFilters(members_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["นางน้ำฝน ปั้นทอง"]


def test_members_have_be_dates(center, tmp_path) -> None:
    rows, _sheet, _text = export_both(center, tmp_path, Register.MEMBERS)
    assert rows[1:] == [
        ["นางน้ำฝน ปั้นทอง", "ชม-0042", "15 ม.ค. 2568", MembershipStatus.ACTIVE.label(), None]
    ]


def test_cases_with_status_kind_search_and_order(center, tmp_path) -> None:
    rows, _sheet, _text = export_both(center, tmp_path, Register.CASES)
    assert [r[0] for r in rows[1:]] == ["002/2569", "001/2569"]  # newest first, as listed
    dispute = rows[2]
    assert dispute[:2] == ["001/2569", "14 ม.ค. 2569"]
    assert dispute[4] == "ข้อพิพาทเรื่องทางเดินผ่านที่ดิน"
    assert "น้ำฝน" in dispute[5] and "สมศักดิ์" in dispute[5]
    open_only = ExportFilters(status=tuple(s for s in CaseStatus if s.is_open))
    rows, _sheet, _text = export_both(center, tmp_path, Register.CASES, open_only)
    assert [r[0] for r in rows[1:]] == ["001/2569"]
    advice = ExportFilters(kind=(CaseKind.LEGAL_ADVICE,), order="number", descending=False)
    rows, _sheet, _text = export_both(center, tmp_path, Register.CASES, advice)
    assert [r[0] for r in rows[1:]] == ["002/2569"]
    rows, _sheet, _text = export_both(
        center, tmp_path, Register.CASES, ExportFilters(search="๑/๒๕๖๙")
    )
    assert [r[0] for r in rows[1:]] == ["001/2569"]
    ascending = ExportFilters(order="number", descending=False)
    rows, _sheet, _text = export_both(center, tmp_path, Register.CASES, ascending)
    assert [r[0] for r in rows[1:]] == ["001/2569", "002/2569"]


def test_committee_mediators_meetings_and_activities(center, tmp_path) -> None:
    rows, sheet, _text = export_both(center, tmp_path, Register.COMMITTEE)
    assert rows[1:] == [
        [TERM, CommitteePosition.CHAIR.label(), "นางน้ำฝน ปั้นทอง", "1 ม.ค. 2568", _("end of term")],
        [
            TERM,
            CommitteePosition.SECRETARY.label(),
            "นายสมศักดิ์ ใจดี",
            "1 ม.ค. 2568",
            _("end of term"),
        ],
    ]
    assert TERM in sheet.title

    rows, _sheet, _text = export_both(center, tmp_path, Register.MEDIATORS)
    assert {r[1]: r[4] for r in rows[1:]} == {"ชม 12/2567": _("Valid"), "ชม 3/2562": _("Expired")}
    assert rows[1][2:4] == ["1 มิ.ย. 2567", "31 พ.ค. 2570"] or rows[2][2:4] == [
        "1 มิ.ย. 2567",
        "31 พ.ค. 2570",
    ]
    valid = ExportFilters(valid_on=dt.date(2026, 3, 1))
    rows, _sheet, _text = export_both(center, tmp_path, Register.MEDIATORS, valid)
    assert [r[1] for r in rows[1:]] == ["ชม 12/2567"]

    rows, _sheet, _text = export_both(center, tmp_path, Register.MEETINGS)
    assert [r[:2] for r in rows[1:]] == [["2/2569", "2 ก.พ. 2569"], ["1/2569", "5 ม.ค. 2569"]]
    rows, _sheet, _text = export_both(
        center, tmp_path, Register.MEETINGS, ExportFilters(search="วัด")
    )
    assert [r[4] for r in rows[1:]] == ["วัดป่าตึง"]

    rows, _sheet, _text = export_both(center, tmp_path, Register.ACTIVITIES)
    assert rows[2][:7] == ["10 ม.ค. 2569", "อบรมป้องกันยาเสพติด", "โรงเรียนบ้านป่าตึง", 27, 12, 15, 0]
    rows, _sheet, text = export_both(
        center, tmp_path, Register.ACTIVITIES, ExportFilters(search="ป่าตึง")
    )
    assert [r[1] for r in rows[1:]] == ["อบรมป้องกันยาเสพติด"] and text[1][3] == "27"


def test_an_export_replaces_a_file_whole_or_not_at_all(center, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "cases.xlsx"
    target.write_bytes(b"an older export")
    exports.export_register(center, Register.CASES, target)
    assert read_xlsx(target)[0][0][0] == "เลขที่"
    before = target.read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(exports.os, "replace", refuse)  # a file held open in Excel on Windows
    with pytest.raises(UserError, match="Excel"):
        exports.export_register(center, Register.CASES, target)
    assert target.read_bytes() == before  # untouched
    assert os.listdir(folder) == ["cases.xlsx"]  # no half-written file left


def test_bad_targets_are_refused_with_what_to_do(center, tmp_path) -> None:
    i18n.set_language("en")
    with pytest.raises(ValidationError, match=r"\.xlsx \(Excel\) or \.csv"):
        exports.export_register(center, Register.CASES, tmp_path / "cases.pdf")
    with pytest.raises(ValidationError, match="is a folder"):
        exports.export_register(center, Register.CASES, tmp_path, fmt=ExportFormat.CSV)
    assert ExportFormat.for_path(Path("A.XLSX")) is ExportFormat.XLSX


def test_exports_are_in_the_audit_trail(center, tmp_path) -> None:
    from sqlalchemy import select

    from justice_desk.storage.models import AuditEvent

    exports.export_register(center, Register.PEOPLE, tmp_path / "p.csv")
    with center.read() as session:
        (event,) = session.execute(
            select(AuditEvent.table_name, AuditEvent.detail).where(AuditEvent.action == "export")
        ).all()
    assert event.table_name == "people" and "p.csv" in event.detail and "csv" in event.detail


def test_display_width_ignores_thai_marks() -> None:
    assert exports.display_width("น้ำฝน") == 4  # น ำ ฝ น: the tone mark takes no width
    assert exports.display_width("ABC") == 3
    table = exports.Table("t", ["ชื่อ"], [["ก" * 200], [None]])
    assert exports.column_widths(table) == [float(exports.MAX_WIDTH)]


def test_the_command_line_exports_with_the_same_filters(center_db_path, cli, tmp_path) -> None:
    from justice_desk.storage.database import open_database

    db = open_database(center_db_path)
    try:
        build_center(db)
    finally:
        db.dispose()
    out = tmp_path / "open-cases.xlsx"
    r = cli(
        "export", "cases", "--db", str(center_db_path), "-o", str(out), "--status", "open",
        "--search", "ปั้นทอง",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Rows exported: 1. File: " in r.stdout
    rows, _sheet = read_xlsx(out)
    assert [row[0] for row in rows] == ["Number", "001/2569"]
    assert rows[1][1] == "14 Jan 2569"  # BE, in the language of the command line
    r = cli(
        "export", "mediators", "--db", str(center_db_path), "-o", str(tmp_path / "m.data"),
        "--format", "csv", "--valid-today",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert [row[1] for row in read_csv(tmp_path / "m.data")] == ["Registration no.", "ชม 12/2567"]
    r = cli("export", "cases", "--db", str(center_db_path), "-o", str(tmp_path / "c.txt"))
    assert r.returncode == 2 and ".xlsx" in r.stderr and r.stderr.count("\n") == 1
    r = cli(
        "export", "cases", "--db", str(center_db_path), "-o", str(tmp_path / "c.csv"),
        "--status", "pending",
    )  # fmt: skip
    assert r.returncode == 2 and "received" in r.stderr
    r = cli(
        "export", "committee", "--db", str(center_db_path), "-o", str(tmp_path / "c.csv"),
        "--term", TERM,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert len(read_csv(tmp_path / "c.csv")) == 3
