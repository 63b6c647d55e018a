"""What a coordinator following the user guide with the keyboard meets (found by a walk through
the guide on a 1366×768 laptop): a small dialog starts in its first field, a new instalment row
takes the typing, and text made larger in the View menu reaches every part of the window."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from justice_desk.domain.dates import format_numeric_date
from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.ui import operations


def type_keys(text: str) -> None:
    """Type as a person does: each key goes to the widget that has the focus now."""
    for ch in text:
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def press(key: Qt.Key) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def test_a_new_committee_term_is_typed_from_the_keyboard_alone(main_window, ui_ctx, qtbot) -> None:
    """The dialog opened with OK focused: what a keyboard user typed went nowhere. It starts in
    the term's name, Tab goes through the fields and then to OK, and Enter creates the term."""
    page = main_window.show_page("committee")
    qtbot.mouseClick(page.new_term_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name, timeout=5000)

    start = dt.date.today() - dt.timedelta(days=30)
    type_keys("2569–2571")
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.starts_on.line
    type_keys(format_numeric_date(start))
    # on through the dates (each with its calendar button), then OK, then Cancel
    order = []
    for _ in range(6):
        press(Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
    assert dialog.ends_on.line in order and dialog.ok_button in order and cancel in order
    assert order.index(dialog.ends_on.line) < order.index(dialog.ok_button) < order.index(cancel)

    dialog.ok_button.setFocus()
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    (term,) = people.list_terms(ui_ctx.db)
    assert (term.name, term.starts_on) == ("2569–2571", start)


def test_the_appointment_starts_in_the_person_search(main_window, ui_ctx, qtbot) -> None:
    people.create_person(
        ui_ctx.db, PersonInput(given_name="บุญมี", surname="รักษ์ดี", no_id_reason="ยังไม่ทราบ")
    )
    people.create_term(ui_ctx.db, name="2569–2571", starts_on=dt.date.today(), ends_on=None)
    page = main_window.show_page("committee")
    page.refresh()
    qtbot.waitUntil(lambda: page.appoint_button.isEnabled(), timeout=10000)
    qtbot.mouseClick(page.appoint_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    search = dialog.picker.register.search
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search, timeout=5000)
    type_keys("บุญมี")
    assert search.text() == "บุญมี"
    dialog.reject()


def test_a_date_prompt_still_starts_in_its_date(main_window, ui_ctx, qtbot) -> None:
    """A dialog whose first field already had the focus keeps it (ending an appointment)."""
    from justice_desk.ui.write_dialogs import WritingDatePrompt

    dialog = WritingDatePrompt(
        ui_ctx,
        "End",
        "Last day",
        "End it",
        lambda day: None,
        changes={"committee"},
        parent=main_window,
    )
    dialog.open()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.date.line, timeout=5000)
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    dialog.reject()


def test_a_new_instalment_takes_what_is_typed_next(qtbot) -> None:
    """After Add an instalment the cursor waited on the button: the due date typed next went
    nowhere and Tab carried the amount into the witnesses box."""
    from justice_desk.ui.case_outcome import InstalmentsEditor

    changes: list[int] = []
    editor = InstalmentsEditor(lambda: changes.append(1))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    for row, (due, amount) in enumerate([("31/12/2569", "10000"), ("31/01/2570", "10000")]):
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda row=row: QApplication.focusWidget() is editor.date_edit(row).line,
            timeout=5000,
        )
        type_keys(due)
        editor.money_edit(row).setFocus()
        type_keys(amount)
    assert [(v.due_on, v.amount_satang) for v in editor.values()] == [
        (dt.date(2026, 12, 31), 1_000_000),
        (dt.date(2027, 1, 31), 1_000_000),
    ]


def test_larger_text_reaches_the_checklist_and_the_coloured_lines(main_window, qtbot) -> None:
    """Widgets with a style sheet (the set-up checklist's green box, a page's saved/not-saved
    line, a coloured note) kept their old font when View → Larger text changed it:
    at 24 pt the checklist stayed at 9 pt until the next start."""
    checklist = main_window.checklist
    qtbot.waitUntil(lambda: checklist.isVisible(), timeout=20000)
    page = main_window.show_page("meetings")
    heading = page.editor.heading
    base = QApplication.font().pointSize()
    ratio = heading.font().pointSizeF() / base

    main_window.set_text_size(base + 8)
    big = base + 8
    assert checklist.texts["committee"].font().pointSize() == big
    assert checklist.hide_button.font().pointSize() == big
    assert checklist.buttons["enrolled"].font().pointSize() == big
    # a heading keeps its own size, in the same proportion to the text
    assert abs(heading.font().pointSizeF() / big - ratio) < 0.05

    main_window.set_text_size(base)
    assert checklist.texts["committee"].font().pointSize() == base


def test_a_longer_name_added_later_is_not_cut_in_the_people_list(
    main_window, ui_ctx, qtbot
) -> None:
    """A new center's list was fitted to its first, short name; every longer name added after
    showed as 'นายประเสริ...' beside a wide, half-empty ID column."""
    db = ui_ctx.db
    people.create_person(db, PersonInput(title="นาย", given_name="ดี", no_id_reason="ยังไม่ทราบ"))
    page = main_window.show_page("people")
    page.refresh()
    table = page.register.table
    qtbot.waitUntil(lambda: page.register.model.rowCount() >= 1, timeout=10000)
    longest = "นางสาวประเสริฐศรี ศรีสวัสดิ์วงศ์"
    people.create_person(
        db,
        PersonInput(
            title="นางสาว", given_name="ประเสริฐศรี", surname="ศรีสวัสดิ์วงศ์", no_id_reason="ยังไม่ทราบ"
        ),
    )
    before = table.columnWidth(0)
    page.refresh()
    qtbot.waitUntil(
        lambda: any(
            page.register.model.data(page.register.model.index(r, 0)) == longest
            for r in range(page.register.model.rowCount())
        ),
        timeout=10000,
    )
    qtbot.waitUntil(
        lambda: table.columnWidth(0) > table.fontMetrics().horizontalAdvance(longest), timeout=5000
    )
    assert table.columnWidth(0) > before
