"""Small writes outside the meeting screens run in the job runner, not on the GUI thread
(ui/operations.run_write): the committee's dialogs (a term, a seat, a mediator, the end of a
seat), network membership and training, the answer to an escalation, and the Sync page's steps
(sending refused records again, enrolling, revoking, marking a conflict dealt with). Each is
driven through its real widgets on a real database; the service is the real one, wrapped only to
note the thread it ran on. While the database is locked by another program the window keeps
working, the OK button is disabled, and the write completes when the lock goes."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QDialog

from justice_desk.domain.enums import CommitteePosition
from justice_desk.services import people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def shown(monkeypatch) -> dict[str, list[str]]:
    """Message boxes are recorded, not shown (the app's and the Sync page's own names)."""
    from justice_desk.ui.pages import sync as sync_page

    seen: dict[str, list[str]] = {"error": [], "info": []}
    for module in (dialogs, sync_page):
        monkeypatch.setattr(
            module, "show_error", lambda parent, text, title=None: seen["error"].append(text)
        )
        monkeypatch.setattr(
            module, "show_info", lambda parent, text, title=None: seen["info"].append(text)
        )
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    return seen


@pytest.fixture
def threads(monkeypatch):
    """``watch(module, name)``: the real function, noting the thread each call ran on."""
    seen: dict[str, list[threading.Thread]] = {}

    def watch(module: Any, name: str) -> None:
        real = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen.setdefault(name, []).append(threading.current_thread())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    watch.seen = seen  # type: ignore[attr-defined]
    return watch


def off_gui_thread(watch: Any, name: str, calls: int = 1) -> None:
    ran = watch.seen.get(name, [])
    assert len(ran) == calls, (name, ran)
    assert all(t is not threading.main_thread() for t in ran), f"{name} ran on the GUI thread"


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, LEFT)


def settle(qtbot, ctx=None) -> None:
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=20000)
    if ctx is not None:
        qtbot.waitUntil(lambda: ctx.runner.active == 0, timeout=20000)


def person(db, given: str, surname: str):
    return people.create_person(
        db, PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="ยังไม่ทราบ")
    ).record


def changes_announced(ctx) -> list[frozenset[str]]:
    seen: list[frozenset[str]] = []
    ctx.records_changed.connect(lambda kinds, _source: seen.append(frozenset(kinds)))
    return seen


# -- the committee ---------------------------------------------------------------------------


def test_a_term_is_written_while_the_database_is_locked_and_the_window_keeps_working(
    main_window, ui_ctx, qtbot, typer, threads
) -> None:
    threads(people, "create_term")
    announced = changes_announced(ui_ctx)
    page = main_window.show_page("committee")
    dialog = page.new_term()
    typer(dialog.name, "วาระปี 2569–2571")
    dialog.starts_on.line.setText("01/01/2569")

    path = ui_ctx.db.target.path
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    ticks: list[bool] = []
    timer = QTimer()

    def tick() -> None:  # seen while the write waits: the GUI thread is free
        if operations.in_flight() and other.in_transaction:
            ticks.append(dialog.ok_button.isEnabled())
            if len(ticks) == 5:
                other.execute("ROLLBACK")

    timer.timeout.connect(tick)
    timer.start(50)
    try:
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible() and not dialog.ok_button.isEnabled()
        settle(qtbot)
    finally:
        timer.stop()
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert ticks == [False] * 5, "the window ran its timers while the write waited"
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    off_gui_thread(threads, "create_term")
    (term,) = people.list_terms(ui_ctx.db)
    assert page.current_term().id == term.id and "created" in page.roster_strip.text()
    assert frozenset({"committee"}) in announced


def test_appoint_register_and_end_a_seat_in_the_runner(
    main_window, ui_ctx, qtbot, typer, threads
) -> None:
    for name in ("appoint", "register_mediator", "end_appointment"):
        threads(people, name)
    chair = person(ui_ctx.db, "ปรีชา", "มณีวงศ์")
    term = people.create_term(ui_ctx.db, name="2569–2571", starts_on=TODAY - dt.timedelta(60))
    announced = changes_announced(ui_ctx)
    page = main_window.show_page("committee")
    assert page.current_term().id == term.id

    dialog = page.appoint(CommitteePosition.CHAIR)
    typer(dialog.picker.register.search, "ปรีชา")
    dialog.picker.register.apply_search_now()
    assert dialog.picker.choose_id(chair.id)
    click(qtbot, dialog.ok_button)
    settle(qtbot)
    assert not dialog.isVisible() and page.roster.rowCount() == 1
    off_gui_thread(threads, "appoint")

    # A refusal from the service (a second chair) comes back on the field, the dialog open.
    other = person(ui_ctx.db, "สมใจ", "ใจงาม")
    dialog = page.appoint(CommitteePosition.CHAIR)
    typer(dialog.picker.register.search, "สมใจ")
    dialog.picker.register.apply_search_now()
    assert dialog.picker.choose_id(other.id)
    click(qtbot, dialog.ok_button)
    settle(qtbot)
    assert dialog.isVisible() and dialog.errors.marked is dialog.position
    assert "already has a Chair" in dialog.strip.text() and dialog.ok_button.isEnabled()
    dialog.reject()

    dialog = page.register_mediator()
    typer(dialog.picker.register.search, "สมใจ")
    dialog.picker.register.apply_search_now()
    assert dialog.picker.choose_id(other.id)
    typer(dialog.registration_no, "ชม 0001/2569")
    click(qtbot, dialog.ok_button)
    settle(qtbot)
    assert not dialog.isVisible() and page.mediators.rowCount() == 1
    off_gui_thread(threads, "register_mediator")

    page.tabs.setCurrentIndex(0)
    page.roster_table.selectRow(0)
    prompt = page.end_appointment()
    # before the seat began: refused by the service, on the date field
    prompt.date.setDate(TODAY - dt.timedelta(days=365))
    click(qtbot, prompt.ok_button)
    settle(qtbot)
    assert prompt.isVisible() and prompt.errors.marked is prompt.date
    prompt.date.setDate(TODAY)
    click(qtbot, prompt.ok_button)
    settle(qtbot)
    assert not prompt.isVisible() and "ends on" in page.roster_strip.text()
    off_gui_thread(threads, "end_appointment", calls=2)
    assert announced.count(frozenset({"committee"})) == 3  # appointed, registered, ended


# -- network membership and training -----------------------------------------------------------


def test_membership_and_training_are_written_in_the_runner(
    main_window, ui_ctx, qtbot, typer, threads
) -> None:
    for name in ("add_membership", "end_membership", "add_training"):
        threads(people, name)
    somchai = person(ui_ctx.db, "สมชาย", "ใจดี")
    announced = changes_announced(ui_ctx)
    page = main_window.show_page("people")
    assert page.register.select_id(somchai.id)
    page.tabs.setCurrentIndex(1)
    panel = page.membership
    panel.ensure_loaded()

    typer(panel.member_no, "17")
    panel.joined_on.line.setText("01/05/2566")
    click(qtbot, panel.join_button)
    assert not panel.join_button.isEnabled()  # until the write is done
    settle(qtbot)
    assert "Registered as a network member" in panel.strip.text()
    assert "Active" in panel.status.text() and panel.member_no.text() == ""
    off_gui_thread(threads, "add_membership")

    click(qtbot, panel.add_training_button)  # no course: the service refuses, on the field
    settle(qtbot)
    assert panel.errors.marked is panel.course and panel.trainings.rowCount() == 0
    typer(panel.course, "หลักสูตรเครือข่ายยุติธรรมชุมชน")
    click(qtbot, panel.add_training_button)
    settle(qtbot)
    assert panel.trainings.rowCount() == 1 and panel.course.text() == ""
    off_gui_thread(threads, "add_training", calls=2)

    click(qtbot, panel.end_button)
    prompt = panel.end_dialog
    prompt.date.line.setText("31/12/2567")
    click(qtbot, prompt.ok_button)
    settle(qtbot)
    assert not prompt.isVisible() and "Membership ended" in panel.strip.text()
    off_gui_thread(threads, "end_membership")
    assert announced.count(frozenset({"people"})) == 3


# -- the answer to an escalation ---------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))


@pytest.fixture
def province_ctx(tmp_path: Path, isolated_home: Path, ui_settings, qapp) -> Iterator[Any]:
    import sync_helpers as h

    from justice_desk.domain.case_flow import CaseAction
    from justice_desk.domain.enums import CaseKind
    from justice_desk.services import cases, setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    w = h.build_world(tmp_path / "w", code="500107")
    saved = cases.take_in(
        w.center,
        cases.CaseInput(
            kind=CaseKind.COMPLAINT,
            subject="ร้องเรียนเรื่องน้ำเสีย",
            received_on=TODAY - dt.timedelta(days=5),
        ),
    )
    cases.act(w.center, saved.record.id, CaseAction.ESCALATE, on=TODAY)
    result = w.export()
    for outcome in w.import_(*(result.parts or (result.path,))):
        assert outcome.status == "applied"
    ctx = AppContext(
        db=w.province, runner=JobRunner(), site=setup.this_site(w.province), settings=ui_settings
    )
    yield ctx
    ctx.runner.wait_for_done(10000)
    w.close()


def test_an_answer_is_checked_at_once_and_written_in_the_runner(
    province_ctx, qtbot, typer, threads, shown
) -> None:
    from justice_desk.services import escalations
    from justice_desk.ui.pages.escalations import AnswerDialog, EscalationsPage

    threads(escalations, "answer_escalation")
    page = EscalationsPage(province_ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    escalation = page.rows[0]
    announced = changes_announced(province_ctx)
    dialog = AnswerDialog(province_ctx, escalation, page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.decision.setCurrentIndex(dialog.decision.findData("referred"))
    typer(dialog.note, "ส่งต่อเพื่อให้ความช่วยเหลือทางกฎหมาย")
    click(qtbot, dialog.save_button)  # no agency: said at once, nothing written
    assert dialog.error.isVisible() and "agency" in dialog.error.text()
    assert dialog.focusWidget() in (dialog.agency, None)
    assert "answer_escalation" not in threads.seen and dialog.job is None

    typer(dialog.agency, "สำนักงานคุ้มครองสิทธิ")
    click(qtbot, dialog.save_button)
    assert dialog.job is not None and not dialog.save_button.isEnabled()
    settle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved is not None
    off_gui_thread(threads, "answer_escalation")
    assert escalations.get_escalation(province_ctx.db, escalation.case_id).answer is not None
    assert frozenset({"escalations"}) in announced and shown["error"] == []


# -- the Sync page ------------------------------------------------------------------------------


@pytest.fixture
def province(tmp_path: Path, qapp) -> Iterator[Any]:
    from justice_desk.services import setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    db = setup.init_province(tmp_path / "province.sqlite3", province="เชียงใหม่")
    ctx = AppContext(
        db=db,
        runner=JobRunner(),
        site=setup.this_site(db),
        settings=QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat),
    )
    yield ctx
    ctx.runner.wait_for_done(10000)
    db.dispose()


def test_sync_page_steps_run_in_the_runner(
    ui_ctx, province, qtbot, tmp_path: Path, monkeypatch, threads, shown
) -> None:
    from justice_desk.services import sync
    from justice_desk.ui.pages import sync as sync_page
    from justice_desk.ui.pages.sync import ProvinceSync, SyncPage

    for name in ("enrol_center", "revoke_center_key", "resolve_conflict", "resend_refused"):
        threads(sync, name)
    request, fingerprint = sync.write_enrolment_request(ui_ctx.db, tmp_path / "req.jdenrol")

    # The province reads the request, the fingerprint is confirmed, the center enrolled.
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    asked: list[str] = []
    monkeypatch.setattr(sync_page, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    monkeypatch.setattr(
        sync_page.QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "ans.jdanswer"), "")),
    )
    announced = changes_announced(province)
    assert prov.enrol_file(request) is not None
    assert not prov.enrol_button.isEnabled()
    settle(qtbot, province)
    assert fingerprint in asked[0] and (tmp_path / "ans.jdanswer").exists()
    off_gui_thread(threads, "enrol_center", calls=2)  # read, then approved
    assert [c.status for c in prov.centers.rows] == ["approved"]
    assert any("is enrolled" in text for text in shown["info"])

    # Marking a conflict dealt with, from a list another officer has dealt with meanwhile:
    # the real service refuses the entry that is no longer there, and the list is read again.
    import datetime as _dt

    stale = sync.ConflictEntry(
        id=999_999,
        at=_dt.datetime.now(_dt.UTC),
        center_code=ui_ctx.site.code,
        center_name="ศูนย์ยุติธรรมชุมชน",
        record="people",
        kept_rev=2,
        other_rev=1,
        reason="older",
        reason_label="older",
        action="-",
        resolved=False,
    )
    prov.conflicts.set_rows([stale])
    prov.conflicts_view.setCurrentIndex(prov.conflicts.index(0, 0))
    prov.resolve_conflict()
    settle(qtbot, province)
    off_gui_thread(threads, "resolve_conflict")
    assert len(shown["error"]) == 1 and prov.conflicts.rowCount() == 0  # refused and refreshed

    # Revoking the center's key.
    prov.centers_view.setCurrentIndex(prov.centers.index(0, 0))
    prov.revoke()
    settle(qtbot, province)
    off_gui_thread(threads, "revoke_center_key")
    assert [c.status for c in prov.centers.rows] == ["revoked"]
    assert frozenset({"sync"}) in announced

    # At the center: sending the refused records again (none here: says so).
    page = SyncPage(ui_ctx)
    qtbot.addWidget(page)
    center = page.inner
    assert center.resend_refused() is not None
    settle(qtbot)
    off_gui_thread(threads, "resend_refused")
    assert shown["info"][-1]
