"""An import that cannot write stops with one message naming the cause, and still reports every
file; entries of a stick that are not files get a line of their own (docs/sync.md §6)."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sync_helpers as h

from justice_desk.cli import main as cli_main
from justice_desk.errors import DatabaseReadOnlyError, DiskFullError
from justice_desk.services import sync
from justice_desk.storage import database
from justice_desk.storage.locate import Target


@pytest.fixture
def world(tmp_path: Path) -> Iterator[h.World]:
    w = h.build_world(tmp_path / "w", demo=dict(seed=41, people=10, cases=5, meetings=1))
    yield w
    w.close()


def _stick(world: h.World) -> Path:
    """Junk, a real bundle of the center's demo records, more junk: in that order."""
    bundle = world.export(world.root / "made")
    stick = world.root / "stick"
    stick.mkdir()
    (stick / "a-notes.txt").write_text("ไม่ใช่ไฟล์ซิงก์", encoding="utf-8")
    (stick / "b-bundle.jdbundle").write_bytes(bundle.path.read_bytes())
    (stick / "c-notes.txt").write_text("อีกไฟล์", encoding="utf-8")
    return stick


def _disk_that_fills(monkeypatch: pytest.MonkeyPatch, path: Path, spare_pages: int) -> None:
    """Every connection the app opens to ``path`` may grow it by ``spare_pages`` pages only:
    SQLite then fails as on a full disk (SQLITE_FULL, “database or disk is full”)."""
    with sqlite3.connect(path) as conn:
        limit = conn.execute("PRAGMA page_count").fetchone()[0] + spare_pages
    real = database._sqlite_pragmas

    def pragmas(dbapi_conn: Any, record: Any) -> None:
        real(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")

    monkeypatch.setattr(database, "_sqlite_pragmas", pragmas)


def test_a_full_disk_stops_the_import_and_reports_every_file(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Room for a log line, not for a bundle: the junk before it is reported, the bundle and
    the file after it are listed as not imported, and the run stops with the disk named."""
    stick = _stick(world)
    world.province.dispose()
    _disk_that_fills(monkeypatch, world.province_path, spare_pages=2)
    world.province = h.open_database(world.province_path)
    with pytest.raises(sync.ImportStopped) as stopped:
        world.import_(stick)
    assert isinstance(stopped.value.cause, DiskFullError)
    assert stopped.value.exit_code == 2
    assert [(Path(o.file).name, o.status, o.reason) for o in stopped.value.outcomes] == [
        ("a-notes.txt", "rejected", "not_a_bundle"),
        ("b-bundle.jdbundle", "skipped", "not_imported"),
        ("c-notes.txt", "skipped", "not_imported"),
    ]
    assert "full" in str(stopped.value)
    monkeypatch.undo()
    world.province.dispose()
    world.province = h.open_database(world.province_path)
    assert h.snapshot(world.province, world.center.site_id)["cases"] == {}


def test_sync_import_on_a_full_disk_prints_what_it_did_and_exits_2(
    world: h.World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = _stick(world)
    world.close()
    _disk_that_fills(monkeypatch, world.province_path, spare_pages=2)
    code = cli_main.main(
        ["--lang", "en", "sync", "import", "--db", str(world.province_path), str(stick)]
    )
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["rejected", "a-notes.txt"],
        ["skipped", "b-bundle.jdbundle"],
        ["skipped", "c-notes.txt"],
    ]
    assert len(err.strip().splitlines()) == 1 and "full" in err and "unexpected" not in err
    world.center = h.open_database(world.center_path)
    world.province = h.open_database(world.province_path)


def test_when_nothing_can_be_written_it_is_said_once(
    world: h.World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = _stick(world)
    (stick / "a-notes.txt").unlink()  # the bundle comes first: not even its log line fits
    world.close()
    _disk_that_fills(monkeypatch, world.province_path, spare_pages=0)
    code = cli_main.main(
        ["--lang", "en", "sync", "import", "--db", str(world.province_path), str(stick), "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (out, err)
    assert len(err.strip().splitlines()) == 1 and "full" in err
    world.center = h.open_database(world.center_path)
    world.province = h.open_database(world.province_path)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database or disk is full"), DiskFullError),
        (sqlite3.OperationalError("attempt to write a readonly database"), DatabaseReadOnlyError),
        (sqlite3.OperationalError("unable to open database file"), DatabaseReadOnlyError),
        (OSError(errno.ENOSPC, "No space left on device"), DiskFullError),
        (OSError(errno.EROFS, "Read-only file system"), DatabaseReadOnlyError),
        (OSError(errno.EACCES, "Permission denied"), DatabaseReadOnlyError),
        (sqlite3.OperationalError("no such table: cases"), None),
    ],
)
def test_conditions_a_person_can_fix_are_named(
    tmp_path: Path, error: BaseException, kind: type[Exception] | None
) -> None:
    target = Target(url=f"sqlite:///{tmp_path / 'x.sqlite3'}", path=tmp_path / "x.sqlite3")
    found = database.unwritable_error(error, target)
    if kind is None:
        assert found is None
    else:
        assert isinstance(found, kind) and "\n" not in str(found)


# --- entries of a stick that are not files ---------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symbolic links as on POSIX")
def test_a_link_to_a_folder_is_skipped_and_an_unlistable_folder_is_named(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links to folders are not followed (a loop, or a whole disk): one ``skipped`` line. A
    folder that cannot be listed (permissions, a damaged stick) is one ``rejected`` line."""
    good = world.export()
    stick = world.root / "stick"
    (stick / "locked").mkdir(parents=True)
    (stick / "locked" / "inside.jdbundle").write_bytes(b"never read")
    (world.root / "elsewhere").mkdir()
    (world.root / "elsewhere" / "x.jdbundle").write_bytes(b"not reached")
    os.symlink(world.root / "elsewhere", stick / "b-link")
    (stick / "a-good.jdbundle").write_bytes(good.path.read_bytes())
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    # A file that is swapped for a folder once the stick was listed is a folder, not a folder
    # that could not be listed (found by an outside review, session 11).
    (stick / "c-swapped.jdbundle").write_bytes(b"listed as a file")
    from justice_desk.services.sync import importer

    real_expand = importer._expand

    def expand(paths: Any) -> list[Path]:
        found = real_expand(paths)
        (stick / "c-swapped.jdbundle").unlink()
        (stick / "c-swapped.jdbundle").mkdir()
        return found

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(importer, "_expand", expand)
    # the link given itself is not followed either
    outcomes = world.import_(stick, stick / "b-link")
    monkeypatch.setattr(os, "scandir", real_scandir)
    monkeypatch.setattr(importer, "_expand", real_expand)
    assert [(Path(o.file).name, o.status, o.reason) for o in outcomes] == [
        ("a-good.jdbundle", "applied", None),
        ("b-link", "skipped", "not_a_file"),
        ("c-swapped.jdbundle", "skipped", "not_a_file"),
        ("locked", "rejected", "unreadable"),
        ("b-link", "skipped", "not_a_file"),
    ]


def test_a_bundle_the_database_cannot_store_is_refused_by_name_and_the_run_goes_on(
    world: h.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever storing one bundle raises (here the driver's OverflowError, as for an integer
    SQLite cannot hold) rolls back that bundle only: it is refused as ``store_failed`` with
    the error in the log, and the next file (the same bundle again) is applied."""
    bundle = world.export()
    stick = world.root / "stick"
    stick.mkdir()
    (stick / "a.jdbundle").write_bytes(bundle.path.read_bytes())
    (stick / "b.jdbundle").write_bytes(bundle.path.read_bytes())
    from justice_desk.services.sync import importer

    real, real_decide = importer._apply_records, importer._decide_and_apply
    storing: list[str] = []

    def decide(session: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        storing.append(path.name)
        return real_decide(session, path, *args, **kwargs)

    def fails_for_a(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)  # rows written in the transaction, then the failure
        if storing[-1] == "a.jdbundle":  # every time: alone too, after its group failed
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return result

    monkeypatch.setattr(importer, "_decide_and_apply", decide)
    monkeypatch.setattr(importer, "_apply_records", fails_for_a)
    outcomes = world.import_(stick)
    assert [(o.status, o.reason) for o in outcomes] == [
        ("rejected", "store_failed"),
        ("applied", None),
    ], outcomes
    assert outcomes[0].message and "Overflow" not in outcomes[0].message
    log = {e.file_name: e for e in sync.import_log(world.province)}
    assert "OverflowError" in (log[str(stick / "a.jdbundle")].detail or "")
    h.assert_province_holds_center(world)
