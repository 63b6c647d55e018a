"""Registers as spreadsheets: what a register shows, with its search and filters applied, as an
Excel workbook (.xlsx) or a CSV file (docs/architecture.md §12).

The GUI's Export buttons and ``justice-desk export`` call :func:`export_register`. Rows come from
the same list services as the registers, in the same order; dates are written in the Buddhist
Era as the app shows them (``14 ม.ค. 2569``), national IDs masked as in the lists. The workbook is
written with XlsxWriter: Thai text in Tahoma, the header row bold and frozen, an AutoFilter, and
column widths measured on the text (Thai marks above and below take no width). The CSV is UTF-8
with a byte-order mark, so that Excel opens Thai correctly. Either file is written under a
temporary name in the target folder and renamed into place: a failed export never leaves half a
file, and a file open in Excel is reported, not clobbered. Every export is written to the audit
trail (docs/domain.md §10).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import os
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from justice_desk import i18n
from justice_desk.domain.access import Permission
from justice_desk.domain.dates import format_date
from justice_desk.domain.enums import CaseKind, CaseStatus, MediatorStatus
from justice_desk.errors import Cancelled, UserError, ValidationError
from justice_desk.i18n import N_, _
from justice_desk.progress import CancelToken, ProgressCallback
from justice_desk.services.access import require
from justice_desk.services.cases import CaseRow
from justice_desk.services.common import Page
from justice_desk.services.people import MediatorRecord
from justice_desk.storage.database import Database

T = TypeVar("T")

#: Rows asked of a list service at a time.
BATCH = 1000
#: Column widths in Excel's units (about one digit of the default font).
MIN_WIDTH = 6
MAX_WIDTH = 60
#: A cell starting with one of these would be read as a formula by a spreadsheet opening the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None


class Register(enum.StrEnum):
    """The registers that can be exported (``justice-desk export WHAT``)."""

    PEOPLE = "people"
    MEMBERS = "members"
    COMMITTEE = "committee"
    MEDIATORS = "mediators"
    MEETINGS = "meetings"
    CASES = "cases"
    ACTIVITIES = "activities"

    def label(self) -> str:
        return _(_REGISTER_LABELS[self])


_REGISTER_LABELS = {
    Register.PEOPLE: N_("People"),
    Register.MEMBERS: N_("Network members"),
    Register.COMMITTEE: N_("Committee"),
    Register.MEDIATORS: N_("Mediators"),
    Register.MEETINGS: N_("Meetings"),
    Register.CASES: N_("Cases"),
    Register.ACTIVITIES: N_("Activities"),
}


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"

    @classmethod
    def for_path(cls, path: Path, default: ExportFormat | None = None) -> ExportFormat:
        """The format a file name asks for (``.xlsx`` or ``.csv``)."""
        suffix = path.suffix.lower().lstrip(".")
        for fmt in cls:
            if suffix == fmt.value:
                return fmt
        if default is not None:
            return default
        raise ValidationError(
            _("Name the file .xlsx (Excel) or .csv, for example {example}.").format(
                example=f"{path.stem or 'cases'}.xlsx"
            ),
            "path",
        )


@dataclass(frozen=True)
class ExportFilters:
    """What the register shows: its search and filters (only those of its register count)."""

    search: str | None = None
    members_only: bool = False  # people
    status: tuple[CaseStatus, ...] = ()  # cases: any of these (empty: all)
    kind: tuple[CaseKind, ...] = ()  # cases
    order: str | None = None  # cases: number, received, subject, status; people: name
    descending: bool | None = None
    valid_on: dt.date | None = None  # mediators: only those valid on this day
    term_id: uuid.UUID | None = None  # committee: this term (default: the one serving)
    on: dt.date | None = None  # committee: the roster of this day (default: today)
    owner_id: uuid.UUID | None = None  # at a province: one center's records


@dataclass(frozen=True)
class Table:
    """A register as rows of cells under a header (numbers stay numbers)."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    format: ExportFormat


# -- reading a register -------------------------------------------------------------------


def _all(
    fetch: Callable[[int, int], Page[T]],
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    what: str,
) -> Iterator[T]:
    offset = 0
    while True:
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        page = fetch(offset, BATCH)
        yield from page.rows
        offset += len(page.rows)
        if progress is not None:
            progress(offset, max(page.total, offset), what)
        if not page.rows or offset >= page.total:
            return


def _date(day: dt.date | None) -> str:
    return format_date(day, i18n.language(), short=True)


def register_table(
    db: Database,
    register: Register,
    filters: ExportFilters | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Table:
    """The rows a register shows with ``filters``, with the register's columns."""
    from justice_desk.services import activities, cases, meetings, people

    f = filters or ExportFilters()
    search = (f.search or "").strip() or None
    reading = _("Reading {register}").format(register=register.label())
    title = register.label()
    if register is Register.PEOPLE:
        found = _all(
            lambda offset, limit: people.list_people(
                db,
                search=search,
                members_only=f.members_only,
                owner_id=f.owner_id,
                offset=offset,
                limit=limit,
                descending=bool(f.descending),
            ),
            progress,
            cancel,
            reading,
        )
        return Table(
            title,
            [
                _("Name"),
                _("National ID"),
                _("Phone"),
                _("Village"),
                _("Community role"),
                _("Member"),
            ],
            [
                [
                    p.name,
                    p.masked_id,
                    p.phone,
                    p.village,
                    p.community_role,
                    _("Yes") if p.is_member else _("No"),
                ]
                for p in found
            ],
        )
    if register is Register.MEMBERS:
        members = _all(
            lambda offset, limit: people.list_members(
                db, search=search, owner_id=f.owner_id, offset=offset, limit=limit
            ),
            progress,
            cancel,
            reading,
        )
        return Table(
            title,
            [_("Name"), _("Member no."), _("Joined on"), _("Status"), _("Left on")],
            [
                [m.person_name, m.member_no, _date(m.joined_on), m.status.label(), _date(m.left_on)]
                for m in members
            ],
        )
    if register is Register.COMMITTEE:
        return _committee_table(db, f)
    if register is Register.MEDIATORS:
        today = dt.date.today()
        rows = people.list_mediators(db, valid_on=f.valid_on, owner_id=f.owner_id)
        return Table(
            title,
            [_("Name"), _("Registration no."), _("Issued"), _("Expires"), _("Status")],
            [
                [
                    m.person_name,
                    m.registration_no,
                    _date(m.issued_on),
                    _date(m.expires_on) or _("no expiry"),
                    _mediator_state(m, today),
                ]
                for m in rows
            ],
        )
    if register is Register.MEETINGS:
        found_meetings = _all(
            lambda offset, limit: meetings.list_meetings(
                db, search=search, owner_id=f.owner_id, offset=offset, limit=limit
            ),
            progress,
            cancel,
            reading,
        )
        return Table(
            title,
            [_("Meeting"), _("Date"), _("Status"), _("Members present"), _("Place")],
            [
                [r.number, _date(r.held_on), r.status.label(), r.present, r.place]
                for r in found_meetings
            ],
        )
    if register is Register.CASES:
        # newest first until a column is chosen, as the register orders them
        order, descending = (f.order, bool(f.descending)) if f.order else ("number", True)
        found_cases = _all(
            lambda offset, limit: cases.list_cases(
                db,
                search=search,
                status=list(f.status) or None,
                kind=list(f.kind) or None,
                owner_id=f.owner_id,
                offset=offset,
                limit=limit,
                order=order,
                descending=descending,
            ),
            progress,
            cancel,
            reading,
        )
        return Table(
            title,
            [_("Number"), _("Received"), _("Kind"), _("Status"), _("Subject"), _("Parties")],
            [_case_cells(c) for c in found_cases],
        )
    found_activities = _all(
        lambda offset, limit: activities.list_activities(
            db, search=search, owner_id=f.owner_id, offset=offset, limit=limit
        ),
        progress,
        cancel,
        reading,
    )
    return Table(
        title,
        [
            _("Date"),
            _("Topic"),
            _("Place"),
            _("Participants"),
            _("Men"),
            _("Women"),
            _("Not specified"),
            _("Partners"),
        ],
        [
            [
                _date(a.held_on),
                a.topic,
                a.place,
                a.participants,
                a.participants_male,
                a.participants_female,
                a.participants_unspecified,
                a.partners,
            ]
            for a in found_activities
        ],
    )


def _case_cells(c: CaseRow) -> list[Cell]:
    return [c.number, _date(c.received_on), c.kind.label(), c.status.label(), c.subject, c.parties]


def _mediator_state(m: MediatorRecord, today: dt.date) -> str:
    """As the Mediators list says it: the status, expired, or valid."""
    if m.status is not MediatorStatus.ACTIVE:
        return m.status.label()
    if m.expires_on is not None and m.expires_on < today:
        return _("Expired")
    return _("Valid")


def _committee_table(db: Database, f: ExportFilters) -> Table:
    from justice_desk.services import people

    terms = people.list_terms(db)
    day = f.on or dt.date.today()
    term = next((t for t in terms if t.id == f.term_id), None) if f.term_id else None
    if term is None and f.term_id is not None:
        raise ValidationError(_("That committee term was not found."), "term")
    if term is None:  # the term serving on the day, else the latest one
        term = next(
            (t for t in terms if t.starts_on <= day and (t.ends_on is None or t.ends_on >= day)),
            terms[0] if terms else None,
        )
    title = Register.COMMITTEE.label()
    headers = [_("Term"), _("Position"), _("Name"), _("From"), _("Until")]
    if term is None:
        return Table(title, headers, [])
    # the roster of a day inside the term (its first or last day when the day is outside it)
    if day < term.starts_on:
        day = term.starts_on
    elif term.ends_on is not None and day > term.ends_on:
        day = term.ends_on
    seats = [s for s in people.roster(db, day, owner_id=f.owner_id) if s.term_id == term.id]
    return Table(
        f"{title} {term.name}",
        headers,
        [
            [
                term.name,
                s.position_label,
                s.person_name,
                _date(s.starts_on),
                _date(s.ends_on) or _("end of term"),
            ]
            for s in seats
        ],
    )


# -- writing ------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a text takes: Thai marks above and below a letter take none, wide East Asian
    characters two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def column_widths(table: Table) -> list[float]:
    """A width per column that fits its header and its longest cell (within limits)."""
    widths = []
    for i, header in enumerate(table.headers):
        longest = max(
            [display_width(header) + 2]  # room for the AutoFilter arrow
            + [display_width(str(row[i])) for row in table.rows if row[i] is not None]
        )
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))))
    return widths


def _sheet_name(title: str) -> str:
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (name or "Sheet1")[:31]


def _write_xlsx(table: Table, target: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": True,  # rows go to disk as written: 100,000 cases stay small
            "strings_to_numbers": False,  # an ID or a phone stays text
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        workbook.set_properties(
            {"title": table.title, "author": "Justice Desk", "comments": "Justice Desk"}
        )
        cell = workbook.add_format({"font_name": "Tahoma", "font_size": 10, "valign": "top"})
        head = workbook.add_format(
            {"font_name": "Tahoma", "font_size": 10, "bold": True, "bg_color": "#E8EEF4"}
        )
        sheet = workbook.add_worksheet(_sheet_name(table.title))
        for i, width in enumerate(column_widths(table)):
            sheet.set_column(i, i, width, cell)
        sheet.freeze_panes(1, 0)
        for col, header in enumerate(table.headers):
            sheet.write_string(0, col, header, head)
        for r, row in enumerate(table.rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, int):
                    sheet.write_number(r, col, value, cell)
                else:
                    sheet.write_string(r, col, str(value), cell)
        if table.headers:
            sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.headers) - 1)
    finally:
        workbook.close()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text  # shown as text by spreadsheets, never run as a formula
    return text


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark, comma-separated, CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Write through ``write(temporary path)`` in the target's folder, then rename into place."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=folder)
    except OSError as exc:
        raise UserError(
            _("The folder {folder} cannot be written to ({error}). Choose another folder.").format(
                folder=folder, error=exc.strerror or exc
            )
        ) from exc
    os.close(handle)
    partial = Path(name)
    try:
        write(partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except PermissionError as exc:
        raise UserError(
            _(
                "{path} cannot be replaced: it may be open in Excel or another program. "
                "Close it there, or choose another file name."
            ).format(path=target)
        ) from exc
    except OSError as exc:
        raise UserError(
            _("{path} could not be written ({error}). Nothing was changed.").format(
                path=target, error=exc.strerror or exc
            )
        ) from exc
    finally:
        partial.unlink(missing_ok=True)


def write_table(table: Table, path: Path, fmt: ExportFormat) -> None:
    if fmt is ExportFormat.XLSX:
        _write_atomically(path, lambda partial: _write_xlsx(table, partial))
    else:
        data = csv_bytes(table)

        def write(partial: Path) -> None:
            partial.write_bytes(data)

        _write_atomically(path, write)


def export_register(
    db: Database,
    register: Register,
    path: str | os.PathLike[str],
    *,
    fmt: ExportFormat | None = None,
    filters: ExportFilters | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write what ``register`` shows with ``filters`` to ``path`` (the format from ``fmt``, else
    from the file name) and note it in the audit trail."""
    require(db, Permission.EXPORT)
    from justice_desk.storage import audit

    target = Path(path)
    fmt = fmt or ExportFormat.for_path(target)
    if target.is_dir():
        raise ValidationError(
            _("{path} is a folder: give a file name, for example {example}.").format(
                path=target, example=target / f"{register.value}.{fmt.value}"
            ),
            "path",
        )
    table = register_table(db, register, filters, progress=progress, cancel=cancel)
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    write_table(table, target, fmt)
    with db.write() as session:
        audit.record(
            session,
            "export",
            table=register.value,
            detail=f"{len(table.rows)} rows, {fmt.value}, {target.name}",
        )
    return ExportResult(target, len(table.rows), fmt)


def suggested_file_name(register: Register, fmt: ExportFormat, on: dt.date | None = None) -> str:
    """``cases-2569-01-14.xlsx``: the register and the BE date."""
    day = on or dt.date.today()
    return f"{register.value}-{day.year + 543:04d}-{day.month:02d}-{day.day:02d}.{fmt.value}"


__all__: Sequence[str] = (
    "ExportFilters",
    "ExportFormat",
    "ExportResult",
    "Register",
    "Table",
    "csv_bytes",
    "export_register",
    "register_table",
    "suggested_file_name",
    "write_table",
)
