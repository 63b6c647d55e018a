"""``justice-desk sync conflicts list|decide`` on a real province and a restored center
(docs/sync.md §13): the list in plain words, a decision through the same service as the GUI,
refusals as one line with exit 2, the receipt that carries the decision, and the center's
``sync status``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sync_helpers as h
from test_conflict_decisions import restored_world


@pytest.fixture
def world(tmp_path: Path):
    r = restored_world(tmp_path / "w")
    r.world.close()
    return r.world


def test_list_decide_and_the_center_is_told(world: h.World, cli, tmp_path: Path) -> None:
    province, center = str(world.province_path), str(world.center_path)
    r = cli("sync", "conflicts", "--db", province)  # "list" is the default
    assert r.returncode == 0, r.stderr
    assert "CJC-0001" in r.stdout and "keep-center, keep-province, dismiss" in r.stdout
    r = cli("sync", "conflicts", "list", "--db", province, "--json")
    assert r.returncode == 0, r.stderr
    entries = {e["reason"]: e for e in json.loads(r.stdout)}
    taken = entries["number_taken"]
    assert taken["choices"] == ["resend", "dismiss"] and taken["decision"] is None
    assert taken["happened"] and taken["action"] and taken["center"] == "CJC-0001"

    # Refusals: one line, exit 2, nothing written.
    for bad, words in (
        (("--entry", taken["key"], "--decision", "keep-center"), "Choose one of"),
        (("--entry", taken["key"], "--decision", "dismiss"), "Write a note"),
        (("--entry", "99999", "--decision", "dismiss", "--note", "x"), "no entry 99999"),
        (("--entry", taken["key"]), "--decision"),
    ):
        r = cli("sync", "conflicts", "decide", "--db", province, *bad)
        assert r.returncode == 2, (bad, r.stdout, r.stderr)
        assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert h.query(world.province_path, "SELECT count(*) FROM conflict_decisions")[0][0] == 0

    r = cli(
        "sync", "conflicts", "decide", "--db", province, "--entry", taken["key"],
        "--decision", "resend", "--note", "ให้เลขใหม่แล้วส่งอีกครั้ง", "--officer", "นางสาวพร",
        "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    decided = json.loads(r.stdout)
    assert decided["decision"]["decision"] == "resend" and decided["resolved"]
    assert decided["decision"]["officer"] == "นางสาวพร"
    r = cli("sync", "conflicts", "--db", province, "--json")
    assert taken["key"] not in {e["key"] for e in json.loads(r.stdout)}
    r = cli("sync", "conflicts", "--db", province, "--all")
    assert "Ask the center to send it again: ให้เลข" in r.stdout

    # The receipt carries it; the center's status tells it.
    out = tmp_path / "receipts"
    r = cli("sync", "receipts", "--db", province, "-o", str(out))
    assert r.returncode == 0, r.stderr
    (receipt,) = out.glob("*.jdreceipt")
    r = cli("sync", "receipt", "--db", center, str(receipt))
    assert r.returncode == 0, r.stderr
    r = cli("sync", "status", "--db", center)
    assert r.returncode == 0, r.stderr
    assert "decided on 1 entries" in r.stdout
    assert "Ask the center to send it again" in r.stdout
    assert "ให้เลขใหม่แล้วส่งอีกครั้ง" in r.stdout and "Send the refused records again" in r.stdout
    # At a center there is no list to decide on.
    r = cli("sync", "conflicts", "--db", center)
    assert r.returncode == 2 and "Provincial Justice Office" in r.stderr


def test_a_decision_without_decide_is_refused_not_ignored(world: h.World, cli) -> None:
    """``sync conflicts --entry 1 --decision resend`` used to reprint the list, exit 0 and store
    nothing: every option given to the wrong form is refused with the right form (exit 2)."""
    province = str(world.province_path)
    r = cli("sync", "conflicts", "list", "--db", province, "--json")
    key = json.loads(r.stdout)[0]["key"]
    for form in (
        ("sync", "conflicts", "--entry", key, "--decision", "dismiss", "--note", "x"),
        ("sync", "conflicts", "list", "--entry", key, "--decision", "resend", "--officer", "พร"),
        ("sync", "conflicts", "--note", "x"),
        ("sync", "conflicts", "decide", "--entry", key, "--decision", "dismiss", "--all"),
        ("sync", "conflicts", "decide", "--entry", key, "--decision", "dismiss", "--gap-days", "3"),
        ("sync", "conflicts", "decide", "--resolve", "1"),
        ("sync", "conflicts", "--resolve", "1", "--center", "CJC-0001"),
    ):
        r = cli(*form, "--db", province)
        assert r.returncode == 2, (form, r.stdout, r.stderr)
        assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, (form, r.stderr)
    r = cli("sync", "conflicts", "--entry", key, "--decision", "dismiss", "--db", province)
    assert "sync conflicts decide --entry NO" in r.stderr
    assert h.query(world.province_path, "SELECT count(*) FROM conflict_decisions")[0][0] == 0
    # The documented form stores the decision; the list's own options still work.
    r = cli(
        "sync", "conflicts", "decide", "--db", province, "--entry", key,
        "--decision", "dismiss", "--note", "ไม่ต้องทำอะไร", "--officer", "พร",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert h.query(world.province_path, "SELECT count(*) FROM conflict_decisions")[0][0] == 1
    r = cli("sync", "conflicts", "list", "--db", province, "--all", "--gap-days", "0")
    assert r.returncode == 0 and "ไม่ต้องทำอะไร" in r.stdout, r.stderr
