"""The Dashboard page's Report… button (ui/pages/dashboard.py): the report of the period and
center the page shows, saved where the save dialog says (the dialog answered by the test), made
in the job runner by the same service as ``justice-desk report``, read back and compared with
the page's own figures (tests/dashboard_world.py, tests/report_checks.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk import i18n  # noqa: E402
from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard as service  # noqa: E402
from justice_desk.ui import dialogs  # noqa: E402
from justice_desk.ui.pages import dashboard as page_module  # noqa: E402


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("report-ui"), cases=40, meetings=4)


@pytest.fixture
def ctx(world, tmp_path: Path, isolated_home: Path, ui_settings, qapp) -> Iterator[object]:
    from justice_desk.services import setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    copy = w.copy_world(world, tmp_path / "w", isolated_home)
    db = copy.open_province()
    runner = JobRunner()
    yield AppContext(db=db, runner=runner, site=setup.this_site(db), settings=ui_settings)
    runner.wait_for_done(10000)
    db.dispose()


@pytest.fixture
def answers(monkeypatch, tmp_path):
    """The save dialog answered with the next file of ``answers['files']`` ('' = cancelled);
    the messages shown are recorded."""
    state: dict[str, list] = {"files": [], "asked": [], "info": [], "errors": []}

    def ask(parent, title, suggested):
        state["asked"].append((title, Path(suggested).name))
        return state["files"].pop(0)

    monkeypatch.setattr(page_module, "ask_report_path", ask)
    monkeypatch.setattr(
        dialogs, "show_info", lambda p, text, title=None: state["info"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_error", lambda p, text, title=None: state["errors"].append(text)
    )
    return state


def _page(ctx, qtbot, period: str, center: str | None = None):
    page = page_module.DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(lambda: page.board is not None, timeout=20000)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.set_period(parse_period(period))
    if center is not None:
        with qtbot.waitSignal(page.loaded, timeout=20000):
            page.set_center(center)
    return page


def _save(qtbot, page):
    assert page.report_button.isVisible() and page.report_button.isEnabled()
    with qtbot.waitSignal(page.report_saved, timeout=30000) as saved:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10000)
    return saved.args[0]


def test_the_button_saves_the_report_of_the_page_period_and_center(
    ctx, qtbot, answers, tmp_path
) -> None:
    page = _page(ctx, qtbot, "FY2569")
    answers["files"] = [str(tmp_path / "year.xlsx"), str(tmp_path / "year.pdf")]
    result = _save(qtbot, page)
    assert result.path == tmp_path / "year.xlsx" and result.period == page.period
    # the dialog offered a BE-named PDF first
    assert answers["asked"][0][1] == "report-FY2569.pdf"
    assert answers["info"] == [f"The report was saved: {tmp_path / 'year.xlsx'}"]
    book = rc.read_xlsx(result.path)
    # the figures of the workbook are the figures the page shows
    assert rc.check_tables(book, page.values) == {f.key for f in service.FIGURES}
    pdf = _save(qtbot, page)
    assert rc.check_pdf(rc.pdf_lines(pdf.path.read_bytes(), tmp_path), book, page.values) > 0
    assert not answers["errors"]


def test_one_center_a_quarter_and_a_cancelled_dialog(ctx, qtbot, answers, tmp_path) -> None:
    page = _page(ctx, qtbot, "2569-Q1", "CJC-0002")
    answers["files"] = [""]
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert not ctx.runner.busy and not list(tmp_path.glob("*.csv"))
    assert answers["asked"] == [("Save the report", "report-2569-Q1-CJC-0002.pdf")]
    answers["files"] = [str(tmp_path / "q.csv")]
    result = _save(qtbot, page)
    tables = rc.read_csv(result.path.read_bytes())
    rc.check_tables(tables, page.values)
    centers = {row[0] for _t, headers, rows in tables if headers[0] == "รหัสศูนย์" for row in rows}
    assert centers == {"CJC-0002"}


def test_a_file_that_cannot_be_written_is_explained(ctx, qtbot, answers, tmp_path) -> None:
    page = _page(ctx, qtbot, "2569-01")
    answers["files"] = [str(tmp_path / "report.docx")]
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers["errors"]), timeout=20000)
    assert ".xlsx" in answers["errors"][0] and not answers["info"]
    assert not (tmp_path / "report.docx").exists()


def test_the_button_in_thai(ctx, qtbot, answers, tmp_path) -> None:
    i18n.set_language("th")
    try:
        page = _page(ctx, qtbot, "2569-02")
        assert page.report_button.text() == "รายงาน…"
        answers["files"] = [str(tmp_path / "feb.pdf")]
        result = _save(qtbot, page)
        assert answers["info"] == [f"บันทึกรายงานแล้ว: {result.path}"]
        lines = rc.pdf_lines(result.path.read_bytes(), tmp_path)
        assert "ประจำเดือนกุมภาพันธ์ 2569" in lines
    finally:
        i18n.set_language("en")
