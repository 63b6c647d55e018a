"""Turning data objects into JSON and into plain text tables for people."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import json
import re
import sys
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

#: C0 controls but tab and newline, DEL, and C1 controls: a terminal acts on them (ESC starts
#: sequences that retitle the window, clear the screen or remap keys; C1 CSI does the same).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(text: str) -> str:
    """``text`` with every control character a terminal would act on written as a visible
    ``\\u001b``-style escape (tab and newline stay). Inside a JSON string the escape means the
    same character, so JSON output stays exact."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _SafeWriter:
    """A text stream that writes everything through :func:`safe_text`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(safe_text(text))
        return len(text)

    def writelines(self, lines: Iterator[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe() -> Iterator[None]:
    """While a command runs, whatever it prints (names, notes, reasons that came from a center
    or the office in a sync file) cannot drive the terminal (docs/sync.md, "Bad input")."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeWriter(out), _SafeWriter(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)


def display_width(text: str) -> int:
    """Columns a terminal uses: Thai combining marks take none."""
    return sum(
        0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 48) -> str:
    def cut(text: str) -> str:
        text = " ".join(str(text).split())
        if display_width(text) <= max_width:
            return text
        out = ""
        for ch in text:
            if display_width(out + ch) > max_width - 1:
                break
            out += ch
        return out + "…"

    cells = [[cut(h) for h in headers]] + [[cut(c) for c in r] for r in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append(
            "  ".join(c + " " * (widths[i] - display_width(c)) for i, c in enumerate(r)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
