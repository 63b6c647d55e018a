"""Encryption at rest in the window, through real widgets and real encrypted files: the first-run
dialog makes an encrypted center and shows the recovery key once, the sign-in opens an
encrypted database (wrong passwords refused and slowed down), the recovery key typed in groups
(Thai digits) gives the coordinator a new password, the lock still works, and the recovery key
sheet is a real Thai PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QLabel

from justice_desk.services import accounts, encryption, setup
from justice_desk.storage import cipher, keyslots
from justice_desk.storage.locate import resolve_target

PASSWORD = "correct horse 2569"
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def encrypted_center(tmp_path: Path) -> tuple[Path, str]:
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
    made.db.dispose()
    return path, made.recovery_key


def test_first_run_makes_an_encrypted_center_and_shows_the_recovery_key_once(
    qtbot, typer, isolated_home, tmp_path: Path, monkeypatch
) -> None:
    from justice_desk import app
    from justice_desk.ui import unlock
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert "not encrypted" in dialog.findChild(QLabel, "demoNote").text()
    dialog.center_button.click()
    typer(dialog.fields["name"], "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ")
    typer(dialog.fields["code"], "500107")
    typer(dialog.fields["province"], "เชียงใหม่")
    typer(dialog.fields["coordinator_given_name"], "น้ำฝน")
    typer(dialog.fields["coordinator_surname"], "ปั้นทอง")
    # no account yet: refused before anything is written
    dialog.create_center()
    assert "login" in dialog.center_error.text().lower() and not dialog.db_path.exists()
    typer(dialog.center_account.login, "namfon")
    typer(dialog.center_account.first, PASSWORD)
    typer(dialog.center_account.again, "something else")
    dialog.create_center()
    assert "not the same" in dialog.center_error.text() and not dialog.db_path.exists()
    dialog.center_account.again.clear()
    typer(dialog.center_account.again, PASSWORD)
    dialog.create_center()
    assert dialog.chosen is not None and dialog.chosen.path == dialog.db_path
    path = dialog.db_path
    assert not cipher.is_plain(path) and keyslots.logins(path) == ["namfon"]
    assert "ศูนย์ยุติธรรม".encode() not in path.read_bytes()

    shown: list[str] = []

    def answer(self) -> int:
        # Shown once: OK waits for the box, Esc does not close it before.
        shown.append(self.findChild(QLabel, "recoveryKey").text())
        assert not self.ok.isEnabled()
        self.show()
        self.reject()
        assert self.isVisible()  # Esc does nothing until the box is ticked
        self.written.setChecked(True)
        assert self.ok.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(unlock.RecoveryKeyDialog, "exec", answer)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = app.start_main_window(resolve_target(str(path)), settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.attached, timeout=60000)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert len(shown[0].split("-")) == 8
    assert keyslots.unlock_with_recovery(path, shown[0])
    assert window.ctx.db.encrypted and window.ctx.db.actor.login == "namfon"
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    window.ctx.db.dispose()


def test_the_window_asks_for_a_password_to_open_an_encrypted_database(
    encrypted_center, qtbot, typer, tmp_path: Path, monkeypatch
) -> None:
    from justice_desk import app
    from justice_desk.ui import unlock

    path, _recovery = encrypted_center
    seen: list[str] = []

    def sign_in(self) -> int:
        form = self.form
        typer(form.login, "boss")
        typer(form.password, "not the password")
        qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
        seen.append(form.message.text())
        for _ in range(accounts.FREE_ATTEMPTS - 1):
            typer(form.password, "still not it")
            form.submit()
        assert not form.button.isEnabled()  # slowed down: the button waits
        seen.append(form.message.text())
        # the wait is over (as if the seconds had passed): the right password opens it
        keyslots.write_failures(path, {})
        form.button.setEnabled(True)
        typer(form.password, PASSWORD)
        form.submit()
        seen.append(form.message.text())
        return int(self.result())

    monkeypatch.setattr(unlock.UnlockDialog, "exec", sign_in)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = app.start_main_window(resolve_target(str(path)), settings)
    qtbot.addWidget(window)
    assert len(seen) == 3 and seen[2] == "", seen
    qtbot.waitUntil(lambda: window.attached, timeout=60000)
    assert "wrong" in seen[0] and "wait" in seen[1]
    db = window.ctx.db
    assert db.encrypted and db.actor.login == "boss"
    # the lock and unlock work on the encrypted database as on any other
    guard = window.session_guard
    guard.lock()
    assert guard.locked and window.findChild(type(guard.screen), "lockScreen").isVisible()
    typer(guard.screen.form.password, PASSWORD)
    guard.screen.form.submit()
    assert not guard.locked
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    db.dispose()


def test_every_password_lost_the_recovery_key_in_thai_digits_sets_a_new_one(
    encrypted_center, qtbot, typer
) -> None:
    from justice_desk.ui.unlock import UnlockDialog

    path, recovery = encrypted_center
    dialog = UnlockDialog(path, "ศูนย์")
    qtbot.addWidget(dialog)
    dialog.show()
    recovered = dialog.findChild(type(dialog.form.button), "forgotPasswords")
    assert recovered is not None

    from justice_desk.ui.unlock import RecoveryDialog

    rd = RecoveryDialog(path)
    qtbot.addWidget(rd)
    rd.show()
    groups = recovery.split("-")
    wrong = list(groups)
    wrong[3] = str((int(wrong[3][0]) + 1) % 10) + wrong[3][1:]
    for box, group in zip(rd.key.boxes, wrong, strict=True):
        typer(box, group)
    rd.open_with_key()
    assert "mistyped" in rd.key_message.text() and rd.db is None
    for box in rd.key.boxes:
        box.clear()
    # typed group by group in Thai digits: the cursor moves on by itself
    rd.key.boxes[0].setFocus()
    for ch in "".join(groups).translate(THAI):
        typer(rd.focusWidget(), ch)
    assert rd.key.text().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")) == recovery
    rd.open_with_key()
    assert rd.stack.currentIndex() == 1 and rd.account.currentData() == "boss"
    typer(rd.password, "brand new pass 1")
    typer(rd.again, "brand new pass 1")
    with qtbot.waitSignal(rd.accepted, timeout=60000):
        rd.set_password()
    assert rd.db is not None and rd.db.actor.login == "boss"
    rd.db.dispose()
    db = encryption.sign_in_encrypted(path, "boss", "brand new pass 1")
    db.dispose()


def test_the_recovery_key_sheet_is_a_thai_page_with_the_key(encrypted_center) -> None:
    import subprocess
    import tempfile

    path, recovery = encrypted_center
    db = encryption.sign_in_encrypted(path, "boss", PASSWORD)
    try:
        pdf = encryption.recovery_sheet_pdf(db, recovery)
    finally:
        db.dispose()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    assert text.count("\f") == 1  # one page
    for group in recovery.split("-"):
        assert group in text
    assert "กุญแจกู้คืนฐานข้อมูล" in text and "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ" in text


def test_restoring_an_encrypted_backup_asks_for_a_password_or_the_recovery_key(
    encrypted_center, qtbot, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.services import backups, people
    from justice_desk.ui import backup_ui
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner
    from justice_desk.ui.main_window import MainWindow

    path, recovery = encrypted_center
    db = encryption.sign_in_encrypted(path, "boss", PASSWORD)
    people.create_person(db, people.PersonInput(given_name="ก่อน", no_id_reason="t"))
    backup = backups.backup_to(db, tmp_path / "usb")
    people.create_person(db, people.PersonInput(given_name="หลัง", no_id_reason="t"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    ctx = AppContext(db=db, runner=JobRunner(), site=setup.this_site(db), settings=settings)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(
        backup_ui, "show_error", lambda p, text, title=None: told.append(("e", text))
    )
    monkeypatch.setattr(
        backup_ui, "show_info", lambda p, text, title=None: told.append(("i", text))
    )
    monkeypatch.setattr(backup_ui, "confirm", lambda *a, **k: True)
    answers = [("boss", "wrong password"), (None, recovery.translate(THAI))]

    def answer(self) -> int:
        login, secret = answers.pop(0)
        if login is None:
            self.use_recovery.setChecked(True)
            self.recovery.set_text(secret)
        else:
            self.login.setText(login)
            self.password.setText(secret)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(backup_ui.BackupSecretDialog, "exec", answer)
    action = window.findChild(QAction, "restoreAction")
    action.trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=60000)
    assert told[0][0] == "e" and "wrong" in told[0][1] and window.isVisible()
    action.trigger()  # now with the recovery key, typed in Thai digits
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60000)
    assert told[-1][0] == "i" and "restored" in told[-1][1]
    assert window.switch_to == path
    restored = encryption.sign_in_encrypted(path, "boss", PASSWORD)
    try:
        assert sorted(r.name for r in people.list_people(restored).rows) == ["ก่อน"]
    finally:
        restored.dispose()
