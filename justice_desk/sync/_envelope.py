"""Signed manifests and HPKE-sealed payloads, shared by bundles and receipts.

A *sealed* file has four members::

    manifest.json      canonical JSON, cleartext, no personal data
    signature.ed25519  Ed25519 over (label, manifest.json, recipients.hpke)
    recipients.hpke    for each recipient in manifest["recipients"], in order: HPKE-sealed
                       payload key (80 bytes), HPKE info = label + manifest.json
    payload.bin        ChaCha20-Poly1305 under the payload key of zlib(plaintext)

This is the key-encapsulation pattern of MLS Welcome messages and ``age``: one payload, one
random payload key, sealed to each recipient with HPKE (RFC 9180, as implemented by
``cryptography``; nothing of HPKE is re-implemented here). The manifest carries SHA-256 of
payload.bin, so the manifest cannot be the AEAD associated data of the payload (it would have
to contain its own hash); instead it is the HPKE ``info`` of every key wrap. Consequence: a
center that copies someone else's payload and wraps under a manifest naming itself, and signs
that, gets a file whose wraps no longer open (``decrypt_failed``). The signature covers the
wraps too, so every byte of the file is either signed or hashed in the signed manifest.

A *signed document* (enrolment, rotation, revocation) has ``manifest.json`` and one or more
signature members; nothing in it is secret.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from justice_desk.sync import _codec, container
from justice_desk.sync.container import Kind, Limits
from justice_desk.sync.exceptions import (
    BadContainerError,
    BadPayloadError,
    BadSignatureError,
    DecryptFailedError,
    DigestMismatchError,
    RevokedKeyError,
    TooLargeError,
    UnknownCenterError,
    UnknownKeyError,
    WrongRecipientError,
)
from justice_desk.sync.keys import KEY_ID_LENGTH, KeySet, PublicKeySet, TrustedKey, TrustLookup

# X25519 + HKDF-SHA256 + ChaCha20-Poly1305: constant time without AES instructions, which
# many of the centers' older laptops lack.
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
PAYLOAD_KEY_SIZE = 32
TAG_SIZE = 16
WRAP_SIZE = hpke.KEM.X25519.enc_length() + PAYLOAD_KEY_SIZE + TAG_SIZE
SIGNATURE_SIZE = 64
# Each payload key encrypts exactly one payload, so a fixed nonce is never reused.
_PAYLOAD_NONCE = bytes(12)
COMPRESS_LEVEL = 6  # zlib's default: most of the gain, a fraction of level 9's time

_KEY_ID = re.compile(f"[0-9a-f]{{{KEY_ID_LENGTH}}}")

MANIFEST = "manifest.json"
SIGNATURE = "signature.ed25519"
RECIPIENTS = "recipients.hpke"
PAYLOAD = "payload.bin"

_COMMON_FIELDS = ("format", "kind", "key", "recipients", "payload_sha256", "plain_size")


def label(kind: Kind, purpose: str) -> bytes:
    """Domain separation: a signature or key made for one purpose never verifies another."""
    return f"JusticeDesk/{container.FORMAT_VERSION}/{kind.value}/{purpose}".encode("ascii") + b"\0"


def sealed_signed_message(kind: Kind, manifest_bytes: bytes, wraps: bytes) -> bytes:
    """The exact bytes the Ed25519 signature of a sealed file covers."""
    return (
        label(kind, "signature") + len(manifest_bytes).to_bytes(4, "big") + manifest_bytes + wraps
    )


def hpke_info(kind: Kind, manifest_bytes: bytes) -> bytes:
    """HPKE ``info`` for the key wraps: binds them to this exact manifest."""
    return label(kind, "hpke-info") + manifest_bytes


def document_signed_message(kind: Kind, member: str, manifest_bytes: bytes) -> bytes:
    """The bytes a signed document's ``member`` signature covers (role in the label)."""
    return label(kind, f"signature/{member}") + manifest_bytes


# --- writing ----------------------------------------------------------------------------------


def seal(
    kind: Kind,
    manifest: Mapping[str, Any],
    plaintext: bytes,
    signer: KeySet,
    recipients: Sequence[PublicKeySet],
) -> bytes:
    """Compress, encrypt and sign ``plaintext``; ``manifest`` holds the kind-specific fields."""
    compressed = zlib.compress(plaintext, COMPRESS_LEVEL)
    return seal_compressed(kind, manifest, compressed, len(plaintext), signer, recipients)


def seal_compressed(
    kind: Kind,
    manifest: Mapping[str, Any],
    compressed: bytes,
    plain_size: int,
    signer: KeySet,
    recipients: Sequence[PublicKeySet],
) -> bytes:
    """:func:`seal` for an already zlib-compressed payload of ``plain_size`` bytes."""
    if not recipients:
        raise ValueError("a sealed file needs at least one recipient")
    recipient_ids = [r.key_id for r in recipients]
    if len(set(recipient_ids)) != len(recipient_ids):
        raise ValueError("the same recipient key is listed twice")
    clash = set(manifest) & set(_COMMON_FIELDS)
    if clash:
        raise ValueError(f"fields set by the envelope: {sorted(clash)}")

    payload_key = os.urandom(PAYLOAD_KEY_SIZE)
    payload = ChaCha20Poly1305(payload_key).encrypt(
        _PAYLOAD_NONCE, compressed, label(kind, "payload")
    )
    full = dict(manifest)
    full.update(
        format=container.FORMAT_VERSION,
        kind=kind.value,
        key=signer.key_id,
        recipients=recipient_ids,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        plain_size=plain_size,
    )
    manifest_bytes = _codec.canonical_json(full)
    info = hpke_info(kind, manifest_bytes)
    wraps = b"".join(SUITE.encrypt(payload_key, r.hpke_key(), info=info) for r in recipients)
    signature = signer.sign(sealed_signed_message(kind, manifest_bytes, wraps))
    return container.pack(
        kind,
        [
            (MANIFEST, manifest_bytes),
            (SIGNATURE, signature),
            (RECIPIENTS, wraps),
            (PAYLOAD, payload),
        ],
    )


def sign_document(
    kind: Kind, manifest: Mapping[str, Any], signers: Sequence[tuple[str, KeySet]]
) -> bytes:
    """Sign a cleartext manifest with one or more keys, each under its own member name."""
    full = dict(manifest)
    full.update(format=container.FORMAT_VERSION, kind=kind.value)
    manifest_bytes = _codec.canonical_json(full)
    members = [(MANIFEST, manifest_bytes)]
    for member, keys in signers:
        members.append((member, keys.sign(document_signed_message(kind, member, manifest_bytes))))
    return container.pack(kind, members)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealedFile:
    """A sealed file whose container and common manifest fields are sane (nothing verified)."""

    kind: Kind
    manifest_bytes: bytes
    reader: _codec.FieldReader
    signature: bytes
    wraps: bytes
    payload: bytes
    key_id: str
    recipients: tuple[str, ...]
    payload_sha256: str
    plain_size: int
    file_sha256: str


def _read_header(reader: _codec.FieldReader, kind: Kind, version: int) -> None:
    if reader.integer("format") != version:
        reader.fail("manifest format differs from the container's")
    if reader.text("kind", max_length=64) != kind.value:
        reader.fail("manifest kind differs from the container's")


def _key_id_field(reader: _codec.FieldReader, key: str) -> str:
    return reader.hexdigest(key, KEY_ID_LENGTH)


def unpack_sealed(data: bytes, kind: Kind, limits: Limits) -> SealedFile:
    """Container sanity and common manifest checks of a sealed file (docs/sync.md §6, step 1)."""
    unpacked = container.unpack(
        data,
        kind,
        {
            MANIFEST: limits.max_manifest_bytes,
            SIGNATURE: SIGNATURE_SIZE,
            RECIPIENTS: WRAP_SIZE * limits.max_recipients,
            PAYLOAD: limits.max_file_bytes,
        },
        limits,
    )
    members = unpacked.members
    manifest_bytes = members[MANIFEST]
    manifest = _codec.parse_json_object(manifest_bytes, BadContainerError, "manifest")
    reader = _codec.FieldReader(manifest, BadContainerError, "manifest")
    _read_header(reader, kind, unpacked.version)
    key_id = _key_id_field(reader, "key")
    raw_recipients = reader.items("recipients", max_items=limits.max_recipients)
    if not raw_recipients:
        reader.fail("no recipients")
    recipients = []
    for value in raw_recipients:
        if not isinstance(value, str) or not _KEY_ID.fullmatch(value):
            reader.fail("a recipient is not a key id")
        recipients.append(value)
    if len(set(recipients)) != len(recipients):
        reader.fail("a recipient is listed twice")
    payload_sha256 = reader.hexdigest("payload_sha256", 64)
    plain_size = reader.integer("plain_size", minimum=0)

    if len(members[SIGNATURE]) != SIGNATURE_SIZE:
        raise BadContainerError(f"signature is {len(members[SIGNATURE])} bytes")
    if len(members[RECIPIENTS]) != WRAP_SIZE * len(recipients):
        raise BadContainerError("recipient keys do not match the manifest")
    if len(members[PAYLOAD]) < TAG_SIZE:
        raise BadContainerError("payload shorter than its authentication tag")
    # The decompressed size is announced (and later signed): refuse a bomb before decrypting.
    if plain_size > limits.max_plain_bytes:
        raise TooLargeError(
            f"announced plain size {plain_size} > {limits.max_plain_bytes}",
            what=f"{plain_size} bytes uncompressed",
        )
    return SealedFile(
        kind=kind,
        manifest_bytes=manifest_bytes,
        reader=reader,
        signature=members[SIGNATURE],
        wraps=members[RECIPIENTS],
        payload=members[PAYLOAD],
        key_id=key_id,
        recipients=tuple(recipients),
        payload_sha256=payload_sha256,
        plain_size=plain_size,
        file_sha256=unpacked.sha256,
    )


def check_signer(
    lookup: TrustLookup,
    site_id: str,
    key_id: str,
    *,
    epoch: str | None = None,
    seq: int | None = None,
) -> PublicKeySet:
    """Step 2: the site and key are enrolled and the key is not revoked at (epoch, seq).

    Without ``epoch``/``seq`` (documents that are not in a sequence) any revocation refuses.
    """
    keys = lookup(site_id)
    if keys is None:
        raise UnknownCenterError(f"site {site_id}", site=site_id)
    trusted: TrustedKey | None = keys.get(key_id)
    if trusted is None:
        raise UnknownKeyError(f"site {site_id} key {key_id}", site=site_id, key_id=key_id)
    if trusted.revocation is not None and not trusted.revocation.allows(epoch, seq):
        raise RevokedKeyError(
            f"site {site_id} key {key_id} at epoch {epoch} seq {seq}", site=site_id, key_id=key_id
        )
    if trusted.public_keys.key_id != key_id:
        # The caller's directory is keyed wrongly; refusing beats verifying with a wrong key.
        raise UnknownKeyError(
            f"directory maps {key_id} to another key", site=site_id, key_id=key_id
        )
    return trusted.public_keys


def verify_sealed_signature(sealed: SealedFile, signer: PublicKeySet) -> None:
    """Step 3: the signature covers the manifest and the key wraps."""
    message = sealed_signed_message(sealed.kind, sealed.manifest_bytes, sealed.wraps)
    if not signer.verify(sealed.signature, message):
        raise BadSignatureError(f"{sealed.kind.value} signature by {sealed.key_id}")


def verify_payload_digest(sealed: SealedFile) -> None:
    """Step 4: the payload is the one the signed manifest names."""
    if hashlib.sha256(sealed.payload).hexdigest() != sealed.payload_sha256:
        raise DigestMismatchError("payload SHA-256 differs from the manifest")


def decrypt_payload(
    sealed: SealedFile, private_keys: KeySet | Sequence[KeySet]
) -> tuple[bytes, str]:
    """Step 5: unwrap the payload key, decrypt, decompress with a hard output cap.

    Returns the plaintext and the key id that opened it.
    """
    candidates = [private_keys] if isinstance(private_keys, KeySet) else list(private_keys)
    chosen: tuple[int, KeySet] | None = None
    for keys in candidates:
        if keys.key_id in sealed.recipients:
            chosen = (sealed.recipients.index(keys.key_id), keys)
            break
    if chosen is None:
        raise WrongRecipientError(
            f"sealed for {list(sealed.recipients)}", recipients=", ".join(sealed.recipients)
        )
    index, keys = chosen
    wrap = sealed.wraps[index * WRAP_SIZE : (index + 1) * WRAP_SIZE]
    try:
        payload_key = SUITE.decrypt(
            wrap, keys.hpke, info=hpke_info(sealed.kind, sealed.manifest_bytes)
        )
        compressed = ChaCha20Poly1305(payload_key).decrypt(
            _PAYLOAD_NONCE, sealed.payload, label(sealed.kind, "payload")
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptFailedError(f"{type(exc).__name__} with key {keys.key_id}") from None
    return _decompress(compressed, sealed.plain_size), keys.key_id


def _decompress(compressed: bytes, announced: int) -> bytes:
    """Inflate at most ``announced + 1`` bytes: memory stays bounded whatever the input."""
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(compressed, announced + 1)
    except zlib.error as exc:
        raise BadPayloadError(f"zlib: {exc}") from None
    if len(plain) > announced or inflater.unconsumed_tail:
        raise TooLargeError(
            f"payload inflates past the announced {announced} bytes",
            what=f"more than {announced} bytes uncompressed",
        )
    if not inflater.eof or inflater.unused_data:
        raise BadPayloadError("compressed payload is incomplete or has trailing data")
    if len(plain) != announced:
        raise BadPayloadError(f"payload is {len(plain)} bytes, manifest says {announced}")
    return plain


@dataclass(frozen=True)
class SignedDocument:
    """A signed document whose container and header are sane (signatures not yet checked)."""

    kind: Kind
    manifest_bytes: bytes
    reader: _codec.FieldReader
    signatures: Mapping[str, bytes]
    file_sha256: str


def unpack_document(
    data: bytes, kind: Kind, signature_members: Sequence[str], limits: Limits
) -> SignedDocument:
    """Container sanity for a signed document with the given signature members."""
    layout = {MANIFEST: limits.max_manifest_bytes}
    layout.update({name: SIGNATURE_SIZE for name in signature_members})
    unpacked = container.unpack(data, kind, layout, limits)
    manifest_bytes = unpacked.members[MANIFEST]
    manifest = _codec.parse_json_object(manifest_bytes, BadContainerError, "manifest")
    reader = _codec.FieldReader(manifest, BadContainerError, "manifest")
    _read_header(reader, kind, unpacked.version)
    signatures = {name: unpacked.members[name] for name in signature_members}
    for name, signature in signatures.items():
        if len(signature) != SIGNATURE_SIZE:
            raise BadContainerError(f"{name} is {len(signature)} bytes")
    return SignedDocument(kind, manifest_bytes, reader, signatures, unpacked.sha256)


def verify_document_signature(doc: SignedDocument, member: str, signer: PublicKeySet) -> None:
    """Check one named signature of a signed document."""
    message = document_signed_message(doc.kind, member, doc.manifest_bytes)
    if not signer.verify(doc.signatures[member], message):
        raise BadSignatureError(f"{doc.kind.value} {member} by {signer.key_id}")
