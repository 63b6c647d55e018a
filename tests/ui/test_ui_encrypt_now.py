"""The "Encrypt now" offer and the change of the database key, in the real window through real
widgets and real files: a plain center made by ``justice-desk init center`` is offered the
conversion right after its first account is created (not only at the next start) and opens
again encrypted with the recovery key shown once; at a start, a plain center with accounts is
offered it after the sign-in and the other accounts get temporary passwords; the coordinator
changes the key from File → Accounts… and the window opens again with the new recovery key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from justice_desk.domain.access import Role
from justice_desk.errors import SignInFailed, UserError
from justice_desk.services import accounts, encryption, setup
from justice_desk.storage import cipher, keyslots
from justice_desk.storage.database import open_database
from justice_desk.storage.locate import resolve_target

PASSWORD = "correct horse 2569"
CLERK = "clerk password 2569"


@pytest.fixture
def plain_center(tmp_path: Path) -> Path:
    """A real (not demo) center set up without an account, as ``justice-desk init center``
    without ``--login`` (or an earlier release) leaves it."""
    path = tmp_path / "center.sqlite3"
    setup.init_center(
        path, code="500107", name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", province="เชียงใหม่"
    ).dispose()
    assert cipher.is_plain(path)
    return path


def _answer_boxes(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """Message boxes answered by the label of the button to click; their texts are kept."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        label = answers.pop(0)
        button = next(b for b in box.buttons() if b.text() == label)
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


#: What the recovery key dialogs said around the key.
told: list[str] = []


def _recovery_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from justice_desk.ui import unlock

    shown: list[str] = []

    def answer(dialog: Any) -> int:
        shown.append(dialog.findChild(QLabel, "recoveryKey").text())
        told.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        assert not dialog.ok.isEnabled()  # not before the box is ticked
        dialog.written.setChecked(True)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(unlock.RecoveryKeyDialog, "exec", answer)
    return shown


def _start(path: Path, tmp_path: Path, qtbot: Any) -> Any:
    from justice_desk import app

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = app.start_main_window(resolve_target(str(path)), settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.attached, timeout=60000)
    return window


def _close(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=30000)
    window.close()
    window.ctx.db.dispose()


def test_encrypt_now_is_offered_right_after_the_first_account(
    plain_center: Path, qtbot, typer, tmp_path: Path, monkeypatch
) -> None:
    from justice_desk.ui.login import FirstAccountDialog, NoAccountsBar

    path = plain_center
    window = _start(path, tmp_path, qtbot)
    bar = window.findChild(NoAccountsBar, "noAccountsBar")
    assert bar is not None
    qtbot.waitUntil(bar.isVisible, timeout=5000)  # shown once the layout's queued show runs

    def create(dialog: FirstAccountDialog) -> int:
        typer(dialog.login, "Boss")
        typer(dialog.name, "สมชาย ใจดี")
        typer(dialog.password, PASSWORD)
        typer(dialog.again, PASSWORD)
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(FirstAccountDialog, "exec", create)
    asked = _answer_boxes(monkeypatch, ["Encrypt now"])
    bar.create_account()
    # asked at once, with what will happen; then the file is encrypted in place
    assert len(asked) == 1 and "Encrypt the database" in asked[0] and "recovery key" in asked[0]
    assert not cipher.is_plain(path) and keyslots.logins(path) == ["boss"]
    assert "ศูนย์ยุติธรรม".encode() not in path.read_bytes()
    assert not list(path.parent.glob("*.before-encryption-*"))  # the plain copy is gone
    # the window opens the database again, signed in, and shows the recovery key once
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert window.switch_to == path
    shown = _recovery_shown(monkeypatch)
    again = _start(path, tmp_path, qtbot)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert again.ctx.db.encrypted and again.ctx.db.actor.login == "boss"
    assert again.findChild(NoAccountsBar, "noAccountsBar") is None
    assert keyslots.unlock_with_recovery(path, shown[0])
    _close(again, qtbot)


def test_later_keeps_the_window_and_the_next_start_offers_it_again(
    plain_center: Path, qtbot, typer, tmp_path: Path, monkeypatch
) -> None:
    from justice_desk.ui import unlock
    from justice_desk.ui.login import FirstAccountDialog, LoginDialog, NoAccountsBar

    path = plain_center
    window = _start(path, tmp_path, qtbot)

    def create(dialog: FirstAccountDialog) -> int:
        for box, text in ((dialog.login, "boss"), (dialog.password, PASSWORD)):
            typer(box, text)
        typer(dialog.again, PASSWORD)
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(FirstAccountDialog, "exec", create)
    asked = _answer_boxes(monkeypatch, ["Later"])
    window.findChild(NoAccountsBar, "noAccountsBar").create_account()
    assert len(asked) == 1 and window.isVisible() and window.switch_to is None
    assert cipher.is_plain(path) and window.ctx.db.actor.login == "boss"
    # the window works on as before (a write)
    accounts.add_account(window.ctx.db, "clerk", "เสมียน", Role.SECRETARY, CLERK)
    _close(window, qtbot)

    # next start: the sign-in, then the offer again; the other account gets a temporary
    # password
    def sign_in(dialog: LoginDialog) -> int:
        typer(dialog.form.login, "boss")
        typer(dialog.form.password, PASSWORD)
        dialog.form.submit()
        return int(dialog.result())

    temporary: list[str] = []

    def set_temporary(dialog: Any) -> int:
        temporary.extend(dialog.fields)
        typer(dialog.fields["clerk"], "temporary 2569")
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    monkeypatch.setattr(unlock.TemporaryPasswordsDialog, "exec", set_temporary)
    asked = _answer_boxes(monkeypatch, ["Encrypt now"])
    shown = _recovery_shown(monkeypatch)
    again = _start(path, tmp_path, qtbot)
    qtbot.waitUntil(lambda: bool(temporary), timeout=10000)
    assert "clerk" in asked[0] and shown and temporary == ["clerk"]
    assert again.ctx.db.encrypted
    _close(again, qtbot)
    opened = encryption.sign_in_encrypted(path, "clerk", "temporary 2569")
    opened.dispose()


def test_the_coordinator_changes_the_database_key_from_the_accounts_window(
    qtbot, typer, tmp_path: Path, monkeypatch
) -> None:
    from justice_desk.ui import accounts_dialog, unlock
    from justice_desk.ui.login import open_accounts

    path = tmp_path / "center.sqlite3"
    made = encryption.set_up_encrypted(
        path,
        login="boss",
        name="สมชาย ใจดี",
        password=PASSWORD,
        create=lambda key: setup.init_center(
            path, code="500107", name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", province="เชียงใหม่", key=key
        ),
    )
    old_recovery = made.recovery_key
    accounts.add_account(made.db, "clerk", "เสมียน", Role.SECRETARY, CLERK)
    old_key = made.db.key
    assert old_key is not None
    unlock.hand_over(path, unlock.Handoff(made.db))
    window = _start(path, tmp_path, qtbot)
    messages: list[str] = []

    def rekey(dialog: Any) -> int:
        typer(dialog.password, "not my password")
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: window.runner.active == 0, timeout=30000)
        messages.append(dialog.strip.text())
        dialog.password.clear()
        typer(dialog.password, PASSWORD)
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=120000)
        return int(dialog.result())

    def manage(dialog: Any) -> int:
        assert dialog.rekey_button.isVisibleTo(dialog)
        dialog.rekey_button.click()
        return int(dialog.result())

    monkeypatch.setattr(accounts_dialog.RekeyDialog, "exec", rekey)
    monkeypatch.setattr(accounts_dialog.AccountsDialog, "exec", manage)
    open_accounts(window, window.ctx)
    assert "wrong" in messages[0]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert window.switch_to == path
    assert not cipher.key_opens(path, old_key)

    shown = _recovery_shown(monkeypatch)
    again = _start(path, tmp_path, qtbot)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0] != old_recovery and keyslots.unlock_with_recovery(path, shown[0])
    assert "new key" in told[-1] and "destroy the old sheet" in told[-1]
    with pytest.raises(UserError):
        encryption.open_with_recovery(path, old_recovery)
    assert again.ctx.db.actor.login == "boss" and again.ctx.db.key != old_key
    _close(again, qtbot)
    # the secretary's password still opens it; the secretary may not change the key
    clerk = encryption.sign_in_encrypted(path, "clerk", CLERK)
    try:
        with pytest.raises(UserError, match="may not"):
            encryption.rekey_database(clerk, CLERK)
    finally:
        clerk.dispose()
    with pytest.raises(SignInFailed):
        encryption.sign_in_encrypted(path, "boss", "not my password")
    opened = open_database(path, key=keyslots.unlock(path, "boss", PASSWORD))
    opened.dispose()
