"""The importer's key directory reads a center's keys when a file names that center, not every
enrolled center's at the start of a run (a national office holds thousands: loading them all
was a fifth of a small stick's import), and it trusts exactly what the full directory did:
approved centers' keys, by the canonical spelling of their id only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sync_helpers as h
from sqlalchemy import event

from justice_desk.services.sync.keys import _trust


def test_a_center_s_keys_are_read_when_a_file_names_it_and_once(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        site = str(world.center.site_id)
        statements: list[str] = []

        @event.listens_for(world.province.read_engine, "before_cursor_execute")
        def _count(_c: object, _cur: object, statement: str, *_args: object) -> None:
            if "site_keys" in statement:
                statements.append(statement)

        trust = _trust(world.province)
        assert statements == []  # nothing read before a file names a center
        keys = trust(site)
        assert keys and len(statements) == 1
        assert trust(site) is keys and len(statements) == 1  # kept for the run
        assert trust(site.upper()) is None  # not the canonical spelling: not ours
        assert trust("00000000-0000-4000-8000-000000000000") is None  # not enrolled
        assert trust("not-a-uuid") is None
    finally:
        world.close()


def test_a_pending_center_has_no_trusted_keys(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w")
    try:
        conn = sqlite3.connect(world.province_path)
        try:
            conn.execute("UPDATE enrolments SET status = 'pending'")
            conn.commit()
        finally:
            conn.close()
        assert _trust(world.province)(str(world.center.site_id)) is None
    finally:
        world.close()
