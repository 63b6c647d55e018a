"""Starting and setting up (issue 11 §14, §15): the database used last is reopened, the set-up
dialog checks the center code and the passphrase and fits a 1366×768 screen, and a new center
is guided by a checklist that ticks itself off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel

from justice_desk import paths
from justice_desk.domain.enums import CommitteePosition
from justice_desk.services import people, setup

SCREEN = (1366, 768 - 40)  # a village laptop, minus the task bar


def no_first_run(*_args, **_kwargs):
    raise AssertionError("the first-run dialog was shown although a database was known")


def test_the_demo_chosen_at_the_first_start_is_reopened_at_the_next(
    ui_settings: QSettings, qtbot, monkeypatch
) -> None:
    from justice_desk import app
    from justice_desk.storage.locate import resolve_target
    from justice_desk.ui.first_run import FirstRunDialog

    # The demo exists already (as after a first start); the dialog's demo button opens it.
    demo = paths.ensure_home() / "demo.sqlite3"
    setup.init_demo_center(demo).dispose()
    chosen: list[object] = []

    def first_run(settings, missing=None):
        dialog = FirstRunDialog(missing=missing)
        qtbot.addWidget(dialog)
        assert dialog.findChild(QLabel, "missingDatabase") is None
        dialog.demo_button.click()
        chosen.append(dialog.chosen)
        return dialog.chosen

    target, is_demo = app.choose_database(None, ui_settings, first_run=first_run)
    assert target.path == demo.resolve() and is_demo and len(chosen) == 1
    # The window opens it and remembers it ...
    window = app.start_main_window(target, ui_settings, demo=is_demo)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=20000):
        pass
    assert "(demo)" in window.windowTitle()
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    window.ctx.db.dispose()
    # ... so the next start opens the demo again without asking.
    again = app.choose_database(None, ui_settings, first_run=no_first_run)
    assert again == (resolve_target(str(demo)), False)
    assert not paths.default_database().exists()


def test_a_database_used_last_that_has_gone_is_named_at_the_start(
    ui_settings: QSettings, tmp_path: Path, qtbot
) -> None:
    from justice_desk import app
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.first_run import FirstRunDialog

    gone = tmp_path / "usb" / "center.sqlite3"
    prefs.remember_database(ui_settings, gone)
    notes: list[str] = []

    def first_run(settings, missing=None):
        dialog = FirstRunDialog(missing=missing)
        qtbot.addWidget(dialog)
        note = dialog.findChild(QLabel, "missingDatabase")
        notes.append(note.text())
        return None  # the person closes the dialog

    assert app.choose_database(None, ui_settings, first_run=first_run) == 0
    assert len(notes) == 1 and str(gone) in notes[0] and "USB stick" in notes[0]


def test_an_explicit_database_wins_over_the_one_used_last(
    center_db_path: Path, ui_settings: QSettings, tmp_path: Path
) -> None:
    from justice_desk import app
    from justice_desk.ui import settings as prefs

    other = tmp_path / "other.sqlite3"
    setup.init_center(other, code="CJC-0002", name="ศูนย์อื่น", province="ลำปาง").dispose()
    prefs.remember_database(ui_settings, other)
    target, _demo = app.choose_database(str(center_db_path), ui_settings, first_run=no_first_run)
    assert target.path == center_db_path.resolve()
    target, _demo = app.choose_database(None, ui_settings, first_run=no_first_run)
    assert target.path == other.resolve()


def test_file_open_another_database_switches_the_window(
    main_window, ui_ctx, tmp_path: Path, qtbot, monkeypatch
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.ui.first_run import FirstRunDialog

    other = tmp_path / "other.sqlite3"
    setup.init_center(other, code="CJC-0002", name="ศูนย์อื่น", province="ลำปาง").dispose()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), ""))
    )

    def run_dialog(dialog: FirstRunDialog) -> int:
        assert dialog.windowTitle() == "Open another database"
        dialog.open_button.click()
        return 1

    monkeypatch.setattr(FirstRunDialog, "exec", run_dialog)
    main_window.findChild(QAction, "openOtherAction").trigger()
    assert not main_window.isVisible() and main_window.switch_to == other.resolve()


# -- the set-up dialog -------------------------------------------------------------------------


def fill_center(dialog, typer, code: str) -> None:
    typer(dialog.fields["name"], "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ")
    typer(dialog.fields["code"], code)
    typer(dialog.fields["province"], "เชียงใหม่")
    typer(dialog.fields["coordinator_given_name"], "น้ำฝน")
    typer(dialog.center_account.login, "namfon")
    typer(dialog.center_account.first, "รหัสของศูนย์ 2569")
    typer(dialog.center_account.again, "รหัสของศูนย์ 2569")


def test_the_center_code_is_checked_as_typed_and_before_anything_is_written(
    qtbot, typer, monkeypatch
) -> None:
    from justice_desk.ui import dialogs
    from justice_desk.ui.first_run import FirstRunDialog

    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.center_button.click()
    fill_center(dialog, typer, "50 0107")
    assert "border" in dialog.fields["code"].styleSheet()  # marked while typing
    assert dialog.code_note.isVisible() and "six-digit" in dialog.code_note.text()
    dialog.create_center()
    assert (
        "not a center code" in dialog.center_error.text() and "500107" in dialog.center_error.text()
    )
    assert not dialog.db_path.exists() and dialog.chosen is None
    dialog.fields["code"].clear()
    typer(dialog.fields["code"], "500107")
    assert dialog.fields["code"].styleSheet() == ""
    dialog.create_center()
    assert dialog.chosen is not None and dialog.db_path.exists()
    from justice_desk.ui import unlock

    unlock.take_handoff(dialog.db_path).db.dispose()  # the window would have taken it


def test_a_new_center_is_encrypted_and_its_sync_keys_need_no_passphrase(qtbot, typer) -> None:
    from justice_desk.services import encryption, sync
    from justice_desk.ui import unlock
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.center_button.click()
    fill_center(dialog, typer, "CJC-0001")
    dialog.create_center()
    assert dialog.chosen is not None and encryption.is_encrypted(dialog.db_path)
    handoff = unlock.take_handoff(dialog.db_path)
    try:
        assert handoff.recovery_key and handoff.db.actor.login == "namfon"
        assert not sync.needs_passphrase(handoff.db)  # the private keys live inside
    finally:
        handoff.db.dispose()


def clipped_labels(widget) -> list[str]:
    """Word-wrapped labels whose text needs more height than they were given."""
    found = []
    for label in widget.findChildren(QLabel):
        if not label.isVisibleTo(widget) or not label.wordWrap() or not label.text():
            continue
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            found.append(f"{label.text()[:40]}… needs {needed}, has {label.height()}")
    return found


@pytest.mark.parametrize("size", [11, 16])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_set_up_dialog_fits_a_village_laptop_screen(qtbot, size: int, language: str) -> None:
    from justice_desk import i18n
    from justice_desk.ui.first_run import FirstRunDialog

    i18n.set_language(language)
    app = QApplication.instance()
    font = app.font()
    old_size = font.pointSize()
    font.setPointSize(size)
    app.setFont(font)
    try:
        dialog = FirstRunDialog(missing=Path("/media/usb/justice-desk.sqlite3"))
        qtbot.addWidget(dialog)
        dialog.show()
        for page in (None, dialog.center_button, dialog.province_button):
            if page is not None:
                dialog.stack.setCurrentIndex(0)
                page.click()
            qtbot.wait(10)
            hint = dialog.minimumSizeHint()
            assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], (page, hint)
            dialog.resize(min(dialog.width(), SCREEN[0]), min(dialog.height(), SCREEN[1]))
            qtbot.wait(10)
            assert dialog.height() <= SCREEN[1]
            assert clipped_labels(dialog) == []
        # The center form scrolls to its last row: the explanations and the buttons are reachable.
        dialog.stack.setCurrentIndex(0)
        dialog.center_button.click()
        dialog.center_scroll.ensureWidgetVisible(dialog.center_account.again)
        assert dialog.center_account.again.visibleRegion().boundingRect().height() > 0
    finally:
        font.setPointSize(old_size)
        app.setFont(font)


# -- the checklist of a new center -------------------------------------------------------------


def test_a_new_center_is_guided_by_a_checklist_that_ticks_itself_off(
    main_window, ui_ctx, ui_settings, qtbot
) -> None:
    from justice_desk.services import sync
    from justice_desk.ui.setup_checklist import DONE_MARK, TODO_MARK

    checklist = main_window.checklist
    qtbot.waitUntil(lambda: checklist.isVisible(), timeout=20000)
    assert [m.text() for m in checklist.marks.values()] == [TODO_MARK] * 3
    # Each item opens the place where it is done.
    checklist.buttons["mediators"].click()
    page = main_window.current_page()
    assert page.key == "committee" and page.tabs.currentIndex() == 1
    checklist.buttons["enrolled"].click()
    assert main_window.current_page().key == "sync"
    checklist.buttons["committee"].click()
    assert main_window.current_page().key == "committee"
    assert main_window.current_page().tabs.currentIndex() == 0
    # A committee and a mediator recorded: their items tick off after the next piece of work.
    chair = people.create_person(
        ui_ctx.db, people.PersonInput(given_name="ประธาน", no_id_reason="t")
    ).record
    term = people.create_term(ui_ctx.db, name="2569–2571", starts_on=dt.date.today())
    people.appoint(ui_ctx.db, term.id, chair.id, CommitteePosition.CHAIR)
    people.register_mediator(ui_ctx.db, chair.id, registration_no="กม.1/2569")
    # A change saved on a page (records_changed) asks again at once: the mediator is done, the
    # committee not yet (a chair without a secretary is not a committee).
    ui_ctx.records_changed.emit({"committee"}, None)
    qtbot.waitUntil(lambda: checklist.marks["mediators"].text() == DONE_MARK, timeout=20000)
    assert checklist.marks["committee"].text() == TODO_MARK
    secretary = people.create_person(
        ui_ctx.db, people.PersonInput(given_name="เลขานุการ", no_id_reason="t")
    ).record
    people.appoint(ui_ctx.db, term.id, secretary.id, CommitteePosition.SECRETARY)
    main_window.show_page("people")
    qtbot.waitUntil(lambda: checklist.marks["committee"].text() == DONE_MARK, timeout=20000)
    assert checklist.marks["mediators"].text() == DONE_MARK
    assert checklist.marks["enrolled"].text() == TODO_MARK and checklist.isVisible()
    # Enrolled (the province's answer applied): nothing is left, the list goes away.
    with ui_ctx.db.write() as session:
        ui_ctx.db.put_settings(session, {"province_id": "00000000-0000-0000-0000-000000000001"})
    assert sync is not None
    main_window.show_page("cases")
    qtbot.waitUntil(lambda: not checklist.isVisible(), timeout=20000)
    assert checklist.state.complete
    qtbot.waitUntil(lambda: main_window.runner.active == 0)


def test_the_checklist_can_be_hidden_and_stays_hidden(main_window, ui_settings, qtbot) -> None:
    checklist = main_window.checklist
    qtbot.waitUntil(lambda: checklist.isVisible(), timeout=20000)
    checklist.hide_button.click()
    assert not checklist.isVisible()
    main_window.show_page("people")
    qtbot.wait(50)
    qtbot.waitUntil(lambda: main_window.runner.active == 0)
    assert not checklist.isVisible() and not checklist.wanted()


def test_a_meeting_planned_before_the_committee_says_what_to_do(main_window, ui_ctx, qtbot) -> None:
    from justice_desk.services import meetings

    meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(dt.date.today()))
    page = main_window.show_page("meetings")
    editor = page.editor
    qtbot.waitUntil(lambda: bool(editor.quorum.text()), timeout=20000)
    text = editor.quorum.text()
    assert "0 of 0" not in text and "at least 0" not in text
    assert "No committee members" in text and "Committee & mediators" in text
    assert editor.quorum.isVisibleTo(main_window)
