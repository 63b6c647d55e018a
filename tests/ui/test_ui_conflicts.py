"""The Conflicts page at a province (ui/pages/conflicts.py) and the province's decisions on a
center's Sync page (ui/pages/sync.py): real widgets on a real center restored from a backup and
a province enrolled with it, decisions typed into the real dialog, carried by a real receipt
(docs/sync.md §13)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
import sync_helpers as h  # noqa: E402 - tests/sync is not a package
from test_conflict_decisions import Restored, restored_world  # noqa: E402

from justice_desk.services import setup, sync  # noqa: E402

NOTE = "ศูนย์ฯ ให้เลขเรื่องใหม่แล้วส่งมาอีกครั้ง"
OFFICER = "นายสมศักดิ์ ตรวจดี"


@pytest.fixture
def restored(tmp_path: Path, isolated_home: Path) -> Iterator[Restored]:
    r = restored_world(tmp_path / "w")
    yield r
    r.world.close()


def _ctx(db, ui_settings):
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    return AppContext(db=db, runner=JobRunner(), site=setup.this_site(db), settings=ui_settings)


@pytest.fixture
def province_ctx(restored, ui_settings, qapp):
    ctx = _ctx(restored.world.province, ui_settings)
    yield ctx
    ctx.runner.wait_for_done(10000)


def _page(ctx, qtbot):
    from justice_desk.ui.pages.conflicts import ConflictsPage

    page = ConflictsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
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
    """Run ``steps(dialog)`` once the modal decision dialog is open; a failure closes it."""
    from justice_desk.ui.pages.conflicts import DecideDialog

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, DecideDialog):
            QTimer.singleShot(20, act)
            return
        try:
            steps(dialog)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, act)


def _row_of(page, reason: str) -> int:
    return next(i for i, p in enumerate(page.rows) if p.reason == reason)


def test_the_page_tells_each_entry_in_plain_words(province_ctx, qtbot) -> None:
    page = _page(province_ctx, qtbot)
    expected = sync.problem_list(province_ctx.db)
    rows = _cells(page)
    assert [r[0] for r in rows] == [p.key for p in expected]
    assert {r[2] for r in rows} == {"ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"}
    assert all(r[6] == "Waiting for a decision" for r in rows)
    assert page.count.text() == f"{len(expected)} waiting of {len(expected)}"
    page.table.selectRow(_row_of(page, "number_taken"))
    text = page.detail.text()
    assert "already has" in text and "What to do:" in text
    assert "• Ask the center to send it again:" in text and "• Dismiss, with a note:" in text
    assert "Keep the center's version" not in text
    page.table.selectRow(_row_of(page, "restored_center_older"))
    assert "• Keep the center's version:" in page.detail.text()
    assert page.decide_button.isEnabled()


def test_deciding_through_the_dialog_and_the_center_sees_it(
    province_ctx, restored, qtbot, typer, tmp_path: Path
) -> None:
    page = _page(province_ctx, qtbot)
    row = _row_of(page, "number_taken")
    taken = page.rows[row]
    page.table.selectRow(row)
    page.table.setFocus()

    def fill(dialog) -> None:
        assert set(dialog.choices) == {"resend", "dismiss"}
        # Dismissing needs a note: the dialog says so and stays open, the note focused.
        dialog.choices["dismiss"].setChecked(True)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.error.isVisible, timeout=20000)
        assert dialog.isVisible() and "Write a note" in dialog.error.text()
        assert dialog.focusWidget() is dialog.note
        dialog.choices["resend"].setFocus()
        qtbot.keyClick(dialog.choices["resend"], Qt.Key.Key_Space)
        assert dialog.chosen() == "resend"
        typer(dialog.note, NOTE)
        typer(dialog.officer, OFFICER)
        qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)  # the default button saves

    failures: list[BaseException] = []
    _in_dialog(qtbot, fill, failures)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on the row opens the dialog
        if failures:
            raise failures[0]
    assert taken.key not in [p.key for p in page.rows]
    decided = sync.get_problem(province_ctx.db, taken.key)
    assert decided.decision is not None
    assert (decided.decision.decision, decided.decision.note, decided.decision.officer) == (
        "resend",
        NOTE,
        OFFICER,
    )

    # Also those dealt with: the entry is back, with its decision.
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show_all.setChecked(True)
    row = next(i for i, p in enumerate(page.rows) if p.key == taken.key)
    assert _cells(page)[row][6] == "Ask the center to send it again"
    page.table.selectRow(row)
    assert "Goes to the center with the next receipt." in page.detail.text()
    assert page.decide_button.text() == "Change the &decision…"

    # The receipt carries it to the center, whose Sync page lists it with what to do.
    world = restored.world
    (written,) = sync.write_receipts(world.province, tmp_path / "receipts")
    sync.apply_receipt(world.center, written.path)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    page.table.selectRow(row)
    assert "Sent to the center in receipt" in page.detail.text()

    from justice_desk.ui.pages.sync import SyncPage

    center_page = SyncPage(_ctx(world.center, province_ctx.settings))
    qtbot.addWidget(center_page)
    center_page.resize(1200, 800)
    center_page.show()
    inner = center_page.inner
    assert inner.decisions_box.isVisibleTo(center_page)
    cells = [
        [inner.decisions.data(inner.decisions.index(r, c)) for c in range(5)]
        for r in range(inner.decisions.rowCount())
    ]
    assert len(cells) == 1
    assert cells[0][2] == "Ask the center to send it again" and cells[0][3] == NOTE
    assert "Send the refused records again" in cells[0][4]
    assert "decided on 1 entries" in inner.status.text()


def test_keeping_the_centers_version_from_the_page(province_ctx, restored, qtbot) -> None:
    page = _page(province_ctx, qtbot)
    row = _row_of(page, "restored_center_older")
    page.table.selectRow(row)

    def choose(dialog) -> None:
        assert list(dialog.choices) == ["keep_center", "keep_province", "dismiss"]
        dialog.choices["keep_center"].setChecked(True)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    failures: list[BaseException] = []
    _in_dialog(qtbot, choose, failures)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        saved = page.decide_selected()
        if failures:
            raise failures[0]
    assert saved is not None and saved.adopted
    world = restored.world
    phone = h.query(world.province, "SELECT phone FROM people WHERE id = ?", (restored.p1.hex,))
    assert phone[0]["phone"] == "080-999-9999"


def test_the_province_window_has_the_conflicts_page(restored, ui_settings, qapp, qtbot) -> None:
    from justice_desk import i18n
    from justice_desk.ui.main_window import MainWindow

    ctx = _ctx(restored.world.province, ui_settings)
    i18n.set_language("th")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert titles[-1] == "ข้อมูลขัดแย้ง"
        page = window.show_page("conflicts")
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20000)
        assert page.model.headerData(4, Qt.Orientation.Horizontal) == "เกิดอะไรขึ้น"
        assert page.decide_button.text() == "&ตัดสินใจ…"
        # Fits a 1366×768 laptop in Thai.
        assert window.width() <= 1366 and window.height() <= 768
        assert window.minimumSizeHint().width() <= 1366
        assert window.minimumSizeHint().height() <= 768
    finally:
        i18n.set_language("en")
        ctx.runner.wait_for_done(10000)
        window.close()
