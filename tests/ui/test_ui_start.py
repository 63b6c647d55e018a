"""Starting the app: the window appears from a glance at the database before the storage layer
is loaded, then the database opens in the job runner and the last page is built."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from justice_desk.storage.locate import glance, resolve_target


def nav_keys(window) -> list[str]:
    return [window.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.nav.count())]


def test_the_window_frame_needs_no_storage_layer() -> None:
    """What runs before the window is shown must not import SQLAlchemy (that is the slow part)."""
    code = (
        "import sys\n"
        "import justice_desk.app, justice_desk.storage.locate, justice_desk.ui.main_window, "
        "justice_desk.ui.context\n"
        "import justice_desk.ui.fonts, justice_desk.ui.dialogs, justice_desk.ui.jobs\n"
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('sqlalchemy', 'alembic', 'reportlab')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.strip() == "[]"


def test_glance_reads_the_site_without_changing_the_file(center_db_path: Path) -> None:
    before = center_db_path.read_bytes()
    seen = glance(resolve_target(center_db_path))
    assert seen is not None and seen.kind == "center" and seen.name and not seen.demo
    assert center_db_path.read_bytes() == before


def test_glance_gives_no_answer_for_what_it_cannot_read(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (tmp_path / "missing.sqlite3", text, other):
        assert glance(resolve_target(path)) is None
    assert text.read_text(encoding="utf-8") == "not a database"
    assert glance(resolve_target("postgresql+psycopg://user:secret@localhost/jd")) is None


def test_window_appears_first_then_the_last_page_is_built(
    center_db_path: Path, tmp_path: Path, qtbot
) -> None:
    from justice_desk.app import start_main_window

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/last_page", "meetings")
    window = start_main_window(resolve_target(center_db_path), settings)
    qtbot.addWidget(window)
    name = glance(resolve_target(center_db_path)).name
    # At once: the center's name, the database, navigation (not yet usable), the opening note.
    assert name in window.windowTitle() and str(center_db_path) in window.header.text()
    assert window.isVisible() and not window.attached
    assert not window.nav.isEnabled() and window.stack.currentWidget() is window.opening
    assert nav_keys(window) == ["people", "committee", "meetings", "cases", "activities", "sync"]
    window._page_actions[3].trigger()  # Alt+4 before the database is open does nothing
    assert window.stack.currentWidget() is window.opening
    with qtbot.waitSignal(window.ready, timeout=20000):
        pass
    assert window.attached and window.nav.isEnabled()
    assert window.current_page().key == "meetings"
    assert window.ctx.site.name == name
    # Once it is open, Alt+4 goes to the fourth page (the action's ``checked`` argument must
    # not reach the slot as the page key).
    window._page_actions[3].trigger()
    assert window.current_page().key == "cases"
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    window.ctx.db.dispose()


def test_province_window_starts_with_centers_and_import(tmp_path: Path, qtbot) -> None:
    from justice_desk.app import start_main_window
    from justice_desk.services import setup

    path = tmp_path / "province.sqlite3"
    setup.init_province(path, province="เชียงใหม่").dispose()
    window = start_main_window(
        resolve_target(path), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    assert nav_keys(window)[0] == "sync"  # known from the glance, before the database is open
    with qtbot.waitSignal(window.ready, timeout=20000):
        pass
    assert window.current_page().key == "sync" and window.center_scope is not None
    qtbot.waitUntil(lambda: window.runner.active == 0)
    window.close()
    window.ctx.db.dispose()


def test_a_database_from_a_newer_app_is_explained_and_the_app_ends(
    center_db_path: Path, qapp, monkeypatch
) -> None:
    from justice_desk import app
    from justice_desk.ui import dialogs

    conn = sqlite3.connect(center_db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = center_db_path.read_bytes()
    told: list[tuple[str, str | None]] = []
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: told.append((text, title))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; restore it
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    assert app.run_gui(str(center_db_path)) == 2
    assert len(told) == 1
    text, title = told[0]
    assert title == "Cannot open the database" and "newer" in text and "9999" in text
    assert center_db_path.read_bytes() == before
