"""Helpers shared by the benchmark scripts: a cached 100,000-case demo database, timing, and a
throw-away PostgreSQL server."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE = Path(
    os.environ.get("JUSTICE_DESK_BENCH_CACHE", Path(tempfile.gettempdir()) / "justice-desk-bench")
)


def big_demo(cases: int = 100_000, seed: int = 1) -> Path:
    """A demo center with ``cases`` cases, built once and reused (delete the cache to rebuild)."""
    path = CACHE / f"demo-{cases}-{seed}.sqlite3"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    partial = path.with_suffix(".partial")
    for p in CACHE.glob(partial.name + "*"):
        p.unlink()
    db = setup.init_demo_center(partial)
    generate_demo(db, seed=seed, cases=cases, people=max(60, cases // 50), meetings=24)
    db.dispose()
    shutil.move(partial, path)
    return path


def measure(fn: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """(median, min) seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def report(name: str, seconds: float, target: float | None = None) -> str:
    line = f"{name:<55} {seconds * 1000:9.1f} ms"
    if target is not None:
        line += f"   target < {target * 1000:.0f} ms  {'OK' if seconds < target else 'MISSED'}"
    print(line)
    return line


# -- a throw-away PostgreSQL server (the approach of tests/postgres/conftest.py) -----------------


def pg_bin(name: str) -> str | None:
    """A PostgreSQL server program on the ``PATH`` or under ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    return None


@dataclass
class PostgresServer:
    folder: Path
    port: int
    user: str = "justice"

    def url(self, dbname: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """A SQLAlchemy URL (``driver="postgresql"`` gives a libpq one, for psycopg)."""
        return f"{driver}://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the server's processes (Linux ``/proc``; None elsewhere): the
        postmaster's, its live children's, and that of the children it has reaped (ended
        connections). The difference over a run is the server's share of the work."""
        try:
            postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
            tick = os.sysconf("SC_CLK_TCK")
            total = 0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    text = stat.read_text()
                except OSError:
                    continue  # ended meanwhile
                fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) "
                pid, ppid = int(stat.parent.name), int(fields[1])
                if pid == postmaster:
                    total += sum(int(f) for f in fields[11:15])  # own and reaped children's
                elif ppid == postmaster:
                    total += int(fields[11]) + int(fields[12])
            return total / tick
        except (OSError, ValueError, IndexError):
            return None


@contextlib.contextmanager
def postgres_server(*, fsync: bool = True, options: Sequence[str] = ()) -> Iterator[PostgresServer]:
    """Start a PostgreSQL server in a new temporary folder (as the ``postgres`` user when run as
    root: PostgreSQL refuses to run as root), trusting local connections of the user
    ``justice``; stop it and delete the folder on leaving, whatever happened (an exception,
    Ctrl-C). ``fsync=False`` is what the tests use; ``options`` are more ``-c name=value``."""
    import socket
    import subprocess

    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise RuntimeError(
            "PostgreSQL's initdb and pg_ctl are not installed (Debian/Ubuntu: apt-get install "
            "postgresql)"
        )
    folder = Path(tempfile.mkdtemp(prefix="justice-desk-bench-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    started = running = False
    try:
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")
        done = subprocess.run(
            [*as_user, initdb, "-D", str(data), "-U", "justice", "-E", "UTF8", "--auth=trust"]
            + ["-N"],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        settings = [f"fsync={'on' if fsync else 'off'}", *options]
        server_options = f"-p {port} -k {folder} -c listen_addresses='127.0.0.1' " + " ".join(
            f"-c {o}" for o in settings
        )
        started = True  # from here on a server may be running, even if pg_ctl fails
        done = subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w"]
            + ["-t", "60", "-o", server_options, "start"],
            capture_output=True,
            text=True,
            env=env,
        )
        running = done.returncode == 0
        if done.returncode:
            log = folder / "server.log"
            raise RuntimeError(
                f"pg_ctl start failed: {done.stderr.strip()}\n"
                + (log.read_text(errors="replace")[-2000:] if log.exists() else "")
            )
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=justice dbname=postgres").close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield PostgresServer(folder, port)
    finally:
        # A second Ctrl-C must not leave the server running: ignore it while stopping.
        previous = _ignore_signals()
        try:
            # Interrupted while pg_ctl was starting it, the server may still be on its way up
            # (pg_ctl detaches it): try again for a few seconds until a stop finds it.
            deadline = time.monotonic() + (0 if running else 5)
            while started:
                stop = subprocess.run(
                    [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                    capture_output=True,
                    env=env,
                )
                if stop.returncode == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def _ignore_signals() -> dict[int, Any]:
    """Ignore Ctrl-C, SIGTERM and SIGHUP (main thread only); returns the handlers to restore."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    return {
        number: signal.signal(number, signal.SIG_IGN)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
