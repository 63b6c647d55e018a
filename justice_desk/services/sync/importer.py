"""The province's importer: files and folders in any order, each bundle decided on and applied in
one transaction, held bundles released, every outcome named (docs/sync.md §6, §7).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import gc
import json
import os
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from justice_desk import sync as fmt
from justice_desk.domain.enums import ENROLLED, EnrolmentStatus, ImportStatus, KeyStatus
from justice_desk.errors import (
    Cancelled,
    DatabaseBusyError,
    DatabaseReadOnlyError,
    DataIntegrityError,
    DiskFullError,
    UserError,
)
from justice_desk.i18n import _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.storage import privacy_queries, summaries, sync_merge, sync_store
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Enrolment,
    ImportLogEntry,
    ReceivedBundle,
    RejectedRecordRow,
    utcnow,
)
from justice_desk.sync.bundle import TypedFields, TypedRecord
from justice_desk.sync.keys import (
    KeySet,
    TrustLookup,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session
from justice_desk.domain.access import Permission
from justice_desk.services.access import require
from justice_desk.services.sync._common import (
    SCHEMA_VERSION,
    _json_list,
    _require_province,
    _timestamp,
    log,
    reason_text,
)
from justice_desk.services.sync.keys import _province_private_keys, _store_public, _trust
from justice_desk.storage import audit

#: Outcomes of files the province took in; anything else (held, rejected, skipped) needs a look.
TAKEN_IN = (ImportStatus.APPLIED, ImportStatus.DUPLICATE)
#: Errors that stop an import: the database cannot be written for now, so every later file
#: would fail the same way.
STOPS: tuple[type[UserError], ...] = (DatabaseBusyError, DatabaseReadOnlyError, DiskFullError)
#: What a file's own failure never turns into a refusal of that file.
_NOT_PER_FILE: tuple[type[Exception], ...] = (*STOPS, Cancelled)
#: A bundle with more records than this is read and decoded only while no other bundle is in
#: memory (so at most one large bundle is, besides the reader's small ones ahead).
READ_AHEAD_RECORDS = 20_000
#: Files read ahead at most: the second is asked for while the importer waits for the
#: database (:meth:`_ImportRun.read_ahead`).
READ_AHEAD_FILES = 2
#: Bundles of one center that follow each other in a run are applied in one write transaction,
#: each decided on exactly as if it were alone, up to this many records or bundles: one commit
#: (one flush to disk, one round of locks) for them instead of one each. Any failure rolls the
#: group back and its bundles are settled again one transaction each, the way a single bundle
#: always is, so every file gets the outcome it would get alone (docs/sync.md §6).
GROUP_RECORDS = 20_000
GROUP_BUNDLES = 32


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file: ``status`` is applied, duplicate, held, rejected or skipped
    (not a file at all: a pipe, a device, a link to a folder; or not imported because the
    import stopped); never partial (an applied bundle's message counts its refused records).
    A plain string given as ``status`` becomes the :class:`ImportStatus` it names."""

    file: str
    status: ImportStatus
    reason: str | None = None
    message: str = ""
    records: int = 0
    center: str | None = None
    seq: int | None = None
    applied_after: tuple[str, ...] = ()  # held bundles that this one released

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ImportStatus(self.status))


def import_exit_status(outcomes: Iterable[ImportOutcome]) -> int:
    """The exit status of ``justice-desk sync import`` (docs/sync.md, "Import outcomes and
    reasons"): 0 when every file was applied or had already been imported, 3 when any was
    held, rejected or skipped. (2 is a problem that stopped the run, 1 an unexpected error.)"""
    return 0 if all(o.status in TAKEN_IN for o in outcomes) else 3


class ImportStopped(UserError):
    """The database could not be written (busy, read-only, disk full), so the import stopped.

    ``outcomes``: those of the files dealt with before, in order, then (when there were any) a
    ``skipped`` outcome with reason ``not_imported`` for each file that was not imported. When
    nothing could be written at all there are none: the message says so once."""

    def __init__(self, cause: UserError, outcomes: list[ImportOutcome]) -> None:
        super().__init__(cause.message)
        self.cause = cause
        self.outcomes = outcomes
        self.exit_code = cause.exit_code


def _expand(paths_in: Iterable[Path]) -> list[Path]:
    """Every path given, and in each folder given everything found in it and its subfolders
    (sorted): regular files, but also pipes, devices and links, so that each gets its own
    outcome. Links to folders are not followed; a folder that cannot be listed is an entry
    of its own (reading it says why)."""
    files: list[Path] = []
    for p in paths_in:
        if p.is_dir() and not p.is_symlink():  # a link to a folder, given or found: not_a_file
            files.extend(sorted(_walk(p)))
        else:
            files.append(p)
    return files


class _UnlistedFolder(type(Path())):  # type: ignore[misc]
    """A folder found (or given) that could not be listed: its entry says so when read. Any
    other path that is a folder when read (a file swapped for a folder after the listing) is
    ``not_a_file``, as a folder is."""


def _walk(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as found:
            entries = list(found)
    except OSError:
        yield _UnlistedFolder(folder)
        return
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            yield from _walk(Path(entry.path))
        else:
            yield Path(entry.path)


def import_paths(
    db: Database,
    inputs: Sequence[Path],
    *,
    passphrase: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[ImportOutcome]:
    """Import files and whole folders in any order; every path given and every entry found in
    a folder gets exactly one outcome, in that order, and no file stops the rest.

    A bundle refused because its key is not known yet is tried again at the end of the run
    when a key-change statement was applied after it (the statement may sort after the
    bundles it introduces). Raises :class:`ImportStopped` when the database cannot be
    written at all (busy, read-only, disk full): what was imported before stays."""
    require(db, Permission.SYNC)
    _require_province(db)
    keys = _province_private_keys(db, passphrase)
    return _ImportRun(db, keys, _expand(inputs)).run(progress, cancel)


@dataclass
class _Group:
    """Bundles of one center applied in one write transaction that is still open."""

    center: uuid.UUID
    stack: contextlib.ExitStack[bool | None]
    session: Session
    items: list[tuple[int, _Read, ImportOutcome]] = field(default_factory=list)
    weight: int = 0
    #: SQLite: the rows the last bundle wrote, per table, whose references are checked before
    #: the next bundle joins (:meth:`_ImportRun.apply_in_group`).
    unchecked: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    #: The center had no held bundle when a bundle of the group asked, and none of the group
    #: was held since: nothing can hold one meanwhile (the group's transaction holds the
    #: center's lock, ``sync_queries.lock_center``), so later bundles need not ask again.
    none_held: bool = False


def _ready(read: _Read, columns: _Columns) -> bool:
    """Is ``read`` a bundle that :func:`_import_one` would take to :func:`_settle` (verified,
    decrypted and decoded, not a copy, of a schema and with numbers this database holds)?"""
    bundle = read.bundle
    if (
        bundle is None
        or read.data is None
        or read.failure is not None
        or read.refused is not None
        or read.copy
        or read.kind not in (None, fmt.Kind.BUNDLE)
        or bundle.schema_version > SCHEMA_VERSION
    ):
        return False
    max_rev = read.decoded.max_rev if read.decoded is not None else 0
    return columns.fits(bundle.seq, bundle.first_change, bundle.last_change, max_rev)


class _ImportRun:
    """One :func:`import_paths` call: its files in order, read one ahead on a second thread."""

    def __init__(self, db: Database, keys: list[KeySet], files: list[Path]) -> None:
        self.db, self.keys, self.files = db, keys, files
        self.columns = _Columns.of(db)
        self.outcomes: list[ImportOutcome | None] = [None] * len(files)
        # The key directory is read once per run (it costs a query and a key parse per center),
        # and again after a key-change statement changed it.
        self.trust = _trust(db)
        # File digest -> the first file of this run with those bytes (the reader's own).
        self.first_seen: dict[str, int] = {}
        # Files refused for an unknown key (and copies of them): read and judged again at the
        # end of the run, after every key-change statement on the stick.
        self.deferred: list[int] = []
        #: Bundles of one center applied in one open transaction, not committed yet.
        self.group: _Group | None = None
        #: Files given to the reading thread, in order (:meth:`read_ahead`), and the next to give.
        self.reader: ThreadPoolExecutor | None = None
        self.ahead: collections.deque[tuple[int, Future[_Read]]] = collections.deque()
        self.next_read = 0
        #: Whether this run paused the cycle collector (:meth:`run`), and whether a group was
        #: refused at commit or a file settled alone since the last :meth:`collect_young`.
        self.collecting = self.collect_due = False

    def read(self, index: int) -> _Read:
        return _read_file(
            self.files[index],
            self.keys,
            self.trust,
            columns=self.columns,
            index=index,
            first_seen=self.first_seen,
            known=self.known,
        )

    def take(self, index: int) -> _Read:
        """File ``index``, read: by the reading thread when it was given there, else now."""
        self.next_read = max(self.next_read, index + 1)
        while self.ahead and self.ahead[0][0] < index:  # not expected: files go in order
            self.ahead.popleft()[1].cancel()
        if self.ahead and self.ahead[0][0] == index:
            return self.ahead.popleft()[1].result()
        return self.read(index)

    def read_ahead(self, files: int, in_hand: _Read) -> None:
        """Give the reading thread the next files, up to ``files`` ahead of the one in hand.

        At most one large bundle (more than :data:`READ_AHEAD_RECORDS` records) is in memory:
        a file is given only when the bundle in hand and every file ahead of it are read and
        small (the file given may be large). A group's bundles already applied are small
        (:data:`GROUP_RECORDS`).

        One file ahead is asked for as soon as a bundle is taken; the second while the importer
        waits for the database to check the bundle it just wrote (:meth:`apply_in_group`): the
        reading, all Python, then runs while this thread waits instead of taking turns with it
        for Python's lock (docs/sync.md §6)."""
        reader, ahead = self.reader, self.ahead
        if reader is None or in_hand.weight > READ_AHEAD_RECORDS:
            return
        while len(ahead) < files and self.next_read < len(self.files):
            for _index, future in ahead:
                if (
                    not future.done()
                    or future.exception() is not None
                    or future.result().weight > READ_AHEAD_RECORDS
                ):
                    return
            ahead.append((self.next_read, reader.submit(self.read, self.next_read)))
            self.next_read += 1

    def forget_ahead(self) -> None:
        """Drop the files read ahead (the keys they were read with changed)."""
        for _index, future in self.ahead:
            future.cancel()
        self.ahead.clear()

    def known(self, sha: str) -> bool:
        """Whether a file with these bytes was taken in before (then it is not decrypted)."""
        from justice_desk.storage import sync_queries as q

        try:
            with self.db.read() as session:
                return (
                    q.bundle_by_sha(session, sha, exclude_status=(ImportStatus.REJECTED,))
                    is not None
                )
        except STOPS:
            return False  # read it in full; storing it will say what is wrong

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> list[ImportOutcome]:
        # The cycle collector is paused for the run (see _collector_paused): every bundle's rows
        # live from their reading to their group's commit, and each automatic collection
        # meanwhile walked them again on both threads (0.5-0.8 s of a 6 s import of 90,000
        # records, benchmarks/bench_sync_postgres.py).
        with _collector_paused() as self.collecting, _short_switch_interval():
            try:
                return self._run(progress, cancel)
            except BaseException:
                self.roll_back()
                raise
            finally:
                self.collect_young()

    def collect_young(self) -> None:
        """With the collector paused for the run (:meth:`run`): free what a group refused at
        commit or a file settled alone (the path of refusals, statements, held bundles) may
        have left in reference cycles. Rows are freed by reference counting when their bundle
        is done, but an exception's frames can hold them in a cycle. ``gc.collect(1)`` walks
        only what was made since the last one: about one bundle's objects (16 ms for 4,000
        records). Groups committed as they were need none."""
        if self.collect_due and self.collecting:
            gc.collect(1)
        self.collect_due = False

    def _run(self, progress: ProgressCallback, cancel: CancelToken) -> list[ImportOutcome]:
        files = self.files
        # The next files are read, verified, decrypted and decoded on a second thread while
        # this one writes (read_ahead): the database works meanwhile without Python's lock.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="justice-desk-read") as reader:
            self.reader = reader
            for i, path in enumerate(files):
                self.collect_young()
                if cancel.cancelled:
                    self.commit()
                    raise Cancelled()
                progress(i, len(files), _("Importing {name}…").format(name=path.name))
                read = self.take(i)
                self.read_ahead(1, read)
                if isinstance(read.refused, fmt.UnknownKeyError) or (
                    read.copy and self.first_seen.get(read.sha) in self.deferred
                ):
                    # Perhaps signed with a new key whose statement comes later on the stick.
                    self.deferred.append(i)
                    continue
                if _ready(read, self.columns):
                    self.apply_in_group(i, read)
                    del read
                    continue
                self.commit()
                outcome = self.settle(i, read)
                if outcome.reason == "key_rotation" and outcome.status is ImportStatus.APPLIED:
                    self.trust = _trust(self.db)
                    # read again with the new keys
                    self.forget_ahead()
                    self.next_read = i + 1
                    self.read_ahead(1, read)
                del read
            self.reader = None
        self.commit()
        for i in self.deferred:  # in the order of the files
            self.collect_young()
            if cancel.cancelled:
                raise Cancelled()
            self.settle(i, self.read(i))
        progress(len(files), len(files), _("Import finished."))
        return [o for o in self.outcomes if o is not None]

    def apply_in_group(self, index: int, read: _Read) -> None:
        """Decide on and apply a ready bundle in the open group's transaction (one is opened
        for its center, the open one committed first when it is another center's or full)."""
        bundle = read.bundle
        assert bundle is not None  # _ready
        center_id = uuid.UUID(bundle.center_id)
        group = self.group
        if group is not None and (
            group.center != center_id or group.weight + read.weight > GROUP_RECORDS
        ):
            self.commit()
            group = None
        if group is not None and group.unchecked and not self.references_hold(group):
            group = None  # given up: its bundles were settled alone
        if group is None:
            stack = contextlib.ExitStack()
            try:
                session = stack.enter_context(self.db.write())
            except STOPS as exc:
                raise self.stopped(exc) from exc
            session.info[_IN_GROUP] = True
            group = self.group = _Group(center_id, stack, session)
        from justice_desk.storage import sync_queries as q

        try:
            path = self.files[index]
            outcome = _decide_and_apply(
                group.session, path, read.data or b"", read.sha, bundle, None, read.decoded
            )
            # The bundle is written; the database now checks its references (and the group's
            # commit will flush it): the reading thread reads meanwhile.
            self.read_ahead(READ_AHEAD_FILES, read)
            written = group.session.info.pop(_WRITTEN, {})
            if not _check_foreign_keys_now(group.session):
                group.unchecked = written
            if outcome.status is not ImportStatus.APPLIED:
                held_waiting = False
                group.none_held = False  # it may have been held
            elif group.none_held:
                held_waiting = False
            else:
                held_waiting = q.has_held(group.session, center_id)
                group.none_held = not held_waiting
        except Exception as exc:  # noqa: BLE001 - settled again alone, where it is reported
            self.abandon(exc)
            self.settle(index, read)
            return
        group.items.append((index, read, outcome))
        group.weight += read.weight
        if held_waiting:
            # Held bundles of the center may connect now: they are released after the commit
            # (settled alone, a bundle releases them itself).
            if self.commit():
                try:
                    self.outcomes[index] = _with_released(self.db, outcome, center_id, self.keys)
                except STOPS as exc:
                    raise self.stopped(exc) from exc
        elif (
            group.weight >= min(GROUP_RECORDS, READ_AHEAD_RECORDS)
            or len(group.items) >= GROUP_BUNDLES
        ):
            # Full: committed now, so that its records are not held while the next is read.
            self.commit()

    def references_hold(self, group: _Group) -> bool:
        """SQLite, before another bundle joins ``group``: do the rows its last bundle wrote
        point only at stored rows? SQLite checks deferred foreign keys only at the commit, so
        a parent arriving in the next bundle would make that bundle pass where it fails alone
        (``missing_parent``); PostgreSQL checks each bundle as it is written
        (:func:`_check_foreign_keys_now`). When they do not, the group is given up and its
        bundles settled alone, where the faulty one is refused at its commit."""
        try:
            missing = sync_store.missing_references(group.session.connection(), group.unchecked)
        except Exception as exc:  # noqa: BLE001 - settled alone, where it is reported
            self.abandon(exc, joining=False)
            return False
        if missing is not None:
            self.abandon(LookupError(f"a reference to a row not stored: {missing}"), joining=False)
            return False
        group.unchecked = {}
        return True

    def commit(self) -> bool:
        """Commit the open group; its bundles' outcomes count from now. When the commit fails
        (the deferred foreign keys, checked at commit, refused a bundle) every bundle of the
        group is settled again alone, so that only the faulty one is refused. True when the
        group was committed as it was."""
        group, self.group = self.group, None
        if group is None:
            return False
        try:
            group.stack.close()
        except STOPS as exc:
            raise self.stopped(exc) from exc
        except Exception:  # noqa: BLE001 - each bundle alone says which one was at fault
            self.collect_due = True
            log.warning("a group of %d bundles was settled again one by one", len(group.items))
            for index, read, _outcome in group.items:
                self.settle(index, read)
            return False
        for index, _read, outcome in group.items:
            self.outcomes[index] = outcome
        return True

    def roll_back(self, cause: BaseException | None = None) -> _Group | None:
        """Give up the open group: its transaction is rolled back (``cause`` passed to it),
        nothing of it is kept. Returns the group given up."""
        group, self.group = self.group, None
        if group is not None:
            cause = cause or RuntimeError("import ended")
            with contextlib.suppress(Exception):
                group.stack.__exit__(type(cause), cause, cause.__traceback__)
        return group

    def abandon(self, cause: BaseException, *, joining: bool = True) -> None:
        """Roll the open group back after ``cause`` and settle its bundles again alone (a
        failure that stops the import stops it here, reported by :meth:`stopped`).
        ``joining``: ``cause`` came from a bundle that was joining the group (the caller
        settles it)."""
        group = self.roll_back(cause)
        assert group is not None
        if isinstance(cause, STOPS):
            raise self.stopped(cause) from cause
        if isinstance(cause, _NOT_PER_FILE):
            raise cause
        log.info(
            "a group of %d bundles was applied again one by one: %s",
            len(group.items) + joining,
            str(cause).splitlines()[0] if str(cause) else type(cause).__name__,
        )
        for index, read, _outcome in group.items:
            self.settle(index, read)

    def settle(self, index: int, read: _Read) -> ImportOutcome:
        self.collect_due = True
        try:
            outcome = _import_one(
                self.db, self.files[index], self.keys, self.trust, read, columns=self.columns
            )
        except STOPS as exc:
            raise self.stopped(exc) from exc
        self.outcomes[index] = outcome
        return outcome

    def stopped(self, cause: UserError) -> ImportStopped:
        done = [o for o in self.outcomes if o is not None]
        if done:
            message = reason_text("not_imported")
            done = [
                o
                if o is not None
                else ImportOutcome(str(path), ImportStatus.SKIPPED, "not_imported", message)
                for o, path in zip(self.outcomes, self.files, strict=True)
            ]
        return ImportStopped(cause, done)


def _log(
    session: Session,
    path: Path,
    status: ImportStatus,
    *,
    reason: str | None = None,
    detail: str | None = None,
    sha: str | None = None,
    center: uuid.UUID | None = None,
    seq: int | None = None,
    records: int = 0,
) -> None:
    session.add(
        ImportLogEntry(
            file_name=str(path),
            file_sha256=sha,
            center_id=center,
            seq=seq,
            status=status,
            reason=reason,
            detail=detail,
            records=records,
        )
    )


def _reject(
    db: Database,
    path: Path,
    reason: str,
    message: str,
    *,
    detail: str = "",
    sha: str | None = None,
    center: uuid.UUID | None = None,
    seq: int | None = None,
    manifest: fmt.BundleManifest | None = None,
    verified: fmt.VerifiedBundle | None = None,
) -> ImportOutcome:
    """Log a refusal; when the file names a center (even unverified), remember it so the
    center's next receipt reports the refusal and the Centers page counts it. Numbers the
    database's columns cannot hold (a forged manifest) are left out, so that the refusal itself
    can always be stored."""
    columns = _Columns.of(db)
    seq = seq if columns.fits(seq) else None
    if manifest is not None and not columns.fits(manifest.first_change, manifest.last_change):
        manifest = None
    with db.write() as session:
        _log(
            session,
            path,
            ImportStatus.REJECTED,
            reason=reason,
            detail=detail or message,
            sha=sha,
            center=center,
            seq=seq,
        )
        if verified is not None:
            _keep_trail(session, verified)
        if center is not None:
            session.add(
                ReceivedBundle(
                    file_sha256=sha or "",
                    center_id=center,
                    seq=seq,
                    status=ImportStatus.REJECTED,
                    reason=reason,
                    detail=detail or message,
                    epoch=manifest.epoch if manifest else None,
                    first_change=manifest.first_change if manifest else None,
                    last_change=manifest.last_change if manifest else None,
                )
            )
    return ImportOutcome(
        str(path), ImportStatus.REJECTED, reason, message, 0, str(center) if center else None, seq
    )


@dataclass(frozen=True)
class _Read:
    """A file read and, when it is a bundle, verified, decrypted and decoded: no database work
    but one lookup, so it can run ahead on another thread."""

    data: bytes | None
    failure: Exception | None = None  # reading failed (RejectedFileError or OSError)
    sha: str = ""
    kind: fmt.Kind | None = None
    bundle: fmt.VerifiedBundle | None = None
    refused: fmt.RejectedFileError | None = None  # the format layer refused the bundle
    decoded: _Decoded | None = None  # the bundle's records as column values
    #: The same bytes as a file taken in before, or earlier in this run: not decrypted.
    copy: bool = False

    @property
    def weight(self) -> int:
        """How many records this read holds in memory."""
        return len(self.bundle.records) if self.bundle is not None else 0


@dataclass(frozen=True)
class _Columns:
    """What the province database's columns hold: integers of 64 bits on SQLite, 32 bits on
    PostgreSQL (``integer``); NUL characters in text on neither (refused by name)."""

    integers: tuple[int, int] = sync_store.INT64_RANGE
    nul_in_text: bool = False

    @classmethod
    def of(cls, db: Database) -> _Columns:
        return cls() if db.is_sqlite else cls(sync_store.INT32_RANGE, nul_in_text=False)

    def fits(self, *numbers: int | None) -> bool:
        low, high = self.integers
        return all(n is None or low <= n <= high for n in numbers)


def _read_file(
    path: Path,
    keys: list[KeySet],
    trust: TrustLookup,
    *,
    columns: _Columns | None = None,
    index: int | None = None,
    first_seen: dict[str, int] | None = None,
    known: Callable[[str], bool] | None = None,
) -> _Read:
    """Read ``path`` (a regular file only: docs/sync.md §5) and open it when it is a bundle.

    A copy of a file already taken in is known by its digest before anything is decrypted:
    ``first_seen`` (digest -> index of the first file of the run with it, kept here since the
    reader runs one file ahead of what is committed) and ``known`` (taken in by an earlier
    run)."""
    import hashlib

    try:
        data = fmt.read_sync_file(path)
    except (fmt.RejectedFileError, OSError) as exc:
        if isinstance(exc, fmt.NotAFileError) and isinstance(path, _UnlistedFolder):
            # A folder of the stick that could not be listed (reading it says why).
            return _Read(None, PermissionError(f"{path}: the folder cannot be listed"))
        return _Read(None, exc)
    sha = hashlib.sha256(data).hexdigest()
    kind = fmt.sniff_kind(data)
    if kind is not None and kind is not fmt.Kind.BUNDLE:
        return _Read(data, sha=sha, kind=kind)
    if first_seen is not None and index is not None and first_seen.setdefault(sha, index) != index:
        return _Read(data, sha=sha, kind=kind, copy=True)
    if known is not None and known(sha):
        return _Read(data, sha=sha, kind=kind, copy=True)
    # A bundle, or no container this version recognises: the format layer names what is wrong
    # (not_a_bundle, truncated, newer_format, ...).
    try:
        bundle, decoded = _open_verified(data, keys, trust, columns or _Columns())
    except fmt.RejectedFileError as exc:
        return _Read(data, sha=sha, kind=kind, refused=exc)
    except Exception as exc:  # noqa: BLE001 - reported as this file's outcome, never raised
        log.exception("reading %s failed", path)
        return _Read(None, exc, sha=sha, kind=kind)
    return _Read(data, sha=sha, kind=kind, bundle=bundle, decoded=decoded)


def _open_verified(
    data: bytes, keys: list[KeySet], trust: TrustLookup, columns: _Columns
) -> tuple[fmt.VerifiedBundle, _Decoded]:
    """Verify and decrypt a bundle, decoding its records a slice at a time as they are read:
    the records are never held twice (as JSON and as column values)."""
    decoding = _Decoding(columns)
    try:
        with _collector_paused():
            bundle = fmt.open_bundle(
                data,
                trusted_keys=trust,
                recipient_private_key=keys,
                on_records=decoding.add,
                typed=decoding.typed,
            )
        return bundle, decoding.result()
    finally:
        decoding.release()  # a refused bundle's records go now, not at the next collection


#: Python's switch interval while an import runs (the default is 5 ms): see
#: :func:`_short_switch_interval`.
IMPORT_SWITCH_INTERVAL = 0.0005
_switching = threading.Lock()
_switch_users = 0
_switch_before = 0.0


@contextlib.contextmanager
def _short_switch_interval() -> Iterator[None]:
    """Python's lock handed between threads every 0.5 ms instead of 5 while an import runs.
    The writing thread waits for the database most of the time; when an answer comes, the
    reading thread holds the lock, and the writer waited up to a whole interval for it after
    each of some 500 round trips of a large import. With smaller slices of parsing (the calls
    that hold the lock longest, ``sync.bundle.SLICE_BYTES``) this gained 1-2 points of
    benchmarks/bench_sync_postgres.py (docs/sync.md §6). The interval is the process's: it is
    set by the first of the runs in progress and put back by the last."""
    global _switch_users, _switch_before
    with _switching:
        if _switch_users == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_before, IMPORT_SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switching:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_before)


@contextlib.contextmanager
def _collector_paused() -> Iterator[bool]:
    """Python's cycle collector paused while bundles are read and applied (an import run, and
    each reading of a bundle). Reading makes several objects per record (rows, ids, tuples)
    that all live until the bundle is applied and hold no cycles; each automatic collection
    meanwhile walks them again (and everything else the process holds), which cost about a
    fifth of the reading time. Memory is freed by reference counting as before; cycles made
    meanwhile (a few objects of each bundle's database session) wait for the next collection
    after this (the collector is back on at the end, as it was if another thread paused it
    too). In the window the collector is off anyway: it runs from a timer on the GUI thread
    (``ui.jobs.GuiThreadGarbageCollector``). Yields whether it paused the collector."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield paused
    finally:
        if paused:
            gc.enable()


def _import_one(
    db: Database,
    path: Path,
    keys: list[KeySet],
    trust: TrustLookup | None = None,
    read: _Read | None = None,
    *,
    columns: _Columns | None = None,
) -> ImportOutcome:
    trust = trust or _trust(db)
    columns = columns or _Columns.of(db)
    read = read or _read_file(path, keys, trust, columns=columns)
    if read.copy:
        copied = _settle_copy(db, path, read.sha)
        if copied is not None:
            return copied
        # The earlier file with these bytes was refused: this one is read and judged in full.
        read = _read_file(path, keys, trust, columns=columns)
    failure = read.failure
    if isinstance(failure, fmt.NotAFileError):
        return _skip(db, path, failure)
    if isinstance(failure, fmt.RejectedFileError):
        return _reject(db, path, failure.reason, str(failure), detail=failure.detail)
    if isinstance(failure, FileNotFoundError):
        return _reject(db, path, "not_found", reason_text("not_found"), detail=str(failure))
    if failure is not None or read.data is None:
        return _reject(db, path, "unreadable", reason_text("unreadable"), detail=str(failure))
    data, sha, kind = read.data, read.sha, read.kind
    if kind is fmt.Kind.KEY_ROTATION:
        try:
            return _import_rotation(db, path, data, sha)
        except _NOT_PER_FILE:
            raise
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            log.exception("key change statement %s could not be stored", path)
            detail = f"{type(exc).__name__}: {exc}"[:500]
            return _reject(db, path, "store_failed", reason_text("store_failed"), detail=detail)
    if kind is not None and kind is not fmt.Kind.BUNDLE:
        return _reject(
            db,
            path,
            "wrong_kind",
            _("This is not a bundle but another kind of sync file (“{suffix}”).").format(
                suffix=fmt.SUFFIXES[kind]
            ),
            sha=sha,
        )
    if read.bundle is None:
        refusal = read.refused
        assert refusal is not None  # _read_file gives a bundle or the reason it has none
        center, seq, manifest = None, None, None
        try:
            manifest = fmt.read_bundle_manifest(data)
            center, seq = uuid.UUID(manifest.center_id), manifest.seq
        except (fmt.RejectedFileError, ValueError):
            manifest = None
        return _reject(
            db,
            path,
            refusal.reason,
            _refusal_message(db, refusal),
            detail=refusal.detail,
            sha=sha,
            center=center,
            seq=seq,
            manifest=manifest,
        )
    bundle = read.bundle
    center_id = uuid.UUID(bundle.center_id)
    if bundle.schema_version > SCHEMA_VERSION:
        return _reject(
            db,
            path,
            "newer_schema",
            reason_text("newer_schema"),
            sha=sha,
            center=center_id,
            seq=bundle.seq,
            manifest=bundle.manifest,
        )
    max_rev = read.decoded.max_rev if read.decoded is not None else 0
    if not columns.fits(bundle.seq, bundle.first_change, bundle.last_change, max_rev):
        # Valid for the format (64 bits), but more than this database's columns hold: refused
        # before anything is written (its numbers are not recorded either).
        return _reject(
            db,
            path,
            "number_too_large",
            reason_text("number_too_large"),
            detail=(
                f"seq {bundle.seq}, changes {bundle.first_change}..{bundle.last_change}, "
                f"highest rev {max_rev}; the database holds {columns.integers}"
            ),
            sha=sha,
            center=center_id,
        )
    outcome, held_waiting = _settle(db, path, data, sha, bundle, decoded=read.decoded)
    del read, bundle
    if outcome.status is not ImportStatus.APPLIED or not held_waiting:
        return outcome
    return _with_released(db, outcome, center_id, keys)


def _with_released(
    db: Database, outcome: ImportOutcome, center_id: uuid.UUID, keys: list[KeySet]
) -> ImportOutcome:
    """After an applied bundle of a center with held bundles: release those that connect now,
    and name them in the outcome."""
    try:
        released = _release_held(db, center_id, keys)
    except _NOT_PER_FILE:
        raise
    except Exception:  # noqa: BLE001 - this bundle is applied; the held ones wait for the next
        log.exception("held bundles of %s could not be released", center_id)
        released = []
    if released:
        outcome = ImportOutcome(
            outcome.file,
            outcome.status,
            outcome.reason,
            outcome.message,
            outcome.records,
            outcome.center,
            outcome.seq,
            tuple(released),
        )
    return outcome


def _settle_copy(db: Database, path: Path, sha: str) -> ImportOutcome | None:
    """A file with the same bytes as one taken in before: a duplicate, decided without
    decrypting it (docs/sync.md §7), exactly as :func:`_decide_and_apply` decides one.
    ``None`` when that file was refused after all, or its center is no longer enrolled: then
    this one is judged in full."""
    from justice_desk.storage import sync_queries as q

    with db.write() as session:
        original = q.bundle_by_sha(session, sha, exclude_status=(ImportStatus.REJECTED,))
        if original is None:
            return None
        enrolment = session.get(Enrolment, original.center_id)
        if enrolment is None or enrolment.status not in ENROLLED:
            return None
        center, seq = original.center_id, original.seq
        _log(
            session,
            path,
            ImportStatus.DUPLICATE,
            reason="duplicate",
            sha=sha,
            center=center,
            seq=seq,
        )
        # Nothing changes; the row makes the next receipt report it again.
        session.add(
            ReceivedBundle(
                file_sha256=sha,
                content_digest=original.content_digest,
                center_id=center,
                epoch=original.epoch,
                seq=seq,
                first_change=original.first_change,
                last_change=original.last_change,
                status=ImportStatus.DUPLICATE,
                reason="duplicate",
            )
        )
    return ImportOutcome(
        str(path),
        ImportStatus.DUPLICATE,
        "duplicate",
        reason_text("duplicate"),
        0,
        str(center),
        seq,
    )


def _skip(db: Database, path: Path, failure: fmt.NotAFileError) -> ImportOutcome:
    """Something that is not a file (a pipe, a device, a link to a folder): never read, logged
    and reported as skipped."""
    with db.write() as session:
        _log(session, path, ImportStatus.SKIPPED, reason=failure.reason, detail=failure.detail)
    return ImportOutcome(str(path), ImportStatus.SKIPPED, failure.reason, str(failure))


def _refusal_message(db: Database, exc: fmt.RejectedFileError) -> str:
    """The message for a refused file. The format layer names the signing site by its id;
    people know centers by code and name, so the enrolment's are used (the id stays in the
    log's detail)."""
    if not isinstance(exc, (fmt.UnknownCenterError, fmt.UnknownKeyError, fmt.RevokedKeyError)):
        return str(exc)
    try:
        site: uuid.UUID | None = uuid.UUID(str(exc.params.get("site", "")))
    except ValueError:
        site = None
    known: tuple[str, str, str] | None = None
    if site is not None:
        with db.read() as session:
            enrolment = session.get(Enrolment, site)
            if enrolment is not None:
                known = (enrolment.code, enrolment.name, enrolment.status)
    if known is None:
        return _("The file comes from a center that is not enrolled here.")
    code, name, status = known
    center = f"{code} {name}"
    if isinstance(exc, fmt.UnknownKeyError):
        return _(
            "The file from {center} was signed with a key that is not enrolled here. If "
            "{center} made new keys, import its key change statement first."
        ).format(center=center)
    if isinstance(exc, fmt.RevokedKeyError):
        return _("The file from {center} was signed with a key that has been revoked.").format(
            center=center
        )
    if status == EnrolmentStatus.PENDING:
        return _(
            "The file comes from {center}, which is not approved at this office yet: confirm "
            "its fingerprint with the center and approve its enrolment first."
        ).format(center=center)
    return _("The file comes from {center}, which is not enrolled here.").format(center=center)


def _settle(
    db: Database,
    path: Path,
    data: bytes,
    sha: str,
    bundle: fmt.VerifiedBundle,
    held_row_id: int | None = None,
    decoded: _Decoded | None = None,
) -> tuple[ImportOutcome, bool]:
    """Decide on a verified bundle and apply it, all in one write transaction: nothing can
    change between the decision and the apply, and a failure leaves no trace but the log line.
    Also says whether bundles of the center are held (so they may now connect)."""
    from justice_desk.storage import sync_queries as q

    center_id = uuid.UUID(bundle.center_id)

    def write(refused: Collection[uuid.UUID] = ()) -> tuple[ImportOutcome, bool]:
        with db.write() as session:
            outcome = _decide_and_apply(
                session, path, data, sha, bundle, held_row_id, decoded, refused
            )
            held_waiting = outcome.status is ImportStatus.APPLIED and q.has_held(session, center_id)
            return outcome, held_waiting

    try:
        try:
            return write()
        except DataIntegrityError as exc:
            # A record points at one that is not stored. When it is a record of the center
            # refused in an earlier bundle, the bundle is applied again with that known, so
            # that its children are refused by name and the rest applied (a whole bundle
            # refused would hold every later one of the center, docs/sync.md §6).
            if not _is_foreign_key_failure(exc):
                raise
            with db.connect_read() as conn:
                refused = sync_merge.refused_earlier(conn, center_id)
            if not refused:
                raise
            return write(refused)
    except (fmt.RevokedKeyError, fmt.UnknownKeyError, fmt.UnknownCenterError) as exc:
        # Its key was revoked or retired after the file was read (_check_signer_now): refused
        # as the file read now is (a held one is decided so).
        message = _refusal_message(db, exc)
        if held_row_id is None:
            return _reject(
                db,
                path,
                exc.reason,
                message,
                detail=exc.detail,
                sha=sha,
                center=center_id,
                seq=bundle.seq,
                manifest=bundle.manifest,
            ), False
        _refuse_held(
            db, held_row_id, path, exc.reason, exc.detail, sha=sha, center=center_id, seq=bundle.seq
        )
        return ImportOutcome(
            str(path), ImportStatus.REJECTED, exc.reason, message, 0, str(center_id), bundle.seq
        ), False
    except DataIntegrityError as exc:
        # Raised at commit by the deferred foreign keys, or by another rule of the database.
        reason = "missing_parent" if _is_foreign_key_failure(exc) else "constraint"
        # The text, not the exception: a log record kept by a handler would keep its frames
        # and with them the bundle's rows.
        log.warning("bundle %s refused (%s): %s", path, reason, str(exc))
        message = reason_text(reason) if reason == "missing_parent" else str(exc)
        if held_row_id is None:
            return _reject(
                db,
                path,
                reason,
                message,
                detail=str(exc)[:500],
                sha=sha,
                center=center_id,
                seq=bundle.seq,
                manifest=bundle.manifest,
                verified=bundle,
            ), False
        _refuse_held(
            db, held_row_id, path, reason, str(exc)[:500], sha=sha, center=center_id, seq=bundle.seq
        )
        return ImportOutcome(
            str(path), ImportStatus.REJECTED, reason, message, 0, str(center_id), bundle.seq
        ), False
    except _NOT_PER_FILE:
        raise
    except Exception as exc:  # noqa: BLE001 - one file that cannot be stored must not stop the run
        # Anything else raised while storing this bundle (a value this database cannot hold, a
        # rule of another database, a bug): its transaction was rolled back. The file is
        # refused by name and the import goes on with the next (docs/sync.md §6).
        log.exception("bundle %s could not be stored", path)
        detail = f"{type(exc).__name__}: {exc}"[:500]
        message = reason_text("store_failed")
        if held_row_id is None:
            return _reject(
                db,
                path,
                "store_failed",
                message,
                detail=detail,
                sha=sha,
                center=center_id,
                seq=bundle.seq,
                manifest=bundle.manifest,
                verified=bundle,
            ), False
        _refuse_held(
            db, held_row_id, path, "store_failed", detail, sha=sha, center=center_id, seq=bundle.seq
        )
        return ImportOutcome(
            str(path), ImportStatus.REJECTED, "store_failed", message, 0, str(center_id), bundle.seq
        ), False


def _is_foreign_key_failure(exc: DataIntegrityError) -> bool:
    return "foreign key" in str(exc).lower()


def _check_signer_now(session: Session, bundle: fmt.VerifiedBundle) -> None:
    """The bundle's key checked again as the database holds it now, under the center's lock
    (``sync_queries.lock_center``), by the rule the file was read with
    (:func:`sync.check_signer`): a revocation or a key-change statement recorded after the
    file was read (by another officer while this import ran) refuses it as it would refuse
    the file read now (``revoked_key``, ``unknown_key``: raised, and the caller refuses the
    file; docs/sync.md §9). Revocations and statements take the same lock, so once a group
    checked a key without a cut-off, nothing changes it until the group commits: checked
    once per group; a key with a cut-off is checked for each bundle (its seq counts)."""
    from justice_desk.services.sync.keys import site_keys

    manifest = bundle.manifest
    signer = (bundle.center_id, manifest.key_id)
    checked = session.info.setdefault(_SIGNERS_CHECKED, set())
    if signer in checked:
        return
    keys = site_keys(session, uuid.UUID(bundle.center_id))
    fmt.check_signer(
        lambda _site: keys or None,
        bundle.center_id,
        manifest.key_id,
        epoch=manifest.epoch,
        seq=manifest.seq,
    )
    if keys[manifest.key_id].revocation is None:
        checked.add(signer)


def _keep_trail(session: Session, bundle: fmt.VerifiedBundle) -> None:
    """What an authentic bundle says of its center's audit trail is kept whatever the bundle's
    outcome (a duplicate, an empty range, a refusal after its signature was checked): a center
    cannot hide a shrunk or rewritten trail by sending nothing new (docs/sync.md §6)."""
    trail = bundle.manifest.audit
    if trail is not None:
        audit.store_center_summary(
            session, bundle.center_id, trail.count, trail.last_hash, trail.whole, bundle.seq
        )


def _record_bundle(
    session: Session,
    bundle: fmt.VerifiedBundle,
    sha: str,
    held_row_id: int | None,
    *,
    status: ImportStatus,
    reason: str | None = None,
    raw: bytes | None = None,
    records: int = 0,
    detail: str | None = None,
) -> ReceivedBundle:
    """The bundle's row in ``received_bundles``: a new one, or the held one now decided."""
    _keep_trail(session, bundle)
    entry = f"{bundle.center_id} {bundle.seq} {status.value}"
    if session.info.get(_IN_GROUP):
        # A group's entries, one per bundle as always, are written together just before its
        # commit: three round trips on PostgreSQL instead of three a bundle. A group rolled
        # back writes none, as before.
        audit.record_at_commit(session, "bundle-import", entry)
    else:
        audit.record(session, "bundle-import", detail=entry)
    if held_row_id is not None:
        row = session.get_one(ReceivedBundle, held_row_id)  # the held row is there
        row.status, row.reason, row.records, row.detail = status, reason, records, detail
        row.receipt_seq = None  # news for the next receipt
        if raw is None:
            row.raw = None
    else:
        row = ReceivedBundle(
            file_sha256=sha,
            content_digest=bundle.content_digest,
            center_id=uuid.UUID(bundle.center_id),
            epoch=bundle.epoch,
            seq=bundle.seq,
            first_change=bundle.first_change,
            last_change=bundle.last_change,
            status=status,
            reason=reason,
            raw=raw,
            records=records,
            detail=detail,
        )
        session.add(row)
    return row


def _decide_and_apply(
    session: Session,
    path: Path,
    data: bytes,
    sha: str,
    bundle: fmt.VerifiedBundle,
    held_row_id: int | None,
    decoded: _Decoded | None = None,
    refused_before: Collection[uuid.UUID] = (),
) -> ImportOutcome:
    """Decide on a verified bundle and apply it in ``session``'s transaction.
    ``refused_before``: as :func:`storage.sync_merge.merge` takes it."""
    from justice_desk.storage import sync_queries as q

    center_id = uuid.UUID(bundle.center_id)
    center, seq = str(center_id), bundle.seq

    def outcome(
        status: ImportStatus, reason: str | None, message: str, records: int = 0
    ) -> ImportOutcome:
        return ImportOutcome(str(path), status, reason, message, records, center, seq)

    def hold(reason: str, detail: str, message: str) -> ImportOutcome:
        """Keep the bundle and its bytes until it can be applied: a new epoch waits for an
        officer's decision, a gap for the missing changes. A bundle held before (being
        released now) stays as it is."""
        if held_row_id is None:
            _log(
                session,
                path,
                ImportStatus.HELD,
                reason=reason,
                sha=sha,
                center=center_id,
                seq=seq,
                detail=detail,
            )
            _record_bundle(
                session,
                bundle,
                sha,
                None,
                status=ImportStatus.HELD,
                reason=reason,
                raw=data,
                records=len(bundle.records),
            )
        return outcome(ImportStatus.HELD, reason, message)

    def replay(detail: str | None = None, reason: str = "replay") -> ImportOutcome:
        """Old news: changes already applied, or of an epoch the center has left. Nothing
        changes; the bundle's row makes the next receipt report it (a held one is decided).
        ``nothing_new``: a bundle numbered after every one applied whose range holds no change
        that is not applied already (an empty range), not one sent again."""
        _log(
            session,
            path,
            ImportStatus.DUPLICATE,
            reason=reason,
            sha=sha,
            center=center_id,
            seq=seq,
            detail=detail,
        )
        _record_bundle(
            session,
            bundle,
            sha,
            held_row_id,
            status=ImportStatus.DUPLICATE,
            reason=reason,
            detail=detail,
        )
        return outcome(ImportStatus.DUPLICATE, reason, reason_text(reason))

    q.lock_center(session, center_id)
    enrolment = session.get(Enrolment, center_id)
    # Held for the transaction: the next bundle of a group finds it without a query (the
    # session's identity map keeps only objects something else refers to).
    session.info.setdefault("enrolments", {})[center_id] = enrolment
    # A revoked center is still trusted for what its key signed before the cut-off (the format
    # layer checked the key against it); a pending one is not trusted at all.
    if enrolment is None or enrolment.status not in ENROLLED:
        _log(
            session,
            path,
            ImportStatus.REJECTED,
            reason="not_enrolled",
            sha=sha,
            center=center_id,
            seq=seq,
        )
        return outcome(ImportStatus.REJECTED, "not_enrolled", reason_text("not_enrolled"))
    _check_signer_now(session, bundle)
    if held_row_id is None:
        same_seq, copy = q.bundle_by_seq_or_sha(session, center_id, bundle.epoch, seq, sha)
        if same_seq is not None and same_seq.content_digest != bundle.content_digest:
            _log(
                session,
                path,
                ImportStatus.REJECTED,
                reason="same_seq_different_content",
                sha=sha,
                center=center_id,
                seq=seq,
                detail=f"bundle {same_seq.id} has this number",
            )
            _record_bundle(
                session,
                bundle,
                sha,
                None,
                status=ImportStatus.REJECTED,
                reason="same_seq_different_content",
            )
            return outcome(
                ImportStatus.REJECTED,
                "same_seq_different_content",
                reason_text("same_seq_different_content"),
            )
        if same_seq is not None or copy:
            # Nothing changes; the row makes the next receipt report it again (docs/sync.md §7).
            _log(
                session,
                path,
                ImportStatus.DUPLICATE,
                reason="duplicate",
                sha=sha,
                center=center_id,
                seq=seq,
            )
            _record_bundle(
                session, bundle, sha, None, status=ImportStatus.DUPLICATE, reason="duplicate"
            )
            return outcome(ImportStatus.DUPLICATE, "duplicate", reason_text("duplicate"))
    new_epoch = enrolment.epoch is not None and enrolment.epoch != bundle.epoch
    superseded = set(_json_list(enrolment.superseded_epochs))
    previous = bundle.manifest.previous_epochs
    if new_epoch and (
        bundle.epoch in superseded
        or q.epoch_seen(session, center_id, bundle.epoch)
        # It names the epochs its database left, and ours is not among them: an older branch.
        or (previous is not None and enrolment.epoch not in previous)
    ):
        # A bundle from an epoch the center has since left (restored from a backup): old news.
        return replay("superseded epoch")
    if new_epoch and enrolment.accepted_epoch != bundle.epoch:
        # A new epoch is a restore from a backup, or someone with a copy of the database and
        # the key: adopting it silently would make the real center's bundles look like replays.
        # It waits, bytes kept, for an officer's decision (decide_epoch).
        return hold("new_epoch", f"epoch {bundle.epoch}", reason_text("new_epoch"))
    applied = 0 if new_epoch or enrolment.epoch is None else enrolment.applied_through
    if bundle.last_change <= applied:
        if not new_epoch and enrolment.epoch is not None and seq > (enrolment.last_seq or 0):
            return replay(f"applied through {applied}", reason="nothing_new")
        return replay()
    if bundle.first_change > applied + 1:
        # Waits, bytes kept, for the missing changes (docs/sync.md §7).
        return hold(
            "gap",
            f"applied through {applied}",
            reason_text("gap", start=applied + 1, end=bundle.first_change - 1),
        )

    conn = session.connection()
    if not session.info.get("foreign_keys_deferred"):  # once per transaction
        sync_store.defer_foreign_keys(conn)
        session.info["foreign_keys_deferred"] = True
    # In a group, each bundle's foreign keys are checked before the next one joins, which
    # defers them again in the same round trip (_check_foreign_keys_now).
    session.info[_UNCHECKED] = True
    result = _apply_records(
        conn,
        center_id,
        decoded or bundle.records,
        new_epoch=new_epoch,
        restored_after=_timestamp(bundle.manifest.restored_after),
        known=_known_records(session, conn, center_id),
        refused_before=refused_before,
    )
    if session.info.get(_IN_GROUP):
        session.info[_WRITTEN] = result.written
    # The province's summary tables: the center is marked stale in this transaction (one row);
    # it is recounted later, outside the import (storage/summaries.py). Once for a group: its
    # bundles are of one center and commit together.
    if not session.info.get(_MARKED):
        summaries.mark_stale(conn, center_id)
        if session.info.get(_IN_GROUP):
            session.info[_MARKED] = True
    status = ImportStatus.PARTIAL if result.rejected else ImportStatus.APPLIED
    detail = f"{len(result.rejected)} records refused" if result.rejected else None
    row = _record_bundle(
        session,
        bundle,
        sha,
        held_row_id,
        status=status,
        raw=data,
        records=result.applied,
        detail=detail,
    )
    session.flush()
    for table, rid, rev, reason, rdetail in result.rejected:
        session.add(
            RejectedRecordRow(
                bundle_id=row.id,
                table_name=table,
                row_id=rid,
                rev=rev,
                reason=reason,
                detail=rdetail,
            )
        )
    session.add_all(result.conflicts)
    if new_epoch:
        q.supersede_held(session, center_id, bundle.epoch)
    enrolment.applied_through = (
        bundle.last_change
        if new_epoch or enrolment.epoch is None
        else max(enrolment.applied_through, bundle.last_change)
    )
    enrolment.last_seq = seq if new_epoch else max(enrolment.last_seq or 0, seq)
    if new_epoch or enrolment.epoch is None:
        left = superseded | set(previous or ()) | ({enrolment.epoch} if enrolment.epoch else set())
        enrolment.superseded_epochs = json.dumps(sorted(left)) if left else None
    enrolment.epoch = bundle.epoch
    enrolment.last_bundle_at = utcnow()
    _log(
        session,
        path,
        status,
        sha=sha,
        center=center_id,
        seq=seq,
        records=result.applied,
        detail=detail,
    )
    message = _("{count} records applied").format(count=result.applied)
    if result.rejected:
        message += "; " + _("{count} refused").format(count=len(result.rejected))
    return outcome(ImportStatus.APPLIED, None, message, result.applied)


#: Conflict reasons of records that were not applied at all (storage.sync_merge decides).
REFUSED_CONFLICTS = sync_merge.REFUSED_CONFLICTS


@dataclass(frozen=True)
class _Decoded:
    """A bundle's records turned into column values, table by table (parents first): no
    database work, so it is done on the reading thread. The plain data
    :func:`storage.sync_merge.merge` takes."""

    #: ``(table, id, rev)`` of records of tables this version does not have
    unknown: list[tuple[str, str, int]]
    tables: list[tuple[str, list[sync_merge.Incoming]]]
    max_rev: int = 0  # the highest rev of any record
    #: what the records point at (``sync_store.pointed_at``), worked out on the reading thread
    pointed_at: sync_store.PointedAt | None = None


class _Decoding:
    """Decodes a bundle's records a slice at a time, as the format layer reads them
    (``on_records`` of ``open_bundle``): each record's fields are dropped once they are column
    values, so memory holds a bundle once. A value the database's columns cannot hold refuses
    its record (``bad_record``)."""

    def __init__(self, columns: _Columns | None = None) -> None:
        columns = columns or _Columns()
        self.decoder = sync_store.Decoder(columns.integers, nul_in_text=columns.nul_in_text)
        self.unknown: list[tuple[str, str, int]] = []
        self.by_table: dict[str, list[sync_merge.Incoming]] = {}
        self.max_rev = 0
        #: The records every exporter writes are read by compiled decoders straight into
        #: column values; any other slice comes to :meth:`add` as plain JSON.
        self.typed = TypedFields(
            sync_store.typed_field_decoders(columns.integers),
            self.add_typed,
            plain_if=() if columns.nul_in_text else (sync_store.NUL_IN_JSON,),
        )

    def add_typed(self, records: list[TypedRecord]) -> None:
        """:meth:`add` for records whose fields are column values already (:attr:`typed`)."""
        complete = self.decoder.complete_typed
        by_table = self.by_table
        Incoming = sync_merge.Incoming
        ids = sync_store.canonical_uuids([r.id for r in records])
        self.max_rev = max(self.max_rev, max((r.rev for r in records), default=0))
        for r, row_id in zip(records, ids, strict=True):
            try:
                item = Incoming(r.id, r.rev, complete(r.table, r.id, row_id, r.rev, r.fields))
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - as in add()
                item = Incoming(r.id, r.rev, None, str(exc)[:200])
            table = by_table.get(r.table)
            if table is None:
                table = by_table[r.table] = []
            table.append(item)

    def add(self, records: Iterable[fmt.Record]) -> None:
        decode = self.decoder.decode
        by_table = self.by_table
        Incoming = sync_merge.Incoming
        for r in records:
            self.max_rev = max(self.max_rev, r.rev)
            if not sync_store.known_table(r.table):
                self.unknown.append((r.table, r.id, r.rev))
                continue
            try:
                item = Incoming(r.id, r.rev, decode(r.table, r.id, r.rev, r.fields))
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever a value raises refuses only its
                # record by name (bad_record), never the file (docs/sync.md §5)
                item = Incoming(r.id, r.rev, None, str(exc)[:200] or type(exc).__name__)
            by_table.setdefault(r.table, []).append(item)

    def result(self) -> _Decoded:
        """The records decoded, and this object emptied: its ``typed`` reader holds a method of
        it (a reference cycle), so what it still held would wait for the cycle collector, which
        an import pauses (:func:`_collector_paused`), instead of going with the bundle."""
        tables = [(t, self.by_table[t]) for t in sync_store.ordered_tables(self.by_table)]
        pointed_at = sync_store.pointed_at((t, [item.row for item in items]) for t, items in tables)
        decoded = _Decoded(self.unknown, tables, self.max_rev, pointed_at)
        self.release()
        return decoded

    def release(self) -> None:
        """Drop what was decoded and the reader that refers back to this object (again: no
        effect)."""
        self.by_table, self.unknown = {}, []
        self.__dict__.pop("typed", None)


def _decode_records(records: Sequence[fmt.Record], columns: _Columns | None = None) -> _Decoded:
    decoding = _Decoding(columns)
    decoding.add(records)
    return decoding.result()


#: ``Session.info`` key of a group's transaction (:meth:`_ImportRun.apply_in_group`)
_IN_GROUP = "justice_desk.import_group"
#: ``Session.info`` key of the rows the last bundle of a group wrote, per table
_WRITTEN = "justice_desk.import_written"
#: ``Session.info`` key: a bundle was written since the group's last foreign-key check
_UNCHECKED = "justice_desk.import_unchecked"
#: ``Session.info`` key: the group's center is marked for the summary recount
_MARKED = "justice_desk.import_marked_stale"
#: ``Session.info`` key: (center, key id) of signers checked without a cut-off in this
#: transaction (_check_signer_now)
_SIGNERS_CHECKED = "justice_desk.import_signers_checked"


def _check_foreign_keys_now(session: Session) -> bool:
    """On PostgreSQL, in a group: check the foreign keys the bundle just applied deferred,
    before the next bundle of the group, so that a parent arriving only in a later bundle does
    not make this one pass where it fails alone (``missing_parent``); raises the database's
    error then, and the group is applied again bundle by bundle. The checks are the ones the
    commit would make, made earlier. SQLite checks deferred foreign keys only at the commit
    (docs/sync.md §6; there the group checks the rows written before the next bundle joins:
    :meth:`_ImportRun.references_hold`). Whether the check was made."""
    if not session.info.pop(_UNCHECKED, False):
        return False
    # Deferred again at once (one round trip): the group's next bundle is written deferred.
    return sync_store.check_deferred_foreign_keys(session.connection(), defer_again=True)


def _known_records(
    session: Session, conn: Connection, center_id: uuid.UUID
) -> sync_store.KnownRecords | None:
    """In a group's transaction on PostgreSQL, for a center that had no records here when the
    group began: every record it has here, kept up to date as its bundles are applied, so that
    the merge need not look its rows up (``sync_store.Ownership``; the primary keys still
    refuse an id another center holds, and then the group is rolled back and each bundle
    applied alone, with every lookup: :meth:`_ImportRun.abandon`). ``None`` otherwise: a
    center's first import is the one with all its years of records, later ones are small."""
    if not session.info.get(_IN_GROUP) or conn.dialect.name != "postgresql":
        return None
    key = ("justice_desk.known_records", center_id)
    if key not in session.info:
        session.info[key] = None if sync_store.holds_records(conn, center_id) else {}
    known: sync_store.KnownRecords | None = session.info[key]
    return known


def _apply_records(
    conn: Connection,
    center_id: uuid.UUID,
    records: Sequence[fmt.Record] | _Decoded,
    *,
    new_epoch: bool,
    restored_after: dt.datetime | None = None,
    known: sync_store.KnownRecords | None = None,
    refused_before: Collection[uuid.UUID] = (),
) -> sync_merge.Merged:
    """Apply a bundle's records in the caller's transaction, by the merge rules of
    :func:`storage.sync_merge.merge` (docs/sync.md §1, §6): decoded here unless the reading
    thread did it."""
    if isinstance(records, _Decoded):
        decoded = records
    else:  # with the ranges of this database's columns (32-bit integers on PostgreSQL)
        sqlite = conn.dialect.name == "sqlite"
        columns = _Columns() if sqlite else _Columns(sync_store.INT32_RANGE, nul_in_text=False)
        decoded = _decode_records(records, columns)
    # People the center erased (PDPA s.33, docs/privacy.md): nothing of their old values may
    # stay here either (freed space, the search index, the conflict list, stored bundles).
    erased = privacy_queries.anonymised_ids(
        item.row
        for table, items in decoded.tables
        if table == "people"
        for item in items
        if item.row
    )
    if erased:
        privacy_queries.forget_search_traces(conn)
    merged = sync_merge.merge(
        conn,
        center_id,
        decoded.tables,
        unknown=decoded.unknown,
        new_epoch=new_epoch,
        restored_after=restored_after,
        known=known,
        pointed_at=decoded.pointed_at,
        refused_before=refused_before,
    )
    privacy_queries.purge_after_anonymisation(conn, center_id, erased)
    return merged


def _refuse_held(
    db: Database,
    row_id: int,
    path: Path,
    reason: str,
    detail: str,
    *,
    sha: str,
    center: uuid.UUID,
    seq: int | None,
) -> None:
    """A held bundle that can no longer be applied: refused (reported in the next receipt) and
    logged, in one transaction, so it is never tried again in a loop."""
    with db.write() as session:
        row = session.get(ReceivedBundle, row_id)
        if row is None or row.status != ImportStatus.HELD:
            return  # already decided
        row.status, row.reason, row.detail, row.receipt_seq = (
            ImportStatus.REJECTED,
            reason,
            detail,
            None,
        )
        _log(
            session,
            path,
            ImportStatus.REJECTED,
            reason=reason,
            detail=detail,
            sha=sha,
            center=center,
            seq=seq,
        )


def _release_held(db: Database, center_id: uuid.UUID, keys: list[KeySet]) -> list[str]:
    """Apply held bundles of this center whose range now connects, until none does. A held
    bundle that can no longer be applied is refused with its reason; it is never retried
    in a loop."""
    from justice_desk.storage import sync_queries as q

    released: list[str] = []
    while True:
        with db.read() as session:
            enrolment = session.get(Enrolment, center_id)
            if enrolment is None:
                return released
            candidate = q.next_held(session, center_id, enrolment.epoch, enrolment.applied_through)
            if candidate is None:
                return released
            row_id, data, sha, seq = (
                candidate.id,
                candidate.raw,
                candidate.file_sha256,
                candidate.seq,
            )
        path = Path(f"held:{sha[:12]}")
        try:
            if data is None:
                raise fmt.BadContainerError("the held bundle's bytes are gone")
            bundle, decoded = _open_verified(data, keys, _trust(db), _Columns.of(db))
        except fmt.RejectedFileError as exc:
            _refuse_held(
                db,
                row_id,
                path,
                exc.reason,
                exc.detail or str(exc),
                sha=sha,
                center=center_id,
                seq=seq,
            )
            released.append(f"{seq}:rejected")
            continue
        outcome, _waiting = _settle(
            db, path, data, sha, bundle, held_row_id=row_id, decoded=decoded
        )
        if outcome.status in (ImportStatus.HELD, ImportStatus.REJECTED):
            # Still held (cannot happen: it connects) or refused without touching its row (its
            # center is no longer enrolled): never try it again in this loop.
            _refuse_held(
                db,
                row_id,
                path,
                outcome.reason or "rejected",
                outcome.message,
                sha=sha,
                center=center_id,
                seq=bundle.seq,
            )
        released.append(f"{bundle.seq}:{outcome.status}")


def _import_rotation(db: Database, path: Path, data: bytes, sha: str) -> ImportOutcome:
    from justice_desk.storage import sync_queries as q

    try:
        rotation = fmt.open_key_rotation(data, trusted_keys=_trust(db))
    except fmt.RevokedKeyError as exc:
        # A key a rotation already retired vouches only for the successor it named then: the
        # same statement read again is a duplicate; any other (someone holding a copy of the
        # retired key file appointing a key of their own) is refused.
        try:
            rotation = fmt.open_key_rotation(data, trusted_keys=_trust(db, retired_ok=True))
        except fmt.RejectedFileError:
            return _reject(
                db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha
            )
        with db.read() as session:
            site = uuid.UUID(rotation.site_id)
            old = q.site_key(session, site, rotation.old_key_id)
            known = q.site_key(session, site, rotation.new_key_id)
            repeated = old is not None and old.status == KeyStatus.ROTATED and known is not None
        if not repeated:
            return _reject(
                db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha
            )
        with db.write() as session:
            _log(session, path, ImportStatus.DUPLICATE, reason="duplicate", sha=sha, center=site)
        return ImportOutcome(
            str(path), ImportStatus.DUPLICATE, "duplicate", reason_text("duplicate"), 0, str(site)
        )
    except fmt.RejectedFileError as exc:
        return _reject(db, path, exc.reason, _refusal_message(db, exc), detail=exc.detail, sha=sha)

    site = uuid.UUID(rotation.site_id)
    try:
        with db.write() as session:
            # After the group an officer is importing for the center meanwhile, before its
            # next one: that one checks its key again (_check_signer_now).
            q.lock_center(session, site)
            _record_rotation(session, path, sha, rotation)
    except _ReusedKey as exc:
        return _reject(
            db,
            path,
            "revoked_key",
            _(
                "The key change statement names as the center's new key one that was retired "
                "or revoked before; a key is never used again. Ask the center to make new "
                "keys."
            ),
            detail=f"{rotation.old_key_id} -> {rotation.new_key_id} ({exc})",
            sha=sha,
            center=site,
        )
    return ImportOutcome(
        str(path),
        ImportStatus.APPLIED,
        "key_rotation",
        _("New keys of the center recorded."),
        0,
        str(site),
    )


class _ReusedKey(Exception):
    """A key-change statement appoints a key retired or revoked before (its status)."""


def _record_rotation(session: Session, path: Path, sha: str, rotation: fmt.KeyRotation) -> None:
    """Store a verified key-change statement: the new key, the old one retired. A key retired
    or revoked before is never the center's key again (docs/sync.md §9): appointing one would
    leave the center with no key that verifies (the outside review of session 12, F4), so it
    raises :class:`_ReusedKey` and nothing is written."""
    from justice_desk.storage import sync_queries as q

    site = uuid.UUID(rotation.site_id)
    appointed = q.site_key(session, site, rotation.new_key_id)
    if appointed is not None and appointed.status != KeyStatus.ACTIVE:
        raise _ReusedKey(appointed.status)
    _store_public(session, site, rotation.new_keys, "peer")
    enrolment = session.get(Enrolment, site)
    old = q.site_key(session, site, rotation.old_key_id)
    if old is not None:
        old.status = KeyStatus.ROTATED
        # The old key verifies only what it signed before: the statement says up to where;
        # one from an older version did not, so: what this office had received by now.
        if rotation.last_seq is not None:
            old.retired_epoch, old.retired_seq = rotation.last_epoch, rotation.last_seq
        elif enrolment is not None:
            old.retired_epoch, old.retired_seq = enrolment.epoch, enrolment.last_seq
        else:
            old.retired_epoch, old.retired_seq = None, 0
    if enrolment is not None:
        enrolment.fingerprint = rotation.new_keys.fingerprint
    _log(
        session,
        path,
        ImportStatus.APPLIED,
        reason="key_rotation",
        sha=sha,
        center=site,
        detail=f"{rotation.old_key_id} -> {rotation.new_key_id}",
    )
