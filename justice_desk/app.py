"""Starting the desktop app: one copy per database, the Thai font, first run, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_gui(db_arg: str | None) -> int:
    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QApplication

    from justice_desk import i18n
    from justice_desk.errors import UserError
    from justice_desk.i18n import _
    from justice_desk.storage.database import resolve_target
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.dialogs import install_exception_hook, show_error
    from justice_desk.ui.fonts import load_thai_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Justice Desk")
    settings = prefs.open_settings()
    if not os.environ.get("JUSTICE_DESK_LANG"):
        i18n.set_language(prefs.language(settings) or i18n.DEFAULT_LANGUAGE)
    app.setFont(load_thai_font(prefs.text_size(settings)))
    install_exception_hook()
    from justice_desk.ui.jobs import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector(app)  # noqa: F841 - lives as long as the app

    target = resolve_target(db_arg)
    demo = False
    if target.path is not None and not target.path.exists():
        if db_arg is not None or os.environ.get("JUSTICE_DESK_DB"):
            show_error(None, _("There is no database at {path}.").format(path=target.path))
            return 2
        from justice_desk.ui.first_run import run_first_run

        chosen = run_first_run(settings)
        if chosen is None:
            return 0
        target, demo = resolve_target(str(chosen.path)), chosen.demo

    lock = None
    if target.path is not None:
        lock = QLockFile(str(target.path) + ".lock")
        lock.setStaleLockTime(0)
        if not lock.tryLock(100):
            show_error(
                None,
                _("{path} is already open in another Justice Desk window. Switch to that window instead of opening it twice.").format(
                    path=target.path
                ),
                _("Already open"),
            )
            return 2
    try:
        window = open_main_window(target.url if target.path is None else str(target.path), settings, demo=demo)
    except UserError as exc:
        show_error(None, str(exc), _("Cannot open the database"))
        if lock is not None:
            lock.unlock()
        return 2
    window.show()
    code = app.exec()
    window.ctx.db.dispose()
    if lock is not None:
        lock.unlock()
    return int(code)


def open_main_window(db_ref: str | Path, settings, *, demo: bool = False):  # type: ignore[no-untyped-def]
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
    ctx = AppContext(db=db, runner=JobRunner(), site=site, settings=settings, demo=demo or db.setting("demo") == "1")
    return MainWindow(ctx)
