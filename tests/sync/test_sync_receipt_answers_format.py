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
