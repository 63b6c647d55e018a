"""The typed way of reading a bundle's records (``justice_desk.sync.TypedFields``, compiled
decoders built from the models by ``sync_store.typed_field_decoders``) gives exactly what the
plain way gives: the same records, the same column values of the same types, the same refusal
of the same record with the same words, the same refusal of the payload; whatever is changed in
a record, and in whichever slice of the payload (docs/sync-format.md §4-§5).

The records are real: the current state of every row of a center with demo data, as the
exporter writes them. Each case is read twice, the plain way and the typed way, for the column
ranges of SQLite and of PostgreSQL, and the outcomes compared in full.
"""

from __future__ import annotations

import copy
import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sync_helpers as h
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justice_desk.services.sync import importer
from justice_desk.storage import sync_store
from justice_desk.sync import DEFAULT_LIMITS, bundle
from justice_desk.sync.bundle import _canonical_encoder, _records_from_plaintext

SQLITE = importer._Columns()
POSTGRES = importer._Columns(sync_store.INT32_RANGE, nul_in_text=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every row of a demo center as the exporter makes it into records, parents first."""
    folder = tmp_path_factory.mktemp("typed")
    with h.data_home(folder / "home"):
        center = h.new_center(folder / "center.sqlite3")
        from justice_desk.services.demo import generate_demo

        generate_demo(center, seed=7, people=12, cases=6, meetings=2)
        records: list[dict[str, Any]] = []
        with center.connect_read() as conn:
            touched = sync_store.changed_rows(conn, 0, sync_store.latest_change(conn))
            for table in sync_store.ordered_tables(touched):
                records.extend(sync_store.current_records(conn, table, touched[table]))
        center.dispose()
    return records


def payload(records: list[dict[str, Any]]) -> bytes:
    """The canonical plaintext the exporter seals (json.dumps, docs/sync-format.md §4)."""
    return json.dumps(
        {"records": records}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def read(
    plaintext: bytes,
    columns: importer._Columns,
    *,
    typed: bool,
    taken: dict[str, int] | None = None,
) -> tuple[Any, ...]:
    """Everything one reading gives: the records kept, the decoded rows (with the type of
    every value), the records refused and why; or the refusal of the payload. ``taken``
    counts the records read each way."""
    decoding = importer._Decoding(columns)
    taken = taken if taken is not None else {}
    taken.update(plain=0, typed=0)

    def plain(records: list[Any]) -> None:
        taken["plain"] += len(records)
        decoding.add(records)

    def typed_records(records: list[Any]) -> None:
        taken["typed"] += len(records)
        decoding.add_typed(records)

    fields = bundle.TypedFields(
        decoding.typed.decoders, typed_records, plain_if=decoding.typed.plain_if
    )
    try:
        kept = _records_from_plaintext(plaintext, DEFAULT_LIMITS, plain, fields if typed else None)
    except Exception as exc:  # noqa: BLE001 - the refusal is part of the outcome compared
        return ("refused", type(exc).__name__, str(exc), getattr(exc, "detail", None))
    result = decoding.result()
    rows = [
        (
            table,
            item.id,
            item.rev,
            item.error,
            None if item.row is None else sorted((k, type(v), v) for k, v in item.row.items()),
        )
        for table, items in result.tables
        for item in items
    ]
    identity = [(r.table, r.id, r.op, r.rev) for r in kept]
    return ("read", identity, rows, result.unknown, result.max_rev)


def same_both_ways(
    plaintext: bytes, columns: importer._Columns, taken: dict[str, int] | None = None
) -> tuple[Any, ...]:
    plain = read(plaintext, columns, typed=False)
    typed = read(plaintext, columns, typed=True, taken=taken)
    assert typed == plain
    return typed


# --- the premise ----------------------------------------------------------------------------


def test_strings_are_encoded_exactly_as_the_canonical_form_writes_them() -> None:
    """The typed way accepts a slice only when encoding what it read gives back its bytes;
    that is the canonical form only if strings come out as ``json.dumps(ensure_ascii=False)``
    writes them: every code point, alone and in company."""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # not encodable as UTF-8: never in a payload
        text = chr(code)
        assert _canonical_encoder.encode(text) == json.dumps(text, ensure_ascii=False).encode()
    mixed = 'ก"\\/\x00\x1f\x7f\u2028\u2029\ufeff😀ข'
    assert _canonical_encoder.encode([mixed, {"b": 1, "a": None}]) == (
        json.dumps([mixed, {"b": 1, "a": None}], ensure_ascii=False, sort_keys=True)
        .replace(", ", ",")
        .replace(": ", ":")
        .encode()
    )


# --- exports read the typed way, with the same result ----------------------------------------


@pytest.mark.parametrize("columns", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
def test_an_export_is_read_the_typed_way_with_the_same_result(
    exported: list[dict[str, Any]], columns: importer._Columns
) -> None:
    tables = {r["table"] for r in exported}
    assert len(tables) >= 15, tables  # the demo covers nearly every syncable table
    taken: dict[str, int] = {}
    outcome = same_both_ways(payload(exported), columns, taken)
    assert outcome[0] == "read"
    assert taken == {"plain": 0, "typed": len(exported)}
    assert all(error == "" for _t, _i, _r, error, _row in outcome[2])


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Slices of about 3 KB, so that a demo export is read in many of them."""
    monkeypatch.setattr(bundle, "SLICE_BYTES", 3_000)
    yield


def test_many_slices_some_read_each_way(exported: list[dict[str, Any]], small_slices: None) -> None:
    records = copy.deepcopy(exported)
    records[len(records) // 2]["fields"]["unknown_column"] = 1  # only this slice is plain
    taken: dict[str, int] = {}
    outcome = same_both_ways(payload(records), SQLITE, taken)
    assert outcome[0] == "read"
    assert taken["plain"] > 0 and taken["typed"] > taken["plain"]


# --- every kind of change, anywhere: the same outcome ---------------------------------------

TRICKY_VALUES: list[Any] = [
    None,
    "",
    "ข้อความ",
    "a\x00b",
    0,
    1,
    -1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63 - 1,
    2**63,
    True,
    False,
    1.0,
    1.5,
    [],
    {},
    "2026-01-02",
    "2026-01-02T03:04:05",
    "2026-01-02T03:04:05.120000",
    "2026-01-02T03:04:05+00:00",
    "2026-01-02T03:04:05Z",
    "2026-01-02T03:04:05+07:00",
    "2026-01-02 03:04:05",
    "2026-1-2",
    "09:30:00",
    "09:30",
    "25:00:00",
    "7c7a2c6e-4a43-4d44-9d0c-3a1b1e0f5c11",
    "7C7A2C6E-4A43-4D44-9D0C-3A1B1E0F5C11",
    "7c7a2c6e4a434d449d0c3a1b1e0f5c11",
    "{7c7a2c6e-4a43-4d44-9d0c-3a1b1e0f5c11}",
]


@st.composite
def changes(draw: st.DrawFn, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with one to three changes of any kind, in any of them."""
    changed = copy.deepcopy(records)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(changed) - 1))
        record = changed[i]
        if set(record) != {"table", "id", "op", "rev", "fields"} or not record["fields"]:
            continue  # a record changed before so much that there is nothing left to change
        kind = draw(
            st.sampled_from(
                [
                    "value",
                    "value",
                    "value",
                    "drop field",
                    "add field",
                    "id",
                    "reference id",
                    "rev",
                    "op",
                    "table",
                    "record key",
                    "drop record key",
                    "listed twice",
                ]
            )
        )
        if kind == "value":
            key = draw(st.sampled_from(sorted(record["fields"])))
            record["fields"][key] = draw(st.sampled_from(TRICKY_VALUES))
        elif kind == "drop field":
            record["fields"].pop(draw(st.sampled_from(sorted(record["fields"]))))
        elif kind == "add field":
            record["fields"][draw(st.sampled_from(["zzz_new", "aaa_new", "owner"]))] = 1
        elif kind == "id":
            spelling = str(record["id"])
            record["id"] = draw(
                st.sampled_from(
                    [spelling.upper(), spelling.replace("-", ""), "not-a-uuid", "bad id"]
                )
            )
        elif kind == "reference id":
            references = [k for k in record["fields"] if k.endswith("_id")]
            if references:
                key = draw(st.sampled_from(references))
                value = record["fields"][key]
                if isinstance(value, str):
                    record["fields"][key] = value.upper()
        elif kind == "rev":
            record["rev"] = draw(st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, "1"]))
        elif kind == "op":
            record["op"] = draw(st.sampled_from(["delete", "purge", "insert", "upsert", 1]))
        elif kind == "table":
            record["table"] = draw(st.sampled_from(["zz_future", "Bad-Name", "cases", "people"]))
        elif kind == "record key":
            record["note"] = "from a newer version"
        elif kind == "drop record key":
            record.pop(draw(st.sampled_from(["table", "id", "op", "rev", "fields"])))
        else:
            changed.insert(draw(st.integers(0, len(changed))), copy.deepcopy(record))
    return changed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_change_anywhere_has_the_same_outcome_both_ways(
    exported: list[dict[str, Any]], small_slices: None, data: st.DataObject
) -> None:
    records = data.draw(changes(exported))
    plaintext = payload(records)
    for columns in (SQLITE, POSTGRES):
        same_both_ways(plaintext, columns)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (lambda r: r["fields"].update(surname="a\x00b"), "NUL"),
        (lambda r: r["fields"].update(birth_year=2**31), "birth_year"),
        (lambda r: r.update(rev=2**31), "rev is"),
        (lambda r: r.update(id=r["id"].upper()), "canonical form"),
        (lambda r: r["fields"].pop("given_name"), "given_name is required"),
        (lambda r: r["fields"].pop("surname"), ""),
        (lambda r: r["fields"].update(sex=None), ""),
        (lambda r: r["fields"].update(sex="robot"), "sex is 'robot'"),
    ],
    ids=[
        "nul",
        "integer",
        "rev",
        "id spelling",
        "required",
        "missing column",
        "null default",
        "enum",
    ],
)
def test_records_the_typed_way_cannot_take_are_refused_by_name_on_postgresql(
    exported: list[dict[str, Any]], small_slices: None, change: Any, refusal: str
) -> None:
    records = copy.deepcopy(exported)
    person = next(r for r in records if r["table"] == "people")
    change(person)
    outcome = same_both_ways(payload(records), POSTGRES)
    assert outcome[0] == "read"
    (found,) = [row for row in outcome[2] if row[0] == "people" and row[1] == person["id"]]
    assert refusal in found[3]
    assert (found[4] is None) == bool(refusal)


def test_a_record_listed_twice_across_slices_refuses_the_payload_both_ways(
    exported: list[dict[str, Any]], small_slices: None
) -> None:
    records = copy.deepcopy(exported)
    records.append(copy.deepcopy(records[3]))
    outcome = same_both_ways(payload(records), SQLITE)
    assert outcome[:2] == ("refused", "BadPayloadError")
    assert "listed twice" in outcome[3]


def test_typed_decoders_cover_every_syncable_table() -> None:
    decoders = sync_store.typed_field_decoders(sync_store.INT32_RANGE)
    assert set(decoders) == set(h.SYNCABLE_TABLES)


def test_ids_of_any_spelling_are_named_as_the_plain_decoder_names_them() -> None:
    good = str(uuid.uuid4())
    values = [good, good.upper(), good.replace("-", ""), "x"]
    assert sync_store.canonical_uuids(values) == [uuid.UUID(good), None, None, None]
    assert sync_store.canonical_uuids([good]) == [uuid.UUID(good)]
    decoder = sync_store.Decoder()
    with pytest.raises(ValueError, match="canonical form"):
        decoder.complete_typed("memberships", good.upper(), None, 1, {})


def test_typed_fields_need_the_plain_callback_too() -> None:
    fields = bundle.TypedFields({}, lambda records: None)
    with pytest.raises(ValueError, match="on_records"):
        _records_from_plaintext(payload([]), DEFAULT_LIMITS, None, fields)


def test_the_slices_a_caller_names_are_read_the_plain_way(
    exported: list[dict[str, Any]],
) -> None:
    plaintext = payload(exported)
    seen: list[str] = []
    fields = bundle.TypedFields(
        sync_store.typed_field_decoders(),
        lambda records: seen.append("typed"),
        plain_if=(b'"table":"cases"',),
    )
    _records_from_plaintext(plaintext, DEFAULT_LIMITS, lambda records: seen.append("plain"), fields)
    assert seen == ["plain"]


def test_deeply_nested_fields_have_the_same_outcome_both_ways(
    exported: list[dict[str, Any]],
) -> None:
    records = copy.deepcopy(exported[:5])
    plaintext = payload(records).replace(
        b'"fields":{', b'"fields":{"deep":' + b"[" * 50_000 + b"]" * 50_000 + b",", 1
    )
    for columns in (SQLITE, POSTGRES):
        assert same_both_ways(plaintext, columns)[0] == "refused"
