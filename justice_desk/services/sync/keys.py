"""Key pairs and trust: the site's own private keys, the peers' public keys in the database, and
the key directory the format layer verifies with (docs/sync.md §9).

Where the private keys live: in an encrypted database (SQLCipher, ``db.encrypted``) inside the
database itself, as ``settings`` rows (``sync_private_keys``, ``…escrow``, ``…retired.<key
id>``): the database's encryption protects them and its backups carry them, so no separate key
passphrase is needed. Otherwise (a plain database, a province on PostgreSQL) in key files in
the data folder, optionally sealed with a passphrase, as before. A key file found for an
encrypted database (a site upgraded from a release before encryption) is moved into it the
first time it is read (``adopt_key_files``), then deleted.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from justice_desk import paths
from justice_desk import sync as fmt
from justice_desk.domain.enums import KeyStatus
from justice_desk.errors import (
    UserError,
)
from justice_desk.i18n import _
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    SiteKey,
)
from justice_desk.sync.keys import (
    KeySet,
    PublicKeySet,
    RevocationCutoff,
    TrustedKey,
    TrustLookup,
    private_keys_from_bytes,
    private_keys_to_bytes,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
from justice_desk.domain.access import Permission
from justice_desk.services.access import require
from justice_desk.services.sync._common import (
    PASSPHRASE_ENV,
    _b64,
    _public_from_row,
    _write_file,
    log,
)
from justice_desk.storage import audit

# ----------------------------------------------------------------------------------------------
# Keys


def key_file(db: Database, role: str = "own") -> Path:
    name = f"{db.site_id}.jdkey" if role == "own" else f"{db.site_id}-{role}.jdkey"
    return paths.keys_dir() / name


#: ``settings`` rows holding private keys inside an encrypted database.
STORED_OWN = "sync_private_keys"
STORED_ESCROW = "sync_private_keys.escrow"
STORED_RETIRED = "sync_private_keys.retired."


def keys_in_database(db: Database) -> bool:
    """Whether this site's private keys belong inside the database (it is encrypted)."""
    return db.encrypted


def _stored_name(role: str) -> str:
    return STORED_OWN if role == "own" else STORED_ESCROW


def _load_stored(db: Database, name: str) -> KeySet | None:
    value = db.setting(name)
    if not value:
        return None
    return private_keys_from_bytes(value.encode("utf-8"), source=_("the database"))


def _store_private(session: Session, db: Database, name: str, keys: KeySet) -> None:
    db.put_settings(session, {name: private_keys_to_bytes(keys).decode("utf-8")})


def _forget_stored(session: Session, db: Database, names: list[str]) -> None:
    from justice_desk.storage.models import Setting

    for name in names:
        row = session.get(Setting, name)
        if row is not None:
            session.delete(row)
    db.put_settings(session, {})  # forgets the cached settings (again after the commit)


def _unlink_key_file(path: Path) -> None:
    try:
        path.unlink()
    except OSError as exc:  # the keys are in the database all the same; the log says what is left
        log.warning("key file %s moved into the database but not deleted: %s", path, exc)


def adopt_key_files(db: Database, passphrase: str | None = None) -> list[Path]:
    """Move this site's private key files into its encrypted database (the upgrade path of a
    site made before encryption), then delete them; returns the files moved. A file sealed
    with a passphrase that is not given (nor in JUSTICE_DESK_KEY_PASSPHRASE) stays where it
    is until the passphrase is given (``own_keys`` asks for it and moves it then)."""
    if not keys_in_database(db) or db.site_id_or_none() is None:
        return []
    moved: list[Path] = []
    found: list[tuple[Path, str, KeySet]] = []
    for role in ("own", "escrow"):
        path = key_file(db, role)
        if path.exists() and db.setting(_stored_name(role)) is None:
            try:
                found.append(
                    (path, _stored_name(role), fmt.load_private_keys(path, _passphrase(passphrase)))
                )
            except fmt.SyncError as exc:
                log.info("key file %s left in place: %s", path, exc)
    current = key_file(db)
    for path in sorted(current.parent.glob(current.name + ".*.old")):
        try:
            keys = fmt.load_private_keys(path, _passphrase(passphrase))
        except fmt.SyncError as exc:
            log.info("retired key file %s left in place: %s", path, exc)
            continue
        found.append((path, STORED_RETIRED + keys.key_id, keys))
    if not found:
        return []
    with db.write() as session:
        for _path, name, keys in found:
            _store_private(session, db, name, keys)
    for path, _name, _keys in found:
        _unlink_key_file(path)
        moved.append(path)
    return moved


def _passphrase(passphrase: str | None) -> str | None:
    return passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None


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
    inside = keys_in_database(db)
    if not inside:
        fmt.save_private_keys(keys, key_file(db), _passphrase(passphrase))
    with db.write() as session:
        audit.record(session, "keys", detail="site keys made")
        _store_public(session, db.site_id, keys.public, "own")
        if inside:
            _store_private(session, db, STORED_OWN, keys)
        if escrow:
            escrow_keys = fmt.generate_keyset()
            if inside:
                _store_private(session, db, STORED_ESCROW, escrow_keys)
            else:
                fmt.save_private_keys(escrow_keys, key_file(db, "escrow"), _passphrase(passphrase))
            _store_public(session, db.site_id, escrow_keys.public, "escrow")
        db.put_settings(session, {"key_id": keys.key_id})
    return keys.public


def needs_passphrase(db: Database) -> bool:
    """True when this site's private keys are protected and no passphrase is set in the
    environment: the GUI then asks for it."""
    from justice_desk.sync.keys import key_file_needs_passphrase

    if keys_in_database(db) and db.setting(STORED_OWN):
        return False  # the database's encryption protects them: no passphrase
    return not os.environ.get(PASSPHRASE_ENV) and key_file_needs_passphrase(key_file(db))


def own_keys(db: Database, passphrase: str | None = None) -> KeySet:
    if keys_in_database(db):
        stored = _load_stored(db, STORED_OWN)
        if stored is not None:
            return stored
        if key_file(db).exists():
            keys = fmt.load_private_keys(key_file(db), _passphrase(passphrase))
            adopt_key_files(db, passphrase)
            return keys
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
    """The key directory for the format layer: enrolled, approved sites and their keys, read
    a site at a time as bundles name them (a national office holds thousands of centers' keys;
    a stick holds a few centers). ``retired_ok`` lifts the limit of keys retired by a rotation
    (never of revoked ones): only to recognise a rotation statement read again."""
    return _SiteTrust(db, retired_ok)


class _SiteTrust:
    """A :data:`TrustLookup` that reads one site's keys when it is first asked for them, and
    keeps them for the run (the importer makes a new one after a key change)."""

    def __init__(self, db: Database, retired_ok: bool) -> None:
        self.db, self.retired_ok = db, retired_ok
        self.known: dict[str, dict[str, TrustedKey] | None] = {}

    def __call__(self, site: str) -> dict[str, TrustedKey] | None:
        if site in self.known:
            return self.known[site]
        try:
            site_id = uuid.UUID(site)
        except (ValueError, TypeError, AttributeError):
            return None  # no site of ours is named so
        if str(site_id) != site:
            return None  # sites are named by the canonical spelling of their id only

        with self.db.read() as session:
            keys = site_keys(session, site_id, retired_ok=self.retired_ok)
        found = self.known[site] = keys or None
        return found


def site_keys(
    session: Session, site_id: uuid.UUID, *, retired_ok: bool = False
) -> dict[str, TrustedKey]:
    """Every key of a site as ``session``'s transaction holds them, by key id, each with the
    cut-off it verifies up to (:func:`_cutoff`); ``retired_ok``: a key a rotation retired
    verifies without one (for what is not in the bundle sequence)."""
    from justice_desk.storage import sync_queries as q

    keys: dict[str, TrustedKey] = {}
    for row in q.trusted_keys(session, site_id):
        retired = retired_ok and row.status == KeyStatus.ROTATED
        keys[row.key_id] = TrustedKey(_public_from_row(row), None if retired else _cutoff(row))
    return keys


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
        if row.status == KeyStatus.REVOKED
        else None
    )
    if retired is None or revoked is None:
        return retired or revoked
    if retired.last_good_epoch != revoked.last_good_epoch:
        return RevocationCutoff(None)  # the two windows do not meet: nothing more
    return RevocationCutoff(
        retired.last_good_epoch, min(retired.last_good_seq, revoked.last_good_seq)
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
    retired = [name for name in db.settings() if name.startswith(STORED_RETIRED)]
    if retired:
        with db.write() as session:
            _forget_stored(session, db, retired)


def _retired_keys(db: Database, passphrase: str | None) -> list[KeySet]:
    """Key pairs this site used before a rotation (``<site>.jdkey.<key id>.old``)."""
    out = []
    for name, value in sorted(db.settings().items()):
        if name.startswith(STORED_RETIRED):
            out.append(private_keys_from_bytes(value.encode("utf-8"), source=name))
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


def _escrow_publics(db: Database) -> list[PublicKeySet]:
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        return [_public_from_row(r) for r in q.keys_of(session, db.site_id) if r.role == "escrow"]


def _province_private_keys(db: Database, passphrase: str | None) -> list[KeySet]:
    keys = [own_keys(db, passphrase)]
    stored = _load_stored(db, STORED_ESCROW) if keys_in_database(db) else None
    if stored is not None:
        return [*keys, stored]
    escrow = key_file(db, "escrow")
    if escrow.exists():
        try:
            keys.append(fmt.load_private_keys(escrow, _passphrase(passphrase)))
        except fmt.SyncError:
            log.warning(
                "escrow key file present but not usable; importing with the office key only"
            )
    return keys


def rotate_center_keys(db: Database, out: Path, *, passphrase: str | None = None) -> Path:
    """Make new keys and a statement signed by the old and the new key for the province."""
    require(db, Permission.KEYS)
    from justice_desk.storage import sync_queries as q

    old = own_keys(db, passphrase)
    new = fmt.generate_keyset()
    epoch = db.setting("epoch") or ""
    with db.read() as session:
        audit.record(session, "keys", detail="keys rotated")
        last_seq = q.next_export_seq(session.connection()) - 1
    # The statement names the last bundle the old key signed: the province accepts nothing
    # newer signed by it, so a copy of the retired key file cannot speak for the center.
    data = fmt.create_key_rotation(
        str(db.site_id), old, new, reason="rotation", last_epoch=epoch, last_seq=last_seq
    )
    target = out if not out.is_dir() else out / f"{db.site_id}-{new.key_id}.jdrotate"
    _write_file(target, data)
    inside = keys_in_database(db) and db.setting(STORED_OWN) is not None
    if not inside:
        old_path = key_file(db)
        old_path.rename(old_path.with_name(old_path.name + f".{old.key_id}.old"))
        fmt.save_private_keys(new, key_file(db), _passphrase(passphrase))
    with db.write() as session:
        if inside:
            _store_private(session, db, STORED_RETIRED + old.key_id, old)
            _store_private(session, db, STORED_OWN, new)
        _store_public(session, db.site_id, new.public, "own")
        # Kept until a receipt confirms a bundle signed with the new key (apply_receipt).
        db.put_settings(
            session, {"key_id": new.key_id, "retired_key_through": f"{epoch}:{last_seq}"}
        )
    return target
