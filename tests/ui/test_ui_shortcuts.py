"""Every keyboard shortcut of the main window, pressed as a person presses it (key events on the
real window, offscreen), with its effect checked; the README names only shortcuts that exist;
and no slot in the UI gets a signal's argument in place of a default (the Alt+1…6 bug: a
``lambda k=key: …`` connected to ``QAction.triggered`` received ``checked`` as the key)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from justice_desk.domain.enums import CommitteePosition
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import settings as prefs

ROOT = Path(__file__).resolve().parents[2]
CENTER_PAGES = ["people", "committee", "meetings", "cases", "activities", "sync"]


def press(qtbot, window, sequence: str) -> None:
    """One key press with its modifiers, sent to whatever has the focus in the active window."""
    combo = QKeySequence(sequence)[0]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
    QApplication.processEvents()


def shortcuts_of(window) -> dict[str, QAction]:
    """Every action of the window (menus included) that has a shortcut, by its portable text."""
    found: dict[str, QAction] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if text:
                found[text] = action
    return found


@pytest.fixture
def meeting(ui_ctx):
    term = people.create_term(ui_ctx.db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    for given, position in (
        ("สมศักดิ์", CommitteePosition.CHAIR),
        ("น้ำฝน", CommitteePosition.SECRETARY),
    ):
        person = people.create_person(
            ui_ctx.db, PersonInput(given_name=given, title="นาย", no_id_reason="ไม่ทราบ")
        ).record
        people.appoint(ui_ctx.db, term.id, person.id, position)
    return meetings.create_meeting(
        ui_ctx.db,
        meetings.MeetingInput(
            dt.date(2026, 10, 7), starts_at=dt.time(9, 30), place="ศาลาเอนกประสงค์"
        ),
    )


@pytest.fixture
def restore_text_size(qapp):
    font = qapp.font()
    yield
    qapp.setFont(font)


def test_every_shortcut_on_the_real_window(
    main_window, ui_ctx, qtbot, typer, meeting, monkeypatch, restore_text_size
) -> None:
    window = main_window
    qtbot.waitUntil(lambda: window.attached, timeout=5000)
    found = shortcuts_of(window)
    pressed: set[str] = set()

    def go(sequence: str) -> None:
        assert sequence in found, f"no action has the shortcut {sequence}"
        press(qtbot, window, sequence)
        pressed.add(sequence)

    # Alt+1…6: the pages, in navigation order, from any page and in any order.
    for number in (4, 1, 6, 2, 5, 3, 3, 1):
        go(f"Alt+{number}")
        assert window.current_page().key == CENTER_PAGES[number - 1]

    # On the Meetings page (Alt+3): Ctrl+F finds, Ctrl+S saves, F5 reloads, Ctrl+P prints,
    # Ctrl+N plans a new meeting.
    go("Alt+3")
    page = window.current_page()
    editor = page.editor
    assert editor.detail.id == meeting.id
    go("Ctrl+F")
    assert QApplication.focusWidget() is page.register.search
    editor.place.setFocus()
    editor.place.end(False)
    typer(editor.place, " หมู่ 3")
    assert editor.dirty
    go("Ctrl+S")  # the save runs in the job runner (ui/operations.py)
    qtbot.waitUntil(lambda: not editor.dirty, timeout=10000)
    assert meetings.get_meeting(ui_ctx.db, meeting.id).place == "ศาลาเอนกประสงค์ หมู่ 3"
    moved = meetings.get_meeting(ui_ctx.db, meeting.id)
    meetings.update_meeting(
        ui_ctx.db,
        meeting.id,
        meetings.MeetingInput(moved.held_on, moved.starts_at, place="ห้องประชุม อบต."),
        moved.rev,
    )
    go("F5")
    assert editor.place.text() == "ห้องประชุม อบต."
    go("Ctrl+P")  # a planned meeting: its invitation, in the print preview
    task = editor.print_job
    assert task is not None
    qtbot.waitUntil(lambda: task.job.done, timeout=30000)
    preview = task.dialog
    assert preview is not None and preview.request.file_name == "invitation-1-2569.pdf"
    preview.reject()  # Esc in the preview: tests/ui/test_ui_print_preview.py
    go("Ctrl+N")
    dialog = page.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()

    # Text size: Ctrl++ (and Ctrl+= on keyboards where + needs Shift), Ctrl+-, Ctrl+0.
    window.set_text_size(prefs.DEFAULT_TEXT_SIZE)
    for sequence, step in (("Ctrl++", +1), ("Ctrl+=", +1), ("Ctrl+-", -1)):
        before = prefs.text_size(ui_ctx.settings)
        go(sequence)
        assert prefs.text_size(ui_ctx.settings) == before + step
        assert QApplication.font().pointSize() == before + step
    go("Ctrl+0")
    assert prefs.text_size(ui_ctx.settings) == prefs.DEFAULT_TEXT_SIZE

    # Any other shortcut the menus gain works too: pressing it triggers its action.
    for sequence, action in found.items():
        if sequence in pressed or sequence == "Ctrl+Q":
            continue
        with qtbot.waitSignal(action.triggered, timeout=2000):
            press(qtbot, window, sequence)
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible() and widget.isModal():
                widget.close()
        pressed.add(sequence)

    # Ctrl+Q last: the window closes.
    go("Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert pressed == set(found)


def test_alt_numbers_at_a_province_office(tmp_path: Path, qtbot) -> None:
    from justice_desk.app import open_main_window
    from justice_desk.services import setup

    path = tmp_path / "province.sqlite3"
    setup.init_province(path, province="เชียงใหม่").dispose()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = open_main_window(path, settings)
    qtbot.addWidget(window)
    window.show()
    try:
        expected = ["sync", "dashboard", "people", "committee", "meetings", "cases", "activities"]
        for number in (5, 1, 7, 6, 2, 4, 3):
            press(qtbot, window, f"Alt+{number}")
            assert window.current_page().key == expected[number - 1]
    finally:
        qtbot.waitUntil(lambda: window.runner.active == 0, timeout=10000)
        window.close()
        window.ctx.db.dispose()


def test_the_readme_names_only_shortcuts_the_window_has(main_window) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(?:Ctrl|Alt|Shift)\+(?:[+=-]|[A-Z0-9]\b)", readme))
    named |= set(re.findall(r"\bF(?:1[0-2]|[1-9])\b", readme))
    for first, last in re.findall(r"\bAlt\+(\d)…(\d)", readme):
        named |= {f"Alt+{n}" for n in range(int(first), int(last) + 1)}
    assert {"Ctrl+N", "Ctrl+S", "Ctrl+P", "Ctrl+F", "Ctrl++", "Ctrl+-", "Alt+1", "Alt+6"} <= named
    assert named <= set(shortcuts_of(main_window))


# -- the class of the Alt+1…6 bug ------------------------------------------------------------


def _risky_slots(path: Path) -> list[str]:
    """``….connect(lambda x=…: …)`` and ``….connect(partial(…))``: a signal with arguments
    (``clicked(bool)``, ``triggered(bool)``) fills the defaulted parameter or adds one."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and node.args
        ):
            continue
        slot = node.args[0]
        defaults = isinstance(slot, ast.Lambda) and (
            slot.args.defaults or any(d is not None for d in slot.args.kw_defaults)
        )
        partial = isinstance(slot, ast.Call) and (
            getattr(slot.func, "id", None) == "partial"
            or getattr(slot.func, "attr", None) == "partial"
        )
        if defaults or partial:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_slot_takes_a_signal_argument_for_a_default() -> None:
    files = sorted((ROOT / "justice_desk" / "ui").rglob("*.py"))
    assert files
    assert [hit for f in files for hit in _risky_slots(f)] == []


def test_buttons_made_in_a_loop_call_their_own_document(
    main_window, ui_ctx, qtbot, meeting, monkeypatch
) -> None:
    """The meeting's print buttons (once ``lambda _checked=False, k=kind``) each print their
    own document when clicked."""
    page = main_window.show_page("meetings")
    editor = page.editor
    asked: list[str] = []
    monkeypatch.setattr(editor, "print_document", lambda kind: asked.append(kind))
    # the connection was made to a closure calling self.print_document at click time
    for kind in ("invitation", "attendance"):
        qtbot.mouseClick(editor.print_buttons[kind], Qt.MouseButton.LeftButton)
    assert asked == ["invitation", "attendance"]
