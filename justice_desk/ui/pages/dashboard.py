"""The province's Dashboard page (docs/architecture.md §13): a period chooser and a center
filter (and a province filter, shown only in a database that holds the centers of more than one
province: the whole country on one server); charts where people would rather look (cases
received per month per center, outcome shares), the figures by group, and a per-center table
where they compare. Every figure, bar and table cell opens the records behind it. The figures
come from ``services.dashboard`` in the job runner and are shown through ``dashboard_json`` and
``format_figure``, exactly as ``justice-desk dashboard --json`` prints them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.domain.dates import format_date
from justice_desk.domain.outcomes import Outcome
from justice_desk.domain.periods import Period, PeriodKind, month_label
from justice_desk.i18n import _, language
from justice_desk.services import dashboard as service
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import show_error, translate_buttons
from justice_desk.ui.models import Column, ListTableModel
from justice_desk.ui.operations import RECORD_KINDS
from justice_desk.ui.pages.base import Page
from justice_desk.ui.widgets.bar_chart import OTHER_COLOUR, PALETTE, BarChart
from justice_desk.ui.widgets.date_edit import BeDateEdit

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: Centers drawn as their own part of a bar; the rest are one grey part.
CHART_CENTERS = 7
KIND_LABELS = {
    PeriodKind.MONTH: lambda: _("Month"),
    PeriodKind.QUARTER: lambda: _("Quarter"),
    PeriodKind.FISCAL_YEAR: lambda: _("Fiscal year"),
    PeriodKind.CUSTOM: lambda: _("From … to …"),
}


class FigureButton(QPushButton):
    """A figure: its label and value; clicking it opens the records behind it."""

    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.label = label
        self.value_text = ""
        self.setObjectName(f"figure_{key}")
        self.setFlat(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setStyleSheet("QPushButton { text-align: left; padding: 2px 4px; }")
        self.set_value("–", clickable=False)

    def set_value(self, text: str, *, clickable: bool) -> None:
        self.value_text = text
        self.setText(f"{self.label}:  {text}")
        self.setToolTip(f"{self.label}: {text}")
        self.setAccessibleName(f"{self.label}: {text}")
        self.setEnabled(True)
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )
        if clickable:
            self.setToolTip(f"{self.label}: {text}\n" + _("Show the records behind this figure"))
        self.setProperty("clickable", clickable)


class RecordsDialog(QDialog):
    """The records behind a figure (read-only), with the center, number, date and state."""

    def __init__(self, records: service.RecordList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.setWindowTitle(records.label)
        self.resize(900, 480)
        lang = language()
        columns = [
            Column(_("Center"), lambda r: r.center_code),
            Column(_("Number"), lambda r: r.reference),
            Column(_("Date"), lambda r: _date_text(r.on, lang)),
            Column(_("Title"), lambda r: r.title),
            Column(_("State"), lambda r: r.state),
            Column(_("Details"), lambda r: r.detail),
        ]
        self.model = ListTableModel(columns, self)
        self.model.set_rows(records.rows)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.count = QLabel(self)
        if records.total > len(records.rows):
            self.count.setText(
                _("{shown:,} of {total:,} records shown (the first by date).").format(
                    shown=len(records.rows), total=records.total
                )
            )
        else:
            self.count.setText(_("{count:,} records").format(count=records.total))
        note = QLabel(
            _(
                "Records of centers are read-only here: they are changed at the center. "
                "Choose the center under “Center shown” to open them in their pages."
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)


class DashboardPage(Page):
    key = "dashboard"
    shows = RECORD_KINDS
    #: Emitted when new figures are shown (tests wait for it).
    loaded = Signal()
    #: Emitted with the dialog when the records behind a figure are shown.
    records_shown = Signal(object)
    #: Emitted with ``services.reports.ReportResult`` when a report was saved.
    report_saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.today = dt.date.today()
        self.period = Period.containing(PeriodKind.MONTH, self.today)
        self.board: service.Dashboard | None = None
        self.values: dict[str, Any] = {}
        self._generation = 0
        self.records_dialog: RecordsDialog | None = None

        # -- the chooser row ---------------------------------------------------------------
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(_("Kind of period"))
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label(), kind.value)
        self.previous = QPushButton("◀", self)
        self.previous.setAccessibleName(_("Previous period"))
        self.previous.setToolTip(_("Previous period"))
        self.following = QPushButton("▶", self)
        self.following.setAccessibleName(_("Next period"))
        self.following.setToolTip(_("Next period"))
        for arrow in (self.previous, self.following):
            arrow.setFixedWidth(36)
        self.period_label = QLabel(self)
        self.period_label.setObjectName("periodLabel")
        self.period_label.setStyleSheet("font-weight: bold")
        self.first_day = BeDateEdit(self)
        self.last_day = BeDateEdit(self)
        self.apply_range = QPushButton(_("Show"), self)
        self.custom = QWidget(self)
        custom_row = QHBoxLayout(self.custom)
        custom_row.setContentsMargins(0, 0, 0, 0)
        custom_row.addWidget(self.first_day)
        custom_row.addWidget(QLabel("–", self.custom))
        custom_row.addWidget(self.last_day)
        custom_row.addWidget(self.apply_range)
        self.custom.setVisible(False)
        self.province = QComboBox(self)
        self.province.setObjectName("provinceChooser")
        self.province.setAccessibleName(_("Province"))
        self.province.addItem(_("All provinces"), None)
        self.province_label = QLabel(_("Province:"), self)
        self.province_label.setBuddy(self.province)
        self.center = QComboBox(self)
        self.center.setAccessibleName(_("Center"))
        self.center.addItem(_("All centers"), None)
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.report_button = QPushButton(_("Report…"), self)
        self.report_button.setObjectName("reportButton")
        self.report_button.setToolTip(
            _("Save the report of this period and center for the Ministry: PDF, Excel or CSV")
        )
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(_("Period:"), self))
        chooser.addWidget(self.kind)
        chooser.addWidget(self.previous)
        chooser.addWidget(self.period_label)
        chooser.addWidget(self.following)
        chooser.addWidget(self.custom)
        chooser.addStretch(1)
        chooser.addWidget(self.province_label)
        chooser.addWidget(self.province)
        chooser.addWidget(QLabel(_("Center:"), self))
        chooser.addWidget(self.center)
        chooser.addWidget(self.refresh_button)
        chooser.addWidget(self.report_button)

        # -- overview: charts and figures ---------------------------------------------------
        self.per_month = BarChart(_("Cases received per month"), self)
        self.per_month.setObjectName("chartPerMonth")
        self.outcome_chart = BarChart(_("Outcomes"), self, horizontal=True)
        self.outcome_chart.setObjectName("chartOutcomes")
        charts = QHBoxLayout()
        charts.addWidget(self.per_month, 3)
        charts.addWidget(self.outcome_chart, 2)
        self.figures: dict[str, FigureButton] = {}
        groups = QGridLayout()
        groups.setSpacing(6)
        for n, (group, title) in enumerate(service.GROUPS):
            box = QGroupBox(_(title), self)
            box.setObjectName(f"group_{group}")
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(0)
            box_layout.setContentsMargins(4, 4, 4, 4)
            for figure in service.FIGURES:
                if figure.group != group:
                    continue
                button = FigureButton(figure.key, _(figure.label), box)
                button.clicked.connect(self._figure_clicked(figure.key, None))
                self.figures[figure.key] = button
                box_layout.addWidget(button)
            box_layout.addStretch(1)
            groups.addWidget(box, n // 3, n % 3)
        for column in range(3):
            groups.setColumnStretch(column, 1)
        overview = QWidget(self)
        overview_layout = QVBoxLayout(overview)
        overview_layout.addLayout(charts)
        overview_layout.addLayout(groups)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(overview)

        # -- per-center table ---------------------------------------------------------------
        self.table_group = QComboBox(self)
        self.table_group.setAccessibleName(_("Figures compared"))
        for group, title in service.GROUPS:
            self.table_group.addItem(_(title), group)
        self.table_model = ListTableModel([], self)
        self.table = QTableView(self)
        self.table.setObjectName("centersTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(True)
        table_hint = QLabel(_("Click a number to see the records behind it."), self)
        centers_tab = QWidget(self)
        centers_layout = QVBoxLayout(centers_tab)
        group_row = QHBoxLayout()
        group_row.addWidget(QLabel(_("Compare:"), centers_tab))
        group_row.addWidget(self.table_group)
        group_row.addWidget(table_hint, 1)
        centers_layout.addLayout(group_row)
        centers_layout.addWidget(self.table, 1)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(scroll, _("Overview"))
        self.tabs.addTab(centers_tab, _("Centers compared"))
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.previous.clicked.connect(lambda: self.set_period(self.period.previous()))
        self.following.clicked.connect(lambda: self.set_period(self.period.following()))
        self.apply_range.clicked.connect(self._apply_range)
        self.province.currentIndexChanged.connect(self._province_changed)
        self.center.currentIndexChanged.connect(lambda _i: self.load())
        self.refresh_button.clicked.connect(self.load)
        self.report_button.clicked.connect(self.save_report)
        self.table_group.currentIndexChanged.connect(lambda _i: self._fill_table())
        self.table.clicked.connect(self._cell_clicked)
        self.per_month.clicked.connect(self._month_clicked)
        self.outcome_chart.clicked.connect(self._outcome_clicked)
        self._show_period()
        self._fill_provinces()
        self._fill_centers()
        self.load()

    def title(self) -> str:
        return _("Dashboard")

    def refresh(self) -> None:
        self._fill_provinces()
        self._fill_centers()
        self.load()

    # -- choosing ---------------------------------------------------------------------------

    @property
    def silent_days(self) -> int:
        return max(0, prefs.int_value(self.ctx.settings, "sync/quiet_days", 30))

    @property
    def center_code(self) -> str | None:
        data = self.center.currentData()
        return str(data) if data else None

    @property
    def province_name(self) -> str | None:
        """The province chosen (its centers only), or ``None``: every center."""
        data = self.province.currentData()
        return str(data) if data else None

    def set_period(self, period: Period) -> None:
        """Show ``period`` (its kind chosen in the combo) and count again."""
        self.period = period
        index = self.kind.findData(period.kind.value)
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(index)
        self.kind.blockSignals(False)
        self._show_period()
        self.load()

    def set_center(self, code: str | None) -> None:
        self.center.setCurrentIndex(max(0, self.center.findData(code)))

    def set_province(self, name: str | None) -> None:
        self.province.setCurrentIndex(max(0, self.province.findData(name)))

    def _province_changed(self, _index: int) -> None:
        self._fill_centers()
        self.load()

    def _kind_changed(self, _index: int) -> None:
        kind = PeriodKind(self.kind.currentData())
        if kind is PeriodKind.CUSTOM:
            self.first_day.setDate(self.period.start)
            self.last_day.setDate(self.period.end)
            self.period = Period.custom(self.period.start, self.period.end)
            self._show_period()
            return
        self.set_period(Period.containing(kind, self.period.as_of(self.today)))

    def _apply_range(self) -> None:
        first, last = self.first_day.date(), self.last_day.date()
        if first is None or last is None:
            show_error(self, _("Give the first and the last day of the period."))
            return
        if last < first:
            show_error(
                self, _("The period ends before it starts: give the first day, then the last.")
            )
            return
        self.set_period(Period.custom(first, last))

    def _show_period(self) -> None:
        custom = self.period.kind is PeriodKind.CUSTOM
        self.custom.setVisible(custom)
        self.previous.setVisible(not custom)
        self.following.setVisible(not custom)
        self.period_label.setText(self.period.label(language()))

    def _fill_provinces(self) -> None:
        """The provinces of the centers, when there are more than one (a Provincial Justice
        Office's own database has one: no chooser, the page as it always was)."""
        names = service.provinces(self.ctx.db) if self.ctx.is_province else ()
        several = len(names) > 1
        current = self.province.currentData()
        self.province.blockSignals(True)
        self.province.clear()
        self.province.addItem(_("All provinces"), None)
        for name in names if several else ():
            self.province.addItem(name, name)
        self.province.setCurrentIndex(max(0, self.province.findData(current)))
        self.province.blockSignals(False)
        self.province.setVisible(several)
        self.province_label.setVisible(several)

    def _fill_centers(self) -> None:
        """The centers to choose from: the chosen province's, or all of them."""
        if not self.ctx.is_province:
            return
        from justice_desk.services import sync

        province = self.province_name
        wanted = service.province_centers(self.ctx.db, province) if province else None
        current = self.center.currentData()
        self.center.blockSignals(True)
        self.center.clear()
        self.center.addItem(_("All centers"), None)
        for c in sync.centers_overview(self.ctx.db, wanted):
            self.center.addItem(f"{c.code} {c.name}", c.code)
        self.center.setCurrentIndex(max(0, self.center.findData(current)))
        self.center.blockSignals(False)

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Count the figures for the chosen period and center in the background."""
        self._generation += 1
        generation = self._generation
        self.status.setText(_("Counting…"))

        def done(board: service.Dashboard) -> None:
            if generation == self._generation:
                self.show_board(board)

        def failed(message: str, _expected: bool) -> None:
            if generation == self._generation:
                self.status.setText("")
                show_error(self, message)

        self.ctx.runner.run(
            _("Counting the dashboard figures"),
            service.dashboard,
            self.ctx.db,
            self.period,
            center_code=self.center_code,
            province_name=self.province_name,
            silent_days=self.silent_days,
            today=self.today,
            on_success=done,
            on_error=failed,
            announce=False,
        )

    def show_board(self, board: service.Dashboard) -> None:
        self.board = board
        self.values = service.dashboard_json(board)
        total = self.values["total"]
        for key, button in self.figures.items():
            figure = service.FIGURE_BY_KEY[key]
            present = key in total
            button.setVisible(present)
            if present:
                button.set_value(
                    service.format_figure(total[key], figure.form),
                    clickable=service.has_records(key) and bool(total[key]),
                )
        lang = language()
        self.status.setText(
            _("Figures over {period}; states as of {day}. {centers}").format(
                period=board.period.label(lang),
                day=format_date(board.as_of, lang, short=True),
                centers=_("Centers: {count}.").format(count=len(board.centers)),
            )
        )
        self._fill_charts()
        self._fill_table()
        self.loaded.emit()

    def _fill_charts(self) -> None:
        board = self.board
        assert board is not None
        lang = language()
        months = [month_label(y, m, lang, short=True) for y, m in board.months]
        lines = sorted(board.centers, key=lambda c: -sum(c.figures.per_month))
        shown = lines[:CHART_CENTERS] if len(lines) > CHART_CENTERS + 1 else lines
        rest = lines[len(shown) :]
        series = [c.code for c in shown]
        values = [list(c.figures.per_month) for c in shown]
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(shown))]
        if rest:
            series.append(_("Other centers ({count})").format(count=len(rest)))
            values.append(
                [sum(c.figures.per_month[i] for c in rest) for i in range(len(board.months))]
            )
            colours.append(OTHER_COLOUR)
        self._chart_centers = [c.code for c in shown] + ([None] if rest else [])
        self.per_month.set_data(months, series, values, colours)
        outcomes = list(Outcome)
        self.outcome_chart.set_data(
            [o.label() for o in outcomes],
            [_("Cases")],
            [[board.total.outcomes[o] for o in outcomes]],
            ["#0072B2"],
        )

    def _fill_table(self) -> None:
        group = self.table_group.currentData()
        keys = [f.key for f in service.FIGURES if f.group == group]
        lines = list(self.values.get("centers", []))
        total_line = {"code": "", "name": _("Province total"), **self.values.get("total", {})}
        rows = [*lines, total_line] if len(lines) > 1 else lines
        keys = [k for k in keys if any(k in r for r in rows)]
        columns = [
            Column(_("Code"), lambda r: r["code"]),
            Column(_("Center"), lambda r: r["name"]),
        ] + [Column(_(service.FIGURE_BY_KEY[k].label), _cell_text(k), align=RIGHT) for k in keys]
        self._table_keys = keys
        self.table_model.beginResetModel()
        self.table_model.columns = columns
        self.table_model.rows = rows
        self.table_model.endResetModel()
        header = self.table.horizontalHeader()
        for column in range(len(columns)):
            self.table.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), 220))
        self.table.resizeRowsToContents()

    # -- the records behind a figure --------------------------------------------------------

    def _figure_clicked(self, key: str, code: str | None) -> Any:
        def open_records() -> None:
            self.show_records(key, code)

        return open_records

    def _cell_clicked(self, index: Any) -> None:
        column = index.column() - 2
        if column < 0 or column >= len(self._table_keys):
            return
        row = self.table_model.rows[index.row()]
        key = self._table_keys[column]
        if service.has_records(key) and row.get(key):
            self.show_records(key, row["code"] or None)

    def _month_clicked(self, category: int, series: int) -> None:
        assert self.board is not None
        year, month = self.board.months[category]
        code = self._chart_centers[series] if series >= 0 else None
        from justice_desk.domain.periods import month_code

        self.show_records(f"month.{month_code(year, month)}", code)

    def _outcome_clicked(self, category: int, _series: int) -> None:
        self.show_records(f"outcome.{list(Outcome)[category].value}", None)

    def show_records(self, key: str, code: str | None) -> None:
        """Open the list of records behind ``key`` (for center ``code``, or the one chosen)."""
        code = code or self.center_code

        def done(records: service.RecordList) -> None:
            if self.records_dialog is not None:  # one list at a time
                self.records_dialog.close()
                self.records_dialog.deleteLater()
            dialog = RecordsDialog(records, self)
            self.records_dialog = dialog
            dialog.show()
            self.records_shown.emit(dialog)

        self.ctx.runner.run(
            _("Finding the records"),
            service.records,
            self.ctx.db,
            key,
            self.period,
            center_code=code,
            province_name=self.province_name,
            silent_days=self.silent_days,
            today=self.today,
            on_success=done,
            on_error=lambda message, _expected: show_error(self, message),
            announce=False,
        )

    # -- the report -------------------------------------------------------------------------

    def save_report(self) -> None:
        """Ask where, then write the report of the period, province and center shown
        (``services.reports``, the same as ``justice-desk report``) in the background."""
        from justice_desk.services import reports
        from justice_desk.ui import dialogs
        from justice_desk.ui.export_ui import default_folder

        title = _("Save the report")
        name = reports.suggested_file_name(
            self.period, reports.ReportFormat.PDF, self.center_code, self.province_name
        )
        path = ask_report_path(self.window(), title, default_folder() / name)
        if not path:
            return

        def done(result: reports.ReportResult) -> None:
            self.report_saved.emit(result)
            dialogs.show_info(
                self.window(), _("The report was saved: {path}").format(path=result.path), title
            )

        def failed(message: str, _expected: bool) -> None:
            dialogs.show_error(self.window(), message, title)

        self.ctx.runner.run(
            _("Making the report"),
            reports.write_report,
            self.ctx.db,
            self.period,
            path,
            center_code=self.center_code,
            province_name=self.province_name,
            silent_days=self.silent_days,
            today=self.today,
            on_success=done,
            on_error=failed,
        )


#: Save-dialog filters and the extension each adds to a name typed without one.
REPORT_FILTERS = (
    (lambda: _("PDF documents (*.pdf)"), ".pdf"),
    (lambda: _("Excel workbooks (*.xlsx)"), ".xlsx"),
    (lambda: _("CSV files (*.csv)"), ".csv"),
)


def ask_report_path(parent: QWidget | None, title: str, suggested: Any) -> str:
    """The report file to write ('' when cancelled); its extension chooses the format. Tests
    replace this."""
    filters = [(label(), suffix) for label, suffix in REPORT_FILTERS]
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, title, str(suggested), ";;".join(label for label, _suffix in filters)
    )
    if chosen and not chosen.lower().endswith(tuple(suffix for _label, suffix in filters)):
        chosen += next((suffix for label, suffix in filters if label == chosen_filter), ".pdf")
    return str(chosen)


def _cell_text(key: str) -> Any:
    form = service.FIGURE_BY_KEY[key].form
    return lambda row: service.format_figure(row.get(key), form)


def _date_text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    return format_date(day, lang, short=True)
