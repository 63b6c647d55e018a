"""Screenshots of the real app for README.md: a demo center on a 1366×768 laptop screen.

Run it under a virtual X server with a window manager, so that the window is maximised on the
work area a real desktop leaves (the screen less a task bar) and the shots show what a
coordinator sees::

    Xvfb :77 -screen 0 1366x768x24 &
    DISPLAY=:77 openbox &
    DISPLAY=:77 QT_QPA_PLATFORM=xcb .venv/bin/python resources/screenshots/make_screenshots.py

(Debian: ``apt-get install xvfb openbox libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0``.) Writes PNGs beside this file: the main
pages in Thai at the default text size, one in English, and ``--large`` adds shots at the
largest text size (``*-large.png``, for checking, not for the README). ``--out DIR`` writes
elsewhere. Each shot is the whole screen grabbed from the X server, window frame included.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--large", action="store_true", help="also shots at the largest text size")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    home = Path(tempfile.mkdtemp(prefix="jd-shots-"))
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from justice_desk import i18n
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.fonts import load_thai_font

    app = QApplication(sys.argv[:1])
    db_path = home / "demo.sqlite3"
    db = setup.init_demo_center(db_path)
    generate_demo(db, seed=3)
    db.dispose()

    def wait(ms: int = 400) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shoot(language: str, size: int, shots: list[tuple[str, str]]) -> None:
        from justice_desk.app import open_main_window

        i18n.set_language(language)
        app.setFont(load_thai_font(size))
        settings = QSettings(str(home / f"{language}-{size}.ini"), QSettings.Format.IniFormat)
        window = open_main_window(str(db_path), settings)
        window.showMaximized()
        wait(800)
        window.ctx.runner.wait_for_done(10000)
        for key, name in shots:
            if key == "case":
                page = window.show_page("cases")
                row = page.register.model.row_object(2)
                page.open_case(row.id)
            else:
                page = window.show_page(key)
                if hasattr(page, "register") and hasattr(page.register, "select_row"):
                    page.register.select_row(0)
            wait()
            window.ctx.runner.wait_for_done(10000)
            wait()
            screen = window.screen()
            shot = screen.grabWindow(0)  # the whole screen: what the person sees
            path = out / f"{name}.png"
            shot.save(str(path))
            print("wrote", path, f"{shot.width()}×{shot.height()}")
        window.ctx.runner.wait_for_done(10000)
        window.close()
        window.ctx.db.dispose()

    pages = [
        ("cases", "cases-th"),
        ("case", "case-th"),
        ("meetings", "meetings-th"),
        ("people", "people-th"),
        ("committee", "committee-th"),
        ("sync", "sync-th"),
    ]
    shoot("th", prefs.DEFAULT_TEXT_SIZE, pages)
    shoot("en", prefs.DEFAULT_TEXT_SIZE, [("cases", "cases-en")])
    if args.large:
        shoot("th", prefs.MAX_TEXT_SIZE, [(k, n + "-large") for k, n in pages])
    return 0


if __name__ == "__main__":
    sys.exit(main())
