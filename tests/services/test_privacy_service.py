"""The data subject's rights (PDPA; services/privacy.py, docs/privacy.md) on a real center
database: the notice and basis recorded per person, corrections with old and new values on the
audit trail, erasure allowed or refused with the rule, the yearly disposal, and the person's
file read back from the PDF."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from justice_desk.domain import privacy as rules
from justice_desk.domain import retention
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseKind, MembershipStatus, PartySide, Sex
from justice_desk.domain.privacy import LegalBasis
from justice_desk.services import cases, people, privacy
from justice_desk.services.people import PersonInput

TODAY = dt.date.today()
NID = "3500101234561"  # a valid check digit


def _person(db, given: str = "บุญมี", **extra) -> people.PersonRecord:
    data = PersonInput(
        given_name=given,
        surname="ศรีสุข",
        title="นาย",
        national_id=extra.pop("national_id", None),
        birth_year=1967,
        sex=Sex.MALE,
        house_no="12/3",
        moo="4",
        village="บ้านป่าตึง",
        tambon="แม่เหียะ",
        amphoe="เมืองเชียงใหม่",
        province="เชียงใหม่",
        phone="0812345678",
        **extra,
    )
    return people.create_person(db, data).record


def _party_case(db, person_id, *, received: dt.date = TODAY, close: bool = False):
    case = cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.COMPLAINT,
            subject="ร้องเรียนเรื่องน้ำเสียจากฟาร์มหมู",
            received_on=received,
            facts="น้ำเสียไหลลงลำเหมืองสาธารณะ",
            parties=(cases.PartyInput(person_id, PartySide.APPLICANT),),
        ),
    ).record
    if close:
        cases.act(db, case.id, CaseAction.TAKE_UP, on=received)
        cases.act(db, case.id, CaseAction.COMPLETE, on=received)
    return case


def _audit(db, action: str) -> list[tuple[str, str | None]]:
    path = db.target.path
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT row_id, detail FROM audit_events WHERE action = ? ORDER BY event_no", (action,)
        ).fetchall()


def test_a_new_person_gets_the_notice_version_day_and_consent(center_db) -> None:
    p = _person(center_db)
    state = privacy.privacy_of(center_db, p.id)
    assert (state.notice_version, state.notice_on) == (rules.NOTICE_VERSION, TODAY)
    assert state.basis is LegalBasis.CONSENT and state.basis_recorded
    assert "PDPA s.19" in state.basis_text()
    # a case makes the basis the center's task and legal duty, whatever was recorded
    _party_case(center_db, p.id)
    state = privacy.privacy_of(center_db, p.id)
    assert state.basis is LegalBasis.CASE and "s.24(4)" in state.basis_text()
    assert privacy.record_notice_given(center_db, p.id).basis is LegalBasis.CASE


def test_the_shipped_notice_is_thai_and_english_and_prints(center_db, tmp_path: Path) -> None:
    th, en = privacy.notice("th"), privacy.notice("en")
    assert th.version == en.version == rules.NOTICE_VERSION
    assert th.issued_on == rules.NOTICE_DATE
    assert "มาตรา 24 (4) และ (6)" in " ".join(" ".join(p) for _h, p in th.sections)
    assert "section 24(4) and (6)" in " ".join(" ".join(p) for _h, p in en.sections)
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(privacy.notice_pdf(center_db, "th"))
    text = _pdftext(pdf)
    assert "ประกาศความเป็นส่วนตัว" in text
    assert f"ฉบับที่ {rules.NOTICE_VERSION} ลงวันที่ 6 ธันวาคม 2569" in text
    assert "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ (ต่อไปเรียกว่า “ศูนย์”)" in text


def test_a_correction_keeps_old_and_new_values_on_the_audit_trail(center_db) -> None:
    p = _person(center_db)
    changed = PersonInput(**{**_input(p), "phone": "0899999999", "village": "บ้านใหม่"})
    people.update_person(center_db, p.id, changed, expected_rev=p.rev)
    ((row_id, detail),) = _audit(center_db, "correct")
    assert row_id == p.id.hex
    assert json.loads(detail) == {
        "phone": ["0812345678", "0899999999"],
        "village": ["บ้านป่าตึง", "บ้านใหม่"],
    }
    # saving again without a change records nothing more
    again = people.get_person(center_db, p.id)
    people.update_person(center_db, p.id, PersonInput(**_input(again)), expected_rev=again.rev)
    assert len(_audit(center_db, "correct")) == 1


def _input(record: people.PersonRecord) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(record, f.name) for f in fields(PersonInput)}


def test_a_member_who_left_is_erased_and_keeps_only_statistics(center_db) -> None:
    p = _person(center_db, national_id=NID, notes="ชอบช่วยงานวัด", line_id="boonmee")
    membership = people.add_membership(center_db, p.id, member_no="ชม-7", joined_on=TODAY)
    people.add_training(center_db, p.id, course="หลักสูตรเครือข่าย", certificate_no="C-99")
    assert privacy.privacy_of(center_db, p.id).may_erase

    erased = privacy.erase_person(center_db, p.id)
    assert erased.anonymised_on == TODAY
    after = people.get_person(center_db, p.id)
    assert after.given_name == rules.ANONYMISED_NAME
    assert (after.surname, after.title, after.national_id, after.phone, after.line_id) == (
        None,
    ) * 5
    assert (after.house_no, after.moo, after.village, after.tambon, after.notes) == (None,) * 5
    assert (after.sex, after.birth_year, after.amphoe, after.province) == (
        Sex.MALE,
        1960,
        "เมืองเชียงใหม่",
        "เชียงใหม่",
    )
    (m,) = people.memberships_of(center_db, p.id)
    assert m.id == membership.id and m.status is MembershipStatus.LEFT and m.member_no is None
    assert [t.certificate_no for t in people.trainings_of(center_db, p.id)] == [None]
    assert _audit(center_db, "erase") == [(p.id.hex, None)]
    # nothing of the old values is found by search any more
    assert people.list_people(center_db, search="บุญมี").total == 0
    assert people.list_people(center_db, search=NID).total == 0
    with pytest.raises(privacy.UserError, match="was erased"):
        privacy.erase_person(center_db, p.id)
    with pytest.raises(privacy.UserError, match="was erased"):
        people.update_person(center_db, p.id, PersonInput(given_name="กลับมา"))


def test_a_party_to_a_case_is_refused_naming_the_rule(center_db) -> None:
    p = _person(center_db)
    open_case = _party_case(center_db, p.id)
    with pytest.raises(privacy.ErasureRefused) as refused:
        privacy.erase_person(center_db, p.id)
    message = str(refused.value)
    assert refused.value.reason == "erasure_refused"
    number = open_case.number
    assert f"A party to case {number}: kept while it is open, then for 10 years" in message
    assert "Civil and Commercial Code s.193/30" in message
    assert people.get_person(center_db, p.id).given_name == "บุญมี"  # nothing changed

    # once the case has ended the rule names the day the retention ends
    cases.act(center_db, open_case.id, CaseAction.TAKE_UP, on=TODAY)
    cases.act(center_db, open_case.id, CaseAction.COMPLETE, on=TODAY)
    (hold,) = privacy.privacy_of(center_db, p.id).holds
    assert hold.until == retention.CASE.until(TODAY)
    # ten years on the person may go (the yearly disposal finds them first)
    later = retention.CASE.until(TODAY) + dt.timedelta(days=1)
    assert privacy.privacy_of(center_db, p.id, today=later).may_erase


def test_thai_refusal_cites_the_law_in_thai(center_db) -> None:
    from justice_desk import i18n

    p = _person(center_db)
    _party_case(center_db, p.id)
    i18n.set_language("th")
    with pytest.raises(privacy.ErasureRefused) as refused:
        privacy.erase_person(center_db, p.id)
    assert "ประมวลกฎหมายแพ่งและพาณิชย์ มาตรา 193/30" in str(refused.value)


def test_the_yearly_disposal_lists_and_anonymises_what_is_approved(center_db) -> None:
    long_ago = TODAY - dt.timedelta(days=365 * 12)
    old = _person(center_db, given="สมหมาย")
    old_case = _party_case(center_db, old.id, received=long_ago, close=True)
    current = _person(center_db, given="สมใจ")
    _party_case(center_db, current.id)
    # the records were written today: look from fifteen years on, when the consent period of
    # the people's own records has passed too
    future = TODAY + dt.timedelta(days=365 * 15)
    due = privacy.due_for_disposal(center_db, today=TODAY)
    assert [(i.kind, i.id) for i in due] == [("case", old_case.id)]
    assert "Civil and Commercial Code" in due[0].rule_text
    due = privacy.due_for_disposal(center_db, today=future)
    assert {(i.kind, i.id) for i in due} >= {("case", old_case.id), ("person", old.id)}
    assert current.id not in {i.id for i in due}  # their case is open: never due

    done = privacy.dispose(center_db, [old_case.id, old.id, current.id], today=future)
    assert done.redacted == (old_case.id,) and done.anonymised == (old.id,)
    assert [i for i, _why in done.refused] == [current.id]
    detail = cases.get_case(center_db, old_case.id)
    assert detail.facts is None and "ลบรายละเอียดแล้ว" in detail.subject
    assert (detail.kind, detail.received_on) == (CaseKind.COMPLAINT, long_ago)
    assert people.get_person(center_db, old.id).given_name == rules.ANONYMISED_NAME
    assert people.get_person(center_db, current.id).given_name == "สมใจ"
    assert {i.id for i in privacy.due_for_disposal(center_db, today=future)} == set()


def test_the_approved_list_is_read_from_the_due_json_or_lines(tmp_path: Path) -> None:
    ids = ["0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]
    as_json = tmp_path / "due.json"
    as_json.write_text(json.dumps([{"id": ids[0], "kind": "case"}, {"id": ids[1]}]))
    as_lines = tmp_path / "due.txt"
    as_lines.write_text(f"{ids[0]}\n\n{ids[1]}\n")
    assert [str(i) for i in privacy.read_approved(as_json)] == ids
    assert [str(i) for i in privacy.read_approved(as_lines)] == ids
    bad = tmp_path / "bad.txt"
    bad.write_text("005/2569\n")
    with pytest.raises(privacy.UserError, match="not a record id"):
        privacy.read_approved(bad)


def _pdftext(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def test_the_persons_file_prints_everything_held_in_thai(center_db, tmp_path: Path) -> None:
    p = _person(center_db, national_id=NID, occupation="ทำสวนลำไย")
    people.add_membership(center_db, p.id, member_no="ชม-7", joined_on=dt.date(2024, 1, 15))
    case = _party_case(center_db, p.id, received=dt.date(2026, 3, 2))
    people.update_person(
        center_db, p.id, PersonInput(**{**_input(p), "phone": "0899999999"}), expected_rev=p.rev
    )
    path = privacy.export_person(center_db, p.id, tmp_path / "file.pdf")
    text = _pdftext(path)
    for expected in (
        "ข้อมูลส่วนบุคคลที่ศูนย์เก็บรักษาเกี่ยวกับท่าน",
        "ของ นายบุญมี ศรีสุข",
        "3-5001-01234-56-1",  # the person's own ID in full
        "บ้านเลขที่ 12/3 หมู่ที่ 4 บ้านป่าตึง",
        "ทำสวนลำไย",
        f"ประกาศความเป็นส่วนตัวฉบับที่ {rules.NOTICE_VERSION}",
        "สมาชิกเครือข่ายยุติธรรมชุมชน",
        "15 มกราคม 2567",  # Buddhist Era
        f"เรื่องเลขที่ {case.number}",
        "ร้องเรียนเรื่องน้ำเสียจากฟาร์มหมู",
        "2 มีนาคม 2569",
        "phone: 0812345678 → 0899999999",
        "บันทึกการไกล่เกลี่ย",
    ):
        assert expected in text, expected
    assert _audit(center_db, "export") == [(p.id.hex, "person_file")]
    from pypdf import PdfReader

    fonts = {
        str(f["/BaseFont"])
        for page in PdfReader(path).pages
        for f in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("Sarabun" in f for f in fonts), fonts


def test_the_persons_file_cannot_be_written_to_a_missing_folder(center_db, tmp_path) -> None:
    p = _person(center_db)
    with pytest.raises(privacy.UserError, match="Cannot write"):
        privacy.export_person(center_db, p.id, tmp_path / "no" / "such" / "file.pdf")
    assert not list(tmp_path.glob("**/*.part"))
