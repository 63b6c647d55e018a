"""Migrate and back up, for the command line and the GUI."""

from __future__ import annotations

import os
from pathlib import Path

from justice_desk.domain.access import Permission
from justice_desk.services.access import require
from justice_desk.storage import audit
from justice_desk.storage import backup as storage_backup
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.schema import HEAD as HEAD  # the schema a migrated database is at


def migrate(db_path: str | os.PathLike[str] | None) -> tuple[Database, str]:
    """Open (upgrading when behind, after copying the file aside) and report the schema revision."""
    db = open_database(db_path)
    return db, HEAD


def backup(db: Database, folder: Path) -> Path:
    require(db, Permission.BACKUP)
    from justice_desk.services.setup import this_site

    site = this_site(db)
    path = storage_backup.backup(db, folder, label=f"justice-desk-{site.code}")
    with db.write() as session:
        audit.record(session, "backup", detail=str(path))
    return path


def integrity_check(path: Path) -> str:
    return storage_backup.integrity_check(path)


def restore(
    backup_file: Path, db_path: str | os.PathLike[str], *, key: bytes | None = None
) -> Path:
    """Replace the database with a backup (the current file is kept aside); a new sync epoch.
    An encrypted backup needs its ``key`` (``services.backups.restore`` asks for it)."""
    from justice_desk.storage.locate import resolve_target

    target = resolve_target(db_path)
    if target.path is None:
        from justice_desk.errors import UserError
        from justice_desk.i18n import _

        raise UserError(_("Restore a server database with its own tools (pg_restore)."))
    return storage_backup.restore(backup_file, target.path, key)
