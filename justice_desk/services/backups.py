"""Backups for people: automatic copies with rotation, the reminder to copy one to a USB stick,
and a backup checked and described before it replaces anything (docs/architecture.md §10).

The desktop app and ``justice-desk backup`` / ``restore`` call these same functions; the copy
itself is ``storage.backup`` (SQLite's online backup API, checked with ``integrity_check``,
written under a temporary name first).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from justice_desk.domain import backup_names
from justice_desk.domain.backup_names import Retention
from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.services import maintenance
from justice_desk.storage import audit
from justice_desk.storage import backup as storage_backup
from justice_desk.storage.database import Database

log = logging.getLogger(__name__)

#: Audit actions: a backup a person made (to a USB stick, say) and an automatic one.
MANUAL = "backup"
AUTOMATIC = "backup-auto"
#: A reminder to copy a backup elsewhere appears when none was made for this many days.
REMINDER_DAYS = 7
#: While the app is open an automatic backup is made when the newest is older than this.
DAILY = dt.timedelta(days=1)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken: dt.datetime  # local time
    size: int


@dataclass(frozen=True)
class AutomaticResult:
    path: Path
    removed: tuple[Path, ...]


def label(db: Database) -> str:
    """The start of this database's backup names: ``justice-desk-CODE``."""
    from justice_desk.services.setup import this_site

    return f"justice-desk-{this_site(db).code}"


def list_backups(folder: Path, name_label: str | None = None) -> list[BackupFile]:
    """Backups in ``folder`` (of one site when ``name_label`` is given), newest first; a
    missing or unreadable folder has none."""
    found: list[BackupFile] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        parsed = backup_names.parse(entry.name)
        if parsed is None or (name_label is not None and parsed.label != name_label):
            continue
        try:
            if not entry.is_file():
                continue
            size = entry.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(Path(entry.path), parsed.taken, size))
    found.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
    return found


def rotate(
    folder: Path, name_label: str, policy: Retention, *, now: dt.datetime | None = None
) -> list[Path]:
    """Remove the automatic backups of one site that the rotation does not keep; returns what
    was removed. A file that cannot be removed is left (and logged), never a reason to fail."""
    now = now or dt.datetime.now()
    backups = list_backups(folder, name_label)
    keep = backup_names.to_keep([b.taken for b in backups], now, policy)
    removed: list[Path] = []
    seen: set[dt.datetime] = set()
    for b in backups:  # newest first: of two files with the same moment, the first is kept
        if b.taken in keep and b.taken not in seen:
            seen.add(b.taken)
            continue
        try:
            storage_backup.remove_backup(b.path)  # and its .keys file, if encrypted
        except OSError as exc:
            log.warning("could not remove old backup %s: %s", b.path, exc)
            continue
        removed.append(b.path)
    return removed


def automatic_backup(
    db: Database, folder: Path, policy: Retention, *, now: dt.datetime | None = None
) -> AutomaticResult:
    """An automatic backup into ``folder``, then the rotation. The new copy is complete and
    checked before any old one is removed, so a full disk costs no backup that existed."""
    name_label = label(db)
    path = storage_backup.backup(db, folder, label=name_label)
    with db.write() as session:
        audit.record(session, AUTOMATIC, detail=str(path))
    return AutomaticResult(path, tuple(rotate(folder, name_label, policy, now=now)))


def automatic_due(
    folder: Path, name_label: str, *, now: dt.datetime | None = None, every: dt.timedelta = DAILY
) -> bool:
    """No automatic backup of this site in ``folder`` is younger than ``every``."""
    now = now or dt.datetime.now()
    newest = list_backups(folder, name_label)
    return not newest or now - newest[0].taken >= every


def backup_to(db: Database, folder: Path) -> Path:
    """A backup a person asked for (File → Back up…, ``justice-desk backup --to``)."""
    return maintenance.backup(db, folder)


@dataclass(frozen=True)
class CopyReminder:
    due: bool
    last_copy: dt.datetime | None  # UTC
    days: int | None  # days since the last copy (None: never)


def copy_reminder(
    db: Database, *, now: dt.datetime | None = None, after_days: int = REMINDER_DAYS
) -> CopyReminder:
    """Whether to remind the person to copy a backup elsewhere (a USB stick): due when no backup
    was made by hand for ``after_days`` days, counted from the first use of this database on
    this machine when none was ever made."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.read() as session:
        last = audit.last_at(session, MANUAL)
        first = audit.first_at(session)
    since = last or first
    if since is None:
        return CopyReminder(False, None, None)
    days = (now - since).days
    return CopyReminder(days >= after_days, last, days if last else None)


@dataclass(frozen=True)
class BackupCheck:
    """A backup file checked before a restore: what it holds and how it compares."""

    path: Path
    taken: dt.datetime | None  # from its name (local time), when it has a backup name
    contents: storage_backup.BackupContents
    same_site: bool  # the same center or office as the database it would replace
    #: The key of an encrypted backup (from the password or recovery key given), for restore.
    key: bytes | None = field(default=None, repr=False)


def backup_is_encrypted(path: Path) -> bool:
    """An encrypted backup: checking or restoring it asks for a password or the recovery key."""
    return path.is_file() and storage_backup.is_encrypted_backup(path)


def check_backup(
    path: Path,
    db: Database | None = None,
    *,
    login: str | None = None,
    secret: str | None = None,
) -> BackupCheck:
    """Check ``path`` as a backup (a whole Justice Desk database this version can open) and
    describe it; refuses with a message saying what to do. Nothing is written anywhere.

    An encrypted backup needs ``secret``: the password of ``login`` (an account that existed
    when the backup was made), or without a login the recovery key; without one it is refused
    with ``LockedDatabaseError`` (ask, then call again)."""
    if not path.is_file():
        raise UserError(_("There is no file at {path}. Choose a backup file.").format(path=path))
    key = storage_backup.backup_key(path, login=login, secret=secret)
    contents = storage_backup.describe(path, key)
    parsed = backup_names.parse(path.name)
    same = db is None or contents.site_id == db.setting("site_id")
    return BackupCheck(path, parsed.taken if parsed else None, contents, same, key)


def restore(
    backup_file: Path,
    db_path: str | os.PathLike[str],
    *,
    login: str | None = None,
    secret: str | None = None,
    key: bytes | None = None,
) -> Path:
    """Put a checked backup in place of the database (see ``maintenance.restore``). An
    encrypted backup opens with ``key`` (from ``check_backup``) or with ``login`` and
    ``secret`` as for ``check_backup``."""
    if key is None:
        key = storage_backup.backup_key(backup_file, login=login, secret=secret)
    return maintenance.restore(backup_file, db_path, key=key)


def automatic_backup_if_due(
    db: Database, folder: Path, policy: Retention, *, every: dt.timedelta = DAILY
) -> AutomaticResult | None:
    """The daily automatic backup while the app is open: made only when the newest automatic
    backup of this site in ``folder`` is older than ``every``."""
    if not automatic_due(folder, label(db), every=every):
        return None
    return automatic_backup(db, folder, policy)
