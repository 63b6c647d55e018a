"""Receipts: province-signed, sealed to the center; tampering and misdelivery are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justice_desk.sync import (
    BundleResult,
    Handover,
    KeyNotice,
    Receipt,
    RejectedFileError,
    RejectedRecord,
    RevocationCutoff,
    TrustedKey,
    create_receipt,
    generate_keyset,
    open_receipt,
    open_receipt_file,
    write_receipt,
)


def full_receipt() -> Receipt:
    return Receipt(
        province_id="PJO-10",
        province_epoch="prov-epoch-1",
        center_id="CJC-0001",
        seq=12,
        center_epoch="e5f0c1d2a3b4",
        applied_through=160,
        resend_from=161,
        bundles=(
            BundleResult("e5f0c1d2a3b4", 7, 101, 160, "applied", "ab" * 32),
            BundleResult(
                "e5f0c1d2a3b4", 9, 181, 190, "held", "cd" * 32, "gap", "waiting for 161..180"
            ),
            BundleResult("e5f0c1d2a3b4", 6, 90, 100, "duplicate"),
        ),
        rejected=(RejectedRecord("dispute", "d-17", 3, "not_owner", "owned by PJO-10"),),
        handovers=(Handover("dispute", "d-18", "PJO-10", "escalated ข้อพิพาท"),),
        key_notices=(KeyNotice("rotated", "0123456789abcdef", b"\x89JDS statement", "new key"),),
        created_at="2024-05-02T10:00:00+07:00",
    )


def test_receipt_round_trip(sites) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    opened = open_receipt(
        data,
        trusted_keys=sites.center_trust().get,
        recipient_private_key=sites.center,
        center_id="CJC-0001",
    )
    assert opened.receipt == full_receipt()
    assert opened.key_id == sites.province.key_id
    assert len(opened.file_sha256) == 64


def test_minimal_receipt_round_trip(sites) -> None:
    receipt = Receipt("PJO-10", "p1", "CJC-0001", 1, "e1", 0, created_at="now")
    data = create_receipt(receipt, sites.province, sites.center.public)
    opened = open_receipt(
        data, trusted_keys=sites.center_trust().get, recipient_private_key=sites.center
    )
    assert opened.receipt == receipt


def test_receipt_written_into_a_folder(tmp_path: Path, sites) -> None:
    path = write_receipt(tmp_path, full_receipt(), sites.province, sites.center.public)
    assert path.name == "CJC-0001-receipt-000012.jdreceipt"
    opened = open_receipt_file(
        path, trusted_keys=sites.center_trust().get, recipient_private_key=sites.center
    )
    assert opened.receipt.applied_through == 160


def test_receipt_personal_details_are_sealed(sites) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    assert b"not_owner" not in data and "ข้อพิพาท".encode() not in data


def refuse(data: bytes, sites, **overrides) -> str:
    kwargs = dict(
        trusted_keys=sites.center_trust().get,
        recipient_private_key=sites.center,
        center_id="CJC-0001",
    )
    kwargs.update(overrides)
    with pytest.raises(RejectedFileError) as caught:
        open_receipt(data, **kwargs)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def test_receipt_for_another_center(sites) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    assert refuse(data, sites, center_id="CJC-0002") == "wrong_center"


def test_receipt_sealed_to_another_centers_key(sites) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.other_center.public)
    assert refuse(data, sites) == "wrong_recipient"


def test_receipt_signed_by_an_unknown_key(sites) -> None:
    impostor = generate_keyset()
    data = create_receipt(full_receipt(), impostor, sites.center.public)
    assert refuse(data, sites) == "unknown_key"


def test_receipt_from_an_unknown_province(sites) -> None:
    receipt = Receipt("PJO-99", "p1", "CJC-0001", 1, "e1", 0)
    data = create_receipt(receipt, sites.province, sites.center.public)
    assert refuse(data, sites) == "unknown_center"


def test_receipt_signed_by_a_revoked_province_key(sites) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    trust = {
        "PJO-10": {sites.province.key_id: TrustedKey(sites.province.public, RevocationCutoff())}
    }
    assert refuse(data, sites, trusted_keys=trust.get) == "revoked_key"


def test_receipt_manifest_tampered(sites, raw) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    tampered = raw.replace_member(
        data, b"manifest.json", lambda m: m.replace(b'"seq":12', b'"seq":13')
    )
    assert tampered != data
    assert refuse(tampered, sites) == "bad_signature"


def test_receipt_payload_tampered(sites, raw) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    tampered = raw.replace_member(data, b"payload.bin", lambda p: p[:-1] + bytes([p[-1] ^ 1]))
    assert refuse(tampered, sites) == "digest_mismatch"


def test_receipt_payload_swapped_from_another_receipt(sites, raw) -> None:
    mine = create_receipt(full_receipt(), sites.province, sites.center.public)
    other = create_receipt(
        Receipt("PJO-10", "p1", "CJC-0001", 13, "e1", 999), sites.province, sites.center.public
    )
    swapped = raw.replace_member(mine, b"payload.bin", raw.member(other, b"payload.bin"))
    assert refuse(swapped, sites) == "digest_mismatch"


def test_bundle_given_as_receipt(sites, good_bundle) -> None:
    assert refuse(good_bundle, sites) == "wrong_kind"


def test_every_byte_flipped_receipt_is_refused(sites, raw) -> None:
    data = create_receipt(full_receipt(), sites.province, sites.center.public)
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0x02
        refuse(bytes(flipped), sites)
        if position < len(data) - 32:
            refuse(raw.reseal(bytes(flipped)), sites)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_flipped_byte_in_a_receipt(sites, raw, data) -> None:
    receipt = create_receipt(full_receipt(), sites.province, sites.center.public)
    position = data.draw(st.integers(0, len(receipt) - 33))
    mask = data.draw(st.integers(1, 255))
    flipped = bytearray(receipt)
    flipped[position] ^= mask
    refuse(raw.reseal(bytes(flipped)), sites)
