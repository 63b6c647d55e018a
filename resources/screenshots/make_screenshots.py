"""Screenshots of the real app for README.md, on the demo database, under a virtual X server.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python resources/screenshots/make_screenshots.py

(Debian: ``apt-get install xvfb libxcb-icccm4 libxcb-keysyms1``.) Writes PNGs beside this file.
Each shot is the real main window (or dialog) as a coordinator sees it, in Thai, with one
English shot to show the language switch.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="jd-shots-"))
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from justice_desk import i18n
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.ui.fonts import load_thai_font

    app = QApplication(sys.argv[:1])
    app.setFont(load_thai_font(11))
    db_path = home / "demo.sqlite3"
    db = setup.init_demo_center(db_path)
    generate_demo(db, seed=3)
    db.dispose()

    def shoot(language: str, shots: list[tuple[str, str]]) -> None:
        from justice_desk.app import open_main_window

        i18n.set_language(language)
        settings = QSettings(str(home / f"{language}.ini"), QSettings.Format.IniFormat)
        window = open_main_window(str(db_path), settings)
        window.resize(1360, 860)
        window.show()
        for key, name in shots:
            page = window.show_page(key)
            if hasattr(page, "register") and hasattr(page.register, "select_row"):
                page.register.select_row(0)
            for _ in range(20):
                app.processEvents()
            QTimer.singleShot(0, lambda: None)
            app.processEvents()
            window.grab().save(str(HERE / f"{name}.png"))
            print("wrote", HERE / f"{name}.png")
        window.ctx.runner.wait_for_done(10000)
        window.close()
        window.ctx.db.dispose()

    shoot(
        "th",
        [
            ("cases", "cases-th"),
            ("meetings", "meetings-th"),
            ("people", "people-th"),
            ("committee", "committee-th"),
            ("sync", "sync-th"),
        ],
    )
    shoot("en", [("cases", "cases-en")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
