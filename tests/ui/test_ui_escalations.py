"""The Escalations page at a province (ui/pages/escalations.py) and the office's answer in a
center's case view (ui/case_detail.py): real widgets on a real center and province enrolled with
each other, the answer typed into the real dialog, carried by a real receipt."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
import sync_helpers as h  # noqa: E402 - tests/sync is not a package

from justice_desk import i18n  # noqa: E402
from justice_desk.domain.case_flow import CaseAction  # noqa: E402
from justice_desk.domain.enums import CaseKind  # noqa: E402
from justice_desk.services import cases, escalations, setup, sync  # noqa: E402

TODAY = dt.date.today()
AGENCY = "สำนักงานคุ้มครองสิทธิและช่วยเหลือทางกฎหมายแก่ประชาชน"
NOTE = "ส่งต่อเพื่อให้ความช่วยเหลือทางกฎหมาย"
OFFICER = "นางสาวพรทิพย์ ใจดี"


@pytest.fixture
def world(tmp_path: Path, isolated_home: Path) -> Iterator[h.World]:
    w = h.build_world(tmp_path / "w", code="500107")
    for subject, days in (("ขอความช่วยเหลือเรื่องที่ดินทำกิน", 15), ("ร้องเรียนเรื่องน้ำเสีย", 2)):
        saved = cases.take_in(
            w.center,
            cases.CaseInput(
                kind=CaseKind.COMPLAINT,
                subject=subject,
                received_on=TODAY - dt.timedelta(days=days + 3),
            ),
        )
        cases.act(
            w.center, saved.record.id, CaseAction.ESCALATE, on=TODAY - dt.timedelta(days=days)
        )
    result = w.export()
    for outcome in w.import_(*(result.parts or (result.path,))):
        assert outcome.status == "applied"
    yield w
    w.close()


def _ctx(db, ui_settings):
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    return AppContext(db=db, runner=JobRunner(), site=setup.this_site(db), settings=ui_settings)


@pytest.fixture
def province_ctx(world, ui_settings, qapp):
    ctx = _ctx(world.province, ui_settings)
    yield ctx
    ctx.runner.wait_for_done(10000)


def _page(ctx, qtbot):
    from justice_desk.ui.pages.escalations import EscalationsPage

    page = EscalationsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    return page


def _cells(page) -> list[list[str]]:
    model = page.model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _in_dialog(qtbot, steps, failures: list[BaseException]) -> None:
    """Run ``steps(dialog)`` once the modal answer dialog is open; a failure closes the dialog
    (so the test cannot hang) and is kept in ``failures`` for the test to raise."""
    from justice_desk.ui.pages.escalations import AnswerDialog

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AnswerDialog):
            QTimer.singleShot(20, act)
            return
        try:
            steps(dialog)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, act)


def test_the_queue_shows_every_waiting_escalation(province_ctx, qtbot) -> None:
    page = _page(province_ctx, qtbot)
    rows = _cells(page)
    assert [r[0] for r in rows] == ["ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"] * 2
    assert [r[2] for r in rows] == ["ขอความช่วยเหลือเรื่องที่ดินทำกิน", "ร้องเรียนเรื่องน้ำเสีย"]
    assert [r[4] for r in rows] == ["15", "2"]
    assert [r[5] for r in rows] == ["Waiting for the office"] * 2
    expected = escalations.list_escalations(province_ctx.db)
    assert [r[1] for r in rows] == [e.number for e in expected]
    assert rows[0][3] == i18n_short(expected[0].escalated_on)
    assert page.count.text() == "2 waiting of 2"
    assert page.answer_button.isEnabled() and "not answered yet" in page.detail.text()


def i18n_short(day: dt.date) -> str:
    from justice_desk.domain.dates import format_date

    return format_date(day, i18n.language(), short=True)


def test_answering_by_keyboard_through_the_dialog(
    province_ctx, world, qtbot, typer, tmp_path: Path
) -> None:
    page = _page(province_ctx, qtbot)
    page.table.setFocus()
    first = page.rows[0]

    def fill(dialog) -> None:
        dialog.decision.setCurrentIndex(dialog.decision.findData("referred"))
        assert dialog.agency.isEnabled()
        typer(dialog.note, NOTE)
        typer(dialog.officer, OFFICER)
        # No agency yet: the dialog says what is missing and stays open.
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error.isVisible()
        assert dialog.error.text() == "Name the agency the case is referred to."
        assert dialog.focusWidget() is dialog.agency
        typer(dialog.agency, AGENCY)
        qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)  # the default button saves

    failures: list[BaseException] = []
    _in_dialog(qtbot, fill, failures)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on the row opens the dialog
    if failures:
        raise failures[0]
    qtbot.waitUntil(lambda: page.count.text() == "1 waiting of 2", timeout=20000)
    rows = _cells(page)
    assert rows[0][2] == "ร้องเรียนเรื่องน้ำเสีย"  # the waiting one first now
    assert rows[1][5] == "Referred to another agency" and rows[1][6] == OFFICER
    assert rows[1][4] == ""  # no longer waiting
    assert page.count.text() == "1 waiting of 2"
    saved = escalations.get_escalation(province_ctx.db, first.case_id)
    assert saved.answer is not None
    assert (saved.answer.agency, saved.answer.note, saved.answer.officer) == (AGENCY, NOTE, OFFICER)

    # Changing the answer opens the dialog filled in.
    page.table.selectRow(1)
    assert page.answer_button.text() == "Change the &answer…"
    assert "Goes to the center with the next receipt." in page.detail.text()

    def change(dialog) -> None:
        assert dialog.note.toPlainText() == NOTE and dialog.agency.text() == AGENCY
        dialog.decision.setCurrentIndex(dialog.decision.findData("returned"))
        assert not dialog.agency.isEnabled()
        dialog.note.selectAll()
        typer(dialog.note, "ให้ศูนย์ฯ ไกล่เกลี่ยอีกครั้ง")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    _in_dialog(qtbot, change, failures)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        qtbot.mouseClick(page.answer_button, Qt.MouseButton.LeftButton)
        if failures:
            raise failures[0]
    changed = escalations.get_escalation(province_ctx.db, first.case_id)
    assert changed.answer is not None and changed.answer.decision == "returned"
    assert changed.answer.rev == 2 and changed.answer.agency is None

    # The receipt carries it to the center, whose case view shows it in the history.
    (written,) = sync.write_receipts(world.province, tmp_path / "receipts")
    sync.apply_receipt(world.center, written.path)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    page.table.selectRow(1)
    assert "Sent to the center in receipt 1." in page.detail.text()

    from justice_desk.ui.main_window import MainWindow

    center_ctx = _ctx(world.center, province_ctx.settings)
    window = MainWindow(center_ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        cases_page = window.show_page("cases")
        cases_page.open_case(first.case_id)
        view = cases_page.detail
        view.tabs.setCurrentIndex(view.tab_index["history"])
        label = view.province_answer
        assert label.isVisible()
        assert "The Provincial Justice Office answered on" in label.text()
        assert "Returned to the center with advice" in label.text()
        assert "ให้ศูนย์ฯ ไกล่เกลี่ยอีกครั้ง" in label.text() and OFFICER in label.text()
        assert view.detail.status.value == "escalated"  # the center's case is as it was
    finally:
        center_ctx.runner.wait_for_done(10000)
        window.close()


def test_the_page_in_the_province_window_in_thai_fits_1366_by_768(province_ctx, qtbot) -> None:
    from justice_desk.ui.main_window import MainWindow

    i18n.set_language("th")
    try:
        window = MainWindow(province_ctx)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        page = window.show_page("escalations")
        qtbot.waitUntil(lambda: len(page.rows) == 2, timeout=20000)
        # Escalations, then the Conflicts page, last in the province's navigation.
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert titles[-2:] == ["เรื่องที่ศูนย์ส่งต่อ", "ข้อมูลขัดแย้ง"]
        assert page.model.headerData(4, Qt.Orientation.Horizontal) == "รอมาแล้ว (วัน)"
        assert _cells(page)[0][5] == "รอสำนักงานฯ ตอบ"
        assert window.width() <= 1366 and window.height() <= 768
        assert window.minimumSizeHint().width() <= 1366
        assert window.minimumSizeHint().height() <= 768
        for widget in (page.answer_button, page.count, page.detail):
            right = widget.mapTo(window, QPoint(widget.width(), 0)).x()
            assert right <= window.width(), widget
        qtbot.waitUntil(lambda: window.runner.active == 0, timeout=20000)
    finally:
        i18n.set_language("en")
