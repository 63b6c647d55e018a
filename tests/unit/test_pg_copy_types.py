"""The province's binary ``COPY`` (``storage.sync_store._PgUpsert``) names each column's type to
the driver: every column that travels must name a type the installed psycopg has a binary
converter for. At psycopg 3.1, the lowest version allowed, ``varchar`` has none (a real import
failed there with "cannot find a dumper for type varchar"); ``.ci/lowest-versions`` runs this
module at that version, without a server."""

from __future__ import annotations

import psycopg
from psycopg.postgres import types
from psycopg.pq import Format

from justice_desk.storage import sync_store
from justice_desk.storage.models import SYNCABLE_MODELS


def test_every_column_that_travels_has_a_binary_converter() -> None:
    named: dict[str, str] = {}
    for model in SYNCABLE_MODELS:
        for column in model.__table__.columns:
            named[f"{model.__tablename__}.{column.name}"] = sync_store._pg_type_name(column)
    assert named["people.given_name"] == "text"  # a varchar column goes as text
    missing = []
    for where, name in sorted(named.items()):
        info = types.get(name)
        try:
            assert info is not None
            psycopg.adapters.get_dumper_by_oid(info.oid, Format.BINARY)
        except (AssertionError, psycopg.ProgrammingError):
            missing.append(f"{where}: {name}")
    assert not missing, missing
