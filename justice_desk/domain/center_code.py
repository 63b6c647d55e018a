"""The code a Provincial Justice Office gives a Community Justice Center.

Offices number their centers by the DOPA code of the tambon the center serves (``500107``:
province 50, amphoe 01, tambon 07), sometimes with a letter prefix (``CJC-0001``,
``DEMO-500107``). The code names the center to people and in file names (enrolment answers,
receipts), so it must be a plain word: ASCII letters and digits, with single hyphens between
parts, at most 32 characters. Anything else, a path (``../x``, ``C:\\x``, ``/etc``) above all, is
refused where a code enters: set-up and enrolment.
"""

from __future__ import annotations

import re

MAX_LENGTH = 32
_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def is_valid(code: str) -> bool:
    """``code`` is a center code of the accepted form (nothing trimmed, nothing guessed)."""
    return len(code) <= MAX_LENGTH and _CODE.fullmatch(code) is not None
