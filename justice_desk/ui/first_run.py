"""First run: no database yet. Set up a center, a province office, or open the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt
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
    path: Path
    demo: bool


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
        for b in (self.center_button, self.province_button, self.demo_button, self.open_button):
            b.setMinimumHeight(44)
            v.addWidget(b)
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
        self.center_passphrase = PassphraseBox(self)
        form.addRow(self.center_passphrase)
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
        self.province_passphrase = PassphraseBox(self)
        pform.addRow(self.province_passphrase)
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
        self.resize(640, 600)

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
            setup.check_center_code(self._text("code"))
            self.center_passphrase.check()
            if not self.center_passphrase.passphrase() and not self._accept_no_passphrase():
                return
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
            if not self.province_name.text().strip():
                raise ValidationError(_("The province is required."), "province")
            self.province_passphrase.check()
            if not self.province_passphrase.passphrase() and not self._accept_no_passphrase():
                return
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

    def _accept_no_passphrase(self) -> bool:
        """The passphrase is optional, but skipping it is a decision: say what it means."""
        from justice_desk.ui.dialogs import confirm

        return confirm(
            self,
            _(
                "You have not chosen a passphrase for the sync keys. Anyone who copies this "
                "computer's data folder could then send bundles to the province in your name. "
                "Set up without a passphrase?"
            ),
            yes=_("Set up without a passphrase"),
            no=_("Go back and choose one"),
            title=_("No passphrase"),
        )

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


def run_first_run(settings: QSettings, *, missing: Path | None = None) -> Chosen | None:
    dialog = FirstRunDialog(missing=missing)
    dialog.exec()
    return dialog.chosen


def CODE_HELP() -> str:  # noqa: N802 - reads as the constant text it is
    return _(
        "The code the Provincial Justice Office gave the center, usually the tambon's "
        "six-digit code (500107), sometimes with letters in front (CJC-0001): letters A–Z "
        "and digits, parts joined by single hyphens, at most 32 characters."
    )
