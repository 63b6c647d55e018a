"""Online backup of a SQLite database, checked before it is called a backup."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from justice_desk.domain import backup_names
from justice_desk.errors import DatabaseError, UserError
from justice_desk.i18n import _
from justice_desk.storage.database import BUSY_TIMEOUT_MS, Database


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
    try:
        src = sqlite3.connect(str(db.target.path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(str(partial))
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
        os.replace(partial, final)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
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


def integrity_check(path: Path) -> str:
    """``ok`` or SQLite's description of the damage."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:  # so damaged that the check itself cannot run
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


#: Epochs a database remembers having left (they travel in bundles as ``previous_epochs``).
MAX_EPOCH_HISTORY = 64


def _epoch_settings(conn: sqlite3.Connection) -> tuple[str | None, list[str]]:
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


def epochs_of(path: Path) -> list[str]:
    """The epochs a database file has been through, its current one last (read-only; empty when
    it cannot be read)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        epoch, history = _epoch_settings(conn)
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return history + ([epoch] if epoch else [])


def start_new_epoch(
    conn: sqlite3.Connection, *, also_left: list[str] | tuple[str, ...] = ()
) -> str:
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


def restore(backup_file: Path, db_path: Path) -> Path:
    """Put a backup in place of the database, keeping the current file aside.

    The restored database starts a new sync epoch (docs/sync.md §3), even when the same backup
    is restored twice, so the province never takes its change numbers for ones it has seen.
    Returns the path of the copy kept aside (or the database path when there was none).
    """
    from justice_desk.storage.database import inspect_sqlite_file

    state = inspect_sqlite_file(backup_file)  # refuses what is not a Justice Desk database
    refuse_newer(backup_file, state.revision, state.app_version)
    if integrity_check(backup_file) != "ok":
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
    left_behind = epochs_of(db_path) if db_path.exists() else []
    try:
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}.bak")
            src = sqlite3.connect(str(db_path))
            try:
                dst = sqlite3.connect(str(kept))
                try:
                    src.backup(dst)  # includes what is still in the write-ahead log
                finally:
                    dst.close()
            finally:
                src.close()
        src = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(partial))
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
        os.replace(partial, db_path)
    except (OSError, sqlite3.Error) as exc:
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
    people: int
    cases: int
    meetings: int
    last_change: str | None  # ISO time (UTC) of the newest change in the file


def describe(path: Path) -> BackupContents:
    """Check a backup file (a Justice Desk database, whole) and say what it holds.

    Refuses, with a message saying what to do, a file that is not a Justice Desk database or is
    damaged; nothing is written to it.
    """
    from justice_desk.storage.database import inspect_sqlite_file

    state = inspect_sqlite_file(path)  # refuses what is not a Justice Desk database
    refuse_newer(path, state.revision, state.app_version)
    result = integrity_check(path)
    if result != "ok":
        raise DatabaseError(
            _("The backup {path} is damaged ({result}); choose another backup.").format(
                path=path, result=result
            )
        )
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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
    except (sqlite3.Error, ValueError) as exc:
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
        people=people,
        cases=cases,
        meetings=meetings,
        last_change=str(last) if last else None,
    )
