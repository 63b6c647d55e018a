"""The receipt's ``answers`` field (docs/sync-format.md §6): additive and optional, so a receipt
without answers is what earlier versions wrote, and a center of an earlier version still opens a
receipt that carries them (keeping the field among the unknown ones)."""

from __future__ import annotations

import json

import legacy_receipt_reader as legacy
import pytest

from justice_desk.sync import (
    BadPayloadError,
    EscalationAnswer,
    Receipt,
    _codec,
    _envelope,
    create_receipt,
    open_receipt,
)
from justice_desk.sync.container import DEFAULT_LIMITS, Kind

ANSWER = EscalationAnswer(
    id="6f1c2b7e-3a55-4b7e-9a43-0f3a1d2c4e55",
    case="0b8d0a3c-91f2-4c1e-8d5a-7e6f5a4b3c2d",
    rev=2,
    decision="referred",
    note="ส่งต่อให้สำนักงานคุ้มครองสิทธิฯ ดำเนินการ",
    agency="สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน",
    officer="นางสาวพรทิพย์ ใจดี",
    answered_at="2026-01-14T02:30:00+00:00",
)


def receipt(**changes) -> Receipt:
    fields = dict(
        province_id="PJO-10",
        province_epoch="prov-epoch-1",
        center_id="CJC-0001",
        seq=3,
        center_epoch="e5f0c1d2a3b4",
        applied_through=40,
        created_at="2026-01-14T09:30:00+07:00",
    )
    fields.update(changes)
    return Receipt(**fields)


def _open(data: bytes, sites, reader=open_receipt):
    return reader(
        data,
        trusted_keys=sites.center_trust().get,
        recipient_private_key=sites.center,
        center_id="CJC-0001",
    )


def _plaintext(data: bytes, sites) -> dict:
    sealed = _envelope.unpack_sealed(data, Kind.RECEIPT, DEFAULT_LIMITS)
    plaintext, _key = _envelope.decrypt_payload(sealed, sites.center)
    return json.loads(plaintext)


def test_answers_round_trip(sites) -> None:
    original = receipt(answers=(ANSWER,))
    opened = _open(create_receipt(original, sites.province, sites.center.public), sites)
    assert opened.receipt == original
    assert opened.receipt.extra == {}


def test_a_receipt_without_answers_is_written_as_before(sites) -> None:
    data = create_receipt(receipt(), sites.province, sites.center.public)
    assert "answers" not in _plaintext(data, sites)
    assert _open(data, sites).receipt.answers == ()


def test_an_older_center_reads_a_receipt_with_answers(sites) -> None:
    """The reader released before answers existed opens the receipt, reads every field it
    knows the same way, and keeps the answers among the unknown fields."""
    data = create_receipt(receipt(answers=(ANSWER,)), sites.province, sites.center.public)
    old = _open(data, sites, reader=legacy.open_receipt).receipt
    assert (old.seq, old.center_epoch, old.applied_through) == (3, "e5f0c1d2a3b4", 40)
    assert old.bundles == () and old.rejected == ()
    assert old.extra["answers"][0]["decision"] == "referred"
    assert old.extra["answers"][0]["note"] == ANSWER.note


def test_a_receipt_from_an_older_province_reads_without_answers(sites) -> None:
    legacy_receipt = legacy.Receipt(
        province_id="PJO-10",
        province_epoch="prov-epoch-1",
        center_id="CJC-0001",
        seq=3,
        center_epoch="e5f0c1d2a3b4",
        applied_through=40,
    )
    data = legacy.create_receipt(legacy_receipt, sites.province, sites.center.public)
    opened = _open(data, sites).receipt
    assert opened.answers == () and opened.applied_through == 40


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [{"id": "x"}],
        [{**{"id": "a", "case": "b", "decision": "closed", "note": ""}, "rev": 0}],
        [{"id": "a b", "case": "b", "rev": 1, "decision": "closed", "note": ""}],
    ],
)
def test_malformed_answers_refuse_the_receipt(sites, bad) -> None:
    body = {
        "center_epoch": "e5f0c1d2a3b4",
        "applied_through": 1,
        "resend_from": None,
        "bundles": [],
        "rejected": [],
        "handovers": [],
        "key_notices": [],
        "answers": bad,
    }
    manifest = {
        "province": "PJO-10",
        "epoch": "prov-epoch-1",
        "center": "CJC-0001",
        "seq": 1,
        "created_at": "",
    }
    data = _envelope.seal(
        Kind.RECEIPT, manifest, _codec.canonical_json(body), sites.province, [sites.center.public]
    )
    with pytest.raises(BadPayloadError):
        _open(data, sites)


_GOOD = {
    "id": ANSWER.id,
    "case": ANSWER.case,
    "rev": 1,
    "decision": "closed",
    "note": "",
    "agency": "",
    "officer": "",
    "answered_at": "2026-01-14T02:30:00+00:00",
}
_DECISION = {
    "id": "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
    "problem": "conflict",
    "number": 1,
    "reason": "lower_rev",
    "rev": 1,
    "decision": "keep_center",
    "note": "",
    "officer": "",
    "decided_at": "2026-01-14T02:30:00+00:00",
    "table": "dispute",
    "record": "0b8d0a3c-91f2-4c1e-8d5a-7e6f5a4b3c2d",
    "record_rev": 3,
    "seq": 0,
    "first": 0,
    "last": 0,
}


def _signed(sites, **extra) -> bytes:
    """A receipt the province really signed, with the given answers/decisions as written."""
    body = {
        "center_epoch": "e5f0c1d2a3b4",
        "applied_through": 1,
        "resend_from": None,
        "bundles": [],
        "rejected": [],
        "handovers": [],
        "key_notices": [],
        **extra,
    }
    manifest = {
        "province": "PJO-10",
        "epoch": "prov-epoch-1",
        "center": "CJC-0001",
        "seq": 1,
        "created_at": "",
    }
    return _envelope.seal(
        Kind.RECEIPT, manifest, _codec.canonical_json(body), sites.province, [sites.center.public]
    )


def test_well_formed_answers_and_decisions_are_read(sites) -> None:
    opened = _open(_signed(sites, answers=[_GOOD], decisions=[_DECISION]), sites).receipt
    assert opened.answers[0].case == ANSWER.case
    assert opened.decisions[0].record == _DECISION["record"]


@pytest.mark.parametrize(
    "bad",
    [
        # ids in another spelling than the canonical one (as bundles refuse them)
        [{**_GOOD, "case": ANSWER.case.upper()}],
        [{**_GOOD, "case": ANSWER.case.replace("-", "")}],
        [{**_GOOD, "id": ANSWER.id.upper()}],
        [{**_GOOD, "case": "CASE-1"}],
        # the same answer twice
        [_GOOD, {**_GOOD, "rev": 2}],
        # a time that is no time, or has no UTC offset, or is missing
        [{**_GOOD, "answered_at": "not a date"}],
        [{**_GOOD, "answered_at": "2026-01-14T02:30:00"}],
        [{**_GOOD, "answered_at": "2026-02-30T02:30:00+00:00"}],
        [{**_GOOD, "answered_at": 1768357800}],
        # a rev the center's integer column cannot hold
        [{**_GOOD, "rev": 2**31}],
        [{**_GOOD, "rev": 2**63 - 1}],
    ],
)
def test_answers_the_center_cannot_trust_refuse_the_receipt(sites, bad) -> None:
    with pytest.raises(BadPayloadError):
        _open(_signed(sites, answers=bad), sites)


@pytest.mark.parametrize(
    "bad",
    [
        [{**_DECISION, "id": _DECISION["id"].upper()}],
        [{**_DECISION, "record": _DECISION["record"].replace("-", "")}],
        [_DECISION, {**_DECISION, "rev": 2}],
        [{**_DECISION, "decided_at": "not a date"}],
        [{**_DECISION, "rev": 2**63 - 1}],
        [{**_DECISION, "number": 2**31}],
    ],
)
def test_decisions_the_center_cannot_trust_refuse_the_receipt(sites, bad) -> None:
    with pytest.raises(BadPayloadError):
        _open(_signed(sites, decisions=bad), sites)


def test_the_largest_rev_a_column_holds_is_read(sites) -> None:
    opened = _open(_signed(sites, answers=[{**_GOOD, "rev": 2**31 - 1}]), sites).receipt
    assert opened.answers[0].rev == 2**31 - 1
