"""Starting the desktop app: one copy per database, the Thai font, the main window."""

from __future__ import annotations

import os
import sys

from justice_desk import paths
from justice_desk.errors import UserError
from justice_desk.i18n import _


def run_gui(db_arg: str | None) -> int:
    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QApplication, QMessageBox

    from justice_desk.services import setup
    from justice_desk.storage.database import open_database, resolve_target
    from justice_desk.ui.fonts import load_thai_font
    from justice_desk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Justice Desk")
    app.setFont(load_thai_font())

    demo = False
    target = resolve_target(db_arg)
    if db_arg is None and not os.environ.get("JUSTICE_DESK_DB") and target.path is not None and not target.path.exists():
        # No real database yet: open (or make) the demo so the app is never empty on first run.
        demo_path = paths.ensure_home() / "demo.sqlite3"
        target = resolve_target(str(demo_path))
        demo = True
        if not demo_path.exists():
            from justice_desk.services.demo import generate_demo

            db = setup.init_demo_center(demo_path)
            generate_demo(db)
            db.dispose()

    lock = None
    if target.path is not None:
        lock = QLockFile(str(target.path) + ".lock")
        lock.setStaleLockTime(0)
        if not lock.tryLock(100):
            QMessageBox.warning(
                None,
                _("Already open"),
                _("{path} is already open in another Justice Desk window. Switch to that window instead.").format(path=target.path),
            )
            return 2
    try:
        db = open_database(target.url if target.path is None else str(target.path))
    except UserError as exc:
        QMessageBox.critical(None, _("Cannot open the database"), str(exc))
        return 2
    window = MainWindow(db, demo=demo)
    window.show()
    code = app.exec()
    db.dispose()
    if lock is not None:
        lock.unlock()
    return int(code)
