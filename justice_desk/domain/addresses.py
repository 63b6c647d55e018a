"""Thai address parts as people type them: the field's own prefix left out.

An address is printed with the official words before each part (``บ้านเลขที่ 12/3 หมู่ที่ 4
ถนนเชียงใหม่-ลำพูน ตำบลแม่เหียะ``), and people often type the word themselves (``ถนนเชียงใหม่-
ลำพูน``, ``ม.4``, ``ต.แม่เหียะ``): printed as typed that gives ``ถนนถนน…``. :func:`strip_prefix`
takes the prefix off a part, on entry (``services.people.check_person``) and again on printing
(``services.people.format_address``, for records saved before). A road typed as a lane
(``ซอยวัดอุโมงค์``, ``ซ.5``) keeps its own word, which replaces ``ถนน`` (:func:`is_lane`).
"""

from __future__ import annotations

import re

__all__ = ["ADDRESS_PREFIXES", "is_lane", "strip_prefix"]

#: The words people type before each part, longest first (abbreviations with their dot).
ADDRESS_PREFIXES: dict[str, tuple[str, ...]] = {
    "house_no": ("บ้านเลขที่", "เลขที่", "บ้านเลข"),
    "moo": ("หมู่ที่", "หมู่", "ม."),
    "road": ("ถนน", "ถ."),
    "tambon": ("ตำบล", "ต."),
    "amphoe": ("อำเภอ", "อ."),
    "province": ("จังหวัด", "จ."),
}
_LANE = re.compile(r"^(ซอย|ซ\.)\s*")


def strip_prefix(field: str, value: str | None) -> str | None:
    """``value`` without the prefix its field prints anyway (``ถนนถนนเชียงใหม่`` cannot
    happen); ``None`` and blank stay ``None``. Only a prefix followed by more text is taken
    off: a village named ``หมู่`` alone stays."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text:
        return None
    for prefix in ADDRESS_PREFIXES.get(field, ()):
        if text.startswith(prefix) and len(text) > len(prefix):
            rest = text[len(prefix) :].strip()
            if rest:
                # Typed twice ("ถนนถนน…") is taken off twice.
                return strip_prefix(field, rest)
    return text


def is_lane(road: str | None) -> bool:
    """Is the road part a lane (``ซอย…``), printed with its own word instead of ``ถนน``?"""
    return bool(road and _LANE.match(road))
