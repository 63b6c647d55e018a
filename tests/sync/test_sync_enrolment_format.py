"""Enrolment request/answer, key rotation (two signatures) and revocation (by counter)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from justice_desk.sync import (
    FileExistsSyncError,
    Kind,
    RejectedFileError,
    RevocationCutoff,
    TrustedKey,
    _envelope,
    create_enrolment_answer,
    create_enrolment_request,
    create_key_rotation,
    create_revocation,
    generate_keyset,
    open_enrolment_answer,
    open_enrolment_request,
    open_key_rotation,
    open_revocation,
    sniff_kind,
    write_enrolment_answer,
    write_enrolment_request,
    write_key_rotation,
    write_revocation,
)


def reason_of(call, *args, **kwargs) -> str:
    with pytest.raises(RejectedFileError) as caught:
        call(*args, **kwargs)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- enrolment request ------------------------------------------------------------------------


def test_enrolment_request_round_trip(sites) -> None:
    data = create_enrolment_request("CJC-0001", "10-001", "ศูนย์ยุติธรรมชุมชนตำบลบางรัก", sites.center)
    assert sniff_kind(data) is Kind.ENROLMENT_REQUEST
    request = open_enrolment_request(data, expected_fingerprint=sites.center.public.fingerprint)
    assert request.center_id == "CJC-0001"
    assert request.code == "10-001"
    assert request.name == "ศูนย์ยุติธรรมชุมชนตำบลบางรัก"
    assert request.public_keys == sites.center.public
    assert request.fingerprint == sites.center.public.fingerprint


def test_enrolment_request_fingerprint_read_by_phone_differs(sites) -> None:
    data = create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    wrong = generate_keyset().public.fingerprint
    assert reason_of(open_enrolment_request, data, expected_fingerprint=wrong) == (
        "fingerprint_mismatch"
    )


def test_enrolment_request_with_keys_swapped_in_transit(sites, raw) -> None:
    """Someone replaces the keys in the request: the self-signature no longer holds."""
    data = create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    manifest = json.loads(raw.member(data, b"manifest.json"))
    manifest["keys"] = generate_keyset().public.to_dict()
    tampered = raw.replace_member(data, b"manifest.json", canonical(manifest))
    assert reason_of(open_enrolment_request, tampered) == "bad_signature"


def test_enrolment_request_name_edited(sites, raw) -> None:
    data = create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    manifest = json.loads(raw.member(data, b"manifest.json"))
    manifest["center"] = "CJC-0002"
    tampered = raw.replace_member(data, b"manifest.json", canonical(manifest))
    assert reason_of(open_enrolment_request, tampered) == "bad_signature"


def test_enrolment_request_every_byte_flipped(sites, raw) -> None:
    data = create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    for position in range(len(data) - 32):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        reason_of(open_enrolment_request, bytes(flipped))
        reason_of(open_enrolment_request, raw.reseal(bytes(flipped)))


def test_enrolment_request_written_to_a_folder(tmp_path: Path, sites) -> None:
    path = write_enrolment_request(tmp_path, "CJC-0001", "10-001", "ศูนย์", sites.center)
    assert path.name == "CJC-0001.jdenrol"
    assert open_enrolment_request(path.read_bytes()).center_id == "CJC-0001"
    with pytest.raises(FileExistsSyncError):
        write_enrolment_request(tmp_path, "CJC-0001", "10-001", "ศูนย์", sites.center)


# --- enrolment answer -------------------------------------------------------------------------


def make_answer(sites, **overrides) -> bytes:
    request = open_enrolment_request(
        create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    )
    kwargs = dict(
        province_id="PJO-10",
        province_name="สำนักงานยุติธรรมจังหวัด",
        keys=sites.province,
        escrow_keys=[sites.escrow.public],
    )
    kwargs.update(overrides)
    return create_enrolment_answer(request, **kwargs)


def test_enrolment_answer_round_trip(sites) -> None:
    answer = open_enrolment_answer(
        make_answer(sites),
        center_id="CJC-0001",
        center_key_id=sites.center.key_id,
        expected_fingerprint=sites.province.public.fingerprint,
    )
    assert answer.province_id == "PJO-10"
    assert answer.province_keys == sites.province.public
    assert answer.escrow_keys == (sites.escrow.public,)
    assert answer.recipients == (sites.province.public, sites.escrow.public)
    assert set(answer.trusted_keys()) == {sites.province.key_id}


def test_enrolment_answer_for_another_center(sites) -> None:
    assert (
        reason_of(
            open_enrolment_answer,
            make_answer(sites),
            center_id="CJC-0002",
            center_key_id=sites.center.key_id,
        )
        == "wrong_center"
    )


def test_enrolment_answer_for_an_older_key_of_this_center(sites) -> None:
    assert (
        reason_of(
            open_enrolment_answer,
            make_answer(sites),
            center_id="CJC-0001",
            center_key_id=generate_keyset().key_id,
        )
        == "wrong_center"
    )


def test_enrolment_answer_with_escrow_key_swapped(sites, raw) -> None:
    data = make_answer(sites)
    manifest = json.loads(raw.member(data, b"manifest.json"))
    manifest["escrow"] = [generate_keyset().public.to_dict()]
    tampered = raw.replace_member(data, b"manifest.json", canonical(manifest))
    assert (
        reason_of(
            open_enrolment_answer, tampered, center_id="CJC-0001", center_key_id=sites.center.key_id
        )
        == "bad_signature"
    )


def test_enrolment_answer_from_an_impostor_fails_the_fingerprint(sites) -> None:
    impostor = make_answer(sites, keys=generate_keyset())
    assert (
        reason_of(
            open_enrolment_answer,
            impostor,
            center_id="CJC-0001",
            center_key_id=sites.center.key_id,
            expected_fingerprint=sites.province.public.fingerprint,
        )
        == "fingerprint_mismatch"
    )


def test_enrolment_answer_written_to_a_folder(tmp_path: Path, sites) -> None:
    request = open_enrolment_request(
        create_enrolment_request("CJC-0001", "10-001", "ศูนย์", sites.center)
    )
    path = write_enrolment_answer(
        tmp_path, request, province_id="PJO-10", province_name="จังหวัด", keys=sites.province
    )
    assert path.name == "CJC-0001.jdanswer"


# --- key rotation -----------------------------------------------------------------------------


def test_rotation_signed_by_both_keys_is_accepted(sites) -> None:
    new = generate_keyset()
    data = create_key_rotation("CJC-0001", sites.center, new, reason="scheduled")
    rotation = open_key_rotation(data, trusted_keys=sites.province_trust().get)
    assert rotation.site_id == "CJC-0001"
    assert rotation.old_key_id == sites.center.key_id
    assert rotation.new_keys == new.public
    assert rotation.new_key_id == new.key_id


def test_rotation_with_only_the_old_signature(sites, raw) -> None:
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    version, kind, members = raw.split(data)
    only_old = raw.join([m for m in members if m[0] != b"signature-new.ed25519"], kind=kind)
    assert (
        reason_of(open_key_rotation, only_old, trusted_keys=sites.province_trust().get)
        == "bad_container"
    )


def test_rotation_with_only_the_new_signature(sites, raw) -> None:
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    version, kind, members = raw.split(data)
    only_new = raw.join([m for m in members if m[0] != b"signature-old.ed25519"], kind=kind)
    assert (
        reason_of(open_key_rotation, only_new, trusted_keys=sites.province_trust().get)
        == "bad_container"
    )


def test_rotation_where_the_old_key_signed_twice(sites, raw) -> None:
    """A thief with only the old key cannot sign for a new key it does not hold."""
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    manifest = raw.member(data, b"manifest.json")
    by_old = sites.center.sign(
        _envelope.document_signed_message(Kind.KEY_ROTATION, "signature-new.ed25519", manifest)
    )
    forged = raw.replace_member(data, b"signature-new.ed25519", by_old)
    assert (
        reason_of(open_key_rotation, forged, trusted_keys=sites.province_trust().get)
        == "bad_signature"
    )


def test_rotation_signed_only_by_the_new_key(sites) -> None:
    """Someone who made a fresh key cannot take over a center without its old key."""
    attacker_old, attacker_new = generate_keyset(), generate_keyset()
    data = create_key_rotation("CJC-0001", attacker_old, attacker_new)
    assert (
        reason_of(open_key_rotation, data, trusted_keys=sites.province_trust().get) == "unknown_key"
    )


def test_rotation_claiming_the_old_key_id_without_its_signature(sites, raw) -> None:
    attacker = generate_keyset()
    data = create_key_rotation("CJC-0001", attacker, generate_keyset())
    manifest = json.loads(raw.member(data, b"manifest.json"))
    manifest["old_key"] = sites.center.key_id
    tampered = raw.replace_member(data, b"manifest.json", canonical(manifest))
    assert (
        reason_of(open_key_rotation, tampered, trusted_keys=sites.province_trust().get)
        == "bad_signature"
    )


def test_rotation_signatures_are_not_interchangeable(sites, raw) -> None:
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    old_sig = raw.member(data, b"signature-old.ed25519")
    new_sig = raw.member(data, b"signature-new.ed25519")
    swapped = raw.replace_member(data, b"signature-old.ed25519", new_sig)
    swapped = raw.replace_member(swapped, b"signature-new.ed25519", old_sig)
    assert (
        reason_of(open_key_rotation, swapped, trusted_keys=sites.province_trust().get)
        == "bad_signature"
    )


def test_rotation_from_a_revoked_key(sites) -> None:
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    # Even with a cut-off that still accepts older bundles, a revoked key appoints no successor.
    trust = sites.province_trust(revoked=RevocationCutoff("e5f0c1d2a3b4", 100))
    assert reason_of(open_key_rotation, data, trusted_keys=trust.get) == "revoked_key"


def test_rotation_for_an_unknown_site(sites) -> None:
    data = create_key_rotation("CJC-0999", sites.center, generate_keyset())
    assert (
        reason_of(open_key_rotation, data, trusted_keys=sites.province_trust().get)
        == "unknown_center"
    )


def test_rotation_to_the_same_key_is_refused_when_writing(sites) -> None:
    with pytest.raises(ValueError):
        create_key_rotation("CJC-0001", sites.center, sites.center)


def test_rotation_every_byte_flipped(sites, raw) -> None:
    data = create_key_rotation("CJC-0001", sites.center, generate_keyset())
    trust = sites.province_trust().get
    for position in range(len(data) - 32):
        flipped = bytearray(data)
        flipped[position] ^= 0x40
        reason_of(open_key_rotation, raw.reseal(bytes(flipped)), trusted_keys=trust)


def test_rotation_written_to_a_folder(tmp_path: Path, sites) -> None:
    new = generate_keyset()
    path = write_key_rotation(tmp_path, "CJC-0001", sites.center, new)
    assert path.name == f"CJC-0001-{new.key_id}.jdrotate"


# --- revocation -------------------------------------------------------------------------------


def revocation_bytes(sites, **overrides) -> bytes:
    kwargs = dict(
        issuer_id="PJO-10",
        signing_key=sites.province,
        site_id="CJC-0001",
        revoked_key_id=sites.center.key_id,
        number=3,
        last_good_epoch="e5f0c1d2a3b4",
        last_good_seq=6,
        reason="laptop stolen",
    )
    kwargs.update(overrides)
    return create_revocation(**kwargs)


def test_revocation_round_trip_and_cutoff_by_counter(sites) -> None:
    revocation = open_revocation(revocation_bytes(sites), trusted_keys=sites.center_trust().get)
    assert (revocation.site_id, revocation.revoked_key_id) == ("CJC-0001", sites.center.key_id)
    assert revocation.number == 3
    assert revocation.allows("e5f0c1d2a3b4", 6)
    assert not revocation.allows("e5f0c1d2a3b4", 7)
    assert not revocation.allows("other-epoch", 1)
    assert revocation.cutoff == RevocationCutoff("e5f0c1d2a3b4", 6)


def test_revocation_without_a_last_good_point_refuses_everything(sites) -> None:
    data = revocation_bytes(sites, last_good_epoch=None, last_good_seq=0)
    revocation = open_revocation(data, trusted_keys=sites.center_trust().get)
    assert not revocation.allows("e5f0c1d2a3b4", 1)


def test_revocation_has_no_date_field_that_matters(sites, raw) -> None:
    manifest = json.loads(raw.member(revocation_bytes(sites), b"manifest.json"))
    assert {"number", "last_good_seq", "revoked_key"} <= set(manifest)
    assert not any(k in manifest for k in ("valid_until", "expires", "revoked_at"))


def test_revocation_from_an_untrusted_issuer(sites) -> None:
    data = revocation_bytes(sites, signing_key=sites.other_center, issuer_id="CJC-0002")
    assert reason_of(open_revocation, data, trusted_keys=sites.center_trust().get) == (
        "unknown_center"
    )


def test_revocation_signed_by_another_key_of_the_issuer(sites) -> None:
    data = revocation_bytes(sites, signing_key=generate_keyset())
    assert reason_of(open_revocation, data, trusted_keys=sites.center_trust().get) == (
        "unknown_key"
    )


def test_revocation_tampered(sites, raw) -> None:
    data = revocation_bytes(sites)
    tampered = raw.replace_member(
        data, b"manifest.json", lambda m: m.replace(b'"last_good_seq":6', b'"last_good_seq":60')
    )
    assert tampered != data
    assert reason_of(open_revocation, tampered, trusted_keys=sites.center_trust().get) == (
        "bad_signature"
    )


def test_revocation_written_to_a_folder(tmp_path: Path, sites) -> None:
    path = write_revocation(
        tmp_path,
        issuer_id="PJO-10",
        signing_key=sites.province,
        site_id="CJC-0001",
        revoked_key_id=sites.center.key_id,
        number=1,
    )
    assert path.suffix == ".jdrevoke"
    trusted = {"PJO-10": {sites.province.key_id: TrustedKey(sites.province.public)}}
    assert open_revocation(path.read_bytes(), trusted_keys=trusted.get).number == 1
