"""The dashboard: what the province (or one center) did over a period, and where it stands
(docs/architecture.md §13, the rules in docs/domain.md §12).

``dashboard()`` counts everything in SQL, grouped by center (``storage/dashboard_queries.py``),
and returns frozen data objects: the province's totals and one line per center. Two kinds of
figures:

- **over the period**: cases received (by kind and channel, and per month), outcomes, the
  settlement rate and the median days from intake to outcome, legal deadlines that passed in
  the period, meetings held, quorum failures, minutes not adopted, activities and participants;
- **as things stand** (today, or the period's last day where the text says so): deadlines due
  within ``DUE_SOON_DAYS`` of the period's as-of day, escalations waiting for the office
  (escalated, not closed and not answered yet: ``services/escalations.py``),
  members and trained members, committee terms and mediator registrations ending within
  ``EXPIRY_DAYS``, and sync health.

``FIGURES`` names every figure once (key, label, value); the page, ``dashboard_json`` (what
``justice-desk dashboard --json`` prints) and ``records()`` (the records behind a figure, which
the page opens when a figure is clicked) all go through it. The later parts of the province's
work (escalations answered, reports, scale) read the same ``Dashboard``: a report prints
``dashboard_json``'s figures, so the two cannot disagree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from justice_desk import i18n
from justice_desk.domain.deadlines import DUE_SOON_DAYS, DeadlineKind, sources_due_between
from justice_desk.domain.enums import (
    ENROLLED,
    CaseChannel,
    CaseKind,
    CaseStatus,
    EnrolmentStatus,
    ImportStatus,
    MeetingStatus,
    SiteKind,
)
from justice_desk.domain.numbering import format_case_number, format_meeting_number
from justice_desk.domain.outcomes import (
    OUTCOME_OF,
    Outcome,
    median_of_counts,
    settlement_rate,
    statuses_of,
)
from justice_desk.domain.periods import Period, month_code, parse_period
from justice_desk.errors import ValidationError
from justice_desk.i18n import N_, _
from justice_desk.storage import summaries as summary_tables
from justice_desk.storage.database import Database

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Committee terms and mediator registrations ending within this many days are flagged.
EXPIRY_DAYS = 90
#: An escalation waiting longer than this many days is counted as waiting long.
LONG_WAIT_DAYS = 30
#: Centers not heard from in more days than this are silent (the Sync page's setting).
DEFAULT_SILENT_DAYS = 30
#: How long a dashboard's read may spend recounting centers marked stale before it counts
#: (the rest are counted from their records: storage/summaries.py).
STALE_RECOUNT_SECONDS = 0.3


# -- data objects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The figures of one center, or the province's totals, over a period."""

    received_by_kind: Mapping[CaseKind, int]
    received_by_channel: Mapping[CaseChannel, int]
    outcomes: Mapping[Outcome, int]
    disputes_decided: int
    median_days: float | None
    deadlines_passed: Mapping[DeadlineKind, int]
    deadlines_due: Mapping[DeadlineKind, int]
    escalations_waiting: int
    escalation_longest_days: int | None
    escalations_waiting_long: int
    meetings_held: int
    quorum_failures: int
    minutes_not_adopted: int
    members: int
    trained_members: int
    terms_ending: int
    mediators_expiring: int
    activities: int
    participants_male: int
    participants_female: int
    participants_unspecified: int
    #: Cases received in each month of ``Dashboard.months``.
    per_month: tuple[int, ...]

    @property
    def received(self) -> int:
        return sum(self.received_by_kind.values())

    @property
    def decided(self) -> int:
        return sum(self.outcomes.values())

    @property
    def settlement_rate(self) -> float | None:
        return settlement_rate(self.outcomes.get(Outcome.SETTLED, 0), self.disputes_decided)

    @property
    def participants(self) -> int:
        return self.participants_male + self.participants_female + self.participants_unspecified


@dataclass(frozen=True)
class SyncHealth:
    """How a center's bundles arrive (province only); totals count centers and add the rest."""

    status: EnrolmentStatus | None
    last_bundle_at: dt.datetime | None
    quiet_days: int | None
    silent: bool
    held: int
    rejected: int
    open_conflicts: int
    revoked_keys: int


@dataclass(frozen=True)
class CenterFigures:
    center_id: uuid.UUID
    code: str
    name: str
    figures: Figures
    sync: SyncHealth | None


@dataclass(frozen=True)
class Dashboard:
    period: Period
    today: dt.date
    #: The day states within the period are taken on (deadlines passed / due soon).
    as_of: dt.date
    silent_days: int
    #: (CE year, month) of every month of the period, for ``Figures.per_month``.
    months: tuple[tuple[int, int], ...]
    total: Figures
    centers: tuple[CenterFigures, ...]
    #: The center asked for (``--center``), or ``None`` for the whole province.
    center_code: str | None = None
    province: bool = True
    silent_centers: int = 0
    sync_total: SyncHealth | None = None
    #: The province asked for (``--province``: its centers only, in a database of several),
    #: or ``None`` for every center of the database.
    province_name: str | None = None


# -- figures: one list for the page, the JSON and the click-through ------------------------------


@dataclass(frozen=True)
class FigureDef:
    """A figure: its stable key (in the JSON), its label (a message id), the group it is shown
    in, how to read it from ``Figures`` / ``SyncHealth``, and how it is written."""

    key: str
    label: str
    group: str
    value: Callable[[Figures], Any] | None = None
    sync_value: Callable[[SyncHealth], Any] | None = None
    #: "count" (a whole number with records behind it), "percent", "days", "datetime", "flag",
    #: "status" or "number" (a whole number without a list of records).
    form: str = "count"


GROUPS: tuple[tuple[str, str], ...] = (
    ("cases", N_("Cases received")),
    ("outcomes", N_("Outcomes")),
    ("deadlines", N_("Legal deadlines")),
    ("escalations", N_("Escalations waiting for the office")),
    ("meetings", N_("Committee meetings")),
    ("people", N_("Members, committee and mediators")),
    ("activities", N_("Activities")),
    ("sync", N_("Sync health")),
)

_DEADLINE_LABELS = {
    DeadlineKind.LIMITATION: (
        N_("§6 limitation (60 days after mediation failed): passed"),
        N_("§6 limitation: due within 30 days"),
    ),
    DeadlineKind.ENFORCEMENT: (
        N_("§32 enforcement (3 years after the agreement): passed"),
        N_("§32 enforcement: due within 30 days"),
    ),
    DeadlineKind.COMPENSATION: (
        N_("Compensation claim (1 year): passed"),
        N_("Compensation claim: due within 30 days"),
    ),
}


def _of_kind(kind: CaseKind) -> Callable[[Figures], int]:
    return lambda f: f.received_by_kind.get(kind, 0)


def _of_channel(channel: CaseChannel) -> Callable[[Figures], int]:
    return lambda f: f.received_by_channel.get(channel, 0)


def _of_outcome(outcome: Outcome) -> Callable[[Figures], int]:
    return lambda f: f.outcomes.get(outcome, 0)


def _deadline(kind: DeadlineKind, *, passed: bool) -> Callable[[Figures], int]:
    if passed:
        return lambda f: f.deadlines_passed.get(kind, 0)
    return lambda f: f.deadlines_due.get(kind, 0)


def _figures() -> tuple[FigureDef, ...]:
    out: list[FigureDef] = [
        FigureDef("received", N_("Cases received"), "cases", lambda f: f.received)
    ]
    for kind in CaseKind:
        out.append(
            FigureDef(
                f"received.kind.{kind.value}",
                CaseKind.labels()[kind.value],
                "cases",
                _of_kind(kind),
            )
        )
    for channel in CaseChannel:
        out.append(
            FigureDef(
                f"received.channel.{channel.value}",
                CaseChannel.labels()[channel.value],
                "cases",
                _of_channel(channel),
            )
        )
    out.append(FigureDef("outcomes", N_("Cases with an outcome"), "outcomes", lambda f: f.decided))
    for outcome in Outcome:
        out.append(
            FigureDef(
                f"outcome.{outcome.value}",
                Outcome.labels()[outcome.value],
                "outcomes",
                _of_outcome(outcome),
            )
        )
    out += [
        FigureDef(
            "disputes_decided",
            N_("Disputes with an outcome"),
            "outcomes",
            lambda f: f.disputes_decided,
        ),
        FigureDef(
            "settlement_rate",
            N_("Settlement rate (disputes)"),
            "outcomes",
            lambda f: _percent(f.settlement_rate),
            form="percent",
        ),
        FigureDef(
            "median_days",
            N_("Median days from intake to outcome"),
            "outcomes",
            lambda f: f.median_days,
            form="days",
        ),
    ]
    for deadline, (passed, due) in _DEADLINE_LABELS.items():
        out.append(
            FigureDef(
                f"deadline.{deadline.value}.passed",
                passed,
                "deadlines",
                _deadline(deadline, passed=True),
            )
        )
        out.append(
            FigureDef(
                f"deadline.{deadline.value}.due",
                due,
                "deadlines",
                _deadline(deadline, passed=False),
            )
        )
    out += [
        FigureDef(
            "escalations.waiting",
            N_("Escalations waiting"),
            "escalations",
            lambda f: f.escalations_waiting,
        ),
        FigureDef(
            "escalations.waiting_long",
            N_("Waiting more than 30 days"),
            "escalations",
            lambda f: f.escalations_waiting_long,
        ),
        FigureDef(
            "escalations.longest_days",
            N_("Longest wait (days)"),
            "escalations",
            lambda f: f.escalation_longest_days,
            form="number",
        ),
        FigureDef("meetings.held", N_("Meetings held"), "meetings", lambda f: f.meetings_held),
        FigureDef(
            "meetings.quorum_failures",
            N_("Meetings without a quorum"),
            "meetings",
            lambda f: f.quorum_failures,
        ),
        FigureDef(
            "meetings.minutes_not_adopted",
            N_("Minutes not yet adopted"),
            "meetings",
            lambda f: f.minutes_not_adopted,
        ),
        FigureDef("members", N_("Network members"), "people", lambda f: f.members),
        FigureDef(
            "members.trained", N_("Members with training"), "people", lambda f: f.trained_members
        ),
        FigureDef(
            "committee.terms_ending",
            N_("Committee terms ending within 90 days"),
            "people",
            lambda f: f.terms_ending,
        ),
        FigureDef(
            "mediators.expiring",
            N_("Mediator registrations expiring within 90 days"),
            "people",
            lambda f: f.mediators_expiring,
        ),
        FigureDef("activities", N_("Activities held"), "activities", lambda f: f.activities),
        FigureDef(
            "participants",
            N_("Participants"),
            "activities",
            lambda f: f.participants,
            form="number",
        ),
        FigureDef(
            "participants.male",
            N_("Participants: male"),
            "activities",
            lambda f: f.participants_male,
            form="number",
        ),
        FigureDef(
            "participants.female",
            N_("Participants: female"),
            "activities",
            lambda f: f.participants_female,
            form="number",
        ),
        FigureDef(
            "participants.unspecified",
            N_("Participants: not specified"),
            "activities",
            lambda f: f.participants_unspecified,
            form="number",
        ),
        FigureDef(
            "sync.status",
            N_("Enrolment"),
            "sync",
            sync_value=lambda s: s.status.value if s.status else None,
            form="status",
        ),
        FigureDef(
            "sync.last_bundle_at",
            N_("Last bundle received"),
            "sync",
            sync_value=lambda s: s.last_bundle_at,
            form="datetime",
        ),
        FigureDef(
            "sync.quiet_days",
            N_("Days since the last bundle"),
            "sync",
            sync_value=lambda s: s.quiet_days,
            form="number",
        ),
        FigureDef(
            "sync.silent",
            N_("Silent centers"),
            "sync",
            sync_value=lambda s: s.silent,
            form="flag",
        ),
        FigureDef("sync.held", N_("Bundles held (gaps)"), "sync", sync_value=lambda s: s.held),
        FigureDef("sync.rejected", N_("Files rejected"), "sync", sync_value=lambda s: s.rejected),
        FigureDef(
            "sync.open_conflicts",
            N_("Open conflicts"),
            "sync",
            sync_value=lambda s: s.open_conflicts,
        ),
        FigureDef(
            "sync.revoked_keys", N_("Revoked keys"), "sync", sync_value=lambda s: s.revoked_keys
        ),
    ]
    return tuple(out)


FIGURES: tuple[FigureDef, ...] = _figures()
FIGURE_BY_KEY: Mapping[str, FigureDef] = {f.key: f for f in FIGURES}


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def figure_value(figure: FigureDef, figures: Figures | None, sync: SyncHealth | None) -> Any:
    """The value of ``figure`` as the page and the JSON give it (``None``: not applicable)."""
    if figure.value is not None:
        return figure.value(figures) if figures is not None else None
    assert figure.sync_value is not None
    return figure.sync_value(sync) if sync is not None else None


# -- the provinces a database holds ------------------------------------------------------------


def provinces(db: Database) -> tuple[str, ...]:
    """The provinces of the enrolled centers of a province's database, by name: one for a
    Provincial Justice Office's own database, many for a server that holds the centers of
    several (the whole country). A center's database: its own province."""
    from justice_desk.services import setup
    from justice_desk.storage import dashboard_queries as q

    if db.mode != SiteKind.PROVINCE.value:
        return (setup.this_site(db).province,)
    with db.read() as session:
        rows = q.enrolled_provinces(session, [s.value for s in ENROLLED])
    return tuple(sorted(name for name, _count in rows))


def province_centers(db: Database, province_name: str) -> frozenset[uuid.UUID]:
    """The ids of the sites of ``province_name`` (its enrolled centers among them: the
    Dashboard page's center list, ``services.sync.centers_overview(db, ids)``)."""
    from justice_desk.storage import dashboard_queries as q

    with db.read() as session:
        return q.centers_in_province(session, province_name)


def check_province(db: Database, name: str, center_code: str | None = None) -> str:
    """``name`` (``จังหวัด`` before it left out) as the province of some enrolled center of
    ``db``, and ``center_code``'s province if a center is given; anything else is refused with
    the provinces the database holds."""
    from justice_desk.services import setup

    wanted = name.strip().removeprefix("จังหวัด").strip()
    held = provinces(db)
    if wanted not in held:
        raise ValidationError(
            _(
                "No center of this database is in the province “{name}”. Give one of the "
                "provinces its centers are in: {provinces}."
            ).format(name=name.strip(), provinces=", ".join(held) or _("none yet")),
            "province",
        )
    if center_code:
        site = setup.find_site(db, center_code)
        if site.province != wanted:
            raise ValidationError(
                _(
                    "The center {code} is in the province {its}, not in {name}. Give a center "
                    "of {name}, or leave out the province (or the center)."
                ).format(code=site.code, its=site.province, name=wanted),
                "center",
            )
    return wanted


# -- computing it ----------------------------------------------------------------------------


def resolve_period(text: str | None, today: dt.date | None = None) -> Period:
    """A period typed on the command line or in the page; none given is the current month."""
    from justice_desk.domain.dates import DateInputError
    from justice_desk.domain.periods import PeriodKind

    if text is None or not text.strip():
        return Period.containing(PeriodKind.MONTH, today or dt.date.today())
    try:
        return parse_period(text)
    except DateInputError as exc:
        raise ValidationError(str(exc), "period") from None


_KINDS: Mapping[str, CaseKind] = {k.value: k for k in CaseKind}
_CHANNELS: Mapping[str, CaseChannel] = {c.value: c for c in CaseChannel}
_OUTCOME_OF_STATUS: Mapping[str, Outcome] = {s.value: o for s, o in OUTCOME_OF.items()}
_DISPUTE = CaseKind.DISPUTE.value


@dataclass
class _Acc:
    """Figures of one owner while they are being gathered."""

    kinds: Counter[CaseKind] = field(default_factory=Counter)
    channels: Counter[CaseChannel] = field(default_factory=Counter)
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    disputes_decided: int = 0
    days: Counter[int] = field(default_factory=Counter)
    passed: Counter[DeadlineKind] = field(default_factory=Counter)
    due: Counter[DeadlineKind] = field(default_factory=Counter)
    waiting: int = 0
    first_escalated: dt.date | None = None
    waiting_long: int = 0
    meetings: Counter[str] = field(default_factory=Counter)
    people: Counter[str] = field(default_factory=Counter)
    activity: Counter[str] = field(default_factory=Counter)
    per_month: Counter[tuple[int, int]] = field(default_factory=Counter)

    def add(self, other: _Acc) -> None:
        for name in (
            "kinds",
            "channels",
            "outcomes",
            "days",
            "passed",
            "due",
            "meetings",
            "people",
            "activity",
            "per_month",
        ):
            getattr(self, name).update(getattr(other, name))
        self.disputes_decided += other.disputes_decided
        self.waiting += other.waiting
        self.waiting_long += other.waiting_long
        if other.first_escalated is not None and (
            self.first_escalated is None or other.first_escalated < self.first_escalated
        ):
            self.first_escalated = other.first_escalated

    def figures(self, months: tuple[tuple[int, int], ...], today: dt.date) -> Figures:
        return Figures(
            received_by_kind={k: self.kinds.get(k, 0) for k in CaseKind},
            received_by_channel={c: self.channels.get(c, 0) for c in CaseChannel},
            outcomes={o: self.outcomes.get(o, 0) for o in Outcome},
            disputes_decided=self.disputes_decided,
            median_days=median_of_counts(self.days),
            deadlines_passed={k: self.passed.get(k, 0) for k in DeadlineKind},
            deadlines_due={k: self.due.get(k, 0) for k in DeadlineKind},
            escalations_waiting=self.waiting,
            escalation_longest_days=(today - self.first_escalated).days
            if self.first_escalated is not None
            else None,
            escalations_waiting_long=self.waiting_long,
            meetings_held=self.meetings["held"],
            quorum_failures=self.meetings["quorum_failed"],
            minutes_not_adopted=self.meetings["not_adopted"],
            members=self.people["members"],
            trained_members=self.people["trained"],
            terms_ending=self.people["terms_ending"],
            mediators_expiring=self.people["mediators_expiring"],
            activities=self.activity["count"],
            participants_male=self.activity["male"],
            participants_female=self.activity["female"],
            participants_unspecified=self.activity["unspecified"],
            per_month=tuple(self.per_month.get(m, 0) for m in months),
        )


@dataclass(frozen=True)
class _Center:
    center_id: uuid.UUID
    code: str
    name: str


def _centers(
    db: Database, session: Any, center_code: str | None, province_name: str | None = None
) -> tuple[list[_Center], bool]:
    """The centers the dashboard covers and whether this is a province database;
    ``province_name``: only the enrolled centers of that province (their ``sites`` row)."""
    from justice_desk.services import setup
    from justice_desk.storage import dashboard_queries, sync_queries

    province = db.mode == SiteKind.PROVINCE.value
    if center_code:
        site = setup.find_site(db, center_code)
        return [_Center(site.id, site.code, site.name)], province
    if not province:
        site = setup.this_site(db)
        return [_Center(site.id, site.code, site.name)], province
    wanted = (
        dashboard_queries.centers_in_province(session, province_name)
        if province_name is not None
        else None
    )
    return [
        _Center(e.center_id, e.code, e.name)
        for e in sorted(sync_queries.all_enrolments(session, wanted), key=lambda e: e.code)
        if e.status in ENROLLED
    ], province


def _owner(
    centers: list[_Center], center_code: str | None, province_name: str | None
) -> uuid.UUID | frozenset[uuid.UUID] | None:
    """What the queries are limited to: one center, one province's centers, or every owner."""
    if center_code:
        return centers[0].center_id
    if province_name is not None:
        return frozenset(c.center_id for c in centers)
    return None


def _scope(owner: uuid.UUID | frozenset[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    """The centers whose sync health is read (``None``: every center)."""
    return frozenset({owner}) if isinstance(owner, uuid.UUID) else owner


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while figures are counted (or a report is laid out).
    Counting a province's five years makes tens of thousands of short-lived rows, tuples and
    numbers that hold no cycles; each automatic collection meanwhile walks them again and
    everything else the process holds, which was a third of the dashboard's time. Memory is
    freed by reference counting as before; the collector is back on afterwards (unless it was
    off already: the window runs it from its own timer, ``ui/jobs.py``)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _collector_paused_during(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` run with the cycle collector paused (:func:`collector_paused`)."""

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collector_paused():
            return fn(*args, **kwargs)

    return run


@_collector_paused_during
def dashboard(
    db: Database,
    period: Period,
    *,
    center_code: str | None = None,
    province_name: str | None = None,
    silent_days: int = DEFAULT_SILENT_DAYS,
    today: dt.date | None = None,
    summaries: bool | None = None,
) -> Dashboard:
    """The figures of every center (or of ``center_code``) over ``period``, and their totals.

    ``province_name``: only that province's centers, in a database that holds the centers of
    several (the whole country on one server); a province's own database holds only its own.
    A province reads what it can from its summary tables (``storage/summaries.py``), the
    centers marked stale from their records, after recounting marked centers for up to
    ``STALE_RECOUNT_SECONDS``; ``summaries=True`` reads the same way without recounting
    anything first, ``summaries=False`` counts everything from the records (the tests' full
    recount)."""
    from justice_desk.storage import dashboard_queries as q

    if silent_days < 0:
        raise ValidationError(_("The number of days cannot be negative."), "silent_days")
    today = today or dt.date.today()
    as_of = period.as_of(today)
    months = period.months()
    if summaries is None and db.mode == SiteKind.PROVINCE.value:
        # Centers whose records changed since their summaries were counted (an import, a
        # decision) are recounted first, for a moment at most and without waiting for a writer;
        # those left are counted from their records below.
        summary_tables.refresh_stale(db, wait=False, budget=STALE_RECOUNT_SECONDS)
    with db.read() as session:
        centers, province = _centers(db, session, center_code, province_name)
        owner = _owner(centers, center_code, province_name)
        # A province sums the whole months of the period from its summary tables; a center
        # counts its own records.
        if summaries is None:
            summaries = province
        acc: defaultdict[uuid.UUID, _Acc] = defaultdict(_Acc)
        for scope, from_summaries in _scopes(session, owner, summaries):
            _count_period(session, acc, scope, from_summaries, period, as_of)
        long_before = today - dt.timedelta(days=LONG_WAIT_DAYS)
        for o, n, first, long in q.escalations_waiting(session, owner, long_before):
            acc[o].waiting, acc[o].first_escalated, acc[o].waiting_long = n, first, long
        horizon = today + dt.timedelta(days=EXPIRY_DAYS)
        people_counts = {
            "terms_ending": q.count_of(session, q.terms_ending_selection(today, horizon, owner)),
            "mediators_expiring": q.count_of(
                session, q.mediators_expiring_selection(today, horizon, owner)
            ),
        }
        for name, counts in people_counts.items():
            for o, n in counts.items():
                acc[o].people[name] = n
        conflicts = q.count_of(session, q.conflict_selection(owner)) if province else {}
        revoked = q.count_of(session, q.revoked_key_selection(owner)) if province else {}
    sync_of = _sync_health(db, silent_days, conflicts, revoked, _scope(owner)) if province else {}
    total_acc = _Acc()
    lines = []
    for c in centers:
        mine = acc.get(c.center_id, _Acc())
        total_acc.add(mine)
        lines.append(
            CenterFigures(
                c.center_id, c.code, c.name, mine.figures(months, today), sync_of.get(c.center_id)
            )
        )
    healths = [line.sync for line in lines if line.sync is not None]
    sync_total = (
        SyncHealth(
            None,
            max((h.last_bundle_at for h in healths if h.last_bundle_at), default=None),
            None,
            any(h.silent for h in healths),
            sum(h.held for h in healths),
            sum(h.rejected for h in healths),
            sum(h.open_conflicts for h in healths),
            sum(h.revoked_keys for h in healths),
        )
        if province
        else None
    )
    return Dashboard(
        period=period,
        today=today,
        as_of=as_of,
        silent_days=silent_days,
        months=months,
        total=total_acc.figures(months, today),
        centers=tuple(lines),
        center_code=centers[0].code if center_code else None,
        province=province,
        silent_centers=sum(1 for h in healths if h.silent),
        sync_total=sync_total,
        province_name=province_name,
    )


def refresh_summaries(db: Database) -> int:
    """Recount the summary tables of every center an import or a decision marked stale, up to
    ``summaries.CHUNK`` centers in one transaction (the end of a ``sync import`` run, in the
    window and on the command line); returns how many were recounted. When the database
    cannot be written now (busy, read-only, disk full) the marks stay and the dashboard counts
    those centers from their records until a later recount: the import itself is done either
    way."""
    from justice_desk.errors import DatabaseError

    if db.mode != SiteKind.PROVINCE.value:
        return 0
    try:
        return summary_tables.refresh_stale(db)
    except DatabaseError:
        return 0


def _scopes(session: Any, owner: Any, summaries: bool) -> list[tuple[Any, bool]]:
    """The owners to count from the summary tables and those to count from their records:
    the centers marked stale (``summary_tables.mark_stale``) are read from their records, in
    the same snapshot as the marks, so the figures are exact whatever is not recounted yet."""
    from justice_desk.storage import dashboard_queries as q

    if not summaries:
        return [(owner, False)]
    stale = summary_tables.stale_owners(session.connection())
    if not stale:
        return [(owner, True)]
    if owner is None:
        return [(q.AllBut(stale), True), (stale, False)]
    if isinstance(owner, frozenset):
        parts = [(owner - stale, True), (owner & stale, False)]
        return [(part, from_summaries) for part, from_summaries in parts if part]
    return [(owner, owner not in stale)]


def _count_period(
    session: Any,
    acc: defaultdict[uuid.UUID, _Acc],
    owner: Any,
    summaries: bool,
    period: Period,
    as_of: dt.date,
) -> None:
    """The figures over the period (and members) of ``owner``'s centers into ``acc``."""
    from justice_desk.storage import dashboard_queries as q

    start, end = period.start, period.end
    for o, kind, channel, n in q.received_counts(session, start, end, owner, summaries=summaries):
        line = acc[o]
        if kind is not None and kind in _KINDS:
            line.kinds[_KINDS[kind]] += n
        if channel is not None and channel in _CHANNELS:
            line.channels[_CHANNELS[channel]] += n
    for o, year, month, n in q.received_per_month(session, start, end, owner, summaries=summaries):
        acc[o].per_month[(year, month)] += n
    for o, kind, status, days, n in q.outcome_distribution(
        session, start, end, owner, summaries=summaries
    ):
        line = acc[o]
        if status is not None:
            line.outcomes[_OUTCOME_OF_STATUS[status]] += n
        if kind == _DISPUTE:
            line.disputes_decided += n
        if days is not None:
            line.days[days] += n
    for kind in DeadlineKind:
        passed = _deadline_window(kind, "passed", period, as_of)
        due = _deadline_window(kind, "due", period, as_of)
        for o, n in q.deadline_counts(session, kind, *passed, owner, summaries=summaries).items():
            acc[o].passed[kind] += n
        for o, n in q.deadline_counts(session, kind, *due, owner, summaries=summaries).items():
            acc[o].due[kind] += n
    for which in ("held", "quorum_failed", "not_adopted"):
        for o, n in q.meeting_counts(
            session, start, end, owner, which, summaries=summaries
        ).items():
            acc[o].meetings[which] += n
    for name, trained in (("members", False), ("trained", True)):
        for o, n in q.member_counts(session, owner, trained=trained, summaries=summaries).items():
            acc[o].people[name] += n
    for o, n, male, female, unspecified in q.activity_counts(
        session, start, end, owner, summaries=summaries
    ):
        acc[o].activity.update(
            {"count": n, "male": male, "female": female, "unspecified": unspecified}
        )


def _deadline_window(
    kind: DeadlineKind, which: str, period: Period, as_of: dt.date
) -> tuple[dt.date, dt.date]:
    """Source dates of the deadlines that passed in the period before ``as_of`` (``passed``),
    or that fall due from ``as_of`` to ``DUE_SOON_DAYS`` later (``due``)."""
    if which == "passed":
        return sources_due_between(kind, period.start, as_of - dt.timedelta(days=1))
    return sources_due_between(kind, as_of, as_of + dt.timedelta(days=DUE_SOON_DAYS))


def _sync_health(
    db: Database,
    silent_days: int,
    conflicts: Mapping[uuid.UUID, int],
    revoked: Mapping[uuid.UUID, int],
    centers: frozenset[uuid.UUID] | None = None,
) -> dict[uuid.UUID, SyncHealth]:
    """Per center (of ``centers``, or every one), from the Sync page's own overview
    (``services.sync.centers_overview``)."""
    from justice_desk.services import sync

    return {
        c.center_id: SyncHealth(
            c.status,
            c.last_bundle_at,
            c.quiet_days,
            c.status is EnrolmentStatus.APPROVED and c.overdue(silent_days),
            c.held,
            c.rejected,
            conflicts.get(c.center_id, 0),
            revoked.get(c.center_id, 0),
        )
        for c in sync.centers_overview(db, centers)
    }


# -- the JSON (``justice-desk dashboard --json``; the page shows the same values) ---------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def figure_values(figures: Figures | None, sync: SyncHealth | None) -> dict[str, Any]:
    """Every figure of ``FIGURES`` by key (sync figures only where there is sync)."""
    out: dict[str, Any] = {}
    for figure in FIGURES:
        if figure.value is None and sync is None:
            continue
        out[figure.key] = _json_value(figure_value(figure, figures, sync))
    return out


def dashboard_json(d: Dashboard) -> dict[str, Any]:
    """The dashboard as plain JSON values: what the command prints and the page shows."""
    language = i18n.language()
    total = figure_values(d.total, d.sync_total)
    if d.sync_total is not None:
        total["sync.silent"] = d.silent_centers
        total["sync.quiet_days"] = None
        total["sync.status"] = None
    return {
        "period": {
            "code": d.period.code,
            "kind": d.period.kind.value,
            "start": d.period.start.isoformat(),
            "end": d.period.end.isoformat(),
            "label": d.period.label(language),
        },
        "today": d.today.isoformat(),
        "as_of": d.as_of.isoformat(),
        "silent_days": d.silent_days,
        "center": d.center_code,
        "province": d.province_name,
        "months": [month_code(y, m) for y, m in d.months],
        "total": {**total, "cases_per_month": list(d.total.per_month)},
        "centers": [
            {
                "code": c.code,
                "name": c.name,
                **figure_values(c.figures, c.sync),
                "cases_per_month": list(c.figures.per_month),
            }
            for c in d.centers
        ],
    }


def format_figure(value: Any, form: str, language: str | None = None) -> str:
    """A figure's value as the page and the command's text show it (``value`` as in the
    JSON): whole numbers with separators, a rate with one decimal and ``%``, days, BE dates."""
    from justice_desk.domain.dates import format_date

    language = language or i18n.language()
    if value is None:
        return "–"
    if form == "percent":
        return f"{value:.1f} %"
    if form == "days":
        return f"{value:g}"
    if form == "flag":
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return f"{value:,}"  # the province's total: how many centers
    if form == "status":
        return (
            EnrolmentStatus(value).label() if value in EnrolmentStatus._value2member_map_ else value
        )
    if form in ("datetime", "date"):
        day = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if isinstance(day, dt.datetime):
            day = day.date()
        return format_date(day, language, short=True)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# -- the records behind a figure ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One record behind a figure, as the list shows it."""

    center_code: str
    center_name: str
    kind: str  # case | meeting | person | term | mediator | activity | bundle | conflict | key
    id: str
    reference: str
    on: dt.date | dt.datetime | None
    title: str
    state: str
    detail: str


@dataclass(frozen=True)
class RecordList:
    key: str
    label: str
    total: int
    rows: tuple[RecordRow, ...]
    kind: str


def has_records(key: str) -> bool:
    """Whether a figure opens a list of records (counts do; rates and days do not)."""
    figure = FIGURE_BY_KEY.get(key)
    if figure is not None:
        return figure.form in ("count", "flag")
    return key.startswith("month.")


def records(
    db: Database,
    key: str,
    period: Period,
    *,
    center_code: str | None = None,
    province_name: str | None = None,
    silent_days: int = DEFAULT_SILENT_DAYS,
    today: dt.date | None = None,
) -> RecordList:
    """The records a figure counts (at most ``RECORDS_LIMIT`` of them; ``total`` is the count,
    equal to the figure). ``month.YYYY-MM`` (BE) lists the cases received in that month;
    ``province_name`` as in :func:`dashboard`."""
    from justice_desk.storage import dashboard_queries as q

    today = today or dt.date.today()
    as_of = period.as_of(today)
    start, end = period.start, period.end
    horizon = today + dt.timedelta(days=EXPIRY_DAYS)
    parts = key.split(".")
    kind = "case"
    order: tuple[str, ...] = ("on", "year_be", "number")
    with db.read() as session:
        centers, province = _centers(db, session, center_code, province_name)
        owner = _owner(centers, center_code, province_name)
        names = {c.center_id: (c.code, c.name) for c in centers}
        if key == "received":
            selection = q.received_selection(start, end, owner)
        elif parts[0] == "received" and len(parts) == 3:
            what = {parts[1]: parts[2]}
            selection = q.received_selection(
                start, end, owner, kind=what.get("kind"), channel=what.get("channel")
            )
        elif parts[0] == "month" and len(parts) == 2:
            parsed = parse_period(parts[1])
            selection = q.received_selection(
                start, end, owner, month=(parsed.start.year, parsed.start.month)
            )
        elif key == "outcomes":
            selection = q.outcome_selection(session, start, end, owner)
        elif parts[0] == "outcome" and len(parts) == 2 and parts[1] in Outcome._value2member_map_:
            statuses = [s.value for s in statuses_of(Outcome(parts[1]))]
            selection = q.outcome_selection(session, start, end, owner, statuses=statuses)
        elif key == "disputes_decided":
            selection = q.outcome_selection(session, start, end, owner, disputes_only=True)
        elif parts[0] == "deadline" and len(parts) == 3:
            deadline = DeadlineKind(parts[1])
            window = _deadline_window(deadline, parts[2], period, as_of)
            selection = q.deadline_selection(deadline, *window, owner)
        elif key in ("escalations.waiting", "escalations.waiting_long"):
            long_before = today - dt.timedelta(days=LONG_WAIT_DAYS)
            selection = q.escalated_selection(
                owner, before=long_before if key.endswith("long") else None
            )
        elif parts[0] == "meetings":
            kind = "meeting"
            selection = q.meeting_selection(start, end, owner, _MEETING_WHICH[parts[1]])
        elif key in ("members", "members.trained"):
            kind, order = "person", ("title",)
            selection = q.member_selection(owner, trained=key == "members.trained")
        elif key == "committee.terms_ending":
            kind = "term"
            selection = q.terms_ending_selection(today, horizon, owner)
        elif key == "mediators.expiring":
            kind = "mediator"
            selection = q.mediators_expiring_selection(today, horizon, owner)
        elif key == "activities":
            kind = "activity"
            selection = q.activity_selection(start, end, owner)
        elif key in ("sync.held", "sync.rejected") and province:
            kind = "bundle"
            status = ImportStatus.HELD if key == "sync.held" else ImportStatus.REJECTED
            selection = q.bundle_selection(status.value, owner)
        elif key == "sync.open_conflicts" and province:
            kind = "conflict"
            selection = q.conflict_selection(owner)
        elif key == "sync.revoked_keys" and province:
            kind = "key"
            selection = q.revoked_key_selection(owner)
        elif key == "sync.silent" and province:
            return _silent_centers(db, centers, silent_days, _scope(owner))
        else:
            raise ValidationError(
                _("There is no list of records behind the figure “{key}”.").format(key=key),
                "figure",
            )
        total = q.total(session, selection)
        rows = q.records(session, selection, order)
    label = _(FIGURE_BY_KEY[key].label) if key in FIGURE_BY_KEY else key
    out = []
    for r in rows:
        if r.owner_id not in names:
            continue
        code, name = names[r.owner_id]
        out.append(
            RecordRow(
                code,
                name,
                kind,
                str(r.id),
                _reference(kind, r.year_be, r.number),
                r.on,
                r.title or "",
                _state(kind, r.state),
                _detail(kind, r.detail),
            )
        )
    return RecordList(key, label, total, tuple(out), kind)


_MEETING_WHICH = {
    "held": "held",
    "quorum_failures": "quorum_failed",
    "minutes_not_adopted": "not_adopted",
}


def _silent_centers(
    db: Database, centers: list[_Center], silent_days: int, scope: frozenset[uuid.UUID] | None
) -> RecordList:
    wanted = {c.center_id for c in centers}
    health = _sync_health(db, silent_days, {}, {}, scope)
    rows = tuple(
        RecordRow(
            c.code,
            c.name,
            "center",
            str(c.center_id),
            c.code,
            health[c.center_id].last_bundle_at,
            c.name,
            _("never")
            if health[c.center_id].quiet_days is None
            else _("{days} days").format(days=health[c.center_id].quiet_days),
            "",
        )
        for c in centers
        if c.center_id in wanted and c.center_id in health and health[c.center_id].silent
    )
    return RecordList("sync.silent", _("Silent centers"), len(rows), rows, "center")


def _reference(kind: str, year_be: int | None, number: int | None) -> str:
    if year_be is not None and number is not None:
        if kind == "case":
            return format_case_number(number, year_be)
        if kind == "meeting":
            return format_meeting_number(number, year_be)
    if number is not None:
        return str(number)
    return ""


def _state(kind: str, state: Any) -> str:
    if state is None:
        return ""
    text = str(state)
    labels: Mapping[str, str] = {}
    if kind == "case":
        labels = CaseStatus.labels()
    elif kind == "meeting":
        labels = MeetingStatus.labels()
    elif kind == "bundle":
        labels = ImportStatus.labels()
    elif kind == "person":
        from justice_desk.domain.enums import Sex

        labels = Sex.labels()
    elif kind == "mediator":
        from justice_desk.domain.enums import MediatorStatus

        labels = MediatorStatus.labels()
    elif kind == "activity":
        return _("{count} participants").format(count=text)
    elif kind == "conflict":
        from justice_desk.services.sync._common import REASONS, reason_text

        return reason_text(text) if text in REASONS else text
    return _(labels[text]) if text in labels else text


def _detail(kind: str, detail: Any) -> str:
    if detail is None:
        return ""
    text = str(detail)
    if kind == "case" and text in CaseKind._value2member_map_:
        return CaseKind(text).label()
    return text
