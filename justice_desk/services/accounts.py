"""Accounts: who may sign in, with which role; passwords, sign-in and its slowing down.

Passwords are hashed with Argon2id (argon2-cffi), RFC 9106's second recommended profile:
time cost 3, memory 64 MiB, parallelism 4, 16-byte salt, 32-byte hash (about 0.1 s on a
village laptop). A hash made with weaker parameters is replaced at the next sign-in.

Several wrong passwords slow the next attempts (``FREE_ATTEMPTS``, ``delay_after``): stored
on the account, so restarting the app does not reset it; a correct password resets it. Every
sign-in, failed sign-in and account change is written in the audit trail in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from justice_desk.domain import access as rules
from justice_desk.domain.access import Actor, Permission, Role
from justice_desk.domain.enums import SiteKind
from justice_desk.errors import NotAllowed, SignInFailed, UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.services.access import require

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    from justice_desk.storage.database import Database
    from justice_desk.storage.models import Account

MIN_PASSWORD = 8
#: wrong passwords allowed in a row before the next attempt has to wait
FREE_ATTEMPTS = 3
FIRST_DELAY_S = 5
MAX_DELAY_S = 300


def delay_after(failed_attempts: int) -> int:
    """Seconds to wait after ``failed_attempts`` wrong passwords in a row: none for the first
    three, then 5 s, doubling each time, at most 5 minutes."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failed_attempts - FREE_ATTEMPTS)))


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, profiles

    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked against when the login is unknown, so that the answer takes as long either way.
    return hasher().hash("not a password of anyone")


@dataclass(frozen=True)
class AccountInfo:
    login: str
    name: str
    role: Role
    person_id: uuid.UUID | None
    enabled: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    failed_attempts: int


def _info(row: Account) -> AccountInfo:
    return AccountInfo(
        row.login,
        row.display_name,
        Role(row.role),
        row.person_id,
        row.disabled_at is None,
        row.created_at,
        row.last_login_at,
        row.failed_attempts,
    )


def _utcnow() -> dt.datetime:
    from justice_desk.storage.models import utcnow

    return utcnow()


def check_login(login: str | None) -> str:
    login = (login or "").strip().lower()
    if not login:
        raise ValidationError(_("The login name is required."), "login")
    if len(login) > 64 or not all(c.isalnum() or c in "._-" for c in login):
        raise ValidationError(
            _(
                "“{login}” cannot be a login name: use letters, digits, dots, hyphens or "
                "underscores, no spaces, at most 64 characters (for example somchai or s.jaidee)."
            ).format(login=login),
            "login",
        )
    return login


def check_password(password: str | None, repeated: str | None = None) -> str:
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationError(
            _("A password needs at least {count} characters.").format(count=MIN_PASSWORD),
            "password",
        )
    if repeated is not None and repeated != password:
        raise ValidationError(
            _("The two passwords are not the same. Type it again in both boxes."), "password"
        )
    return password


def _site_kind(db: Database) -> SiteKind:
    mode = db.mode
    if mode is None or mode not in SiteKind._value2member_map_:
        raise UserError(_("This database has not been set up yet: set up the center first."))
    return SiteKind(mode)


def _check_role(db: Database, role: Role) -> None:
    kind = _site_kind(db)
    if role not in rules.roles_of(kind):
        raise ValidationError(
            _("A {kind} has no role “{role}”; choose one of: {roles}.").format(
                kind=kind.label(),
                role=role.label(),
                roles=", ".join(r.label() for r in rules.roles_of(kind)),
            ),
            "role",
        )


def add_account(
    db: Database,
    login: str,
    name: str,
    role: Role,
    password: str,
    *,
    person_id: uuid.UUID | None = None,
) -> AccountInfo:
    """Create an account. The first account of a database must be its coordinator (at a
    province, its administrator) and needs no one signed in; every later one needs the
    accounts permission. A mediator's account names the person in the register it is."""
    from justice_desk.storage import account_queries, audit
    from justice_desk.storage import repositories as repo
    from justice_desk.storage.models import Account, Person

    login = check_login(login)
    name = (name or "").strip() or login
    check_password(password)
    _check_role(db, role)
    first = not db.has_accounts()
    if not first or db.actor.signed_in:
        # the first account needs nobody signed in; anyone signed in needs the permission
        require(db, Permission.ACCOUNTS)
    if first:
        first_role = rules.FIRST_ROLE[_site_kind(db)]
        if role is not first_role:
            raise ValidationError(
                _("The first account must be the {role}: create it first.").format(
                    role=first_role.label()
                ),
                "role",
            )
    if role is Role.MEDIATOR and person_id is None:
        raise ValidationError(
            _(
                "A mediator's account must name the mediator in the register (the person), so "
                "that it sees the cases they mediate."
            ),
            "person",
        )
    digest = hasher().hash(password)
    staged = _stage_slot(db, login, password)
    with _unstage_on_error(db, staged), db.write() as session:
        if person_id is not None:
            repo.get(session, Person, person_id)
        if account_queries.by_login(session, login) is not None:
            raise ValidationError(
                _("There is already an account “{login}”. Choose another login name.").format(
                    login=login
                ),
                "login",
            )
        now = _utcnow()
        row = Account(
            login=login,
            display_name=name,
            role=role.value,
            person_id=person_id,
            password_hash=digest,
            created_at=now,
            password_changed_at=now,
            failed_attempts=0,
        )
        session.add(row)
        session.flush()
        audit.record(session, "account-add", table="accounts", detail=f"{login} {role.value}")
        info = _info(row)
    db.forget_accounts()
    _settle_slot(db, login, staged)
    return info


def create_first_account(
    db: Database, login: str, name: str, password: str, *, person_id: uuid.UUID | None = None
) -> AccountInfo:
    """The coordinator of a center (the administrator of a province office) as its first
    account: at set-up, or on the first start of a database from before accounts."""
    if db.has_accounts():
        raise UserError(_("This database already has accounts: sign in to add another."))
    return add_account(
        db, login, name, rules.FIRST_ROLE[_site_kind(db)], password, person_id=person_id
    )


def list_accounts(db: Database) -> list[AccountInfo]:
    from justice_desk.storage import account_queries

    require(db, Permission.ACCOUNTS)
    with db.read() as session:
        return [_info(row) for row in account_queries.all_accounts(session)]


def _admin_roles(db: Database) -> tuple[str, ...]:
    return (rules.FIRST_ROLE[_site_kind(db)].value,)


def set_enabled(
    db: Database, login: str, enabled: bool, *, new_password: str | None = None
) -> AccountInfo:
    """Disable an account (it can no longer sign in; its entries in the audit trail stay) or
    enable it again. The last enabled coordinator (administrator) cannot be disabled.

    On an encrypted database a disabled account's key slot is removed (after the change is
    committed), so an account enabled again needs a new password before it opens the file:
    ``new_password`` sets it in the same change (slot first, then the database)."""
    from justice_desk.storage import account_queries, audit

    require(db, Permission.ACCOUNTS)
    digest: str | None = None
    staged: str | None = None
    if enabled and new_password is not None:
        check_password(new_password)
        digest = hasher().hash(new_password)
        staged = _stage_slot(db, login.strip().lower(), new_password)
    with _unstage_on_error(db, staged), db.write() as session:
        row = _account(session, login)
        if not enabled and row.disabled_at is None:
            if (
                row.role in _admin_roles(db)
                and account_queries.enabled_with_role(session, _admin_roles(db)) <= 1
            ):
                raise ValidationError(
                    _(
                        "{login} is the last enabled {role}: add another {role} before "
                        "disabling this one, or nobody could manage the accounts."
                    ).format(login=row.login, role=Role(row.role).label()),
                    "login",
                )
            row.disabled_at = _utcnow()
            audit.record(session, "account-disable", table="accounts", detail=row.login)
        elif enabled and row.disabled_at is not None:
            row.disabled_at = None
            row.failed_attempts = 0
            audit.record(session, "account-enable", table="accounts", detail=row.login)
        if digest is not None:
            row.password_hash = digest
            row.password_changed_at = _utcnow()
            row.failed_attempts = 0
            row.last_failed_at = None
            audit.record(session, "password-change", table="accounts", detail=row.login)
        info = _info(row)
    if info.enabled:
        _settle_slot(db, info.login, staged)
    else:
        _crash_point("database-committed")
        _on_disabled(db, info.login)  # after the commit: a crash before leaves a slot to repair
    return info


def set_role(
    db: Database, login: str, role: Role, *, person_id: uuid.UUID | None = None
) -> AccountInfo:
    """Give an account another role of this kind of site. The last enabled coordinator
    (administrator) keeps the role; a mediator's account names the person in the register
    (``person_id``, or the one it names already)."""
    from justice_desk.storage import account_queries, audit
    from justice_desk.storage import repositories as repo
    from justice_desk.storage.models import Person

    require(db, Permission.ACCOUNTS)
    _check_role(db, role)
    with db.write() as session:
        row = _account(session, login)
        if row.role == role.value and (person_id is None or person_id == row.person_id):
            return _info(row)
        admins = _admin_roles(db)
        if (
            row.role in admins
            and role.value not in admins
            and row.disabled_at is None
            and account_queries.enabled_with_role(session, admins) <= 1
        ):
            raise ValidationError(
                _(
                    "{login} is the last enabled {role}: add another {role} before giving "
                    "this account another role, or nobody could manage the accounts."
                ).format(login=row.login, role=Role(row.role).label()),
                "role",
            )
        if person_id is not None:
            repo.get(session, Person, person_id)
            row.person_id = person_id
        if role is Role.MEDIATOR and row.person_id is None:
            raise ValidationError(
                _(
                    "A mediator's account must name the mediator in the register (the person), "
                    "so that it sees the cases they mediate."
                ),
                "person",
            )
        before = row.role
        row.role = role.value
        audit.record(
            session,
            "account-role",
            table="accounts",
            detail=f"{row.login} {before} -> {role.value}",
        )
        info = _info(row)
    if db.actor.signed_in and db.actor.login == info.login:
        # one's own new role applies at once (the window shows what it now allows)
        db.sign_in(Actor.account(info.login, info.name, info.role, info.person_id))
    return info


def is_encrypted(db: Database) -> bool:
    """The open database is encrypted: a disabled account enabled again needs a new password
    before it can open it (its key slot went when it was disabled)."""
    from justice_desk.storage import keyslots

    path = db.target.path
    return path is not None and keyslots.has_slots(path)


def _account(session: Session, login: str) -> Account:
    from justice_desk.errors import NotFoundError
    from justice_desk.storage import account_queries

    row = account_queries.by_login(session, login)
    if row is None:
        raise NotFoundError(_("There is no account “{login}”.").format(login=login.strip()))
    return row


def change_password(
    db: Database, login: str, new_password: str, *, old_password: str | None = None
) -> None:
    """A person changes their own password (the old one is asked); the coordinator
    (administrator) may set anyone's without it."""
    from justice_desk.storage import audit

    check_password(new_password)
    login = login.strip().lower()
    who = db.actor
    own = who.signed_in and who.login == login
    if not who.may(Permission.ACCOUNTS) and not own:
        require(db, Permission.ACCOUNTS)
    with db.read() as session:
        row = _account(session, login)
        current_hash = row.password_hash
    if own and not who.may(Permission.ACCOUNTS):
        if old_password is None or not _matches(current_hash, old_password):
            raise SignInFailed(_("The current password is wrong. Type it again."))
    digest = hasher().hash(new_password)
    staged = _stage_slot(db, login, new_password)
    with _unstage_on_error(db, staged), db.write() as session:
        row = _account(session, login)
        row.password_hash = digest
        row.password_changed_at = _utcnow()
        row.failed_attempts = 0
        row.last_failed_at = None
        audit.record(session, "password-change", table="accounts", detail=login)
    _settle_slot(db, login, staged)


def _matches(digest: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    db: Database, login: str, password: str, *, now: dt.datetime | None = None
) -> Actor:
    """The actor for ``login`` when ``password`` is right and the account enabled; otherwise
    ``SignInFailed`` (``wait_seconds`` set while the account is slowed down). Success and
    failure are both written in the audit trail; nothing else changes."""
    from justice_desk.storage import account_queries, audit
    from justice_desk.storage.models import Account

    login = (login or "").strip().lower()
    now = now or _utcnow()
    with db.read() as session:
        found = account_queries.by_login(session, login) if login else None
        digest = found.password_hash if found is not None else None
        failed = found.failed_attempts if found is not None else 0
        last_failed = found.last_failed_at if found is not None else None
    # One count, whichever way the passwords were typed: an encrypted database also counts
    # those typed while it was locked (the window's sign-in, any command), beside its key file.
    locked_count, locked_last = _locked_failures(db, login)
    if locked_count > failed:
        failed, last_failed = locked_count, locked_last
    wait = delay_after(failed)
    if found is not None and wait and last_failed is not None:
        ready = last_failed + dt.timedelta(seconds=wait)
        if now < ready:
            left = max(1, int((ready - now).total_seconds() + 0.999))
            with db.write() as session:
                audit.record(
                    session,
                    "login-failed",
                    table="accounts",
                    detail=f"{login} too soon",
                    actor=_attempting(login),
                )
            raise SignInFailed(
                _(
                    "Several wrong passwords were typed for {login}: wait {seconds} seconds, "
                    "then try again."
                ).format(login=login, seconds=left),
                wait_seconds=left,
            )
    ok = _matches(digest if digest is not None else _dummy_hash(), password or "")
    if digest is None:
        ok = False
    with db.write() as session:
        row = account_queries.by_login(session, login) if found is not None else None
        if ok and isinstance(row, Account) and row.disabled_at is None:
            _set_locked_failures(db, login, 0)
            row.failed_attempts = 0
            row.last_failed_at = None
            row.last_login_at = now
            if hasher().check_needs_rehash(row.password_hash):
                row.password_hash = hasher().hash(password)
            actor = Actor.account(row.login, row.display_name, Role(row.role), row.person_id)
            audit.record(session, "login", table="accounts", detail=row.login, actor=actor)
            return actor
        if isinstance(row, Account) and not ok:
            row.failed_attempts = max(row.failed_attempts or 0, failed) + 1
            row.last_failed_at = now
            _set_locked_failures(db, login, row.failed_attempts)
        reason = "disabled" if ok else "wrong password" if row is not None else "unknown login"
        audit.record(
            session,
            "login-failed",
            table="accounts",
            detail=f"{login} {reason}",
            actor=_attempting(login),
        )
        failed_now = row.failed_attempts if isinstance(row, Account) else 0
    if ok:
        raise SignInFailed(
            _("The account {login} is disabled. Ask the coordinator to enable it.").format(
                login=login
            )
        )
    wait = delay_after(failed_now)
    if wait:
        raise SignInFailed(
            _(
                "The login name or the password is wrong. After several wrong tries, wait "
                "{seconds} seconds before the next one."
            ).format(seconds=wait),
            wait_seconds=wait,
        )
    raise SignInFailed(
        _("The login name or the password is wrong. Type them again (capital letters count).")
    )


def _locked_failures(db: Database, login: str) -> tuple[int, dt.datetime | None]:
    """Wrong passwords for ``login`` counted beside an encrypted database's key file
    (``services.encryption.unlock_counted``), with the time of the last (UTC); none for a
    plain or server database."""
    from justice_desk.storage import keyslots

    path = db.target.path
    if path is None or db.key is None or not login:
        return 0, None
    count, last = keyslots.read_failures(path).get(login, (0, 0.0))
    if not count:
        return 0, None
    return count, dt.datetime.fromtimestamp(last, dt.UTC).replace(tzinfo=None)


def _set_locked_failures(db: Database, login: str, count: int) -> None:
    """Keep the count beside the key file in step with the account's (an encrypted database):
    a wrong password at the lock screen slows the next sign-in of the window or a command."""
    import time

    from justice_desk.storage import keyslots

    path = db.target.path
    if path is None or db.key is None or not login:
        return
    data = keyslots.read_failures(path)
    if count:
        data[login] = (count, time.time())
    elif data.pop(login, None) is None:
        return
    keyslots.write_failures(path, data)


def _attempting(login: str) -> Actor:
    """Who a failed sign-in is written as: the login that was typed (not signed in)."""
    return Actor(rules.ActorKind.ACCOUNT, login=login or "?")


def sign_in(db: Database, login: str, password: str) -> Actor:
    """Authenticate and act for the account from now on."""
    actor = authenticate(db, login, password)
    db.sign_in(actor)
    return actor


def sign_out(db: Database) -> None:
    db.sign_in(None)


def record_session_event(db: Database, action: str, detail: str | None = None) -> None:
    """A lock, an unlock or a switch of user, in the audit trail."""
    from justice_desk.storage import audit

    with db.write() as session:
        audit.record(session, action, table="accounts", detail=detail)


def needs_first_account(db: Database) -> bool:
    """A set-up database without accounts that is not the demo: the window asks for the first
    coordinator (administrator)."""
    return not db.has_accounts() and db.setting("demo") != "1" and db.mode is not None


def person_for(db: Database, reference: str) -> uuid.UUID:
    """A person in the register named by a UUID or a 13-digit national ID (``user add
    --person``)."""
    from justice_desk.errors import NotFoundError
    from justice_desk.services.common import as_uuid
    from justice_desk.storage import people_queries

    digits = "".join(c for c in reference if c.isdigit())
    if len(digits) == 13 and len(reference.replace("-", "").replace(" ", "")) == 13:
        with db.read() as session:
            found = people_queries.people_with_national_id(session, digits, None, None)
            if not found:
                raise NotFoundError(
                    _("Nobody with the national ID {id} is in the register.").format(id=digits)
                )
            return found[0].id
    return as_uuid(reference)


#: Tests only: ``JUSTICE_DESK_KILL_AT=slot-written`` (or ``database-committed``) kills the
#: process at that step of an account change, as a power cut or a killed command would.
KILL_AT_ENV = "JUSTICE_DESK_KILL_AT"


def _crash_point(step: str) -> None:
    import os

    if os.environ.get(KILL_AT_ENV) == step:
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _stage_slot(db: Database, login: str, password: str) -> str | None:
    """Encryption at rest, step 1 of a password set (``add_account``, ``change_password``,
    enabling with a new password): the database key is wrapped for the new password in a slot
    *beside* the login's current one, before the database changes. Returns the slot's id
    (``None`` for a database without key slots). Step 2 is the database commit, step 3
    ``_settle_slot``: a crash anywhere leaves the old password or the new one working, and the
    next sign-in drops the slot that lost (``services.encryption.repair_slots``)."""
    from justice_desk.storage import keyslots

    path = db.target.path
    if path is None or not keyslots.has_slots(path):
        return None
    key = getattr(db, "key", None)  # the open database's key (storage/database.py)
    if key is None:
        raise UserError(_("The database's key is not at hand: open the database again and retry."))
    slot_id = keyslots.add_slot(path, login, password, key, keep_others=True)
    _crash_point("slot-written")
    return slot_id


def _settle_slot(db: Database, login: str, slot_id: str | None) -> None:
    """Step 3: the database change is committed, so the login's other slots go."""
    from justice_desk.storage import keyslots

    if slot_id is None or db.target.path is None:
        return
    _crash_point("database-committed")
    keyslots.keep_only(db.target.path, login, slot_id)


class _unstage_on_error:  # noqa: N801 - used as a context manager
    """A staged slot whose database change was refused or failed is removed again."""

    def __init__(self, db: Database, slot_id: str | None) -> None:
        self.db, self.slot_id = db, slot_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        from justice_desk.storage import keyslots

        if kind is not None and self.slot_id is not None and self.db.target.path is not None:
            try:
                keyslots.drop_slot(self.db.target.path, self.slot_id)
            except keyslots.KeySlotError:
                pass  # the next sign-in's repair drops it


def _on_disabled(db: Database, login: str) -> None:
    """A disabled account no longer opens an encrypted database: its key slot goes."""
    from justice_desk.storage import keyslots

    path = db.target.path
    if path is not None and keyslots.has_slots(path):
        keyslots.remove_slot(path, login)


__all__ = [
    "AccountInfo",
    "NotAllowed",
    "add_account",
    "authenticate",
    "change_password",
    "create_first_account",
    "delay_after",
    "list_accounts",
    "set_enabled",
    "set_role",
    "sign_in",
]
