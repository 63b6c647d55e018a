"""The window's account management (File → Accounts…), the lock time in Settings, and the write
buttons a role cannot use: disabled with a tooltip saying why (pytest-qt, real widgets, real
databases with accounts, a real encrypted file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QPushButton, QToolButton

from justice_desk.domain.access import Role
from justice_desk.errors import SignInFailed
from justice_desk.services import accounts, people

PASSWORDS = {
    "boss": "password-1",
    "sec": "password-2",
    "med": "password-3",
    "view": "password-4",
}


@pytest.fixture
def with_accounts(center_db):
    """A center with one account of each role (the mediator's names a person)."""
    accounts.create_first_account(center_db, "boss", "สมชาย ใจดี", PASSWORDS["boss"])
    accounts.sign_in(center_db, "boss", PASSWORDS["boss"])
    person = people.create_person(
        center_db, people.PersonInput(given_name="สมศรี", surname="ไกล่เกลี่ย", no_id_reason="ไม่มี")
    ).record
    accounts.add_account(center_db, "sec", "มานะ เลขา", Role.SECRETARY, PASSWORDS["sec"])
    accounts.add_account(
        center_db, "med", "สมศรี ไกล่เกลี่ย", Role.MEDIATOR, PASSWORDS["med"], person_id=person.id
    )
    accounts.add_account(center_db, "view", "มานี มีนา", Role.VIEWER, PASSWORDS["view"])
    center_db.sign_in(None)
    return center_db


def _window(ctx, qtbot):
    from justice_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.attached)
    return window


def _signed_in_window(db, ctx, qtbot, login):
    accounts.sign_in(db, login, PASSWORDS[login])
    return _window(ctx, qtbot)


def _answer(qtbot, fill):
    """A replacement for a WritingDialog's ``exec``: fill it, press OK, wait for the write."""

    def exec_(dialog) -> int:
        fill(dialog)
        dialog.ok_button.click()
        qtbot.waitUntil(
            lambda: dialog.result() == QDialog.DialogCode.Accepted or bool(dialog.strip.text()),
            timeout=15000,
        )
        return int(dialog.result())

    return exec_


# ------------------------------------------------------------------------------------------
# File → Accounts…


@pytest.mark.parametrize(
    ("login", "sees"), [("boss", True), ("sec", False), ("med", False), ("view", False)]
)
def test_only_the_coordinator_sees_accounts(with_accounts, ui_ctx, qtbot, login, sees):
    window = _signed_in_window(with_accounts, ui_ctx, qtbot, login)
    action = window.findChild(QAction, "accountsAction")
    assert action is not None and action.isVisible() is sees


def test_the_coordinator_manages_accounts_in_the_window(
    with_accounts, ui_ctx, qtbot, typer, monkeypatch
):
    from justice_desk.ui import dialogs
    from justice_desk.ui.accounts_dialog import (
        AccountsDialog,
        AddAccountDialog,
        PasswordDialog,
        RoleDialog,
    )

    db = with_accounts
    accounts.sign_in(db, "boss", PASSWORDS["boss"])
    dialog = AccountsDialog(ui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "boss",
        "med",
        "sec",
        "view",
    ]
    assert table.item(0, 2).text() == Role.COORDINATOR.label()
    assert table.item(0, 3).text() == "enabled"
    assert table.item(0, 4).text() != "never"  # boss signed in
    assert table.item(1, 4).text() == "never"

    # add: the passwords must match and follow the command line's rules
    def mismatched(add: AddAccountDialog) -> None:
        roles = [add.role.itemData(i) for i in range(add.role.count())]
        assert roles == ["coordinator", "secretary", "mediator", "viewer"]
        assert not add.person.isVisibleTo(add)
        typer(add.login, "ying")
        typer(add.name, "หญิง ใจงาม")
        add.role.setCurrentIndex(add.role.findData("secretary"))
        typer(add.password, "long-enough-1")
        typer(add.again, "long-enough-2")

    def short(add: AddAccountDialog) -> None:
        assert "not the same" in add.strip.text()  # the mismatch was shown, the dialog open
        add.password.clear()
        add.again.clear()
        typer(add.password, "short")
        typer(add.again, "short")

    def mismatched_then_short(add: AddAccountDialog) -> int:
        assert _answer(qtbot, mismatched)(add) == 0
        assert _answer(qtbot, short)(add) == 0
        assert "at least 8 characters" in add.strip.text()
        return 0

    monkeypatch.setattr(AddAccountDialog, "exec", mismatched_then_short)
    dialog.add_button.click()
    assert "ying" not in {a.login for a in accounts.list_accounts(db)}

    def good(add: AddAccountDialog) -> None:
        typer(add.login, "Ying")
        typer(add.name, "หญิง ใจงาม")
        add.role.setCurrentIndex(add.role.findData("secretary"))
        typer(add.password, "long-enough-1")
        typer(add.again, "long-enough-1")

    monkeypatch.setattr(AddAccountDialog, "exec", _answer(qtbot, good))
    dialog.add_button.click()
    assert "ying" in dialog.strip.text()
    assert dialog.current() is not None and dialog.current().login == "ying"
    assert accounts.authenticate(db, "ying", "long-enough-1").role is Role.SECRETARY
    accounts.sign_in(db, "boss", PASSWORDS["boss"])

    # a mediator's account needs the person in the register
    def mediator_without_person(add: AddAccountDialog) -> None:
        typer(add.login, "med2")
        add.role.setCurrentIndex(add.role.findData("mediator"))
        assert add.person.isVisibleTo(add)
        typer(add.password, "long-enough-1")
        typer(add.again, "long-enough-1")

    monkeypatch.setattr(AddAccountDialog, "exec", _answer(qtbot, mediator_without_person))
    dialog.add_button.click()
    assert "med2" not in {a.login for a in accounts.list_accounts(db)}

    # the last coordinator cannot be disabled: the service's refusal is shown in the dialog
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    dialog.select("boss")
    assert dialog.enable_button.text() == "Disable"
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: "last enabled" in dialog.strip.text(), timeout=10000)
    assert all(a.enabled for a in accounts.list_accounts(db))

    # disable and enable again
    dialog.select("view")
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: "is disabled" in dialog.strip.text(), timeout=10000)
    assert dialog.enable_button.text() == "Enable again"
    assert dialog.table.item(dialog.table.currentRow(), 3).text() == "disabled"
    with pytest.raises(SignInFailed, match="disabled"):
        accounts.authenticate(db, "view", PASSWORDS["view"])
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: "is enabled" in dialog.strip.text(), timeout=10000)
    assert accounts.authenticate(db, "view", PASSWORDS["view"]).role is Role.VIEWER
    accounts.sign_in(db, "boss", PASSWORDS["boss"])

    # a temporary password, typed twice
    def new_password(box: PasswordDialog) -> None:
        typer(box.password, "temporary-9")
        typer(box.again, "temporary-9")

    monkeypatch.setattr(PasswordDialog, "exec", _answer(qtbot, new_password))
    dialog.select("view")
    dialog.password_button.click()
    assert "password of view is changed" in dialog.strip.text()
    with pytest.raises(SignInFailed):
        accounts.authenticate(db, "view", PASSWORDS["view"])
    assert accounts.authenticate(db, "view", "temporary-9").login == "view"
    accounts.sign_in(db, "boss", PASSWORDS["boss"])

    # another role; the last coordinator keeps theirs
    def to_secretary(box: RoleDialog) -> None:
        box.role.setCurrentIndex(box.role.findData("secretary"))

    monkeypatch.setattr(RoleDialog, "exec", _answer(qtbot, to_secretary))
    dialog.password_button.setFocus()
    dialog.role_button.click()
    assert "view is now Committee secretary" in dialog.strip.text()
    assert {a.login: a.role for a in accounts.list_accounts(db)}["view"] is Role.SECRETARY

    def to_viewer(box: RoleDialog) -> None:
        box.role.setCurrentIndex(box.role.findData("viewer"))

    refused: list[str] = []

    def to_viewer_refused(box: RoleDialog) -> None:
        to_viewer(box)

    monkeypatch.setattr(RoleDialog, "exec", _answer(qtbot, to_viewer_refused))
    original = RoleDialog._refused
    monkeypatch.setattr(
        RoleDialog, "_refused", lambda self, exc: (refused.append(str(exc)), original(self, exc))
    )
    dialog.select("boss")
    dialog.role_button.click()
    assert refused and "last enabled" in refused[0]
    assert db.actor.role is Role.COORDINATOR


def test_the_accounts_dialog_opens_from_the_file_menu(with_accounts, ui_ctx, qtbot, monkeypatch):
    from justice_desk.ui.accounts_dialog import AccountsDialog

    window = _signed_in_window(with_accounts, ui_ctx, qtbot, "boss")
    opened: list[AccountsDialog] = []

    def record(dialog: AccountsDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(AccountsDialog, "exec", record)
    window.findChild(QAction, "accountsAction").trigger()
    assert opened and opened[0].table.rowCount() == 4


def test_adding_an_account_and_a_new_password_open_an_encrypted_database(
    tmp_path: Path, ui_settings, qtbot, typer, monkeypatch
):
    from justice_desk.services import encryption, setup
    from justice_desk.ui import dialogs
    from justice_desk.ui.accounts_dialog import AccountsDialog, AddAccountDialog, PasswordDialog
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    path = tmp_path / "center.sqlite3"
    made = encryption.set_up_encrypted(
        path,
        login="boss",
        name="สมชาย ใจดี",
        password=PASSWORDS["boss"],
        create=lambda key: setup.init_center(
            path, code="500107", name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", province="เชียงใหม่", key=key
        ),
    )
    db = made.db
    runner = JobRunner()
    ctx = AppContext(db=db, runner=runner, site=setup.this_site(db), settings=ui_settings)
    try:
        dialog = AccountsDialog(ctx)
        qtbot.addWidget(dialog)

        def add(box: AddAccountDialog) -> None:
            typer(box.login, "sec")
            typer(box.name, "มานะ เลขา")
            box.role.setCurrentIndex(box.role.findData("secretary"))
            typer(box.password, "sec-password-1")
            typer(box.again, "sec-password-1")

        monkeypatch.setattr(AddAccountDialog, "exec", _answer(qtbot, add))
        dialog.add_button.click()

        def reset(box: PasswordDialog) -> None:
            typer(box.password, "boss-password-2")
            typer(box.again, "boss-password-2")

        monkeypatch.setattr(PasswordDialog, "exec", _answer(qtbot, reset))
        dialog.select("boss")
        dialog.password_button.click()
        assert "password of boss is changed" in dialog.strip.text()

        # disabled: its key slot goes; enabled again: the dialog says a new password is needed
        monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
        dialog.select("sec")
        dialog.enable_button.click()
        qtbot.waitUntil(lambda: "is disabled" in dialog.strip.text(), timeout=10000)
        dialog.enable_button.click()
        qtbot.waitUntil(lambda: "encrypted" in dialog.strip.text(), timeout=10000)
        assert encryption.open_with_password(path, "boss", "boss-password-2") is not None
        with pytest.raises(Exception, match="wrong"):
            encryption.open_with_password(path, "sec", "sec-password-1")
        monkeypatch.setattr(
            PasswordDialog,
            "exec",
            _answer(
                qtbot,
                lambda box: (
                    typer(box.password, "sec-password-2"),
                    typer(box.again, "sec-password-2"),
                ),
            ),
        )
        dialog.password_button.click()
    finally:
        runner.wait_for_done(10000)
        db.dispose()
    # the real file: the new passwords open it, the old ones do not
    for login, password in (("sec", "sec-password-2"), ("boss", "boss-password-2")):
        opened = encryption.open_with_password(path, login, password)
        try:
            assert accounts.authenticate(opened, login, password).login == login
        finally:
            opened.dispose()
    with pytest.raises(Exception, match="wrong"):
        encryption.open_with_password(path, "boss", PASSWORDS["boss"])


# ------------------------------------------------------------------------------------------
# Settings: the lock time


def test_the_lock_time_is_a_setting_and_applies_at_once(
    with_accounts, ui_ctx, ui_settings: QSettings, qtbot, monkeypatch
):
    from justice_desk.ui.settings_dialog import SettingsDialog

    window = _signed_in_window(with_accounts, ui_ctx, qtbot, "boss")
    guard = window.session_guard
    assert guard is not None and guard.minutes == 10
    dialog = SettingsDialog(ui_ctx, window)
    qtbot.addWidget(dialog)
    box = dialog.lock_minutes
    assert box.value() == 10 and box.maximum() == 120
    box.setValue(3)
    dialog.accept()
    assert guard.minutes == 3 and guard.timer.isActive() and guard.timer.interval() == 180_000
    assert int(ui_settings.value("security/lock_minutes")) == 3

    dialog = SettingsDialog(ui_ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.lock_minutes.value() == 3
    dialog.lock_minutes.setValue(0)
    assert dialog.lock_minutes.text() == "Never"
    dialog.accept()
    assert guard.minutes == 0 and not guard.timer.isActive()
    assert int(ui_settings.value("security/lock_minutes")) == 0


# ------------------------------------------------------------------------------------------
# Write buttons a role cannot use


def _buttons(window):
    """The write buttons of the People, Cases, Meetings and Committee pages."""
    people_page = window.show_page("people")
    cases = window.show_page("cases")
    meetings = window.show_page("meetings")
    committee = window.show_page("committee")
    return {
        "people.new": (people_page.new_button, "people"),
        "people.save": (people_page.save_button, "people"),
        "people.delete": (people_page.delete_button, "people"),
        "people.join": (people_page.membership.join_button, "people"),
        "people.export": (people_page.export_button, "export"),
        "cases.new": (cases.new_button, "cases"),
        "meetings.new": (meetings.new_button, "meetings"),
        "committee.term": (committee.new_term_button, "committee"),
        "committee.appoint": (committee.appoint_button, "committee"),
        "committee.register": (committee.register_button, "committee"),
    }


ALLOWED = {
    "boss": {"people", "export", "cases", "meetings", "committee"},
    "sec": {"people", "export", "meetings", "committee"},
    "view": set(),
}


@pytest.mark.parametrize("login", ["boss", "sec", "view"])
def test_write_buttons_follow_the_role(with_accounts, ui_ctx, qtbot, login):
    window = _signed_in_window(with_accounts, ui_ctx, qtbot, login)
    role = with_accounts.actor.role
    for name, (button, needs) in _buttons(window).items():
        if needs in ALLOWED[login]:
            if name not in ("people.delete", "people.join", "committee.appoint"):  # need a row
                assert button.isEnabled(), name
            assert "Your role" not in button.toolTip(), name
        else:
            assert not button.isEnabled(), name
            assert f"Your role ({role.label()})" in button.toolTip(), name
    if login == "view":
        tip = _buttons(window)["people.new"][0].toolTip()
        assert tip == "Your role (Viewer (read only)) can read but not change records."
    if login == "sec":
        assert "may not take in new cases" in window.page("cases").new_button.toolTip()


def test_a_mediator_cannot_take_in_cases_or_change_people(with_accounts, ui_ctx, qtbot):
    window = _signed_in_window(with_accounts, ui_ctx, qtbot, "med")
    cases = window.show_page("cases")
    assert not cases.new_button.isEnabled()
    assert "Your role (Mediator) may not take in new cases" in cases.new_button.toolTip()
    meetings = window.show_page("meetings")
    assert not meetings.new_button.isEnabled()
    assert "may not change meetings or minutes" in meetings.new_button.toolTip()


def test_a_page_cannot_enable_a_button_the_role_may_not_use_and_a_switch_restores_it(
    with_accounts, ui_ctx, qtbot, typer
):
    window = _signed_in_window(with_accounts, ui_ctx, qtbot, "view")
    page = window.show_page("people")
    qtbot.waitUntil(lambda: page.register.model.rowCount() > 0, timeout=10000)
    page.register.select_row(0)  # a record chosen: the page enables Delete
    qtbot.waitUntil(lambda: page.current_id is not None, timeout=10000)
    assert not page.delete_button.isEnabled()
    page.delete_button.setEnabled(True)  # whatever the page does
    assert not page.delete_button.isEnabled()
    # switch to the coordinator on the lock screen: the buttons come back as the page wants
    guard = window.session_guard
    window.findChild(QAction, "lockAction").trigger()
    form = guard.screen.form
    form.login.clear()
    typer(form.login, "boss")
    typer(form.password, PASSWORDS["boss"])
    form.submit()
    assert not guard.locked and with_accounts.actor.login == "boss"
    assert page.delete_button.isEnabled() and page.save_button.isEnabled()
    assert "Your role" not in page.delete_button.toolTip()
    export = page.findChild(QToolButton, "exportButton")
    assert export.isEnabled() and "Excel" in export.toolTip()
    assert window.findChild(QAction, "accountsAction").isVisible()
    # and back to the viewer
    window.findChild(QAction, "lockAction").trigger()
    form.login.clear()
    typer(form.login, "view")
    typer(form.password, PASSWORDS["view"])
    form.submit()
    assert not page.delete_button.isEnabled() and not export.isEnabled()
    assert not window.findChild(QAction, "accountsAction").isVisible()
    assert all(
        not b.isEnabled()
        for b in page.findChildren(QPushButton)
        if b in (page.new_button, page.save_button, page.delete_button)
    )


def test_buttons_work_as_before_without_accounts(ui_ctx, qtbot):
    window = _window(ui_ctx, qtbot)
    for name, (button, _needs) in _buttons(window).items():
        assert "Your role" not in button.toolTip(), name
    assert window.page("people").new_button.isEnabled()
    assert window.page("cases").new_button.isEnabled()
    assert window.findChild(QAction, "accountsAction") is None


def test_a_province_administrator_manages_officers(tmp_path: Path, ui_settings, qtbot, typer):
    from justice_desk.services import setup
    from justice_desk.storage.database import open_database
    from justice_desk.ui.accounts_dialog import AccountsDialog, AddAccountDialog
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    path = tmp_path / "province.sqlite3"
    setup.init_province(path, province="เชียงใหม่").dispose()
    db = open_database(path)
    runner = JobRunner()
    try:
        accounts.create_first_account(db, "admin", "ผู้ดูแล", "password-1")
        accounts.sign_in(db, "admin", "password-1")
        ctx = AppContext(db=db, runner=runner, site=setup.this_site(db), settings=ui_settings)
        dialog = AccountsDialog(ctx)
        qtbot.addWidget(dialog)
        add = AddAccountDialog(ctx, dialog)
        qtbot.addWidget(add)
        roles = [add.role.itemData(i) for i in range(add.role.count())]
        assert roles == ["administrator", "officer"] and add.role.currentData() == "officer"
        typer(add.login, "off")
        typer(add.password, "password-2")
        typer(add.again, "password-2")
        add.ok_button.click()
        qtbot.waitUntil(lambda: add.result() == QDialog.DialogCode.Accepted, timeout=15000)
        assert accounts.authenticate(db, "off", "password-2").role is Role.OFFICER
    finally:
        runner.wait_for_done(10000)
        db.dispose()
