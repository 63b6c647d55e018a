"""A province import killed with SIGKILL in the middle of applying a large bundle leaves the
province database as it was (docs/sync.md §6: one transaction, all or nothing); importing again
afterwards works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk.services import sync

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def _wal(path: Path) -> int:
    try:
        return Path(str(path) + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


def _import_and_kill(
    province: Path, bundle: Path, *, wal_bytes: int, timeout: float = 60
) -> tuple[bool, int]:
    """Run ``sync import`` in a child process and SIGKILL it once the province's write-ahead log
    has grown by ``wal_bytes`` (the apply transaction is writing pages). Returns whether the
    child was killed (rather than finishing first) and how far the log had grown."""
    start = _wal(province)
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "justice_desk",
            "sync",
            "import",
            "--db",
            str(province),
            str(bundle),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    grown = 0
    try:
        while child.poll() is None and time.monotonic() < deadline:
            grown = _wal(province) - start
            if grown >= wal_bytes:
                child.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return child.returncode == -signal.SIGKILL, grown


def test_import_killed_while_applying_leaves_the_province_unchanged(tmp_path: Path) -> None:
    world = h.build_world(tmp_path / "w", demo=dict(seed=12, people=40, cases=2000, meetings=6))
    bundle = world.export()
    assert bundle.records > 15_000
    before = h.snapshot(world.province)
    log_before = len(sync.import_log(world.province))
    world.province.dispose()

    killed, grown = _import_and_kill(world.province_path, bundle.path, wal_bytes=512 * 1024)
    assert killed, "the import finished before it could be killed; use a larger bundle"
    assert grown >= 512 * 1024  # it was writing the bundle's rows when it died

    # Nothing of it is there: not a row, not a log line, not a received bundle,
    # and the file is sound.
    assert h.integrity(world.province_path) == "ok"
    assert h.snapshot(world.province_path) == before
    assert h.query(world.province_path, "SELECT count(*) FROM received_bundles")[0][0] == 0
    assert h.query(world.province_path, "SELECT count(*) FROM import_log")[0][0] == log_before
    assert h.query(world.province_path, "SELECT applied_through FROM enrolments")[0][0] == 0

    # Importing again works, and gives exactly the center's records.
    world.province = h.open_database(world.province_path)
    outcome = world.import_one(bundle.path)
    assert (outcome.status, outcome.records) == ("applied", bundle.records)
    h.assert_province_holds_center(world)
    assert h.integrity(world.province_path) == "ok"
    world.close()


def test_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    """Kills at several points (reading, decrypting, applying, committing): each time the
    province holds either nothing of the bundle or all of it."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=13, people=30, cases=600, meetings=3))
    bundle = world.export()
    pristine = tmp_path / "pristine.sqlite3"
    world.province.dispose()
    h.copy_database(world.province_path, pristine)
    expected = h.center_as_sent(world.center)
    before = h.snapshot(pristine)
    outcomes = set()
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 2.0):
        h.copy_database(pristine, world.province_path)
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "justice_desk",
                "sync",
                "import",
                "--db",
                str(world.province_path),
                str(bundle.path),
            ],
            env=dict(os.environ, JUSTICE_DESK_LANG="en"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert h.integrity(world.province_path) == "ok"
        now = h.snapshot(world.province_path, world.center.site_id)
        if h.snapshot(world.province_path) == before:
            outcomes.add("nothing")
            assert h.query(world.province_path, "SELECT count(*) FROM received_bundles")[0][0] == 0
        else:
            assert not h.diff(expected, now), f"partly applied after a kill at {delay} s"
            assert (
                h.query(world.province_path, "SELECT status FROM received_bundles")[0][0]
                == "applied"
            )
            outcomes.add("all")
    assert "nothing" in outcomes
    world.province = h.open_database(world.province_path)
    assert world.import_one(bundle.path).status in ("applied", "duplicate")
    h.assert_province_holds_center(world)
    world.close()
