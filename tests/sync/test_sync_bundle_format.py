"""Bundles that should open: round trips, atomic writing, what the importer is given."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from justice_desk.sync import (
    FORMAT_VERSION,
    FileExistsSyncError,
    Kind,
    Record,
    build_bundle,
    generate_keyset,
    open_bundle,
    open_bundle_file,
    read_bundle_manifest,
    sniff_kind,
    write_bundle,
)


def test_round_trip_keeps_every_record_and_field(sites, make_records, bundle_fields) -> None:
    records = make_records(20) + make_records(5, table="party")
    data = build_bundle(bundle_fields(), records, sites.center, [sites.province.public])
    opened = open_bundle(
        data, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    assert [r.to_dict() for r in opened.records] == records
    assert all(isinstance(r, Record) for r in opened.records)
    assert opened.records[0].fields["party_name"] == "สมชาย ใจดี"


def test_manifest_carries_what_the_importer_needs(sites, good_bundle) -> None:
    opened = open_bundle(
        good_bundle, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    manifest = opened.manifest
    assert manifest.format_version == FORMAT_VERSION
    assert (opened.center_id, opened.epoch, opened.seq) == ("CJC-0001", "e5f0c1d2a3b4", 7)
    assert (opened.first_change, opened.last_change) == (101, 160)
    assert opened.schema_version == 3
    assert manifest.key_id == sites.center.key_id
    assert dict(manifest.counts) == {"dispute": 3, "party": 2}
    assert manifest.record_count == 5
    assert manifest.recipients == (sites.province.key_id, sites.escrow.key_id)
    assert manifest.created_at == "2024-05-01T09:30:00+07:00"
    assert len(opened.content_digest) == 64 and len(opened.file_sha256) == 64
    assert opened.opened_with == sites.province.key_id


def test_escrow_key_opens_the_same_bundle(sites, good_bundle) -> None:
    by_province = open_bundle(
        good_bundle, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    by_escrow = open_bundle(
        good_bundle, trusted_keys=sites.province_trust().get, recipient_private_key=[sites.escrow]
    )
    assert by_escrow.records == by_province.records
    assert by_escrow.opened_with == sites.escrow.key_id


def test_province_with_several_keys_picks_the_right_one(sites, good_bundle) -> None:
    opened = open_bundle(
        good_bundle,
        trusted_keys=sites.province_trust().get,
        recipient_private_key=[generate_keyset(), sites.province],
    )
    assert opened.opened_with == sites.province.key_id


def test_content_digest_ignores_encryption_but_not_content(
    sites, make_records, bundle_fields
) -> None:
    trust = sites.province_trust().get
    records = make_records(4)

    def digest(fields, recs):
        data = build_bundle(fields, recs, sites.center, [sites.province.public])
        return open_bundle(data, trusted_keys=trust, recipient_private_key=sites.province)

    first = digest(bundle_fields(), records)
    again = digest(bundle_fields(created_at="2030-01-01T00:00:00Z"), records)
    assert first.file_sha256 != again.file_sha256  # fresh HPKE randomness each time
    assert first.content_digest == again.content_digest
    changed = [dict(r) for r in records]
    changed[0] = {**changed[0], "rev": changed[0]["rev"] + 1}
    assert digest(bundle_fields(), changed).content_digest != first.content_digest
    assert digest(bundle_fields(seq=8), records).content_digest != first.content_digest


def test_record_order_and_dict_key_order_do_not_change_the_bytes_signed(
    sites, make_records, bundle_fields
) -> None:
    records = make_records(3)
    reordered = [dict(reversed(list(r.items()))) for r in records]
    trust = sites.province_trust().get
    a = open_bundle(
        build_bundle(bundle_fields(), records, sites.center, [sites.province.public]),
        trusted_keys=trust,
        recipient_private_key=sites.province,
    )
    b = open_bundle(
        build_bundle(bundle_fields(), reordered, sites.center, [sites.province.public]),
        trusted_keys=trust,
        recipient_private_key=sites.province,
    )
    assert a.content_digest == b.content_digest


def test_empty_range_bundle_opens(sites, bundle_fields) -> None:
    data = build_bundle(
        bundle_fields(first_change=161, last_change=160), [], sites.center, [sites.province.public]
    )
    opened = open_bundle(
        data, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    assert opened.records == () and dict(opened.manifest.counts) == {}


def test_unknown_record_keys_are_kept(sites, bundle_fields) -> None:
    record = {
        "table": "note",
        "id": "n-1",
        "op": "insert",
        "rev": 1,
        "fields": {"text": "ok"},
        "added_in_v2": {"x": 1},
    }
    data = build_bundle(bundle_fields(), [record], sites.center, [sites.province.public])
    opened = open_bundle(
        data, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    assert opened.records[0].extra == {"added_in_v2": {"x": 1}}
    assert opened.records[0].to_dict() == record


def test_manifest_is_cleartext_json_without_personal_data(sites, good_bundle, raw) -> None:
    manifest = json.loads(raw.member(good_bundle, b"manifest.json"))
    assert manifest["center"] == "CJC-0001"
    assert "สมชาย" not in good_bundle.decode("utf-8", "replace")
    assert b"party_name" not in good_bundle


def test_read_bundle_manifest_lists_without_keys(good_bundle) -> None:
    manifest = read_bundle_manifest(good_bundle)
    assert (manifest.center_id, manifest.seq) == ("CJC-0001", 7)
    assert sniff_kind(good_bundle) is Kind.BUNDLE
    assert sniff_kind(b"PK\x03\x04 a zip") is None


def test_write_bundle_into_a_folder_names_the_file(
    tmp_path: Path, sites, make_records, bundle_fields
) -> None:
    path = write_bundle(
        tmp_path, bundle_fields(), make_records(2), sites.center, [sites.province.public]
    )
    assert path.parent == tmp_path
    assert path.name == "CJC-0001-e5f0c1d2-000007.jdbundle"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    opened = open_bundle_file(
        path, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    assert len(opened.records) == 2


def test_write_bundle_to_a_path(tmp_path: Path, sites, make_records, bundle_fields) -> None:
    target = tmp_path / "out.jdbundle"
    assert (
        write_bundle(
            target, bundle_fields(), make_records(1), sites.center, [sites.province.public]
        )
        == target
    )
    assert sniff_kind(target.read_bytes()) is Kind.BUNDLE


def test_write_bundle_never_replaces_an_existing_file(
    tmp_path: Path, sites, make_records, bundle_fields
) -> None:
    path = write_bundle(
        tmp_path, bundle_fields(), make_records(1), sites.center, [sites.province.public]
    )
    before = path.read_bytes()
    with pytest.raises(FileExistsSyncError):
        write_bundle(
            tmp_path, bundle_fields(), make_records(2), sites.center, [sites.province.public]
        )
    assert path.read_bytes() == before
    write_bundle(
        path,
        bundle_fields(),
        make_records(2),
        sites.center,
        [sites.province.public],
        overwrite=True,
    )
    assert path.read_bytes() != before


def test_failed_write_leaves_nothing(
    tmp_path: Path, sites, make_records, bundle_fields, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pulled_stick(*_args, **_kwargs):
        raise OSError("device removed")

    monkeypatch.setattr(os, "fsync", pulled_stick)
    with pytest.raises(OSError):
        write_bundle(
            tmp_path, bundle_fields(), make_records(1), sites.center, [sites.province.public]
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"table": "dispute", "id": "x", "op": "upsert", "rev": 1, "fields": {}},
        {"table": "dispute", "id": "x", "op": "insert", "rev": -1, "fields": {}},
        {"table": "dispute", "id": "x", "op": "insert", "rev": True, "fields": {}},
        {"table": "dis pute", "id": "x", "op": "insert", "rev": 1, "fields": {}},
        {"table": "dispute", "id": "../x", "op": "insert", "rev": 1, "fields": {}},
        {"table": "dispute", "id": "x", "op": "insert", "rev": 1},
        {"table": "dispute", "id": "x", "op": "insert", "rev": 1, "fields": {"n": float("nan")}},
        {"table": "dispute", "id": "x", "op": "insert", "rev": 1, "fields": {"b": b"bytes"}},
    ],
)
def test_exporter_bugs_are_caught_when_writing(sites, bundle_fields, bad) -> None:
    with pytest.raises((ValueError, TypeError)):
        build_bundle(bundle_fields(), [bad], sites.center, [sites.province.public])


def test_a_record_twice_is_an_exporter_bug(sites, make_records, bundle_fields) -> None:
    record = make_records(1)[0]
    with pytest.raises(ValueError):
        build_bundle(bundle_fields(), [record, record], sites.center, [sites.province.public])


@pytest.mark.parametrize(
    "overrides",
    [
        {"center_id": "../etc"},
        {"epoch": ""},
        {"seq": 0},
        {"first_change": 0},
        {"first_change": 10, "last_change": 8},
        {"schema_version": -1},
    ],
)
def test_bad_manifest_fields_are_caught_when_writing(sites, bundle_fields, overrides) -> None:
    with pytest.raises(ValueError):
        build_bundle(bundle_fields(**overrides), [], sites.center, [sites.province.public])


def test_recipients_are_required_and_unique(sites, bundle_fields) -> None:
    with pytest.raises(ValueError):
        build_bundle(bundle_fields(), [], sites.center, [])
    with pytest.raises(ValueError):
        build_bundle(
            bundle_fields(), [], sites.center, [sites.province.public, sites.province.public]
        )


def test_previous_epochs_travel_in_the_manifest(sites, make_records, bundle_fields) -> None:
    data = build_bundle(
        bundle_fields(previous_epochs=("a1b2c3d4", "e5f6a7b8")),
        make_records(2),
        sites.center,
        [sites.province.public],
    )
    assert read_bundle_manifest(data).previous_epochs == ("a1b2c3d4", "e5f6a7b8")
    none_left = build_bundle(
        bundle_fields(), make_records(2), sites.center, [sites.province.public]
    )
    assert read_bundle_manifest(none_left).previous_epochs == ()


def test_a_manifest_without_previous_epochs_still_opens(sites, make_records, bundle_fields) -> None:
    """Bundles written before the field existed: it reads as 'not said' (None)."""
    from justice_desk.sync import _envelope
    from justice_desk.sync.bundle import bundle_manifest_fields, records_plaintext

    records = [Record(**r) for r in make_records(2)]
    manifest = bundle_manifest_fields(bundle_fields(), {"dispute": 2})
    del manifest["previous_epochs"]
    data = _envelope.seal(
        Kind.BUNDLE, manifest, records_plaintext(records), sites.center, [sites.province.public]
    )
    opened = open_bundle(
        data, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
    )
    assert opened.manifest.previous_epochs is None and len(opened.records) == 2


@pytest.mark.parametrize("bad", [("e5f0c1d2a3b4",), ("not an id!",)])
def test_previous_epochs_are_checked_when_writing(sites, make_records, bundle_fields, bad) -> None:
    with pytest.raises(ValueError):
        build_bundle(
            bundle_fields(previous_epochs=bad),
            make_records(1),
            sites.center,
            [sites.province.public],
        )


@pytest.mark.parametrize("bad", ["e5f0c1d2a3b4", ["bad id!"], ["e5f0c1d2a3b4"], [1]])
def test_a_bad_previous_epochs_field_is_refused_when_reading(
    sites, make_records, bundle_fields, bad
) -> None:
    from justice_desk.sync import RejectedFileError, _envelope
    from justice_desk.sync.bundle import bundle_manifest_fields, records_plaintext

    records = [Record(**r) for r in make_records(1)]
    manifest = bundle_manifest_fields(bundle_fields(), {"dispute": 1})
    manifest["previous_epochs"] = bad
    data = _envelope.seal(
        Kind.BUNDLE, manifest, records_plaintext(records), sites.center, [sites.province.public]
    )
    with pytest.raises(RejectedFileError) as refused:
        open_bundle(
            data, trusted_keys=sites.province_trust().get, recipient_private_key=sites.province
        )
    assert refused.value.reason == "bad_container"
