"""Enrolment, key rotation and key revocation files (docs/sync.md §9).

* **Enrolment request** (center -> province): center id, code, name and public keys, signed by
  the center's own new key. The signature only proves the sender holds the key; trust comes
  from a person reading the fingerprint aloud by phone or in person.
* **Enrolment answer** (province -> center): the province's id, name and public keys, plus any
  escrow keys bundles must also be sealed to, signed by the province and naming the request
  it answers.
* **Key rotation**: a statement naming the old key id and the new public keys, signed by BOTH
  the old and the new key (as TUF does): the old signature proves the change comes from the
  enrolled site, the new one proves the new key's holder agreed.
* **Revocation**: by key id and a counter, never by date (laptop clocks are wrong). Files the
  key signed up to ``last_good_seq`` in ``last_good_epoch`` remain acceptable; ``number`` orders
  the province's revocation records.

These files are signed, not sealed: they contain no personal data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from justice_desk import __version__
from justice_desk.sync import _codec, _envelope
from justice_desk.sync._files import write_atomically
from justice_desk.sync.container import DEFAULT_LIMITS, SUFFIXES, Kind, Limits
from justice_desk.sync.exceptions import (
    BadContainerError,
    FileExistsSyncError,
    FingerprintMismatchError,
    WrongAddresseeError,
)
from justice_desk.sync.keys import (
    KeySet,
    PublicKeySet,
    RevocationCutoff,
    TrustedKey,
    TrustLookup,
    normalize_fingerprint,
)

SIGNATURE = _envelope.SIGNATURE
OLD_SIGNATURE = "signature-old.ed25519"
NEW_SIGNATURE = "signature-new.ed25519"
_MAX_ESCROW = 4


def _write(path_or_dir: str | os.PathLike[str], name: str, data: bytes, overwrite: bool) -> Path:
    target = Path(path_or_dir)
    if target.is_dir():
        target = target / name
    try:
        return write_atomically(target, data, mode=0o644, overwrite=overwrite)
    except FileExistsError:
        raise FileExistsSyncError(str(target), path=str(target)) from None


def _check_fingerprint(found: str, expected: str | None) -> None:
    if expected is not None and normalize_fingerprint(expected) != found:
        raise FingerprintMismatchError(
            f"{found} != {expected}", found=found, expected=normalize_fingerprint(expected)
        )


def _public_keys(reader: _codec.FieldReader, key: str) -> PublicKeySet:
    return PublicKeySet.from_dict(reader.mapping(key), BadContainerError)


# --- enrolment request ------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentRequest:
    """A center asking to be enrolled. Verified self-signature; trust needs the fingerprint."""

    center_id: str
    code: str
    name: str
    public_keys: PublicKeySet
    created_at: str
    app_version: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key_id(self) -> str:
        return self.public_keys.key_id

    @property
    def fingerprint(self) -> str:
        return self.public_keys.fingerprint


def create_enrolment_request(
    center_id: str,
    code: str,
    name: str,
    keys: KeySet,
    *,
    created_at: datetime | str | None = None,
) -> bytes:
    """Make a center's enrolment request, self-signed with its new key."""
    manifest = {
        "center": _codec.check_ident(center_id, "center id"),
        "code": _codec.check_text(code, "center code", max_length=64),
        "name": _codec.check_text(name, "center name", max_length=300),
        "keys": keys.public.to_dict(),
        "created_at": _codec.display_timestamp(created_at),
        "app": __version__,
    }
    return _envelope.sign_document(Kind.ENROLMENT_REQUEST, manifest, [(SIGNATURE, keys)])


def write_enrolment_request(
    path_or_dir: str | os.PathLike[str],
    center_id: str,
    code: str,
    name: str,
    keys: KeySet,
    *,
    created_at: datetime | str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write an enrolment request atomically; in a folder it is ``<center>.jdenrol``."""
    data = create_enrolment_request(center_id, code, name, keys, created_at=created_at)
    return _write(path_or_dir, f"{center_id}{SUFFIXES[Kind.ENROLMENT_REQUEST]}", data, overwrite)


def open_enrolment_request(
    data: bytes, *, expected_fingerprint: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> EnrolmentRequest:
    """Check an enrolment request's structure and self-signature.

    Show :attr:`EnrolmentRequest.fingerprint` to the person at the province, who compares it
    with the one the center reads out; or pass it as ``expected_fingerprint``
    (``fingerprint_mismatch`` when it differs).
    """
    doc = _envelope.unpack_document(data, Kind.ENROLMENT_REQUEST, [SIGNATURE], limits)
    reader = doc.reader
    request = EnrolmentRequest(
        center_id=reader.ident("center"),
        code=reader.text("code", max_length=64),
        name=reader.text("name", max_length=300),
        public_keys=_public_keys(reader, "keys"),
        created_at=reader.text("created_at", max_length=64, allow_empty=True),
        app_version=reader.optional_text("app", max_length=64),
    )
    request = replace(request, extra=reader.extra())
    _envelope.verify_document_signature(doc, SIGNATURE, request.public_keys)
    _check_fingerprint(request.fingerprint, expected_fingerprint)
    return request


# --- enrolment answer -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentAnswer:
    """The province's answer: its keys, and the escrow keys bundles must also be sealed to."""

    province_id: str
    province_name: str
    province_keys: PublicKeySet
    escrow_keys: tuple[PublicKeySet, ...]
    center_id: str
    center_key_id: str
    created_at: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key_id(self) -> str:
        return self.province_keys.key_id

    @property
    def fingerprint(self) -> str:
        return self.province_keys.fingerprint

    @property
    def recipients(self) -> tuple[PublicKeySet, ...]:
        """The keys a center seals its bundles to: the province first, then escrow."""
        return (self.province_keys, *self.escrow_keys)

    def trusted_keys(self) -> dict[str, TrustedKey]:
        """The province's signing key as a trust-directory entry (for :func:`open_receipt`)."""
        return {self.key_id: TrustedKey(self.province_keys)}


def create_enrolment_answer(
    request: EnrolmentRequest,
    *,
    province_id: str,
    province_name: str,
    keys: KeySet,
    escrow_keys: Sequence[PublicKeySet] = (),
    created_at: datetime | str | None = None,
) -> bytes:
    """Answer a verified, fingerprint-confirmed request, signed with the province's key."""
    if len(escrow_keys) > _MAX_ESCROW:
        raise ValueError(f"at most {_MAX_ESCROW} escrow keys")
    manifest = {
        "province": _codec.check_ident(province_id, "province id"),
        "name": _codec.check_text(province_name, "province name", max_length=300),
        "keys": keys.public.to_dict(),
        "escrow": [k.to_dict() for k in escrow_keys],
        "center": request.center_id,
        "center_key": request.key_id,
        "created_at": _codec.display_timestamp(created_at),
        "app": __version__,
    }
    return _envelope.sign_document(Kind.ENROLMENT_ANSWER, manifest, [(SIGNATURE, keys)])


def write_enrolment_answer(
    path_or_dir: str | os.PathLike[str],
    request: EnrolmentRequest,
    *,
    province_id: str,
    province_name: str,
    keys: KeySet,
    escrow_keys: Sequence[PublicKeySet] = (),
    created_at: datetime | str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write an enrolment answer atomically; in a folder it is ``<center>.jdanswer``."""
    data = create_enrolment_answer(
        request,
        province_id=province_id,
        province_name=province_name,
        keys=keys,
        escrow_keys=escrow_keys,
        created_at=created_at,
    )
    name = f"{request.center_id}{SUFFIXES[Kind.ENROLMENT_ANSWER]}"
    return _write(path_or_dir, name, data, overwrite)


def open_enrolment_answer(
    data: bytes,
    *,
    center_id: str,
    center_key_id: str,
    expected_fingerprint: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> EnrolmentAnswer:
    """Check the province's answer to *this* center's request (``wrong_center`` otherwise).

    The signature proves the file was signed by the province key it carries; show
    :attr:`EnrolmentAnswer.fingerprint` for confirmation, or pass ``expected_fingerprint``.
    """
    doc = _envelope.unpack_document(data, Kind.ENROLMENT_ANSWER, [SIGNATURE], limits)
    reader = doc.reader
    province_id = reader.ident("province")
    province_name = reader.text("name", max_length=300)
    province_keys = _public_keys(reader, "keys")
    escrow = tuple(
        PublicKeySet.from_dict(item, BadContainerError)
        for item in reader.items("escrow", max_items=_MAX_ESCROW)
    )
    answered_center = reader.ident("center")
    answered_key = reader.hexdigest("center_key", len(center_key_id))
    created_at = reader.text("created_at", max_length=64, allow_empty=True)
    reader.optional_text("app", max_length=64)
    _envelope.verify_document_signature(doc, SIGNATURE, province_keys)
    if answered_center != center_id or answered_key != center_key_id:
        raise WrongAddresseeError(
            f"answer for {answered_center}/{answered_key}",
            addressee=f"{answered_center} ({answered_key})",
            site=f"{center_id} ({center_key_id})",
        )
    answer = EnrolmentAnswer(
        province_id=province_id,
        province_name=province_name,
        province_keys=province_keys,
        escrow_keys=escrow,
        center_id=answered_center,
        center_key_id=answered_key,
        created_at=created_at,
        extra=reader.extra(),
    )
    _check_fingerprint(answer.fingerprint, expected_fingerprint)
    return answer


# --- key rotation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRotation:
    """A verified statement: ``site_id`` replaces key ``old_key_id`` by ``new_keys``."""

    site_id: str
    old_key_id: str
    new_keys: PublicKeySet
    reason: str
    created_at: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: The last bundle the old key signed (epoch and seq): the old key verifies nothing newer.
    #: ``None`` in a statement from a version that did not say.
    last_epoch: str | None = None
    last_seq: int | None = None

    @property
    def new_key_id(self) -> str:
        return self.new_keys.key_id


def create_key_rotation(
    site_id: str,
    old_keys: KeySet,
    new_keys: KeySet,
    *,
    reason: str = "",
    created_at: datetime | str | None = None,
    last_epoch: str = "",
    last_seq: int = 0,
) -> bytes:
    """A rotation statement signed by both the old and the new key. ``last_epoch`` and
    ``last_seq`` name the last bundle the old key signed: the province accepts nothing newer
    signed by it (bundles still travelling are older)."""
    if old_keys.key_id == new_keys.key_id:
        raise ValueError("the new keys are the old keys")
    if not 0 <= last_seq <= _codec.MAX_COUNTER:
        raise ValueError("last_seq out of range")
    manifest = {
        "site": _codec.check_ident(site_id, "site id"),
        "old_key": old_keys.key_id,
        "new_keys": new_keys.public.to_dict(),
        "reason": _codec.check_text(reason, "reason", max_length=1000, allow_empty=True),
        "created_at": _codec.display_timestamp(created_at),
        "last_epoch": _codec.check_text(last_epoch, "last epoch", max_length=64, allow_empty=True),
        "last_seq": last_seq,
    }
    return _envelope.sign_document(
        Kind.KEY_ROTATION, manifest, [(OLD_SIGNATURE, old_keys), (NEW_SIGNATURE, new_keys)]
    )


def write_key_rotation(
    path_or_dir: str | os.PathLike[str],
    site_id: str,
    old_keys: KeySet,
    new_keys: KeySet,
    *,
    reason: str = "",
    created_at: datetime | str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a rotation statement; in a folder it is ``<site>-<new key id>.jdrotate``."""
    data = create_key_rotation(site_id, old_keys, new_keys, reason=reason, created_at=created_at)
    name = f"{site_id}-{new_keys.key_id}{SUFFIXES[Kind.KEY_ROTATION]}"
    return _write(path_or_dir, name, data, overwrite)


def open_key_rotation(
    data: bytes, *, trusted_keys: TrustLookup, limits: Limits = DEFAULT_LIMITS
) -> KeyRotation:
    """Verify a rotation: the old key is enrolled and not revoked, and BOTH signatures hold.

    A statement missing either signature is refused as ``bad_container``; a wrong one as
    ``bad_signature``; a revoked old key cannot vouch for a new one (``revoked_key``).
    """
    doc = _envelope.unpack_document(data, Kind.KEY_ROTATION, [OLD_SIGNATURE, NEW_SIGNATURE], limits)
    reader = doc.reader
    site_id = reader.ident("site")
    old_key_id = reader.hexdigest("old_key", 16)
    new_keys = _public_keys(reader, "new_keys")
    reason = reader.text("reason", max_length=1000, allow_empty=True)
    created_at = reader.text("created_at", max_length=64, allow_empty=True)
    last_epoch = (
        reader.text("last_epoch", max_length=64, allow_empty=True)
        if reader.has("last_epoch")
        else None
    )
    last_seq = reader.optional_integer("last_seq", minimum=0)
    if last_seq is not None and last_seq > _codec.MAX_COUNTER:
        reader.fail("field 'last_seq' is out of range")
    if new_keys.key_id == old_key_id:
        reader.fail("new keys equal the old keys")
    # No epoch/seq: a key under any revocation must not be able to appoint its successor.
    old_keys = _envelope.check_signer(trusted_keys, site_id, old_key_id)
    _envelope.verify_document_signature(doc, OLD_SIGNATURE, old_keys)
    _envelope.verify_document_signature(doc, NEW_SIGNATURE, new_keys)
    return KeyRotation(
        site_id=site_id,
        old_key_id=old_key_id,
        new_keys=new_keys,
        reason=reason,
        created_at=created_at,
        extra=reader.extra(),
        last_epoch=last_epoch or None,
        last_seq=last_seq,
    )


# --- revocation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revocation:
    """A verified revocation of ``revoked_key_id`` of ``site_id``, issued by ``issuer_id``."""

    issuer_id: str
    issuer_key_id: str
    site_id: str
    revoked_key_id: str
    number: int
    last_good_epoch: str | None
    last_good_seq: int
    reason: str
    created_at: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cutoff(self) -> RevocationCutoff:
        """What to put in the revoked key's :class:`TrustedKey`."""
        return RevocationCutoff(self.last_good_epoch, self.last_good_seq)

    def allows(self, epoch: str | None, seq: int | None) -> bool:
        """True for a file the key signed before the cut-off (by counter, never by date)."""
        return self.cutoff.allows(epoch, seq)


def create_revocation(
    *,
    issuer_id: str,
    signing_key: KeySet,
    site_id: str,
    revoked_key_id: str,
    number: int,
    last_good_epoch: str | None = None,
    last_good_seq: int = 0,
    reason: str = "",
    created_at: datetime | str | None = None,
) -> bytes:
    """A revocation record signed by the issuer (normally the province)."""
    if number < 1 or last_good_seq < 0:
        raise ValueError("number starts at 1; last_good_seq is 0 or more")
    if last_good_epoch is not None:
        _codec.check_ident(last_good_epoch, "last good epoch")
    manifest = {
        "issuer": _codec.check_ident(issuer_id, "issuer id"),
        "key": signing_key.key_id,
        "site": _codec.check_ident(site_id, "site id"),
        "revoked_key": _codec.check_ident(revoked_key_id, "revoked key id"),
        "number": number,
        "last_good_epoch": last_good_epoch,
        "last_good_seq": last_good_seq,
        "reason": _codec.check_text(reason, "reason", max_length=1000, allow_empty=True),
        "created_at": _codec.display_timestamp(created_at),
    }
    return _envelope.sign_document(Kind.KEY_REVOCATION, manifest, [(SIGNATURE, signing_key)])


def write_revocation(
    path_or_dir: str | os.PathLike[str],
    *,
    issuer_id: str,
    signing_key: KeySet,
    site_id: str,
    revoked_key_id: str,
    number: int,
    last_good_epoch: str | None = None,
    last_good_seq: int = 0,
    reason: str = "",
    created_at: datetime | str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write :func:`create_revocation` output; in a folder: ``<site>-<key>-<number>.jdrevoke``."""
    data = create_revocation(
        issuer_id=issuer_id,
        signing_key=signing_key,
        site_id=site_id,
        revoked_key_id=revoked_key_id,
        number=number,
        last_good_epoch=last_good_epoch,
        last_good_seq=last_good_seq,
        reason=reason,
        created_at=created_at,
    )
    name = f"{site_id}-{revoked_key_id}-{number:04d}{SUFFIXES[Kind.KEY_REVOCATION]}"
    return _write(path_or_dir, name, data, overwrite)


def open_revocation(
    data: bytes, *, trusted_keys: TrustLookup, limits: Limits = DEFAULT_LIMITS
) -> Revocation:
    """Verify a revocation record against the issuer's enrolled, unrevoked key."""
    doc = _envelope.unpack_document(data, Kind.KEY_REVOCATION, [SIGNATURE], limits)
    reader = doc.reader
    issuer = reader.ident("issuer")
    issuer_key = reader.hexdigest("key", 16)
    revocation = Revocation(
        issuer_id=issuer,
        issuer_key_id=issuer_key,
        site_id=reader.ident("site"),
        revoked_key_id=reader.ident("revoked_key"),
        number=reader.integer("number", minimum=1),
        last_good_epoch=reader.optional_ident("last_good_epoch"),
        last_good_seq=reader.integer("last_good_seq", minimum=0),
        reason=reader.text("reason", max_length=1000, allow_empty=True),
        created_at=reader.text("created_at", max_length=64, allow_empty=True),
    )
    revocation = replace(revocation, extra=reader.extra())
    issuer_keys = _envelope.check_signer(trusted_keys, issuer, issuer_key)
    _envelope.verify_document_signature(doc, SIGNATURE, issuer_keys)
    return revocation
