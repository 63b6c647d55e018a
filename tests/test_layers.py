"""The layer contract (docs/architecture.md §3) is a test, not a wish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_and_command_line_work_without_qt(tmp_path: Path) -> None:
    """Everything but ui/ and the app entry imports and runs with PySide6 unavailable."""
    code = f"""
import sys
sys.modules['PySide6'] = None
sys.modules['shiboken6'] = None
import pkgutil, importlib, justice_desk
for m in pkgutil.walk_packages(justice_desk.__path__, 'justice_desk.'):
    if m.name.startswith(
        ('justice_desk.ui', 'justice_desk.app', 'justice_desk.storage.migrations')
    ):
        continue
    importlib.import_module(m.name)
from justice_desk.cli.main import main
db = r'{tmp_path / "c.sqlite3"}'
sys.exit(
    main(['init', 'center', '--db', db, '--code', '1', '--name', 'ศูนย์', '--province', 'เชียงใหม่'])
)
"""
    env = {"JUSTICE_DESK_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.sqlite3").exists()


def test_heavy_libraries_stay_off_the_command_line_start_up_path() -> None:
    code = (
        "import sys; import justice_desk.cli.main; "
        "heavy = ('alembic', 'reportlab', 'PySide6', 'sqlalchemy'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
