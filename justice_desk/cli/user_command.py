"""``justice-desk user add|list|disable|enable|password``: accounts on the command line."""

from __future__ import annotations

import argparse
from typing import TypeVar

from justice_desk.i18n import _

_Parser = TypeVar("_Parser", bound=argparse.ArgumentParser)

ROLES = ["coordinator", "secretary", "mediator", "viewer", "officer", "administrator"]


def add_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    u = sub.add_parser(
        "user",
        help="accounts: add, list, disable, enable, change a password",
        description=(
            "Manage the accounts that may sign in to a database. New passwords are asked at "
            "the terminal (twice) or taken from $JUSTICE_DESK_NEW_PASSWORD. The person running "
            "the command signs in with --user LOGIN (or $JUSTICE_DESK_USER) and "
            "$JUSTICE_DESK_PASSWORD; the first account of a database needs no sign-in."
        ),
    )
    us = u.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", required=True, metavar="PATH", help="the database")

    p = us.add_parser("add", help="add an account")
    db(p)
    p.add_argument("login", metavar="LOGIN", help="the new login name (letters, digits, . _ -)")
    p.add_argument(
        "--role",
        choices=ROLES,
        help="center: coordinator, secretary, mediator, viewer; province: administrator, "
        "officer (default: the first account's role, coordinator or administrator)",
    )
    p.add_argument("--name", help="the person's name as shown (default: the login)")
    p.add_argument(
        "--person",
        metavar="ID",
        help="the person in the register (UUID or 13-digit national ID); required for a mediator",
    )

    p = us.add_parser("list", help="list the accounts")
    db(p)
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = us.add_parser("disable", help="disable an account (it can no longer sign in)")
    db(p)
    p.add_argument("login", metavar="LOGIN")

    p = us.add_parser(
        "enable",
        help="enable a disabled account again (on an encrypted database, with a new password: "
        "$JUSTICE_DESK_NEW_PASSWORD or asked at the terminal)",
    )
    db(p)
    p.add_argument("login", metavar="LOGIN")

    p = us.add_parser(
        "recover",
        help="every password lost: open an encrypted database with its recovery key "
        "($JUSTICE_DESK_RECOVERY_KEY, or typed at the terminal) and set a new password for a "
        "coordinator (administrator)",
    )
    db(p)
    p.add_argument(
        "login", metavar="LOGIN", nargs="?", help="the coordinator (default: the only one)"
    )

    p = us.add_parser(
        "password",
        help="change a password: your own (the default), or, for the coordinator or the "
        "administrator, anyone's",
    )
    db(p)
    p.add_argument("login", metavar="LOGIN", nargs="?", help="whose password (default: yours)")


def run(args: argparse.Namespace) -> int:
    from justice_desk.cli import output, signin
    from justice_desk.domain import access as rules
    from justice_desk.domain.enums import SiteKind
    from justice_desk.errors import UserError
    from justice_desk.services import accounts

    if args.user_command == "recover":
        return _recover(args)
    db = signin.open_database(args.db)
    try:
        if args.user_command == "add":
            if args.role:
                role = rules.Role(args.role)
            else:
                role = rules.FIRST_ROLE[SiteKind(db.mode or "center")]
            person = accounts.person_for(db, args.person) if args.person else None
            password = signin.ask_new_password(_("Password for {login}: ").format(login=args.login))
            info = accounts.add_account(
                db, args.login, args.name or args.login, role, password, person_id=person
            )
            print(
                _("Added the account {login} ({role}).").format(
                    login=info.login, role=info.role.label()
                )
            )
        elif args.user_command == "list":
            found = accounts.list_accounts(db)
            if args.json:
                print(output.dumps(found))
            else:
                rows = [
                    [
                        a.login,
                        a.name,
                        a.role.label(),
                        _("enabled") if a.enabled else _("disabled"),
                    ]
                    for a in found
                ]
                print(output.table([_("Login"), _("Name"), _("Role"), _("State")], rows))
        elif args.user_command == "enable" and accounts.is_encrypted(db):
            # its key slot went when it was disabled: the old password no longer opens the file
            password = signin.ask_new_password(
                _("New password for {login} (this database is encrypted): ").format(
                    login=args.login
                )
            )
            info = accounts.set_enabled(db, args.login, True, new_password=password)
            print(
                _("The account {login} is enabled with the new password.").format(login=info.login)
            )
        elif args.user_command in ("disable", "enable"):
            info = accounts.set_enabled(db, args.login, args.user_command == "enable")
            message = (
                _("The account {login} is enabled.")
                if info.enabled
                else _("The account {login} is disabled.")
            )
            print(message.format(login=info.login))
        else:
            who = db.actor
            login = args.login or who.login
            if not login:
                raise UserError(_("Name the account whose password to change."))
            old = None
            if who.login == login:
                import os

                old = os.environ.get(signin.PASSWORD_ENV)
                if old is None and signin.interactive():
                    old = signin.ask_password(_("Current password: "))
            password = signin.ask_new_password(_("New password for {login}: ").format(login=login))
            accounts.change_password(db, login, password, old_password=old)
            print(_("The password of {login} is changed.").format(login=login))
    finally:
        db.dispose()
    return 0


def _recover(args: argparse.Namespace) -> int:
    """``user recover``: no sign-in; the recovery key opens the database."""
    import os

    from justice_desk.cli import signin
    from justice_desk.errors import UserError
    from justice_desk.services import encryption

    if not encryption.is_encrypted(args.db):
        raise UserError(
            _(
                "{path} is not encrypted: it has no recovery key. Sign in as a coordinator and "
                "use “justice-desk user password LOGIN”."
            ).format(path=args.db)
        )
    env = "JUSTICE_DESK_RECOVERY_KEY"
    recovery = os.environ.get(env, "").strip()
    if not recovery and signin.interactive():
        recovery = signin.ask_password(_("Recovery key: "))
    if not recovery:
        raise UserError(
            _("Give the recovery key in the environment variable {env}.").format(env=env)
        )
    db = encryption.open_with_recovery(args.db, recovery)
    try:
        choices = [login for login, _shown in encryption.recovery_accounts(db)]
        login = (args.login or "").strip().lower()
        if not login and len(choices) == 1:
            login = choices[0]
        if not login or login not in choices:
            raise UserError(
                _("Name the coordinator whose password to set: {logins}.").format(
                    logins=", ".join(choices) or "-"
                )
            )
        password = signin.ask_new_password(_("New password for {login}: ").format(login=login))
        encryption.reset_with_recovery(db, login, password)
    finally:
        db.dispose()
    print(
        _("The password of {login} is set with the recovery key; sign in with it now.").format(
            login=login
        )
    )
    return 0
