"""First run: no database yet. Set up a center, a province office, or open the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk import paths
from justice_desk.domain.enums import CenterType
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services import onboarding, setup
from justice_desk.ui.dialogs import show_error, translate_buttons
from justice_desk.ui.jobs import JobRunner

ERROR_STYLE = "border: 2px solid #c62828;"


@dataclass(frozen=True)
class Chosen:
    path: Path
    demo: bool


class PassphraseBox(QGroupBox):
    """An optional passphrase for the site's private keys, typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Protect the sync keys with a passphrase (optional)"), parent)
        layout = QFormLayout(self)
        note = QLabel(
            _(
                "Anyone who copies this computer's data folder could sign bundles in your name "
                "unless the keys have a passphrase. "
                "You will type it when you export or apply a receipt. If it is forgotten, "
                "the province must enrol new keys."
            )
        )
        note.setWordWrap(True)
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


class FirstRunDialog(QDialog):
    """Three doors: a center, a province office, or the demo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(_("Welcome to Justice Desk"))
        self.chosen: Chosen | None = None
        self.db_path = paths.default_database()
        self.stack = QStackedWidget(self)

        intro = QWidget()
        v = QVBoxLayout(intro)
        welcome = QLabel(
            _("This computer has no Justice Desk database yet. What would you like to do?")
        )
        welcome.setWordWrap(True)
        v.addWidget(welcome)
        self.center_button = QPushButton(_("Set up our Community Justice Center"))
        self.province_button = QPushButton(_("Set up a Provincial Justice Office"))
        self.demo_button = QPushButton(_("Try the demo (sample data, not real people)"))
        for b in (self.center_button, self.province_button, self.demo_button):
            b.setMinimumHeight(44)
            v.addWidget(b)
        v.addStretch(1)
        self.stack.addWidget(intro)

        self.center_form = QWidget()
        form = QFormLayout(self.center_form)
        self.fields: dict[str, QLineEdit] = {}

        def field(key: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder)
            edit.setObjectName(key)
            self.fields[key] = edit
            form.addRow(label, edit)
            return edit

        field("name", _("Center name *"), "ศูนย์ยุติธรรมชุมชนตำบล...")
        field("code", _("Center code *"))
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
        self.center_passphrase = PassphraseBox(self)
        form.addRow(self.center_passphrase)
        self.center_error = QLabel()
        self.center_error.setStyleSheet("color: #c62828")
        self.center_error.setWordWrap(True)
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
        self.stack.addWidget(self.center_form)

        self.province_form = QWidget()
        pform = QFormLayout(self.province_form)
        self.province_name = QLineEdit()
        self.province_name.setObjectName("province_name")
        pform.addRow(_("Province *"), self.province_name)
        self.province_passphrase = PassphraseBox(self)
        pform.addRow(self.province_passphrase)
        self.province_error = QLabel()
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

        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        where = QLabel(
            _("The database will be kept in {folder}").format(folder=self.db_path.parent)
        )
        where.setWordWrap(True)
        where.setStyleSheet("color: #555")
        layout.addWidget(where)
        self.center_button.clicked.connect(lambda: self.stack.setCurrentWidget(self.center_form))
        self.province_button.clicked.connect(
            lambda: self.stack.setCurrentWidget(self.province_form)
        )
        self.demo_button.clicked.connect(self.open_demo)
        self.resize(600, 640)

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
            key_passphrase=self.center_passphrase.passphrase(),
        )
        self.center_passphrase.mark(False)
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
            self.center_passphrase.check()
            db = onboarding.set_up_center(self.db_path, data)
            db.dispose()
        except ValidationError as exc:
            self.center_error.setText(str(exc))
            if exc.field == "passphrase":
                self.center_passphrase.mark(True)
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
        self.province_passphrase.mark(False)
        try:
            self.province_passphrase.check()
            db = setup.init_province(
                self.db_path,
                province=self.province_name.text(),
                passphrase=self.province_passphrase.passphrase(),
            )
            db.dispose()
        except UserError as exc:
            self.province_error.setText(str(exc))
            if isinstance(exc, ValidationError) and exc.field == "passphrase":
                self.province_passphrase.mark(True)
            else:
                self.province_name.setStyleSheet(ERROR_STYLE)
            return
        self.chosen = Chosen(self.db_path, False)
        self.accept()

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


def run_first_run(settings: QSettings) -> Chosen | None:
    dialog = FirstRunDialog()
    dialog.exec()
    return dialog.chosen
