"""``justice-desk sync ...``: enrolment, export, import and receipts on the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TypeVar

from justice_desk.i18n import _, pgettext

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)


def add_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    s = sub.add_parser("sync", help="enrol, export bundles, import bundles, receipts")
    ss = s.add_subparsers(
        dest="sync_command", metavar="SUBCOMMAND", required=True, parser_class=type(s)
    )

    def db(p: argparse.ArgumentParser, role: str) -> None:
        p.add_argument("--db", required=True, metavar=role, help=f"the {role.lower()} database")

    p = ss.add_parser("request", help="center: write the enrolment request file for the province")
    db(p, "CENTER")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file (or folder) to write"
    )

    p = ss.add_parser(
        "enrol", help="province: read a center's request, print its fingerprint, and approve it"
    )
    db(p, "PROVINCE")
    p.add_argument("file", metavar="FILE", help="the .jdenrol request from the center")
    p.add_argument(
        "--approve",
        action="store_true",
        help="enrol the center (after confirming the fingerprint by phone)",
    )
    p.add_argument("--fingerprint", help="refuse unless the request has this fingerprint")
    p.add_argument(
        "-o",
        "--output",
        metavar="ANSWER",
        help="where to write the answer file (default: beside the request)",
    )

    p = ss.add_parser("accept", help="center: accept the province's answer file")
    db(p, "CENTER")
    p.add_argument("file", metavar="ANSWER")
    p.add_argument("--fingerprint", help="refuse unless the province key has this fingerprint")

    p = ss.add_parser(
        "export", help="center: write a bundle of everything the province has not confirmed"
    )
    db(p, "CENTER")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="folder to write the bundle into (a USB stick)",
    )

    p = ss.add_parser(
        "import",
        help="province: import bundle files and folders",
        description=(
            "Import bundles and key-change statements: files, and folders searched with their "
            "subfolders. Every path given and every file found gets one line: applied, "
            "duplicate, held, rejected or skipped, with the reason."
        ),
        epilog=(
            "Exit status: 0 when every file was applied or had already been imported; 3 when "
            "any file was held, rejected or skipped (its line says why); 2 when a problem "
            "stopped the import (the database is busy, read-only or its disk full: one line "
            "on stderr says what to do; files not imported are listed as skipped); "
            "1 for an unexpected error."
        ),
    )
    db(p, "PROVINCE")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per line and file")

    p = ss.add_parser("receipts", help="province: write signed receipts for the centers")
    db(p, "PROVINCE")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--all", action="store_true", help="also for centers with nothing new")

    p = ss.add_parser("receipt", help="center: apply a receipt from the province")
    db(p, "CENTER")
    p.add_argument("file", metavar="FILE")

    p = ss.add_parser(
        "status", help="center: what the province has confirmed; province: the centers"
    )
    db(p, "DATABASE")

    p = ss.add_parser(
        "refused", help="center: the records the province refused, and what to do about them"
    )
    db(p, "CENTER")
    p.add_argument(
        "--resend",
        action="store_true",
        help="send the refused records again with the next export (after correcting them)",
    )

    p = ss.add_parser(
        "conflicts",
        help="province: the conflict list (versions not applied, records refused, bundles held "
        "for a gap) and an officer's decision on each",
        description=(
            "list (the default): the entries nobody has decided on yet, each in plain words "
            "with what can be done. decide: record an officer's decision on one entry; the "
            "next 'justice-desk sync receipts' carries it to the center."
        ),
    )
    p.add_argument(
        "action", nargs="?", choices=("list", "decide"), default="list", help="list or decide"
    )
    db(p, "PROVINCE")
    p.add_argument("--center", metavar="CODE", help="list: only this center")
    p.add_argument("--all", action="store_true", help="list: also the entries already dealt with")
    p.add_argument(
        "--gap-days",
        type=int,
        default=None,
        metavar="N",
        help="list: bundles held for a gap longer than N days are listed (default 7)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--entry", metavar="NO", help="decide: the entry's number as listed (12, or H5)")
    p.add_argument(
        "--decision",
        choices=("keep-center", "keep-province", "resend", "dismiss"),
        help="decide: keep the center's version, keep the province's, ask the center to send "
        "it again, or dismiss (with --note)",
    )
    p.add_argument("--note", metavar="TEXT", help="decide: a note for the center")
    p.add_argument("--officer", metavar="NAME", help="decide: the officer who decided")
    p.add_argument(
        "--resolve", type=int, metavar="ID", help="mark this entry as dealt with, with no decision"
    )

    p = ss.add_parser(
        "epoch",
        help="province: accept or refuse a center's new start (restored from a backup), "
        "after confirming it with the center by phone",
    )
    db(p, "PROVINCE")
    p.add_argument("--center", required=True, metavar="CODE")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", action="store_true", help="apply its waiting bundles")
    choice.add_argument("--refuse", action="store_true", help="reject its waiting bundles")
    p.add_argument("--epoch", help="which new start, when several are waiting")

    p = ss.add_parser(
        "rotate", help="center: make new keys and a key-change statement for the province"
    )
    db(p, "CENTER")
    p.add_argument("-o", "--output", required=True, metavar="FILE")

    p = ss.add_parser("revoke", help="province: revoke a center's key (a lost or stolen laptop)")
    db(p, "PROVINCE")
    p.add_argument("--center", required=True, metavar="CODE")
    p.add_argument(
        "--keep-through",
        type=int,
        metavar="SEQ",
        help="still accept bundles up to this number (default: those already received)",
    )


def run(args: argparse.Namespace) -> int:
    from justice_desk.cli.signin import open_database
    from justice_desk.services import sync

    database = open_database(args.db)
    try:
        return _COMMANDS[args.sync_command](sync, database, args)
    finally:
        database.dispose()


def _request(sync: Any, db: Any, args: argparse.Namespace) -> int:
    path, fingerprint = sync.write_enrolment_request(db, Path(args.output))
    print(_("Enrolment request written: {path}").format(path=path))
    print(_("Fingerprint to read to the province: {fingerprint}").format(fingerprint=fingerprint))
    return 0


def _enrol(sync: Any, db: Any, args: argparse.Namespace) -> int:
    review = sync.enrol_center(
        db,
        Path(args.file),
        approve=args.approve,
        answer_out=Path(args.output) if args.output else None,
        expected_fingerprint=args.fingerprint,
    )
    print(_("Center: {name} ({code})").format(name=review.name, code=review.code))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=review.fingerprint))
    if review.approved:
        print(_("Enrolled. Answer for the center: {path}").format(path=review.answer))
    else:
        print(
            _(
                "Not enrolled yet: confirm the fingerprint with the center, "
                "then run again with --approve."
            )
        )
    return 0


def _accept(sync: Any, db: Any, args: argparse.Namespace) -> int:
    answer = sync.accept_answer(db, Path(args.file), expected_fingerprint=args.fingerprint)
    print(
        _("Enrolled with {name}. Province key fingerprint: {fingerprint}").format(
            name=answer.province_name, fingerprint=answer.fingerprint
        )
    )
    return 0


def _export(sync: Any, db: Any, args: argparse.Namespace) -> int:
    result = sync.export_bundle(db, Path(args.output))
    for path in result.parts or (result.path,):
        print(path)
    return 0


def _import(sync: Any, db: Any, args: argparse.Namespace) -> int:
    try:
        outcomes = sync.import_paths(db, [Path(p) for p in args.paths])
    except sync.ImportStopped as stopped:
        # What was imported before the database stopped taking writes, and the files left.
        _print_outcomes(stopped.outcomes, as_json=args.json)
        raise
    _print_outcomes(outcomes, as_json=args.json)
    # The imported centers' summaries, recounted once the files are in (storage/summaries.py).
    from justice_desk.services import dashboard

    dashboard.refresh_summaries(db)
    return int(sync.import_exit_status(outcomes))


def _print_outcomes(outcomes: list[Any], *, as_json: bool) -> None:
    for o in outcomes:
        if as_json:
            print(
                json.dumps(
                    {
                        "file": o.file,
                        "status": o.status,
                        "reason": o.reason,
                        "message": o.message,
                        "records": o.records,
                        "center": o.center,
                        "seq": o.seq,
                        "released": list(o.applied_after),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            line = f"{o.status:<9} {Path(o.file).name}"
            if o.message:
                line += f"  {o.message}"
            print(line)


def _receipts(sync: Any, db: Any, args: argparse.Namespace) -> int:
    written = sync.write_receipts(db, Path(args.output), only_new=not args.all)
    for w in written:
        print(
            _("{code}: through change {through}: {path}").format(
                code=w.center_code, through=w.applied_through, path=w.path
            )
        )
    if not written:
        print(_("No center has anything new to confirm."))
    return 0


def _receipt(sync: Any, db: Any, args: argparse.Namespace) -> int:
    _receipt_read, refusals = sync.apply_receipt_checked(db, Path(args.file))
    print(sync.center_status(db).describe())
    for line in refusals.lines():  # one line per kind of refusal, never one per entry
        print(line)
    return 0


def _status(sync: Any, db: Any, args: argparse.Namespace) -> int:
    if db.mode == "province":
        from justice_desk.cli.output import table

        rows = [
            [
                c.code,
                c.name,
                c.status,
                c.fingerprint,
                str(c.applied_through),
                str(c.held),
                str(c.rejected),
                "" if c.quiet_days is None else str(c.quiet_days),
            ]
            for c in sync.centers_overview(db)
        ]
        print(
            table(
                [
                    _("Code"),
                    _("Center"),
                    _("Status"),
                    _("Fingerprint"),
                    _("Applied through"),
                    _("Bundles held"),
                    _("Bundles rejected"),
                    _("Days since last bundle"),
                ],
                rows,
            )
        )
        for c in sync.centers_overview(db):
            for epoch in c.new_starts:
                print(
                    _(
                        "! {code} {name} sends from a new start ({epoch}): confirm with the "
                        "center that it restored a backup, then run “justice-desk sync epoch "
                        "--center {code} --accept” (or --refuse)."
                    ).format(code=c.code, name=c.name, epoch=epoch)
                )
    else:
        print(sync.center_status(db).describe())
        for d in sync.center_decisions(db):
            line = _("Province's decision on {record}: {decision}.").format(
                record=d.record, decision=d.decision.decision_label
            )
            if d.decision.note:
                line += " " + _("Note: {note}").format(note=d.decision.note)
            print(f"- {line} {d.instruction}")
    return 0


def _refused(sync: Any, db: Any, args: argparse.Namespace) -> int:
    from justice_desk.cli.output import table

    if args.resend:
        print(sync.resend_refused(db).describe())
        return 0
    rows = sync.center_refusals(db)
    if not rows:
        print(_("The province has refused no record of this center."))
        return 0
    print(
        table(
            [
                pgettext("sync", "Record"),
                _("Reason"),
                _("What to do"),
                _("Sent again"),
                _("Detail"),
            ],
            [
                [
                    r.record,
                    r.reason_label,
                    r.action,
                    _("yes") if r.sent_again else _("no"),
                    r.detail,
                ]
                for r in rows
            ],
        )
    )
    return 0


def _conflicts(sync: Any, db: Any, args: argparse.Namespace) -> int:
    from justice_desk.cli.output import table
    from justice_desk.errors import UserError
    from justice_desk.services.sync import conflicts

    _check_conflicts_form(args)
    if args.resolve is not None:
        sync.resolve_conflict(db, args.resolve)
        print(_("Conflict {id} is marked as dealt with.").format(id=args.resolve))
        return 0
    if args.action == "decide":
        if not args.entry or not args.decision:
            raise UserError(
                _(
                    "Say which entry and what is decided: --entry NO --decision "
                    "keep-center|keep-province|resend|dismiss (and --note TEXT)."
                )
            )
        done = sync.decide_problem(
            db, args.entry, decision=args.decision, note=args.note or "", officer=args.officer
        )
        if args.json:
            print(json.dumps(conflicts.problem_json(done.problem), ensure_ascii=False, indent=2))
        else:
            print(done.describe())
        return 0
    gap_days = 7 if args.gap_days is None else args.gap_days
    if gap_days < 0:
        raise UserError(_("The number of days cannot be negative."))
    rows = sync.problem_list(db, args.center, open_only=not args.all, gap_days=gap_days)
    if args.json:
        print(json.dumps([conflicts.problem_json(p) for p in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("The conflict list is empty."))
        return 0
    print(
        table(
            [
                _("No."),
                _("Center"),
                pgettext("sync", "Record"),
                _("What happened"),
                _("What can be decided"),
                _("Decision"),
            ],
            [
                [
                    p.key,
                    f"{p.center_code} {p.center_name}",
                    p.record,
                    p.happened or p.reason_label,
                    ", ".join(d.value.replace("_", "-") for d in p.choices),
                    _decision_text(p),
                ]
                for p in rows
            ],
            max_width=40,
        )
    )
    return 0


def _check_conflicts_form(args: argparse.Namespace) -> None:
    """Every option is for one form: one given to another would be silently ignored (a
    decision typed without ``decide`` reprinted the list and stored nothing), so it is refused."""
    from justice_desk.errors import UserError

    decide_only = {"--entry": args.entry, "--decision": args.decision, "--note": args.note}
    decide_only["--officer"] = args.officer
    list_only = {"--center": args.center, "--all": args.all or None, "--gap-days": args.gap_days}
    if args.resolve is not None:
        given = [k for k, v in {**decide_only, **list_only}.items() if v is not None]
        if args.action == "decide" or given:
            raise UserError(
                _("--resolve ID marks one entry as dealt with and takes no other option.")
            )
        return
    wrong = list_only if args.action == "decide" else decide_only
    given = [k for k, v in wrong.items() if v is not None]
    if given and args.action == "decide":
        raise UserError(
            _("{options} is for listing, not for 'sync conflicts decide'.").format(
                options=", ".join(given)
            )
        )
    if given:
        raise UserError(
            _(
                "{options} is for deciding: use 'justice-desk sync conflicts decide --entry NO "
                "--decision keep-center|keep-province|resend|dismiss [--note TEXT] "
                "[--officer NAME]'."
            ).format(options=", ".join(given))
        )


def _decision_text(p: Any) -> str:
    if p.decision is None:
        return _("dealt with") if p.resolved else _("waiting")
    text = p.decision.decision_label
    if p.decision.note:
        text += f": {p.decision.note}"
    if p.decision.officer:
        text += " " + _("({name})").format(name=p.decision.officer)
    return text


def _epoch(sync: Any, db: Any, args: argparse.Namespace) -> int:
    decision = sync.decide_epoch(db, args.center, accept=args.accept, epoch=args.epoch)
    print(decision.describe())
    return 0


def _rotate(sync: Any, db: Any, args: argparse.Namespace) -> int:
    path = sync.rotate_center_keys(db, Path(args.output))
    print(
        _("New keys made. Send this key-change statement to the province: {path}").format(path=path)
    )
    return 0


def _revoke(sync: Any, db: Any, args: argparse.Namespace) -> int:
    print(sync.revoke_center_key(db, args.center, keep_through_seq=args.keep_through).describe())
    return 0


_COMMANDS = {
    "request": _request,
    "enrol": _enrol,
    "accept": _accept,
    "export": _export,
    "import": _import,
    "receipts": _receipts,
    "receipt": _receipt,
    "status": _status,
    "rotate": _rotate,
    "revoke": _revoke,
    "epoch": _epoch,
    "refused": _refused,
    "conflicts": _conflicts,
}
