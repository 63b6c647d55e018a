"""The command line, run as a real subprocess (``python -m justice_desk``)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


def test_init_center_then_list_is_empty(cli, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    r = cli(
        "init",
        "center",
        "--db",
        str(db),
        "--code",
        "500107",
        "--name",
        "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        "--province",
        "เชียงใหม่",
        "--amphoe",
        "เมืองเชียงใหม่",
        "--tambon",
        "แม่เหียะ",
    )
    assert r.returncode == 0, r.stderr
    assert str(db) in r.stdout
    r = cli("list", "cases", "--db", str(db), "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    r = cli("init", "center", "--db", str(db), "--code", "1", "--name", "x", "--province", "y")
    assert r.returncode == 2 and one_line(r.stderr) and "already set up" in r.stderr


def test_init_province(cli, tmp_path: Path) -> None:
    r = cli("init", "province", "--db", str(tmp_path / "p.sqlite3"), "--province", "เชียงใหม่")
    assert r.returncode == 0, r.stderr
    r = cli("demo", "--db", str(tmp_path / "p.sqlite3"), "--cases", "1")
    assert r.returncode == 2 and one_line(r.stderr) and "center database" in r.stderr


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.sqlite3"
    env = dict(os.environ, JUSTICE_DESK_HOME=str(folder), JUSTICE_DESK_LANG="en")
    r = subprocess.run(
        [sys.executable, "-m", "justice_desk", "demo", "--db", str(db), "--seed", "7"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    return db


def test_demo_then_list_cases_as_json(cli, demo_db: Path) -> None:
    r = cli("list", "cases", "--db", str(demo_db), "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 300
    assert all(
        len(row["number"].split("/")[0]) == 3 and row["number"].split("/")[1].startswith("25")
        for row in rows
    )
    assert {"id", "number", "received_on", "kind", "status", "subject", "parties"} <= set(rows[0])
    assert len({row["kind"] for row in rows}) == 6


def test_search_with_a_thai_substring_of_a_name_finds_that_person(cli, demo_db: Path) -> None:
    people = json.loads(cli("list", "people", "--db", str(demo_db), "--json").stdout)
    assert len(people) >= 60
    name = people[len(people) // 2]["name"]
    surname = name.split(" ")[-1]
    # A substring that starts at a consonant, as a person types it (not at a vowel or tone mark).
    start = next((i for i, ch in enumerate(surname) if i > 0 and "\u0e01" <= ch <= "\u0e2e"), 0)
    part = surname[start : start + 4] if len(surname) - start >= 3 else surname
    r = cli("list", "people", "--db", str(demo_db), "--search", part, "--json")
    assert r.returncode == 0, r.stderr
    found = [p["name"] for p in json.loads(r.stdout)]
    assert name in found and all(part in n for n in found)
    cases = json.loads(
        cli("list", "cases", "--db", str(demo_db), "--search", surname, "--json").stdout
    )
    assert all(surname in c["parties"] or surname in c["subject"] for c in cases)


def test_meetings_and_members_and_activities_lists(cli, demo_db: Path) -> None:
    meetings = json.loads(cli("list", "meetings", "--db", str(demo_db), "--json").stdout)
    assert len(meetings) == 24 and all(
        "/" in m["number"] and not m["number"].startswith("0") for m in meetings
    )
    # Attendance counted as the quorum line counts it; the planned meeting has none yet.
    planned = [m for m in meetings if m["status"] == "draft"]
    assert [(m["present"], m["not_recorded"]) for m in planned] == [(0, planned[0]["members"])]
    assert all(m["not_recorded"] == 0 and m["present"] >= m["required"] for m in meetings[1:])
    table = cli("list", "meetings", "--db", str(demo_db)).stdout.splitlines()
    assert "Members present" in table[0] and table[2].endswith("not recorded")
    assert re.search(r"\b\d+ of \d+$", table[3])
    text = cli("list", "members", "--db", str(demo_db)).stdout
    assert "shown" in text
    assert json.loads(cli("list", "activities", "--db", str(demo_db), "--json").stdout)


def test_people_list_is_readable_text(cli, demo_db: Path) -> None:
    r = cli("list", "people", "--db", str(demo_db), "--limit", "5")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Name") and set(lines[1]) <= {"-", " "} and len(lines) == 8
    assert "x-xxxx-xxxxx-" in r.stdout  # IDs are masked


def test_demo_adds_to_an_existing_center(cli, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite3"
    assert (
        cli("demo", "--db", str(db), "--people", "10", "--cases", "5", "--meetings", "2").returncode
        == 0
    )
    assert (
        cli(
            "demo",
            "--db",
            str(db),
            "--seed",
            "2",
            "--people",
            "5",
            "--cases",
            "7",
            "--meetings",
            "1",
        ).returncode
        == 0
    )
    cases = json.loads(cli("list", "cases", "--db", str(db), "--json").stdout)
    assert len(cases) == 12 and len({c["number"] for c in cases}) == 12


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["list", "cases", "--db", "{missing}"], "no database"),
        (["list", "cases", "--db", "{text}"], "not a Justice Desk database"),
        (["list", "cases"], "--db"),
        (["list", "nonsense", "--db", "x"], "invalid choice"),
        (["demo", "--db", "{new}", "--cases", "-3"], "negative"),
        (
            ["init", "center", "--db", "{new}", "--code", "1", "--name", " ", "--province", "x"],
            "name is required",
        ),
        (["backup", "--db", "{missing}", "--to", "{dir}"], "no database"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli, tmp_path: Path, args: list[str], fragment: str
) -> None:
    (tmp_path / "text.txt").write_text("hello")
    subs = {
        "missing": str(tmp_path / "none.sqlite3"),
        "text": str(tmp_path / "text.txt"),
        "new": str(tmp_path / "new.sqlite3"),
        "dir": str(tmp_path / "b"),
    }
    r = cli(*[a.format(**subs) for a in args])
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert one_line(r.stderr), r.stderr
    assert fragment in r.stderr
    assert (tmp_path / "text.txt").read_text() == "hello"


def test_newer_database_refused_in_one_line(cli, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    cli("init", "center", "--db", str(db), "--code", "1", "--name", "ศูนย์", "--province", "เชียงใหม่")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num='0999'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    r = cli("list", "people", "--db", str(db))
    assert r.returncode == 2 and one_line(r.stderr) and "newer" in r.stderr and "0999" in r.stderr
    assert db.read_bytes() == before


def test_thai_messages_by_default(cli, tmp_path: Path) -> None:
    r = cli(
        "list", "cases", "--db", str(tmp_path / "none.sqlite3"), env={"JUSTICE_DESK_LANG": "th"}
    )
    assert r.returncode == 2 and one_line(r.stderr)
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in r.stderr)


def test_migrate_and_backup(cli, demo_db: Path, tmp_path: Path) -> None:
    r = cli("migrate", "--db", str(demo_db))
    assert r.returncode == 0 and "schema" in r.stdout
    r = cli("backup", "--db", str(demo_db), "--to", str(tmp_path / "backups"))
    assert r.returncode == 0, r.stderr
    copies = list((tmp_path / "backups").glob("*.sqlite3"))
    assert len(copies) == 1 and not list((tmp_path / "backups").glob("*.partial"))
    conn = sqlite3.connect(copies[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 300
    conn.close()


def test_backup_to_an_unwritable_place_says_so(cli, demo_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = cli("backup", "--db", str(demo_db), "--to", str(blocker / "sub"))
    assert r.returncode == 2 and one_line(r.stderr) and "folder" in r.stderr


def test_help_and_version(cli) -> None:
    r = cli("--help")
    assert r.returncode == 0 and "demo" in r.stdout and "list" in r.stdout
    assert cli("--version").stdout.startswith("justice-desk ")


def test_restore_a_backup_keeps_the_old_file_and_starts_a_new_epoch(cli, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    assert (
        cli("demo", "--db", str(db), "--people", "10", "--cases", "5", "--meetings", "1").returncode
        == 0
    )
    assert cli("backup", "--db", str(db), "--to", str(tmp_path / "b")).returncode == 0
    backup = next((tmp_path / "b").glob("*.sqlite3"))
    assert (
        cli(
            "demo",
            "--db",
            str(db),
            "--seed",
            "2",
            "--people",
            "3",
            "--cases",
            "4",
            "--meetings",
            "0",
        ).returncode
        == 0
    )
    epochs = []
    for _ in range(2):
        r = cli("restore", "--db", str(db), "--from", str(backup))
        assert r.returncode == 0, r.stderr
        conn = sqlite3.connect(db)
        epochs.append(conn.execute("SELECT value FROM settings WHERE key='epoch'").fetchone()[0])
        assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 5
        conn.close()
    assert epochs[0] != epochs[1]  # restoring the same backup twice never reuses an epoch
    kept = list(tmp_path.glob("c.sqlite3.before-restore-*.bak"))
    assert kept
    assert cli("list", "cases", "--db", str(db)).returncode == 0
    r = cli("restore", "--db", str(db), "--from", str(tmp_path / "nothing.sqlite3"))
    assert r.returncode == 2 and one_line(r.stderr)
