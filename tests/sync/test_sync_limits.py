"""Limits that hold: what one sync file may cost in memory, measured with ``tracemalloc`` on
real crafted files (docs/sync-format.md §4 and §8, docs/sync.md §5 and §6).

The files are signed with a real enrolled key and sealed to the real province key, so nothing
but the limits stands between them and the importer. Memory is measured, never time: a busy
machine is slow, not wrong.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import sync
from justice_desk.storage import sync_store
from justice_desk.sync import DEFAULT_LIMITS, Kind, Limits, _envelope
from justice_desk.sync.bundle import (
    SLICE_BYTES,
    STRICT_PAYLOAD_BYTES,
    _records_from_plaintext,
    bundle_manifest_fields,
    records_plaintext,
)
from justice_desk.sync.keys import TrustedKey

MiB = 1 << 20


@pytest.fixture
def world(tmp_path: Path) -> Iterator[h.World]:
    w = h.build_world(tmp_path / "w", demo=dict(seed=31, people=8, cases=3, meetings=1))
    yield w
    w.close()


def template(world: h.World, table: str) -> dict[str, Any]:
    """A real record of ``table``, as the center exported it."""
    good = world.export(world.root / "made")
    public = sync.own_public(world.center)
    trust = {str(world.center.site_id): {public.key_id: TrustedKey(public)}}
    bundle = fmt.open_bundle(
        good.path.read_bytes(),
        trusted_keys=trust.get,
        recipient_private_key=sync.own_keys(world.province),
    )
    for r in bundle.records:
        if r.table == table:
            return {
                "table": r.table,
                "id": r.id,
                "op": r.op,
                "rev": r.rev,
                "fields": dict(r.fields),
            }
    raise AssertionError(f"no {table} record")


def seal(
    world: h.World,
    *,
    plaintext: bytes,
    counts: dict[str, int],
    compressed: bytes | None = None,
    plain_size: int | None = None,
    seq: int = 1,
    first: int = 1,
    last: int = 1_000_000,
) -> bytes:
    """A bundle in the center's name, signed with its key, whose payload we choose."""
    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch") or "",
        seq=seq,
        first_change=first,
        last_change=last,
        schema_version=sync.SCHEMA_VERSION,
    )
    return _envelope.seal_compressed(
        Kind.BUNDLE,
        bundle_manifest_fields(fields, counts),
        zlib.compress(plaintext, 6) if compressed is None else compressed,
        len(plaintext) if plain_size is None else plain_size,
        sync.own_keys(world.center),
        [sync.own_public(world.province)],
    )


def of_records(world: h.World, records: list[dict[str, Any]], **kwargs: Any) -> bytes:
    checked = [fmt.Record(**r) for r in records]
    return seal(
        world,
        plaintext=records_plaintext(checked),
        counts=dict(Counter(r.table for r in checked)),
        **kwargs,
    )


def peak_while(work: Callable[[], Any]) -> tuple[Any, int]:
    """What ``work`` returns, and the peak of memory it allocated (bytes)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def drop(world: h.World, name: str, data: bytes) -> Path:
    path = world.root / "stick" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


# --- the importer -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_bundle_at_the_payload_limit_is_imported_within_a_few_hundred_mb(
    world: h.World,
) -> None:
    """As many real people records as the decompressed payload may hold (64 MiB: some 74,000),
    signed by the center: imported, decoded and applied within 400 MB (about 300 measured),
    where the old limits let a file at the caps take gigabytes."""
    person = template(world, "people")
    size = len(json.dumps(person, ensure_ascii=False, separators=(",", ":")).encode()) + 1
    count = min((DEFAULT_LIMITS.max_plain_bytes - 64) // size, DEFAULT_LIMITS.max_records)
    records = [dict(person, id=str(uuid.uuid4())) for _ in range(count)]
    data = of_records(world, records)
    del records
    path = drop(world, "full.jdbundle", data)
    assert len(data) < 8 * MiB  # a small file: the payload compresses well
    del data
    outcomes, peak = peak_while(lambda: world.import_(path))
    assert [(o.status, o.records) for o in outcomes] == [("applied", count)], outcomes
    assert peak < 400 * MiB, f"{peak / MiB:.0f} MiB for {count} records"


def test_a_zlib_bomb_announcing_the_payload_limit_stays_bounded(world: h.World) -> None:
    """A payload that announces exactly the limit (honestly: 64 MiB of zeros, a 65 KB file) is
    inflated, found not to be JSON and refused; memory stays near the payload's size."""
    deflater = zlib.compressobj(9)
    size = DEFAULT_LIMITS.max_plain_bytes
    compressed = deflater.compress(bytes(size)) + deflater.flush()
    data = seal(world, plaintext=b"", compressed=compressed, plain_size=size, counts={"people": 1})
    assert len(data) < MiB
    path = drop(world, "bomb.jdbundle", data)
    (outcome,), peak = peak_while(lambda: world.import_(path))
    assert (outcome.status, outcome.reason) == ("rejected", "bad_payload"), outcome
    assert peak < 3 * size, f"{peak / MiB:.0f} MiB"


def test_a_bundle_announcing_more_than_the_limits_is_refused_before_decrypting(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Announced payload or record count over the limits: refused from the signed manifest,
    nothing decrypted."""
    decrypted: list[int] = []
    real = _envelope.decrypt_payload
    monkeypatch.setattr(
        _envelope, "decrypt_payload", lambda *a, **k: decrypted.append(1) or real(*a, **k)
    )
    empty = records_plaintext([])
    too_big = seal(world, plaintext=empty, plain_size=DEFAULT_LIMITS.max_plain_bytes + 1, counts={})
    too_many = seal(world, plaintext=empty, counts={"people": DEFAULT_LIMITS.max_records + 1})
    outcomes = world.import_(
        drop(world, "a-big.jdbundle", too_big), drop(world, "b-many.jdbundle", too_many)
    )
    assert [(o.status, o.reason) for o in outcomes] == [
        ("rejected", "too_large"),
        ("rejected", "too_large"),
    ]
    assert decrypted == []


def test_more_records_than_the_limit_are_refused_while_reading_when_the_counts_lie(
    world: h.World,
) -> None:
    """The manifest announces one record; the payload holds one more than the limit (tiny
    ones, the cheapest to send and the dearest to keep). Refused as ``too_large`` once the
    limit is passed, within a small multiple of the payload's size."""
    count = DEFAULT_LIMITS.max_records + 1
    body = b",".join(
        b'{"fields":{},"id":"r%d","op":"update","rev":1,"table":"trainings"}' % i
        for i in range(count)
    )
    plaintext = b'{"records":[' + body + b"]}"
    data = seal(world, plaintext=plaintext, counts={"trainings": 1})
    path = drop(world, "tiny.jdbundle", data)
    (outcome,), peak = peak_while(lambda: world.import_(path))
    assert (outcome.status, outcome.reason) == ("rejected", "too_large"), outcome
    assert peak < 4 * len(plaintext) + 64 * MiB, f"{peak / MiB:.0f} MiB"


def test_a_record_over_the_record_limit_is_refused(world: h.World) -> None:
    person = template(world, "people")
    huge = dict(
        person, fields=dict(person["fields"], notes="ก" * (DEFAULT_LIMITS.max_record_bytes))
    )
    records = [dict(person, id=str(uuid.uuid4())) for _ in range(3000)]
    records.insert(1500, dict(huge, id=str(uuid.uuid4())))
    outcome = world.import_one(drop(world, "one-huge.jdbundle", of_records(world, records)))
    assert (outcome.status, outcome.reason) == ("rejected", "too_large"), outcome


def test_a_large_bundle_is_not_read_while_another_is_in_memory(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader runs one file ahead, but not while the file in hand is a large bundle: the
    next is read only once it is stored (so two large bundles are never in memory at once)."""
    events: list[str] = []
    from justice_desk.services.sync import importer

    real_read, real_apply = importer._read_file, importer._decide_and_apply

    def read(path: Path, *args: Any, **kwargs: Any) -> Any:
        events.append(f"read {path.name}")
        return real_read(path, *args, **kwargs)

    def store(session: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        events.append(f"store {path.name}")
        return real_apply(session, path, *args, **kwargs)

    monkeypatch.setattr(importer, "_read_file", read)
    monkeypatch.setattr(importer, "_decide_and_apply", store)
    monkeypatch.setattr(importer, "READ_AHEAD_RECORDS", 10)  # "large": more than 10 records
    first = world.export(world.root / "one")
    from justice_desk.services import people

    people.create_person(world.center, people.PersonInput(given_name="สอง", surname="ทดสอบ"))
    second = world.export(world.root / "two")
    assert len(h.manifest_of(first.path).counts) > 1
    stick = world.root / "stick"
    stick.mkdir()
    (stick / "a.jdbundle").write_bytes(first.path.read_bytes())
    (stick / "b.jdbundle").write_bytes(second.path.read_bytes())
    outcomes = world.import_(stick)
    assert [o.status for o in outcomes] == ["applied", "applied"]
    assert events.index("read b.jdbundle") > events.index("store a.jdbundle"), events


# --- the format layer: the payload a slice at a time -----------------------------------------


def _records(count: int, fields: Callable[[int], dict[str, Any]]) -> list[fmt.Record]:
    return [
        fmt.Record("dispute", f"r{i:07d}", "update", 1 + i % 3, fields(i)) for i in range(count)
    ]


def test_a_payload_of_many_slices_reads_back_exactly() -> None:
    records = _records(40_000, lambda i: {"s": "ข้อพิพาท" * 3, "n": i, "ok": i % 2 == 0})
    plaintext = records_plaintext(records)
    assert len(plaintext) > 3 * SLICE_BYTES
    assert _records_from_plaintext(plaintext, DEFAULT_LIMITS) == tuple(records)


def test_cuts_that_fall_inside_a_string_or_a_nested_value_are_not_taken() -> None:
    """``},{"`` also ends strings and separates objects nested in a value: such a cut does
    not parse, and the next one is tried."""
    records = _records(
        30_000,
        lambda i: {"s": "x" * 40 + '},{"', "nested": [{"a": 1}, {"b": [{"c": "},{"}]}], "n": i},
    )
    plaintext = records_plaintext(records)
    assert _records_from_plaintext(plaintext, DEFAULT_LIMITS) == tuple(records)


def test_records_handed_over_a_slice_at_a_time_are_kept_without_their_fields() -> None:
    records = _records(30_000, lambda i: {"s": "y" * 60, "n": i})
    slices: list[list[fmt.Record]] = []
    kept = _records_from_plaintext(records_plaintext(records), DEFAULT_LIMITS, slices.append)
    assert len(slices) > 1
    assert [r for s in slices for r in s] == records
    assert [(r.table, r.id, r.op, r.rev) for r in kept] == [
        (r.table, r.id, r.op, r.rev) for r in records
    ]
    assert all(not r.fields and not r.extra for r in kept)


def test_a_payload_that_is_not_canonical_is_read_strictly_only_when_small() -> None:
    small = json.dumps({"records": [r.to_dict() for r in _records(3, lambda i: {})]}, indent=2)
    assert len(_records_from_plaintext(small.encode(), DEFAULT_LIMITS)) == 3
    large = json.dumps(
        {"records": [r.to_dict() for r in _records(100_000, lambda i: {"s": "z" * 40})]},
        indent=2,
    ).encode()
    assert len(large) > STRICT_PAYLOAD_BYTES
    with pytest.raises(fmt.BadPayloadError):
        _records_from_plaintext(large, DEFAULT_LIMITS)


@pytest.mark.parametrize("where", ["duplicate key", "record twice"])
def test_a_fault_in_a_late_slice_refuses_the_payload(where: str) -> None:
    records = _records(40_000, lambda i: {"s": "k" * 30})
    plaintext = records_plaintext(records)
    target = b'"id":"r0035000"'
    assert target in plaintext
    if where == "duplicate key":
        bad = plaintext.replace(target, target + b',"id":"r0035000"', 1)
    else:
        bad = plaintext.replace(target, b'"id":"r0000001"', 1)
    with pytest.raises(fmt.BadPayloadError):
        _records_from_plaintext(bad, DEFAULT_LIMITS)


def test_records_over_the_count_limit_are_refused_while_reading() -> None:
    plaintext = records_plaintext(_records(11, lambda i: {}))
    with pytest.raises(fmt.TooLargeError):
        _records_from_plaintext(plaintext, Limits(max_records=10))


def test_a_rev_beyond_64_bits_is_refused_by_the_format() -> None:
    plaintext = records_plaintext([fmt.Record("dispute", "a", "update", 2**63, {})])
    with pytest.raises(fmt.BadPayloadError):
        _records_from_plaintext(plaintext, DEFAULT_LIMITS)


# --- what the database's columns hold ---------------------------------------------------------


def test_the_decoder_refuses_values_the_columns_cannot_hold() -> None:
    """A record whose integer (or rev) does not fit the province's columns is refused on its
    own, by name, before the database sees it: 64 bits on SQLite, 32 on PostgreSQL."""
    sqlite = sync_store.Decoder(sync_store.integer_range("sqlite"))
    postgres = sync_store.Decoder(sync_store.integer_range("postgresql"), nul_in_text=False)
    person_id = str(uuid.uuid4())
    fields = {
        "given_name": "สมชาย",
        "surname": "ใจดี",
        "birth_year": 2**31,
        "owner_id": person_id,
        "created_at": "2026-01-02T03:04:05",
        "updated_at": "2026-01-02T03:04:05",
    }
    assert sqlite.decode("people", person_id, 2**31, dict(fields, birth_year=1980))["rev"] == 2**31
    with pytest.raises(ValueError, match="birth_year"):
        postgres.decode("people", person_id, 1, fields)
    with pytest.raises(ValueError, match="birth_year"):
        sqlite.decode("people", person_id, 1, dict(fields, birth_year=2**63))
    with pytest.raises(ValueError, match="rev"):
        postgres.decode("people", person_id, 2**31, dict(fields, birth_year=1980))
    with pytest.raises(ValueError, match="NUL"):
        postgres.decode("people", person_id, 1, dict(fields, birth_year=1980, surname="a\x00b"))


@pytest.mark.parametrize("indent", [None, 2])
def test_a_record_over_the_record_limit_is_refused_however_the_payload_is_spelt(
    indent: int | None,
) -> None:
    """The limit of one record holds for a canonical payload (cut into slices) and for one
    read whole by the strict reader (indented here): the outside review of session 12 had an
    indented 2 MiB record read."""
    limits = DEFAULT_LIMITS  # 1 MiB a record
    records = [r.to_dict() for r in _records(3, lambda i: {"notes": "ก" * (700_000 if i else 10)})]
    if indent is None:
        plaintext = records_plaintext([fmt.Record(**r) for r in records])
    else:
        plaintext = json.dumps({"records": records}, indent=indent, ensure_ascii=False).encode()
    with pytest.raises(fmt.TooLargeError):
        _records_from_plaintext(plaintext, limits)
    small = json.dumps({"records": records[:1]}, indent=2, ensure_ascii=False).encode()
    assert len(_records_from_plaintext(small, limits)) == 1


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_number_without_a_finite_value_refuses_the_payload_wherever_it_is(number: str) -> None:
    """``1e999`` reads as infinity: refused like ``Infinity`` and ``NaN`` (docs/sync-format.md
    §4), in a record's fields and in a key the format does not know (the outside review of
    session 12 had it taken in an unknown key)."""
    for record in (
        '{"fields":{"n":%s},"id":"a","op":"update","rev":1,"table":"dispute"}',
        '{"fields":{},"id":"a","later":%s,"op":"update","rev":1,"table":"dispute"}',
    ):
        plaintext = ('{"records":[' + record % number + "]}").encode()
        with pytest.raises(fmt.BadPayloadError):
            _records_from_plaintext(plaintext, DEFAULT_LIMITS)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_the_record_limit_is_exact_in_a_canonical_payload(where: str) -> None:
    """A record one byte over the limit is refused wherever the payload's slices fall (the
    outside review of session 12: one that began a slice passed up to a slice longer), and
    one of exactly the limit is read."""
    from justice_desk.sync import _codec

    longest = DEFAULT_LIMITS.max_record_bytes

    def sized(size: int) -> fmt.Record:
        record = fmt.Record("dispute", "big", "update", 1, {"s": ""})
        pad = size - len(_codec.canonical_json(record.to_dict()))
        return fmt.Record("dispute", "big", "update", 1, {"s": "x" * pad})

    small = _records(2_000, lambda i: {"s": "ข้อพิพาท", "n": i})
    at = {"first": 0, "middle": 1_000, "last": 2_000}[where]
    for size, fits in ((longest, True), (longest + 1, False)):
        records = [*small[:at], sized(size), *small[at:]]
        assert len(_codec.canonical_json(records[at].to_dict())) == size
        plaintext = records_plaintext(records)
        if fits:
            assert _records_from_plaintext(plaintext, DEFAULT_LIMITS) == tuple(records)
        else:
            with pytest.raises(fmt.TooLargeError):
                _records_from_plaintext(plaintext, DEFAULT_LIMITS)
