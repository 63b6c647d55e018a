"""The queries behind the dashboard (``services/dashboard.py``, docs/architecture.md §13).

Every figure is counted in SQL, grouped by the owner of the rows (the center), and never by
loading rows into Python. Each family of figures has one *selection* (a ``Select`` with the
owner and the record's own columns); its count is ``GROUP BY owner_id`` over that selection,
and the list of records behind a figure ("click-through") is the same selection with a limit,
so a figure and its records cannot disagree. The queries run the same on SQLite and
PostgreSQL; the one difference, whole days between two dates, is ``_days_between``.

``owner`` limits a query to one center, or to a set of them (one province's centers in a
database of several: :func:`centers_in_province`); ``None`` counts every owner in one pass (the
service keeps the centers it knows and leaves out the office's own rows).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from justice_desk.domain.deadlines import DeadlineKind
from justice_desk.domain.enums import (
    Attendance,
    CaseChannel,
    CaseKind,
    CaseStatus,
    CommitteePosition,
    ImportStatus,
    KeyStatus,
    MediatorStatus,
    MeetingStatus,
    MembershipStatus,
)
from justice_desk.domain.outcomes import FOLLOWS_AN_OUTCOME, OUTCOME_OF
from justice_desk.storage.models import (
    Activity,
    Case,
    CaseEvent,
    CommitteeTerm,
    Enrolment,
    EscalationAnswer,
    Mediator,
    Meeting,
    MeetingAttendance,
    Membership,
    Person,
    ReceivedBundle,
    Site,
    SiteKey,
    SummaryDeadline,
    SummaryMonth,
    SummaryOutcome,
    SummaryOutcomeSpan,
    SummaryPeople,
    SummaryReceived,
    SyncConflict,
    Training,
)

#: A selection of rows, handled by column name (``RECORD_COLUMNS`` and a few more).
Selection = Select[*tuple[Any, ...]]

#: Columns of every list of records behind a figure, in this order.
RECORD_COLUMNS = ("owner_id", "id", "year_be", "number", "on", "title", "state", "detail")
#: How many records a list behind a figure shows at most (the count says how many there are).
RECORDS_LIMIT = 1000


@dataclass(frozen=True)
class AllBut:
    """Every owner but these (the centers whose summary rows are marked stale)."""

    owners: frozenset[uuid.UUID]


#: The centers a query covers: one, a set of them, every owner but some, or every owner
#: (``None``).
Owner = uuid.UUID | frozenset[uuid.UUID] | AllBut | None


def _dialect_name(bind: Session | Connection) -> str:
    return (bind.get_bind() if isinstance(bind, Session) else bind).dialect.name


def _days_between(session: Session | Connection, later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole days from ``earlier`` to ``later`` (both DATE columns)."""
    if _dialect_name(session) == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(later - earlier, Integer)


class _OwnerId(TypeDecorator[uuid.UUID]):
    """An owner id read from a grouped query: the driver's value (32 hex digits on SQLite, a
    UUID on PostgreSQL) turned into a ``UUID`` once per center, not once per row -- a
    province's dashboard reads tens of thousands of grouped rows of a few hundred centers."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> uuid.UUID | None:
        return None if value is None else _uuid_of(value)


@functools.lru_cache(maxsize=100_000)
def _uuid_of(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _owner(column: Any) -> Any:
    return type_coerce(column, _OwnerId())


def _owned(column: Any, owner: Owner) -> ColumnElement[bool]:
    if owner is None:
        return true()
    if isinstance(owner, AllBut):
        if not owner.owners:
            return true()
        others: ColumnElement[bool] = column.not_in(sorted(owner.owners))
        return others
    if isinstance(owner, frozenset):
        among: ColumnElement[bool] = column.in_(sorted(owner))
        return among
    one: ColumnElement[bool] = column == owner
    return one


def centers_in_province(session: Session | Connection, province: str) -> frozenset[uuid.UUID]:
    """The sites whose ``province`` is ``province`` (a center's ``sites`` row, stored at its
    enrolment and kept by its bundles)."""
    return frozenset(session.execute(select(Site.id).where(Site.province == province)).scalars())


def enrolled_provinces(
    session: Session | Connection, statuses: Sequence[str]
) -> list[tuple[str, int]]:
    """The provinces of the centers whose enrolment is in ``statuses`` (their ``sites`` rows),
    each with how many such centers it has, by name."""
    stmt = (
        select(Site.province, func.count())
        .select_from(Enrolment)
        .join(Site, Site.id == Enrolment.center_id)
        .where(Enrolment.status.in_(list(statuses)))
        .group_by(Site.province)
        .order_by(Site.province)
    )
    return [(str(name), int(n)) for name, n in session.execute(stmt).all()]


def _all(session: Session | Connection, stmt: Any) -> Sequence[Any]:
    """The rows of a grouped query, through the session's connection: Core rows, without the
    ORM's result handling (a five-year dashboard reads tens of thousands of grouped rows)."""
    conn = session.connection() if isinstance(session, Session) else session
    return conn.execute(stmt).all()


def _count_by_owner(session: Session | Connection, selection: Selection) -> dict[uuid.UUID, int]:
    sub = selection.subquery()
    rows = _all(session, select(_owner(sub.c.owner_id), func.count()).group_by(sub.c.owner_id))
    return {owner: int(n) for owner, n in rows if owner is not None}


def _records(session: Session, selection: Selection, order: Sequence[str]) -> list[Any]:
    sub = selection.subquery()
    stmt = select(*(sub.c[name] for name in RECORD_COLUMNS)).order_by(
        *(sub.c[name] for name in order)
    )
    return list(_all(session, stmt.limit(RECORDS_LIMIT)))


# -- the summary tables (storage/summaries.py) ---------------------------------------------------


def month_of(column: Any) -> Any:
    """A date column's month as the ``summary_*`` tables hold it: CE year × 100 + month."""
    return extract("year", column) * 100 + extract("month", column)


def whole_months(
    start: dt.date, end: dt.date
) -> tuple[tuple[int, int] | None, list[tuple[dt.date, dt.date]]]:
    """The period's whole calendar months (first and last as ``month_of`` gives them, or
    ``None``) and the days outside them (at most two ranges: a partial month at each end)."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end)  # the first day after the month of ``end``
    last_day = end if end == after - dt.timedelta(days=1) else end.replace(day=1) - dt.timedelta(1)
    if first > last_day:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    if last_day < end:
        edges.append((last_day + dt.timedelta(days=1), end))
    return (first.year * 100 + first.month, last_day.year * 100 + last_day.month), edges


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


def _sums_when(column: Any, values: Sequence[str], amount: Any) -> list[Any]:
    """One sum of ``amount`` per value of ``column`` (a pivot: one row per owner)."""
    return [func.sum(case((column == v, amount), else_=0)) for v in values]


def _in_months(column: Any, months: tuple[int, int]) -> ColumnElement[bool]:
    """The summary rows of a range of months."""
    within: ColumnElement[bool] = column.between(*months)
    return within


def _split(
    start: dt.date, end: dt.date, summaries: bool
) -> tuple[tuple[int, int] | None, list[tuple[dt.date, dt.date]]]:
    if not summaries:
        return None, [(start, end)]
    return whole_months(start, end)


# -- cases received ----------------------------------------------------------------------------


def received_selection(
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    kind: str | None = None,
    channel: str | None = None,
    month: tuple[int, int] | None = None,
) -> Selection:
    """Cases received in the period (by the day received), optionally of one kind, channel or
    calendar month (CE year, month)."""
    first, last = start, end
    if month is not None:
        year, m = month
        month_first = dt.date(year, m, 1)
        month_next = dt.date(year + 1, 1, 1) if m == 12 else dt.date(year, m + 1, 1)
        first, last = max(first, month_first), min(last, month_next - dt.timedelta(days=1))
    stmt = select(
        Case.owner_id.label("owner_id"),
        Case.id.label("id"),
        Case.year_be.label("year_be"),
        Case.number.label("number"),
        Case.received_on.label("on"),
        Case.subject.label("title"),
        Case.status.label("state"),
        Case.kind.label("detail"),
        Case.channel.label("channel"),
    ).where(
        Case.deleted_at.is_(None),
        _owned(Case.owner_id, owner),
        Case.received_on >= first,
        Case.received_on <= last,
    )
    if kind is not None:
        stmt = stmt.where(Case.kind == kind)
    if channel is not None:
        stmt = stmt.where(Case.channel == channel)
    return stmt


def received_counts(
    session: Session,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    summaries: bool = False,
) -> list[tuple[uuid.UUID, str | None, str | None, int]]:
    """(owner, kind, channel, cases) of the cases received in the period: a row adds its
    cases to its kind and to its channel, a ``None`` to neither (an owner, kind and channel may
    come more than once: add them up). With ``summaries``, the period's whole months are read
    from ``summary_received``, one row per owner with a sum per kind and per channel (not one
    per kind, channel and owner: a five-year period would be tens of thousands)."""
    out: list[tuple[uuid.UUID, str | None, str | None, int]] = []
    months, edges = _split(start, end, summaries)
    if months is not None:
        t = SummaryReceived
        kinds = [k.value for k in CaseKind]
        channels = [c.value for c in CaseChannel]
        rows = _all(
            session,
            select(
                _owner(t.owner_id),
                *_sums_when(t.kind, kinds, t.cases),
                *_sums_when(t.channel, channels, t.cases),
            )
            .where(_in_months(t.month, months), _owned(t.owner_id, owner))
            .group_by(t.owner_id),
        )
        for o, *sums in rows:
            out += [(o, k, None, int(n)) for k, n in zip(kinds, sums, strict=False) if n]
            out += [
                (o, None, c, int(n)) for c, n in zip(channels, sums[len(kinds) :], strict=True) if n
            ]
    for first, last in edges:
        sub = received_selection(first, last, owner).subquery()
        rows = _all(
            session,
            select(_owner(sub.c.owner_id), sub.c.detail, sub.c.channel, func.count()).group_by(
                sub.c.owner_id, sub.c.detail, sub.c.channel
            ),
        )
        out += [(o, k, c, int(n)) for o, k, c, n in rows]
    return out


def received_per_month(
    session: Session,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    summaries: bool = False,
) -> list[tuple[uuid.UUID, int, int, int]]:
    """(owner, CE year, month, cases) of the cases received in the period (add up repeats)."""
    out: list[tuple[uuid.UUID, int, int, int]] = []
    months, edges = _split(start, end, summaries)
    if months is not None:
        t = SummaryReceived
        rows = _all(
            session,
            select(_owner(t.owner_id), t.month, func.sum(t.cases))
            .where(t.month.between(*months), _owned(t.owner_id, owner))
            .group_by(t.owner_id, t.month),
        )
        out += [(o, int(m) // 100, int(m) % 100, int(n)) for o, m, n in rows]
    for first, last in edges:
        sub = received_selection(first, last, owner).subquery()
        year = extract("year", sub.c.on)
        month = extract("month", sub.c.on)
        counted = _all(
            session,
            select(_owner(sub.c.owner_id), year, month, func.count()).group_by(
                sub.c.owner_id, year, month
            ),
        )
        out += [(o, int(y), int(m), int(n)) for o, y, m, n in counted]
    return out


# -- outcomes ----------------------------------------------------------------------------------

OUTCOME_STATUSES = [s.value for s in OUTCOME_OF]


def outcome_selection(
    session: Session | Connection,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    statuses: Sequence[str] | None = None,
    disputes_only: bool = False,
    events: Sequence[ColumnElement[bool]] | None = None,
) -> Selection:
    """Cases whose last outcome event within the period is one of ``statuses`` (any outcome
    when ``None``), with that outcome as ``state`` and the days from receipt to it as ``days``.

    "Last" is by the day of the event; on the same day, a referral or escalation comes after
    the termination or dismissal it follows, then the event recorded later.

    ``events``: only the period's events that meet one of these conditions (disjoint), each
    read as a query of its own (the summary tables' edges and cases spanning months)."""
    live: tuple[ColumnElement[bool], ...] = (
        CaseEvent.deleted_at.is_(None),
        _owned(CaseEvent.owner_id, owner),
        CaseEvent.to_status.in_(OUTCOME_STATUSES),
        CaseEvent.occurred_on >= start,
        CaseEvent.occurred_on <= end,
    )
    source: Any = CaseEvent
    src: Any = CaseEvent
    if events is not None:
        columns = (
            CaseEvent.case_id,
            CaseEvent.to_status,
            CaseEvent.occurred_on,
            CaseEvent.created_at,
            CaseEvent.id,
        )
        source = union_all(*(select(*columns).where(*live, part) for part in events)).subquery()
        src, live = source.c, ()
    later_first = case((src.to_status.in_([s.value for s in FOLLOWS_AN_OUTCOME]), 1), else_=0)
    ranked = (
        select(
            src.case_id.label("case_id"),
            src.to_status.label("status"),
            src.occurred_on.label("occurred_on"),
            func.row_number()
            .over(
                partition_by=src.case_id,
                order_by=(
                    src.occurred_on.desc(),
                    later_first.desc(),
                    src.created_at.desc(),
                    src.id.desc(),
                ),
            )
            .label("rank"),
        )
        .select_from(source)
        .where(*live)
        .subquery()
    )
    stmt = (
        select(
            Case.owner_id.label("owner_id"),
            Case.id.label("id"),
            Case.year_be.label("year_be"),
            Case.number.label("number"),
            ranked.c.occurred_on.label("on"),
            Case.subject.label("title"),
            ranked.c.status.label("state"),
            Case.kind.label("detail"),
            _days_between(session, ranked.c.occurred_on, Case.received_on).label("days"),
        )
        .join(ranked, ranked.c.case_id == Case.id)
        .where(ranked.c.rank == 1, Case.deleted_at.is_(None), _owned(Case.owner_id, owner))
    )
    if statuses is not None:
        stmt = stmt.where(ranked.c.status.in_(list(statuses)))
    if disputes_only:
        stmt = stmt.where(Case.kind == CaseKind.DISPUTE.value)
    return stmt


def outcome_counts(
    session: Session, start: dt.date, end: dt.date, owner: Owner
) -> list[tuple[uuid.UUID, str, str, int]]:
    """(owner, kind, outcome status, cases) of the cases with an outcome in the period."""
    sub = outcome_selection(session, start, end, owner).subquery()
    rows = _all(
        session,
        select(_owner(sub.c.owner_id), sub.c.detail, sub.c.state, func.count()).group_by(
            sub.c.owner_id, sub.c.detail, sub.c.state
        ),
    )
    return [(o, k, s, int(n)) for o, k, s, n in rows]


def outcome_distribution(
    session: Session,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    summaries: bool = False,
) -> list[tuple[uuid.UUID, str | None, str | None, int | None, int]]:
    """(owner, kind, outcome status, days from receipt to outcome, cases): what
    :func:`outcome_counts` and :func:`outcome_days` give, in one pass over the period's events
    (the dashboard reads both; add up repeats). A row adds its cases to its status (and to the
    disputes decided when its kind is a dispute) and to its days; with no status, a dispute
    row adds to the disputes decided only; a ``None`` adds to nothing.

    With ``summaries``: the cases whose outcome events share one whole month of the period from
    ``summary_outcomes`` (one row per owner with a sum per status and the disputes, and one per
    owner and number of days); the rest ranked from the period's events as without -- those in
    the partial months at the ends, and every event of the cases in ``summary_outcome_spans``."""
    months, edges = _split(start, end, summaries)
    out: list[tuple[uuid.UUID, str | None, str | None, int | None, int]] = []
    events: list[ColumnElement[bool]] | None = None
    if months is not None:
        t = SummaryOutcome
        within = and_(_in_months(t.month, months), _owned(t.owner_id, owner))
        dispute = CaseKind.DISPUTE.value
        rows = _all(
            session,
            select(
                _owner(t.owner_id),
                *_sums_when(t.status, OUTCOME_STATUSES, t.cases),
                *_sums_when(t.kind, [dispute], t.cases),
            )
            .where(within)
            .group_by(t.owner_id),
        )
        for o, *sums in rows:
            statuses = zip(OUTCOME_STATUSES, sums[:-1], strict=True)
            out += [(o, None, s, None, int(n)) for s, n in statuses if n]
            if sums[-1]:
                out.append((o, dispute, None, None, int(sums[-1])))
        rows = _all(
            session,
            select(_owner(t.owner_id), t.days, func.sum(t.cases))
            .where(within)
            .group_by(t.owner_id, t.days),
        )
        out += [(o, None, None, int(d), int(n)) for o, d, n in rows]
        spans = select(SummaryOutcomeSpan.case_id).where(_owned(SummaryOutcomeSpan.owner_id, owner))
        events = [
            CaseEvent.case_id.in_(spans),
            *(
                and_(CaseEvent.occurred_on.between(first, last), CaseEvent.case_id.not_in(spans))
                for first, last in edges
            ),
        ]
    sub = outcome_selection(session, start, end, owner, events=events).subquery()
    rows = _all(
        session,
        select(
            _owner(sub.c.owner_id), sub.c.detail, sub.c.state, sub.c.days, func.count()
        ).group_by(sub.c.owner_id, sub.c.detail, sub.c.state, sub.c.days),
    )
    out += [(o, k, s, None if d is None else int(d), int(n)) for o, k, s, d, n in rows]
    return out


def outcome_days(
    session: Session, start: dt.date, end: dt.date, owner: Owner
) -> list[tuple[uuid.UUID, int, int]]:
    """(owner, days from receipt to outcome, cases): the distribution the median is read from."""
    sub = outcome_selection(session, start, end, owner).subquery()
    rows = _all(
        session,
        select(_owner(sub.c.owner_id), sub.c.days, func.count()).group_by(
            sub.c.owner_id, sub.c.days
        ),
    )
    return [(o, int(d), int(n)) for o, d, n in rows if d is not None]


# -- legal deadlines -----------------------------------------------------------------------------


def deadline_selection(
    kind: DeadlineKind, first_source: dt.date, last_source: dt.date, owner: Owner
) -> Selection:
    """Cases whose ``kind`` deadline is counted from a day between ``first_source`` and
    ``last_source`` (``domain.deadlines.sources_due_between`` turns a range of deadlines into
    this range), under the same conditions as the case shows the deadline
    (``services/cases._detail``): §6 after a mediation that ended without settlement; §32 once
    settled (also when closed afterwards); the compensation claim for victim-compensation cases,
    from the incident date or else the day received."""
    from justice_desk.storage.models import Settlement

    base = (
        Case.owner_id.label("owner_id"),
        Case.id.label("id"),
        Case.year_be.label("year_be"),
        Case.number.label("number"),
    )
    tail = (Case.subject.label("title"), Case.status.label("state"), Case.kind.label("detail"))
    live = and_(Case.deleted_at.is_(None), _owned(Case.owner_id, owner))
    if kind is DeadlineKind.LIMITATION:
        return select(*base, Case.mediation_ended_on.label("on"), *tail).where(
            live,
            Case.status != CaseStatus.SETTLED.value,
            Case.mediation_ended_on >= first_source,
            Case.mediation_ended_on <= last_source,
        )
    if kind is DeadlineKind.ENFORCEMENT:
        return (
            select(*base, Settlement.agreed_on.label("on"), *tail)
            .join(Settlement, Settlement.case_id == Case.id)
            .where(
                live,
                Settlement.deleted_at.is_(None),
                Case.status.in_([CaseStatus.SETTLED.value, CaseStatus.CLOSED.value]),
                Settlement.agreed_on >= first_source,
                Settlement.agreed_on <= last_source,
            )
        )
    known = func.coalesce(Case.incident_on, Case.received_on)
    return select(*base, known.label("on"), *tail).where(
        live,
        Case.kind == CaseKind.VICTIM_COMPENSATION.value,
        known >= first_source,
        known <= last_source,
    )


def deadline_counts(
    session: Session,
    kind: DeadlineKind,
    first_source: dt.date,
    last_source: dt.date,
    owner: Owner,
    *,
    summaries: bool = False,
) -> dict[uuid.UUID, int]:
    """Cases per owner whose ``kind`` deadline counts from a day in the range; with
    ``summaries``, from ``summary_deadlines`` (those days, per center)."""
    if first_source > last_source:
        return {}
    if summaries:
        t = SummaryDeadline
        rows = _all(
            session,
            select(_owner(t.owner_id), func.sum(t.cases))
            .where(
                t.kind == kind.value,
                t.day >= first_source,
                t.day <= last_source,
                _owned(t.owner_id, owner),
            )
            .group_by(t.owner_id),
        )
        return {o: int(n) for o, n in rows}
    return _count_by_owner(session, deadline_selection(kind, first_source, last_source, owner))


# -- escalations waiting for the office --------------------------------------------------------


def escalated_selection(owner: Owner, *, before: dt.date | None = None) -> Selection:
    """Cases escalated to the office, not closed since and not answered by the office
    (``escalation_answers``): they wait for the office (those escalated before ``before``
    only, when given)."""
    on = func.coalesce(Case.escalated_on, Case.outcome_on, Case.received_on)
    stmt = select(
        Case.owner_id.label("owner_id"),
        Case.id.label("id"),
        Case.year_be.label("year_be"),
        Case.number.label("number"),
        on.label("on"),
        Case.subject.label("title"),
        Case.status.label("state"),
        Case.kind.label("detail"),
    ).where(
        Case.deleted_at.is_(None),
        _owned(Case.owner_id, owner),
        Case.status == CaseStatus.ESCALATED.value,
        ~exists().where(EscalationAnswer.case_id == Case.id),
    )
    return stmt.where(on < before) if before is not None else stmt


def escalations_waiting(
    session: Session, owner: Owner, long_wait_before: dt.date
) -> list[tuple[uuid.UUID, int, dt.date | None, int]]:
    """(owner, escalations waiting, the earliest day escalated, how many since before
    ``long_wait_before``)."""
    sub = escalated_selection(owner).subquery()
    rows = _all(
        session,
        select(
            _owner(sub.c.owner_id),
            func.count(),
            func.min(sub.c.on),
            func.sum(case((sub.c.on < long_wait_before, 1), else_=0)),
        ).group_by(sub.c.owner_id),
    )
    return [(o, int(n), first, int(long or 0)) for o, n, first, long in rows]


# -- meetings ----------------------------------------------------------------------------------

_HELD = [MeetingStatus.HELD.value, MeetingStatus.ADOPTED.value]
_NOT_A_MEMBER_LINE = [Attendance.SUBSTITUTE.value, Attendance.GUEST.value]


def _quorum_lines(start: dt.date, end: dt.date, owner: Owner) -> Any:
    """Per meeting held between ``start`` and ``end``: members, members present, substitutes
    who count, members not recorded -- the counts of ``domain.meetings.count_quorum``, in SQL.
    Only the attendance of those meetings is read (a province holds hundreds of thousands of
    attendance lines; a month's meetings have a few hundred)."""
    a = aliased(MeetingAttendance)
    in_period = select(Meeting.id).where(
        Meeting.held_on >= start, Meeting.held_on <= end, _owned(Meeting.owner_id, owner)
    )
    adviser = aliased(MeetingAttendance)
    is_member = and_(
        a.position.is_not(None),
        a.position != CommitteePosition.ADVISER.value,
        a.attendance.not_in(_NOT_A_MEMBER_LINE),
    )
    for_an_adviser = exists().where(
        adviser.meeting_id == a.meeting_id,
        adviser.person_id == a.substitute_for_id,
        adviser.deleted_at.is_(None),
        adviser.position == CommitteePosition.ADVISER.value,
        adviser.attendance.not_in(_NOT_A_MEMBER_LINE),
    )
    return (
        select(
            a.meeting_id.label("meeting_id"),
            func.sum(case((is_member, 1), else_=0)).label("members"),
            func.sum(
                case((and_(is_member, a.attendance == Attendance.PRESENT.value), 1), else_=0)
            ).label("present"),
            func.sum(
                case(
                    (and_(a.attendance == Attendance.SUBSTITUTE.value, ~for_an_adviser), 1),
                    else_=0,
                )
            ).label("substitutes"),
            func.sum(
                case((and_(is_member, a.attendance == Attendance.NOT_TAKEN.value), 1), else_=0)
            ).label("not_recorded"),
        )
        .where(a.deleted_at.is_(None), a.meeting_id.in_(in_period))
        .group_by(a.meeting_id)
        .subquery()
    )


def meeting_selection(start: dt.date, end: dt.date, owner: Owner, which: str = "held") -> Selection:
    """Meetings held in the period (``held``), those among them whose attendance is taken and
    did not reach the quorum (``quorum_failed``), or whose minutes are not adopted yet
    (``not_adopted``)."""
    stmt = select(
        Meeting.owner_id.label("owner_id"),
        Meeting.id.label("id"),
        Meeting.year_be.label("year_be"),
        Meeting.number.label("number"),
        Meeting.held_on.label("on"),
        Meeting.body_name.label("title"),
        Meeting.status.label("state"),
        Meeting.place.label("detail"),
    ).where(
        Meeting.deleted_at.is_(None),
        _owned(Meeting.owner_id, owner),
        Meeting.status.in_(_HELD),
        Meeting.held_on >= start,
        Meeting.held_on <= end,
    )
    if which == "not_adopted":
        return stmt.where(Meeting.status == MeetingStatus.HELD.value)
    if which == "quorum_failed":
        lines = _quorum_lines(start, end, owner)
        members = func.coalesce(lines.c.members, 0)
        present = func.coalesce(lines.c.present, 0) + func.coalesce(lines.c.substitutes, 0)
        numerator = func.coalesce(Site.quorum_numerator, 1)
        denominator = func.coalesce(Site.quorum_denominator, 2)
        # required = max(1, ceil(members × n / d)); present < required, in whole numbers
        return (
            stmt.outerjoin(lines, lines.c.meeting_id == Meeting.id)
            .outerjoin(Site, Site.id == Meeting.owner_id)
            .where(
                func.coalesce(lines.c.not_recorded, 0) == 0,
                or_(members == 0, present < 1, present * denominator < members * numerator),
            )
        )
    return stmt


def meeting_counts(
    session: Session,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    which: str,
    *,
    summaries: bool = False,
) -> dict[uuid.UUID, int]:
    """Meetings per owner (``which`` as :func:`meeting_selection`); with ``summaries``, the
    period's whole months from ``summary_month``."""
    months, edges = _split(start, end, summaries)
    out: Counter[uuid.UUID] = Counter()
    if months is not None:
        column = _MEETING_COLUMNS[which]
        t = SummaryMonth
        for o, n in _all(
            session,
            select(_owner(t.owner_id), func.sum(column))
            .where(t.month.between(*months), _owned(t.owner_id, owner))
            .group_by(t.owner_id),
        ):
            out[o] += int(n)
    for first, last in edges:
        out.update(_count_by_owner(session, meeting_selection(first, last, owner, which)))
    return {o: n for o, n in out.items() if n}


_MEETING_COLUMNS = {
    "held": SummaryMonth.meetings_held,
    "quorum_failed": SummaryMonth.quorum_failures,
    "not_adopted": SummaryMonth.minutes_not_adopted,
}


# -- people: members, committee terms, mediators -------------------------------------------------


def member_selection(owner: Owner, *, trained: bool = False) -> Selection:
    """People with an active network membership (each once), or those of them with at least
    one training on record."""
    active = select(Membership.person_id).where(
        Membership.status == MembershipStatus.ACTIVE.value, Membership.deleted_at.is_(None)
    )
    stmt = select(
        Person.owner_id.label("owner_id"),
        Person.id.label("id"),
        literal(None, Integer).label("year_be"),
        literal(None, Integer).label("number"),
        literal(None, Date).label("on"),
        func.trim(
            func.coalesce(Person.title, "")
            + Person.given_name
            + " "
            + func.coalesce(Person.surname, "")
        ).label("title"),
        Person.sex.label("state"),
        Person.village.label("detail"),
    ).where(Person.deleted_at.is_(None), _owned(Person.owner_id, owner), Person.id.in_(active))
    if trained:
        stmt = stmt.where(
            exists().where(Training.person_id == Person.id, Training.deleted_at.is_(None))
        )
    return stmt


def member_counts(
    session: Session | Connection,
    owner: Owner,
    *,
    trained: bool = False,
    summaries: bool = False,
) -> dict[uuid.UUID, int]:
    """Members (or trained members) per owner; with ``summaries``, from ``summary_people``."""
    if summaries:
        t = SummaryPeople
        column = t.trained_members if trained else t.members
        rows = _all(
            session, select(_owner(t.owner_id), column).where(_owned(t.owner_id, owner), column > 0)
        )
        return {o: int(n) for o, n in rows}
    return _count_by_owner(session, member_selection(owner, trained=trained))


def terms_ending_selection(first: dt.date, last: dt.date, owner: Owner) -> Selection:
    """Committee terms that end between ``first`` and ``last``."""
    return select(
        CommitteeTerm.owner_id.label("owner_id"),
        CommitteeTerm.id.label("id"),
        literal(None, Integer).label("year_be"),
        literal(None, Integer).label("number"),
        CommitteeTerm.ends_on.label("on"),
        CommitteeTerm.name.label("title"),
        literal(None, Integer).label("state"),
        CommitteeTerm.notes.label("detail"),
    ).where(
        CommitteeTerm.deleted_at.is_(None),
        _owned(CommitteeTerm.owner_id, owner),
        CommitteeTerm.ends_on >= first,
        CommitteeTerm.ends_on <= last,
    )


def mediators_expiring_selection(first: dt.date, last: dt.date, owner: Owner) -> Selection:
    """Registered mediators (status registered) whose registration expires between ``first``
    and ``last``."""
    return (
        select(
            Mediator.owner_id.label("owner_id"),
            Mediator.id.label("id"),
            literal(None, Integer).label("year_be"),
            literal(None, Integer).label("number"),
            Mediator.expires_on.label("on"),
            func.trim(
                func.coalesce(Person.title, "")
                + Person.given_name
                + " "
                + func.coalesce(Person.surname, "")
            ).label("title"),
            Mediator.status.label("state"),
            Mediator.registration_no.label("detail"),
        )
        .join(Person, Person.id == Mediator.person_id)
        .where(
            Mediator.deleted_at.is_(None),
            _owned(Mediator.owner_id, owner),
            Mediator.status == MediatorStatus.ACTIVE.value,
            Mediator.expires_on >= first,
            Mediator.expires_on <= last,
        )
    )


def count_of(session: Session, selection: Selection) -> dict[uuid.UUID, int]:
    """The count per owner of any selection of this module."""
    return _count_by_owner(session, selection)


# -- activities ----------------------------------------------------------------------------------


def activity_selection(start: dt.date, end: dt.date, owner: Owner) -> Selection:
    return select(
        Activity.owner_id.label("owner_id"),
        Activity.id.label("id"),
        literal(None, Integer).label("year_be"),
        literal(None, Integer).label("number"),
        Activity.held_on.label("on"),
        Activity.topic.label("title"),
        (
            Activity.participants_male
            + Activity.participants_female
            + Activity.participants_unspecified
        ).label("state"),
        Activity.place.label("detail"),
        Activity.participants_male.label("male"),
        Activity.participants_female.label("female"),
        Activity.participants_unspecified.label("unspecified"),
    ).where(
        Activity.deleted_at.is_(None),
        _owned(Activity.owner_id, owner),
        Activity.held_on >= start,
        Activity.held_on <= end,
    )


def activity_counts(
    session: Session,
    start: dt.date,
    end: dt.date,
    owner: Owner,
    *,
    summaries: bool = False,
) -> list[tuple[uuid.UUID, int, int, int, int]]:
    """(owner, activities, male, female, not specified participants), each owner once; with
    ``summaries``, the period's whole months from ``summary_month``."""
    months, edges = _split(start, end, summaries)
    acc: dict[uuid.UUID, list[int]] = {}

    def add(rows: Sequence[Any]) -> None:
        for o, *values in rows:
            line = acc.setdefault(o, [0, 0, 0, 0])
            for i, v in enumerate(values):
                line[i] += int(v or 0)

    if months is not None:
        t = SummaryMonth
        add(
            _all(
                session,
                select(
                    _owner(t.owner_id),
                    func.sum(t.activities),
                    func.sum(t.participants_male),
                    func.sum(t.participants_female),
                    func.sum(t.participants_unspecified),
                )
                .where(t.month.between(*months), _owned(t.owner_id, owner), t.activities > 0)
                .group_by(t.owner_id),
            )
        )
    for first, last in edges:
        sub = activity_selection(first, last, owner).subquery()
        add(
            _all(
                session,
                select(
                    _owner(sub.c.owner_id),
                    func.count(),
                    func.coalesce(func.sum(sub.c.male), 0),
                    func.coalesce(func.sum(sub.c.female), 0),
                    func.coalesce(func.sum(sub.c.unspecified), 0),
                ).group_by(sub.c.owner_id),
            )
        )
    return [(o, n, m, f, u) for o, (n, m, f, u) in acc.items()]


# -- sync health (beyond ``sync_queries.bundle_status_counts``) --------------------------------


def bundle_selection(status: str, owner: Owner) -> Selection:
    """Bundles received from a center with this status (held or rejected)."""
    return select(
        ReceivedBundle.center_id.label("owner_id"),
        cast(ReceivedBundle.id, Integer).label("id"),
        literal(None, Integer).label("year_be"),
        ReceivedBundle.seq.label("number"),
        ReceivedBundle.received_at.label("on"),
        func.coalesce(ReceivedBundle.reason, "").label("title"),
        ReceivedBundle.status.label("state"),
        ReceivedBundle.detail.label("detail"),
    ).where(ReceivedBundle.status == status, _owned(ReceivedBundle.center_id, owner))


def conflict_selection(owner: Owner) -> Selection:
    """Entries of the conflict list nobody has dealt with yet."""
    return select(
        SyncConflict.center_id.label("owner_id"),
        SyncConflict.id.label("id"),
        literal(None, Integer).label("year_be"),
        literal(None, Integer).label("number"),
        SyncConflict.at.label("on"),
        SyncConflict.table_name.label("title"),
        SyncConflict.reason.label("state"),
        literal(None, String).label("detail"),
    ).where(SyncConflict.resolved_at.is_(None), _owned(SyncConflict.center_id, owner))


def revoked_key_selection(owner: Owner) -> Selection:
    """Keys of a center the office revoked."""
    return select(
        SiteKey.site_id.label("owner_id"),
        SiteKey.id.label("id"),
        literal(None, Integer).label("year_be"),
        SiteKey.revocation_number.label("number"),
        SiteKey.added_at.label("on"),
        SiteKey.key_id.label("title"),
        SiteKey.status.label("state"),
        SiteKey.role.label("detail"),
    ).where(SiteKey.status == KeyStatus.REVOKED.value, _owned(SiteKey.site_id, owner))


def bundle_counts(session: Session, status: str) -> dict[uuid.UUID, int]:
    assert status in (ImportStatus.HELD, ImportStatus.REJECTED)
    return _count_by_owner(session, bundle_selection(status, None))


# -- the records behind a figure ----------------------------------------------------------------


def records(
    session: Session, selection: Selection, order: Sequence[str] = ("on", "year_be", "number")
) -> list[Any]:
    """The rows of a selection (``RECORD_COLUMNS``), by date then number (or ``order``), at
    most ``RECORDS_LIMIT``."""
    return _records(session, selection, (*order, "title", "id"))


def total(session: Session, selection: Selection) -> int:
    return int(session.execute(select(func.count()).select_from(selection.subquery())).scalar_one())
