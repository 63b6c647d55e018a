"""``justice-desk escalations list|answer`` on a real center and province enrolled with each
other: the queue, the answer, the receipt that carries it, and the center's list."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
import sync_helpers as h  # noqa: E402 - tests/sync is not a package

from justice_desk.domain.case_flow import CaseAction  # noqa: E402
from justice_desk.domain.enums import CaseKind  # noqa: E402
from justice_desk.services import cases  # noqa: E402

TODAY = dt.date.today()


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w", code="500107")
    for subject, days in (("ขอความช่วยเหลือเรื่องที่ดินทำกิน", 20), ("ร้องเรียนเรื่องน้ำเสีย", 4)):
        saved = cases.take_in(
            w.center,
            cases.CaseInput(
                kind=CaseKind.COMPLAINT,
                subject=subject,
                received_on=TODAY - dt.timedelta(days=days + 3),
            ),
        )
        cases.act(
            w.center, saved.record.id, CaseAction.ESCALATE, on=TODAY - dt.timedelta(days=days)
        )
    result = w.export()
    for outcome in w.import_(*(result.parts or (result.path,))):
        assert outcome.status == "applied"
    w.close()
    return w


def test_the_queue_an_answer_and_the_center_sees_it(world: h.World, cli, tmp_path: Path) -> None:
    province, center = str(world.province_path), str(world.center_path)
    r = cli("escalations", "list", "--db", province, "--json")
    assert r.returncode == 0, r.stderr
    queue = json.loads(r.stdout)
    assert [(e["center"], e["waiting"]) for e in queue] == [("500107", True), ("500107", True)]
    assert queue[0]["days_waiting"] == 20 and queue[0]["answer"] is None
    assert queue[0]["subject"] == "ขอความช่วยเหลือเรื่องที่ดินทำกิน"
    number = queue[0]["case"]

    r = cli(
        "escalations", "answer", "--db", province, "--center", "500107", "--case", number,
        "--decision", "referred", "--agency", "สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน",
        "--note", "ส่งต่อเพื่อช่วยเหลือทางกฎหมาย", "--officer", "นางสาวพรทิพย์ ใจดี",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"Answered case {number} of 500107: Referred to another agency." in r.stdout
    waiting = json.loads(cli("escalations", "list", "--db", province, "--waiting", "--json").stdout)
    assert [e["case"] for e in waiting] == [queue[1]["case"]]
    text = cli("escalations", "list", "--db", province)
    assert text.returncode == 0 and "Referred to another agency" in text.stdout
    assert "Waiting" in text.stdout

    receipts = tmp_path / "receipts"
    r = cli("sync", "receipts", "--db", province, "-o", str(receipts))
    assert r.returncode == 0, r.stderr
    (receipt,) = receipts.glob("*.jdreceipt")
    r = cli("sync", "receipt", "--db", center, str(receipt))
    assert r.returncode == 0, r.stderr
    r = cli("escalations", "list", "--db", center, "--json")
    assert r.returncode == 0, r.stderr
    at_center = {e["case"]: e for e in json.loads(r.stdout)}
    answer = at_center[number]["answer"]
    assert answer["decision"] == "referred" and answer["receipt"] == 1
    assert answer["note"] == "ส่งต่อเพื่อช่วยเหลือทางกฎหมาย"
    assert answer["agency"] == "สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน"
    assert answer["officer"] == "นางสาวพรทิพย์ ใจดี"
    assert at_center[queue[1]["case"]]["answer"] is None
    thai = cli("escalations", "list", "--db", center, env={"JUSTICE_DESK_LANG": "th"})
    assert thai.returncode == 0 and "ส่งต่อหน่วยงานอื่นแล้ว" in thai.stdout


def test_bad_answers_say_what_to_do(world: h.World, cli) -> None:
    province, center = str(world.province_path), str(world.center_path)
    number = json.loads(cli("escalations", "list", "--db", province, "--json").stdout)[0]["case"]
    base = ("escalations", "answer", "--db", province, "--center", "500107", "--case", number)
    r = cli(*base, "--decision", "referred", "--note", "ส่งต่อ")
    assert r.returncode == 2 and "Name the agency" in r.stderr
    r = cli(*base, "--decision", "maybe", "--note", "x")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = cli(*base, "--decision", "closed", "--note", " ")
    assert r.returncode == 2 and "Write a note for the center" in r.stderr
    r = cli(*base[:5], "CJC-9999", "--case", number, "--decision", "closed", "--note", "x")
    assert r.returncode == 2 and "CJC-9999" in r.stderr
    r = cli(*base[:7], "999/2569", "--decision", "closed", "--note", "x")
    assert r.returncode == 2 and "999/2569" in r.stderr
    r = cli(
        "escalations", "answer", "--db", center, "--center", "500107", "--case", number,
        "--decision", "closed", "--note", "x",
    )  # fmt: skip
    assert r.returncode == 2 and "Only the Provincial Justice Office answers" in r.stderr
    assert "Traceback" not in r.stderr
