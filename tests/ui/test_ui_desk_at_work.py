"""The desk at work, through the real window on a real demo center (issue 11, what was found on a
real laptop): the mouse wheel scrolls a long form instead of changing the field under the
pointer, Enter in an open case's party search finds and offers the person without writing
anything, the print dialog speaks Thai with the Thai interface, and the buttons of a case and a
meeting are disabled, saying why, for a role that cannot use them."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QWidget,
)
from screen_checks import settle

from justice_desk.domain.access import Actor, Role
from justice_desk.services import cases, people
from justice_desk.ui import operations
from justice_desk.ui.widgets.fit import SCREEN


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Message boxes are modal: record them instead."""
    from justice_desk.ui import dialogs

    shown: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: shown["error"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda parent, text, title=None: shown["info"].append(text)
    )
    return shown


# -- the mouse wheel ----------------------------------------------------------------------------


def turn_wheel(widget: QWidget, notches: int = -1) -> None:
    """Turn the wheel over the middle of ``widget`` as the mouse does: the event goes to the
    deepest widget under the pointer, then to its parents in turn until one takes it (Qt does
    this itself only for a wheel that came from the system)."""
    point = widget.rect().center()
    target = widget.childAt(point) or widget
    place = target.mapFrom(widget, point)
    where = QPointF(widget.mapToGlobal(point))
    current: QWidget | None = target
    while current is not None:
        event = QWheelEvent(
            QPointF(place),
            where,
            QPoint(0, 0),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        event.setAccepted(True)
        QApplication.sendEvent(current, event)
        if event.isAccepted() or current.isWindow():
            break
        place = current.mapToParent(place)
        current = current.parentWidget()
    QApplication.processEvents()


def _draft_meeting_row(page) -> int:
    model = page.register.model
    return next(
        row for row in range(model.rowCount()) if model.row_object(row).status.value == "draft"
    )


@pytest.mark.parametrize("text_size", [24], indirect=True)
def test_the_wheel_scrolls_the_form_not_the_field_under_the_pointer(
    qtbot, text_size: int, demo_window
) -> None:
    window = demo_window
    window.resize(SCREEN)
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)

    # A meeting's details: the minute taker (a combo box) and the date (a line edit).
    page = window.show_page("meetings")
    page.register.select_row(_draft_meeting_row(page))
    editor = page.editor
    editor.tabs.setCurrentIndex(0)
    settle(qtbot, window)
    bar = editor.scroll_box.verticalScrollBar()
    assert bar.maximum() > 0, "at 24 pt the meeting scrolls on a laptop screen"
    combo = editor.minute_taker
    assert combo.count() > 2
    combo.setCurrentIndex(1)
    window.setFocus()
    for field in (combo, editor.date.line):
        bar.setValue(0)
        editor.scroll_box.ensureWidgetVisible(field)
        before_page, before_choice = bar.value(), combo.currentIndex()
        turn_wheel(field)
        assert combo.currentIndex() == before_choice, "the wheel changed the minute taker"
        assert bar.value() > before_page, f"the page did not scroll over {type(field).__name__}"
    # A person who clicked into the box and turns the wheel still changes it.
    combo.setFocus(Qt.FocusReason.MouseFocusReason)
    before_page = bar.value()
    turn_wheel(combo)
    assert combo.currentIndex() == 2
    assert bar.value() == before_page
    editor.revert()

    # A backup setting (a spin box) in the Settings dialog, which scrolls at 24 pt.
    from justice_desk.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    days = dialog.keep["days"]
    settings_bar = dialog.scroll_box.verticalScrollBar()
    assert settings_bar.maximum() > 0
    dialog.scroll_box.ensureWidgetVisible(days)
    before_page, before_days = settings_bar.value(), days.value()
    dialog.buttons.setFocus()
    turn_wheel(days)
    assert days.value() == before_days, "the wheel changed the days backups are kept"
    assert settings_bar.value() != before_page
    days.setFocus(Qt.FocusReason.MouseFocusReason)
    turn_wheel(days, notches=+1)
    assert days.value() == before_days + 1
    dialog.reject()
    window.activateWindow()  # the window has the keyboard again, as after a click in it
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)

    # The list of people in an open case's party search (a list inside the scrolled case).
    cases_page = window.show_page("cases")
    open_case = next(
        row
        for row in range(cases_page.register.model.rowCount())
        if cases_page.register.model.row_object(row).status.is_open
    )
    assert cases_page.open_case(cases_page.register.model.row_object(open_case).id)
    view = cases_page.detail
    view.tabs.setCurrentIndex(view.tab_index["parties"])
    settle(qtbot, window)
    picker = view.parties.picker
    picker.refresh_results()
    assert picker.results.verticalScrollBar().maximum() > 0, "more people than the list shows"
    case_bar = view.scroll_box.verticalScrollBar()
    case_bar.setValue(0)
    view.scroll_box.ensureWidgetVisible(picker.results)
    view.back_button.setFocus()
    before_page, before_list = case_bar.value(), picker.results.verticalScrollBar().value()
    turn_wheel(picker.results)
    assert picker.results.verticalScrollBar().value() == before_list
    assert case_bar.value() > before_page
    # Clicked into, the list scrolls itself.
    picker.results.setFocus(Qt.FocusReason.MouseFocusReason)
    turn_wheel(picker.results)
    assert picker.results.verticalScrollBar().value() > before_list


def test_the_wheel_guard_is_installed_once_for_the_whole_app(qapp, demo_window) -> None:
    from justice_desk.ui.widgets import wheel

    guards = [g for g in qapp.findChildren(wheel.WheelGuard)]
    assert len(guards) == 1
    assert wheel.install() is guards[0]


# -- Enter in a case's party search --------------------------------------------------------------


def _open_case_with_room_for_a_party(window):
    page = window.show_page("cases")
    model = page.register.model
    for row in range(model.rowCount()):
        case = model.row_object(row)
        if case.status.is_open:
            assert page.open_case(case.id)
            return page, page.detail
    raise AssertionError("the demo has an open case")


def test_enter_in_an_open_cases_party_search_finds_the_person_and_writes_nothing(
    qtbot, typer, demo_window, messages
) -> None:
    window = demo_window
    db = window.ctx.db
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    newcomer = people.create_person(
        db,
        people.PersonInput(
            given_name="ประเสริฐ", surname="ศรีอุบลไพศาล", title="นาย", no_id_reason="ยังไม่ทราบ"
        ),
    ).record
    page, view = _open_case_with_room_for_a_party(window)
    case_id = view.detail.id
    parties_before = len(cases.get_case(db, case_id).parties)
    view.tabs.setCurrentIndex(view.tab_index["parties"])
    picker = view.parties.picker
    picker.search.setFocus()
    typer(picker.search, "อุบลไพ")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    # Found at once, chosen, and "Add as a party" has the keyboard; nothing was written.
    qtbot.waitUntil(lambda: window.focusWidget() is picker.add_existing, timeout=3000)
    assert picker.results.count() == 1
    assert picker.results.currentItem().data(Qt.ItemDataRole.UserRole).id == newcomer.id
    assert picker.found_note.isVisible() and newcomer.surname in picker.found_note.text()
    assert len(cases.get_case(db, case_id).parties) == parties_before
    # Enter again on the button adds them: a choice made on purpose.
    qtbot.keyClick(picker.add_existing, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    parties = cases.get_case(db, case_id).parties
    assert len(parties) == parties_before + 1
    assert newcomer.id in {p.person_id for p in parties}
    assert messages["error"] == []

    # Several found: the list gets the keyboard, nothing is written.
    picker.search.clear()
    picker.search.setFocus()
    typer(picker.search, "นา")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.focusWidget() is picker.results, timeout=3000)
    assert picker.results.count() > 1
    # Nobody found: it says so.
    picker.search.clear()
    typer(picker.search, "ไม่มีชื่อนี้แน่นอน")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert picker.results.count() == 0 and picker.found_note.isVisible()
    assert len(cases.get_case(db, case_id).parties) == parties_before + 1


def test_enter_in_the_new_case_dialogs_party_search_does_the_same(
    qtbot, typer, demo_window, messages, monkeypatch
) -> None:
    window = demo_window
    db = window.ctx.db
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    people.create_person(
        db,
        people.PersonInput(given_name="ประเสริฐ", surname="ศรีอุบลไพศาล", no_id_reason="ยังไม่ทราบ"),
    )
    page = window.show_page("cases")
    before = cases.list_cases(db).total
    page.new_record()
    dialog = page.intake_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()  # as it opens in front of the window
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    picker = dialog.picker
    picker.search.setFocus()
    typer(picker.search, "อุบลไพ")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.focusWidget() is picker.add_existing, timeout=3000)
    assert dialog.pending == [], "the Enter that searched added nobody"
    qtbot.keyClick(picker.add_existing, Qt.Key.Key_Return)
    assert [p.name for p in dialog.pending] == ["ประเสริฐ ศรีอุบลไพศาล"]
    assert dialog.isVisible() and cases.list_cases(db).total == before
    from justice_desk.ui import dialogs

    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    dialog.reject()


# -- the print dialog in Thai --------------------------------------------------------------------

THAI = range(0x0E00, 0x0E80)
#: What stays as Qt writes it: paper names, numbers, a file path, the "…" button.
NOT_WORDS = {"...", "A4", "PDF"}


def _shown_texts(dialog: QWidget) -> list[str]:
    texts: list[str] = [dialog.windowTitle()]
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QComboBox) and widget.objectName() in (
            "pageSetCombo",
            "pagesPerSheetLayoutCombo",
            "unitCombo",
        ):
            texts += [widget.itemText(i) for i in range(widget.count())]
    return [t for t in texts if t.strip()]


def _english(texts: list[str]) -> list[str]:
    return [
        t
        for t in texts
        if t not in NOT_WORDS
        and any(c.isalpha() and c.isascii() for c in t)
        and not any(ord(c) in THAI for c in t)
    ]


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_print_dialog_speaks_the_interfaces_language(qtbot, qapp, language: str) -> None:
    from PySide6.QtPrintSupport import QPageSetupDialog, QPrinter

    from justice_desk import i18n
    from justice_desk.ui import print_preview

    i18n.set_language(language)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = print_preview.print_dialog(None, printer, 3)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    more = next(b for b in dialog.findChildren(QPushButton) if ">>" in b.text())
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)  # the Options part: copies, pages
    settle(qtbot, dialog)
    shown = _shown_texts(dialog)
    setup = QPageSetupDialog(printer)
    qtbot.addWidget(setup)
    setup.show()
    settle(qtbot, setup)
    shown += _shown_texts(setup)
    if language == "th":
        assert _english(shown) == [], "English left in the Thai print dialog"
        for expected in ("พิมพ์", "เครื่องพิมพ์", "จำนวนชุด:", "หน้าที่จะพิมพ์", "แนวตั้ง"):
            assert expected in shown, expected
    else:
        assert {"Printer", "Copies:", "Print range", "Portrait"} <= set(shown)
        assert not [t for t in shown if any(ord(c) in THAI for c in t)]
    dialog.reject()
    setup.reject()


# -- buttons a role cannot use -------------------------------------------------------------------


def _as(window, actor: Actor) -> None:
    """Someone else at the keyboard, as after a switch of user at the lock."""
    from justice_desk.ui.login import apply_role

    window.ctx.db.sign_in(actor)
    apply_role(window, actor)


def _case_with_a_mediator(window):
    db = window.ctx.db
    registered = {m.id: m.person_id for m in people.list_mediators(db)}
    found = cases.list_cases(db, limit=200).rows
    for row in found:
        detail = cases.get_case(db, row.id)
        if detail.status.is_open and detail.mediators and detail.allowed_actions:
            return detail, registered[detail.mediators[0].mediator_id]
    raise AssertionError("the demo has an open dispute with a mediator")


def _case_writes(view) -> list[QPushButton]:
    """The case's write buttons, and its steps that wait for nothing (a step that waits for an
    agreement is disabled whoever is signed in)."""
    return [
        view.case_form.save_button,
        view.parties.picker.add_existing,
        view.sessions.add_button,
        view.mediators.assign_button,
        view.settlement.save_button,
        *(b for a, b in view.action_buttons.items() if not view.detail.missing_before(a)),
    ]


@pytest.mark.parametrize(
    ("role", "works", "why"),
    [
        (Role.COORDINATOR, True, ""),
        (Role.SECRETARY, False, "may not"),
        (Role.VIEWER, False, "can read but not change"),
        (Role.MEDIATOR, True, ""),  # the case's own mediator
        ("other mediator", False, "cases you mediate"),
    ],
)
def test_a_cases_buttons_follow_the_role(qtbot, demo_window, role, works: bool, why: str) -> None:
    from justice_desk import i18n

    i18n.set_language("en")
    window = demo_window
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    detail, mediator_person = _case_with_a_mediator(window)
    page = window.show_page("cases")
    assert page.open_case(detail.id)  # opened by the coordinator, as the demo opens
    view = page.detail
    if role == "other mediator":
        stranger = people.create_person(
            window.ctx.db, people.PersonInput(given_name="สมหวัง", no_id_reason="ไม่มี")
        ).record
        actor = Actor.account("med2", "สมหวัง", Role.MEDIATOR, stranger.id)
    else:
        assert isinstance(role, Role)
        actor = Actor.account(role.value, role.value, role, mediator_person)
    _as(window, actor)  # the lock's switch of user re-applies the gates
    for button in _case_writes(view):
        name = button.objectName() or button.text()
        assert button.isEnabled() is works, name
        if not works:
            assert why in button.toolTip(), (name, button.toolTip())
    # A new person is written to the people register: a mediator may not, even on their case.
    assert view.parties.picker.add_new.isEnabled() is (role == Role.COORDINATOR)
    # Showing the case again (a save elsewhere, a reload) keeps the same answer.
    view.show_detail(view.detail)
    assert all(b.isEnabled() is works for b in _case_writes(view))
    # Printing: every role but the viewer may print.
    intake = view.print_buttons["intake"]
    assert intake.isEnabled() is (role != Role.VIEWER)
    _as(window, Actor.account("boss", "boss", Role.COORDINATOR))
    assert all(b.isEnabled() for b in _case_writes(view))


@pytest.mark.parametrize(
    ("role", "changes", "prints"),
    [
        (Role.SECRETARY, True, True),
        (Role.VIEWER, False, False),
        (Role.MEDIATOR, False, True),
    ],
)
def test_a_meetings_buttons_follow_the_role(
    qtbot, demo_window, role: Role, changes: bool, prints: bool
) -> None:
    from justice_desk import i18n

    i18n.set_language("en")
    window = demo_window
    qtbot.waitUntil(lambda: window.ctx.runner.active == 0, timeout=10000)
    _as(window, Actor.account(role.value, role.value, role))
    page = window.show_page("meetings")
    page.register.select_row(_draft_meeting_row(page))
    editor = page.editor
    settle(qtbot, window)
    held, delete = editor.held_button, editor.delete_button
    assert held.isVisible() and delete.isVisible(), "a planned meeting offers both"
    for button in (delete, editor.agenda.add_button, editor.attendance.rest_present):
        assert button.isEnabled() is changes, button.text()
    if not changes:
        assert "Your role" in delete.toolTip()
        assert "Your role" in held.toolTip()
        assert not held.isEnabled()
        assert editor.place.isReadOnly(), "the fields are read only as well"
    attendance = editor.print_buttons["attendance"]
    assert attendance.isEnabled() is prints
    if not prints:
        assert "print" in attendance.toolTip()
    # The page's own reasons come back for a role that may use the buttons.
    _as(window, Actor.account("boss", "boss", Role.COORDINATOR))
    page.register.select_row(_draft_meeting_row(page))
    assert "Your role" not in held.toolTip()
