"""Text that came from elsewhere (a center's bundle, the office's answer in a receipt) cannot
drive the terminal: every command prints control characters as visible escapes (cli/output.py
``terminal_safe``), and JSON output keeps the exact value."""

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
from justice_desk.services import cases, people  # noqa: E402

TODAY = dt.date.today()
EVIL = "มานี\x1b]0;pwned\x07\x1b[2J\x9b31m"
RAW = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w", code="500107")
    people.create_person(w.center, people.PersonInput(given_name=EVIL, no_id_reason="x"))
    saved = cases.take_in(
        w.center,
        cases.CaseInput(kind=CaseKind.COMPLAINT, subject="เรื่องทดสอบ", received_on=TODAY),
    )
    cases.act(w.center, saved.record.id, CaseAction.ESCALATE, on=TODAY)
    result = w.export()
    for outcome in w.import_(*(result.parts or (result.path,))):
        assert outcome.status == "applied"
    w.close()
    return w


def _clean(r) -> None:  # noqa: ANN001
    assert not any(c in r.stdout or c in r.stderr for c in RAW), (r.stdout, r.stderr)


def test_control_characters_never_reach_the_terminal(world: h.World, cli, tmp_path: Path) -> None:
    province, center = str(world.province_path), str(world.center_path)
    r = cli("list", "people", "--db", province)
    assert r.returncode == 0, r.stderr
    _clean(r)
    assert "\\u001b]0;pwned\\u0007" in r.stdout
    r = cli("list", "people", "--db", province, "--json")
    _clean(r)
    assert [p["name"] for p in json.loads(r.stdout)] == [EVIL]  # JSON keeps the exact value

    (entry,) = json.loads(cli("escalations", "list", "--db", province, "--json").stdout)
    r = cli(
        "escalations", "answer", "--db", province, "--center", "500107", "--case", entry["case"],
        "--decision", "accepted", "--note", "รับเรื่อง\x1b[2J\x1b]0;x\x07", "--officer", "พร\x9b",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    _clean(r)
    for args in (("escalations", "list"), ("sync", "status"), ("sync", "conflicts", "--all")):
        r = cli(*args, "--db", province)
        assert r.returncode == 0, (args, r.stderr)
        _clean(r)
    receipts = tmp_path / "receipts"
    assert cli("sync", "receipts", "--db", province, "-o", str(receipts)).returncode == 0
    (receipt,) = receipts.glob("*.jdreceipt")
    r = cli("sync", "receipt", "--db", center, str(receipt))
    assert r.returncode == 0, r.stderr
    for args in (("escalations", "list"), ("sync", "status")):
        r = cli(*args, "--db", center)
        assert r.returncode == 0, (args, r.stderr)
        _clean(r)
    r = cli("escalations", "list", "--db", center)
    assert "\\u001b[2J" in r.stdout
    # A refusal naming what was typed is escaped too.
    r = cli("list", "people", "--db", str(tmp_path / "no\x1b[2Jsuch.sqlite3"))
    assert r.returncode == 2
    _clean(r)
