"""``justice-desk audit verify|list``: the audit trail on the command line."""

from __future__ import annotations

import argparse
from typing import TypeVar

from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def add_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    a = sub.add_parser(
        "audit",
        help="the audit trail: check its chain, list entries",
        description=(
            "Every view of a person's or a case's record, every change, print, export, "
            "sign-in and account change is an entry in the audit trail, chained by hashes."
        ),
    )
    s = a.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    p = s.add_parser(
        "verify",
        help="check the whole chain",
        epilog="Exit status: 0 when the chain is whole; 2 when it is broken (the first broken "
        "entry is named) or the check could not run.",
    )
    p.add_argument("--db", required=True, metavar="PATH", help="the database")

    p = s.add_parser("list", help="list entries, newest first")
    p.add_argument("--db", required=True, metavar="PATH", help="the database")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--person", metavar="ID", help="about one person (UUID or 13-digit national ID)"
    )
    which.add_argument("--case", metavar="N", help="about one case (number such as 005/2569)")
    which.add_argument(
        "--by",
        dest="audit_user",
        metavar="LOGIN",
        help="done by one account (--user stays the login you sign in with)",
    )
    p.add_argument("--limit", type=int, default=0, help="at most this many (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = s.add_parser(
        "centers",
        help="province: each center's audit trail as its newest bundle described it",
    )
    p.add_argument("--db", required=True, metavar="PATH", help="the province database")
    p.add_argument("--json", action="store_true", help="print a JSON array")


def run(args: argparse.Namespace) -> int:
    import sys

    from justice_desk.cli import output, signin
    from justice_desk.i18n import language
    from justice_desk.services import accounts, audit_trail, cases

    db = signin.open_database(args.db)
    try:
        if args.audit_command == "verify":
            check = audit_trail.verify_chain(db)
            if not check.whole:
                print(f"justice-desk: {audit_trail.broken_message(check)}", file=sys.stderr)
                return 2
            print(
                _("The audit trail is whole: {count} entries, last hash {hash}.").format(
                    count=check.count, hash=check.last_hash
                )
            )
            return 0
        if args.audit_command == "centers":
            trails = audit_trail.center_trails(db)
            if args.json:
                print(output.dumps(trails))
            else:
                rows = [[t.code, t.name, str(t.count), t.state, str(t.seq)] for t in trails]
                headers = [_("Center"), _("Name"), _("Entries"), _("Trail"), _("Bundle")]
                print(output.table(headers, rows))
            return 0 if all(t.whole and not t.shrunk and not t.rewritten for t in trails) else 2
        person = accounts.person_for(db, args.person) if args.person else None
        case = cases.find_case(db, args.case) if args.case else None
        page = audit_trail.list_entries(
            db,
            person=person,
            case=case,
            user=args.audit_user,
            limit=args.limit or 10**9,
        )
    finally:
        db.dispose()
    if args.json:
        print(output.dumps(page.rows))
        return 0
    lang = language()
    rows = []
    for e in page.rows:
        rows.append(
            [
                str(e.number),
                audit_trail.when(e.at, lang),
                e.actor,
                e.host or "",
                audit_trail.action_label(e.action),
                " ".join(x for x in (e.table or "", str(e.row_id or "")) if x),
                e.detail or "",
            ]
        )
    headers = [_("No."), _("When"), _("Who"), _("Computer"), _("What"), _("Record"), _("Detail")]
    print(output.table(headers, rows))
    print(_("{shown} of {total} shown.").format(shown=len(rows), total=page.total))
    return 0
