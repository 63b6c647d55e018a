"""The first-run dialog connects to the office's PostgreSQL server (ui/first_run.py ServerForm,
services/server.py) against the real server the tests start: an empty database is set up as the
province office, an existing one opened; the password typed is never written to the settings,
and the next start fills in the details again (asking only for the password, unless the
connection goes through without one, as with libpq's .pgpass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy.engine import make_url

from justice_desk.services import setup
from justice_desk.storage.locate import resolve_target

pytestmark = pytest.mark.postgres

SECRET = "not-kept-anywhere-7"


def _parts(url: str) -> tuple[str, int, str, str]:
    u = make_url(url)
    assert u.host and u.port and u.database and u.username
    return u.host, int(u.port), u.database, u.username


def _dialog(qtbot):
    from justice_desk.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.server_page
    return dialog


def _fill(form, qtbot, url: str, *, password: str = "") -> None:
    host, port, database, user = _parts(url)
    for edit, text in ((form.host, host), (form.database, database), (form.user, user)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    form.port.setValue(port)
    form.password.clear()
    if password:
        qtbot.keyClicks(form.password, password)


def test_an_empty_server_database_is_set_up_as_the_province_office(
    fresh_pg_database: str, qtbot, tmp_path: Path
) -> None:
    from justice_desk.app import choose_database, start_main_window

    dialog = _dialog(qtbot)
    form = dialog.server_page
    assert form.first_empty_field() is form.host
    _fill(form, qtbot, fresh_pg_database, password=SECRET)
    assert form.sslmode.currentData() == "prefer"
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    # Nothing on it yet: the province is asked, nothing written so far.
    assert form.province_box.isVisibleTo(form) and form.error.text() == ""
    assert form.state is not None and form.state.empty
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "province is required" in form.error.text()
    form.province_name.setText("เชียงใหม่")  # QTest cannot type Thai
    form.passphrase.first.setText("ยาวพอสำหรับกุญแจ")
    form.passphrase.again.setText("ยาวพอสำหรับกุญแจ")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    chosen = dialog.chosen
    assert chosen is not None and chosen.path is None and chosen.url is not None
    assert make_url(chosen.url).password == SECRET  # in memory, for this run only

    # The app opens it; what it remembers has no password.
    settings_file = tmp_path / "settings.ini"
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = start_main_window(resolve_target(chosen.where), settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=30000):
        pass
    assert window.ctx.db.mode == "province"
    assert window.ctx.site.province == "เชียงใหม่"
    assert SECRET not in window.header.text() + window.windowTitle()
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=20000)
    window.close()
    window.ctx.db.dispose()
    settings.sync()
    text = settings_file.read_text(encoding="utf-8")
    assert SECRET not in text
    remembered = settings.value("database/last_server")
    assert remembered and make_url(remembered).password is None
    assert _parts(remembered) == _parts(fresh_pg_database)

    # The next start: the server lets this user in without a password (as .pgpass would), so
    # the database opens with no dialog at all.
    def no_dialog(*args, **kwargs):
        raise AssertionError("the first-run dialog was not expected")

    picked = choose_database(None, settings, first_run=no_dialog)
    assert not isinstance(picked, int)
    target, demo = picked
    assert target.path is None and not demo
    assert make_url(target.url).password is None and _parts(target.url) == _parts(remembered)


def test_an_existing_office_database_is_opened(fresh_pg_database: str, qtbot) -> None:
    setup.init_province(fresh_pg_database, province="ลำพูน", code="PJO-51").dispose()
    dialog = _dialog(qtbot)
    _fill(dialog.server_page, qtbot, fresh_pg_database)
    qtbot.mouseClick(dialog.server_page.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen is not None and dialog.chosen.url is not None
    assert make_url(dialog.chosen.url).password is None
    assert not dialog.server_page.province_box.isVisibleTo(dialog.server_page)


def test_wrong_details_are_named_and_nothing_is_written(
    fresh_pg_database: str, qtbot, tmp_path: Path
) -> None:
    from justice_desk.app import choose_database

    dialog = _dialog(qtbot)
    form = dialog.server_page
    _fill(form, qtbot, fresh_pg_database)
    form.database.clear()
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "name of the database" in form.error.text()
    assert form.focusWidget() is form.database or form.database.hasFocus()
    # A port where no server listens: said in one message, the server's name marked.
    _fill(form, qtbot, fresh_pg_database)
    form.port.setValue(1)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "Cannot connect to" in form.error.text() and dialog.chosen is None
    assert "border" in form.host.styleSheet()
    # A database that does not exist on the server.
    _fill(form, qtbot, fresh_pg_database + "_none")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "Cannot connect to" in form.error.text() and dialog.chosen is None

    # The server used last cannot be reached as remembered: the form comes back filled in,
    # the password asked.
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    gone = make_url(fresh_pg_database + "_none").render_as_string(hide_password=False)
    settings.setValue("database/last_server", gone)
    asked: list[str] = []

    def first_run(settings, *, missing=None, server=None):
        asked.append(server)
        return None  # the person cancels

    assert choose_database(None, settings, first_run=first_run) == 0
    assert asked == [gone]

    from justice_desk.ui.first_run import FirstRunDialog

    again = FirstRunDialog()
    qtbot.addWidget(again)
    again.show_server_form(gone)
    assert again.stack.currentWidget() is again.server_page
    parts = _parts(gone)
    assert (again.server_page.host.text(), again.server_page.port.value()) == parts[:2]
    assert again.server_page.database.text() == parts[2]
    assert again.server_page.password.text() == ""
