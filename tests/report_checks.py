"""Read a province report back (a workbook with openpyxl, a CSV with the csv module, a PDF with
poppler's ``pdftotext``) and compare every figure in it with the dashboard's JSON for the same
period (``services.dashboard.dashboard_json``). Used by the report's service, command-line,
PostgreSQL and GUI tests.

Headers are matched to the dashboard's figures through the Thai catalog, independently of the
report's own code: the figure's label in Thai (with `` (%)`` for a rate; a date as two columns,
``(พ.ศ.)`` as text and ``(วันที่ ค.ศ.)`` as a real date).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent / "documents"))
from thai_pdf_checks import require_program  # noqa: E402 - tests/documents is not a package

from justice_desk import i18n  # noqa: E402
from justice_desk.domain.dates import format_date  # noqa: E402
from justice_desk.domain.enums import EnrolmentStatus  # noqa: E402
from justice_desk.services import dashboard  # noqa: E402

TOTAL = "รวมทั้งจังหวัด"
#: A table as read back: its title, its header row and its rows of typed cells.
Table = tuple[str, list[str], list[list[Any]]]


def th(message: str) -> str:
    return i18n.catalog("th").gettext(message)


def header_keys() -> dict[str, tuple[str, str]]:
    """Thai header -> (figure key, ``value`` | ``be`` | ``date``)."""
    out: dict[str, tuple[str, str]] = {}
    for figure in dashboard.FIGURES:
        label = th(figure.label)
        if figure.form == "datetime":
            out[f"{label} (พ.ศ.)"] = (figure.key, "be")
            out[f"{label} (วันที่ ค.ศ.)"] = (figure.key, "date")
        elif figure.form == "percent":
            out[f"{label} (%)"] = (figure.key, "value")
        else:
            out[label] = (figure.key, "value")
    return out


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def expected_cell(key: str, how: str, json_value: Any) -> Any:
    """What a sheet holds for a figure whose JSON value is ``json_value``."""
    if how == "be":
        day = _day(json_value)
        return format_date(day, "th", short=True) if day else None
    if how == "date":
        return _day(json_value)
    if json_value is None:
        return None
    form = dashboard.FIGURE_BY_KEY[key].form
    if form == "status":
        return th(EnrolmentStatus.labels()[json_value])
    if isinstance(json_value, bool):
        return "ใช่" if json_value else "ไม่ใช่"
    return json_value


# -- reading ---------------------------------------------------------------------------------


def _typed(text: str) -> Any:
    """A CSV cell as the value a spreadsheet would read."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    return text


def read_xlsx(path: Path) -> list[Table]:
    """Every worksheet: the title in A1, the header row 2, the rows after it."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    tables: list[Table] = []
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        body = [
            [v.date() if isinstance(v, dt.datetime) else v for v in row]
            for row in rows[2:]
            if any(v is not None for v in row)
        ]
        tables.append((rows[0][0], [str(h) for h in rows[1]], body))
    return tables


def read_csv(data: bytes) -> list[Table]:
    """The sections of the CSV: a title row, a header row, rows, an empty row between."""
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    tables: list[Table] = []
    section: list[list[str]] = []
    for row in [*rows, []]:
        if row:
            section.append(row)
            continue
        if section:
            title, headers, *body = section
            assert len(title) == 1, f"a title row has one cell: {title!r}"
            tables.append((title[0], headers, [[_typed(c) for c in r] for r in body]))
            section = []
    return tables


# -- comparing -------------------------------------------------------------------------------


def check_tables(tables: list[Table], values: dict[str, Any]) -> set[str]:
    """Every figure of every table equals the dashboard's JSON ``values``; returns the keys of
    the figures found in the per-center tables."""
    keys = header_keys()
    lines = {c["code"]: c for c in values["centers"]}
    per_center: set[str] = set()
    months = [th_month(m) for m in values["months"]]
    for title, headers, rows in tables:
        if headers[:2] == ["รหัสศูนย์", "ชื่อศูนย์"]:
            assert [r[0] for r in rows if r[1] != TOTAL] == list(lines), title
            assert (rows[-1][1] == TOTAL) == (len(lines) > 1), title
            for row in rows:
                line = values["total"] if row[1] == TOTAL else lines[row[0]]
                if row[1] != TOTAL:
                    assert row[1] == line["name"], title
                if headers[2:] == [*months, "รวม"]:
                    assert row[2:] == [*line["cases_per_month"], line["received"]], title
                    continue
                for header, cell in zip(headers[2:], row[2:], strict=True):
                    key, how = keys[header]
                    want = expected_cell(key, how, line[key])
                    assert same(cell, want), (title, row[0], header, cell, want)
                    per_center.add(key)
        elif headers == ["กลุ่ม", "รายการ", "จำนวน"]:
            assert rows, title
            for _group, label, cell in rows:
                key, how = keys[label]
                want = expected_cell(key, how, values["total"][key])
                assert same(cell, want), (title, label, cell, want)
    return per_center


def same(cell: Any, want: Any) -> bool:
    """Equal, and a number where a number is expected (a whole float such as a median of 18.0
    reads back as 18); text stays text, dates are dates."""
    if isinstance(want, bool) or not isinstance(want, int | float):
        return cell == want and type(cell) is type(want)
    return isinstance(cell, int | float) and not isinstance(cell, bool) and cell == want


def th_month(code: str) -> str:
    from justice_desk.domain.periods import month_label, parse_period

    start = parse_period(code).start
    return month_label(start.year, start.month, "th", short=True)


# -- the PDF ---------------------------------------------------------------------------------

_BE_DATE = re.compile(r"\d{1,2} [ก-๙]+\.(?:[ก-๙]+\.)? \d{4}")
_NUMBER = re.compile(r"–|\d[\d,]*(?:\.\d+)?(?: %)?")


def pdf_lines(pdf: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text as ``pdftotext -layout`` lays it out: a table row on one line."""
    exe = require_program("pdftotext", "poppler-utils")
    path = tmp_path / "report-check.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [exe, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return [re.sub(r"\s+", " ", line).strip() for line in out.stdout.decode().splitlines()]


def printed(value: Any, key: str | None) -> str:
    """A figure as the PDF prints it."""
    if value is None:
        return "–"
    form = dashboard.FIGURE_BY_KEY[key].form if key else "count"
    if form == "percent":
        return f"{value:.1f} %"
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}"


def check_pdf(lines: list[str], tables: list[Table], values: dict[str, Any]) -> int:
    """Every figure of the workbook's ``tables`` (already compared with ``values``) is printed
    in the PDF: the province's figures beside their labels, each center's row of each table
    with the same numbers and dates in the same order. Returns how many numbers were found."""
    keys = header_keys()
    found = 0
    titles = [t for t, _h, _r in tables]
    for title, headers, rows in tables:
        if headers == ["กลุ่ม", "รายการ", "จำนวน"]:
            for _group, label, cell in rows:
                key, _how = keys[label]
                want = f"{label} {printed(cell, key)}"
                assert any(line == want for line in lines), f"{want!r} is not printed"
                found += 1
            continue
        if headers[:2] != ["รหัสศูนย์", "ชื่อศูนย์"]:
            continue
        start = lines.index(title)
        later = [lines.index(t) for t in titles if t in lines and lines.index(t) > start]
        block = lines[start : min(later, default=len(lines))]
        for row in rows:
            mark = TOTAL if row[1] == TOTAL else row[0]
            (line,) = [line for line in block if line.startswith(mark) or f" {mark} " in line]
            rest = line.split(TOTAL if row[1] == TOTAL else row[0], 1)[1]
            dates = _BE_DATE.findall(rest)
            numbers = _NUMBER.findall(_BE_DATE.sub(" ", rest))
            want_numbers, want_dates = [], []
            for header, cell in zip(headers[2:], row[2:], strict=True):
                key, how = keys.get(header, (None, "value"))
                if how == "date":
                    continue
                if how == "be":
                    if cell is None:
                        want_numbers.append("–")
                    else:
                        want_dates.append(cell)
                elif cell is None or isinstance(cell, int | float):
                    want_numbers.append(printed(cell, key))
            assert numbers == want_numbers, (title, mark, line)
            assert dates == want_dates, (title, mark, line)
            found += len(numbers)
    return found
