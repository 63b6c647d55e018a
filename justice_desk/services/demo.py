"""Demo data: a believable center — people, network, committee, mediators, meetings with minutes,
cases of every kind at every stage, and crime-prevention activities.

Used to try the app, to train coordinators without real personal data, and to load large
databases for the benchmarks (100,000 cases in well under a minute).

- **Deterministic**: everything comes from ``random.Random`` seeded with ``seed`` and the
  database's existing record counts, so two fresh centers generated with the same seed hold the
  same names, subjects and numbers. Row keys come from the same stream, mixed with the center's
  id (the same data in two centers never shares a key, so a province can import both) and laid
  out so that keys made later sort later, which keeps index inserts cheap. The only clock read
  is ``today`` (default: the date today), the end of the two-year window; created/updated times
  are set by the storage layer.
- **Adds**: on a database that already has records it adds as many again; case and meeting
  numbers continue after the highest number of each BE year.
- **Chunked**: the register and meetings are one transaction, people in chunks, cases in chunks
  of ``chunk_size`` with all of their parties, mediators, sessions, events and settlements. A
  kill between chunks leaves whole chunks; other programs can write between them; ``progress``
  and ``cancel`` are served between chunks.
- **Rules**: every case's status is the result of its events under ``case_flow``; dispute
  matters are mediable under the rules in force unless the case was referred; dates never lie
  in the future except a planned (draft) meeting; mediators are registered and valid on the day
  they are chosen; settlements name what §30 requires; national IDs carry valid check digits
  except a few legacy records kept on purpose.

The place data is Chiang Mai (real amphoes, tambons and postcodes); texts are in
``justice_desk/data/demo/*.json``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stdnum.th import pin

from justice_desk import config, paths
from justice_desk.domain import case_flow
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.dates import add_years, be_year, fiscal_year_be, format_date
from justice_desk.domain.eligibility import Eligibility, Facts, assess
from justice_desk.domain.enums import (
    Attendance,
    CaseCategory,
    CaseKind,
    CaseStatus,
    CommitteePosition,
    Compliance,
    CriminalStage,
    MediatorStatus,
    MeetingStatus,
    MembershipStatus,
    PartySide,
)
from justice_desk.domain.meetings import Line, Quorum, count_quorum
from justice_desk.domain.numbering import format_meeting_number
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.services.people import full_name
from justice_desk.services.setup import SiteInfo, this_site
from justice_desk.storage import demo_queries
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Activity,
    AgendaItem,
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    CaseSession,
    CommitteePositionRow,
    CommitteeTerm,
    ComplianceCheck,
    Instalment,
    Mediator,
    Meeting,
    MeetingAttendance,
    Membership,
    MinutesVersion,
    Person,
    Settlement,
    Syncable,
    Training,
)

#: Cases written per transaction (with all their children): 2,000–5,000 keeps each commit short.
CHUNK_CASES = 5_000
#: People (case parties) written per transaction.
CHUNK_PEOPLE = 5_000
#: Below this many people the committee has only its first positions.
MIN_PEOPLE = 12
#: Case parties are drawn from a population of at most this many people (a tambon's worth).
PARTY_POOL_MAX = 20_000
#: The demo spans this many days before ``today``.
WINDOW_DAYS = 730
PRIVACY_NOTICE_VERSION = "1"

A = CaseAction
S = CaseStatus
_DAY = dt.timedelta(days=1)
_UUID = uuid.UUID
_new_uuid = object.__new__
_set = object.__setattr__
_SAFE = uuid.SafeUUID.unknown
# Plain-str codes: enum members' .value is slow in tight loops, and sqlite3 probes str
# subclasses for adaptation on every bind.
_CODE: dict[Any, str] = {m: str(m.value) for enum in (CaseAction, CaseStatus) for m in enum}
_APPLICANT, _RESPONDENT, _OTHER = (
    str(s.value) for s in (PartySide.APPLICANT, PartySide.RESPONDENT, PartySide.OTHER)
)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind one run added."""

    people: int = 0
    memberships: int = 0
    trainings: int = 0
    committee_terms: int = 0
    committee_positions: int = 0
    mediators: int = 0
    meetings: int = 0
    meeting_attendance: int = 0
    agenda_items: int = 0
    minutes_versions: int = 0
    cases: int = 0
    case_parties: int = 0
    case_mediators: int = 0
    case_sessions: int = 0
    case_events: int = 0
    settlements: int = 0
    instalments: int = 0
    compliance_checks: int = 0
    activities: int = 0

    @property
    def total_rows(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


_SUMMARY_FIELD: dict[type[Syncable], str] = {
    Person: "people",
    Membership: "memberships",
    Training: "trainings",
    CommitteeTerm: "committee_terms",
    CommitteePositionRow: "committee_positions",
    Mediator: "mediators",
    Meeting: "meetings",
    MeetingAttendance: "meeting_attendance",
    AgendaItem: "agenda_items",
    MinutesVersion: "minutes_versions",
    Case: "cases",
    CaseParty: "case_parties",
    CaseMediator: "case_mediators",
    CaseSession: "case_sessions",
    CaseEvent: "case_events",
    Settlement: "settlements",
    Instalment: "instalments",
    ComplianceCheck: "compliance_checks",
    Activity: "activities",
}


# ------------------------------------------------------------------------------------------
# Texts


@dataclass(frozen=True)
class DemoTexts:
    names: dict[str, Any]
    places: dict[str, Any]
    cases: dict[str, Any]
    meetings: dict[str, Any]
    activities: dict[str, Any]
    network: dict[str, Any]


def demo_dir() -> Path:
    return paths.package_data("demo")


@functools.lru_cache(maxsize=1)
def load_texts() -> DemoTexts:
    """The demo vocabulary shipped in ``justice_desk/data/demo`` (UTF-8 JSON)."""
    folder = demo_dir()

    def read(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        return data

    return DemoTexts(
        read("names"),
        read("places"),
        read("cases"),
        read("meetings"),
        read("activities"),
        read("network"),
    )


# ------------------------------------------------------------------------------------------
# Small records the generator keeps about what it made


@dataclass(frozen=True, slots=True)
class _Place:
    tambon: str
    amphoe: str
    amphoe_code: str
    postcode: str
    dopa_code: str | None


@dataclass(slots=True)
class _Someone:
    id: uuid.UUID
    name: str
    sex: str
    age: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class _Seat:
    person: _Someone
    position: CommitteePosition
    starts_on: dt.date
    ends_on: dt.date | None  # the seat's own end, else the term's

    def on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class _Registration:
    id: uuid.UUID
    person: _Someone
    issued_on: dt.date
    expires_on: dt.date
    status: str

    def valid_on(self, day: dt.date) -> bool:
        return (
            self.status == MediatorStatus.ACTIVE.value and self.issued_on <= day <= self.expires_on
        )


@dataclass(slots=True)
class _CasePlan:
    """A case decided before any row is made: kind, matter, amount, and its steps with dates."""

    received_on: dt.date
    kind: CaseKind
    category: CaseCategory
    matter: str | None
    amount: int | None  # baht
    over_cap: bool
    steps: list[tuple[CaseAction, dt.date]]
    sessions: list[dt.date] = field(default_factory=list)
    kind_code: str = ""
    category_code: str = ""
    referral: tuple[str | None, str] | None = None  # (referral code, target)
    forced_close: bool | None = None


# Scenarios forced on the first cases of a run, so that even a small demo shows every outcome.
_SCENARIOS: tuple[dict[str, Any], ...] = (
    {
        "kind": CaseKind.DISPUTE,
        "path": ("consent", "given", "settle"),
        "close": True,
        "money": True,
    },
    {
        "kind": CaseKind.DISPUTE,
        "path": ("consent", "given", "settle"),
        "close": False,
        "money": True,
    },
    {
        "kind": CaseKind.DISPUTE,
        "path": ("consent", "given", "settle"),
        "close": False,
        "money": False,
    },
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "withdraw"), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "terminate", "none"), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "terminate", "refer"), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "refused", "none"), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "escalate"), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("not_mediable",), "close": False},
    {"kind": CaseKind.DISPUTE, "path": ("withdraw_early",), "close": True},
    # "open": keep only that many steps (in mediation, awaiting consent, received)
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "settle"), "open": 2},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "settle"), "open": 1},
    {"kind": CaseKind.DISPUTE, "path": ("consent", "given", "settle"), "open": 0},
    {"kind": CaseKind.LEGAL_ADVICE, "path": ("complete",), "close": False},
    {"kind": CaseKind.COMPLAINT, "path": ("take_up", "refer"), "close": True},
    {"kind": CaseKind.JUSTICE_FUND, "path": ("take_up", "escalate"), "close": False},
    {"kind": CaseKind.VICTIM_COMPENSATION, "path": ("take_up", "refer"), "close": False},
    {"kind": CaseKind.REINTEGRATION, "path": ("take_up", "complete"), "close": False},
    {"kind": CaseKind.REINTEGRATION, "path": ("take_up", "complete"), "open": 1},  # in progress
    {"kind": CaseKind.COMPLAINT, "path": ("take_up", "complete"), "open": 0},  # received
)

_KIND_WEIGHTS = (
    (CaseKind.DISPUTE, 50),
    (CaseKind.LEGAL_ADVICE, 18),
    (CaseKind.COMPLAINT, 14),
    (CaseKind.JUSTICE_FUND, 7),
    (CaseKind.VICTIM_COMPENSATION, 5),
    (CaseKind.REINTEGRATION, 6),
)
_CIVIL_WEIGHTS = (
    ("debt", 30),
    ("contract", 15),
    ("damages", 15),
    ("neighbour", 15),
    ("land_use", 12),
    ("other_civil", 5),
    ("personal_status", 2),
    ("family_rights", 3),
    ("immovable_ownership", 3),
)
_CRIMINAL_WEIGHTS = (
    ("defamation", 20),
    ("simple_fraud", 12),
    ("embezzlement", 10),
    ("property_damage", 18),
    ("trespass", 15),
    ("cheque", 8),
    ("petty", 12),
    ("theft", 3),
    ("bodily_harm", 4),
    ("drugs", 1),
    ("juvenile_family", 1),
    ("other_criminal", 1),
)
_CHANNEL_WEIGHTS = (
    ("walk_in", 45),
    ("phone", 12),
    ("letter", 10),
    ("line", 15),
    ("outreach", 10),
    ("referral_in", 8),
)
_OVER_CAP_BAHT = (600_000, 750_000, 900_000, 1_200_000)
_MONEY_MATTERS = frozenset(
    {
        "debt",
        "contract",
        "damages",
        "other_civil",
        "defamation",
        "simple_fraud",
        "embezzlement",
        "property_damage",
        "cheque",
    }
)
_CIVIL_OVER_CAP_MATTERS = frozenset({"debt", "contract", "damages", "other_civil"})
_OUTCOME_STATUSES = frozenset(
    {S.SETTLED, S.WITHDRAWN, S.TERMINATED, S.DISMISSED, S.COMPLETED, S.REFERRED, S.ESCALATED}
)


def _weighted(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    items = [p[0] for p in pairs]
    cum: list[int] = []
    total = 0
    for _item, weight in pairs:
        total += weight
        cum.append(total)
    return items, cum


class _Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` recomputes them)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, int]]) -> None:
        self.items, self.cum = _weighted(pairs)
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# ------------------------------------------------------------------------------------------
# The generator


class _Generator:
    def __init__(
        self,
        *,
        seed: int,
        base: demo_queries.DemoBaseline,
        site: SiteInfo,
        owner_id: uuid.UUID,
        today: dt.date,
        texts: DemoTexts,
    ) -> None:
        # Existing counts are part of the seed: a second run on the same database makes new
        # records (new keys) instead of repeating the first run.
        self.rng = random.Random(
            f"justice-desk-demo:{seed}:{base.people}:{base.cases}:{base.meetings}"
        )
        # Keys: a run prefix (from the seed stream and the center's id, so centers and runs
        # differ), a counter, then random bits. Rows written in order get keys in order, which
        # keeps the primary-key and foreign-key index inserts at the end of their B-trees.
        self._id_prefix = (self.rng.getrandbits(20) ^ (owner_id.int >> 108)) << 108
        self._id_mix = owner_id.int & ((1 << 62) - 1)
        self._id_count = 0
        self.base = base
        self.site = site
        self.today = today
        self.start = today - dt.timedelta(days=WINDOW_DAYS)
        self.texts = texts
        self.rules = config.mediation_rules()
        self.province: str = texts.places["province"]
        self._place_setup()
        # The local government that hosts the center (a municipality or a tambon organisation).
        self.host = (
            site.host_organisation or ""
        ).strip() or f"องค์การบริหารส่วนตำบล{self.home.tambon}"
        names = texts.names
        self._male_titles = _Picker([tuple(t) for t in names["titles"]["male"]])
        self._female_titles = _Picker([tuple(t) for t in names["titles"]["female"]])
        self._roles = _Picker([tuple(r) for r in names["community_roles"]])
        self._occupations = _Picker([tuple(o) for o in names["occupations"]])
        self._kinds = _Picker(_KIND_WEIGHTS)
        self._civil = _Picker(_CIVIL_WEIGHTS)
        self._criminal = _Picker(_CRIMINAL_WEIGHTS)
        self._channels = _Picker(_CHANNEL_WEIGHTS)
        self._national_ids: set[str] = set()
        self._eligibility: dict[tuple[Any, ...], Eligibility] = {}
        self._fmt_cache: dict[tuple[str, int | None], str] = {}
        self._thai_dates: dict[dt.date, str] = {}
        self._baht_words: dict[int, str] = {}
        self.certificates: Counter[int] = Counter()
        self.monk: _Someone | None = None
        self._registrations_on: dict[dt.date, list[_Registration]] = {}
        self.training_numbers: Counter[str] = Counter()

    # -- basics --------------------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        """A version-4-shaped UUID: 20-bit run prefix, 40-bit counter, 62 random bits."""
        n = self._id_count = self._id_count + 1
        value = (
            self._id_prefix
            | (n >> 12) << 80  # counter, high 28 bits
            | 0x4000 << 64  # version 4
            | (n & 0xFFF) << 64  # counter, low 12 bits
            | 0x8000_0000_0000_0000  # RFC 4122 variant
            | (self.rng.getrandbits(62) ^ self._id_mix)
        )
        # uuid.UUID(int=...) validates what is valid by construction; this path runs ~10^6 times.
        key = _new_uuid(_UUID)
        _set(key, "int", value)
        _set(key, "is_safe", _SAFE)
        return key

    # Cheaper than random.choice/randint (which draw bits until a value fits); still one
    # deterministic stream. They run millions of times for a large demo.
    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.rng.random() * len(items))]

    def randint(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def randrange(self, stop: int) -> int:
        return int(self.rng.random() * stop)

    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=low + int(self.rng.random() * (high - low + 1)))

    def fill(self, template: str, **values: Any) -> str:
        return template.format(
            province=self.province,
            amphoe=self.home.amphoe,
            tambon=self.home.tambon,
            center=self.site.name,
            host=self.host,
            **values,
        )

    def thai_date(self, day: dt.date, *, weekday: bool = False) -> str:
        if weekday:
            return format_date(day, "th", weekday=True)
        text = self._thai_dates.get(day)
        if text is None:
            text = self._thai_dates[day] = format_date(day, "th")
        return text

    def baht_words(self, amount: int) -> str:
        words = self._baht_words.get(amount)
        if words is None:
            from pythainlp.util import bahttext

            words = self._baht_words[amount] = bahttext(amount)
        return words

    # -- places --------------------------------------------------------------------------

    def _place_setup(self) -> None:
        rng = self.rng
        places: list[_Place] = []
        for amphoe in self.texts.places["amphoes"]:
            for t in amphoe["tambons"]:
                places.append(
                    _Place(t["name"], amphoe["name"], amphoe["code"], t["postcode"], t["dopa_code"])
                )
        self.places = places

        def bare(value: str | None, prefix: str) -> str:
            value = (value or "").strip()
            return value[len(prefix) :].strip() if value.startswith(prefix) else value

        tambon, amphoe = (
            bare(self.site.tambon, "ตำบล"),
            bare(bare(self.site.amphoe, "อำเภอ"), "เขต"),
        )
        matches = [p for p in places if p.tambon == tambon and (not amphoe or p.amphoe == amphoe)]
        if not matches and amphoe:
            matches = [p for p in places if p.amphoe == amphoe]
        self.home = matches[0] if matches else self.pick(places)
        self.neighbours = [
            p for p in places if p.amphoe == self.home.amphoe and p != self.home
        ] or places
        villages = list(self.texts.places["villages"])
        rng.shuffle(villages)
        count = self.randint(8, 14)
        self.home_villages = [(str(moo), villages[moo - 1]) for moo in range(1, count + 1)]
        self.other_villages = villages[count:] or villages

    def home_village(self) -> tuple[str, str]:
        moo_and_village: tuple[str, str] = self.pick(self.home_villages)
        return moo_and_village

    @staticmethod
    def temple(village: str) -> str:
        return "วัด" + village.removeprefix("บ้าน")

    # -- people --------------------------------------------------------------------------

    def national_id(self, birth_year: int, place: _Place, *, wrong_check: bool = False) -> str:
        while True:
            first = "1" if birth_year >= 1984 else "3"
            body = (
                f"{first}{place.amphoe_code}{self.randrange(100_000):05d}{self.randint(1, 99):02d}"
            )
            check = int(pin.calc_check_digit(body))
            if wrong_check:
                check = (check + self.randint(1, 9)) % 10
            number = f"{body}{check}"
            if number not in self._national_ids:
                self._national_ids.add(number)
                return number

    def person(
        self,
        *,
        min_age: int,
        max_age: int,
        register: bool,
        id_mode: str = "valid",
        sex: str | None = None,
        monk: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], _Someone]:
        """One person row and the little the generator remembers about them."""
        rng, names = self.rng, self.texts.names
        if monk is not None:
            sex = "male"
        elif sex is None:
            sex = "male" if rng.random() < 0.5 else "female"
        age = self.randint(min_age, max_age)
        year = self.today.year - age
        if monk is not None:
            title, given, surname = monk["title"], monk["given_name"], monk["surname"]
        else:
            title = (self._male_titles if sex == "male" else self._female_titles)(rng)
            given = self.pick(names["given_names"][sex])
            surname = self.pick(names["surnames"])
        at_home = monk is not None or rng.random() < (0.85 if register else 0.75)
        place = (
            self.home
            if at_home
            else self.pick(self.neighbours if rng.random() < 0.7 else self.places)
        )
        if at_home:
            moo, village = self.home_village()
        else:
            moo, village = str(self.randint(1, 12)), self.pick(self.other_villages)
        birth_date: dt.date | None = None
        if rng.random() < 0.7:
            birth_date = dt.date(year, 1, 1) + dt.timedelta(days=self.randrange(365))
            if birth_date > self.today:
                birth_date = self.today - self.days(1, 300)
                year = birth_date.year
        national_id: str | None = None
        no_id_reason: str | None = None
        if id_mode == "none":
            no_id_reason = self.pick(names["no_id_reasons"])
        else:
            national_id = self.national_id(year, place, wrong_check=id_mode == "wrong")
        house = str(self.randint(1, 320))
        if rng.random() < 0.1:
            house += f"/{self.randint(1, 9)}"
        r = rng.random()
        if r < 0.80:
            phone: str | None = (
                f"0{self.pick('8896')}{self.randrange(10)}-{self.randrange(1000):03d}-{self.randrange(10000):04d}"
            )
        elif r < 0.86:
            phone = f"053-{self.randint(100, 999):03d}-{self.randrange(1000):03d}"
        else:
            phone = None
        line_id = None
        if rng.random() < (0.65 if register else 0.35):
            stem, sep = self.pick(names["line_stems"]), self.pick(("", ".", "_"))
            line_id = f"{stem}{sep}{self.pick((str(year + 543)[2:], str(self.randint(1, 999))))}"
        role: str | None = None
        if monk is not None:
            role = self.fill(monk["role"], temple=self.temple(village), village=village)
        elif rng.random() < (0.55 if register else 0.06):
            role = self._roles(rng)
        occupation = (
            None if monk is not None else (self._occupations(rng) if rng.random() < 0.85 else None)
        )
        if occupation == "นักศึกษา" and age > 25:
            occupation = "รับจ้างทั่วไป"
        pid = self.uid()
        row = {
            "id": pid,
            "title": title,
            "given_name": given,
            "surname": surname,
            "national_id": national_id,
            "no_id_reason": no_id_reason,
            "birth_date": birth_date,
            "birth_year": year,
            "sex": sex,
            "house_no": house,
            "moo": moo,
            "village": village,
            "road": self.pick(self.texts.places["roads"]) if rng.random() < 0.12 else None,
            "tambon": place.tambon,
            "amphoe": place.amphoe,
            "province": self.province,
            "postcode": place.postcode,
            "dopa_area_code": place.dopa_code,
            "phone": phone,
            "line_id": line_id,
            "community_role": role,
            "occupation": occupation,
            "privacy_notice_version": PRIVACY_NOTICE_VERSION,
            "notes": self.pick(names["notes"]) if rng.random() < 0.03 else None,
        }
        return row, _Someone(pid, full_name(title, given, surname), sex, age, role)

    # -- the register ----------------------------------------------------------------------

    def register(self, count: int, out: dict[type[Any], list[dict[str, Any]]]) -> list[_Someone]:
        """Register people: a monk adviser, two legacy IDs with a wrong check digit, one without."""
        people: list[_Someone] = []
        modes = ["valid"] * count
        if count >= 20:
            modes[7], modes[13] = "wrong", "wrong"
            modes[17] = "none"
        elif count >= 12:
            modes[count - 2] = "wrong"
        monks = self.texts.names["monks"]
        for i in range(count):
            monk = self.pick(monks) if i == 1 and count >= 4 else None
            row, someone = self.person(
                min_age=30, max_age=74, register=True, id_mode=modes[i], monk=monk
            )
            out[Person].append(row)
            people.append(someone)
            if monk is not None:
                self.monk = someone
        return people

    def network(
        self,
        people: list[_Someone],
        keep: set[uuid.UUID],
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> None:
        """Network memberships (most people, numbered in order of joining) and their courses."""
        rng, net = self.rng, self.texts.network
        joining: list[tuple[dt.date, _Someone]] = []
        for someone in people:
            if someone.id not in keep and rng.random() < 0.15:
                continue
            # The committee and the mediators were members before the window opens.
            early = someone.id in keep or rng.random() < 0.8
            joined = (
                self.start - self.days(30, 6 * 365)
                if early
                else self.start + self.days(0, WINDOW_DAYS - 60)
            )
            joining.append((joined, someone))
        joining.sort(key=lambda j: j[0])
        for number, (joined, someone) in enumerate(joining, start=self.base.memberships + 1):
            status, left_on, notes = MembershipStatus.ACTIVE.value, None, None
            if someone.id not in keep:
                r = rng.random()
                if r < 0.05:
                    status = MembershipStatus.INACTIVE.value
                elif r < 0.10:
                    status = MembershipStatus.LEFT.value
                    left_on = min(self.today - _DAY, max(joined + self.days(90, 900), self.start))
                    notes = self.pick(net["membership_notes"])
            out[Membership].append(
                {
                    "id": self.uid(),
                    "person_id": someone.id,
                    "member_no": net["member_no"].format(number=number),
                    "joined_on": joined,
                    "status": status,
                    "left_on": left_on,
                    "notes": notes,
                }
            )
            for course in net["courses"]:
                if course["share"] >= 1.0 or rng.random() < course["share"]:
                    done = (
                        joined - self.days(0, 30)
                        if course["share"] >= 1.0
                        else joined + self.days(30, 700)
                    )
                    done = min(done, self.today - _DAY)
                    self.training(someone, course, done, out)

    def training(
        self,
        someone: _Someone,
        course: dict[str, Any],
        done: dt.date,
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> None:
        prefix = course["prefix"]
        year = be_year(done)
        self.training_numbers[f"{prefix}{year}"] += 1
        out[Training].append(
            {
                "id": self.uid(),
                "person_id": someone.id,
                "course": course["course"],
                "organiser": self.fill(course["organiser"]),
                "completed_on": done,
                "hours": course["hours"],
                "certificate_no": f"{prefix}{self.training_numbers[f'{prefix}{year}']:03d}/{year}",
            }
        )

    def committee(
        self, people: list[_Someone], out: dict[type[Any], list[dict[str, Any]]]
    ) -> list[_Seat]:
        """One or two terms of the committee with a full roster (and one resignation); a small
        register fills the first positions only."""
        rng, labels = self.rng, self.texts.meetings
        monk = self.monk
        others = [p for p in people if p is not monk]
        seats: list[_Seat] = []
        starts = self.start - self.days(90, 300)
        previous: list[_Someone] = []
        term_no = 0
        while starts <= self.today:
            term_no += 1
            ends = add_years(starts, 2) - _DAY
            term_id = self.uid()
            out[CommitteeTerm].append(
                {
                    "id": term_id,
                    "name": self.fill(
                        labels["term_name"], start=be_year(starts), end=be_year(ends)
                    ),
                    "starts_on": starts,
                    "ends_on": ends,
                    "notes": "ได้รับเลือกจากที่ประชุมสมาชิกเครือข่ายยุติธรรมชุมชน"
                    if term_no == 1
                    else "ได้รับเลือกตั้งใหม่เมื่อครบวาระ",
                }
            )
            kept = [p for p in previous if rng.random() < 0.6]
            fresh = [p for p in others if p not in kept]
            rng.shuffle(fresh)
            members = (kept + fresh)[: min(len(others), 12)]
            rng.shuffle(members)
            positions = [
                CommitteePosition.CHAIR,
                CommitteePosition.SECRETARY,
                CommitteePosition.VICE_CHAIR,
                CommitteePosition.TREASURER,
                CommitteePosition.ASSISTANT_SECRETARY,
                CommitteePosition.ADVISER,
            ] + [CommitteePosition.MEMBER] * max(0, len(members) - 6)
            roster = [(monk, CommitteePosition.ADVISER)] if monk is not None else []
            roster += list(zip(members, positions, strict=False))
            for i, (someone, position) in enumerate(roster):
                seat_end: dt.date | None = None
                if (
                    term_no == 1
                    and position is CommitteePosition.MEMBER
                    and i == len(roster) - 1
                    and len(others) > len(members)
                ):
                    # A resignation half-way; a network member takes the seat the next day.
                    seat_end = starts + self.days(200, 400)
                    replacement = next(p for p in others if p not in members)
                    self._seat(
                        term_id, replacement, position, seat_end + _DAY, None, ends, seats, out
                    )
                self._seat(term_id, someone, position, starts, seat_end, ends, seats, out)
            previous = members
            starts = ends + _DAY
            if term_no == 2:
                break
        return seats

    def _seat(
        self,
        term_id: uuid.UUID,
        someone: _Someone,
        position: CommitteePosition,
        starts: dt.date,
        ends: dt.date | None,
        term_ends: dt.date,
        seats: list[_Seat],
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> None:
        out[CommitteePositionRow].append(
            {
                "id": self.uid(),
                "term_id": term_id,
                "person_id": someone.id,
                "position": position.value,
                "starts_on": starts,
                "ends_on": ends,
            }
        )
        seats.append(_Seat(someone, position, starts, ends or term_ends))

    def mediators(
        self, people: list[_Someone], seats: list[_Seat], out: dict[type[Any], list[dict[str, Any]]]
    ) -> list[_Registration]:
        """Registered mediators, committee members first. A registration lasts two years and is
        renewed; one mediator lets it lapse and one is suspended, to show those states."""
        rng, net = self.rng, self.texts.network
        courses = {c["course"]: c for c in net["courses"]}
        seated = {s.person.id for s in seats if s.position is not CommitteePosition.ADVISER}
        candidates = [p for p in people if p.id in seated] + [
            p for p in people if p.id not in seated and p is not self.monk
        ]
        count = min(len(candidates), max(3, min(25, round(len(people) * 0.15))))
        planned: list[tuple[dt.date, dt.date, str, _Someone]] = []
        for i, someone in enumerate(candidates[:count]):
            issued = self.start - self.days(30, 700)
            course = courses[net["mediator_course"]]
            self.training(someone, course, issued - self.days(20, 120), out)
            while True:
                expires = add_years(issued, 2) - _DAY
                renew = expires <= self.today + dt.timedelta(days=30) and i != count - 2
                status = MediatorStatus.ACTIVE.value
                if i == count - 1 and not renew and count > 3:
                    status = MediatorStatus.SUSPENDED.value
                planned.append((issued, expires, status, someone))
                if not renew:
                    break
                if rng.random() < 0.5:
                    course = courses[net["refresher_course"]]
                    self.training(someone, course, expires - self.days(40, 90), out)
                issued = min(self.today, expires - self.days(0, 30))
        # Registration numbers run in order of issue.
        planned.sort(key=lambda p: p[0])
        registrations: list[_Registration] = []
        for number, (issued, expires, status, someone) in enumerate(
            planned, start=self.base.mediators + 1
        ):
            reg = _Registration(self.uid(), someone, issued, expires, status)
            out[Mediator].append(
                {
                    "id": reg.id,
                    "person_id": someone.id,
                    "registration_no": net["mediator_no"].format(
                        number=number, year=be_year(issued)
                    ),
                    "issued_on": issued,
                    "expires_on": expires,
                    "status": status,
                }
            )
            registrations.append(reg)
        return registrations

    # -- meetings --------------------------------------------------------------------------

    def meeting_dates(self, count: int) -> list[dt.date]:
        """Weekdays spread over the window; the last one is planned a week or two ahead."""
        rng = self.rng
        if count <= 0:
            return []
        first, last = self.start + dt.timedelta(days=10), self.today - dt.timedelta(days=3)
        span = max(1, (last - first).days)
        held = count - 1
        # Evenly spread with some jitter, never two on one day while there is room for one a day.
        dates: list[dt.date] = []
        step = span / max(1, held)
        for k in range(held):
            offset = int(step * k + rng.uniform(0.1, 0.9) * step)
            day = first + dt.timedelta(days=min(span, offset))
            while day.weekday() >= 5:
                day -= _DAY
            if dates and day <= dates[-1] and held <= span // 2:
                day = dates[-1] + _DAY
                while day.weekday() >= 5:
                    day += _DAY
            dates.append(min(day, last))
        planned = self.today + self.days(7, 14)
        while planned.weekday() >= 5:
            planned += _DAY
        dates.append(planned)
        return dates

    def meetings(
        self,
        count: int,
        seats: list[_Seat],
        substitutes: list[_Someone],
        stats: _Stats,
        on_record: list[demo_queries.MeetingOnRecord],
        numbers: dict[int, int],
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> list[tuple[uuid.UUID, dt.date, str]]:
        """Meetings numbered per BE year after the existing ones, with the standard agenda,
        attendance, resolutions and votes; older minutes adopted at the next meeting."""
        rng, m = self.rng, self.texts.meetings
        dates = self.meeting_dates(count)
        numbers = dict(numbers)
        rows: list[dict[str, Any]] = []
        details: list[dict[str, Any]] = []
        # Item 2 of the first new meeting names the last meeting on record before it.
        before = [r for r in on_record if dates and r.held_on <= dates[0]]
        previous: tuple[str, dt.date] | None = (
            (format_meeting_number(before[-1].number, before[-1].year_be), before[-1].held_on)
            if before
            else None
        )
        body = self.fill(m["body_name"])
        place_templates = self.texts.places["meeting_places"]
        regular_place = self.fill(place_templates[0])
        result: list[tuple[uuid.UUID, dt.date, str]] = []
        for index, day in enumerate(dates):
            year = be_year(day)
            numbers[year] = numbers.get(year, 0) + 1
            number = numbers[year]
            label = format_meeting_number(number, year)
            status = (
                MeetingStatus.DRAFT
                if index == count - 1
                else MeetingStatus.HELD
                if index == count - 2
                else MeetingStatus.ADOPTED
            )
            moo, village = self.home_village()
            place = (
                regular_place
                if rng.random() < 0.7
                else self.fill(self.pick(place_templates), village=village, moo=moo)
            )
            start = dt.time(9, 30) if rng.random() < 0.7 else dt.time(13, 30)
            minutes = self.pick((90, 120, 150, 165, 180))
            end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
            roster = [s for s in seats if s.on(day)] or _latest_roster(seats, day)
            roster.sort(key=lambda s: (s.position.order, s.starts_on))
            secretary = next(
                (s.person for s in roster if s.position is CommitteePosition.SECRETARY), None
            )
            chair = next((s.person for s in roster if s.position is CommitteePosition.CHAIR), None)
            meeting_id = self.uid()
            row = {
                "id": meeting_id,
                "year_be": year,
                "number": number,
                "body_name": body,
                "held_on": day,
                "starts_at": start,
                "ends_at": end if status is not MeetingStatus.DRAFT else None,
                "place": place,
                "mode": rng.choices(("in_person", "hybrid", "online"), (80, 15, 5))[0],
                "status": status.value,
                "minute_taker_id": secretary.id if secretary else None,
                "checker_id": chair.id if chair else None,
                "adopted_in_meeting_id": None,
                "minutes_version": 1,
                "notes": None,
            }
            rows.append(row)
            attendance = self._attendance(meeting_id, roster, substitutes, status, out)
            next_day = dates[index + 1] if index + 1 < len(dates) else None
            agenda = self._agenda(
                meeting_id, day, status, previous, next_day, attendance, stats, village, moo, out
            )
            details.append(
                {
                    "row": row,
                    "attendance": attendance,
                    "agenda": agenda,
                    "minute_taker": secretary.name if secretary else None,
                    "checker": chair.name if chair else None,
                }
            )
            previous = (label, day)
            result.append((meeting_id, day, status.value))
        # Minutes of meeting k are adopted at meeting k+1 (item 2), once k+1 has been held.
        corrected = len(rows) // 3 if len(rows) >= 5 else -1
        for k, row in enumerate(rows):
            if row["status"] != MeetingStatus.ADOPTED.value:
                continue
            adopter = rows[k + 1]
            row["adopted_in_meeting_id"] = adopter["id"]
            self._minutes_version(details[k], 1, None, adopter, out)
            if (
                k == corrected
                and k + 2 < len(rows)
                and rows[k + 2]["status"] != MeetingStatus.DRAFT.value
            ):
                row["minutes_version"] = 2
                reason = self.pick(m["correction_reasons"])
                self._minutes_version(details[k], 2, reason, rows[k + 2], out)
        out[Meeting].extend(rows)
        return result

    def _attendance(
        self,
        meeting_id: uuid.UUID,
        roster: list[_Seat],
        substitutes: list[_Someone],
        status: MeetingStatus,
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        rng, m = self.rng, self.texts.meetings
        labels = m["position_labels"]
        lines: list[dict[str, Any]] = []
        extra: list[dict[str, Any]] = []
        on_roster = {s.person.id for s in roster}
        spare = [p for p in substitutes if p.id not in on_roster]
        for seat in roster:
            person, position = seat.person, seat.position
            line = {
                "id": self.uid(),
                "meeting_id": meeting_id,
                "person_id": person.id,
                "name": person.name,
                "position_label": labels[position.value],
                "position": position.value,
                # A planned meeting's attendance is taken on the day (docs/domain.md §4).
                "attendance": (
                    Attendance.NOT_TAKEN.value
                    if status is MeetingStatus.DRAFT
                    else Attendance.PRESENT.value
                ),
                "absence_reason": None,
                "substitute_for_id": None,
            }
            # The chair presides and the secretary takes the minutes: both are there.
            if status is not MeetingStatus.DRAFT and position not in (
                CommitteePosition.CHAIR,
                CommitteePosition.SECRETARY,
            ):
                r = rng.random()
                if r < 0.10:
                    line["attendance"] = Attendance.ABSENT.value
                    line["absence_reason"] = self.pick(m["absence_reasons"])
                elif r < 0.15 and spare:
                    substitute = spare.pop(self.randrange(len(spare)))
                    line["attendance"] = Attendance.ABSENT.value
                    line["absence_reason"] = self.pick(m["absence_reasons"])
                    extra.append(
                        {
                            "id": self.uid(),
                            "meeting_id": meeting_id,
                            "person_id": substitute.id,
                            "name": substitute.name,
                            "position_label": f"{labels[position.value]} (มาประชุมแทน{person.name})",
                            "position": position.value,
                            "attendance": Attendance.SUBSTITUTE.value,
                            "absence_reason": None,
                            "substitute_for_id": person.id,
                        }
                    )
            lines.append(line)
        lines.extend(extra)
        # Quorum (counted as the app counts it): bring absentees back until it is met.
        q = _quorum_of(lines)
        for ln in lines:
            if q.met or status is MeetingStatus.DRAFT:
                break
            if (
                ln["attendance"] == Attendance.ABSENT.value
                and ln["position"] != CommitteePosition.ADVISER.value
                and not any(e["substitute_for_id"] == ln["person_id"] for e in extra)
            ):
                ln["attendance"], ln["absence_reason"] = Attendance.PRESENT.value, None
                q = _quorum_of(lines)
        if status is not MeetingStatus.DRAFT:
            for label in rng.sample(m["guests"], self.pick((0, 1, 1, 2))):
                row, someone = self.person(min_age=28, max_age=58, register=False)
                lines.append(
                    {
                        "id": self.uid(),
                        "meeting_id": meeting_id,
                        "person_id": None,
                        "name": someone.name,
                        "position_label": self.fill(label),
                        "position": None,
                        "attendance": Attendance.GUEST.value,
                        "absence_reason": None,
                        "substitute_for_id": None,
                    }
                )
        for i, line in enumerate(lines):
            line["sort_order"] = i
        out[MeetingAttendance].extend(lines)
        return lines

    def _agenda(
        self,
        meeting_id: uuid.UUID,
        day: dt.date,
        status: MeetingStatus,
        previous: tuple[str, dt.date] | None,
        next_day: dt.date | None,
        attendance: list[dict[str, Any]],
        stats: _Stats,
        village: str,
        moo: str,
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        rng, m = self.rng, self.texts.meetings
        titles = m["agenda_titles"]
        items = m["items"]
        prev_label = previous[0] if previous else "..."
        rows: list[dict[str, Any]] = []
        since = previous[1] if previous else self.start
        counts = stats.between(since, day)
        voters = _quorum_of(attendance).voters
        for n in range(1, 6):
            row: dict[str, Any] = {
                "id": self.uid(),
                "meeting_id": meeting_id,
                "number": n,
                "title": titles[n - 1].format(previous=prev_label),
                "discussion": None,
                "resolution": None,
                "votes_for": None,
                "votes_against": None,
                "votes_abstain": None,
            }
            if status is not MeetingStatus.DRAFT:
                if n == 2 and previous is None:
                    choice = items["2_first"]
                elif n == 5 and next_day is not None and rng.random() < 0.35:
                    choice = items["5"][2]
                else:
                    options = items[str(n)] if n != 5 else items["5"][:2]
                    choice = self.pick(options)
                values = {
                    "previous": prev_label,
                    "previous_date": self.thai_date(previous[1], weekday=True) if previous else "",
                    "next_date": self.thai_date(next_day, weekday=True) if next_day else "",
                    "village": village,
                    "moo": moo,
                    "fiscal_year": fiscal_year_be(day),
                    "amount": f"{self.pick(m['amounts']):,}",
                    **counts,
                }
                row["discussion"] = self.fill(choice["discussion"], **values)
                row["resolution"] = (
                    self.fill(choice["resolution"], **values) if choice["resolution"] else None
                )
                if n == 4:
                    against = 1 if rng.random() < 0.1 and voters > 3 else 0
                    abstain = self.pick((0, 0, 0, 1)) if voters > 3 else 0
                    row["votes_for"], row["votes_against"], row["votes_abstain"] = (
                        voters - against - abstain,
                        against,
                        abstain,
                    )
            rows.append(row)
        out[AgendaItem].extend(rows)
        return rows

    def _minutes_version(
        self,
        detail: dict[str, Any],
        version: int,
        reason: str | None,
        adopter: dict[str, Any],
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> None:
        """A frozen copy of the minutes as adopted, shaped like ``services.meetings`` snapshots."""
        row = detail["row"]
        attendance = detail["attendance"]
        q = _quorum_of(attendance)
        snapshot = {
            "id": row["id"],
            "rev": 1,
            "number": format_meeting_number(row["number"], row["year_be"]),
            "year_be": row["year_be"],
            "number_in_year": row["number"],
            "body_name": row["body_name"],
            "held_on": row["held_on"],
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
            "place": row["place"],
            "mode": row["mode"],
            "status": MeetingStatus.ADOPTED.value,
            "attendance": [
                {
                    "name": a["name"],
                    "attendance": a["attendance"],
                    "person_id": a["person_id"],
                    "position": a["position"],
                    "position_label": a["position_label"],
                    "absence_reason": a["absence_reason"],
                    "substitute_for_id": a["substitute_for_id"],
                    "id": a["id"],
                }
                for a in attendance
            ],
            "agenda": [
                {
                    "number": i["number"],
                    "title": i["title"],
                    "discussion": i["discussion"],
                    "resolution": i["resolution"],
                    "votes_for": i["votes_for"],
                    "votes_against": i["votes_against"],
                    "votes_abstain": i["votes_abstain"],
                    "id": i["id"],
                }
                for i in detail["agenda"]
            ],
            "quorum": {
                "members": q.members,
                "present": q.present,
                "required": q.required,
                "not_recorded": q.not_recorded,
            },
            "minute_taker": detail["minute_taker"],
            "minute_taker_id": row["minute_taker_id"],
            "checker": detail["checker"],
            "checker_id": row["checker_id"],
            "adopted_in": format_meeting_number(adopter["number"], adopter["year_be"]),
            "minutes_version": version,
        }
        out[MinutesVersion].append(
            {
                "id": self.uid(),
                "meeting_id": row["id"],
                "version": version,
                "snapshot": json.dumps(snapshot, default=str, ensure_ascii=False, sort_keys=True),
                "reason": reason,
                "adopted_in_meeting_id": adopter["id"],
            }
        )

    # -- activities ------------------------------------------------------------------------

    def activities(self, count: int, out: dict[type[Any], list[dict[str, Any]]]) -> None:
        rng, a = self.rng, self.texts.activities
        span = (self.today - self.start).days
        for _i in range(count):
            day = self.start + dt.timedelta(days=self.randrange(span + 1))
            moo, village = self.home_village()
            values = {"village": village, "moo": moo, "temple": self.temple(village)}
            kind, topic = self.pick(a["topics"])
            partners = rng.sample(a["partners"], self.randint(1, 3))
            male, female = self.randint(8, 90), self.randint(10, 110)
            out[Activity].append(
                {
                    "id": self.uid(),
                    "held_on": day,
                    "place": self.fill(self.pick(a["places"]), **values),
                    "topic": self.fill(topic, **values),
                    "kind": kind,
                    "participants_male": male,
                    "participants_female": female,
                    "participants_unspecified": self.randint(1, 12) if rng.random() < 0.3 else 0,
                    "partners": ", ".join(self.fill(p, **values) for p in partners),
                    "notes": self.pick(a["notes"]) if rng.random() < 0.5 else None,
                }
            )

    # -- case plans ------------------------------------------------------------------------

    def plans(self, count: int) -> list[_CasePlan]:
        """Every case's kind, matter and dated steps, oldest first (numbers follow this order)."""
        span = (self.today - self.start).days
        plans = []
        for i in range(count):
            scenario = _SCENARIOS[i] if i < len(_SCENARIOS) else None
            if scenario is not None and "open" in scenario:
                received = (
                    self.today - self.days(6, 25)
                    if scenario["open"]
                    else self.today - self.days(0, 3)
                )
            elif scenario is not None:
                received = self.start + self.days(0, max(1, span - 330))
            else:
                received = self.start + dt.timedelta(days=self.randrange(span + 1))
            plans.append(self.plan(received, scenario))
        plans.sort(key=lambda p: p.received_on)
        return plans

    def plan(self, received: dt.date, scenario: dict[str, Any] | None) -> _CasePlan:
        rng = self.rng
        kind: CaseKind = scenario["kind"] if scenario else self._kinds(rng)
        path = list(scenario.get("path", ())) if scenario else []
        category, matter, amount, over_cap = CaseCategory.NONE, None, None, False
        if kind is CaseKind.DISPUTE:
            if path[:1] == ["not_mediable"]:
                category = CaseCategory.CIVIL if rng.random() < 0.5 else CaseCategory.CRIMINAL
                pool = self.rules.offered(category)
                written = self.texts.cases["disputes"]  # matters the demo has texts for
                matter = self.pick(
                    sorted(
                        code
                        for code, mt in pool.items()
                        if mt.answer.value == "no" and code in written
                    )
                )
            else:
                category = CaseCategory.CIVIL if rng.random() < 0.6 else CaseCategory.CRIMINAL
                matter = (self._civil if category is CaseCategory.CIVIL else self._criminal)(rng)
                if scenario is not None:
                    wants_money = scenario.get("money")
                    while self.rules.matters_for(category)[matter].answer.value == "no" or (
                        wants_money is not None and (matter in _MONEY_MATTERS) != wants_money
                    ):
                        matter = (
                            self._civil if category is CaseCategory.CIVIL else self._criminal
                        )(rng)
            amounts = self.texts.cases["disputes"][matter]["amounts"]
            if amounts:
                amount = self.pick(amounts)
            if (
                scenario is None
                and category is CaseCategory.CIVIL
                and matter in _CIVIL_OVER_CAP_MATTERS
                and rng.random() < 0.03
            ):
                amount, over_cap = self.pick(_OVER_CAP_BAHT), True
        elif kind in (CaseKind.JUSTICE_FUND, CaseKind.VICTIM_COMPENSATION):
            amounts = self.texts.cases["help"][kind.value].get("amounts")
            if amounts and rng.random() < 0.7:
                amount = self.pick(amounts)
        plan = _CasePlan(
            received,
            kind,
            category,
            matter,
            amount,
            over_cap,
            [],
            kind_code=str(kind.value),
            category_code=str(category.value),
        )
        if scenario is not None and "open" not in scenario:
            plan.forced_close = scenario.get("close")
        if kind is CaseKind.DISPUTE:
            self._dispute_steps(plan, path)
        else:
            self._help_steps(plan, path)
        if scenario is not None:
            if "open" in scenario:
                del plan.steps[scenario["open"] :]
                if scenario["open"] < 2:
                    plan.sessions.clear()
                for j, (action, day) in enumerate(plan.steps):
                    plan.steps[j] = (action, min(day, self.today))
        # Nothing after today happens: the case stays where today finds it.
        plan.steps = [(a, d) for a, d in plan.steps if d <= self.today]
        return plan

    def _branch(self, path: list[str], options: Sequence[tuple[str, int]]) -> str:
        if path:
            return path.pop(0)
        return str(_choose(self.rng, options))

    def _dispute_steps(self, plan: _CasePlan, path: list[str]) -> None:
        rng, steps = self.rng, plan.steps
        matter = self.rules.matters_for(plan.category)[plan.matter or ""]
        day = plan.received_on
        excluded = matter.answer.value == "no"  # an unclear matter goes ahead, warned
        if excluded or plan.over_cap or path[:1] == ["not_mediable"]:
            # Intake warns and offers the right referral instead (§20, §35, §69, §8).
            code = (matter.referral if excluded else None) or self.rules.over_cap_referrals[0]
            plan.referral = (code, self.rules.referrals[code]["th"])
            steps.append((A.REFER, day + self.days(0, 3)))
            self._maybe_close(plan, 0.7)
            return
        entry = self._branch(
            path,
            (("consent", 93), ("withdraw_early", 3), ("refer_early", 2), ("escalate_early", 2)),
        )
        if entry == "withdraw_early":
            steps.append((A.WITHDRAW, day + self.days(0, 10)))
            self._maybe_close(plan, 0.6)
            return
        if entry == "refer_early":
            plan.referral = self._dispute_referral(plan)
            steps.append((A.REFER, day + self.days(0, 7)))
            self._maybe_close(plan, 0.6)
            return
        if entry == "escalate_early":
            steps.append((A.ESCALATE, day + self.days(1, 14)))
            self._maybe_close(plan, 0.5)
            return
        asked = day + self.days(0, 5)
        steps.append((A.REQUEST_CONSENT, asked))
        answered = asked + self.days(3, 21)
        consent = self._branch(path, (("given", 84), ("refused", 11), ("withdraw", 5)))
        if consent == "refused":
            steps.append((A.CONSENT_REFUSED, answered))
            if self._branch(path, (("refer", 3), ("none", 7))) == "refer":
                plan.referral = self._dispute_referral(plan)
                steps.append((A.REFER, answered + self.days(1, 14)))
            self._maybe_close(plan, 0.6)
            return
        if consent == "withdraw":
            steps.append((A.WITHDRAW, answered))
            self._maybe_close(plan, 0.6)
            return
        steps.append((A.CONSENT_GIVEN, answered))
        outcome = self._branch(
            path,
            (("settle", 62), ("terminate", 20), ("withdraw", 8), ("escalate", 5), ("refer", 5)),
        )
        count = _choose(rng, ((1, 35), (2, 40), (3, 18), (4, 7))) if outcome != "escalate" else 1
        session = answered + self.days(3, 21)
        for _i in range(count):
            plan.sessions.append(session)
            session += self.days(7, 21)
        ended = plan.sessions[-1]
        if outcome == "settle":
            steps.append((A.SETTLE, ended))
            return  # closing a settled case depends on payments (decided with the settlement)
        if outcome == "terminate":
            steps.append((A.TERMINATE, ended))
            after = self._branch(path, (("none", 65), ("refer", 25), ("escalate", 10)))
            if after == "refer":
                plan.referral = ("court", self.rules.referrals["court"]["th"])
                steps.append((A.REFER, ended + self.days(7, 30)))
            elif after == "escalate":
                steps.append((A.ESCALATE, ended + self.days(7, 30)))
            self._maybe_close(plan, 0.5)
            return
        if outcome == "withdraw":
            steps.append((A.WITHDRAW, ended))
        elif outcome == "escalate":
            steps.append((A.ESCALATE, ended))
        else:
            plan.referral = self._dispute_referral(plan)
            steps.append((A.REFER, ended))
        self._maybe_close(plan, 0.5)

    def _dispute_referral(self, plan: _CasePlan) -> tuple[str, str]:
        code = "court" if plan.category is CaseCategory.CIVIL else self.pick(("police", "court"))
        return code, self.rules.referrals[code]["th"]

    def _help_steps(self, plan: _CasePlan, path: list[str]) -> None:
        steps, kind = plan.steps, plan.kind
        day = plan.received_on
        if kind is CaseKind.LEGAL_ADVICE:
            first = self._branch(path, (("complete", 72), ("take_up", 16), ("refer", 12)))
        elif kind is CaseKind.COMPLAINT:
            first = self._branch(path, (("take_up", 85), ("refer", 10), ("escalate", 5)))
        else:
            first = self._branch(path, (("take_up", 92), ("escalate", 8)))
        if first == "complete":
            steps.append((A.COMPLETE, day + self.days(0, 1)))
            self._maybe_close(plan, 0.3)
            return
        if first in ("refer", "escalate"):
            self._help_end(plan, first, day + self.days(0, 7))
            return
        taken = day + self.days(0, 7)
        steps.append((A.TAKE_UP, taken))
        weights = {
            CaseKind.LEGAL_ADVICE: (("complete", 85), ("refer", 15)),
            CaseKind.COMPLAINT: (("complete", 45), ("refer", 45), ("escalate", 10)),
            CaseKind.JUSTICE_FUND: (("refer", 60), ("escalate", 25), ("complete", 15)),
            CaseKind.VICTIM_COMPENSATION: (("refer", 70), ("escalate", 15), ("complete", 15)),
            CaseKind.REINTEGRATION: (("complete", 70), ("refer", 30)),
        }[kind]
        second = self._branch(path, weights)
        long = kind is CaseKind.REINTEGRATION
        self._help_end(plan, second, taken + (self.days(30, 200) if long else self.days(3, 45)))

    def _help_end(self, plan: _CasePlan, what: str, day: dt.date) -> None:
        if what == "complete":
            plan.steps.append((A.COMPLETE, day))
        elif what == "refer":
            options = self.texts.cases["help"][plan.kind.value]["referrals"]
            choice = self.pick(options)
            plan.referral = (choice["code"], self.fill(choice["target"]))
            plan.steps.append((A.REFER, day))
        else:
            plan.steps.append((A.ESCALATE, day))
        self._maybe_close(plan, 0.5)

    def _maybe_close(self, plan: _CasePlan, chance: float) -> None:
        last = plan.steps[-1][1]
        if plan.forced_close is True or (plan.forced_close is None and self.rng.random() < chance):
            plan.steps.append((A.CLOSE, last + self.days(7, 60)))

    # -- case rows -------------------------------------------------------------------------

    def case_rows(
        self,
        plans: Sequence[_CasePlan],
        pool: list[_Someone],
        registrations: list[_Registration],
        staff: list[_Someone],
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> None:
        """All rows of a chunk of cases: the case, its parties, mediators, sessions, events,
        settlement with instalments, and compliance checks."""
        rng = self.rng
        texts = self.texts.cases
        notes = texts["event_notes"]
        session_texts = texts["sessions"]
        disputes, helps = texts["disputes"], texts["help"]
        rules_version = self.rules.version
        cases_out, parties_out, events_out = out[Case], out[CaseParty], out[CaseEvent]
        numbers: dict[
            int, int
        ] = {}  # within the chunk; offset by the caller inside its transaction
        for plan in plans:
            kind = plan.kind
            year = be_year(plan.received_on)
            numbers[year] = number = numbers.get(year, 0) + 1
            case_id = self.uid()
            # Texts
            if kind is CaseKind.DISPUTE:
                vocab = disputes[plan.matter]
            else:
                vocab = helps[plan.kind_code]
            subject = self._format(self.pick(vocab["subjects"]), plan.amount)
            facts = self._format(self.pick(vocab["facts"]), plan.amount)
            eligibility = self._assess(plan)
            # Parties
            chosen: set[int] = set()
            sides: list[tuple[_Someone, str]] = [(self._party(pool, chosen), _APPLICANT)]
            if kind is CaseKind.DISPUTE:
                if rng.random() < 0.12:
                    sides.append((self._party(pool, chosen), _APPLICANT))
                sides.append((self._party(pool, chosen), _RESPONDENT))
                if rng.random() < 0.08:
                    sides.append((self._party(pool, chosen), _RESPONDENT))
            if rng.random() < (0.05 if kind is CaseKind.DISPUTE else 0.1):
                sides.append((self._party(pool, chosen), _OTHER))
            actions = [a for a, _d in plan.steps]
            respondent_consent: bool | None = None
            if A.CONSENT_GIVEN in actions:
                respondent_consent = True
            elif A.CONSENT_REFUSED in actions:
                respondent_consent = False
            role_notes = texts["role_notes"]
            for order, (someone, side) in enumerate(sides):
                if side == _OTHER:
                    role_note: str | None = self.pick(role_notes["other"])
                elif rng.random() < (0.12 if side == _APPLICANT else 0.04):
                    role_note = self.pick(role_notes[side])
                else:
                    role_note = None
                parties_out.append(
                    {
                        "id": self.uid(),
                        "case_id": case_id,
                        "person_id": someone.id,
                        "side": side,
                        "role_note": role_note,
                        "consent": respondent_consent if side == _RESPONDENT else None,
                        "sort_order": order,
                    }
                )
            # Mediation: mediators chosen when the respondent consents, then sessions
            settlement_on: dt.date | None = None
            mediator_names = ""
            consent_day = next((d for a, d in plan.steps if a is A.CONSENT_GIVEN), None)
            session_place = None
            if consent_day is not None:
                valid = self._valid_registrations(registrations, consent_day)
                party_ids = {s.id for s, _side in sides}
                valid = [r for r in valid if r.person.id not in party_ids]
                picked: list[_Registration] = []
                want = 1 if rng.random() < 0.7 else self.pick((2, 3))
                seen: set[uuid.UUID] = set()
                while valid and len(picked) < want:
                    reg = valid.pop(self.randrange(len(valid)))
                    if reg.person.id not in seen:
                        seen.add(reg.person.id)
                        picked.append(reg)
                for reg in picked:
                    disclosed = rng.random() < 0.05
                    out[CaseMediator].append(
                        {
                            "id": self.uid(),
                            "case_id": case_id,
                            "mediator_id": reg.id,
                            "no_conflict_confirmed": not disclosed,
                            "conflict_disclosure": self.pick(texts["conflict_disclosures"])
                            if disclosed
                            else None,
                            "confirmed_on": consent_day,
                        }
                    )
                mediator_names = ", ".join(r.person.name for r in picked)
                moo, village = self.home_village()
                session_place = self.fill(
                    self.pick(self.texts.places["session_places"]), village=village, moo=moo
                )
                held = [d for d in plan.sessions if d <= self.today]
                outcome = next(
                    (
                        a
                        for a, _d in plan.steps
                        if a in (A.SETTLE, A.TERMINATE, A.WITHDRAW, A.ESCALATE, A.REFER)
                    ),
                    None,
                )
                attendees = session_texts["attendees"].format(
                    applicants=", ".join(s.name for s, side in sides if side == _APPLICANT),
                    respondents=", ".join(s.name for s, side in sides if side == _RESPONDENT),
                    mediators=mediator_names or "ผู้ไกล่เกลี่ย",
                )
                for no, day in enumerate(held, start=1):
                    final = no == len(plan.sessions) and outcome is not None
                    if final and outcome is A.SETTLE:
                        summary = self.pick(session_texts["settled"])
                    elif final and outcome is A.TERMINATE:
                        summary = self.pick(session_texts["failed"])
                    else:
                        summary = self.pick(session_texts["continue"])
                    start = dt.time(9, 30) if rng.random() < 0.6 else dt.time(13, 30)
                    out[CaseSession].append(
                        {
                            "id": self.uid(),
                            "case_id": case_id,
                            "session_no": no,
                            "held_on": day,
                            "starts_at": start,
                            "ends_at": dt.time(start.hour + self.pick((1, 2)), self.pick((0, 30))),
                            "place": session_place,
                            "attendees": attendees,
                            "summary": summary,
                            "notes": self.pick(session_texts["notes"])
                            if rng.random() < 0.6
                            else None,
                            "next_on": plan.sessions[no] if no < len(plan.sessions) else None,
                        }
                    )
                settlement_on = next((d for a, d in plan.steps if a is A.SETTLE), None)
            # Settlement, payments, follow-up; a settled case is closed once it has been kept
            certificate_no = certificate_on = None
            if settlement_on is not None:
                closed_on = self._settlement(case_id, plan, settlement_on, session_place, out)
                if closed_on is not None and (plan.forced_close is not False):
                    plan.steps.append((A.CLOSE, closed_on))
                if rng.random() < (0.3 if plan.amount else 0.1) or (
                    plan.forced_close and not certificate_no
                ):
                    issued = settlement_on + self.days(7, 45)
                    if issued <= self.today:
                        cyear = be_year(issued)
                        self.certificates[cyear] += 1
                        certificate_no = (
                            f"{texts['certificate_prefix']}{self.certificates[cyear]}/{cyear}"
                        )
                        certificate_on = issued
            # Events: the status is what they add up to
            status = S.RECEIVED
            outcome_on = mediation_ended_on = referred_on = escalated_on = None
            for action, day in plan.steps:
                new = case_flow.next_status(kind, status, action)
                if status is S.IN_MEDIATION and action in case_flow.MEDIATION_ENDING:
                    mediation_ended_on = day
                if new in _OUTCOME_STATUSES:
                    outcome_on = day
                if action is A.REFER:
                    referred_on = day
                elif action is A.ESCALATE:
                    escalated_on = day
                code = _CODE[action]
                note = self.pick(notes[code])
                if action is A.REFER:
                    note = note.format(target=plan.referral[1] if plan.referral else "")
                events_out.append(
                    {
                        "id": self.uid(),
                        "case_id": case_id,
                        "action": code,
                        "from_status": _CODE[status],
                        "to_status": _CODE[new],
                        "occurred_on": day,
                        "note": note,
                    }
                )
                status = new
            incident = None
            if kind is not CaseKind.LEGAL_ADVICE:
                back = 300 if kind is CaseKind.VICTIM_COMPENSATION else 120
                incident = plan.received_on - self.days(0, back)
            channel = (
                "referral_in"
                if kind is CaseKind.REINTEGRATION and rng.random() < 0.4
                else self._channels(rng)
            )
            cases_out.append(
                {
                    "id": case_id,
                    "year_be": year,
                    "number": number,
                    "received_on": plan.received_on,
                    "channel": channel,
                    "kind": plan.kind_code,
                    "category": plan.category_code,
                    "matter_code": plan.matter,
                    "subject": subject,
                    "facts": facts,
                    "amount_satang": plan.amount * 100 if plan.amount is not None else None,
                    "incident_on": incident,
                    # What the rules ask besides the matter (docs/mediation-law.md): civil
                    # disputes without an amount are not about money; offenders are adults
                    # (a juvenile-court matter's is 16); criminal matters are not yet with the
                    # police, prosecutor or court.
                    "no_money_value": True
                    if plan.category is CaseCategory.CIVIL and plan.amount is None
                    else None,
                    "offender_age": self._offender_age(plan, number),
                    "criminal_stage": "none" if plan.category is CaseCategory.CRIMINAL else None,
                    "status": _CODE[status],
                    "eligibility_note": eligibility.reason,
                    "rules_version": rules_version,
                    "outcome_on": outcome_on,
                    "mediation_ended_on": mediation_ended_on,
                    "certificate_no": certificate_no,
                    "certificate_on": certificate_on,
                    "referral_target": plan.referral[1] if referred_on and plan.referral else None,
                    "referral_code": plan.referral[0]
                    if referred_on and plan.referral
                    else eligibility.referral,
                    "referred_on": referred_on,
                    "escalated_on": escalated_on,
                    "responsible_id": self.pick(staff).id if staff else None,
                }
            )

    def _party(self, pool: list[_Someone], chosen: set[int]) -> _Someone:
        """Someone from the population who is not already a party to this case."""
        while True:
            j = self.randrange(len(pool))
            if j not in chosen:
                chosen.add(j)
                return pool[j]

    def _valid_registrations(
        self, registrations: list[_Registration], day: dt.date
    ) -> list[_Registration]:
        """Registrations valid on ``day`` (a fresh list: the caller draws from it)."""
        cache = self._registrations_on
        found = cache.get(day)
        if found is None:
            found = cache[day] = [r for r in registrations if r.valid_on(day)]
        return list(found)

    def _format(self, template: str, amount: int | None) -> str:
        key = (template, amount)
        text = self._fmt_cache.get(key)
        if text is None:
            text = self._fmt_cache[key] = template.replace(
                "{amount}", f"{amount:,}" if amount is not None else ""
            )
        return text

    @staticmethod
    def _offender_age(plan: _CasePlan, number: int) -> int | None:
        """Drawn from the case number, not the generator: the other data stays as it was."""
        if plan.kind is not CaseKind.DISPUTE or plan.category is not CaseCategory.CRIMINAL:
            return None
        return 16 if plan.matter == "juvenile_family" else 19 + (number * 7) % 50

    def _assess(self, plan: _CasePlan) -> Eligibility:
        key = (plan.kind, plan.category, plan.matter, plan.over_cap, plan.amount is None)
        result = self._eligibility.get(key)
        if result is None:
            # Only the cap depends on the amount: 0 stands for any amount within it.
            amount = None if plan.amount is None else (plan.amount * 100 if plan.over_cap else 0)
            criminal = plan.category is CaseCategory.CRIMINAL
            result = self._eligibility[key] = assess(
                self.rules,
                Facts(
                    plan.kind,
                    plan.category,
                    plan.matter,
                    amount,
                    no_money_value=plan.category is CaseCategory.CIVIL and amount is None,
                    offender_age=(16 if plan.matter == "juvenile_family" else 40)
                    if criminal
                    else None,
                    stage=CriminalStage.NONE if criminal else None,
                ),
            )
        return result

    def _settlement(
        self,
        case_id: uuid.UUID,
        plan: _CasePlan,
        agreed: dt.date,
        place: str | None,
        out: dict[type[Any], list[dict[str, Any]]],
    ) -> dt.date | None:
        """§30 agreement with instalments, payments and follow-up checks. Returns the day the
        case may be closed (all kept), else ``None``."""
        rng, texts = self.rng, self.texts.cases["settlement_terms"]
        settlement_id = self.uid()
        money = plan.amount is not None and plan.matter in _MONEY_MATTERS
        instalments: list[dict[str, Any]] = []
        checks: list[tuple[dt.date, str]] = []
        first_due = agreed + self.days(15, 40)
        if money:
            total = max(
                1000, int((plan.amount or 0) * self.pick((1, 1, 1, 0.8, 0.7, 0.5)) // 500 * 500)
            )
            counts = [n for n in (2, 3, 4, 5, 6, 10, 12) if total % n == 0 and total // n >= 500]
            lump = rng.random() < 0.4 or not counts
            count = 1 if lump else self.pick(counts)
            if plan.forced_close and count > 4:
                lump, count = True, 1  # a case shown as closed must have been paid in full by now
            per = total // count
            day = min(first_due.day, 28)
            # The terms name the first due date and the schedule starts on it: one date.
            first_due = first_due.replace(day=day)
            template = self.pick(texts["lump_sum"] if lump else texts["instalments"])
            terms = template.format(
                amount=f"{total:,}",
                amount_words=self.baht_words(total),
                count=count,
                per=f"{per:,}",
                day=day,
                first_due=self.thai_date(first_due),
            )
            if plan.category is CaseCategory.CRIMINAL:
                terms += " " + texts["criminal_clause"]
            behaviour = (
                "good"
                if plan.forced_close
                else _choose(rng, (("good", 75), ("late", 15), ("default", 10)))
            )
            stop_after = self.randint(0, max(0, count - 1)) if behaviour == "default" else count
            due = first_due.replace(day=day)
            for seq in range(1, count + 1):
                paid_on = paid = None
                if due <= self.today and seq <= stop_after:
                    if behaviour == "late" and rng.random() < 0.5:
                        paid_on = due + self.days(5, 40)
                        paid = per if rng.random() < 0.7 else per // 2
                    else:
                        paid_on, paid = due + self.days(-3, 3), per
                    if paid_on > self.today:
                        paid_on = paid = None
                instalments.append(
                    {
                        "id": self.uid(),
                        "settlement_id": settlement_id,
                        "seq": seq,
                        "due_on": due,
                        "amount_satang": per * 100,
                        "paid_on": paid_on,
                        "paid_satang": paid * 100 if paid is not None else None,
                    }
                )
                due = _add_month(due)
            # Follow-up a week after the first, the middle and the last instalment.
            marks = sorted({0, (count - 1) // 2, count - 1})
            for k in marks:
                when = instalments[k]["due_on"] + self.days(5, 12)
                if when > self.today:
                    break
                owed = [i for i in instalments if i["due_on"] < when]
                paid_full = [
                    i
                    for i in owed
                    if i["paid_on"] is not None
                    and i["paid_on"] <= when
                    and i["paid_satang"] == i["amount_satang"]
                ]
                paid_any = [i for i in owed if i["paid_on"] is not None and i["paid_on"] <= when]
                verdict = (
                    Compliance.COMPLIED
                    if len(paid_full) == len(owed)
                    else Compliance.PARTIAL
                    if paid_any
                    else Compliance.BREACHED
                )
                checks.append((when, str(verdict.value)))
            kept = len(instalments) > 0 and all(
                i["paid_satang"] == i["amount_satang"] for i in instalments
            )
        else:
            total = None
            options = texts["non_monetary"].get(plan.matter or "", texts["non_monetary"]["other"])
            terms = self.pick(options).format(first_due=self.thai_date(first_due))
            for offset in (30, 90):
                when = agreed + dt.timedelta(days=offset + self.randint(0, 10))
                if when > self.today:
                    break
                checks.append(
                    (
                        when,
                        _choose(
                            rng,
                            (
                                (Compliance.COMPLIED.value, 85),
                                (Compliance.PARTIAL.value, 10),
                                (Compliance.BREACHED.value, 5),
                            ),
                        ),
                    )
                )
            kept = len(checks) == 2
        out[Settlement].append(
            {
                "id": settlement_id,
                "case_id": case_id,
                "agreed_on": agreed,
                "place": place,
                "terms": terms,
                "total_satang": total * 100 if total is not None else None,
                "voluntary_confirmed": True,
            }
        )
        out[Instalment].extend(instalments)
        notes = self.texts.cases["compliance_notes"]
        for when, result in checks:
            out[ComplianceCheck].append(
                {
                    "id": self.uid(),
                    "case_id": case_id,
                    "checked_on": when,
                    "result": result,
                    "note": self.pick(notes[result]),
                }
            )
        if (
            kept
            and checks
            and checks[-1][1] == Compliance.COMPLIED.value
            and (plan.forced_close or rng.random() < 0.7)
        ):
            closed = checks[-1][0] + self.days(0, 14)
            if closed <= self.today:
                return closed
        return None


@dataclass
class _Stats:
    """What happened between two meetings, from the case plans (for item 3 of the agenda)."""

    received: list[dt.date]
    disputes: list[dt.date]
    settled: list[dt.date]
    referred: list[dt.date]

    @classmethod
    def of(cls, plans: Sequence[_CasePlan]) -> _Stats:
        received = sorted(p.received_on for p in plans)
        disputes = sorted(p.received_on for p in plans if p.kind is CaseKind.DISPUTE)
        settled = sorted(d for p in plans for a, d in p.steps if a is A.SETTLE)
        referred = sorted(d for p in plans for a, d in p.steps if a is A.REFER)
        return cls(received, disputes, settled, referred)

    def between(self, after: dt.date, upto: dt.date) -> dict[str, int]:
        def count(days: list[dt.date]) -> int:
            return bisect.bisect_right(days, upto) - bisect.bisect_right(days, after)

        return {
            "received": count(self.received),
            "disputes": count(self.disputes),
            "settled": count(self.settled),
            "referred": count(self.referred),
        }


def _choose(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _o, w in options)
    x = rng.random() * total
    for option, weight in options:
        x -= weight
        if x < 0:
            return option
    return options[-1][0]


def _add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month)


def _quorum_of(lines: Sequence[dict[str, Any]]) -> Quorum:
    """The quorum of demo attendance rows, counted as the app counts it."""
    return count_quorum(
        Line(
            Attendance(a["attendance"]),
            CommitteePosition(a["position"]) if a["position"] else None,
            a["person_id"],
            a["substitute_for_id"],
        )
        for a in lines
    )


def _latest_roster(seats: list[_Seat], day: dt.date) -> list[_Seat]:
    """No seat covers ``day`` (existing terms of another period): use the nearest term's seats."""
    if not seats:
        return []
    nearest = min(seats, key=lambda s: abs((s.starts_on - day).days))
    return [s for s in seats if s.starts_on == nearest.starts_on or s.on(nearest.starts_on)]


def _new_batch() -> dict[type[Any], list[dict[str, Any]]]:
    return {model: [] for model in _SUMMARY_FIELD}


# Insert order: parents before children (foreign keys are checked at commit, but the change log
# then lists rows in an order a province can apply one by one).
_ORDER = tuple(_SUMMARY_FIELD)


def _write(
    writer: demo_queries.BulkWriter,
    batch: dict[type[Any], list[dict[str, Any]]],
    counts: Counter[str],
) -> None:
    for model in _ORDER:
        rows = batch.get(model)
        if rows:
            writer.insert(model, rows)
            counts[_SUMMARY_FIELD[model]] += len(rows)


# ------------------------------------------------------------------------------------------
# The use case


def generate_demo(
    db: Database,
    *,
    seed: int = 1,
    people: int = 60,
    cases: int = 300,
    meetings: int = 24,
    activities: int | None = None,
    today: dt.date | None = None,
    chunk_size: int = CHUNK_CASES,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> DemoSummary:
    """Fill a center database with demo data (or add to what it holds) and say what was added.

    ``people`` register people (network members, committee, mediators); case parties come from a
    further population of about 1.5 per case (at most 20,000). ``activities`` defaults to one and
    a half per meeting. Raises :class:`~justice_desk.errors.Cancelled` between chunks when
    ``cancel`` is set; chunks already written stay.
    """
    if min(people, cases, meetings, activities or 0, chunk_size - 1) < 0:
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
    gen = _Generator(seed=seed, base=base, site=site, owner_id=owner, today=today, texts=texts)
    batch = _new_batch()
    register = gen.register(people, batch) if people else []
    plans = gen.plans(cases)
    seats = [
        _Seat(
            _Someone(s.person_id, s.name, "", 0),
            CommitteePosition(s.position),
            s.starts_on,
            s.ends_on,
        )
        for s in existing_seats
    ]
    registrations = [
        _Registration(
            m.id,
            _Someone(m.person_id, m.name, "", 0),
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
            seats = gen.committee(register, batch)
        keep = {s.person.id for s in seats}
        ours = {p.id for p in register}
        new_mediators = gen.mediators(register, [s for s in seats if s.person.id in ours], batch)
        registrations = new_mediators + registrations
        keep |= {r.person.id for r in new_mediators}
        gen.network(register, keep, batch)
    gen.activities(activity_count, batch)
    substitutes = [p for p in register if p.id not in keep]
    adopt_existing: list[tuple[uuid.UUID, uuid.UUID]] = []
    with db.connect_write() as conn, demo_queries.bulk_writer(conn, owner) as writer:
        if meetings:
            # Meeting numbers and earlier meetings are read in the transaction that uses them.
            on_record = demo_queries.meetings_on_record(conn, owner)
            numbers = demo_queries.max_numbers_by_year(conn, Meeting, owner)
            made = gen.meetings(
                meetings, seats, substitutes, _Stats.of(plans), on_record, numbers, batch
            )
            held = [m for m in made if m[2] != MeetingStatus.DRAFT.value]
            for waiting in (r for r in on_record if r.status == MeetingStatus.HELD.value):
                later = [m for m in held if m[1] > waiting.held_on]
                if later:
                    adopt_existing.append((waiting.id, later[0][0]))
        _write(writer, batch, counts)
    if adopt_existing:
        # Minutes the database had left waiting: adopted at the first new meeting held after them.
        from justice_desk.services.meetings import adopt_minutes

        for waiting_id, adopter_id in adopt_existing:
            adopt_minutes(db, waiting_id, in_meeting_id=adopter_id)
    step = 1
    progress(step, total_steps, _("Creating people…"))

    pool: list[_Someone] = []
    for start in range(0, pool_size, CHUNK_PEOPLE):
        cancel.raise_if_cancelled()
        batch = _new_batch()
        for _i in range(start, min(pool_size, start + CHUNK_PEOPLE)):
            mode = "none" if gen.rng.random() < 0.02 else "valid"
            row, someone = gen.person(min_age=19, max_age=82, register=False, id_mode=mode)
            batch[Person].append(row)
            pool.append(someone)
        with db.connect_write() as conn, demo_queries.bulk_writer(conn, owner) as writer:
            _write(writer, batch, counts)
        step += 1
        progress(step, total_steps, _("Creating people…"))

    staff_ids = {
        s.person.id
        for s in seats
        if s.position in (CommitteePosition.SECRETARY, CommitteePosition.ASSISTANT_SECRETARY)
    }
    staff = [p for p in register if p.id in staff_ids] + [r.person for r in registrations[:3]]

    def make_chunk(start: int) -> dict[type[Any], list[dict[str, Any]]]:
        chunk = _new_batch()
        gen.case_rows(plans[start : start + chunk_size], pool, registrations, staff, chunk)
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
                    _write(writer, batch, counts)
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
    return DemoSummary(**{name: counts[name] for name in (f.name for f in fields(DemoSummary))})
