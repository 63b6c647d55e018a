"""Queries behind the conflict list's decisions (``services/sync/conflicts.py``, docs/sync.md
§13): the entries (versions in ``sync_conflicts``, bundles held for a gap), the officers'
decisions on them (``conflict_decisions``, owned by the province), and the one write a decision
makes to a center's record: the office's copy taking the center's version.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from justice_desk.domain.enums import ImportStatus
from justice_desk.storage import summaries, sync_store
from justice_desk.storage.models import (
    ConflictDecisionRow,
    ReceivedBundle,
    SyncConflict,
)


def conflict(session: Session, conflict_id: int) -> SyncConflict | None:
    return session.get(SyncConflict, conflict_id)


def held_gap(
    session: Session, bundle_id: int, *, decided_by: uuid.UUID | None = None
) -> ReceivedBundle | None:
    """A bundle held for a gap in the change numbers (not a new start, which an officer decides
    on its own page); or, with ``decided_by``, one that province decided on before, whatever
    became of it since."""
    row = session.get(ReceivedBundle, bundle_id)
    if row is None or row.center_id is None:
        return None
    if row.status == ImportStatus.HELD and row.reason == "gap":
        return row
    if decided_by is not None and decision_of(session, decided_by, row.center_id, "gap", row.id):
        return row
    return None


def held_gaps(
    session: Session, center_id: uuid.UUID | None, received_before: dt.datetime | None
) -> list[ReceivedBundle]:
    """Bundles held for a gap, oldest first; only those received before ``received_before``
    when given (a gap older than N days)."""
    stmt = select(ReceivedBundle).where(
        ReceivedBundle.status == ImportStatus.HELD, ReceivedBundle.reason == "gap"
    )
    if center_id is not None:
        stmt = stmt.where(ReceivedBundle.center_id == center_id)
    if received_before is not None:
        stmt = stmt.where(ReceivedBundle.received_at < received_before)
    return list(session.execute(stmt.order_by(ReceivedBundle.id)).scalars())


def decided_gaps(session: Session, center_id: uuid.UUID | None) -> list[ReceivedBundle]:
    """Held-gap bundles an officer has decided on (whatever their state now)."""
    stmt = select(ReceivedBundle).join(
        ConflictDecisionRow,
        (ConflictDecisionRow.problem == "gap")
        & (ConflictDecisionRow.problem_no == ReceivedBundle.id)
        & (ConflictDecisionRow.center_id == ReceivedBundle.center_id),
    )
    if center_id is not None:
        stmt = stmt.where(ReceivedBundle.center_id == center_id)
    return list(session.execute(stmt.order_by(ReceivedBundle.id)).scalars())


def decisions(
    session: Session, problem: str, numbers: Sequence[int], owner: uuid.UUID
) -> dict[int, ConflictDecisionRow]:
    """The decisions ``owner`` (this province) made on these entries, by entry number."""
    if not numbers:
        return {}
    rows = session.execute(
        select(ConflictDecisionRow).where(
            ConflictDecisionRow.owner_id == owner,
            ConflictDecisionRow.problem == problem,
            ConflictDecisionRow.problem_no.in_(list(numbers)),
        )
    ).scalars()
    return {r.problem_no: r for r in rows}


def decision_of(
    session: Session, owner: uuid.UUID, center_id: uuid.UUID, problem: str, number: int
) -> ConflictDecisionRow | None:
    return (
        session.execute(
            select(ConflictDecisionRow).where(
                ConflictDecisionRow.owner_id == owner,
                ConflictDecisionRow.center_id == center_id,
                ConflictDecisionRow.problem == problem,
                ConflictDecisionRow.problem_no == number,
            )
        )
        .scalars()
        .first()
    )


def decisions_of_center(session: Session, center_id: uuid.UUID) -> list[ConflictDecisionRow]:
    """Every decision about a center's entries, oldest first (what its next receipt carries)."""
    return list(
        session.execute(
            select(ConflictDecisionRow)
            .where(ConflictDecisionRow.center_id == center_id)
            .order_by(ConflictDecisionRow.decided_at, ConflictDecisionRow.id)
        ).scalars()
    )


def received_decisions(
    session: Session, center_id: uuid.UUID, owner_not: uuid.UUID
) -> list[ConflictDecisionRow]:
    """At a center: the province's decisions it holds (owned by someone else), newest first."""
    return list(
        session.execute(
            select(ConflictDecisionRow)
            .where(
                ConflictDecisionRow.center_id == center_id,
                ConflictDecisionRow.owner_id != owner_not,
            )
            .order_by(ConflictDecisionRow.decided_at.desc(), ConflictDecisionRow.id)
        ).scalars()
    )


def received_decision(
    session: Session, center_id: uuid.UUID, problem: str, number: int
) -> ConflictDecisionRow | None:
    """At a center: the decision it holds on the province's entry ``problem``/``number``."""
    return (
        session.execute(
            select(ConflictDecisionRow).where(
                ConflictDecisionRow.center_id == center_id,
                ConflictDecisionRow.problem == problem,
                ConflictDecisionRow.problem_no == number,
            )
        )
        .scalars()
        .first()
    )


def centers_with_unsent_decisions(session: Session) -> set[uuid.UUID]:
    """Centers with a decision made or changed since their last receipt."""
    return set(
        session.execute(
            select(ConflictDecisionRow.center_id).where(ConflictDecisionRow.receipt_seq.is_(None))
        ).scalars()
    )


def mark_decisions_sent(session: Session, center_id: uuid.UUID, receipt_seq: int) -> None:
    session.execute(
        update(ConflictDecisionRow)
        .where(
            ConflictDecisionRow.center_id == center_id, ConflictDecisionRow.receipt_seq.is_(None)
        )
        .values(receipt_seq=receipt_seq)
    )


def adopt_center_version(session: Session, entry: SyncConflict) -> bool:
    """The office's copy of the record takes the version queued in ``entry`` (the center's,
    which its database holds now), with that version's ``rev``, so the center's next edit
    applies as usual. Only while the copy is still the version kept when the entry was queued:
    if a newer one has arrived since, nothing is written and ``False`` is returned.

    The caller holds the center's lock (``sync_queries.lock_center``), as an import does, so no
    import of the same center writes the record meanwhile."""
    conn = session.connection()
    stored = sync_store.stored_revs(conn, entry.table_name, [entry.row_id])
    have = stored.get(entry.row_id)
    if have is None or have[0] != entry.kept_rev or have[1] != entry.center_id:
        return False
    fields = json.loads(entry.other_fields)
    decoder = sync_store.Decoder(sync_store.integer_range(conn.dialect.name))
    row = decoder.decode(entry.table_name, str(entry.row_id), entry.other_rev, fields)
    if row.get("owner_id") != entry.center_id:
        return False
    sync_store.defer_foreign_keys(conn)
    sync_store.upsert(conn, entry.table_name, [row], force=True)
    summaries.mark_stale(conn, entry.center_id)
    return True
