"""Encryption at rest in the window: signing in to open an encrypted database, the recovery key
(typed back in groups, or shown once to print), the conversion of a plain database on the first
start after the upgrade, and temporary passwords for the accounts the conversion left without
a key slot (docs/architecture.md §19).

The services do the work (``services.encryption``); this module asks and shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Permission
from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.ui.dialogs import confirm, show_error, show_info, translate_buttons
from justice_desk.ui.login import LoginDialog
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.storage.database import Database
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.main_window import MainWindow

GROUPS = 8
GROUP_LEN = 5
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


# ----------------------------------------------------------------------------------------------
# Handing an open database from the first-run dialog to the window


@dataclass
class Handoff:
    """A database the first-run dialog (or a conversion) opened and signed in, with the
    recovery key to show once the window is ready."""

    db: Database
    recovery_key: str | None = None
    #: Accounts left without a key slot by a conversion (they need a temporary password).
    unslotted: list[str] = field(default_factory=list)
    #: The recovery key replaces an earlier one (the database key was changed).
    rekeyed: bool = False


_handoffs: dict[Path, Handoff] = {}


def hand_over(path: Path, handoff: Handoff) -> None:
    _handoffs[path.resolve()] = handoff


def take_handoff(path: Path) -> Handoff | None:
    return _handoffs.pop(path.resolve(), None)


# ----------------------------------------------------------------------------------------------
# The recovery key, typed back


class RecoveryKeyEdit(QWidget):
    """Eight boxes of five digits; the cursor moves on by itself, Thai digits are accepted and
    a whole key pasted into the first box fills them all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[QLineEdit] = []
        for i in range(GROUPS):
            box = QLineEdit(self)
            box.setObjectName(f"recoveryGroup{i + 1}")
            box.setAccessibleName(_("Group {number} of the recovery key").format(number=i + 1))
            box.setMaxLength(64)  # a pasted key is spread over the boxes
            box.setMinimumWidth(box.fontMetrics().horizontalAdvance("00000") + 16)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.textEdited.connect(self._edited_slot(i))
            row.addWidget(box)
            if i < GROUPS - 1:
                row.addWidget(QLabel("-", self))
            self.boxes.append(box)

    def _edited_slot(self, index: int) -> Any:
        """The slot of group ``index``'s box (a closure, not a defaulted lambda parameter)."""
        return lambda text: self._edited(index, text)

    def _edited(self, index: int, text: str) -> None:
        digits = "".join(c for c in text.translate(_THAI_DIGITS) if c.isdigit())
        if len(digits) > GROUP_LEN:  # pasted: fill this box and the next ones
            for j in range(index, GROUPS):
                part = digits[(j - index) * GROUP_LEN : (j - index + 1) * GROUP_LEN]
                self.boxes[j].setText(part)
            last = min(GROUPS - 1, index + (len(digits) - 1) // GROUP_LEN)
            self.boxes[last].setFocus()
            return
        if len(digits) == GROUP_LEN and index < GROUPS - 1:
            self.boxes[index + 1].setFocus()
            self.boxes[index + 1].selectAll()

    def text(self) -> str:
        return "-".join(box.text().strip() for box in self.boxes)

    def set_text(self, key: str) -> None:
        self.boxes[0].clear()
        self.boxes[0].setText(key)
        self._edited(0, key)


class RecoveryDialog(QDialog):
    """Every password lost: the recovery key opens the database, then a coordinator's account
    gets a new password and is signed in. ``self.db`` is the open database when accepted."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.db: Database | None = None
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(_("Open with the recovery key"))
        self.stack = QStackedWidget(self)

        first = QWidget()
        v = QVBoxLayout(first)
        v.addWidget(
            ThaiLabel(
                _(
                    "Type the recovery key printed when the database was set up (the sheet the "
                    "chairperson keeps), group by group. Thai or Arabic digits are both fine."
                )
            )
        )
        self.key = RecoveryKeyEdit(first)
        v.addWidget(self.key)
        self.key_message = ThaiLabel("")
        self.key_message.setObjectName("recoveryMessage")
        self.key_message.setStyleSheet("color: #c62828")
        v.addWidget(self.key_message)
        self.open_button = QPushButton(_("Open the database"), first)
        self.open_button.setObjectName("openWithRecovery")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_with_key)
        v.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        self.stack.addWidget(first)

        second = QWidget()
        f = QFormLayout(second)
        f.addRow(
            ThaiLabel(
                _(
                    "The key is right. Choose the coordinator's account and give it a new "
                    "password; the other accounts keep theirs."
                )
            )
        )
        self.account = QComboBox(second)
        self.account.setObjectName("recoveryAccount")
        self.password = QLineEdit(second)
        self.password.setObjectName("recoveryPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(second)
        self.again.setObjectName("recoveryPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        f.addRow(_("Account"), self.account)
        f.addRow(_("New password"), self.password)
        f.addRow(_("Password again"), self.again)
        self.password_message = ThaiLabel("")
        self.password_message.setObjectName("recoveryPasswordMessage")
        self.password_message.setStyleSheet("color: #c62828")
        f.addRow(self.password_message)
        self.set_button = QPushButton(_("Set the password and sign in"), second)
        self.set_button.setObjectName("setRecoveryPassword")
        self.set_button.clicked.connect(self.set_password)
        f.addRow(self.set_button)
        self.stack.addWidget(second)

        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.key.boxes[0].setFocus()

    def open_with_key(self) -> None:
        from justice_desk.services import encryption

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            db = encryption.open_with_recovery(self.path, self.key.text())
        except UserError as exc:
            self.key_message.setText(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.db = db
        self.account.clear()
        for login, name in encryption.recovery_accounts(db):
            self.account.addItem(f"{name} ({login})", login)
        if self.account.count() == 0:
            self.password_message.setText(
                _("This database has no enabled coordinator's account to give a password to.")
            )
            self.set_button.setEnabled(False)
        self.stack.setCurrentIndex(1)
        self.password.setFocus()

    def set_password(self) -> None:
        from justice_desk.services import accounts, encryption

        assert self.db is not None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            accounts.check_password(self.password.text(), self.again.text())
            encryption.reset_with_recovery(
                self.db, str(self.account.currentData()), self.password.text()
            )
        except UserError as exc:
            self.password_message.setText(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()

    def reject(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None
        super().reject()


# ----------------------------------------------------------------------------------------------
# Signing in to an encrypted database


class UnlockDialog(LoginDialog):
    """The sign-in of an encrypted database: the account's password opens it (its key slot),
    or, with every password lost, the recovery key. ``self.db``: the open database."""

    def __init__(self, path: Path, site_name: str, parent: QWidget | None = None) -> None:
        from justice_desk.services import encryption

        self.path = path
        self.db: Database | None = None
        super().__init__(
            lambda login, password: encryption.sign_in_encrypted(path, login, password),
            site_name=site_name,
            parent=parent,
        )
        self.setObjectName("unlockDialog")
        note = ThaiLabel(_("The database is encrypted: your password opens it."))
        note.setStyleSheet("color: #555")
        box = self.layout()
        assert isinstance(box, QVBoxLayout)
        box.insertWidget(1, note)
        forgot = QPushButton(_("Forgot every password? Use the recovery key…"), self)
        forgot.setObjectName("forgotPasswords")
        forgot.setFlat(True)
        forgot.clicked.connect(self.use_recovery_key)
        box.insertWidget(3, forgot)
        self.form.on_done = self._opened
        self.resize(520, self.sizeHint().height())

    def _opened(self, db: Any) -> None:
        self.db = db
        self.accept()

    def use_recovery_key(self) -> None:
        dialog = RecoveryDialog(self.path, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.db is not None:
            self.db = dialog.db
            self.accept()


def unlock_database(path: Path, site_name: str, parent: QWidget | None = None) -> Database | None:
    """Ask for a password (or the recovery key) and open the encrypted database at ``path``,
    signed in; ``None`` when cancelled."""
    dialog = UnlockDialog(path, site_name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.db


# ----------------------------------------------------------------------------------------------
# The recovery key, shown once


class RecoveryKeyDialog(QDialog):
    """The recovery key of a database just encrypted, shown this once: a Print… button (the
    sheet for the chairperson, ``documents/recovery_sheet.py``) and a box to tick before it
    closes."""

    def __init__(
        self,
        ctx: AppContext,
        recovery_key: str,
        parent: QWidget | None = None,
        *,
        rekeyed: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.recovery_key = recovery_key
        self.print_task: Any = None
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(_("The recovery key"))
        layout = QVBoxLayout(self)
        text = (
            _(
                "The database has a new key. This new recovery key opens it when every "
                "password is lost; the old recovery key no longer does: destroy the old sheet. "
                "It is shown only now and kept nowhere: print it (or write it down) for the "
                "chairperson to keep locked away, apart from the computer."
            )
            if rekeyed
            else _(
                "The database is encrypted. This recovery key opens it when every password "
                "is lost. It is shown only now and kept nowhere: print it (or write it down) "
                "for the chairperson to keep locked away, apart from the computer."
            )
        )
        layout.addWidget(ThaiLabel(text))
        shown = QLabel(recovery_key, self)
        shown.setObjectName("recoveryKey")
        font = QFont(self.font())
        font.setFamilies(["DejaVu Sans Mono", "Monospace"])
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        shown.setFont(font)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        shown.setStyleSheet("padding: 12px; background: #fffde7; border: 1px solid #999;")
        layout.addWidget(shown)
        self.print_button = QPushButton(_("Print the recovery key sheet…"), self)
        self.print_button.setObjectName("printRecoveryKey")
        self.print_button.clicked.connect(self.print_sheet)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.written = QCheckBox(
            _("I have printed or written down the recovery key, to give to the chairperson"), self
        )
        self.written.setObjectName("recoveryWritten")
        layout.addWidget(self.written)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        translate_buttons(buttons)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("recoveryDone")
        self.ok.setEnabled(False)
        self.written.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(720, self.sizeHint().height())

    def print_sheet(self) -> None:
        from justice_desk.services import encryption
        from justice_desk.ui import print_preview

        self.print_task = print_preview.preview_document(
            self,
            self.ctx,
            print_preview.PrintRequest(
                kind="recovery-key",
                title=_("The recovery key"),
                file_name="recovery-key.pdf",
                job_title=_("Preparing the recovery key sheet"),
                build=encryption.recovery_sheet_pdf,
                args=(self.ctx.db, self.recovery_key),
            ),
        )

    def reject(self) -> None:
        # Esc or the window's close box: only once the key has been written down.
        if self.written.isChecked():
            super().reject()


# ----------------------------------------------------------------------------------------------
# The first start after the upgrade: encrypting a plain database


def _capture_sign_in(window: QWidget, db: Database, site_name: str) -> tuple[str, str] | None:
    """The login dialog on a plain database with accounts; the login and password used."""
    from justice_desk.services import accounts

    used: dict[str, str] = {}

    def attempt(login: str, password: str) -> Any:
        actor = accounts.sign_in(db, login, password)
        used.update(login=login, password=password)
        return actor

    dialog = LoginDialog(attempt, site_name=site_name, parent=window)
    if dialog.exec() != QDialog.DialogCode.Accepted or "login" not in used:
        return None
    return used["login"], used["password"]


def offer_conversion(
    window: QWidget, db: Database, login: str, password: str, *, first_account: bool = False
) -> Handoff | None:
    """Offer to encrypt ``db`` (plain, signed in as ``login``): the message, a copy first, the
    encryption; returns the encrypted database signed in, with the recovery key, or ``None``
    when the person chose "Later" (``db`` stays open). When the encryption is refused, that is
    said and the plain database is opened again (a handoff without a recovery key)."""
    from justice_desk.services import accounts, encryption

    path = db.target.path
    assert path is not None
    others = [a.login for a in accounts.list_accounts(db) if a.enabled and a.login != login.lower()]
    text = encryption.conversion_message(path, first_account=first_account)
    if others:
        text += "\n\n" + _(
            "Only your password will open the encrypted database at first. The other accounts "
            "({logins}) need their passwords set again: you are asked next for a temporary "
            "password for each, to tell them."
        ).format(logins=", ".join(others))
    if not confirm(
        window, text, yes=_("Encrypt now"), no=_("Later"), title=_("Encrypt the database")
    ):
        return None
    from justice_desk.storage.database import open_database

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    failure: str | None = None
    try:
        db.dispose()  # no connection may stay open on the file being encrypted
        try:
            done = encryption.encrypt_database(path, login=login, password=password)
        except UserError as exc:
            failure = str(exc)
            plain = open_database(path)
            accounts.sign_in(plain, login, password)
        else:
            encrypted = encryption.sign_in_encrypted(path, login, password)
    finally:
        QGuiApplication.restoreOverrideCursor()
    if failure is not None:
        show_error(window, failure, _("Encrypt the database"))
        return Handoff(plain)
    if done.plain_copies:
        show_info(
            window,
            _(
                "These copies of the database taken before are still readable by anyone who "
                "copies them: {paths}. Delete them, or keep them locked away."
            ).format(paths=", ".join(str(p) for p in done.plain_copies)),
            _("Encrypt the database"),
        )
    return Handoff(encrypted, done.recovery_key, others)


def before_attach(
    window: MainWindow, db: Database, site_name: str, *, demo: bool
) -> Database | None:
    """At the start, once the database is open: sign in (a database with accounts), and on a
    plain database of a real site offer the conversion. The database to attach (the same, or
    the encrypted one), or ``None`` when the sign-in was cancelled."""
    from justice_desk.services import encryption

    if db.actor.signed_in or not db.has_accounts():
        return db
    used = _capture_sign_in(window, db, site_name)
    if used is None:
        return None
    path = db.target.path
    if (
        demo
        or path is None
        or not db.actor.may(Permission.KEYS)
        or not encryption.conversion_due(path)
    ):
        return db
    handoff = offer_conversion(window, db, *used)
    if handoff is None:
        return db
    remember(window, handoff)
    return handoff.db


def may_reopen(window: MainWindow) -> bool:
    """Whether the window may close to reopen its database (a page with unsaved changes asks
    first, as when quitting)."""
    page = window.current_page()
    return page is None or page.can_leave()


def reopen_with(window: MainWindow, handoff: Handoff) -> None:
    """The database was encrypted or re-keyed under the window: close the window and open it
    again on ``handoff`` (the database open and signed in, the recovery key to show once).
    No closing backup: the window's old connection no longer opens the file."""
    from justice_desk.ui.backup_ui import AutoBackup

    path = handoff.db.target.path
    assert path is not None
    hand_over(path, handoff)
    for guard in window.close_guards:
        owner = getattr(guard, "__self__", None)
        if isinstance(owner, AutoBackup):
            owner.skip_closing_backup()
    window.switch_to = path

    def close_when_idle() -> None:
        # The write that changed the file may still count as running (its on_done called this):
        # closing then would ask whether to stop background work.
        if window.runner.busy:
            QTimer.singleShot(50, close_when_idle)
            return
        window.close()

    QTimer.singleShot(0, close_when_idle)


def offer_after_first_account(
    window: MainWindow, ctx: AppContext, login: str, password: str
) -> None:
    """Right after the first account of a real site's plain database is made (the bar above
    the pages): offer the conversion now. Encrypted, the window opens the database again
    with the recovery key to print; "Later" leaves it plain until the next start asks."""
    from justice_desk.services import encryption

    db = ctx.db
    path = db.target.path
    if (
        ctx.demo
        or path is None
        or not db.actor.may(Permission.KEYS)
        or not encryption.conversion_due(path)
        or not may_reopen(window)
    ):
        return
    handoff = offer_conversion(window, db, login, password, first_account=True)
    if handoff is None:
        return
    if handoff.recovery_key is None:  # refused (and said so): the window goes on as it was
        handoff.db.dispose()
        return
    reopen_with(window, handoff)


_pending: dict[int, Handoff] = {}


def remember(window: QWidget, handoff: Handoff) -> None:
    """What ``after_attach`` shows once ``window`` has attached the database."""
    _pending[id(window)] = handoff


def encrypted_file(path: Path) -> bool:
    """An encrypted database file (a key file beside it, no SQLite header): read with the
    standard library only, as the window's frame is made before the storage layer loads."""
    if not path.is_file() or not Path(str(path) + ".keys").is_file():
        return False
    try:
        with path.open("rb") as fh:
            return fh.read(16) != b"SQLite format 3\x00"
    except OSError:
        return False


def after_attach(window: MainWindow) -> None:
    """Once the window shows the database: the recovery key (once), then temporary passwords
    for the accounts a conversion left without a key slot."""
    handoff = _pending.pop(id(window), None)
    if handoff is None or not window.attached:
        return
    if handoff.recovery_key:
        RecoveryKeyDialog(window.ctx, handoff.recovery_key, window, rekeyed=handoff.rekeyed).exec()
    if handoff.unslotted:
        TemporaryPasswordsDialog(window.ctx, handoff.unslotted, window).exec()


# ----------------------------------------------------------------------------------------------
# Temporary passwords after a conversion


class TemporaryPasswordsDialog(QDialog):
    """After a conversion, the other accounts cannot open the encrypted database until their
    passwords are set again: the coordinator gives each a temporary password here."""

    def __init__(self, ctx: AppContext, logins: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("temporaryPasswords")
        self.setWindowTitle(_("Temporary passwords"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            ThaiLabel(
                _(
                    "These accounts cannot open the encrypted database until their passwords "
                    "are set again. Give each a temporary password (at least 8 characters) and "
                    "tell the person. An account left empty can be given one later with "
                    "“justice-desk user password”."
                )
            )
        )
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for login in logins:
            edit = QLineEdit(self)
            edit.setObjectName(f"temporary-{login}")
            self.fields[login] = edit
            form.addRow(login, edit)
        layout.addLayout(form)
        self.message = ThaiLabel("")
        self.message.setObjectName("temporaryMessage")
        self.message.setStyleSheet("color: #c62828")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.set_button = buttons.addButton(
            _("Set these passwords"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.set_button.setObjectName("setTemporaryPasswords")
        later = buttons.addButton(_("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        self.set_button.clicked.connect(self.submit)
        later.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        from justice_desk.services import accounts
        from justice_desk.ui.operations import call_and_wait

        given = {login: e.text() for login, e in self.fields.items() if e.text()}
        try:
            for password in given.values():
                accounts.check_password(password)
        except UserError as exc:
            self.message.setText(str(exc))
            return

        def set_all() -> None:
            for login, password in given.items():
                accounts.change_password(self.ctx.db, login, password)

        ok, _result = call_and_wait(
            self,
            self.ctx,
            _("Setting passwords"),
            set_all,
            changes=(),
            on_refused=lambda exc: self.message.setText(str(exc)),
            busy=[self.set_button],
        )
        if ok:
            self.accept()
