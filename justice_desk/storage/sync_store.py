"""Database side of sync: reading the change log for export, and applying incoming records.

Records travel as ``{table, id, op, rev, fields}`` with JSON values; this module converts them
from and to column types (checking each value's type, recomputing the derived columns), and
applies them with multi-row upserts that never let a lower ``rev`` overwrite a higher one.

The import side is the province's hot path (targets in docs/product.md §5); see
``benchmarks/bench_sync.py`` for what each step costs.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import re
import sqlite3
import typing
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, NoReturn, cast

import msgspec
from sqlalchemy import (
    Boolean,
    Column,
    ColumnDefault,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Time,
    UniqueConstraint,
    Uuid,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from justice_desk.domain import limits
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import (
    Attendance,
    CaseCategory,
    CaseChannel,
    CaseKind,
    CaseStatus,
    CenterType,
    CommitteePosition,
    Compliance,
    CriminalStage,
    MediatorStatus,
    MeetingMode,
    MeetingStatus,
    MembershipStatus,
    PartySide,
    Sex,
    SiteKind,
)
from justice_desk.storage.changelog import DERIVED, Derive
from justice_desk.storage.models import MODEL_BY_TABLE, SYNCABLE_MODELS, ChangeLog, Enrolment

#: Columns never sent: confidential session notes (§12, §29) and what the receiver derives.
NOT_SENT: dict[str, frozenset[str]] = defaultdict(
    frozenset, {"case_sessions": frozenset({"notes"})}
)
DERIVED_COLUMNS = frozenset({"sort_key", "search_text"})
TABLE_ORDER = {m.__tablename__: i for i, m in enumerate(SYNCABLE_MODELS)}


def _table(name: str) -> Table:
    table: Table = MODEL_BY_TABLE[name].__table__
    return table


def to_json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


# -- export side -------------------------------------------------------------------------------


def latest_change(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(ChangeLog.change_no), 0))).scalar_one())


def changed_rows(conn: Connection, after: int, through: int) -> dict[str, list[uuid.UUID]]:
    """Distinct rows touched by changes ``after+1..through``, per table."""
    rows = conn.execute(
        select(ChangeLog.table_name, ChangeLog.row_id)
        .where(ChangeLog.change_no > after, ChangeLog.change_no <= through)
        .distinct()
    ).all()
    out: dict[str, list[uuid.UUID]] = defaultdict(list)
    for table, row_id in rows:
        out[table].append(row_id)
    return out


def current_records(
    conn: Connection, table_name: str, ids: Sequence[uuid.UUID], chunk: int = 500
) -> list[dict[str, Any]]:
    """The current state of rows as sync records (JSON values; confidential and derived
    columns left out), in the order of their ids: the same rows in the same state give the
    same records, so an export made again has the same content digest."""
    table = _table(table_name)
    skip = NOT_SENT[table_name] | DERIVED_COLUMNS
    cols = [c for c in table.columns if c.key not in skip]
    out = []
    for start in range(0, len(ids), chunk):
        for row in conn.execute(
            select(*cols).where(table.c.id.in_(ids[start : start + chunk]))
        ).mappings():
            fields = {k: to_json_value(v) for k, v in row.items() if k not in ("id", "rev")}
            op = "delete" if row["deleted_at"] is not None else "update"
            out.append(
                {
                    "table": table_name,
                    "id": str(row["id"]),
                    "op": op,
                    "rev": int(row["rev"]),
                    "fields": fields,
                }
            )
    out.sort(key=operator.itemgetter("id"))
    return out


def export_ranges(conn: Connection, after: int, through: int, max_rows: int) -> list[int]:
    """Where to end consecutive change ranges ``after+1 ..`` up to ``through`` so that each
    touches at most ``max_rows`` distinct rows (one export too large for one bundle becomes
    several; docs/sync.md §3). Always at least one range (possibly empty)."""
    ends: list[int] = []
    seen: set[tuple[str, uuid.UUID]] = set()
    stmt = (
        select(ChangeLog.change_no, ChangeLog.table_name, ChangeLog.row_id)
        .where(ChangeLog.change_no > after, ChangeLog.change_no <= through)
        .order_by(ChangeLog.change_no)
    )
    for change_no, table, row_id in conn.execute(stmt):
        key = (table, row_id)
        if key in seen:
            continue
        if len(seen) >= max_rows:
            ends.append(change_no - 1)
            seen = set()
        seen.add(key)
    ends.append(through)
    return ends


def with_later_parents(
    conn: Connection, records: list[dict[str, Any]], later: dict[str, set[uuid.UUID]]
) -> list[dict[str, Any]]:
    """``records`` plus the current state of every row they refer to (and those rows refer to)
    that this export sends only in a later bundle: a bundle must be applicable on its own, and
    a record's current state may point at a parent created after the bundle's range. A row sent
    twice is harmless (the second copy has the same rev). Sorted as exports are: tables parents
    first, then by id."""
    have = {(r["table"], r["id"]) for r in records}
    frontier = records
    out = list(records)
    while frontier:
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for record in frontier:
            for column, parent in parent_columns(record["table"]):
                value = record["fields"].get(column)
                if not isinstance(value, str):
                    continue
                pid = uuid.UUID(value)
                if pid in later.get(parent, ()) and (parent, value) not in have:
                    wanted[parent].add(pid)
        frontier = []
        for table, ids in wanted.items():
            for found in current_records(conn, table, sorted(ids)):
                if (table, found["id"]) not in have:
                    have.add((table, found["id"]))
                    frontier.append(found)
        out.extend(frontier)
    out.sort(key=lambda r: (TABLE_ORDER.get(r["table"], 10_000), r["id"]))
    return out


# -- import side -------------------------------------------------------------------------------


def known_table(name: str) -> bool:
    return name in MODEL_BY_TABLE


def stored_revs(
    conn: Connection, table_name: str, ids: Sequence[uuid.UUID], chunk: int = 900
) -> dict[uuid.UUID, tuple[int, uuid.UUID]]:
    """``id -> (rev, owner)`` of rows already stored."""
    table = _table(table_name)
    out: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
    if not ids:
        return out
    if conn.dialect.name == "sqlite":
        # The hot path of every import: plain SQL on the 32-digit hex form SQLAlchemy stores.
        UUID = uuid.UUID
        for start in range(0, len(ids), chunk):
            part = [i.hex for i in ids[start : start + chunk]]
            sql = (
                f"SELECT id, rev, owner_id FROM {table.name} "
                f"WHERE id IN ({', '.join('?' * len(part))})"  # noqa: S608
            )
            for rid, rev, owner in conn.exec_driver_sql(sql, tuple(part)):
                out[UUID(hex=rid)] = (rev, UUID(hex=owner))
        return out
    if conn.dialect.name == "postgresql":
        # One statement with an array parameter: no SQL to compile per call or per chunk.
        sql = f"SELECT id, rev, owner_id FROM {table.name} WHERE id = ANY(%s)"  # noqa: S608
        for rid, rev, owner in conn.exec_driver_sql(sql, (list(ids),)):
            out[rid] = (rev, owner)
        return out
    for start in range(0, len(ids), chunk):
        for rid, rev, owner in conn.execute(
            select(table.c.id, table.c.rev, table.c.owner_id).where(
                table.c.id.in_(ids[start : start + chunk])
            )
        ):
            out[rid] = (rev, owner)
    return out


def holds_records(conn: Connection, owner: uuid.UUID) -> bool:
    """Whether any record of ``owner`` but its site row is stored here (one statement: an
    indexed probe of ``owner_id`` per table)."""
    probes = " OR ".join(
        f"EXISTS (SELECT 1 FROM {m.__tablename__} WHERE owner_id = :owner)"  # noqa: S608
        for m in SYNCABLE_MODELS
        if m.__tablename__ != "sites"
    )
    return bool(conn.execute(text(f"SELECT {probes}"), {"owner": owner}).scalar())


#: ``table -> {id.int: rev}`` of every record of one center stored here, kept by the importer
#: while it is complete (see :class:`Ownership`). Keyed by the id's integer: Python hashes a
#: UUID by a call of its own, an integer in C, and this is looked up for every record.
KnownRecords = dict[str, dict[int, int]]


def stored_rows(
    conn: Connection, table_name: str, ids: Sequence[uuid.UUID], chunk: int = 900
) -> dict[uuid.UUID, dict[str, Any]]:
    """``id -> column values`` of rows already stored (to compare with an incoming record)."""
    table = _table(table_name)
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for start in range(0, len(ids), chunk):
        for row in conn.execute(
            select(table).where(table.c.id.in_(ids[start : start + chunk]))
        ).mappings():
            out[row["id"]] = dict(row)
    return out


def same_content(
    stored: dict[str, Any], incoming: dict[str, Any], *, ignore: tuple[str, ...] = ()
) -> bool:
    """Whether an incoming row says what is stored (columns the sender does not send aside,
    and the ``ignore``d ones)."""
    skip = {"rev", *ignore}
    return all(stored.get(k) == v for k, v in incoming.items() if k not in skip)


def canonical_uuid(value: Any) -> uuid.UUID:
    """A UUID written as exports write it (lower case, with hyphens), else ``ValueError``: one
    record has one spelling, so a bundle cannot list it twice under two."""
    if value.__class__ is not str:
        raise TypeError(f"expected a UUID string, not {type(value).__name__}")
    if _canonical_uuid(value) is None:
        raise ValueError(f"{value[:40]!r} is not a UUID in its canonical form")
    return uuid.UUID(value)


_canonical_uuid = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII
).fullmatch


_to_uuid = canonical_uuid


def _to_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, not {type(value).__name__}")
    return value


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise TypeError(f"expected true or false, not {type(value).__name__}")


def _to_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, not {type(value).__name__}")
    return value


#: Turns an incoming JSON value into a column value; raises ``TypeError`` for the wrong type.
Convert = Callable[[Any], Any]


def _from_iso(kind: type[dt.date] | type[dt.time]) -> Convert:
    def convert(value: Any) -> dt.date | dt.time:
        if not isinstance(value, str):
            raise TypeError(f"expected an ISO date or time, not {type(value).__name__}")
        found = kind.fromisoformat(value)
        if isinstance(found, dt.time) and found.tzinfo is not None:
            # A time of day is the center's wall clock (``09.30 น.``): an offset has no
            # meaning there, and dropping it would change the time (docs/sync-format.md §4).
            raise ValueError(f"{value!r} is a time of day with an offset, which is not stored")
        return found

    return convert


def _to_utc_datetime(value: Any) -> dt.datetime:
    """A time column holds naive UTC: a time with an offset is converted to UTC, never stored
    with its offset dropped."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO date and time, not {type(value).__name__}")
    found = dt.datetime.fromisoformat(value)
    if found.tzinfo is not None:
        try:
            found = found.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(f"{value!r} is outside the years 1 to 9999 in UTC") from None
    return found


#: Converters of column types; the second item says whether results may be memoised per value
#: (pure functions of a ``str``; never for ints and flags, where ``True == 1`` would mix them).
def _converter(column: Column[Any]) -> tuple[Convert | None, bool]:
    kind = column.type
    if isinstance(kind, Uuid):
        return _to_uuid, True
    if isinstance(kind, DateTime):
        return _to_utc_datetime, True
    if isinstance(kind, Date):
        return _from_iso(dt.date), True
    if isinstance(kind, Time):
        return _from_iso(dt.time), True
    if isinstance(kind, Boolean):
        return _to_bool, False
    if isinstance(kind, Integer):
        return _to_int, False
    if isinstance(kind, String):  # Text is a String
        return _to_text, False
    return None, False


@functools.cache
def _decode_plan(
    table_name: str,
) -> tuple[tuple[tuple[str, Convert | None, bool, Any], ...], Derive | None]:
    """Per column: key, converter, whether to memoise, and what a missing or null value becomes
    (``None``; the column's default; or a refusal for a required column without one)."""
    table = _table(table_name)
    skip = NOT_SENT[table_name] | DERIVED_COLUMNS | {"id", "rev"}
    plan: list[tuple[str, Convert | None, bool, Any]] = []
    for col in table.columns:
        if col.key in skip:
            continue
        absent: Any
        if col.nullable:
            absent = None
        elif isinstance(col.default, ColumnDefault) and col.default.is_scalar:
            absent = col.default.arg
        else:
            absent = _REQUIRED
        plan.append((col.key, *_converter(col), absent))
    return tuple(plan), DERIVED.get(MODEL_BY_TABLE[table_name])


_REQUIRED = object()  # a required column without a default: a missing value refuses the record


def _bad_type(value: Any, expected: str) -> NoReturn:
    raise TypeError(f"expected {expected}, not {type(value).__name__}")


#: What an integer column holds: SQLite's integers are 64 bits; PostgreSQL's ``integer`` (the
#: type of every ``Integer`` column there) is 32 bits.
INT64_RANGE = (-(2**63), 2**63 - 1)
INT32_RANGE = (-(2**31), 2**31 - 1)


def integer_range(dialect_name: str) -> tuple[int, int]:
    """The range of an ``Integer`` column on a database of this dialect."""
    return INT64_RANGE if dialect_name == "sqlite" else INT32_RANGE


def _values(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in enum)


_CASE_STATUS = _values(CaseStatus)
_POSITION = _values(CommitteePosition)


def _upto(high: int) -> range:
    """0 to ``high``, both included (domain.limits)."""
    return range(0, high + 1)


_NUMBER = _upto(limits.NUMBER_MAX)
_SATANG = _upto(limits.SATANG_MAX)
_SORT_ORDER = range(-limits.SORT_ORDER_MAX, limits.SORT_ORDER_MAX + 1)
_PARTICIPANTS = _upto(limits.PARTICIPANTS_MAX)
_VOTES = _upto(limits.VOTES_MAX)


#: Columns the app reads back as a domain enum (``Sex(row.sex)``, ``CaseStatus(case.status)``),
#: or within the domain's bounds (a ``range``): any other value refuses its record by name
#: (``bad_record``) instead of being stored for the province's pages, dashboard and reports to
#: trip on when they read it (a case with a status nobody knows would be counted nowhere, or
#: stop a page). ``birth_year`` is a CE year (the app takes 1900 to the current year,
#: services.people): a Buddhist Era year (25xx) or a 2^40 is refused; the bound is fixed, not
#: today's year, so a center's clock does not matter. Every enum column of a syncable table is
#: here (a test compares this with the models' columns), and every integer column with the
#: domain's bounds (domain.limits; a test checks that none is missing): a value is taken or
#: refused alike on every database, and no single value can push a sum past its column (a
#: monthly total that still overflows leaves its center counted from its records,
#: summaries.refresh_stale).
VALUE_CHECKS: dict[str, dict[str, frozenset[str] | range]] = {
    "sites": {
        "kind": _values(SiteKind),
        "center_type": _values(CenterType),
        "quorum_numerator": _upto(limits.QUORUM_PART_MAX),
        "quorum_denominator": _upto(limits.QUORUM_PART_MAX),
    },
    "people": {"sex": _values(Sex), "birth_year": range(1900, 2200)},
    "trainings": {"hours": _upto(limits.TRAINING_HOURS_MAX)},
    "memberships": {"status": _values(MembershipStatus)},
    "committee_positions": {"position": _POSITION},
    "mediators": {"status": _values(MediatorStatus)},
    "meetings": {
        "mode": _values(MeetingMode),
        "status": _values(MeetingStatus),
        "year_be": limits.YEAR_BE_RANGE,
        "number": _NUMBER,
        "minutes_version": _NUMBER,
    },
    "meeting_attendance": {
        "position": _POSITION,
        "attendance": _values(Attendance),
        "sort_order": _SORT_ORDER,
    },
    "agenda_items": {
        "number": _NUMBER,
        "votes_for": _VOTES,
        "votes_against": _VOTES,
        "votes_abstain": _VOTES,
    },
    "minutes_versions": {"version": _NUMBER},
    "cases": {
        "channel": _values(CaseChannel),
        "kind": _values(CaseKind),
        "category": _values(CaseCategory),
        "criminal_stage": _values(CriminalStage),
        "status": _CASE_STATUS,
        "year_be": limits.YEAR_BE_RANGE,
        "number": _NUMBER,
        "amount_satang": _SATANG,
        "offender_age": _upto(limits.AGE_MAX),
    },
    "case_parties": {"side": _values(PartySide), "sort_order": _SORT_ORDER},
    "case_sessions": {"session_no": _NUMBER},
    "case_events": {
        "action": _values(CaseAction),
        "from_status": _CASE_STATUS,
        "to_status": _CASE_STATUS,
    },
    "settlements": {"total_satang": _SATANG},
    "instalments": {"seq": _NUMBER, "amount_satang": _SATANG, "paid_satang": _SATANG},
    "compliance_checks": {"result": _values(Compliance)},
    "activities": {
        "participants_male": _PARTICIPANTS,
        "participants_female": _PARTICIPANTS,
        "participants_unspecified": _PARTICIPANTS,
    },
}


#: A lone UTF-16 surrogate (a ``"\ud800"`` escape the strict JSON reader lets through) is no
#: text any database can store: the record is refused by name.
_surrogate = re.compile("[\ud800-\udfff]").search


class Decoder:
    """Turns the incoming records of one bundle into column values.

    Values that repeat across records (dates, times, parent ids) are converted once per bundle;
    the memo lives as long as the decoder, so memory stays bounded by one bundle. Raises
    ``ValueError`` or ``TypeError`` for a value of the wrong type, so a bad record is refused on
    its own instead of being stored as something the app cannot read back.

    ``integers``: the range the database's integer columns hold (:func:`integer_range`); a
    value outside it, or a ``rev`` outside it, refuses the record (``ValueError``) instead of
    failing the whole import at the database. ``nul_in_text``: whether text may hold NUL
    characters: not on any database by default (PostgreSQL cannot store them; SQLite would,
    but the app's text never holds one), so a record with one is refused by name.
    """

    def __init__(
        self, integers: tuple[int, int] = INT64_RANGE, *, nul_in_text: bool = False
    ) -> None:
        self._tables: dict[str, _TablePlan] = {}
        self._low, self._high = integers
        self._nul_in_text = nul_in_text

    def decode(
        self, table_name: str, record_id: str, rev: int, fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        plan = self._tables.get(table_name)
        if plan is None:
            plan = self._tables[table_name] = _TablePlan(table_name)
        keys = plan.keys
        row = dict(zip(keys, map(fields.get, keys), strict=True))
        # Checks and conversions by kind of column (most are text): one short loop each.
        for key, length in plan.text:
            value = row[key]
            if value is not None and value.__class__ is not str:
                _bad_type(value, "text")
            if value is None:
                continue
            if length is not None and len(value) > length:
                raise ValueError(
                    f"{key} holds {len(value)} characters, more than the {length} it may hold"
                )
            if not self._nul_in_text and "\x00" in value:
                raise ValueError(f"{key} holds a NUL character, which the app does not store")
            if not value.isascii() and _surrogate(value):
                raise ValueError(f"{key} holds a lone UTF-16 surrogate, which is not text")
        low, high = self._low, self._high
        for key in plan.integers:
            value = row[key]
            if value is not None and value.__class__ is not int:  # bool is not a count either
                _bad_type(value, "an integer")
            if value is not None and not low <= value <= high:
                raise ValueError(
                    f"{key} is {value}, outside what the database holds ({low}..{high})"
                )
        if not low <= rev <= high:
            _rev_out_of_range(rev, low, high)
        for key, allowed in VALUE_CHECKS.get(table_name, _NO_CHECKS).items():
            value = row[key]
            if value is not None and value not in allowed:
                if isinstance(allowed, range):
                    raise ValueError(
                        f"{key} is {value}, outside the {allowed.start} to {allowed.stop - 1} "
                        "the app takes"
                    )
                raise ValueError(f"{key} is {str(value)[:40]!r}, which the app does not know")
        for key, convert, memo in plan.converted:
            value = row[key]
            if value is None:
                continue
            if memo is not None and value.__class__ is str:  # memoised converters take strings only
                try:
                    row[key] = memo[value]
                except KeyError:
                    row[key] = memo[value] = convert(value)
            else:
                row[key] = convert(value)  # refuses a value of the wrong type with a message
        for key, absent in plan.defaults:
            if row[key] is None:
                if absent is _REQUIRED:
                    raise ValueError(f"{key} is required")
                row[key] = absent
        row["id"] = canonical_uuid(record_id)
        row["rev"] = rev
        if plan.derive is not None:
            row.update(plan.derive(row))
        return row

    def complete_typed(
        self,
        table_name: str,
        record_id: str,
        row_id: uuid.UUID | None,
        rev: int,
        row: dict[str, Any],
    ) -> dict[str, Any]:
        """:meth:`decode` for a record whose fields one of :func:`typed_field_decoders` read
        (every column present, of its type and range: the checks and conversions ``decode``
        makes of the fields): ``row`` completed in place with the id, ``rev`` and the derived
        columns. ``row_id``: the id from :func:`canonical_uuids`. Raises the ``ValueError``
        ``decode`` raises for such a record: a ``rev`` this database cannot hold, or an id
        not in its canonical form."""
        if not self._low <= rev <= self._high:
            _rev_out_of_range(rev, self._low, self._high)
        row["id"] = row_id if row_id is not None else canonical_uuid(record_id)
        row["rev"] = rev
        plan = self._tables.get(table_name)
        if plan is None:
            plan = self._tables[table_name] = _TablePlan(table_name)
        if plan.derive is not None:
            row.update(plan.derive(row))
        return row


def _rev_out_of_range(rev: int, low: int, high: int) -> NoReturn:
    raise ValueError(f"rev is {rev}, outside what the database holds ({low}..{high})")


# -- typed decoding: a record's fields read straight into column values (msgspec) ----------------

#: How a NUL character appears in canonical JSON: a slice holding it is decoded by
#: :class:`Decoder`, which refuses it by name where text cannot hold it (PostgreSQL).
NUL_IN_JSON = b"\\u0000"


_NO_CHECKS: dict[str, frozenset[str] | range] = {}


def _typed_column(
    column: Column[Any], integers: tuple[int, int], allowed: frozenset[str] | range | None = None
) -> Any:
    """The msgspec type of a column's incoming value, as :func:`_converter` reads it, or
    ``None`` for a column it does not convert. ``allowed``: its :data:`VALUE_CHECKS`."""
    kind = column.type
    value_type: Any
    if isinstance(allowed, range):
        value_type = Annotated[int, msgspec.Meta(ge=allowed.start, le=allowed.stop - 1)]
    elif allowed is not None:
        value_type = typing.Literal[tuple(sorted(allowed))]
    elif isinstance(kind, Uuid):
        value_type = uuid.UUID
    elif isinstance(kind, DateTime):
        # Naive only: a time with an offset is converted to UTC by the plain decoder.
        value_type = Annotated[dt.datetime, msgspec.Meta(tz=False)]
    elif isinstance(kind, Date):
        value_type = dt.date
    elif isinstance(kind, Time):
        value_type = Annotated[dt.time, msgspec.Meta(tz=False)]  # as _from_iso: no offset
    elif isinstance(kind, Boolean):
        value_type = bool
    elif isinstance(kind, Integer):
        low, high = integers
        value_type = Annotated[int, msgspec.Meta(ge=low, le=high)]
    elif isinstance(kind, String):
        # A column of a set length holds that many characters on every database (PostgreSQL
        # refuses more; SQLite would keep them): more refuses the record (Decoder.decode).
        value_type = Annotated[str, msgspec.Meta(max_length=kind.length)] if kind.length else str
    else:
        return None
    # A required column takes no null: the plain decoder puts its default in (or refuses).
    return value_type | None if column.nullable else value_type


@functools.cache
def typed_field_decoders(
    integers: tuple[int, int] = INT64_RANGE,
) -> dict[str, Callable[[Any], dict[str, Any]]]:
    """Per syncable table, a compiled decoder (msgspec) of the JSON of a record's ``fields``
    straight into the column values :meth:`Decoder.decode` makes of them, for records that
    carry every column this version sends (what every exporter writes): ids as UUIDs, dates
    and times as such, integers within ``integers``, text as text, flags as ``true``/``false``
    only, and nothing else. Anything else raises ``msgspec.ValidationError``, and the record is
    then decoded by :class:`Decoder`, which names the problem or fills the defaults (the
    format layer reads that slice the plain way: ``justice_desk.sync.TypedFields``). Memory
    and time do not depend on the content: the checks run in C, not per value in Python."""
    decoders: dict[str, Callable[[Any], dict[str, Any]]] = {}
    for name in MODEL_BY_TABLE:
        table = _table(name)
        skip = NOT_SENT[name] | DERIVED_COLUMNS | {"id", "rev"}
        checks = VALUE_CHECKS.get(name, _NO_CHECKS)
        columns = {
            c.key: _typed_column(c, integers, checks.get(c.key))
            for c in table.columns
            if c.key not in skip
        }
        if None in columns.values():
            continue  # a column type the typed way does not know: decoded by Decoder
        shape = typing.TypedDict(f"{name}_fields", columns)  # type: ignore[misc]
        decoders[name] = cast(Callable[[Any], dict[str, Any]], msgspec.json.Decoder(shape).decode)
    return decoders


_uuid_list = msgspec.json.Encoder()


def canonical_uuids(values: list[str]) -> list[uuid.UUID | None]:
    """:func:`canonical_uuid` of each value, in one pass; ``None`` for a value that is not a
    UUID in its canonical form (:meth:`Decoder.complete_typed` then names it)."""
    try:
        found: list[uuid.UUID] = msgspec.convert(values, list[uuid.UUID])
    except msgspec.ValidationError:
        found = []
    # The canonical spelling is the one msgspec writes (lower case, with hyphens).
    if len(found) == len(values) and _uuid_list.encode(found) == _uuid_list.encode(values):
        return cast(list[uuid.UUID | None], found)
    out: list[uuid.UUID | None] = []
    for value in values:
        try:
            out.append(canonical_uuid(value))
        except (TypeError, ValueError):
            out.append(None)
    return out


class _TablePlan:
    """One table's columns grouped by what decoding does to them, with this bundle's memos."""

    def __init__(self, table_name: str) -> None:
        steps, self.derive = _decode_plan(table_name)
        self.keys = tuple(key for key, *_rest in steps)
        table = _table(table_name)
        #: text columns with the characters each may hold (``None``: no limit)
        self.text = tuple(
            (key, getattr(table.c[key].type, "length", None) or None)
            for key, convert, _m, _a in steps
            if convert is _to_text
        )
        self.integers = tuple(key for key, convert, _m, _a in steps if convert is _to_int)
        self.converted: tuple[tuple[str, Convert, dict[str, Any] | None], ...] = tuple(
            (key, convert, {} if memoise else None)
            for key, convert, memoise, _a in steps
            if convert is not None and convert not in (_to_text, _to_int)
        )
        self.defaults = tuple((key, absent) for key, _c, _m, absent in steps if absent is not None)


def decode_record(
    table_name: str, record_id: str, rev: int, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Column values for one incoming record (unknown fields dropped, derived ones recomputed)."""
    return Decoder().decode(table_name, record_id, rev, fields)


def derived_values(table_name: str, values: dict[str, Any]) -> dict[str, str]:
    """The derived columns of a row (empty for tables without any): the change log's own."""
    derive = DERIVED.get(MODEL_BY_TABLE[table_name])
    return derive(values) if derive is not None else {}


@functools.cache
def parent_columns(table_name: str) -> tuple[tuple[str, str], ...]:
    """``(column, parent table)`` of every foreign key of a syncable table."""
    table = _table(table_name)
    return tuple(sorted((fk.parent.key, fk.column.table.name) for fk in table.foreign_keys))


# -- ownership of what incoming records point at and claim (docs/sync.md §1) ---------------------


@functools.cache
def owned_references(table_name: str) -> tuple[tuple[str, str], ...]:
    """``(column, parent table)`` of the foreign keys whose parent table is syncable: the row
    pointed at has an owner, and it must be the sending center. Keys into tables that do not
    travel (shared reference data) need no owner check."""
    return tuple((c, p) for c, p in parent_columns(table_name) if p in MODEL_BY_TABLE)


#: Parent table -> the ids a bundle's rows point at through :func:`owned_references`.
PointedAt = dict[str, set[uuid.UUID]]


def pointed_at(tables: Iterable[tuple[str, Iterable[Mapping[str, Any] | None]]]) -> PointedAt:
    """What the rows of ``tables`` (``None``: a record that could not be decoded) point at,
    per parent table (:class:`Ownership` looks up who owns those). Plain Python over the rows,
    so the importer has its reading thread work it out while it writes the bundle before."""
    wanted: PointedAt = defaultdict(set)
    for table, rows in tables:
        references = owned_references(table)
        if not references:
            continue
        present = [row for row in rows if row is not None]
        for column, parent in references:
            add = wanted[parent].add
            for row in present:
                value = row.get(column)
                if value is not None:
                    add(value)
    return wanted


#: Columns of a center's ``sites`` row that say which center it is: the enrolment's, never a
#: bundle's (a center is enrolled under its code and name, and it is a center).
SITE_IDENTITY = ("kind", "code", "name")


class Ownership:
    """What the records of one incoming bundle may point at and claim (docs/sync.md §1).

    A record may refer only to its own center's records (stored here, or arriving in the same
    bundle) and to tables that do not travel: a record pointing at a stored record of another
    owner is ``foreign_reference``. The center's own ``sites`` row keeps the identity it
    enrolled with (:data:`SITE_IDENTITY`), and a bundle carries no other site row
    (``other_site``), so no bundle can take another center's code or add a center.

    The owners of the rows a bundle points at are read per table, with the stored revisions
    of the bundle's own rows of that table (:meth:`stored`), and for the rest only rows of
    other owners (:func:`foreign_owned`): never per record, and nothing to compare when
    nothing is foreign. On SQLite and PostgreSQL all of it is one query per bundle, made at
    the first :meth:`stored` (:meth:`_read_all`): the rows of a table are not written before
    their turn, so what is stored then is what each turn would find (on a server, one round
    trip instead of two or three per table).

    ``known``: every record the center has here but its site row, :data:`KnownRecords`,
    when the caller knows them all (a center that had none when its import began, and what
    that import applied since): the bundle's own rows are then not looked up, and any of them
    that is stored all the same is someone else's. Only on PostgreSQL, where rows not stored
    are copied in with plain ``COPY`` (:func:`upsert`): a row whose id another center holds
    fails at its primary key, the caller's transaction with it, and the bundle is applied again
    with every lookup (``services/sync/importer``), where it is refused by name. The primary
    key probes that id anyway; the lookup probed it a second time.
    """

    def __init__(
        self,
        conn: Connection,
        center_id: uuid.UUID,
        tables: Iterable[tuple[str, Iterable[Mapping[str, Any] | None]]],
        known: KnownRecords | None = None,
        wanted: PointedAt | None = None,
    ) -> None:
        """``wanted``: :func:`pointed_at` of ``tables``, when the caller worked it out already
        (it is not changed here: a bundle applied again alone passes it again)."""
        self._conn = conn
        self.center_id = center_id
        self._known = known
        #: table -> ids of the bundle's rows of it (those decoded), for :meth:`_read_all`
        self._ids: dict[str, list[uuid.UUID]] = {}
        #: table -> ids of the bundle's rows that name another owner (refused as
        #: ``wrong_owner``): with ``known``, the only own ids looked up
        self._claimed: dict[str, set[uuid.UUID]] = {}
        decoded: list[tuple[str, list[Mapping[str, Any]]]] = [
            (table, [row for row in rows if row is not None]) for table, rows in tables
        ]
        center_int = center_id.int  # compared as integers: see sync_merge.merge
        for table, present in decoded:
            self._ids[table] = [row["id"] for row in present]
            if known is not None:
                self._claimed[table] = {
                    row["id"]
                    for row in present
                    if (owner := row.get("owner_id")) is None or owner.int != center_int
                }
        #: parent table -> ids the bundle's records point at, until that table is looked up
        #: (entries are taken out, the sets never changed: a copy of the caller's mapping)
        self._wanted: PointedAt = dict(wanted if wanted is not None else pointed_at(decoded))
        #: parent table -> stored rows of other owners that the bundle's records point at
        self._foreign: dict[str, dict[uuid.UUID, uuid.UUID]] = {}
        self._identity: dict[str, Any] | None = None
        #: what :meth:`_read_all` found, per table not looked up yet
        self._found: dict[str, _Found] | None = None

    def stored(
        self, table_name: str, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, uuid.UUID]]:
        """:func:`stored_revs` of ``ids``; also finds which of the table's rows that the
        bundle's records point at are stored as another owner's."""
        if self._found is None:
            self._found = self._read_all()
        if self._known is not None and table_name != "sites":
            return self._known_rows(table_name, ids, self._found.get(table_name))
        found = self._found.pop(table_name, None)
        if found is not None and not found.covers(ids):
            found = None  # not the bundle's own rows of the table: looked up now
        stored = found.stored if found is not None else stored_revs(self._conn, table_name, ids)
        wanted = self._wanted.pop(table_name, set())
        center = self.center_id
        foreign = {
            i: have[1] for i in wanted if (have := stored.get(i)) is not None and have[1] != center
        }
        if found is not None:
            foreign.update(found.foreign)
        elif wanted:
            others = wanted.difference(ids)
            if others:
                foreign.update(foreign_owned(self._conn, table_name, list(others), center))
        self._note_foreign(table_name, foreign)
        return stored

    def _known_rows(
        self, table_name: str, ids: Sequence[uuid.UUID], found: _Found | None
    ) -> dict[uuid.UUID, tuple[int, uuid.UUID]]:
        """:meth:`stored` from ``known`` (see the class): the center's own rows from there;
        from the database (:meth:`_read_all`) the rows the bundle sends under another owner's
        name, and the rows of other owners among the rest it points at."""
        assert self._known is not None
        known, center = self._known, self.center_id
        stored: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
        revs = known.get(table_name)
        if revs:  # none for the first bundle: nothing to look at
            for i in ids:
                rev = revs.get(i.int)
                if rev is not None:
                    stored[i] = (rev, center)
        if found is not None:
            stored.update(found.stored)
        wanted = self._wanted.pop(table_name, set())
        foreign = {
            i: have[1] for i in wanted if (have := stored.get(i)) is not None and have[1] != center
        }
        if found is not None:
            foreign.update(found.foreign)
        else:
            others = self._others(table_name, ids, wanted)
            if others:
                foreign.update(foreign_owned(self._conn, table_name, list(others), center))
        self._note_foreign(table_name, foreign)
        return stored

    def _others(
        self, table_name: str, ids: Sequence[uuid.UUID], wanted: set[uuid.UUID] | None
    ) -> set[uuid.UUID]:
        """The ids the bundle's records point at in ``table_name`` that are neither rows of
        the bundle (``ids``) nor, with ``known``, records the center holds here: those whose
        owner must be read. (With ``known``, a later bundle of a first import points mostly
        at records of the bundles before it: nothing is then read.)"""
        if not wanted:
            return set()
        others = wanted.difference(ids)
        known = self._known
        revs = known.get(table_name) if known else None
        if others and revs:
            others = {i for i in others if i.int not in revs}
        return others

    def _note_foreign(self, table_name: str, foreign: dict[uuid.UUID, uuid.UUID]) -> None:
        """Add to what is known of the table's rows of other owners. A table is asked for
        twice when a table before it in the order points at it (for :meth:`refusals`) and
        again at its own turn, and only the first call has the ids pointed at (``_wanted``):
        the second answer adds to the first, never replaces it. (No table of this schema
        points at a later one today; a new one must not silently lose the check.)"""
        self._foreign.setdefault(table_name, {}).update(foreign)

    def _read_all(self) -> dict[str, _Found]:
        """For every table of the bundle and every table its records point at: the stored
        revisions and owners of the bundle's own rows, and the rows of other owners among the
        rest it points at, in one ``UNION ALL`` query. Empty (each table is then looked up at
        its turn) on other databases, or when SQLite would need more parameters than one
        statement takes."""
        conn = self._conn
        dialect = conn.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            return {}
        sqlite_ = dialect == "sqlite"
        center = self.center_id
        parts: list[str] = []
        params: list[Any] = []
        slots: list[_Found | _ForeignSlot] = []
        out: dict[str, _Found] = {}
        for table_name in ordered_tables({*self._ids, *self._wanted}):
            ids = self._ids.get(table_name, [])
            others = self._others(table_name, ids, self._wanted.get(table_name))
            found = out[table_name] = _Found(ids)
            if self._known is not None and table_name != "sites":
                # known (see the class): of the bundle's own rows, only those that name
                # another owner are looked up
                claimed = self._claimed.get(table_name, set())
                ids = [i for i in ids if i in claimed] if claimed else []
            name = _table(table_name).name
            for part_ids, foreign in ((ids, False), (others, True)):
                if not part_ids:
                    continue
                # On PostgreSQL the ids go as one array literal of hex digits: the driver
                # would adapt each UUID by a Python call of its own.
                where = (
                    "id IN ({})".format(", ".join("?" * len(part_ids)))
                    if sqlite_
                    else "id = ANY(%s::uuid[])"
                )
                if foreign:
                    where += " AND owner_id <> " + ("?" if sqlite_ else "%s")
                parts.append(
                    f"SELECT {len(slots)} AS k, id, rev, owner_id FROM {name} WHERE {where}"  # noqa: S608
                )
                if sqlite_:
                    params.extend(i.hex for i in part_ids)
                else:
                    params.append("{" + ",".join([i.hex for i in part_ids]) + "}")
                if foreign:
                    params.append(center.hex if sqlite_ else center)
                slots.append(found if not foreign else found.as_foreign)
        if not parts:
            return out
        if sqlite_ and len(params) > _MAX_PARAMS:
            return {}
        UUID = uuid.UUID
        for k, rid, rev, owner in conn.exec_driver_sql(" UNION ALL ".join(parts), tuple(params)):
            if sqlite_:
                rid, owner = UUID(hex=rid), UUID(hex=owner)
            slots[k].add(rid, rev, owner)
        return out

    def refusals(
        self, table_name: str, rows: Sequence[Mapping[str, Any]]
    ) -> dict[uuid.UUID, tuple[str, str]]:
        """``id -> (reason, detail)`` of the rows that may not be applied: a site row other
        than the sending center's own (``other_site``), or a row pointing at a stored record
        of another owner (``foreign_reference``). Call :meth:`stored` for the table first."""
        out: dict[uuid.UUID, tuple[str, str]] = {}
        center = self.center_id
        if table_name == "sites":
            for row in rows:
                if row["id"] != center:
                    out[row["id"]] = ("other_site", "a site record that is not the center's own")
        for column, parent in owned_references(table_name):
            foreign = self._foreign.get(parent)
            if foreign is None:  # no records of the parent table in this bundle
                self.stored(parent, ())
                foreign = self._foreign[parent]
            if not foreign:
                continue
            for row in rows:
                value = row.get(column)
                if value is not None and value in foreign and row["id"] not in out:
                    out[row["id"]] = (
                        "foreign_reference",
                        f"{column} refers to {parent} {value}, a record of another site",
                    )
        return out

    def keep_identity(self, table_name: str, rows: Iterable[dict[str, Any]]) -> None:
        """The center's own site row keeps the code and name it enrolled with, whatever the
        bundle says; its other fields (address, phone, ...) are the center's to change."""
        if table_name != "sites":
            return
        for row in rows:
            if row["id"] == self.center_id:
                if self._identity is None:
                    self._identity = _enrolled_identity(self._conn, self.center_id)
                row.update(self._identity)


class _Found:
    """What :meth:`Ownership._read_all` found for one table: the stored revisions and owners
    of the bundle's rows of it (``ids``), and the rows of other owners among the rest its
    records point at."""

    def __init__(self, ids: Sequence[uuid.UUID]) -> None:
        # The very id objects of the bundle's rows (the merge passes them back): comparing
        # identities needs no hashing of UUIDs, which Python does slowly.
        self.ids = {id(i) for i in ids}
        self.stored: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
        self.foreign: dict[uuid.UUID, uuid.UUID] = {}
        self.as_foreign = _ForeignSlot(self.foreign)

    def add(self, row_id: uuid.UUID, rev: int, owner: uuid.UUID) -> None:
        self.stored[row_id] = (rev, owner)

    def covers(self, ids: Sequence[uuid.UUID]) -> bool:
        """Whether ``ids`` are the rows this was read for (else they are looked up again)."""
        return len(ids) == len(self.ids) and self.ids.issuperset(map(id, ids))


class _ForeignSlot:
    """Where :meth:`Ownership._read_all` puts a row of another owner."""

    def __init__(self, foreign: dict[uuid.UUID, uuid.UUID]) -> None:
        self.foreign = foreign

    def add(self, row_id: uuid.UUID, rev: int, owner: uuid.UUID) -> None:
        self.foreign[row_id] = owner


def foreign_owned(
    conn: Connection, table_name: str, ids: Sequence[uuid.UUID], owner: uuid.UUID, chunk: int = 900
) -> dict[uuid.UUID, uuid.UUID]:
    """``id -> owner`` of those of ``ids`` stored with an owner other than ``owner`` (usually
    none, so nothing comes back to convert)."""
    table = _table(table_name)
    out: dict[uuid.UUID, uuid.UUID] = {}
    if not ids:
        return out
    if conn.dialect.name == "sqlite":
        UUID = uuid.UUID
        for start in range(0, len(ids), chunk):
            part = [i.hex for i in ids[start : start + chunk]]
            sql = (
                f"SELECT id, owner_id FROM {table.name} "
                f"WHERE id IN ({', '.join('?' * len(part))}) AND owner_id <> ?"  # noqa: S608
            )
            for rid, other in conn.exec_driver_sql(sql, (*part, owner.hex)):
                out[UUID(hex=rid)] = UUID(hex=other)
        return out
    if conn.dialect.name == "postgresql":
        sql = (
            f"SELECT id, owner_id FROM {table.name} "  # noqa: S608
            "WHERE id = ANY(%s) AND owner_id <> %s"
        )
        for rid, other in conn.exec_driver_sql(sql, (list(ids), owner)):
            out[rid] = other
        return out
    for start in range(0, len(ids), chunk):
        for rid, other in conn.execute(
            select(table.c.id, table.c.owner_id).where(
                table.c.id.in_(ids[start : start + chunk]), table.c.owner_id != owner
            )
        ):
            out[rid] = other
    return out


def _enrolled_identity(conn: Connection, center_id: uuid.UUID) -> dict[str, Any]:
    found = conn.execute(
        select(Enrolment.code, Enrolment.name).where(Enrolment.center_id == center_id)
    ).first()
    if found is None:  # not enrolled here: the importer refused the bundle before this
        return {}
    return {"kind": SiteKind.CENTER.value, "code": found.code, "name": found.name}


@functools.cache
def _unique_keys(table_name: str) -> tuple[tuple[str, ...], ...]:
    """Column sets that must be unique besides the id (case and meeting numbers, one settlement
    per case)."""
    table = _table(table_name)
    keys: set[tuple[str, ...]] = set()
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys.add(tuple(c.key for c in constraint.columns))
    for index in table.indexes:
        if index.unique:
            keys.add(tuple(c.key for c in index.columns))
    return tuple(sorted(k for k in keys if k != ("id",)))


def unique_clashes(
    conn: Connection, table_name: str, rows: Sequence[dict[str, Any]], chunk: int = 500
) -> dict[uuid.UUID, uuid.UUID]:
    """``incoming id -> stored id`` for incoming rows that would take a unique value (a case
    number, say) already held by another stored row that this batch does not change."""
    keys = _unique_keys(table_name)
    if not keys or not rows:
        return {}
    table = _table(table_name)
    incoming = {row["id"] for row in rows}
    out: dict[uuid.UUID, uuid.UUID] = {}
    for columns in keys:
        # Rows grouped by all but the last key column (owner and year of a case number), so
        # each query is an indexed lookup of the last column's values.
        *prefix, last = columns
        groups: dict[tuple[Any, ...], dict[Any, uuid.UUID]] = {}
        for row in rows:
            value = tuple(row.get(c) for c in columns)
            if None in value:
                continue  # NULLs never clash
            wanted = groups.setdefault(value[:-1], {})
            if value[-1] in wanted:
                out[row["id"]] = wanted[value[-1]]  # two incoming rows want the same value
                continue
            wanted[value[-1]] = row["id"]
        for head, wanted in groups.items():
            values = list(wanted)
            condition = [table.c[c] == v for c, v in zip(prefix, head, strict=True)]
            for start in range(0, len(values), chunk):
                stmt = select(table.c.id, table.c[last]).where(
                    *condition, table.c[last].in_(values[start : start + chunk])
                )
                for stored_id, value in conn.execute(stmt):
                    mine = wanted.get(value)
                    if mine is not None and stored_id != mine and stored_id not in incoming:
                        out[mine] = stored_id
    return out


def highest_number(conn: Connection, table_name: str, row: dict[str, Any]) -> int:
    """The highest value of the numbered column of ``row``'s unique keys (a case number) held
    for the same owner and year: a center renumbering a refused record starts above it."""
    table = _table(table_name)
    for *prefix, last in _unique_keys(table_name):
        if last != "number" or any(row.get(c) is None for c in prefix):
            continue
        condition = [table.c[c] == row[c] for c in prefix]
        found = conn.execute(select(func.max(table.c[last])).where(*condition)).scalar()
        return int(found or 0)
    return 0


_by_id = operator.itemgetter("id")


def upsert(
    conn: Connection,
    table_name: str,
    rows: list[dict[str, Any]],
    *,
    force: bool = False,
    new: Collection[int] = (),
) -> None:
    """Insert or update ``rows`` (full column sets as :class:`Decoder` makes them), keeping a
    stored row whose ``rev`` is higher (unless ``force``).

    ``new``: the rows known not to be stored, read in this transaction while no other import
    of the same center can write (``sync_queries.lock_center``), by the ``id()`` of their
    dicts (Python hashes a UUID by a call of its own, an integer in C). On PostgreSQL they are
    copied straight into the table with ``COPY``, the fastest way in.

    On SQLite one multi-row ``INSERT ... ON CONFLICT DO UPDATE`` per ~1,000 rows: with the FTS5
    triggers on people, cases and activities that is several times faster than ``executemany``
    (see demo_queries). Values go through SQLAlchemy's own bind processors, so they are stored
    exactly as the ORM stores them."""
    if not rows:
        return
    # In the order of the primary key: the index is then filled from one end, several times
    # faster than at random places for a batch of random UUIDs.
    rows = sorted(rows, key=_by_id)
    keys = tuple(k for k in rows[0] if k != "id")
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        if new:
            # The new rows need no check that their ids differ: a bundle lists a record once,
            # under one spelling (canonical_uuid), and COPY's primary key would refuse one
            # given twice.
            fresh: list[dict[str, Any]] = []
            rest: list[dict[str, Any]] = []
            for row in rows:
                (fresh if id(row) in new else rest).append(row)
            if fresh:
                _pg_copy(conn, table_name, ("id", *keys), fresh)
            rows = rest
            if not rows:
                return
        if len(rows) > 1 and len({row["id"] for row in rows}) == len(rows):
            _pg_copy_upsert(conn, table_name, ("id", *keys), rows, force)
            return
    if conn.dialect.name != "sqlite":
        conn.execute(_upsert_statement(table_name, keys, conn.dialect.name, force), rows)
        return
    plan = _sqlite_upsert_plan(table_name, ("id", *keys), force)
    convert = plan.converter()
    step = plan.rows_per_statement
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        values: list[Any] = []
        extend = values.extend
        for row in part:
            extend(convert(row))
        conn.exec_driver_sql(plan.sql(len(part)), tuple(values))


@functools.lru_cache(maxsize=256)
def _upsert_statement(
    table_name: str, keys: tuple[str, ...], dialect: str, force: bool
) -> sqlite.Insert | postgresql.Insert:
    table = _table(table_name)
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    stmt = insert(table)
    where = None if force else stmt.excluded.rev > table.c.rev
    return stmt.on_conflict_do_update(
        index_elements=[table.c.id], set_={k: stmt.excluded[k] for k in keys}, where=where
    )


def _pg_copy_upsert(
    conn: Connection,
    table_name: str,
    keys: tuple[str, ...],
    rows: list[dict[str, Any]],
    force: bool,
) -> None:
    """The PostgreSQL form of :func:`upsert`: ``COPY`` into a temporary table shaped like the
    target, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` (docs/sync.md §4). Several
    times faster than one ``INSERT`` per row, and it keeps the same rule (a stored row with a
    higher ``rev`` stays). The ids must be distinct: one statement cannot update a row twice.

    The temporary table lives as long as the database session and is emptied after each use
    (and at every commit), so it is created once per connection and table."""
    plan = _pg_upsert_plan(table_name, keys, force)
    driver = conn.connection.driver_connection
    assert driver is not None
    take = plan.take
    with driver.cursor() as cursor:
        cursor.execute(plan.create)
        with cursor.copy(plan.copy) as copy:
            copy.set_types(plan.types)
            write_row = copy.write_row
            for row in rows:
                write_row(take(row))
        cursor.execute(plan.insert)
        cursor.execute(plan.empty)


def _pg_copy(
    conn: Connection, table_name: str, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """``COPY`` rows that are not stored yet straight into their table."""
    plan = _pg_upsert_plan(table_name, keys, False)
    driver = conn.connection.driver_connection
    assert driver is not None
    take = plan.take
    with driver.cursor() as cursor, cursor.copy(plan.copy_in) as copy:
        copy.set_types(plan.types)
        write_row = copy.write_row
        for row in rows:
            write_row(take(row))


class _PgUpsert:
    """The statements of :func:`_pg_copy_upsert` for one table and column set."""

    def __init__(self, table_name: str, keys: tuple[str, ...], force: bool) -> None:
        # Our own table and column names (lower-case identifiers), quoted as PostgreSQL does.
        def quote(name: str) -> str:
            return f'"{name}"'

        table = _table(table_name)
        target = quote(table.name)
        staging = quote(f"jd_incoming_{table.name}")
        names = ", ".join(quote(table.c[k].name) for k in keys)
        sets = ", ".join(
            f"{quote(table.c[k].name)} = excluded.{quote(table.c[k].name)}"
            for k in keys
            if k != "id"
        )
        where = "" if force else f" WHERE excluded.rev > {target}.rev"
        # No constraints on the staging table (CREATE ... AS copies only the column types):
        # the target's own constraints check the rows when they are inserted there.
        self.create = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "
            f"AS SELECT * FROM {target} WITH NO DATA"
        )
        # The binary form, each column's type given: the driver then takes one converter per
        # column instead of looking one up for every value by its Python type, and the server
        # parses no text (a quarter of the driver's time per row, 0.3 s against 1.2 s for the
        # 90,000 records of benchmarks/bench_sync_postgres.py).
        self.copy = f"COPY {staging} ({names}) FROM STDIN (FORMAT BINARY)"
        self.copy_in = f"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)"
        self.types = [_pg_type_name(table.c[k]) for k in keys]
        self.insert = (
            f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT (id) DO UPDATE SET {sets}{where}"
        )
        self.empty = f"DELETE FROM {staging}"
        self.take: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            operator.itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
        )


#: SQLAlchemy's PostgreSQL spelling of a column type -> the driver's name of that type.
_PG_TYPE_NAMES = {
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "boolean": "bool",
    "time without time zone": "time",
    "timestamp without time zone": "timestamp",
    # The same bytes in the binary form (the server's varchar input still checks the length);
    # psycopg 3.1 has a binary converter for text only.
    "varchar": "text",
    "character varying": "text",
}


def _pg_type_name(column: Column[Any]) -> str:
    """The type of ``column`` as the driver names it for a binary ``COPY`` (``varchar``,
    ``int4``, ``uuid``, ...); one the driver does not know fails the first ``COPY`` loudly."""
    dialect: Dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    spelled = column.type.compile(dialect=dialect).split("(")[0].strip().lower()
    return _PG_TYPE_NAMES.get(spelled, spelled)


@functools.lru_cache(maxsize=256)
def _pg_upsert_plan(table_name: str, keys: tuple[str, ...], force: bool) -> _PgUpsert:
    return _PgUpsert(table_name, keys, force)


#: Bound parameters in one statement: 32,766 from SQLite 3.32, 999 before.
_MAX_PARAMS = 32_000 if sqlite3.sqlite_version_info >= (3, 32) else 999


class _SqliteUpsert:
    """The SQL and a row-to-tuple converter for one table and column set."""

    def __init__(self, table_name: str, keys: tuple[str, ...], force: bool) -> None:
        dialect = sqlite.dialect()
        quote = dialect.identifier_preparer.quote
        table = _table(table_name)
        self.processors: list[Convert | None] = []
        self.uuid_columns: list[bool] = []
        for key in keys:
            column = table.c[key]
            self.processors.append(column.type.dialect_impl(dialect).bind_processor(dialect))
            self.uuid_columns.append(
                isinstance(column.type, Uuid) and not dialect.supports_native_uuid
            )
        self.keys = keys
        names = ", ".join(quote(table.c[k].name) for k in keys)
        sets = ", ".join(
            f"{quote(table.c[k].name)} = excluded.{quote(table.c[k].name)}"
            for k in keys
            if k != "id"
        )
        where = "" if force else f" WHERE excluded.rev > {quote(table.name)}.rev"
        self._prefix = f"INSERT INTO {quote(table.name)} ({names}) VALUES "
        self._suffix = f" ON CONFLICT (id) DO UPDATE SET {sets}{where}"
        self._one = "(" + ", ".join("?" for _ in keys) + ")"
        self.rows_per_statement = max(1, min(1000, _MAX_PARAMS // len(keys)))
        self._sql: dict[int, str] = {}

    def sql(self, rows: int) -> str:
        # Only the full-size statement is kept: one per distinct row count would grow without
        # bound over a long import (each is up to ~100 KB of placeholders).
        if rows == self.rows_per_statement:
            text = self._sql.get(rows)
            if text is None:
                text = self._sql[rows] = self._prefix + ", ".join([self._one] * rows) + self._suffix
            return text
        return self._prefix + ", ".join([self._one] * rows) + self._suffix

    def converter(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        """``row -> list of database values``; only the columns whose values need processing
        (ids, dates, flags) are touched, and repeated values are processed once per call."""
        take = (
            operator.itemgetter(*self.keys)
            if len(self.keys) > 1
            else (lambda row: (row[self.keys[0]],))
        )
        fixes: list[tuple[int, Convert, bool, dict[Any, Any]]] = [
            (i, process, is_uuid, {})
            for i, (process, is_uuid) in enumerate(
                zip(self.processors, self.uuid_columns, strict=True)
            )
            if process is not None
        ]

        def convert(row: Mapping[str, Any]) -> list[Any]:
            out = list(take(row))
            for i, process, is_uuid, memo in fixes:
                value = out[i]
                if value is None:
                    continue
                if is_uuid:
                    out[i] = value.hex  # what the bind processor stores for a non-native UUID
                elif value in memo:
                    out[i] = memo[value]
                else:
                    out[i] = memo.setdefault(value, process(value))
            return out

        return convert


@functools.lru_cache(maxsize=256)
def _sqlite_upsert_plan(table_name: str, keys: tuple[str, ...], force: bool) -> _SqliteUpsert:
    return _SqliteUpsert(table_name, keys, force)


def defer_foreign_keys(conn: Connection) -> None:
    """Check foreign keys at commit, so records may arrive in any order within a bundle."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    else:
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


def check_deferred_foreign_keys(conn: Connection, *, defer_again: bool = False) -> bool:
    """Check now the foreign keys :func:`defer_foreign_keys` deferred so far in this
    transaction (raises the database's error when one fails); later writes are checked at
    once until deferred again, or deferred again at once with ``defer_again`` (in the same
    round trip). PostgreSQL only: SQLite checks deferred keys only at the commit (returns
    ``False`` there, having done nothing)."""
    if conn.dialect.name != "postgresql":
        return False
    # Two statements in one simple query: no parameters, so the driver sends it as one.
    conn.exec_driver_sql(
        "SET CONSTRAINTS ALL IMMEDIATE" + ("; SET CONSTRAINTS ALL DEFERRED" if defer_again else "")
    )
    return True


def missing_references(
    conn: Connection, written: Mapping[str, Sequence[uuid.UUID]], chunk: int = 900
) -> str | None:
    """SQLite: the first reference of the rows ``written`` (ids per table, written in this
    transaction) to a row that is not stored, as ``"table.column -> parent"``, else ``None``.

    What :func:`check_deferred_foreign_keys` does on PostgreSQL for rows written since the
    keys were deferred: SQLite checks deferred keys only at the commit, and offers no check of
    the rows written so far but one of whole tables (``PRAGMA foreign_key_check``). One indexed
    look per reference; not ``owner_id``, which names the sending center in every row the
    merge writes, whose site row the enrolment stored. Other databases: ``None`` (they check
    their own)."""
    if conn.dialect.name != "sqlite":
        return None
    for table_name, ids in written.items():
        table = _table(table_name)
        for key in table.foreign_keys:
            column, parent = key.parent.name, key.column
            if column == "owner_id":
                continue
            for start in range(0, len(ids), chunk):
                part = [i.hex for i in ids[start : start + chunk]]
                sql = (
                    f'SELECT 1 FROM "{table.name}" AS c WHERE c.id IN '  # noqa: S608
                    f'({", ".join("?" * len(part))}) AND c."{column}" IS NOT NULL '
                    f'AND NOT EXISTS (SELECT 1 FROM "{parent.table.name}" AS p '
                    f'WHERE p."{parent.name}" = c."{column}") LIMIT 1'
                )
                if conn.exec_driver_sql(sql, tuple(part)).first() is not None:
                    return f"{table.name}.{column} -> {parent.table.name}"
    return None


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def ordered_tables(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: TABLE_ORDER.get(n, 10_000))
