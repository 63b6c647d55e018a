# The receipt module as released before receipts carried answers (commit 0b855ac), kept
# verbatim below so that a test opens a new receipt with an older center's reader
# (docs/sync-format.md §10: additive fields keep version 1). Do not edit it to follow the format.
# ruff: noqa
# mypy: ignore-errors
"""Receipts: the province's signed answer to a center, sealed to the center's own key.

One receipt per center says how far the province has applied that center's change log
(``applied_through`` within ``center_epoch``), what happened to each bundle, which records were
rejected and why, which records changed owner (an escalated dispute handed to the province),
and notices about the province's keys. The center shows "received by the province through
change N" and prunes nothing before that (docs/sync.md §8).

The result and reason values are plain strings so that an older center keeps a receipt from a
newer province instead of refusing it; the known values are listed below.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from justice_desk.sync import _codec, _envelope
from justice_desk.sync._files import write_atomically
from justice_desk.sync.container import DEFAULT_LIMITS, SUFFIXES, Kind, Limits, read_sync_file
from justice_desk.sync.exceptions import (
    BadPayloadError,
    FileExistsSyncError,
    WrongAddresseeError,
)
from justice_desk.sync.keys import KeySet, PublicKeySet, TrustLookup

RECEIPT_SUFFIX = SUFFIXES[Kind.RECEIPT]

#: Known per-bundle results (docs/sync.md §7). Others may appear from a newer province.
BUNDLE_RESULTS: frozenset[str] = frozenset({"applied", "partial", "duplicate", "held", "rejected"})
#: Known key notice kinds.
KEY_NOTICE_KINDS: frozenset[str] = frozenset({"rotated", "revoked", "escrow_added"})

_MAX_ITEMS = 1_000_000


@dataclass(frozen=True)
class BundleResult:
    """What the province did with one bundle; ``reason`` is a stable code when not applied."""

    epoch: str
    seq: int
    first_change: int
    last_change: int
    result: str
    content_digest: str = ""
    reason: str = ""
    detail: str = ""


@dataclass(frozen=True)
class RejectedRecord:
    """One record the province refused (wrong owner, wrong center, lower rev, ...)."""

    table: str
    id: str
    rev: int
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Handover:
    """A record whose owner changed, e.g. a dispute escalated to the province (see
    docs/sync.md §1)."""

    table: str
    id: str
    new_owner: str
    detail: str = ""


@dataclass(frozen=True)
class KeyNotice:
    """News about the province's keys; ``statement`` holds the signed file to import, if any."""

    kind: str
    key_id: str
    statement: bytes = b""
    detail: str = ""


@dataclass(frozen=True)
class Receipt:
    """The receipt's content. ``seq`` counts receipts per center, so an older one is ignored.

    ``resend_from`` is set when a gap was found: the center should export from that change.
    """

    province_id: str
    province_epoch: str
    center_id: str
    seq: int
    center_epoch: str
    applied_through: int
    resend_from: int | None = None
    bundles: tuple[BundleResult, ...] = ()
    rejected: tuple[RejectedRecord, ...] = ()
    handovers: tuple[Handover, ...] = ()
    key_notices: tuple[KeyNotice, ...] = ()
    created_at: datetime | str | None = None  # shown only
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedReceipt:
    """A receipt whose province signature, key and seal were all verified."""

    receipt: Receipt
    key_id: str  # the province key that signed it
    file_sha256: str


def _body(receipt: Receipt) -> dict[str, Any]:
    body = dict(receipt.extra)
    body.update(
        center_epoch=receipt.center_epoch,
        applied_through=receipt.applied_through,
        resend_from=receipt.resend_from,
        bundles=[
            {
                "epoch": b.epoch,
                "seq": b.seq,
                "first": b.first_change,
                "last": b.last_change,
                "result": b.result,
                "content_digest": b.content_digest,
                "reason": b.reason,
                "detail": b.detail,
            }
            for b in receipt.bundles
        ],
        rejected=[
            {"table": r.table, "id": r.id, "rev": r.rev, "reason": r.reason, "detail": r.detail}
            for r in receipt.rejected
        ],
        handovers=[
            {"table": h.table, "id": h.id, "new_owner": h.new_owner, "detail": h.detail}
            for h in receipt.handovers
        ],
        key_notices=[
            {
                "kind": n.kind,
                "key_id": n.key_id,
                "statement": _codec.b64encode(n.statement),
                "detail": n.detail,
            }
            for n in receipt.key_notices
        ],
    )
    return body


def create_receipt(receipt: Receipt, signing_key: KeySet, center_keys: PublicKeySet) -> bytes:
    """Sign ``receipt`` with the province's key and seal it to the center's public keys."""
    _codec.check_ident(receipt.province_id, "province id")
    _codec.check_ident(receipt.province_epoch, "province epoch")
    _codec.check_ident(receipt.center_id, "center id")
    _codec.check_ident(receipt.center_epoch, "center epoch")
    if receipt.seq < 1 or receipt.applied_through < 0:
        raise ValueError("seq starts at 1; applied_through is 0 or more")
    manifest = {
        "province": receipt.province_id,
        "epoch": receipt.province_epoch,
        "center": receipt.center_id,
        "seq": receipt.seq,
        "created_at": _codec.display_timestamp(receipt.created_at),
    }
    plaintext = _codec.canonical_json(_body(receipt))
    return _envelope.seal(Kind.RECEIPT, manifest, plaintext, signing_key, [center_keys])


def receipt_file_name(center_id: str, seq: int) -> str:
    return f"{center_id}-receipt-{seq:06d}{RECEIPT_SUFFIX}"


def write_receipt(
    path_or_dir: str | os.PathLike[str],
    receipt: Receipt,
    signing_key: KeySet,
    center_keys: PublicKeySet,
    *,
    overwrite: bool = False,
) -> Path:
    """Write a receipt atomically (into a folder, it is named :func:`receipt_file_name`)."""
    data = create_receipt(receipt, signing_key, center_keys)
    target = Path(path_or_dir)
    if target.is_dir():
        target = target / receipt_file_name(receipt.center_id, receipt.seq)
    try:
        return write_atomically(target, data, mode=0o644, overwrite=overwrite)
    except FileExistsError:
        raise FileExistsSyncError(str(target), path=str(target)) from None


def _parse_body(
    plaintext: bytes,
    *,
    province_id: str,
    province_epoch: str,
    center_id: str,
    seq: int,
    created_at: str,
) -> Receipt:
    document = _codec.parse_json_object(plaintext, BadPayloadError, "receipt")
    top = _codec.FieldReader(document, BadPayloadError, "receipt")
    center_epoch = top.ident("center_epoch")
    applied_through = top.integer("applied_through", minimum=0)
    resend_from = top.optional_integer("resend_from", minimum=1)
    bundles = []
    for i, raw in enumerate(top.items("bundles", max_items=_MAX_ITEMS)):
        r = top.child(raw, f"bundle {i}")
        bundles.append(
            BundleResult(
                epoch=r.ident("epoch"),
                seq=r.integer("seq", minimum=1),
                first_change=r.integer("first", minimum=1),
                last_change=r.integer("last", minimum=0),
                result=r.text("result", max_length=32),
                content_digest=r.text("content_digest", max_length=64, allow_empty=True),
                reason=r.text("reason", max_length=64, allow_empty=True),
                detail=r.text("detail", max_length=2000, allow_empty=True),
            )
        )
    rejected = []
    for i, raw in enumerate(top.items("rejected", max_items=_MAX_ITEMS)):
        r = top.child(raw, f"rejected {i}")
        rejected.append(
            RejectedRecord(
                table=r.text("table", max_length=64),
                id=r.ident("id"),
                rev=r.integer("rev", minimum=0),
                reason=r.text("reason", max_length=64),
                detail=r.text("detail", max_length=2000, allow_empty=True),
            )
        )
    handovers = []
    for i, raw in enumerate(top.items("handovers", max_items=_MAX_ITEMS)):
        r = top.child(raw, f"handover {i}")
        handovers.append(
            Handover(
                table=r.text("table", max_length=64),
                id=r.ident("id"),
                new_owner=r.ident("new_owner"),
                detail=r.text("detail", max_length=2000, allow_empty=True),
            )
        )
    notices = []
    for i, raw in enumerate(top.items("key_notices", max_items=1000)):
        r = top.child(raw, f"key notice {i}")
        notices.append(
            KeyNotice(
                kind=r.text("kind", max_length=32),
                key_id=r.text("key_id", max_length=64),
                statement=r.b64("statement", max_length=1 << 20),
                detail=r.text("detail", max_length=2000, allow_empty=True),
            )
        )
    return Receipt(
        province_id=province_id,
        province_epoch=province_epoch,
        center_id=center_id,
        seq=seq,
        center_epoch=center_epoch,
        applied_through=applied_through,
        resend_from=resend_from,
        bundles=tuple(bundles),
        rejected=tuple(rejected),
        handovers=tuple(handovers),
        key_notices=tuple(notices),
        created_at=created_at,
        extra=top.extra(),
    )


def open_receipt(
    data: bytes,
    *,
    trusted_keys: TrustLookup,
    recipient_private_key: KeySet | Sequence[KeySet],
    center_id: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedReceipt:
    """Verify and decrypt a receipt at the center.

    ``trusted_keys(province_id)`` gives the province keys from the enrolment answer (and later
    rotations). ``center_id``, when given, refuses a receipt addressed to another center
    (``wrong_center``). Same check order and exceptions as :func:`~.bundle.open_bundle`.
    """
    sealed = _envelope.unpack_sealed(data, Kind.RECEIPT, limits)
    reader = sealed.reader
    province_id = reader.ident("province")
    province_epoch = reader.ident("epoch")
    addressee = reader.ident("center")
    seq = reader.integer("seq", minimum=1)
    created_at = reader.text("created_at", max_length=64, allow_empty=True)
    if center_id is not None and addressee != center_id:
        raise WrongAddresseeError(f"receipt for {addressee}", addressee=addressee, site=center_id)
    signer = _envelope.check_signer(
        trusted_keys, province_id, sealed.key_id, epoch=province_epoch, seq=seq
    )
    _envelope.verify_sealed_signature(sealed, signer)
    _envelope.verify_payload_digest(sealed)
    plaintext, _opened_with = _envelope.decrypt_payload(sealed, recipient_private_key)
    receipt = _parse_body(
        plaintext,
        province_id=province_id,
        province_epoch=province_epoch,
        center_id=addressee,
        seq=seq,
        created_at=created_at,
    )
    return VerifiedReceipt(receipt=receipt, key_id=sealed.key_id, file_sha256=sealed.file_sha256)


def open_receipt_file(
    path: str | os.PathLike[str],
    *,
    trusted_keys: TrustLookup,
    recipient_private_key: KeySet | Sequence[KeySet],
    center_id: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedReceipt:
    """:func:`open_receipt` on a file, refusing an oversized file before reading it."""
    return open_receipt(
        read_sync_file(path, limits),
        trusted_keys=trusted_keys,
        recipient_private_key=recipient_private_key,
        center_id=center_id,
        limits=limits,
    )
