"""``justice-desk person export|erase`` and ``justice-desk privacy notice|due|dispose`` as a
person at a terminal runs them, on a real center database; PDFs read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from justice_desk.domain import privacy as rules
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.storage.database import open_database

NID = "3500101234561"


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def _world(path: Path) -> tuple[str, str, str]:
    db = open_database(path)
    try:
        party = people.create_person(
            db, PersonInput(given_name="บุญเรือน", surname="ทองดี", national_id=NID)
        ).record
        member = people.create_person(db, PersonInput(given_name="คำปัน", surname="ใจงาม")).record
        old = cases.take_in(
            db,
            cases.CaseInput(
                kind=CaseKind.COMPLAINT,
                subject="ร้องเรียนเรื่องเสียงดังจากร้านคาราโอเกะ",
                received_on=dt.date(2010, 5, 3),
                parties=(cases.PartyInput(party.id, PartySide.APPLICANT),),
            ),
        ).record
        cases.act(db, old.id, CaseAction.TAKE_UP, on=dt.date(2010, 5, 3))
        cases.act(db, old.id, CaseAction.COMPLETE, on=dt.date(2010, 6, 1))
        cases.take_in(
            db,
            cases.CaseInput(
                kind=CaseKind.LEGAL_ADVICE,
                subject="ขอคำแนะนำเรื่องมรดก",
                received_on=dt.date.today(),
                parties=(cases.PartyInput(party.id, PartySide.APPLICANT),),
            ),
        )
        return str(party.id), str(member.id), str(old.id)
    finally:
        db.dispose()


def test_person_export_prints_the_file_in_thai(center_db_path: Path, cli, tmp_path) -> None:
    party, _member, _old = _world(center_db_path)
    out = tmp_path / "บุญเรือน.pdf"
    r = cli("person", "export", "--db", str(center_db_path), "--person", NID, "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = _text(out)
    assert "ข้อมูลส่วนบุคคลที่ศูนย์เก็บรักษาเกี่ยวกับท่าน" in text
    assert "ของ บุญเรือน ทองดี" in text and "3-5001-01234-56-1" in text
    assert "ร้องเรียนเรื่องเสียงดังจากร้านคาราโอเกะ" in text and "3 พฤษภาคม 2553" in text
    assert "ประกาศความเป็นส่วนตัว (การคุ้มครองข้อมูลส่วนบุคคล)" in text
    r = cli("person", "export", "--db", str(center_db_path), "--person", party, "-o", str(out))
    assert r.returncode == 0, r.stderr
    r = cli("person", "export", "--db", str(center_db_path), "--person", "12", "-o", str(out))
    assert r.returncode == 2 and "13-digit national ID" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_person_erase_refuses_with_the_rule_then_erases_a_member(center_db_path: Path, cli) -> None:
    party, member, _old = _world(center_db_path)
    db = str(center_db_path)
    r = cli("person", "erase", "--db", db, "--person", party)
    assert r.returncode == 2
    assert r.stderr.startswith("justice-desk: [erasure_refused] The data of บุญเรือน ทองดี")
    assert "kept while it is open, then for 10 years" in r.stderr  # the advice case is open
    r = cli("person", "erase", "--db", db, "--person", member)
    assert r.returncode == 0, r.stderr
    assert "next bundle" in r.stdout
    check = open_database(center_db_path)
    try:
        assert people.get_person(check, __import__("uuid").UUID(member)).given_name == (
            rules.ANONYMISED_NAME
        )
    finally:
        check.dispose()


def test_privacy_due_and_dispose_what_the_committee_approved(
    center_db_path: Path, cli, tmp_path: Path
) -> None:
    _party, _member, old = _world(center_db_path)
    db = str(center_db_path)
    r = cli("privacy", "due", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    due = json.loads(r.stdout)
    assert [(d["kind"], d["id"], d["rule"]) for d in due] == [("case", old, "case")]
    assert due[0]["due_since"] == "2020-06-01"
    r = cli("privacy", "due", "--db", db)
    assert r.returncode == 0 and "ร้องเรียนเรื่องเสียงดัง" in r.stdout
    approved = tmp_path / "approved.json"
    approved.write_text(json.dumps(due), encoding="utf-8")
    r = cli("privacy", "dispose", "--db", db, "--approved", str(approved))
    assert r.returncode == 0, r.stderr
    assert "1 cases" in r.stdout
    r = cli("privacy", "due", "--db", db)
    assert r.returncode == 0 and "Nothing is past its retention period." in r.stdout
    r = cli("privacy", "dispose", "--db", db, "--ids", old)
    assert r.returncode == 2 and "not due for disposal today" in r.stdout
    r = cli("privacy", "dispose", "--db", db, "--approved", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "Cannot read" in r.stderr


def test_privacy_notice_prints_in_thai_and_english(center_db_path: Path, cli, tmp_path) -> None:
    for language, expected in (("th", "ฉบับที่ 2569.1"), ("en", "Version 2569.1")):
        out = tmp_path / f"notice-{language}.pdf"
        r = cli("privacy", "notice", "--db", str(center_db_path), "-o", str(out),
                "--language", language)  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert expected in _text(out)
