"""Receipts: the province's signed answer to a center, sealed to the center's own key.

One receipt per center says how far the province has applied that center's change log
(``applied_through`` within ``center_epoch``), what happened to each bundle, which records were
rejected and why, which records changed owner (an escalated dispute handed to the province),
notices about the province's keys, and the office's answers to cases the center escalated
(``answers``, an additive field: docs/sync-format.md §6), and the office's decisions on the
entries of its conflict list about the center (``decisions``, additive too: docs/sync.md §13).
The center shows "received by the
province through change N" and prunes nothing before that (docs/sync.md §8).

The result and reason values are plain strings so that an older center keeps a receipt from a
newer province instead of refusing it; the known values are listed below.
"""

from __future__ import annotations

import os
import re
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
#: An answer's or decision's ``rev`` and ``number`` are kept in the center's ``integer``
#: columns, which hold 32 bits on PostgreSQL: larger values are refused, never stored.
MAX_ANSWER_INTEGER = 2**31 - 1
#: Ids of answers, cases, decisions and records: UUIDs in their canonical spelling (lower case,
#: with hyphens), as in bundles (docs/sync-format.md §5), so one thing has one spelling.
_CANONICAL_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII
).fullmatch


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
class EscalationAnswer:
    """The office's answer to a case the center escalated (docs/sync.md §12).

    ``id`` is the answer's own id (made at the province, which owns it), ``case`` the center's
    case it answers; ``rev`` rises each time the office answers again, so the center keeps the
    newest. ``decision`` is a plain string (``accepted``, ``referred``, ``returned``,
    ``closed``), so that an older center keeps a newer value. ``answered_at`` is shown only.
    """

    id: str
    case: str
    rev: int
    decision: str
    note: str
    agency: str = ""
    officer: str = ""
    answered_at: str = ""


@dataclass(frozen=True)
class ProblemDecision:
    """An officer's decision on an entry of the province's conflict list (docs/sync.md §13).

    ``id`` is the decision's own id (made at the province, which owns it); ``problem`` the kind
    of entry (``conflict``: a version in the conflict list; ``gap``: a bundle held for missing
    changes) and ``number`` its number at the province; ``reason`` why it was listed. For a
    conflict, ``table``, ``record`` and ``record_rev`` name the version concerned; for a gap,
    ``seq``, ``first`` and ``last`` the held bundle (0 and empty strings when not applicable).
    ``rev`` rises each time the office decides again. ``decision`` is a plain string
    (``keep_center``, ``keep_province``, ``resend``, ``dismiss``), so that an older center keeps
    a newer value. ``decided_at`` is shown only.
    """

    id: str
    problem: str
    number: int
    reason: str
    rev: int
    decision: str
    note: str = ""
    officer: str = ""
    decided_at: str = ""
    table: str = ""
    record: str = ""
    record_rev: int = 0
    seq: int = 0
    first: int = 0
    last: int = 0


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
    #: The office's answers to this center's escalated cases (additive: absent when none).
    answers: tuple[EscalationAnswer, ...] = ()
    #: The office's decisions on the conflict list's entries about this center (additive:
    #: absent when none).
    decisions: tuple[ProblemDecision, ...] = ()
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
    # Additive (format §6, §10): written only when there is an answer, so that a receipt
    # without one is what every earlier version wrote and read.
    if receipt.answers:
        body["answers"] = [
            {
                "id": a.id,
                "case": a.case,
                "rev": a.rev,
                "decision": a.decision,
                "note": a.note,
                "agency": a.agency,
                "officer": a.officer,
                "answered_at": a.answered_at,
            }
            for a in receipt.answers
        ]
    if receipt.decisions:
        body["decisions"] = [
            {
                "id": d.id,
                "problem": d.problem,
                "number": d.number,
                "reason": d.reason,
                "rev": d.rev,
                "decision": d.decision,
                "note": d.note,
                "officer": d.officer,
                "decided_at": d.decided_at,
                "table": d.table,
                "record": d.record,
                "record_rev": d.record_rev,
                "seq": d.seq,
                "first": d.first,
                "last": d.last,
            }
            for d in receipt.decisions
        ]
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
    answers = []
    if top.has("answers"):
        for i, raw in enumerate(top.items("answers", max_items=100_000)):
            r = top.child(raw, f"answer {i}")
            answers.append(
                EscalationAnswer(
                    id=_uuid(r, "id"),
                    case=_uuid(r, "case"),
                    rev=r.integer("rev", minimum=1, maximum=MAX_ANSWER_INTEGER),
                    decision=r.text("decision", max_length=32),
                    note=r.text("note", max_length=4000, allow_empty=True),
                    agency=r.text("agency", max_length=400, allow_empty=True),
                    officer=r.text("officer", max_length=400, allow_empty=True),
                    answered_at=_timestamp(r, "answered_at"),
                )
            )
        _refuse_repeated(top, "answer", [a.id for a in answers])
    decisions = []
    if top.has("decisions"):
        for i, raw in enumerate(top.items("decisions", max_items=100_000)):
            r = top.child(raw, f"decision {i}")
            decisions.append(
                ProblemDecision(
                    id=_uuid(r, "id"),
                    problem=r.text("problem", max_length=16),
                    number=r.integer("number", minimum=1, maximum=MAX_ANSWER_INTEGER),
                    reason=r.text("reason", max_length=64),
                    rev=r.integer("rev", minimum=1, maximum=MAX_ANSWER_INTEGER),
                    decision=r.text("decision", max_length=32),
                    note=r.text("note", max_length=4000, allow_empty=True),
                    officer=r.text("officer", max_length=400, allow_empty=True),
                    decided_at=_timestamp(r, "decided_at"),
                    table=r.text("table", max_length=64, allow_empty=True),
                    record=_uuid(r, "record", allow_empty=True),
                    record_rev=r.integer("record_rev", minimum=0),
                    seq=r.integer("seq", minimum=0),
                    first=r.integer("first", minimum=0),
                    last=r.integer("last", minimum=0),
                )
            )
        _refuse_repeated(top, "decision", [d.id for d in decisions])
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
        answers=tuple(answers),
        decisions=tuple(decisions),
        created_at=created_at,
        extra=top.extra(),
    )


def _uuid(r: _codec.FieldReader, key: str, *, allow_empty: bool = False) -> str:
    """A UUID field in its canonical spelling; another spelling refuses the receipt."""
    value = r.text(key, max_length=64, allow_empty=allow_empty)
    if value and not _CANONICAL_UUID(value):
        r.fail(f"field {key!r} is not a UUID in its canonical form (lower case, with hyphens)")
    return value


def _timestamp(r: _codec.FieldReader, key: str) -> str:
    """An ISO 8601 time with its UTC offset (what the province writes), or empty (not said: the
    center shows when it received it); anything else refuses the receipt instead of being
    replaced by the center's clock."""
    value = r.text(key, max_length=64, allow_empty=True)
    if not value:
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        r.fail(f"field {key!r} is not an ISO 8601 time")
    if parsed.tzinfo is None:
        r.fail(f"field {key!r} has no UTC offset")
    return value


def _refuse_repeated(top: _codec.FieldReader, what: str, ids: list[str]) -> None:
    """Each answer (decision) appears once in a receipt: the same id twice refuses it."""
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            top.fail(f"{what} {value} appears twice")
        seen.add(value)


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
