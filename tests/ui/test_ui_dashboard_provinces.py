"""The Dashboard page on a database that holds the centers of two provinces (the whole country
on one server; tests/province_filter_checks.py): the province chooser is shown, and choosing a
province narrows the figures, the center list, the centers table, the records behind a figure
and the Report… button to its centers. Real widgets on a real SQLite file; the report is read
back (tests/report_checks.py). A province's own database has no chooser
(tests/ui/test_ui_dashboard.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).parents[1]))
import province_filter_checks as checks  # noqa: E402 - helpers beside conftest.py
import report_checks as rc  # noqa: E402

from justice_desk import i18n  # noqa: E402
from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard as service  # noqa: E402
from justice_desk.ui import dialogs  # noqa: E402
from justice_desk.ui.pages import dashboard as page_module  # noqa: E402

FISCAL = parse_period("FY2569")
LAMPHUN, LAMPANG = checks.LAMPHUN.name, checks.LAMPANG.name


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return checks.build_file(tmp_path_factory.mktemp("national-ui"))


@pytest.fixture
def ctx(national, tmp_path: Path, ui_settings, qapp) -> Iterator[object]:
    from justice_desk.services import setup
    from justice_desk.storage.database import open_database
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    db = open_database(checks.copy_file(national, tmp_path / "db"))
    runner = JobRunner()
    yield AppContext(db=db, runner=runner, site=setup.this_site(db), settings=ui_settings)
    runner.wait_for_done(10000)
    db.dispose()


@pytest.fixture
def answers(monkeypatch):
    """The save dialog answered with the next of ``answers['files']``; messages recorded."""
    state: dict[str, list] = {"files": [], "asked": [], "info": [], "errors": []}

    def ask(parent, title, suggested):
        state["asked"].append(Path(suggested).name)
        return state["files"].pop(0)

    monkeypatch.setattr(page_module, "ask_report_path", ask)
    monkeypatch.setattr(
        dialogs, "show_info", lambda p, text, title=None: state["info"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_error", lambda p, text, title=None: state["errors"].append(text)
    )
    return state


def _page(ctx, qtbot):
    page = page_module.DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(lambda: page.board is not None, timeout=20000)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.set_period(FISCAL)
    return page


def _expected(ctx, page, province: str | None, center: str | None = None) -> dict:
    board = service.dashboard(
        ctx.db,
        page.period,
        center_code=center,
        province_name=province,
        silent_days=page.silent_days,
        today=page.today,
    )
    return service.dashboard_json(board)


def _choose(qtbot, page, province: str | None) -> None:
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.province.setCurrentIndex(page.province.findData(province))


def _centers_offered(page) -> list[str]:
    return [page.center.itemData(i) for i in range(1, page.center.count())]


def test_choosing_a_province_narrows_figures_centers_and_records(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    # the chooser: every province of the database's centers, all of them first
    assert page.province.isVisible() and page.province_label.isVisible()
    items = [page.province.itemText(i) for i in range(page.province.count())]
    assert items == ["All provinces", LAMPANG, LAMPHUN]
    everyone = page.values
    assert everyone == _expected(ctx, page, None) and everyone["province"] is None
    assert len(_centers_offered(page)) == 5
    # one province: its figures, its centers in the list, the table and the chart
    _choose(qtbot, page, LAMPHUN)
    expected = _expected(ctx, page, LAMPHUN)
    assert page.values == expected and expected["province"] == LAMPHUN
    assert 0 < expected["total"]["received"] < everyone["total"]["received"]
    assert _centers_offered(page) == ["CJC-51-0001", "CJC-51-0002"]
    assert sorted(page.per_month.series) == ["CJC-51-0001", "CJC-51-0002"]
    model = page.table_model
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [
        "CJC-51-0001",
        "CJC-51-0002",
        "",  # the total of the province's centers
    ]
    shown = page.figures["received"].value_text
    assert shown == service.format_figure(expected["total"]["received"], "count")
    # the records behind a figure: that province's only, as many as the figure
    with qtbot.waitSignal(page.records_shown, timeout=20000) as opened:
        qtbot.mouseClick(page.figures["received"], Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert dialog.records.total == dialog.model.rowCount() == expected["total"]["received"]
    codes = {dialog.model.data(dialog.model.index(r, 0)) for r in range(dialog.model.rowCount())}
    assert codes == {"CJC-51-0001", "CJC-51-0002"}
    dialog.close()
    # a center of that province, then another province: the center is let go
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.set_center("CJC-51-0002")
    assert page.values == _expected(ctx, page, LAMPHUN, "CJC-51-0002")
    _choose(qtbot, page, LAMPANG)
    assert page.center_code is None
    assert _centers_offered(page) == ["CJC-52-0001", "CJC-52-0002", "CJC-52-0003"]
    assert page.values == _expected(ctx, page, LAMPANG)
    # and back to every province: the page as before
    _choose(qtbot, page, None)
    assert page.values == everyone and len(_centers_offered(page)) == 5


def test_the_report_button_reports_the_province_chosen(ctx, qtbot, answers, tmp_path) -> None:
    page = _page(ctx, qtbot)
    _choose(qtbot, page, LAMPANG)
    answers["files"] = [str(tmp_path / "lampang.xlsx"), str(tmp_path / "lampang.pdf")]
    with qtbot.waitSignal(page.report_saved, timeout=30000) as saved:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10000)
    assert answers["asked"] == [f"report-FY2569-{LAMPANG}.pdf"] and not answers["errors"]
    book = rc.read_xlsx(saved.args[0].path)
    # the workbook's figures are the page's: that province's three centers and their total
    assert rc.check_tables(book, page.values) == {f.key for f in service.FIGURES}
    about = {row[0]: row[1] for row in book[0][2]}
    assert about["จังหวัด"] == LAMPANG and about["จำนวนศูนย์"] == 3
    assert about["หน่วยงานผู้รายงาน"] == f"สำนักงานยุติธรรมจังหวัด{LAMPANG}"
    with qtbot.waitSignal(page.report_saved, timeout=30000) as saved:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10000)
    lines = rc.pdf_lines(saved.args[0].path.read_bytes(), tmp_path)
    assert lines[0] == f"รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชนจังหวัด{LAMPANG}"
    assert rc.check_pdf(lines, book, page.values) > 0


def test_the_chooser_in_thai_fits_beside_the_others(ctx, qtbot) -> None:
    i18n.set_language("th")
    try:
        page = _page(ctx, qtbot)
        assert page.province.itemText(0) == "ทุกจังหวัด"
        assert page.province_label.text() == "จังหวัด:"
        for widget in (page.province, page.center, page.refresh_button, page.report_button):
            assert widget.geometry().right() <= page.width(), widget
    finally:
        i18n.set_language("en")
