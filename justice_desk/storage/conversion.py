"""Turning a plain SQLite database file into an encrypted (SQLCipher) one, in place.

The order makes every moment safe to lose power in:

1. the write-ahead log is folded into the file, and a consistent plain copy is taken beside it
   (``<db>.before-encryption-<stamp>.bak``: the backup first);
2. ``sqlcipher_export`` writes an encrypted copy (``<db>.encrypting``); the search indexes
   (FTS5, external content over implicit rowids, which the export renumbers) are rebuilt in it;
3. the copy is checked: ``integrity_check`` and the same number of rows in every table;
4. the key slots must already be beside the database (the caller writes them first, so an
   encrypted file never exists without a way to open it); the copy replaces the database
   (``os.replace``);
5. the plain copy is removed unless asked to keep it (it would leave everything readable on
   the disk, which is what encryption is for); until step 4 the original file is untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from justice_desk.errors import DatabaseError, UserError
from justice_desk.i18n import _
from justice_desk.storage import cipher, keyslots
from justice_desk.storage.migrate import FTS_TABLES


@dataclass(frozen=True)
class Converted:
    path: Path
    #: The plain copy taken first; None once it was removed after a successful conversion.
    plain_copy: Path | None
    tables: int
    rows: int


def _counts(conn: object) -> dict[str, int]:
    """Rows per table; the search indexes' own tables are left out (a rebuilt index stores
    the same entries in other segments), their agreement with the rows is checked apart."""
    execute = conn.execute  # type: ignore[attr-defined]
    names = [
        r[0]
        for r in execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%\\_fts%' ESCAPE '\\'"
        ).fetchall()
    ]
    return {name: int(execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def encrypt_in_place(db_path: Path, key: bytes, *, keep_plain_copy: bool = False) -> Converted:
    """Encrypt the plain database ``db_path`` with ``key`` (see the module's steps). Refuses a
    file that is not plain SQLite or has no key slots yet; on any failure the database is left
    as it was and the partial file removed."""
    if not cipher.is_plain(db_path):
        raise DatabaseError(
            _("{path} is not a plain SQLite database: it cannot be encrypted.").format(path=db_path)
        )
    if not keyslots.has_slots(db_path):
        raise DatabaseError(
            _("The key slots of {path} must be written before it is encrypted.").format(
                path=db_path
            )
        )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    plain_copy = db_path.with_name(f"{db_path.name}.before-encryption-{stamp}.bak")
    partial = db_path.with_name(db_path.name + ".encrypting")
    partial.unlink(missing_ok=True)
    failures: tuple[type[BaseException], ...] = (OSError, *cipher.driver_errors())
    try:
        src = sqlite3.connect(str(db_path), timeout=20)
        try:
            src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = _counts(src)
            dst = sqlite3.connect(str(plain_copy))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(plain_copy)

        # The export reads the consistent copy, so the live file is never read half-written.
        mod = cipher.dbapi()
        plain = mod.connect(str(plain_copy))
        try:
            cipher.export(plain, partial, key)
        finally:
            plain.close()
        enc = cipher.connect(partial, key)
        try:
            for table in FTS_TABLES:
                fts = f"{table}_fts"
                found = enc.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (fts,)).fetchone()
                if found:
                    enc.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                    # Raises when the index does not match the rows it indexes.
                    enc.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            enc.commit()
            result = str(enc.execute("PRAGMA integrity_check").fetchone()[0])
            after = _counts(enc)
            enc.execute("PRAGMA journal_mode=DELETE")
        finally:
            enc.close()
        if result != "ok" or after != before:
            raise DatabaseError(
                _(
                    "The encrypted copy of {path} did not match the database ({detail}); the "
                    "database was left as it was."
                ).format(path=db_path, detail=result if result != "ok" else _("row counts"))
            )
        _fsync(partial)
        # A write-ahead log of the plain file must not be replayed into the encrypted one.
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(partial, db_path)
    except failures as exc:
        partial.unlink(missing_ok=True)
        plain_copy.unlink(missing_ok=True)
        raise UserError(
            _("{path} could not be encrypted ({error}). The database was not changed.").format(
                path=db_path, error=getattr(exc, "strerror", None) or exc
            )
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        plain_copy.unlink(missing_ok=True)
        raise
    kept: Path | None = plain_copy
    if not keep_plain_copy:
        plain_copy.unlink(missing_ok=True)
        kept = None
    return Converted(db_path, kept, len(after), sum(after.values()))


def plain_copies_beside(db_path: Path) -> list[Path]:
    """Plain (readable) copies of the database left beside it: the copies taken before
    upgrades and restores (``<db>.before-…bak``). Encryption does not reach them."""
    found = []
    for path in sorted(db_path.parent.glob(db_path.name + ".*")):
        if path.is_file() and path.suffix == ".bak" and cipher.is_plain(path):
            found.append(path)
    return found
