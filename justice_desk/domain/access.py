"""Who may do what: the roles of a center and a province office, and what each is allowed.

The rules are plain data so that the services, the command line and the window read one table.
A role is a bundle of :class:`Permission` s; the services check a permission before each write
(and before the reads a mediator may not see) and raise ``errors.NotAllowed`` otherwise; the
window hides what the signed-in role cannot do, but the service refuses all the same.

Three actors are not accounts:

- ``OPEN``: a database that has no account yet (an upgraded database until its first
  coordinator is created, the demo, a test database): every permission, as before accounts
  existed; the window and the command line say so.
- ``NOBODY``: a database with accounts before anyone signed in: no permission at all.
- ``SYSTEM``: work the program does on its own (the automatic backup on closing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from justice_desk.domain.enums import LabelledEnum, SiteKind
from justice_desk.i18n import N_


class Role(LabelledEnum):
    """An account's role. Centers: coordinator, secretary, mediator, viewer; province offices:
    officer and administrator."""

    COORDINATOR = "coordinator"
    SECRETARY = "secretary"
    MEDIATOR = "mediator"
    VIEWER = "viewer"
    OFFICER = "officer"
    ADMINISTRATOR = "administrator"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "coordinator": N_("Coordinator"),
            "secretary": N_("Committee secretary"),
            "mediator": N_("Mediator"),
            "viewer": N_("Viewer (read only)"),
            "officer": N_("Province officer"),
            "administrator": N_("Province administrator"),
        }


CENTER_ROLES = (Role.COORDINATOR, Role.SECRETARY, Role.MEDIATOR, Role.VIEWER)
PROVINCE_ROLES = (Role.ADMINISTRATOR, Role.OFFICER)
#: The role of the first account of each kind of site (``justice-desk init``, the first run).
FIRST_ROLE = {SiteKind.CENTER: Role.COORDINATOR, SiteKind.PROVINCE: Role.ADMINISTRATOR}


def roles_of(kind: SiteKind) -> tuple[Role, ...]:
    return CENTER_ROLES if kind is SiteKind.CENTER else PROVINCE_ROLES


class Permission(StrEnum):
    """One kind of thing a person may do."""

    ACCOUNTS = "accounts"  # create, disable and reset the passwords of others' accounts
    SETTINGS = "settings"  # the site's settings and printing options
    READ_ALL = "read_all"  # every register: all people and all cases (mediators: their own)
    PEOPLE = "people"  # people, network membership, trainings
    COMMITTEE = "committee"  # committee terms and seats, the mediators' register
    MEETINGS = "meetings"  # meetings, attendance, agenda, minutes
    ACTIVITIES = "activities"
    CASES = "cases"  # take in and work every case
    ASSIGNED_CASES = "assigned_cases"  # work the cases one is a mediator of
    CONFIDENTIAL = "confidential"  # read every case's confidential session notes
    PRINT = "print"  # printed documents and PDFs
    EXPORT = "export"  # spreadsheets, CSV and report files
    SYNC = "sync"  # bundles and receipts (center: export, apply; province: import, send)
    KEYS = "keys"  # enrolment, key rotation, revocation, a new epoch: key events
    ESCALATIONS = "escalations"  # the province's answers to escalated cases
    BACKUP = "backup"  # a backup copy by hand
    RESTORE = "restore"  # put a backup in place of the database
    AUDIT = "audit"  # read the audit trail


_ALL = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.COORDINATOR: frozenset(_ALL - {Permission.ESCALATIONS}),
    Role.SECRETARY: frozenset(
        {
            Permission.READ_ALL,
            Permission.PEOPLE,
            Permission.COMMITTEE,
            Permission.MEETINGS,
            Permission.ACTIVITIES,
            Permission.PRINT,
            Permission.EXPORT,
            Permission.BACKUP,
        }
    ),
    # A mediator sees and works the cases they are assigned to and the people in them; the
    # meetings, committee and activities registers are readable by every role.
    Role.MEDIATOR: frozenset({Permission.ASSIGNED_CASES, Permission.PRINT}),
    Role.VIEWER: frozenset({Permission.READ_ALL}),
    Role.OFFICER: frozenset(
        {
            Permission.READ_ALL,
            Permission.PRINT,
            Permission.EXPORT,
            Permission.SYNC,
            Permission.ESCALATIONS,
            Permission.BACKUP,
        }
    ),
    Role.ADMINISTRATOR: frozenset(_ALL - {Permission.CASES, Permission.ASSIGNED_CASES}),
}


class ActorKind(StrEnum):
    ACCOUNT = "account"
    OPEN = "open"  # no accounts yet: everything, as before accounts existed
    NOBODY = "nobody"  # accounts exist, nobody signed in
    SYSTEM = "system"  # the program itself (automatic backups)


@dataclass(frozen=True)
class Actor:
    """Who is at the keyboard, as far as the services are concerned."""

    kind: ActorKind
    login: str | None = None
    name: str | None = None
    role: Role | None = None
    #: the person in the register this account is (a mediator's cases are found through it)
    person_id: uuid.UUID | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def signed_in(self) -> bool:
        return self.kind is ActorKind.ACCOUNT

    @property
    def sees_every_case(self) -> bool:
        return self.may(Permission.READ_ALL)

    @classmethod
    def account(
        cls, login: str, name: str | None, role: Role, person_id: uuid.UUID | None = None
    ) -> Actor:
        return cls(ActorKind.ACCOUNT, login, name, role, person_id, ROLE_PERMISSIONS[role])


OPEN = Actor(ActorKind.OPEN, permissions=_ALL)
NOBODY = Actor(ActorKind.NOBODY)
SYSTEM = Actor(ActorKind.SYSTEM, login="system", permissions=_ALL)
