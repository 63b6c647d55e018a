"""The audit trail for people: list it (filtered), check its chain, record views and events.

Changes of records are written by the storage layer's flush hook in the change's own
transaction; prints, exports, sign-ins and account changes by the services that do them; views
of a person's or a case's record by ``record_view``. ``storage/audit.py`` has the chain.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from justice_desk.domain.access import Permission
from justice_desk.errors import DatabaseReadOnlyError
from justice_desk.i18n import N_, _
from justice_desk.services.access import require
from justice_desk.services.common import Page

if TYPE_CHECKING:
    from justice_desk.storage.audit import ChainCheck
    from justice_desk.storage.database import Database

#: The action shown for an entry that cannot be read (not one the app writes).
UNREADABLE = "unreadable"

#: The actions written in the trail and how the audit page names them.
ACTIONS: dict[str, str] = {
    "view": N_("viewed"),
    "create": N_("created"),
    "change": N_("changed"),
    "delete": N_("deleted"),
    "print": N_("printed"),
    "export": N_("exported"),
    "login": N_("signed in"),
    "login-failed": N_("failed sign-in"),
    "lock": N_("locked the window"),
    "unlock": N_("unlocked the window"),
    "switch-user": N_("switched user"),
    "account-add": N_("added an account"),
    "account-disable": N_("disabled an account"),
    "account-enable": N_("enabled an account"),
    "password-change": N_("changed a password"),
    "backup": N_("made a backup"),
    "backup-auto": N_("made an automatic backup"),
    "bundle-export": N_("exported a bundle"),
    "bundle-import": N_("imported a bundle"),
    "receipt": N_("applied or wrote a receipt"),
    "keys": N_("key event"),
    "report": N_("wrote a report"),
    "demo": N_("made demo records"),
}

#: What a table's entries are about, as the audit page says it.
SUBJECTS: dict[str, str] = {
    "people": N_("person"),
    "cases": N_("case"),
    "meetings": N_("meeting"),
    "accounts": N_("account"),
    "activities": N_("activity"),
    "sites": N_("site"),
}


def when(at: dt.datetime | None, language: str) -> str:
    """An entry's UTC time as this computer's local date and time, Buddhist Era ("" when it
    cannot be read)."""
    from justice_desk.domain.dates import format_date, format_time

    if at is None:
        return ""
    local = at.replace(tzinfo=dt.UTC).astimezone()
    return (
        f"{format_date(local.date(), language, short=True)} {format_time(local.time(), language)}"
    )


def action_label(action: str) -> str:
    if action == UNREADABLE:
        return _("cannot be read")
    return _(ACTIONS[action]) if action in ACTIONS else action


@dataclass(frozen=True)
class AuditEntry:
    number: int
    at: dt.datetime | None  # UTC; None for an entry that cannot be read (:data:`UNREADABLE`)
    actor: str
    host: str | None
    action: str
    table: str | None
    row_id: uuid.UUID | None
    detail: str | None
    entry_hash: str | None


@dataclass(frozen=True)
class AuditSummary:
    """What a bundle carries of the trail: its length and its last hash (docs/sync-format.md)."""

    count: int
    last_hash: str


def record(
    db: Database,
    action: str,
    *,
    table: str | None = None,
    row_id: uuid.UUID | None = None,
    detail: str | None = None,
) -> None:
    """One entry in a transaction of its own (for events that change nothing else)."""
    from justice_desk.storage import audit

    with db.write() as session:
        audit.record(session, action, table=table, row_id=row_id, detail=detail)


def record_view(db: Database, table: str, row_id: uuid.UUID) -> None:
    """A person's or a case's record was opened. On a database that cannot be written (a copy
    on a CD) the record is still shown: the trail cannot grow there, and nothing changes."""
    try:
        record(db, "view", table=table, row_id=row_id)
    except DatabaseReadOnlyError:
        return


def _entry(row: object) -> AuditEntry:
    from justice_desk.storage.audit import Unreadable
    from justice_desk.storage.models import AuditEvent

    if isinstance(row, Unreadable):
        # Its fields were changed in the file to text their types cannot hold: listed by its
        # number, saying so, instead of the listing failing (verify_chain names it "changed").
        return AuditEntry(
            row.event_no,
            None,
            "",
            None,
            UNREADABLE,
            None,
            None,
            _("This entry cannot be read: it was changed after it was written. Check the chain."),
            None,
        )
    assert isinstance(row, AuditEvent)
    return AuditEntry(
        row.event_no,
        row.at,
        row.actor,
        row.host,
        row.action,
        row.table_name,
        row.row_id,
        row.detail,
        row.entry_hash,
    )


def list_entries(
    db: Database,
    *,
    person: uuid.UUID | None = None,
    case: uuid.UUID | None = None,
    user: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 200,
) -> Page[AuditEntry]:
    """Entries newest first: all, or those about one person or case, or of one account."""
    from justice_desk.storage import audit

    require(db, Permission.AUDIT)
    table: str | None = None
    ids: tuple[uuid.UUID, ...] = ()
    if person is not None:
        table, ids = "people", (person,)
    elif case is not None:
        table, ids = "cases", (case,)
    f = audit.AuditFilter(
        actor=(user or "").strip().lower() or None,
        table=table,
        row_ids=ids,
        action=action,
        since=since,
        until=until,
    )
    with db.read() as session:
        rows, total = audit.entries(session, f, offset=offset, limit=limit)
        return Page([_entry(r) for r in rows], total, offset)


def verify_chain(db: Database) -> ChainCheck:
    """Walk the whole chain; ``broken_at`` names the first entry that breaks it."""
    from justice_desk.storage import audit

    require(db, Permission.AUDIT)
    with db.read() as session:
        return audit.verify(session)


def broken_message(check: ChainCheck) -> str:
    reasons = {
        "changed": _("its contents were changed after it was written"),
        "link": _("it does not follow the entry before it (an entry was removed or put in)"),
        "gap": _("entries before it are missing"),
        "replaced": _(
            "it is not the entry recorded as the last one when it was written (the last "
            "entries were deleted and written again)"
        ),
    }
    if check.reason == "removed":
        return _(
            "The audit trail is broken: entries were removed after entry {number} (the trail "
            "had reached entry {highest})."
        ).format(number=check.last_no, highest=check.high_water)
    return _("The audit trail is broken at entry {number}: {reason}.").format(
        number=check.broken_at, reason=reasons.get(check.reason or "", check.reason or "")
    )


def summary(db: Database) -> AuditSummary:
    from justice_desk.storage import audit

    with db.read() as session:
        count, last_hash = audit.summary(session)
    return AuditSummary(count, last_hash)


@dataclass(frozen=True)
class CenterTrail:
    """At a province office: a center's audit trail as its newest bundle described it."""

    code: str
    name: str
    count: int
    last_hash: str
    whole: bool
    shrunk: bool
    seq: int
    rewritten: bool = False

    @property
    def state(self) -> str:
        if self.rewritten:
            return _(
                "rewritten: two bundles counted as many entries with a different last entry "
                "(entries removed and as many made, or a restore from a backup)"
            )
        if self.shrunk:
            return _("entries were removed (an earlier bundle counted more)")
        return _("whole") if self.whole else _("broken at the center")


def center_trails(db: Database) -> list[CenterTrail]:
    """Every enrolled center's trail summary from its newest authentic bundle, by code (centers
    whose bundles did not carry one are left out)."""
    from justice_desk.storage import audit, sync_queries

    require(db, Permission.AUDIT)
    with db.read() as session:
        names = {str(e.center_id): (e.code, e.name) for e in sync_queries.all_enrolments(session)}
        found = audit.center_summaries(session)
    out = [
        CenterTrail(
            *names.get(t.center_id, (t.center_id, "")),
            t.count,
            t.last_hash,
            t.whole,
            t.shrunk,
            t.seq,
            t.rewritten,
        )
        for t in found
    ]
    return sorted(out, key=lambda t: t.code)
