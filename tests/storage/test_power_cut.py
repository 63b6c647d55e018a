"""SIGKILL in the middle of a large demo run leaves a database that passes integrity_check and
opens normally (every chunk is its own transaction; WAL + synchronous=FULL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from justice_desk.storage.database import open_database


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL exists only on POSIX systems")
@pytest.mark.slow
def test_sigkill_during_demo_leaves_a_sound_database(tmp_path: Path) -> None:
    db = tmp_path / "big.sqlite3"
    env = dict(os.environ, JUSTICE_DESK_HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "justice_desk", "demo", "--db", str(db), "--cases", "100000"],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        # Wait until some chunks have been committed, then cut the power.
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if db.exists():
                try:
                    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=1)
                    n = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    n = 0
                if n > 0:
                    break
        assert proc.poll() is None, "the demo finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    cases = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    logged = conn.execute("SELECT COUNT(*) FROM change_log WHERE table_name='cases'").fetchone()[0]
    orphans = conn.execute(
        "SELECT COUNT(*) FROM cases c "
        "WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id) "
        "AND c.status != 'received'"
    ).fetchone()[0]
    conn.close()
    assert 0 < cases < 100000 and logged == cases and orphans == 0
    database = open_database(db)
    try:
        from justice_desk.services import cases as case_service

        assert case_service.list_cases(database, limit=5).total == cases
    finally:
        database.dispose()
