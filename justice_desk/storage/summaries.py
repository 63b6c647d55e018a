"""The province's summary tables (models ``Summary*``, migrations 0017-0018,
docs/architecture.md §21): per center and calendar month, the dashboard's figures that are sums
over records -- cases received by kind and channel, outcomes by kind and status with the days
to them, meetings held, without a quorum and with minutes not adopted, activities and their
participants by sex; per center and day, the cases a legal deadline is counted from (a
period's deadlines are ranges of days shifted by 60 days, 1 or 3 years); per center, its
members and trained members.

**How they stay right: a mark in the write, a recount later.** A write that changes a
center's records at the province -- a bundle's import (``services/sync/importer.py``), an
officer's decision taking the center's version of a record
(``storage/sync_decisions.adopt_center_version``) -- calls :func:`mark_stale` in its own
transaction: one row in ``summary_stale``, whatever the size of the bundle, committed with the
records or not at all. The dashboard counts a marked center from its records (the same
selections, ``dashboard_queries``), the others from these tables, in one snapshot, so its
figures are exact at every moment, also after a kill between the import and the recount.
:func:`refresh_stale` recounts the marked centers later, up to :data:`CHUNK` of them in one
transaction and one set of statements (each grouped by center), which holds the import lock
of every center it recounts (PostgreSQL: the advisory lock of ``sync_queries.lock_center``,
tried and left marked when another holds it; SQLite: the write lock) and removes their marks
in the same transaction: at the end of a ``sync import`` run, on the dashboard's read, and
after a demo province is made. :func:`refresh` (the recount itself) replaces every row of
its centers from their records: nothing depends on what a record was before a bundle changed
it (a case whose outcome or date moved to another month).

**How they are read** (``dashboard_queries``, province databases only): a period's whole
months from here, its partial months at either end from the records. "Last outcome in the
period" is not a sum of months for a case with outcome events in two months (the later one
wins), so such cases are listed in ``summary_outcome_spans`` and always ranked from their
events; ``summary_outcomes`` holds only cases whose outcome events share one month.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, literal, select, text
from sqlalchemy.exc import DBAPIError

from justice_desk.domain.deadlines import DeadlineKind
from justice_desk.storage import dashboard_queries as q
from justice_desk.storage.models import (
    SUMMARY_MODELS,
    Activity,
    Base,
    Case,
    CaseEvent,
    Meeting,
    Person,
    Setting,
    SummaryDeadline,
    SummaryMonth,
    SummaryOutcome,
    SummaryOutcomeSpan,
    SummaryPeople,
    SummaryReceived,
    SummaryStale,
    utcnow,
)

if TYPE_CHECKING:
    from justice_desk.storage.database import Database

log = logging.getLogger(__name__)

#: Every day a record can have: a recount covers all of a center's months.
_FIRST, _LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


#: Centers recounted together: one transaction (in :func:`refresh_stale`) and one set of
#: statements for all of them. A few hundred keeps each statement's list of centers and each
#: transaction (which holds those centers' import locks on PostgreSQL) small in a national
#: database of thousands of centers.
CHUNK = 200
#: With a ``budget`` (the dashboard's read), the first chunk; the next ones are sized from the
#: time per center so far, to end within the budget.
_FIRST_CHUNK = 8


def refresh(conn: Connection, owners: Iterable[uuid.UUID]) -> None:
    """Recount the summary rows of ``owners`` (centers) from their records, in ``conn``'s
    transaction: :data:`CHUNK` centers at a time, each chunk one set of statements."""
    for chunk in _chunks(list(dict.fromkeys(owners)), CHUNK):
        _refresh_many(conn, chunk)


def _chunks(items: list[uuid.UUID], size: int) -> Iterable[list[uuid.UUID]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def mark_stale(conn: Connection, owner: uuid.UUID) -> None:
    """Note in the caller's transaction that ``owner``'s (a center's) records changed: until
    :func:`refresh_stale` recounts it, the dashboard counts it from its records. One small
    upsert, whatever the write (the first mark since the last recount is kept)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(SummaryStale)
        .values(owner_id=owner, marked_at=utcnow())
        .on_conflict_do_nothing(index_elements=["owner_id"])
    )


def stale_owners(conn: Connection) -> frozenset[uuid.UUID]:
    """The centers marked stale (their summary rows are not to be read)."""
    return frozenset(conn.execute(select(SummaryStale.owner_id)).scalars())


def refresh_stale(db: Database, *, wait: bool = True, budget: float | None = None) -> int:
    """Recount the centers marked stale, oldest mark first, :data:`CHUNK` at a time: each
    chunk in one transaction and one set of statements that recounts every center of it that
    can be taken and removes their marks; returns how many were recounted.

    A center whose bundle another officer is importing right now (PostgreSQL: its import lock
    is held) is left marked: that import marks it again and its run recounts it; the rest of
    its chunk is recounted. ``wait=False`` (the dashboard's read) gives up at once, without an
    error, when SQLite's write lock is held or the database cannot be written: the dashboard
    then counts the marked centers from their records. ``budget``: seconds after which no
    further chunk is started; the first chunk is then :data:`_FIRST_CHUNK` centers and each
    next one as many as the time per center so far lets end within the budget."""
    with db.connect_read() as conn:
        marked = list(
            conn.execute(
                select(SummaryStale.owner_id).order_by(
                    SummaryStale.marked_at, SummaryStale.owner_id
                )
            ).scalars()
        )
    if marked and db.write_engine.dialect.name == "postgresql":
        analyse_grown_tables(db, wait=wait)
    started = time.monotonic()
    until = None if budget is None else started + budget
    size = CHUNK if until is None else _FIRST_CHUNK
    done = taken = 0
    while taken < len(marked):
        if until is not None:
            now = time.monotonic()
            if now >= until:
                break
            if taken:
                per_center = (now - started) / taken
                size = max(1, min(CHUNK, int((until - now) / per_center)))
        chunk = marked[taken : taken + size]
        taken += len(chunk)
        try:
            done += _recount_marked(db, chunk, wait=wait)
        except DBAPIError as exc:
            if _stops_recounting(db, exc, wait=wait):
                break  # busy or read-only: the rest would be too
            # Something in one center's records that its summary cannot hold (a sum beyond a
            # column): the chunk's centers one by one, so the rest are recounted.
            for owner in chunk:
                try:
                    done += _recount_marked(db, [owner], wait=wait)
                except DBAPIError as alone:
                    if _stops_recounting(db, alone, wait=wait):
                        return done
                    # Left marked: the dashboard counts it from its records, which is exact,
                    # and a later recount tries again. The import that marked it is done.
                    log.warning(
                        "the summary of center %s could not be recounted; it is counted from "
                        "its records: %s",
                        owner,
                        str(alone).splitlines()[0][:300],
                    )
    return done


def _stops_recounting(db: Database, exc: DBAPIError, *, wait: bool) -> bool:
    """After a failed recount: ``True`` to stop without an error (``wait=False`` and the
    database busy or read-only), ``False`` to go on without the failed centers; raises the
    error a person can act on (``wait=True`` and busy, read-only or full)."""
    from justice_desk.storage.database import _is_busy, unwritable_error

    if wait:
        error = _busy_or_unwritable(db, exc)
        if error is not None:
            raise error from exc
        return False
    return _is_busy(exc) or unwritable_error(exc, db.target) is not None


#: PostgreSQL: a table is analysed again before a recount when its file has grown past this
#: share of its size at its last analysis (plus :data:`_GROWN_PAGES`), as after an import.
_GROWN_SHARE = 1.2
_GROWN_PAGES = 8

_GROWN_TABLES = text(
    """
    SELECT c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(:names)
      AND pg_relation_size(c.oid) / current_setting('block_size')::bigint
          > :share * greatest(c.relpages, 0) + :pages
    ORDER BY c.relname
    """
)


def analyse_grown_tables(db: Database, *, wait: bool = True) -> list[str]:
    """PostgreSQL: refresh the planner's statistics (``ANALYZE``) of the tables that grew much
    since they were last analysed; returns their names.

    An import can multiply a table's rows in seconds, and the server's own autovacuum analyses
    it only a minute or more later. Until then the planner believes the table is as small as it
    was -- empty, in a new province -- and picks plans that walk it once per row: the recount of
    8 centers of ~11,000 records took 36 s instead of 1 s (benchmarks/bench_sync_postgres.py).
    Growth is read from the table's file size against ``pg_class.relpages`` (the size at its
    last ``VACUUM``/``ANALYZE``): exact at once, unlike the statistics counters, which each
    connection reports a second or more late. ``ANALYZE`` reads a sample of a table (30,000
    rows), not all of it, and does not block reads or writes; ``wait=False`` (the dashboard's
    read) gives up after a second when another maintenance command holds a table."""
    names = sorted(
        table.name for table in Base.metadata.sorted_tables if not table.name.startswith("summary_")
    )
    done: list[str] = []
    try:
        with db.write_engine.connect() as conn:
            grown = list(
                conn.execute(
                    _GROWN_TABLES, {"names": names, "share": _GROWN_SHARE, "pages": _GROWN_PAGES}
                ).scalars()
            )
            conn.rollback()
            if not grown:
                return done
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if not wait:
                conn.exec_driver_sql("SET lock_timeout = '1s'")
            try:
                for name in grown:
                    conn.exec_driver_sql(f'ANALYZE "{name}"')  # our own table names
                    done.append(name)
            finally:
                if not wait:
                    conn.exec_driver_sql("RESET lock_timeout")
    except DBAPIError as exc:
        # Statistics only: the recount is right with old ones, only slower. Nothing to report.
        log.info("planner statistics not refreshed (%s): %s", ", ".join(done) or "-", exc)
    return done


def _busy_or_unwritable(db: Database, exc: DBAPIError) -> Exception | None:
    """The error a person can act on for ``exc`` (busy, read-only, disk full), or ``None``."""
    from justice_desk.storage.database import _is_busy, busy_error, unwritable_error

    return busy_error() if _is_busy(exc) else unwritable_error(exc, db.target)


def _recount_marked(db: Database, owners: list[uuid.UUID], *, wait: bool) -> int:
    """Recount the marked centers among ``owners`` and remove their marks, in one transaction;
    returns how many. Left out: a center whose import lock someone else holds (PostgreSQL), and
    one whose mark was gone already (another recount took it meanwhile)."""
    with db.write_engine.connect() as conn:
        raw: Any = None
        if not wait and conn.dialect.name == "sqlite":
            # BEGIN IMMEDIATE would queue behind another writer for the busy timeout: fail at
            # once instead (the dashboard reads the marked centers from their records meanwhile).
            raw = conn.connection.driver_connection
            (previous,) = raw.execute("PRAGMA busy_timeout").fetchone()
            raw.execute("PRAGMA busy_timeout = 0")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    owners = _try_lock_centers(conn, owners)
                if not owners:
                    return 0
                still = sorted(
                    conn.execute(
                        select(SummaryStale.owner_id).where(SummaryStale.owner_id.in_(owners))
                    ).scalars()
                )
                if not still:
                    return 0
                _refresh_many(conn, still)
                conn.execute(delete(SummaryStale).where(SummaryStale.owner_id.in_(still)))
            return len(still)
        finally:
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {int(previous)}")


def _center_key(owner: uuid.UUID) -> int:
    """A center's import lock key: the same as ``sync_queries.lock_center``'s (the id folded
    into a bigint)."""
    return (owner.int & ((1 << 64) - 1)) - (1 << 63)


_TRY_LOCKS = text(
    "SELECT k, pg_try_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)"
)


def _try_lock_centers(conn: Connection, owners: list[uuid.UUID]) -> list[uuid.UUID]:
    """PostgreSQL: take the import lock of each of ``owners`` that nobody holds, for this
    transaction, in one statement (the key of ``sync_queries.lock_center``, which every import
    of a center takes before it reads or writes the center's rows); returns those taken.
    A try never waits, so the order the locks are taken in cannot deadlock."""
    of_key = {_center_key(o): o for o in owners}
    taken = {int(k) for k, ok in conn.execute(_TRY_LOCKS, {"keys": list(of_key)}) if ok}
    return [o for k, o in of_key.items() if k in taken]


def refresh_all(conn: Connection) -> None:
    """Recount every center's summary rows (the migration that adds the tables; a repair), in
    ``conn``'s transaction, :data:`CHUNK` centers per set of statements. Marks are left as they
    are (a later :func:`refresh_stale` recounts those centers once more; the migration that
    added the tables runs before the table of marks exists)."""
    for model in SUMMARY_MODELS:
        conn.execute(delete(model))
    owners: set[uuid.UUID] = set()
    for model in (Case, CaseEvent, Meeting, Activity, Person):
        owners.update(conn.execute(select(model.owner_id).distinct()).scalars())
    site = conn.execute(select(Setting.value).where(Setting.key == "site_id")).scalar()
    own = uuid.UUID(site) if site else None
    centers = sorted(o for o in owners if o is not None and o != own)
    for chunk in _chunks(centers, CHUNK):
        _refresh_many(conn, chunk, clear=False)


def _refresh_many(conn: Connection, centers: list[uuid.UUID], *, clear: bool = True) -> None:
    """Replace every summary row of ``centers`` by a count of their records: one set of
    statements for all of them, each grouped by center (``clear=False``: they have no rows)."""
    if not centers:
        return
    owners = frozenset(centers)
    among = sorted(owners)
    jit = _jit_off(conn)
    if clear:
        for model in SUMMARY_MODELS:
            conn.execute(delete(model).where(model.owner_id.in_(among)))  # type: ignore[attr-defined]

    received = q.received_selection(_FIRST, _LAST, owners).subquery()
    month = q.month_of(received.c.on)
    conn.execute(
        insert(SummaryReceived).from_select(
            ["month", "owner_id", "kind", "channel", "cases"],
            select(
                month, received.c.owner_id, received.c.detail, received.c.channel, func.count()
            ).group_by(month, received.c.owner_id, received.c.detail, received.c.channel),
        )
    )

    # Cases whose live outcome events fall in more than one month.
    events = (
        select(
            CaseEvent.case_id,
            CaseEvent.owner_id,
            q.month_of(CaseEvent.occurred_on).label("month"),
        )
        .where(
            CaseEvent.deleted_at.is_(None),
            CaseEvent.owner_id.in_(among),
            CaseEvent.to_status.in_(q.OUTCOME_STATUSES),
        )
        .subquery()
    )
    conn.execute(
        insert(SummaryOutcomeSpan).from_select(
            ["case_id", "owner_id"],
            select(events.c.case_id, events.c.owner_id)
            .group_by(events.c.case_id, events.c.owner_id)
            .having(func.min(events.c.month) != func.max(events.c.month)),
        )
    )
    spans = select(SummaryOutcomeSpan.case_id).where(SummaryOutcomeSpan.owner_id.in_(among))
    outcomes = (
        q.outcome_selection(conn, _FIRST, _LAST, owners).where(Case.id.not_in(spans)).subquery()
    )
    month = q.month_of(outcomes.c.on)
    conn.execute(
        insert(SummaryOutcome).from_select(
            ["month", "owner_id", "kind", "status", "days", "cases"],
            select(
                month,
                outcomes.c.owner_id,
                outcomes.c.detail,
                outcomes.c.state,
                outcomes.c.days,
                func.count(),
            ).group_by(
                month, outcomes.c.owner_id, outcomes.c.detail, outcomes.c.state, outcomes.c.days
            ),
        )
    )

    # Per center and month: meetings and activities (one row of summary_month each).
    rows: dict[tuple[uuid.UUID, int], dict[str, int]] = {}
    for which, column in (
        ("held", "meetings_held"),
        ("quorum_failed", "quorum_failures"),
        ("not_adopted", "minutes_not_adopted"),
    ):
        sub = q.meeting_selection(_FIRST, _LAST, owners, which).subquery()
        m = q.month_of(sub.c.on)
        for owner, key, n in conn.execute(
            select(sub.c.owner_id, m, func.count()).group_by(sub.c.owner_id, m)
        ).all():
            rows.setdefault((owner, int(key)), {})[column] = int(n)
    sub = q.activity_selection(_FIRST, _LAST, owners).subquery()
    m = q.month_of(sub.c.on)
    for owner, key, n, male, female, unspecified in conn.execute(
        select(
            sub.c.owner_id,
            m,
            func.count(),
            func.coalesce(func.sum(sub.c.male), 0),
            func.coalesce(func.sum(sub.c.female), 0),
            func.coalesce(func.sum(sub.c.unspecified), 0),
        ).group_by(sub.c.owner_id, m)
    ).all():
        rows.setdefault((owner, int(key)), {}).update(
            activities=int(n),
            participants_male=int(male),
            participants_female=int(female),
            participants_unspecified=int(unspecified),
        )
    if rows:
        columns = [
            c for c in SummaryMonth.__table__.columns.keys() if c not in ("month", "owner_id")
        ]
        conn.execute(
            insert(SummaryMonth),
            [
                {"month": key, "owner_id": owner, **{c: values.get(c, 0) for c in columns}}
                for (owner, key), values in sorted(rows.items())
            ],
        )

    for kind in DeadlineKind:
        sub = q.deadline_selection(kind, _FIRST, _LAST, owners).subquery()
        conn.execute(
            insert(SummaryDeadline).from_select(
                ["kind", "day", "owner_id", "cases"],
                select(
                    literal(kind.value, SummaryDeadline.kind.type),
                    sub.c.on,
                    sub.c.owner_id,
                    func.count(),
                ).group_by(sub.c.on, sub.c.owner_id),
            )
        )

    members = q.member_counts(conn, owners)
    trained = q.member_counts(conn, owners, trained=True)
    people = [
        {"owner_id": o, "members": members.get(o, 0), "trained_members": trained.get(o, 0)}
        for o in among
        if members.get(o) or trained.get(o)
    ]
    if people:
        conn.execute(insert(SummaryPeople), people)
    if jit is not None:
        conn.execute(select(func.set_config("jit", jit, True)))


def _jit_off(conn: Connection) -> str | None:
    """PostgreSQL 11+: turn off the server's JIT compilation until :func:`_refresh_many` sets
    it back (or the transaction ends); returns the setting to restore, ``None`` elsewhere.

    A chunk's statements cover hundreds of centers, so the planner's costs pass
    ``jit_above_cost`` and the server compiles them to machine code first: about 0.5 s for the
    meetings without a quorum alone, for queries that then run in tenths of a second. Off, 200
    of a 2,000-center province's centers took 1.7 s instead of 2.4 s."""
    if conn.dialect.name != "postgresql" or (conn.dialect.server_version_info or (0,)) < (11,):
        return None
    previous = str(conn.execute(select(func.current_setting("jit"))).scalar_one())
    conn.execute(select(func.set_config("jit", "off", True)))
    return previous
