"""First run: no database yet. Set up a center, a province office, or open the demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk import paths
from justice_desk.domain import center_code
from justice_desk.domain.enums import CenterType
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services import onboarding, setup
from justice_desk.ui.dialogs import show_error, translate_buttons
from justice_desk.ui.jobs import JobRunner
from justice_desk.ui.widgets.thai_label import ThaiLabel

ERROR_STYLE = "border: 2px solid #c62828;"


@dataclass(frozen=True)
class Chosen:
    """The database to open: a file (``path``), or a server database (``url``, with the
    password typed, if any: kept in memory only)."""

    path: Path | None
    demo: bool
    url: str | None = None

    @property
    def where(self) -> str:
        """What ``storage.locate.resolve_target`` takes."""
        return self.url if self.url is not None else str(self.path)


class PassphraseBox(QGroupBox):
    """An optional passphrase for the site's private keys, typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Protect the sync keys with a passphrase (optional)"), parent)
        layout = QFormLayout(self)
        note = ThaiLabel(
            _(
                "Anyone who copies this computer's data folder could sign bundles in your name "
                "unless the keys have a passphrase. "
                "You will type it when you export or apply a receipt. If it is forgotten, "
                "the province must enrol new keys."
            )
        )
        note.setStyleSheet("color: #555")
        layout.addRow(note)
        self.first = QLineEdit(self)
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setObjectName("passphrase_again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addRow(_("Passphrase"), self.first)
        layout.addRow(_("Passphrase again"), self.again)

    def passphrase(self) -> str | None:
        return self.first.text() or None

    def check(self) -> None:
        setup.check_passphrase(self.first.text(), self.again.text())

    def mark(self, wrong: bool) -> None:
        for edit in (self.first, self.again):
            edit.setStyleSheet(ERROR_STYLE if wrong else "")
        if wrong:
            self.first.setFocus()


class AccountBox(QGroupBox):
    """The first account (the center's coordinator, the office's administrator): its login
    and password, typed twice. Its password opens the encrypted database."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        layout = QFormLayout(self)
        note = ThaiLabel(
            _(
                "The database is encrypted: a copy of the file cannot be read without a "
                "password. Everyone signs in with their own account; this first one adds the "
                "others. A recovery key is shown next, to print for the chairperson."
            )
        )
        note.setStyleSheet("color: #555")
        layout.addRow(note)
        self.login = QLineEdit(self)
        self.login.setObjectName("account_login")
        self.first = QLineEdit(self)
        self.first.setObjectName("account_password")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setObjectName("account_password_again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addRow(_("Login name *"), self.login)
        layout.addRow(_("Password *"), self.first)
        layout.addRow(_("Password again *"), self.again)

    def check(self) -> tuple[str, str]:
        """The login and password, checked (``ValidationError`` with field ``account``)."""
        from justice_desk.services import accounts

        try:
            login = accounts.check_login(self.login.text())
            password = accounts.check_password(self.first.text(), self.again.text())
        except UserError as exc:
            raise ValidationError(str(exc), "account") from exc
        return login, password

    def mark(self, wrong: bool) -> None:
        for edit in (self.login, self.first, self.again):
            edit.setStyleSheet(ERROR_STYLE if wrong else "")
        if wrong:
            (self.login if not self.login.text().strip() else self.first).setFocus()


class FirstRunDialog(QDialog):
    """Three doors: a center, a province office, or the demo."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        switching: bool = False,
        missing: Path | None = None,
    ) -> None:
        """``switching``: opened from File → Open another database (not at a first start);
        ``missing``: the database used last, which is not there any more."""
        super().__init__(parent)
        from justice_desk.ui.widgets import wheel

        wheel.install()  # the wheel scrolls the set-up form, not its lists (§15)
        self.setObjectName("firstRun")
        self.setWindowTitle(
            _("Open another database") if switching else _("Welcome to Justice Desk")
        )
        self.chosen: Chosen | None = None
        self.db_path = paths.default_database()
        self.stack = QStackedWidget(self)

        intro = QWidget()
        v = QVBoxLayout(intro)
        if missing is not None:
            gone = ThaiLabel(
                _(
                    "The database used last, {path}, is not there. If it is on a USB stick, "
                    "plug the stick in and start Justice Desk again; or choose below."
                ).format(path=missing)
            )
            gone.setObjectName("missingDatabase")
            gone.setStyleSheet("color: #c62828")
            v.addWidget(gone)
        welcome = ThaiLabel(
            _("Open a database, set up a new center or office, or try the demo.")
            if switching
            else _("This computer has no Justice Desk database yet. What would you like to do?")
        )
        v.addWidget(welcome)
        self.center_button = QPushButton(_("Set up our Community Justice Center"))
        self.province_button = QPushButton(_("Set up a Provincial Justice Office"))
        self.demo_button = QPushButton(_("Try the demo (sample data, not real people)"))
        self.open_button = QPushButton(_("Open a database file…"))
        self.open_button.setObjectName("openDatabaseFile")
        self.server_button = QPushButton(_("Connect to the office's PostgreSQL server…"))
        self.server_button.setObjectName("connectServer")
        for b in (
            self.center_button,
            self.province_button,
            self.demo_button,
            self.open_button,
            self.server_button,
        ):
            b.setMinimumHeight(44)
            v.addWidget(b)
            if b is self.demo_button:
                demo_note = ThaiLabel(
                    _(
                        "The demo needs no sign-in and is not encrypted: it holds invented "
                        "people only."
                    )
                )
                demo_note.setObjectName("demoNote")
                demo_note.setStyleSheet("color: #555")
                v.addWidget(demo_note)
        v.addStretch(1)
        self.stack.addWidget(intro)

        self.center_form = QWidget()
        form = QFormLayout(self.center_form)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QLineEdit] = {}

        def field(key: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder)
            edit.setObjectName(key)
            self.fields[key] = edit
            form.addRow(label, edit)
            return edit

        field("name", _("Center name *"), "ศูนย์ยุติธรรมชุมชนตำบล...")
        code = field("code", _("Center code *"), "500107")
        code.setToolTip(CODE_HELP())
        self.code_note = ThaiLabel(CODE_HELP())
        self.code_note.setObjectName("codeNote")
        self.code_note.setStyleSheet("color: #555")
        form.addRow(self.code_note)
        code.textChanged.connect(self._check_code_as_typed)
        self.center_type = QComboBox()
        for t in CenterType:
            self.center_type.addItem(t.label(), t)
        self.center_type.setCurrentIndex(list(CenterType).index(CenterType.BOTH))
        form.addRow(_("Type"), self.center_type)
        field("host_organisation", _("Host local government (อปท.)"))
        field("tambon", _("Tambon"))
        field("amphoe", _("Amphoe"))
        field("province", _("Province *"))
        box = QGroupBox(_("First coordinator"))
        coord = QFormLayout(box)
        for key, label in (
            ("coordinator_title", _("Title")),
            ("coordinator_given_name", _("Given name *")),
            ("coordinator_surname", _("Surname")),
            ("coordinator_phone", _("Phone")),
        ):
            edit = QLineEdit()
            edit.setObjectName(key)
            self.fields[key] = edit
            coord.addRow(label, edit)
        form.addRow(box)
        self.center_account = AccountBox(_("The coordinator's account"), self)
        form.addRow(self.center_account)
        self.center_error = ThaiLabel()
        self.center_error.setStyleSheet("color: #c62828")
        form.addRow(self.center_error)
        center_buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
        )
        center_buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create the center"))
        center_buttons.accepted.connect(self.create_center)
        center_buttons.rejected.connect(lambda: self.stack.setCurrentIndex(0))
        form.addRow(center_buttons)
        # A long form at a large text size scrolls instead of growing past a small screen.
        self.center_scroll = QScrollArea()
        self.center_scroll.setObjectName("centerScroll")
        self.center_scroll.setWidgetResizable(True)
        self.center_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.center_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.center_scroll.setWidget(self.center_form)
        self.stack.addWidget(self.center_scroll)

        self.province_form = QWidget()
        pform = QFormLayout(self.province_form)
        self.province_name = QLineEdit()
        self.province_name.setObjectName("province_name")
        pform.addRow(_("Province *"), self.province_name)
        self.province_account = AccountBox(_("The administrator's account"), self)
        pform.addRow(self.province_account)
        self.province_error = ThaiLabel()
        self.province_error.setStyleSheet("color: #c62828")
        pform.addRow(self.province_error)
        p_buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
        )
        p_buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            _("Create the province office")
        )
        p_buttons.accepted.connect(self.create_province)
        p_buttons.rejected.connect(lambda: self.stack.setCurrentIndex(0))
        pform.addRow(p_buttons)
        self.stack.addWidget(self.province_form)

        self.server_page = ServerForm(self)
        self.server_page.connected.connect(self._server_chosen)
        self.server_page.back.connect(lambda: self.stack.setCurrentIndex(0))
        self.stack.addWidget(self.server_page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        where = ThaiLabel(
            _("The database will be kept in {folder}").format(folder=self.db_path.parent)
        )
        where.setStyleSheet("color: #555")
        layout.addWidget(where)
        self.center_button.clicked.connect(self._show_center_form)
        self.province_button.clicked.connect(
            lambda: self.stack.setCurrentWidget(self.province_form)
        )
        self.demo_button.clicked.connect(self.open_demo)
        self.open_button.clicked.connect(self.open_file)
        self.server_button.clicked.connect(self.show_server_form)
        self.resize(640, 600)

    def show_server_form(self, remembered: str | None = None) -> None:
        """The server's details (filled in from ``remembered``, a URL without password)."""
        if remembered:
            self.server_page.fill(remembered)
        self.stack.setCurrentWidget(self.server_page)
        self.server_page.first_empty_field().setFocus()

    def _server_chosen(self, url: str) -> None:
        self.chosen = Chosen(None, False, url=url)
        self.accept()

    def _show_center_form(self) -> None:
        self.stack.setCurrentWidget(self.center_scroll)
        self.fields["name"].setFocus()

    def _check_code_as_typed(self, text: str) -> None:
        wrong = bool(text.strip()) and not center_code.is_valid(text.strip())
        self.fields["code"].setStyleSheet(ERROR_STYLE if wrong else "")
        self.code_note.setStyleSheet("color: #c62828" if wrong else "color: #555")

    def open_file(self) -> None:
        """An existing database (a copy from another laptop, one on a USB stick)."""
        from PySide6.QtWidgets import QFileDialog

        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose a Justice Desk database"),
            str(self.db_path.parent),
            _("Justice Desk databases (*.sqlite3);;All files (*)"),
        )
        if not name:
            return
        from justice_desk.storage.locate import glance, resolve_target

        seen = glance(resolve_target(name))
        if seen is None:
            show_error(
                self,
                _(
                    "{path} is not a Justice Desk database, or it cannot be read. "
                    "Choose another file."
                ).format(path=name),
            )
            return
        self.chosen = Chosen(Path(name).resolve(), seen.demo)
        self.accept()

    def _text(self, key: str) -> str:
        return self.fields[key].text().strip()

    def create_center(self) -> None:
        for edit in self.fields.values():
            edit.setStyleSheet("")
        data = onboarding.CenterSetup(
            code=self._text("code"),
            name=self._text("name"),
            province=self._text("province"),
            amphoe=self._text("amphoe") or None,
            tambon=self._text("tambon") or None,
            host_organisation=self._text("host_organisation") or None,
            center_type=CenterType(self.center_type.currentData()),
            coordinator_given_name=self._text("coordinator_given_name"),
            coordinator_surname=self._text("coordinator_surname") or None,
            coordinator_title=self._text("coordinator_title") or None,
            coordinator_phone=self._text("coordinator_phone") or None,
        )
        self.center_account.mark(False)
        try:
            # Check the center's own fields before anything is written to disk.
            for key, message in (
                ("name", _("The center name is required.")),
                ("code", _("The center code is required.")),
                ("province", _("The province is required.")),
                ("coordinator_given_name", _("The first coordinator's given name is required.")),
            ):
                if not self._text(key):
                    raise ValidationError(message, key)
            setup.check_center_code(self._text("code"))
            login, password = self.center_account.check()
            name = " ".join(
                part
                for part in (
                    self._text("coordinator_given_name"),
                    self._text("coordinator_surname"),
                )
                if part
            )
            self._create(
                login,
                name,
                password,
                lambda key: onboarding.set_up_center(self.db_path, data, key=key),
            )
        except ValidationError as exc:
            self.center_error.setText(str(exc))
            if exc.field == "account":
                self.center_account.mark(True)
            elif exc.field in self.fields:
                self.fields[exc.field].setStyleSheet(ERROR_STYLE)
                self.fields[exc.field].setFocus()
            return
        except UserError as exc:
            self.center_error.setText(str(exc))
            return
        self.chosen = Chosen(self.db_path, False)
        self.accept()

    def create_province(self) -> None:
        self.province_name.setStyleSheet("")
        self.province_account.mark(False)
        try:
            if not self.province_name.text().strip():
                raise ValidationError(_("The province is required."), "province")
            login, password = self.province_account.check()
            self._create(
                login,
                login,
                password,
                lambda key: setup.init_province(
                    self.db_path, province=self.province_name.text(), key=key
                ),
            )
        except UserError as exc:
            self.province_error.setText(str(exc))
            if isinstance(exc, ValidationError) and exc.field == "account":
                self.province_account.mark(True)
            else:
                self.province_name.setStyleSheet(ERROR_STYLE)
            return
        self.chosen = Chosen(self.db_path, False)
        self.accept()

    def _create(self, login: str, name: str, password: str, create: Callable[[bytes], Any]) -> None:
        """The encrypted database with its first account, handed to the window open and signed
        in, with the recovery key it shows once (``ui/unlock.py``)."""
        from PySide6.QtGui import QGuiApplication

        from justice_desk.services import encryption
        from justice_desk.ui import unlock

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            made = encryption.set_up_encrypted(
                self.db_path, login=login, name=name, password=password, create=create
            )
        finally:
            QGuiApplication.restoreOverrideCursor()
        unlock.hand_over(self.db_path, unlock.Handoff(made.db, made.recovery_key))

    def open_demo(self) -> None:
        path = paths.ensure_home() / "demo.sqlite3"
        if not path.exists():
            if not make_demo(self, path):
                return
        self.chosen = Chosen(path, True)
        self.accept()


def make_demo(parent: QWidget | None, path: Path) -> bool:
    """Generate the demo database in the background with a progress dialog; True when done."""
    runner = JobRunner(parent)
    dialog = QProgressDialog(_("Creating the demo center…"), _("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(_("Demo"))
    dialog.setMinimumDuration(0)
    loop = QEventLoop()
    outcome: dict[str, object] = {"ok": False}

    def progress(done: int, total: int, message: str) -> None:
        if total:
            dialog.setRange(0, total)
            dialog.setValue(done)

    def failed(message: str, _expected: bool) -> None:
        outcome["error"] = message

    job = runner.run(
        _("Creating the demo center"),
        onboarding.create_demo,
        path,
        takes_progress=True,
        on_success=lambda _r: outcome.update(ok=True),
        on_error=failed,
    )
    job.progress.connect(progress)
    dialog.canceled.connect(job.cancel)
    job.finished.connect(loop.quit)
    if not job.done:
        loop.exec()
    dialog.close()
    runner.wait_for_done(10000)
    if not outcome["ok"]:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if "error" in outcome:
            show_error(parent, str(outcome["error"]))
        return False
    return True


def run_first_run(
    settings: QSettings, *, missing: Path | None = None, server: str | None = None
) -> Chosen | None:
    """The first-run dialog; ``server``: the server database used last (a URL without its
    password), whose details are filled in so that only the password is asked."""
    dialog = FirstRunDialog(missing=missing)
    if server:
        dialog.show_server_form(server)
    dialog.exec()
    return dialog.chosen


class ServerForm(QWidget):
    """Connect to the province office's PostgreSQL server: host, port, database, user, TLS
    mode and the password (asked, never kept: README, "A server for several officers"). An
    empty database is set up as the province office; a Justice Desk database is opened."""

    connected = Signal(str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from justice_desk.services import server

        self.state: server.ServerState | None = None
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        intro = ThaiLabel(
            _(
                "An office where several officers work keeps one database on a PostgreSQL "
                "server. Type the details the office's administrator gave you."
            )
        )
        form.addRow(intro)
        self.host = QLineEdit()
        self.host.setObjectName("server_host")
        self.port = QSpinBox()
        self.port.setObjectName("server_port")
        self.port.setRange(1, 65535)
        self.port.setValue(server.DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setObjectName("server_database")
        self.user = QLineEdit()
        self.user.setObjectName("server_user")
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox()
        self.sslmode.setObjectName("server_sslmode")
        for mode, label in (
            ("prefer", _("Encrypted when the server offers it (prefer)")),
            ("require", _("Always encrypted (require)")),
            ("verify-full", _("Encrypted, the server's certificate checked (verify-full)")),
        ):
            self.sslmode.addItem(label, mode)
        self.fields: dict[str, QWidget] = {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "user": self.user,
            "password": self.password,
            "sslmode": self.sslmode,
        }
        form.addRow(_("Server *"), self.host)
        form.addRow(_("Port"), self.port)
        form.addRow(_("Database *"), self.database)
        form.addRow(_("User *"), self.user)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Connection"), self.sslmode)
        note = ThaiLabel(
            _(
                "The password is not kept: Justice Desk asks for it at each start. To not type "
                "it, the administrator can put it in the password file of this computer's "
                "account (.pgpass); then leave it empty."
            )
        )
        note.setStyleSheet("color: #555")
        form.addRow(note)
        self.province_box = QGroupBox(_("Set up the province office on this server"))
        pb = QFormLayout(self.province_box)
        self.province_name = QLineEdit()
        self.province_name.setObjectName("server_province")
        pb.addRow(_("Province *"), self.province_name)
        self.passphrase = PassphraseBox(self)
        pb.addRow(self.passphrase)
        self.province_box.setVisible(False)
        form.addRow(self.province_box)
        self.error = ThaiLabel()
        self.error.setObjectName("server_error")
        self.error.setStyleSheet("color: #c62828")
        form.addRow(self.error)
        self.buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Connect"))
        self.buttons.accepted.connect(self.connect_or_set_up)
        self.buttons.rejected.connect(self.back)
        form.addRow(self.buttons)
        for edit in (self.host, self.database, self.user, self.password):
            edit.textChanged.connect(self._details_changed)
        self.port.valueChanged.connect(self._details_changed)
        self.sslmode.currentIndexChanged.connect(self._details_changed)

    def fill(self, url: str) -> None:
        from justice_desk.services import server

        parts = server.url_parts(url)
        self.host.setText(parts.host)
        self.port.setValue(parts.port)
        self.database.setText(parts.database)
        self.user.setText(parts.user)
        index = self.sslmode.findData(parts.sslmode)
        self.sslmode.setCurrentIndex(max(0, index))
        self.password.clear()

    def first_empty_field(self) -> QWidget:
        for edit in (self.host, self.database, self.user):
            if not edit.text().strip():
                return edit
        return self.password

    def _details_changed(self, *_args: object) -> None:
        """Other details: connect again before setting anything up."""
        self.state = None
        self.province_box.setVisible(False)
        self.ok_button.setText(_("Connect"))

    def _mark(self, field: str | None) -> None:
        for each in self.fields.values():
            each.setStyleSheet("")
        marked = self.fields.get(field or "")
        if marked is not None:
            marked.setStyleSheet(ERROR_STYLE)
            marked.setFocus()

    def connect_or_set_up(self) -> None:
        from justice_desk.services import server

        self.error.setText("")
        self._mark(None)
        try:
            if self.state is None:
                self.state = server.connect(
                    self.host.text(),
                    self.port.value(),
                    self.database.text(),
                    self.user.text(),
                    self.password.text() or None,
                    str(self.sslmode.currentData()),
                )
                if self.state.empty:
                    # Nothing on it yet: the office is set up there once the province is named.
                    self.province_box.setVisible(True)
                    self.ok_button.setText(_("Set up the province office"))
                    self.province_name.setFocus()
                    return
            elif self.state.empty:
                self.passphrase.check()
                db = server.set_up_province(
                    self.state,
                    self.province_name.text(),
                    passphrase=self.passphrase.passphrase(),
                )
                db.dispose()
        except ValidationError as exc:
            self.error.setText(str(exc))
            if exc.field == "passphrase":
                self.passphrase.mark(True)
            elif exc.field == "province":
                self.province_name.setStyleSheet(ERROR_STYLE)
                self.province_name.setFocus()
            else:
                self._mark(exc.field)
            return
        except UserError as exc:
            self.error.setText(str(exc))
            self._mark(getattr(exc, "field", None))
            return
        self.connected.emit(self.state.url)


def CODE_HELP() -> str:  # noqa: N802 - reads as the constant text it is
    return _(
        "The code the Provincial Justice Office gave the center, usually the tambon's "
        "six-digit code (500107), sometimes with letters in front (CJC-0001): letters A–Z "
        "and digits, parts joined by single hyphens, at most 32 characters."
    )
