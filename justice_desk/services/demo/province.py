"""A demo province: many demo centers enrolled with a Provincial Justice Office and their records
in its database (``justice-desk demo province --db DB --centers N [--years Y] [--direct]``).

Two ways to fill it, with the same rows in the end:

- **Through the real path** (the default). Each center is set up as a center database in a work
  folder (its keys there too), filled by :func:`~justice_desk.services.demo.generate_demo` over
  ``years`` years, enrolled (request, approval with the fingerprint, the answer accepted), and
  its bundles are exported and imported by the sync services, exactly as a USB stick would
  carry them. What the office sees is what real centers would have sent.
- **Direct** (``direct=True``, for the biggest runs). A few *template* centers are made by the
  demo generator as above; every center of the province is then one template's rows written
  straight into the office's database under the center's own id
  (``storage.province_demo``), with the enrolment, the key and the applied bundle an import
  would have recorded. No crypto, no bundle files: many times faster, and the same shape of
  rows; centers built on the same template hold the same records (names, dates, figures).

**Deterministic**: center ``i`` (from 1) is the demo generator's seed ``seed * 100_000 + i`` at
a size drawn from ``seed`` (a village center receives about 25 cases a year, between half and
one and a half of that), with a code ``CJC-<province code>-<i>`` and a name from the province's
tambons. Two runs with the same arguments and ``today`` give the same records and figures; the
keys (and so the rows' ids on the real path) are new each time.

**Several provinces** (``provinces=``, ``services.demo.national``: the whole country on one
server): each province's centers are numbered from 1 under its own code
(``CJC-<code>-<i>``, seed ``(seed × 100 + code) × 100,000 + i``) and their ``sites`` rows name
that province, which the dashboard's province filter reads; names and places still come from
the demo's tambons. The direct path's templates serve every province.

The office is made when the database does not exist yet (Chiang Mai, as the demo center);
an existing office keeps its centers and gets more, numbered after its highest demo code of
the same province code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from justice_desk.domain.enums import CenterType, SiteKind
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.services.demo.national import ProvinceShare
from justice_desk.services.demo.texts import load_texts
from justice_desk.storage.database import Database, open_database

#: Per center and year, on average (a busy center gets up to 1.5 times this, a quiet one half).
CASES_PER_YEAR = 25
MEETINGS_PER_YEAR = 6
#: People on a center's register (committee, mediators, network members).
REGISTER_PEOPLE = 30
#: Template centers the direct path makes at most (each is one demo generator run).
DIRECT_TEMPLATES = 24
#: The office a new demo province database is set up as.
PROVINCE_NAME = "เชียงใหม่"
PROVINCE_CODE = "PJO-50"


@dataclass(frozen=True)
class CenterPlan:
    """One demo center: its number, code, name, place, seed and size."""

    number: int
    code: str
    name: str
    amphoe: str
    tambon: str
    seed: int
    cases: int
    meetings: int
    people: int
    #: The province its ``sites`` row names (``None``: the office's own province).
    province: str | None = None


@dataclass(frozen=True)
class ProvinceDemoSummary:
    centers: int
    #: Records the office received (every synced row, the centers' ``sites`` rows included).
    records: int
    bundles: int
    seconds: float
    direct: bool
    #: Seconds spent making the centers' data (demo generator) and getting it to the office
    #: (enrolment, export and import; or the direct writes).
    generate_seconds: float = 0.0
    transfer_seconds: float = 0.0

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def plan_centers(
    count: int,
    *,
    seed: int = 1,
    years: int = 5,
    first: int = 1,
    province: ProvinceShare | None = None,
) -> list[CenterPlan]:
    """The centers ``first`` .. ``first + count - 1`` of a demo province (deterministic);
    ``province``: of that province of a demo country (its code and name, its own seeds)."""
    texts = load_texts()
    places = [
        (amphoe["name"], tambon["name"])
        for amphoe in texts.places["amphoes"]
        for tambon in amphoe["tambons"]
    ]
    province_code = province_prefix(province)
    base = seed * 100_000 if province is None else (seed * 100 + int(province.code)) * 100_000
    out = []
    for number in range(first, first + count):
        key = f"{seed}:{number}" if province is None else f"{seed}:{province.code}:{number}"
        rng = random.Random(f"justice-desk-demo-province:{key}")
        amphoe, tambon = places[(number - 1) % len(places)]
        round_ = (number - 1) // len(places)
        kind = ("ตำบล", "เทศบาลตำบล", "ชุมชนตำบล")[round_ % 3]
        extra = f" แห่งที่ {round_ // 3 + 1}" if round_ >= 3 else ""
        busy = 0.5 + rng.random()
        out.append(
            CenterPlan(
                number=number,
                code=f"CJC-{province_code}-{number:04d}",
                name=f"ศูนย์ยุติธรรมชุมชน{kind}{tambon}{extra}",
                amphoe=amphoe,
                tambon=tambon,
                seed=base + number,
                cases=max(1, round(CASES_PER_YEAR * years * busy)),
                meetings=max(2, round(MEETINGS_PER_YEAR * years * (0.75 + rng.random() / 2))),
                people=REGISTER_PEOPLE + rng.randrange(11) - 5,
                province=province.name if province is not None else None,
            )
        )
    return out


def province_prefix(province: ProvinceShare | None = None) -> str:
    """The province code in the demo centers' codes: ``province``'s, or the demo's own."""
    if province is not None:
        return province.code
    return str(load_texts().places.get("province_code") or "50")


def open_or_create_province(db: str | os.PathLike[str] | None) -> Database:
    """The office's database: opened if it is set up as a province, made (Chiang Mai) if it
    does not exist yet or is empty; a center's database is refused."""
    from justice_desk.services import setup

    existing = open_database(db, create=True)
    if existing.site_id_or_none() is None:
        existing.dispose()
        office = setup.init_province(db, province=PROVINCE_NAME, code=PROVINCE_CODE)
        with office.write() as session:
            office.put_settings(session, {"demo": "1"})
        return office
    if existing.mode != SiteKind.PROVINCE.value:
        existing.dispose()
        raise ValidationError(
            _(
                "{path} is a center's database. A demo province needs a province database: "
                "give a new file name (or an empty PostgreSQL database)."
            ).format(path=existing.target.display),
            "db",
        )
    return existing


def generate_province(
    db: Database,
    *,
    centers: int,
    years: int = 5,
    seed: int = 1,
    today: dt.date | None = None,
    direct: bool = False,
    templates: int = DIRECT_TEMPLATES,
    work: Path | None = None,
    provinces: Sequence[ProvinceShare] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ProvinceDemoSummary:
    """Add ``centers`` demo centers of ``years`` years each to the province ``db`` (see the
    module's docstring). ``work``: where the centers' databases, keys and bundles are made
    (default a temporary folder, deleted at the end; a given folder is kept). ``provinces``:
    the centers belong to these provinces instead of the office's (their counts add up to
    ``centers``; ``services.demo.national.spread`` gives the whole country)."""
    if db.mode != SiteKind.PROVINCE.value:
        raise ValidationError(_("A demo province needs a province database."), "db")
    if centers < 1 or not 1 <= years <= 20:
        raise ValidationError(_("Give at least one center and between 1 and 20 years."), "centers")
    today = today or dt.date.today()
    if provinces is None:
        plans = plan_centers(centers, seed=seed, years=years, first=_next_number(db))
    else:
        if (
            sum(p.centers for p in provinces) != centers
            or min((p.centers for p in provinces), default=0) < 0
        ):
            raise ValueError("the provinces' centers must add up to the centers asked for")
        plans = [
            plan
            for p in provinces
            for plan in plan_centers(
                p.centers, seed=seed, years=years, first=_next_number(db, p), province=p
            )
        ]
    started = time.perf_counter()
    keep = work is not None
    folder = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="jd-province-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if direct:
            records, bundles, made, moved = _direct(
                db, plans, years, today, templates, folder, progress, cancel
            )
        else:
            records, bundles, made, moved = _through_bundles(
                db, plans, years, today, folder, progress, cancel
            )
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    # The imports marked their centers stale; recount them now, as a `sync import` run does.
    from justice_desk.storage import summaries

    summaries.refresh_stale(db)
    return ProvinceDemoSummary(
        centers=len(plans),
        records=records,
        bundles=bundles,
        seconds=time.perf_counter() - started,
        direct=direct,
        generate_seconds=made,
        transfer_seconds=moved,
    )


def _next_number(db: Database, province: ProvinceShare | None = None) -> int:
    """After the highest demo number among the centers of ``province``'s code."""
    from justice_desk.storage import sync_queries

    prefix = f"CJC-{province_prefix(province)}-"
    with db.read() as session:
        numbers = [
            int(e.code.rsplit("-", 1)[1])
            for e in sync_queries.all_enrolments(session)
            if e.code.startswith(prefix) and e.code.rsplit("-", 1)[1].isdigit()
        ]
    return max(numbers, default=0) + 1


@contextlib.contextmanager
def _center_home(folder: Path) -> Iterator[None]:
    """The centers' keys live in the work folder, not in the office's data folder: the data
    folder (``JUSTICE_DESK_HOME``) points there while a center works."""
    old = os.environ.get("JUSTICE_DESK_HOME")
    os.environ["JUSTICE_DESK_HOME"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("JUSTICE_DESK_HOME", None)
        else:
            os.environ["JUSTICE_DESK_HOME"] = old


def _make_center(
    plan: CenterPlan, province_name: str, years: int, today: dt.date, folder: Path
) -> Database:
    """The center's own database in ``folder``, filled by the demo generator."""
    from justice_desk.services import setup
    from justice_desk.services.demo.generate import generate_demo

    path = folder / f"{plan.code}.sqlite3"
    for stale in folder.glob(f"{plan.code}.sqlite3*"):
        stale.unlink()
    center = setup.init_center(
        path,
        code=plan.code,
        name=plan.name,
        province=plan.province or province_name,
        amphoe=plan.amphoe,
        tambon=plan.tambon,
        center_type=CenterType.BOTH,
    )
    generate_demo(
        center,
        seed=plan.seed,
        people=plan.people,
        cases=plan.cases,
        meetings=plan.meetings,
        today=today,
        window_days=years * 365,
    )
    return center


def _province_name(db: Database) -> str:
    from justice_desk.services import setup

    return setup.this_site(db).province or PROVINCE_NAME


def _through_bundles(
    db: Database,
    plans: list[CenterPlan],
    years: int,
    today: dt.date,
    folder: Path,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> tuple[int, int, float, float]:
    from justice_desk.services import sync

    province_name = _province_name(db)
    home, centers_dir, stick = folder / "home", folder / "centers", folder / "stick"
    for d in (home, centers_dir, stick):
        d.mkdir(parents=True, exist_ok=True)
    records = bundles = 0
    made = moved = 0.0
    total = len(plans)
    for done, plan in enumerate(plans):
        cancel.raise_if_cancelled()
        progress(
            done,
            total,
            _("Center {number} of {total}: {code} {name}…").format(
                number=done + 1, total=total, code=plan.code, name=plan.name
            ),
        )
        t0 = time.perf_counter()
        with _center_home(home):
            center = _make_center(plan, province_name, years, today, centers_dir)
        t1 = time.perf_counter()
        try:
            with _center_home(home):
                request, fingerprint = sync.write_enrolment_request(
                    center, stick / f"{plan.code}.jdenrol"
                )
            review = sync.enrol_center(
                db,
                request,
                approve=True,
                answer_out=stick / f"{plan.code}.jdanswer",
                expected_fingerprint=fingerprint,
            )
            assert review.answer is not None
            with _center_home(home):
                sync.accept_answer(center, review.answer, expected_fingerprint=None)
                exported = sync.export_bundle(center, stick / plan.code)
            outcomes = sync.import_paths(db, list(exported.parts) or [exported.path])
        finally:
            center.dispose()
        moved += time.perf_counter() - t1
        made += t1 - t0
        for outcome in outcomes:
            if outcome.status != "applied":
                raise ValidationError(
                    _("A demo bundle of {code} was not applied: {message}").format(
                        code=plan.code, message=outcome.message
                    ),
                    "centers",
                )
            records += outcome.records
            bundles += 1
        shutil.rmtree(stick / plan.code, ignore_errors=True)
    progress(total, total, _("{count} centers imported.").format(count=total))
    return records, bundles, made, moved


def _direct(
    db: Database,
    plans: list[CenterPlan],
    years: int,
    today: dt.date,
    templates: int,
    folder: Path,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> tuple[int, int, float, float]:
    from justice_desk import sync as fmt
    from justice_desk.storage import province_demo, summaries
    from justice_desk.storage.models import SUMMARY_MODELS, utcnow

    province_name = _province_name(db)
    home, centers_dir = folder / "home", folder / "centers"
    home.mkdir(parents=True, exist_ok=True)
    centers_dir.mkdir(parents=True, exist_ok=True)
    count = max(1, min(templates, len(plans)))
    total = count + len(plans)
    made_templates: list[province_demo.Template] = []
    t0 = time.perf_counter()
    for i, plan in enumerate(plans[:count]):
        cancel.raise_if_cancelled()
        progress(
            i, total, _("Template center {number} of {count}…").format(number=i + 1, count=count)
        )
        with _center_home(home):
            center = _make_center(plan, province_name, years, today, centers_dir)
        try:
            with center.connect_read() as conn:
                made_templates.append(province_demo.read_template(conn, center.site_id))
        finally:
            center.dispose()
    made = time.perf_counter() - t0
    rng = random.Random(f"justice-desk-demo-province-direct:{plans[0].seed}")
    keyset = fmt.generate_keyset().public  # one public key stands for every direct center's
    records = 0
    #: per template, the summary rows of the first center written from it
    counted: dict[int, province_demo.Template] = {}
    start = time.perf_counter()
    for i, plan in enumerate(plans):
        cancel.raise_if_cancelled()
        if i % 10 == 0:
            progress(
                count + i,
                total,
                _("Writing center {number} of {total}…").format(number=i + 1, total=len(plans)),
            )
        center_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        # When its bundle came (by the clock, as an import would record it): most centers
        # within the last three weeks, one in ten silent for a month or two.
        quiet = rng.randrange(31, 60) if rng.random() < 0.1 else rng.randrange(21)
        received = utcnow() - dt.timedelta(days=quiet, minutes=rng.randrange(600))
        direct_center = province_demo.DirectCenter(
            center_id=center_id,
            code=plan.code,
            name=plan.name,
            province=plan.province or province_name,
            amphoe=plan.amphoe,
            tambon=plan.tambon,
            key_id=f"{rng.getrandbits(64):016x}",
            fingerprint=f"{rng.getrandbits(160):040x}",
            signing_public=_b64(keyset.signing),
            hpke_public=_b64(keyset.hpke),
            epoch=f"{rng.getrandbits(64):016x}",
            received_at=received,
        )
        with db.connect_write() as conn:
            records += province_demo.write_center(conn, made_templates[i % count], direct_center)
            # The same records under other ids have the same summary rows under other ids:
            # counted once per template, copied for the template's other centers.
            if i % count in counted:
                province_demo.write_copy(conn, counted[i % count], center_id)
            else:
                summaries.refresh(conn, [center_id])
                counted[i % count] = province_demo.read_owned(conn, SUMMARY_MODELS, center_id)
    progress(total, total, _("{count} centers written.").format(count=len(plans)))
    return records, len(plans), made, time.perf_counter() - start


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")
