"""The province's report for the Ministry: a month, a calendar quarter or a fiscal year of the
dashboard's figures, per center and for the province, as PDF, Excel workbook or CSV
(docs/architecture.md §13, "Reports").

The figures are the dashboard's own: :func:`build_report` counts with
``services.dashboard.dashboard`` and reads every value out of ``dashboard_json`` (what the page
shows and ``justice-desk dashboard --json`` prints), by the keys of ``dashboard.FIGURES``, so a
report cannot disagree with the dashboard for the same period. Nothing is counted here.

A report is always in Thai, whatever the language of the app: it is an official paper for the
Ministry, as the printed documents are (``services/printing.py``). It is made of *sheets*: what
the report is (period, office, dates), the province's figures, then one table per group of
figures with a line per center and the province's total last. The PDF prints them
(``documents/province_report.py``: portrait summary, landscape center tables); the workbook has
one worksheet per sheet; the CSV holds them one after another, each under a title row.

At a center's own database, ``report monthly`` to a PDF file is the center's monthly report
(``printing.monthly_pdf``, the same document as ``justice-desk print monthly``); the other
reports are the Provincial Justice Office's.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from justice_desk.domain.access import Permission
from justice_desk.domain.dates import format_date
from justice_desk.domain.enums import ENROLLED, EnrolmentStatus, SiteKind
from justice_desk.domain.periods import Period, PeriodKind, month_label
from justice_desk.errors import NotFoundError, ValidationError
from justice_desk.i18n import N_, _
from justice_desk.services import dashboard
from justice_desk.services.access import require
from justice_desk.storage.database import Database

if TYPE_CHECKING:
    from justice_desk.documents.province_report import ProvinceReportDoc

__all__ = [
    "ProvinceReport",
    "ReportFormat",
    "ReportKind",
    "ReportResult",
    "Sheet",
    "SheetColumn",
    "build_report",
    "report_csv",
    "report_document",
    "report_pdf",
    "report_period",
    "suggested_file_name",
    "write_report",
]

#: The line of the province's total in every center table.
TOTAL_LABEL = "รวมทั้งจังหวัด"
#: The title every report starts with.
REPORT_TITLE = "รายงานผลการดำเนินงานศูนย์ยุติธรรมชุมชน"


class ReportKind(enum.StrEnum):
    """``justice-desk report monthly|quarterly|year``: ``year`` is the fiscal year."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEAR = "year"

    @property
    def period_kind(self) -> PeriodKind:
        return {
            ReportKind.MONTHLY: PeriodKind.MONTH,
            ReportKind.QUARTERLY: PeriodKind.QUARTER,
            ReportKind.YEAR: PeriodKind.FISCAL_YEAR,
        }[self]

    @classmethod
    def of(cls, period: Period) -> ReportKind | None:
        """The report a period makes (``None`` for a custom range of days)."""
        return next((k for k in cls if k.period_kind is period.kind), None)


class ReportFormat(enum.StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"

    @classmethod
    def for_path(cls, path: Path) -> ReportFormat:
        """The format the file name asks for: ``.pdf``, ``.xlsx`` or ``.csv``."""
        suffix = path.suffix.lower().lstrip(".")
        for fmt in cls:
            if suffix == fmt.value:
                return fmt
        raise ValidationError(
            _(
                "{name}: name the report file .pdf (to print), .xlsx (Excel) or .csv, for "
                "example {example}."
            ).format(name=path.name or str(path), example=f"{path.stem or 'report'}.pdf"),
            "path",
        )


_PERIOD_HELP = {
    ReportKind.MONTHLY: N_(
        "A monthly report is for one month: give the period as 2569-01 (the year in the "
        "Buddhist Era), not “{text}”."
    ),
    ReportKind.QUARTERLY: N_(
        "A quarterly report is for a calendar quarter: give the period as 2569-Q1 (Q1 is "
        "January to March), not “{text}”."
    ),
    ReportKind.YEAR: N_(
        "A yearly report is for a fiscal year, October to September: give the period as "
        "2569 or FY2569 (the fiscal year ending in September 2569), not “{text}”."
    ),
}


def report_period(kind: ReportKind, text: str | None) -> Period:
    """The period of a ``kind`` report as typed (``2569-01``, ``2569-Q1``, ``2569``)."""
    if text is None or not text.strip():
        raise ValidationError(_(_PERIOD_HELP[kind]).format(text=""), "period")
    period = dashboard.resolve_period(text)
    if period.kind is not kind.period_kind:
        raise ValidationError(_(_PERIOD_HELP[kind]).format(text=text.strip()), "period")
    return period


# -- the report as sheets ---------------------------------------------------------------------


@dataclass(frozen=True)
class SheetColumn:
    """A column: its Thai header and what its cells hold.

    ``form``: ``code`` and ``text`` (text), a figure's form (``count``, ``number``, ``percent``,
    ``days``, ``status``, ``flag``), ``be_date`` (a Buddhist-Era date written as text) or
    ``date`` (the same day as a real date, for spreadsheets only)."""

    header: str
    form: str = "text"
    #: The dashboard figure the column shows (``dashboard.FIGURES`` key), if any.
    key: str | None = None

    @property
    def printed(self) -> bool:
        """Whether the PDF prints it (real dates are for spreadsheets)."""
        return self.form != "date"


@dataclass(frozen=True)
class Sheet:
    """One table of the report: a worksheet, a CSV section, a table of the PDF."""

    key: str
    #: The worksheet's name (at most 31 characters).
    name: str
    title: str
    columns: tuple[SheetColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: How many of the last rows are totals (bold).
    total_rows: int = 0
    note: str | None = None


@dataclass(frozen=True)
class ProvinceReport:
    kind: ReportKind | None
    period: Period
    today: dt.date
    as_of: dt.date
    office_name: str
    office_province: str | None
    title: str
    period_title: str
    center_code: str | None
    center_names: tuple[str, ...]
    #: The province reported on in a database that holds several (``--province``), or ``None``.
    province_name: str | None
    #: ``dashboard.dashboard_json`` of the same period: every value below comes from it.
    values: dict[str, Any]
    about: Sheet
    summary: Sheet
    tables: tuple[Sheet, ...]

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return (self.about, self.summary, *self.tables)


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: ReportFormat
    period: Period
    #: The center's monthly report (a center's database) rather than the province's report.
    center_monthly: bool = False


def _th(message: str) -> str:
    from justice_desk.services.printing import th

    return th(message)


def _office_name(name: str, province: str | None) -> str:
    """The office's name in Thai (a database set up in English stored it in English)."""
    m = re.match(r"^Provincial Justice Office of (.+)$", name)
    if m:
        return _th("Provincial Justice Office of {province}").format(province=m.group(1))
    return name


def _period_title(period: Period) -> str:
    label = period.label("th")
    if period.kind is PeriodKind.MONTH:
        return f"ประจำเดือน{label}"
    if period.kind is PeriodKind.QUARTER:
        return f"ประจำ{label}"
    if period.kind is PeriodKind.FISCAL_YEAR:
        from justice_desk.domain.dates import fiscal_year_be

        return f"ประจำปีงบประมาณ พ.ศ. {fiscal_year_be(period.start)}"
    return f"ระหว่างวันที่ {format_date(period.start, 'th')} ถึงวันที่ {format_date(period.end, 'th')}"


def _be(day: dt.date | None) -> str | None:
    return format_date(day, "th", short=True) if day is not None else None


def _day(value: Any) -> dt.date | None:
    """A date or an ISO date(-time) string from the JSON as the day the dashboard shows."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def _header(figure: dashboard.FigureDef) -> str:
    text = _th(figure.label)
    return f"{text} (%)" if figure.form == "percent" else text


def _cell(figure: dashboard.FigureDef, value: Any) -> Any:
    """The value as a sheet holds it: numbers as numbers, labels in Thai."""
    if value is None:
        return None
    if figure.form == "status":
        labels = EnrolmentStatus.labels()
        return _th(labels[value]) if value in labels else str(value)
    if figure.form == "flag" and isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    return value


def _figure_columns(keys: Sequence[str]) -> list[SheetColumn]:
    out = []
    for key in keys:
        figure = dashboard.FIGURE_BY_KEY[key]
        if figure.form == "datetime":
            head = _th(figure.label)
            out.append(SheetColumn(f"{head} (พ.ศ.)", "be_date", key))
            out.append(SheetColumn(f"{head} (วันที่ ค.ศ.)", "date", key))
        else:
            out.append(SheetColumn(_header(figure), figure.form, key))
    return out


def _line(columns: Sequence[SheetColumn], values: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for column in columns:
        if column.key is None:
            continue
        figure = dashboard.FIGURE_BY_KEY[column.key]
        value = values.get(column.key)
        if column.form == "be_date":
            cells.append(_be(_day(value)))
        elif column.form == "date":
            cells.append(_day(value))
        else:
            cells.append(_cell(figure, value))
    return cells


#: The center tables: key, worksheet name, title (a message id), the figures shown.
def _table_specs() -> list[tuple[str, str, str, list[str]]]:
    def group(name: str) -> list[str]:
        return [f.key for f in dashboard.FIGURES if f.group == name]

    cases = group("cases")
    titles = dict(dashboard.GROUPS)
    return [
        (
            "cases.kind",
            "รับเรื่องตามประเภท",
            N_("Cases received by kind"),
            [k for k in cases if k == "received" or k.startswith("received.kind.")],
        ),
        (
            "cases.channel",
            "รับเรื่องตามช่องทาง",
            N_("Cases received by channel"),
            [k for k in cases if k == "received" or k.startswith("received.channel.")],
        ),
        ("outcomes", "ผลการดำเนินการ", titles["outcomes"], group("outcomes")),
        ("deadlines", "กำหนดเวลาตามกฎหมาย", titles["deadlines"], group("deadlines")),
        ("escalations", "เรื่องที่รอสำนักงาน", titles["escalations"], group("escalations")),
        ("meetings", "การประชุม", titles["meetings"], group("meetings")),
        ("people", "สมาชิกและผู้ไกล่เกลี่ย", titles["people"], group("people")),
        ("activities", "กิจกรรม", titles["activities"], group("activities")),
        ("sync", "การรับส่งข้อมูล", titles["sync"], group("sync")),
    ]


def build_report(
    db: Database,
    period: Period,
    *,
    center_code: str | None = None,
    province_name: str | None = None,
    silent_days: int = dashboard.DEFAULT_SILENT_DAYS,
    today: dt.date | None = None,
) -> ProvinceReport:
    """The report of ``period`` from the dashboard's figures (all centers, or ``center_code``).

    ``province_name``: the report of that province's centers only, in a database that holds
    the centers of several (``dashboard(…, province_name=…)``): its title names the province
    and the province's Provincial Justice Office issues it. A province no enrolled center is
    in, or a center of another province, is refused (``dashboard.check_province``)."""
    require(db, Permission.READ_ALL)
    from justice_desk.services import setup

    today = today or dt.date.today()
    if center_code is not None:
        center_code = _check_center(db, center_code)
    if province_name is not None:
        province_name = dashboard.check_province(db, province_name, center_code)
    board = dashboard.dashboard(
        db,
        period,
        center_code=center_code,
        province_name=province_name,
        silent_days=silent_days,
        today=today,
    )
    values = dashboard.dashboard_json(board)
    site = setup.this_site(db)
    office = _office_name(site.name, site.province)
    office_province: str | None = site.province
    if province_name is not None and province_name != site.province:
        # another province's centers on this server: that province's office reports them
        office = _th("Provincial Justice Office of {province}").format(province=province_name)
        office_province = province_name
    centers = values["centers"]
    with_total = len(centers) > 1
    sheets: list[Sheet] = []
    number = 0
    for key, name, title, keys in _table_specs():
        if key == "sync" and not board.province:
            continue
        number += 1
        columns = [SheetColumn("รหัสศูนย์", "code"), SheetColumn("ชื่อศูนย์", "text")]
        columns += _figure_columns(keys)
        rows = [[c["code"], c["name"], *_line(columns, c)] for c in centers]
        if with_total:
            rows.append(["", TOTAL_LABEL, *_line(columns, values["total"])])
        sheets.append(
            Sheet(
                key,
                f"2.{number} {name}"[:31],
                f"2.{number} {_th(title)}",
                tuple(columns),
                tuple(tuple(r) for r in rows),
                1 if with_total else 0,
            )
        )
        if key == "cases.channel" and len(board.months) > 1:
            number += 1
            sheets.append(_per_month(number, board, values, with_total))
    summary = _summary(values, board.province)
    about = _about(period, office, values, board, today, center_code)
    kind = ReportKind.of(period)
    return ProvinceReport(
        kind=kind,
        period=period,
        today=today,
        as_of=board.as_of,
        office_name=office,
        office_province=office_province,
        title=report_title(province_name),
        period_title=_period_title(period),
        center_code=center_code,
        center_names=tuple(c["name"] for c in centers),
        province_name=province_name,
        values=values,
        about=about,
        summary=summary,
        tables=tuple(sheets),
    )


def report_title(province_name: str | None = None) -> str:
    """The report's title; a province's report in a database of several names the province."""
    return f"{REPORT_TITLE}จังหวัด{province_name}" if province_name else REPORT_TITLE


def _check_center(db: Database, code: str) -> str:
    """``code`` as an enrolled center's code; anything else says which codes there are."""
    if db.mode != SiteKind.PROVINCE.value:
        from justice_desk.services import setup

        return setup.this_site(db).code
    from justice_desk.services import sync

    codes = sorted(c.code for c in sync.centers_overview(db) if c.status in ENROLLED)
    wanted = code.strip()
    if wanted in codes:
        return wanted
    shown = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
    raise NotFoundError(
        _(
            "No center with the code {code} is enrolled at this office. Give the code of an "
            "enrolled center ({codes}), or leave the center out for the whole province."
        ).format(code=code, codes=shown or _("none yet"))
    )


def _per_month(
    number: int, board: dashboard.Dashboard, values: dict[str, Any], with_total: bool
) -> Sheet:
    months = [month_label(y, m, "th", short=True) for y, m in board.months]
    columns = [SheetColumn("รหัสศูนย์", "code"), SheetColumn("ชื่อศูนย์", "text")]
    columns += [SheetColumn(label, "count") for label in months]
    columns.append(SheetColumn("รวม", "count"))
    lines = [(c["code"], c["name"], c["cases_per_month"]) for c in values["centers"]]
    if with_total:
        lines.append(("", TOTAL_LABEL, values["total"]["cases_per_month"]))
    rows = tuple((code, name, *per, sum(per)) for code, name, per in lines)
    return Sheet(
        "cases.month",
        f"2.{number} รับเรื่องรายเดือน",
        f"2.{number} {_th('Cases received per month')}",
        tuple(columns),
        rows,
        1 if with_total else 0,
    )


def _summary(values: dict[str, Any], province: bool) -> Sheet:
    """The province's figures (or the one center's), group by group."""
    total = values["total"]
    rows = []
    for _key, _name, title, keys in _table_specs():
        for key in keys:
            figure = dashboard.FIGURE_BY_KEY[key]
            if key not in total or figure.form in ("datetime", "status"):
                continue  # per center only (the sync table)
            if key == "sync.quiet_days":
                continue
            rows.append((_th(title), _header(figure), _cell(figure, total[key])))
    return Sheet(
        "summary",
        "1 ภาพรวม",
        _summary_title(values, province),
        (
            SheetColumn("กลุ่ม", "text"),
            SheetColumn("รายการ", "text"),
            SheetColumn("จำนวน", "figure"),
        ),
        tuple(rows),
    )


def _summary_title(values: dict[str, Any], province: bool) -> str:
    if not province or values["center"] is not None:
        return "1. ภาพรวม"
    if values.get("province"):
        return f"1. ภาพรวมของจังหวัด{values['province']}"
    return "1. ภาพรวมของจังหวัด"


def _about(
    period: Period,
    office: str,
    values: dict[str, Any],
    board: dashboard.Dashboard,
    today: dt.date,
    center_code: str | None,
) -> Sheet:
    def day(label: str, value: dt.date) -> tuple[Any, ...]:
        return (label, _be(value), value)

    centers = values["centers"]
    title = f"{report_title(values.get('province'))} {_period_title(period)}"
    rows: list[tuple[Any, ...]] = [
        ("รายงาน", title, None),
        ("หน่วยงานผู้รายงาน", office, None),
        *([("จังหวัด", values["province"], None)] if values.get("province") else []),
        ("ช่วงเวลา", period.label("th"), None),
        ("รหัสช่วงเวลา", period.code, None),
        day("วันเริ่มต้น", period.start),
        day("วันสิ้นสุด", period.end),
        day("สถานะ ณ วันที่", board.as_of),
        day("วันที่จัดทำรายงาน", today),
        ("จำนวนศูนย์", len(centers), None),
    ]
    if center_code is not None and centers:
        rows.append(("ศูนย์", f"{centers[0]['code']} {centers[0]['name']}", None))
    return Sheet(
        "about",
        "รายงาน",
        title,
        (
            SheetColumn("รายการ", "text"),
            SheetColumn("ข้อความ (วันที่เป็นพุทธศักราช)", "figure"),
            SheetColumn("วันที่ (ค.ศ.)", "date"),
        ),
        tuple(rows),
    )


# -- PDF ----------------------------------------------------------------------------------------


def _printed(value: Any, form: str) -> str:
    """A cell as the PDF prints it (as the dashboard page writes figures, in Thai)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return _be(value) or ""
    if form == "percent":
        return f"{value:.1f} %"
    if form == "days" or isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _notes(report: ProvinceReport) -> tuple[str, ...]:
    as_of = format_date(report.as_of, "th")
    today = format_date(report.today, "th")
    notes = [
        "เรื่องที่รับนับตามวันที่รับเรื่อง ผลการดำเนินการนับตามผลล่าสุดของแต่ละเรื่อง"
        "ภายในช่วงเวลาที่รายงาน อัตราการไกล่เกลี่ยสำเร็จคิดจากข้อพิพาทที่ไกล่เกลี่ยสำเร็จ"
        "ต่อข้อพิพาททั้งหมดที่มีผลในช่วงเวลาเดียวกัน",
        f"กำหนดเวลาตามกฎหมายนับ ณ วันที่ {as_of} ส่วนเรื่องที่รอสำนักงานดำเนินการ สมาชิก "
        f"วาระของคณะกรรมการ การขึ้นทะเบียนผู้ไกล่เกลี่ย และการรับส่งข้อมูล "
        f"เป็นสถานะ ณ วันที่ {today}",
    ]
    if "sync.last_bundle_at" in report.values["total"]:
        notes.append(
            "ตัวเลขของแต่ละศูนย์มาจากข้อมูลที่ศูนย์ส่งถึงสำนักงานแล้ว วันที่ได้รับข้อมูลครั้งล่าสุด"
            "ของแต่ละศูนย์อยู่ในตารางสถานะการรับส่งข้อมูล"
        )
    return tuple(notes)


#: How the PDF aligns a column of each form (figures to the right).
_ALIGN = {"code": "left", "text": "left", "status": "left", "be_date": "centre", "flag": "centre"}


def report_document(report: ProvinceReport) -> ProvinceReportDoc:
    """What the PDF prints."""
    from justice_desk.documents.data import Issuer, Signatory
    from justice_desk.documents.layout import DOTS
    from justice_desk.documents.province_report import (
        ProvinceReportDoc,
        ReportTable,
        SummaryGroup,
    )

    groups: dict[str, list[tuple[str, str]]] = {}
    figure_form = {_header(f): f.form for f in dashboard.FIGURES}
    for group, label, value in report.summary.rows:
        groups.setdefault(group, []).append((label, _printed(value, figure_form.get(label, ""))))
    summary = tuple(
        SummaryGroup(f"1.{n} {title}", tuple(rows))
        for n, (title, rows) in enumerate(groups.items(), start=1)
    )
    tables = []
    for sheet in report.tables:
        shown = [i for i, c in enumerate(sheet.columns) if c.printed]
        lines = [
            tuple(_printed(row[i], sheet.columns[i].form) if i > 1 else row[i] for i in shown)
            for row in sheet.rows
        ]
        body = lines[: len(lines) - sheet.total_rows]
        total = lines[-1] if sheet.total_rows else None
        tables.append(
            ReportTable(
                sheet.title,
                tuple(sheet.columns[i].header for i in shown),
                tuple(body),
                total,
                sheet.note,
                tuple(_ALIGN.get(sheet.columns[i].form, "right") for i in shown),
            )
        )
    one = report.center_code is not None
    centers = report.values["centers"]
    if one and centers:
        coverage = f"{centers[0]['name']} (รหัส {centers[0]['code']})"
    elif report.province_name:
        coverage = f"ศูนย์ยุติธรรมชุมชนในจังหวัด{report.province_name}ที่ลงทะเบียนแล้ว {len(centers):,} ศูนย์"
    else:
        coverage = f"ศูนย์ยุติธรรมชุมชนที่ลงทะเบียนกับสำนักงาน {len(centers):,} ศูนย์"
    keep = [report.office_name, *report.center_names]
    keep += [n.removeprefix("ศูนย์ยุติธรรมชุมชน") for n in report.center_names]
    if report.office_province:
        keep.append(report.office_province)
    if report.province_name:
        keep.append(f"จังหวัด{report.province_name}")
    return ProvinceReportDoc(
        issuer=Issuer(report.office_name, province=report.office_province),
        title=report.title,
        period_title=report.period_title,
        period_start=report.period.start,
        period_end=report.period.end,
        as_of=report.as_of,
        coverage=coverage,
        summary_title=report.summary.title,
        summary_headers=("รายการ", "จำนวน"),
        summary=summary,
        notes=_notes(report),
        tables_title="2. ผลการดำเนินงานรายศูนย์",
        tables=tuple(tables),
        reported_on=report.today,
        reporter=Signatory(None, f"ตำแหน่ง {DOTS}"),
        keep_whole=tuple(k for k in dict.fromkeys(keep) if k),
    )


def report_pdf(report: ProvinceReport) -> bytes:
    from justice_desk.documents.province_report import province_report_pdf

    return province_report_pdf(report_document(report))


# -- workbook and CSV ---------------------------------------------------------------------------

_XLSX_MIN, _XLSX_MAX = 6, 80
_HEADER_WIDTH = 16


def _width_of(value: Any) -> int:
    from justice_desk.services.exports import display_width

    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:.1f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return display_width(str(value))


def _widths(sheet: Sheet) -> list[float]:
    """Each column as wide as its longest cell; a long header wraps (at most
    ``_HEADER_WIDTH`` wide) rather than widening a column of small numbers."""
    out = []
    for i, column in enumerate(sheet.columns):
        longest = max([_width_of(row[i]) for row in sheet.rows], default=0)
        head = min(_width_of(column.header), _HEADER_WIDTH)
        out.append(float(min(_XLSX_MAX, max(_XLSX_MIN, longest, head) + 2)))
    return out


def _header_lines(sheet: Sheet, widths: Sequence[float]) -> int:
    lines = [
        -(-_width_of(c.header) // max(1, int(w) - 2))
        for c, w in zip(sheet.columns, widths, strict=True)
    ]
    return max(lines, default=1)


def _write_xlsx(report: ProvinceReport, target: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(target),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        workbook.set_properties(
            {
                "title": f"{report.title} {report.period_title}",
                "author": report.office_name,
                "company": report.office_name,
                "comments": "Justice Desk",
            }
        )
        base = {"font_name": "Tahoma", "font_size": 10, "valign": "top"}
        text = workbook.add_format(base)
        title = workbook.add_format({**base, "bold": True, "font_size": 12})
        head = workbook.add_format(
            {**base, "bold": True, "bg_color": "#E8EEF4", "text_wrap": True, "border": 1}
        )
        number_formats = {
            "count": "#,##0",
            "number": "#,##0",
            "flag": "#,##0",
            "percent": '0.0" %"',
            "days": "0.##",
            "date": "yyyy-mm-dd",
        }
        plain = {
            form: workbook.add_format({**base, "num_format": f})
            for form, f in number_formats.items()
        }
        bold = {
            form: workbook.add_format({**base, "bold": True, "num_format": f})
            for form, f in number_formats.items()
        }
        bold_text = workbook.add_format({**base, "bold": True})
        for sheet in report.sheets:
            ws = workbook.add_worksheet(_sheet_name(sheet.name))
            widths = _widths(sheet)
            for i, width in enumerate(widths):
                ws.set_column(i, i, width, text)
            ws.write_string(0, 0, sheet.title, title)
            ws.set_row(1, 15 * min(6, _header_lines(sheet, widths)))
            for col, column in enumerate(sheet.columns):
                ws.write_string(1, col, column.header, head)
            first_total = len(sheet.rows) - sheet.total_rows
            for r, row in enumerate(sheet.rows):
                is_total = r >= first_total
                formats = bold if is_total else plain
                for col, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    form = sheet.columns[col].form
                    if isinstance(value, dt.date):
                        ws.write_datetime(r + 2, col, value, formats["date"])
                    elif isinstance(value, bool):
                        ws.write_string(r + 2, col, "ใช่" if value else "ไม่ใช่", text)
                    elif isinstance(value, int | float):
                        number_format = formats.get(form) or (
                            formats["days"] if isinstance(value, float) else formats["count"]
                        )
                        ws.write_number(r + 2, col, value, number_format)
                    else:
                        ws.write_string(r + 2, col, str(value), bold_text if is_total else text)
            ws.freeze_panes(2, 2 if sheet.columns[0].form == "code" else 0)
            if sheet.rows:
                ws.autofilter(1, 0, 1 + len(sheet.rows) - sheet.total_rows, len(sheet.columns) - 1)
    finally:
        workbook.close()


def _sheet_name(name: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return (cleaned or "Sheet")[:31]


def _csv_value(value: Any) -> str:
    from justice_desk.services.exports import _csv_cell

    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    return _csv_cell(str(value))


def report_csv(report: ProvinceReport) -> bytes:
    """Every sheet one after another, each under its title row and followed by an empty row:
    UTF-8 with a byte-order mark (Excel then reads the Thai), commas, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for n, sheet in enumerate(report.sheets):
        if n:
            writer.writerow([])
        writer.writerow([_csv_value(sheet.title)])
        writer.writerow([_csv_value(c.header) for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# -- writing a report ---------------------------------------------------------------------------


def suggested_file_name(
    period: Period,
    fmt: ReportFormat,
    center_code: str | None = None,
    province_name: str | None = None,
) -> str:
    """``report-2569-01.pdf``, ``report-FY2569-CJC-0001.xlsx``, ``report-2569-01-ลำพูน.pdf``, …
    (BE, as the period is named)."""
    code = period.code.replace("..", "-to-")
    province = f"-{province_name}" if province_name and not center_code else ""
    center = f"-{center_code}" if center_code else ""
    return f"report-{code}{province}{center}.{fmt.value}"


def write_report(
    db: Database,
    period: Period,
    path: str | os.PathLike[str],
    *,
    center_code: str | None = None,
    province_name: str | None = None,
    fmt: ReportFormat | None = None,
    silent_days: int = dashboard.DEFAULT_SILENT_DAYS,
    today: dt.date | None = None,
) -> ReportResult:
    """Write the report of ``period`` to ``path`` (the format from ``fmt``, else from the file
    name), atomically, and note it in the audit trail."""
    require(db, Permission.EXPORT)
    from justice_desk.services.exports import _write_atomically
    from justice_desk.storage import audit

    target = Path(path)
    if target.is_dir():
        raise ValidationError(
            _("{path} is a folder: give a file name, for example {example}.").format(
                path=target, example=target / suggested_file_name(period, fmt or ReportFormat.PDF)
            ),
            "path",
        )
    fmt = fmt or ReportFormat.for_path(target)
    if db.mode != SiteKind.PROVINCE.value:
        if province_name is not None:
            dashboard.check_province(db, province_name)  # the center's own, or refused
        return _center_report(db, period, target, fmt, center_code)
    report = build_report(
        db,
        period,
        center_code=center_code,
        province_name=province_name,
        silent_days=silent_days,
        today=today,
    )
    # Laying out 250 centers' tables makes hundreds of thousands of short-lived objects.
    with dashboard.collector_paused():
        if fmt is ReportFormat.XLSX:
            _write_atomically(target, lambda partial: _write_xlsx(report, partial))
        else:
            data = report_pdf(report) if fmt is ReportFormat.PDF else report_csv(report)
            _write_atomically(target, _bytes_writer(data))
    with db.write() as session:
        audit.record(
            session,
            "export",
            table="report",
            detail=f"{period.code}{' ' + report.province_name if report.province_name else ''}"
            f"{' ' + center_code if center_code else ''}, {fmt.value}, {target.name}",
        )
    return ReportResult(target, fmt, period)


def _center_report(
    db: Database, period: Period, target: Path, fmt: ReportFormat, center_code: str | None
) -> ReportResult:
    """At a center's database: its own monthly report (``print monthly``) as a PDF."""
    from justice_desk.services import printing, setup
    from justice_desk.services.exports import _write_atomically

    own = setup.this_site(db).code
    if center_code is not None and center_code.strip() != own:
        raise ValidationError(
            _(
                "This is the database of the center {own}: its report covers that center alone. "
                "Leave out --center, or open the province's database for another center."
            ).format(own=own),
            "center",
        )
    if period.kind is not PeriodKind.MONTH or fmt is not ReportFormat.PDF:
        raise ValidationError(
            _(
                "At a center the report is the center's monthly report as a PDF (report monthly "
                "--period 2569-01 -o report.pdf). Quarterly and yearly reports and workbooks are "
                "made by the Provincial Justice Office from the centers' bundles."
            ),
            "kind",
        )
    data = printing.monthly_pdf(db, period.start.year, period.start.month)
    _write_atomically(target, _bytes_writer(data))
    return ReportResult(target, fmt, period, center_monthly=True)


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(partial: Path) -> None:
        partial.write_bytes(data)

    return write
