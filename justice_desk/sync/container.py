"""The container every Justice Desk sync file uses: a table of named members and a checksum.

Layout (all integers big-endian; docs/sync-format.md §1 is the reference)::

    magic        8 bytes  89 4A 44 53 0D 0A 1A 0A   ("\\x89JDS\\r\\n\\x1a\\n")
    version      u16      container/format version (1)
    kind         1 byte   ASCII letter: B bundle, R receipt, Q enrolment request, ...
    count        u8       number of members
    table        count x (u8 name length, name bytes, u32 size)
    data         the members' bytes, in table order, back to back
    checksum     32 bytes SHA-256 of every byte before it

Why not zip or tar: their readers ignore many header bytes (times, attributes, comments), so a
changed byte there would go unnoticed; here every byte is either checked or signed. The magic
borrows PNG's trick: the high bit and the CR LF / LF pair detect 7-bit and text-mode transfers.

Checks run in a fixed order so each broken file gets the most useful reason: size cap ->
empty/truncated/not ours -> newer format -> table fits the file -> checksum -> kind -> member
names (unsafe, duplicate, unknown, missing, order) -> member size caps.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from justice_desk.i18n import N_, _
from justice_desk.sync import _files
from justice_desk.sync._codec import printable
from justice_desk.sync.exceptions import (
    BadContainerError,
    DamagedFileError,
    EmptyFileError,
    NewerFormatError,
    NotABundleError,
    TooLargeError,
    TruncatedFileError,
    UnsafePathError,
    WrongKindError,
)

MAGIC = b"\x89JDS\r\n\x1a\n"
#: The newest format this code writes and reads. Readers refuse anything newer
#: (docs/sync.md §10).
FORMAT_VERSION = 1
CHECKSUM_SIZE = 32
_PREAMBLE = struct.Struct(">8sHcB")
_SIZE = struct.Struct(">I")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")

KiB = 1024
MiB = 1024 * KiB


class Kind(StrEnum):
    """What a sync file is; stored as one letter in the header and as a word in the manifest."""

    BUNDLE = "bundle"
    RECEIPT = "receipt"
    ENROLMENT_REQUEST = "enrolment-request"
    ENROLMENT_ANSWER = "enrolment-answer"
    KEY_ROTATION = "key-rotation"
    KEY_REVOCATION = "key-revocation"

    @property
    def label(self) -> str:
        """The kind as a person reads it (translated)."""
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    Kind.BUNDLE: N_("sync bundle"),
    Kind.RECEIPT: N_("receipt"),
    Kind.ENROLMENT_REQUEST: N_("enrolment request"),
    Kind.ENROLMENT_ANSWER: N_("enrolment answer"),
    Kind.KEY_ROTATION: N_("key change statement"),
    Kind.KEY_REVOCATION: N_("key revocation"),
}
_KIND_CODES: dict[Kind, bytes] = {
    Kind.BUNDLE: b"B",
    Kind.RECEIPT: b"R",
    Kind.ENROLMENT_REQUEST: b"Q",
    Kind.ENROLMENT_ANSWER: b"A",
    Kind.KEY_ROTATION: b"T",
    Kind.KEY_REVOCATION: b"V",
}
_CODE_KINDS = {code: kind for kind, code in _KIND_CODES.items()}

#: File name endings, so a folder of mixed files can be sorted before opening anything.
SUFFIXES: dict[Kind, str] = {
    Kind.BUNDLE: ".jdbundle",
    Kind.RECEIPT: ".jdreceipt",
    Kind.ENROLMENT_REQUEST: ".jdenrol",
    Kind.ENROLMENT_ANSWER: ".jdanswer",
    Kind.KEY_ROTATION: ".jdrotate",
    Kind.KEY_REVOCATION: ".jdrevoke",
}


@dataclass(frozen=True)
class Limits:
    """Size caps checked before any crypto, while decompressing (a bomb stops at the cap) and
    while reading the records (docs/sync-format.md §8, "Default limits").

    They bound what opening one file can cost in memory, whatever the file holds: the
    records an importer keeps (2 to 3 KB each once decoded) and the decompressed payload,
    which is parsed a slice at a time. At the defaults one bundle stays within about 310 MiB on
    an old 4 GB office laptop. A larger export is written as several bundles (at most 40,000
    changed rows each, services.sync.EXPORT_MAX_ROWS); the largest records, minutes, are some
    13 KB.
    """

    max_file_bytes: int = 64 * MiB
    max_manifest_bytes: int = 64 * KiB
    max_plain_bytes: int = 64 * MiB
    max_records: int = 100_000
    max_record_bytes: int = 1 * MiB
    max_recipients: int = 8
    max_members: int = 8


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Unpacked:
    """A container that passed every structural check; members are by name."""

    version: int
    kind: Kind
    members: Mapping[str, bytes]
    sha256: str  # of the whole file, for "already seen this exact file"


def pack(kind: Kind, members: Sequence[tuple[str, bytes]]) -> bytes:
    """Build a container; names must be safe, unique, plain ASCII."""
    if not 1 <= len(members) <= 255:
        raise ValueError("a container holds 1 to 255 members")
    names = [name for name, _data in members]
    if len(set(names)) != len(names):
        raise ValueError("duplicate member name")
    parts = [_PREAMBLE.pack(MAGIC, FORMAT_VERSION, _KIND_CODES[kind], len(members))]
    for name, data in members:
        encoded = name.encode("ascii")
        if not _SAFE_NAME.fullmatch(name) or ".." in name or len(encoded) > 255:
            raise ValueError(f"unsafe member name {name!r}")
        if len(data) >= 1 << 32:
            raise ValueError("member too large")
        parts.append(bytes([len(encoded)]) + encoded + _SIZE.pack(len(data)))
    parts.extend(data for _name, data in members)
    body = b"".join(parts)
    return body + hashlib.sha256(body).digest()


def _is_unsafe(raw_name: bytes) -> bool:
    """True for anything that could be a path: separators, drive letters, dots, controls."""
    try:
        name = raw_name.decode("ascii")
    except UnicodeDecodeError:
        return True
    return not _SAFE_NAME.fullmatch(name) or ".." in name


def unpack(
    data: bytes,
    kind: Kind,
    members: Mapping[str, int],
    limits: Limits = DEFAULT_LIMITS,
) -> Unpacked:
    """Check the container and return its members.

    ``members`` maps each required member name, in the required order, to its size cap.
    Raises a :class:`~justice_desk.sync.exceptions.RejectedFileError` subclass, never anything
    else, whatever ``data`` holds.
    """
    if not isinstance(data, bytes):
        data = bytes(data)  # a bytearray or memoryview from the caller: slices must be bytes
    size = len(data)
    if size == 0:
        raise EmptyFileError("0 bytes")
    if size > limits.max_file_bytes:
        raise TooLargeError(f"{size} bytes > {limits.max_file_bytes}", what=f"{size} bytes")
    if size < len(MAGIC):
        if MAGIC.startswith(data):
            raise TruncatedFileError(f"only {size} bytes")
        raise NotABundleError("no magic")
    if data[: len(MAGIC)] != MAGIC:
        raise NotABundleError("no magic")
    if size < _PREAMBLE.size:
        raise TruncatedFileError("cut inside the header")
    _magic, version, code, count = _PREAMBLE.unpack_from(data, 0)
    # The version is checked before anything else about the layout: a newer format may lay
    # out the rest differently, and its reader must be named, not its bytes misread.
    if version > FORMAT_VERSION:
        raise NewerFormatError(f"format {version}", needed=version, supported=FORMAT_VERSION)
    if version < 1:
        raise BadContainerError(f"format {version}")
    if count == 0 or count > limits.max_members:
        raise BadContainerError(f"{count} members")

    table: list[tuple[bytes, int]] = []
    offset = _PREAMBLE.size
    for _index in range(count):
        if offset + 1 > size:
            raise TruncatedFileError("cut inside the member table")
        name_length = data[offset]
        offset += 1
        if offset + name_length + _SIZE.size > size:
            raise TruncatedFileError("cut inside the member table")
        raw_name = data[offset : offset + name_length]
        offset += name_length
        (member_size,) = _SIZE.unpack_from(data, offset)
        offset += _SIZE.size
        table.append((raw_name, member_size))

    expected_size = offset + sum(s for _n, s in table) + CHECKSUM_SIZE
    if size < expected_size:
        raise TruncatedFileError(f"{size} bytes, table needs {expected_size}")
    if size > expected_size:
        raise BadContainerError(f"{size - expected_size} bytes after the checksum")
    # A memoryview: no copy of the whole file just to hash it.
    if hashlib.sha256(memoryview(data)[:-CHECKSUM_SIZE]).digest() != data[-CHECKSUM_SIZE:]:
        raise DamagedFileError("checksum mismatch")

    found_kind = _CODE_KINDS.get(code)
    if found_kind is None:
        raise BadContainerError(f"unknown kind {code!r}")
    if found_kind is not kind:
        raise WrongKindError(
            f"{found_kind.value}, expected {kind.value}",
            found=found_kind.label,
            expected=kind.label,
        )

    names: list[str] = []
    for raw_name, _s in table:
        if _is_unsafe(raw_name):
            shown = printable(raw_name.decode("ascii", "replace"))
            raise UnsafePathError(f"member name {raw_name!r}", name=shown)
        names.append(raw_name.decode("ascii"))
    if len(set(names)) != len(names):
        raise BadContainerError("duplicate member names")
    unknown = [n for n in names if n not in members]
    if unknown:
        raise BadContainerError(f"unexpected members {unknown}")
    missing = [n for n in members if n not in names]
    if missing:
        raise BadContainerError(f"missing members {missing}")
    if names != list(members):
        raise BadContainerError(f"members out of order {names}")

    result: dict[str, bytes] = {}
    position = offset
    for name, (_raw, member_size) in zip(names, table, strict=True):
        if member_size > members[name]:
            raise TooLargeError(
                f"member {name}: {member_size} bytes > {members[name]}",
                what=f"{name}: {member_size} bytes",
            )
        result[name] = data[position : position + member_size]
        position += member_size
    return Unpacked(
        version=version,
        kind=found_kind,
        members=result,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def sniff_kind(data: bytes) -> Kind | None:
    """The kind a file claims to be, from its header alone (unverified), or ``None``."""
    if len(data) < _PREAMBLE.size or data[: len(MAGIC)] != MAGIC:
        return None
    _magic, version, code, _count = _PREAMBLE.unpack_from(data, 0)
    if not 1 <= version <= FORMAT_VERSION:
        return None
    return _CODE_KINDS.get(code)


def read_sync_file(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a sync file from disk, refusing one over the size cap before reading it."""
    data = _files.read_capped(Path(path), limits.max_file_bytes)
    if not data:
        raise EmptyFileError(f"{path}: 0 bytes")
    return data
