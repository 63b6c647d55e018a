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
:func:`refresh_stale` recounts the marked centers later, each in a transaction of its own
that holds the center's import lock (PostgreSQL: the advisory lock of
``sync_queries.lock_center``; SQLite: the write lock), and removes the mark in the same
transaction: at the end of a ``sync import`` run, on the dashboard's read, and after a demo
province is made. :func:`refresh` (the recount itself) replaces every row of a center from
its records: nothing depends on what a record was before a bundle changed it (a case whose
outcome or date moved to another month).

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


def refresh(conn: Connection, owners: Iterable[uuid.UUID]) -> None:
    """Recount the summary rows of ``owners`` (centers) from their records, in ``conn``'s
    transaction."""
    for owner in dict.fromkeys(owners):
        _refresh_one(conn, owner)


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
    """Recount the centers marked stale, oldest mark first, each in a transaction of its own
    that removes its mark; returns how many were recounted.

    A center whose bundle another officer is importing right now (PostgreSQL: its import lock
    is held) is left marked: that import marks it again and its run recounts it. ``wait=False``
    (the dashboard's read) gives up at once, without an error, when SQLite's write lock is
    held or the database cannot be written: the dashboard then counts the marked centers from
    their records. ``budget``: seconds after which no further center is started."""
    from justice_desk.storage.database import _is_busy, unwritable_error

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
    until = None if budget is None else time.monotonic() + budget
    done = 0
    for owner in marked:
        if until is not None and time.monotonic() >= until:
            break
        try:
            recounted = _recount_marked(db, owner, wait=wait)
        except DBAPIError as exc:
            if wait:
                error = _busy_or_unwritable(db, exc)
                if error is not None:
                    raise error from exc
                raise
            if _is_busy(exc) or unwritable_error(exc, db.target) is not None:
                break  # busy or read-only: the rest would be too
            raise
        done += recounted
    return done


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


def _recount_marked(db: Database, owner: uuid.UUID, *, wait: bool) -> bool:
    """Recount one marked center and remove its mark, in one transaction; ``False`` when its
    import lock is held by someone else (PostgreSQL) or its mark was gone already (another
    recount took it meanwhile)."""
    with db.write_engine.connect() as conn:
        raw: Any = None
        if not wait and conn.dialect.name == "sqlite":
            # BEGIN IMMEDIATE would queue behind another writer for the busy timeout: fail at
            # once instead (the dashboard reads the marked center from its records meanwhile).
            raw = conn.connection.driver_connection
            (previous,) = raw.execute("PRAGMA busy_timeout").fetchone()
            raw.execute("PRAGMA busy_timeout = 0")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql" and not _try_lock_center(conn, owner):
                    return False
                still = conn.execute(
                    select(SummaryStale.owner_id).where(SummaryStale.owner_id == owner)
                ).first()
                if still is None:
                    return False
                _refresh_one(conn, owner)
                conn.execute(delete(SummaryStale).where(SummaryStale.owner_id == owner))
            return True
        finally:
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {int(previous)}")


def _try_lock_center(conn: Connection, owner: uuid.UUID) -> bool:
    """PostgreSQL: take the center's import lock for this transaction if nobody holds it (the
    same key as ``sync_queries.lock_center``, which every import of the center takes before it
    reads or writes the center's rows)."""
    key = (owner.int & ((1 << 64) - 1)) - (1 << 63)
    return bool(conn.execute(select(func.pg_try_advisory_xact_lock(key))).scalar())


def refresh_all(conn: Connection) -> None:
    """Recount every center's summary rows (the migration that adds the tables; a repair).
    Marks are left as they are (a later :func:`refresh_stale` recounts those centers once
    more; the migration that added the tables runs before the table of marks exists)."""
    for model in SUMMARY_MODELS:
        conn.execute(delete(model))
    owners: set[uuid.UUID] = set()
    for model in (Case, CaseEvent, Meeting, Activity, Person):
        owners.update(conn.execute(select(model.owner_id).distinct()).scalars())
    site = conn.execute(select(Setting.value).where(Setting.key == "site_id")).scalar()
    own = uuid.UUID(site) if site else None
    refresh(conn, sorted(o for o in owners if o is not None and o != own))


def _refresh_one(conn: Connection, owner: uuid.UUID) -> None:
    for model in SUMMARY_MODELS:
        conn.execute(delete(model).where(model.owner_id == owner))  # type: ignore[attr-defined]

    received = q.received_selection(_FIRST, _LAST, owner).subquery()
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
        select(CaseEvent.case_id, q.month_of(CaseEvent.occurred_on).label("month"))
        .where(
            CaseEvent.deleted_at.is_(None),
            CaseEvent.owner_id == owner,
            CaseEvent.to_status.in_(q.OUTCOME_STATUSES),
        )
        .subquery()
    )
    conn.execute(
        insert(SummaryOutcomeSpan).from_select(
            ["case_id", "owner_id"],
            select(events.c.case_id, literal(owner, SummaryOutcomeSpan.owner_id.type))
            .group_by(events.c.case_id)
            .having(func.min(events.c.month) != func.max(events.c.month)),
        )
    )
    spans = select(SummaryOutcomeSpan.case_id).where(SummaryOutcomeSpan.owner_id == owner)
    outcomes = (
        q.outcome_selection(conn, _FIRST, _LAST, owner).where(Case.id.not_in(spans)).subquery()
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

    rows: dict[int, dict[str, int]] = {}
    for which, column in (
        ("held", "meetings_held"),
        ("quorum_failed", "quorum_failures"),
        ("not_adopted", "minutes_not_adopted"),
    ):
        sub = q.meeting_selection(_FIRST, _LAST, owner, which).subquery()
        m = q.month_of(sub.c.on)
        for key, n in conn.execute(select(m, func.count()).group_by(m)).all():
            rows.setdefault(int(key), {})[column] = int(n)
    sub = q.activity_selection(_FIRST, _LAST, owner).subquery()
    m = q.month_of(sub.c.on)
    for key, n, male, female, unspecified in conn.execute(
        select(
            m,
            func.count(),
            func.coalesce(func.sum(sub.c.male), 0),
            func.coalesce(func.sum(sub.c.female), 0),
            func.coalesce(func.sum(sub.c.unspecified), 0),
        ).group_by(m)
    ).all():
        rows.setdefault(int(key), {}).update(
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
                for key, values in sorted(rows.items())
            ],
        )

    for kind in DeadlineKind:
        sub = q.deadline_selection(kind, _FIRST, _LAST, owner).subquery()
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

    members = q.member_counts(conn, owner).get(owner, 0)
    trained = q.member_counts(conn, owner, trained=True).get(owner, 0)
    if members or trained:
        conn.execute(
            insert(SummaryPeople).values(owner_id=owner, members=members, trained_members=trained)
        )
