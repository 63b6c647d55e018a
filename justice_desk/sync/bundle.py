"""Sync bundles: a center's changes, signed by the center and sealed to the province.

A bundle covers the change-log range ``first_change..last_change`` of one center database
(identified by ``epoch``, which is new after a restore from backup) and carries the current
state of every record that range touched. Its cleartext manifest holds no personal data; the
records are compressed and sealed with HPKE to the province (and an optional escrow key).

This module only checks what a file can prove by itself (docs/sync.md §6, steps 1-6).
Whether a bundle is a replay, a duplicate, a gap or the same seq with different content is
decided by the importer with the database, using :attr:`VerifiedBundle.content_digest`,
``center_id``, ``epoch``, ``seq`` and the change range.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, NamedTuple, Protocol, cast

import msgspec
import orjson

from justice_desk import __version__
from justice_desk.sync import _codec, _envelope
from justice_desk.sync._files import write_atomically
from justice_desk.sync.container import DEFAULT_LIMITS, SUFFIXES, Kind, Limits, read_sync_file
from justice_desk.sync.exceptions import (
    BadPayloadError,
    CountMismatchError,
    FileExistsSyncError,
    SyncError,
    TooLargeError,
)
from justice_desk.sync.keys import KeySet, PublicKeySet, TrustLookup

#: Change-log operations a record can carry (docs/sync.md §2: deletes are tombstones, a PDPA
#: erasure is a purge that blanks the fields and is itself a logged change).
OPS: frozenset[str] = frozenset({"insert", "update", "delete", "purge"})
BUNDLE_SUFFIX = SUFFIXES[Kind.BUNDLE]
_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_RECORD_KEYS = ("table", "id", "op", "rev", "fields")
_MAX_TABLES = 1000


class Record(NamedTuple):
    """The current state of one record touched by the bundle's change range.

    ``extra`` holds keys this version does not know, kept so a newer center's data survives
    an older reader (schema changes are additive, docs/sync.md §10). A named tuple rather than
    a frozen dataclass: every record of every bundle makes one (two while it is read), and a
    tuple is four times cheaper to build. The default mappings are shared and read-only.
    """

    table: str
    id: str
    op: str
    rev: int
    fields: Mapping[str, Any] = MappingProxyType({})
    extra: Mapping[str, Any] = MappingProxyType({})

    def to_dict(self) -> dict[str, Any]:
        """The record as the plain dict ``{table, id, op, rev, fields}`` (plus unknown keys)."""
        result = dict(self.extra)
        result.update(
            table=self.table, id=self.id, op=self.op, rev=self.rev, fields=dict(self.fields)
        )
        return result


@dataclass(frozen=True)
class AuditSummary:
    """What a bundle says of the center's audit trail (optional manifest field ``audit``):
    how many entries it holds, the last entry's hash, and whether the center found the chain
    whole when it exported. The office keeps the newest per center and sees when a trail
    breaks or shrinks (docs/sync-format.md §5)."""

    count: int
    last_hash: str
    whole: bool


@dataclass(frozen=True)
class BundleFields:
    """What the exporting service knows about the bundle; the rest is computed when writing."""

    center_id: str
    epoch: str
    seq: int
    first_change: int
    last_change: int
    schema_version: int
    created_at: datetime | str | None = None  # shown to people only, never trusted
    app_version: str = __version__
    #: Epochs this center's database has left (restores from backup), oldest first.
    previous_epochs: tuple[str, ...] = ()
    #: In an epoch started by a restore: when the backup's last change was made (ISO, the
    #: center's clock). A record the province holds from after that was lost by the restore.
    restored_after: str | None = None
    #: The center's audit trail when the bundle was made; ``None``: not said.
    audit: AuditSummary | None = None


#: At most this many previous epochs travel in a manifest (the newest ones).
MAX_PREVIOUS_EPOCHS = 64


@dataclass(frozen=True)
class BundleManifest:
    """The cleartext manifest. From :func:`read_bundle_manifest` it is *unverified*."""

    format_version: int
    schema_version: int
    center_id: str
    key_id: str
    epoch: str
    seq: int
    first_change: int
    last_change: int
    counts: Mapping[str, int]
    payload_sha256: str
    plain_size: int
    recipients: tuple[str, ...]
    created_at: str
    app_version: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Epochs the center left before ``epoch``; ``None`` from an app that did not send them.
    previous_epochs: tuple[str, ...] | None = None
    #: See :attr:`BundleFields.restored_after`; ``None`` when not a restored epoch (or unsaid).
    restored_after: str | None = None
    #: See :attr:`BundleFields.audit`; ``None`` from an app that did not send it.
    audit: AuditSummary | None = None

    @property
    def record_count(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every check this layer can make without the database."""

    manifest: BundleManifest
    records: tuple[Record, ...]
    #: SHA-256 over center, epoch, seq, range and the records: equal for a re-sent bundle even
    #: though its encryption differs; differs for "same seq, different content".
    content_digest: str
    #: SHA-256 of the raw file, for "this exact file was already imported".
    file_sha256: str
    #: Which of the caller's keys opened it (the province key, or the escrow key).
    opened_with: str

    @property
    def center_id(self) -> str:
        return self.manifest.center_id

    @property
    def epoch(self) -> str:
        return self.manifest.epoch

    @property
    def seq(self) -> int:
        return self.manifest.seq

    @property
    def first_change(self) -> int:
        return self.manifest.first_change

    @property
    def last_change(self) -> int:
        return self.manifest.last_change

    @property
    def schema_version(self) -> int:
        return self.manifest.schema_version


# --- records ----------------------------------------------------------------------------------


def _record_from_input(value: Record | Mapping[str, Any]) -> Record:
    """Accept a :class:`Record` or a plain dict from the exporter; a bad one is a bug there."""
    if isinstance(value, Record):
        record = value
    else:
        missing = [k for k in _RECORD_KEYS if k not in value]
        if missing:
            raise ValueError(f"record lacks {missing}: {value!r:.200}")
        record = Record(
            table=value["table"],
            id=value["id"],
            op=value["op"],
            rev=value["rev"],
            fields=value["fields"],
            extra={k: v for k, v in value.items() if k not in _RECORD_KEYS},
        )
    if not isinstance(record.table, str) or not _TABLE.fullmatch(record.table):
        raise ValueError(f"bad table name {record.table!r}")
    _codec.check_ident(record.id, "record id")
    if record.op not in OPS:
        raise ValueError(f"bad op {record.op!r}; expected one of {sorted(OPS)}")
    if not isinstance(record.rev, int) or isinstance(record.rev, bool) or record.rev < 0:
        raise ValueError(f"bad rev {record.rev!r}")
    if not isinstance(record.fields, Mapping) or not all(isinstance(k, str) for k in record.fields):
        raise ValueError("fields must be a mapping with string keys")
    return record


def records_plaintext(records: Sequence[Record]) -> bytes:
    """The payload before compression: canonical JSON, so equal records give equal bytes."""
    return _codec.canonical_json({"records": [r.to_dict() for r in records]})


#: A record as kept when the caller takes the records as they are read (``on_records`` of
#: :func:`open_bundle`): its identity and ``rev``, without its fields.
_NO_FIELDS: Mapping[str, Any] = MappingProxyType({})
#: What a canonical payload starts and ends with, and the bytes between two of its records.
_PREFIX = b'{"records":['
_SUFFIX = b"]}"
_NEXT_RECORD = b'},{"'
#: A canonical payload is parsed about this many bytes at a time, so reading it never holds
#: more than one slice of parsed JSON at once besides what the caller keeps. Each slice is
#: parsed and checked by a call that holds Python's lock throughout (msgspec), so the
#: province's import, which writes on another thread meanwhile, gets the lock back sooner
#: after each answer of the database with smaller slices: 256 KiB against 1 MiB gained 1-2
#: points of benchmarks/bench_sync_postgres.py, with the shorter switch interval of
#: services/sync/importer (docs/sync.md §6).
SLICE_BYTES = 256 << 10
#: Candidate ends of a slice tried before the payload is refused: a ``},{"`` can also end a
#: string value, which the parse of the slice then shows.
_SLICE_ATTEMPTS = 16
#: A payload that is not canonical JSON is parsed whole by the strict reader, which needs many
#: times its size in memory: only up to this size (every writer of the format is canonical).
STRICT_PAYLOAD_BYTES = 8 << 20

RecordsCallback = Callable[[list[Record]], None]


class TypedRecord(Protocol):
    """A record whose ``fields`` a caller's decoder read straight into typed values (see
    :class:`TypedFields`): ``fields`` is what that decoder returned."""

    table: str
    id: str
    op: str
    rev: int
    fields: dict[str, Any]


TypedRecordsCallback = Callable[[list[TypedRecord]], None]


@dataclass(frozen=True)
class TypedFields:
    """How a caller wants the records of the tables it knows: their ``fields`` decoded in one
    pass by compiled decoders (msgspec) instead of as plain JSON and then value by value.

    ``decoders``: per table, a function turning the JSON bytes of a record's ``fields`` into
    the caller's values (a ``msgspec.json.Decoder``'s ``decode``), raising
    ``msgspec.DecodeError`` (or ``msgspec.ValidationError``) for anything it does not take.
    A slice of the payload is handed to ``on_records`` this way only when every record in it
    passes the checks of docs/sync-format.md §5, is of a table in ``decoders``, has fields the
    decoder takes, has no key besides ``table, id, op, rev, fields``, and the slice is exactly
    the canonical encoding of what was decoded (so nothing was dropped, duplicated or read
    differently: the same rule as for plain slices). Any other slice is read as before and
    handed to the plain ``on_records`` of :func:`open_bundle`, whose checks and refusals are
    the format's; so the outcome of a file never depends on which way a slice went. A slice
    holding any of ``plain_if`` (bytes of the payload, such as an escaped NUL character for a
    database that cannot store one) is always read the plain way."""

    decoders: Mapping[str, Callable[[Any], dict[str, Any]]]
    on_records: TypedRecordsCallback
    plain_if: tuple[bytes, ...] = ()


class _TypedEnvelope(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One record of a slice read the typed way. Its fields are in canonical (sorted) order, so
    that encoding a list of them again gives the canonical bytes; ``fields`` holds the raw JSON
    until the caller's decoder replaces it with its values."""

    fields: msgspec.Raw
    id: str
    op: Literal["insert", "update", "delete", "purge"]
    rev: Annotated[int, msgspec.Meta(ge=0, le=_codec.MAX_COUNTER)]
    table: str


_typed_slice_decoder = msgspec.json.Decoder(list[_TypedEnvelope])
#: Sorted keys, no spaces, strings escaped exactly as ``json.dumps(ensure_ascii=False)`` does
#: (every code point checked in tests/sync/test_sync_typed_reading.py): docs/sync-format.md §4.
_canonical_encoder = msgspec.json.Encoder(order="sorted")


def _records_from_plaintext(
    plaintext: bytes,
    limits: Limits,
    on_records: RecordsCallback | None = None,
    typed: TypedFields | None = None,
) -> tuple[Record, ...]:
    """The payload's records, checked (docs/sync-format.md §5), a slice at a time.

    With ``on_records`` each slice of records is handed over as soon as it is checked and
    only the records' identity (table, id, op, rev) is kept and returned, so a large bundle
    is never held in memory twice. With ``typed`` too, the slices it can take are read by
    its decoders and handed to its own ``on_records`` instead (:class:`TypedFields`)."""
    if typed is not None and on_records is None:
        raise ValueError("typed fields need on_records for the slices read the plain way")
    records: list[Record] = []
    seen: set[tuple[str, str]] = set()
    table_ok = _TABLE.fullmatch
    id_ok = _codec.ID_PATTERN.fullmatch
    max_counter = _codec.MAX_COUNTER
    max_records = limits.max_records
    index = 0
    for raw_records, is_typed in _payload_slices(plaintext, limits, typed):
        if index + len(raw_records) > max_records:
            raise TooLargeError(f"more than {max_records} records", what=f"> {max_records} records")
        if is_typed:
            assert typed is not None
            typed_records = cast(list[TypedRecord], raw_records)
            if _take_typed(typed_records, seen, records):
                index += len(typed_records)
                del raw_records
                typed.on_records(typed_records)
                del typed_records
                continue
            # A record listed twice: the plain checks below name it (every other check of
            # this slice passed), from slice values that never were typed.
            raw_records = _plain_list(plaintext, raw_records)
        checked: list[Record] = []
        # The checks of FieldReader (type, presence, range of each member), written out: this
        # loop runs for every record of every bundle and is most of the reading time.
        for raw in raw_records:
            if type(raw) is not dict:
                raise BadPayloadError(f"payload: record {index} is not an object")
            try:
                table, record_id, op, rev, fields = (
                    raw["table"],
                    raw["id"],
                    raw["op"],
                    raw["rev"],
                    raw["fields"],
                )
            except KeyError as exc:
                raise BadPayloadError(
                    f"payload: record {index}: missing field {exc.args[0]!r}"
                ) from None
            if type(table) is not str or not table_ok(table):
                raise BadPayloadError(f"payload: record {index}: bad table name")
            if type(record_id) is not str or not id_ok(record_id):
                raise BadPayloadError(f"payload: record {index}: field 'id' is not a valid id")
            if type(op) is not str or op not in OPS:
                raise BadPayloadError(
                    f"payload: record {index}: unknown op {_codec.printable(str(op))}"
                )
            # A rev is stored in a 64-bit column: a larger one is refused here, by name, not
            # by the database in the middle of an import.
            if type(rev) is not int or not 0 <= rev <= max_counter:
                raise BadPayloadError(
                    f"payload: record {index}: field 'rev' is not an integer in 0..{max_counter}"
                )
            if type(fields) is not dict:
                raise BadPayloadError(f"payload: record {index}: field 'fields' is not an object")
            key = (table, record_id)
            if key in seen:
                raise BadPayloadError(f"payload: record {index}: record listed twice")
            seen.add(key)
            if on_records is None:
                extra = (
                    {k: v for k, v in raw.items() if k not in _RECORD_KEYS} if len(raw) != 5 else {}
                )
                records.append(Record(table, record_id, op, rev, fields, extra))
            else:
                checked.append(Record(table, record_id, op, rev, fields, _NO_FIELDS))
                records.append(Record(table, record_id, op, rev, _NO_FIELDS, _NO_FIELDS))
            index += 1
        del raw_records
        if on_records is not None and checked:
            on_records(checked)
    return tuple(records)


def _take_typed(
    typed_records: list[TypedRecord], seen: set[tuple[str, str]], records: list[Record]
) -> bool:
    """Check a typed slice's records against each other and the slices before (each record
    listed once) and keep their identity in ``records``; ``False``, with nothing kept, when
    one is listed twice."""
    keys = [(r.table, r.id) for r in typed_records]
    if len(set(keys)) != len(keys) or not seen.isdisjoint(keys):
        return False
    seen.update(keys)
    records.extend(
        [Record(r.table, r.id, r.op, r.rev, _NO_FIELDS, _NO_FIELDS) for r in typed_records]
    )
    return True


def _plain_list(plaintext: bytes, typed_records: list[Any]) -> list[Any]:
    """The plain values of a slice that was read the typed way (to name what is wrong in it)."""
    envelopes = cast(list[_TypedEnvelope], typed_records)
    part = _canonical_encoder.encode(envelopes)  # exactly the slice's bytes (checked)
    values = orjson.loads(part)
    assert isinstance(values, list)
    return values


def _payload_slices(
    plaintext: bytes, limits: Limits, typed: TypedFields | None = None
) -> Iterator[tuple[list[Any], bool]]:
    """The payload's ``records`` list, parsed a slice of about :data:`SLICE_BYTES` at a time,
    each with whether it was read the typed way (``typed``, see :class:`TypedFields`).

    A canonical payload (what every writer makes) is cut between two records: each slice is
    parsed on its own and accepted only when it encodes back to exactly its bytes, so together
    the slices are exactly the payload (a cut inside a string or a nested value does not
    parse, and the next possible cut is tried). Any other valid JSON up to
    :data:`STRICT_PAYLOAD_BYTES` is parsed whole by the strict reader."""
    end = len(plaintext) - len(_SUFFIX)
    if (
        len(plaintext) < len(_PREFIX) + len(_SUFFIX)
        or not plaintext.startswith(_PREFIX)
        or not plaintext.endswith(_SUFFIX)
    ):
        yield _strict_records(plaintext, limits), False
        return
    position = len(_PREFIX)
    longest = limits.max_record_bytes
    while position < end:
        values = None
        if position + SLICE_BYTES >= end:
            stop = end
            values = _canonical_list(plaintext, position, stop, typed)
        else:
            window = min(end, position + SLICE_BYTES + longest)
            cut = plaintext.find(_NEXT_RECORD, position + SLICE_BYTES, window)
            attempts = 0
            while cut >= 0 and attempts < _SLICE_ATTEMPTS:
                stop = cut + 1
                values = _canonical_list(plaintext, position, stop, typed)
                if values is not None:
                    break
                attempts += 1
                cut = plaintext.find(_NEXT_RECORD, cut + 1, window)
            if values is None and window == end:
                stop = end
                values = _canonical_list(plaintext, position, stop, typed)
            elif values is None and cut < 0 and attempts == 0:
                raise _record_too_long(longest)
        if values is None:
            if position == len(_PREFIX):
                # Nothing handed over yet: valid JSON that is not canonical is read strictly.
                yield _strict_records(plaintext, limits), False
                return
            raise BadPayloadError("payload: not canonical JSON (docs/sync-format.md §4)")
        if stop - position > longest:
            # Only a slice longer than the limit can hold a record longer than it: each of its
            # records is measured (the cut alone would let one through up to a slice longer).
            _check_record_sizes(values, longest)
        yield values
        position = stop + 1  # past the comma between two records


def _record_too_long(longest: int) -> TooLargeError:
    return TooLargeError(
        f"payload: a record longer than {longest} bytes", what=f"> {longest} bytes in one record"
    )


def _check_record_sizes(values: tuple[list[Any], bool], longest: int) -> None:
    """``TooLargeError`` when a record of a canonical slice (:func:`_canonical_list`) is longer
    than ``longest`` bytes: each measured as the canonical bytes the slice was checked to be."""
    records, typed = values
    for record in records:
        size = (
            len(_canonical_encoder.encode(record))
            if typed
            else len(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))
        )
        if size > longest:
            raise _record_too_long(longest)


def _canonical_list(
    plaintext: bytes, start: int, stop: int, typed: TypedFields | None = None
) -> tuple[list[Any], bool] | None:
    """``plaintext[start:stop]`` as the items of a canonical JSON list, read the typed way
    when ``typed`` can (then ``True``), or ``None``."""
    part = b"[" + plaintext[start:stop] + b"]"
    if typed is not None:
        read = _typed_list(part, typed)
        if read is not None:
            return read, True
    try:
        value = orjson.loads(part)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not list or orjson.dumps(value, option=orjson.OPT_SORT_KEYS) != part:
        return None
    return value, False


def _typed_list(part: bytes, typed: TypedFields) -> list[Any] | None:
    """The records of the canonical JSON list ``part`` with their fields read by ``typed``'s
    decoders, or ``None`` when any check fails (the slice is then read the plain way, whose
    checks name the problem): see :class:`TypedFields`."""
    for marker in typed.plain_if:
        if marker in part:
            return None
    decoders = typed.decoders
    id_ok = _codec.ID_PATTERN.fullmatch
    try:
        envelopes = _typed_slice_decoder.decode(part)
        for envelope in envelopes:
            decode = decoders.get(envelope.table)
            if decode is None or id_ok(envelope.id) is None:
                return None
            envelope.fields = decode(envelope.fields)  # type: ignore[assignment]
    except (msgspec.DecodeError, RecursionError):
        return None
    # Exactly the canonical encoding of what was read: no key dropped (an unknown field, a
    # duplicate), no value read differently, no other spelling (docs/sync-format.md §4).
    if _canonical_encoder.encode(envelopes) != part:
        return None
    return envelopes


def _strict_records(plaintext: bytes, limits: Limits) -> list[Any]:
    """The ``records`` of a payload that is not canonical JSON, by the strict reader."""
    if len(plaintext) > STRICT_PAYLOAD_BYTES:
        raise BadPayloadError(
            f"payload: {len(plaintext)} bytes that are not canonical JSON "
            f"(more than {STRICT_PAYLOAD_BYTES} must be canonical, docs/sync-format.md §4)"
        )
    document = _codec.parse_json_object(plaintext, BadPayloadError, "payload")
    top = _codec.FieldReader(document, BadPayloadError, "payload")
    records = top.items("records", max_items=limits.max_records)
    # The limit of one record is on its canonical bytes, however the payload spells it (a
    # canonical payload is held to it while it is cut into slices): the outside review of
    # session 12 sent a 2 MiB record indented, and it was read.
    longest = limits.max_record_bytes
    for record in records:
        # (A lone surrogate is counted, not refused here: its record is refused by name.)
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > longest:
            raise _record_too_long(longest)
    return records


def content_digest(fields: BundleManifest | BundleFields, plaintext: bytes) -> str:
    """SHA-256 identifying what a bundle says, independent of compression and encryption."""
    identity = _codec.canonical_json(
        {
            "center": fields.center_id,
            "epoch": fields.epoch,
            "seq": fields.seq,
            "first": fields.first_change,
            "last": fields.last_change,
        }
    )
    digest = hashlib.sha256(_envelope.label(Kind.BUNDLE, "content"))
    digest.update(len(identity).to_bytes(4, "big") + identity)
    digest.update(plaintext)
    return digest.hexdigest()


# --- writing ----------------------------------------------------------------------------------


def bundle_manifest_fields(fields: BundleFields, counts: Mapping[str, int]) -> dict[str, Any]:
    """The bundle-specific manifest fields (the envelope adds key, recipients and digests)."""
    _codec.check_ident(fields.center_id, "center id")
    _codec.check_ident(fields.epoch, "epoch")
    for name in ("seq", "first_change", "last_change", "schema_version"):
        value = getattr(fields, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    if fields.seq < 1 or fields.first_change < 1:
        raise ValueError("seq and first_change start at 1")
    if fields.last_change < fields.first_change - 1:
        raise ValueError("last_change is before first_change - 1 (the empty range)")
    previous = list(fields.previous_epochs)[-MAX_PREVIOUS_EPOCHS:]
    for epoch in previous:
        _codec.check_ident(epoch, "previous epoch")
    if fields.epoch in previous:
        raise ValueError("the current epoch cannot be one of the previous ones")
    manifest: dict[str, Any] = {
        "schema": fields.schema_version,
        "center": fields.center_id,
        "epoch": fields.epoch,
        "seq": fields.seq,
        "first": fields.first_change,
        "last": fields.last_change,
        "counts": dict(sorted(counts.items())),
        "created_at": _codec.display_timestamp(fields.created_at),
        "app": _codec.check_text(fields.app_version, "app version", max_length=64),
        "previous_epochs": previous,
    }
    if fields.restored_after:
        manifest["restored_after"] = _codec.check_text(
            fields.restored_after, "restored after", max_length=64
        )
    if fields.audit is not None:
        a = fields.audit
        if a.count < 0 or len(a.last_hash) != 64:
            raise ValueError("bad audit summary")
        manifest["audit"] = {"count": a.count, "last": a.last_hash, "whole": bool(a.whole)}
    return manifest


@dataclass(frozen=True)
class BundleContent:
    """A bundle's records, checked and serialised once (see :func:`prepare_records`): the
    plaintext it seals, whatever its number, so the exporter can know the content digest before
    it picks the number and seals."""

    plaintext: bytes
    counts: Mapping[str, int]

    @property
    def record_count(self) -> int:
        return sum(self.counts.values())

    def digest(self, fields: BundleFields) -> str:
        """The content digest the province will compute for this content under ``fields``."""
        return content_digest(fields, self.plaintext)


def prepare_records(records: Iterable[Record | Mapping[str, Any]]) -> BundleContent:
    """Check records (dicts ``{table, id, op, rev, fields}`` or :class:`Record`) and make the
    canonical plaintext: equal records in the same order give equal bytes."""
    checked = [_record_from_input(r) for r in records]
    if len({(r.table, r.id) for r in checked}) != len(checked):
        raise ValueError("a record appears twice; a bundle carries each record's state once")
    return BundleContent(records_plaintext(checked), dict(Counter(r.table for r in checked)))


def build_bundle(
    manifest_fields: BundleFields,
    records: Iterable[Record | Mapping[str, Any]] | BundleContent,
    signing_key: KeySet,
    recipients: Sequence[PublicKeySet],
) -> bytes:
    """Make the bytes of a bundle (see :func:`write_bundle`)."""
    content = records if isinstance(records, BundleContent) else prepare_records(records)
    if manifest_fields.last_change < manifest_fields.first_change and content.counts:
        raise ValueError("an empty change range cannot carry records")
    manifest = bundle_manifest_fields(manifest_fields, content.counts)
    return _envelope.seal(Kind.BUNDLE, manifest, content.plaintext, signing_key, recipients)


def bundle_file_name(center_id: str, epoch: str, seq: int) -> str:
    """``<center>-<epoch prefix>-<seq>.jdbundle``: sorts by seq, differs after a restore."""
    return f"{center_id}-{epoch[:8]}-{seq:06d}{BUNDLE_SUFFIX}"


def write_bundle(
    path_or_dir: str | os.PathLike[str],
    manifest_fields: BundleFields,
    records: Iterable[Record | Mapping[str, Any]] | BundleContent,
    signing_key: KeySet,
    recipients: Sequence[PublicKeySet],
    *,
    overwrite: bool = False,
    replace_same: bool = False,
) -> Path:
    """Write a signed, sealed bundle atomically and return its path.

    ``path_or_dir``: a file path, or an existing folder (the name is then
    :func:`bundle_file_name`). ``records``: dicts ``{table, id, op, rev, fields}`` (or
    :class:`Record`), fields holding JSON values only, or a :class:`BundleContent`.
    ``recipients``: the province's public keys first, then any escrow key. An existing file is
    never replaced unless ``overwrite``, or, with ``replace_same`` (the caller knows the
    content is the one this number had), unless it is a bundle of the same signer, center,
    epoch, number, range and counts (:func:`is_same_bundle`): the file of an export that was
    killed before it could record it.
    """
    content = records if isinstance(records, BundleContent) else prepare_records(records)
    data = build_bundle(manifest_fields, content, signing_key, recipients)
    target = Path(path_or_dir)
    if target.is_dir():
        target = target / bundle_file_name(
            manifest_fields.center_id, manifest_fields.epoch, manifest_fields.seq
        )
    if not overwrite and replace_same and target.is_file():
        overwrite = is_same_bundle(target, manifest_fields, content, signing_key.public)
    try:
        return write_atomically(target, data, mode=0o644, overwrite=overwrite)
    except FileExistsError:
        raise FileExistsSyncError(str(target), path=str(target)) from None


def is_same_bundle(
    path: str | os.PathLike[str],
    manifest_fields: BundleFields,
    content: BundleContent,
    signer: PublicKeySet,
) -> bool:
    """Whether the file at ``path`` is a whole, untouched bundle signed by ``signer`` for the
    center, epoch, number, change range and record counts of ``manifest_fields`` and
    ``content``. Its records cannot be compared (they are sealed to the province); the signed
    manifest says which changes it covers."""
    try:
        sealed = _envelope.unpack_sealed(read_sync_file(path), Kind.BUNDLE, DEFAULT_LIMITS)
        manifest = _read_manifest(sealed, DEFAULT_LIMITS)
        if sealed.key_id != signer.key_id:
            return False
        _envelope.verify_sealed_signature(sealed, signer)
        _envelope.verify_payload_digest(sealed)
    except (SyncError, OSError):
        return False
    return (
        manifest.center_id,
        manifest.epoch,
        manifest.seq,
        manifest.first_change,
        manifest.last_change,
        dict(manifest.counts),
    ) == (
        manifest_fields.center_id,
        manifest_fields.epoch,
        manifest_fields.seq,
        manifest_fields.first_change,
        manifest_fields.last_change,
        dict(content.counts),
    )


# --- reading ----------------------------------------------------------------------------------


def _read_manifest(sealed: _envelope.SealedFile, limits: Limits) -> BundleManifest:
    reader = sealed.reader
    schema = reader.integer("schema", minimum=0)
    center = reader.ident("center")
    epoch = reader.ident("epoch")
    seq = reader.integer("seq", minimum=1)
    first = reader.integer("first", minimum=1)
    last = reader.integer("last", minimum=first - 1)
    raw_counts = reader.mapping("counts")
    if len(raw_counts) > _MAX_TABLES:
        reader.fail("too many tables")
    counts: dict[str, int] = {}
    for table, count in raw_counts.items():
        if not _TABLE.fullmatch(table):
            reader.fail("bad table name in counts")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            reader.fail("bad count")
        counts[table] = count
    if sum(counts.values()) > limits.max_records:
        raise TooLargeError(
            f"{sum(counts.values())} records > {limits.max_records}",
            what=f"{sum(counts.values())} records",
        )
    created_at = reader.text("created_at", max_length=64, allow_empty=True)
    app = reader.optional_text("app", max_length=64)
    previous: tuple[str, ...] | None = None
    if reader.has("previous_epochs"):
        items = reader.items("previous_epochs", max_items=MAX_PREVIOUS_EPOCHS)
        if (
            not all(isinstance(e, str) and _codec.ID_PATTERN.fullmatch(e) for e in items)
            or epoch in items
        ):
            reader.fail("bad previous_epochs")
        previous = tuple(items)
    restored_after = reader.optional_text("restored_after", max_length=64)
    audit: AuditSummary | None = None
    if reader.has("audit"):  # additive: older bundles do not have it
        trail = reader.child(reader.mapping("audit"), "audit")
        whole = trail.data.get("whole")
        if not isinstance(whole, bool):
            trail.fail("field 'whole' is not true or false")
        audit = AuditSummary(trail.integer("count", minimum=0), trail.hexdigest("last", 64), whole)
    return BundleManifest(
        format_version=reader.integer("format"),
        schema_version=schema,
        center_id=center,
        key_id=sealed.key_id,
        epoch=epoch,
        seq=seq,
        first_change=first,
        last_change=last,
        counts=counts,
        payload_sha256=sealed.payload_sha256,
        plain_size=sealed.plain_size,
        recipients=sealed.recipients,
        created_at=created_at,
        app_version=app,
        extra=reader.extra(),
        previous_epochs=previous,
        restored_after=restored_after,
        audit=audit,
    )


def read_bundle_manifest(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> BundleManifest:
    """The manifest after the container checks only: NOT verified, for listing files."""
    sealed = _envelope.unpack_sealed(data, Kind.BUNDLE, limits)
    return _read_manifest(sealed, limits)


def open_bundle(
    data: bytes,
    *,
    trusted_keys: TrustLookup,
    recipient_private_key: KeySet | Sequence[KeySet],
    limits: Limits = DEFAULT_LIMITS,
    on_records: RecordsCallback | None = None,
    typed: TypedFields | None = None,
) -> VerifiedBundle:
    """Verify and decrypt a bundle, in the order of docs/sync.md §6.

    1. container sane (:mod:`~justice_desk.sync.container` reasons, ``newer_format``)
    2. center enrolled (``unknown_center``), key enrolled (``unknown_key``), key not revoked at
       this epoch/seq (``revoked_key``) -- ``trusted_keys(center_id)`` answers both
    3. signature valid (``bad_signature``)
    4. payload digest matches (``digest_mismatch``)
    5. decrypt with one of ``recipient_private_key`` (``wrong_recipient``, ``decrypt_failed``,
       ``too_large`` for a decompression bomb, ``bad_payload``)
    6. record counts match the manifest (``count_mismatch``)

    Every failure raises a :class:`~justice_desk.sync.exceptions.RejectedFileError` subclass;
    nothing else escapes for any input bytes.

    ``on_records``: called with each slice of checked records as the payload is read (the
    records of a bundle that is refused later, at the counts, are handed over too: the caller
    keeps them only when this returns). The bundle returned then keeps each record's table,
    id, op and rev only, so that a large bundle is never held in memory twice.

    ``typed`` (with ``on_records``): the slices of records its decoders can read are read by
    them and handed to its own callback instead (:class:`TypedFields`); the checks and the
    outcome of the file are the same either way.
    """
    sealed = _envelope.unpack_sealed(data, Kind.BUNDLE, limits)
    manifest = _read_manifest(sealed, limits)
    signer = _envelope.check_signer(
        trusted_keys, manifest.center_id, manifest.key_id, epoch=manifest.epoch, seq=manifest.seq
    )
    _envelope.verify_sealed_signature(sealed, signer)
    _envelope.verify_payload_digest(sealed)
    plaintext, opened_with = _envelope.decrypt_payload(sealed, recipient_private_key)
    digest = content_digest(manifest, plaintext)
    records = _records_from_plaintext(plaintext, limits, on_records, typed)
    del plaintext
    found = Counter(r.table for r in records)
    if dict(found) != dict(manifest.counts):
        raise CountMismatchError(f"records {dict(found)} vs manifest {dict(manifest.counts)}")
    if manifest.last_change < manifest.first_change and records:
        raise BadPayloadError("records in an empty change range")
    return VerifiedBundle(
        manifest=manifest,
        records=records,
        content_digest=digest,
        file_sha256=sealed.file_sha256,
        opened_with=opened_with,
    )


def open_bundle_file(
    path: str | os.PathLike[str],
    *,
    trusted_keys: TrustLookup,
    recipient_private_key: KeySet | Sequence[KeySet],
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedBundle:
    """:func:`open_bundle` on a file, refusing an oversized file before reading it."""
    return open_bundle(
        read_sync_file(path, limits),
        trusted_keys=trusted_keys,
        recipient_private_key=recipient_private_key,
        limits=limits,
    )
