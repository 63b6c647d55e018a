"""The checks the project declares, run as part of the test command so that they are gates.

- ``ruff check`` and ``ruff format --check`` on the package, the tests and the benchmarks, with
  the configuration in pyproject.toml;
- ``mypy`` with pyproject.toml's configuration: strict on domain, storage, services, sync and
  documents, ordinary on the rest;
- GNU ``msgfmt --check`` on every catalog (what translators' tools and Poedit use), and no
  obsolete (``#~``) entries left behind by an update.

The import-linter contracts are checked by tests/test_layers.py. docs/contributing.md says how
to run each of these by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["justice_desk", "tests", "benchmarks"]
CATALOGS = sorted((REPO / "translations").glob("*/LC_MESSAGES/*.po"))


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=600
    )


def _tool(module: str) -> list[str]:
    """A tool from the test environment (installed by the ``test`` extra), run by module."""
    return [sys.executable, "-m", module]


def test_ruff_finds_nothing() -> None:
    done = _run([*_tool("ruff"), "check", "--no-cache", *SOURCES])
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_is_formatted() -> None:
    done = _run([*_tool("ruff"), "format", "--check", "--no-cache", *SOURCES])
    assert done.returncode == 0, (
        "run `ruff format justice_desk tests benchmarks`:\n" + done.stdout + done.stderr
    )


@pytest.mark.slow
def test_mypy_finds_nothing() -> None:
    done = _run([*_tool("mypy"), "--no-error-summary", "--hide-error-context"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_catalogs() -> None:
    assert {p.parent.parent.name for p in CATALOGS} == {"th", "en"}


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_gnu_msgfmt_accepts_the_catalog(po: Path, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail(
            "msgfmt is missing: install GNU gettext (Debian/Ubuntu: apt-get install gettext); "
            ".ci/run installs it",
            pytrace=False,
        )
    done = _run([msgfmt, "--check", "-o", str(tmp_path / "out.mo"), str(po)])
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_keeps_no_obsolete_entries(po: Path) -> None:
    obsolete = [line for line in po.read_text("utf-8").splitlines() if line.startswith("#~")]
    assert obsolete == [], "run translations/update-catalogs.sh (it drops obsolete entries)"
