"""File → Accounts…: the coordinator (at a province office, the administrator) lists the
accounts, adds one, disables or enables one, sets a temporary password and changes a role; on
an encrypted database, changes the database key (after an account is disabled, or a password
or the laptop is known to be in the wrong hands: ``services.encryption.rekey_database``).

Every write goes through ``operations.run_write`` to ``services/accounts.py``, which checks the
permission and the rules (the last enabled coordinator stays; a mediator's account names its
person; passwords as the command line asks them) and, on an encrypted database, adds or
replaces the account's key slot (``accounts._stage_slot``). A refusal is shown in the dialog's
message line; nothing was changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain import access as rules
from justice_desk.domain.access import Role
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services import accounts
from justice_desk.services.accounts import AccountInfo
from justice_desk.ui import dialogs, operations
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.form_fields import MessageStrip, required_label
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.write_dialogs import Write, WritingDialog

if TYPE_CHECKING:
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.unlock import Handoff

CHANGES = frozenset({"accounts"})


def _password_box(parent: QWidget, name: str) -> QLineEdit:
    box = QLineEdit(parent)
    box.setObjectName(name)
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


def _role_box(ctx: AppContext, parent: QWidget, current: Role | None = None) -> QComboBox:
    """The roles this kind of site has (a center's four, a province office's two)."""
    box = QComboBox(parent)
    box.setObjectName("role")
    for role in rules.roles_of(ctx.site.kind):
        box.addItem(role.label(), role.value)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current.value)))
    return box


class _MediatorPerson(QWidget):
    """For a mediator's account: the mediator in the people register (shown only when the role
    chosen is mediator)."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        from justice_desk.ui.person_picker import PersonPicker

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            ThaiLabel(
                _(
                    "A mediator's account sees the cases this person mediates: choose the "
                    "mediator in the people register."
                ),
                self,
            )
        )
        self.picker = PersonPicker(ctx.db, parent=self)
        self.picker.setObjectName("mediatorPerson")
        layout.addWidget(self.picker, 1)

    def person_id(self) -> uuid.UUID | None:
        chosen = self.picker.chosen
        return chosen.id if chosen is not None else None


class AddAccountDialog(WritingDialog):
    """A new account: login, name, role, and its first password typed twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Add an account"), _("Add the account"), parent, changes=CHANGES)
        self.setObjectName("addAccountDialog")
        self.login = QLineEdit(self)
        self.login.setObjectName("login")
        self.login.setPlaceholderText(_("for example somchai or s.jaidee"))
        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.role = _role_box(ctx, self, Role.VIEWER if not ctx.is_province else Role.OFFICER)
        self.person = _MediatorPerson(ctx, self)
        self.password = _password_box(self, "password")
        self.again = _password_box(self, "passwordAgain")
        self.form.addRow(required_label(_("Login name")), self.login)
        self.form.addRow(_("Full name"), self.name)
        self.form.addRow(required_label(_("Account role")), self.role)
        self.form.addRow(self.person)
        self.form.addRow(
            ThaiLabel(
                _(
                    "The first password: at least {count} characters. Give it to the person; "
                    "they can change it with their own account."
                ).format(count=accounts.MIN_PASSWORD),
                self,
            )
        )
        self.form.addRow(required_label(_("Password")), self.password)
        self.form.addRow(required_label(_("Password again")), self.again)
        for field, widget in (
            ("login", self.login),
            ("role", self.role),
            ("person", self.person),
            ("password", self.password),
        ):
            self.errors.add(field, widget)
        self.role.currentIndexChanged.connect(self._role_chosen)
        self._role_chosen()
        self.login.setFocus()

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def _role_chosen(self) -> None:
        self.person.setVisible(self.chosen_role() is Role.MEDIATOR)
        self.adjustSize()

    def prepare(self) -> Write:
        db = self.ctx.db
        login = accounts.check_login(self.login.text())
        name = self.name.text().strip()
        password = accounts.check_password(self.password.text(), self.again.text())
        role = self.chosen_role()
        person = self.person.person_id() if role is Role.MEDIATOR else None
        if role is Role.MEDIATOR and person is None:
            raise ValidationError(
                _("Choose the mediator in the people register for a mediator's account."),
                "person",
            )
        return lambda: accounts.add_account(db, login, name, role, password, person_id=person)


class PasswordDialog(WritingDialog):
    """A new (temporary) password for someone's account, typed twice."""

    def __init__(self, ctx: AppContext, account: AccountInfo, parent: QWidget | None = None):
        super().__init__(
            ctx,
            _("New password for {login}").format(login=account.login),
            _("Set the password"),
            parent,
            changes=CHANGES,
        )
        self.setObjectName("passwordDialog")
        self.account = account
        self.form.addRow(
            ThaiLabel(
                _(
                    "A temporary password for {name}: at least {count} characters. Tell it to "
                    "them in person; their old password no longer works."
                ).format(name=account.name or account.login, count=accounts.MIN_PASSWORD),
                self,
            )
        )
        self.password = _password_box(self, "password")
        self.again = _password_box(self, "passwordAgain")
        self.form.addRow(required_label(_("New password")), self.password)
        self.form.addRow(required_label(_("Password again")), self.again)
        self.errors.add("password", self.password)
        self.password.setFocus()

    def prepare(self) -> Write:
        db, login = self.ctx.db, self.account.login
        password = accounts.check_password(self.password.text(), self.again.text())
        return lambda: accounts.change_password(db, login, password)


class RoleDialog(WritingDialog):
    """Another role for an account."""

    def __init__(self, ctx: AppContext, account: AccountInfo, parent: QWidget | None = None):
        super().__init__(
            ctx,
            _("Role of {login}").format(login=account.login),
            _("Change the role"),
            parent,
            changes=CHANGES,
        )
        self.setObjectName("roleDialog")
        self.account = account
        self.role = _role_box(ctx, self, account.role)
        self.person = _MediatorPerson(ctx, self)
        self.form.addRow(required_label(_("Account role")), self.role)
        self.form.addRow(self.person)
        self.errors.add("role", self.role)
        self.errors.add("person", self.person)
        self.role.currentIndexChanged.connect(self._role_chosen)
        self._role_chosen()

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def _role_chosen(self) -> None:
        # a mediator's account names its person; one that already does may keep it
        self.person.setVisible(
            self.chosen_role() is Role.MEDIATOR and self.account.person_id is None
        )
        self.adjustSize()

    def prepare(self) -> Write:
        db, login, role = self.ctx.db, self.account.login, self.chosen_role()
        person = self.person.person_id() if self.person.isVisibleTo(self) else None
        if role is Role.MEDIATOR and person is None and self.account.person_id is None:
            raise ValidationError(
                _("Choose the mediator in the people register for a mediator's account."),
                "person",
            )
        return lambda: accounts.set_role(db, login, role, person_id=person)


class RekeyDialog(WritingDialog):
    """Change the database key: what it does, and the coordinator's own password again."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Change the database key"), _("Change the key"), parent, changes=())
        self.setObjectName("rekeyDialog")
        self.form.addRow(
            ThaiLabel(
                _(
                    "Do this after disabling the account of someone who has left, or when a "
                    "password or this computer may be known to someone else. The database gets "
                    "a new key: disabled accounts, copies of the old key file and the old "
                    "recovery key no longer open it. Enabled accounts keep their passwords. A "
                    "new recovery key is shown once: print it for the chairperson and destroy "
                    "the old sheet. Justice Desk then opens the database again."
                ),
                self,
            )
        )
        self.password = _password_box(self, "ownPassword")
        self.form.addRow(required_label(_("Your password")), self.password)
        self.errors.add("password", self.password)
        self.password.setFocus()
        self.setMinimumWidth(560)

    def _refused(self, exc: UserError) -> None:
        super()._refused(exc)
        self.password.clear()  # typed again, not corrected

    def prepare(self) -> Write:
        from justice_desk.services import encryption

        db, password = self.ctx.db, self.password.text()
        if not password:
            raise ValidationError(_("Type your own password to change the key."), "password")
        return lambda: encryption.rekey_database(db, password)


def _when(value: dt.datetime | None) -> str:
    """A sign-in's UTC time as this computer's local date and time, Buddhist Era."""
    from justice_desk import i18n
    from justice_desk.services.audit_trail import when

    return when(value, i18n.language()) if value is not None else ""


class AccountsDialog(QDialog):
    """The accounts of this database, and what the coordinator (administrator) does with them."""

    COLUMNS = ("login", "name", "role", "state", "last")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[AccountInfo] = []
        self.on_own_role_changed: Callable[[], None] = lambda: None
        #: Whether the window may close to reopen the database (no unsaved changes).
        self.may_close_window: Callable[[], bool] = lambda: True
        #: The database was re-keyed: reopen the window on it (``ui/unlock.reopen_with``).
        self.on_rekeyed: Callable[[Handoff], None] | None = None
        self.setObjectName("accountsDialog")
        self.setWindowTitle(_("Accounts"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            ThaiLabel(
                _(
                    "Each person who uses this computer has an account of their own. Accounts "
                    "are disabled, never deleted, so the audit trail keeps who did what."
                ),
                self,
            )
        )
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels(
            [_("Login name"), _("Full name"), _("Account role"), _("State"), _("Last sign-in")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.strip = MessageStrip(self)
        self.strip.setObjectName("accountsMessage")
        layout.addWidget(self.strip)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add an account…"), self)
        self.add_button.setObjectName("addAccount")
        self.enable_button = QPushButton(_("Disable"), self)
        self.enable_button.setObjectName("enableAccount")
        self.password_button = QPushButton(_("Set a new password…"), self)
        self.password_button.setObjectName("resetPassword")
        self.role_button = QPushButton(_("Change the role…"), self)
        self.role_button.setObjectName("changeRole")
        for button in (self.add_button, self.enable_button, self.password_button, self.role_button):
            row.addWidget(button)
        row.addStretch(1)
        self.rekey_button = QPushButton(_("Change the database key…"), self)
        self.rekey_button.setObjectName("rekeyDatabase")
        self.rekey_button.setToolTip(
            _(
                "A new key for the encrypted database: after an account is disabled, or a "
                "password or this computer is in the wrong hands"
            )
        )
        self.rekey_button.setVisible(
            accounts.is_encrypted(ctx.db) and ctx.db.actor.may(rules.Permission.KEYS)
        )
        row.addWidget(self.rekey_button)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        translate_buttons(close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add_account)
        self.enable_button.clicked.connect(self.toggle_enabled)
        self.password_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.rekey_button.clicked.connect(self.rekey)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(900, 460)
        self.reload()

    # -- the list -------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        shown = self.current()
        select = select or (shown.login if shown is not None else None)
        try:
            self.rows = accounts.list_accounts(self.ctx.db)
        except UserError as exc:
            self.rows = []
            self.strip.error(str(exc))
        self.table.setRowCount(len(self.rows))
        for i, info in enumerate(self.rows):
            cells = (
                info.login,
                info.name,
                info.role.label(),
                _("enabled") if info.enabled else _("disabled"),
                _when(info.last_login_at) or _("never"),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not info.enabled:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, j, item)
        found = next((i for i, r in enumerate(self.rows) if r.login == select), 0)
        if self.rows:
            self.table.selectRow(found)
        self._update_buttons()

    def current(self) -> AccountInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def select(self, login: str) -> None:
        row = next(i for i, r in enumerate(self.rows) if r.login == login)
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        info = self.current()
        for button in (self.enable_button, self.password_button, self.role_button):
            button.setEnabled(info is not None)
        self.enable_button.setText(
            _("Enable again") if info is not None and not info.enabled else _("Disable")
        )

    # -- the writes -----------------------------------------------------------------------

    def _refused(self, exc: UserError) -> None:
        self.strip.error(str(exc))

    def add_account(self) -> None:
        dialog = AddAccountDialog(self.ctx, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        info = dialog.result_value
        assert isinstance(info, AccountInfo)
        self.reload(info.login)
        self.strip.info(
            _("Added the account {login} ({role}).").format(
                login=info.login, role=info.role.label()
            )
        )

    def toggle_enabled(self) -> None:
        info = self.current()
        if info is None:
            return
        enable = not info.enabled
        if not enable and not dialogs.confirm(
            self,
            _(
                "Disable the account {login}? {name} can no longer sign in; what they did stays "
                "in the records and the audit trail."
            ).format(login=info.login, name=info.name or info.login),
            yes=_("Disable"),
        ):
            return
        encrypted = accounts.is_encrypted(self.ctx.db)

        def done(result: object) -> None:
            assert isinstance(result, AccountInfo)
            self.reload(result.login)
            if result.enabled and encrypted:
                self.strip.info(
                    _(
                        "The account {login} is enabled. This database is encrypted: set a new "
                        "password for it (Set a new password…) before it can open the database."
                    ).format(login=result.login)
                )
            elif result.enabled:
                self.strip.info(_("The account {login} is enabled.").format(login=result.login))
            elif encrypted and self.rekey_button.isVisible():
                self.strip.info(
                    _(
                        "The account {login} is disabled and its key slot removed. If they may "
                        "keep a copy of the database or its key file, or know the recovery key, "
                        "change the database key too (Change the database key…)."
                    ).format(login=result.login)
                )
            else:
                self.strip.info(_("The account {login} is disabled.").format(login=result.login))

        operations.run_write(
            self,
            self.ctx,
            _("Enabling {login}").format(login=info.login)
            if enable
            else _("Disabling {login}").format(login=info.login),
            accounts.set_enabled,
            self.ctx.db,
            info.login,
            enable,
            changes=CHANGES,
            on_done=done,
            on_refused=self._refused,
            busy=[self.enable_button],
        )

    def reset_password(self) -> None:
        info = self.current()
        if info is None:
            return
        dialog = PasswordDialog(self.ctx, info, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(info.login)
            self.strip.info(_("The password of {login} is changed.").format(login=info.login))

    def change_role(self) -> None:
        info = self.current()
        if info is None:
            return
        dialog = RoleDialog(self.ctx, info, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        changed = dialog.result_value
        assert isinstance(changed, AccountInfo)
        self.strip.info(
            _("{login} is now {role}.").format(login=changed.login, role=changed.role.label())
        )
        if self.ctx.db.actor.login == changed.login:
            self.on_own_role_changed()
            if not self.ctx.db.actor.may(rules.Permission.ACCOUNTS):
                self.accept()  # one's own role no longer manages accounts
                return
        self.reload(changed.login)

    def rekey(self) -> None:
        """Change the database key; the window then opens the database again with it and shows
        the new recovery key once (and asks temporary passwords for accounts left without a
        slot)."""
        from justice_desk.services.encryption import Rekeyed
        from justice_desk.ui.unlock import Handoff

        if not self.may_close_window():
            return
        dialog = RekeyDialog(self.ctx, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        done: Any = dialog.result_value if accepted else None
        # Gone before the window is: its finished job still refers to it, and the window is
        # about to be closed and deleted (a dialog deleted in that cascade crashed the app).
        dialog.deleteLater()
        if not accepted:
            return
        assert isinstance(done, Rekeyed)
        handoff = Handoff(done.db, done.recovery_key, list(done.unslotted), rekeyed=True)
        self.accept()
        if self.on_rekeyed is not None:
            self.on_rekeyed(handoff)
