"""Backups in the window: automatic ones (daily while open and on closing), the reminder to copy
one to a USB stick, and restoring from the File menu (docs/architecture.md §10).

Everything that touches the database or the disk runs in the job runner; the services are the
ones ``justice-desk backup`` and ``restore`` use (``services.backups``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk import i18n
from justice_desk.i18n import _
from justice_desk.ui import settings as prefs
from justice_desk.ui.dialogs import confirm, show_error, show_info, translate_buttons
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.ui.main_window import MainWindow

#: How often the window looks whether the daily automatic backup is due.
CHECK_EVERY_MS = 60 * 60 * 1000
#: The first look, a little after the database is open (not to slow the start).
FIRST_CHECK_MS = 60 * 1000


def when(moment: dt.datetime) -> str:
    """``14 มกราคม 2569 เวลา 09.30 น.`` in the UI's language (local time)."""
    from justice_desk.domain.dates import format_date, format_time

    language = i18n.language()
    return _("{date} at {time}").format(
        date=format_date(moment.date(), language), time=format_time(moment.time(), language)
    )


class CopyReminderBar(QFrame):
    """ "No backup copied to a USB stick for N days", with the button that makes one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("copyReminder")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#copyReminder { background: #fff8e1; }")
        self.text = ThaiLabel(self)
        self.back_up = QPushButton(_("Back up to a USB stick…"), self)
        self.later = QPushButton(_("Remind me later"), self)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.back_up)
        row.addWidget(self.later)
        self.back_up.clicked.connect(window.backup)
        self.later.clicked.connect(self.hide)
        self.hide()

    def show_days(self, days: int | None) -> None:
        if days is None:
            text = _(
                "No backup of this database has been copied to a USB stick yet. Copy one now "
                "and keep it away from this laptop, so that a lost or broken laptop does not "
                "take the center's records with it."
            )
        else:
            # Shown after a week at the soonest, so always "days".
            text = _(
                "No backup has been copied to a USB stick for {days} days. Copy one now and "
                "keep it away from this laptop."
            ).format(days=days)
        self.text.setText(text)
        self.show()


class AutoBackup(QObject):
    """Automatic backups and the copy reminder of one main window (the window owns it).

    On closing, the window waits (without blocking) for a backup into the backups folder, then
    closes; while it is open, a backup is made when the newest is a day old. The demo and a
    server database get none.
    """

    def __init__(
        self,
        window: MainWindow,
        *,
        check_every_ms: int = CHECK_EVERY_MS,
        first_check_ms: int = FIRST_CHECK_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.closing_state = "idle"  # idle → running → done
        self.last_result: Any = None
        self.last_error: str | None = None
        self.reminder = CopyReminderBar(window)
        window.notices.addWidget(self.reminder)
        window.close_guards.append(self.before_close)
        window.backed_up.connect(lambda _path: self.reminder.hide())
        self.timer = QTimer(self)
        self.timer.setInterval(check_every_ms)
        self.timer.timeout.connect(self.daily)
        self._first_check_ms = first_check_ms
        self._daily_running = False
        if window.attached:
            self._ready()
        else:
            window.ready.connect(self._ready)

    # -- which databases ---------------------------------------------------------------------

    @property
    def applies(self) -> bool:
        window = self.window
        return (
            window.attached
            and not window.ctx.demo
            and window.ctx.db.target.path is not None
            and prefs.automatic_backups(window.settings)
        )

    def folder(self) -> Path:
        return prefs.backup_folder(self.window.settings)

    def _ready(self) -> None:
        if not self.window.attached:
            return
        self.check_reminder()
        if self.applies:
            QTimer.singleShot(self._first_check_ms, self, self.daily)
            self.timer.start()

    # -- daily -----------------------------------------------------------------------------

    def daily(self) -> None:
        """An automatic backup when the newest is a day old (the check runs in the job too)."""
        from justice_desk.services import backups

        if (
            not self.applies
            or self._daily_running
            or self.closing_state != "idle"
            or not self.window.isVisible()
        ):
            return
        self._daily_running = True
        job = self.window.runner.run(
            _("Automatic backup"),
            backups.automatic_backup_if_due,
            self.window.ctx.db,
            self.folder(),
            prefs.retention(self.window.settings),
            on_success=self._daily_done,
            on_error=self._failed,
            announce=False,
        )
        job.finished.connect(self._daily_finished)

    def _daily_done(self, result: Any) -> None:
        if result is not None:
            self.last_result = result
            self.window.statusBar().showMessage(
                _("Automatic backup written: {path}").format(path=result.path), 10000
            )

    def _daily_finished(self) -> None:
        self._daily_running = False

    def _failed(self, message: str, _expected: bool) -> None:
        self.last_error = message
        show_error(
            self.window,
            _(
                "The automatic backup could not be made. Nothing in the database was lost.\n\n"
                "{reason}\n\nYou can choose another backups folder in File → Settings."
            ).format(reason=message),
            _("Automatic backup"),
        )

    # -- on closing -----------------------------------------------------------------------

    def before_close(self) -> bool:
        """The window's close guard: True when it may close now; otherwise a backup is started
        and the window closes itself when it is done (or has failed and said so)."""
        from justice_desk.services import backups

        if self.closing_state == "done" or not self.applies:
            return True
        if self.closing_state == "running":
            return False
        self.closing_state = "running"
        self.timer.stop()
        self.window.set_working(True)
        job = self.window.runner.run(
            _("Backing up before closing"),
            backups.automatic_backup,
            self.window.ctx.db,
            self.folder(),
            prefs.retention(self.window.settings),
            on_success=lambda result: setattr(self, "last_result", result),
            on_error=self._failed,
        )
        # Connected after the runner's own handler: the job no longer counts as running.
        job.finished.connect(self._closing_finished)
        return False

    def _closing_finished(self) -> None:
        self.closing_state = "done"
        QTimer.singleShot(0, self.window, self.window.close)

    def skip_closing_backup(self) -> None:
        """Close without a backup (a restore has just replaced the database)."""
        self.closing_state = "done"
        self.timer.stop()

    # -- reminder -------------------------------------------------------------------------

    def check_reminder(self) -> None:
        from justice_desk.services import backups

        if self.window.ctx.demo or self.window.ctx.db.target.path is None:
            return
        self.window.runner.run(
            _("Checking backups"),
            backups.copy_reminder,
            self.window.ctx.db,
            on_success=lambda r: self.reminder.show_days(r.days) if r.due else None,
            announce=False,
        )


# -- restore ----------------------------------------------------------------------------------


def describe_check(check: Any) -> str:
    """What a checked backup holds and what restoring it does, for the confirmation."""
    contents = check.contents
    taken = when(check.taken) if check.taken is not None else _("an unknown time")
    parts = []
    if not check.same_site:
        parts.append(
            _(
                "This backup is of another center or office: {name} ({code}). "
                "Restore it only if that is what you mean to do."
            ).format(name=contents.name or "?", code=contents.code or "?")
        )
    parts.append(
        _(
            "Restore the backup of {name} ({code}) taken on {taken}? It holds {people} people, "
            "{cases} cases and {meetings} meetings."
        ).format(
            name=contents.name or "?",
            code=contents.code or "?",
            taken=taken,
            people=contents.people,
            cases=contents.cases,
            meetings=contents.meetings,
        )
    )
    parts.append(
        _(
            "Everything entered after the backup was taken is replaced. The current database is "
            "kept beside it as a copy (…before-restore-….bak), so nothing is deleted. The "
            "restored database starts a new sync start: call the province before the next "
            "export."
        )
    )
    return "\n\n".join(parts)


def restore_from_backup(window: MainWindow) -> None:
    """File → Restore from a backup: choose, check (in the background), confirm, restore (in the
    background), then reopen the restored database."""
    from PySide6.QtWidgets import QFileDialog

    from justice_desk.services import backups

    if not window.attached:
        return
    db_path = window.ctx.db.target.path
    if db_path is None:
        show_error(window, _("Restore a server database with its own tools (pg_restore)."))
        return
    page = window.current_page()
    if page is not None and not page.can_leave():
        return
    name, _filter = QFileDialog.getOpenFileName(
        window,
        _("Choose the backup to restore"),
        str(prefs.backup_folder(window.settings)),
        _("Justice Desk backups (*.sqlite3);;All files (*)"),
    )
    if not name:
        return

    login: str | None = None
    secret: str | None = None
    if backups.backup_is_encrypted(Path(name)):
        asked = ask_backup_secret(window, Path(name))
        if asked is None:
            return
        login, secret = asked

    def checked(check: Any) -> None:
        if not confirm(
            window,
            describe_check(check),
            yes=_("Restore this backup"),
            title=_("Restore from a backup"),
        ):
            return
        _restore(window, Path(name), db_path, check.key)

    window.runner.run(
        _("Checking the backup"),
        backups.check_backup,
        Path(name),
        window.ctx.db,
        login=login,
        secret=secret,
        on_success=checked,
        on_error=lambda message, _expected: show_error(
            window, message, _("This backup cannot be restored")
        ),
    )


class BackupSecretDialog(QDialog):
    """An encrypted backup: the login and password of an account that existed when it was
    made, or the recovery key (typed in groups)."""

    def __init__(self, backup: Path, parent: QWidget | None = None) -> None:
        from justice_desk.ui.unlock import RecoveryKeyEdit

        super().__init__(parent)
        self.setObjectName("backupSecret")
        self.setWindowTitle(_("An encrypted backup"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            ThaiLabel(
                _(
                    "The backup {name} is encrypted. Give the login and password of an account "
                    "that existed when it was made, or the recovery key."
                ).format(name=backup.name)
            )
        )
        form = QFormLayout()
        self.login = QLineEdit(self)
        self.login.setObjectName("backupLogin")
        self.password = QLineEdit(self)
        self.password.setObjectName("backupPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Login name"), self.login)
        form.addRow(_("Password"), self.password)
        layout.addLayout(form)
        self.use_recovery = QCheckBox(_("Use the recovery key instead"), self)
        self.use_recovery.setObjectName("useRecoveryKey")
        layout.addWidget(self.use_recovery)
        self.recovery = RecoveryKeyEdit(self)
        self.recovery.setVisible(False)
        layout.addWidget(self.recovery)
        self.use_recovery.toggled.connect(self.recovery.setVisible)
        self.use_recovery.toggled.connect(lambda on: self.login.setEnabled(not on))
        self.use_recovery.toggled.connect(lambda on: self.password.setEnabled(not on))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        translate_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def answer(self) -> tuple[str | None, str]:
        if self.use_recovery.isChecked():
            return None, self.recovery.text()
        return self.login.text().strip(), self.password.text()


def ask_backup_secret(window: QWidget, backup: Path) -> tuple[str | None, str] | None:
    """(login, password) or (None, recovery key) for an encrypted backup; None: cancelled."""
    dialog = BackupSecretDialog(backup, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


def _restore(
    window: MainWindow, backup_file: Path, db_path: Path, key: bytes | None = None
) -> None:
    from justice_desk.services import backups

    window.runner.cancel_all()
    window.runner.wait_for_done(10000)
    window.set_working(True)
    window.ctx.db.dispose()  # no connection may stay open on the file being replaced

    outcome: dict[str, Path] = {}

    def failed(message: str, _expected: bool) -> None:
        window.set_working(False)
        show_error(window, message, _("Restore from a backup"))

    def finished() -> None:
        # After the runner's own handler: the job no longer counts as running when the window
        # closes.
        if "kept" not in outcome:
            return
        show_info(
            window,
            _(
                "The backup was restored. Justice Desk opens the restored database now. "
                "The previous database is kept as {kept}."
            ).format(kept=outcome["kept"]),
            _("Restore from a backup"),
        )
        for guard in window.close_guards:
            owner = getattr(guard, "__self__", None)
            if isinstance(owner, AutoBackup):
                owner.skip_closing_backup()
        window.switch_to = db_path
        window.close()

    job = window.runner.run(
        _("Restoring the backup"),
        backups.restore,
        backup_file,
        str(db_path),
        key=key,
        on_success=lambda kept: outcome.update(kept=kept),
        on_error=failed,
    )
    job.finished.connect(finished)


def open_other_database(window: MainWindow) -> None:
    """File → Open another database: the first-run choices, then the window reopens on it."""
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(window, switching=True)
    dialog.exec()
    chosen = dialog.chosen
    if chosen is None:
        return
    current = window.ctx.db.target.path if window.attached else None
    if (
        current is not None
        and chosen.path is not None
        and chosen.path.resolve() == current.resolve()
    ):
        return
    window.switch_to = chosen.path if chosen.path is not None else chosen.url
    window.close()
