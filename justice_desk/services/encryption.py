"""Encryption at rest for people: opening an encrypted database with a password or the recovery
key, and encrypting a database made before encryption (docs/architecture.md, "Encryption at
rest").

The GUI's sign-in and first start and the command line call these. An encrypted database is
opened with the key its key slots give for an account's password (``open_with_password``) or
the recovery key (``open_with_recovery``). A real (not demo) database left plain by an earlier
release is encrypted on its first start after the upgrade (``encrypt_database``): the first
coordinator's password gets a slot, a recovery key is made and shown once, and the site's sync
key files move inside.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.storage import cipher, conversion, keyslots
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.locate import Target, glance, resolve_target


@dataclass(frozen=True)
class Encrypted:
    """What ``encrypt_database`` did."""

    path: Path
    #: Shown once, for the chairperson to print and keep; never stored anywhere.
    recovery_key: str
    #: Sync key files moved into the database (then deleted).
    moved_key_files: tuple[Path, ...]
    #: Readable copies still on the disk (taken before upgrades or restores): to delete, or
    #: to keep locked away.
    plain_copies: tuple[Path, ...]


def _sqlite_path(db_path: str | os.PathLike[str] | None) -> Path:
    target = resolve_target(db_path)
    if target.path is None:
        raise UserError(
            _(
                "A server database is protected by its server (disk encryption, TLS), not by "
                "Justice Desk's encryption."
            )
        )
    return target.path


def is_encrypted(db_path: str | os.PathLike[str] | None) -> bool:
    """An encrypted database file (it needs a sign-in before anything can be read)."""
    target = resolve_target(db_path)
    return target.path is not None and cipher.looks_encrypted(target.path)


def conversion_due(db_path: str | os.PathLike[str] | None) -> bool:
    """A plain database of a real center or province office, to encrypt at this start. Demo
    databases stay plain (they hold invented people and open without signing in)."""
    target: Target = resolve_target(db_path)
    if target.path is None or not target.path.is_file() or not cipher.is_plain(target.path):
        return False
    seen = glance(target)
    return seen is not None and not seen.demo


def conversion_message(path: Path) -> str:
    """What the first start after the upgrade tells the person before encrypting."""
    return _(
        "This version of Justice Desk encrypts the database {path}, so that a copy of the file "
        "cannot be read without a password. A copy is taken first; the database is changed "
        "only once the encrypted copy is complete and checked. You will then see a recovery "
        "key: print it for the chairperson to keep, as it is the only way in if every password "
        "is lost."
    ).format(path=path)


def open_with_password(
    db_path: str | os.PathLike[str] | None, login: str, password: str
) -> Database:
    """Open an encrypted database with an account's password (a plain one opens as it is)."""
    path = _sqlite_path(db_path)
    if not cipher.looks_encrypted(path):
        return open_database(path)
    return open_database(path, key=keyslots.unlock(path, login, password))


def open_with_recovery(db_path: str | os.PathLike[str] | None, recovery_key: str) -> Database:
    """Open an encrypted database with its recovery key (every password lost)."""
    path = _sqlite_path(db_path)
    return open_database(path, key=keyslots.unlock_with_recovery(path, recovery_key))


def new_database_secrets(
    db_path: str | os.PathLike[str], login: str, password: str
) -> tuple[bytes, str]:
    """For a new encrypted database, before it is created: a database key with a slot for the
    first account and a recovery slot. Returns the key (for ``open_database(..., key=)``) and
    the recovery key to show once."""
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, login, password, key)
    return key, keyslots.create_recovery_key(db_path, key)


def encrypt_database(
    db_path: str | os.PathLike[str] | None,
    *,
    login: str,
    password: str,
    keep_plain_copy: bool = False,
) -> Encrypted:
    """Encrypt a plain database in place (the copy first, then the encrypted file checked and
    put in place: ``storage.conversion``), give ``login`` a key slot with ``password``, make a
    recovery key, and move the site's sync key files inside. Refuses an encrypted database,
    and one the app has open elsewhere."""
    from justice_desk.services.sync.keys import adopt_key_files
    from justice_desk.storage.backup import open_elsewhere

    path = _sqlite_path(db_path)
    if not path.is_file():
        raise UserError(_("There is no database at {path}.").format(path=path))
    if not cipher.is_plain(path):
        raise UserError(_("{path} is already encrypted.").format(path=path))
    if open_elsewhere(path):
        raise UserError(
            _("{path} is open in Justice Desk. Close the app, then try again.").format(path=path)
        )
    # The database is opened (and upgraded) plain first, so that the encrypted file is made
    # from the current schema and the before-upgrade copy is taken as usual.
    open_database(path).dispose()
    had_slots = keyslots.has_slots(path)
    key = keyslots.new_database_key()
    try:
        keyslots.add_slot(path, login, password, key)
        recovery = keyslots.create_recovery_key(path, key)
        conversion.encrypt_in_place(path, key, keep_plain_copy=keep_plain_copy)
    except BaseException:
        if not had_slots and cipher.is_plain(path):
            keyslots.remove_slots_file(path)
        raise
    db = open_database(path, key=key)
    try:
        moved = adopt_key_files(db)
    finally:
        db.dispose()
    return Encrypted(path, recovery, tuple(moved), tuple(conversion.plain_copies_beside(path)))
