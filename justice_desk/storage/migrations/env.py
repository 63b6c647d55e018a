"""Alembic environment for the migrations shipped inside the package.

Runs on the connection that ``storage.database`` hands over (``config.attributes["connection"]``),
so migrations see the same pragmas as the app; ``render_as_batch`` lets SQLite alter tables.
"""

from __future__ import annotations

from alembic import context

from justice_desk.storage.migrate import include_object
from justice_desk.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through justice_desk.storage.migrate, which provides the connection"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
