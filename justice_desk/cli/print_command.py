"""``justice-desk print``: official documents as PDF files.

Wired into ``cli/main.py`` with ``print_command.add_parser(sub)`` and
``"print": print_command.run``.
ReportLab and PyThaiNLP are imported only when a document is printed, never at start-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

from justice_desk.errors import UserError
from justice_desk.i18n import _

#: Document -> what identifies its record (the option that must be given).
DOCUMENTS = {
    "minutes": "meeting",
    "invitation": "meeting",
    "attendance": "meeting",
    "intake": "case",
    "agreement": "case",
    "unsettled": "case",
    "referral": "case",
    "monthly": "month",
}

_HELP = {
    "minutes": "minutes of a meeting (รายงานการประชุม)",
    "invitation": "invitation to a meeting with its agenda (หนังสือเชิญประชุม)",
    "attendance": "attendance sheet with a signature column",
    "intake": "dispute intake record (บันทึกการรับเรื่อง)",
    "agreement": "settlement agreement, §30 (บันทึกข้อตกลงระงับข้อพิพาท)",
    "unsettled": "record of an unsuccessful mediation, with the §6 extension",
    "referral": "referral letter (หนังสือส่งต่อ)",
    "monthly": "monthly center report (counts for the month and the fiscal year to date)",
}

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def add_parser(subparsers: argparse._SubParsersAction[_Parser]) -> _Parser:
    """Add the ``print`` sub-command (the parser class is the one ``subparsers`` uses)."""
    p = subparsers.add_parser(
        "print",
        help="print an official document to a PDF file",
        description="Write an official Thai document as a PDF file. "
        "Documents: " + "; ".join(f"{k}: {v}" for k, v in _HELP.items()) + ".",
    )
    p.add_argument("document", choices=list(DOCUMENTS), help="which document")
    p.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (or a SQLAlchemy URL); default: $JUSTICE_DESK_DB or the file in "
        "the user data folder",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--meeting", metavar="NUMBER", help="meeting number such as 4/2569, or its UUID"
    )
    which.add_argument("--case", metavar="NUMBER", help="case number such as 005/2569, or its UUID")
    which.add_argument(
        "--month", metavar="YYYY-MM", help="month of the report, e.g. 2026-01 or 2569-01 (BE)"
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="PDF file to write")
    digits = p.add_mutually_exclusive_group()
    digits.add_argument(
        "--arabic-digits",
        dest="thai_digits",
        action="store_false",
        default=None,
        help="print digits as 0-9 for this print (default: the center's choice in Settings, "
        "else Thai digits ๐-๙ in every document)",
    )
    digits.add_argument(
        "--thai-digits",
        dest="thai_digits",
        action="store_true",
        help="print digits as ๐-๙ for this print",
    )
    p.add_argument(
        "--ragged",
        action="store_true",
        help="print body paragraphs flush left instead of justified (Thai distributed, the "
        "default)",
    )
    return p


def parse_month(text: str) -> tuple[int, int]:
    """``2026-01`` or ``2569-01`` (a year above 2400 is BE) -> (Gregorian year, month)."""
    m = _MONTH.match(text or "")
    if not m:
        raise UserError(_("Give the month as YYYY-MM, for example 2026-01."))
    year, month = int(m.group(1)), int(m.group(2))
    if year > 2400:
        year -= 543
    if not 1 <= month <= 12:
        raise UserError(_("Give the month as YYYY-MM, for example 2026-01."))
    return year, month


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    that a power cut or an error never leaves half a PDF under the final name."""
    folder = path.parent
    if not folder.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=folder))
    tmp: str | None = None
    try:
        # Inside the try: a read-only folder or file system fails here already.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UserError(
            _("Cannot write {path}: {reason}. Choose a folder you may write to.").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _check_reference(text: str, option: str, example: str) -> None:
    """Refuse what is neither a number such as ``example`` nor a UUID, saying what is expected
    (the lookup itself would only say that ``abc`` is not a record identifier)."""
    import uuid

    from justice_desk.domain.numbering import parse_year_number

    if parse_year_number(text) is not None:
        return
    try:
        uuid.UUID(text.strip())
    except ValueError:
        raise UserError(
            _(
                "--{option} {value}: give the number as printed on the document, such as "
                "{example} (number/year in the Buddhist Era), or the record's UUID."
            ).format(option=option, value=text, example=example)
        ) from None


def run(args: argparse.Namespace) -> int:
    """Print one document; problems the user can fix raise :class:`UserError` (exit 2)."""
    document: str = args.document
    needs = DOCUMENTS[document]
    given = {"meeting": args.meeting, "case": args.case, "month": args.month}
    if not given[needs]:
        raise UserError(
            _("The {document} document needs --{option}.").format(document=document, option=needs)
        )
    output = Path(args.output)
    if output.is_dir():
        raise UserError(
            _("{path} is a folder; give a file name ending in .pdf.").format(path=output)
        )

    from justice_desk.cli.signin import open_database
    from justice_desk.services import cases, meetings, printing

    printing.set_justified(not getattr(args, "ragged", False))
    db = open_database(getattr(args, "db", None))
    try:
        if needs == "meeting":
            _check_reference(args.meeting, "meeting", "4/2569")
            key = meetings.find_meeting(db, args.meeting)
            pdf = printing.DOCUMENTS[document][1](db, key, thai_digits=args.thai_digits)
        elif needs == "case":
            _check_reference(args.case, "case", "005/2569")
            key = cases.find_case(db, args.case)
            pdf = printing.DOCUMENTS[document][1](db, key, thai_digits=args.thai_digits)
        else:
            year, month = parse_month(args.month)
            if dt.date(year, month, 1) > dt.date.today():
                print(
                    _(
                        "justice-desk: warning: {month} has not begun yet, so the report "
                        "counts nothing for it."
                    ).format(month=args.month.strip()),
                    file=sys.stderr,
                )
            pdf = printing.monthly_pdf(db, year, month, thai_digits=args.thai_digits)
    finally:
        db.dispose()
    write_atomically(output, pdf)
    print(_("Wrote {path}.").format(path=output))
    return 0
