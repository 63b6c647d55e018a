"""The center's side: the enrolment request and answer, exports (split into parts when large),
receipts, the status and the records the province refused (docs/sync.md §3, §8).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from justice_desk import sync as fmt
from justice_desk.domain import center_code
from justice_desk.domain.enums import ImportStatus
from justice_desk.errors import (
    UserError,
)
from justice_desk.i18n import N_, _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.storage import privacy_queries, sync_store
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    ReceiptRecord,
)
from justice_desk.sync.keys import (
    KeySet,
    PublicKeySet,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
from justice_desk.domain.access import Permission
from justice_desk.services.access import require
from justice_desk.services.sync._common import (
    ACTIONS,
    REASONS,
    SCHEMA_VERSION,
    _own_site,
    _public_from_row,
    _record_label,
    _write_file,
    reason_text,
)
from justice_desk.services.sync.keys import (
    _delete_retired_keys,
    _retired_keys,
    _store_public,
    _trust_for_center,
    own_keys,
)
from justice_desk.storage import audit

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------
# Center side


@dataclass(frozen=True)
class ExportResult:
    """An export: its (last) bundle file, number and change range, and every file it wrote
    (``parts``: more than one when it was too large for one bundle)."""

    path: Path
    seq: int
    first_change: int
    last_change: int
    records: int
    parts: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ExportLine:
    """One bundle this center wrote (its export history)."""

    seq: int
    first_change: int
    last_change: int
    records: int
    created_at: dt.datetime
    file_name: str


class NewStart(StrEnum):
    """Where a new start of this center's data (a restore, or a copy) stands at the province,
    as far as this center knows (docs/sync.md §3)."""

    #: Nothing sent since the new start.
    NOT_SENT = "not_sent"
    #: Sent; an officer has to accept the new start before anything of it is applied.
    WAITING = "waiting"
    #: An officer refused it: nothing of it will be applied until the center calls the office.
    REFUSED = "refused"

    def describe(self, pending: int) -> str:
        if self is NewStart.NOT_SENT:
            return _(
                "This database was restored from a backup (or copied), so it starts a new "
                "series of changes. Export them ({pending} changes) and send them to the "
                "province; an officer there has to accept the new start."
            ).format(pending=pending)
        if self is NewStart.WAITING:
            return _(
                "This database was restored from a backup (or copied). The province holds its "
                "changes ({pending}) until an officer accepts the new start: call the province "
                "office to confirm that you restored a backup."
            ).format(pending=pending)
        return _(
            "The province refused this database's new start (after a restore from a backup, "
            "or a copy), so none of its {pending} changes are applied. Call the province "
            "office before sending anything else."
        ).format(pending=pending)


@dataclass(frozen=True)
class CenterSyncStatus:
    enrolled: bool
    province_name: str | None
    province_fingerprint: str | None
    own_fingerprint: str | None
    latest_change: int
    acked_through: int
    acked_on: str | None
    pending_changes: int
    resend_from: int | None
    exports: tuple[ExportLine, ...] = ()
    #: Records the province refused that are not settled yet (center_refusals).
    refused: int = 0
    #: This database started a new epoch (restored from a backup, or a copy) that the province
    #: has not accepted yet (docs/sync.md §3): :class:`NewStart`, or None.
    new_start: NewStart | None = None
    #: Decisions of the province on its conflict list about this center (docs/sync.md §13).
    decisions: int = 0

    def describe(self) -> str:
        if not self.enrolled:
            return _("Not enrolled with a Provincial Justice Office yet.")
        if self.new_start is not None:
            return self.new_start.describe(self.pending_changes)
        if self.acked_on is None:
            text = _("The province has not confirmed any changes yet ({pending} waiting).").format(
                pending=self.pending_changes
            )
        else:
            text = _(
                "Received by the province through change {number} on {when}; "
                "{pending} changes not yet confirmed."
            ).format(number=self.acked_through, when=self.acked_on, pending=self.pending_changes)
        if self.refused:
            text += " " + _(
                "The province refused {count} records: see “justice-desk sync refused” or the "
                "Sync page, correct them and send them again."
            ).format(count=self.refused)
        if self.decisions:
            text += " " + _(
                "The province decided on {count} entries of its conflict list about this "
                "center: see the Sync page or “justice-desk sync status”."
            ).format(count=self.decisions)
        return text


def write_enrolment_request(
    db: Database, out: Path, *, passphrase: str | None = None
) -> tuple[Path, str]:
    """The file a center sends to its province; returns it and the fingerprint to read aloud."""
    require(db, Permission.KEYS)
    site = _own_site(db)
    if not center_code.is_valid(site.code):
        raise UserError(
            _(
                "This center's code “{code}” is not a center code (letters A-Z, digits and "
                "hyphens, at most 32), so the province would refuse the request. Correct the "
                "code the province gave you in the center's set-up first."
            ).format(code=site.code)
        )
    keys = own_keys(db, passphrase)
    target = out if not out.is_dir() else out / f"{site.code}.jdenrol"
    data = fmt.create_enrolment_request(str(site.id), site.code, site.name, keys)
    _write_file(target, data)
    return target, keys.public.fingerprint


def accept_answer(
    db: Database,
    path: Path,
    *,
    expected_fingerprint: str | None = None,
    passphrase: str | None = None,
) -> fmt.EnrolmentAnswer:
    """Store the province's keys from its answer; later bundles are sealed to them."""
    require(db, Permission.KEYS)
    keys = own_keys(db, passphrase)
    answer = fmt.open_enrolment_answer(
        fmt.read_sync_file(path),
        center_id=str(db.site_id),
        center_key_id=keys.key_id,
        expected_fingerprint=expected_fingerprint,
    )
    province_id = uuid.UUID(answer.province_id)
    with db.write() as session:
        audit.record(session, "keys", detail=f"enrolment answer {path.name}")
        _store_public(session, province_id, answer.province_keys, "peer")
        for escrow in answer.escrow_keys:
            _store_public(session, province_id, escrow, "escrow")
        db.put_settings(
            session,
            {
                "province_id": str(province_id),
                "province_name": answer.province_name,
                "province_key_id": answer.province_keys.key_id,
                "province_escrow_ids": ",".join(k.key_id for k in answer.escrow_keys),
            },
        )
    return answer


def _recipients(db: Database) -> list[PublicKeySet]:
    from justice_desk.storage import sync_queries as q

    province = db.setting("province_id")
    if not province:
        raise UserError(
            _(
                "This center is not enrolled yet: send the enrolment request to the province and "
                "accept its answer first."
            )
        )
    with db.read() as session:
        rows = q.keys_of(session, uuid.UUID(province))
        main = [r for r in rows if r.role == "peer" and r.key_id == db.setting("province_key_id")]
        escrow = [r for r in rows if r.role == "escrow"]
        return [_public_from_row(r) for r in main + escrow]


def export_bundle(
    db: Database,
    out_dir: Path,
    *,
    passphrase: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ExportResult:
    """Write everything the province has not acknowledged yet: one bundle, or several in a
    row when it is too large for one (a first export of a large center). Each bundle can be
    applied on its own, in order: it carries the parents its records point at that a later one
    would bring (docs/sync.md §3)."""
    require(db, Permission.SYNC)
    recipients = _recipients(db)
    keys = own_keys(db, passphrase)
    acked = int(db.setting("acked_through", "0") or 0)
    resend = db.setting("resend_from")
    after = min(acked, int(resend) - 1) if resend else acked
    with db.write() as session:
        # A sensitive case escalated since: its people go whole this time (docs/privacy.md).
        privacy_queries.release_escalated(session, after)
    with db.connect_read() as conn:
        latest = sync_store.latest_change(conn)
        ends = sync_store.export_ranges(conn, after, latest, EXPORT_MAX_ROWS)
    parts: list[ExportResult] = []
    start = after
    for end in ends:
        parts.append(
            _export_range(
                db, out_dir, keys, recipients, start, end, latest, progress=progress, cancel=cancel
            )
        )
        start = end
    last = parts[-1]
    return ExportResult(
        last.path,
        last.seq,
        parts[0].first_change,
        last.last_change,
        sum(p.records for p in parts),
        tuple(p.path for p in parts),
    )


#: Rows changed per bundle at most, before the parents they need (the format's limit is 100,000
#: records a bundle; docs/sync-format.md §8).
EXPORT_MAX_ROWS = 40_000


def _export_range(
    db: Database,
    out_dir: Path,
    keys: KeySet,
    recipients: list[PublicKeySet],
    after: int,
    through: int,
    latest: int,
    *,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> ExportResult:
    """One bundle: the changes ``after+1..through``, with the parents of its records that only
    changes after ``through`` (up to ``latest``) would send."""
    from justice_desk.storage import sync_queries as q

    epoch = db.setting("epoch") or ""
    with db.write() as session:
        # A write transaction: nothing can commit between reading the range and reserving
        # the bundle's number.
        conn = session.connection()
        touched = sync_store.changed_rows(conn, after, through)
        records: list[dict[str, Any]] = []
        total = sum(len(v) for v in touched.values())
        for table in sync_store.ordered_tables(touched):
            cancel.raise_if_cancelled()
            records.extend(sync_store.current_records(conn, table, touched[table]))
            progress(len(records), total, _("Collecting changes…"))
        if through < latest:
            later = {
                t: set(ids) for t, ids in sync_store.changed_rows(conn, through, latest).items()
            }
            records = sync_store.with_later_parents(conn, records, later)
        # PDPA s.22, s.26: no more than the office needs (docs/privacy.md).
        records = privacy_queries.minimise_for_province(conn, records)
        content = fmt.prepare_records(records)
        del records

        def bundle_fields(seq: int) -> fmt.BundleFields:
            return fmt.BundleFields(
                center_id=str(db.site_id),
                epoch=epoch,
                seq=seq,
                first_change=after + 1,
                last_change=through,
                schema_version=SCHEMA_VERSION,
                created_at=dt.datetime.now(dt.UTC),
                previous_epochs=_epoch_history(db, epoch),
                restored_after=db.setting("restored_after") or None,
                audit=_audit_summary(session),
            )

        fields = bundle_fields(q.next_export_seq(conn))
        again = False
        pending = _pending_export(session, epoch)
        if pending is not None and pending[0] >= fields.seq:
            # An export of this number was started and never recorded: killed between its
            # file and the database, so its file may exist, here or on another stick. The same
            # content keeps the number (the province sees the same content digest: a
            # duplicate); other content takes the next number, so that no number ever stands
            # for two contents (docs/sync.md §3).
            again = pending == (fields.seq, content.digest(fields))
            if not again:
                fields = bundle_fields(pending[0] + 1)
        digest = content.digest(fields)
        _reserve_export(db, session, epoch, fields.seq, digest)
    # Committed: from here on a file with this number may exist, and the next export knows it.
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        path = fmt.write_bundle(out_dir, fields, content, keys, recipients, replace_same=again)
    except OSError as exc:
        raise UserError(
            _(
                "The bundle could not be written to {folder} ({error}). "
                "Check the USB stick or the free space."
            ).format(folder=out_dir, error=exc.strerror or exc)
        ) from exc
    with db.write() as session:
        q.record_export(
            session.connection(),
            epoch=epoch,
            seq=fields.seq,
            first=after + 1,
            last=through,
            records=content.record_count,
            file_name=str(path),
        )
        if _pending_export(session, epoch) == (fields.seq, digest):
            _reserve_export(db, session, epoch, None, None)
    progress(total, total, _("Bundle written."))
    return ExportResult(path, fields.seq, after + 1, through, content.record_count, (path,))


#: Settings key of the export under way: its number and content digest, committed before its
#: file is written and cleared when the export is recorded (docs/sync.md §3).
PENDING_EXPORT = "export_pending"


def _pending_export(session: Session, epoch: str) -> tuple[int, str] | None:
    """``(seq, content digest)`` of an export of this epoch that was started and not recorded."""
    from justice_desk.storage import sync_queries as q

    try:
        value = json.loads(q.setting_now(session, PENDING_EXPORT) or "null")
        if value["epoch"] == epoch and type(value["seq"]) is int:
            return value["seq"], str(value["digest"])
    except (ValueError, TypeError, KeyError):
        pass
    return None


def _reserve_export(
    db: Database, session: Session, epoch: str, seq: int | None, digest: str | None
) -> None:
    if seq:
        audit.record(session, "bundle-export", detail=f"{epoch} {seq}")
    value = json.dumps({"epoch": epoch, "seq": seq, "digest": digest}) if seq else ""
    db.put_settings(session, {PENDING_EXPORT: value})


def _epoch_history(db: Database, epoch: str) -> tuple[str, ...]:
    """The epochs this center's database has left (kept by backup and restore), oldest first."""
    try:
        history = json.loads(db.setting("epoch_history") or "[]")
    except ValueError:
        return ()
    return tuple(e for e in history if isinstance(e, str) and e != epoch)[
        -fmt.MAX_PREVIOUS_EPOCHS :
    ]


@dataclass(frozen=True)
class ReceiptRefusals:
    """What a receipt brought that this center refused, counted by kind: ``(what, kind)`` ->
    count, ``what`` being ``answers`` or ``decisions`` and ``kind`` ``not_own`` (about a case
    or record this center does not have, or another center's), ``bad_id``, ``unknown_kind``
    (a kind of entry this version does not know) or ``unknown_table``."""

    counts: Mapping[tuple[str, str], int]

    def lines(self) -> list[str]:
        """One translated line per kind of refusal, with its count."""
        return [
            _(_REFUSAL_TEXT.get(key, _OTHER_REFUSAL)).format(count=n, kind=f"{key[0]} {key[1]}")
            for key, n in sorted(self.counts.items())
        ]


_OTHER_REFUSAL = N_("{count} refused ({kind})")
_REFUSAL_TEXT = {
    ("answers", "not_own"): N_(
        "{count} answers of the province refused: about cases this center does not have."
    ),
    ("answers", "bad_id"): N_("{count} answers of the province refused: a malformed id."),
    ("decisions", "not_own"): N_(
        "{count} decisions of the province refused: about records that are not this center's."
    ),
    ("decisions", "bad_id"): N_("{count} decisions of the province refused: a malformed id."),
    ("decisions", "unknown_kind"): N_(
        "{count} decisions of the province refused: of a kind this version does not know "
        "(upgrade Justice Desk)."
    ),
    ("decisions", "unknown_table"): N_(
        "{count} decisions of the province refused: about a kind of record this version does "
        "not know (upgrade Justice Desk)."
    ),
}


def apply_receipt(db: Database, path: Path, *, passphrase: str | None = None) -> fmt.Receipt:
    """Record what the province confirmed; an older receipt than the last one changes nothing."""
    return apply_receipt_checked(db, path, passphrase=passphrase)[0]


def apply_receipt_checked(
    db: Database, path: Path, *, passphrase: str | None = None
) -> tuple[fmt.Receipt, ReceiptRefusals]:
    """:func:`apply_receipt`, also saying what of the receipt this center refused (by kind)."""
    require(db, Permission.SYNC)
    from justice_desk.services import escalations
    from justice_desk.services.sync import conflicts
    from justice_desk.storage import sync_queries as q

    try:
        data = fmt.read_sync_file(path)
    except (FileNotFoundError, IsADirectoryError):
        raise UserError(
            _("There is no receipt file at {path}. Check the file name, then try again.").format(
                path=path
            )
        ) from None
    keys = own_keys(db, passphrase)
    try:
        verified = fmt.open_receipt(
            data,
            trusted_keys=_trust_for_center(db),
            recipient_private_key=keys,
            center_id=str(db.site_id),
        )
    except fmt.WrongRecipientError:
        # Sealed to a key this center has since rotated away from (the province wrote it before
        # it read the key-change statement): the old key files are kept for this.
        older = _retired_keys(db, passphrase)
        if not older:
            raise
        verified = fmt.open_receipt(
            data,
            trusted_keys=_trust_for_center(db),
            recipient_private_key=[keys, *older],
            center_id=str(db.site_id),
        )
    receipt = verified.receipt
    _check_confirms_only_changes_made(db, receipt, path)
    with db.write() as session:
        audit.record(session, "receipt", detail=f"applied {path.name}")
        last = int(db.setting("receipt_seq", "0") or 0)
        # Receipt numbers count per province database: one restored from a backup (a new
        # province epoch) starts again below what this center has seen.
        if receipt.seq <= last and receipt.province_epoch == db.setting("receipt_province_epoch"):
            return receipt, ReceiptRefusals({})
        # The office's answers to escalated cases: kept as the province's records, only for
        # this center's own cases (sync.md §12).
        refused_answers = escalations.store_receipt_answers(
            session,
            center_id=db.site_id,
            province_id=uuid.UUID(receipt.province_id),
            receipt_seq=receipt.seq,
            answers=receipt.answers,
        )
        # The office's decisions on its conflict list about this center (sync.md §13).
        refused_decisions = conflicts.store_receipt_decisions(
            session,
            center_id=db.site_id,
            province_id=uuid.UUID(receipt.province_id),
            receipt_seq=receipt.seq,
            decisions=receipt.decisions,
        )
        summary: dict[str, Any] = {
            "bundles": [b.__dict__ for b in receipt.bundles],
            "rejected": [r.__dict__ for r in receipt.rejected],
        }
        if receipt.answers:
            summary["answers"] = [
                {"id": a.id, "case": a.case, "rev": a.rev} for a in receipt.answers
            ]
        counts: Counter[tuple[str, str]] = Counter()
        for what, refused in (("answers", refused_answers), ("decisions", refused_decisions)):
            counts.update((what, kind) for _id, kind in refused)
            if refused:
                # One line for the lot, however many (a receipt may carry thousands).
                log.warning(
                    "receipt %s: %d %s refused (%s), e.g. %s",
                    receipt.seq,
                    len(refused),
                    what,
                    ", ".join(f"{k} {n}" for (w, k), n in sorted(counts.items()) if w == what),
                    ", ".join(i for i, _k in refused[:3]),
                )
        if refused_answers:
            summary["answers_refused"] = [i for i, _k in refused_answers]
        if receipt.decisions:
            summary["decisions"] = [{"id": d.id, "rev": d.rev} for d in receipt.decisions]
        if refused_decisions:
            summary["decisions_refused"] = [i for i, _k in refused_decisions]
        session.add(
            ReceiptRecord(
                seq=receipt.seq,
                epoch=receipt.center_epoch,
                applied_through=receipt.applied_through,
                resend_from=receipt.resend_from,
                summary=sync_store.as_json(summary),
                province_created_at=str(receipt.created_at or ""),
            )
        )
        values = {"receipt_seq": str(receipt.seq), "receipt_province_epoch": receipt.province_epoch}
        if receipt.center_epoch == db.setting("epoch"):
            values["acked_through"] = str(
                max(receipt.applied_through, int(db.setting("acked_through", "0") or 0))
            )
            values["acked_on"] = dt.date.today().isoformat()
            values["resend_from"] = str(receipt.resend_from) if receipt.resend_from else ""
        retired_through = db.setting("retired_key_through") or ""
        confirmed = bool(retired_through) and _confirms_new_key(receipt, retired_through)
        if confirmed:
            values["retired_key_through"] = ""
        db.put_settings(session, values)
        q.mark_exports_acked(session, receipt.center_epoch, receipt.applied_through)
    if confirmed:
        _delete_retired_keys(db)
    return receipt, ReceiptRefusals(dict(counts))


def _check_confirms_only_changes_made(db: Database, receipt: fmt.Receipt, path: Path) -> None:
    """A receipt of this epoch that confirms changes past the last one this center made means
    the province took in a bundle this center never sent, signed with its key (a stolen
    key, docs/sync.md §9). Recording it would mark changes never sent as confirmed and make
    every later export of this center look old to the province; instead nothing of it is
    recorded, and the person is told to alert the office, which can revoke the key."""
    if receipt.center_epoch != db.setting("epoch"):
        return
    with db.connect_read() as conn:
        made = sync_store.latest_change(conn)
    if receipt.applied_through <= made:
        return
    log.warning(
        "receipt %s confirms changes through %d; this center made %d",
        path,
        receipt.applied_through,
        made,
    )
    raise UserError(
        _(
            "This receipt says the province has taken in this center's changes up to number "
            "{confirmed}, but this center has made only {made}: someone has sent the province a "
            "file in this center's name with its key. Nothing of the receipt was recorded. Tell "
            "the provincial justice office now, so that they revoke this center's key, then "
            "make new keys for this center."
        ).format(confirmed=f"{receipt.applied_through:,}", made=f"{made:,}")
    )


def _confirms_new_key(receipt: fmt.Receipt, retired_through: str) -> bool:
    """The receipt reports a bundle numbered after the last one the retired key signed as
    accepted: the province verified the new key, so the retired one is no longer needed."""
    epoch, _sep, seq = retired_through.rpartition(":")
    return any(
        b.epoch == epoch
        and b.seq > int(seq or 0)
        and b.result in (ImportStatus.APPLIED, ImportStatus.PARTIAL)
        for b in receipt.bundles
    )


def center_status(db: Database) -> CenterSyncStatus:
    from justice_desk.domain.dates import format_date
    from justice_desk.i18n import language
    from justice_desk.storage import sync_decisions
    from justice_desk.storage import sync_queries as q

    settings = db.settings()
    with db.connect_read() as conn:
        latest = sync_store.latest_change(conn)
    acked = int(settings.get("acked_through", "0") or 0)
    with db.read() as session:
        exports = tuple(
            ExportLine(e.seq, e.first_change, e.last_change, e.records, e.created_at, e.file_name)
            for e in q.recent_exports(session, 20)
        )
        province_row = None
        if settings.get("province_id"):
            province_row = q.site_key(
                session, uuid.UUID(settings["province_id"]), settings.get("province_key_id", "")
            )
        own_row = q.own_key(session, db.site_id, settings.get("key_id", ""))
        province_fp = _public_from_row(province_row).fingerprint if province_row else None
        own_fp = _public_from_row(own_row).fingerprint if own_row else None
        decisions = len(sync_decisions.received_decisions(session, db.site_id, db.site_id))
    acked_on = settings.get("acked_on")
    new_start = _new_start(db, settings) if settings.get("province_id") else None
    return CenterSyncStatus(
        enrolled=bool(settings.get("province_id")),
        province_name=settings.get("province_name"),
        province_fingerprint=province_fp,
        own_fingerprint=own_fp,
        latest_change=latest,
        acked_through=acked,
        acked_on=format_date(dt.date.fromisoformat(acked_on), language()) if acked_on else None,
        pending_changes=max(0, latest - acked),
        resend_from=int(settings["resend_from"]) if settings.get("resend_from") else None,
        exports=exports,
        refused=len(center_refusals(db)) if settings.get("province_id") else 0,
        new_start=new_start,
        decisions=decisions,
    )


def _new_start(db: Database, settings: Mapping[str, str]) -> NewStart | None:
    """Whether this database's epoch is a new start the province has not accepted yet: it
    left an earlier epoch, and no receipt confirmed anything of this one."""
    from justice_desk.storage import sync_queries as q

    epoch = settings.get("epoch") or ""
    if not json.loads(settings.get("epoch_history") or "[]") or int(
        settings.get("acked_through") or 0
    ):
        return None
    with db.read() as session:
        receipts = q.latest_receipts(session, 20)
        sent = any(e.epoch == epoch for e in q.recent_exports(session, 1))
    for receipt in receipts:  # newest first: the latest word on this epoch's bundles counts
        bundles = json.loads(receipt.summary or "{}").get("bundles", [])
        reasons = {b.get("reason") for b in bundles if b.get("epoch") == epoch}
        if "epoch_refused" in reasons:
            return NewStart.REFUSED
        if "new_epoch" in reasons:
            return NewStart.WAITING
    return NewStart.WAITING if sent else NewStart.NOT_SENT


@dataclass(frozen=True)
class Refusal:
    """A record of this center that the province refused (from its receipts)."""

    table: str
    row_id: str
    rev: int
    reason: str
    record: str
    reason_label: str
    action: str
    #: Changed since and sent again: waiting for the province's next receipt.
    sent_again: bool
    detail: str = ""


def center_refusals(db: Database) -> list[Refusal]:
    """Records the province refused, as its receipts of this center's current epoch said,
    that this center has not sent again in an accepted version since."""
    from justice_desk.storage import sync_queries as q

    epoch = db.setting("epoch") or ""
    acked = int(db.setting("acked_through", "0") or 0)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    with db.read() as session:
        for receipt in q.receipts_of_epoch(session, epoch):
            for r in json.loads(receipt.summary or "{}").get("rejected", []):
                latest[(r["table"], r["id"])] = r  # a later refusal replaces an earlier one
        by_table: dict[str, list[dict[str, Any]]] = {}
        for r in latest.values():
            by_table.setdefault(r["table"], []).append(r)
        out = []
        for table, items in by_table.items():
            ids = [uuid.UUID(r["id"]) for r in items]
            revs = q.current_revs(session, table, ids)
            changes = q.last_changes(session, ids)
            labels = q.record_labels(session, table, ids)
            for r, rid in zip(items, ids, strict=True):
                refused_rev = int(r.get("rev", 0))
                sent_again = revs.get(rid, 0) > refused_rev
                if sent_again and changes.get(rid, 0) <= acked:
                    continue  # a newer version reached the province and was not refused
                reason = r.get("reason", "")
                out.append(
                    Refusal(
                        table,
                        r["id"],
                        refused_rev,
                        reason,
                        _record_label(table, labels.get(rid), rid.hex),
                        reason_text(reason) if reason in REASONS else reason,
                        _(ACTIONS[reason]) if reason in ACTIONS else "",
                        sent_again,
                        str(r.get("detail", "")),
                    )
                )
    return out


@dataclass(frozen=True)
class Resent:
    """What ``resend_refused`` did: records marked to go again, and the new numbers given."""

    count: int
    renumbered: tuple[tuple[str, str], ...] = ()  # (record as it was, its new number)

    def describe(self) -> str:
        text = _("{count} refused records will be sent again with the next export.").format(
            count=self.count
        )
        for old, new in self.renumbered:
            line = _("{record} now has the number {number}.")
            text += "\n" + line.format(record=old, number=new)
        return text


def _highest_held(detail: str) -> int:
    """The highest number the province holds, from a ``number_taken`` refusal (``highest=N``)."""
    for word in detail.replace(";", " ").split():
        if word.startswith("highest="):
            try:
                return int(word.removeprefix("highest="))
            except ValueError:
                return 0
    return 0


def resend_refused(db: Database) -> Resent:
    """Send the refused records again with the next export: a case or meeting refused for its
    number gets the next free number of its year (above what the province holds, when its
    receipt said), the others are marked as changed (for records refused only because another
    one was, or after the center corrected them)."""
    require(db, Permission.SYNC)
    from justice_desk.storage import sync_queries as q

    waiting = [r for r in center_refusals(db) if not r.sent_again]
    touch: dict[str, list[uuid.UUID]] = {}
    renumbered: list[tuple[str, str]] = []
    with db.write() as session:
        for r in waiting:
            rid = uuid.UUID(r.row_id)
            if r.reason == "number_taken" and r.table in ("cases", "meetings"):
                number = q.renumber(session, r.table, rid, _highest_held(r.detail))
                if number is not None:
                    year = r.record.rsplit("/", 1)[-1]
                    shown = f"{number:03d}" if r.table == "cases" else str(number)
                    renumbered.append((r.record, f"{shown}/{year}"))
                    continue
            touch.setdefault(r.table, []).append(rid)
        count = len(renumbered)
        for table, ids in touch.items():
            count += q.touch_rows(session, table, ids)
    return Resent(count, tuple(renumbered))


def _audit_summary(session: Session) -> fmt.AuditSummary:
    """The audit trail as the bundle reports it to the province: its length, its last hash and
    whether the chain is whole now (checked in the export's own transaction)."""
    check = audit.verify(session)
    count, last = audit.summary(session)
    return fmt.AuditSummary(count, last or audit.GENESIS, check.whole)
