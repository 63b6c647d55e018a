"""The audit trail (PDPA): who, what, when and from which computer, append-only and chained.

Every entry is written in the same transaction as the change it records (``record`` takes the
change's session). Entries are numbered without gaps (``event_no``) and chained: an entry's
``entry_hash`` is SHA-256 over the previous entry's hash and this entry's canonical fields
(``canonical``), so changing, removing or reordering any entry breaks every hash after it, which
``verify`` finds and names. Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL); a
change made around them in the file is still found by ``verify``.

Writers take the chain's end inside their write transaction: SQLite has one writer at a time
(``BEGIN IMMEDIATE``); on PostgreSQL a transaction-scoped advisory lock orders them.

Removing the last entries leaves a whole chain, only shorter: the highest number ever given is
kept apart so that ``verify`` can tell (``high_water``). On SQLite the table is AUTOINCREMENT
(``sqlite_sequence``). PostgreSQL has no such mark, so every entry also writes a checkpoint in
the same transaction (``settings`` row ``audit_checkpoint``: the last number and its hash); a
superuser who deletes the tail, even with the triggers switched off, leaves the checkpoint
ahead of the chain, and one who deletes and rewrites entries up to the same number leaves a
hash that does not match. Rewriting the checkpoint too is not caught by the database itself.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import socket
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, event, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from justice_desk.domain.access import Actor, ActorKind
from justice_desk.storage.models import AuditEvent, Setting, utcnow

#: the ``prev_hash`` of the first entry
GENESIS = "0" * 64
#: an arbitrary constant naming the audit chain's advisory lock on PostgreSQL
_PG_LOCK = 7_202_614

APPEND_ONLY_MESSAGE = "the audit trail is append-only"
#: The ``settings`` row where PostgreSQL keeps the chain's end (``"<number> <hash>"``).
CHECKPOINT_KEY = "audit_checkpoint"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
)
SQLITE_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
)
POSTGRES_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
)
POSTGRES_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)


def os_user() -> str:
    """The operating system's user name (the actor where a database has no accounts)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises various errors on odd systems
        return "unknown"


@lru_cache(maxsize=1)
def hostname() -> str:
    try:
        return socket.gethostname() or "unknown"
    except OSError:
        return "unknown"


def actor_name(actor: Actor | None) -> str:
    """How an actor is written in the trail: the account's login; ``os:NAME`` where nobody
    signed in (a database without accounts); ``system`` for the program's own work."""
    if actor is not None and actor.kind is ActorKind.ACCOUNT and actor.login:
        return actor.login
    if actor is not None and actor.kind is ActorKind.SYSTEM:
        return "system"
    return f"os:{os_user()}"


def current_actor() -> str:
    """The computer's user, for callers outside a signed-in session."""
    return actor_name(None)


def _iso(at: dt.datetime) -> str:
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def canonical(
    event_no: int,
    at: dt.datetime,
    actor: str,
    host: str | None,
    action: str,
    table_name: str | None,
    row_id: uuid.UUID | None,
    detail: str | None,
    prev_hash: str | None,
) -> bytes:
    """The bytes an entry's hash covers: its fields and the previous hash, as compact JSON."""
    fields = [
        1,  # the layout of this list; a new layout gets a new number
        event_no,
        _iso(at),
        actor,
        host,
        action,
        table_name,
        str(row_id) if row_id is not None else None,
        detail,
        prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(*fields: Any) -> str:
    return hashlib.sha256(canonical(*fields)).hexdigest()


def _chain_end(conn: Session | Connection) -> tuple[int, str]:
    """The last entry's number and hash (0 and the genesis hash when there is none). On
    SQLite, whose write transaction excludes every other writer (PostgreSQL:
    :func:`_chain_end_and_checkpoint` under the chain's lock)."""
    row = conn.execute(
        select(AuditEvent.event_no, AuditEvent.entry_hash)
        .order_by(AuditEvent.event_no.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, GENESIS
    return int(row[0]), row[1] or ""


def checkpoint(conn: Session | Connection) -> tuple[int, str] | None:
    """PostgreSQL's record of the chain's end (number, hash), written with every entry; None
    on SQLite, or before the first entry written by a version that keeps it."""
    bind = conn if isinstance(conn, Connection) else conn.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    value = conn.execute(select(Setting.value).where(Setting.key == CHECKPOINT_KEY)).scalar()
    return _parse_checkpoint(value)


def _parse_checkpoint(value: str | None) -> tuple[int, str] | None:
    if not value:
        return None
    number, _sep, digest = str(value).partition(" ")
    try:
        return int(number), digest
    except ValueError:
        return None  # a damaged checkpoint guards nothing; the chain is still checked


def _checkpoint_number(value: str | None) -> int:
    """:func:`high_water` on PostgreSQL from the checkpoint's stored value."""
    kept = _parse_checkpoint(value)
    return kept[0] if kept is not None else 0


def _checkpoint_upsert(event_no: int, digest: str) -> Any:
    """The statement that records the chain's end (PostgreSQL)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    stmt = pg_insert(Setting).values(key=CHECKPOINT_KEY, value=f"{event_no} {digest}")
    return stmt.on_conflict_do_update(
        index_elements=[Setting.key], set_={"value": stmt.excluded.value}
    )


def high_water(conn: Session | Connection) -> int:
    """The highest entry number ever given (SQLite: the table is AUTOINCREMENT, so
    ``sqlite_sequence`` keeps it when the last entries are deleted; PostgreSQL: the
    ``checkpoint``); 0 where unknown (a database whose trail was never written)."""
    bind = conn if isinstance(conn, Connection) else conn.get_bind()
    if bind.dialect.name == "postgresql":
        kept = checkpoint(conn)
        return kept[0] if kept is not None else 0
    if bind.dialect.name != "sqlite":
        return 0
    try:
        seq = conn.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": AuditEvent.__tablename__}
        ).scalar()
    except DBAPIError:  # no AUTOINCREMENT table at all
        return 0
    return int(seq or 0)


def record(
    session: Session | Connection,
    action: str,
    *,
    table: str | None = None,
    row_id: uuid.UUID | None = None,
    detail: str | None = None,
    actor: Actor | None = None,
) -> int:
    """Append an entry in ``session``'s transaction; returns its number. The actor is the one
    the database's session carries (``Database.actor``) unless one is given."""
    return _append(session, [(action, table, row_id, detail)], actor)


#: ``Session.info`` key of the entries :func:`record_at_commit` holds: (action, detail)
_AT_COMMIT = "justice_desk.audit_at_commit"


def record_at_commit(session: Session, action: str, detail: str) -> None:
    """An entry written just before ``session`` commits, with the others held so, in their
    order and in the statements of one entry (the province's import: a group of bundles
    commits together). Nothing is written if it rolls back."""
    held = session.info.get(_AT_COMMIT)
    if held is None:
        held = session.info[_AT_COMMIT] = []
        event.listen(session, "before_commit", _write_held)
    held.append((action, detail))


def _write_held(session: Session) -> None:
    held: list[tuple[str, str]] = session.info.pop(_AT_COMMIT, None) or []
    if held:
        _append(session, [(action, None, None, detail) for action, detail in held], None)


def _append(
    session: Session | Connection,
    entries: Sequence[tuple[str, str | None, uuid.UUID | None, str | None]],
    actor: Actor | None,
) -> int:
    """Entries ``(action, table, row id, detail)`` chained after the last one, in order;
    returns the last number."""
    who = actor_name(actor if actor is not None else session.info.get("actor"))
    bind = session if isinstance(session, Connection) else session.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        # Three round trips whatever the number of entries: the lock, then the chain's end
        # and the checkpoint read together, then the entries and the new checkpoint written
        # together. The lock is a statement of its own: a statement reads what was committed
        # when it began, so the reads must begin after the lock is held.
        session.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))
        last_no, last_hash, high = _chain_end_and_checkpoint(session)
    else:
        last_no, last_hash = _chain_end(session)
        high = high_water(session)
    # a number freed by entries deleted around the app is never given again: the gap stays
    # visible to the chain check
    event_no = max(last_no, high)
    at = utcnow()
    host = hostname()
    rows: list[dict[str, Any]] = []
    for action, table, row_id, detail in entries:
        event_no += 1
        digest = entry_hash(event_no, at, who, host, action, table, row_id, detail, last_hash)
        rows.append(
            {
                "event_no": event_no,
                "at": at,
                "actor": who,
                "host": host,
                "action": action,
                "table_name": table,
                "row_id": row_id,
                "detail": detail,
                "prev_hash": last_hash,
                "entry_hash": digest,
            }
        )
        last_hash = digest
    written = insert(AuditEvent).values(rows)
    if postgres:
        session.execute(_checkpoint_upsert(event_no, last_hash).add_cte(written.cte("entry")))
    else:
        session.execute(written)
    return event_no


def _chain_end_and_checkpoint(conn: Session | Connection) -> tuple[int, str, int]:
    """PostgreSQL, under the chain's lock: :func:`_chain_end` and :func:`high_water` in one
    statement."""
    last = select(AuditEvent.event_no, AuditEvent.entry_hash).order_by(AuditEvent.event_no.desc())
    kept = select(Setting.value).where(Setting.key == CHECKPOINT_KEY)
    row = conn.execute(
        select(
            last.with_only_columns(AuditEvent.event_no).limit(1).scalar_subquery(),
            last.with_only_columns(AuditEvent.entry_hash).limit(1).scalar_subquery(),
            kept.scalar_subquery(),
        )
    ).one()
    number, digest, value = row
    last_no, last_hash = (0, GENESIS) if number is None else (int(number), digest or "")
    return last_no, last_hash, _checkpoint_number(value)


def last_at(session: Session, action: str) -> dt.datetime | None:
    """When ``action`` was last recorded (UTC), or ``None``."""
    return session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.action == action))


def first_at(session: Session) -> dt.datetime | None:
    """When the first event of any kind was recorded on this machine (UTC), or ``None``."""
    return session.scalar(select(func.min(AuditEvent.at)))


# ------------------------------------------------------------------------------------------
# Checking the chain


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: whole, or the first entry that breaks it and why
    (``changed``: its fields do not give its hash; ``link``: it does not follow the entry
    before it, one was removed or put in between; ``gap``: numbers are missing before it;
    ``removed``: the chain stops short of the highest number ever given, its last entries
    were deleted, ``broken_at`` is the first of them; ``replaced``: the last entry is not the
    one the PostgreSQL checkpoint recorded, entries were deleted and written again)."""

    count: int
    last_no: int
    last_hash: str
    broken_at: int | None = None
    reason: str | None = None
    #: the highest entry number ever given, where known (``high_water``)
    high_water: int = 0

    @property
    def whole(self) -> bool:
        return self.broken_at is None


#: What loading an entry raises when a field holds text its column's type cannot read: SQLite
#: keeps any text in a UUID or date column, so a row changed around the app may hold it.
_UNREADABLE = (ValueError, TypeError, OverflowError)


@dataclass(frozen=True)
class Unreadable:
    """An entry that could not be loaded (a field changed to text of the wrong form), in its
    place in the chain check and in the listing."""

    event_no: int


def _load(conn: Session, query: Select[Any]) -> list[AuditEvent | Unreadable]:
    """The entries ``query`` selects; one that cannot be loaded is an :class:`Unreadable` in
    its place (the rest are loaded one by one to find it)."""
    try:
        return list(conn.execute(query).scalars().all())
    except _UNREADABLE:
        numbers = conn.execute(query.with_only_columns(AuditEvent.event_no)).scalars().all()
    found: list[AuditEvent | Unreadable] = []
    for number in numbers:
        try:
            found.append(
                conn.execute(select(AuditEvent).where(AuditEvent.event_no == number)).scalar_one()
            )
        except _UNREADABLE:
            found.append(Unreadable(number))
    return found


def _rows(conn: Session, batch: int = 2000) -> Iterator[AuditEvent | Unreadable]:
    after = 0
    while True:
        rows = _load(
            conn,
            select(AuditEvent)
            .where(AuditEvent.event_no > after)
            .order_by(AuditEvent.event_no)
            .limit(batch),
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].event_no
        conn.expunge_all()  # a long trail is walked in constant memory


def verify(conn: Session) -> ChainCheck:
    """Walk the whole chain from the first entry; stop at the first broken one."""
    expected_prev = GENESIS
    expected_no = 1
    count = 0
    last_no = 0
    for row in _rows(conn):
        if row.event_no != expected_no:
            return ChainCheck(count, last_no, expected_prev, row.event_no, "gap")
        if isinstance(row, Unreadable):
            return ChainCheck(count, last_no, expected_prev, row.event_no, "changed")
        if row.prev_hash != expected_prev:
            return ChainCheck(count, last_no, expected_prev, row.event_no, "link")
        digest = entry_hash(
            row.event_no,
            row.at,
            row.actor,
            row.host,
            row.action,
            row.table_name,
            row.row_id,
            row.detail,
            row.prev_hash,
        )
        if row.entry_hash != digest:
            return ChainCheck(count, last_no, expected_prev, row.event_no, "changed")
        count += 1
        last_no = row.event_no
        expected_prev = digest
        expected_no += 1
    highest = high_water(conn)
    if highest > last_no:
        return ChainCheck(count, last_no, expected_prev, last_no + 1, "removed", highest)
    kept = checkpoint(conn)
    if kept is not None and kept[0] == last_no and kept[1] != expected_prev:
        return ChainCheck(count, last_no, expected_prev, last_no, "replaced", highest)
    return ChainCheck(count, last_no, expected_prev)


def summary(conn: Session | Connection) -> tuple[int, str]:
    """The chain's length and last hash as stored (no checking): what travels in bundles."""
    last_no, last_hash = 0, GENESIS
    row = conn.execute(
        select(AuditEvent.event_no, AuditEvent.entry_hash)
        .order_by(AuditEvent.event_no.desc())
        .limit(1)
    ).first()
    if row is not None:
        last_no, last_hash = int(row[0]), row[1] or ""
    return last_no, last_hash


# ------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    table: str | None = None
    row_ids: tuple[uuid.UUID, ...] = ()
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(query: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.actor:
        query = query.where(AuditEvent.actor == f.actor)
    if f.table:
        query = query.where(AuditEvent.table_name == f.table)
    if f.row_ids:
        query = query.where(AuditEvent.row_id.in_(f.row_ids))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.since is not None:
        query = query.where(AuditEvent.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.at < f.until)
    return query


def entries(
    session: Session, f: AuditFilter, *, offset: int = 0, limit: int = 200
) -> tuple[list[AuditEvent | Unreadable], int]:
    """Entries newest first, and how many match. An entry whose fields its columns' types
    cannot read (changed in the file) is an :class:`Unreadable` in its place, so the rest of
    the trail can still be read."""
    total = session.scalar(_filtered(select(func.count(AuditEvent.event_no)), f)) or 0
    rows = _load(
        session,
        _filtered(select(AuditEvent), f)
        .order_by(AuditEvent.event_no.desc())
        .offset(offset)
        .limit(limit),
    )
    return rows, int(total)


# ------------------------------------------------------------------------------------------
# At a province office: what the centers' bundles said of their trails


@dataclass(frozen=True)
class CenterTrail:
    """The newest summary a center's bundles gave of its audit trail."""

    center_id: str
    count: int
    last_hash: str
    whole: bool  # the center found its chain whole when it exported
    shrunk: bool  # an earlier bundle reported more entries: entries were lost or removed
    seq: int  # the bundle that said so
    #: two bundles gave the same count with different last hashes: entries were removed and as
    #: many made (or the center was restored from a backup and went on)
    rewritten: bool = False


_CENTER_KEY = "audit:"
#: (count, last hash, seq) triples kept per center to compare later summaries with; the oldest
#: go first beyond this many (a center sends about one bundle a day)
SEEN_LIMIT = 2000


def store_center_summary(
    session: Session, center_id: str, count: int, last_hash: str, whole: bool, seq: int
) -> None:
    """Keep what an authentic bundle (any outcome) said of its center's trail, in the import's
    transaction (docs/sync.md §6, "The centers' audit trails"). The newest bundle's summary is
    the one shown; every (count, hash) pair seen is compared with the ones before: a smaller
    count than a bundle numbered before it said marks the trail ``shrunk``, the same count with
    another hash ``rewritten``. Both marks stay."""
    from justice_desk.storage.models import Setting

    key = f"{_CENTER_KEY}{center_id}"
    old = session.get(Setting, key)
    before: dict[str, Any] = json.loads(old.value) if old is not None else {}
    seen: list[list[Any]] = [list(t) for t in before.get("seen", ())]
    if before and not seen:  # kept by an earlier version: its newest summary only
        seen = [[int(before["count"]), str(before["last"]), int(before.get("seq", 0))]]
    shrunk = bool(before.get("shrunk")) or any(
        (s < seq and c > count) or (s > seq and c < count) for c, _h, s in seen
    )
    rewritten = bool(before.get("rewritten")) or any(
        c == count and h != last_hash for c, h, _s in seen
    )
    if [count, last_hash, seq] not in seen:
        seen.append([count, last_hash, seq])
        seen = sorted(seen, key=lambda t: t[2])[-SEEN_LIMIT:]
    newest = not before or int(before.get("seq", 0)) <= seq
    value = {
        "count": count if newest else int(before["count"]),
        "last": last_hash if newest else str(before["last"]),
        "whole": whole if newest else bool(before["whole"]),
        "seq": seq if newest else int(before.get("seq", 0)),
        "shrunk": shrunk,
        "rewritten": rewritten,
        "seen": seen,
    }
    session.merge(Setting(key=key, value=json.dumps(value, sort_keys=True)))


def center_summaries(session: Session) -> list[CenterTrail]:
    from justice_desk.storage.models import Setting

    rows = session.execute(
        select(Setting.key, Setting.value).where(Setting.key.startswith(_CENTER_KEY))
    ).all()
    out = []
    for key, value in rows:
        v = json.loads(value)
        out.append(
            CenterTrail(
                key[len(_CENTER_KEY) :],
                int(v["count"]),
                str(v["last"]),
                bool(v["whole"]),
                bool(v.get("shrunk")),
                int(v.get("seq", 0)),
                bool(v.get("rewritten")),
            )
        )
    return out
