"""Opening a database safely: where it is, what version it is, and sessions to use it.

Opening never harms a file it cannot use: a file that is not a Justice Desk database, or one
written by a newer version of the app, is inspected read-only and refused with a message; a
database behind this version is copied aside before it is upgraded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from justice_desk import __version__
from justice_desk.domain import access
from justice_desk.errors import (
    DatabaseBusyError,
    DatabaseError,
    DatabaseReadOnlyError,
    DataIntegrityError,
    DiskFullError,
    NewerDatabaseError,
    NotADatabaseError,
)
from justice_desk.i18n import _
from justice_desk.storage import changelog, cipher
from justice_desk.storage.locate import Target, resolve_target
from justice_desk.storage.models import Setting
from justice_desk.storage.schema import HEAD, KNOWN_REVISIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 20_000
SQLITE_HEADER = b"SQLite format 3\x00"


class JusticeSession(Session):
    """Our session class; the change-log hook is attached to it (and only to it)."""


changelog.install(JusticeSession)


#: TLS to a PostgreSQL server (the province office): libpq's ``sslmode``. ``prefer`` (the
#: default) uses TLS whenever the server offers it; ``require`` or ``verify-full`` (with
#: ``sslrootcert``) refuse a server without it. Set it in the URL (``?sslmode=verify-full``) or
#: with JUSTICE_DESK_PG_SSLMODE; the URL wins.
PG_SSLMODE_ENV = "JUSTICE_DESK_PG_SSLMODE"
PG_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def pg_connect_args(target: Target) -> dict[str, Any]:
    """Connection arguments for a server database: the TLS mode unless the URL names one."""
    if target.path is not None or not target.url.startswith("postgresql"):
        return {}
    from sqlalchemy.engine import make_url

    url = make_url(target.url)
    if "sslmode" in url.query:
        return {}
    mode = os.environ.get(PG_SSLMODE_ENV, "").strip() or "prefer"
    if mode not in PG_SSLMODES:
        raise DatabaseError(
            _("{env} must be one of: {modes}.").format(
                env=PG_SSLMODE_ENV, modes=", ".join(PG_SSLMODES)
            )
        )
    return {"sslmode": mode}


def _sqlite_pragmas(dbapi_conn: Any, record: Any) -> None:
    # Take transaction control away from the sqlite3 module so that BEGIN is ours (see _begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    # FULL: a power cut after commit never loses the committed transaction.
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _make_engine(target: Target, *, immediate: bool, key: bytes | None = None) -> Engine:
    if target.path is None:
        return create_engine(target.url, pool_pre_ping=True, connect_args=pg_connect_args(target))
    if key is not None:
        # SQLCipher: every connection comes from cipher.connect, which runs PRAGMA key first.
        path = target.path

        def _creator() -> Any:
            return cipher.connect(
                path, key, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )

        engine = create_engine(target.url, creator=_creator, module=cipher.dbapi())
    else:
        engine = create_engine(
            target.url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
    event.listen(engine, "connect", _sqlite_pragmas)

    # Writers start with BEGIN IMMEDIATE: they queue on the busy timeout at BEGIN instead of
    # failing with "database is locked" when a read transaction later tries to write.
    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin_sql)

    return engine


def _is_busy(exc: BaseException) -> bool:
    message = str(exc).lower()
    return "database is locked" in message or "database is busy" in message


#: SQLite result codes (``sqlite3.Error.sqlite_errorname``, extended codes included) and
#: PostgreSQL SQLSTATEs that mean the database cannot be written at all, or the disk is full.
_SQLITE_READ_ONLY = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")
_SQLITE_FULL = ("SQLITE_FULL",)
_PG_READ_ONLY = ("25006", "42501")  # read_only_sql_transaction, insufficient_privilege
_PG_FULL = ("53100",)  # disk_full
_OS_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_OS_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def unwritable_error(exc: BaseException, target: Target) -> DatabaseError | None:
    """The error to show when ``exc`` means that the database cannot be written (a read-only
    file or folder, missing permission) or that its disk is full; ``None`` for anything else.

    These are conditions a person can fix, not bugs and not damage: the message names the
    cause and what to do, in the app's language."""
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if isinstance(orig, OSError):
        if orig.errno in _OS_FULL:
            return _disk_full(target)
        return _read_only(target) if orig.errno in _OS_READ_ONLY else None
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    state = str(getattr(orig, "sqlstate", "") or "")
    message = str(orig).lower()
    if name.startswith(_SQLITE_FULL) or state in _PG_FULL or "database or disk is full" in message:
        return _disk_full(target)
    if ("disk i/o error" in message or name.startswith("SQLITE_IOERR")) and _no_space(target):
        return _disk_full(target)  # SQLCipher reports a full disk as an I/O error
    if (
        name.startswith(_SQLITE_READ_ONLY)
        or state in _PG_READ_ONLY
        or "readonly database" in message
        or "unable to open database file" in message
    ):
        return _read_only(target)
    return None


def _no_space(target: Target) -> bool:
    """The database's disk has (next to) no room left: less than 64 KiB free."""
    import shutil

    if target.path is None:
        return False
    try:
        return shutil.disk_usage(target.path.parent).free < 64 * 1024
    except OSError:
        return False


def _read_only(target: Target) -> DatabaseReadOnlyError:
    if target.path is None:
        return DatabaseReadOnlyError(
            _(
                "The database {database} cannot be written: it is read-only, or this user may "
                "not change it. Nothing was saved. Ask whoever runs the database server to "
                "allow writing, and try again."
            ).format(database=target.display)
        )
    path = target.path
    if path.exists() and not os.access(path, os.W_OK):
        return DatabaseReadOnlyError(
            _(
                "The database {path} is read-only: it cannot be written, so nothing was saved. "
                "Make the file writable, or copy it to a folder you can write to, and try again."
            ).format(path=path)
        )
    if not os.access(path.parent, os.W_OK):
        return DatabaseReadOnlyError(
            _(
                "The folder of the database ({folder}) is read-only, and the database cannot be "
                "written without it: nothing was saved. Allow writing in that folder, or move the "
                "database to a folder you can write to, and try again."
            ).format(folder=path.parent)
        )
    return DatabaseReadOnlyError(
        _(
            "The database {path} cannot be written (the file or its folder is read-only, or "
            "permission is missing): nothing was saved. Allow writing, or copy the database to "
            "a folder you can write to, and try again."
        ).format(path=path)
    )


def _disk_full(target: Target) -> DiskFullError:
    return DiskFullError(
        _(
            "The disk holding the database {database} is full: the last change was not saved. "
            "Make room on the disk, or move the database to a disk with free space, and try "
            "again."
        ).format(database=target.path or target.display)
    )


def damaged_error(exc: BaseException, target: Target) -> DatabaseError | None:
    """A file damaged on the disk (SQLite's "malformed" image; for an encrypted file, a page
    that fails its authentication code), said as such instead of an unexpected error."""
    message = str(getattr(exc, "orig", exc) or "").lower()
    if "malformed" not in message and "not a database" not in message:
        return None
    return DatabaseError(
        _(
            "The database {path} is damaged on the disk ({error}). Nothing more was read or "
            "changed. Restore the latest backup (File → Restore from a backup, or "
            "“justice-desk restore”) and keep this file for a technician."
        ).format(path=target.display, error=getattr(exc, "orig", exc))
    )


def busy_error() -> DatabaseBusyError:
    return DatabaseBusyError(
        _(
            "The database is busy with another task (an import, a backup or a demo run). "
            "Wait until it finishes and try again."
        )
    )


class Database:
    """An open database: sessions for reading and for writing, and facts about the database."""

    def __init__(self, target: Target, *, key: bytes | None = None) -> None:
        self.target = target
        #: The SQLCipher database key (``storage.keyslots``); None for a plain or server database.
        self.key = key
        self.read_engine = _make_engine(target, immediate=False, key=key)
        self.write_engine = (
            _make_engine(target, immediate=True, key=key) if target.path else self.read_engine
        )

        if target.path is None:
            # A server: each read is one snapshot (REPEATABLE READ), so a page or a report read
            # in several statements never mixes figures from before and after an import that
            # commits meanwhile (docs/sync.md §6). SQLite's read transactions already are.
            self.read_engine = self.write_engine.execution_options(
                isolation_level="REPEATABLE READ"
            )
        self._read = sessionmaker(self.read_engine, class_=JusticeSession, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, class_=JusticeSession, expire_on_commit=False)
        self._settings_cache: dict[str, str] | None = None
        #: At a province office: the center whose records the pages show (None: all centers).
        self.scope_owner: uuid.UUID | None = None
        self._signed_in: access.Actor | None = None
        self._has_accounts: bool | None = None

    # -- who is at the keyboard --------------------------------------------------------------

    @property
    def actor(self) -> access.Actor:
        """Whom the services act for: the account signed in (``sign_in``); else, on a database
        without accounts, ``access.OPEN`` (every right, as before accounts existed); else
        ``access.NOBODY`` (no right: sign in first). The window and the command line set it
        once after the login; every service reads it from here."""
        if self._signed_in is not None:
            return self._signed_in
        return access.NOBODY if self.has_accounts() else access.OPEN

    def sign_in(self, actor: access.Actor | None) -> None:
        """Act for ``actor`` from now on (``None``: nobody signed in)."""
        self._signed_in = actor

    def has_accounts(self) -> bool:
        """Whether anyone must sign in: the database has at least one account (enabled or not)."""
        if self._has_accounts is None:
            from justice_desk.storage.models import Account

            try:
                with self.connect_read() as conn:
                    found = conn.execute(select(Account.id).limit(1)).first() is not None
            except DBAPIError:
                return False  # a schema before accounts (being upgraded): nobody to sign in
            self._has_accounts = found
        return self._has_accounts

    def forget_accounts(self) -> None:
        """Ask the database again whether it has accounts (after one was created)."""
        self._has_accounts = None

    @property
    def is_sqlite(self) -> bool:
        return self.target.path is not None

    @property
    def encrypted(self) -> bool:
        """An encrypted (SQLCipher) database file."""
        return self.key is not None

    def _operational(self, exc: DBAPIError) -> DatabaseError | None:
        """A database error a person can act on (busy, read-only, disk full), or ``None``."""
        if _is_busy(exc):
            return busy_error()
        return unwritable_error(exc, self.target)

    def _damaged(self, exc: DBAPIError) -> None:
        error = damaged_error(exc, self.target)
        if error is not None:
            raise error from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; whatever it changes is rolled back."""
        try:
            with self._read() as session:
                session.info["owner_id"] = self.site_id_or_none()
                session.info["actor"] = self.actor
                try:
                    yield session
                finally:
                    session.rollback()
        except OperationalError as exc:
            error = self._operational(exc)
            if error is not None:
                raise error from exc
            raise
        except SADatabaseError as exc:
            self._damaged(exc)
            raise

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one unit of work: committed at the end, rolled back on any error."""
        try:
            with self._write.begin() as session:
                session.info["owner_id"] = self.site_id_or_none()
                session.info["actor"] = self.actor
                yield session
        except OperationalError as exc:
            error = self._operational(exc)
            if error is not None:
                raise error from exc
            raise
        except IntegrityError as exc:
            raise DataIntegrityError(
                _(
                    "The change was not saved because it breaks the database's rules ({error})."
                ).format(error=exc.orig)
            ) from exc
        except SADatabaseError as exc:
            self._damaged(exc)
            raise
        except self._driver_integrity_error as exc:
            # The same, from work done on the driver's own connection (the importer's COPY on
            # PostgreSQL): named as SQLAlchemy's would be, not as an unexpected failure.
            raise DataIntegrityError(
                _(
                    "The change was not saved because it breaks the database's rules ({error})."
                ).format(error=exc)
            ) from exc

    @property
    def _driver_integrity_error(self) -> type[Exception]:
        dbapi = self.write_engine.dialect.dbapi
        found = getattr(dbapi, "IntegrityError", None)
        return found if isinstance(found, type) and issubclass(found, Exception) else IntegrityError

    @contextlib.contextmanager
    def connect_write(self) -> Iterator[Any]:
        """A Core connection in a write transaction (bulk work); committed at the end."""
        try:
            with self.write_engine.begin() as conn:
                conn.info["actor"] = self.actor
                yield conn
        except OperationalError as exc:
            error = self._operational(exc)
            if error is not None:
                raise error from exc
            raise

    @contextlib.contextmanager
    def connect_read(self) -> Iterator[Any]:
        """A Core connection for reading; rolled back at the end."""
        try:
            with self.read_engine.connect() as conn:
                try:
                    yield conn
                finally:
                    conn.rollback()
        except OperationalError as exc:
            error = self._operational(exc)
            if error is not None:
                raise error from exc
            raise

    # -- settings ------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        if self._settings_cache is None:
            with self.connect_read() as conn:
                rows = conn.execute(select(Setting.key, Setting.value)).all()
            self._settings_cache = {k: v for k, v in rows}
        return dict(self._settings_cache)

    def setting(self, key: str, default: str | None = None) -> str | None:
        return self.settings().get(key, default)

    def put_settings(self, session: Session, values: dict[str, str]) -> None:
        for key, value in values.items():
            session.merge(Setting(key=key, value=value))
        self._settings_cache = None
        # Again once the values are committed: a reader on another thread (a background job)
        # may have filled the cache with the old values meanwhile.
        event.listen(session, "after_commit", self._forget_settings, once=True)

    def _forget_settings(self, _session: Session) -> None:
        self._settings_cache = None

    def owner_in_view(self, owner_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """The owner a listing is limited to: the one asked for, else the scope chosen at a
        province office, else nobody (a center lists its own records: all of them)."""
        return owner_id or self.scope_owner

    def home_owner(self, owner_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """The owner whose numbers, roster and mediators apply: the one asked for, the center in
        view at a province office, or this site."""
        return owner_id or self.scope_owner or self.site_id_or_none()

    def site_id_or_none(self) -> uuid.UUID | None:
        value = self.setting("site_id")
        return uuid.UUID(value) if value else None

    @property
    def site_id(self) -> uuid.UUID:
        value = self.site_id_or_none()
        if value is None:
            raise DatabaseError(
                _(
                    "This database has not been set up yet. "
                    "Run “justice-desk init center” or open it in the app to set it up."
                )
            )
        return value

    @property
    def mode(self) -> str | None:
        """``center`` or ``province`` once set up."""
        return self.setting("mode")

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


# ------------------------------------------------------------------------------------------
# Inspection and opening


@dataclass(frozen=True)
class DatabaseState:
    revision: str | None
    app_version: str | None


def inspect_sqlite_file(path: Path, key: bytes | None = None) -> DatabaseState:
    """Read the schema revision of a SQLite file without writing to it; an encrypted file
    (SQLCipher) with its ``key``, refused as locked without one."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(
            _("Cannot read {path}: {error}").format(path=path, error=exc.strerror)
        ) from exc
    if header != SQLITE_HEADER and key is None and cipher.looks_encrypted(path):
        raise cipher.locked(path)
    if header != SQLITE_HEADER and key is None and cipher.may_be_encrypted(path):
        from justice_desk.storage import keyslots

        raise NotADatabaseError(
            _(
                "{path} is not a plain SQLite file: it looks like an encrypted Justice Desk "
                "database whose key file {keys} is missing beside it. Copy that file back from "
                "where the database came from (a backup has its own .keys file beside it), then "
                "try again. The database was not changed."
            ).format(path=path, keys=keyslots.slots_path(path))
        )
    if header != SQLITE_HEADER and key is None:
        raise NotADatabaseError(
            _(
                "{path} is not a Justice Desk database (it is not a SQLite file). "
                "The file was not changed. Choose another file."
            ).format(path=path)
        )
    if header == SQLITE_HEADER:
        key = None  # a plain file (not converted yet) opens as it is
    errors = cipher.driver_errors() if key is not None else (sqlite3.Error,)
    try:
        conn = cipher.connect(path, key, read_only=True)
    except errors as exc:
        # an encrypted file in a read-only folder cannot be opened even to read (its
        # write-ahead log needs the folder): the same message as for a plain one
        unwritable = unwritable_error(exc, Target(url=f"sqlite:///{path}", path=path))
        if unwritable is not None:
            raise unwritable from exc
        raise NotADatabaseError(
            _("Cannot open {path}: {error}").format(path=path, error=exc)
        ) from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "settings" not in tables:
            raise NotADatabaseError(
                _(
                    "{path} is a database, but not a Justice Desk database. "
                    "The file was not changed. Choose another file."
                ).format(path=path)
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        app = conn.execute("SELECT value FROM settings WHERE key='app_version'").fetchone()
        return DatabaseState(row[0] if row else None, app[0] if app else None)
    except errors as exc:
        if isinstance(exc, NotADatabaseError):  # pragma: no cover - not an sqlite3 error
            raise
        # A file SQLite cannot even read in a read-only folder (it needs the folder for its
        # write-ahead log) is not damaged: say what is wrong.
        unwritable = unwritable_error(exc, Target(url=f"sqlite:///{path}", path=path))
        if unwritable is not None:
            raise unwritable from exc
        raise NotADatabaseError(
            _(
                "{path} is damaged or not a database ({error}). The file was not changed. "
                "Restore it from a backup."
            ).format(path=path, error=exc)
        ) from exc
    finally:
        conn.close()


def _inspect_url(target: Target) -> DatabaseState:
    engine = create_engine(target.url, connect_args=pg_connect_args(target))
    try:
        with engine.connect() as conn:
            names = set(conn.dialect.get_table_names(conn))
            if "alembic_version" not in names:
                return DatabaseState(None, None)
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            app = (
                conn.execute(text("SELECT value FROM settings WHERE key='app_version'")).scalar()
                if "settings" in names
                else None
            )
            return DatabaseState(rev, app)
    except OperationalError as exc:
        raise DatabaseError(
            _("Cannot connect to {url}: {error}").format(url=target.display, error=exc.orig)
        ) from exc
    finally:
        engine.dispose()


def backup_copy_before_upgrade(path: Path, from_revision: str, key: bytes | None = None) -> Path:
    """Copy the whole database aside (consistent, through SQLite's backup API) before migrating;
    an encrypted one stays encrypted with the same key, its key slots copied beside it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.name}.before-upgrade-{from_revision}-{stamp}.bak")
    src = cipher.connect(path, key, read_only=True)
    try:
        dst = cipher.connect(dest, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if key is not None:
        from justice_desk.storage import keyslots

        keyslots.copy_slots(path, dest)
    return dest


def _stamp_app_version(db: Database) -> None:
    with db.write() as session:
        db.put_settings(session, {"app_version": __version__, "schema_revision": HEAD})


def open_database(
    db: str | os.PathLike[str] | None = None, *, create: bool = False, key: bytes | None = None
) -> Database:
    """Open (and if needed create or upgrade) the database named by ``db``.

    ``key``: the SQLCipher key of an encrypted file (``storage.keyslots.unlock``); a new file is
    created encrypted with it. An encrypted file opened without it is refused with
    ``cipher.LockedDatabaseError`` (sign in first); a plain file opens as it is, with or without
    a key (``storage.conversion`` encrypts it).

    - missing: created at the current schema when ``create``, else refused;
    - at the current schema: opened;
    - behind: copied aside, then upgraded;
    - newer than this app, not a database, damaged: refused, the file untouched.
    """
    target = resolve_target(db)
    if target.path is not None:
        if not target.path.exists():
            if not create:
                raise DatabaseError(
                    _(
                        "There is no database at {path}. "
                        "Create one with “justice-desk init center” or “justice-desk demo”."
                    ).format(path=target.path)
                )
            try:
                target.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise (unwritable_error(exc, target) or exc) from exc
            state = DatabaseState(None, None)
        else:
            if target.path.is_dir():
                raise NotADatabaseError(
                    _("{path} is a folder, not a database file.").format(path=target.path)
                )
            state = inspect_sqlite_file(target.path, key)
            if cipher.is_plain(target.path):
                key = None
    else:
        key = None
        state = _inspect_url(target)

    if state.revision is not None and state.revision not in KNOWN_REVISIONS:
        raise NewerDatabaseError(
            _(
                "This database was written by a newer Justice Desk ({their_version}, "
                "schema {their_schema}); "
                "this is Justice Desk {our_version} (schema {our_schema}). "
                "Install the newer version to open it. "
                "The file was not changed."
            ).format(
                their_version=state.app_version or _("unknown version"),
                their_schema=state.revision,
                our_version=__version__,
                our_schema=HEAD,
            )
        )
    database = Database(target, key=key)
    if state.revision != HEAD:
        if state.revision is not None and target.path is not None:
            copy_errors: tuple[type[BaseException], ...] = (
                OSError,
                *(cipher.driver_errors() if key else (sqlite3.Error,)),
            )
            try:
                copy = backup_copy_before_upgrade(target.path, state.revision, key)
            except copy_errors as exc:
                # The copy goes beside the database: a read-only folder or a full disk is named.
                raise (unwritable_error(exc, target) or exc) from exc
            log.info(
                "copied %s to %s before upgrading from schema %s", target.path, copy, state.revision
            )
        from justice_desk.storage.migrate import upgrade

        try:
            with database.write_engine.begin() as conn:
                upgrade(conn)
        except OperationalError as exc:
            database.dispose()
            error = database._operational(exc)
            if error is not None:
                raise error from exc
            raise
        _stamp_app_version(database)
    return database
