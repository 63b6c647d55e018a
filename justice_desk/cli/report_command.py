"""``justice-desk report monthly|quarterly|year``: the province's report for the Ministry as a
PDF, an Excel workbook or a CSV file (``services/reports.py``; docs/architecture.md §13).

Wired into ``cli/main.py`` with ``report_command.add_parser(sub)`` and
``"report": report_command.run``. Nothing heavy is imported before the command runs.
"""

from __future__ import annotations

import argparse
from typing import TypeVar

from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)

KINDS = ("monthly", "quarterly", "year")


def add_parser(subparsers: argparse._SubParsersAction[_Parser]) -> _Parser:
    p = subparsers.add_parser(
        "report",
        help="the province's report for a month, quarter or fiscal year (PDF, Excel or CSV)",
        description="Write the report of a month, a calendar quarter or a fiscal year: the "
        "dashboard's figures for the province and per center (cases received by kind and "
        "channel, outcomes, settlement rate, legal deadlines, escalations, meetings, members "
        "and mediators, activities, sync health), in Thai, with the office as issuer. "
        "'year' is the FISCAL year, October to September, named by the Buddhist-Era year it "
        "ends in: --period 2569 is 1 October 2568 to 30 September 2569. The file name's "
        "extension chooses the format: .pdf (A4, to print and sign), .xlsx (one sheet per "
        "table) or .csv (UTF-8 with BOM, the tables one after another, each under a title "
        "row). At a center's own database, 'report monthly ... -o FILE.pdf' writes the "
        "center's monthly report (the same as 'print monthly').",
    )
    p.add_argument(
        "kind",
        choices=KINDS,
        help="monthly (--period 2569-01), quarterly (--period 2569-Q1: January-March) or year "
        "(the fiscal year October-September: --period 2569 or FY2569)",
    )
    p.add_argument("--db", metavar="PATH", required=True, help="database file or SQLAlchemy URL")
    p.add_argument("--center", metavar="CODE", help="only this center (default: all centers)")
    p.add_argument(
        "--province",
        metavar="NAME",
        help="only the centers of this province (its Thai name), in a database that holds the "
        "centers of several provinces: the report names the province and its office issues it",
    )
    p.add_argument(
        "--period",
        metavar="P",
        required=True,
        help="2569-01 (monthly), 2569-Q1 (quarterly) or 2569 / FY2569 (year), BE years",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write: FILE.pdf, FILE.xlsx or FILE.csv",
    )
    p.add_argument(
        "--silent-days",
        type=int,
        default=30,
        metavar="N",
        help="a center not heard from in more than N days is silent (default 30)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from justice_desk.cli.signin import open_database
    from justice_desk.services import reports

    kind = reports.ReportKind(args.kind)
    period = reports.report_period(kind, args.period)
    target = Path(args.output)
    fmt = None if target.is_dir() else reports.ReportFormat.for_path(target)
    db = open_database(args.db)
    try:
        result = reports.write_report(
            db,
            period,
            target,
            center_code=args.center,
            province_name=args.province,
            fmt=fmt,
            silent_days=args.silent_days,
        )
    finally:
        db.dispose()
    print(_("Wrote {path}.").format(path=result.path))
    return 0
