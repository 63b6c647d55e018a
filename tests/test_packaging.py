"""A plain install works: the wheel carries everything the program reads at run time.

The test suite itself runs from an editable install, where a file forgotten outside the package
(demo data, catalogs, migrations) is still found next to the checkout. This test builds a wheel
the way ``pip install .``, ``pipx`` and packagers do, installs it into a fresh virtual
environment outside the checkout, and runs the commands a new user runs first, from a folder
that is not the checkout, so nothing can be found through it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
    )
    assert done.returncode == 0, (
        f"{' '.join(str(a) for a in args)} exited {done.returncode}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, REPO], out, env)
    (built,) = out.glob("justice_desk-*.whl")
    return built


def test_the_wheel_carries_the_run_time_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "justice_desk/data/mediation-rules.json",
        "justice_desk/data/demo/names.json",
        "justice_desk/data/demo/places.json",
        "justice_desk/data/demo/cases.json",
        "justice_desk/data/demo/meetings.json",
        "justice_desk/data/demo/activities.json",
        "justice_desk/data/demo/network.json",
        "justice_desk/locale/th/LC_MESSAGES/justice_desk.mo",
        "justice_desk/locale/en/LC_MESSAGES/justice_desk.mo",
        "justice_desk/storage/migrations/env.py",
        "justice_desk/storage/migrations/script.py.mako",
        "justice_desk/storage/migrations/versions/0001_initial_schema.py",
        # the demo generator is a package of builders (architecture.md §2)
        *(
            f"justice_desk/services/demo/{module}.py"
            for module in ("__init__", "context", "generate", "people", "cases", "meetings")
        ),
    }
    # The user guide (F1): every chapter in both languages and every picture it shows.
    guide = REPO / "justice_desk" / "data" / "guide"
    expected |= {
        p.relative_to(REPO).as_posix() for p in guide.rglob("*") if p.suffix in {".md", ".png"}
    }
    assert len([n for n in expected if n.endswith(".md")]) == 12
    assert expected <= names, sorted(expected - names)
    # setup.py builds from a fresh copy: a module a past build left in build/ is not packed
    assert "justice_desk/services/demo.py" not in names
    assert not [n for n in names if n.startswith(("tests/", "resources/", "translations/"))]


def test_plain_install_runs_demo_print_and_self_test(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    app = bindir / ("justice-desk.exe" if os.name == "nt" else "justice-desk")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "JUSTICE_DESK_DB", "JUSTICE_DESK_LANG"}
    }
    env |= {
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "JUSTICE_DESK_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    _run([python, "-m", "pip", "install", "-q", wheel], work, env)

    where = _run([python, "-c", "import justice_desk; print(justice_desk.__file__)"], work, env)
    assert Path(where.strip()).is_relative_to(env_dir), where  # not the checkout's copy

    db = work / "demo.sqlite3"
    _run([app, "demo", "--db", db, "--people", "30", "--cases", "12", "--meetings", "3"], work, env)
    meetings = json.loads(_run([app, "list", "meetings", "--db", db, "--json"], work, env))
    assert meetings, "the demo made no meeting"
    number = min(meetings, key=lambda m: m["held_on"])["number"]  # a meeting already held
    pdf = work / "minutes.pdf"
    _run([app, "print", "minutes", "--db", db, "--meeting", number, "-o", pdf], work, env)
    assert pdf.read_bytes().startswith(b"%PDF-")

    report = _run([app, "self-test"], work, env)
    # Every check passed, the Thai catalog among them (an install without its .mo files would
    # print these lines in English, or fail the "Thai messages" check).
    assert "ข้อความภาษาไทย: ผ่าน" in report, report
    assert "ไม่ผ่าน" not in report, report
