"""A site's keys: Ed25519 to sign, X25519 to receive HPKE-sealed data (RFC 9180).

A *site* is a Community Justice Center or a Provincial Justice Office. Each site holds one
:class:`KeySet` (private) and publishes its :class:`PublicKeySet`. The key id is a short hash of
both public keys; the fingerprint is a longer hash written as digit groups, read aloud over the
phone when the province enrols a center.

Private key files are JSON, written atomically with mode 0600 and optionally sealed with a
passphrase (scrypt + ChaCha20-Poly1305, like ``age``). We do not use PKCS#8
``BestAvailableEncryption``: for PKCS#8 ``cryptography`` 50 uses PBKDF2 with a fixed 2048
rounds and offers no way to raise it, which is weak against guessing a short passphrase on a
stolen laptop.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from justice_desk.sync import _codec
from justice_desk.sync._files import write_atomically
from justice_desk.sync.exceptions import (
    BadContainerError,
    KeyFileError,
    KeyFileExistsError,
    PassphraseRequiredError,
    RejectedFileError,
    WrongPassphraseError,
)

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw

KEY_ID_LENGTH = 16  # hex digits = 64 bits: an id to look keys up by, not a security boundary
FINGERPRINT_GROUPS = 6  # 6 groups of 4 digits ~ 80 bits against a substituted key

KEY_FILE_FORMAT = "justice-desk-private-keys"
KEY_FILE_VERSION = 1
KEY_FILE_SUFFIX = ".jdkey"

# scrypt cost: about half a second on a 2020 laptop, 128 MiB; raised only with a new version.
SCRYPT_LOG_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
# A crafted key file must not make us allocate gigabytes before the passphrase check fails.
_SCRYPT_MAX_LOG_N = 20
_PROTECTED = "scrypt-chacha20poly1305"
_UNPROTECTED = "none"


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, _RAW_PUBLIC)


@dataclass(frozen=True)
class PublicKeySet:
    """A site's public keys, held as raw 32-byte values (so equality and hashing are exact)."""

    signing: bytes
    hpke: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.signing, bytes) or len(self.signing) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        if not isinstance(self.hpke, bytes) or len(self.hpke) != 32:
            raise ValueError("an X25519 public key is 32 bytes")
        # Fails for bytes that are not a point on the curve; X25519 accepts any 32 bytes.
        Ed25519PublicKey.from_public_bytes(self.signing)

    @property
    def key_id(self) -> str:
        return key_id(self)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self)

    def signing_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.signing)

    def hpke_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.hpke)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is this site's Ed25519 signature over ``message``."""
        try:
            self.signing_key().verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_dict(self) -> dict[str, str]:
        """The JSON form used inside enrolment files (base64 raw keys plus the key id)."""
        return {
            "signing": _codec.b64encode(self.signing),
            "hpke": _codec.b64encode(self.hpke),
            "key_id": self.key_id,
        }

    @classmethod
    def from_dict(
        cls, data: object, error: type[RejectedFileError] = BadContainerError
    ) -> PublicKeySet:
        """Parse :meth:`to_dict` output; a stated key id must match the keys."""
        if not isinstance(data, dict):
            raise error("public keys: not an object")
        reader = _codec.FieldReader(data, error, "public keys")
        signing = reader.b64("signing", max_length=64)
        hpke = reader.b64("hpke", max_length=64)
        try:
            keys = cls(signing=signing, hpke=hpke)
        except ValueError as exc:
            reader.fail(str(exc))
        if reader.has("key_id") and reader.text("key_id", max_length=64) != keys.key_id:
            reader.fail("key_id does not match the keys")
        return keys


@dataclass(frozen=True, eq=False)
class KeySet:
    """A site's private keys. Never log or display it; ``repr`` shows only the key id."""

    signing: Ed25519PrivateKey = field(repr=False)
    hpke: X25519PrivateKey = field(repr=False)

    @cached_property
    def public(self) -> PublicKeySet:
        return PublicKeySet(
            signing=_raw_public(self.signing.public_key()),
            hpke=_raw_public(self.hpke.public_key()),
        )

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self.signing.sign(message)

    def __repr__(self) -> str:
        return f"KeySet(key_id={self.key_id!r})"


def generate_keyset() -> KeySet:
    """Make a fresh key set (at center setup, at rotation, or for the province escrow)."""
    return KeySet(signing=Ed25519PrivateKey.generate(), hpke=X25519PrivateKey.generate())


def _key_hash(label: bytes, keys: PublicKeySet) -> bytes:
    # Domain separation: the id and the fingerprint are different hashes of the same keys.
    return hashlib.sha256(label + b"\x00" + keys.signing + keys.hpke).digest()


def key_id(keys: PublicKeySet) -> str:
    """Short id of a public key set: 16 lowercase hex digits of a SHA-256 over both keys."""
    return _key_hash(b"JusticeDesk key id v1", keys).hex()[:KEY_ID_LENGTH]


def fingerprint(keys: PublicKeySet) -> str:
    """The key fingerprint to read aloud: six groups of four digits, e.g. ``0412 9981 ...``.

    Digits, not words: they read the same in Thai and English and survive a bad phone line.
    Each group comes from 5 hash bytes reduced mod 10000 (bias below 1e-8).
    """
    digest = _key_hash(b"JusticeDesk fingerprint v1", keys)
    groups = []
    for i in range(FINGERPRINT_GROUPS):
        chunk = int.from_bytes(digest[i * 5 : i * 5 + 5], "big")
        groups.append(f"{chunk % 10000:04d}")
    return " ".join(groups)


def normalize_fingerprint(text: str) -> str:
    """A fingerprint as typed by a person (spaces, dashes, Thai digits) in canonical form."""
    digits = [str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None]
    joined = "".join(digits)
    return " ".join(joined[i : i + 4] for i in range(0, len(joined), 4))


# --- trust ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevocationCutoff:
    """Where a revoked key stops being accepted, by counter and never by date.

    Files signed by the key are still accepted up to and including ``last_good_seq`` within
    ``last_good_epoch`` (bundles made before the laptop was lost, still on their way).
    ``last_good_epoch=None`` accepts nothing more from the key.
    """

    last_good_epoch: str | None = None
    last_good_seq: int = 0

    def allows(self, epoch: str | None, seq: int | None) -> bool:
        if self.last_good_epoch is None or epoch is None or seq is None:
            return False
        return epoch == self.last_good_epoch and seq <= self.last_good_seq


@dataclass(frozen=True)
class TrustedKey:
    """One enrolled key of a site, as the caller's key directory knows it."""

    public_keys: PublicKeySet
    revocation: RevocationCutoff | None = None

    @property
    def revoked(self) -> bool:
        return self.revocation is not None


#: Given a site id, its enrolled keys by key id, or ``None`` when the site is not enrolled.
#: A plain ``dict[str, dict[str, TrustedKey]]``'s ``.get`` is a valid lookup.
TrustLookup = Callable[[str], Mapping[str, TrustedKey] | None]


# --- private key files ------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str) -> bytes:
    # The same-looking Thai text can arrive as different code points: SARA AM (U+0E33) from the
    # Kedmanee key, or NIKHAHIT + SARA AA from other keyboards and phones. Only NFKC unifies
    # these (NFC leaves SARA AM alone), so a passphrase typed on another keyboard still works.
    return unicodedata.normalize("NFKC", passphrase).encode("utf-8")


def _scrypt(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=1 << log_n, r=r, p=p)
    return kdf.derive(_passphrase_bytes(passphrase))


def private_keys_to_bytes(keys: KeySet, passphrase: str | None = None) -> bytes:
    """Serialise private keys to the key-file format, sealed when a passphrase is given."""
    secret = keys.signing.private_bytes(_RAW, _RAW_PRIVATE, serialization.NoEncryption())
    secret += keys.hpke.private_bytes(_RAW, _RAW_PRIVATE, serialization.NoEncryption())
    header: dict[str, object] = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        "key_id": keys.key_id,
        "public": keys.public.to_dict(),
    }
    if passphrase:
        salt = os.urandom(16)
        header["protection"] = _PROTECTED
        header["scrypt"] = {
            "log_n": SCRYPT_LOG_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": _codec.b64encode(salt),
        }
        key = _scrypt(passphrase, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        # A fresh salt gives a fresh key each time, so the all-zero nonce is never reused;
        # the header is the associated data, so editing the key id or cost is detected.
        sealed = ChaCha20Poly1305(key).encrypt(bytes(12), secret, _codec.canonical_json(header))
        header["keys"] = _codec.b64encode(sealed)
    else:
        header["protection"] = _UNPROTECTED
        header["keys"] = _codec.b64encode(secret)
    text = _codec.canonical_json(header).decode("utf-8")
    return (text + "\n").encode("utf-8")


def private_keys_from_bytes(
    data: bytes, passphrase: str | None = None, *, source: str = "key file"
) -> KeySet:
    """Load private keys from key-file bytes.

    Raises :class:`PassphraseRequiredError` when the file is sealed and no passphrase was
    given, :class:`WrongPassphraseError` when the passphrase does not open it, and
    :class:`KeyFileError` for anything else.
    """
    try:
        parsed = _codec.parse_json_object(data.strip(), BadContainerError, "key file")
    except RejectedFileError as exc:
        raise KeyFileError(exc.detail, path=source) from None
    reader = _codec.FieldReader(parsed, BadContainerError, "key file")
    try:
        if reader.text("format", max_length=64) != KEY_FILE_FORMAT:
            reader.fail("not a Justice Desk key file")
        if reader.integer("version", minimum=1) > KEY_FILE_VERSION:
            reader.fail("key file from a newer version")
        stated_id = reader.text("key_id", max_length=64)
        protection = reader.text("protection", max_length=64)
        blob = reader.b64("keys", max_length=4096)
        header = {k: v for k, v in parsed.items() if k != "keys"}
        if protection == _PROTECTED:
            if not passphrase:
                raise PassphraseRequiredError("passphrase required", path=source)
            cost = reader.child(reader.mapping("scrypt"), "scrypt")
            log_n = cost.integer("log_n", minimum=10, maximum=_SCRYPT_MAX_LOG_N)
            r = cost.integer("r", minimum=1, maximum=32)
            p = cost.integer("p", minimum=1, maximum=16)
            salt = cost.b64("salt", max_length=64)
            key = _scrypt(passphrase, salt, log_n, r, p)
            try:
                secret = ChaCha20Poly1305(key).decrypt(
                    bytes(12), blob, _codec.canonical_json(header)
                )
            except InvalidTag:
                raise WrongPassphraseError("authentication failed", path=source) from None
        elif protection == _UNPROTECTED:
            # A passphrase given for an unprotected file is harmless: nothing to check it with.
            secret = blob
        else:
            reader.fail(f"unknown protection {_codec.printable(protection)}")
        if len(secret) != 64:
            reader.fail("wrong key length")
        keys = KeySet(
            signing=Ed25519PrivateKey.from_private_bytes(secret[:32]),
            hpke=X25519PrivateKey.from_private_bytes(secret[32:]),
        )
    except BadContainerError as exc:
        raise KeyFileError(exc.detail, path=source) from None
    if keys.key_id != stated_id:
        raise KeyFileError("key id does not match the keys", path=source)
    return keys


def save_private_keys(
    keys: KeySet,
    path: str | os.PathLike[str],
    passphrase: str | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``keys`` to ``path`` atomically with mode 0600; refuses to replace a key file.

    Overwriting a private key would lose the only copy of it, so ``overwrite`` must be asked
    for explicitly. On Windows the mode is best effort (the file lives in the user profile).
    """
    target = Path(path)
    data = private_keys_to_bytes(keys, passphrase)
    # A keys folder made here is private too (0700), so even the file names stay private.
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return write_atomically(target, data, mode=0o600, overwrite=overwrite)
    except FileExistsError:
        raise KeyFileExistsError(str(target), path=str(target)) from None


def load_private_keys(path: str | os.PathLike[str], passphrase: str | None = None) -> KeySet:
    """Read a key file written by :func:`save_private_keys`."""
    target = Path(path)
    try:
        with target.open("rb") as handle:
            data = handle.read(64 * 1024 + 1)
    except OSError as exc:
        raise KeyFileError(str(exc), path=str(target)) from None
    if len(data) > 64 * 1024:
        raise KeyFileError("file too large", path=str(target))
    return private_keys_from_bytes(data, passphrase, source=str(target))


def key_file_needs_passphrase(path: str | os.PathLike[str]) -> bool:
    """Whether loading this key file needs a passphrase (False when it is missing or unreadable:
    loading it then says what is wrong)."""
    try:
        header = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(header, dict) and header.get("protection") == _PROTECTED


def key_file_is_private(path: str | os.PathLike[str]) -> bool:
    """True when no one but the owner can read the key file (always true on Windows)."""
    if os.name != "posix":
        return True
    return (os.stat(path).st_mode & 0o077) == 0
