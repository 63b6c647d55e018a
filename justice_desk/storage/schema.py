"""Schema revisions this build knows, without importing Alembic (kept off the start-up path).

A test checks these against the migration scripts, so they cannot drift.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
)
HEAD = KNOWN_REVISIONS[-1]
