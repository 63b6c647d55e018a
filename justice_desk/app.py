"""Starting the desktop app: one copy per database, the Thai font, first run, the main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from justice_desk.services.setup import SiteInfo
    from justice_desk.storage.database import Database
    from justice_desk.storage.locate import Target
    from justice_desk.ui.first_run import Chosen
    from justice_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def prepare_application() -> tuple[QApplication, QSettings]:
    """The QApplication with our name, language, Thai font and last-resort error dialog;
    returns it with the user's settings."""
    from PySide6.QtWidgets import QApplication

    from justice_desk import i18n
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.dialogs import install_exception_hook
    from justice_desk.ui.fonts import load_thai_font
    from justice_desk.ui.jobs import GuiThreadGarbageCollector

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Justice Desk")
    settings = prefs.open_settings()
    if not os.environ.get("JUSTICE_DESK_LANG"):
        i18n.set_language(prefs.language(settings) or i18n.DEFAULT_LANGUAGE)
    app.setFont(load_thai_font(prefs.text_size(settings)))
    from justice_desk.services.print_options import set_justified

    set_justified(prefs.justified_documents(settings))
    install_exception_hook()
    _keep.append(GuiThreadGarbageCollector(app))
    return app, settings


_keep: list[object] = []  # objects that live as long as the app


def choose_database(
    db_arg: str | None,
    settings: QSettings,
    *,
    first_run: Callable[..., Chosen | None] | None = None,
) -> tuple[Target, bool] | int:
    """The database to open and whether it is the demo, or an exit code.

    ``--db`` or ``JUSTICE_DESK_DB`` name it; otherwise the database used last (a demo included),
    else the default file in the data folder. Only when none of them exists is the first-run
    dialog shown (with a note when the one used last has gone, a USB stick not plugged in).
    """
    from justice_desk.i18n import _
    from justice_desk.storage.locate import resolve_target
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.dialogs import show_error

    explicit = db_arg is not None or bool(os.environ.get("JUSTICE_DESK_DB"))
    target = resolve_target(db_arg)
    missing_last: Path | None = None
    server = None if explicit else prefs.last_server(settings)
    if server:
        # The office's server, used last: its details are filled in and the password asked
        # (never kept), unless the password file (.pgpass) lets the connection through.
        from justice_desk.services import server as servers

        try:
            parts = servers.url_parts(server)
            servers.connect(parts.host, parts.port, parts.database, parts.user, None, parts.sslmode)
        except Exception:  # noqa: BLE001 - a password to ask, or a server to correct: the form says
            pass
        else:
            return resolve_target(server), False
        if first_run is None:
            from justice_desk.ui.first_run import run_first_run

            first_run = run_first_run
        chosen = first_run(settings, server=server)
        if chosen is None:
            return 0
        return resolve_target(chosen.where), chosen.demo
    if not explicit:
        last = prefs.last_database(settings)
        if last is not None and last.is_file():
            target = resolve_target(str(last))
        elif last is not None and last != target.path:
            missing_last = last
    if target.path is None or target.path.exists():
        return target, False
    if explicit:
        show_error(None, _("There is no database at {path}.").format(path=target.path))
        return 2
    if first_run is None:
        from justice_desk.ui.first_run import run_first_run

        first_run = run_first_run
    chosen = first_run(settings, missing=missing_last)
    if chosen is None:
        return 0
    return resolve_target(chosen.where), chosen.demo


def run_gui(db_arg: str | None) -> int:
    """The app: the database chosen, one window at a time; File → Open another database and a
    restore close the window and the loop opens the next one."""
    from PySide6.QtCore import QLockFile, QThreadPool

    from justice_desk.i18n import _
    from justice_desk.storage.locate import resolve_target
    from justice_desk.ui.backup_ui import AutoBackup
    from justice_desk.ui.dialogs import show_error

    app, settings = prepare_application()
    picked = choose_database(db_arg, settings)
    if isinstance(picked, int):
        return picked
    target, demo = picked
    while True:
        lock = None
        if target.path is not None:
            lock = QLockFile(str(target.path) + ".lock")
            lock.setStaleLockTime(0)
            if not lock.tryLock(100):
                show_error(
                    None,
                    _(
                        "{path} is already open in another Justice Desk window. "
                        "Switch to that window instead of opening it twice."
                    ).format(path=target.path),
                    _("Already open"),
                )
                return 2
        window = start_main_window(target, settings, demo=demo)
        AutoBackup(window)  # daily and on closing; the window owns it
        code = app.exec()
        if window.isVisible():
            window.close()
        # No job may outlive the window: a worker still running Python while the interpreter
        # shuts down, or delivering to a deleted window, crashes the app at quit.
        window.runner.cancel_all()
        if not QThreadPool.globalInstance().waitForDone(60000):
            log.warning("background jobs still running at quit")
        if window.attached:
            window.ctx.db.dispose()
        if lock is not None:
            lock.unlock()
        next_db = window.switch_to
        window.deleteLater()
        if code != 0 or next_db is None:
            return int(code)
        target, demo = resolve_target(str(next_db)), False


def start_main_window(target: Target, settings: QSettings, *, demo: bool = False) -> MainWindow:
    """Show the main window at once, then open the database in the background.

    The frame (title, navigation, the center's name, menus) comes from a read-only glance at the
    file with the standard library; importing the storage layer, opening (and if need be
    upgrading) the database and importing the first page's module run in the job runner, and
    the window builds that page when they are done (``window.ready``). A database that cannot be
    opened is explained in a dialog and the app ends with exit code 2.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from justice_desk.i18n import _
    from justice_desk.storage.locate import glance
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.dialogs import show_error
    from justice_desk.ui.main_window import Identity, MainWindow

    seen = glance(target)
    identity = Identity(
        name=seen.name if seen else None,
        province=seen is not None and seen.kind == "province",
        demo=demo or (seen is not None and seen.demo),
        database=target.display,
    )
    window = MainWindow(identity=identity, settings=settings)
    window.show_on_screen()
    from justice_desk.ui import unlock

    # An encrypted database is opened by signing in (its key comes from the password), or was
    # opened already by the first-run dialog that made it.
    unlocked: Database | None = None
    if target.path is not None:
        handoff = unlock.take_handoff(target.path)
        if handoff is not None:
            unlocked = handoff.db
            unlock.remember(window, handoff)
        elif unlock.encrypted_file(target.path):
            unlocked = unlock.unlock_database(
                target.path, seen.name if seen and seen.name else target.display, window
            )
            if unlocked is None:
                QTimer.singleShot(0, lambda: QApplication.exit(0))  # the sign-in was cancelled
                return window

    def opened(result: tuple[Database, SiteInfo, bool]) -> None:
        db, site, is_demo = result
        signed = unlock.before_attach(window, db, site.name, demo=demo or is_demo)
        if signed is None:
            db.dispose()
            QApplication.exit(0)  # the sign-in was cancelled
            return
        db = signed
        if target.path is not None:
            prefs.remember_database(settings, target.path)  # reopened at the next start
        elif target.url.startswith("postgresql"):
            from justice_desk.services import server

            # Without the password: the next start asks for it (or libpq's .pgpass answers).
            prefs.remember_server(settings, server.without_password(target.url))
        window.attach(
            AppContext(
                db=db, runner=window.runner, site=site, settings=settings, demo=demo or is_demo
            )
        )
        QTimer.singleShot(0, lambda: unlock.after_attach(window))

    def failed(message: str, _expected: bool) -> None:
        show_error(window, message, _("Cannot open the database"))
        QApplication.exit(2)  # run_gui closes the window once the job has ended

    window.runner.run(
        _("Opening the database"),
        _open_database,
        unlocked or (target.url if target.path is None else str(target.path)),
        window.page_to_open(),
        on_success=opened,
        on_error=failed,
    )
    return window


def _open_database(db_ref: str | Database, page: str) -> tuple[Database, SiteInfo, bool]:
    """Runs in the background: the storage layer, the database (unless already open: an
    encrypted one, signed in) and the first page's code."""
    import importlib

    from justice_desk.services import setup
    from justice_desk.storage.database import open_database

    db = open_database(db_ref) if isinstance(db_ref, str) else db_ref
    try:
        site = setup.this_site(db)
        demo = db.setting("demo") == "1"
    except Exception:
        db.dispose()
        raise
    importlib.import_module(f"justice_desk.ui.pages.{page}")
    return db, site, demo


def open_main_window(db_ref: str | Path, settings: QSettings, *, demo: bool = False) -> MainWindow:
    """Open the database and build the main window (used by the app and by tests)."""
    from justice_desk.services import setup
    from justice_desk.storage.database import open_database
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner
    from justice_desk.ui.main_window import MainWindow

    db = open_database(db_ref)
    try:
        site = setup.this_site(db)
    except Exception:
        db.dispose()
        raise
    ctx = AppContext(
        db=db,
        runner=JobRunner(),
        site=site,
        settings=settings,
        demo=demo or db.setting("demo") == "1",
    )
    return MainWindow(ctx)
