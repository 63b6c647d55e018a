"""Keys of new records: version-7 UUIDs, in the order they were made (domain/ids.py)."""

from __future__ import annotations

import time
import uuid

from justice_desk.domain.ids import new_id


def test_a_new_id_is_a_version_7_uuid_of_the_rfc_variant() -> None:
    key = new_id()
    assert key.version == 7
    assert key.variant == uuid.RFC_4122
    # As exports and bundles spell it, it reads back as the same key.
    assert uuid.UUID(str(key)) == key


def test_a_new_id_starts_with_the_time_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    key = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= key.int >> 80 <= after


def test_ids_made_later_sort_later_and_none_repeats() -> None:
    first = [new_id() for _ in range(2_000)]
    time.sleep(0.002)
    later = [new_id() for _ in range(2_000)]
    assert max(first) < min(later)
    assert len(set(first + later)) == 4_000
