"""Conflicts and problems, with a person's decision (docs/sync.md §13).

At the province the *problem list* gathers what the sync could not settle by itself: the
entries of the conflict list (a version that came back after a center's restore, a record
refused for its number or references, kept in ``sync_conflicts``) and bundles held for a gap in
the change numbers for longer than a number of days. Each is told in plain words with what can
be done; an officer records a decision (keep the center's version, keep the province's, ask the
center to send it again, or dismiss with a note), with who and when. The decision is the
province's own record (``conflict_decisions``); the next signed receipt carries every decision
about the center (an additive field, format §6), and the center shows them on its Sync page and
in ``justice-desk sync status``.

The GUI (the province's Conflicts page, the center's Sync page) and the command line
(``justice-desk sync conflicts list|decide``) call these functions.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from justice_desk.domain.access import Permission
from justice_desk.domain.conflicts import (
    CONFLICT,
    GAP,
    ConflictDecision,
    center_instruction,
    check_decision,
    choice_help,
    choices,
)
from justice_desk.errors import NotFoundError, UserError, ValidationError
from justice_desk.i18n import N_, _
from justice_desk.services.access import require
from justice_desk.services.sync._common import (
    ACTIONS,
    REASONS,
    _enrolled,
    _label_parts,
    _record_label,
    _require_province,
    _table_label,
    reason_text,
)
from justice_desk.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from justice_desk import sync as fmt

log = logging.getLogger(__name__)

#: A bundle held for a gap is listed once it has waited this many days (a setting on the page).
DEFAULT_GAP_DAYS = 7

#: What happened, in plain words, by the reason an entry is in the list.
HAPPENED = {
    "restored_center_older": N_(
        "The center restored a backup and then sent a version of this record that differs "
        "from the one the office holds. The office kept its own version; the center's is kept "
        "in this list."
    ),
    "restored_center_overwrote": N_(
        "The center restored a backup; its newer version of this record replaced the one the "
        "office held, which had been changed after the backup was made. That version is kept "
        "in this list: it may hold something the center lost."
    ),
    "number_taken": N_(
        "The record would take a number another record of the center already has (one from "
        "before a restore), so it was not taken in."
    ),
    "parent_refused": N_(
        "The record belongs to another one that was not taken in, so it was not taken in either."
    ),
    "foreign_reference": N_(
        "The record points at a record of another center; a center's records may point only "
        "at its own. It was not taken in."
    ),
    "other_site": N_(
        "The bundle would have added or changed another center's details. It was not taken in."
    ),
    "gap": N_(
        "Bundle {seq} (changes {first}–{last}) has waited {days} days: changes {start}–{end} "
        "have not arrived. It is applied by itself once they do."
    ),
}


@dataclass(frozen=True)
class Decision:
    """An officer's decision on one entry."""

    id: uuid.UUID
    rev: int
    decision: str  # a ConflictDecision value; a newer province may send one unknown here
    note: str
    officer: str | None
    decided_at: dt.datetime  # UTC
    #: At the province the receipt that last carried it (``None``: not sent yet); at the
    #: center the receipt that brought it.
    receipt_seq: int | None

    @property
    def decision_label(self) -> str:
        if self.decision in ConflictDecision._value2member_map_:
            return ConflictDecision(self.decision).label()
        return self.decision

    @property
    def decided_on(self) -> dt.date:
        """The local day it was decided."""
        return self.decided_at.replace(tzinfo=dt.UTC).astimezone().date()


@dataclass(frozen=True)
class Problem:
    """One entry of the province's problem list, as a person reads it."""

    key: str  #: ``12`` for conflict 12, ``H5`` for held bundle 5 (what ``decide`` takes)
    kind: str  #: ``conflict`` or ``gap``
    number: int
    at: dt.datetime  #: when it was listed (UTC)
    center_id: uuid.UUID
    center_code: str
    center_name: str
    record: str  #: "Case 005/2569", "Bundle 4 (changes 12–20)"
    reason: str
    reason_label: str
    happened: str
    action: str
    choices: tuple[ConflictDecision, ...]
    decision: Decision | None
    resolved: bool
    days: int

    @property
    def open(self) -> bool:
        return not self.resolved


def _decision_of(row: Any) -> Decision | None:
    if row is None:
        return None
    return Decision(
        row.id, row.rev, row.decision, row.note, row.officer, row.decided_at, row.receipt_seq
    )


def _reason_label(reason: str) -> str:
    if reason in REASONS:
        return reason_text(reason)
    return {
        "restored_center_older": _("a different version after a restore"),
        "restored_center_overwrote": _("replaced after a restore"),
        "gap": _("changes missing"),
    }.get(reason, reason)


def _now() -> dt.datetime:
    from justice_desk.storage.models import utcnow

    return utcnow()


def parse_key(key: str) -> tuple[str, int]:
    """``("conflict", 12)`` from ``12``, ``("gap", 5)`` from ``H5``; ``UserError`` otherwise."""
    text = key.strip().upper()
    kind = CONFLICT
    if text.startswith("H"):
        kind, text = GAP, text[1:]
    if not text.isdigit() or int(text) < 1 or len(text) > 9:
        raise UserError(
            _(
                "“{key}” is not an entry of the conflict list: give its number as the list "
                "shows it (12, or H5 for a held bundle)."
            ).format(key=key)
        )
    return kind, int(text)


def problem_list(
    db: Database,
    center_code: str | None = None,
    *,
    open_only: bool = True,
    gap_days: int = DEFAULT_GAP_DAYS,
    now: dt.datetime | None = None,
) -> list[Problem]:
    """The province's list, oldest first: conflict-list entries, and bundles held for a gap
    for more than ``gap_days`` days. ``open_only``: only those nobody has decided on (or
    marked as dealt with) yet."""
    _require_province(db)
    if gap_days < 0:
        raise ValidationError(_("The number of days cannot be negative."), "gap_days")
    from justice_desk.storage import sync_decisions as sd
    from justice_desk.storage import sync_queries as q

    now = now or _now()
    with db.read() as session:
        center_id = _enrolled(session, center_code).center_id if center_code else None
        enrolments = {e.center_id: e for e in q.all_enrolments(session)}
        out: list[Problem] = []
        conflicts = q.conflicts_of(session, center_id, open_only=open_only)
        decided = sd.decisions(session, CONFLICT, [c.id for c in conflicts], db.site_id)
        labels: dict[str, dict[uuid.UUID, tuple[str, ...]]] = {}
        for table in {c.table_name for c in conflicts}:
            labels[table] = q.record_labels(
                session, table, [c.row_id for c in conflicts if c.table_name == table]
            )
        for c in conflicts:
            e = enrolments.get(c.center_id)
            parts = labels[c.table_name].get(c.row_id) or _label_parts(c.table_name, c.other_fields)
            decision = _decision_of(decided.get(c.id))
            out.append(
                Problem(
                    key=str(c.id),
                    kind=CONFLICT,
                    number=c.id,
                    at=c.at,
                    center_id=c.center_id,
                    center_code=e.code if e else "",
                    center_name=e.name if e else "",
                    record=_record_label(c.table_name, parts, c.row_id.hex),
                    reason=c.reason,
                    reason_label=_reason_label(c.reason),
                    happened=_(HAPPENED[c.reason]) if c.reason in HAPPENED else "",
                    action=_(ACTIONS[c.reason]) if c.reason in ACTIONS else "",
                    choices=choices(CONFLICT, c.reason),
                    decision=decision,
                    resolved=c.resolved_at is not None,
                    days=max(0, (now - c.at).days),
                )
            )
        gaps = {b.id: b for b in sd.held_gaps(session, center_id, now - dt.timedelta(gap_days))}
        if not open_only:
            gaps.update({b.id: b for b in sd.decided_gaps(session, center_id)})
        gap_decisions = sd.decisions(session, GAP, list(gaps), db.site_id)
        for b in gaps.values():
            decision = _decision_of(gap_decisions.get(b.id))
            if open_only and decision is not None:
                continue
            assert b.center_id is not None  # a held bundle's center is known
            e = enrolments.get(b.center_id)
            applied = e.applied_through if e is not None and e.epoch == b.epoch else 0
            days = max(0, (now - b.received_at).days)
            out.append(
                Problem(
                    key=f"H{b.id}",
                    kind=GAP,
                    number=b.id,
                    at=b.received_at,
                    center_id=b.center_id,
                    center_code=e.code if e else "",
                    center_name=e.name if e else "",
                    record=_("Bundle {seq} (changes {first}–{last})").format(
                        seq=b.seq, first=b.first_change, last=b.last_change
                    ),
                    reason=GAP,
                    reason_label=_reason_label(GAP),
                    happened=_(HAPPENED[GAP]).format(
                        seq=b.seq,
                        first=b.first_change,
                        last=b.last_change,
                        days=days,
                        start=applied + 1,
                        end=(b.first_change or 1) - 1,
                    ),
                    action=_(
                        "Call the center: it exports again and sends every bundle it has not "
                        "had a receipt for."
                    ),
                    choices=choices(GAP, GAP),
                    decision=decision,
                    resolved=decision is not None,
                    days=days,
                )
            )
    out.sort(key=lambda p: (p.at, p.kind, p.number))
    return out


def get_problem(db: Database, key: str) -> Problem:
    kind, number = parse_key(key)
    for p in problem_list(db, open_only=False, gap_days=0):
        if p.kind == kind and p.number == number:
            return p
    raise NotFoundError(
        _("There is no entry {key} in the conflict list.").format(key=key.strip().upper())
    )


@dataclass(frozen=True)
class Decided:
    """What ``decide_problem`` did: the entry with its decision, and whether the office's copy
    of the record took the center's version."""

    problem: Problem
    adopted: bool

    def describe(self) -> str:
        d = self.problem.decision
        assert d is not None
        text = _("Entry {key} ({record}, {center}): {decision}.").format(
            key=self.problem.key,
            record=self.problem.record,
            center=self.problem.center_code,
            decision=d.decision_label,
        )
        if self.adopted:
            text += " " + _("The office's copy now holds the center's version.")
        elif d.decision == ConflictDecision.KEEP_CENTER and self.problem.reason == (
            "restored_center_older"
        ):
            text += " " + _(
                "A newer version from the center had arrived since, so nothing was changed."
            )
        return text + " " + _("The next receipt carries it to the center.")


def decide_problem(
    db: Database, key: str, *, decision: str, note: str, officer: str | None = None
) -> Decided:
    """Record (or change) an officer's decision on an entry of the list.

    Province only. The decision must fit the entry (``domain.conflicts.choices``); dismissing
    needs a note. The entry leaves the open list; deciding again replaces the decision and
    raises its ``rev``; either way the next receipt to the center carries it. Keeping the
    center's version of a record the office had kept after a restore makes the office's copy
    take it (the center's record is the center's: the copy follows it); no other decision
    changes any record."""
    require(db, Permission.SYNC)
    _require_province(db)
    from justice_desk.storage import sync_decisions as sd
    from justice_desk.storage import sync_queries as q
    from justice_desk.storage.models import ConflictDecisionRow

    kind, number = parse_key(key)
    note = note.strip()
    officer = (officer or "").strip() or None
    decision = decision.strip().replace("-", "_")
    adopted = False
    with db.write() as session:
        entry: Any
        if kind == CONFLICT:
            entry = sd.conflict(session, number)
            reason = entry.reason if entry is not None else ""
        else:
            # Held for a gap, or decided before (and perhaps applied since): decided again.
            entry = sd.held_gap(session, number, decided_by=db.site_id)
            reason = GAP
        if entry is None or entry.center_id is None:
            raise NotFoundError(
                _("There is no entry {key} in the conflict list.").format(key=key.strip().upper())
            )
        center_id: uuid.UUID = entry.center_id
        problem = check_decision(decision, choices(kind, reason), note, officer)
        if problem is not None:
            raise ValidationError(problem.message, problem.field)
        # What is decided and written below must not race an import of the same center.
        q.lock_center(session, center_id)
        if kind == CONFLICT:
            if decision == ConflictDecision.KEEP_CENTER and reason == "restored_center_older":
                adopted = sd.adopt_center_version(session, entry)
            if entry.resolved_at is None:
                entry.resolved_at = _now()
        row = sd.decision_of(session, db.site_id, center_id, kind, number)
        if row is None:
            row = ConflictDecisionRow(
                owner_id=db.site_id,
                center_id=center_id,
                problem=kind,
                problem_no=number,
                reason=reason,
                rev=0,
            )
            if kind == CONFLICT:
                row.table_name = entry.table_name
                row.row_id = str(entry.row_id)
                row.record_rev = entry.other_rev
            else:
                row.seq = entry.seq
                row.first_change = entry.first_change
                row.last_change = entry.last_change
            session.add(row)
        row.rev += 1
        row.decision = decision
        row.note = note
        row.officer = officer
        row.decided_at = _now()
        row.receipt_seq = None  # the next receipt carries the new version
    log.info("conflict list entry %s: %s", key, decision)
    return Decided(get_problem(db, f"H{number}" if kind == GAP else str(number)), adopted)


def decision_help(problem: Problem) -> list[tuple[ConflictDecision, str]]:
    """Each choice for an entry with what it does, in plain words (the page and ``list``)."""
    return [(d, choice_help(d, problem.kind, problem.reason)) for d in problem.choices]


# -- receipts (docs/sync.md §13) ----------------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def receipt_decisions(session: Session, center_id: uuid.UUID) -> tuple[fmt.ProblemDecision, ...]:
    """Every decision about the center's entries, for its next receipt. A receipt carries them
    all, not only the new ones, so a receipt lost on the way costs nothing."""
    from justice_desk import sync as fmt
    from justice_desk.storage import sync_decisions as sd

    return tuple(
        fmt.ProblemDecision(
            id=str(d.id),
            problem=d.problem,
            number=d.problem_no,
            reason=d.reason,
            rev=d.rev,
            decision=d.decision,
            note=d.note,
            officer=d.officer or "",
            decided_at=_iso(d.decided_at),
            table=d.table_name or "",
            record=d.row_id or "",
            record_rev=d.record_rev or 0,
            seq=d.seq or 0,
            first=d.first_change or 0,
            last=d.last_change or 0,
        )
        for d in sd.decisions_of_center(session, center_id)
    )


def store_receipt_decisions(
    session: Session,
    *,
    center_id: uuid.UUID,
    province_id: uuid.UUID,
    receipt_seq: int,
    decisions: tuple[fmt.ProblemDecision, ...],
) -> list[tuple[str, str]]:
    """At the center: keep the office's decisions a verified receipt brought.

    A decision about a record is kept only when the record is this center's own (another
    center's record, or an id this center does not have, is refused and named in the returned
    list with its kind of refusal, logged once by the caller); a decision about a held bundle
    needs no record. One already held is replaced only by a higher ``rev`` (or by a new
    decision of the office on the same entry), so an older receipt
    never undoes a newer decision. Nothing writes the center's records."""
    from justice_desk.storage import sync_decisions as sd
    from justice_desk.storage import sync_store
    from justice_desk.storage.models import ConflictDecisionRow

    refused: list[tuple[str, str]] = []
    wanted: dict[tuple[str, int], tuple[uuid.UUID, fmt.ProblemDecision]] = {}
    for d in decisions:
        try:
            decision_id = uuid.UUID(d.id)
        except ValueError:
            refused.append((d.id, "bad_id"))
            continue
        if d.problem not in (CONFLICT, GAP):
            refused.append((d.id, "unknown_kind"))  # a kind of entry this version does not know
            continue
        if d.problem == CONFLICT:
            try:
                record = uuid.UUID(d.record)
            except ValueError:
                refused.append((d.record or d.id, "bad_id"))
                continue
            if not sync_store.known_table(d.table):
                refused.append((d.record, "unknown_table"))
                continue
            stored = sync_store.stored_revs(session.connection(), d.table, [record])
            if record not in stored or stored[record][1] != center_id:
                refused.append((d.record, "not_own"))
                continue
        wanted[(d.problem, d.number)] = (decision_id, d)
    for (kind, number), (decision_id, d) in wanted.items():
        row = sd.received_decision(session, center_id, kind, number)
        if row is not None and row.id == decision_id and row.rev >= d.rev:
            continue
        if row is not None and row.id != decision_id:
            session.delete(row)
            session.flush()
            row = None
        if row is None:
            row = ConflictDecisionRow(id=decision_id, center_id=center_id, problem=kind, rev=0)
            session.add(row)
        row.owner_id = province_id
        row.problem_no = number
        row.reason = d.reason[:64]
        row.table_name = d.table[:64] or None
        row.row_id = d.record[:64] or None
        row.record_rev = d.record_rev or None
        row.seq = d.seq or None
        row.first_change = d.first or None
        row.last_change = d.last or None
        row.rev = d.rev
        row.decision = d.decision[:16]
        row.note = d.note
        row.officer = d.officer[:200] or None
        row.decided_at = _received_time(d.decided_at)
        row.receipt_seq = receipt_seq
    return refused


def _received_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return _now()
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


@dataclass(frozen=True)
class CenterDecision:
    """At the center: the province's decision on an entry about this center, in plain words."""

    record: str
    reason: str
    reason_label: str
    decision: Decision
    instruction: str
    kind: str


def center_decisions(db: Database) -> list[CenterDecision]:
    """The province's decisions about this center's records and bundles, newest first."""
    from justice_desk.storage import sync_decisions as sd
    from justice_desk.storage import sync_queries as q

    with db.read() as session:
        rows = sd.received_decisions(session, db.site_id, db.site_id)
        labels: dict[str, dict[uuid.UUID, tuple[str, ...]]] = {}
        for table in {r.table_name for r in rows if r.table_name}:
            ids = []
            for r in rows:
                if r.table_name == table and r.row_id:
                    try:
                        ids.append(uuid.UUID(r.row_id))
                    except ValueError:
                        continue
            labels[table] = q.record_labels(session, table, ids) if table in _KNOWN else {}
        out = []
        for r in rows:
            if r.problem == GAP:
                record = _("Bundle {seq} (changes {first}–{last})").format(
                    seq=r.seq, first=r.first_change, last=r.last_change
                )
            elif r.table_name and r.row_id:
                rid = uuid.UUID(r.row_id)
                record = _record_label(r.table_name, labels.get(r.table_name, {}).get(rid), rid.hex)
            else:
                record = _table_label(r.table_name or "")
            decision = _decision_of(r)
            assert decision is not None
            out.append(
                CenterDecision(
                    record=record,
                    reason=r.reason,
                    reason_label=_reason_label(r.reason),
                    decision=decision,
                    instruction=center_instruction(r.decision, r.problem, r.reason),
                    kind=r.problem,
                )
            )
    return out


_KNOWN = frozenset(
    {
        "cases",
        "meetings",
        "people",
        "case_parties",
        "case_events",
        "case_sessions",
        "case_mediators",
    }
)


# -- plain data for the command line ------------------------------------------------------------


def problem_json(p: Problem) -> dict[str, Any]:
    """What ``justice-desk sync conflicts list --json`` prints for one entry."""
    decision = None
    if p.decision is not None:
        decision = {
            "decision": p.decision.decision,
            "decision_label": p.decision.decision_label,
            "note": p.decision.note,
            "officer": p.decision.officer,
            "decided_at": _iso(p.decision.decided_at),
            "rev": p.decision.rev,
            "receipt": p.decision.receipt_seq,
        }
    return {
        "key": p.key,
        "kind": p.kind,
        "number": p.number,
        "at": _iso(p.at),
        "days": p.days,
        "center": p.center_code,
        "center_name": p.center_name,
        "record": p.record,
        "reason": p.reason,
        "reason_label": p.reason_label,
        "happened": p.happened,
        "action": p.action,
        "choices": [d.value for d in p.choices],
        "resolved": p.resolved,
        "decision": decision,
    }


def center_decision_json(d: CenterDecision) -> dict[str, Any]:
    return {
        "record": d.record,
        "kind": d.kind,
        "reason": d.reason,
        "decision": d.decision.decision,
        "decision_label": d.decision.decision_label,
        "note": d.decision.note,
        "officer": d.decision.officer,
        "decided_at": _iso(d.decision.decided_at),
        "receipt": d.decision.receipt_seq,
        "instruction": d.instruction,
    }
