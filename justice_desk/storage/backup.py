"""Online backup of a SQLite database, checked before it is called a backup.

A backup of an encrypted database is encrypted the same way: SQLite's backup API copies the
encrypted pages with the same database key, and the key slots go beside the copy
(``<backup>.keys``, see ``storage.keyslots``), so the backup opens with any password that was
valid when it was taken, or with the recovery key. Both files belong together: a backup copied
to a USB stick needs its ``.keys`` file too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from justice_desk.domain import backup_names
from justice_desk.errors import DatabaseError, UserError
from justice_desk.i18n import _
from justice_desk.storage import cipher, keyslots
from justice_desk.storage.database import BUSY_TIMEOUT_MS, Database


def _errors(key: bytes | None) -> tuple[type[BaseException], ...]:
    """What the drivers raise (the sqlcipher3 binding only loaded for an encrypted file)."""
    return (OSError, *(cipher.driver_errors() if key is not None else (sqlite3.Error,)))


def is_encrypted_backup(path: Path) -> bool:
    return cipher.looks_encrypted(path)


def backup_key(path: Path, *, login: str | None = None, secret: str | None = None) -> bytes | None:
    """The key of the backup ``path``: None for a plain backup; for an encrypted one, from its
    ``.keys`` file with an account's ``login`` and password, or the recovery key (no login);
    ``cipher.LockedDatabaseError`` when no secret is given (ask for one)."""
    if cipher.is_plain(path):
        return None
    if not keyslots.has_slots(path):
        if cipher.may_be_encrypted(path):
            raise keyslots.MissingKeySlotsError(
                _(
                    "{path} is encrypted, and its key file ({keys}) is not beside it. Copy the "
                    ".keys file that was made with this backup into the same folder, then try "
                    "again."
                ).format(path=path, keys=keyslots.slots_path(path).name)
            )
        return None  # empty or unreadable: the usual checks say what is wrong
    if not secret:
        raise cipher.LockedDatabaseError(
            _(
                "The backup {path} is encrypted: give the password of an account that existed "
                "when it was made, or the recovery key."
            ).format(path=path)
        )
    return keyslots.unlock_any(path, login=login, secret=secret)


def backup(db: Database, folder: Path, *, label: str = "justice-desk") -> Path:
    """Copy the live database into ``folder`` while it stays in use, then
    ``integrity_check`` the copy.

    The copy is written under a temporary name and renamed only once it is whole and checked, so
    a pulled USB stick or a full disk never leaves a file that looks like a good backup.
    """
    if db.target.path is None:
        raise UserError(
            _(
                "Backups from here are for SQLite databases; "
                "back up a server database with its own tools (pg_dump)."
            )
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            _("Cannot create the folder {folder}: {error}").format(
                folder=folder, error=exc.strerror
            )
        ) from exc
    if not os.access(folder, os.W_OK):
        raise UserError(
            _(
                "The folder {folder} cannot be written to. Choose another folder, "
                "or ask whoever looks after this computer to allow writing there."
            ).format(folder=folder)
        )
    # The name carries the Buddhist-Era date and the local time (domain/backup_names.py).
    final = folder / backup_names.file_name(label, dt.datetime.now())
    partial = final.with_name(final.name + ".partial")
    key = db.key
    final_keys = keyslots.slots_path(final)
    try:
        src = cipher.connect(db.target.path, key, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = cipher.connect(partial, key)
            try:
                src.backup(dst, pages=1024)
                result = dst.execute("PRAGMA integrity_check").fetchone()[0]
                # A restored copy is a new epoch (docs/sync.md §3): the province must not take
                # its change numbers for ones it has already seen, and it resends everything.
                start_new_epoch(dst)
                dst.commit()
                # The copy keeps WAL mode; switch it to a plain single file that opens anywhere.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if result != "ok":
            raise DatabaseError(
                _(
                    "The backup copy failed its integrity check ({result}); "
                    "the database may be damaged."
                ).format(result=result)
            )
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        if key is not None:
            # The slots first: an encrypted backup never exists without its way in.
            keyslots.copy_slots(db.target.path, final)
        os.replace(partial, final)
    except _errors(key) as exc:
        partial.unlink(missing_ok=True)
        if key is not None and not final.exists():
            final_keys.unlink(missing_ok=True)
        message = getattr(exc, "strerror", None) or str(exc)
        raise UserError(
            _(
                "The backup could not be written to {folder} ({error}). "
                "Check that the drive is plugged in and has free space."
            ).format(folder=folder, error=message)
        ) from exc
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise
    return final


def remove_backup(path: Path) -> None:
    """Delete a backup file and its key slots (rotation)."""
    path.unlink()
    keyslots.slots_path(path).unlink(missing_ok=True)


def integrity_check(path: Path, key: bytes | None = None) -> str:
    """``ok`` or SQLite's description of the damage (an encrypted file with its ``key``)."""
    errors = _errors(key)
    try:
        conn = cipher.connect(path, key, read_only=True)
    except errors as exc:
        return str(exc)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except errors as exc:  # so damaged that the check itself cannot run
        return str(exc)
    finally:
        conn.close()


def _open_elsewhere(db_path: Path) -> bool:
    """True when the app's lock file names a running process (the GUI holds the database)."""
    lock = Path(str(db_path) + ".lock")
    try:
        pid = int(lock.read_text(encoding="ascii", errors="ignore").split()[0])
    except (OSError, ValueError, IndexError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


open_elsewhere = _open_elsewhere


#: Epochs a database remembers having left (they travel in bundles as ``previous_epochs``).
MAX_EPOCH_HISTORY = 64


def _epoch_settings(conn: Any) -> tuple[str | None, list[str]]:
    rows = dict(
        conn.execute(
            "SELECT key, value FROM settings WHERE key IN ('epoch', 'epoch_history')"
        ).fetchall()
    )
    try:
        history = [e for e in json.loads(rows.get("epoch_history") or "[]") if isinstance(e, str)]
    except ValueError:
        history = []
    return rows.get("epoch"), history


def epochs_of(path: Path, key: bytes | None = None) -> list[str]:
    """The epochs a database file has been through, its current one last (read-only; empty when
    it cannot be read)."""
    errors: tuple[type[BaseException], ...] = (*_errors(key), DatabaseError)
    try:
        conn = cipher.connect(path, key if not cipher.is_plain(path) else None, read_only=True)
    except errors:
        return []
    try:
        epoch, history = _epoch_settings(conn)
    except errors:
        return []
    finally:
        conn.close()
    return history + ([epoch] if epoch else [])


def start_new_epoch(conn: Any, *, also_left: list[str] | tuple[str, ...] = ()) -> str:
    """Give a copied or restored database a new sync epoch (docs/sync.md §3), remembering the
    one it leaves (and ``also_left``) in ``epoch_history``, and forget what the province
    acknowledged."""
    epoch, history = _epoch_settings(conn)
    left = [*history, *([epoch] if epoch else []), *also_left]
    unique = list(dict.fromkeys(e for e in left if e))[-MAX_EPOCH_HISTORY:]
    new = secrets.token_hex(8)
    conn.execute("UPDATE settings SET value = ? WHERE key = 'epoch'", (new,))
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('epoch_history', ?)",
        (json.dumps(unique),),
    )
    conn.execute("DELETE FROM settings WHERE key IN ('acked_through', 'acked_on', 'resend_from')")
    # When the copy's last change was made: the province holds versions from after it that this
    # database lost, and keeps them visible when this epoch's newer versions replace them.
    (last,) = conn.execute("SELECT max(changed_at) FROM change_log").fetchone()
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('restored_after', ?)",
        (str(last or ""),),
    )
    return new


def refuse_newer(path: Path, revision: str | None, app_version: str | None) -> None:
    """A backup written by a newer version of the app cannot be opened by this one."""
    from justice_desk.storage.schema import KNOWN_REVISIONS

    if revision is not None and revision not in KNOWN_REVISIONS:
        raise UserError(
            _(
                "The backup {path} was made by a newer version of Justice Desk ({version}). "
                "Install that version (or a newer one) first, then restore it."
            ).format(path=path, version=app_version or revision)
        )


def restore(backup_file: Path, db_path: Path, key: bytes | None = None) -> Path:
    """Put a backup in place of the database, keeping the current file aside.

    The restored database starts a new sync epoch (docs/sync.md §3), even when the same backup
    is restored twice, so the province never takes its change numbers for ones it has seen.
    An encrypted backup needs its ``key`` (``backup_key``); it stays encrypted, and its key
    slots (the passwords valid when it was taken, and the recovery key) come with it.
    Returns the path of the copy kept aside (or the database path when there was none).
    """
    from justice_desk.storage.database import inspect_sqlite_file

    if key is None and not cipher.is_plain(backup_file) and keyslots.has_slots(backup_file):
        raise cipher.locked(backup_file)
    if cipher.is_plain(backup_file):
        key = None
    state = inspect_sqlite_file(backup_file, key)  # refuses what is not a Justice Desk database
    refuse_newer(backup_file, state.revision, state.app_version)
    if integrity_check(backup_file, key) != "ok":
        raise DatabaseError(
            _("The backup {path} is damaged; choose another backup.").format(path=backup_file)
        )
    if _open_elsewhere(db_path):
        raise UserError(
            _("{path} is open in Justice Desk. Close the app, then restore.").format(path=db_path)
        )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db_path
    partial = db_path.with_name(db_path.name + ".restoring")
    # The database being replaced: plain, or encrypted (a backup of it has its key).
    current_plain = db_path.exists() and cipher.is_plain(db_path)
    left_behind = epochs_of(db_path, key) if db_path.exists() else []
    try:
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}.bak")
            if current_plain:
                src = sqlite3.connect(str(db_path))
                try:
                    dst = sqlite3.connect(str(kept))
                    try:
                        src.backup(dst)  # includes what is still in the write-ahead log
                    finally:
                        dst.close()
                finally:
                    src.close()
            else:
                # An encrypted file whose key may be another: kept as it is, with its log and
                # its key slots, so that it opens again as it did.
                shutil.copy2(db_path, kept)
                for suffix in ("-wal", keyslots.SUFFIX):
                    if Path(str(db_path) + suffix).exists():
                        shutil.copy2(str(db_path) + suffix, str(kept) + suffix)
        src = cipher.connect(backup_file, key, read_only=True)
        try:
            dst = cipher.connect(partial, key)
            try:
                src.backup(dst)
                # The epochs the replaced database had been through are left behind too, so
                # the province knows a bundle of theirs still travelling is old news.
                start_new_epoch(dst, also_left=left_behind)
                dst.commit()
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        # A stale write-ahead log beside the old file would be replayed into the restored one.
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        if key is not None:
            keyslots.copy_slots(backup_file, db_path)
        elif keyslots.has_slots(db_path):
            keyslots.remove_slots_file(db_path)  # a plain database has no key slots
        os.replace(partial, db_path)
    except _errors(key) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(
            _("The backup could not be restored ({error}). The database was not changed.").format(
                error=getattr(exc, "strerror", None) or exc
            )
        ) from exc
    return kept


@dataclass(frozen=True)
class BackupContents:
    """What a backup file holds, read without changing it (shown before a restore)."""

    revision: str | None
    app_version: str | None
    site_id: str | None
    code: str | None
    name: str | None
    kind: str | None
    demo: bool
    encrypted: bool
    people: int
    cases: int
    meetings: int
    last_change: str | None  # ISO time (UTC) of the newest change in the file


def describe(path: Path, key: bytes | None = None) -> BackupContents:
    """Check a backup file (a Justice Desk database, whole) and say what it holds; an
    encrypted backup with its ``key`` (``backup_key``).

    Refuses, with a message saying what to do, a file that is not a Justice Desk database or is
    damaged; nothing is written to it.
    """
    from justice_desk.storage.database import inspect_sqlite_file

    if cipher.is_plain(path):
        key = None
    state = inspect_sqlite_file(path, key)  # refuses what is not a Justice Desk database
    refuse_newer(path, state.revision, state.app_version)
    result = integrity_check(path, key)
    if result != "ok":
        raise DatabaseError(
            _("The backup {path} is damaged ({result}); choose another backup.").format(
                path=path, result=result
            )
        )
    failures: tuple[type[BaseException], ...] = (*_errors(key), ValueError)
    conn = cipher.connect(path, key, read_only=True)
    try:
        settings = dict(
            conn.execute(
                "SELECT key, value FROM settings WHERE key IN ('site_id', 'demo')"
            ).fetchall()
        )
        site = None
        site_id = settings.get("site_id")
        if site_id:
            site = conn.execute(
                "SELECT code, name, kind FROM sites WHERE id = ?", (uuid.UUID(site_id).hex,)
            ).fetchone()

        def count(table: str) -> int:
            sql = f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"  # noqa: S608 - fixed names
            return int(conn.execute(sql).fetchone()[0])

        people, cases, meetings = count("people"), count("cases"), count("meetings")
        (last,) = conn.execute("SELECT max(changed_at) FROM change_log").fetchone()
    except failures as exc:
        raise DatabaseError(
            _("The backup {path} cannot be read ({error}); choose another backup.").format(
                path=path, error=exc
            )
        ) from exc
    finally:
        conn.close()
    return BackupContents(
        revision=state.revision,
        app_version=state.app_version,
        site_id=site_id,
        code=site[0] if site else None,
        name=site[1] if site else None,
        kind=site[2] if site else None,
        demo=settings.get("demo") == "1",
        encrypted=key is not None,
        people=people,
        cases=cases,
        meetings=meetings,
        last_change=str(last) if last else None,
    )
