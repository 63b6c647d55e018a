"""Shared fixtures: every test runs with its own data folder and, where it needs one, its own
real SQLite database file (copied from a template built once per session)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests judge results, never speed: no per-example deadline and no "too slow" health
# check, so a busy CI machine cannot fail them. A test's own @settings keeps these defaults.
settings.register_profile(
    "justice-desk", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("justice-desk")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "data" / "thai-text-samples.txt"


def read_samples() -> dict[str, list[str]]:
    """Sections of ``tests/data/thai-text-samples.txt``: ``## name: purpose`` starts a section,
    then one item a line; lines starting with ``#`` are comments."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].split(":")[0].strip()
            sections[current] = []
        elif line and not line.startswith("#"):
            sections.setdefault(current, []).append(line)
    return sections


@pytest.fixture(scope="session")
def thai_samples() -> dict[str, list[str]]:
    return read_samples()


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("JUSTICE_DESK_HOME", str(home))
    monkeypatch.delenv("JUSTICE_DESK_DB", raising=False)
    # Nobody is signed in unless a test says so: databases without accounts act for everyone
    # (domain.access.OPEN), which is what most tests use.
    for name in ("JUSTICE_DESK_USER", "JUSTICE_DESK_PASSWORD", "JUSTICE_DESK_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody answers would hang the whole run (it did: a sync test's patched
    box no longer matched the page's): fail the test instead, in every folder whose tests use
    Qt. Tests that expect a dialog patch the function that opens it (which overrides this)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(
            f"an unexpected modal dialog was opened: {args[1:3] if len(args) > 2 else args}"
        )

    for name in ("getSaveFileName", "getOpenFileName", "getOpenFileNames", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Assertions on messages read English; tests of Thai switch language themselves."""
    from justice_desk import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def center_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from justice_desk.services import setup

    folder = tmp_path_factory.mktemp("template")
    path = folder / "center.sqlite3"
    db = setup.init_center(
        path,
        code="5001",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    from justice_desk import paths

    keys = folder / "keys"
    shutil.copytree(paths.keys_dir(), keys)  # the center's key pair, made at set-up
    db.dispose()  # the last connection to close checkpoints the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def center_db_path(center_template: Path, tmp_path: Path) -> Path:
    from justice_desk import paths

    path = tmp_path / "center.sqlite3"
    shutil.copy(center_template, path)
    shutil.copytree(center_template.parent / "keys", paths.keys_dir(), dirs_exist_ok=True)
    return path


@pytest.fixture
def center_db(center_db_path: Path) -> Iterator[object]:
    from justice_desk.storage.database import open_database

    db = open_database(center_db_path)
    yield db
    db.dispose()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("JUSTICE_DESK_LANG", "en")
    return subprocess.run(
        [sys.executable, "-m", "justice_desk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


@pytest.fixture
def cli():
    """Run ``python -m justice_desk`` in a subprocess with this test's data folder."""
    return run_cli
