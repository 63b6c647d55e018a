"""The use case: read what the database holds, run the builders in their fixed order over one
context, and write the rows in chunks (``generate_demo``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from justice_desk.domain.access import Permission
from justice_desk.domain.enums import CommitteePosition, MeetingStatus
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.services.access import require
from justice_desk.services.demo.activities import ActivitiesBuilder
from justice_desk.services.demo.batch import Batch, DemoSummary, new_batch, write
from justice_desk.services.demo.cases import CaseBuilder
from justice_desk.services.demo.committee import CommitteeBuilder
from justice_desk.services.demo.context import (
    WINDOW_DAYS,
    DemoContext,
    Registration,
    Seat,
    Someone,
)
from justice_desk.services.demo.meetings import MeetingsBuilder, Stats
from justice_desk.services.demo.people import PeopleBuilder
from justice_desk.services.demo.plans import CasePlanner
from justice_desk.services.demo.settlements import SettlementBuilder
from justice_desk.services.demo.texts import load_texts
from justice_desk.services.setup import this_site
from justice_desk.storage import demo_queries
from justice_desk.storage.database import Database
from justice_desk.storage.models import Case, Meeting, Person

#: Cases written per transaction (with all their children): 2,000–5,000 keeps each commit short.
CHUNK_CASES = 5_000
#: People (case parties) written per transaction.
CHUNK_PEOPLE = 5_000
#: Below this many people the committee has only its first positions.
MIN_PEOPLE = 12
#: Case parties are drawn from a population of at most this many people (a tambon's worth).
PARTY_POOL_MAX = 20_000


def generate_demo(
    db: Database,
    *,
    seed: int = 1,
    people: int = 60,
    cases: int = 300,
    meetings: int = 24,
    activities: int | None = None,
    today: dt.date | None = None,
    window_days: int = WINDOW_DAYS,
    chunk_size: int = CHUNK_CASES,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> DemoSummary:
    """Fill a center database with demo data (or add to what it holds) and say what was added.

    ``people`` register people (network members, committee, mediators); case parties come from a
    further population of about 1.5 per case (at most 20,000). ``activities`` defaults to one and
    a half per meeting. The records lie in the ``window_days`` before ``today`` (two years
    unless asked otherwise: a demo province of five years asks for more; at least 90 days).
    Raises :class:`~justice_desk.errors.Cancelled` between chunks when ``cancel`` is set; chunks
    already written stay.
    """
    require(db, Permission.SETTINGS)
    if min(people, cases, meetings, activities or 0, chunk_size - 1, window_days - 90) < 0:
        raise ValidationError(_("The demo sizes cannot be negative."), "people")
    if db.mode != "center":
        raise ValidationError(_("Demo data can only be added to a center database."), "db")
    site = this_site(db)
    owner = db.site_id
    today = today or dt.date.today()
    texts = load_texts()
    activity_count = (
        activities if activities is not None else (meetings * 3 + 1) // 2 if meetings else 0
    )
    pool_size = min(PARTY_POOL_MAX, max(8, (cases * 3 + 1) // 2)) if cases else 0
    people_chunks = -(-pool_size // CHUNK_PEOPLE)
    case_chunks = -(-cases // chunk_size)
    total_steps = 1 + people_chunks + case_chunks
    counts: Counter[str] = Counter()

    cancel.raise_if_cancelled()
    progress(0, total_steps, _("Creating the register, committee and meetings…"))
    # Rows are made outside the write transactions, which then only insert: other programs
    # wait for the database only while a chunk is written.
    with db.read() as session:
        conn = session.connection()
        base = demo_queries.baseline(conn, owner)
        existing_seats = demo_queries.committee_seats(conn, owner)
        existing_mediators = demo_queries.mediators_on_record(conn, owner)
    # Meetings need a committee and mediated cases a mediator: made from the people asked for,
    # or those the center already has.
    if not people and ((meetings and not existing_seats) or (cases and not existing_mediators)):
        raise ValidationError(
            _(
                "A demo with cases or meetings needs at least {count} people "
                "for the committee and mediators."
            ).format(count=MIN_PEOPLE),
            "people",
        )
    ctx = DemoContext(
        seed=seed,
        base=base,
        site=site,
        owner_id=owner,
        today=today,
        texts=texts,
        window_days=window_days,
    )
    people_builder = PeopleBuilder(ctx)
    committee_builder = CommitteeBuilder(ctx, people_builder)
    meeting_builder = MeetingsBuilder(ctx, people_builder)
    activity_builder = ActivitiesBuilder(ctx)
    planner = CasePlanner(ctx)
    case_builder = CaseBuilder(ctx, SettlementBuilder(ctx))
    # The order of the calls below is the order of draws from ctx.rng: keep it.
    batch = new_batch()
    register = people_builder.register(people, batch) if people else []
    plans = planner.plans(cases)
    seats = [
        Seat(
            Someone(s.person_id, s.name, "", 0),
            CommitteePosition(s.position),
            s.starts_on,
            s.ends_on,
        )
        for s in existing_seats
    ]
    registrations = [
        Registration(
            m.id,
            Someone(m.person_id, m.name, "", 0),
            m.issued_on or dt.date.min,
            m.expires_on or dt.date.max,
            m.status,
        )
        for m in existing_mediators
    ]
    keep: set[uuid.UUID] = set()
    if register:
        if not seats:
            # A center that already has a committee keeps it; otherwise the demo elects one.
            seats = committee_builder.committee(register, batch)
        keep = {s.person.id for s in seats}
        ours = {p.id for p in register}
        new_mediators = committee_builder.mediators(
            register, [s for s in seats if s.person.id in ours], batch
        )
        registrations = new_mediators + registrations
        keep |= {r.person.id for r in new_mediators}
        people_builder.network(register, keep, batch)
    activity_builder.activities(activity_count, batch)
    substitutes = [p for p in register if p.id not in keep]
    adopt_existing: list[tuple[uuid.UUID, uuid.UUID]] = []
    with db.connect_write() as conn, demo_queries.bulk_writer(conn, owner) as writer:
        if meetings:
            # Meeting numbers and earlier meetings are read in the transaction that uses them.
            on_record = demo_queries.meetings_on_record(conn, owner)
            numbers = demo_queries.max_numbers_by_year(conn, Meeting, owner)
            made = meeting_builder.meetings(
                meetings, seats, substitutes, Stats.of(plans), on_record, numbers, batch
            )
            held = [m for m in made if m[2] != MeetingStatus.DRAFT.value]
            for waiting in (r for r in on_record if r.status == MeetingStatus.HELD.value):
                later = [m for m in held if m[1] > waiting.held_on]
                if later:
                    adopt_existing.append((waiting.id, later[0][0]))
        write(writer, batch, counts)
    if adopt_existing:
        # Minutes the database had left waiting: adopted at the first new meeting held after them.
        from justice_desk.services.meetings import adopt_minutes

        for waiting_id, adopter_id in adopt_existing:
            adopt_minutes(db, waiting_id, in_meeting_id=adopter_id)
    step = 1
    progress(step, total_steps, _("Creating people…"))

    pool: list[Someone] = []
    for start in range(0, pool_size, CHUNK_PEOPLE):
        cancel.raise_if_cancelled()
        batch = new_batch()
        for _i in range(start, min(pool_size, start + CHUNK_PEOPLE)):
            mode = "none" if ctx.rng.random() < 0.02 else "valid"
            row, someone = people_builder.person(
                min_age=19, max_age=82, register=False, id_mode=mode
            )
            batch[Person].append(row)
            pool.append(someone)
        with db.connect_write() as conn, demo_queries.bulk_writer(conn, owner) as writer:
            write(writer, batch, counts)
        step += 1
        progress(step, total_steps, _("Creating people…"))

    staff_ids = {
        s.person.id
        for s in seats
        if s.position in (CommitteePosition.SECRETARY, CommitteePosition.ASSISTANT_SECRETARY)
    }
    staff = [p for p in register if p.id in staff_ids] + [r.person for r in registrations[:3]]

    def make_chunk(start: int) -> Batch:
        chunk = new_batch()
        case_builder.case_rows(plans[start : start + chunk_size], pool, registrations, staff, chunk)
        return chunk

    # The next chunk is made on a helper thread while this one is written: sqlite3 lets go of
    # the GIL while it works, so the two overlap on a 2-core machine. Only the helper touches
    # the generator, one chunk after the other, so the data stay the same for a seed.
    starts = list(range(0, cases, chunk_size))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-cases") as maker:
        upcoming = maker.submit(make_chunk, starts[0]) if starts else None
        try:
            for index, start in enumerate(starts):
                assert upcoming is not None
                batch = upcoming.result()
                upcoming = (
                    maker.submit(make_chunk, starts[index + 1]) if index + 1 < len(starts) else None
                )
                cancel.raise_if_cancelled()
                with db.connect_write() as conn, demo_queries.bulk_writer(conn, owner) as writer:
                    # Numbers continue after whatever is there now (another program may have
                    # added cases since the last chunk): a chunk's numbers run from 1 per year
                    # until offset here.
                    highest = demo_queries.max_numbers_by_year(conn, Case, owner)
                    for row in batch[Case]:
                        row["number"] += highest.get(row["year_be"], 0)
                    write(writer, batch, counts)
                step += 1
                done = min(cases, start + chunk_size)
                progress(
                    step,
                    total_steps,
                    _("Creating cases: {done} of {total}…").format(done=done, total=cases),
                )
        finally:
            if upcoming is not None:
                upcoming.cancel()
    return DemoSummary.of(counts)
