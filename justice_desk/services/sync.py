"""Sync between a center and its Provincial Justice Office (docs/sync.md), both sides.

Center: key pairs at set-up, an enrolment request, the province's answer, exports of everything
the province has not yet acknowledged (signed, sealed, written atomically), receipts.
Province: enrolment with a fingerprint read over the phone, imports of files and folders in any
order (each bundle applied in one transaction or not at all, idempotent, gaps held and applied
when the missing range arrives, every refusal a named reason in an append-only log), receipts.

The file format and the cryptography live in ``justice_desk.sync``; this module decides with
the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from justice_desk import paths
from justice_desk import sync as fmt
from justice_desk.domain import center_code
from justice_desk.errors import (
    Cancelled,
    DatabaseBusyError,
    DatabaseReadOnlyError,
    DataIntegrityError,
    DiskFullError,
    UserError,
)
from justice_desk.i18n import N_, _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.storage import sync_store
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Enrolment,
    ExportRecord,
    ImportLogEntry,
    ReceiptRecord,
    ReceivedBundle,
    RejectedRecordRow,
    Site,
    SiteKey,
    SyncConflict,
    utcnow,
)
from justice_desk.storage.schema import KNOWN_REVISIONS
from justice_desk.sync._codec import MAX_COUNTER
from justice_desk.sync.keys import (
    KeySet,
    PublicKeySet,
    RevocationCutoff,
    TrustedKey,
    TrustLookup,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SCHEMA_VERSION = len(KNOWN_REVISIONS)
PASSPHRASE_ENV = "JUSTICE_DESK_KEY_PASSPHRASE"
SYNC_SUFFIXES = (".jdbundle", ".jdrotate")

# Reasons the importer decides with the database (the format layer has its own).
REASONS = {
    "duplicate": N_("already imported"),
    "replay": N_("an old bundle sent again: its changes were already applied"),
    "same_seq_different_content": N_(
        "a different bundle with the same number was already imported: "
        "possible tampering or a copied database"
    ),
    "gap": N_("changes {start}–{end} have not arrived yet; it will be applied when they do"),
    "not_enrolled": N_("this center has not been enrolled or approved at this office"),
    "wrong_owner": N_("a record that belongs to someone else"),
    "unknown_table": N_("a kind of record this version does not know; upgrade Justice Desk"),
    "missing_parent": N_("records refer to others that have not arrived"),
    "newer_schema": N_("made by a newer Justice Desk; upgrade this office first"),
    "not_a_sync_file": N_("not a Justice Desk sync file"),
    "unreadable": N_("the file cannot be read"),
    "not_found": N_("there is no such file"),
    "not_imported": N_("not imported: the import stopped before this file"),
    "store_failed": N_(
        "the database could not store it, so nothing of it was kept (the details are in the "
        "log file); please report it"
    ),
    "number_too_large": N_(
        "it holds a number larger than this office's database can store, so it was refused"
    ),
    "bad_record": N_("a record with a value of the wrong kind"),
    "number_taken": N_(
        "its number is already used by another record of this center (a restored laptop?): "
        "kept in the conflict list"
    ),
    "parent_refused": N_("it belongs to a record that was refused"),
    "foreign_reference": N_("it refers to a record of another center"),
    "other_site": N_("a center may send only its own site record"),
    "new_epoch": N_(
        "the center sends from a new start (restored from a backup?); it waits until an "
        "officer confirms it with the center and accepts it"
    ),
    "epoch_refused": N_("an officer refused this new start of the center"),
}


def reason_text(reason: str | None, **params: Any) -> str:
    if not reason:
        return ""
    template = REASONS.get(reason)
    # A log line read back later has no parameters: a missing one reads "?" instead of failing.
    return _(template).format_map(_Params(params)) if template else reason


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


# ----------------------------------------------------------------------------------------------
# Keys


def key_file(db: Database, role: str = "own") -> Path:
    name = f"{db.site_id}.jdkey" if role == "own" else f"{db.site_id}-{role}.jdkey"
    return paths.keys_dir() / name


def _passphrase(passphrase: str | None) -> str | None:
    return passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _public_from_row(row: SiteKey) -> PublicKeySet:
    return PublicKeySet(base64.b64decode(row.signing_public), base64.b64decode(row.hpke_public))


def _store_public(session: Session, site_id: uuid.UUID, keys: PublicKeySet, role: str) -> None:
    from justice_desk.storage import sync_queries as q

    if q.site_key(session, site_id, keys.key_id) is None:
        session.add(
            SiteKey(
                site_id=site_id,
                key_id=keys.key_id,
                role=role,
                signing_public=_b64(keys.signing),
                hpke_public=_b64(keys.hpke),
            )
        )


def create_site_keys(
    db: Database, *, passphrase: str | None = None, escrow: bool = False
) -> PublicKeySet:
    """Make this site's key pair (and, for a province, an escrow pair), save the private keys
    in the data folder (owner-only file, optional passphrase) and record the public keys."""
    keys = fmt.generate_keyset()
    fmt.save_private_keys(keys, key_file(db), _passphrase(passphrase))
    with db.write() as session:
        _store_public(session, db.site_id, keys.public, "own")
        if escrow:
            escrow_keys = fmt.generate_keyset()
            fmt.save_private_keys(escrow_keys, key_file(db, "escrow"), _passphrase(passphrase))
            _store_public(session, db.site_id, escrow_keys.public, "escrow")
        db.put_settings(session, {"key_id": keys.key_id})
    return keys.public


def needs_passphrase(db: Database) -> bool:
    """True when this site's private keys are protected and no passphrase is set in the
    environment: the GUI then asks for it."""
    from justice_desk.sync.keys import key_file_needs_passphrase

    return not os.environ.get(PASSPHRASE_ENV) and key_file_needs_passphrase(key_file(db))


def own_keys(db: Database, passphrase: str | None = None) -> KeySet:
    path = key_file(db)
    if not path.exists():
        raise UserError(
            _(
                "The private key file of this site is missing ({path}). "
                "Restore it from your backup, or make new keys and enrol again."
            ).format(path=path)
        )
    return fmt.load_private_keys(path, _passphrase(passphrase))


def own_public(db: Database) -> PublicKeySet:
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        row = q.own_key(session, db.site_id, db.setting("key_id") or "")
        if row is None:
            raise UserError(_("This site has no keys yet. Open the Sync page to make them."))
        return _public_from_row(row)


def _trust(db: Database, *, retired_ok: bool = False) -> TrustLookup:
    """The key directory for the format layer: enrolled, approved sites and their keys.
    ``retired_ok`` lifts the limit of keys retired by a rotation (never of revoked ones): only
    to recognise a rotation statement read again."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        directory: dict[str, dict[str, TrustedKey]] = {}
        for row in q.trusted_keys(session):
            cutoff = None if retired_ok and row.status == "rotated" else _cutoff(row)
            directory.setdefault(str(row.site_id), {})[row.key_id] = TrustedKey(
                _public_from_row(row), cutoff
            )
    return directory.get


def _cutoff(row: SiteKey) -> RevocationCutoff | None:
    """Up to where a peer key still verifies: without limit while it is the center's key; up to
    the last bundle it signed once a rotation retired it; up to the officer's cut-off once it is
    revoked (and never past its retirement point)."""
    retired = (
        RevocationCutoff(row.retired_epoch or None, row.retired_seq or 0)
        if row.retired_seq is not None
        else None
    )
    revoked = (
        RevocationCutoff(row.last_good_epoch, row.last_good_seq or 0)
        if row.status == "revoked"
        else None
    )
    if retired is None or revoked is None:
        return retired or revoked
    if retired.last_good_epoch != revoked.last_good_epoch:
        return RevocationCutoff(None)  # the two windows do not meet: nothing more
    return RevocationCutoff(
        retired.last_good_epoch, min(retired.last_good_seq, revoked.last_good_seq)
    )


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
    exports: tuple[ExportRecord, ...] = ()
    #: Records the province refused that are not settled yet (center_refusals).
    refused: int = 0

    def describe(self) -> str:
        if not self.enrolled:
            return _("Not enrolled with a Provincial Justice Office yet.")
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
        return text


def write_enrolment_request(
    db: Database, out: Path, *, passphrase: str | None = None
) -> tuple[Path, str]:
    """The file a center sends to its province; returns it and the fingerprint to read aloud."""
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
    keys = own_keys(db, passphrase)
    answer = fmt.open_enrolment_answer(
        fmt.read_sync_file(path),
        center_id=str(db.site_id),
        center_key_id=keys.key_id,
        expected_fingerprint=expected_fingerprint,
    )
    province_id = uuid.UUID(answer.province_id)
    with db.write() as session:
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
    recipients = _recipients(db)
    keys = own_keys(db, passphrase)
    acked = int(db.setting("acked_through", "0") or 0)
    resend = db.setting("resend_from")
    after = min(acked, int(resend) - 1) if resend else acked
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
        _reserve_export(db, session, epoch, fields.seq, content.digest(fields))
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
        if _pending_export(session, epoch) == (fields.seq, content.digest(fields)):
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


def apply_receipt(db: Database, path: Path, *, passphrase: str | None = None) -> fmt.Receipt:
    """Record what the province confirmed; an older receipt than the last one changes nothing."""
    from justice_desk.storage import sync_queries as q

    data = fmt.read_sync_file(path)
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
    with db.write() as session:
        last = int(db.setting("receipt_seq", "0") or 0)
        # Receipt numbers count per province database: one restored from a backup (a new
        # province epoch) starts again below what this center has seen.
        if receipt.seq <= last and receipt.province_epoch == db.setting("receipt_province_epoch"):
            return receipt
        summary = {
            "bundles": [b.__dict__ for b in receipt.bundles],
            "rejected": [r.__dict__ for r in receipt.rejected],
        }
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
    return receipt


def _confirms_new_key(receipt: fmt.Receipt, retired_through: str) -> bool:
    """The receipt reports a bundle numbered after the last one the retired key signed as
    accepted: the province verified the new key, so the retired one is no longer needed."""
    epoch, _sep, seq = retired_through.rpartition(":")
    return any(
        b.epoch == epoch and b.seq > int(seq or 0) and b.result in ("applied", "partial")
        for b in receipt.bundles
    )


def _delete_retired_keys(db: Database) -> None:
    """Remove the key files a rotation retired (``<site>.jdkey.<key id>.old``): once the
    province trusts the new key, a copy of an old one must not be found on this laptop."""
    current = key_file(db)
    for path in current.parent.glob(current.name + ".*.old"):
        try:
            path.unlink()
        except OSError as exc:  # the receipt is applied all the same; the log says what is left
            log.warning("retired key file %s could not be deleted: %s", path, exc)


def _retired_keys(db: Database, passphrase: str | None) -> list[KeySet]:
    """Key pairs this site used before a rotation (``<site>.jdkey.<key id>.old``)."""
    out = []
    current = key_file(db)
    for path in sorted(current.parent.glob(current.name + ".*.old")):
        try:
            out.append(fmt.load_private_keys(path, _passphrase(passphrase)))
        except fmt.SyncError:
            log.warning("retired key file %s is not usable", path)
    return out


def _trust_for_center(db: Database) -> TrustLookup:
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        directory: dict[str, dict[str, TrustedKey]] = {}
        province = db.setting("province_id")
        if province:
            for row in q.keys_of(session, uuid.UUID(province)):
                if row.role == "peer":
                    directory.setdefault(province, {})[row.key_id] = TrustedKey(
                        _public_from_row(row)
                    )
    return directory.get


def center_status(db: Database) -> CenterSyncStatus:
    from justice_desk.domain.dates import format_date
    from justice_desk.i18n import language
    from justice_desk.storage import sync_queries as q

    settings = db.settings()
    with db.connect_read() as conn:
        latest = sync_store.latest_change(conn)
    acked = int(settings.get("acked_through", "0") or 0)
    with db.read() as session:
        exports = tuple(q.recent_exports(session, 20))
        province_row = None
        if settings.get("province_id"):
            province_row = q.site_key(
                session, uuid.UUID(settings["province_id"]), settings.get("province_key_id", "")
            )
        own_row = q.own_key(session, db.site_id, settings.get("key_id", ""))
        province_fp = _public_from_row(province_row).fingerprint if province_row else None
        own_fp = _public_from_row(own_row).fingerprint if own_row else None
    acked_on = settings.get("acked_on")
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
    )


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
        enrolment = session.get(Enrolment, center_id)
        if not approve:
            if enrolment is None:
                session.add(
                    Enrolment(
                        center_id=center_id,
                        code=request.code,
                        name=request.name,
                        fingerprint=request.fingerprint,
                        status="pending",
                    )
                )
            return EnrolmentReview(
                center_id, request.code, request.name, request.fingerprint, False, None
            )
        holder = q.enrolment_by_code(session, request.code)
        if (
            holder is not None
            and holder.center_id != center_id
            and holder.status in ("approved", "revoked")
        ):
            raise UserError(
                _(
                    "The code {code} is already enrolled for {name}. Each center has its own "
                    "code: ask the center that sent this request to check its code."
                ).format(code=holder.code, name=holder.name)
            )
        if (
            enrolment is not None
            and enrolment.status == "approved"
            and enrolment.fingerprint != request.fingerprint
        ):
            raise UserError(
                _(
                    "{name} is already enrolled with other keys. A new key must come as a key "
                    "change signed with the old key, or revoke the old key first."
                ).format(name=enrolment.name)
            )
        known = q.site_key(session, center_id, request.public_keys.key_id)
        if known is not None and known.status == "revoked":
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
        enrolment.status, enrolment.approved_at = "approved", utcnow()
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


def _province_name(db: Database) -> str:
    return _own_site(db).province or ""


@dataclass(frozen=True)
class _Site:
    id: uuid.UUID
    code: str
    name: str
    province: str | None


def _own_site(db: Database) -> _Site:
    """This database's own site (read here so that services.setup, which makes the keys
    through this module, is not imported back)."""
    with db.read() as session:
        site = session.get(Site, db.site_id)
        if site is None:
            raise UserError(_("This database has no site record; it is not a Justice Desk site."))
        return _Site(site.id, site.code, site.name, site.province)


def _escrow_publics(db: Database) -> list[PublicKeySet]:
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        return [_public_from_row(r) for r in q.keys_of(session, db.site_id) if r.role == "escrow"]


def _province_private_keys(db: Database, passphrase: str | None) -> list[KeySet]:
    keys = [own_keys(db, passphrase)]
    escrow = key_file(db, "escrow")
    if escrow.exists():
        try:
            keys.append(fmt.load_private_keys(escrow, _passphrase(passphrase)))
        except fmt.SyncError:
            log.warning(
                "escrow key file present but not usable; importing with the office key only"
            )
    return keys


def _require_province(db: Database) -> None:
    if db.mode != "province":
        raise UserError(_("This is done at the Provincial Justice Office, on a province database."))


#: Outcomes of files the province took in; anything else (held, rejected, skipped) needs a look.
TAKEN_IN = ("applied", "duplicate")
#: Errors that stop an import: the database cannot be written for now, so every later file
#: would fail the same way.
STOPS: tuple[type[UserError], ...] = (DatabaseBusyError, DatabaseReadOnlyError, DiskFullError)
#: What a file's own failure never turns into a refusal of that file.
_NOT_PER_FILE: tuple[type[Exception], ...] = (*STOPS, Cancelled)
#: A bundle with more records than this is read and decoded only while no other bundle is in
#: memory (so at most one large bundle is, besides the reader's small one ahead).
READ_AHEAD_RECORDS = 20_000


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file: ``status`` is applied, duplicate, held, rejected or skipped
    (not a file at all: a pipe, a device, a link to a folder; or not imported because the
    import stopped)."""

    file: str
    status: str
    reason: str | None = None
    message: str = ""
    records: int = 0
    center: str | None = None
    seq: int | None = None
    applied_after: tuple[str, ...] = ()  # held bundles that this one released


def import_exit_status(outcomes: Iterable[ImportOutcome]) -> int:
    """The exit status of ``justice-desk sync import`` (docs/sync.md, "Import outcomes and
    reasons"): 0 when every file was applied or had already been imported, 3 when any was
    held, rejected or skipped. (2 is a problem that stopped the run, 1 an unexpected error.)"""
    return 0 if all(o.status in TAKEN_IN for o in outcomes) else 3


class ImportStopped(UserError):
    """The database could not be written (busy, read-only, disk full), so the import stopped.

    ``outcomes``: those of the files dealt with before, in order, then (when there were any) a
    ``skipped`` outcome with reason ``not_imported`` for each file that was not imported. When
    nothing could be written at all there are none: the message says so once."""

    def __init__(self, cause: UserError, outcomes: list[ImportOutcome]) -> None:
        super().__init__(cause.message)
        self.cause = cause
        self.outcomes = outcomes
        self.exit_code = cause.exit_code


def _expand(paths_in: Iterable[Path]) -> list[Path]:
    """Every path given, and in each folder given everything found in it and its subfolders
    (sorted): regular files, but also pipes, devices and links, so that each gets its own
    outcome. Links to folders are not followed; a folder that cannot be listed is an entry
    of its own (reading it says why)."""
    files: list[Path] = []
    for p in paths_in:
        if p.is_dir():
            files.extend(sorted(_walk(p)))
        else:
            files.append(p)
    return files


def _walk(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as found:
            entries = list(found)
    except OSError:
        yield folder
        return
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            yield from _walk(Path(entry.path))
        else:
            yield Path(entry.path)


def import_paths(
    db: Database,
    inputs: Sequence[Path],
    *,
    passphrase: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[ImportOutcome]:
    """Import files and whole folders in any order; every path given and every entry found in
    a folder gets exactly one outcome, in that order, and no file stops the rest.

    A bundle refused because its key is not known yet is tried again at the end of the run
    when a key-change statement was applied after it (the statement may sort after the
    bundles it introduces). Raises :class:`ImportStopped` when the database cannot be
    written at all (busy, read-only, disk full): what was imported before stays."""
    _require_province(db)
    keys = _province_private_keys(db, passphrase)
    return _ImportRun(db, keys, _expand(inputs)).run(progress, cancel)


class _ImportRun:
    """One :func:`import_paths` call: its files in order, read one ahead on a second thread."""

    def __init__(self, db: Database, keys: list[KeySet], files: list[Path]) -> None:
        self.db, self.keys, self.files = db, keys, files
        self.columns = _Columns.of(db)
        self.outcomes: list[ImportOutcome | None] = [None] * len(files)
        # The key directory is read once per run (it costs a query and a key parse per center),
        # and again after a key-change statement changed it.
        self.trust = _trust(db)
        # File digest -> the first file of this run with those bytes (the reader's own).
        self.first_seen: dict[str, int] = {}
        # Files refused for an unknown key (and copies of them): read and judged again at the
        # end of the run, after every key-change statement on the stick.
        self.deferred: list[int] = []

    def read(self, index: int) -> _Read:
        return _read_file(
            self.files[index],
            self.keys,
            self.trust,
            columns=self.columns,
            index=index,
            first_seen=self.first_seen,
            known=self.known,
        )

    def known(self, sha: str) -> bool:
        """Whether a file with these bytes was taken in before (then it is not decrypted)."""
        from justice_desk.storage import sync_queries as q

        try:
            with self.db.read() as session:
                return q.bundle_by_sha(session, sha, exclude_status=("rejected",)) is not None
        except STOPS:
            return False  # read it in full; storing it will say what is wrong

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> list[ImportOutcome]:
        files = self.files
        # The next file is read, verified and decrypted on a second thread while this one is
        # written: SQLite and the disk flush run without Python's lock, so the two overlap. One
        # file ahead only, and none while a large bundle is in memory.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="justice-desk-read") as reader:
            ahead: Future[_Read] | None = reader.submit(self.read, 0) if files else None
            for i, path in enumerate(files):
                if cancel.cancelled:
                    raise Cancelled()
                progress(i, len(files), _("Importing {name}…").format(name=path.name))
                read = ahead.result() if ahead is not None else self.read(i)
                ahead = None
                if i + 1 < len(files) and read.weight <= READ_AHEAD_RECORDS:
                    ahead = reader.submit(self.read, i + 1)
                if isinstance(read.refused, fmt.UnknownKeyError) or (
                    read.copy and self.first_seen.get(read.sha) in self.deferred
                ):
                    # Perhaps signed with a new key whose statement comes later on the stick.
                    self.deferred.append(i)
                    continue
                outcome = self.settle(i, read)
                del read
                if outcome.reason == "key_rotation" and outcome.status == "applied":
                    self.trust = _trust(self.db)
                    if ahead is not None:  # read again with the new keys
                        ahead.cancel()
                        ahead = reader.submit(self.read, i + 1)
        for i in self.deferred:  # in the order of the files
            if cancel.cancelled:
                raise Cancelled()
            self.settle(i, self.read(i))
        progress(len(files), len(files), _("Import finished."))
        return [o for o in self.outcomes if o is not None]

    def settle(self, index: int, read: _Read) -> ImportOutcome:
        try:
            outcome = _import_one(
                self.db, self.files[index], self.keys, self.trust, read, columns=self.columns
            )
        except STOPS as exc:
            raise self.stopped(exc) from exc
        self.outcomes[index] = outcome
        return outcome

    def stopped(self, cause: UserError) -> ImportStopped:
        done = [o for o in self.outcomes if o is not None]
        if done:
            message = reason_text("not_imported")
            done = [
                o if o is not None else ImportOutcome(str(path), "skipped", "not_imported", message)
                for o, path in zip(self.outcomes, self.files, strict=True)
            ]
        return ImportStopped(cause, done)


def _log(
    session: Session,
    path: Path,
    status: str,
    *,
    reason: str | None = None,
    detail: str | None = None,
    sha: str | None = None,
    center: uuid.UUID | None = None,
    seq: int | None = None,
    records: int = 0,
) -> None:
    session.add(
        ImportLogEntry(
            file_name=str(path),
            file_sha256=sha,
            center_id=center,
            seq=seq,
            status=status,
            reason=reason,
            detail=detail,
            records=records,
        )
    )


def _reject(
    db: Database,
    path: Path,
    reason: str,
    message: str,
    *,
    detail: str = "",
    sha: str | None = None,
    center: uuid.UUID | None = None,
    seq: int | None = None,
    manifest: fmt.BundleManifest | None = None,
) -> ImportOutcome:
    """Log a refusal; when the file names a center (even unverified), remember it so the
    center's next receipt reports the refusal and the Centers page counts it. Numbers the
    database's columns cannot hold (a forged manifest) are left out, so that the refusal itself
    can always be stored."""
    columns = _Columns.of(db)
    seq = seq if columns.fits(seq) else None
    if manifest is not None and not columns.fits(manifest.first_change, manifest.last_change):
        manifest = None
    with db.write() as session:
        _log(
            session,
            path,
            "rejected",
            reason=reason,
            detail=detail or message,
            sha=sha,
            center=center,
            seq=seq,
        )
        if center is not None:
            session.add(
                ReceivedBundle(
                    file_sha256=sha or "",
                    center_id=center,
                    seq=seq,
                    status="rejected",
                    reason=reason,
                    detail=detail or message,
                    epoch=manifest.epoch if manifest else None,
                    first_change=manifest.first_change if manifest else None,
                    last_change=manifest.last_change if manifest else None,
                )
            )
    return ImportOutcome(
        str(path), "rejected", reason, message, 0, str(center) if center else None, seq
    )


@dataclass(frozen=True)
class _Read:
    """A file read and, when it is a bundle, verified, decrypted and decoded: no database work
    but one lookup, so it can run ahead on another thread."""

    data: bytes | None
    failure: Exception | None = None  # reading failed (RejectedFileError or OSError)
    sha: str = ""
    kind: fmt.Kind | None = None
    bundle: fmt.VerifiedBundle | None = None
    refused: fmt.RejectedFileError | None = None  # the format layer refused the bundle
    decoded: _Decoded | None = None  # the bundle's records as column values
    #: The same bytes as a file taken in before, or earlier in this run: not decrypted.
    copy: bool = False

    @property
    def weight(self) -> int:
        """How many records this read holds in memory."""
        return len(self.bundle.records) if self.bundle is not None else 0


@dataclass(frozen=True)
class _Columns:
    """What the province database's columns hold: integers of 64 bits on SQLite, 32 bits on
    PostgreSQL (``integer``); NUL characters in text on SQLite only."""

    integers: tuple[int, int] = sync_store.INT64_RANGE
    nul_in_text: bool = True

    @classmethod
    def of(cls, db: Database) -> _Columns:
        return cls() if db.is_sqlite else cls(sync_store.INT32_RANGE, nul_in_text=False)

    def fits(self, *numbers: int | None) -> bool:
        low, high = self.integers
        return all(n is None or low <= n <= high for n in numbers)


def _read_file(
    path: Path,
    keys: list[KeySet],
    trust: TrustLookup,
    *,
    columns: _Columns | None = None,
    index: int | None = None,
    first_seen: dict[str, int] | None = None,
    known: Callable[[str], bool] | None = None,
) -> _Read:
    """Read ``path`` (a regular file only: docs/sync.md §5) and open it when it is a bundle.

    A copy of a file already taken in is known by its digest before anything is decrypted:
    ``first_seen`` (digest -> index of the first file of the run with it, kept here since the
    reader runs one file ahead of what is committed) and ``known`` (taken in by an earlier
    run)."""
    import hashlib

    try:
        data = fmt.read_sync_file(path)
    except (fmt.RejectedFileError, OSError) as exc:
        if isinstance(exc, fmt.NotAFileError) and path.is_dir() and not path.is_symlink():
            # A folder of the stick that could not be listed (reading it says why).
            return _Read(None, PermissionError(f"{path}: the folder cannot be listed"))
        return _Read(None, exc)
    sha = hashlib.sha256(data).hexdigest()
    kind = fmt.sniff_kind(data)
    if kind is not None and kind is not fmt.Kind.BUNDLE:
        return _Read(data, sha=sha, kind=kind)
    if first_seen is not None and index is not None and first_seen.setdefault(sha, index) != index:
        return _Read(data, sha=sha, kind=kind, copy=True)
    if known is not None and known(sha):
        return _Read(data, sha=sha, kind=kind, copy=True)
    # A bundle, or no container this version recognises: the format layer names what is wrong
    # (not_a_bundle, truncated, newer_format, ...).
    try:
        bundle, decoded = _open_verified(data, keys, trust, columns or _Columns())
    except fmt.RejectedFileError as exc:
        return _Read(data, sha=sha, kind=kind, refused=exc)
    except Exception as exc:  # noqa: BLE001 - reported as this file's outcome, never raised
        log.exception("reading %s failed", path)
        return _Read(None, exc, sha=sha, kind=kind)
    return _Read(data, sha=sha, kind=kind, bundle=bundle, decoded=decoded)


def _open_verified(
    data: bytes, keys: list[KeySet], trust: TrustLookup, columns: _Columns
) -> tuple[fmt.VerifiedBundle, _Decoded]:
    """Verify and decrypt a bundle, decoding its records a slice at a time as they are read:
    the records are never held twice (as JSON and as column values)."""
    decoding = _Decoding(columns)
    bundle = fmt.open_bundle(
        data, trusted_keys=trust, recipient_private_key=keys, on_records=decoding.add
    )
    return bundle, decoding.result()


def _import_one(
    db: Database,
    path: Path,
    keys: list[KeySet],
    trust: TrustLookup | None = None,
    read: _Read | None = None,
    *,
    columns: _Columns | None = None,
) -> ImportOutcome:
    trust = trust or _trust(db)
    columns = columns or _Columns.of(db)
    read = read or _read_file(path, keys, trust, columns=columns)
    if read.copy:
        copied = _settle_copy(db, path, read.sha)
        if copied is not None:
            return copied
        # The earlier file with these bytes was refused: this one is read and judged in full.
        read = _read_file(path, keys, trust, columns=columns)
    failure = read.failure
    if isinstance(failure, fmt.NotAFileError):
        return _skip(db, path, failure)
    if isinstance(failure, fmt.RejectedFileError):
        return _reject(db, path, failure.reason, str(failure), detail=failure.detail)
    if isinstance(failure, FileNotFoundError):
        return _reject(db, path, "not_found", reason_text("not_found"), detail=str(failure))
    if failure is not None or read.data is None:
        return _reject(db, path, "unreadable", reason_text("unreadable"), detail=str(failure))
    data, sha, kind = read.data, read.sha, read.kind
    if kind is fmt.Kind.KEY_ROTATION:
        try:
            return _import_rotation(db, path, data, sha)
        except _NOT_PER_FILE:
            raise
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            log.exception("key change statement %s could not be stored", path)
            detail = f"{type(exc).__name__}: {exc}"[:500]
            return _reject(db, path, "store_failed", reason_text("store_failed"), detail=detail)
    if kind is not None and kind is not fmt.Kind.BUNDLE:
        return _reject(
            db,
            path,
            "wrong_kind",
            _("This is not a bundle but another kind of sync file (“{suffix}”).").format(
                suffix=fmt.SUFFIXES[kind]
            ),
            sha=sha,
        )
    if read.bundle is None:
        refusal = read.refused
        assert refusal is not None  # _read_file gives a bundle or the reason it has none
        center, seq, manifest = None, None, None
        try:
            manifest = fmt.read_bundle_manifest(data)
            center, seq = uuid.UUID(manifest.center_id), manifest.seq
        except (fmt.RejectedFileError, ValueError):
            manifest = None
        return _reject(
            db,
            path,
            refusal.reason,
            _refusal_message(db, refusal),
            detail=refusal.detail,
            sha=sha,
            center=center,
            seq=seq,
            manifest=manifest,
        )
    bundle = read.bundle
    center_id = uuid.UUID(bundle.center_id)
    if bundle.schema_version > SCHEMA_VERSION:
        return _reject(
            db,
            path,
            "newer_schema",
            reason_text("newer_schema"),
            sha=sha,
            center=center_id,
            seq=bundle.seq,
            manifest=bundle.manifest,
        )
    max_rev = read.decoded.max_rev if read.decoded is not None else 0
    if not columns.fits(bundle.seq, bundle.first_change, bundle.last_change, max_rev):
        # Valid for the format (64 bits), but more than this database's columns hold: refused
        # before anything is written (its numbers are not recorded either).
        return _reject(
            db,
            path,
            "number_too_large",
            reason_text("number_too_large"),
            detail=(
                f"seq {bundle.seq}, changes {bundle.first_change}..{bundle.last_change}, "
                f"highest rev {max_rev}; the database holds {columns.integers}"
            ),
            sha=sha,
            center=center_id,
        )
    outcome, held_waiting = _settle(db, path, data, sha, bundle, decoded=read.decoded)
    del read, bundle
    if outcome.status != "applied" or not held_waiting:
        return outcome
    try:
        released = _release_held(db, center_id, keys)
    except _NOT_PER_FILE:
        raise
    except Exception:  # noqa: BLE001 - this bundle is applied; the held ones wait for the next
        log.exception("held bundles of %s could not be released", center_id)
        released = []
    if released:
        outcome = ImportOutcome(
            outcome.file,
            outcome.status,
            outcome.reason,
            outcome.message,
            outcome.records,
            outcome.center,
            outcome.seq,
            tuple(released),
        )
    return outcome


def _settle_copy(db: Database, path: Path, sha: str) -> ImportOutcome | None:
    """A file with the same bytes as one taken in before: a duplicate, decided without
    decrypting it (docs/sync.md §7), exactly as :func:`_decide_and_apply` decides one.
    ``None`` when that file was refused after all, or its center is no longer enrolled: then
    this one is judged in full."""
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        original = q.bundle_by_sha(session, sha, exclude_status=("rejected",))
        if original is None:
            return None
        enrolment = session.get(Enrolment, original.center_id)
        if enrolment is None or enrolment.status not in ("approved", "revoked"):
            return None
        center, seq = original.center_id, original.seq
        _log(session, path, "duplicate", reason="duplicate", sha=sha, center=center, seq=seq)
        # Nothing changes; the row makes the next receipt report it again.
        session.add(
            ReceivedBundle(
                file_sha256=sha,
                content_digest=original.content_digest,
                center_id=center,
                epoch=original.epoch,
                seq=seq,
                first_change=original.first_change,
                last_change=original.last_change,
                status="duplicate",
                reason="duplicate",
            )
        )
    return ImportOutcome(
        str(path), "duplicate", "duplicate", reason_text("duplicate"), 0, str(center), seq
    )


def _skip(db: Database, path: Path, failure: fmt.NotAFileError) -> ImportOutcome:
    """Something that is not a file (a pipe, a device, a link to a folder): never read, logged
    and reported as skipped."""
    with db.write() as session:
        _log(session, path, "skipped", reason=failure.reason, detail=failure.detail)
    return ImportOutcome(str(path), "skipped", failure.reason, str(failure))


def _refusal_message(db: Database, exc: fmt.RejectedFileError) -> str:
    """The message for a refused file. The format layer names the signing site by its id;
    people know centers by code and name, so the enrolment's are used (the id stays in the
    log's detail)."""
    if not isinstance(exc, (fmt.UnknownCenterError, fmt.UnknownKeyError, fmt.RevokedKeyError)):
        return str(exc)
    try:
        site: uuid.UUID | None = uuid.UUID(str(exc.params.get("site", "")))
    except ValueError:
        site = None
    known: tuple[str, str, str] | None = None
    if site is not None:
        with db.read() as session:
            enrolment = session.get(Enrolment, site)
            if enrolment is not None:
                known = (enrolment.code, enrolment.name, enrolment.status)
    if known is None:
        return _("The file comes from a center that is not enrolled here.")
    code, name, status = known
    center = f"{code} {name}"
    if isinstance(exc, fmt.UnknownKeyError):
        return _(
            "The file from {center} was signed with a key that is not enrolled here. If "
            "{center} made new keys, import its key change statement first."
        ).format(center=center)
    if isinstance(exc, fmt.RevokedKeyError):
        return _("The file from {center} was signed with a key that has been revoked.").format(
            center=center
        )
    if status == "pending":
        return _(
            "The file comes from {center}, which is not approved at this office yet: confirm "
            "its fingerprint with the center and approve its enrolment first."
        ).format(center=center)
    return _("The file comes from {center}, which is not enrolled here.").format(center=center)


def _settle(
    db: Database,
    path: Path,
    data: bytes,
    sha: str,
    bundle: fmt.VerifiedBundle,
    held_row_id: int | None = None,
    decoded: _Decoded | None = None,
) -> tuple[ImportOutcome, bool]:
    """Decide on a verified bundle and apply it, all in one write transaction: nothing can
    change between the decision and the apply, and a failure leaves no trace but the log line.
    Also says whether bundles of the center are held (so they may now connect)."""
    from justice_desk.storage import sync_queries as q

    center_id = uuid.UUID(bundle.center_id)
    try:
        with db.write() as session:
            outcome = _decide_and_apply(session, path, data, sha, bundle, held_row_id, decoded)
            held_waiting = outcome.status == "applied" and q.has_held(session, center_id)
            return outcome, held_waiting
    except DataIntegrityError as exc:
        # Raised at commit by the deferred foreign keys, or by another rule of the database.
        reason = "missing_parent" if "foreign key" in str(exc).lower() else "constraint"
        log.warning("bundle %s refused (%s): %s", path, reason, exc)
        message = reason_text(reason) if reason == "missing_parent" else str(exc)
        if held_row_id is None:
            return _reject(
                db,
                path,
                reason,
                message,
                detail=str(exc)[:500],
                sha=sha,
                center=center_id,
                seq=bundle.seq,
                manifest=bundle.manifest,
            ), False
        _refuse_held(
            db, held_row_id, path, reason, str(exc)[:500], sha=sha, center=center_id, seq=bundle.seq
        )
        return ImportOutcome(
            str(path), "rejected", reason, message, 0, str(center_id), bundle.seq
        ), False
    except _NOT_PER_FILE:
        raise
    except Exception as exc:  # noqa: BLE001 - one file that cannot be stored must not stop the run
        # Anything else raised while storing this bundle (a value this database cannot hold, a
        # rule of another database, a bug): its transaction was rolled back. The file is
        # refused by name and the import goes on with the next (docs/sync.md §6).
        log.exception("bundle %s could not be stored", path)
        detail = f"{type(exc).__name__}: {exc}"[:500]
        message = reason_text("store_failed")
        if held_row_id is None:
            return _reject(
                db,
                path,
                "store_failed",
                message,
                detail=detail,
                sha=sha,
                center=center_id,
                seq=bundle.seq,
                manifest=bundle.manifest,
            ), False
        _refuse_held(
            db, held_row_id, path, "store_failed", detail, sha=sha, center=center_id, seq=bundle.seq
        )
        return ImportOutcome(
            str(path), "rejected", "store_failed", message, 0, str(center_id), bundle.seq
        ), False


def _record_bundle(
    session: Session,
    bundle: fmt.VerifiedBundle,
    sha: str,
    held_row_id: int | None,
    *,
    status: str,
    reason: str | None = None,
    raw: bytes | None = None,
    records: int = 0,
    detail: str | None = None,
) -> ReceivedBundle:
    """The bundle's row in ``received_bundles``: a new one, or the held one now decided."""
    if held_row_id is not None:
        row = session.get_one(ReceivedBundle, held_row_id)  # the held row is there
        row.status, row.reason, row.records, row.detail = status, reason, records, detail
        row.receipt_seq = None  # news for the next receipt
        if raw is None:
            row.raw = None
    else:
        row = ReceivedBundle(
            file_sha256=sha,
            content_digest=bundle.content_digest,
            center_id=uuid.UUID(bundle.center_id),
            epoch=bundle.epoch,
            seq=bundle.seq,
            first_change=bundle.first_change,
            last_change=bundle.last_change,
            status=status,
            reason=reason,
            raw=raw,
            records=records,
            detail=detail,
        )
        session.add(row)
    return row


def _decide_and_apply(
    session: Session,
    path: Path,
    data: bytes,
    sha: str,
    bundle: fmt.VerifiedBundle,
    held_row_id: int | None,
    decoded: _Decoded | None = None,
) -> ImportOutcome:
    from justice_desk.storage import sync_queries as q

    center_id = uuid.UUID(bundle.center_id)
    center, seq = str(center_id), bundle.seq

    def outcome(status: str, reason: str | None, message: str, records: int = 0) -> ImportOutcome:
        return ImportOutcome(str(path), status, reason, message, records, center, seq)

    enrolment = session.get(Enrolment, center_id)
    # A revoked center is still trusted for what its key signed before the cut-off (the format
    # layer checked the key against it); a pending one is not trusted at all.
    if enrolment is None or enrolment.status not in ("approved", "revoked"):
        _log(session, path, "rejected", reason="not_enrolled", sha=sha, center=center_id, seq=seq)
        return outcome("rejected", "not_enrolled", reason_text("not_enrolled"))
    if held_row_id is None:
        same_seq = q.bundle_by_seq(session, center_id, bundle.epoch, seq)
        if same_seq is not None and same_seq.content_digest != bundle.content_digest:
            _log(
                session,
                path,
                "rejected",
                reason="same_seq_different_content",
                sha=sha,
                center=center_id,
                seq=seq,
                detail=f"bundle {same_seq.id} has this number",
            )
            _record_bundle(
                session, bundle, sha, None, status="rejected", reason="same_seq_different_content"
            )
            return outcome(
                "rejected", "same_seq_different_content", reason_text("same_seq_different_content")
            )
        if (
            same_seq is not None
            or q.bundle_by_sha(session, sha, exclude_status=("rejected",)) is not None
        ):
            # Nothing changes; the row makes the next receipt report it again (docs/sync.md §7).
            _log(session, path, "duplicate", reason="duplicate", sha=sha, center=center_id, seq=seq)
            _record_bundle(session, bundle, sha, None, status="duplicate", reason="duplicate")
            return outcome("duplicate", "duplicate", reason_text("duplicate"))
    new_epoch = enrolment.epoch is not None and enrolment.epoch != bundle.epoch
    superseded = set(_json_list(enrolment.superseded_epochs))
    previous = bundle.manifest.previous_epochs
    if new_epoch and (
        bundle.epoch in superseded
        or q.epoch_seen(session, center_id, bundle.epoch)
        # It names the epochs its database left, and ours is not among them: an older branch.
        or (previous is not None and enrolment.epoch not in previous)
    ):
        # A bundle from an epoch the center has since left (restored from a backup): old news.
        _log(
            session,
            path,
            "duplicate",
            reason="replay",
            sha=sha,
            center=center_id,
            seq=seq,
            detail="superseded epoch",
        )
        _record_bundle(
            session,
            bundle,
            sha,
            held_row_id,
            status="duplicate",
            reason="replay",
            detail="superseded epoch",
        )
        return outcome("duplicate", "replay", reason_text("replay"))
    if new_epoch and enrolment.accepted_epoch != bundle.epoch:
        # A new epoch is a restore from a backup, or someone with a copy of the database and
        # the key: adopting it silently would make the real center's bundles look like replays.
        # It waits, bytes kept, for an officer's decision (decide_epoch).
        if held_row_id is None:
            _log(
                session,
                path,
                "held",
                reason="new_epoch",
                sha=sha,
                center=center_id,
                seq=seq,
                detail=f"epoch {bundle.epoch}",
            )
            _record_bundle(
                session,
                bundle,
                sha,
                None,
                status="held",
                reason="new_epoch",
                raw=data,
                records=len(bundle.records),
            )
        return outcome("held", "new_epoch", reason_text("new_epoch"))
    applied = 0 if new_epoch or enrolment.epoch is None else enrolment.applied_through
    if bundle.last_change <= applied:
        _log(session, path, "duplicate", reason="replay", sha=sha, center=center_id, seq=seq)
        _record_bundle(session, bundle, sha, held_row_id, status="duplicate", reason="replay")
        return outcome("duplicate", "replay", reason_text("replay"))
    if bundle.first_change > applied + 1:
        if held_row_id is None:
            _log(
                session,
                path,
                "held",
                reason="gap",
                sha=sha,
                center=center_id,
                seq=seq,
                detail=f"applied through {applied}",
            )
            _record_bundle(
                session,
                bundle,
                sha,
                None,
                status="held",
                reason="gap",
                raw=data,
                records=len(bundle.records),
            )
        return outcome(
            "held", "gap", reason_text("gap", start=applied + 1, end=bundle.first_change - 1)
        )

    conn = session.connection()
    sync_store.defer_foreign_keys(conn)
    result = _apply_records(
        conn,
        center_id,
        decoded or bundle.records,
        new_epoch=new_epoch,
        restored_after=_timestamp(bundle.manifest.restored_after),
    )
    status = "partial" if result.rejected else "applied"
    detail = f"{len(result.rejected)} records refused" if result.rejected else None
    row = _record_bundle(
        session,
        bundle,
        sha,
        held_row_id,
        status=status,
        raw=data,
        records=result.applied,
        detail=detail,
    )
    session.flush()
    for table, rid, rev, reason, rdetail in result.rejected:
        session.add(
            RejectedRecordRow(
                bundle_id=row.id,
                table_name=table,
                row_id=rid,
                rev=rev,
                reason=reason,
                detail=rdetail,
            )
        )
    session.add_all(result.conflicts)
    if new_epoch:
        q.supersede_held(session, center_id, bundle.epoch)
    enrolment.applied_through = (
        bundle.last_change
        if new_epoch or enrolment.epoch is None
        else max(enrolment.applied_through, bundle.last_change)
    )
    enrolment.last_seq = seq if new_epoch else max(enrolment.last_seq or 0, seq)
    if new_epoch or enrolment.epoch is None:
        left = superseded | set(previous or ()) | ({enrolment.epoch} if enrolment.epoch else set())
        enrolment.superseded_epochs = json.dumps(sorted(left)) if left else None
    enrolment.epoch = bundle.epoch
    enrolment.last_bundle_at = utcnow()
    _log(
        session,
        path,
        status,
        sha=sha,
        center=center_id,
        seq=seq,
        records=result.applied,
        detail=detail,
    )
    message = _("{count} records applied").format(count=result.applied)
    if result.rejected:
        message += "; " + _("{count} refused").format(count=len(result.rejected))
    return outcome("applied", None, message, result.applied)


def _timestamp(text: str | None) -> dt.datetime | None:
    """A naive UTC timestamp (as the database stores them) from a manifest, or None."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


@dataclass
class _Applied:
    rejected: list[tuple[str, str, int, str, str]]
    conflicts: list[SyncConflict]
    applied: int


#: Conflict reasons for records that were not applied at all: their children cannot be either.
REFUSED_CONFLICTS = ("number_taken", "parent_refused", "foreign_reference")


@dataclass(frozen=True)
class _Decoded:
    """A bundle's records turned into column values, table by table (parents first): no
    database work, so it is done on the reading thread."""

    unknown: list[fmt.Record]  # records of tables this version does not have
    tables: list[
        tuple[str, list[tuple[fmt.Record, dict[str, Any] | None, str]]]
    ]  # (record, row or None, error)
    max_rev: int = 0  # the highest rev of any record


#: Fields of a record once decoded: only its identity and rev are kept with the row.
_NO_FIELDS: Mapping[str, Any] = MappingProxyType({})


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Decoding:
    """Decodes a bundle's records a slice at a time, as the format layer reads them
    (``on_records`` of ``open_bundle``): each record's fields are dropped once they are column
    values, so memory holds a bundle once. A value the database's columns cannot hold refuses
    its record (``bad_record``)."""

    def __init__(self, columns: _Columns | None = None) -> None:
        columns = columns or _Columns()
        self.decoder = sync_store.Decoder(columns.integers, nul_in_text=columns.nul_in_text)
        self.unknown: list[fmt.Record] = []
        self.by_table: dict[str, list[tuple[fmt.Record, dict[str, Any] | None, str]]] = {}
        self.max_rev = 0

    def add(self, records: Iterable[fmt.Record]) -> None:
        decode = self.decoder.decode
        by_table = self.by_table
        for r in records:
            self.max_rev = max(self.max_rev, r.rev)
            kept = fmt.Record(r.table, r.id, r.op, r.rev, _NO_FIELDS, _NO_FIELDS)
            if not sync_store.known_table(r.table):
                self.unknown.append(kept)
                continue
            try:
                row: dict[str, Any] | None = decode(r.table, r.id, r.rev, r.fields)
                error = ""
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                row, error = None, str(exc)[:200]
            by_table.setdefault(r.table, []).append((kept, row, error))

    def result(self) -> _Decoded:
        tables = [(t, self.by_table[t]) for t in sync_store.ordered_tables(self.by_table)]
        return _Decoded(self.unknown, tables, self.max_rev)


def _decode_records(records: Sequence[fmt.Record]) -> _Decoded:
    decoding = _Decoding()
    decoding.add(records)
    return decoding.result()


def _apply_records(
    conn: Connection,
    center_id: uuid.UUID,
    records: Sequence[fmt.Record] | _Decoded,
    *,
    new_epoch: bool,
    restored_after: dt.datetime | None = None,
) -> _Applied:
    """Apply a bundle's records, parents first, in the caller's transaction.

    Per record: a known table, values of the right types, owned by the sending center (and not
    stored as someone else's), never a lower or equal ``rev`` over a stored one. When the center
    was restored from a backup (``new_epoch``), or a record already waits in the conflict
    queue, an incoming version that differs from a stored newer one goes to the queue
    (docs/sync.md §1: never resolved silently). A record whose unique number is held by
    another stored record, whose parent was refused, or that points at a record of another
    center, is refused and queued with its fields; so is a site row other than the center's
    own, whose identity (code, name) stays the one it enrolled with (sync_store.Ownership)."""
    from justice_desk.storage import sync_queries as q

    decoded = records if isinstance(records, _Decoded) else _decode_records(records)
    ownership = sync_store.Ownership(
        conn, center_id, ((t, [row for _r, row, _e in recs]) for t, recs in decoded.tables)
    )
    result = _Applied([], [], 0)
    for r in decoded.unknown:
        result.rejected.append((r.table, r.id, r.rev, "unknown_table", ""))
    queued = q.open_conflicts(conn, center_id)
    refused: set[uuid.UUID] = (
        q.refused_rows(conn, center_id, REFUSED_CONFLICTS) if queued else set()
    )

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
        result.rejected.append((table, str(row["id"]), row["rev"], reason, detail))
        to_queue(table, row, kept_rev, reason)
        refused.add(row["id"])

    for table, table_records in decoded.tables:
        rows = []
        foreign: list[uuid.UUID] = []
        for r, row, error in table_records:
            if row is None:
                result.rejected.append((table, r.id, r.rev, "bad_record", error))
                continue
            if row.get("owner_id") != center_id:
                result.rejected.append((table, r.id, r.rev, "wrong_owner", ""))
                foreign.append(row["id"])
                continue
            rows.append(row)
        ownership.keep_identity(table, rows)
        stored = ownership.stored(table, [row["id"] for row in rows] + foreign)
        # A record refused as someone else's is still a valid parent if its owner's copy is here.
        refused.update(rid for rid in foreign if rid not in stored)
        candidates: list[dict[str, Any]] = []
        compare: list[tuple[dict[str, Any], int]] = []
        overwrites: list[dict[str, Any]] = []
        for row in rows:
            have = stored.get(row["id"])
            if have is None:
                candidates.append(row)
            elif have[1] != center_id:
                result.rejected.append((table, str(row["id"]), row["rev"], "wrong_owner", ""))
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
            clashes = sync_store.unique_clashes(conn, table, candidates)
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
        sync_store.upsert(conn, table, candidates)
        result.applied += len(candidates)
        # A record refused before (queued) and applied now is a valid parent again.
        refused.difference_update(row["id"] for row in candidates)
    return result


def _refuse_held(
    db: Database,
    row_id: int,
    path: Path,
    reason: str,
    detail: str,
    *,
    sha: str,
    center: uuid.UUID,
    seq: int | None,
) -> None:
    """A held bundle that can no longer be applied: refused (reported in the next receipt) and
    logged, in one transaction, so it is never tried again in a loop."""
    with db.write() as session:
        row = session.get(ReceivedBundle, row_id)
        if row is None or row.status != "held":
            return  # already decided
        row.status, row.reason, row.detail, row.receipt_seq = "rejected", reason, detail, None
        _log(
            session, path, "rejected", reason=reason, detail=detail, sha=sha, center=center, seq=seq
        )


def _release_held(db: Database, center_id: uuid.UUID, keys: list[KeySet]) -> list[str]:
    """Apply held bundles of this center whose range now connects, until none does. A held
    bundle that can no longer be applied is refused with its reason; it is never retried
    in a loop."""
    from justice_desk.storage import sync_queries as q

    released: list[str] = []
    while True:
        with db.read() as session:
            enrolment = session.get(Enrolment, center_id)
            if enrolment is None:
                return released
            candidate = q.next_held(session, center_id, enrolment.epoch, enrolment.applied_through)
            if candidate is None:
                return released
            row_id, data, sha, seq = (
                candidate.id,
                candidate.raw,
                candidate.file_sha256,
                candidate.seq,
            )
        path = Path(f"held:{sha[:12]}")
        try:
            if data is None:
                raise fmt.BadContainerError("the held bundle's bytes are gone")
            bundle, decoded = _open_verified(data, keys, _trust(db), _Columns.of(db))
        except fmt.RejectedFileError as exc:
            _refuse_held(
                db,
                row_id,
                path,
                exc.reason,
                exc.detail or str(exc),
                sha=sha,
                center=center_id,
                seq=seq,
            )
            released.append(f"{seq}:rejected")
            continue
        outcome, _waiting = _settle(
            db, path, data, sha, bundle, held_row_id=row_id, decoded=decoded
        )
        if outcome.status in ("held", "rejected"):
            # Still held (cannot happen: it connects) or refused without touching its row (its
            # center is no longer enrolled): never try it again in this loop.
            _refuse_held(
                db,
                row_id,
                path,
                outcome.reason or "rejected",
                outcome.message,
                sha=sha,
                center=center_id,
                seq=bundle.seq,
            )
        released.append(f"{bundle.seq}:{outcome.status}")


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


def _enrolled(session: Session, center_code: str) -> Enrolment:
    from justice_desk.storage import sync_queries as q

    enrolment = q.enrolment_by_code(session, center_code)
    if enrolment is None or enrolment.status == "pending":
        raise UserError(
            _("No center with the code {code} is enrolled here.").format(code=center_code)
        )
    return enrolment


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
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
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
                row.status, row.reason = "rejected", "epoch_refused"
                _log(
                    session,
                    Path(f"held:{row.file_sha256[:12]}"),
                    "rejected",
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


def _import_rotation(db: Database, path: Path, data: bytes, sha: str) -> ImportOutcome:
    from justice_desk.storage import sync_queries as q

    try:
        rotation = fmt.open_key_rotation(data, trusted_keys=_trust(db))
    except fmt.RevokedKeyError as exc:
        # A key a rotation already retired vouches only for the successor it named then: the
        # same statement read again is a duplicate; any other (someone holding a copy of the
        # retired key file appointing a key of their own) is refused.
        try:
            rotation = fmt.open_key_rotation(data, trusted_keys=_trust(db, retired_ok=True))
        except fmt.RejectedFileError:
            return _reject(
                db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha
            )
        with db.read() as session:
            site = uuid.UUID(rotation.site_id)
            old = q.site_key(session, site, rotation.old_key_id)
            known = q.site_key(session, site, rotation.new_key_id)
            repeated = old is not None and old.status == "rotated" and known is not None
        if not repeated:
            return _reject(
                db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha
            )
        with db.write() as session:
            _log(session, path, "duplicate", reason="duplicate", sha=sha, center=site)
        return ImportOutcome(
            str(path), "duplicate", "duplicate", reason_text("duplicate"), 0, str(site)
        )
    except fmt.RejectedFileError as exc:
        return _reject(db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha)

    site = uuid.UUID(rotation.site_id)
    with db.write() as session:
        _store_public(session, site, rotation.new_keys, "peer")
        enrolment = session.get(Enrolment, site)
        old = q.site_key(session, site, rotation.old_key_id)
        if old is not None:
            old.status = "rotated"
            # The old key verifies only what it signed before: the statement says up to where;
            # one from an older version did not, so: what this office had received by now.
            if rotation.last_seq is not None:
                old.retired_epoch, old.retired_seq = rotation.last_epoch, rotation.last_seq
            elif enrolment is not None:
                old.retired_epoch, old.retired_seq = enrolment.epoch, enrolment.last_seq
            else:
                old.retired_epoch, old.retired_seq = None, 0
        if enrolment is not None:
            enrolment.fingerprint = rotation.new_keys.fingerprint
        _log(
            session,
            path,
            "applied",
            reason="key_rotation",
            sha=sha,
            center=site,
            detail=f"{rotation.old_key_id} -> {rotation.new_key_id}",
        )
    return ImportOutcome(
        str(path), "applied", "key_rotation", _("New keys of the center recorded."), 0, str(site)
    )


def rotate_center_keys(db: Database, out: Path, *, passphrase: str | None = None) -> Path:
    """Make new keys and a statement signed by the old and the new key for the province."""
    from justice_desk.storage import sync_queries as q

    old = own_keys(db, passphrase)
    new = fmt.generate_keyset()
    epoch = db.setting("epoch") or ""
    with db.read() as session:
        last_seq = q.next_export_seq(session.connection()) - 1
    # The statement names the last bundle the old key signed: the province accepts nothing
    # newer signed by it, so a copy of the retired key file cannot speak for the center.
    data = fmt.create_key_rotation(
        str(db.site_id), old, new, reason="rotation", last_epoch=epoch, last_seq=last_seq
    )
    target = out if not out.is_dir() else out / f"{db.site_id}-{new.key_id}.jdrotate"
    _write_file(target, data)
    old_path = key_file(db)
    old_path.rename(old_path.with_name(old_path.name + f".{old.key_id}.old"))
    fmt.save_private_keys(new, key_file(db), _passphrase(passphrase))
    with db.write() as session:
        _store_public(session, db.site_id, new.public, "own")
        # Kept until a receipt confirms a bundle signed with the new key (apply_receipt).
        db.put_settings(
            session, {"key_id": new.key_id, "retired_key_through": f"{epoch}:{last_seq}"}
        )
    return target


@dataclass(frozen=True)
class Revoked:
    """What a revocation did: the center, the cut-off now in force, the one before (``None``
    for a first revocation) and how many of the center's keys it covers."""

    code: str
    name: str
    keep_through: int
    previous: int | None
    keys: int

    def describe(self) -> str:
        if self.previous is None:
            return _(
                "The keys of {code} {name} are revoked: bundles numbered after {seq} are "
                "refused, whichever of its keys signed them."
            ).format(code=self.code, name=self.name, seq=self.keep_through)
        if self.previous == self.keep_through:
            return _(
                "The keys of {code} {name} were already revoked after bundle {seq}; nothing "
                "changed."
            ).format(code=self.code, name=self.name, seq=self.keep_through)
        return _(
            "The revocation of {code} {name} now accepts bundles up to {seq} (before: up to "
            "{previous})."
        ).format(code=self.code, name=self.name, seq=self.keep_through, previous=self.previous)


def revoke_center_key(
    db: Database, center_code: str, *, keep_through_seq: int | None = None
) -> Revoked:
    """Revoke every key a center ever had (a stolen laptop may hold a retired key file too):
    bundles numbered after ``keep_through_seq`` (default: the last one already received) are
    refused whichever key signed them. A key retired by a rotation keeps its own, earlier
    limit. Revoking again with another ``keep_through_seq`` moves the cut-off."""
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    if keep_through_seq is not None and not 0 <= keep_through_seq <= MAX_COUNTER:
        raise UserError(_("The bundle number to keep must be 0 or more."))
    with db.write() as session:
        enrolment = q.enrolment_by_code(session, center_code)
        if enrolment is None or enrolment.status == "pending":
            raise UserError(
                _("No center with the code {code} is enrolled here.").format(code=center_code)
            )
        keep = enrolment.last_seq if keep_through_seq is None else keep_through_seq
        peer = [r for r in q.keys_of(session, enrolment.center_id) if r.role == "peer"]
        cut_offs = [r.last_good_seq for r in peer if r.status == "revoked"]
        previous = next((c for c in cut_offs if c is not None), None)
        number = None
        for row in peer:
            if row.status != "revoked":
                number = number or q.next_revocation_number(session)
                row.revocation_number = number
            row.status = "revoked"
            row.last_good_epoch = enrolment.epoch
            row.last_good_seq = keep
        enrolment.status = "revoked"
        return Revoked(enrolment.code, enrolment.name, keep, previous, len(peer))


@dataclass(frozen=True)
class ReceiptWritten:
    center_code: str
    path: Path
    applied_through: int


def write_receipts(
    db: Database, out_dir: Path, *, passphrase: str | None = None, only_new: bool = True
) -> list[ReceiptWritten]:
    """A signed receipt per enrolled center with news since its last receipt."""
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    keys = own_keys(db, passphrase)
    written: list[ReceiptWritten] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    with db.write() as session:
        for enrolment in q.enrolments_with_receipts(session):
            pending = q.unreported_bundles(session, enrolment.center_id)
            if only_new and not pending:
                continue
            # Sealed to the center's current key; a revoked center (bundles accepted under the
            # cut-off still get their receipt) to the newest key it had.
            peer = [r for r in q.keys_of(session, enrolment.center_id) if r.role == "peer"]
            center_keys = [r for r in peer if r.status == "active"] or peer
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
            written.append(ReceiptWritten(enrolment.code, target, applied_through))
    return written


@dataclass(frozen=True)
class CenterOverview:
    center_id: uuid.UUID
    code: str
    name: str
    status: str
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


def centers_overview(db: Database) -> list[CenterOverview]:
    from justice_desk.storage import sync_queries as q

    now = utcnow()
    out = []
    with db.read() as session:
        counts = q.bundle_status_counts(session)
        for e in q.all_enrolments(session):
            c = counts.get(e.center_id, Counter())
            quiet = (now - e.last_bundle_at).days if e.last_bundle_at else None
            out.append(
                CenterOverview(
                    e.center_id,
                    e.code,
                    e.name,
                    e.status,
                    e.fingerprint,
                    e.last_bundle_at,
                    e.applied_through,
                    c.get("held", 0),
                    c.get("rejected", 0),
                    quiet,
                    tuple(q.epochs_waiting(session, e.center_id)) if c.get("held") else (),
                )
            )
    return out


def sync_conflicts(
    db: Database, center_id: uuid.UUID | None = None, *, open_only: bool = True
) -> list[SyncConflict]:
    """The conflict queue: versions of records that were not applied, for a person to look at."""
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        return q.conflicts_of(session, center_id, open_only=open_only)


#: What a person can do about a conflict or a refused record, by reason.
ACTIONS = {
    "restored_center_older": N_(
        "The province kept its newer version. Ask the center which one is right; if it is the "
        "center's, the center edits the record again and sends it."
    ),
    "restored_center_overwrote": N_(
        "The center's version (made after its restore) replaced this one, which the province "
        "had from before the restore. Check with the center that nothing in it is missing."
    ),
    "number_taken": N_(
        "The number is already used by another record of the center (from before a restore). "
        "The center gives the record a new number and sends it again."
    ),
    "parent_refused": N_(
        "It belongs to a record that was refused. It arrives with that record once the center "
        "has corrected it and sent it again."
    ),
    "foreign_reference": N_(
        "It points at a record of another center; a center's records may point only at its "
        "own. Ask the center to check the record and send it again."
    ),
    "other_site": N_(
        "A center sends only its own center record; this one would have added or changed "
        "another center. It was not taken in. Ask the center what it meant to change."
    ),
}


def _table_label(table: str) -> str:
    labels = {
        "cases": _("Case"),
        "meetings": _("Meeting"),
        "people": _("Person"),
        "case_parties": _("Party of a case"),
        "case_events": _("Event of a case"),
        "case_sessions": _("Mediation session of a case"),
        "case_mediators": _("Mediator of a case"),
        "sites": _("Center"),
    }
    return labels.get(table, table)


def _record_label(table: str, parts: tuple[str, ...] | None, row_id: str) -> str:
    if parts and table in ("cases", "meetings") and len(parts) == 2:
        number = f"{int(parts[0]):03d}" if table == "cases" else parts[0]
        return f"{_table_label(table)} {number}/{parts[1]}"
    if parts and len(parts) == 2 and table not in ("people", "meetings"):
        # A row of a case: named by the case's number.
        return f"{_table_label(table)} {int(parts[0]):03d}/{parts[1]}"
    if parts and table == "people":
        return f"{_table_label(table)} {' '.join(p for p in parts if p)}"
    return f"{_table_label(table)} {row_id[:8]}"


def _label_parts(table: str, fields_json: str | None) -> tuple[str, ...] | None:
    """:func:`_record_label`'s parts from a record's fields (JSON), as ``record_labels``."""
    try:
        fields = json.loads(fields_json or "{}")
    except ValueError:
        return None
    keys = ("given_name", "surname") if table == "people" else ("number", "year_be")
    if not isinstance(fields, dict) or fields.get(keys[0]) is None:
        return None
    return tuple("" if fields.get(k) is None else str(fields[k]) for k in keys)


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
    _require_province(db)
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        if q.set_conflict_resolved(session, conflict_id) is None:
            raise UserError(_("There is no conflict number {id}.").format(id=conflict_id))


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


def import_log(db: Database, limit: int = 500) -> list[ImportLogEntry]:
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        rows = q.import_log(session, limit)
        session.expunge_all()
        return rows


def _write_file(target: Path, data: bytes) -> None:
    try:
        fmt.write_atomically(target, data, mode=0o644, overwrite=True)
    except OSError as exc:
        raise UserError(
            _("Cannot write {path} ({error}). Check the folder and the free space.").format(
                path=target, error=exc.strerror or exc
            )
        ) from exc


def new_epoch() -> str:
    return secrets.token_hex(8)


__all__ = [
    "ExportResult",
    "ImportOutcome",
    "accept_answer",
    "apply_receipt",
    "center_status",
    "centers_overview",
    "create_site_keys",
    "enrol_center",
    "export_bundle",
    "import_log",
    "import_paths",
    "revoke_center_key",
    "rotate_center_keys",
    "sync_conflicts",
    "conflict_list",
    "resolve_conflict",
    "center_refusals",
    "resend_refused",
    "decide_epoch",
    "waiting_epochs",
    "write_enrolment_request",
    "write_receipts",
]
