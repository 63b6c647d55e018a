"""The permission check every service makes: who is acting (``Database.actor``, set once after
the login by the window or the command line) and whether their role allows the call.

A refusal is ``errors.NotAllowed`` with a message in the app's language saying what the role
may not do and whom to ask; nothing was changed. The roles and what they allow are
``domain.access``; docs/architecture.md §19 explains the design.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from justice_desk.domain.access import Actor, ActorKind, Permission
from justice_desk.errors import NotAllowed
from justice_desk.i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from justice_desk.storage.database import Database

#: What each permission lets a person do, as the refusal says it ("… may not {what}").
WHAT: dict[Permission, str] = {
    Permission.ACCOUNTS: N_("manage accounts"),
    Permission.SETTINGS: N_("change this site's settings"),
    Permission.READ_ALL: N_("see this record (a mediator sees the cases they mediate)"),
    Permission.PEOPLE: N_("change people's records"),
    Permission.COMMITTEE: N_("change the committee or the mediators' register"),
    Permission.MEETINGS: N_("change meetings or minutes"),
    Permission.ACTIVITIES: N_("change activities"),
    Permission.CASES: N_("change this case"),
    Permission.ASSIGNED_CASES: N_("work on cases"),
    Permission.CONFIDENTIAL: N_("read confidential session notes"),
    Permission.PRINT: N_("print or save documents"),
    Permission.EXPORT: N_("export records to a file"),
    Permission.SYNC: N_("export bundles or apply receipts"),
    Permission.KEYS: N_("enrol, change or revoke sync keys"),
    Permission.ESCALATIONS: N_("answer escalated cases"),
    Permission.BACKUP: N_("make backups"),
    Permission.RESTORE: N_("restore a backup"),
    Permission.AUDIT: N_("read the audit trail"),
}


def actor(db: Database) -> Actor:
    """Who the services act for on ``db``."""
    return db.actor


def refusal(who: Actor, permission: Permission) -> NotAllowed:
    if who.kind is ActorKind.NOBODY:
        return NotAllowed(
            _(
                "Sign in first: this database has accounts, and only a person signed in may "
                "use it. Nothing was changed."
            ),
            permission.value,
        )
    role = who.role.label() if who.role is not None else "-"
    return NotAllowed(
        _(
            "{login} ({role}) may not {what}. Nothing was changed. Ask the coordinator (at a "
            "province office, the administrator) if you need it."
        ).format(login=who.login or "-", role=role, what=_(WHAT[permission])),
        permission.value,
    )


def can(db: Database, permission: Permission) -> bool:
    return db.actor.may(permission)


def require(db: Database, permission: Permission) -> Actor:
    """The actor, when allowed ``permission``; else ``NotAllowed``."""
    who = db.actor
    if not who.may(permission):
        raise refusal(who, permission)
    return who


def require_any(db: Database, *permissions: Permission) -> Actor:
    who = db.actor
    if not any(who.may(p) for p in permissions):
        raise refusal(who, permissions[0])
    return who


def mediator_scope(db: Database) -> uuid.UUID | None:
    """For an account that sees only the cases it mediates: its person; else ``None`` (sees
    every case). Refuses an actor that may read no case at all."""
    who = db.actor
    if who.may(Permission.READ_ALL):
        return None
    if who.may(Permission.ASSIGNED_CASES):
        # A mediator account without a person sees nothing: an unmatched id.
        return who.person_id or uuid.UUID(int=0)
    raise refusal(who, Permission.READ_ALL)


def require_case(db: Database, session: Session, case_id: uuid.UUID, *, write: bool) -> Actor:
    """May the actor read (``write=False``) or work on this case? Coordinators work every case;
    a mediator the cases they are assigned to; the other roles read."""
    from justice_desk.storage import access_queries

    who = db.actor
    if who.may(Permission.CASES if write else Permission.READ_ALL):
        return who
    if (
        who.may(Permission.ASSIGNED_CASES)
        and who.person_id is not None
        and access_queries.is_case_mediator(session, case_id, who.person_id)
    ):
        return who
    raise refusal(who, Permission.CASES if write else Permission.READ_ALL)


def may_read_notes(db: Database, session: Session, case_id: uuid.UUID) -> bool:
    """Confidential session notes (§12, §29): the coordinator and the case's own mediators."""
    from justice_desk.storage import access_queries

    who = db.actor
    if who.may(Permission.CONFIDENTIAL):
        return True
    return (
        who.may(Permission.ASSIGNED_CASES)
        and who.person_id is not None
        and access_queries.is_case_mediator(session, case_id, who.person_id)
    )


def notes_visible(session: Session, case_id: uuid.UUID) -> bool:
    """``may_read_notes`` for the actor a session carries (``Database.read``/``write`` set
    it); a session without one (built outside ``Database``) shows nothing confidential."""
    from justice_desk.storage import access_queries

    who = session.info.get("actor")
    if not isinstance(who, Actor):
        return False
    if who.may(Permission.CONFIDENTIAL):
        return True
    return (
        who.may(Permission.ASSIGNED_CASES)
        and who.person_id is not None
        and access_queries.is_case_mediator(session, case_id, who.person_id)
    )


def require_person(db: Database, session: Session, person_id: uuid.UUID, *, write: bool) -> Actor:
    """May the actor read or change this person's record? A mediator reads the people in the
    cases they mediate; changing a record needs the people permission."""
    from justice_desk.storage import access_queries

    who = db.actor
    if write:
        if who.may(Permission.PEOPLE):
            return who
        raise refusal(who, Permission.PEOPLE)
    if who.may(Permission.READ_ALL):
        return who
    if (
        who.may(Permission.ASSIGNED_CASES)
        and who.person_id is not None
        and access_queries.may_see_person(session, person_id, who.person_id)
    ):
        return who
    raise refusal(who, Permission.READ_ALL)
