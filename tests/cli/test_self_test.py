"""``justice-desk self-test``: the check a built or installed copy runs (installer/README.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from justice_desk.cli import main as cli_main
from justice_desk.services import self_test


def test_self_test_passes_every_check_and_leaves_the_data_folder_alone(
    cli, isolated_home: Path, tmp_path: Path
) -> None:
    user_db = tmp_path / "the-users-own.sqlite3"
    r = cli("self-test", env={"JUSTICE_DESK_DB": str(user_db)})
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert [line.split(": ")[0] for line in lines] == [name for name, _check in self_test.CHECKS]
    assert all(line.endswith(": ok") for line in lines), r.stdout
    assert r.stderr == ""
    # Databases, keys and the PDF were made in a temporary folder; the user's stay untouched.
    assert not user_db.exists()
    assert {p.name for p in isolated_home.iterdir()} <= {"logs", "cache"}


def test_a_failing_check_is_reported_the_others_still_run_and_the_exit_code_is_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    homes: list[str] = []

    def crashes(ws: object) -> None:
        raise RuntimeError("no luck")

    def finds_a_problem(ws: object) -> None:
        raise self_test.CheckFailed("the reason")

    def passes(ws: object) -> None:
        homes.append(os.environ["JUSTICE_DESK_HOME"])

    monkeypatch.setenv("JUSTICE_DESK_KEY_PASSPHRASE", "the user's passphrase")
    monkeypatch.setattr(
        self_test,
        "CHECKS",
        (("database", crashes), ("migrations", finds_a_problem), ("sync", passes)),
    )
    assert cli_main.cmd_self_test(argparse.Namespace()) == 2
    assert capsys.readouterr().out.splitlines() == [
        "database: FAILED: RuntimeError: no luck",
        "migrations: FAILED: the reason",
        "sync: ok",
    ]
    # The checks ran with a home of their own, removed afterwards; the variables are back.
    assert homes[0] != str(isolated_home) and not Path(homes[0]).exists()
    assert os.environ["JUSTICE_DESK_HOME"] == str(isolated_home)
    assert os.environ["JUSTICE_DESK_KEY_PASSPHRASE"] == "the user's passphrase"
