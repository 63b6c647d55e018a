"""The storage side of the demo province's direct path (``services/demo/province.py``,
``justice-desk demo province --direct``): a demo center's rows copied straight into a province
database as the importer would have stored them, without bundles.

A *template* is every synced row of one demo center (read once from the scratch database the
demo generator filled). Each center of the province is a template written again under the
center's own id: every UUID of the template (keys, owners, foreign keys) is XOR-ed with
``template_id ^ center_id``, which turns the template's owner into the center and keeps every
other key unique, its version and variant bits intact (three version-4 UUIDs XOR to one) and
every reference pointing at the copy of what it pointed at. The center's ``sites`` row takes the
center's code, name and place; the enrolment, the center's public key and one applied bundle are
written as an approval and an import would have written them, so the Sync page, the dashboard and
reports see an ordinary enrolled center. Nothing goes to the change log (the importer does not
log either); the summary tables are brought up to date by the caller: counted
(``storage.summaries.refresh``) for the first center of a template, then copied the same way
for the others (:func:`read_owned`, :func:`write_copy`): a copy's records are the template's
under other ids, so its summary rows are too (``tests/services/test_demo_national.py`` and
``tests/postgres/test_scale_summaries.py`` compare them with a full recount). A recount per
center was most of a big build's time.

Rows go in with ``COPY`` on PostgreSQL and multi-row ``INSERT`` on SQLite.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, Uuid, insert, select

from justice_desk.domain.enums import EnrolmentStatus, ImportStatus, KeyStatus
from justice_desk.storage.models import (
    SYNCABLE_MODELS,
    Base,
    Enrolment,
    ReceivedBundle,
    Site,
    SiteKey,
    utcnow,
)

_SQLITE_ROWS_PER_STATEMENT = 500


@dataclass(frozen=True)
class TableRows:
    table: Table
    columns: tuple[str, ...]
    #: Positions of the UUID columns in ``columns``.
    uuid_positions: tuple[int, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Template:
    """Every synced row of one demo center, parents first."""

    owner_id: uuid.UUID
    tables: tuple[TableRows, ...]

    @property
    def records(self) -> int:
        """Rows a copy adds besides its ``sites`` row (what its bundle would have carried)."""
        return sum(len(t.rows) for t in self.tables)


def read_template(conn: Connection, owner_id: uuid.UUID) -> Template:
    """The rows ``owner_id`` owns in ``conn``'s database (a demo center's scratch SQLite file),
    as SQLite stores them: UUIDs as 32 hex digits, dates and times as ISO text, which both
    SQLite and PostgreSQL's ``COPY`` take as they are."""
    tables = []
    for model in SYNCABLE_MODELS:
        table: Table = model.__table__
        columns = tuple(c.name for c in table.columns)
        uuids = tuple(i for i, c in enumerate(table.columns) if isinstance(c.type, Uuid))
        names = ", ".join(f'"{c}"' for c in columns)
        rows = conn.exec_driver_sql(
            f'SELECT {names} FROM "{table.name}" WHERE owner_id = ? ORDER BY id',
            (owner_id.hex,),
        ).all()
        tables.append(TableRows(table, columns, uuids, tuple(tuple(r) for r in rows)))
    return Template(owner_id, tuple(tables))


@dataclass(frozen=True)
class DirectCenter:
    """A center of the demo province as the direct path writes it."""

    center_id: uuid.UUID
    code: str
    name: str
    province: str
    amphoe: str | None
    tambon: str | None
    key_id: str
    fingerprint: str
    signing_public: str
    hpke_public: str
    epoch: str
    received_at: dt.datetime


def write_center(conn: Connection, template: Template, center: DirectCenter) -> int:
    """Write ``template`` as ``center``'s rows with its enrolment, key and applied bundle, in
    the caller's transaction; returns the records written (as the bundle would count them)."""
    mask = template.owner_id.int ^ center.center_id.int
    postgres = conn.dialect.name != "sqlite"
    if postgres:
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    else:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    records = 0
    for part in template.tables:
        rows = [_remapped(row, part.uuid_positions, mask) for row in part.rows]
        if part.table.name == Site.__tablename__:
            rows = [_own_site(part.columns, row, center) for row in rows]
        else:
            records += len(rows)
        _insert(conn, part.table, part.columns, rows, postgres)
    now = utcnow()
    conn.execute(
        insert(SiteKey).values(
            site_id=center.center_id,
            key_id=center.key_id,
            role="peer",
            signing_public=center.signing_public,
            hpke_public=center.hpke_public,
            status=KeyStatus.ACTIVE.value,
            added_at=now,
        )
    )
    conn.execute(
        insert(Enrolment).values(
            center_id=center.center_id,
            code=center.code,
            name=center.name,
            fingerprint=center.fingerprint,
            status=EnrolmentStatus.APPROVED.value,
            requested_at=now,
            approved_at=now,
            epoch=center.epoch,
            applied_through=records + 1,
            last_seq=1,
            last_bundle_at=center.received_at,
            receipt_seq=0,
        )
    )
    conn.execute(
        insert(ReceivedBundle).values(
            file_sha256=f"{center.center_id.int:064x}"[-64:],
            content_digest=f"{mask:064x}"[-64:],
            center_id=center.center_id,
            epoch=center.epoch,
            seq=1,
            first_change=1,
            last_change=records + 1,
            status=ImportStatus.APPLIED.value,
            records=records + 1,
            received_at=center.received_at,
        )
    )
    return records + 1


def read_owned(conn: Connection, models: Sequence[type[Base]], owner_id: uuid.UUID) -> Template:
    """The rows ``owner_id`` owns in ``models``' tables of ``conn``'s database (SQLite or
    PostgreSQL), in the form :func:`write_copy` takes: UUIDs as 32 hex digits, dates and times
    as ISO text."""
    tables = []
    for model in models:
        table: Table = model.__table__
        columns = tuple(c.name for c in table.columns)
        uuids = tuple(i for i, c in enumerate(table.columns) if isinstance(c.type, Uuid))
        rows = conn.execute(
            select(*table.columns).where(table.c.owner_id == owner_id).order_by(*table.primary_key)
        ).all()
        tables.append(TableRows(table, columns, uuids, tuple(tuple(map(_plain, r)) for r in rows)))
    return Template(owner_id, tuple(tables))


def write_copy(conn: Connection, rows: Template, owner_id: uuid.UUID) -> int:
    """``rows`` (:func:`read_owned`) written again under ``owner_id``, every UUID XOR-ed as
    :func:`write_center` does, in the caller's transaction; returns the rows written."""
    mask = rows.owner_id.int ^ owner_id.int
    postgres = conn.dialect.name != "sqlite"
    for part in rows.tables:
        _insert(
            conn,
            part.table,
            part.columns,
            [_remapped(row, part.uuid_positions, mask) for row in part.rows],
            postgres,
        )
    return rows.records


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _remapped(row: tuple[Any, ...], positions: Sequence[int], mask: int) -> list[Any]:
    out = list(row)
    for i in positions:
        value = out[i]
        if value is not None:
            out[i] = f"{int(value, 16) ^ mask:032x}"
    return out


def _own_site(columns: tuple[str, ...], row: list[Any], center: DirectCenter) -> list[Any]:
    values = dict(zip(columns, row, strict=True))
    values.update(
        code=center.code,
        name=center.name,
        province=center.province,
        amphoe=center.amphoe,
        tambon=center.tambon,
    )
    return [values[c] for c in columns]


def _insert(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: list[list[Any]],
    postgres: bool,
) -> None:
    if not rows:
        return
    if postgres:
        driver = conn.connection.driver_connection
        assert driver is not None
        names = ", ".join(f'"{c}"' for c in columns)
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    # One multi-row INSERT per few hundred rows: the full-text triggers index far faster
    # than with one statement per row (storage/demo_queries.py).
    step = max(1, min(_SQLITE_ROWS_PER_STATEMENT, 30_000 // max(1, len(columns))))
    names = ", ".join(f'"{c}"' for c in columns)
    one = "(" + ", ".join("?" * len(columns)) + ")"
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        conn.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) VALUES ' + ", ".join([one] * len(chunk)),
            tuple(v for r in chunk for v in r),
        )
