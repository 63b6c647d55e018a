"""``justice-desk``: the command line (English help; messages in the app's language).

Exit codes: 0 success, 2 bad input or a problem the user can fix (one line on stderr), 1 an
unexpected error (one line on stderr; the details go to the log file). ``sync import`` also
exits 3 when a file was held, rejected or skipped (docs/sync.md, "Import outcomes and reasons").
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from justice_desk import __version__, i18n, paths
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _

log = logging.getLogger("justice_desk.cli")


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports bad arguments in one line (exit 2) instead of usage + message."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _db_arg(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument(
        "--db",
        required=required,
        metavar="PATH",
        help="database file (or a SQLAlchemy URL such as postgresql+psycopg://...); "
        "default: $JUSTICE_DESK_DB or the file in the user data folder",
    )


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="justice-desk",
        description=(
            "Justice Desk: registers, cases, meetings and sync for Community Justice Centers. "
            "Without a command, opens the desktop app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_arg(parser)
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        help="language of messages (default: th, or $JUSTICE_DESK_LANG)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)

    init = sub.add_parser("init", help="create a new center or province database")
    init_sub = init.add_subparsers(
        dest="what", metavar="{center,province}", required=True, parser_class=ArgumentParser
    )
    c = init_sub.add_parser("center", help="create a Community Justice Center database")
    _db_arg(c, required=True)
    c.add_argument("--code", required=True, help="the center's code")
    c.add_argument("--name", required=True, help="the center's name, e.g. ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ")
    c.add_argument("--province", required=True)
    c.add_argument("--amphoe")
    c.add_argument("--tambon")
    c.add_argument("--host", help="host local government (อปท.)")
    c.add_argument(
        "--type",
        choices=["cjc", "mediation", "both"],
        default="both",
        help="center type (default: both)",
    )
    pr = init_sub.add_parser("province", help="create a Provincial Justice Office database")
    _db_arg(pr, required=True)
    pr.add_argument("--province", required=True)
    pr.add_argument("--code", help="the office's code")
    for p in (c, pr):
        p.add_argument(
            "--login",
            metavar="LOGIN",
            help="the first account (the center's coordinator, the office's administrator); "
            "its password is asked, or taken from $JUSTICE_DESK_PASSWORD. Without it a person "
            "at a terminal is asked; a script gets a database without accounts",
        )
        p.add_argument("--full-name", metavar="NAME", help="the first account's name as shown")
        p.add_argument(
            "--plain",
            action="store_true",
            help="do not encrypt the database file (with --login it is encrypted, and the "
            "recovery key printed once)",
        )

    d = sub.add_parser(
        "demo",
        help="create a demo center, or add demo records to an existing center database; "
        "'demo province' makes a province of many demo centers",
    )
    d.add_argument(
        "what",
        nargs="?",
        choices=["center", "province"],
        default="center",
        help="center (default), or province: N demo centers enrolled with a Provincial Justice "
        "Office, their bundles exported and imported through the real sync path",
    )
    _db_arg(d, required=True)
    d.add_argument(
        "--seed",
        type=int,
        default=1,
        help="random seed; the same seed gives the same data (default 1)",
    )
    d.add_argument("--people", type=_count, default=60, help="people to add (default 60)")
    d.add_argument("--cases", type=_count, default=300, help="cases to add (default 300)")
    d.add_argument("--meetings", type=_count, default=24, help="meetings to add (default 24)")
    d.add_argument(
        "--centers", type=_count, default=10, help="province: demo centers to add (default 10)"
    )
    d.add_argument("--years", type=_count, default=5, help="province: years of records (default 5)")
    d.add_argument(
        "--direct",
        action="store_true",
        help="province: write the centers' rows straight into the database (a few template "
        "centers reused; much faster, no bundles) instead of exporting and importing bundles",
    )
    d.add_argument(
        "--work",
        metavar="DIR",
        help="province: make the centers' databases, keys and bundles here and keep them "
        "(default: a temporary folder, deleted)",
    )

    ls = sub.add_parser("list", help="list records")
    ls.add_argument("what", choices=["people", "members", "meetings", "cases", "activities"])
    _db_arg(ls, required=True)
    ls.add_argument("--search", metavar="TEXT", help="Thai or other text to look for (substring)")
    ls.add_argument(
        "--center", metavar="CODE", help="on a province database: only this center's records"
    )
    ls.add_argument("--limit", type=_count, default=0, help="at most this many rows (default: all)")
    ls.add_argument("--json", action="store_true", help="print a JSON array of objects")

    add = sub.add_parser("add", help="add a record (today: a person)")
    add_sub = add.add_subparsers(
        dest="what", metavar="{person}", required=True, parser_class=ArgumentParser
    )
    ap = add_sub.add_parser(
        "person",
        help="add a person to the register; a national ID already on file is refused, an alike "
        "name with the same birth is a warning",
    )
    _db_arg(ap, required=True)
    ap.add_argument("--title", help="e.g. นาย, นาง, นางสาว")
    ap.add_argument("--given-name", required=True)
    ap.add_argument("--surname")
    ap.add_argument("--national-id", metavar="DIGITS", help="13 digits, separators allowed")
    ap.add_argument("--no-id-reason", metavar="TEXT", help="why there is no national ID")
    ap.add_argument(
        "--birth-date",
        metavar="YYYY-MM-DD",
        help="a year above 2400 is read as Buddhist Era (2510-03-03), else as CE",
    )
    ap.add_argument("--birth-year", type=int, metavar="YEAR", help="when only the year is known")
    ap.add_argument("--sex", choices=["male", "female", "unspecified"], default="unspecified")
    for name in ("house-no", "moo", "village", "tambon", "amphoe", "province", "phone"):
        ap.add_argument(f"--{name}")
    ap.add_argument("--json", action="store_true", help="print the person added as JSON")

    m = sub.add_parser(
        "migrate", help="upgrade a database to this version (a copy of the old file is kept)"
    )
    _db_arg(m, required=True)

    b = sub.add_parser("backup", help="make a checked online backup of a database")
    _db_arg(b, required=True)
    where = b.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="DIR", help="folder to write the backup into")
    where.add_argument(
        "--auto",
        action="store_true",
        help="an automatic backup, as the app makes on closing: into the backups folder of the "
        "data folder, then the rotation (keep the newest of the last days, weeks and months)",
    )
    b.add_argument("--keep-days", type=_count, default=7, metavar="N", help="with --auto (7)")
    b.add_argument("--keep-weeks", type=_count, default=5, metavar="N", help="with --auto (5)")
    b.add_argument("--keep-months", type=_count, default=12, metavar="N", help="with --auto (12)")

    r = sub.add_parser(
        "restore", help="put a backup in place of a database (the current file is kept aside)"
    )
    _db_arg(r, required=True)
    r.add_argument(
        "--from", dest="backup", required=True, metavar="FILE", help="the backup file to restore"
    )
    r.add_argument(
        "--backup-user",
        metavar="LOGIN",
        help="an encrypted backup: the account that opens it, when not the one signing in "
        "(its password in $JUSTICE_DESK_BACKUP_PASSWORD, else $JUSTICE_DESK_PASSWORD; or the "
        "recovery key in $JUSTICE_DESK_RECOVERY_KEY)",
    )

    sub.add_parser(
        "self-test",
        help="check that this installation works: database, migrations, Thai text, a PDF, sync "
        "(in a temporary folder; your data is not touched)",
    )

    from justice_desk.cli import (
        audit_command,
        dashboard_command,
        encrypt_command,
        escalations_command,
        export_command,
        print_command,
        privacy_command,
        report_command,
        sync_command,
        user_command,
    )

    print_command.add_parser(sub)
    export_command.add_parser(sub)
    sync_command.add_parser(sub)
    dashboard_command.add_parser(sub)
    escalations_command.add_parser(sub)
    report_command.add_parser(sub)
    user_command.add_parser(sub)
    audit_command.add_parser(sub)
    privacy_command.add_parsers(sub)
    encrypt_command.add_parser(sub)
    _add_user_option(parser)
    return parser


def _add_user_option(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """``--user LOGIN`` wherever ``--db`` is (before or after the command)."""
    options = {o for a in parser._actions for o in a.option_strings}
    if top or ("--db" in options and "--user" not in options):
        parser.add_argument(
            "--user",
            metavar="LOGIN",
            default=None if top else argparse.SUPPRESS,
            help="sign in as LOGIN (default: $JUSTICE_DESK_USER); the password is "
            "$JUSTICE_DESK_PASSWORD or asked at the terminal",
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_user_option(child, top=False)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _progress_printer(label: str) -> Any:
    state = {"last": -1}

    def progress(done: int, total: int, message: str) -> None:
        if not sys.stderr.isatty() or not total:
            return
        pct = int(done * 100 / total)
        if pct != state["last"]:
            state["last"] = pct
            print(f"\r{label}: {pct}% {message}", end="", file=sys.stderr, flush=True)

    return progress


def cmd_init(args: argparse.Namespace) -> int:
    """A new center or province office. With a first account (``--login``, or typed at a
    terminal) a database file is encrypted from the start, as the first-run dialog makes it,
    and the recovery key is printed once; a script without ``--login`` gets a plain database
    without accounts (encrypted later by ``justice-desk encrypt``, or by the window's first
    start once it has an account)."""
    from justice_desk.cli import signin
    from justice_desk.domain.enums import CenterType
    from justice_desk.services import accounts, encryption, setup
    from justice_desk.storage.locate import resolve_target

    def create(key: bytes | None = None) -> Any:
        if args.what == "center":
            return setup.init_center(
                args.db,
                code=args.code,
                name=args.name,
                province=args.province,
                amphoe=args.amphoe,
                tambon=args.tambon,
                host_organisation=args.host,
                center_type=CenterType(args.type),
                key=key,
            )
        return setup.init_province(args.db, province=args.province, code=args.code, key=key)

    created = (
        _("Created the center database {path}.")
        if args.what == "center"
        else _("Created the province database {path}.")
    )
    login = args.login
    if login is None and signin.interactive():
        login = input(_("Login name of the first account (the coordinator): ")).strip() or None
    path = resolve_target(args.db).path
    if login is None or path is None or args.plain:
        db = create()
        print(created.format(path=db.target.display))
        try:
            if login is None:
                print(
                    _(
                        "No account was created: anyone can use this database until the first "
                        "one is. Create it with “justice-desk user add --db {path} LOGIN”."
                    ).format(path=db.target.display)
                )
            else:
                password = _first_password(login)
                info = accounts.create_first_account(db, login, args.full_name or login, password)
                _account_added(info)
        finally:
            db.dispose()
        return 0
    password = _first_password(login)
    made = encryption.set_up_encrypted(
        path, login=login, name=args.full_name or login, password=password, create=create
    )
    try:
        print(created.format(path=made.db.target.display))
        for info in accounts.list_accounts(made.db):
            _account_added(info)
    finally:
        made.db.dispose()
    print(_("The database is encrypted: the password of {login} opens it.").format(login=login))
    print(_("Recovery key (print it for the chairperson; it is not shown again):"))
    print(f"    {made.recovery_key}")
    return 0


def _first_password(login: str) -> str:
    from justice_desk.cli import signin

    return os.environ.get(signin.PASSWORD_ENV) or signin.ask_new_password(
        _("Password for {login}: ").format(login=login)
    )


def _account_added(info: Any) -> None:
    print(_("Added the account {login} ({role}).").format(login=info.login, role=info.role.label()))


def cmd_demo(args: argparse.Namespace) -> int:
    if args.what == "province":
        return _demo_province(args)
    from justice_desk.cli.signin import open_database
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.storage.locate import resolve_target

    target = resolve_target(args.db)
    if target.path is not None and not target.path.exists():
        db = setup.init_demo_center(args.db)
    else:
        db = open_database(args.db)
        if db.mode != "center":
            db.dispose()
            raise UserError(_("Demo records can only be added to a center database."))
    try:
        summary = generate_demo(
            db,
            seed=args.seed,
            people=args.people,
            cases=args.cases,
            meetings=args.meetings,
            progress=_progress_printer("demo"),
        )
    finally:
        db.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        _(
            "Demo data written to {path}: {people} people, {cases} cases, {meetings} meetings."
        ).format(
            path=target.display,
            people=summary.people,
            cases=summary.cases,
            meetings=summary.meetings,
        )
    )
    return 0


def _demo_province(args: argparse.Namespace) -> int:
    from justice_desk.services.demo import province

    db = province.open_or_create_province(args.db)
    last = {"step": -1}

    def progress(done: int, total: int, message: str) -> None:
        # A line every few percent, also into a log file: a big province takes a while.
        step = done * 20 // max(1, total)
        if step != last["step"] or done == total:
            last["step"] = step
            print(f"demo province: {done}/{total} {message}", file=sys.stderr, flush=True)

    try:
        summary = province.generate_province(
            db,
            centers=args.centers,
            years=args.years,
            seed=args.seed,
            direct=args.direct,
            work=Path(args.work) if args.work else None,
            progress=progress,
        )
    finally:
        db.dispose()
    print(
        _(
            "Demo province written to {path}: {centers} centers, {records} records in "
            "{bundles} bundles, {seconds:.1f} s ({rate:,.0f} records a second)."
        ).format(
            path=db.target.display,
            centers=summary.centers,
            records=summary.records,
            bundles=summary.bundles,
            seconds=summary.seconds,
            rate=summary.records_per_second,
        )
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from justice_desk.cli import output
    from justice_desk.cli.signin import open_database
    from justice_desk.domain.dates import format_date
    from justice_desk.services import activities, cases, meetings, people, setup

    db = open_database(args.db)
    try:
        owner = setup.find_site(db, args.center).id if args.center else None
        limit = args.limit or 10**9
        lang = i18n.language()
        # Each kind of list has its own row type; ``found`` keeps the rows for --json.
        found: Sequence[object]
        rows: list[list[str]]
        if args.what == "people":
            people_page = people.list_people(db, search=args.search, owner_id=owner, limit=limit)
            headers = [_("Name"), _("National ID"), _("Phone"), _("Village"), _("Role")]
            rows = [
                [p.name, p.masked_id, p.phone or "", p.village or "", p.community_role or ""]
                for p in people_page.rows
            ]
            found, total = people_page.rows, people_page.total
        elif args.what == "members":
            members = people.list_members(db, search=args.search, owner_id=owner, limit=limit)
            headers = [_("Name"), _("Member no."), _("Joined"), _("Status")]
            rows = [
                [
                    m.person_name,
                    m.member_no or "",
                    format_date(m.joined_on, lang, short=True),
                    m.status.label(),
                ]
                for m in members.rows
            ]
            found, total = members.rows, members.total
        elif args.what == "meetings":
            meeting_page = meetings.list_meetings(
                db, search=args.search, owner_id=owner, limit=limit
            )
            headers = [_("No."), _("Date"), _("Place"), _("Status"), _("Members present")]
            rows = [
                [
                    r.number,
                    format_date(r.held_on, lang, short=True),
                    r.place or "",
                    r.status.label(),
                    r.quorum.attended(),
                ]
                for r in meeting_page.rows
            ]
            found, total = meeting_page.rows, meeting_page.total
        elif args.what == "cases":
            case_page = cases.list_cases(db, search=args.search, owner_id=owner, limit=limit)
            headers = [_("No."), _("Received"), _("Kind"), _("Status"), _("Subject"), _("Parties")]
            rows = [
                [
                    c.number,
                    format_date(c.received_on, lang, short=True),
                    c.kind.label(),
                    c.status.label(),
                    c.subject,
                    c.parties,
                ]
                for c in case_page.rows
            ]
            found, total = case_page.rows, case_page.total
        else:
            activity_page = activities.list_activities(
                db, search=args.search, owner_id=owner, limit=limit
            )
            headers = [_("Date"), _("Topic"), _("Place"), _("Participants")]
            rows = [
                [
                    format_date(a.held_on, lang, short=True),
                    a.topic,
                    a.place or "",
                    str(a.participants),
                ]
                for a in activity_page.rows
            ]
            found, total = activity_page.rows, activity_page.total
    finally:
        db.dispose()
    if args.json:
        print(output.dumps(found))
    else:
        print(output.table(headers, rows))
        print(_("{shown} of {total} shown.").format(shown=len(rows), total=total))
    return 0


def _be_or_ce_date(text: str) -> Any:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            _("{text} is not a date: write it as YYYY-MM-DD, for example 2510-03-03.").format(
                text=text
            )
        ) from None
    return day.replace(year=day.year - 543) if day.year > 2400 else day


def _be_or_ce_year(year: int) -> int:
    return year - 543 if year > 2400 else year


def cmd_add(args: argparse.Namespace) -> int:
    from justice_desk.cli import output
    from justice_desk.cli.signin import open_database
    from justice_desk.domain.enums import Sex
    from justice_desk.services import people

    data = people.PersonInput(
        title=args.title,
        given_name=args.given_name,
        surname=args.surname,
        national_id=args.national_id,
        no_id_reason=args.no_id_reason,
        birth_date=_be_or_ce_date(args.birth_date) if args.birth_date else None,
        birth_year=_be_or_ce_year(args.birth_year) if args.birth_year else None,
        sex=Sex(args.sex),
        house_no=args.house_no,
        moo=args.moo,
        village=args.village,
        tambon=args.tambon,
        amphoe=args.amphoe,
        province=args.province,
        phone=args.phone,
    )
    db = open_database(args.db)
    try:
        saved = people.create_person(db, data)
    finally:
        db.dispose()
    for warning in saved.warnings:
        print(_("warning: {message}").format(message=warning), file=sys.stderr)
    if args.json:
        print(output.dumps(saved.record))
    else:
        print(_("Added {name}.").format(name=saved.record.full_name))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from justice_desk.cli import signin
    from justice_desk.services import encryption, maintenance

    if encryption.is_encrypted(args.db):
        # an encrypted database is opened (and upgraded) with its key, as every command does
        db, revision = signin.open_database(args.db), maintenance.HEAD
    else:
        db, revision = maintenance.migrate(args.db)
    print(_("{path} is at schema {revision}.").format(path=db.target.display, revision=revision))
    db.dispose()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from justice_desk.cli.signin import open_database
    from justice_desk.domain.backup_names import Retention
    from justice_desk.services import backups, maintenance

    db = open_database(args.db)
    try:
        if args.auto:
            policy = Retention(args.keep_days, args.keep_weeks, args.keep_months)
            result = backups.automatic_backup(db, paths.backups_dir(), policy)
            path = result.path
        else:
            path = maintenance.backup(db, Path(args.to))
    finally:
        db.dispose()
    print(_("Backup written and checked: {path}").format(path=path))
    if args.auto:
        for old in result.removed:
            print(_("Removed by the rotation: {path}").format(path=old))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from justice_desk.cli import signin
    from justice_desk.cli.signin import open_database
    from justice_desk.domain.access import Permission
    from justice_desk.errors import SignInFailed
    from justice_desk.services import backups
    from justice_desk.services.access import require
    from justice_desk.storage import keyslots

    backup = Path(args.backup)
    existed = Path(args.db).is_file()
    if existed:
        try:
            db = open_database(args.db)  # the person replacing the database must be allowed to
        except (keyslots.WrongCredentialsError, SignInFailed) as exc:
            raise UserError(
                _("The current database {path} refused: {error}").format(path=args.db, error=exc)
            ) from exc
        try:
            require(db, Permission.RESTORE)
        finally:
            db.dispose()
    key = None
    if backups.backup_is_encrypted(backup):
        try:
            key = _backup_key(backup, signin, getattr(args, "backup_user", None))
        except keyslots.WrongCredentialsError as exc:
            raise UserError(
                _(
                    "The backup {path} refused: {error} (a password changed since the backup "
                    "was made: give the old one in {env}, or use the recovery key)"
                ).format(path=backup, error=exc, env=BACKUP_PASSWORD_ENV)
            ) from exc
    kept = backups.restore(backup, args.db, key=key)
    if existed and Path(kept).exists() and Path(kept).resolve() != Path(args.db).resolve():
        print(
            _("Restored {backup} into {path}. The previous file is kept as {kept}.").format(
                backup=args.backup, path=args.db, kept=kept
            )
        )
    else:
        print(_("Restored {backup} into {path}.").format(backup=args.backup, path=args.db))
    return 0


RECOVERY_ENV = "JUSTICE_DESK_RECOVERY_KEY"
BACKUP_PASSWORD_ENV = "JUSTICE_DESK_BACKUP_PASSWORD"


def _backup_key(backup: Path, signin: Any, backup_user: str | None = None) -> bytes | None:
    """An encrypted backup opens with the recovery key (``$JUSTICE_DESK_RECOVERY_KEY``), else
    with the password of an account that existed when it was made (``--user`` and
    ``$JUSTICE_DESK_PASSWORD``, or typed at a terminal: an empty login asks for the recovery
    key instead)."""
    from justice_desk.services import backups

    recovery = os.environ.get(RECOVERY_ENV, "").strip()
    separate = os.environ.get(BACKUP_PASSWORD_ENV)
    if not recovery and (backup_user or separate):
        login = backup_user or signin._login
        if login is None:
            raise UserError(_("Name the account that opens the backup with --backup-user LOGIN."))
        if separate is None:
            separate = signin.credentials()[1] if signin._login else ""
        if not separate and signin.interactive():
            separate = signin.ask_password(
                _("Password of {login} when the backup was made: ").format(login=login)
            )
        return backups.check_backup(backup, login=login, secret=separate).key
    if not recovery and signin._login is None and signin.interactive():
        login = input(_("Login name (leave it empty to type the recovery key): ")).strip()
        if login:
            signin.configure(login)
        else:
            recovery = signin.ask_password(_("Recovery key: "))
    if recovery:
        return backups.check_backup(backup, secret=recovery).key
    if signin._login is None:
        raise UserError(
            _(
                "The backup {path} is encrypted: give the login of an account that existed when "
                "it was made with --user LOGIN and its password in {password_env}, or the "
                "recovery key in {recovery_env}."
            ).format(path=backup, password_env=signin.PASSWORD_ENV, recovery_env=RECOVERY_ENV)
        )
    login, password = signin.credentials()
    return backups.check_backup(backup, login=login, secret=password).key


def cmd_sync(args: argparse.Namespace) -> int:
    from justice_desk.cli import sync_command

    return sync_command.run(args)


def cmd_self_test(args: argparse.Namespace) -> int:
    from justice_desk.services import self_test

    def report(result: self_test.CheckResult) -> None:
        outcome = _("ok") if result.ok else _("FAILED: {reason}").format(reason=result.failure)
        print(f"{result.name}: {outcome}", flush=True)

    results = self_test.run_checks(report)
    return 0 if all(r.ok for r in results) else 2


def cmd_export(args: argparse.Namespace) -> int:
    from justice_desk.cli import export_command

    return export_command.run(args)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from justice_desk.cli import dashboard_command

    return dashboard_command.run(args)


def cmd_report(args: argparse.Namespace) -> int:
    from justice_desk.cli import report_command

    return report_command.run(args)


def cmd_escalations(args: argparse.Namespace) -> int:
    from justice_desk.cli import escalations_command

    return escalations_command.run(args)


def cmd_print(args: argparse.Namespace) -> int:
    from justice_desk.cli import print_command

    return print_command.run(args)


def cmd_user(args: argparse.Namespace) -> int:
    from justice_desk.cli import user_command

    return user_command.run(args)


def cmd_audit(args: argparse.Namespace) -> int:
    from justice_desk.cli import audit_command

    return audit_command.run(args)


def cmd_encrypt(args: argparse.Namespace) -> int:
    from justice_desk.cli import encrypt_command

    return encrypt_command.run(args)


COMMANDS = {
    "user": cmd_user,
    "audit": cmd_audit,
    "encrypt": cmd_encrypt,
    "print": cmd_print,
    "export": cmd_export,
    "init": cmd_init,
    "demo": cmd_demo,
    "list": cmd_list,
    "add": cmd_add,
    "migrate": cmd_migrate,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "sync": cmd_sync,
    "dashboard": cmd_dashboard,
    "escalations": cmd_escalations,
    "report": cmd_report,
    "self-test": cmd_self_test,
    "person": lambda args: _privacy_command().run_person(args),
    "privacy": lambda args: _privacy_command().run_privacy(args),
}


def _privacy_command() -> Any:
    from justice_desk.cli import privacy_command

    return privacy_command


def setup_logging() -> None:
    """Log to a file in the data folder; never to the user's terminal."""
    try:
        path = paths.log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("justice_desk")
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(
    argv: Sequence[str] | None = None, *, run_gui: Callable[[str | None], int] | None = None
) -> int:
    """Run a command; without one, hand over to ``run_gui`` (the app entry passes it in, so that
    the command line never imports the GUI)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    i18n.set_language(args.lang or i18n.initial_language())
    from justice_desk.cli import signin

    signin.configure(getattr(args, "user", None))
    setup_logging()
    if args.command is None:
        if run_gui is None:
            parser.print_help()
            return 2
        return run_gui(args.db)
    from justice_desk.cli.output import safe_text, terminal_safe

    try:
        with terminal_safe():
            return COMMANDS[args.command](args)
    except UserError as exc:
        # a refused record with a stable reason (a duplicate national ID) names it first
        reason = getattr(exc, "reason", None) if isinstance(exc, ValidationError) else None
        prefix = f"justice-desk: [{reason}] " if isinstance(reason, str) else "justice-desk: "
        print(safe_text(f"{prefix}{exc}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("justice-desk: stopped."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``justice-desk list cases | head``): stop quietly, as other
        # command-line tools do; the output still buffered would raise again at exit.
        _silence_stdout()
        return 0
    except Exception:  # noqa: BLE001 - the last line of defence: one line for people, details in the log
        log.exception("unexpected error in %s", args.command)
        print(
            _(
                "justice-desk: an unexpected error happened; "
                "details are in {log}. Please report it."
            ).format(log=paths.log_file()),
            file=sys.stderr,
        )
        return 1
