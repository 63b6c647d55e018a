"""The Dashboard page at a province (ui/pages/dashboard.py): real widgets on a real province of
three demo centers (tests/dashboard_world.py). The figures shown are the service's JSON, as
``justice-desk dashboard --json`` prints them; changing the period or the center counts again;
figures, table cells and chart bars open the records behind them; Thai; 1366×768."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - a helper beside conftest.py

from justice_desk import i18n  # noqa: E402
from justice_desk.domain.periods import Period, PeriodKind, parse_period  # noqa: E402
from justice_desk.services import dashboard as service  # noqa: E402

FISCAL = parse_period("FY2569")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("dashboard-ui"), cases=50, meetings=6)


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


def _page(ctx, qtbot):
    from justice_desk.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(lambda: page.board is not None, timeout=20000)
    return page


def _show(qtbot, page, period: Period | None = None, center: str | None = "keep") -> None:
    with qtbot.waitSignal(page.loaded, timeout=20000):
        if period is not None:
            page.set_period(period)
        elif center != "keep":
            page.set_center(center)
        else:
            page.load()


def _expected(ctx, page, period: Period, center: str | None = None) -> dict:
    board = service.dashboard(
        ctx.db, period, center_code=center, silent_days=page.silent_days, today=page.today
    )
    return service.dashboard_json(board)


def _shown_figures(page) -> dict[str, str]:
    return {key: button.value_text for key, button in page.figures.items() if not button.isHidden()}


def test_the_page_shows_the_figures_the_command_prints(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    assert page.period.kind is PeriodKind.MONTH and page.period_label.text()
    # a province's own database (its centers all in one province): no province chooser
    # (tests/ui/test_ui_dashboard_provinces.py has a database of two)
    assert page.province.isHidden() and page.province_label.isHidden()
    assert page.province_name is None
    _show(qtbot, page, FISCAL)
    expected = _expected(ctx, page, FISCAL)
    assert page.values == expected
    shown = _shown_figures(page)
    assert set(shown) == {f.key for f in service.FIGURES}
    for figure in service.FIGURES:
        assert shown[figure.key] == service.format_figure(
            expected["total"][figure.key], figure.form
        ), figure.key
    assert int(shown["received"].replace(",", "")) > 0
    assert page.period_label.text() == "Fiscal year 2569 (1 Oct 2568 – 30 Sep 2569)"
    # the per-month chart: one stacked part per center, bars summing to the received per month
    assert page.per_month.series == list(w.CENTERS)
    assert [page.per_month.total(i) for i in range(12)] == expected["total"]["cases_per_month"]
    outcomes = expected["total"]
    assert page.outcome_chart.values[0][0] == outcomes["outcome.settled"]


def test_the_centers_table_compares_every_group(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    _show(qtbot, page, FISCAL)
    expected = _expected(ctx, page, FISCAL)
    model = page.table_model
    for index in range(page.table_group.count()):
        page.table_group.setCurrentIndex(index)
        group = page.table_group.currentData()
        keys = [f.key for f in service.FIGURES if f.group == group]
        assert model.rowCount() == len(w.CENTERS) + 1  # and the province's total
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2, 2 + len(keys))]
        assert headers == [service.FIGURE_BY_KEY[k].label for k in keys]
        for row, line in enumerate(expected["centers"]):
            assert model.data(model.index(row, 0)) == line["code"]
            for column, key in enumerate(keys, start=2):
                text = model.data(model.index(row, column))
                assert text == service.format_figure(line[key], service.FIGURE_BY_KEY[key].form)
    assert model.data(model.index(len(w.CENTERS), 1)) == "Province total"


def test_changing_the_period_and_the_center_counts_again(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    _show(qtbot, page, FISCAL)
    fiscal_received = page.values["total"]["received"]
    # the kind chooser: a quarter around the same day, then back one quarter with ◀
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.kind.setCurrentIndex(page.kind.findData(PeriodKind.QUARTER.value))
    assert page.period.kind is PeriodKind.QUARTER
    with qtbot.waitSignal(page.loaded, timeout=20000):
        qtbot.mouseClick(page.previous, Qt.MouseButton.LeftButton)
    assert page.values == _expected(ctx, page, page.period)
    page.set_period(parse_period("2569-Q1"))
    qtbot.waitUntil(lambda: page.values["period"]["code"] == "2569-Q1", timeout=20000)
    assert page.values["total"]["received"] < fiscal_received
    # one center
    _show(qtbot, page, None, center="CJC-0002")
    assert page.values == _expected(ctx, page, page.period, "CJC-0002")
    assert page.values["center"] == "CJC-0002" and page.per_month.series == ["CJC-0002"]
    assert page.figures["sync.held"].value_text == "1"
    # a custom range typed into the two date fields
    page.set_center(None)
    qtbot.waitUntil(lambda: page.values["center"] is None, timeout=20000)
    page.kind.setCurrentIndex(page.kind.findData(PeriodKind.CUSTOM.value))
    assert page.custom.isVisible() and not page.previous.isVisible()
    page.first_day.setDate(dt.date(2025, 11, 1))
    page.last_day.setDate(dt.date(2026, 1, 31))
    with qtbot.waitSignal(page.loaded, timeout=20000):
        qtbot.mouseClick(page.apply_range, Qt.MouseButton.LeftButton)
    assert page.values["period"]["code"] == "2568-11-01..2569-01-31"
    assert page.values == _expected(ctx, page, parse_period("2568-11-01..2569-01-31"))


def test_figures_cells_and_bars_open_the_records_behind_them(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    _show(qtbot, page, FISCAL)
    total = page.values["total"]
    # a figure
    with qtbot.waitSignal(page.records_shown, timeout=20000) as shown:
        qtbot.mouseClick(page.figures["outcome.referred"], Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert dialog.isVisible() and dialog.model.rowCount() == total["outcome.referred"] > 0
    assert {
        dialog.model.data(dialog.model.index(r, 4)) for r in range(dialog.model.rowCount())
    } == {"Referred to another agency"}
    dialog.close()
    # a cell of the centers table: CJC-0001's open conflicts
    page.tabs.setCurrentIndex(1)
    page.table_group.setCurrentIndex(page.table_group.findData("sync"))
    column = 2 + page._table_keys.index("sync.open_conflicts")
    cell = page.table.visualRect(page.table_model.index(0, column)).center()
    with qtbot.waitSignal(page.records_shown, timeout=20000) as shown:
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    dialog = shown.args[0]
    assert dialog.records.key == "sync.open_conflicts" and dialog.model.rowCount() == 1
    assert dialog.model.data(dialog.model.index(0, 0)) == "CJC-0001"
    dialog.close()
    # a bar of the per-month chart: the month with the most cases, one center's part
    page.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: bool(page.per_month._bars), timeout=5000)
    month = max(range(12), key=page.per_month.total)
    series = next(s for s in range(3) if page.per_month.values[s][month])
    rect = page.per_month.bar_rect(month, series)
    assert rect is not None
    with qtbot.waitSignal(page.records_shown, timeout=20000) as shown:
        qtbot.mouseClick(
            page.per_month,
            Qt.MouseButton.LeftButton,
            pos=QPoint(*map(int, rect.center().toTuple())),
        )
    dialog = shown.args[0]
    assert dialog.model.rowCount() == page.per_month.values[series][month]
    codes = {dialog.model.data(dialog.model.index(r, 0)) for r in range(dialog.model.rowCount())}
    assert codes == {page.per_month.series[series]}
    dialog.close()


def test_in_thai_with_be_dates(ctx, qtbot) -> None:
    i18n.set_language("th")
    try:
        page = _page(ctx, qtbot)
        _show(qtbot, page, FISCAL)
        assert page.period_label.text() == "ปีงบประมาณ 2569 (1 ต.ค. 2568 – 30 ก.ย. 2569)"
        assert page.title() == "แดชบอร์ด"
        assert page.figures["received"].label == "เรื่องที่รับ"
        assert "2569" in page.status.text()
        assert page.per_month.categories[0] == "ต.ค. 68"
    finally:
        i18n.set_language("en")


def test_the_window_at_a_province_has_the_page_and_fits_1366_by_768(ctx, qtbot) -> None:
    from justice_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.show_page("dashboard")
    qtbot.waitUntil(lambda: page.board is not None, timeout=20000)
    assert window.nav.item(1).text() == "Dashboard"
    assert window.width() <= 1366 and window.height() <= 768
    assert window.minimumSizeHint().width() <= 1366 and window.minimumSizeHint().height() <= 768
    for widget in (page.kind, page.center, page.refresh_button, page.following):
        right = widget.mapTo(window, QPoint(widget.width(), 0)).x()
        assert right <= window.width(), widget
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=20000)
