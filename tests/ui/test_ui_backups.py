"""Backups through the real window (issue 11 §18): on closing, daily, the USB reminder, restore
from the File menu, and what a person is told when a backup cannot be written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from justice_desk.domain.backup_names import parse
from justice_desk.services import backups, people


def install(window, **kwargs):
    from justice_desk.ui.backup_ui import AutoBackup

    return AutoBackup(window, **kwargs)


def person_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT given_name FROM people"))
    finally:
        conn.close()


@pytest.fixture
def told(monkeypatch):
    """Messages the window shows (error and information boxes), in order."""
    from justice_desk.ui import backup_ui, main_window

    shown: list[tuple[str, str]] = []
    for module in (backup_ui, main_window):
        monkeypatch.setattr(
            module, "show_error", lambda parent, text, title=None: shown.append(("error", text))
        )
        monkeypatch.setattr(
            module, "show_info", lambda parent, text, title=None: shown.append(("info", text))
        )
    return shown


def test_closing_the_window_backs_up_first_without_blocking(
    main_window, ui_ctx, ui_settings, tmp_path: Path, qtbot, told
) -> None:
    folder = tmp_path / "auto"
    ui_settings.setValue("backup/folder", str(folder))
    people.create_person(ui_ctx.db, people.PersonInput(given_name="สมชาย", no_id_reason="t"))
    keeper = install(main_window)
    assert not main_window.close()  # held back: the backup runs in the job runner
    assert keeper.closing_state == "running" and main_window.isVisible()
    assert not main_window.centralWidget().isEnabled()
    assert main_window.job_label.text() == "Backing up before closing"
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=20000)
    assert keeper.closing_state == "done" and told == []
    written = backups.list_backups(folder)
    assert len(written) == 1 and written[0].path == keeper.last_result.path
    name = parse(written[0].path.name)
    assert name is not None and name.label == "justice-desk-5001"
    assert written[0].path.name.split("-")[3].startswith(str(dt.date.today().year + 543))
    assert person_names(written[0].path) == ["สมชาย"]


def test_a_backup_that_cannot_be_written_says_so_and_the_window_still_closes(
    main_window, ui_ctx, ui_settings, tmp_path: Path, qtbot, told, center_db_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    ui_settings.setValue("backup/folder", str(blocker / "backups"))
    people.create_person(ui_ctx.db, people.PersonInput(given_name="มานี", no_id_reason="t"))
    install(main_window)
    main_window.close()
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=20000)
    assert len(told) == 1 and told[0][0] == "error"
    assert "Nothing in the database was lost" in told[0][1]
    assert "Cannot create the folder" in told[0][1] and "Settings" in told[0][1]
    assert [r.name for r in people.list_people(ui_ctx.db).rows] == ["มานี"]


def test_the_demo_and_a_switched_off_setting_get_no_automatic_backup(
    main_window, ui_ctx, ui_settings, tmp_path: Path, qtbot
) -> None:
    folder = tmp_path / "auto"
    ui_settings.setValue("backup/folder", str(folder))
    ui_settings.setValue("backup/automatic", False)
    keeper = install(main_window)
    assert not keeper.applies
    assert main_window.close()  # closes at once
    assert not folder.exists()


def test_a_backup_is_made_daily_while_the_window_is_open(
    main_window, ui_ctx, ui_settings, tmp_path: Path, qtbot
) -> None:
    folder = tmp_path / "auto"
    ui_settings.setValue("backup/folder", str(folder))
    keeper = install(main_window, check_every_ms=50, first_check_ms=10)
    qtbot.waitUntil(lambda: len(backups.list_backups(folder)) == 1, timeout=20000)
    qtbot.waitUntil(lambda: not keeper._daily_running, timeout=20000)
    qtbot.wait(300)  # several more looks: none is due, the newest is minutes old
    qtbot.waitUntil(lambda: not keeper._daily_running, timeout=20000)
    assert len(backups.list_backups(folder)) == 1
    assert "Automatic backup written" in main_window.statusBar().currentMessage()
    keeper.skip_closing_backup()


def test_the_usb_reminder_appears_after_a_week_and_goes_with_a_backup(
    center_db_path: Path, ui_settings, tmp_path: Path, qtbot, told, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.app import open_main_window

    # This database was first used on this machine ten days ago, and never copied.
    conn = sqlite3.connect(center_db_path)
    conn.execute(
        "INSERT INTO audit_events (at, actor, action) VALUES (?, 'test', 'export')",
        ((dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).replace(tzinfo=None).isoformat(" "),),
    )
    conn.commit()
    conn.close()
    ui_settings.setValue("backup/automatic", False)
    window = open_main_window(center_db_path, ui_settings)
    qtbot.addWidget(window)
    window.show()
    keeper = install(window)
    qtbot.waitUntil(lambda: keeper.reminder.isVisible(), timeout=20000)
    assert "USB stick" in keeper.reminder.text.text()
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    keeper.reminder.back_up.click()
    qtbot.waitUntil(lambda: not keeper.reminder.isVisible(), timeout=20000)
    assert told and told[-1][0] == "info" and "checked" in told[-1][1]
    assert len(backups.list_backups(usb)) == 1
    assert not backups.copy_reminder(window.ctx.db).due
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    window.ctx.db.dispose()


def restore_action(window):
    from PySide6.QtGui import QAction

    return window.findChild(QAction, "restoreAction")


def test_restore_from_the_file_menu_checks_confirms_and_reopens(
    main_window, ui_ctx, center_db_path: Path, tmp_path: Path, qtbot, told, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.ui import backup_ui

    people.create_person(ui_ctx.db, people.PersonInput(given_name="ก่อน", no_id_reason="t"))
    backup = backups.backup_to(ui_ctx.db, tmp_path / "usb")
    people.create_person(ui_ctx.db, people.PersonInput(given_name="หลัง", no_id_reason="t"))
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )
    asked: list[str] = []
    monkeypatch.setattr(backup_ui, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    install(main_window)
    action = restore_action(main_window)
    assert action is not None and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=20000)
    assert len(asked) == 1 and "1 people" in asked[0] and "5001" in asked[0]
    assert "before-restore" in asked[0] and "province" in asked[0]
    assert main_window.switch_to == center_db_path
    assert told and told[-1][0] == "info" and "restored" in told[-1][1]
    assert person_names(center_db_path) == ["ก่อน"]  # what was entered after it is replaced
    kept = list(center_db_path.parent.glob("center.sqlite3.before-restore-*.bak"))
    assert len(kept) == 1 and person_names(kept[0]) == ["ก่อน", "หลัง"]


def test_a_damaged_backup_is_refused_before_anything_is_replaced(
    main_window, ui_ctx, center_db_path: Path, tmp_path: Path, qtbot, told, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.ui import backup_ui

    bad = tmp_path / "justice-desk-5001-25690114-093000.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), ""))
    )
    monkeypatch.setattr(
        backup_ui, "confirm", lambda *a, **k: pytest.fail("a damaged backup must not be offered")
    )
    people.create_person(ui_ctx.db, people.PersonInput(given_name="อยู่", no_id_reason="t"))
    restore_action(main_window).trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=20000)
    assert told[0][0] == "error" and "damaged" in told[0][1]
    assert main_window.isVisible() and main_window.switch_to is None
    assert [r.name for r in people.list_people(ui_ctx.db).rows] == ["อยู่"]
    assert not list(center_db_path.parent.glob("*.before-restore-*"))
