"""SQLCipher underneath: raw connections to plain and encrypted database files.

A Justice Desk database file is either plain SQLite (demo databases, and real ones made before
encryption, until they are converted) or SQLCipher 4 (AES-256 pages with an HMAC each), opened
with the ``sqlcipher3`` binding (it bundles SQLCipher with FTS5). The key is the 32-byte database
key from ``storage.keyslots`` in SQLCipher's raw form ``x'…'``: no PBKDF2 runs when a connection
opens (the password's Argon2id runs once, at login, in ``keyslots.unlock``).

``PRAGMA key`` must be the first statement on every connection: ``connect`` here does that, and
the SQLAlchemy engines of an encrypted database get their connections from it (``creator=``).
Plain files keep the standard library's ``sqlite3`` exactly as before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from justice_desk.errors import DatabaseError
from justice_desk.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"


class LockedDatabaseError(DatabaseError):
    """The database is encrypted and was opened without its key: sign in (an account's
    password, or the recovery key) to get it from the key slots."""


class WrongKeyError(DatabaseError):
    """The key given does not open this encrypted database."""


def dbapi() -> ModuleType:
    """The ``sqlcipher3`` DB-API module (imported on first use: plain databases never load it)."""
    from sqlcipher3 import dbapi2

    module: ModuleType = dbapi2
    return module


def driver_errors() -> tuple[type[BaseException], ...]:
    """Errors either driver raises (for ``except`` clauses that handle both)."""
    return (sqlite3.Error, dbapi().Error)


def header(path: Path) -> bytes:
    """The first 16 bytes of ``path`` (empty when it cannot be read)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def is_plain(path: Path) -> bool:
    return header(path) == SQLITE_HEADER


def may_be_encrypted(path: Path) -> bool:
    """Not plain SQLite, but shaped like SQLCipher's file: whole pages (a multiple of 512
    bytes, at least one 4 KiB page). A text or PDF file chosen by mistake is not."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= 4096 and size % 512 == 0 and not is_plain(path)


def looks_encrypted(path: Path) -> bool:
    """A non-empty file without SQLite's header whose ``.keys`` file is beside it."""
    from justice_desk.storage import keyslots

    head = header(path)
    return len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER and keyslots.has_slots(path)


def key_pragma(key: bytes) -> str:
    from justice_desk.storage.keyslots import raw_key_literal

    return f'PRAGMA key = "{raw_key_literal(key)}"'


#: Pages SQLCipher decrypts are kept decrypted in SQLite's page cache: a larger cache than
#: SQLite's default (2 MB) spares decrypting the same pages again (see the encryption
#: benchmark, benchmarks/bench_encryption.py). Negative: KiB.
CIPHER_CACHE_KIB = 64 * 1024


#: The page authentication code: HMAC-SHA256 rather than SQLCipher 4's default HMAC-SHA512.
#: Both are sound for authenticating pages; SHA-256 costs about half as much per page on
#: processors with SHA extensions, which decides the cold start (benchmarks/bench_encryption.py).
#: Every connection and every file an export writes uses it; changing it means converting
#: every database (``sqlcipher_export``). Other SQLCipher settings are its defaults: AES-256-CBC,
#: 4096-byte pages (as the plain files), a random salt per file.
PAGE_HMAC = "HMAC_SHA256"


def keyed(conn: Any, key: bytes, path: Path) -> Any:
    """Give a fresh ``sqlcipher3`` connection its key (the first statement it runs); a key that
    does not open an existing file is refused here with ``WrongKeyError`` (the connection is
    closed)."""
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error, not noise
        conn.execute(key_pragma(key))
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {PAGE_HMAC}")
        # The first statement that reads the file: SQLCipher checks the key here.
        conn.execute(f"PRAGMA cache_size = -{CIPHER_CACHE_KIB}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi().DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongKeyError(
                _(
                    "The key does not open {path}: the password or recovery key belongs to "
                    "another database, or the file is damaged. The file was not changed."
                ).format(path=path)
            ) from exc
        raise
    return conn


def connect(
    path: Path,
    key: bytes | None = None,
    *,
    read_only: bool = False,
    timeout: float = 5.0,
    check_same_thread: bool = True,
) -> Any:
    """A DB-API connection to ``path``: the standard ``sqlite3`` for a plain file (``key`` is
    None), ``sqlcipher3`` with the key applied first for an encrypted one."""
    if key is None:
        if read_only:
            return sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=timeout,
                check_same_thread=check_same_thread,
            )
        return sqlite3.connect(str(path), timeout=timeout, check_same_thread=check_same_thread)
    mod = dbapi()
    if read_only:
        conn = mod.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=timeout,
            check_same_thread=check_same_thread,
        )
    else:
        conn = mod.connect(str(path), timeout=timeout, check_same_thread=check_same_thread)
    return keyed(conn, key, path)


def key_opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the encrypted file ``path`` (a re-key cut short leaves slots of two
    keys: the one that opens wins). A write connection first, so that a re-key interrupted
    mid-way is rolled back by SQLite (its journal holds the pages as the old key wrote them,
    whichever key the connection has); read-only where the file cannot be written."""
    failures: tuple[type[BaseException], ...] = (OSError, *driver_errors())
    for read_only in (False, True):
        try:
            conn = connect(path, key, read_only=read_only)
        except WrongKeyError:
            return False
        except failures:
            continue
        conn.close()
        return True
    return False


def rekey(path: Path, old_key: bytes, new_key: bytes, *, timeout: float = 5.0) -> None:
    """Re-encrypt every page of ``path`` with ``new_key`` (SQLCipher's ``PRAGMA rekey``), in one
    transaction with a rollback journal: a crash before its commit leaves the old key's file
    (the journal rolls it back at the next open, with either key), after it the new key's. The
    write-ahead log is folded in and switched off for it (a re-key in WAL mode is not safe) and
    switched on again after. No other connection may be open on the file: it is refused as
    busy. The new key is checked (``quick_check``) before returning."""
    from justice_desk.storage.keyslots import raw_key_literal

    conn = connect(path, old_key, timeout=timeout)
    try:
        conn.isolation_level = None
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy is not None and busy[0]:
            raise dbapi().OperationalError("database is locked")
        switched = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
        if switched != "delete":
            raise dbapi().OperationalError("database is locked")
        conn.execute(f'PRAGMA rekey = "{raw_key_literal(new_key)}"').fetchall()
    finally:
        conn.close()
    check = connect(path, new_key, timeout=timeout)
    try:
        check.isolation_level = None
        result = str(check.execute("PRAGMA quick_check").fetchone()[0])
        if mode == "wal":
            check.execute("PRAGMA journal_mode = WAL")
    finally:
        check.close()
    if result != "ok":
        raise DatabaseError(
            _("The database did not check out after its key was changed: {detail}").format(
                detail=result
            )
        )


def locked(path: Path) -> LockedDatabaseError:
    return LockedDatabaseError(
        _(
            "{path} is encrypted. Sign in with an account of this database (or its recovery "
            "key) to open it."
        ).format(path=path)
    )


def export(src: Any, dest: Path, key: bytes | None) -> None:
    """Copy the whole database open on ``src`` (a ``sqlcipher3`` connection, keyed or plain)
    into a new file ``dest``, encrypted with ``key`` (plain when None), with SQLCipher's
    ``sqlcipher_export`` through ``ATTACH … KEY``."""
    literal = "''" if key is None else f"\"x'{key.hex()}'\""
    src.execute(f"ATTACH DATABASE ? AS export KEY {literal}", (str(dest),))
    try:
        if key is not None:
            src.execute(f"PRAGMA export.cipher_hmac_algorithm = {PAGE_HMAC}")
        src.execute("SELECT sqlcipher_export('export')")
        (version,) = src.execute("PRAGMA main.user_version").fetchone()
        src.execute(f"PRAGMA export.user_version = {int(version)}")
    finally:
        src.execute("DETACH DATABASE export")
