"""Keeps ``rev``, times, derived columns and the change log in step with every write.

Two paths write syncable rows, and both log in the same transaction as the write itself:
- the ORM path: a ``before_flush`` hook on our sessions (``install``);
- the bulk path for large generated or imported batches: :func:`bulk_insert`, which uses Core
  ``executemany`` and appends the change-log rows in the same transaction.

Hard deletes of syncable rows are refused: sync needs tombstones (soft delete sets
``deleted_at`` and logs op ``delete``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnDefault, Connection, Table, event, insert, inspect
from sqlalchemy.orm import Session

from justice_desk.domain import search, thai_text
from justice_desk.domain.enums import ChangeOp
from justice_desk.domain.ids import new_id
from justice_desk.domain.numbering import format_case_number
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.storage.models import Activity, Case, ChangeLog, Person, Syncable, utcnow


def person_derived(values: dict[str, Any]) -> dict[str, str]:
    """``sort_key`` and ``search_text`` of a person from its column values."""
    given, surname = values.get("given_name") or "", values.get("surname") or ""
    return {
        "sort_key": thai_text.sort_key(f"{given} {surname}")[:300],
        "search_text": search.person_index(
            values.get("title"),
            given,
            surname,
            values.get("national_id"),
            values.get("phone"),
            values.get("line_id"),
        ),
    }


def case_derived(values: dict[str, Any]) -> dict[str, str]:
    # The facts are not indexed: they are long, confidential-ish narrative, and indexing them
    # tripled the index and slowed every search; cases are found by number, subject and party.
    number = format_case_number(values["number"], values["year_be"])
    return {
        "sort_key": thai_text.sort_key(values.get("subject") or "")[:300],
        "search_text": search.index_text(number, values.get("subject")),
    }


def activity_derived(values: dict[str, Any]) -> dict[str, str]:
    return {
        "search_text": search.index_text(
            values.get("topic"), values.get("place"), values.get("partners")
        )
    }


#: Derived columns per model: the ORM hook, the bulk paths, the demo and sync imports all use these.
#: Computes derived columns (sort key, search text) from a row's values.
Derive = Callable[[dict[str, Any]], dict[str, str]]

DERIVED: dict[type[Syncable], Derive] = {
    Person: person_derived,
    Case: case_derived,
    Activity: activity_derived,
}
_DERIVED = DERIVED


def _refresh_derived(obj: Syncable) -> None:
    derive = _DERIVED.get(type(obj))
    if derive is None:
        return
    columns = {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}
    for key, value in derive(columns).items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    now = utcnow()
    owner = session.info.get("owner_id")
    logs: list[ChangeLog] = []
    for obj in session.deleted:
        if isinstance(obj, Syncable):
            raise RuntimeError(
                f"hard delete of a syncable {type(obj).__name__} row; soft-delete it instead"
            )
    for obj in session.new:
        if not isinstance(obj, Syncable):
            continue
        if obj.id is None:
            obj.id = new_id()
        if obj.owner_id is None:
            if owner is None:
                raise RuntimeError("session has no owner_id for new records")
            obj.owner_id = owner
        obj.rev = 1
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        _refresh_derived(obj)
        logs.append(
            ChangeLog(
                table_name=obj.__tablename__,
                row_id=obj.id,
                op=ChangeOp.INSERT,
                rev=1,
                changed_at=now,
            )
        )
    for obj in session.dirty:
        if not isinstance(obj, Syncable) or not session.is_modified(obj, include_collections=False):
            continue
        if owner is not None and obj.owner_id != owner:
            # docs/sync.md §1: only the owner changes a record. At a province office, the
            # centers' records are copies, shown read-only.
            raise ValidationError(
                _(
                    "This record belongs to a center: it is changed there, "
                    "and arrives here with its next bundle."
                )
            )
        state = inspect(obj)
        deleted_hist = state.attrs.deleted_at.history
        op = (
            ChangeOp.DELETE
            if (deleted_hist.added and deleted_hist.added[0] is not None)
            else ChangeOp.UPDATE
        )
        _refresh_derived(obj)
        obj.rev = (obj.rev or 0) + 1
        obj.updated_at = now
        logs.append(
            ChangeLog(
                table_name=obj.__tablename__, row_id=obj.id, op=op, rev=obj.rev, changed_at=now
            )
        )
    session.add_all(logs)
    if session.info.get("audit", True):
        _audit_changes(session, logs)


#: Records kept under a case or a person: their changes are written in the audit trail as
#: changes of that case's or person's record, so that its history is one filter.
_UNDER_CASE = frozenset(
    {
        "case_parties",
        "case_mediators",
        "case_sessions",
        "case_events",
        "settlements",
        "compliance_checks",
    }
)
_UNDER_PERSON = frozenset({"memberships", "trainings"})
_AUDIT_ACTION = {ChangeOp.INSERT: "create", ChangeOp.UPDATE: "change", ChangeOp.DELETE: "delete"}


def _audit_changes(session: Session, logs: list[ChangeLog]) -> None:
    """One audit entry per changed record, in the flush's own transaction (PDPA: every
    change, with who and from which computer)."""
    from justice_desk.storage import audit
    from justice_desk.storage.models import Instalment, Settlement

    if not logs:
        return
    conn = session.connection()
    by_id = {obj.id: obj for obj in (*session.new, *session.dirty) if isinstance(obj, Syncable)}
    for log in logs:
        table, row_id, detail = log.table_name, log.row_id, None
        obj = by_id.get(log.row_id)
        parent: tuple[str, uuid.UUID | None] | None = None
        if table in _UNDER_CASE:
            parent = ("cases", getattr(obj, "case_id", None))
        elif table in _UNDER_PERSON:
            parent = ("people", getattr(obj, "person_id", None))
        elif isinstance(obj, Instalment):
            settlement = session.get(Settlement, obj.settlement_id)
            parent = ("cases", settlement.case_id if settlement is not None else None)
        if parent is not None and parent[1] is not None:
            detail = f"{table} {log.row_id}"
            table, row_id = parent[0], parent[1]
        audit.record(
            conn,
            _AUDIT_ACTION[ChangeOp(log.op)],
            table=table,
            row_id=row_id,
            detail=detail,
            actor=session.info.get("actor"),
        )


def install(session_class: type[Session]) -> None:
    """Attach the hook to a session class (done once by ``storage.database``)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)


def bulk_insert(
    conn: Connection,
    model: type[Syncable],
    rows: Sequence[dict[str, Any]],
    owner_id: uuid.UUID,
) -> list[uuid.UUID]:
    """Insert many new rows with ``executemany`` and log each one, in the caller's transaction.

    Fills in what the ORM hook would: id, owner, rev 1, times and derived columns. Returns the ids.
    """
    if not rows:
        return []
    now = utcnow()
    derive = _DERIVED.get(model)
    prepared: list[dict[str, Any]] = []
    for row in rows:
        full = dict(row)
        full.setdefault("id", new_id())
        full["owner_id"] = full.get("owner_id") or owner_id
        full["rev"] = 1
        full.setdefault("created_at", now)
        full["updated_at"] = now
        full.setdefault("deleted_at", None)
        if derive is not None:
            full.update(derive(full))
        prepared.append(full)
    table: Table = model.__table__
    conn.execute(insert(table), _complete(table, prepared))
    conn.execute(
        insert(ChangeLog.__table__),
        [
            {
                "table_name": table.name,
                "row_id": r["id"],
                "op": ChangeOp.INSERT.value,
                "rev": 1,
                "changed_at": now,
            }
            for r in prepared
        ],
    )
    return [r["id"] for r in prepared]


def _complete(table: Table, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """executemany needs the same keys in every row: fill the missing ones with column defaults."""
    rows = list(rows)
    keys: set[str] = set()
    for r in rows:
        keys.update(r)
    defaults: dict[str, Any] = {}
    for col in table.columns:
        if col.key in keys:
            continue
        if isinstance(col.default, ColumnDefault) and col.default.is_scalar:
            defaults[col.key] = col.default.arg
    all_keys = keys | set(defaults)
    out = []
    for r in rows:
        full = {k: r.get(k, defaults.get(k)) for k in all_keys}
        out.append(full)
    return out
