"""Canonical JSON out, strict JSON in, and typed field readers for manifests.

Reading is strict on purpose: a manifest is parsed *before* its signature can be checked (we
need the center and key id to find the public key), so the parser must never crash or guess on
hostile input. Every problem becomes the exception class the caller names.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

import orjson

from justice_desk.sync.exceptions import RejectedFileError

#: Site ids, epochs and key ids end up in file names and log lines: keep them plain.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The largest counter (seq, rev, change number) a database column can hold: SQLite's and
#: PostgreSQL's 64-bit integers.
MAX_COUNTER = 2**63 - 1
#: The smallest integer a 64-bit database column holds.
MIN_INTEGER = -(2**63)


def canonical_json(value: object) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces, so equal data gives equal bytes.

    ``ensure_ascii=False`` keeps Thai text at 3 bytes a character instead of 6-byte escapes.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # Two parsers may keep different copies of a duplicated key; refuse the ambiguity.
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"non-finite number {name}")


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent, refused when it has no finite value
    (``1e999`` reads as infinity: refused as ``Infinity`` itself is, docs/sync-format.md §4)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def parse_json(data: bytes, error: type[RejectedFileError], what: str) -> Any:
    """Parse ``data`` as strict UTF-8 JSON or raise ``error`` (never anything else)."""
    try:
        text = data.decode("utf-8")
        return json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except (UnicodeDecodeError, ValueError, RecursionError, TypeError) as exc:
        raise error(f"{what}: not valid JSON ({exc})") from None


def parse_canonical_object(
    data: bytes, error: type[RejectedFileError], what: str
) -> dict[str, Any]:
    """``parse_json_object`` for large documents that we write canonically (bundle payloads).

    orjson parses them several times faster than the standard library but keeps the last of
    duplicated keys. So the result is accepted only when encoding it again gives exactly the
    bytes received: canonical input cannot have held a duplicate key (it would have been
    dropped) or anything else orjson reads differently. Any other input takes the strict
    standard-library path, so docs/sync-format.md §4 holds for every document."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        value = None
    if isinstance(value, dict) and orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == data:
        return value
    return parse_json_object(data, error, what)


def parse_json_object(data: bytes, error: type[RejectedFileError], what: str) -> dict[str, Any]:
    """Parse ``data`` as a JSON object or raise ``error``."""
    value = parse_json(data, error, what)
    if not isinstance(value, dict):
        raise error(f"{what}: not a JSON object")
    return value


class FieldReader:
    """Typed access to one parsed JSON object; every bad field raises the given error class."""

    def __init__(self, data: Mapping[str, Any], error: type[RejectedFileError], what: str):
        self.data = data
        self.error = error
        self.what = what
        self.used: set[str] = set()

    def fail(self, message: str) -> NoReturn:
        raise self.error(f"{self.what}: {message}")

    def _get(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.data:
            self.fail(f"missing field {key!r}")
        return self.data[key]

    def has(self, key: str) -> bool:
        return key in self.data

    def integer(self, key: str, *, minimum: int = MIN_INTEGER, maximum: int = MAX_COUNTER) -> int:
        """An integer field within ``minimum..maximum``; by default the 64-bit signed range,
        since every integer read from a file may end up in a database column (JSON itself
        allows integers of any size, and Python reads them all)."""
        value = self._get(key)
        # bool is an int in Python but never a valid counter here.
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"field {key!r} is not an integer")
        if value < minimum:
            self.fail(f"field {key!r} is below {minimum}")
        if value > maximum:
            self.fail(f"field {key!r} is above {maximum}")
        return value

    def optional_integer(
        self, key: str, *, minimum: int = MIN_INTEGER, maximum: int = MAX_COUNTER
    ) -> int | None:
        if self.data.get(key) is None:
            self.used.add(key)
            return None
        return self.integer(key, minimum=minimum, maximum=maximum)

    def text(self, key: str, *, max_length: int = 1000, allow_empty: bool = False) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            self.fail(f"field {key!r} is not a string")
        if not value and not allow_empty:
            self.fail(f"field {key!r} is empty")
        if len(value) > max_length:
            self.fail(f"field {key!r} is too long")
        return value

    def optional_text(self, key: str, *, max_length: int = 1000) -> str | None:
        if self.data.get(key) is None:
            self.used.add(key)
            return None
        return self.text(key, max_length=max_length)

    def ident(self, key: str) -> str:
        value = self.text(key, max_length=64)
        if not ID_PATTERN.fullmatch(value):
            self.fail(f"field {key!r} is not a valid id")
        return value

    def optional_ident(self, key: str) -> str | None:
        if self.data.get(key) is None:
            self.used.add(key)
            return None
        return self.ident(key)

    def hexdigest(self, key: str, length: int) -> str:
        value = self.text(key, max_length=length)
        if len(value) != length or not re.fullmatch(r"[0-9a-f]+", value):
            self.fail(f"field {key!r} is not {length} lowercase hex digits")
        return value

    def b64(self, key: str, *, max_length: int = 1 << 20) -> bytes:
        value = self.text(key, max_length=max_length * 2, allow_empty=True)
        try:
            return b64decode(value)
        except ValueError:
            self.fail(f"field {key!r} is not valid base64")

    def items(self, key: str, *, max_items: int = 10_000) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            self.fail(f"field {key!r} is not a list")
        if len(value) > max_items:
            self.fail(f"field {key!r} has too many items")
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self._get(key)
        if not isinstance(value, dict):
            self.fail(f"field {key!r} is not an object")
        return value

    def child(self, value: Any, what: str) -> FieldReader:
        if not isinstance(value, dict):
            self.fail(f"{what} is not an object")
        return FieldReader(value, self.error, f"{self.what}: {what}")

    def extra(self) -> dict[str, Any]:
        """Fields this version does not know: kept, never dropped (schema changes are additive)."""
        return {k: v for k, v in self.data.items() if k not in self.used}


def b64encode(data: bytes) -> str:
    """Standard base64 with padding (readable by any tool)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict base64: only the canonical encoding is accepted, so one value has one spelling."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None
    if b64encode(raw) != text:
        raise ValueError("non-canonical base64")
    return raw


def check_ident(value: str, what: str) -> str:
    """Validate an id supplied by our own caller (a programming error, so ``ValueError``)."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ValueError(f"{what} {value!r} must match {ID_PATTERN.pattern}")
    return value


def check_text(value: str, what: str, *, max_length: int = 1000, allow_empty: bool = False) -> str:
    """Validate free text supplied by our caller (names, reasons)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    if not value and not allow_empty:
        raise ValueError(f"{what} must not be empty")
    if len(value) > max_length:
        raise ValueError(f"{what} is longer than {max_length} characters")
    return value


def display_timestamp(value: datetime | str | None) -> str:
    """The creation time as shown to people; never used for order or validity (clocks lie)."""
    if value is None:
        return datetime.now(UTC).isoformat(timespec="seconds")
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return check_text(value, "created_at", max_length=64)


def printable(value: str, limit: int = 80) -> str:
    """A hostile string made safe to show in one line of a message or log."""
    cleaned = _CONTROL.sub("?", value)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
