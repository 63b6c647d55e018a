"""Turning data objects into JSON and into plain text tables for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import unicodedata
import uuid
from collections.abc import Sequence
from typing import Any


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
