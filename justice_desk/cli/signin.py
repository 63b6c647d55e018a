"""Signing in on the command line: every command that opens a database opens it here.

A database with accounts needs a login and its password: ``--user LOGIN`` (or
``JUSTICE_DESK_USER``) and ``JUSTICE_DESK_PASSWORD`` for scripts; a person at a terminal is
asked for what is missing (the password with ``getpass``, never echoed). A database without
accounts (the demo, a database from before accounts) opens as before, and a person at a
terminal is told so on stderr.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from justice_desk.errors import UserError
from justice_desk.i18n import _

if TYPE_CHECKING:
    from justice_desk.storage.database import Database

USER_ENV = "JUSTICE_DESK_USER"
PASSWORD_ENV = "JUSTICE_DESK_PASSWORD"
NEW_PASSWORD_ENV = "JUSTICE_DESK_NEW_PASSWORD"

_login: str | None = None


def configure(login: str | None) -> None:
    """The login given on the command line (``--user``), else the environment's."""
    global _login
    _login = (login or os.environ.get(USER_ENV) or "").strip() or None


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def note(message: str) -> None:
    """A line for a person at a terminal (scripts' output stays as it was)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr)


def ask_password(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def ask_new_password(prompt: str) -> str:
    """A new password: ``JUSTICE_DESK_NEW_PASSWORD``, else typed twice at the terminal."""
    from justice_desk.services.accounts import check_password

    given = os.environ.get(NEW_PASSWORD_ENV)
    if given:
        return check_password(given)
    if not interactive():
        raise UserError(
            _("Give the new password in the environment variable {env}.").format(
                env=NEW_PASSWORD_ENV
            )
        )
    first = ask_password(prompt)
    check_password(first)
    return check_password(first, ask_password(_("The same password again: ")))


def credentials() -> tuple[str, str]:
    """The login and password of the person running the command (see the module's docstring)."""
    login = _login
    if login is None and interactive():
        login = input(_("Login name: ")).strip() or None
    if login is None:
        raise UserError(
            _(
                "This database has accounts: give your login with --user LOGIN (or {user_env}) "
                "and your password in {password_env}."
            ).format(user_env=USER_ENV, password_env=PASSWORD_ENV)
        )
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not interactive():
            raise UserError(
                _("Give the password of {login} in the environment variable {env}.").format(
                    login=login, env=PASSWORD_ENV
                )
            )
        password = ask_password(_("Password of {login}: ").format(login=login))
    return login, password


def sign_in(db: Database, given: tuple[str, str] | None = None) -> None:
    """Sign in to ``db`` when it has accounts (see the module's docstring)."""
    from justice_desk.services import accounts

    if not db.has_accounts():
        if db.setting("demo") == "1":
            note(_("Demo center: no login needed."))
        else:
            note(
                _(
                    "This database has no accounts yet: anyone can use it. Create the "
                    "coordinator's account with “justice-desk user add”."
                )
            )
        return
    login, password = given or credentials()
    accounts.sign_in(db, login, password)


def open_database(
    db_arg: str | None, *, create: bool = False, given: tuple[str, str] | None = None
) -> Database:
    """Open the database and sign in to it; the database is closed again on a refusal. An
    encrypted database (key slots beside it) is unlocked with the same login and password
    (``given``: already asked)."""
    from justice_desk.storage import database, keyslots
    from justice_desk.storage.locate import resolve_target

    path = resolve_target(db_arg).path
    key: bytes | None = None
    slot_id = ""
    earlier = 0
    if path is not None and path.exists() and keyslots.has_slots(path):
        from justice_desk.services.encryption import unlock_counted

        given = given or credentials()
        key, slot_id, earlier = unlock_counted(path, *given)
    db = database.open_database(db_arg, create=create, key=key)
    try:
        if given is not None and slot_id:
            from justice_desk.services.encryption import record_counted_failures

            record_counted_failures(db, given[0], earlier)
        sign_in(db, given)
    except BaseException:
        db.dispose()
        raise
    if given is not None and slot_id:
        from justice_desk.services.encryption import repair_slots, upgrade_slot

        repair_slots(db, given[0].strip().lower(), slot_id)
        upgrade_slot(db, given[0].strip().lower(), given[1], slot_id)
    return db
