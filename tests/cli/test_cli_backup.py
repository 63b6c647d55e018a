"""``justice-desk backup --auto`` (the app's automatic backup, with the rotation) and restores
refused before anything is replaced, in subprocesses (docs/architecture.md §10)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from justice_desk import paths
from justice_desk.domain.backup_names import file_name, parse


def test_backup_auto_writes_into_the_data_folder_and_rotates(cli, center_db_path: Path) -> None:
    folder = paths.backups_dir()
    folder.mkdir(parents=True)
    now = dt.datetime.now()
    old = [folder / file_name("justice-desk-5001", now - dt.timedelta(days=d)) for d in (40, 41)]
    for path in old:
        path.write_bytes(b"old")
    r = cli(
        "backup",
        "--db",
        str(center_db_path),
        "--auto",
        "--keep-days",
        "2",
        "--keep-weeks",
        "0",
        "--keep-months",
        "1",
    )
    assert r.returncode == 0, r.stderr
    written = [p for p in folder.iterdir() if p not in old]
    assert len(written) == 1 and str(written[0]) in r.stdout
    parsed = parse(written[0].name)
    assert parsed is not None and written[0].name.split("-")[3][:4] == str(now.year + 543)
    assert not any(p.exists() for p in old)  # older than the kept month: removed
    assert r.stdout.count("Removed by the rotation") == 2
    conn = sqlite3.connect(written[0])
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_backup_needs_a_folder_or_auto(cli, center_db_path: Path, tmp_path: Path) -> None:
    r = cli("backup", "--db", str(center_db_path))
    assert r.returncode == 2 and "--to" in r.stderr and "--auto" in r.stderr
    r = cli("backup", "--db", str(center_db_path), "--to", str(tmp_path), "--auto")
    assert r.returncode == 2 and "not allowed" in r.stderr


def test_restore_refuses_a_backup_from_a_newer_version_and_changes_nothing(
    cli, center_db_path: Path, tmp_path: Path
) -> None:
    r = cli("backup", "--db", str(center_db_path), "--to", str(tmp_path / "usb"))
    assert r.returncode == 0, r.stderr
    backup = next((tmp_path / "usb").glob("*.sqlite3"))
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = center_db_path.read_bytes()
    r = cli("restore", "--db", str(center_db_path), "--from", str(backup))
    assert r.returncode == 2 and "newer version" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert center_db_path.read_bytes() == before
    assert not list(center_db_path.parent.glob("*.before-restore-*"))
