"""``justice-desk dashboard``: the province's figures over a period, as the Dashboard page shows
them (``services/dashboard.py``; ``--json`` prints ``dashboard_json``, the page's own values).

Wired into ``cli/main.py`` with ``dashboard_command.add_parser(sub)`` and
``"dashboard": dashboard_command.run``. Nothing heavy is imported before the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any, TypeVar

from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)

#: The columns of the per-center table in the text output (the JSON has every figure).
TABLE_KEYS = (
    "received",
    "outcomes",
    "settlement_rate",
    "median_days",
    "escalations.waiting",
    "meetings.held",
    "members",
    "activities",
    "sync.last_bundle_at",
)


def add_parser(subparsers: argparse._SubParsersAction[_Parser]) -> _Parser:
    p = subparsers.add_parser(
        "dashboard",
        help="the province's figures over a period (or one center's), as the Dashboard page",
        description="Cases received, outcomes, settlement rate, median days to an outcome, "
        "legal deadlines, escalations waiting, meetings, members and mediators, activities and "
        "sync health, for the province and per center (--province: one province's centers, "
        "in a database that holds several). A period is a month (2569-01), a "
        "calendar quarter (2569-Q1), a fiscal year October-September (FY2569, or 2569) or two "
        "days (2569-01-15..2569-03-31); the default is this month.",
    )
    p.add_argument("--db", metavar="PATH", required=True, help="database file or SQLAlchemy URL")
    p.add_argument("--center", metavar="CODE", help="only this center")
    p.add_argument(
        "--province",
        metavar="NAME",
        help="only the centers of this province (its Thai name), in a database that holds the "
        "centers of several provinces",
    )
    p.add_argument("--period", metavar="P", help="2569-01, 2569-Q1, FY2569 or FROM..TO")
    p.add_argument(
        "--silent-days",
        type=int,
        default=30,
        metavar="N",
        help="a center not heard from in more than N days is silent (default 30)",
    )
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    from justice_desk.cli.signin import open_database
    from justice_desk.services import dashboard as service

    period = service.resolve_period(args.period)
    db = open_database(args.db)
    try:
        province = (
            service.check_province(db, args.province, args.center)
            if args.province is not None
            else None
        )
        board = service.dashboard(
            db,
            period,
            center_code=args.center,
            province_name=province,
            silent_days=args.silent_days,
        )
    finally:
        db.dispose()
    data = service.dashboard_json(board)
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(_text(board, data))
    return 0


def _text(board: Any, data: dict[str, Any]) -> str:
    from justice_desk import i18n
    from justice_desk.cli.output import table
    from justice_desk.services import dashboard as service

    language = i18n.language()
    lines = [
        _("Dashboard: {period}").format(period=data["period"]["label"]),
        *([_("Province: {name}").format(name=board.province_name)] if board.province_name else []),
        _("Figures over the period; states as of {day}.").format(
            day=service.format_figure(board.as_of, "date", language)
        ),
        "",
    ]
    total = data["total"]
    for group, title in service.GROUPS:
        shown = [f for f in service.FIGURES if f.group == group and total.get(f.key) is not None]
        if not shown:
            continue
        lines.append(_(title))
        for figure in shown:
            value = service.format_figure(total[figure.key], figure.form, language)
            lines.append(f"  {_(figure.label)}: {value}")
        lines.append("")
    if len(data["centers"]) > 1 or board.center_code is None:
        keys = [k for k in TABLE_KEYS if k in service.FIGURE_BY_KEY]
        headers = [_("Code"), _("Center")] + [_(service.FIGURE_BY_KEY[k].label) for k in keys]
        rows = [
            [c["code"], c["name"]]
            + [
                service.format_figure(c.get(k), service.FIGURE_BY_KEY[k].form, language)
                for k in keys
            ]
            for c in data["centers"]
        ]
        lines.append(table(headers, rows, max_width=24))
    return "\n".join(lines).rstrip()
