"""Atomic file writes and size-capped reads.

Sync files travel on USB sticks that people pull out mid-copy. A file is therefore written to a
temporary name in the same folder, flushed and fsynced, then renamed over the final name: the
final name either does not exist or holds the complete file, never a prefix that looks whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from justice_desk.sync.exceptions import NotAFileError, TooLargeError


def write_atomically(path: Path, data: bytes, *, mode: int, overwrite: bool) -> Path:
    """Write ``data`` to ``path`` all-or-nothing and return ``path``.

    ``mode`` applies on POSIX; on Windows only the read-only bit exists, so a private file is
    protected by the user profile's ACLs instead (best effort, documented in
    docs/sync-format.md §2).
    Raises ``FileExistsError`` when ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path)
    folder = path.parent
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
    # mkstemp creates the file 0600 from the start, so a private key is never readable by
    # others even for the instant between creation and chmod.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix" and mode != 0o600:
            os.chmod(tmp, mode)
        if not overwrite and path.exists():
            # Re-checked right before the rename: the window left is too small to matter for
            # a desktop app, and os.link (a true no-clobber rename) fails on FAT USB sticks.
            raise FileExistsError(str(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)
    return path


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, so skip there."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (e.g. certain FUSE mounts) refuse; the data is already safe
    finally:
        os.close(fd)


def read_capped(path: Path, max_bytes: int) -> bytes:
    """Read a whole regular file, refusing before reading when it is bigger than ``max_bytes``.

    Anything else (a folder, a named pipe, a device such as ``/dev/zero``, a socket, also
    behind a symbolic link) is refused with :class:`NotAFileError` before it is opened for
    reading: a pipe nobody writes to would block for ever, a device would never end. The file
    is opened without blocking and checked again once open, in case it was swapped meanwhile.
    """
    path = Path(path)
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotAFileError(f"{path}: {_file_type(os.stat(path).st_mode)}")
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(f"{path}: {_file_type(info.st_mode)}")
        if info.st_size > max_bytes:
            raise TooLargeError(
                f"{path}: {info.st_size} bytes > {max_bytes}", what=f"{info.st_size} bytes"
            )
        # Read one byte more than allowed: the file may have grown since stat().
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLargeError(f"{path}: more than {max_bytes} bytes", what=f"> {max_bytes} bytes")
    return data


def _file_type(mode: int) -> str:
    """What a path that is not a regular file is, in English for the log."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"
