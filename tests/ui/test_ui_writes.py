"""Saves run in the job runner (the window keeps working while the database is busy), their
button is disabled meanwhile, a write on one page refreshes the others, and every editor asks
before unsaved changes are lost (ui/operations.py, ui/dirty.py; architecture.md §4)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import Qt, QTimer

from justice_desk.domain.enums import CaseCategory, CaseKind, PartySide
from justice_desk.services import cases, meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def no_unexpected_prompts(monkeypatch):
    def unexpected(parent, text, *a, **kw):
        raise AssertionError(f"unexpected dialog: {text}")

    monkeypatch.setattr(dialogs, "show_error", unexpected)
    monkeypatch.setattr(dialogs, "confirm", unexpected)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")


def person(db, given: str, surname: str):
    return people.create_person(
        db, PersonInput(given_name=given, surname=surname, no_id_reason="-")
    ).record


def dispute(db, *parties) -> cases.CaseDetail:
    sides = (PartySide.APPLICANT, PartySide.RESPONDENT)
    data = cases.CaseInput(
        kind=CaseKind.DISPUTE,
        subject="ยืมเงินแล้วไม่คืน",
        received_on=dt.date.today(),
        category=CaseCategory.CIVIL,
        matter_code="debt",
        parties=tuple(cases.PartyInput(p.id, side) for p, side in zip(parties, sides, strict=True)),
    )
    return cases.take_in(db, data).record


def open_meeting(main_window, meeting_id):
    page = main_window.show_page("meetings")
    page._select(meeting_id)
    assert page.editor.detail is not None and page.editor.detail.id == meeting_id
    return page


def save_while_locked(qtbot, ui_ctx, button) -> None:
    """Click Save while another connection holds the write lock on the real SQLite file: the
    window keeps processing events, the button is disabled and a second click writes nothing;
    when the lock goes (after five timer ticks seen while it waited) the save completes.

    The case view waits for its write in a local event loop and the others return at once:
    the checks run from timers, so they hold for both."""
    path = ui_ctx.db.target.path
    assert path is not None
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks: list[int] = []
    seen: dict[str, object] = {}
    timer = QTimer()

    def tick() -> None:
        # Counted while the save waits for the lock; after five, the lock goes.
        if operations.in_flight() == 1 and other.in_transaction:
            ticks.append(1)
            if len(ticks) == 5:
                release()

    def second_click() -> None:
        seen["writing"] = operations.in_flight()
        seen["enabled"] = button.isEnabled()
        qtbot.mouseClick(button, LEFT)  # disabled: ignored, and a write would be refused anyway

    def release() -> None:
        if other.in_transaction:
            seen["ticks"] = len(ticks)
            other.execute("ROLLBACK")

    timer.timeout.connect(tick)
    fallback = QTimer()  # stopped below: it must not fire in a later test
    fallback.setSingleShot(True)
    fallback.timeout.connect(release)
    try:
        timer.start(20)
        QTimer.singleShot(50, second_click)  # fires while the save waits (checked below)
        fallback.start(10000)  # well within the 20 s busy timeout
        qtbot.mouseClick(button, LEFT)
        qtbot.waitUntil(lambda: "ticks" in seen, timeout=15000)
        qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=15000)
    finally:
        timer.stop()
        fallback.stop()
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert seen["writing"] == 1 and seen["enabled"] is False
    assert seen["ticks"] == 5, "the GUI thread was blocked while the database was busy"


def test_saving_a_person_waits_for_the_database_in_the_job_runner(
    main_window, ui_ctx, qtbot, typer
) -> None:
    page = main_window.show_page("people")
    page.new_record()
    typer(page.form.given_name, "สมศักดิ์")
    typer(page.form.surname, "ใจดี")
    save_while_locked(qtbot, ui_ctx, page.save_button)
    saved = people.list_people(ui_ctx.db, limit=10).rows
    assert [p.name for p in saved] == ["สมศักดิ์ ใจดี"]  # once, not twice
    assert page.save_button.isEnabled() and not page.tracker.dirty
    assert page.current_id == saved[0].id


def test_saving_a_case_waits_for_the_database_in_the_job_runner(
    main_window, ui_ctx, qtbot, typer
) -> None:
    c = dispute(ui_ctx.db, person(ui_ctx.db, "สมศักดิ์", "ใจดี"), person(ui_ctx.db, "ศิริพร", "ทองดี"))
    page = main_window.show_page("cases")
    page.open_case(c.id)
    form = page.detail.case_form
    form.subject.clear()
    typer(form.subject, "ทางเดินร่วม")
    save_while_locked(qtbot, ui_ctx, form.save_button)
    assert cases.get_case(ui_ctx.db, c.id).subject == "ทางเดินร่วม"
    assert not page.detail.is_dirty() and form.isEnabled()


def test_saving_a_meeting_waits_for_the_database_in_the_job_runner(
    main_window, ui_ctx, qtbot, typer
) -> None:
    m = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(dt.date.today()))
    page = open_meeting(main_window, m.id)
    editor = page.editor
    editor.place.clear()
    typer(editor.place, "ศาลาเอนกประสงค์")
    assert editor.dirty and editor.save_button.isEnabled()
    save_while_locked(qtbot, ui_ctx, editor.save_button)
    assert meetings.get_meeting(ui_ctx.db, m.id).place == "ศาลาเอนกประสงค์"
    assert not editor.dirty and not editor.save_button.isEnabled()  # nothing left to save


def test_a_write_on_one_page_refreshes_the_pages_that_show_it(main_window, ui_ctx, qtbot) -> None:
    people_page = main_window.show_page("people")
    qtbot.waitUntil(lambda: people_page.register.model.total == 0, timeout=5000)
    seen: list[tuple[frozenset[str], object]] = []
    ui_ctx.records_changed.connect(lambda kinds, source: seen.append((kinds, source)))

    # A person written from another page (as the case intake does) while People is shown.
    cases_page = main_window.page("cases")
    operations.run_write(
        cases_page,
        ui_ctx,
        "test",
        people.create_person,
        ui_ctx.db,
        PersonInput(given_name="มาลี", surname="ศรีสุข"),
        changes={"people"},
    )
    assert people_page.register.model.total == 0
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=5000)
    assert seen == [(frozenset({"people"}), cases_page)]
    assert people_page.register.model.total == 1

    # Hidden pages are refreshed when they are shown next, not before.
    main_window.show_page("activities")
    operations.call_and_wait(
        cases_page,
        ui_ctx,
        "test",
        people.create_person,
        ui_ctx.db,
        PersonInput(given_name="สมชาย", surname="ใจดี"),
        changes={"people"},
    )
    assert people_page.stale and not main_window.page("activities").stale
    assert people_page.register.model.total == 1
    main_window.show_page("people")
    assert not people_page.stale and people_page.register.model.total == 2


@pytest.mark.parametrize("editor_kind", ["person", "meeting", "case"])
def test_every_editor_asks_before_unsaved_changes_are_lost(
    editor_kind, main_window, ui_ctx, qtbot, typer, monkeypatch
) -> None:
    asked: list[object] = []
    answers = ["cancel", "save"]

    def ask(parent):
        asked.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(dialogs, "ask_save_changes", ask)
    if editor_kind == "person":
        page = main_window.show_page("people")
        page.new_record()
        typer(page.form.given_name, "ปิ่นมณี")
        typer(page.form.surname, "ศรีสุข")
        tracker = page.tracker

        def saved() -> bool:
            return [p.name for p in people.list_people(ui_ctx.db, limit=10).rows] == ["ปิ่นมณี ศรีสุข"]

    elif editor_kind == "meeting":
        m = meetings.create_meeting(ui_ctx.db, meetings.MeetingInput(dt.date.today()))
        page = open_meeting(main_window, m.id)
        page.editor.place.clear()
        typer(page.editor.place, "วัด")
        tracker = page.editor.tracker

        def saved() -> bool:
            return meetings.get_meeting(ui_ctx.db, m.id).place == "วัด"

    else:
        c = dispute(ui_ctx.db, person(ui_ctx.db, "กมล", "ทองดี"), person(ui_ctx.db, "ศิริพร", "ทองดี"))
        page = main_window.show_page("cases")
        page.open_case(c.id)
        page.detail.case_form.subject.clear()
        typer(page.detail.case_form.subject, "ทางเดินร่วม")
        tracker = page.detail.case_form.tracker

        def saved() -> bool:
            return cases.get_case(ui_ctx.db, c.id).subject == "ทางเดินร่วม"

    assert tracker.dirty  # the same tracker (ui/dirty.py) in every editor
    main_window.show_page("activities")  # Cancel: stay, nothing saved
    assert main_window.current_page() is page and tracker.dirty and not saved()
    main_window.show_page("activities")  # Save: saved in the job runner, then on
    assert main_window.current_page() is not page
    assert saved() and not tracker.dirty and len(asked) == 2
