"""Encryption at rest for people: opening an encrypted database with a password or the recovery
key, and encrypting a database made before encryption (docs/architecture.md, "Encryption at
rest").

The GUI's sign-in and first start and the command line call these. An encrypted database is
opened with the key its key slots give for an account's password (``open_with_password``) or
the recovery key (``open_with_recovery``). A real (not demo) database left plain by an earlier
release is encrypted on its first start after the upgrade (``encrypt_database``): the first
coordinator's password gets a slot, a recovery key is made and shown once, and the site's sync
key files move inside.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from justice_desk.errors import SignInFailed, UserError
from justice_desk.i18n import _
from justice_desk.storage import cipher, conversion, keyslots
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.locate import Target, glance, resolve_target


@dataclass(frozen=True)
class Encrypted:
    """What ``encrypt_database`` did."""

    path: Path
    #: Shown once, for the chairperson to print and keep; never stored anywhere.
    recovery_key: str
    #: Sync key files moved into the database (then deleted).
    moved_key_files: tuple[Path, ...]
    #: Readable copies still on the disk (taken before upgrades or restores): to delete, or
    #: to keep locked away.
    plain_copies: tuple[Path, ...]


def _sqlite_path(db_path: str | os.PathLike[str] | None) -> Path:
    target = resolve_target(db_path)
    if target.path is None:
        raise UserError(
            _(
                "A server database is protected by its server (disk encryption, TLS), not by "
                "Justice Desk's encryption."
            )
        )
    return target.path


def is_encrypted(db_path: str | os.PathLike[str] | None) -> bool:
    """An encrypted database file (it needs a sign-in before anything can be read)."""
    target = resolve_target(db_path)
    return target.path is not None and cipher.looks_encrypted(target.path)


def conversion_due(db_path: str | os.PathLike[str] | None) -> bool:
    """A plain database of a real center or province office, to encrypt at this start. Demo
    databases stay plain (they hold invented people and open without signing in)."""
    target: Target = resolve_target(db_path)
    if target.path is None or not target.path.is_file() or not cipher.is_plain(target.path):
        return False
    seen = glance(target)
    return seen is not None and not seen.demo


def conversion_message(path: Path, *, first_account: bool = False) -> str:
    """What the first start after the upgrade (or the creation of the first account) tells the
    person before encrypting."""
    if first_account:
        return _(
            "The coordinator's account is made. Encrypt the database {path} now, so that a "
            "copy of the file cannot be read without a password? A copy is taken first; the "
            "database is changed only once the encrypted copy is complete and checked. You "
            "will then see a recovery key: print it for the chairperson to keep, as it is the "
            "only way in if every password is lost."
        ).format(path=path)
    return _(
        "This version of Justice Desk encrypts the database {path}, so that a copy of the file "
        "cannot be read without a password. A copy is taken first; the database is changed "
        "only once the encrypted copy is complete and checked. You will then see a recovery "
        "key: print it for the chairperson to keep, as it is the only way in if every password "
        "is lost."
    ).format(path=path)


def open_with_password(
    db_path: str | os.PathLike[str] | None, login: str, password: str
) -> Database:
    """Open an encrypted database with an account's password (a plain one opens as it is)."""
    path = _sqlite_path(db_path)
    if not cipher.looks_encrypted(path):
        return open_database(path)
    return open_database(path, key=keyslots.unlock(path, login, password))


def open_with_recovery(db_path: str | os.PathLike[str] | None, recovery_key: str) -> Database:
    """Open an encrypted database with its recovery key (every password lost)."""
    path = _sqlite_path(db_path)
    return open_database(path, key=keyslots.unlock_with_recovery(path, recovery_key))


def new_database_secrets(
    db_path: str | os.PathLike[str], login: str, password: str
) -> tuple[bytes, str]:
    """For a new encrypted database, before it is created: a database key with a slot for the
    first account and a recovery slot. Returns the key (for ``open_database(..., key=)``) and
    the recovery key to show once."""
    key = keyslots.new_database_key()
    keyslots.add_slot(db_path, login, password, key)
    return key, keyslots.create_recovery_key(db_path, key)


def encrypt_database(
    db_path: str | os.PathLike[str] | None,
    *,
    login: str,
    password: str,
    keep_plain_copy: bool = False,
) -> Encrypted:
    """Encrypt a plain database in place (the copy first, then the encrypted file checked and
    put in place: ``storage.conversion``), give ``login`` a key slot with ``password``, make a
    recovery key, and move the site's sync key files inside. Refuses an encrypted database,
    and one the app has open elsewhere."""
    from justice_desk.services.sync.keys import adopt_key_files
    from justice_desk.storage.backup import open_elsewhere

    path = _sqlite_path(db_path)
    if not path.is_file():
        raise UserError(_("There is no database at {path}.").format(path=path))
    if not cipher.is_plain(path):
        raise UserError(_("{path} is already encrypted.").format(path=path))
    if open_elsewhere(path):
        raise UserError(
            _("{path} is open in Justice Desk. Close the app, then try again.").format(path=path)
        )
    # The database is opened (and upgraded) plain first, so that the encrypted file is made
    # from the current schema and the before-upgrade copy is taken as usual.
    open_database(path).dispose()
    had_slots = keyslots.has_slots(path)
    key = keyslots.new_database_key()
    try:
        keyslots.add_slot(path, login, password, key)
        recovery = keyslots.create_recovery_key(path, key)
        conversion.encrypt_in_place(path, key, keep_plain_copy=keep_plain_copy)
    except BaseException:
        if not had_slots and cipher.is_plain(path):
            keyslots.remove_slots_file(path)
        raise
    db = open_database(path, key=key)
    try:
        moved = adopt_key_files(db)
    finally:
        db.dispose()
    return Encrypted(path, recovery, tuple(moved), tuple(conversion.plain_copies_beside(path)))


# ----------------------------------------------------------------------------------------------
# Signing in to an encrypted database (the window's sign-in), and the recovery key


def _wrong_password(wait: int) -> SignInFailed:
    if wait:
        return SignInFailed(
            _(
                "The login name or the password is wrong. After several wrong tries, wait "
                "{seconds} seconds before the next one."
            ).format(seconds=wait),
            wait_seconds=wait,
        )
    return SignInFailed(
        _("The login name or the password is wrong. Type them again (capital letters count).")
    )


def sign_in_encrypted(
    db_path: str | os.PathLike[str] | None, login: str, password: str
) -> Database:
    """Open an encrypted database with ``login``'s password and sign in as that account (the
    window's sign-in). Wrong passwords are counted where the command line counts them
    (``unlock_counted``: one count per database and login, whichever way they are typed, kept
    across restarts) and slow the next attempts (``SignInFailed.wait_seconds``); they are
    written in the audit trail once the database opens."""
    from justice_desk.services import accounts

    path = _sqlite_path(db_path)
    name = (login or "").strip().lower()
    if not name:
        raise SignInFailed(_("Type your login name, then your password."))
    key, slot_id, earlier = unlock_counted(path, name, password or "")
    db = open_database(path, key=key)
    try:
        record_counted_failures(db, name, earlier)
        accounts.sign_in(db, name, password)
    except BaseException:
        db.dispose()
        raise
    repair_slots(db, name, slot_id)
    upgrade_slot(db, name, password, slot_id)
    return db


def repair_slots(db: Database, login: str, slot_id: str) -> None:
    """After ``login`` signed in with the password of slot ``slot_id``: the login's other slots
    go (an old password left by a password change cut short, or a new one whose database
    change never happened), and so do the slots of disabled accounts and, an hour on, of
    logins with no account (an account change cut short). Key files that cannot be written
    (read-only media) are left as they are."""
    from justice_desk.storage import account_queries

    path = db.target.path
    if path is None or not keyslots.has_slots(path):
        return
    try:
        keyslots.keep_only(path, login, slot_id)
        with db.read() as session:
            rows = account_queries.all_accounts(session)
            enabled = {row.login for row in rows if row.disabled_at is None}
            disabled = {row.login for row in rows if row.disabled_at is not None}
        known = enabled | disabled
        unknown = {name for name in keyslots.logins(path) if name not in known}
        keyslots.drop_logins(path, disabled, unknown=unknown, min_age_s=3600)
        if db.key is not None:
            keyslots.keep_key(path, db.key)  # a re-key cut short: the other key's slots
    except (keyslots.KeySlotError, OSError):
        pass


def unlock_counted(
    db_path: str | os.PathLike[str] | None, login: str, password: str
) -> tuple[bytes, str, int]:
    """The command line's unlock of an encrypted database: each process starts afresh, so the
    wrong passwords are counted in ``<database>.keys.failures`` (``keyslots.read_failures``)
    and slow the next attempts as ``accounts.delay_after`` does (the right password waits its
    turn too). Returns the key, the slot that opened and how many wrong passwords came before
    (``record_counted_failures`` writes them in the audit trail once the database is open)."""
    from justice_desk.services import accounts

    path = _sqlite_path(db_path)
    name = (login or "").strip().lower()
    data = keyslots.read_failures(path)
    count, last = data.get(name, (0, 0.0))
    wait = accounts.delay_after(count)
    now = time.time()
    if wait and last <= now < last + wait:
        left = max(1, int(last + wait - now + 0.999))
        raise SignInFailed(
            _(
                "Several wrong passwords were typed for {login}: wait {seconds} seconds, "
                "then try again."
            ).format(login=name, seconds=left),
            wait_seconds=left,
        )
    try:
        key, slot_id = keyslots.unlock_slot(path, name, password or "")
    except keyslots.WrongCredentialsError:
        count += 1
        data[name] = (count, time.time())
        keyslots.write_failures(path, data)
        raise _wrong_password(accounts.delay_after(count)) from None
    return key, slot_id, count


def record_counted_failures(db: Database, login: str, count: int) -> None:
    """After ``unlock_counted`` and a sign-in: the wrong passwords typed while the database was
    locked go in the audit trail, and the login's count starts again."""
    name = (login or "").strip().lower()
    if count:
        _record_locked_failures(db, name, count)
    path = db.target.path
    if path is not None:
        data = keyslots.read_failures(path)
        if data.pop(name, None) is not None:
            keyslots.write_failures(path, data)


def _record_locked_failures(db: Database, login: str, count: int) -> None:
    from justice_desk.domain.access import Actor, ActorKind
    from justice_desk.storage import audit

    with db.write() as session:
        audit.record(
            session,
            "login-failed",
            table="accounts",
            detail=f"{login} wrong password x{count} (database locked)",
            actor=Actor(ActorKind.ACCOUNT, login=login),
        )


def recovery_accounts(db: Database) -> list[tuple[str, str]]:
    """The enabled coordinators (administrators at a province) of a database opened with its
    recovery key: (login, name as shown), the accounts whose password the recovery key may
    set."""
    from justice_desk.domain import access as rules
    from justice_desk.domain.enums import SiteKind
    from justice_desk.storage import account_queries

    kind = SiteKind.PROVINCE if db.mode == SiteKind.PROVINCE.value else SiteKind.CENTER
    admin = rules.FIRST_ROLE[kind].value
    with db.read() as session:
        return [
            (row.login, row.display_name or row.login)
            for row in account_queries.all_accounts(session)
            if row.role == admin and row.disabled_at is None
        ]


def reset_with_recovery(db: Database, login: str, new_password: str) -> None:
    """Every password lost: on a database opened with the recovery key, give the coordinator
    (administrator) ``login`` a new password (and its key slot) and sign in as that account.
    The use of the recovery key is written in the audit trail."""
    from justice_desk.domain.access import Actor, Role
    from justice_desk.services import accounts
    from justice_desk.storage import account_queries, audit

    accounts.check_password(new_password)
    name = (login or "").strip().lower()
    if name not in {n for n, _shown in recovery_accounts(db)}:
        raise UserError(
            _(
                "The recovery key sets the password of an enabled coordinator's account only. "
                "Choose one of the accounts listed."
            )
        )
    with db.read() as session:
        row = account_queries.by_login(session, name)
        assert row is not None
        actor = Actor.account(row.login, row.display_name, Role(row.role), row.person_id)
    db.sign_in(actor)
    with db.write() as session:
        audit.record(session, "recovery-key", table="accounts", detail=f"password of {name}")
    accounts.change_password(db, name, new_password)


@dataclass(frozen=True)
class NewEncrypted:
    """A new encrypted database (``set_up_encrypted``), open and signed in as its first
    account."""

    db: Database
    #: Shown once, for the chairperson to print and keep; never stored anywhere.
    recovery_key: str


def set_up_encrypted(
    db_path: str | os.PathLike[str],
    *,
    login: str,
    name: str,
    password: str,
    create: Callable[[bytes], Database],
) -> NewEncrypted:
    """A new center or province office, encrypted from the start: the key slots are made for
    the first account (``login``, ``password``) and the recovery key, ``create(key)`` creates
    the database (``setup.init_center``/``init_province`` with ``key=``), the first account is
    created and signed in. Refuses an existing file; on any refusal nothing is left behind."""
    from justice_desk.services import accounts

    accounts.check_login(login)
    accounts.check_password(password)
    path = Path(db_path)
    if path.exists():
        raise UserError(
            _("There is already a file at {path}. Choose a new file name.").format(path=path)
        )
    keyslots.remove_slots_file(path)  # a key file left by an earlier attempt
    key, recovery = new_database_secrets(path, login, password)
    db: Database | None = None
    try:
        db = create(key)
        accounts.create_first_account(db, login, name, password)
        accounts.sign_in(db, login, password)
    except BaseException:
        if db is not None:
            db.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        keyslots.remove_slots_file(path)
        raise
    return NewEncrypted(db, recovery)


# ----------------------------------------------------------------------------------------------
# Changing the database key (after an account is disabled, or a laptop or password is known to
# be in the wrong hands)


@dataclass(frozen=True)
class Rekeyed:
    """What ``rekey_database`` did."""

    #: The database open with its new key, signed in as the same account.
    db: Database
    #: The new recovery key: shown once; the old sheet no longer opens the database.
    recovery_key: str
    #: Enabled accounts whose slot now holds the new key (their passwords are unchanged).
    rewrapped: tuple[str, ...]
    #: Enabled accounts left without a slot (made before key pairs, never signed in since):
    #: they need a new password from the coordinator before they open the database.
    unslotted: tuple[str, ...]


def rekey_database(db: Database, password: str) -> Rekeyed:
    """Give the open encrypted database ``db`` a new random key: every page re-encrypted
    (``PRAGMA rekey``), every enabled account's slot sealed to the new key (passwords
    unchanged), the signed-in coordinator's slot made afresh with ``password`` (asked again:
    the person at the keyboard must know it), and a new recovery key. Disabled accounts, their
    old slots, the old recovery key and every copy of the old ``.keys`` file no longer open the
    database; backups made before keep the old key (they open as they did).

    Crash-safe in three steps: the new slots are written beside the old ones; the database is
    re-keyed in one transaction (rolled back at the next open if cut short); the old slots go.
    A process killed at any step leaves the database opening with the old key or the new one,
    with the same passwords (the sign-in tries both and drops the slots of the key that lost).

    ``db`` is closed; use the returned ``Rekeyed.db``. On a refusal before the re-key, ``db``
    stays usable with its old key."""
    from justice_desk.domain.access import Permission
    from justice_desk.services.access import require
    from justice_desk.services.accounts import _crash_point
    from justice_desk.storage import account_queries, audit
    from justice_desk.storage.backup import open_elsewhere

    require(db, Permission.KEYS)
    path = db.target.path
    old_key = db.key
    if path is None or old_key is None or not keyslots.has_slots(path):
        raise UserError(
            _(
                "This database is not encrypted: there is no key to change. Encrypt it first "
                "(“justice-desk encrypt”)."
            )
        )
    actor = db.actor
    login = actor.login or ""
    # Checked as a sign-in is (the same count of wrong passwords, the same slowing down): an
    # open window left alone must not let someone try passwords here faster than anywhere else.
    try:
        _key, _slot, earlier = unlock_counted(path, login, password or "")
    except SignInFailed as exc:
        if exc.wait_seconds:
            raise
        raise SignInFailed(
            _("The password of {login} is wrong. Type your own password again.").format(login=login)
        ) from None
    record_counted_failures(db, login, earlier)
    if open_elsewhere(path):
        raise UserError(
            _("{path} is open in Justice Desk. Close the app, then try again.").format(path=path)
        )
    with db.read() as session:
        enabled = {
            row.login for row in account_queries.all_accounts(session) if row.disabled_at is None
        }
    new_key = keyslots.new_database_key()
    prepared = keyslots.prepare_rekey(
        path, old_key, new_key, login=login, password=password, enabled=enabled
    )
    keyslots.stage_rekey(path, old_key, prepared)
    _crash_point("rekey-slots-staged")
    db.dispose()  # no connection of ours may stay open on the file being re-keyed
    failures: tuple[type[BaseException], ...] = (OSError, UserError, *cipher.driver_errors())
    try:
        cipher.rekey(path, old_key, new_key)
    except failures as exc:
        if not cipher.key_opens(path, new_key):
            keyslots.keep_key(path, old_key)  # the staged slots go; nothing changed
            raise UserError(
                _(
                    "The database key could not be changed ({error}). Nothing was changed: "
                    "close other Justice Desk windows and commands using this database, then "
                    "try again."
                ).format(error=getattr(exc, "strerror", None) or exc)
            ) from exc
    _crash_point("rekey-database-done")
    keyslots.keep_key(path, new_key)
    new_db = open_database(path, key=new_key)
    try:
        new_db.sign_in(actor)
        with new_db.write() as session:
            audit.record(
                session,
                "keys",
                table="accounts",
                detail=(
                    f"database key changed (key {keyslots.key_id(new_key)}); new recovery "
                    f"key; slots sealed: {', '.join(prepared.rewrapped) or '-'}; "
                    f"without a slot: {', '.join(prepared.unslotted) or '-'}"
                ),
            )
    except BaseException:
        new_db.dispose()
        raise
    return Rekeyed(
        new_db, prepared.recovery_key, tuple(prepared.rewrapped), tuple(prepared.unslotted)
    )


def upgrade_slot(db: Database, login: str, password: str, slot_id: str) -> None:
    """After ``login`` signed in with the password of slot ``slot_id``: a slot of format 1
    (the password wraps the key itself, before key pairs) is replaced by a format 2 slot, so
    that a later re-key can seal the new key to it without the password. Key files that
    cannot be written are left as they are."""
    path = db.target.path
    key = db.key
    if path is None or key is None:
        return
    try:
        if keyslots.slot_version(path, slot_id) == 1:
            keyslots.add_slot(path, login, password, key)
    except (keyslots.KeySlotError, OSError):
        pass


def recovery_sheet_pdf(db: Database, recovery_key: str) -> bytes:
    """The recovery key sheet to print for the chairperson (``documents.recovery_sheet``):
    the key in its 8 groups, which database it opens and how to use it, in Thai."""
    import datetime as dt

    from justice_desk.documents.recovery_sheet import RecoverySheetDoc
    from justice_desk.documents.recovery_sheet import recovery_sheet_pdf as make_pdf
    from justice_desk.services.printing import _issuer

    keyslots.normalize_recovery_key(recovery_key)  # a whole, checked key only
    doc = RecoverySheetDoc(
        issuer=_issuer(db),
        recovery_key=recovery_key,
        database=db.target.display,
        made_on=dt.date.today(),
    )
    return make_pdf(doc)
