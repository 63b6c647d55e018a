"""The recovery key on the command line (``user recover``), and ``restore`` when the password
changed since the backup: separate credentials for the backup, and the refusal names the file
that refused; restoring into a new place does not claim a previous file was kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.services import backups, encryption

OLD = "correct horse 2569"
NEW = "battery staple 2570"


@pytest.fixture
def center(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", OLD)
    for name in ("USER", "RECOVERY_KEY", "BACKUP_PASSWORD", "NEW_PASSWORD"):
        monkeypatch.delenv(f"JUSTICE_DESK_{name}", raising=False)
    monkeypatch.setattr("justice_desk.cli.signin.interactive", lambda: False)
    db = tmp_path / "center.sqlite3"
    code = main(
        [
            "init", "center", "--db", str(db), "--code", "500107", "--name", "ศูนย์",
            "--province", "เชียงใหม่", "--login", "boss", "--full-name", "สมชาย ใจดี",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    recovery = next(line.strip() for line in out.splitlines() if line.startswith("    "))
    return db, recovery


def test_user_recover_sets_a_coordinators_password_with_the_recovery_key(
    center: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, recovery = center
    assert main(["user", "recover", "--db", str(db)]) == 2
    assert "JUSTICE_DESK_RECOVERY_KEY" in capsys.readouterr().err
    monkeypatch.setenv("JUSTICE_DESK_RECOVERY_KEY", recovery)
    monkeypatch.setenv("JUSTICE_DESK_NEW_PASSWORD", NEW)
    assert main(["user", "recover", "--db", str(db)]) == 0
    assert "boss" in capsys.readouterr().out
    opened = encryption.sign_in_encrypted(db, "boss", NEW)
    opened.dispose()
    with pytest.raises(Exception, match="wrong"):
        encryption.sign_in_encrypted(db, "boss", OLD)


def test_restore_takes_the_backups_own_password_and_names_the_file_that_refused(
    center: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, recovery = center
    opened = encryption.sign_in_encrypted(db, "boss", OLD)
    try:
        copy = backups.backup_to(opened, tmp_path / "usb")
    finally:
        opened.dispose()
    monkeypatch.setenv("JUSTICE_DESK_NEW_PASSWORD", NEW)
    assert main(["user", "password", "--db", str(db), "--user", "boss"]) == 0
    capsys.readouterr()

    # signed in to the current database with the new password: the backup wants the old one
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", NEW)
    argv = ["restore", "--db", str(db), "--from", str(copy), "--user", "boss"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"The backup {copy} refused" in err and "JUSTICE_DESK_BACKUP_PASSWORD" in err
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", "not even close")
    assert main(argv) == 2
    assert f"The current database {db} refused" in capsys.readouterr().err
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", NEW)
    monkeypatch.setenv("JUSTICE_DESK_BACKUP_PASSWORD", OLD)
    assert main(argv) == 0
    assert "kept as" in capsys.readouterr().out
    encryption.sign_in_encrypted(db, "boss", OLD).dispose()  # the backup's passwords

    # into a new place with the recovery key: no "previous file" to speak of
    monkeypatch.delenv("JUSTICE_DESK_BACKUP_PASSWORD")
    monkeypatch.setenv("JUSTICE_DESK_RECOVERY_KEY", recovery)
    elsewhere = tmp_path / "new" / "center.sqlite3"
    elsewhere.parent.mkdir()
    assert main(["restore", "--db", str(elsewhere), "--from", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept as" not in out
