"""Signing in to the window: the login dialog, the first account of a database from before
accounts, the lock after inactivity (unlock, or switch to another account), and what the role
of the person signed in hides.

The services check every write and refuse with ``NotAllowed`` whatever the window shows
(services/access.py); hiding here only spares people buttons that would refuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.access import Actor, Permission
from justice_desk.errors import SignInFailed, UserError
from justice_desk.i18n import _
from justice_desk.ui import settings as prefs
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.role_gate import apply_gates
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from justice_desk.storage.database import Database
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.main_window import MainWindow

LOCK_MINUTES_KEY = "security/lock_minutes"
DEFAULT_LOCK_MINUTES = 10
MAX_LOCK_MINUTES = 120

#: Pages shown only to roles with one of these permissions (the others are for every role).
PAGE_NEEDS: dict[str, tuple[Permission, ...]] = {
    "people": (Permission.READ_ALL, Permission.ASSIGNED_CASES),
    "cases": (Permission.READ_ALL, Permission.ASSIGNED_CASES),
    "sync": (Permission.SYNC, Permission.KEYS),
    "dashboard": (Permission.READ_ALL,),
    "escalations": (Permission.READ_ALL,),
    "conflicts": (Permission.SYNC,),
}
#: Menu actions (by object name) and what they need.
ACTION_NEEDS: dict[str, Permission] = {
    "backupAction": Permission.BACKUP,
    "restoreAction": Permission.RESTORE,
    "settingsAction": Permission.SETTINGS,
    "monthlyReportAction": Permission.PRINT,
    "auditAction": Permission.AUDIT,
    "accountsAction": Permission.ACCOUNTS,
}


def lock_minutes(settings: QSettings) -> int:
    """Minutes of inactivity before the window locks (``security/lock_minutes``; 0: never)."""
    return max(0, prefs.int_value(settings, LOCK_MINUTES_KEY, DEFAULT_LOCK_MINUTES))


def may_see_page(actor: Actor, key: str) -> bool:
    needs = PAGE_NEEDS.get(key)
    return needs is None or any(actor.may(p) for p in needs)


class SignInForm(QWidget):
    """Login name, password, a message line and a button; ``attempt(login, password)`` either
    returns (signed in) or raises ``SignInFailed``/``UserError``, shown on the message line.
    After several wrong passwords the button waits as long as the service says."""

    def __init__(
        self,
        attempt: Callable[[str, str], Any],
        *,
        button: str,
        login: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.attempt = attempt
        self.result: Any = None
        self.on_done: Callable[[Any], None] = lambda _result: None
        form = QFormLayout(self)
        self.login = QLineEdit(login, self)
        self.login.setObjectName("login")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Login name"), self.login)
        form.addRow(_("Password"), self.password)
        self.message = ThaiLabel("")
        self.message.setObjectName("signInMessage")
        self.message.setStyleSheet("color: #c62828")
        form.addRow(self.message)
        self.button = QPushButton(button, self)
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.login.returnPressed.connect(self.password.setFocus)
        form.addRow(self.button)
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(lambda: self.button.setEnabled(True))

    def focus(self) -> None:
        (self.password if self.login.text() else self.login).setFocus()

    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        login, password = self.login.text().strip(), self.password.text()
        # Argon2id takes a fraction of a second on purpose: the cursor says we are at it.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result = self.attempt(login, password)
        except SignInFailed as exc:
            self._refused(str(exc), exc.wait_seconds)
            return
        except UserError as exc:
            self._refused(str(exc), 0)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.password.clear()
        self.message.setText("")
        self.on_done(self.result)

    def _refused(self, message: str, wait_seconds: int) -> None:
        self.message.setText(message)
        self.password.clear()
        self.password.setFocus()
        if wait_seconds:
            self.button.setEnabled(False)
            self._wait.start(wait_seconds * 1000)


class LoginDialog(QDialog):
    """Asked at the start when the database has accounts (and to unlock an encrypted one)."""

    def __init__(
        self,
        attempt: Callable[[str, str], Any],
        *,
        site_name: str,
        login: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Sign in — {name}").format(name=site_name))
        layout = QVBoxLayout(self)
        layout.addWidget(
            ThaiLabel(
                _(
                    "Each person signs in with their own account, so that the records show "
                    "who did what (the Personal Data Protection Act)."
                )
            )
        )
        self.form = SignInForm(attempt, button=_("Sign in"), login=login, parent=self)
        self.form.on_done = lambda _result: self.accept()
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.form.focus()

    @property
    def result_value(self) -> Any:
        return self.form.result


def sign_in_dialog(db: Database, site_name: str, parent: QWidget | None = None) -> Actor | None:
    """The login dialog for ``db``; the actor signed in, or ``None`` when cancelled."""
    from justice_desk.services import accounts

    dialog = LoginDialog(
        lambda login, password: accounts.sign_in(db, login, password),
        site_name=site_name,
        parent=parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    result = dialog.result_value
    return result if isinstance(result, Actor) else None


def sign_in_before_attach(window: QWidget, db: Database, site_name: str, *, demo: bool) -> bool:
    """At the start, once the database is open: a database with accounts asks who is there
    (``False``: cancelled, the app ends). One without accounts opens as before accounts; the
    window then offers to create the first account (``install_session``)."""
    if db.has_accounts():
        return sign_in_dialog(db, site_name, window) is not None
    return True


class FirstAccountDialog(QDialog):
    """A database from before accounts (or set up without one): create the coordinator's
    account (the administrator's at a province office) now, or later."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, province: bool = False
    ) -> None:
        super().__init__(parent)
        self.db = db
        #: The login and password of the account made (the conversion offered next needs them).
        self.used: tuple[str, str] | None = None
        self.setObjectName("firstAccountDialog")
        self.setWindowTitle(_("Create the first account"))
        layout = QVBoxLayout(self)
        if province:
            explanation = _(
                "This database has no accounts yet: anyone who opens it can read and change "
                "every record. Create the administrator's account now; from then on everyone "
                "signs in with their own account, and the administrator adds the officers."
            )
        else:
            explanation = _(
                "This database has no accounts yet: anyone who opens it can read and change "
                "every record. Create the coordinator's account now; from then on everyone "
                "signs in with their own account, and the coordinator adds the others."
            )
        layout.addWidget(ThaiLabel(explanation))
        form = QFormLayout()
        self.login = QLineEdit(self)
        self.login.setObjectName("newLogin")
        self.name = QLineEdit(self)
        self.name.setObjectName("newName")
        self.password = QLineEdit(self)
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setObjectName("newPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Login name"), self.login)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Password again"), self.again)
        layout.addLayout(form)
        self.message = ThaiLabel("")
        self.message.setObjectName("firstAccountMessage")
        self.message.setStyleSheet("color: #c62828")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton(
            _("Create the account"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setObjectName("createAccount")
        later = buttons.addButton(_("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("later")
        self.create_button.clicked.connect(self.submit)
        later.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        from justice_desk.services import accounts

        try:
            accounts.check_password(self.password.text(), self.again.text())
            accounts.create_first_account(
                self.db, self.login.text(), self.name.text(), self.password.text()
            )
            accounts.sign_in(self.db, self.login.text(), self.password.text())
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.used = (self.login.text().strip().lower(), self.password.text())
        self.accept()


class NoAccountsBar(QFrame):
    """Above the pages of a database without accounts (an upgraded one, or one set up without
    an account): it says that anyone can use it and offers to create the first account."""

    def __init__(self, window: MainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        from PySide6.QtWidgets import QHBoxLayout

        self.main = window
        self.ctx = ctx
        self.title_before = window.windowTitle()
        self.setObjectName("noAccountsBar")
        self.setStyleSheet("#noAccountsBar { background: #fff8e1; }")
        row = QHBoxLayout(self)
        if ctx.is_province:
            explanation = _(
                "This database has no accounts yet: anyone who opens it can read and "
                "change every record. Create the administrator's account to make everyone "
                "sign in."
            )
            action = _("Create the administrator's account…")
        else:
            explanation = _(
                "This database has no accounts yet: anyone who opens it can read and "
                "change every record. Create the coordinator's account to make everyone "
                "sign in."
            )
            action = _("Create the coordinator's account…")
        row.addWidget(ThaiLabel(explanation), 1)
        create = QPushButton(action, self)
        create.setObjectName("createFirstAccount")
        create.clicked.connect(self.create_account)
        row.addWidget(create)

    def create_account(self) -> None:
        dialog = FirstAccountDialog(self.ctx.db, self.main, province=self.ctx.is_province)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.hide()
            self.main.setWindowTitle(self.title_before)
            self.main.session_guard = install_session(self.main, self.ctx)
            if dialog.used is not None:
                # A real center's plain database: encrypting it is offered now, not at the
                # next start (its first account's password is what opens it).
                from justice_desk.ui import unlock

                unlock.offer_after_first_account(self.main, self.ctx, *dialog.used)


# ------------------------------------------------------------------------------------------
# The lock


class LockScreen(QFrame):
    """Covers the whole window while it is locked: the same person's password unlocks it,
    another account's switches to that person."""

    def __init__(self, guard: SessionGuard, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockScreen { background: #eceff1; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame(self)
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        self.note = ThaiLabel("")
        self.note.setObjectName("lockNote")
        inner.addWidget(self.note)
        self.form = SignInForm(guard.unlock_as, button=_("Unlock"), parent=box)
        inner.addWidget(self.form)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.hide()

    def show_for(self, actor: Actor) -> None:
        self.note.setText(
            _(
                "The window is locked. {name} unlocks it with their password; another person "
                "signs in with their own account instead."
            ).format(name=actor.name or actor.login or "")
        )
        self.form.login.setText(actor.login or "")
        self.form.message.setText("")
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.form.focus()


class SessionGuard(QObject):
    """Watches for input anywhere in the app; after ``minutes`` without any, locks the window.
    Installed by ``install_session`` when the database has accounts."""

    def __init__(self, window: MainWindow, ctx: AppContext, minutes: int) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.locked = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.screen = LockScreen(self, window)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes > 0 and not self.locked:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def set_timeout_ms(self, ms: int) -> None:
        """For tests: a short inactivity time."""
        self.timer.start(ms)

    _INPUT = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        }
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        elif event.type() in self._INPUT and not self.locked and self.timer.isActive():
            self.timer.start()  # the same interval again
        return False

    def lock(self) -> None:
        if self.locked or not self.window.isVisible():
            return
        from justice_desk.services import accounts

        self.locked = True
        self.timer.stop()
        self._set_window_enabled(False)
        self.screen.show_for(self.ctx.db.actor)
        try:
            accounts.record_session_event(self.ctx.db, "lock", self.ctx.db.actor.login)
        except UserError:
            pass  # a busy or read-only database: the window locks all the same

    def _set_window_enabled(self, enabled: bool) -> None:
        self.window.menuBar().setEnabled(enabled)
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(enabled)

    def unlock_as(self, login: str, password: str) -> Actor:
        """The lock screen's attempt: the same person unlocks, another account switches."""
        from justice_desk.services import accounts

        db = self.ctx.db
        before = db.actor
        actor = accounts.authenticate(db, login, password)
        db.sign_in(actor)
        switched = actor.login != before.login
        accounts.record_session_event(
            db,
            "switch-user" if switched else "unlock",
            f"{before.login} -> {actor.login}" if switched else actor.login,
        )
        self.locked = False
        self.screen.hide()
        self._set_window_enabled(True)
        if switched:
            apply_role(self.window, actor)
        self.set_minutes(self.minutes)
        return actor


def apply_role(window: MainWindow, actor: Actor) -> None:
    """Hide the pages and menu actions the role cannot use; show who is signed in."""
    nav = window.nav
    for row in range(nav.count()):
        item = nav.item(row)
        key = str(item.data(Qt.ItemDataRole.UserRole))
        item.setHidden(not may_see_page(actor, key))
    for name, permission in ACTION_NEEDS.items():
        action = window.findChild(QAction, name)
        if action is not None:
            action.setVisible(actor.may(permission))
    apply_gates(window, actor)  # write buttons the role cannot use (ui/role_gate.py)
    current = nav.currentItem()
    if current is not None and current.isHidden():
        for row in range(nav.count()):
            if not nav.item(row).isHidden():
                nav.setCurrentRow(row)
                break
    who = window.findChild(QLabel, "signedIn")
    if who is not None:
        who.setText(
            _("Signed in: {name} ({role})").format(
                name=actor.name or actor.login or "",
                role=actor.role.label() if actor.role else "",
            )
            if actor.signed_in
            else ""
        )


class AuditWindow(QDialog):
    """File → Audit trail…: the audit page in a window of its own (ui/pages/audit.py)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from justice_desk.ui.pages.audit import AuditPage

        self.setObjectName("auditWindow")
        self.setWindowTitle(_("Audit trail"))
        layout = QVBoxLayout(self)
        self.page = AuditPage(ctx, self)
        layout.addWidget(self.page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        translate_buttons(buttons)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(1100, 640)


def open_accounts(window: MainWindow, ctx: AppContext) -> None:
    """File → Accounts… (the coordinator, the province administrator): ui/accounts_dialog.py."""
    from justice_desk.ui import unlock
    from justice_desk.ui.accounts_dialog import AccountsDialog

    dialog = AccountsDialog(ctx, window)
    dialog.on_own_role_changed = lambda: apply_role(window, ctx.db.actor)
    dialog.may_close_window = lambda: unlock.may_reopen(window)
    dialog.on_rekeyed = lambda handoff: unlock.reopen_with(window, handoff)
    dialog.exec()
    dialog.deleteLater()  # not left among the window's children (see AccountsDialog.rekey)


def _file_menu(window: MainWindow) -> QMenu | None:
    # The window keeps its File menu (on PySide6 6.7 ``QAction.menu()`` can hand back a wrapper
    # whose menu is already gone).
    menu = getattr(window, "file_menu", None)
    if isinstance(menu, QMenu):
        return menu
    menus = window.menuBar().actions()
    found = menus[0].menu() if menus else None
    return found if isinstance(found, QMenu) else None


def _add_before_quit(window: MainWindow, action: QAction) -> None:
    window.addAction(action)
    menu = _file_menu(window)
    if menu is not None:
        quit_action = next((a for a in menu.actions() if a.text() == _("Quit")), None)
        if quit_action is not None:
            menu.insertAction(quit_action, action)


def install_session(window: MainWindow, ctx: AppContext) -> SessionGuard | None:
    """After ``attach``: File → Audit trail…; on a database with accounts also the role's view,
    the signed-in line, File → Lock and the inactivity lock. A database without accounts says
    so in the title and offers to create the first account (not the demo)."""
    db = ctx.db
    if window.findChild(QAction, "auditAction") is None:
        audit = QAction(_("Audit trail…"), window)
        audit.setObjectName("auditAction")
        audit.triggered.connect(lambda: AuditWindow(ctx, window).show())
        _add_before_quit(window, audit)
    lock = window.findChild(QAction, "lockAction")
    if lock is None:
        lock = QAction(_("Lock the window"), window)
        lock.setObjectName("lockAction")
        lock.setShortcut(QKeySequence("Ctrl+L"))
        _add_before_quit(window, lock)
    if not db.has_accounts():
        # Nobody could unlock it: there is no account yet. The key says so instead.
        lock.triggered.connect(
            lambda: (
                window.statusBar().showMessage(
                    _("The window cannot lock: this database has no accounts yet."), 8000
                )
                if not db.has_accounts()
                else None
            )
        )
        if not ctx.demo:
            bar = NoAccountsBar(window, ctx)
            window.setWindowTitle(
                bar.title_before + " — " + _("no accounts yet: anyone can use it")
            )
            window.notices.addWidget(bar)
        return None
    if window.findChild(QAction, "accountsAction") is None:
        manage = QAction(_("Accounts…"), window)
        manage.setObjectName("accountsAction")
        manage.triggered.connect(lambda: open_accounts(window, ctx))
        _add_before_quit(window, manage)
    label = QLabel(window)
    label.setObjectName("signedIn")
    window.statusBar().addPermanentWidget(label)
    guard = SessionGuard(window, ctx, lock_minutes(ctx.settings))
    lock.triggered.connect(guard.lock)
    apply_role(window, db.actor)
    return guard
