"""The storage side of the demo generator: a few reads, and a fast bulk insert.

:func:`justice_desk.storage.changelog.bulk_insert` is the general bulk path. Generating 100,000
cases through it takes minutes, for two reasons this module works around:

- the FTS5 trigram triggers on ``people``/``cases``/``activities``: through the trigger, an
  ``executemany`` (one statement per row) indexes about 3.5x slower than one multi-row
  ``INSERT ... VALUES (...), (...)`` per ~1,000 rows (measured; FTS5 apparently flushes its
  pending index at each statement boundary and merges many tiny segments);
- the derived columns (sort key, search text): ``thai_text.normalize`` costs ~35-130 µs a call,
  and generated data repeats the same subjects and names many times, so they are memoised here
  (and ASCII without whitespace, a fixed point of ``normalize``, skips the call).

Measured on the 2-core machine: 100,000 demo cases alone took 67 s through ``bulk_insert`` and
12 s through this writer.

The rows written are exactly what ``bulk_insert`` would write (id, owner, rev 1, times, derived
columns, column defaults) and every row gets its ``change_log`` insert in the same transaction.
Databases other than SQLite go through ``bulk_insert`` unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import ColumnDefault, Connection, Table, func, select

from justice_desk.domain.enums import ChangeOp
from justice_desk.domain.ids import new_id
from justice_desk.storage.changelog import DERIVED, bulk_insert
from justice_desk.storage.models import (
    Case,
    ChangeLog,
    CommitteePositionRow,
    CommitteeTerm,
    Mediator,
    Meeting,
    Membership,
    Person,
    Syncable,
    utcnow,
)

#: SQLite's limit on bound parameters in one statement is 32,766 (3.32+); stay under it.
_MAX_PARAMS = 32_000
_MAX_ROWS_PER_STATEMENT = 1_000
#: Page cache for the bulk transaction (KiB, negative = size rather than pages).
_BULK_CACHE_KIB = 65_536
_INSERT: str = ChangeOp.INSERT.value.encode().decode()


# ------------------------------------------------------------------------------------------
# Reads


@dataclass(frozen=True)
class DemoBaseline:
    """What the database already holds for this owner, so that generated records continue it."""

    people: int
    cases: int
    meetings: int
    committee_terms: int
    mediators: int
    memberships: int


def _count(conn: Connection, model: type[Any], owner_id: uuid.UUID) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(model).where(model.owner_id == owner_id)
        ).scalar_one()
    )


def max_numbers_by_year(conn: Connection, model: type[Any], owner_id: uuid.UUID) -> dict[int, int]:
    """Highest case or meeting number per BE year (deleted rows count: numbers never repeat)."""
    rows = conn.execute(
        select(model.year_be, func.max(model.number))
        .where(model.owner_id == owner_id)
        .group_by(model.year_be)
    ).all()
    return {int(year): int(number) for year, number in rows}


def baseline(conn: Connection, owner_id: uuid.UUID) -> DemoBaseline:
    return DemoBaseline(
        people=_count(conn, Person, owner_id),
        cases=_count(conn, Case, owner_id),
        meetings=_count(conn, Meeting, owner_id),
        committee_terms=_count(conn, CommitteeTerm, owner_id),
        mediators=_count(conn, Mediator, owner_id),
        memberships=_count(conn, Membership, owner_id),
    )


@dataclass(frozen=True)
class SeatRow:
    """A committee seat already on record: who, which position, from when to when."""

    person_id: uuid.UUID
    name: str
    position: str
    starts_on: dt.date
    ends_on: dt.date | None  # the seat's own end, else its term's


def committee_seats(conn: Connection, owner_id: uuid.UUID) -> list[SeatRow]:
    """All live committee seats of the owner, with the person's printed name."""
    rows = conn.execute(
        select(
            CommitteePositionRow.person_id,
            Person.title,
            Person.given_name,
            Person.surname,
            CommitteePositionRow.position,
            CommitteePositionRow.starts_on,
            CommitteePositionRow.ends_on,
            CommitteeTerm.ends_on,
        )
        .join(Person, Person.id == CommitteePositionRow.person_id)
        .join(CommitteeTerm, CommitteeTerm.id == CommitteePositionRow.term_id)
        .where(
            CommitteePositionRow.owner_id == owner_id,
            CommitteePositionRow.deleted_at.is_(None),
            CommitteeTerm.deleted_at.is_(None),
        )
    ).all()
    return [
        SeatRow(
            pid,
            f"{title or ''}{given} {surname or ''}".strip(),
            position,
            starts,
            ends or term_ends,
        )
        for pid, title, given, surname, position, starts, ends, term_ends in rows
    ]


@dataclass(frozen=True)
class MediatorOnRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    name: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    status: str


def mediators_on_record(conn: Connection, owner_id: uuid.UUID) -> list[MediatorOnRecord]:
    """The owner's live mediator registrations, with the person's printed name."""
    rows = conn.execute(
        select(
            Mediator.id,
            Mediator.person_id,
            Person.title,
            Person.given_name,
            Person.surname,
            Mediator.issued_on,
            Mediator.expires_on,
            Mediator.status,
        )
        .join(Person, Person.id == Mediator.person_id)
        .where(Mediator.owner_id == owner_id, Mediator.deleted_at.is_(None))
        .order_by(Mediator.issued_on)
    ).all()
    return [
        MediatorOnRecord(
            mid, pid, f"{title or ''}{given} {surname or ''}".strip(), issued, expires, status
        )
        for mid, pid, title, given, surname, issued, expires, status in rows
    ]


@dataclass(frozen=True)
class MeetingOnRecord:
    id: uuid.UUID
    year_be: int
    number: int
    held_on: dt.date
    status: str


def meetings_on_record(conn: Connection, owner_id: uuid.UUID) -> list[MeetingOnRecord]:
    """The owner's live meetings, oldest first (a center holds a few dozen a year)."""
    rows = conn.execute(
        select(Meeting.id, Meeting.year_be, Meeting.number, Meeting.held_on, Meeting.status)
        .where(Meeting.owner_id == owner_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.held_on, Meeting.year_be, Meeting.number)
    ).all()
    return [MeetingOnRecord(*row) for row in rows]


# Derived columns: the same functions as the ORM hook (memoised in domain.thai_text).
_DERIVED = DERIVED


# ------------------------------------------------------------------------------------------
# The bulk writer


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Dates, times and flags repeat endlessly in generated data: convert each value once."""
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = process(value)
            return result

    return convert


_CONSTANT = object()  # marks a bookkeeping column whose value is the writer's constant


class _TablePlan:
    """The INSERT statements of one table and a compiled row converter, built once per writer.

    The converter turns a row dict into the tuple of database values in column order: missing
    keys take the column's scalar default, the bookkeeping columns take the writer's constants,
    and values go through SQLAlchemy's own bind processors (memoised where values repeat).
    """

    def __init__(self, conn: Connection, model: type[Syncable], constants: dict[str, Any]) -> None:
        dialect = conn.dialect
        quote = dialect.identifier_preparer.quote
        table: Table = model.__table__
        # Plain str: sqlite3 probes str subclasses (SQLAlchemy's quoted_name) for __conform__.
        self.name: str = table.name.encode().decode()
        steps: list[tuple[str, Any, Any, Any]] = []  # key, constant, default, processor
        keys: list[str] = []
        for col in table.columns:
            keys.append(col.key)
            impl = col.type.dialect_impl(dialect)
            process: Callable[[Any], Any] | None = impl.bind_processor(dialect)
            if col.key in constants:
                value = constants[col.key]
                steps.append(
                    (col.key, process(value) if process is not None else value, None, _CONSTANT)
                )
                continue
            default = (
                col.default.arg
                if (isinstance(col.default, ColumnDefault) and col.default.is_scalar)
                else None
            )
            if process is not None and col.key != "id" and not col.foreign_keys:
                process = _memoised(process)
            steps.append((col.key, None, default, process))

        def convert(row: dict[str, Any]) -> tuple[Any, ...]:
            out = []
            for key, constant, default, process in steps:
                if process is _CONSTANT:
                    out.append(constant)
                    continue
                value = (row.get(key) or new_id()) if key == "id" else row.get(key, default)
                out.append(process(value) if process is not None else value)
            return tuple(out)

        self.convert: Callable[[dict[str, Any]], tuple[Any, ...]] = convert
        self.id_index = keys.index("id")
        names = ", ".join(quote(c.name) for c in table.columns)
        self._prefix = f"INSERT INTO {quote(table.name)} ({names}) VALUES "
        self._one = "(" + ", ".join("?" for _ in keys) + ")"
        self.rows_per_statement = max(1, min(_MAX_ROWS_PER_STATEMENT, _MAX_PARAMS // len(keys)))
        self._sql: dict[int, str] = {}

    def sql(self, rows: int) -> str:
        text = self._sql.get(rows)
        if text is None:
            text = self._sql[rows] = self._prefix + ", ".join([self._one] * rows)
        return text


class BulkWriter:
    """Inserts generated rows into one open write transaction, logging each in ``change_log``."""

    def __init__(self, conn: Connection, owner_id: uuid.UUID) -> None:
        self.conn = conn
        self.owner_id = owner_id
        self.now = utcnow()
        self.rows_written = 0
        self._sqlite = conn.dialect.name == "sqlite"
        self._constants = {
            "owner_id": owner_id,
            "rev": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        self._plans: dict[type[Any], _TablePlan] = {}
        self._log_plan: _LogPlan | None = None

    def _plan(self, model: type[Syncable]) -> _TablePlan:
        plan = self._plans.get(model)
        if plan is None:
            plan = self._plans[model] = _TablePlan(self.conn, model, self._constants)
        return plan

    def _execute_many(self, plan: _TablePlan | _LogPlan, tuples: Sequence[Sequence[Any]]) -> None:
        step = plan.rows_per_statement
        for start in range(0, len(tuples), step):
            part = tuples[start : start + step]
            self.conn.exec_driver_sql(plan.sql(len(part)), tuple(chain.from_iterable(part)))

    def insert(self, model: type[Syncable], rows: Sequence[dict[str, Any]]) -> int:
        """Insert ``rows`` (dicts of column values) of ``model``; returns how many.

        Values are what the ORM would take (``uuid.UUID``, ``datetime.date``, plain ``str`` codes);
        ``id`` is made when missing; owner, rev, times and derived columns are filled in here.
        """
        if not rows:
            return 0
        if not self._sqlite:
            bulk_insert(self.conn, model, rows, self.owner_id)
            self.rows_written += len(rows)
            return len(rows)
        plan = self._plan(model)
        convert = plan.convert
        derive = _DERIVED.get(model)
        if derive is None:
            tuples = [convert(row) for row in rows]
        else:
            tuples = [convert({**row, **derive(row)}) for row in rows]
        self._execute_many(plan, tuples)
        if self._log_plan is None:
            self._log_plan = _LogPlan(self.conn, self.now)
        id_index, name, op, changed_at = (
            plan.id_index,
            plan.name,
            _INSERT,
            self._log_plan.changed_at,
        )
        self._execute_many(self._log_plan, [(name, t[id_index], op, 1, changed_at) for t in tuples])
        self.rows_written += len(rows)
        return len(rows)


class _LogPlan:
    """``change_log`` rows (table_name, row_id, op, rev, changed_at); the key is autoincrement."""

    def __init__(self, conn: Connection, now: dt.datetime) -> None:
        quote = conn.dialect.identifier_preparer.quote
        keys = ("table_name", "row_id", "op", "rev", "changed_at")
        column = ChangeLog.__table__.c.changed_at
        process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        self.changed_at = process(now) if process is not None else now
        names = ", ".join(quote(k) for k in keys)
        self._prefix = f"INSERT INTO {quote(ChangeLog.__tablename__)} ({names}) VALUES "
        self._one = "(" + ", ".join("?" for _ in keys) + ")"
        self.rows_per_statement = min(_MAX_ROWS_PER_STATEMENT * 4, _MAX_PARAMS // len(keys))
        self._sql: dict[int, str] = {}

    def sql(self, rows: int) -> str:
        text = self._sql.get(rows)
        if text is None:
            text = self._sql[rows] = self._prefix + ", ".join([self._one] * rows)
        return text


@contextlib.contextmanager
def bulk_writer(conn: Connection, owner_id: uuid.UUID) -> Iterator[BulkWriter]:
    """A :class:`BulkWriter` on ``conn`` (already in a write transaction).

    On SQLite, foreign keys are checked at commit rather than per statement (rows of one chunk
    may reference each other in any order; the commit still refuses a dangling reference), and
    the page cache is enlarged for the transaction and restored afterwards.
    """
    writer = BulkWriter(conn, owner_id)
    if not writer._sqlite:
        yield writer
        return
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    try:
        yield writer
    finally:
        conn.exec_driver_sql(
            f"PRAGMA cache_size = {int(previous if previous is not None else -2000)}"
        )
