"""First run, settings and language switch, and the job runner."""

from __future__ import annotations

import time

import pytest

from justice_desk import i18n
from justice_desk.errors import Cancelled, UserError
from justice_desk.progress import CancelToken

# -- job runner ------------------------------------------------------------------------------


def slow_count(n: int, *, progress, cancel: CancelToken) -> int:
    for i in range(n):
        cancel.raise_if_cancelled()
        progress(i + 1, n, f"step {i + 1}")
        time.sleep(0.01)
    return n


def test_job_runner_delivers_progress_and_result(qtbot) -> None:
    from justice_desk.ui.jobs import JobRunner

    runner = JobRunner()
    seen: list[tuple[int, int]] = []
    job = runner.run("count", slow_count, 20, takes_progress=True)
    job.progress.connect(lambda d, t, m: seen.append((d, t)))
    with qtbot.waitSignal(job.succeeded, timeout=10000) as blocker:
        pass
    qtbot.waitUntil(lambda: runner.active == 0)
    assert blocker.args == [20]
    assert seen and seen[-1] == (20, 20) and seen == sorted(seen)


def test_job_runner_cancel(qtbot) -> None:
    from justice_desk.ui.jobs import JobRunner

    runner = JobRunner()
    job = runner.run("count", slow_count, 10_000, takes_progress=True)
    with qtbot.waitSignal(job.progress, timeout=10000):
        pass
    with qtbot.waitSignal(job.cancelled, timeout=10000):
        job.cancel()
    qtbot.waitUntil(lambda: runner.active == 0)
    assert job.done


def test_job_runner_errors_become_messages(qtbot) -> None:
    from justice_desk.ui.jobs import JobRunner

    def expected() -> None:
        raise UserError("the disk is full; free some space")

    def unexpected() -> None:
        raise ZeroDivisionError("x")

    runner = JobRunner()
    with qtbot.waitSignal(runner.run("a", expected).failed, timeout=10000) as a:
        pass
    with qtbot.waitSignal(runner.run("b", unexpected).failed, timeout=10000) as b:
        pass
    qtbot.waitUntil(lambda: runner.active == 0)
    assert a.args == ["the disk is full; free some space", True]
    assert b.args[1] is False and "Traceback" not in b.args[0] and "log" in b.args[0]


def test_cancelled_is_not_an_error() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


# -- first run ---------------------------------------------------------------------------------


def test_first_run_sets_up_a_center_with_its_coordinator(qtbot, typer, isolated_home) -> None:
    from justice_desk.services import encryption, people, setup
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.center_button.click()
    assert dialog.stack.currentWidget() is dialog.center_scroll
    dialog.create_center()  # nothing typed yet
    assert "required" in dialog.center_error.text()
    assert "border" in dialog.fields["name"].styleSheet()
    assert not dialog.db_path.exists()
    typer(dialog.fields["name"], "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ")
    typer(dialog.fields["code"], "500107")
    typer(dialog.fields["province"], "เชียงใหม่")
    typer(dialog.fields["coordinator_given_name"], "น้ำฝน")
    typer(dialog.fields["coordinator_surname"], "ปั้นทอง")
    # The coordinator's account: a password too short, then typed differently, then right.
    typer(dialog.center_account.login, "namfon")
    typer(dialog.center_account.first, "สั้น")
    dialog.create_center()
    assert (
        "at least 8" in dialog.center_error.text()
        and "border" in dialog.center_account.first.styleSheet()
    )
    assert not dialog.db_path.exists()
    dialog.center_account.first.setText("รหัสของศูนย์ 2569")
    dialog.center_account.again.setText("รหัสของศูนย์ 2568")
    dialog.create_center()
    assert "not the same" in dialog.center_error.text() and not dialog.db_path.exists()
    dialog.center_account.again.setText("รหัสของศูนย์ 2569")
    dialog.create_center()
    assert dialog.chosen is not None and not dialog.chosen.demo
    from justice_desk.ui import unlock

    unlock.take_handoff(dialog.chosen.path).db.dispose()  # the window would have taken it
    db = encryption.sign_in_encrypted(dialog.chosen.path, "namfon", "รหัสของศูนย์ 2569")
    try:
        from justice_desk.services import sync

        assert db.encrypted and not sync.needs_passphrase(db)  # the keys live inside
        assert sync.own_keys(db) is not None
        assert setup.this_site(db).name == "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"
        rows = people.list_people(db).rows
        assert [r.name for r in rows] == ["น้ำฝน ปั้นทอง"] and rows[
            0
        ].community_role == "ผู้ประสานงานยุติธรรมชุมชน"
    finally:
        db.dispose()


def test_first_run_province(qtbot, typer, monkeypatch) -> None:
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.province_button.click()
    dialog.create_province()
    assert "required" in dialog.province_error.text() and dialog.chosen is None
    typer(dialog.province_name, "เชียงใหม่")
    dialog.create_province()
    assert "login" in dialog.province_error.text().lower() and dialog.chosen is None
    typer(dialog.province_account.login, "admin")
    typer(dialog.province_account.first, "office password 1")
    typer(dialog.province_account.again, "office password 1")
    dialog.create_province()
    from justice_desk.ui import unlock

    db = unlock.take_handoff(dialog.chosen.path).db
    assert db.encrypted and db.actor.login == "admin"
    assert db.mode == "province"
    db.dispose()


# -- language ----------------------------------------------------------------------------------


def test_language_switch_takes_effect_at_the_next_start(main_window, ui_ctx, qtbot) -> None:
    from justice_desk.ui.main_window import MainWindow
    from justice_desk.ui.settings_dialog import SettingsDialog

    i18n.set_language("th")
    thai = MainWindow(ui_ctx)
    qtbot.addWidget(thai)
    assert thai.nav.item(0).text() == "บุคคลและสมาชิก" or any(
        "\u0e00" <= ch <= "\u0e7f" for ch in thai.nav.item(0).text()
    )
    dialog = SettingsDialog(ui_ctx, thai)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.text_size.setValue(14)
    dialog.accept()
    assert ui_ctx.settings.value("ui/language") == "en"
    assert int(ui_ctx.settings.value("ui/text_size")) == 14
    # "Restart": the app reads the language from the settings before building windows.
    from justice_desk.ui import settings as prefs

    i18n.set_language(prefs.language(ui_ctx.settings))
    english = MainWindow(ui_ctx)
    qtbot.addWidget(english)
    assert english.nav.item(0).text() == "People & members"
    assert english.menuBar().actions()[0].text() == "&File"


def test_standard_buttons_are_translated(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from justice_desk.ui.dialogs import translate_buttons

    i18n.set_language("th")
    box = translate_buttons(
        QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
    )
    qtbot.addWidget(box)
    texts = {
        box.button(QDialogButtonBox.StandardButton.Ok).text(),
        box.button(QDialogButtonBox.StandardButton.Cancel).text(),
    }
    assert texts.isdisjoint({"OK", "Cancel", "&OK", "&Cancel"})
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in t) for t in texts)


def test_a_second_copy_of_the_app_is_told_the_database_is_already_open(
    center_db_path, qapp, monkeypatch
) -> None:
    import sys

    from PySide6.QtCore import QLockFile

    from justice_desk import app
    from justice_desk.ui import dialogs

    told: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title=None: told.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; restore it
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    first = QLockFile(str(center_db_path) + ".lock")
    assert first.tryLock(100)  # the first window holds the database
    try:
        assert app.run_gui(str(center_db_path)) == 2
    finally:
        first.unlock()
    assert len(told) == 1 and "already open" in told[0] and str(center_db_path) in told[0]
