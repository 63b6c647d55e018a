"""Keys of new records: UUIDs of version 7 (RFC 9562 §5.7).

The first 48 bits are the Unix time in milliseconds, the rest (but for the version and variant
bits) random, so ids made later sort later. A center makes its records' ids; the province
stores millions of them from thousands of centers. With random ids (version 4) every new record
went to a random place of each primary-key and foreign-key index, and a province's import
touched a page of every large index per record; ids in the order they were made go to a few
places at the end of their range, on the center's laptop and at the province alike.

The time in an id is when the record was made, to the millisecond, which the record carries
anyway (``created_at``). A laptop whose clock is wrong still makes distinct ids (74 random
bits); only their order is then off, which costs speed, never correctness: ids are compared
only for equality.
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0x2 << 62
_KEEP = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_MS_BITS = (1 << 48) - 1


def new_id() -> uuid.UUID:
    """A new record key: a version-7 UUID (see the module)."""
    ms = (time.time_ns() // 1_000_000) & _MS_BITS
    value = (ms << 80 | int.from_bytes(os.urandom(10), "big")) & _KEEP
    return uuid.UUID(int=value | _VERSION_7 | _VARIANT_RFC)
