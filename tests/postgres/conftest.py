"""A real PostgreSQL 15 server, started by the tests in a temporary folder (as the ``postgres``
user when the tests run as root, since PostgreSQL refuses to run as root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    pytest.fail(
        f"PostgreSQL's {name} is not installed, so the province's PostgreSQL support cannot be "
        "tested: install the server binaries (Debian/Ubuntu: apt-get install postgresql; "
        ".ci/run installs them when they are missing)",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    import tempfile

    # Not under pytest's tmp folders: those are private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="justice-desk-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    initdb = subprocess.run(
        [
            *as_user,
            _bin("initdb"),
            "-D",
            str(data),
            "-U",
            "justice",
            "-E",
            "UTF8",
            "--auth=trust",
            "-N",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert initdb.returncode == 0, initdb.stderr
    port = _free_port()
    log = folder / "server.log"
    subprocess.run(
        [
            *as_user,
            _bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses='127.0.0.1' -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        url = f"postgresql+psycopg://justice@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        import psycopg

        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=justice dbname=postgres").close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run(
            [*as_user, _bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fresh_pg_database(postgres_url: str) -> Iterator[str]:
    """An empty database on the test server, dropped afterwards."""
    import uuid

    import psycopg

    name = "jd_" + uuid.uuid4().hex[:12]
    base = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
