"""GUI tests: real widgets, offscreen, on a real database; no job may outlive its test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool


@pytest.fixture(scope="module", autouse=True)
def gui_thread_gc(qapp) -> Iterator[None]:
    """As in the app: Python's cycle collector runs on the GUI thread only (see jobs.py), for
    each GUI test module. Automatic collection is back on after the module: left off for the
    rest of a worker's session, the tests of other folders run after it never collected their
    cycles, the process grew past a gigabyte, and every full collection here (each test's end,
    the collector's timer) walked all of it: seconds per GUI test in a full run.

    What the worker holds when the module starts (modules, caches, earlier modules' objects) is
    frozen (``gc.freeze``): the collections during the module walk only what its tests made. A
    full run's GUI test teardowns took up to 8 s each walking a heap of earlier modules. It is
    unfrozen and collected, on this thread, when the module ends."""
    import gc

    from justice_desk.ui.jobs import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector(qapp)
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        collector.timer.stop()
        collector.setParent(None)
        collector.deleteLater()
        gc.unfreeze()
        gc.enable()
        gc.collect()


@pytest.fixture(autouse=True)
def no_leftover_jobs(qapp) -> Iterator[None]:
    yield
    import gc

    gc.collect()
    pool = QThreadPool.globalInstance()
    # A job that has sent its last signal (done, cancelled) may still be returning from its
    # thread for a moment: a second's grace tells that from a job the test left running (seen
    # once in CI: test_job_runner_cancel, its job counted between its signal and its return).
    pool.waitForDone(1000)
    still_running = pool.activeThreadCount()
    pool.waitForDone(10000)
    assert still_running == 0, f"{still_running} background job(s) were left running by the test"


@pytest.fixture(autouse=True)
def same_text_size_for_every_test(qapp) -> Iterator[None]:
    """A test that changes the text size (View → larger text sets the application's font)
    leaves the next test the size it started with (on PySide6 6.7 a later agenda test clicked
    a squeezed ▲ button otherwise)."""
    font = qapp.font()
    yield
    qapp.setFont(font)


@pytest.fixture
def ui_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ui_ctx(center_db, ui_settings, qapp):
    from justice_desk.services import setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    runner = JobRunner()
    ctx = AppContext(
        db=center_db, runner=runner, site=setup.this_site(center_db), settings=ui_settings
    )
    yield ctx
    runner.wait_for_done(10000)


@pytest.fixture
def main_window(ui_ctx, qtbot):
    from justice_desk.ui.main_window import MainWindow

    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def type_text(qtbot, widget, text: str) -> None:
    """Type into a line edit one key event per character (keyClicks aborts on non-ASCII)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch)
        )


@pytest.fixture
def typer(qtbot):
    return lambda widget, text: type_text(qtbot, widget, text)


# -- a demo center in the real window, at a text size (the fits-screen checks) ----------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = setup.init_demo_center(path)
    generate_demo(db, seed=3, people=40, cases=40, meetings=6)
    db.dispose()
    return path


@pytest.fixture
def text_size(qapp, request) -> Iterator[int]:
    """The bundled Thai font at the size asked for, as the app sets it; put back afterwards."""
    from justice_desk.ui.fonts import load_thai_font

    before = qapp.font()
    qapp.setFont(load_thai_font(request.param))
    yield request.param
    qapp.setFont(before)


@pytest.fixture
def demo_window(demo_template, tmp_path, ui_settings, qtbot):
    import shutil

    from justice_desk.app import open_main_window

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    window = open_main_window(path, ui_settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ctx.runner.wait_for_done(10000)
    window.ctx.db.dispose()
