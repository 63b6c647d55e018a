"""``justice-desk encrypt --db DB --user LOGIN``: encrypt a database made before encryption;
``justice-desk encrypt --rekey --db DB --user LOGIN``: give an encrypted database a new key.

The account (a coordinator or administrator: the ``keys`` right) signs in with its password
(``JUSTICE_DESK_PASSWORD`` or typed); the database is encrypted in place (a copy first, the
encrypted file checked before it replaces the database: ``services.encryption``), that account's
password opens it from then on, and the recovery key is printed once, for the chairperson.

``--rekey`` (after an account is disabled, or a laptop or a password is known to be in the wrong
hands): a new random database key, every enabled account's key slot sealed to it (their
passwords do not change), and a new recovery key printed once — the old one, which a disabled
account's holder may have seen, no longer opens the database (``services.encryption.
rekey_database``).
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
        "--rekey",
        action="store_true",
        help="give an encrypted database a new key (after an account is disabled or a "
        "password or laptop is compromised); prints a new recovery key once",
    )
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

    if args.rekey:
        return rekey(args)
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


def rekey(args: argparse.Namespace) -> int:
    """``encrypt --rekey``: sign in (a coordinator or administrator), change the key, print the
    new recovery key once and who needs a new password."""
    from justice_desk.cli import signin
    from justice_desk.services import encryption

    if not encryption.is_encrypted(args.db):
        raise UserError(
            _(
                "{path} is not encrypted: there is no key to change. Encrypt it first "
                "(“justice-desk encrypt --db {path}”)."
            ).format(path=args.db)
        )
    login, password = signin.credentials()
    db = signin.open_database(args.db, given=(login, password))
    try:
        done = encryption.rekey_database(db, password)
    finally:
        db.dispose()
    done.db.dispose()
    print(_("The database key of {path} was changed.").format(path=args.db))
    print(_("New recovery key (print it for the chairperson; it is not shown again):"))
    print(f"    {done.recovery_key}")
    print(
        _(
            "The old recovery key no longer opens the database: destroy the old sheet. "
            "Disabled accounts and copies of the old key file no longer open it either."
        )
    )
    if done.rewrapped:
        print(
            _("These accounts keep their passwords: {logins}").format(
                logins=", ".join(done.rewrapped)
            )
        )
    for name in done.unslotted:
        print(
            _(
                "{login} needs a new password before opening the database: "
                "“justice-desk user password {login} --db {path}”."
            ).format(login=name, path=args.db)
        )
    print(
        _(
            "Backups made before now still open with the old key and the old passwords: "
            "delete them, or keep them as carefully as the old recovery key."
        )
    )
    return 0
