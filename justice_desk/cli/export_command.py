"""``justice-desk export``: a register as an Excel workbook or a CSV file, as the app's Export
buttons write it (``services/exports.py``, docs/architecture.md §12).

Wired into ``cli/main.py`` with ``export_command.add_parser(sub)`` and
``"export": export_command.run``. Nothing heavy is imported before the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
from typing import TypeVar

from justice_desk.errors import UserError
from justice_desk.i18n import _

REGISTERS = ("people", "members", "committee", "mediators", "meetings", "cases", "activities")
STATUS_GROUPS = ("open", "closed")

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)
E = TypeVar("E", bound=enum.Enum)


def add_parser(subparsers: argparse._SubParsersAction[_Parser]) -> _Parser:
    p = subparsers.add_parser(
        "export",
        help="write a register to an Excel workbook (.xlsx) or a CSV file",
        description="Write a register, with the same search and filters as in the app, to an "
        "Excel workbook (.xlsx: Thai text, BE dates, fitted columns, header row frozen) or a CSV "
        "file (UTF-8 with a byte-order mark, so that Excel reads Thai). The format follows the "
        "file name unless --format is given.",
    )
    p.add_argument("what", choices=REGISTERS, help="which register")
    p.add_argument("--db", metavar="PATH", required=True, help="database file or SQLAlchemy URL")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--format", choices=["xlsx", "csv"], help="default: from the file name")
    p.add_argument("--search", metavar="TEXT", help="only rows found by this search, as in the app")
    p.add_argument("--members-only", action="store_true", help="people: network members only")
    p.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="cases: open, closed or a status (received, settled, …); may be repeated",
    )
    p.add_argument(
        "--kind", action="append", metavar="KIND", help="cases: dispute, complaint, …; repeatable"
    )
    p.add_argument(
        "--sort",
        choices=["number", "received", "subject", "status"],
        help="cases: the column to sort by (default: newest number first)",
    )
    p.add_argument("--ascending", action="store_true", help="cases: sort ascending")
    p.add_argument(
        "--valid-today", action="store_true", help="mediators: only registrations valid today"
    )
    p.add_argument("--term", metavar="NAME", help="committee: the term (default: serving today)")
    p.add_argument(
        "--center", metavar="CODE", help="on a province database: only this center's records"
    )
    return p


def _choices(values: list[str] | None, enum_type: type[E], what: str) -> tuple[E, ...]:
    chosen: list[E] = []
    for value in values or []:
        try:
            chosen.append(enum_type(value.strip().lower()))
        except ValueError:
            allowed = ", ".join(m.value for m in enum_type)
            raise UserError(
                _("{value} is not a {what}; use one of: {allowed}.").format(
                    value=value, what=what, allowed=allowed
                )
            ) from None
    return tuple(chosen)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from justice_desk.cli.signin import open_database
    from justice_desk.domain.enums import CaseKind, CaseStatus
    from justice_desk.services import exports, people, setup

    statuses: list[CaseStatus] = []
    for value in args.status or []:
        group = value.strip().lower()
        if group in STATUS_GROUPS:
            statuses.extend(s for s in CaseStatus if s.is_open == (group == "open"))
        else:
            statuses.extend(_choices([value], CaseStatus, _("case status")))
    kinds = _choices(args.kind, CaseKind, _("kind of case"))
    target = Path(args.output)
    fmt = (
        exports.ExportFormat(args.format) if args.format else exports.ExportFormat.for_path(target)
    )
    db = open_database(args.db)
    try:
        owner = setup.find_site(db, args.center).id if args.center else None
        term_id = None
        if args.term:
            term = next((t for t in people.list_terms(db) if t.name == args.term.strip()), None)
            if term is None:
                raise UserError(
                    _("There is no committee term named {name}.").format(name=args.term)
                )
            term_id = term.id
        filters = exports.ExportFilters(
            search=args.search,
            members_only=args.members_only,
            status=tuple(dict.fromkeys(statuses)),
            kind=kinds,
            order=args.sort,
            descending=None if args.sort is None else not args.ascending,
            valid_on=dt.date.today() if args.valid_today else None,
            term_id=term_id,
            owner_id=owner,
        )
        result = exports.export_register(
            db, exports.Register(args.what), target, fmt=fmt, filters=filters
        )
    finally:
        db.dispose()
    print(_("Rows exported: {count}. File: {path}").format(count=result.rows, path=result.path))
    return 0
