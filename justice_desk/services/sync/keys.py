"""Key pairs and trust: the site's own keys on disk, the peers' public keys in the database, and
the key directory the format layer verifies with (docs/sync.md §9).
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
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
from justice_desk.services.sync._common import (
    PASSPHRASE_ENV,
    _b64,
    _public_from_row,
    _write_file,
    log,
)

# ----------------------------------------------------------------------------------------------
# Keys


def key_file(db: Database, role: str = "own") -> Path:
    name = f"{db.site_id}.jdkey" if role == "own" else f"{db.site_id}-{role}.jdkey"
    return paths.keys_dir() / name


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
            cutoff = None if retired_ok and row.status == KeyStatus.ROTATED else _cutoff(row)
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
