"""``justice-desk print``: end to end in a subprocess, and ``run(args)`` in process.

Until ``cli/main.py`` wires the command in (``print_command.add_parser(sub)`` and
``"print": print_command.run``), the subprocess runs ``main()`` with exactly that wiring added,
so these tests check the same behaviour before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_doc_support import (
    assert_contains,
    english_messages,
    make_dispute,
    make_meeting,
    make_parties,
    make_settled,
    thai_digit_count,
    thai_language,
)

from justice_desk.cli import print_command
from justice_desk.errors import UserError
from justice_desk.services import cases, meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.storage.database import open_database

_SHIM = """
import argparse, sys
from justice_desk.cli import main as m, print_command as pc
if "print" not in m.COMMANDS:
    build = m.build_parser
    def build_parser():
        parser = build()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        pc.add_parser(sub)
        return parser
    m.build_parser = build_parser
    m.COMMANDS["print"] = pc.run
sys.exit(m.main(sys.argv[1:]))
"""


def _wired() -> bool:
    from justice_desk.cli import main

    return "print" in main.COMMANDS


def run_print(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    if _wired():
        cmd = [sys.executable, "-m", "justice_desk", "print", *args]
    else:
        cmd = [sys.executable, "-c", _SHIM, "print", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def records(center_db_path: Path) -> dict[str, str]:
    """A held meeting, a settled case, a case that is only received and a settled case whose
    respondent has no address; the database is closed before the command runs."""
    thai_language()
    db = open_database(center_db_path)
    try:
        meeting = make_meeting(db, items=3, paragraphs=1)
        planned = meetings.create_meeting(  # attendance not taken yet
            db,
            meetings.MeetingInput(
                dt.date(2026, 2, 11), starts_at=dt.time(9, 30), place="ศาลาเอนกประสงค์"
            ),
        )
        settled = make_settled(db)
        a, b, med = make_parties(db)
        received = make_dispute(db, a, b)
        nowhere = people.create_person(
            db, PersonInput(title="นาย", given_name="ไร้", surname="ที่อยู่", no_id_reason="-")
        ).record
        lacking = make_dispute(db, a, nowhere)
        from justice_desk.domain.case_flow import CaseAction as A

        cases.act(db, lacking.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
        cases.act(db, lacking.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
        cases.assign_mediator(
            db, lacking.id, med.id, no_conflict_confirmed=True, on=dt.date(2026, 1, 7)
        )
        cases.record_settlement(
            db, lacking.id, cases.SettlementInput(dt.date(2026, 1, 17), "ชำระคืน", True)
        )
    finally:
        db.dispose()
    return {
        "db": str(center_db_path),
        "meeting": meeting.number,
        "meeting_id": str(meeting.id),
        "planned": planned.number,
        "settled": settled.number,
        "received": received.number,
        "lacking": lacking.number,
    }


def test_print_minutes_and_an_agreement_end_to_end(records, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "minutes.pdf"
    result = run_print(
        "minutes", "--db", records["db"], "--meeting", records["meeting"], "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert_contains(pdf, ["รายงานการประชุม", "ครั้งที่ ๑/๒๕๖๙", "ผู้ตรวจรายงานการประชุม"])
    assert thai_digit_count(pdf)[1] == 0

    agreement = tmp_path / "agreement.pdf"
    result = run_print(
        "agreement",
        "--db",
        records["db"],
        "--case",
        records["settled"],
        "-o",
        str(agreement),
        "--thai-digits",
    )
    assert result.returncode == 0, result.stderr
    assert_contains(agreement.read_bytes(), ["บันทึกข้อตกลงระงับข้อพิพาท", "(สองหมื่นบาทห้าสิบสตางค์)"])
    assert [
        p.name for p in tmp_path.iterdir() if p.name.startswith(".")
    ] == []  # no temp files left


def test_print_by_uuid_with_arabic_digits_and_the_monthly_report(records, tmp_path: Path) -> None:
    out = tmp_path / "attendance.pdf"
    result = run_print(
        "attendance",
        "--db",
        records["db"],
        "--meeting",
        records["meeting_id"],
        "-o",
        str(out),
        "--arabic-digits",
    )
    assert result.returncode == 0, result.stderr
    thai, arabic = thai_digit_count(out.read_bytes())
    assert thai == 0 and arabic > 0
    # The attendance sheet of a meeting whose attendance is not taken: blank, for signing.
    sheet = tmp_path / "sheet.pdf"
    result = run_print(
        "attendance", "--db", records["db"], "--meeting", records["planned"], "-o", str(sheet)
    )
    assert result.returncode == 0, result.stderr
    assert_contains(sheet.read_bytes(), ["บัญชีลงชื่อผู้มาประชุม", "ครั้งที่ ๒/๒๕๖๙", "ลายมือชื่อ", "ปิ่นมณี"])
    report = tmp_path / "monthly.pdf"
    result = run_print("monthly", "--db", records["db"], "--month", "2569-01", "-o", str(report))
    assert result.returncode == 0, result.stderr
    assert_contains(report.read_bytes(), ["รายงานผลการดำเนินงานประจำเดือนมกราคม 2569"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["agreement", "--case", "{lacking}"], ["the address of นายไร้ ที่อยู่", "§30"]),
        (["agreement", "--case", "{received}"], ["no settlement agreement"]),
        (["unsettled", "--case", "{settled}"], ["not ended without agreement"]),
        (
            ["minutes", "--meeting", "{planned}"],
            ["minutes of meeting 2/2569 cannot be printed", "attendance has not been taken"],
        ),
    ],
)
def test_records_lacking_what_the_document_needs_exit_2_with_one_line(
    records, tmp_path: Path, args: list[str], words: list[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.pdf"
    out.write_bytes(b"an earlier file")
    result = run_print(*[a.format(**records) for a in args], "--db", records["db"], "-o", str(out))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    assert out.read_bytes() == b"an earlier file"  # untouched
    assert sorted(p.name for p in folder.iterdir()) == ["out.pdf"]


def test_bad_arguments_exit_2() -> None:
    result = run_print("minutes", "-o", "x.pdf")  # neither --meeting nor --case nor --month
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="justice-desk")
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command")
    print_command.add_parser(sub)
    return parser.parse_args(list(argv))


def test_run_in_process(records, tmp_path: Path) -> None:
    english_messages()
    out = tmp_path / "intake.pdf"
    args = _parse(
        "print", "intake", "--db", records["db"], "--case", records["settled"], "-o", str(out)
    )
    assert args.thai_digits is None
    assert print_command.run(args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    # --db given before the command is kept (the sub-command does not reset it).
    args = _parse(
        "--db", records["db"], "print", "intake", "--case", records["settled"], "-o", str(out)
    )
    assert args.db == records["db"]
    with pytest.raises(UserError, match="folder"):
        print_command.run(
            _parse(
                "print",
                "intake",
                "--db",
                records["db"],
                "--case",
                records["settled"],
                "-o",
                str(tmp_path / "missing" / "x.pdf"),
            )
        )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["minutes", "--meeting", "9/2569"], "no meeting number 9/2569"),
        (["minutes", "--case", "{settled}"], "needs --meeting"),
        (["referral", "--month", "2026-01"], "needs --case"),
        (["monthly", "--month", "2026-13"], "YYYY-MM"),
    ],
)
def test_wrong_record_or_option_is_a_user_error(
    records, tmp_path: Path, args: list[str], words: str
) -> None:
    english_messages()
    out = tmp_path / "never.pdf"
    argv = ["print", *[a.format(**records) for a in args], "--db", records["db"], "-o", str(out)]
    with pytest.raises(UserError, match=words) as err:
        print_command.run(_parse(*argv))
    assert err.value.exit_code == 2 and "\n" not in str(err.value)
    assert not out.exists()


def test_month_parsing() -> None:
    assert print_command.parse_month("2026-01") == (2026, 1)
    assert print_command.parse_month("2569-1") == (2026, 1)
    for bad in ("2026/01", "2026-00", "Jan 2026", ""):
        with pytest.raises(UserError):
            print_command.parse_month(bad)
