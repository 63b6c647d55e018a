"""The agenda of a meeting on a 1366×768 laptop (issue 11): one scroll level (the agenda used to
scroll inside the scrolling meeting), every item's ▲ ▼ and Remove whole inside the page (they
were cut at its right edge), and Save always in reach (it was off the screen), at the default
text size and the largest the View menu offers, through the real window on a demo center."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from justice_desk.domain.enums import MeetingStatus
from justice_desk.ui import operations
from justice_desk.ui import settings as prefs
from justice_desk.ui.widgets.fit import SCREEN, SMALL_SCREEN

SIZES = [prefs.DEFAULT_TEXT_SIZE, prefs.MAX_TEXT_SIZE]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = setup.init_demo_center(path)
    generate_demo(db, seed=5, people=30, cases=10, meetings=4)
    db.dispose()
    return path


@pytest.fixture
def text_size(qapp, request) -> Iterator[int]:
    from justice_desk.ui.fonts import load_thai_font

    before = qapp.font()
    qapp.setFont(load_thai_font(request.param))
    yield request.param
    qapp.setFont(before)


@pytest.fixture
def window(demo_template, tmp_path, ui_settings, qtbot, monkeypatch):
    from justice_desk.app import open_main_window
    from justice_desk.ui import dialogs

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    window = open_main_window(path, ui_settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    yield window
    window.ctx.runner.wait_for_done(10000)
    window.ctx.db.dispose()


def settle(qtbot) -> None:
    for _ in range(3):
        qtbot.wait(5)
        QApplication.processEvents()


def open_agenda(window, qtbot, status: MeetingStatus):
    page = window.show_page("meetings")
    model = page.register.model
    row = next(r for r in range(model.rowCount()) if model.row_object(r).status is status)
    page.register.select_row(row)
    editor = page.editor
    editor.tabs.setCurrentWidget(editor.agenda)
    settle(qtbot)
    return editor


def scroll_areas_above(widget: QWidget) -> list[QScrollArea]:
    found, parent = [], widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def inside(widget: QWidget, area: QWidget) -> bool:
    """Is ``widget`` whole within ``area`` (on the screen, not cut by its edges)?"""
    rect = QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())
    frame = QRect(area.mapTo(area.window(), QPoint(0, 0)), area.size())
    return frame.contains(rect)


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_one_scroll_level_arrows_whole_and_save_in_reach(qtbot, text_size: int, window) -> None:
    editor = open_agenda(window, qtbot, MeetingStatus.DRAFT)
    agenda = editor.agenda
    assert len(agenda.boxes) >= 4
    for screen in (SCREEN, SMALL_SCREEN):
        window.resize(screen)
        settle(qtbot)
        area = editor.scroll_box
        viewport = area.viewport()
        assert not area.horizontalScrollBar().isVisible(), f"sideways scroll at {screen}"
        for box in agenda.boxes:
            # One scroll level: the meeting's; the agenda has none of its own.
            assert scroll_areas_above(box) == [area]
            agenda.ensure_visible(box.remove)
            settle(qtbot)
            for button in (box.up, box.down, box.remove):
                assert button.isVisibleTo(window)
                assert inside(button, viewport), f"{button.toolTip()} cut at {screen}"
            # Save is below the scrolled part, on the window, wherever the agenda is scrolled.
            for button in (editor.save_button, editor.revert_button):
                assert button.isVisibleTo(window) and inside(button, window.centralWidget())
                assert not area.isAncestorOf(button)


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_moving_an_item_keeps_it_under_the_pointer_and_save_reaches_it(
    qtbot, typer, text_size: int, window
) -> None:
    editor = open_agenda(window, qtbot, MeetingStatus.DRAFT)
    agenda = editor.agenda
    window.resize(SCREEN)
    settle(qtbot)
    box = agenda.boxes[2]
    title = box.title_edit.text()
    agenda.ensure_visible(box.down)
    settle(qtbot)
    before = box.down.mapToGlobal(QPoint(0, 0))
    qtbot.mouseClick(box.down, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert agenda.boxes[3] is box and box.title_edit.text() == title
    # The item moved down the agenda; the page scrolled with it, so the ▼ just clicked is
    # still under the pointer for another click.
    assert box.down.mapToGlobal(QPoint(0, 0)) == before
    assert inside(box.down, editor.scroll_box.viewport())
    assert editor.dirty

    # Scrolled to the last item, a change is saved with the button below the page.
    last = agenda.boxes[-1]
    agenda.ensure_visible(last.resolution)
    typer(last.resolution, "ที่ประชุมรับทราบ")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    settle(qtbot)
    assert not editor.dirty and editor.message.text()
    saved = editor.detail
    assert saved is not None and saved.agenda[3].title == title
    assert saved.agenda[-1].resolution == "ที่ประชุมรับทราบ"


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_adopted_minutes_read_without_a_sideways_scroll(qtbot, text_size: int, window) -> None:
    editor = open_agenda(window, qtbot, MeetingStatus.ADOPTED)
    assert editor.agenda.read_only
    for screen in (SCREEN, SMALL_SCREEN):
        window.resize(screen)
        settle(qtbot)
        assert not editor.scroll_box.horizontalScrollBar().isVisible()
        for box in editor.agenda.boxes:
            assert scroll_areas_above(box) == [editor.scroll_box]
            assert box.width() <= editor.scroll_box.viewport().width()
