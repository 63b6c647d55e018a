"""What an encrypted database says when something around it is wrong: copied without its
``.keys`` file, the message names that file instead of calling it "not a SQLite file"; on a
read-only or a full disk it says so, as a plain database does."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from justice_desk.cli.main import main

PASSWORD = "correct horse 2569"


def test_an_encrypted_database_copied_without_its_keys_names_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    db = tmp_path / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    copy = elsewhere / "center.sqlite3"
    shutil.copy(db, copy)
    before = copy.read_bytes()

    assert main(["user", "list", "--db", str(copy), "--user", "boss"]) == 2
    err = capsys.readouterr().err
    assert "not a SQLite file" not in err and "not a Justice Desk database" not in err
    assert str(elsewhere / "center.sqlite3.keys") in err and "missing" in err
    assert len(err.strip().splitlines()) == 1
    assert copy.read_bytes() == before

    shutil.copy(db.with_name("center.sqlite3.keys"), elsewhere)
    assert main(["user", "list", "--db", str(copy), "--user", "boss"]) == 0


@contextlib.contextmanager
def _small_disk(tmp_path: Path, megabytes: int = 3) -> Iterator[Path]:
    """A real file system of its own (tmpfs), so that it can be made read-only or filled."""
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                   check=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _encrypted_in(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = folder / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    return db


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a file system needs root")
def test_an_encrypted_database_on_a_read_only_or_full_disk_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", PASSWORD)
    with _small_disk(tmp_path) as disk:
        db = _encrypted_in(disk, capsys)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert main(["user", "list", "--db", str(db), "--user", "boss"]) == 2
        err = capsys.readouterr().err
        assert "read-only" in err and "unable to open" not in err, err
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)

        with (disk / "filler").open("wb") as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
        argv = ["add", "person", "--db", str(db), "--user", "boss", "--given-name", "สมชาย"]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "is full" in err and "disk I/O error" not in err, err
