"""``justice-desk encrypt --db DB --user LOGIN``: encrypt a database made before encryption.

The account (a coordinator or administrator: the ``keys`` right) signs in with its password
(``JUSTICE_DESK_PASSWORD`` or typed); the database is encrypted in place (a copy first, the
encrypted file checked before it replaces the database: ``services.encryption``), that account's
password opens it from then on, and the recovery key is printed once, for the chairperson.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from justice_desk.errors import UserError
from justice_desk.i18n import _


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "encrypt",
        help="encrypt a database made before encryption (a copy is taken first); prints the "
        "recovery key once",
    )
    p.add_argument("--db", required=True, metavar="PATH", help="the database file")
    p.add_argument(
        "--keep-plain-copy",
        action="store_true",
        help="keep the unencrypted copy taken first (it stays readable by anyone)",
    )


def run(args: argparse.Namespace) -> int:
    from justice_desk.cli import signin
    from justice_desk.domain.access import Permission
    from justice_desk.services import encryption
    from justice_desk.services.access import require
    from justice_desk.storage.database import open_database

    if encryption.is_encrypted(args.db):
        raise UserError(_("{path} is already encrypted.").format(path=args.db))
    db = open_database(args.db)
    try:
        if not db.has_accounts():
            raise UserError(
                _(
                    "Create the coordinator's account first (“justice-desk user add”): its "
                    "password will open the encrypted database."
                )
            )
        login = signin._login
        if login is None and signin.interactive():
            login = input(_("Login name: ")).strip() or None
        if login is None:
            raise UserError(_("Give your login with --user LOGIN."))
        password = os.environ.get(signin.PASSWORD_ENV)
        if password is None:
            if not signin.interactive():
                raise UserError(
                    _("Give the password of {login} in the environment variable {env}.").format(
                        login=login, env=signin.PASSWORD_ENV
                    )
                )
            password = signin.ask_password(_("Password of {login}: ").format(login=login))
        from justice_desk.services import accounts

        accounts.sign_in(db, login, password)
        require(db, Permission.KEYS)
    finally:
        db.dispose()
    print(encryption.conversion_message(db.target.path or args.db))
    done = encryption.encrypt_database(
        args.db, login=login, password=password, keep_plain_copy=args.keep_plain_copy
    )
    print(_("{path} is encrypted.").format(path=done.path))
    print(_("Recovery key (print it for the chairperson; it is not shown again):"))
    print(f"    {done.recovery_key}")
    print(
        _(
            "Other accounts open the encrypted database once their passwords are set again "
            "(“justice-desk user password”)."
        )
    )
    for path in done.moved_key_files:
        print(_("The sync key file {path} was moved into the database.").format(path=path))
    for path in done.plain_copies:
        print(
            _("Not encrypted: {path} (an older copy; delete it, or keep it locked away).").format(
                path=path
            )
        )
    return 0
