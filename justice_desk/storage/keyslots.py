"""Key slots: one random database key, wrapped once per account and once by a recovery key.

An encrypted database (SQLCipher, see ``storage.database``) is opened with a random 256-bit key
that nobody types. That key is stored *wrapped* (encrypted) once for every account, with a key
derived from the account's password, and once with the recovery key printed at set-up — as disk
encryption does with key slots (LUKS). Any account can therefore open the database; changing
one password re-wraps one slot and never re-encrypts the database.

Where the slots live: a small JSON file beside the database, ``<database>.keys`` (for
``center.sqlite3``: ``center.sqlite3.keys``). It must be readable before the database is open,
and the encrypted file gives away nothing without it. It is written atomically (a temporary file,
``fsync``, ``os.replace``), so a power cut leaves the old slots or the new ones, never half.
Backups carry a copy of it beside the backup file (``storage.backup``); a backup can then be
restored with any password that was valid when it was taken, or with the recovery key.

Cryptography (``cryptography`` and ``argon2-cffi``):

- the key-encryption key is Argon2id(password, 16-byte random salt) with **t=3 passes,
  m=64 MiB, p=4 lanes, 32 bytes** (RFC 9106's second recommended setting; about 0.1-0.4 s on
  a center's laptop, paid once per login, never per connection); the parameters are stored in
  each slot, so they can be raised later without breaking old slots;
- the database key is wrapped with AES-256-GCM under that key, a fresh 12-byte nonce per
  wrapping; the authenticated data binds the slot to the file format, its kind, its login
  (case-folded) and its KDF parameters, so a slot cannot be moved to another login or weakened;
- a wrong password fails the GCM tag; the same refusal is given for an unknown login.

Password slots (format 2) hold a key pair rather than the database key itself: the password's
Argon2id key unwraps the slot's X25519 private key, and the database key is sealed to its public
key (X25519, HKDF-SHA256, AES-256-GCM, a fresh ephemeral key per sealing). Anyone holding the
database key can therefore seal a *new* database key to every account without knowing their
passwords (``rewrap``: ``services.encryption.rekey_database``), while a disabled account's holder,
who knew the old database key, cannot open the new one. Each slot names the database key it holds
(``key_id``, an HMAC of the key: not secret) and a password slot's public key is bound to the
database key (``bind``, an HMAC), so that nobody without the key can plant a public key of their
own for a re-key to seal to. Slots of format 1 (a password wrapping the key directly) still open;
they are replaced by format 2 the next time their password is typed.

The recovery key is 40 decimal digits in 8 groups of 5 (39 random digits — 129 bits — and a
Luhn check digit that catches a mistyped or swapped digit before the slow KDF runs). Digits are
typed on any keyboard; Thai digits (๐-๙), spaces and dashes are accepted when typing it back.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from justice_desk.errors import UserError
from justice_desk.i18n import _

FORMAT = "justice-desk-keyslots"
VERSION = 2
#: Format of a password slot: 1 = the password's key wraps the database key; 2 = it wraps a key
#: pair's private key, and the database key is sealed to the public key.
SLOT_V2 = 2
SUFFIX = ".keys"
KEY_BYTES = 32
#: Argon2id parameters for new slots (RFC 9106 §4, second recommended option).
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 4
SALT_BYTES = 16
NONCE_BYTES = 12
#: The login of the recovery slot (not an account: a login can never start with ``*``).
RECOVERY = "*recovery*"
RECOVERY_GROUPS = 8
RECOVERY_GROUP_LEN = 5
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


class KeySlotError(UserError):
    """The key slots cannot be used as asked (missing file, no such slot, damaged file)."""


class WrongCredentialsError(KeySlotError):
    """The login and password (or the recovery key) open no slot."""


class MissingKeySlotsError(KeySlotError):
    """An encrypted database without its ``.keys`` file beside it."""


@dataclass(frozen=True)
class Slot:
    """One wrapped copy of the database key (as stored; nothing secret in clear)."""

    kind: str  # "password" or "recovery"
    login: str
    kdf: dict[str, Any]
    nonce: str
    wrapped: str
    created: str
    #: Names the slot inside the file (random; not secret, not authenticated): a password
    #: change adds the new slot beside the old one and later drops the others by this name.
    id: str = ""
    #: 1, or ``SLOT_V2`` (a key pair: ``public``, ``sealed``, ``bind``).
    v: int = 1
    #: Which database key the slot holds (``key_id``); empty in slots made before re-keying.
    key_id: str = ""
    public: str = ""
    sealed: dict[str, str] = field(default_factory=dict)
    bind: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "login": self.login,
            "kdf": self.kdf,
            "nonce": self.nonce,
            "wrapped": self.wrapped,
            "created": self.created,
            "id": self.id,
        }
        if self.key_id:
            data["key_id"] = self.key_id
        if self.v != 1:
            data.update(v=self.v, public=self.public, sealed=self.sealed, bind=self.bind)
        return data


# ----------------------------------------------------------------------------------------------
# The key itself


def new_database_key() -> bytes:
    """A fresh random 256-bit database key (from the operating system's CSPRNG)."""
    return secrets.token_bytes(KEY_BYTES)


def key_id(db_key: bytes) -> str:
    """A name for a database key (an HMAC of it: tells which slots hold which key, gives away
    nothing of it)."""
    return hmac.new(db_key, b"justice-desk database key id", hashlib.sha256).hexdigest()[:16]


def raw_key_literal(db_key: bytes) -> str:
    """The key in SQLCipher's raw form, ``x'…'`` (64 hex digits): used as it is, no PBKDF2 on
    open, so opening an encrypted database costs no more than opening a plain one."""
    if len(db_key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    return f"x'{db_key.hex()}'"


# ----------------------------------------------------------------------------------------------
# The slots file


def slots_path(db_path: str | os.PathLike[str]) -> Path:
    """``<database>.keys``: where the slots of ``db_path`` live."""
    path = Path(db_path)
    return path.with_name(path.name + SUFFIX)


def has_slots(db_path: str | os.PathLike[str]) -> bool:
    return slots_path(db_path).is_file()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _damaged(path: Path, why: object) -> KeySlotError:
    return KeySlotError(
        _(
            "The key file {path} is damaged ({error}). Put back the copy kept with your latest "
            "backup (the file ending in .keys next to it), then try again."
        ).format(path=path, error=why)
    )


def _read(db_path: str | os.PathLike[str]) -> list[Slot]:
    path = slots_path(db_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MissingKeySlotsError(
            _(
                "The key file {path} is missing: without it the encrypted database cannot be "
                "opened. Copy it back from where the database came from (a backup has its own "
                ".keys file beside it), then try again."
            ).format(path=path)
        ) from None
    except OSError as exc:
        raise KeySlotError(
            _("Cannot read the key file {path}: {error}").format(path=path, error=exc.strerror)
        ) from exc
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError("not a key-slot file")
        if int(data.get("version", 0)) > VERSION:
            raise KeySlotError(
                _(
                    "The key file {path} was written by a newer Justice Desk. Install the newer "
                    "version to open this database."
                ).format(path=path)
            )
        return [
            Slot(
                kind=str(s["kind"]),
                login=str(s["login"]),
                kdf=dict(s["kdf"]),
                nonce=str(s["nonce"]),
                wrapped=str(s["wrapped"]),
                created=str(s.get("created", "")),
                id=str(s.get("id", "")),
                v=int(s.get("v", 1)),
                key_id=str(s.get("key_id", "")),
                public=str(s.get("public", "")),
                sealed={str(k): str(v) for k, v in dict(s.get("sealed") or {}).items()},
                bind=str(s.get("bind", "")),
            )
            for s in data["slots"]
        ]
    except KeySlotError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _damaged(path, exc) from exc


def _write(db_path: str | os.PathLike[str], slots: list[Slot]) -> None:
    """Replace the slots file atomically (temporary file in the same folder, fsync, rename)."""
    path = slots_path(db_path)
    version = SLOT_V2 if any(s.v == SLOT_V2 for s in slots) else 1
    data = json.dumps(
        {"format": FORMAT, "version": version, "slots": [s.as_json() for s in slots]},
        ensure_ascii=False,
        indent=1,
    ).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # the rename itself, where supported
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def failures_path(db_path: str | os.PathLike[str]) -> Path:
    """``<database>.keys.failures``: wrong passwords typed while the database was locked, per
    login (the database cannot be written before it opens, so they are counted here)."""
    path = slots_path(db_path)
    return path.with_name(path.name + ".failures")


def read_failures(db_path: str | os.PathLike[str]) -> dict[str, tuple[int, float]]:
    """login -> (wrong passwords in a row, time.time() of the last); empty when there is no
    file or it cannot be read (it only slows attempts down; it guards nothing by itself)."""
    try:
        data = json.loads(failures_path(db_path).read_bytes())
        return {str(k): (int(v[0]), float(v[1])) for k, v in dict(data).items()}
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return {}


def write_failures(db_path: str | os.PathLike[str], data: dict[str, tuple[int, float]]) -> None:
    """Replace the failures file (at most the 200 most recent logins); a folder that cannot be
    written is left alone."""
    path = failures_path(db_path)
    recent = dict(sorted(data.items(), key=lambda kv: kv[1][1])[-200:])
    with contextlib.suppress(OSError):
        if not recent:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({k: list(v) for k, v in recent.items()}), "utf-8")
        os.replace(tmp, path)


def copy_slots(src_db: str | os.PathLike[str], dst_db: str | os.PathLike[str]) -> None:
    """Give ``dst_db`` (a backup, a restored copy) the same slots as ``src_db``."""
    _write(dst_db, _read(src_db))


def remove_slots_file(db_path: str | os.PathLike[str]) -> None:
    slots_path(db_path).unlink(missing_ok=True)


# ----------------------------------------------------------------------------------------------
# Wrapping


def _norm_login(login: str) -> str:
    return login.strip().casefold()


#: What a slot's KDF parameters may be (a tampered file must not make the program hash with a
#: terabyte of memory, a million passes or a 1-byte salt): read, checked, then used.
MIN_SALT_BYTES = 16
MAX_SALT_BYTES = 64
MAX_TIME_COST = 20
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_PARALLELISM = 16


def _kdf_params(params: dict[str, Any]) -> tuple[bytes, int, int, int]:
    """(salt, t, m, p) of a slot, or ``ValueError`` naming what is out of bounds."""
    if params.get("name") != "argon2id":
        raise ValueError(f"unknown key derivation {params.get('name')!r}")
    salt = _unb64(str(params["salt"]))
    t, m, p = (params[k] for k in ("t", "m", "p"))
    if not all(type(v) is int for v in (t, m, p)):
        raise ValueError("key derivation parameters are not whole numbers")
    if not MIN_SALT_BYTES <= len(salt) <= MAX_SALT_BYTES:
        raise ValueError(f"salt of {len(salt)} bytes")
    if not 1 <= t <= MAX_TIME_COST:
        raise ValueError(f"time cost {t}")
    if not 1 <= p <= MAX_PARALLELISM:
        raise ValueError(f"parallelism {p}")
    if not 8 * p <= m <= MAX_MEMORY_KIB:
        raise ValueError(f"memory {m} KiB")
    return salt, t, m, p


def _kdf(secret: str, params: dict[str, Any]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    salt, t, m, p = _kdf_params(params)
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=t,
        memory_cost=m,
        parallelism=p,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _aad(kind: str, login: str, kdf: dict[str, Any], public: str = "") -> bytes:
    """What a slot's wrapping is bound to: format 1 slots bind kind, login and KDF parameters;
    format 2 also its public key."""
    bound: dict[str, Any] = {"format": FORMAT, "version": 1, "kind": kind, "login": login}
    bound["kdf"] = kdf
    if public:
        bound.update(version=SLOT_V2, public=public)
    return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _new_kdf() -> dict[str, Any]:
    return {
        "name": "argon2id",
        "t": ARGON2_TIME_COST,
        "m": ARGON2_MEMORY_KIB,
        "p": ARGON2_PARALLELISM,
        "salt": _b64(secrets.token_bytes(SALT_BYTES)),
    }


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _wrap(kind: str, login: str, secret: str, db_key: bytes) -> Slot:
    """A format 1 slot: ``secret``'s Argon2id key wraps the database key (the recovery slot)."""
    if len(db_key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    kdf = _new_kdf()
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(_kdf(secret, kdf)).encrypt(nonce, db_key, _aad(kind, login, kdf))
    return Slot(
        kind=kind,
        login=login,
        kdf=kdf,
        nonce=_b64(nonce),
        wrapped=_b64(wrapped),
        created=_now_text(),
        id=secrets.token_hex(8),
        key_id=key_id(db_key),
    )


def _bind(db_key: bytes, login: str, public: str) -> str:
    """Ties a public key to a login under the database key: a re-key seals the new key only to
    public keys bound by the key it replaces (nobody without it can plant one)."""
    text = json.dumps([FORMAT, "bind", login, public], separators=(",", ":")).encode("utf-8")
    return hmac.new(db_key, text, hashlib.sha256).hexdigest()


def _seal_key(
    peer_public: bytes, own_private: Any, eph_public: bytes, login: str, public: str, kid: str
) -> tuple[bytes, bytes]:
    """The AES key sealing the database key to ``public`` (X25519 between the ephemeral key
    and the slot's, then HKDF-SHA256 over both public keys), and the authenticated data."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    shared = own_private.exchange(X25519PublicKey.from_public_bytes(peer_public))
    info = b"justice-desk key slot seal" + eph_public + _unb64(public)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)
    aad = json.dumps(
        {"format": FORMAT, "version": SLOT_V2, "login": login, "public": public, "key_id": kid},
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return key, aad


def _public_bytes(private: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return raw


def _seal(login: str, public: str, db_key: bytes) -> dict[str, str]:
    """The database key sealed to the slot's public key (a fresh ephemeral key each time)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    ephemeral = X25519PrivateKey.generate()
    eph_public = _public_bytes(ephemeral)
    kid = key_id(db_key)
    key, aad = _seal_key(_unb64(public), ephemeral, eph_public, login, public, kid)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return {
        "ephemeral": _b64(eph_public),
        "nonce": _b64(nonce),
        "key": _b64(AESGCM(key).encrypt(nonce, db_key, aad)),
    }


def _wrap_v2(login: str, password: str, db_key: bytes) -> Slot:
    """A format 2 password slot: a new key pair, its private key wrapped by the password's
    Argon2id key, the database key sealed to its public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    if len(db_key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    private = X25519PrivateKey.generate()
    public = _b64(_public_bytes(private))
    private_raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    kdf = _new_kdf()
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(_kdf(password, kdf)).encrypt(
        nonce, private_raw, _aad("password", login, kdf, public)
    )
    return Slot(
        kind="password",
        login=login,
        kdf=kdf,
        nonce=_b64(nonce),
        wrapped=_b64(wrapped),
        created=_now_text(),
        id=secrets.token_hex(8),
        v=SLOT_V2,
        key_id=key_id(db_key),
        public=public,
        sealed=_seal(login, public, db_key),
        bind=_bind(db_key, login, public),
    )


def _open_sealed(slot: Slot, private_raw: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.from_private_bytes(private_raw)
    if _b64(_public_bytes(private)) != slot.public:
        raise ValueError("the private key does not match the slot's public key")
    eph_public = _unb64(slot.sealed["ephemeral"])
    key, aad = _seal_key(eph_public, private, eph_public, slot.login, slot.public, slot.key_id)
    return AESGCM(key).decrypt(_unb64(slot.sealed["nonce"]), _unb64(slot.sealed["key"]), aad)


def _unwrap(slot: Slot, secret: str) -> bytes | None:
    try:
        kek = _kdf(secret, slot.kdf)
        aad = _aad(slot.kind, slot.login, slot.kdf, slot.public if slot.v == SLOT_V2 else "")
        inner = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), aad)
    except InvalidTag:
        return None
    except (ValueError, KeyError, TypeError, OverflowError, MemoryError) as exc:  # damaged
        raise _damaged_slot(exc) from exc
    except Exception as exc:  # argon2's own errors (HashingError) for parameters it refuses
        raise _damaged_slot(exc) from exc
    if slot.v == SLOT_V2:
        try:  # the password was right: a seal that does not open is a damaged slot
            inner = _open_sealed(slot, inner)
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise _damaged_slot(exc) from exc
    elif slot.v != 1:
        raise _damaged_slot(f"slot format {slot.v}")
    return inner if len(inner) == KEY_BYTES else None


def rewrap(slot: Slot, old_key: bytes, new_key: bytes) -> Slot | None:
    """``slot`` holding ``new_key`` instead of ``old_key``, without its password: a format 2
    password slot whose public key ``old_key`` bound. ``None`` for any other slot (format 1,
    the recovery slot, a public key not bound by ``old_key``): its account needs a new
    password."""
    if slot.kind != "password" or slot.v != SLOT_V2 or not slot.public:
        return None
    if not hmac.compare_digest(slot.bind, _bind(old_key, slot.login, slot.public)):
        return None
    if slot.key_id and slot.key_id != key_id(old_key):
        return None
    return replace(
        slot,
        id=secrets.token_hex(8),
        created=_now_text(),
        key_id=key_id(new_key),
        sealed=_seal(slot.login, slot.public, new_key),
        bind=_bind(new_key, slot.login, slot.public),
    )


class DamagedSlotError(KeySlotError):
    """A slot of the file cannot be used (tampered or damaged parameters)."""


def _damaged_slot(why: object) -> DamagedSlotError:
    return DamagedSlotError(
        _("A key slot is damaged ({error}). Use another account or the recovery key.").format(
            error=why
        )
    )


def _wrong() -> WrongCredentialsError:
    return WrongCredentialsError(_("The login or the password is wrong. Try again."))


# ----------------------------------------------------------------------------------------------
# Password slots (one per account)


def add_slot(
    db_path: str | os.PathLike[str],
    login: str,
    password: str,
    db_key: bytes,
    *,
    keep_others: bool = False,
) -> str:
    """Wrap ``db_key`` for ``login`` with ``password`` and return the new slot's id. The
    login's other slots are replaced, unless ``keep_others``: a password change in the
    database adds the new slot beside the old one first (``keep_others=True``), commits, then
    drops the old one (``keep_only``), so that a crash in between leaves a password that opens
    both the file and the account. Creates the slots file when the database has none yet."""
    name = _norm_login(login)
    if not name or name.startswith("*"):
        raise KeySlotError(_("A login cannot be empty or start with “*”."))
    if not password:
        raise KeySlotError(_("A password cannot be empty."))
    new = _wrap_v2(name, password, db_key)
    try:
        slots = _read(db_path)
    except MissingKeySlotsError:
        slots = []
    if not keep_others:
        slots = [s for s in slots if not (s.kind == "password" and s.login == name)]
    slots.append(new)
    _write(db_path, slots)
    return new.id


def keep_only(db_path: str | os.PathLike[str], login: str, slot_id: str) -> None:
    """Drop ``login``'s slots other than ``slot_id`` (after a password change is committed,
    or after a sign-in found which of two slots is the account's current password). Does
    nothing when ``slot_id`` is not in the file (it was replaced meanwhile)."""
    name = _norm_login(login)
    slots = _read(db_path)
    if not any(s.id == slot_id and s.login == name for s in slots if slot_id):
        return
    kept = [s for s in slots if not (s.kind == "password" and s.login == name and s.id != slot_id)]
    if len(kept) != len(slots):
        _write(db_path, kept)


def drop_slot(db_path: str | os.PathLike[str], slot_id: str) -> None:
    """Remove one slot by its id (a staged slot whose database change did not happen)."""
    slots = _read(db_path)
    kept = [s for s in slots if not (slot_id and s.id == slot_id)]
    if kept and len(kept) != len(slots):
        _write(db_path, kept)


def drop_logins(
    db_path: str | os.PathLike[str], gone: set[str], *, unknown: set[str], min_age_s: int
) -> None:
    """Remove the slots of the logins in ``gone`` (disabled accounts), and of those in
    ``unknown`` (no account) made more than ``min_age_s`` seconds ago: a slot staged for an
    account being added right now in another window is left alone. Never the last slot."""
    now = dt.datetime.now(dt.UTC)

    def old(slot: Slot) -> bool:
        try:
            made = dt.datetime.fromisoformat(slot.created)
        except ValueError:
            return True
        if made.tzinfo is None:
            made = made.replace(tzinfo=dt.UTC)
        return (now - made).total_seconds() > min_age_s

    slots = _read(db_path)
    kept = [
        s
        for s in slots
        if not (s.kind == "password" and (s.login in gone or (s.login in unknown and old(s))))
    ]
    if kept and len(kept) != len(slots):
        _write(db_path, kept)


#: Unwrapped when the login has no slot, so that an unknown login costs the same time as a
#: wrong password (the answer's timing does not tell which logins exist).
_DUMMY_KDF = {
    "name": "argon2id",
    "t": ARGON2_TIME_COST,
    "m": ARGON2_MEMORY_KIB,
    "p": ARGON2_PARALLELISM,
    "salt": _b64(b"justice-desk-dummy-salt"),
}


def unlock_slot(db_path: str | os.PathLike[str], login: str, password: str) -> tuple[bytes, str]:
    """The database key unwrapped with ``login``'s password, and the id of the slot that
    opened. Every slot of the login is tried (while a password change or a re-key is under way
    there are two; a damaged or planted one does not hide the genuine one); when they give two
    different keys (a re-key cut short), the one that opens the database wins.
    ``WrongCredentialsError`` for a wrong password or an unknown login (the same refusal, after
    the same work); ``DamagedSlotError`` when the login's only slots are damaged."""
    name = _norm_login(login)
    mine = [s for s in _read(db_path) if s.kind == "password" and s.login == name]
    damaged: list[DamagedSlotError] = []
    found: list[tuple[bytes, str]] = []
    for slot in mine:
        try:
            key = _unwrap(slot, password)
        except DamagedSlotError as exc:
            damaged.append(exc)
            continue
        if key is not None:
            found.append((key, slot.id))
    if found:
        return _the_key_that_opens(db_path, found)
    if len(damaged) == len(mine):  # an unknown login, or nothing usable: the KDF runs anyway
        with contextlib.suppress(Exception):
            _kdf(password, _DUMMY_KDF)
    if mine and len(damaged) == len(mine):
        raise damaged[0]
    raise _wrong()


def _the_key_that_opens(
    db_path: str | os.PathLike[str], found: list[tuple[bytes, str]]
) -> tuple[bytes, str]:
    """Of the keys slots gave, the one that opens the database file (the first when they are
    all the same key, or none opens: opening then says why)."""
    if len({key for key, _id in found}) > 1:
        from justice_desk.storage import cipher

        path = Path(db_path)
        for key, slot_id in found:
            if cipher.key_opens(path, key):
                return key, slot_id
    return found[0]


def slot_version(db_path: str | os.PathLike[str], slot_id: str) -> int:
    """The format of slot ``slot_id`` (0 when it is not in the file)."""
    return next((s.v for s in _read(db_path) if slot_id and s.id == slot_id), 0)


def unlock(db_path: str | os.PathLike[str], login: str, password: str) -> bytes:
    """The database key, unwrapped with ``login``'s password (``unlock_slot``)."""
    return unlock_slot(db_path, login, password)[0]


def change_password(db_path: str | os.PathLike[str], login: str, old: str, new: str) -> None:
    """Re-wrap ``login``'s slot under ``new`` (the database itself is not touched)."""
    add_slot(db_path, login, new, unlock(db_path, login, old))


def set_password(db_path: str | os.PathLike[str], login: str, new: str, db_key: bytes) -> None:
    """A coordinator resetting another account's password (the database is open, so the key is
    known): the same as ``add_slot``."""
    add_slot(db_path, login, new, db_key)


def remove_slot(db_path: str | os.PathLike[str], login: str) -> None:
    """Remove ``login``'s slot (an account disabled or removed). Refused when it would leave no
    slot at all; removing an unknown login does nothing."""
    name = _norm_login(login)
    slots = _read(db_path)
    kept = [s for s in slots if not (s.kind == "password" and s.login == name)]
    if len(kept) == len(slots):
        return
    if not kept:
        raise KeySlotError(
            _(
                "This is the last way into the database: its key slot cannot be removed. Add "
                "another account first."
            )
        )
    _write(db_path, kept)


def logins(db_path: str | os.PathLike[str]) -> list[str]:
    """The logins that have a slot (case-folded), in the file's order."""
    return [s.login for s in _read(db_path) if s.kind == "password"]


def has_recovery(db_path: str | os.PathLike[str]) -> bool:
    return any(s.kind == "recovery" for s in _read(db_path))


# ----------------------------------------------------------------------------------------------
# The recovery key


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, the check digit not yet appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _new_recovery_digits() -> str:
    count = RECOVERY_GROUPS * RECOVERY_GROUP_LEN - 1
    body = str(secrets.randbelow(10**count)).zfill(count)
    return body + _luhn_digit(body)


def format_recovery_key(digits: str) -> str:
    """``12345-67890-…`` (8 groups of 5 digits)."""
    n = RECOVERY_GROUP_LEN
    return "-".join(digits[i : i + n] for i in range(0, len(digits), n))


def normalize_recovery_key(text: str) -> str:
    """The 40 digits of a typed recovery key (Thai digits, spaces and dashes accepted); a
    ``WrongCredentialsError`` naming the problem for anything else or a failed check digit."""
    digits = "".join(ch for ch in text.translate(_THAI_DIGITS) if ch not in " -\t\r\n")
    expected = RECOVERY_GROUPS * RECOVERY_GROUP_LEN
    if len(digits) != expected or not digits.isascii() or not digits.isdigit():
        raise WrongCredentialsError(
            _(
                "A recovery key is {count} digits in groups of 5, as printed at set-up. Check "
                "what you typed and try again."
            ).format(count=expected)
        )
    if _luhn_digit(digits[:-1]) != digits[-1]:
        raise WrongCredentialsError(
            _(
                "This recovery key has a mistyped digit (its check digit does not match). "
                "Compare it with the printed sheet group by group and try again."
            )
        )
    return digits


def create_recovery_key(db_path: str | os.PathLike[str], db_key: bytes) -> str:
    """Make a new recovery key for the database, replacing any earlier one (which stops
    working), and return it formatted for printing. It is shown once and never stored."""
    digits = _new_recovery_digits()
    try:
        slots = _read(db_path)
    except MissingKeySlotsError:
        slots = []
    slots = [s for s in slots if s.kind != "recovery"]
    slots.append(_wrap("recovery", RECOVERY, digits, db_key))
    _write(db_path, slots)
    return format_recovery_key(digits)


def unlock_with_recovery(db_path: str | os.PathLike[str], recovery_key: str) -> bytes:
    """The database key, unwrapped with the recovery key."""
    digits = normalize_recovery_key(recovery_key)
    found: list[tuple[bytes, str]] = []
    for slot in _read(db_path):
        if slot.kind == "recovery":
            key = _unwrap(slot, digits)
            if key is not None:
                found.append((key, slot.id))
    if found:
        return _the_key_that_opens(db_path, found)[0]
    raise WrongCredentialsError(
        _("This recovery key does not open this database. Check that it is this center's key.")
    )


def unlock_any(db_path: str | os.PathLike[str], *, login: str | None = None, secret: str) -> bytes:
    """With a login: that account's password; without: the recovery key (restores ask for
    either)."""
    if login:
        return unlock(db_path, login, secret)
    return unlock_with_recovery(db_path, secret)


# ----------------------------------------------------------------------------------------------
# Changing the database key (re-keying): the slots of both keys side by side, then the new only


@dataclass(frozen=True)
class RekeySlots:
    """The slots prepared for a new database key (``prepare_rekey``)."""

    slots: list[Slot]
    #: Enabled accounts whose slot was sealed to the new key without their password.
    rewrapped: list[str]
    #: Enabled accounts without a slot for the new key (a format 1 slot, none, or one whose
    #: public key the old key did not bind): they need a new password set by the coordinator.
    unslotted: list[str]
    recovery_key: str


def prepare_rekey(
    db_path: str | os.PathLike[str],
    old_key: bytes,
    new_key: bytes,
    *,
    login: str,
    password: str,
    enabled: set[str],
) -> RekeySlots:
    """Slots for ``new_key``: ``login`` (the coordinator doing it) wrapped afresh with
    ``password``, every other enabled account's format 2 slot sealed to the new key (no
    password needed), and a new recovery slot with a new recovery key. Disabled and unknown
    logins get none. Nothing is written."""
    name = _norm_login(login)
    slots = _read(db_path)
    made: list[Slot] = [_wrap_v2(name, password, new_key)]
    rewrapped: list[str] = []
    for other in sorted(enabled - {name}):
        mine = [s for s in slots if s.kind == "password" and s.login == other]
        sealed = next((n for s in mine if (n := rewrap(s, old_key, new_key)) is not None), None)
        if sealed is not None:
            made.append(sealed)
            rewrapped.append(other)
    digits = _new_recovery_digits()
    made.append(_wrap("recovery", RECOVERY, digits, new_key))
    unslotted = sorted(enabled - {name} - set(rewrapped))
    return RekeySlots(made, rewrapped, unslotted, format_recovery_key(digits))


def stage_rekey(db_path: str | os.PathLike[str], old_key: bytes, prepared: RekeySlots) -> None:
    """Step 1 of a re-key: the new slots written *beside* the old ones (each old slot named by
    the old key's ``key_id``), so that whatever happens to the database next, one of the two
    keys opens it with the same passwords."""
    old_id = key_id(old_key)
    kept = [s if s.key_id else replace(s, key_id=old_id) for s in _read(db_path)]
    _write(db_path, kept + list(prepared.slots))


def keep_key(db_path: str | os.PathLike[str], db_key: bytes) -> int:
    """Drop the slots of any other database key (the last step of a re-key, or the repair after
    one was cut short: the database opened with ``db_key``). Returns how many went; never
    the last slot."""
    current = key_id(db_key)
    slots = _read(db_path)
    kept = [s for s in slots if not s.key_id or s.key_id == current]
    if kept and len(kept) != len(slots):
        _write(db_path, kept)
    return len(slots) - len(kept)
