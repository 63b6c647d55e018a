"""The province's merge decisions for one incoming bundle (docs/sync.md §1, §6, §7): per record,
apply it, put a version in the conflict list, or refuse it with a reason, and upsert what passes.

Plain data in, so that storage needs nothing of the file format (``justice_desk.sync``, a layer
of its own): the records of each table as :class:`Incoming` (the id and ``rev`` the bundle
gives, and the column values :class:`sync_store.Decoder` made of its fields, or why it could
not), and the records of tables this version does not have as ``(table, id, rev)``. The SQL is
in :mod:`sync_store` (stored revisions and owners, unique numbers, upserts) and
:mod:`sync_queries` (the conflict list).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection

from justice_desk.storage import sync_queries as q
from justice_desk.storage import sync_store
from justice_desk.storage.models import SyncConflict

_OTHER_SITE = "a site record that is not the center's own"
#: Conflict reasons for records that were not applied at all: their children cannot be either.
REFUSED_CONFLICTS = ("number_taken", "parent_refused", "foreign_reference")


class Incoming(NamedTuple):
    """One incoming record of a table this version has."""

    id: str  #: as the bundle spells it
    rev: int
    #: Column values (:meth:`sync_store.Decoder.decode`), or ``None`` when its fields could not
    #: be decoded (then it is refused as ``bad_record`` with ``error``).
    row: dict[str, Any] | None
    error: str = ""


class RefusedRecord(NamedTuple):
    """A record refused inside a bundle that applied otherwise (``rejected_records``; the
    center's next receipt lists it)."""

    table: str
    id: str
    rev: int
    reason: str
    detail: str


@dataclass
class Merged:
    """What :func:`merge` did: records refused, versions for the conflict list (not added to
    any session yet), and how many records were applied."""

    rejected: list[RefusedRecord]
    conflicts: list[SyncConflict]
    applied: int
    #: The ids of the rows written, per table (for :func:`sync_store.missing_references`).
    written: dict[str, list[uuid.UUID]] = field(default_factory=dict)


def merge(
    conn: Connection,
    center_id: uuid.UUID,
    tables: Sequence[tuple[str, Sequence[Incoming]]],
    *,
    unknown: Iterable[tuple[str, str, int]] = (),
    new_epoch: bool,
    restored_after: dt.datetime | None = None,
    known: sync_store.KnownRecords | None = None,
    pointed_at: sync_store.PointedAt | None = None,
    refused_before: Collection[uuid.UUID] = (),
) -> Merged:
    """Apply a bundle's records, parents first (``tables`` in :func:`sync_store.ordered_tables`
    order), in the caller's transaction, which holds the center's lock
    (:func:`sync_queries.lock_center`) and defers foreign keys to its commit.

    Per record: a known table, values of the right types, owned by the sending center (and not
    stored as someone else's), never a lower or equal ``rev`` over a stored one. When the center
    was restored from a backup (``new_epoch``), or a record already waits in the conflict
    queue, an incoming version that differs from a stored newer one goes to the queue
    (docs/sync.md §1: never resolved silently). A record whose unique number is held by
    another stored record, whose parent was refused, or that points at a record of another
    center, is refused and queued with its fields; so is a site row other than the center's
    own, whose identity (code, name) stays the one it enrolled with (sync_store.Ownership).

    ``restored_after``: when the backup the center restored was made (its clock). A version
    the province holds from after it, which the center's newer one replaces, goes to the queue
    as ``restored_center_overwrote``.

    ``known`` (PostgreSQL): the center's records here, all of them, when the caller knows them
    (:class:`sync_store.Ownership`): its own rows are not looked up, nor are unique numbers
    (the database's unique indexes refuse a clash, and the transaction with it; the caller then
    applies the bundle again without ``known``). What is applied is added to it.

    ``pointed_at``: :func:`sync_store.pointed_at` of the records, when the caller has it.

    ``refused_before``: :func:`refused_earlier` of the center, when a record of the bundle
    points at a record that is not stored (the caller learns it from the foreign keys): a
    child of a record refused in an earlier bundle is refused by name (``parent_refused``)
    like the child of one refused in this bundle, and the rest is applied."""
    ownership = sync_store.Ownership(
        conn,
        center_id,
        ((t, [item.row for item in items]) for t, items in tables),
        known,
        wanted=pointed_at,
    )
    result = Merged([], [], 0)
    center_int = center_id.int
    for table, rid, rev in unknown:
        result.rejected.append(RefusedRecord(table, rid, rev, "unknown_table", ""))
    queued = q.open_conflicts(conn, center_id)
    refused: set[uuid.UUID] = (
        q.refused_rows(conn, center_id, REFUSED_CONFLICTS) if queued else set()
    )
    if refused_before:
        # A record sent again in this bundle is decided by it (applied, or refused again).
        again = {item.row["id"] for _t, items in tables for item in items if item.row is not None}
        refused.update(rid for rid in refused_before if rid not in again)

    def to_queue(table: str, row: dict[str, Any], kept_rev: int, reason: str) -> None:
        revs = queued.setdefault((table, row["id"]), set())
        if row["rev"] in revs:
            return  # already waiting in the queue (the same version sent again)
        revs.add(row["rev"])
        result.conflicts.append(
            SyncConflict(
                center_id=center_id,
                table_name=table,
                row_id=row["id"],
                kept_rev=kept_rev,
                other_rev=row["rev"],
                other_fields=sync_store.as_json(row),
                reason=reason,
            )
        )

    def refuse(table: str, row: dict[str, Any], reason: str, detail: str, kept_rev: int) -> None:
        result.rejected.append(RefusedRecord(table, str(row["id"]), row["rev"], reason, detail))
        to_queue(table, row, kept_rev, reason)
        refused.add(row["id"])

    for table, items in tables:
        rows = []
        foreign: list[uuid.UUID] = []
        unreadable: list[uuid.UUID] = []
        for item in items:
            row = item.row
            if row is None:
                result.rejected.append(
                    RefusedRecord(table, item.id, item.rev, "bad_record", item.error)
                )
                with contextlib.suppress(ValueError, TypeError):
                    unreadable.append(sync_store.canonical_uuid(item.id))
                continue
            if table == "sites" and row["id"] != center_id:
                # Any site row but the center's own is named as such, whoever it says owns it
                # and whoever holds that id here (docs/sync.md §1: a center sends its own site
                # row only), and queued for a person to see.
                result.rejected.append(
                    RefusedRecord(table, item.id, item.rev, "other_site", _OTHER_SITE)
                )
                to_queue(table, row, 0, "other_site")  # as refusals() queues it
                foreign.append(row["id"])
                continue
            owner = row.get("owner_id")
            # (Compared by value as integers: UUID's own == is a Python call, made for
            # every record of every bundle. The decoder gives a UUID or None.)
            if owner is None or owner.int != center_int:
                result.rejected.append(
                    RefusedRecord(
                        table,
                        item.id,
                        item.rev,
                        "wrong_owner",
                        f"owner_id is {owner}, not the sending center",
                    )
                )
                foreign.append(row["id"])
                continue
            rows.append(row)
        ownership.keep_identity(table, rows)
        stored = ownership.stored(table, [row["id"] for row in rows] + foreign)
        # A record refused as someone else's is still a valid parent if its owner's copy is here.
        refused.update(rid for rid in foreign if rid not in stored)
        if unreadable:
            # So is one refused as bad_record if a version of it is stored; if none is, its
            # children are refused by name (parent_refused) instead of failing the bundle's
            # foreign keys at commit, and the rest of the bundle is applied.
            kept_here = sync_store.stored_revs(conn, table, unreadable)
            refused.update(rid for rid in unreadable if rid not in kept_here)
        candidates: list[dict[str, Any]] = []
        compare: list[tuple[dict[str, Any], int]] = []
        overwrites: list[dict[str, Any]] = []
        new_rows: set[int] = set()  # id() of the rows not stored (see sync_store.upsert)
        for row in rows:
            # (Most of a center's first import is stored nowhere: no id to hash then.)
            have = stored.get(row["id"]) if stored else None
            if have is None:
                candidates.append(row)
                new_rows.add(id(row))
            elif have[1] is not center_id and have[1] != center_id:
                result.rejected.append(
                    RefusedRecord(
                        table,
                        str(row["id"]),
                        row["rev"],
                        "wrong_owner",
                        "the id is held here by a record of another center",
                    )
                )
            elif have[0] < row["rev"]:
                candidates.append(row)
                if restored_after is not None and have[0] > 0:  # rev 0: a placeholder here
                    overwrites.append(row)
            elif new_epoch or (table, row["id"]) in queued:
                compare.append((row, have[0]))
            # else: the same or an older version of what is stored: nothing to do
            # (docs/sync.md §7)
        if compare:
            current = sync_store.stored_rows(conn, table, [row["id"] for row, _kept in compare])
            for row, kept in compare:
                if not sync_store.same_content(current[row["id"]], row):
                    to_queue(table, row, kept, "restored_center_older")
        if overwrites:
            # In an epoch started by a restore, a version the province holds from after the
            # backup was lost by the restore: the center's newer version is applied, and the
            # one it replaces goes to the queue so a person sees what may be missing.
            current = sync_store.stored_rows(conn, table, [row["id"] for row in overwrites])
            for row in overwrites:
                have_row = current[row["id"]]
                changed_at = have_row.get("updated_at")
                if (
                    isinstance(changed_at, dt.datetime)
                    and restored_after is not None
                    and changed_at > restored_after
                    and not sync_store.same_content(have_row, row, ignore=("updated_at",))
                ):
                    to_queue(table, have_row, row["rev"], "restored_center_overwrote")
        refusals = ownership.refusals(table, candidates)
        if refusals:
            keep = []
            for row in candidates:
                found = refusals.get(row["id"])
                if found is None:
                    keep.append(row)
                else:
                    refuse(table, row, *found, stored.get(row["id"], (0,))[0])
            candidates = keep
        parents = sync_store.parent_columns(table)
        while True:
            if refused and parents:
                keep = []
                for row in candidates:
                    missing = next(
                        (row[c] for c, _parent in parents if row.get(c) in refused), None
                    )
                    if missing is None:
                        keep.append(row)
                    else:
                        refuse(
                            table,
                            row,
                            "parent_refused",
                            str(missing),
                            stored.get(row["id"], (0,))[0],
                        )
                if len(keep) != len(candidates):
                    candidates = keep
                    continue  # a refused row may be the parent of another in this table
            clashes = (
                sync_store.unique_clashes(conn, table, candidates)
                if known is None or table == "sites"
                else {}
            )
            if not clashes:
                break
            keep = []
            for row in candidates:
                if row["id"] in clashes:
                    refuse(
                        table,
                        row,
                        "number_taken",
                        f"the same number is held by {clashes[row['id']]}"
                        f"; highest={sync_store.highest_number(conn, table, row)}",
                        stored.get(row["id"], (0,))[0],
                    )
                else:
                    keep.append(row)
            candidates = keep
        sync_store.upsert(conn, table, candidates, new=new_rows)
        result.applied += len(candidates)
        if candidates:
            result.written[table] = [row["id"] for row in candidates]
        if known is not None and table != "sites":
            known.setdefault(table, {}).update((row["id"].int, row["rev"]) for row in candidates)
        # A record refused before (queued) and applied now is a valid parent again.
        if refused:
            refused.difference_update(row["id"] for row in candidates)
    return result


def refused_earlier(conn: Connection, center_id: uuid.UUID) -> set[uuid.UUID]:
    """Ids of the center's records that were refused inside bundles applied before (as
    ``bad_record``, ``wrong_owner`` and the like: the refusals its receipts list) and of which
    no version is stored here. No record can point at one of them: a child arriving in a later
    bundle is refused by name (``parent_refused``, :func:`merge`) instead of failing the whole
    bundle at its foreign keys (``missing_parent``), which would hold every bundle after it."""
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, row_id in q.refused_record_ids(conn, center_id):
        if table not in sync_store.TABLE_ORDER:
            continue  # a table this version does not have: nothing here can point at it
        with contextlib.suppress(ValueError, TypeError):
            by_table.setdefault(table, []).append(sync_store.canonical_uuid(row_id))
    out: set[uuid.UUID] = set()
    for table, ids in by_table.items():
        stored = sync_store.stored_revs(conn, table, ids)
        out.update(rid for rid in ids if rid not in stored)
    return out
