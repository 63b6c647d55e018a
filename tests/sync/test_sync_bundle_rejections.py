"""Every bad bundle of docs/sync.md that can be decided without a database: a named refusal.

Each test asserts the exact ``reason`` so a refactoring that changes the check order, or lets
one check swallow another, fails loudly. Nothing here may raise anything but a
``RejectedFileError``, and no refusal may return data.
"""

from __future__ import annotations

import hashlib
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justice_desk.errors import UserError
from justice_desk.sync import (
    DEFAULT_LIMITS,
    FORMAT_VERSION,
    REJECTION_REASONS,
    Kind,
    Limits,
    RejectedFileError,
    RevocationCutoff,
    TrustedKey,
    _envelope,
    build_bundle,
    create_receipt,
    generate_keyset,
    open_bundle,
    read_sync_file,
)
from justice_desk.sync.bundle import Record, bundle_manifest_fields, records_plaintext
from justice_desk.sync.receipt import Receipt


def refuse(data: bytes, sites, *, trust=None, keys=None, limits: Limits = DEFAULT_LIMITS):
    """Open ``data`` expecting a refusal; return the exception after checking its contract."""
    with pytest.raises(RejectedFileError) as caught:
        open_bundle(
            data,
            trusted_keys=(trust or sites.province_trust()).get,
            recipient_private_key=keys or sites.province,
            limits=limits,
        )
    error = caught.value
    assert isinstance(error, UserError)
    assert error.reason in REJECTION_REASONS
    message = str(error)
    assert message and "\n" not in message
    return error


def forge(
    sites, manifest_fields: dict, plaintext: bytes, *, signer=None, plain_size=None, compressed=None
) -> bytes:
    """A bundle signed with a real enrolled key but with content of our choosing."""
    signer = signer or sites.center
    if compressed is None:
        compressed = zlib.compress(plaintext)
    return _envelope.seal_compressed(
        Kind.BUNDLE,
        manifest_fields,
        compressed,
        len(plaintext) if plain_size is None else plain_size,
        signer,
        [sites.province.public],
    )


# --- the file itself --------------------------------------------------------------------------


def test_empty_file(sites) -> None:
    assert refuse(b"", sites).reason == "empty"


@pytest.mark.parametrize("where", ["magic", "header", "table", "manifest", "payload", "checksum"])
def test_truncated_file(sites, good_bundle, where) -> None:
    cut = {
        "magic": 5,
        "header": 10,
        "table": 20,
        "manifest": 150,
        "payload": len(good_bundle) - 100,
        "checksum": len(good_bundle) - 1,
    }[where]
    assert refuse(good_bundle[:cut], sites).reason == "truncated"


def test_file_cut_at_every_length_is_refused(sites, good_bundle) -> None:
    for cut in range(len(good_bundle)):
        assert refuse(good_bundle[:cut], sites).reason in {"empty", "truncated"}


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + bytes(100), b"hello, this is an e-mail", b"\x89PNG\r\n\x1a\n" + bytes(50)],
)
def test_not_a_bundle(sites, data) -> None:
    assert refuse(data, sites).reason == "not_a_bundle"


def test_text_mode_transfer_is_caught_by_the_magic(sites, good_bundle) -> None:
    mangled = good_bundle.replace(b"\r\n", b"\n")
    assert refuse(mangled, sites).reason == "not_a_bundle"


def test_damaged_byte_fails_the_checksum(sites, good_bundle) -> None:
    damaged = bytearray(good_bundle)
    damaged[len(good_bundle) // 2] ^= 0x10
    assert refuse(bytes(damaged), sites).reason == "damaged"


def test_trailing_bytes_after_the_checksum(sites, good_bundle) -> None:
    assert refuse(good_bundle + b"\x00", sites).reason == "bad_container"


def test_newer_format_names_the_version_needed(sites, good_bundle) -> None:
    newer = bytearray(good_bundle)
    newer[8:10] = (FORMAT_VERSION + 1).to_bytes(2, "big")
    error = refuse(bytes(newer), sites)
    assert error.reason == "newer_format"
    assert error.needed == FORMAT_VERSION + 1
    assert str(FORMAT_VERSION + 1) in str(error)


def test_newer_format_is_named_even_if_the_rest_is_unreadable(sites, raw) -> None:
    data = raw.magic + (7).to_bytes(2, "big") + b"\xff" * 40
    error = refuse(data, sites)
    assert error.reason == "newer_format" and error.needed == 7


def test_format_zero_is_not_ours(sites, good_bundle) -> None:
    old = bytearray(good_bundle)
    old[8:10] = b"\x00\x00"
    assert refuse(bytes(old), sites).reason == "bad_container"


def test_manifest_format_must_agree_with_the_header(sites, good_bundle, raw) -> None:
    def bump(manifest: bytes) -> bytes:
        data = json.loads(manifest)
        data["format"] = 2
        return json.dumps(data).encode()

    assert refuse(raw.replace_member(good_bundle, b"manifest.json", bump), sites).reason == (
        "bad_container"
    )


def test_receipt_given_as_bundle_is_the_wrong_kind(sites) -> None:
    receipt = create_receipt(
        Receipt(
            province_id="PJO-10",
            province_epoch="p1",
            center_id="CJC-0001",
            seq=1,
            center_epoch="e1",
            applied_through=5,
        ),
        sites.province,
        sites.center.public,
    )
    assert refuse(receipt, sites).reason == "wrong_kind"


# --- members and paths ------------------------------------------------------------------------


def test_extra_member(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members + [(b"readme.txt", b"hello")], kind=kind)
    assert refuse(data, sites).reason == "bad_container"


def test_extra_member_hidden_among_the_known(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members[:2] + [(b"payload.bin.1", b"x")] + members[2:], kind=kind)
    assert refuse(data, sites).reason == "bad_container"


def test_missing_member(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join([m for m in members if m[0] != b"signature.ed25519"], kind=kind)
    assert refuse(data, sites).reason == "bad_container"


def test_duplicate_member(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members + [members[0]], kind=kind)
    assert refuse(data, sites).reason == "bad_container"


def test_members_out_of_order(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(list(reversed(members)), kind=kind)
    assert refuse(data, sites).reason == "bad_container"


@pytest.mark.parametrize(
    "name",
    [
        b"/etc/passwd",
        b"/manifest.json",
        b"../manifest.json",
        b"..",
        b"a/../../b",
        b"payload/../../x",
        b"..\\..\\windows\\system32",
        b"C:\\evil.exe",
        b"C:evil",
        b"\\\\server\\share",
        b"manifest.json\x00.txt",
        b"~/.ssh/id",
        b".hidden",
        b"\xe0\xb8\x81.json",
    ],
)
def test_unsafe_member_names(sites, good_bundle, raw, name) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members + [(name, b"x")], kind=kind)
    error = refuse(data, sites)
    assert error.reason == "unsafe_path"
    assert "\x00" not in str(error)


def test_unsafe_name_replacing_a_known_member(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    members[0] = (b"../" + members[0][0], members[0][1])
    assert refuse(raw.join(members, kind=kind), sites).reason == "unsafe_path"


def test_too_many_members(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members + [(f"m{i}".encode(), b"") for i in range(20)], kind=kind)
    assert refuse(data, sites).reason == "bad_container"


# --- sizes and decompression bombs ------------------------------------------------------------


def test_file_over_the_size_cap(sites, good_bundle) -> None:
    small = Limits(max_file_bytes=len(good_bundle) - 1)
    assert refuse(good_bundle, sites, limits=small).reason == "too_large"


def test_file_over_the_size_cap_is_not_even_read(tmp_path: Path) -> None:
    big = tmp_path / "big.jdbundle"
    with big.open("wb") as handle:
        handle.truncate(DEFAULT_LIMITS.max_file_bytes + 1)  # sparse: costs no disk
    with pytest.raises(RejectedFileError) as caught:
        read_sync_file(big)
    assert caught.value.reason == "too_large"


def test_empty_file_on_disk(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jdbundle"
    empty.write_bytes(b"")
    with pytest.raises(RejectedFileError) as caught:
        read_sync_file(empty)
    assert caught.value.reason == "empty"


def test_oversized_manifest_member(sites, good_bundle, raw) -> None:
    padded = raw.replace_member(good_bundle, b"manifest.json", lambda m: m + b" " * 70_000)
    assert refuse(padded, sites).reason == "too_large"


def test_announced_decompressed_size_over_the_cap_is_refused_before_decrypting(
    sites, bundle_fields
) -> None:
    fields = bundle_manifest_fields(bundle_fields(), {})
    plaintext = records_plaintext([])
    bomb = forge(sites, fields, plaintext, plain_size=DEFAULT_LIMITS.max_plain_bytes + 1)
    # No recipient key can open it, so reaching decryption would say wrong_recipient instead.
    error = refuse(bomb, sites, keys=generate_keyset())
    assert error.reason == "too_large"


def test_decompression_bomb_lying_about_its_size(sites, bundle_fields) -> None:
    # 200 MB of zeros inflate from about 200 KB; the manifest claims 2 KB.
    deflater = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    compressed = b"".join(deflater.compress(chunk) for _ in range(200)) + deflater.flush()
    fields = bundle_manifest_fields(bundle_fields(), {"dispute": 1})
    bomb = forge(sites, fields, b"", compressed=compressed, plain_size=2048)
    tracemalloc.start()
    try:
        error = refuse(bomb, sites)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large"
    # Stopped at the announced size: memory, not the clock (a busy machine is slow, not wrong).
    assert peak < 32 * 1024 * 1024, f"{peak / 2**20:.0f} MiB allocated: the bomb was inflated"


def test_nesting_bomb_in_the_payload(sites, bundle_fields) -> None:
    fields = bundle_manifest_fields(bundle_fields(), {})
    plaintext = b'{"records":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert refuse(forge(sites, fields, plaintext), sites).reason == "bad_payload"


def test_more_records_than_the_cap(sites, make_records, bundle_fields) -> None:
    data = build_bundle(bundle_fields(), make_records(5), sites.center, [sites.province.public])
    assert refuse(data, sites, limits=Limits(max_records=4)).reason == "too_large"


# --- who sent it ------------------------------------------------------------------------------


def test_unknown_center(sites, good_bundle) -> None:
    trust = sites.province_trust()
    del trust["CJC-0001"]
    error = refuse(good_bundle, sites, trust=trust)
    assert error.reason == "unknown_center"
    assert "CJC-0001" in str(error)


def test_unknown_key_of_a_known_center(sites, good_bundle) -> None:
    trust = sites.province_trust()
    stranger = generate_keyset()
    trust["CJC-0001"] = {stranger.key_id: TrustedKey(stranger.public)}
    assert refuse(good_bundle, sites, trust=trust).reason == "unknown_key"


def test_trust_directory_keyed_wrongly_is_not_trusted(sites, good_bundle) -> None:
    trust = sites.province_trust()
    trust["CJC-0001"] = {sites.center.key_id: TrustedKey(generate_keyset().public)}
    assert refuse(good_bundle, sites, trust=trust).reason == "unknown_key"


def test_revoked_key(sites, good_bundle) -> None:
    trust = sites.province_trust(revoked=RevocationCutoff())
    error = refuse(good_bundle, sites, trust=trust)
    assert error.reason == "revoked_key"


def test_revoked_key_after_its_last_good_seq(sites, good_bundle) -> None:
    # The bundle is seq 7 of epoch e5f0c1d2a3b4.
    trust = sites.province_trust(revoked=RevocationCutoff("e5f0c1d2a3b4", 6))
    assert refuse(good_bundle, sites, trust=trust).reason == "revoked_key"


def test_revoked_key_in_another_epoch(sites, good_bundle) -> None:
    trust = sites.province_trust(revoked=RevocationCutoff("another-epoch", 100))
    assert refuse(good_bundle, sites, trust=trust).reason == "revoked_key"


def test_bundle_made_before_the_revocation_still_opens(sites, good_bundle) -> None:
    trust = sites.province_trust(revoked=RevocationCutoff("e5f0c1d2a3b4", 7))
    opened = open_bundle(good_bundle, trusted_keys=trust.get, recipient_private_key=sites.province)
    assert opened.seq == 7


# --- tampering --------------------------------------------------------------------------------


def test_manifest_edited(sites, good_bundle, raw) -> None:
    def edit(manifest: bytes) -> bytes:
        return manifest.replace(b'"seq":7', b'"seq":8')

    edited = raw.replace_member(good_bundle, b"manifest.json", edit)
    assert edited != good_bundle
    assert refuse(edited, sites).reason == "bad_signature"


@pytest.mark.parametrize(
    "old,new",
    [
        (b'"first":101', b'"first":1'),
        (b'"dispute":3', b'"dispute":4'),
        (b'"schema":3', b'"schema":4'),
        (b'"created_at":"2024', b'"created_at":"2025'),
    ],
)
def test_any_manifest_field_edited(sites, good_bundle, raw, old, new) -> None:
    edited = raw.replace_member(good_bundle, b"manifest.json", lambda m: m.replace(old, new))
    assert edited != good_bundle
    assert refuse(edited, sites).reason == "bad_signature"


def test_payload_swapped_from_another_bundle(sites, make_records, bundle_fields, raw) -> None:
    recipients = [sites.province.public]
    mine = build_bundle(bundle_fields(), make_records(3), sites.center, recipients)
    other = build_bundle(bundle_fields(seq=8), make_records(3), sites.center, recipients)
    swapped = raw.replace_member(mine, b"payload.bin", raw.member(other, b"payload.bin"))
    assert refuse(swapped, sites).reason == "digest_mismatch"


def test_payload_and_key_wraps_swapped_from_another_bundle(
    sites, make_records, bundle_fields, raw
) -> None:
    recipients = [sites.province.public]
    mine = build_bundle(bundle_fields(), make_records(3), sites.center, recipients)
    other = build_bundle(bundle_fields(seq=8), make_records(3), sites.center, recipients)
    swapped = raw.replace_member(mine, b"payload.bin", raw.member(other, b"payload.bin"))
    swapped = raw.replace_member(swapped, b"recipients.hpke", raw.member(other, b"recipients.hpke"))
    assert refuse(swapped, sites).reason == "bad_signature"


def test_key_wraps_edited(sites, good_bundle, raw) -> None:
    edited = raw.replace_member(
        good_bundle, b"recipients.hpke", lambda w: bytes([w[0] ^ 1]) + w[1:]
    )
    assert refuse(edited, sites).reason == "bad_signature"


def test_signature_replaced_by_another_centers_signature(sites, good_bundle, raw) -> None:
    message = _envelope.sealed_signed_message(
        Kind.BUNDLE,
        raw.member(good_bundle, b"manifest.json"),
        raw.member(good_bundle, b"recipients.hpke"),
    )
    forged = raw.replace_member(good_bundle, b"signature.ed25519", sites.other_center.sign(message))
    assert refuse(forged, sites).reason == "bad_signature"


def test_bundle_re_signed_by_another_center_cannot_be_decrypted(sites, good_bundle, raw) -> None:
    """CJC-0002 claims CJC-0001's sealed records as its own: the HPKE info binding stops it."""

    def claim(manifest: bytes) -> bytes:
        data = json.loads(manifest)
        data["center"] = "CJC-0002"
        data["key"] = sites.other_center.key_id
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    new_manifest = claim(raw.member(good_bundle, b"manifest.json"))
    wraps = raw.member(good_bundle, b"recipients.hpke")
    signature = sites.other_center.sign(
        _envelope.sealed_signed_message(Kind.BUNDLE, new_manifest, wraps)
    )
    resigned = raw.replace_member(good_bundle, b"manifest.json", new_manifest)
    resigned = raw.replace_member(resigned, b"signature.ed25519", signature)
    error = refuse(resigned, sites)
    assert error.reason == "decrypt_failed"


def test_wrong_recipient_key(sites, good_bundle) -> None:
    error = refuse(good_bundle, sites, keys=generate_keyset())
    assert error.reason == "wrong_recipient"


def test_center_cannot_open_its_own_bundle(sites, good_bundle) -> None:
    assert refuse(good_bundle, sites, keys=sites.center).reason == "wrong_recipient"


def test_payload_key_wrapped_for_another_manifest(sites, good_bundle, raw) -> None:
    """Wraps made under one manifest, signed under another (by the real key): nothing opens."""
    manifest = json.loads(raw.member(good_bundle, b"manifest.json"))
    manifest["created_at"] = "2030-01-01T00:00:00+07:00"
    manifest_bytes = json.dumps(
        manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    wraps = raw.member(good_bundle, b"recipients.hpke")
    signature = sites.center.sign(
        _envelope.sealed_signed_message(Kind.BUNDLE, manifest_bytes, wraps)
    )
    data = raw.replace_member(good_bundle, b"manifest.json", manifest_bytes)
    data = raw.replace_member(data, b"signature.ed25519", signature)
    assert refuse(data, sites).reason == "decrypt_failed"


def test_count_mismatch(sites, make_records, bundle_fields) -> None:
    records = [Record(**r) for r in make_records(3)]
    fields = bundle_manifest_fields(bundle_fields(), {"dispute": 4})
    assert refuse(forge(sites, fields, records_plaintext(records)), sites).reason == (
        "count_mismatch"
    )


def test_count_for_the_wrong_table(sites, make_records, bundle_fields) -> None:
    records = [Record(**r) for r in make_records(3)]
    fields = bundle_manifest_fields(bundle_fields(), {"party": 3})
    assert refuse(forge(sites, fields, records_plaintext(records)), sites).reason == (
        "count_mismatch"
    )


@pytest.mark.parametrize(
    "plaintext",
    [
        b"not json",
        b"[]",
        b'{"records": {}}',
        b'{"records": [{"table": "dispute"}]}',
        b'{"records": [{"table":"d","id":"x","op":"explode","rev":1,"fields":{}}]}',
        b'{"records": [{"table":"d","id":"x","op":"insert","rev":"1","fields":{}}]}',
        b'{"records": [{"table":"d","id":"x","op":"insert","rev":1,"fields":[]}]}',
        b'{"records": [{"table":"d","id":"x","op":"insert","rev":1,"fields":{}},'
        b'{"table":"d","id":"x","op":"insert","rev":2,"fields":{}}]}',
        b'{"records": [], "records": []}',
        b'{"records": [{"table":"d","id":"x","op":"insert","rev":1,"fields":{"n":NaN}}]}',
        b"\xff\xfe",
    ],
)
def test_malformed_payload_from_an_enrolled_key(sites, bundle_fields, plaintext) -> None:
    fields = bundle_manifest_fields(bundle_fields(), {"d": 1})
    assert refuse(forge(sites, fields, plaintext), sites).reason == "bad_payload"


def test_compressed_payload_with_trailing_garbage(sites, bundle_fields) -> None:
    plaintext = records_plaintext([])
    fields = bundle_manifest_fields(bundle_fields(), {})
    bad = forge(sites, fields, plaintext, compressed=zlib.compress(plaintext) + b"junk")
    assert refuse(bad, sites).reason == "bad_payload"


def test_compressed_payload_cut_short(sites, bundle_fields) -> None:
    plaintext = records_plaintext([])
    fields = bundle_manifest_fields(bundle_fields(), {})
    bad = forge(sites, fields, plaintext, compressed=zlib.compress(plaintext)[:-3])
    assert refuse(bad, sites).reason == "bad_payload"


def test_payload_shorter_than_announced(sites, bundle_fields) -> None:
    plaintext = records_plaintext([])
    fields = bundle_manifest_fields(bundle_fields(), {})
    bad = forge(sites, fields, plaintext, plain_size=len(plaintext) + 10)
    assert refuse(bad, sites).reason == "bad_payload"


# --- check order (docs/sync.md §6) ------------------------------------------------------------


def test_order_sender_before_signature(sites, good_bundle, raw) -> None:
    tampered = raw.replace_member(good_bundle, b"signature.ed25519", bytes(64))
    trust = sites.province_trust()
    del trust["CJC-0001"]
    assert refuse(tampered, sites, trust=trust).reason == "unknown_center"


def test_order_signature_before_digest(sites, good_bundle, raw) -> None:
    tampered = raw.replace_member(good_bundle, b"signature.ed25519", bytes(64))
    tampered = raw.replace_member(tampered, b"payload.bin", lambda p: bytes([p[0] ^ 1]) + p[1:])
    assert refuse(tampered, sites).reason == "bad_signature"


def test_order_digest_before_decryption(sites, good_bundle, raw) -> None:
    tampered = raw.replace_member(good_bundle, b"payload.bin", lambda p: bytes([p[0] ^ 1]) + p[1:])
    assert refuse(tampered, sites, keys=generate_keyset()).reason == "digest_mismatch"


def test_order_container_before_sender(sites, good_bundle, raw) -> None:
    version, kind, members = raw.split(good_bundle)
    data = raw.join(members + [(b"x", b"")], kind=kind)
    trust = sites.province_trust()
    del trust["CJC-0001"]
    assert refuse(data, sites, trust=trust).reason == "bad_container"


# --- any single flipped byte ------------------------------------------------------------------


def _flipped(data: bytes, position: int, mask: int) -> bytes:
    out = bytearray(data)
    out[position] ^= mask
    return bytes(out)


def test_every_byte_flipped_is_refused(sites, good_bundle) -> None:
    for position in range(len(good_bundle)):
        for mask in (0x01, 0x80):
            refuse(_flipped(good_bundle, position, mask), sites)


def test_every_byte_flipped_by_a_forger_who_fixes_the_checksum_is_refused(
    sites, good_bundle, raw
) -> None:
    reasons = set()
    for position in range(len(good_bundle) - 32):
        for mask in (0x01, 0x80):
            reasons.add(refuse(raw.reseal(_flipped(good_bundle, position, mask)), sites).reason)
    # Each class of position fails at its own step.
    assert {"bad_container", "bad_signature", "digest_mismatch", "truncated"} <= reasons


@pytest.mark.parametrize(
    "member_name,expected",
    [
        (b"manifest.json", {"bad_container", "bad_signature", "unknown_center", "unknown_key"}),
        (b"signature.ed25519", {"bad_signature"}),
        (b"recipients.hpke", {"bad_signature"}),
        (b"payload.bin", {"digest_mismatch"}),
    ],
)
def test_flipped_byte_in_each_member_fails_at_its_step(
    sites, good_bundle, raw, member_name, expected
) -> None:
    body = raw.member(good_bundle, member_name)
    for position in range(len(body)):
        tampered = raw.replace_member(
            good_bundle, member_name, lambda b, p=position: _flipped(b, p, 0x04)
        )
        assert refuse(tampered, sites).reason in expected


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), fix_checksum=st.booleans())
def test_random_flipped_byte_never_opens_and_never_crashes(
    sites, good_bundle, raw, data, fix_checksum
) -> None:
    position = data.draw(st.integers(0, len(good_bundle) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = _flipped(good_bundle, position, mask)
    if fix_checksum and position < len(good_bundle) - 32:
        tampered = raw.reseal(tampered)
    refuse(tampered, sites)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(sites, junk) -> None:
    refuse(junk, sites)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(min_size=1, max_size=600))
def test_arbitrary_bytes_behind_a_valid_header_never_crash(sites, raw, junk) -> None:
    data = raw.magic + b"\x00\x01B" + junk
    refuse(data, sites)
    refuse(raw.reseal(data + bytes(32)), sites)


# --- a folder of mixed files ------------------------------------------------------------------


def test_mixed_folder_good_files_still_open(
    tmp_path: Path, sites, good_bundle, make_records, bundle_fields
) -> None:
    second = build_bundle(
        bundle_fields(seq=8, first_change=161, last_change=170),
        make_records(2),
        sites.center,
        [sites.province.public],
    )
    files = {
        "a-good.jdbundle": good_bundle,
        "b-truncated.jdbundle": good_bundle[:300],
        "c-empty.jdbundle": b"",
        "d-good.jdbundle": second,
        "e-flipped.jdbundle": _flipped(good_bundle, 400, 1),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    outcome = {}
    for path in sorted(tmp_path.iterdir()):
        try:
            opened = open_bundle(
                read_sync_file(path),
                trusted_keys=sites.province_trust().get,
                recipient_private_key=sites.province,
            )
            outcome[path.name] = f"seq {opened.seq}"
        except RejectedFileError as error:
            outcome[path.name] = error.reason
    assert outcome == {
        "a-good.jdbundle": "seq 7",
        "b-truncated.jdbundle": "truncated",
        "c-empty.jdbundle": "empty",
        "d-good.jdbundle": "seq 8",
        "e-flipped.jdbundle": "damaged",
    }


def test_every_reason_is_documented_in_format_md() -> None:
    spec = (Path(__file__).parents[2] / "docs" / "sync-format.md").read_text("utf-8")
    missing = sorted(r for r in REJECTION_REASONS if f"`{r}`" not in spec)
    assert not missing


def test_checksum_is_sha256_of_everything_before_it(good_bundle) -> None:
    assert hashlib.sha256(good_bundle[:-32]).digest() == good_bundle[-32:]
