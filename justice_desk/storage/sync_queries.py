"""Queries behind the sync services (bookkeeping tables)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from justice_desk.domain.enums import ENROLLED, EnrolmentStatus, ImportStatus, KeyStatus
from justice_desk.storage.models import (
    MODEL_BY_TABLE,
    Case,
    ChangeLog,
    Enrolment,
    ExportRecord,
    ImportLogEntry,
    Meeting,
    ReceiptRecord,
    ReceivedBundle,
    RejectedRecordRow,
    Setting,
    Site,
    SiteKey,
    SyncConflict,
    utcnow,
)


def lock_center(session: Session, center_id: uuid.UUID) -> None:
    """Serialise the imports of one center's bundles until this transaction ends, so what the
    importer reads of the center's rows stays true until it writes (docs/sync.md §4). SQLite
    needs nothing: a write transaction there already excludes every other writer. PostgreSQL
    takes a transaction-level advisory lock keyed by the center (officers importing other
    centers' bundles are not held up)."""
    if session.get_bind().dialect.name == "postgresql":
        held = session.info.setdefault("center_locks", set())
        if center_id in held:  # taken before in this transaction (a group of bundles)
            return
        key = (center_id.int & ((1 << 64) - 1)) - (1 << 63)  # the id folded into a bigint
        session.execute(select(func.pg_advisory_xact_lock(key)))
        held.add(center_id)


def site_key(session: Session, site_id: uuid.UUID, key_id: str) -> SiteKey | None:
    return (
        session.execute(select(SiteKey).where(SiteKey.site_id == site_id, SiteKey.key_id == key_id))
        .scalars()
        .first()
    )


def own_key(session: Session, site_id: uuid.UUID, key_id: str) -> SiteKey | None:
    return (
        session.execute(
            select(SiteKey).where(
                SiteKey.site_id == site_id, SiteKey.key_id == key_id, SiteKey.role == "own"
            )
        )
        .scalars()
        .first()
    )


def keys_of(session: Session, site_id: uuid.UUID) -> list[SiteKey]:
    return list(
        session.execute(
            select(SiteKey).where(SiteKey.site_id == site_id).order_by(SiteKey.id)
        ).scalars()
    )


def trusted_keys(session: Session, site_id: uuid.UUID | None = None) -> list[SiteKey]:
    """Peer keys of approved (or revoked, for their cut-off) centers, and of the province; of
    one site only when ``site_id`` is given."""
    approved = select(Enrolment.center_id).where(Enrolment.status.in_(ENROLLED))
    query = select(SiteKey).where(SiteKey.role == "peer", SiteKey.site_id.in_(approved))
    if site_id is not None:
        query = query.where(SiteKey.site_id == site_id)
    return list(session.execute(query).scalars())


def mark_key(session: Session, site_id: uuid.UUID, key_id: str, *, status: KeyStatus) -> None:
    session.execute(
        update(SiteKey)
        .where(SiteKey.site_id == site_id, SiteKey.key_id == key_id)
        .values(status=status)
    )


def next_revocation_number(session: Session) -> int:
    current = session.execute(select(func.max(SiteKey.revocation_number))).scalar()
    return (current or 0) + 1


def setting_now(session: Session, key: str) -> str | None:
    """A setting as the database holds it in this transaction (``Database.setting`` may answer
    from its cache)."""
    row = session.get(Setting, key)
    return row.value if row is not None else None


def next_export_seq(conn: Connection) -> int:
    current = conn.execute(select(func.max(ExportRecord.seq))).scalar()
    return (current or 0) + 1


def record_export(
    conn: Connection, *, epoch: str, seq: int, first: int, last: int, records: int, file_name: str
) -> None:
    conn.execute(
        insert(ExportRecord).values(
            epoch=epoch,
            seq=seq,
            first_change=first,
            last_change=last,
            records=records,
            file_name=file_name,
            created_at=utcnow(),
        )
    )


def recent_exports(session: Session, limit: int) -> list[ExportRecord]:
    rows = list(
        session.execute(
            select(ExportRecord).order_by(ExportRecord.id.desc()).limit(limit)
        ).scalars()
    )
    session.expunge_all()
    return rows


def mark_exports_acked(session: Session, epoch: str, through: int) -> None:
    """Nothing to prune yet: exports are small bookkeeping rows kept as history."""


def insert_placeholder_site(
    conn: Connection, center_id: uuid.UUID, *, code: str, name: str, province: str
) -> None:
    """The enrolled center's site row with rev 0, replaced by the center's own record on import.
    Written with Core, so the province's change log does not claim it."""
    now = utcnow()
    conn.execute(
        insert(Site).values(
            id=center_id,
            owner_id=center_id,
            rev=0,
            created_at=now,
            updated_at=now,
            kind="center",
            code=code,
            name=name,
            province=province,
            quorum_numerator=1,
            quorum_denominator=2,
        )
    )


def bundle_by_sha(
    session: Session, sha: str, *, exclude_status: Sequence[ImportStatus] = ()
) -> ReceivedBundle | None:
    stmt = select(ReceivedBundle).where(ReceivedBundle.file_sha256 == sha)
    if exclude_status:
        stmt = stmt.where(ReceivedBundle.status.not_in(list(exclude_status)))
    return session.execute(stmt).scalars().first()


def bundle_by_seq(
    session: Session, center_id: uuid.UUID, epoch: str, seq: int
) -> ReceivedBundle | None:
    return (
        session.execute(
            select(ReceivedBundle).where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.seq == seq,
                ReceivedBundle.status != ImportStatus.REJECTED,
            )
        )
        .scalars()
        .first()
    )


def bundle_by_seq_or_sha(
    session: Session, center_id: uuid.UUID, epoch: str, seq: int, sha: str
) -> tuple[ReceivedBundle | None, bool]:
    """:func:`bundle_by_seq`, and whether a bundle with the file digest ``sha`` was taken in
    (:func:`bundle_by_sha` without the rejected ones), in one query: the importer asks both
    of every bundle it decides on."""
    found = (
        session.execute(
            select(ReceivedBundle).where(
                ReceivedBundle.status != ImportStatus.REJECTED,
                or_(
                    and_(
                        ReceivedBundle.center_id == center_id,
                        ReceivedBundle.epoch == epoch,
                        ReceivedBundle.seq == seq,
                    ),
                    ReceivedBundle.file_sha256 == sha,
                ),
            )
        )
        .scalars()
        .all()
    )
    same_seq = next(
        (b for b in found if b.center_id == center_id and b.epoch == epoch and b.seq == seq), None
    )
    return same_seq, any(b.file_sha256 == sha for b in found)


def epoch_seen(session: Session, center_id: uuid.UUID, epoch: str) -> bool:
    return (
        session.execute(
            select(ReceivedBundle.id)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.status.in_([ImportStatus.APPLIED, ImportStatus.PARTIAL]),
            )
            .limit(1)
        ).first()
        is not None
    )


def next_held(
    session: Session, center_id: uuid.UUID, epoch: str | None, applied_through: int
) -> ReceivedBundle | None:
    """A held bundle of the current epoch that now connects (starts at or before
    the next change)."""
    return (
        session.execute(
            select(ReceivedBundle)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.status == ImportStatus.HELD,
                ReceivedBundle.first_change <= applied_through + 1,
            )
            .order_by(ReceivedBundle.first_change, ReceivedBundle.seq)
        )
        .scalars()
        .first()
    )


def held_bundles(session: Session, center_id: uuid.UUID, epoch: str | None) -> list[ReceivedBundle]:
    """Bundles of the center's current epoch still waiting for a missing range."""
    return list(
        session.execute(
            select(ReceivedBundle)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.status == ImportStatus.HELD,
            )
            .order_by(ReceivedBundle.first_change)
        ).scalars()
    )


def has_held(session: Session, center_id: uuid.UUID) -> bool:
    return (
        session.execute(
            select(ReceivedBundle.id)
            .where(
                ReceivedBundle.center_id == center_id, ReceivedBundle.status == ImportStatus.HELD
            )
            .limit(1)
        ).first()
        is not None
    )


def applied_after(session: Session, center_id: uuid.UUID, epoch: str | None, seq: int) -> int:
    """How many bundles of a center's ``epoch`` numbered after ``seq`` were applied (some
    records refused in them or none)."""
    if epoch is None:
        return 0
    return int(
        session.execute(
            select(func.count())
            .select_from(ReceivedBundle)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.seq > seq,
                ReceivedBundle.status.in_([ImportStatus.APPLIED, ImportStatus.PARTIAL]),
            )
        ).scalar_one()
    )


def latest_bundle_epoch(session: Session, center_id: uuid.UUID) -> str | None:
    """The epoch of the last bundle of a center that was read (applied, held or a duplicate),
    else of the last one refused that named an epoch (unverified: only for reporting it)."""
    exclude: list[ImportStatus]
    for exclude in ([ImportStatus.REJECTED], []):
        epoch = session.execute(
            select(ReceivedBundle.epoch)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch.is_not(None),
                ReceivedBundle.status.not_in(exclude),
            )
            .order_by(ReceivedBundle.id.desc())
            .limit(1)
        ).scalar()
        if epoch:
            return epoch
    return None


def supersede_held(session: Session, center_id: uuid.UUID, epoch: str) -> int:
    """Held bundles of epochs the center has left (restored from a backup) will never connect:
    they become duplicates of what the new epoch sends again. Their bytes stay."""
    result = session.execute(
        update(ReceivedBundle)
        .where(
            ReceivedBundle.center_id == center_id,
            ReceivedBundle.epoch != epoch,
            ReceivedBundle.status == ImportStatus.HELD,
        )
        .values(status=ImportStatus.DUPLICATE, reason="superseded_epoch")
    )
    # Session.execute() is typed as returning a plain Result; an UPDATE gives a CursorResult.
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_conflicts(conn: Connection, center_id: uuid.UUID) -> dict[tuple[str, uuid.UUID], set[int]]:
    """``(table, row id) -> other revs`` already in the conflict queue for a center, unresolved."""
    out: dict[tuple[str, uuid.UUID], set[int]] = {}
    for table, row_id, rev in conn.execute(
        select(SyncConflict.table_name, SyncConflict.row_id, SyncConflict.other_rev).where(
            SyncConflict.center_id == center_id, SyncConflict.resolved_at.is_(None)
        )
    ):
        out.setdefault((table, row_id), set()).add(rev)
    return out


def refused_rows(conn: Connection, center_id: uuid.UUID, reasons: Sequence[str]) -> set[uuid.UUID]:
    """Ids of a center's records that were refused and wait in the conflict queue (so their
    children cannot be applied either)."""
    return {
        row_id
        for (row_id,) in conn.execute(
            select(SyncConflict.row_id).where(
                SyncConflict.center_id == center_id,
                SyncConflict.resolved_at.is_(None),
                SyncConflict.reason.in_(list(reasons)),
            )
        )
    }


def conflicts_of(
    session: Session, center_id: uuid.UUID | None = None, *, open_only: bool = True
) -> list[SyncConflict]:
    stmt = select(SyncConflict).order_by(SyncConflict.id)
    if center_id is not None:
        stmt = stmt.where(SyncConflict.center_id == center_id)
    if open_only:
        stmt = stmt.where(SyncConflict.resolved_at.is_(None))
    rows = list(session.execute(stmt).scalars())
    session.expunge_all()
    return rows


def enrolment_by_code(session: Session, code: str) -> Enrolment | None:
    return (
        session.execute(select(Enrolment).where(Enrolment.code == code.strip())).scalars().first()
    )


def enrolled_site(session: Session, code: str) -> tuple[Site, Enrolment] | None:
    """The site row of the center enrolled under ``code`` (approved, or revoked), with its
    enrolment: codes resolve through enrolments, so a site row that carries a center's code
    without being that center can never stand for it."""
    found = session.execute(
        select(Site, Enrolment)
        .join(Enrolment, Enrolment.center_id == Site.id)
        .where(Enrolment.code == code.strip(), Enrolment.status.in_(ENROLLED))
        .order_by(case((Enrolment.status == EnrolmentStatus.APPROVED, 0), else_=1))
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def approved_enrolments(session: Session) -> list[Enrolment]:
    return list(
        session.execute(
            select(Enrolment)
            .where(Enrolment.status == EnrolmentStatus.APPROVED)
            .order_by(Enrolment.code)
        ).scalars()
    )


def all_enrolments(
    session: Session, centers: Collection[uuid.UUID] | None = None
) -> list[Enrolment]:
    """Every enrolment, or those of ``centers`` (one province's in a database of several)."""
    query = select(Enrolment).order_by(Enrolment.code)
    if centers is not None:
        query = query.where(Enrolment.center_id.in_(sorted(centers)))
    rows = list(session.execute(query).scalars())
    session.expunge_all()
    return rows


def unreported_bundles(session: Session, center_id: uuid.UUID) -> list[ReceivedBundle]:
    return list(
        session.execute(
            select(ReceivedBundle)
            .where(ReceivedBundle.center_id == center_id, ReceivedBundle.receipt_seq.is_(None))
            .order_by(ReceivedBundle.id)
        ).scalars()
    )


def refused_record_ids(conn: Connection, center_id: uuid.UUID) -> list[tuple[str, str]]:
    """``(table, row id as the bundle spelled it)`` of every record refused inside a bundle of
    the center that was applied (``rejected_records``)."""
    return [
        (table, row_id)
        for table, row_id in conn.execute(
            select(RejectedRecordRow.table_name, RejectedRecordRow.row_id)
            .join(ReceivedBundle, ReceivedBundle.id == RejectedRecordRow.bundle_id)
            .where(ReceivedBundle.center_id == center_id)
            .distinct()
        )
    ]


def rejected_records_of(session: Session, bundle_ids: Sequence[int]) -> list[RejectedRecordRow]:
    if not bundle_ids:
        return []
    return list(
        session.execute(
            select(RejectedRecordRow).where(RejectedRecordRow.bundle_id.in_(list(bundle_ids)))
        ).scalars()
    )


def bundle_status_counts(
    session: Session, centers: Collection[uuid.UUID] | None = None
) -> dict[uuid.UUID, Counter[str]]:
    out: dict[uuid.UUID, Counter[str]] = {}
    query = select(ReceivedBundle.center_id, ReceivedBundle.status, func.count()).group_by(
        ReceivedBundle.center_id, ReceivedBundle.status
    )
    if centers is not None:
        query = query.where(ReceivedBundle.center_id.in_(sorted(centers)))
    for center, status, n in session.execute(query):
        if center is not None:
            out.setdefault(center, Counter())[status] = n
    return out


def import_log(session: Session, limit: int) -> list[ImportLogEntry]:
    return list(
        session.execute(
            select(ImportLogEntry).order_by(ImportLogEntry.id.desc()).limit(limit)
        ).scalars()
    )


def count_rows(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def pending_enrolments_with_code(
    session: Session, code: str, *, besides: uuid.UUID
) -> list[Enrolment]:
    """Requests that were only looked at (never approved) under ``code``, of other centers."""
    return list(
        session.execute(
            select(Enrolment).where(
                Enrolment.code == code,
                Enrolment.status == EnrolmentStatus.PENDING,
                Enrolment.center_id != besides,
            )
        ).scalars()
    )


def enrolments_with_receipts(session: Session) -> list[Enrolment]:
    """Centers that get receipts: approved ones, and revoked ones for the bundles accepted
    under their cut-off."""
    return list(
        session.execute(
            select(Enrolment).where(Enrolment.status.in_(ENROLLED)).order_by(Enrolment.code)
        ).scalars()
    )


def epochs_waiting(session: Session, center_id: uuid.UUID) -> list[str]:
    """New epochs of the center held for an officer's decision, in the order they arrived."""
    rows = session.execute(
        select(ReceivedBundle.epoch, func.min(ReceivedBundle.id))
        .where(
            ReceivedBundle.center_id == center_id,
            ReceivedBundle.status == ImportStatus.HELD,
            ReceivedBundle.reason == "new_epoch",
        )
        .group_by(ReceivedBundle.epoch)
        .order_by(func.min(ReceivedBundle.id))
    ).all()
    return [epoch for epoch, _first in rows if epoch]


def held_of_epoch(session: Session, center_id: uuid.UUID, epoch: str) -> list[ReceivedBundle]:
    """The center's bundles of ``epoch`` held for a decision, in the order of their changes."""
    return list(
        session.execute(
            select(ReceivedBundle)
            .where(
                ReceivedBundle.center_id == center_id,
                ReceivedBundle.epoch == epoch,
                ReceivedBundle.status == ImportStatus.HELD,
                ReceivedBundle.reason == "new_epoch",
            )
            .order_by(ReceivedBundle.first_change, ReceivedBundle.seq)
        ).scalars()
    )


def current_revs(
    session: Session, table_name: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """The rev of each of these rows of ``table_name`` as stored here (missing: not here)."""
    model = MODEL_BY_TABLE.get(table_name)
    if model is None or not ids:
        return {}
    table = model.__table__
    rows = session.execute(select(table.c.id, table.c.rev).where(table.c.id.in_(list(ids))))
    return {row_id: int(rev) for row_id, rev in rows}


def record_labels(
    session: Session, table_name: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, ...]]:
    """What identifies these rows to a person: (number, year) of cases and meetings, (given
    name, surname) of people; nothing for other tables."""
    model = MODEL_BY_TABLE.get(table_name)
    if not ids or model is None:
        return {}
    table = model.__table__
    if table_name not in ("cases", "meetings", "people"):
        if "case_id" not in table.c:
            return {}
        # A row of a case (a party, a session, an event): named by its case's number.
        cases = Case.__table__
        rows = session.execute(
            select(table.c.id, cases.c.number, cases.c.year_be)
            .join(cases, cases.c.id == table.c.case_id)
            .where(table.c.id.in_(list(ids)))
        )
        return {row[0]: (str(row[1]), str(row[2])) for row in rows}
    cols = (
        (table.c.given_name, table.c.surname)
        if table_name == "people"
        else (table.c.number, table.c.year_be)
    )
    rows = session.execute(select(table.c.id, *cols).where(table.c.id.in_(list(ids))))
    return {row[0]: tuple("" if v is None else str(v) for v in row[1:]) for row in rows}


def touch_rows(session: Session, table_name: str, ids: Sequence[uuid.UUID]) -> int:
    """Mark rows as changed (a new rev and a change-log line through the ORM hook), so that the
    next export sends them again. Returns how many were found."""
    from sqlalchemy.orm.attributes import flag_modified

    model = MODEL_BY_TABLE.get(table_name)
    if model is None or not ids:
        return 0
    found = 0
    for obj in session.execute(select(model).where(model.id.in_(list(ids)))).scalars():
        flag_modified(obj, "updated_at")
        found += 1
    return found


def set_conflict_resolved(session: Session, conflict_id: int) -> SyncConflict | None:
    row = session.get(SyncConflict, conflict_id)
    if row is not None and row.resolved_at is None:
        row.resolved_at = utcnow()
    return row


def receipts_of_epoch(session: Session, epoch: str) -> list[ReceiptRecord]:
    """The receipts this center accepted for ``epoch``, oldest first."""
    return list(
        session.execute(
            select(ReceiptRecord).where(ReceiptRecord.epoch == epoch).order_by(ReceiptRecord.seq)
        ).scalars()
    )


def last_changes(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The change number of each row's newest change here."""
    if not ids:
        return {}
    rows = session.execute(
        select(ChangeLog.row_id, func.max(ChangeLog.change_no))
        .where(ChangeLog.row_id.in_(list(ids)))
        .group_by(ChangeLog.row_id)
    )
    return {row_id: int(change) for row_id, change in rows}


def renumber(session: Session, table_name: str, row_id: uuid.UUID, above: int) -> int | None:
    """Give a case or meeting the next free number of its BE year above ``above`` (and above
    every number this database used that year); returns the new number, ``None`` if the row is
    not here. The change goes through the change log like any edit."""
    obj: Case | Meeting | None
    if table_name == "cases":
        obj = session.get(Case, row_id)
    elif table_name == "meetings":
        obj = session.get(Meeting, row_id)
    else:
        return None
    if obj is None:
        return None
    model = type(obj)
    used = session.execute(
        select(func.max(model.number)).where(
            model.owner_id == obj.owner_id, model.year_be == obj.year_be
        )
    ).scalar()
    obj.number = max(above, used or 0) + 1
    return int(obj.number)


def latest_receipts(session: Session, limit: int) -> list[ReceiptRecord]:
    """The receipts this center accepted last, newest first (of any epoch: a receipt about a
    new start the province has not accepted speaks of the epoch it still follows)."""
    return list(
        session.execute(
            select(ReceiptRecord).order_by(ReceiptRecord.id.desc()).limit(limit)
        ).scalars()
    )
