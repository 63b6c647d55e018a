"""``justice-desk escalations list|answer``: the province's queue of escalated cases and its
answers (``services/escalations.py``; docs/sync.md §12).

At a province ``list`` shows every enrolled center's escalated cases, waiting ones first; at a
center it shows the center's own, with the answers the province's receipts brought.
``answer`` (province only) records or changes the office's answer; the next
``justice-desk sync receipts`` carries it to the center.

Wired into ``cli/main.py`` with ``escalations_command.add_parser(sub)`` and
``"escalations": escalations_command.run``. Nothing heavy is imported before the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any, TypeVar

from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)

DECISIONS = ("accepted", "referred", "returned", "closed")


def add_parser(subparsers: argparse._SubParsersAction[_Parser]) -> _Parser:
    p = subparsers.add_parser(
        "escalations",
        help="cases escalated to the Provincial Justice Office, and the office's answers",
        description="At a province: the queue of cases the centers escalated, and the "
        "office's answer to each, which the next receipt carries to the center. At a center: "
        "its escalated cases with the answers received.",
    )
    sub = p.add_subparsers(dest="escalations_command", metavar="list|answer", required=True)
    lp = sub.add_parser(
        "list",
        help="the escalated cases, waiting ones first",
        description="Escalated cases, waiting ones first (oldest first), with the office's "
        "answer where there is one.",
    )
    lp.add_argument("--db", metavar="PATH", required=True, help="database file or SQLAlchemy URL")
    lp.add_argument("--center", metavar="CODE", help="only this center (at a province)")
    lp.add_argument("--waiting", action="store_true", help="only those not answered yet")
    lp.add_argument("--json", action="store_true", help="print a JSON array")
    ap = sub.add_parser(
        "answer",
        help="record the office's answer to an escalated case (province)",
        description="Record, or change, the office's answer to a case a center escalated. The "
        "case stays the center's: the answer is the office's own record, and the next "
        "'justice-desk sync receipts' carries it to the center.",
    )
    ap.add_argument("--db", metavar="PATH", required=True, help="province database or URL")
    ap.add_argument("--center", metavar="CODE", required=True, help="the center's code")
    ap.add_argument("--case", metavar="NUMBER", required=True, help="the case number, 005/2569")
    ap.add_argument("--decision", choices=DECISIONS, required=True, help="the office's decision")
    ap.add_argument("--note", metavar="TEXT", required=True, help="advice, reason or next step")
    ap.add_argument("--agency", metavar="NAME", help="the agency (required with referred)")
    ap.add_argument("--officer", metavar="NAME", help="the officer who handles it")
    ap.add_argument("--json", action="store_true", help="print the answered escalation as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    from justice_desk.cli.signin import open_database
    from justice_desk.services import escalations as service

    db = open_database(args.db)
    try:
        if args.escalations_command == "answer":
            case_id = service.find_escalated_case(db, args.center, args.case)
            found = [
                service.answer_escalation(
                    db,
                    case_id,
                    decision=args.decision,
                    note=args.note,
                    agency=args.agency,
                    officer=args.officer,
                )
            ]
        else:
            found = service.list_escalations(db, center_code=args.center, waiting_only=args.waiting)
    finally:
        db.dispose()
    if args.json:
        import json

        data: Any = [service.escalation_json(e) for e in found]
        if args.escalations_command == "answer":
            data = data[0]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if args.escalations_command == "answer":
        e = found[0]
        print(
            _(
                "Answered case {number} of {center}: {decision}. The next receipt carries it."
            ).format(number=e.number, center=e.center_code, decision=e.answer.decision_label)
            if e.answer is not None
            else ""
        )
        return 0
    print(_text(found))
    return 0


def _text(found: list[Any]) -> str:
    from justice_desk import i18n
    from justice_desk.cli.output import table
    from justice_desk.domain.dates import format_date

    if not found:
        return _("No escalated cases.")
    language = i18n.language()
    headers = [
        _("Center"),
        _("Case"),
        _("Subject"),
        _("Escalated on"),
        _("Days waiting"),
        _("Decision"),
        _("Note"),
    ]
    rows = [
        [
            e.center_code,
            e.number,
            e.subject,
            format_date(e.escalated_on, language, short=True),
            "" if e.days_waiting is None else str(e.days_waiting),
            e.answer.decision_label if e.answer else (_("Waiting") if e.waiting else "—"),
            _answer_text(e.answer) if e.answer else "",
        ]
        for e in found
    ]
    return table(headers, rows, max_width=40)


def _answer_text(answer: Any) -> str:
    parts = [answer.note]
    if answer.agency:
        parts.insert(0, _("To: {agency}.").format(agency=answer.agency))
    if answer.officer:
        parts.append(_("Officer: {name}").format(name=answer.officer))
    return " ".join(parts)
