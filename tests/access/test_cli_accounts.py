"""Accounts and the audit trail on the command line (a real subprocess)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


def test_init_with_a_login_then_scripts_sign_in_with_the_environment(cli, tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    boss = {"JUSTICE_DESK_PASSWORD": "secret-1234"}
    r = cli(
        "init",
        "center",
        "--db",
        db,
        "--code",
        "1",
        "--name",
        "x",
        "--province",
        "y",
        "--login",
        "boss",
        "--full-name",
        "สมชาย ใจดี",
        env=boss,
    )
    assert r.returncode == 0, r.stderr
    assert "boss" in r.stdout and "Coordinator" in r.stdout

    r = cli("list", "people", "--db", db)
    assert r.returncode == 2 and one_line(r.stderr) and "--user" in r.stderr
    r = cli("list", "people", "--db", db, "--user", "boss", env={"JUSTICE_DESK_PASSWORD": "x"})
    assert r.returncode == 2 and one_line(r.stderr) and "wrong" in r.stderr
    r = cli("list", "people", "--db", db, "--json", env={**boss, "JUSTICE_DESK_USER": "boss"})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []

    r = cli(
        "user",
        "add",
        "--db",
        db,
        "--user",
        "boss",
        "view",
        "--role",
        "viewer",
        env={**boss, "JUSTICE_DESK_NEW_PASSWORD": "viewer-123"},
    )
    assert r.returncode == 0, r.stderr
    r = cli("user", "list", "--db", db, "--user", "boss", "--json", env=boss)
    assert [(a["login"], a["role"], a["enabled"]) for a in json.loads(r.stdout)] == [
        ("boss", "coordinator", True),
        ("view", "viewer", True),
    ]
    # a viewer may not manage accounts: one line, exit 2
    r = cli(
        "user", "list", "--db", db, "--user", "view", env={"JUSTICE_DESK_PASSWORD": "viewer-123"}
    )
    assert r.returncode == 2 and one_line(r.stderr) and "may not manage accounts" in r.stderr
    r = cli("user", "disable", "--db", db, "--user", "boss", "view", env=boss)
    assert r.returncode == 0 and "disabled" in r.stdout
    r = cli(
        "user", "list", "--db", db, "--user", "view", env={"JUSTICE_DESK_PASSWORD": "viewer-123"}
    )
    # the database is encrypted (init --login): a disabled account's key slot is gone, so its
    # password no longer opens the file at all
    assert r.returncode == 2 and one_line(r.stderr) and "wrong" in r.stderr

    # the trail: signing in, the failed attempts and the account changes are in it, chained
    r = cli("audit", "verify", "--db", db, "--user", "boss", env=boss)
    assert r.returncode == 0, r.stderr
    assert "whole" in r.stdout
    r = cli("audit", "list", "--db", db, "--user", "boss", "--by", "view", "--json", env=boss)
    assert r.returncode == 0, r.stderr
    actions = [e["action"] for e in json.loads(r.stdout)]
    # the database is encrypted: the wrong passwords above were refused by the key slots before
    # it opened, so a command line process could not write them (the window writes them once
    # the database opens; the plain database of the test below shows them)
    assert "login" in actions and "login-failed" not in actions
    r = cli("--user", "boss", "audit", "list", "--db", db, "--json", env=boss)
    actions = [e["action"] for e in json.loads(r.stdout)]
    assert "account-add" in actions and "account-disable" in actions
    r = cli("--user", "boss", "audit", "list", "--db", db, env=boss)
    assert r.returncode == 0 and "account" in r.stdout


def test_init_without_a_login_in_a_script_makes_no_account_and_says_so(cli, tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    r = cli("init", "center", "--db", db, "--code", "1", "--name", "x", "--province", "y")
    assert r.returncode == 0 and "No account was created" in r.stdout
    assert cli("list", "cases", "--db", db).returncode == 0
    # the first account needs nobody signed in, and must be the coordinator
    r = cli(
        "user",
        "add",
        "--db",
        db,
        "sec",
        "--role",
        "secretary",
        env={"JUSTICE_DESK_NEW_PASSWORD": "password-1"},
    )
    assert r.returncode == 2 and "first account" in r.stderr
    r = cli("user", "add", "--db", db, "boss", env={"JUSTICE_DESK_NEW_PASSWORD": "password-1"})
    assert r.returncode == 0 and "Coordinator" in r.stdout
    assert cli("list", "cases", "--db", db).returncode == 2


def test_audit_verify_names_the_entry_whose_byte_was_changed(cli, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    boss = {"JUSTICE_DESK_PASSWORD": "secret-1234", "JUSTICE_DESK_USER": "boss"}
    cli(
        "init",
        "center",
        "--db",
        str(db),
        "--code",
        "1",
        "--name",
        "x",
        "--province",
        "y",
        "--login",
        "boss",
        "--plain",  # read below with the sqlite3 module, as someone editing the file would
        env=boss,
    )
    for given in ("สมชาย", "สมหญิง", "มานี"):
        r = cli("add", "person", "--db", str(db), "--given-name", given, env=boss)
        assert r.returncode == 0, r.stderr
    assert cli("audit", "verify", "--db", str(db), env=boss).returncode == 0

    # Change one byte of entry 4's detail behind the app's back (the triggers refuse an UPDATE,
    # so they are dropped first, as someone editing the file would).
    con = sqlite3.connect(db)
    with con:
        detail = con.execute("SELECT detail FROM audit_events WHERE event_no = 4").fetchone()[0]
        con.execute("DROP TRIGGER audit_events_no_update")
        changed = ("X" + detail[1:]) if detail else "X"
        con.execute("UPDATE audit_events SET detail = ? WHERE event_no = 4", (changed,))
    con.close()
    r = cli("audit", "verify", "--db", str(db), env=boss)
    assert r.returncode == 2 and one_line(r.stderr)
    assert "entry 4" in r.stderr and "changed" in r.stderr
