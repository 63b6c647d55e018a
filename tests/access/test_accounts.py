"""Accounts: Argon2id hashes, the first account, signing in, slowing down wrong passwords."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from justice_desk.domain.access import NOBODY, OPEN, ActorKind, Permission, Role
from justice_desk.errors import NotAllowed, SignInFailed, ValidationError
from justice_desk.services import accounts, people
from justice_desk.services.access import require
from justice_desk.storage.database import Database


def test_a_database_without_accounts_acts_for_everyone(center_db: Database) -> None:
    assert not center_db.has_accounts()
    assert center_db.actor is OPEN
    people.create_person(center_db, people.PersonInput(given_name="สมชาย", no_id_reason="x"))


def test_password_is_kept_as_an_argon2id_hash_with_the_stated_parameters(
    center_db: Database,
) -> None:
    accounts.create_first_account(center_db, "Somchai", "สมชาย ใจดี", "correct horse")
    from sqlalchemy import select

    from justice_desk.storage.models import Account

    with center_db.read() as session:
        login, role, digest = session.execute(
            select(Account.login, Account.role, Account.password_hash)
        ).one()
    assert login == "somchai"  # logins are kept in lower case
    assert role == Role.COORDINATOR.value
    assert "correct horse" not in digest
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_first_account_must_be_the_coordinator_and_then_everyone_signs_in(
    center_db: Database,
) -> None:
    with pytest.raises(ValidationError) as refused:
        accounts.add_account(center_db, "sec", "x", Role.SECRETARY, "password1")
    assert refused.value.field == "role"
    accounts.create_first_account(center_db, "boss", "Boss", "password1")
    assert center_db.has_accounts() and center_db.actor is NOBODY
    with pytest.raises(NotAllowed, match="Sign in first"):
        require(center_db, Permission.PEOPLE)
    actor = accounts.sign_in(center_db, "BOSS", "password1")
    assert actor.kind is ActorKind.ACCOUNT and actor.role is Role.COORDINATOR
    accounts.add_account(center_db, "sec", "Secretary", Role.SECRETARY, "password2")
    # a province role does not exist at a center
    with pytest.raises(ValidationError):
        accounts.add_account(center_db, "off", "x", Role.OFFICER, "password3")
    # a mediator's account names the person
    with pytest.raises(ValidationError) as no_person:
        accounts.add_account(center_db, "med", "x", Role.MEDIATOR, "password4")
    assert no_person.value.field == "person"


def test_short_passwords_and_bad_logins_are_refused(center_db: Database) -> None:
    with pytest.raises(ValidationError, match="at least 8"):
        accounts.create_first_account(center_db, "boss", "Boss", "short")
    with pytest.raises(ValidationError, match="cannot be a login"):
        accounts.create_first_account(center_db, "two words", "Boss", "password1")


def test_wrong_passwords_slow_the_next_attempts_and_the_count_is_stored(
    center_db_path: Path,
) -> None:
    from justice_desk.storage.database import open_database

    db = open_database(center_db_path)
    accounts.create_first_account(db, "boss", "Boss", "password1")
    t0 = dt.datetime(2026, 1, 1, 9, 0, 0)
    for i in range(accounts.FREE_ATTEMPTS - 1):
        with pytest.raises(SignInFailed) as wrong:
            accounts.authenticate(db, "boss", "nope", now=t0 + dt.timedelta(seconds=i))
        assert wrong.value.wait_seconds == 0
    with pytest.raises(SignInFailed) as third:
        accounts.authenticate(db, "boss", "nope", now=t0 + dt.timedelta(seconds=3))
    assert third.value.wait_seconds == accounts.FIRST_DELAY_S
    db.dispose()

    # The count is on the account: a new start of the program does not reset it, and even the
    # right password is refused until the wait is over.
    db = open_database(center_db_path)
    too_soon = t0 + dt.timedelta(seconds=4)
    with pytest.raises(SignInFailed, match="wait") as early:
        accounts.authenticate(db, "boss", "password1", now=too_soon)
    assert 0 < early.value.wait_seconds <= accounts.FIRST_DELAY_S
    # a fourth wrong password after the wait doubles it
    later = t0 + dt.timedelta(seconds=3 + accounts.FIRST_DELAY_S)
    with pytest.raises(SignInFailed) as fourth:
        accounts.authenticate(db, "boss", "nope", now=later)
    assert fourth.value.wait_seconds == 2 * accounts.FIRST_DELAY_S
    ok_at = later + dt.timedelta(seconds=2 * accounts.FIRST_DELAY_S)
    assert accounts.authenticate(db, "boss", "password1", now=ok_at).login == "boss"
    # a right password resets the count
    with pytest.raises(SignInFailed) as again:
        accounts.authenticate(db, "boss", "nope", now=ok_at)
    assert again.value.wait_seconds == 0
    db.dispose()


def test_delays_grow_and_are_capped() -> None:
    assert [accounts.delay_after(n) for n in range(7)] == [0, 0, 0, 5, 10, 20, 40]
    assert accounts.delay_after(50) == accounts.MAX_DELAY_S


def test_unknown_login_and_wrong_password_get_the_same_answer(center_db: Database) -> None:
    accounts.create_first_account(center_db, "boss", "Boss", "password1")
    with pytest.raises(SignInFailed) as unknown:
        accounts.authenticate(center_db, "nobody", "password1")
    with pytest.raises(SignInFailed) as wrong:
        accounts.authenticate(center_db, "boss", "password2")
    assert str(unknown.value) == str(wrong.value)


def test_disable_enable_and_the_last_coordinator_stays(center_db: Database) -> None:
    accounts.create_first_account(center_db, "boss", "Boss", "password1")
    accounts.sign_in(center_db, "boss", "password1")
    with pytest.raises(ValidationError, match="last enabled"):
        accounts.set_enabled(center_db, "boss", False)
    accounts.add_account(center_db, "view", "Viewer", Role.VIEWER, "password2")
    assert not accounts.set_enabled(center_db, "view", False).enabled
    with pytest.raises(SignInFailed, match="disabled"):
        accounts.authenticate(center_db, "view", "password2")
    assert accounts.set_enabled(center_db, "view", True).enabled
    assert accounts.authenticate(center_db, "view", "password2").role is Role.VIEWER


def test_roles_change_but_the_last_coordinator_keeps_the_role(center_db: Database) -> None:
    accounts.create_first_account(center_db, "boss", "Boss", "password1")
    accounts.sign_in(center_db, "boss", "password1")
    accounts.add_account(center_db, "sec", "Secretary", Role.SECRETARY, "password2")
    with pytest.raises(ValidationError, match="last enabled"):
        accounts.set_role(center_db, "boss", Role.VIEWER)
    with pytest.raises(ValidationError, match="has no role"):
        accounts.set_role(center_db, "sec", Role.OFFICER)  # a province's role
    with pytest.raises(ValidationError, match="mediator"):
        accounts.set_role(center_db, "sec", Role.MEDIATOR)  # names no person
    assert accounts.set_role(center_db, "sec", Role.COORDINATOR).role is Role.COORDINATOR
    # a disabled coordinator does not count: "sec" is then the last enabled one
    accounts.set_enabled(center_db, "boss", False)
    with pytest.raises(ValidationError, match="last enabled"):
        accounts.set_role(center_db, "sec", Role.VIEWER)
    with pytest.raises(ValidationError, match="last enabled"):
        accounts.set_enabled(center_db, "sec", False)
    accounts.set_enabled(center_db, "boss", True)
    # one's own new role applies at once
    accounts.set_role(center_db, "boss", Role.VIEWER)
    assert center_db.actor.role is Role.VIEWER and not center_db.actor.may(Permission.ACCOUNTS)
    with pytest.raises(NotAllowed):
        accounts.set_role(center_db, "boss", Role.COORDINATOR)
    assert accounts.authenticate(center_db, "sec", "password2").role is Role.COORDINATOR
    actions = [e.action for e in _audit(center_db)]
    assert actions.count("account-role") == 2


def _audit(db: Database) -> list:
    from justice_desk.services import audit_trail

    accounts.sign_in(db, "sec", "password2")
    return audit_trail.list_entries(db, action="account-role").rows


def test_passwords_change_own_with_the_old_one_others_by_the_coordinator(
    center_db: Database,
) -> None:
    accounts.create_first_account(center_db, "boss", "Boss", "password1")
    accounts.sign_in(center_db, "boss", "password1")
    accounts.add_account(center_db, "view", "Viewer", Role.VIEWER, "password2")
    accounts.change_password(center_db, "view", "password3")  # the coordinator resets it
    accounts.sign_in(center_db, "view", "password3")
    with pytest.raises(SignInFailed):
        accounts.change_password(center_db, "view", "password4", old_password="wrong one")
    accounts.change_password(center_db, "view", "password4", old_password="password3")
    with pytest.raises(NotAllowed):
        accounts.change_password(center_db, "boss", "password5")
    with pytest.raises(NotAllowed):
        accounts.list_accounts(center_db)
    assert accounts.authenticate(center_db, "view", "password4").login == "view"


def test_a_province_starts_with_its_administrator(tmp_path: Path) -> None:
    from justice_desk.services import setup

    db = setup.init_province(tmp_path / "p.sqlite3", province="เชียงใหม่")
    info = accounts.create_first_account(db, "admin", "Admin", "password1")
    assert info.role is Role.ADMINISTRATOR
    accounts.sign_in(db, "admin", "password1")
    accounts.add_account(db, "off", "Officer", Role.OFFICER, "password2")
    with pytest.raises(ValidationError):
        accounts.add_account(db, "sec", "x", Role.SECRETARY, "password3")
    db.dispose()
