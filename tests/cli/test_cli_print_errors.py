"""Command-line errors a clerk can act on (issue 12 §13): an unwritable folder, a pipe closed
early, a meeting number in the wrong form, a month that has not begun."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from justice_desk.cli import print_command
from justice_desk.errors import UserError


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may create files in: a read-only mode, or for root (whom modes do not
    stop) the sysfs file system, which refuses every new file."""
    if os.geteuid() == 0:
        folder = Path("/sys")
        assert folder.is_dir(), "the tests run on Linux, where /sys refuses new files"
        return folder
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")
def test_an_unwritable_folder_is_a_user_error_not_an_unexpected_one(tmp_path: Path) -> None:
    target = _unwritable_folder(tmp_path) / "minutes.pdf"
    with pytest.raises(UserError) as err:
        print_command.write_atomically(target, b"%PDF-1.4")
    assert err.value.exit_code == 2
    assert str(target) in str(err.value) and "Choose a folder" in str(err.value)
    assert not target.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")
def test_print_into_an_unwritable_folder_exits_2_with_one_line(cli, tmp_path: Path) -> None:
    from justice_desk.services import setup

    db = tmp_path / "c.sqlite3"
    setup.init_center(db, code="5001", name="ศูนย์ทดสอบ", province="เชียงใหม่").dispose()
    out = _unwritable_folder(tmp_path) / "report.pdf"
    r = cli("print", "monthly", "--db", str(db), "--month", "2026-01", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Cannot write" in r.stderr
    assert "unexpected" not in r.stderr


def test_a_list_piped_into_head_ends_quietly(cli, tmp_path: Path) -> None:
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    db_path = tmp_path / "demo.sqlite3"
    db = setup.init_center(db_path, code="5001", name="ศูนย์ทดสอบ", province="เชียงใหม่")
    generate_demo(db, people=10, cases=800, meetings=0)
    db.dispose()
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    proc = subprocess.Popen(
        [sys.executable, "-m", "justice_desk", "list", "cases", "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # `| head -1`: read one line, then go away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert first.strip() and err == ""


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="justice-desk")
    sub = parser.add_subparsers(dest="command")
    print_command.add_parser(sub)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(
    ("option", "value", "example"),
    [("--meeting", "abc", "4/2569"), ("--case", "five", "005/2569"), ("--meeting", "4-2569", "")],
)
def test_a_number_in_the_wrong_form_says_which_form(
    center_db_path: Path, tmp_path: Path, option: str, value: str, example: str
) -> None:
    document = "minutes" if option == "--meeting" else "intake"
    args = _parse(
        "print", document, option, value, "--db", str(center_db_path), "-o", str(tmp_path / "x.pdf")
    )
    with pytest.raises(UserError) as err:
        print_command.run(args)
    message = str(err.value)
    assert value in message and (example or "/") in message and "Buddhist Era" in message
    assert not (tmp_path / "x.pdf").exists()


def test_a_month_far_ahead_warns_that_the_report_is_empty(cli, tmp_path: Path) -> None:
    from justice_desk.services import setup

    db = tmp_path / "c.sqlite3"
    setup.init_center(db, code="5001", name="ศูนย์ทดสอบ", province="เชียงใหม่").dispose()
    out = tmp_path / "future.pdf"
    r = cli("print", "monthly", "--db", str(db), "--month", "2650-01", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "2650-01" in r.stderr and "nothing" in r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    r = cli("print", "monthly", "--db", str(db), "--month", "2026-01", "-o", str(out))
    assert r.returncode == 0 and "warning" not in r.stderr


def test_ragged_prints_body_text_flush_left(center_db_path: Path, tmp_path: Path) -> None:
    """Justification (the default) can be switched off for one print (issue 12 §5)."""
    from justice_desk.documents.thai_text import justify

    outputs = {}
    for name, extra in (("justified", []), ("ragged", ["--ragged"])):
        out = tmp_path / f"{name}.pdf"
        args = _parse(
            "print",
            "monthly",
            "--db",
            str(center_db_path),
            "--month",
            "2026-01",
            "-o",
            str(out),
            *extra,
        )
        assert print_command.run(args) == 0
        outputs[name] = justify()
    assert outputs == {"justified": True, "ragged": False}
    print_command.run(
        _parse(
            "print",
            "monthly",
            "--db",
            str(center_db_path),
            "--month",
            "2026-01",
            "-o",
            str(tmp_path / "again.pdf"),
        )
    )
    assert justify()
