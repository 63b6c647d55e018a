"""Records as a center sends them, for tests that forge bundles with the center's real key
(tests/sync and tests/postgres both use them)."""

from __future__ import annotations

import uuid
from typing import Any


def membership(owner_id: str, person_id: str | None = None) -> dict[str, Any]:
    """A membership record of ``person_id`` (by default a person nobody has seen), owned by
    ``owner_id``: the database refuses it at commit when the person is not stored (the
    deferred foreign key)."""
    return {
        "table": "memberships",
        "id": str(uuid.uuid4()),
        "op": "update",
        "rev": 1,
        "fields": {
            "owner_id": owner_id,
            "person_id": person_id or str(uuid.uuid4()),
            "status": "active",
            "created_at": "2024-01-01T00:00:00",
            "updated_at": "2024-01-01T00:00:00",
        },
    }
