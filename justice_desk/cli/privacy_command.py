"""``justice-desk person export|erase`` and ``justice-desk privacy notice|due|dispose``: the
rights the PDPA gives the people a center keeps data on (services/privacy.py, docs/privacy.md).

``person export`` prints everything held about a person (PDF, Thai) for them; ``person erase``
anonymises a person on their request, or says which rule keeps their data. ``privacy notice``
prints the privacy notice; ``privacy due`` lists what is past its retention period for the
committee's yearly review, and ``privacy dispose`` carries out what the committee approved.

Wired into ``cli/main.py`` with ``privacy_command.add_parsers(sub)`` and the ``COMMANDS``
entries ``"person"`` and ``"privacy"``. Nothing heavy is imported before a command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from justice_desk.errors import UserError
from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", required=True, help="database file or SQLAlchemy URL")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parsers(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    person = subparsers.add_parser(
        "person",
        help="a person's rights: a copy of what is held (export), erasure on request",
        description="What the PDPA lets a person ask of the center: a copy of everything held "
        "about them, and erasure where the law allows it.",
    )
    psub = person.add_subparsers(dest="person_command", metavar="export|erase", required=True)
    ex = psub.add_parser(
        "export",
        help="print everything held about a person to a PDF, in Thai, for them to read",
        description="Print everything this database holds about a person (details, notice and "
        "legal basis, membership, cases, meetings, corrections) with the privacy notice, in "
        "Thai. Confidential session notes and other parties' data are left out, and the PDF "
        "says so.",
    )
    _db(ex)
    ex.add_argument("--person", required=True, metavar="ID", help="record id or national ID")
    ex.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the PDF to write")
    er = psub.add_parser(
        "erase",
        help="anonymise a person on their request (refused, naming the rule, where data must "
        "be kept)",
        description="Anonymise a person on their request: name, national ID, birth date, "
        "address, phone and notes are emptied (sex and a decade of birth stay, for statistics); "
        "the next bundle carries it to the province. Refused (exit 2) while a case, minutes or "
        "the mediator register must keep the person, naming the rule and until when.",
    )
    _db(er)
    er.add_argument("--person", required=True, metavar="ID", help="record id or national ID")

    privacy = subparsers.add_parser(
        "privacy",
        help="the privacy notice, and the yearly review of what is past its retention period",
        description="The privacy notice the center gives people, and the yearly disposal: the "
        "list of records past their retention period for the committee to approve, and the "
        "disposal of what it approved.",
    )
    vsub = privacy.add_subparsers(
        dest="privacy_command", metavar="notice|due|dispose", required=True
    )
    no = vsub.add_parser("notice", help="print the privacy notice to a PDF")
    _db(no)
    no.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the PDF to write")
    no.add_argument("--language", choices=("th", "en"), default="th", help="default: th")
    du = vsub.add_parser(
        "due",
        help="list what is past its retention period today, for the committee to approve",
        description="Cases whose details and people whose data are past their retention "
        "period (docs/privacy.md). Save the --json output, strike out what the committee does "
        "not approve, and give it to 'privacy dispose --approved'.",
    )
    _db(du)
    du.add_argument("--json", action="store_true", help="print a JSON array")
    du.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    di = vsub.add_parser(
        "dispose",
        help="anonymise what the committee approved from the due list",
        description="Empty the details of the approved cases and anonymise the approved "
        "people, each checked again against today's due list; the next bundle carries it to "
        "the province.",
    )
    _db(di)
    which = di.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--approved", metavar="FILE", help="the approved list: 'due --json' output, or ids"
    )
    which.add_argument("--ids", nargs="+", metavar="ID", help="the approved record ids")
    di.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    di.add_argument("--json", action="store_true", help="print what was done as JSON")


def _open(path: str) -> Any:
    """Open and sign in as every command does (an encrypted database is unlocked with the same
    login and password)."""
    from justice_desk.cli.signin import open_database

    return open_database(path)


def run_person(args: argparse.Namespace) -> int:
    from justice_desk.services import privacy

    db = _open(args.db)
    try:
        person_id = privacy.find_person(db, args.person)
        if args.person_command == "export":
            target = Path(args.output)
            if target.is_dir():
                raise UserError(_("{path} is a folder; give a file name.").format(path=target))
            privacy.export_person(db, person_id, target)
            print(_("Wrote {path}.").format(path=target))
        else:
            privacy.erase_person(db, person_id)
            print(
                _(
                    "The person's data was erased; the next bundle carries the change to "
                    "the province."
                )
            )
    finally:
        db.dispose()
    return 0


def run_privacy(args: argparse.Namespace) -> int:
    from justice_desk.cli import output
    from justice_desk.services import privacy

    db = _open(args.db)
    try:
        if args.privacy_command == "notice":
            target = Path(args.output)
            data = privacy.notice_pdf(db, args.language)
            try:
                target.write_bytes(data)
            except OSError as exc:
                raise UserError(
                    _("Cannot write {path}: {error}").format(path=target, error=exc.strerror)
                ) from exc
            print(_("Wrote {path}.").format(path=target))
            return 0
        if args.privacy_command == "due":
            items = privacy.due_for_disposal(db, today=args.today)
            if args.json:
                print(
                    output.dumps(
                        [
                            {
                                "kind": i.kind,
                                "id": i.id,
                                "label": i.label,
                                "rule": i.rule,
                                "due_since": i.due_since,
                            }
                            for i in items
                        ]
                    )
                )
            elif not items:
                print(_("Nothing is past its retention period."))
            else:
                print(_due_table(items))
            return 0
        ids = (
            privacy.parse_ids(args.ids) if args.ids else privacy.read_approved(Path(args.approved))
        )
        done = privacy.dispose(db, ids, today=args.today)
    finally:
        db.dispose()
    if args.json:
        print(
            output.dumps(
                {
                    "anonymised": done.anonymised,
                    "redacted": done.redacted,
                    "refused": [{"id": i, "reason": r} for i, r in done.refused],
                }
            )
        )
    else:
        print(
            _("Disposed of {cases} cases' details and {people} people's data.").format(
                cases=len(done.redacted), people=len(done.anonymised)
            )
        )
        for item_id, reason in done.refused:
            print(_("Not disposed of: {id}: {reason}").format(id=item_id, reason=reason))
    return 2 if done.refused else 0


def _due_table(items: list[Any]) -> str:
    from justice_desk import i18n
    from justice_desk.cli.output import table
    from justice_desk.domain.dates import format_date

    language = i18n.language()
    kinds = {"case": _("Case details"), "person": _("Person")}
    return table(
        [_("What"), _("Record"), _("Due since"), _("Id")],
        [
            [kinds[i.kind], i.label, format_date(i.due_since, language, short=True), str(i.id)]
            for i in items
        ],
        max_width=40,
    )
