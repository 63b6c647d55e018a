"""Online backup of a SQLite database, checked before it is called a backup."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
from pathlib import Path

from justice_desk.errors import DatabaseError, UserError
from justice_desk.i18n import _
from justice_desk.storage.database import BUSY_TIMEOUT_MS, Database


def backup(db: Database, folder: Path, *, label: str = "justice-desk") -> Path:
    """Copy the live database into ``folder`` while it stays in use, then ``integrity_check`` the copy.

    The copy is written under a temporary name and renamed only once it is whole and checked, so
    a pulled USB stick or a full disk never leaves a file that looks like a good backup.
    """
    if db.target.path is None:
        raise UserError(_("Backups from here are for SQLite databases; back up a server database with its own tools (pg_dump)."))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(_("Cannot create the folder {folder}: {error}").format(folder=folder, error=exc.strerror)) from exc
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    final = folder / f"{label}-{stamp}.sqlite3"
    partial = final.with_name(final.name + ".partial")
    try:
        src = sqlite3.connect(str(db.target.path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst, pages=1024)
                result = dst.execute("PRAGMA integrity_check").fetchone()[0]
                # A restored copy is a new epoch (SYNC.md §3): the province must not take its
                # change numbers for ones it has already seen, and it resends everything.
                dst.execute("UPDATE settings SET value = ? WHERE key = 'epoch'", (secrets.token_hex(8),))
                dst.execute("DELETE FROM settings WHERE key IN ('acked_through', 'acked_on', 'resend_from')")
                dst.commit()
                # The copy keeps WAL mode; switch it to a plain single file that opens anywhere.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if result != "ok":
            raise DatabaseError(_("The backup copy failed its integrity check ({result}); the database may be damaged.").format(result=result))
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, final)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        message = getattr(exc, "strerror", None) or str(exc)
        raise UserError(
            _("The backup could not be written to {folder} ({error}). Check that the drive is plugged in and has free space.").format(
                folder=folder, error=message
            )
        ) from exc
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise
    return final


def integrity_check(path: Path) -> str:
    """``ok`` or SQLite's description of the damage."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
