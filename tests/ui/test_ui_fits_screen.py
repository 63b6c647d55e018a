"""The window fits a village laptop (issue 11 §1–§4, docs/architecture.md §15): the real main
window on a real demo center, every page, a case and a meeting open, and the main dialogs, in
Thai and English, at the default text size and the largest the View menu offers, on a
1366×768 screen less its task bar and on a 1280×720 one. Nothing may ask for more than the
screen, no text may be cut where it should wrap, no button may be squeezed or pushed out of
reach, and lines break only between Thai words."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from justice_desk.ui import settings as prefs
from justice_desk.ui.widgets.fit import SCREEN, SMALL_SCREEN, ElidedLabel
from justice_desk.ui.widgets.thai_label import LINE_BREAK, ThaiLabel

SIZES = [prefs.DEFAULT_TEXT_SIZE, prefs.MAX_TEXT_SIZE]


# -- the checks ------------------------------------------------------------------------------


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Is ``widget`` inside a scroll area (so that what lies outside its viewport is reachable)?"""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def problems(top: QWidget) -> list[str]:
    """What a person would see wrong in ``top`` as it is laid out now."""
    found: list[str] = []
    frame = QRect(QPoint(0, 0), top.size())
    for label in top.findChildren(QLabel):
        if not _shown(label, top) or not label.text() or isinstance(label, ElidedLabel):
            continue
        name = f"{type(label).__name__} {label.objectName()!r} {label.text()[:50]!r}"
        if isinstance(label, ThaiLabel):
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                found.append(f"{name}: needs {needed} px of height, has {label.height()}")
            if label.widest_word() > label.contentsRect().width() + 1:
                found.append(f"{name}: a word is wider than the label ({label.width()} px)")
            found += [f"{name}: {p}" for p in broken_words(label)]
        elif label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                found.append(f"{name}: wrapped text needs {needed} px, has {label.height()}")
        else:
            wanted = label.sizeHint().width()
            if label.pixmap().isNull() and wanted > label.width() + 1:
                found.append(f"{name}: text needs {wanted} px of width, has {label.width()}")
    for button in top.findChildren(QAbstractButton):
        if not _shown(button, top) or type(button).__name__ in ("QToolButton",):
            continue
        name = f"{type(button).__name__} {button.objectName()!r} {button.text()[:40]!r}"
        if button.text() and button.width() < button.minimumSizeHint().width() - 1:
            found.append(f"{name}: squeezed to {button.width()} px")
        where = QRect(button.mapTo(top, QPoint(0, 0)), button.size())
        if not _scrolled(button, top) and not frame.contains(where):
            found.append(f"{name}: out of reach at {where.getRect()} in {frame.getRect()}")
    return found


def sideways(top: QWidget) -> list[str]:
    """Scrolled forms that would need a sideways scroll: what lies right of their edge is cut
    for a person who does not think of scrolling sideways (the ▲ ▼ of an agenda item, a field's
    end). Tables and text boxes (which scroll their own content) are not counted."""
    found = []
    for area in top.findChildren(QScrollArea):
        inner = area.widget()
        if inner is None or not _shown(area, top):
            continue
        needed = inner.minimumSizeHint().width()
        room = area.viewport().width()
        if area.horizontalScrollBar().isVisible() or needed > room + 1:
            name = f"{area.objectName() or type(inner).__name__} in {type(area.parent()).__name__}"
            found.append(f"{name}: needs {needed} px of width, has {room}")
    return found


def broken_words(label: ThaiLabel) -> list[str]:
    """Line breaks the label put anywhere but between two of its words (plain text)."""
    if label.is_rich():
        return []
    ends, position = set(), 0
    for unit in label.units():
        position += len(unit.measure) + (1 if unit.hard_break_after else len(unit.trailing))
        ends.add(position)
    found, offset = [], 0
    for ch in label.display_text:
        if ch == LINE_BREAK:
            if offset not in ends:
                found.append(f"a line breaks inside a word at {offset}")
        else:
            offset += 1
    return found


def settle(qtbot, window: QWidget) -> None:
    for _ in range(3):
        qtbot.wait(5)
        QApplication.processEvents()


def fits(window: QWidget, screen: QSize) -> list[str]:
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > screen.width() or hint.height() > screen.height():
        return [
            f"asks for {hint.width()}×{hint.height()}, the screen has {screen.width()}×"
            f"{screen.height()}"
        ]
    return []


def check(qtbot, window: QWidget, what: str) -> list[str]:
    """Lay ``window`` out at both screens and collect what does not fit."""
    found = []
    for screen in (SCREEN, SMALL_SCREEN):
        # Laid out at the screen's width first: wrapped text asks for its height at that width.
        window.resize(screen)
        settle(qtbot, window)
        where = f"{what} @ {screen.width()}×{screen.height()}"
        found += [f"{where}: {p}" for p in fits(window, screen)]
        window.resize(screen)
        settle(qtbot, window)
        found += [f"{where}: {p}" for p in problems(window)]
    return found


# -- fixtures --------------------------------------------------------------------------------


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
    from justice_desk.app import open_main_window

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    window = open_main_window(path, ui_settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ctx.runner.wait_for_done(10000)
    window.ctx.db.dispose()


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_page_and_detail_fits_the_screen(
    qtbot, qapp, language: str, text_size: int, ui_settings, demo_template, tmp_path
) -> None:
    from justice_desk import i18n
    from justice_desk.app import open_main_window

    i18n.set_language(language)
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    window = open_main_window(path, ui_settings)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
        found: list[str] = []
        for key in ("people", "committee", "meetings", "cases", "activities", "sync"):
            page = window.show_page(key)
            settle(qtbot, window)
            if hasattr(page, "register") and page.register.model.rowCount() > 0:
                page.register.select_row(0)
            found += check(qtbot, window, key)
        cases = window.show_page("cases")
        for row in range(3):  # a few cases: different steps, deadlines and warnings
            case = cases.register.model.row_object(row)
            assert cases.open_case(case.id)
            for index in range(cases.detail.tabs.count()):
                cases.detail.tabs.setCurrentIndex(index)
                found += check(qtbot, window, f"case {case.number} tab {index}")
        meetings = window.show_page("meetings")
        for row in range(2):
            meetings.register.select_row(row)
            for index in range(meetings.editor.tabs.count()):
                meetings.editor.tabs.setCurrentIndex(index)
                where = f"meeting row {row} tab {index}"
                found += check(qtbot, window, where)
                # The meeting has the room (not the list beside it), and nothing in it is cut
                # at its right edge (issue 11: at 24 pt it had a sixth of the window).
                for screen in (SCREEN, SMALL_SCREEN):
                    window.resize(screen)
                    settle(qtbot, window)
                    at = f"{where} @ {screen.width()}×{screen.height()}"
                    found += [f"{at}: {p}" for p in sideways(meetings.editor)]
                    listing, detail = meetings.splitter.sizes()
                    if detail < listing:
                        found.append(f"{at}: the meeting has {detail} px, the list {listing}")
        people = window.show_page("people")
        people.register.select_row(0)
        settle(qtbot, window)
        # The person form (also a party's form) stacks its labels over its fields and its
        # address in one column when narrow: it needs no more than a detail side of a page.
        needed, most = people.form.minimumSizeHint().width(), int(SMALL_SCREEN.width() * 0.36)
        if needed > most:
            found.append(f"person form: needs {needed} px, more than {most}")
        assert not found, "\n".join(found)
    finally:
        window.ctx.runner.wait_for_done(10000)
        window.close()
        window.ctx.db.dispose()


def _dialogs(window):
    """The main dialogs, each as a person opens it (name, factory)."""
    from justice_desk.ui.case_intake import CaseIntakeDialog
    from justice_desk.ui.export_ui import MonthlyReportDialog
    from justice_desk.ui.first_run import FirstRunDialog
    from justice_desk.ui.meeting_dialogs import NewMeetingDialog
    from justice_desk.ui.settings_dialog import SettingsDialog

    ctx = window.ctx
    return [
        ("settings", lambda: SettingsDialog(ctx, window)),
        ("new case", lambda: CaseIntakeDialog(ctx, window)),
        ("new meeting", lambda: NewMeetingDialog(ctx, window)),
        ("monthly report", lambda: MonthlyReportDialog(ctx, window)),
        ("set-up", lambda: FirstRunDialog()),
    ]


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_main_dialogs_fit_the_screen(qtbot, language: str, text_size: int, demo_window) -> None:
    from justice_desk import i18n

    i18n.set_language(language)
    window = demo_window
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    found: list[str] = []
    for name, make in _dialogs(window):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, dialog)
        screens = [s.boundedTo(dialog.size()) for s in (SCREEN, SMALL_SCREEN)]
        for screen in screens:
            dialog.resize(screen)
            settle(qtbot, dialog)
            found += [f"{name}: {p}" for p in fits(dialog, SMALL_SCREEN)]
            found += [f"{name} @ {screen.width()}×{screen.height()}: {p}" for p in problems(dialog)]
            if name == "new meeting":
                found += [f"{name} @ {screen.width()}: {p}" for p in sideways(dialog)]
        if name == "new case":
            # On the laptop it opens up to 95 % of the screen wide (wider with larger text): the
            # fields are whole there, side by side or one half above the other.
            for screen in (SCREEN, SMALL_SCREEN):
                dialog.resize(min(dialog.width() * 4, int(screen.width() * 0.95)), screen.height())
                settle(qtbot, dialog)
                found += [f"{name} @ {dialog.width()}: {p}" for p in sideways(dialog)]
        dialog.reject()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
@pytest.mark.parametrize("language", ["th", "en"])
def test_a_new_centers_checklist_fits_above_the_pages(
    qtbot, language: str, text_size: int, main_window
) -> None:
    """A new center (no committee, no mediators, not enrolled) sees the set-up checklist above
    every page: its rows are as tall as their wrapped text (at 24 pt they were drawn over each
    other), and it leaves the page below its room."""
    from justice_desk import i18n

    i18n.set_language(language)
    window = main_window
    qtbot.waitUntil(lambda: window.checklist.isVisible(), timeout=10000)
    found: list[str] = []
    for key in ("people", "cases", "meetings"):
        page = window.show_page(key)
        found += check(qtbot, window, f"checklist over {key}")
        for screen in (SCREEN, SMALL_SCREEN):
            window.resize(screen)
            settle(qtbot, window)
            at = f"checklist over {key} @ {screen.width()}×{screen.height()}"
            found += [f"{at}: {p}" for p in sideways(window.checklist)]
            if page.height() < window.checklist.height():
                found.append(f"{at}: the page has {page.height()} px under the checklist")
    assert not found, "\n".join(found)


# -- the layout holds still while a person works (§5) -----------------------------------------


def _planned_meeting_row(page) -> int:
    model = page.register.model
    for row in range(model.rowCount()):
        if model.row_object(row).status.value == "draft":
            return row
    raise AssertionError("the demo has a planned meeting")


@pytest.mark.parametrize("text_size", SIZES, indirect=True)
def test_taking_attendance_does_not_move_the_divider(qtbot, text_size: int, demo_window) -> None:
    window = demo_window
    window.resize(SCREEN)
    page = window.show_page("meetings")
    page.register.select_row(_planned_meeting_row(page))
    editor = page.editor
    editor.tabs.setCurrentWidget(editor.attendance)
    settle(qtbot, window)
    before = page.splitter.sizes()
    rows = editor.attendance.rows
    assert len(rows) >= 2
    rows[0].choice.setCurrentIndex(rows[0].choice.findData("absent"))  # the reason field appears
    settle(qtbot, window)
    assert page.splitter.sizes() == before
    rows[1].choice.setCurrentIndex(rows[1].choice.findData("substitute"))
    rows[0].reason.setText("ติดภารกิจราชการที่ศาลาเอนกประสงค์ของหมู่บ้านอีกแห่งหนึ่ง " * 3)
    settle(qtbot, window)
    assert page.splitter.sizes() == before
    assert editor.dirty
    editor.revert()


def test_saving_keeps_the_agenda_item_and_the_scroll_position(qtbot, demo_window, typer) -> None:
    window = demo_window
    window.resize(SCREEN)
    page = window.show_page("meetings")
    page.register.select_row(_planned_meeting_row(page))
    editor = page.editor
    editor.tabs.setCurrentWidget(editor.agenda)
    settle(qtbot, window)
    agenda = editor.agenda
    assert len(agenda.boxes) >= 4
    last = agenda.boxes[-2]
    agenda.scroll_area.ensureWidgetVisible(last.discussion)
    last.discussion.setFocus()
    settle(qtbot, window)
    bar = agenda.scroll_area.verticalScrollBar()
    position = bar.value()
    assert position > 0, "the agenda is longer than the screen, so it is scrolled"
    typer(last.discussion, "ที่ประชุมรับทราบ")
    assert editor.dirty
    assert editor.save_and_wait()
    settle(qtbot, window)
    assert not editor.dirty
    assert bar.value() == position
    assert agenda.current_index() == len(agenda.boxes) - 2
    assert "ที่ประชุมรับทราบ" in agenda.boxes[-2].discussion.toPlainText()
    # Another meeting starts at the top.
    other = next(
        r for r in range(page.register.model.rowCount()) if r != _planned_meeting_row(page)
    )
    page.register.select_row(other)
    settle(qtbot, window)
    assert agenda.scroll_area.verticalScrollBar().value() == 0
