"""Database side of sync: reading the change log for export, and applying incoming records.

Records travel as ``{table, id, op, rev, fields}`` with JSON values; this module converts them
from and to column types, and applies them with one ``executemany`` upsert per table that never
lets a lower ``rev`` overwrite a higher one.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table, Time, Uuid, func, select
from sqlalchemy.dialects import postgresql, sqlite

from justice_desk.storage.changelog import _DERIVED
from justice_desk.storage.models import MODEL_BY_TABLE, SYNCABLE_MODELS, ChangeLog

#: Columns never sent: confidential session notes (§12, §29) and what the receiver derives.
NOT_SENT: dict[str, frozenset[str]] = defaultdict(frozenset, {"case_sessions": frozenset({"notes"})})
DERIVED_COLUMNS = frozenset({"sort_key", "search_text"})
TABLE_ORDER = {m.__tablename__: i for i, m in enumerate(SYNCABLE_MODELS)}  # type: ignore[attr-defined]


def _table(name: str) -> Table:
    return MODEL_BY_TABLE[name].__table__  # type: ignore[attr-defined,no-any-return]


def to_json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


def from_json_value(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
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


def current_records(conn: Connection, table_name: str, ids: Sequence[uuid.UUID], chunk: int = 500) -> list[dict[str, Any]]:
    """The current state of rows as sync records (JSON values; confidential and derived columns left out)."""
    table = _table(table_name)
    skip = NOT_SENT[table_name] | DERIVED_COLUMNS
    cols = [c for c in table.columns if c.key not in skip]
    out = []
    for start in range(0, len(ids), chunk):
        for row in conn.execute(select(*cols).where(table.c.id.in_(ids[start : start + chunk]))).mappings():
            fields = {k: to_json_value(v) for k, v in row.items() if k not in ("id", "rev")}
            op = "delete" if row["deleted_at"] is not None else "update"
            out.append({"table": table_name, "id": str(row["id"]), "op": op, "rev": int(row["rev"]), "fields": fields})
    return out


# -- import side -------------------------------------------------------------------------------


def known_table(name: str) -> bool:
    return name in MODEL_BY_TABLE


def stored_revs(conn: Connection, table_name: str, ids: Sequence[uuid.UUID], chunk: int = 900) -> dict[uuid.UUID, tuple[int, uuid.UUID]]:
    """``id -> (rev, owner)`` of rows already stored."""
    table = _table(table_name)
    out: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
    for start in range(0, len(ids), chunk):
        for rid, rev, owner in conn.execute(select(table.c.id, table.c.rev, table.c.owner_id).where(table.c.id.in_(ids[start : start + chunk]))):
            out[rid] = (rev, owner)
    return out


def decode_record(table_name: str, record_id: str, rev: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Column values for one incoming record (unknown fields dropped, derived ones recomputed)."""
    table = _table(table_name)
    skip = NOT_SENT[table_name] | DERIVED_COLUMNS
    row: dict[str, Any] = {}
    for col in table.columns:
        if col.key in ("id", "rev") or col.key in skip:
            continue
        row[col.key] = from_json_value(col, fields.get(col.key))
    row["id"] = uuid.UUID(record_id)
    row["rev"] = rev
    derive = _DERIVED.get(MODEL_BY_TABLE[table_name])
    if derive is not None:
        row.update(derive(row))
    return row


def upsert(conn: Connection, table_name: str, rows: list[dict[str, Any]], *, force: bool = False) -> None:
    """Insert or update ``rows`` (full column sets), keeping a stored row whose ``rev`` is higher
    (unless ``force``: a newer epoch of the owner replaces what it had sent before)."""
    if not rows:
        return
    table = _table(table_name)
    dialect = conn.dialect.name
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    stmt = insert(table)
    keys = [k for k in rows[0] if k != "id"]
    where = None if force else stmt.excluded.rev > table.c.rev
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.id], set_={k: stmt.excluded[k] for k in keys}, where=where)
    conn.execute(stmt, rows)


def defer_foreign_keys(conn: Connection) -> None:
    """Check foreign keys at commit, so records may arrive in any order within a bundle."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    else:
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def ordered_tables(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: TABLE_ORDER.get(n, 10_000))

