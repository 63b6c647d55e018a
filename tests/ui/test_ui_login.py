"""Signing in to the window, the lock after inactivity, switching user, what a role hides, and
the refusal a role gets when it tries anyway (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QToolButton

from justice_desk.domain.access import Role
from justice_desk.services import accounts, people


@pytest.fixture
def with_accounts(center_db):
    accounts.create_first_account(center_db, "boss", "สมชาย ใจดี", "password-1")
    accounts.sign_in(center_db, "boss", "password-1")
    accounts.add_account(center_db, "view", "มานี มีนา", Role.VIEWER, "password-2")
    center_db.sign_in(None)
    return center_db


def test_the_login_dialog_refuses_a_wrong_password_then_signs_in(with_accounts, qtbot, typer):
    from justice_desk.ui.login import LoginDialog

    db = with_accounts
    dialog = LoginDialog(
        lambda login, password: accounts.sign_in(db, login, password), site_name="ศูนย์"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    typer(form.login, "boss")
    typer(form.password, "wrong-password")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "wrong" in form.message.text()
    assert form.password.text() == "" and not dialog.result()
    assert not db.actor.signed_in
    typer(form.password, "password-1")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert db.actor.login == "boss" and db.actor.role is Role.COORDINATOR


def test_several_wrong_passwords_make_the_button_wait(with_accounts, qtbot, typer):
    from justice_desk.ui.login import SignInForm

    db = with_accounts
    form = SignInForm(lambda login, pw: accounts.sign_in(db, login, pw), button="Sign in")
    qtbot.addWidget(form)
    form.login.setText("boss")
    for _ in range(accounts.FREE_ATTEMPTS):
        typer(form.password, "nope-nope")
        form.submit()
    assert not form.button.isEnabled()  # waits as long as the service said
    assert "wait" in form.message.text()


def _window(ctx, qtbot):
    from justice_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.attached)
    return window


def test_the_window_locks_after_inactivity_and_unlocks_with_the_password(
    with_accounts, ui_ctx, qtbot, typer
):
    accounts.sign_in(with_accounts, "boss", "password-1")
    window = _window(ui_ctx, qtbot)
    guard = window.session_guard
    assert guard is not None and guard.minutes == 10  # the default
    assert "สมชาย" in window.findChild(QLabel, "signedIn").text()
    guard.set_timeout_ms(150)  # a short inactivity time for the test
    qtbot.waitUntil(lambda: guard.locked, timeout=5000)
    assert guard.screen.isVisible()
    assert not window.menuBar().isEnabled() and not window.centralWidget().isEnabled()
    form = guard.screen.form
    assert form.login.text() == "boss"
    typer(form.password, "not-it-at-all")
    form.submit()
    assert guard.locked and "wrong" in form.message.text()
    typer(form.password, "password-1")
    form.submit()
    assert not guard.locked and not guard.screen.isVisible()
    assert window.menuBar().isEnabled() and with_accounts.actor.login == "boss"
    actions = [e.action for e in _trail(with_accounts)]
    # newest first: the unlock, the sign-in it took, the wrong password, the lock
    assert actions[:4] == ["unlock", "login", "login-failed", "lock"]


def _trail(db):
    from justice_desk.services import audit_trail

    return audit_trail.list_entries(db, limit=10).rows


def test_another_account_unlocks_as_itself_and_sees_its_role(with_accounts, ui_ctx, qtbot, typer):
    accounts.sign_in(with_accounts, "boss", "password-1")
    window = _window(ui_ctx, qtbot)
    guard = window.session_guard
    sync_row = next(
        i
        for i in range(window.nav.count())
        if window.nav.item(i).data(Qt.ItemDataRole.UserRole) == "sync"
    )
    assert not window.nav.item(sync_row).isHidden()
    window.findChild(QAction, "lockAction").trigger()  # Ctrl+L, or leaving the laptop
    assert guard.locked
    form = guard.screen.form
    form.login.clear()
    typer(form.login, "view")
    typer(form.password, "password-2")
    form.submit()
    assert not guard.locked
    assert with_accounts.actor.login == "view" and with_accounts.actor.role is Role.VIEWER
    # a viewer has no sync page, no export, no backup, no audit trail
    assert window.nav.item(sync_row).isHidden()
    assert not window.findChild(QAction, "backupAction").isVisible()
    assert not window.findChild(QAction, "auditAction").isVisible()
    exports = window.findChildren(QToolButton, "exportButton")
    # exporting is not a change: the tooltip names what the role may not do
    assert exports and all(
        not b.isEnabled() and "may not export records" in b.toolTip() for b in exports
    ), [b.toolTip() for b in exports]
    # the switch is in the trail under the new account
    from justice_desk.services import audit_trail

    accounts.sign_in(with_accounts, "boss", "password-1")
    switched = audit_trail.list_entries(with_accounts, action="switch-user").rows
    assert switched and switched[0].actor == "view" and switched[0].detail == "boss -> view"


def test_a_refused_write_says_what_the_role_may_not_do(with_accounts, ui_ctx, qtbot, monkeypatch):
    from justice_desk.ui import dialogs, operations

    accounts.sign_in(with_accounts, "view", "password-2")
    window = _window(ui_ctx, qtbot)
    shown: list[str] = []
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, message, *a, **k: shown.append(message)
    )
    job = operations.run_write(
        window,
        ui_ctx,
        "Saving",
        people.create_person,
        with_accounts,
        people.PersonInput(given_name="ทดลอง", no_id_reason="ไม่มี"),
        changes={"people"},
    )
    assert job is not None
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "may not change people's records" in shown[0] and "Nothing was changed" in shown[0]
    assert people.list_people(with_accounts, search="ทดลอง").total == 0


def test_a_database_without_accounts_says_so_and_offers_the_first_account(
    ui_ctx, qtbot, typer, monkeypatch
):
    from justice_desk.ui.login import FirstAccountDialog, NoAccountsBar

    window = _window(ui_ctx, qtbot)
    assert "no accounts yet" in window.windowTitle()
    bar = window.findChild(NoAccountsBar, "noAccountsBar")
    assert bar is not None and bar.isVisible()
    assert window.session_guard is None

    def answer(dialog: FirstAccountDialog) -> int:
        typer(dialog.login, "boss")
        typer(dialog.name, "สมชาย")
        typer(dialog.password, "password-1")
        typer(dialog.again, "password-1")
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(FirstAccountDialog, "exec", answer)
    offered: list[str] = []

    def later(box) -> int:  # the conversion is offered at once (tests/ui/test_ui_encrypt_now.py)
        offered.append(box.text())
        next(b for b in box.buttons() if b.text() == "Later").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", later)
    bar.create_account()
    assert ui_ctx.db.has_accounts() and ui_ctx.db.actor.login == "boss"
    assert "no accounts yet" not in window.windowTitle()
    assert window.session_guard is not None and not bar.isVisible()
    assert len(offered) == 1 and "Encrypt the database" in offered[0]


def test_the_audit_window_lists_and_checks_the_trail(with_accounts, ui_ctx, qtbot):
    from justice_desk.ui.login import AuditWindow

    accounts.sign_in(with_accounts, "boss", "password-1")
    audit = AuditWindow(ui_ctx)
    qtbot.addWidget(audit)
    audit.show()
    page = audit.page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    assert {e.action for e in page.model.rows} >= {"login", "account-add"}
    page.which.setCurrentIndex(page.which.findData("user"))
    page.value.setText("view")
    page.refresh()
    qtbot.waitUntil(lambda: all(e.actor == "view" for e in page.model.rows), timeout=10000)
    page.verify()
    qtbot.waitUntil(lambda: "whole" in page.status.text(), timeout=10000)


def test_the_audit_window_lists_an_entry_changed_in_the_file_and_the_check_names_it(
    with_accounts, ui_ctx, qtbot
):
    """An entry whose date was changed in the file to text no date can be: the page lists
    it by its number as one that cannot be read, with the others, and the chain check names
    it; the page does not fail."""
    import sqlite3

    from justice_desk.services import audit_trail
    from justice_desk.ui.login import AuditWindow

    accounts.sign_in(with_accounts, "boss", "password-1")
    number = audit_trail.list_entries(with_accounts, limit=1).rows[0].number - 1
    raw = sqlite3.connect(with_accounts.target.path)
    with raw:
        raw.execute("DROP TRIGGER audit_events_no_update")
        raw.execute("UPDATE audit_events SET at = '2026-13-45 99:00' WHERE event_no = ?", (number,))
    raw.close()
    audit = AuditWindow(ui_ctx)
    qtbot.addWidget(audit)
    audit.show()
    page = audit.page
    qtbot.waitUntil(lambda: page.model.rowCount() > 2, timeout=10000)
    rows = {e.number: e for e in page.model.rows}
    assert rows[number].action == audit_trail.UNREADABLE
    row = page.model.rows.index(rows[number])
    texts = [page.model.data(page.model.index(row, c)) for c in range(page.model.columnCount())]
    assert "cannot be read" in texts and texts[1] == ""
    assert "changed after it was written" in texts[-1]
    assert "entries shown" in page.status.text()
    page.verify()
    qtbot.waitUntil(lambda: f"entry {number}" in page.status.text(), timeout=10000)


def test_a_province_without_accounts_asks_for_the_administrators_account(
    tmp_path, isolated_home, ui_settings, qapp, qtbot, monkeypatch
):
    """A province office's first account is its administrator (domain.access.FIRST_ROLE), so
    the bar and the dialog name the administrator, not a center's coordinator."""
    from justice_desk.services import setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner
    from justice_desk.ui.login import FirstAccountDialog, NoAccountsBar

    db = setup.init_province(tmp_path / "province.sqlite3", province="เชียงใหม่")
    ctx = AppContext(db=db, runner=JobRunner(), site=setup.this_site(db), settings=ui_settings)
    try:
        window = _window(ctx, qtbot)
        bar = window.findChild(NoAccountsBar, "noAccountsBar")
        assert bar is not None and bar.isVisible()
        words = " ".join(label.text() for label in bar.findChildren(QLabel))
        words += " ".join(button.text() for button in bar.findChildren(QPushButton))
        assert "administrator's account" in words and "coordinator" not in words
        seen: list[str] = []

        def look(dialog: FirstAccountDialog) -> int:
            seen.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
            return 0

        monkeypatch.setattr(FirstAccountDialog, "exec", look)
        bar.create_account()
        assert "administrator adds the officers" in seen[0] and "coordinator" not in seen[0]
    finally:
        ctx.runner.wait_for_done(10000)
        db.dispose()
