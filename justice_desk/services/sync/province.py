"""The province's administration: enrolment, revocation, decisions on a center's new start,
receipts, the overview of centers, the conflict list (docs/sync.md §1, §3, §8, §9).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from justice_desk import sync as fmt
from justice_desk.domain import center_code
from justice_desk.domain.enums import ENROLLED, EnrolmentStatus, ImportStatus, KeyStatus
from justice_desk.errors import (
    UserError,
)
from justice_desk.i18n import _
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Enrolment,
    Site,
    utcnow,
)
from justice_desk.sync._codec import MAX_COUNTER

if TYPE_CHECKING:
    pass
from justice_desk.domain.access import Permission
from justice_desk.services.access import require
from justice_desk.services.sync._common import (
    ACTIONS,
    REASONS,
    _enrolled,
    _label_parts,
    _own_site,
    _province_name,
    _public_from_row,
    _record_label,
    _require_province,
    _write_file,
    reason_text,
)
from justice_desk.services.sync.importer import _log, _refuse_held, _release_held, _settle
from justice_desk.services.sync.keys import (
    _escrow_publics,
    _province_private_keys,
    _store_public,
    _trust,
    own_keys,
)
from justice_desk.storage import audit

# ----------------------------------------------------------------------------------------------
# Province side


@dataclass(frozen=True)
class EnrolmentReview:
    center_id: uuid.UUID
    code: str
    name: str
    fingerprint: str
    approved: bool
    answer: Path | None = None


def enrol_center(
    db: Database,
    request_file: Path,
    *,
    approve: bool,
    answer_out: Path | None = None,
    expected_fingerprint: str | None = None,
    passphrase: str | None = None,
) -> EnrolmentReview:
    """Read a center's enrolment request; with ``approve`` (after the fingerprint was confirmed
    by phone or in person) enrol it and write the answer with this office's public keys.

    Only an approval writes anything verification trusts. Looking at a request (``approve``
    false) records at most a *pending* center, with no key: a forged request that is only
    viewed, for a new center or for one whose key was revoked, lets nothing in. An approval
    trusts exactly the key of the request being approved, and refuses a code that is not a
    center code (it names files) or that another center is already enrolled under.
    """
    require(db, Permission.KEYS)
    _require_province(db)
    request = fmt.open_enrolment_request(
        fmt.read_sync_file(request_file), expected_fingerprint=expected_fingerprint
    )
    center_id = uuid.UUID(request.center_id)
    if not center_code.is_valid(request.code):
        raise UserError(
            _(
                "The request gives “{code}” as the center code, which is not a center code "
                "(letters A-Z, digits and hyphens, at most 32). Ask the center to correct its "
                "code in its set-up and send a new request."
            ).format(code=request.code[:80])
        )
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        audit.record(session, "keys", detail=f"enrolment {request_file.name} approve={approve}")
        enrolment = session.get(Enrolment, center_id)
        if not approve:
            if enrolment is None:
                session.add(
                    Enrolment(
                        center_id=center_id,
                        code=request.code,
                        name=request.name,
                        fingerprint=request.fingerprint,
                        status=EnrolmentStatus.PENDING,
                    )
                )
            return EnrolmentReview(
                center_id, request.code, request.name, request.fingerprint, False, None
            )
        holder = q.enrolment_by_code(session, request.code)
        if holder is not None and holder.center_id != center_id and holder.status in ENROLLED:
            raise UserError(
                _(
                    "The code {code} is already enrolled for {name}. Each center has its own "
                    "code: ask the center that sent this request to check its code."
                ).format(code=holder.code, name=holder.name)
            )
        if (
            enrolment is not None
            and enrolment.status == EnrolmentStatus.APPROVED
            and enrolment.fingerprint != request.fingerprint
        ):
            raise UserError(
                _(
                    "{name} is already enrolled with other keys. A new key must come as a key "
                    "change signed with the old key, or revoke the old key first."
                ).format(name=enrolment.name)
            )
        known = q.site_key(session, center_id, request.public_keys.key_id)
        if known is not None and known.status == KeyStatus.REVOKED:
            raise UserError(
                _(
                    "This request carries a key of {name} that was revoked. A center whose key "
                    "was revoked enrols again with new keys."
                ).format(name=enrolment.name if enrolment is not None else request.name)
            )
        # Pending requests of other centers under the same code were never trusted: drop them.
        for other in q.pending_enrolments_with_code(session, request.code, besides=center_id):
            session.delete(other)
        if enrolment is None:
            enrolment = Enrolment(center_id=center_id)
            session.add(enrolment)
        enrolment.code, enrolment.name, enrolment.fingerprint = (
            request.code,
            request.name,
            request.fingerprint,
        )
        _store_public(session, center_id, request.public_keys, "peer")
        enrolment.status, enrolment.approved_at = EnrolmentStatus.APPROVED, utcnow()
        if session.get(Site, center_id) is None:
            # A placeholder with rev 0: the center's own record (rev >= 1) replaces it on import.
            q.insert_placeholder_site(
                session.connection(),
                center_id,
                code=request.code,
                name=request.name,
                province=_province_name(db),
            )
    keys = own_keys(db, passphrase)
    escrow = _escrow_publics(db)
    target = answer_out or request_file.with_suffix(".jdanswer")
    if target.is_dir():
        target = target / f"{request.code}.jdanswer"
    office = _own_site(db).name
    _write_file(
        target,
        fmt.create_enrolment_answer(
            request,
            province_id=str(db.site_id),
            province_name=office,
            keys=keys,
            escrow_keys=escrow,
        ),
    )
    return EnrolmentReview(center_id, request.code, request.name, request.fingerprint, True, target)


@dataclass(frozen=True)
class EpochDecision:
    code: str
    name: str
    epoch: str
    accepted: bool
    bundles: int
    outcomes: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.accepted:
            return _(
                "The new start of {code} {name} is accepted; {count} waiting bundles were "
                "processed."
            ).format(code=self.code, name=self.name, count=self.bundles)
        return _(
            "The new start of {code} {name} is refused; {count} waiting bundles are rejected."
        ).format(code=self.code, name=self.name, count=self.bundles)


def waiting_epochs(db: Database, center_code: str) -> list[str]:
    """New epochs of a center whose bundles wait for an officer's decision, oldest first."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        enrolment = _enrolled(session, center_code)
        return q.epochs_waiting(session, enrolment.center_id)


def decide_epoch(
    db: Database,
    center_code: str,
    *,
    accept: bool,
    epoch: str | None = None,
    passphrase: str | None = None,
) -> EpochDecision:
    """An officer's decision on a center's new start (docs/sync.md §3), after confirming with
    the center by phone that it really restored a backup. Accepting applies the waiting
    bundles in order (the province then follows the new epoch); refusing rejects them, and a
    later bundle of that epoch waits again."""
    require(db, Permission.KEYS)
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        audit.record(session, "keys", detail=f"new start of {center_code}")
        enrolment = _enrolled(session, center_code)
        waiting = q.epochs_waiting(session, enrolment.center_id)
        if not waiting:
            raise UserError(
                _("Nothing from a new start of {code} {name} is waiting for a decision.").format(
                    code=enrolment.code, name=enrolment.name
                )
            )
        if epoch is None:
            if len(waiting) > 1:
                raise UserError(
                    _(
                        "{code} {name} has several new starts waiting ({epochs}): name the "
                        "one to decide on."
                    ).format(code=enrolment.code, name=enrolment.name, epochs=", ".join(waiting))
                )
            epoch = waiting[0]
        elif epoch not in waiting:
            raise UserError(
                _("No bundle of {code} {name} from the start {epoch} is waiting.").format(
                    code=enrolment.code, name=enrolment.name, epoch=epoch
                )
            )
        center_id, code, name = enrolment.center_id, enrolment.code, enrolment.name
        rows = q.held_of_epoch(session, center_id, epoch)
        if not accept:
            for row in rows:
                row.status, row.reason = ImportStatus.REJECTED, "epoch_refused"
                row.receipt_seq = None  # the center hears of it in its next receipt
                _log(
                    session,
                    Path(f"held:{row.file_sha256[:12]}"),
                    ImportStatus.REJECTED,
                    reason="epoch_refused",
                    sha=row.file_sha256,
                    center=center_id,
                    seq=row.seq,
                    detail=f"epoch {epoch}",
                )
            return EpochDecision(code, name, epoch, False, len(rows))
        enrolment.accepted_epoch = epoch
        first = [(r.id, r.raw, r.file_sha256, r.seq) for r in rows[:1]]
    keys = _province_private_keys(db, passphrase)
    outcomes: list[str] = []
    for row_id, data, sha, seq in first:
        path = Path(f"held:{sha[:12]}")
        try:
            if data is None:
                raise fmt.BadContainerError("the held bundle's bytes are gone")
            bundle = fmt.open_bundle(data, trusted_keys=_trust(db), recipient_private_key=keys)
        except fmt.RejectedFileError as exc:
            detail = exc.detail or str(exc)
            _refuse_held(db, row_id, path, exc.reason, detail, sha=sha, center=center_id, seq=seq)
            outcomes.append(f"{seq}:rejected")
            continue
        outcome, _waiting = _settle(db, path, data, sha, bundle, held_row_id=row_id)
        outcomes.append(f"{bundle.seq}:{outcome.status}")
    outcomes += _release_held(db, center_id, keys)
    return EpochDecision(code, name, epoch, True, len(outcomes), tuple(outcomes))


@dataclass(frozen=True)
class Revoked:
    """What a revocation did: the center, the cut-off now in force, the one before (``None``
    for a first revocation) and how many of the center's keys it covers."""

    code: str
    name: str
    keep_through: int
    previous: int | None
    keys: int
    #: Bundles numbered after the cut-off that were applied before it was made: their records
    #: stay (a revocation refuses what comes, it does not undo what was taken in).
    applied_after: int = 0

    def describe(self) -> str:
        if self.previous is None:
            said = _(
                "The keys of {code} {name} are revoked: bundles numbered after {seq} are "
                "refused, whichever of its keys signed them."
            ).format(code=self.code, name=self.name, seq=self.keep_through)
        elif self.previous == self.keep_through:
            said = _(
                "The keys of {code} {name} were already revoked after bundle {seq}; nothing "
                "changed."
            ).format(code=self.code, name=self.name, seq=self.keep_through)
        else:
            said = _(
                "The revocation of {code} {name} now accepts bundles up to {seq} (before: up "
                "to {previous})."
            ).format(code=self.code, name=self.name, seq=self.keep_through, previous=self.previous)
        if self.applied_after:
            said += " " + _(
                "{count} bundles numbered after {seq} had already been applied before this "
                "revocation: their records stay here. Check those records with the center "
                "(the Import log on the Sync page lists each bundle)."
            ).format(count=self.applied_after, seq=self.keep_through)
        return said


def revoke_center_key(
    db: Database, center_code: str, *, keep_through_seq: int | None = None
) -> Revoked:
    """Revoke every key a center ever had (a stolen laptop may hold a retired key file too):
    bundles numbered after ``keep_through_seq`` (default: the last one already received) are
    refused whichever key signed them. A key retired by a rotation keeps its own, earlier
    limit. Revoking again with another ``keep_through_seq`` moves the cut-off."""
    require(db, Permission.KEYS)
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    if keep_through_seq is not None and not 0 <= keep_through_seq <= MAX_COUNTER:
        raise UserError(_("The bundle number to keep must be 0 or more."))
    with db.write() as session:
        enrolment = q.enrolment_by_code(session, center_code)
        if enrolment is None or enrolment.status == EnrolmentStatus.PENDING:
            raise UserError(
                _("No center with the code {code} is enrolled here.").format(code=center_code)
            )
        # An import of the center's bundles running meanwhile finishes the group it is
        # writing first; its next bundles check their key again and are refused
        # (importer._check_signer_now). The center's lock is taken before the audit trail's,
        # in the order the importer takes them.
        q.lock_center(session, enrolment.center_id)
        session.refresh(enrolment)
        if enrolment.epoch is None and keep_through_seq:
            # A cut-off is a bundle number within the epoch of the bundles received: with
            # none received there is nothing it could keep (the outside review of session 12).
            raise UserError(
                _(
                    "No bundle of {code} {name} has been received yet, so none can be kept: "
                    "revoke without --keep-through (every bundle signed with its keys is then "
                    "refused)."
                ).format(code=enrolment.code, name=enrolment.name)
            )
        audit.record(session, "keys", detail=f"revoked the keys of {center_code}")
        keep = enrolment.last_seq if keep_through_seq is None else keep_through_seq
        peer = [r for r in q.keys_of(session, enrolment.center_id) if r.role == "peer"]
        cut_offs = [r.last_good_seq for r in peer if r.status == KeyStatus.REVOKED]
        previous = next((c for c in cut_offs if c is not None), None)
        number = None
        for row in peer:
            if row.status != KeyStatus.REVOKED:
                number = number or q.next_revocation_number(session)
                row.revocation_number = number
            row.status = KeyStatus.REVOKED
            row.last_good_epoch = enrolment.epoch
            row.last_good_seq = keep
        enrolment.status = EnrolmentStatus.REVOKED
        already = q.applied_after(session, enrolment.center_id, enrolment.epoch, keep)
        return Revoked(enrolment.code, enrolment.name, keep, previous, len(peer), already)


@dataclass(frozen=True)
class ReceiptWritten:
    center_code: str
    path: Path
    applied_through: int


def write_receipts(
    db: Database, out_dir: Path, *, passphrase: str | None = None, only_new: bool = True
) -> list[ReceiptWritten]:
    """A signed receipt per enrolled center with news since its last receipt."""
    require(db, Permission.SYNC)
    _require_province(db)
    from justice_desk.services import escalations
    from justice_desk.services.sync import conflicts
    from justice_desk.storage import escalation_queries, sync_decisions
    from justice_desk.storage import sync_queries as q

    keys = own_keys(db, passphrase)
    written: list[ReceiptWritten] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    with db.write() as session:
        # An answer to an escalation given or changed since the last receipt is news too.
        audit.record(session, "receipt", detail="receipts written")
        answered = escalation_queries.centers_with_unsent_answers(session)
        # So is a decision on an entry of the conflict list (sync.md §13).
        answered |= sync_decisions.centers_with_unsent_decisions(session)
        for enrolment in q.enrolments_with_receipts(session):
            pending = q.unreported_bundles(session, enrolment.center_id)
            if only_new and not pending and enrolment.center_id not in answered:
                continue
            # Sealed to the center's current key; a revoked center (bundles accepted under the
            # cut-off still get their receipt) to the newest key it had.
            peer = [r for r in q.keys_of(session, enrolment.center_id) if r.role == "peer"]
            center_keys = [r for r in peer if r.status == KeyStatus.ACTIVE] or peer
            if not center_keys:
                continue
            # Before anything was applied (only held bundles so far) the receipt speaks of the
            # epoch those came from; a center with no readable bundle at all gets none yet.
            epoch = enrolment.epoch or q.latest_bundle_epoch(session, enrolment.center_id)
            if not epoch:
                continue
            applied_through = enrolment.applied_through if enrolment.epoch == epoch else 0
            # Ask for a resend while anything of that epoch waits for a gap, not only when this
            # receipt reports the held bundle for the first time.
            held = q.held_bundles(session, enrolment.center_id, epoch)
            resend = applied_through + 1 if held else None
            results = tuple(
                fmt.BundleResult(
                    b.epoch or "",
                    b.seq or 0,
                    b.first_change or 0,
                    b.last_change if b.last_change is not None else -1,
                    b.status,
                    b.content_digest or "",
                    b.reason or "",
                    (b.detail or "")[:500],
                )
                for b in pending
                if b.epoch
            )
            rejected = tuple(
                fmt.RejectedRecord(r.table_name, r.row_id, r.rev, r.reason, r.detail or "")
                for r in q.rejected_records_of(session, [b.id for b in pending])
            )
            enrolment.receipt_seq += 1
            receipt = fmt.Receipt(
                province_id=str(db.site_id),
                province_epoch=db.setting("epoch") or "",
                center_id=str(enrolment.center_id),
                seq=enrolment.receipt_seq,
                center_epoch=epoch,
                applied_through=applied_through,
                resend_from=resend,
                bundles=results,
                rejected=rejected,
                # Every answer about the center's escalated cases, each time (sync.md §12).
                answers=escalations.receipt_answers(session, enrolment.center_id),
                # Every decision on the conflict list about the center, each time (§13).
                decisions=conflicts.receipt_decisions(session, enrolment.center_id),
                created_at=dt.datetime.now(dt.UTC),
            )
            # The code names the file: one from before codes were checked may not be a plain
            # word, so such a center's receipt is named by its id (inside out_dir either way).
            stem = (
                enrolment.code
                if center_code.is_valid(enrolment.code)
                else f"center-{enrolment.center_id.hex[:12]}"
            )
            target = out_dir / f"{stem}-{enrolment.receipt_seq:06d}.jdreceipt"
            _write_file(
                target, fmt.create_receipt(receipt, keys, _public_from_row(center_keys[-1]))
            )
            for b in pending:
                b.receipt_seq = enrolment.receipt_seq
            escalation_queries.mark_answers_sent(
                session, enrolment.center_id, enrolment.receipt_seq
            )
            sync_decisions.mark_decisions_sent(session, enrolment.center_id, enrolment.receipt_seq)
            written.append(ReceiptWritten(enrolment.code, target, applied_through))
    return written


@dataclass(frozen=True)
class CenterOverview:
    center_id: uuid.UUID
    code: str
    name: str
    status: EnrolmentStatus
    fingerprint: str
    last_bundle_at: dt.datetime | None
    applied_through: int
    held: int
    rejected: int
    quiet_days: int | None
    #: New epochs (a restore, or a copy of the database) waiting for an officer's decision.
    new_starts: tuple[str, ...] = ()

    def overdue(self, days: int) -> bool:
        return self.quiet_days is None or self.quiet_days > days


def centers_overview(
    db: Database, centers: Collection[uuid.UUID] | None = None
) -> list[CenterOverview]:
    """Every enrolled center's sync state, or that of ``centers`` (a province's, in a
    database that holds several)."""
    from justice_desk.storage import sync_queries as q

    now = utcnow()
    out = []
    with db.read() as session:
        counts = q.bundle_status_counts(session, centers)
        for e in q.all_enrolments(session, centers):
            c = counts.get(e.center_id, Counter())
            quiet = (now - e.last_bundle_at).days if e.last_bundle_at else None
            out.append(
                CenterOverview(
                    e.center_id,
                    e.code,
                    e.name,
                    EnrolmentStatus(e.status),
                    e.fingerprint,
                    e.last_bundle_at,
                    e.applied_through,
                    c.get(ImportStatus.HELD, 0),
                    c.get(ImportStatus.REJECTED, 0),
                    quiet,
                    tuple(q.epochs_waiting(session, e.center_id))
                    if c.get(ImportStatus.HELD)
                    else (),
                )
            )
    return out


@dataclass(frozen=True)
class Conflict:
    """One entry of the conflict queue as stored (docs/sync.md §1); :class:`ConflictEntry` is
    the same entry as a person reads it."""

    id: int
    at: dt.datetime
    center_id: uuid.UUID
    table_name: str
    row_id: uuid.UUID
    kept_rev: int
    other_rev: int
    other_fields: str  #: JSON of the version that was not kept
    reason: str
    resolved_at: dt.datetime | None


def sync_conflicts(
    db: Database, center_id: uuid.UUID | None = None, *, open_only: bool = True
) -> list[Conflict]:
    """The conflict queue: versions of records that were not applied, for a person to look at."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        return [
            Conflict(
                c.id,
                c.at,
                c.center_id,
                c.table_name,
                c.row_id,
                c.kept_rev,
                c.other_rev,
                c.other_fields,
                c.reason,
                c.resolved_at,
            )
            for c in q.conflicts_of(session, center_id, open_only=open_only)
        ]


@dataclass(frozen=True)
class ConflictEntry:
    """One entry of the province's conflict list, as a person reads it."""

    id: int
    at: dt.datetime
    center_code: str
    center_name: str
    record: str
    kept_rev: int
    other_rev: int
    reason: str
    reason_label: str
    action: str
    resolved: bool


def conflict_list(
    db: Database, center_code: str | None = None, *, open_only: bool = True
) -> list[ConflictEntry]:
    """The conflict list at the province: versions of records that were not applied or that
    replaced a version from before a center's restore, with what to do about each."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        center_id = _enrolled(session, center_code).center_id if center_code else None
        rows = q.conflicts_of(session, center_id, open_only=open_only)
        centers = {e.center_id: (e.code, e.name) for e in q.all_enrolments(session)}
        labels: dict[str, dict[uuid.UUID, tuple[str, ...]]] = {}
        for table in {r.table_name for r in rows}:
            labels[table] = q.record_labels(
                session, table, [r.row_id for r in rows if r.table_name == table]
            )
        out = []
        for r in rows:
            code, name = centers.get(r.center_id, ("", ""))
            # A refused record is not stored here: its label comes from the version queued.
            parts = labels[r.table_name].get(r.row_id) or _label_parts(r.table_name, r.other_fields)
            out.append(
                ConflictEntry(
                    r.id,
                    r.at,
                    code,
                    name,
                    _record_label(r.table_name, parts, r.row_id.hex),
                    r.kept_rev,
                    r.other_rev,
                    r.reason,
                    reason_text(r.reason) if r.reason in REASONS else r.reason,
                    _(ACTIONS[r.reason]) if r.reason in ACTIONS else "",
                    r.resolved_at is not None,
                )
            )
    return out


def resolve_conflict(db: Database, conflict_id: int) -> None:
    """A person has dealt with this entry: it leaves the open list (it is kept, marked)."""
    require(db, Permission.SYNC)
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        if q.set_conflict_resolved(session, conflict_id) is None:
            raise UserError(_("There is no conflict number {id}.").format(id=conflict_id))


@dataclass(frozen=True)
class ImportLogLine:
    """One line of the province's append-only import log."""

    at: dt.datetime
    file_name: str
    center_id: uuid.UUID | None
    seq: int | None
    status: ImportStatus
    reason: str | None
    detail: str | None
    records: int


def import_log(db: Database, limit: int = 500) -> list[ImportLogLine]:
    """The newest lines of the import log, newest first."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        return [
            ImportLogLine(
                r.at,
                r.file_name,
                r.center_id,
                r.seq,
                ImportStatus(r.status),
                r.reason,
                r.detail,
                r.records,
            )
            for r in q.import_log(session, limit)
        ]
