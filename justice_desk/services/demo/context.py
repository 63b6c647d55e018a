"""What every builder of the demo shares: the one random stream, the keys, the dates, the texts and
rules, the center's place, and the records of what has been made so far.

All randomness comes from :attr:`DemoContext.rng`, drawn in a fixed order: the builders take
turns on it in the order ``generate_demo`` calls them, so the same seed, database and ``today``
always give the same rows. A change that draws one more number anywhere changes everything after
it (``tests/services/test_demo_fingerprint.py`` notices).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from justice_desk import config
from justice_desk.domain.dates import format_date
from justice_desk.domain.enums import CommitteePosition, MediatorStatus
from justice_desk.services.demo.texts import DemoTexts
from justice_desk.services.setup import SiteInfo
from justice_desk.storage import demo_queries

#: The demo spans this many days before ``today``.
WINDOW_DAYS = 730

DAY = dt.timedelta(days=1)
_UUID = uuid.UUID
_new_uuid = object.__new__
_set = object.__setattr__
_SAFE = uuid.SafeUUID.unknown


# ------------------------------------------------------------------------------------------
# Small records the builders keep about what they made


@dataclass(frozen=True, slots=True)
class Place:
    tambon: str
    amphoe: str
    amphoe_code: str
    postcode: str
    dopa_code: str | None


@dataclass(slots=True)
class Someone:
    id: uuid.UUID
    name: str
    sex: str
    age: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Seat:
    person: Someone
    position: CommitteePosition
    starts_on: dt.date
    ends_on: dt.date | None  # the seat's own end, else the term's

    def on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True, slots=True)
class Registration:
    id: uuid.UUID
    person: Someone
    issued_on: dt.date
    expires_on: dt.date
    status: str

    def valid_on(self, day: dt.date) -> bool:
        return (
            self.status == MediatorStatus.ACTIVE.value and self.issued_on <= day <= self.expires_on
        )


# ------------------------------------------------------------------------------------------
# Weighted choices


def _weighted(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    items = [p[0] for p in pairs]
    cum: list[int] = []
    total = 0
    for _item, weight in pairs:
        total += weight
        cum.append(total)
    return items, cum


class Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` recomputes them)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, int]]) -> None:
        self.items, self.cum = _weighted(pairs)
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def choose(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _o, w in options)
    x = rng.random() * total
    for option, weight in options:
        x -= weight
        if x < 0:
            return option
    return options[-1][0]


# ------------------------------------------------------------------------------------------
# The context


class DemoContext:
    """The shared state of one demo run (see the module's docstring for the rule on ``rng``)."""

    def __init__(
        self,
        *,
        seed: int,
        base: demo_queries.DemoBaseline,
        site: SiteInfo,
        owner_id: uuid.UUID,
        today: dt.date,
        texts: DemoTexts,
        window_days: int = WINDOW_DAYS,
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
        #: The days before ``today`` the records lie in (two years unless asked otherwise).
        self.window_days = window_days
        self.start = today - dt.timedelta(days=window_days)
        self.texts = texts
        self.rules = config.mediation_rules()
        self.province: str = texts.places["province"]
        self._place_setup()
        # The local government that hosts the center (a municipality or a tambon organisation).
        self.host = (
            site.host_organisation or ""
        ).strip() or f"องค์การบริหารส่วนตำบล{self.home.tambon}"
        self._thai_dates: dict[dt.date, str] = {}
        self._baht_words: dict[int, str] = {}
        # Made so far, shared between builders.
        self.monk: Someone | None = None  # the register's monk adviser, if any

    # -- keys and draws --------------------------------------------------------------------

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

    # -- texts -----------------------------------------------------------------------------

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

    # -- places ----------------------------------------------------------------------------

    def _place_setup(self) -> None:
        """The center's tambon (from the site, else drawn), its neighbours and its villages."""
        rng = self.rng
        places: list[Place] = []
        for amphoe in self.texts.places["amphoes"]:
            for t in amphoe["tambons"]:
                places.append(
                    Place(t["name"], amphoe["name"], amphoe["code"], t["postcode"], t["dopa_code"])
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
        self.home: Place = matches[0] if matches else self.pick(places)
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


class Builder:
    """A builder of one topic's rows over the shared :class:`DemoContext`.

    The context's draws and helpers are copied onto the builder once: the hot loops call them
    millions of times for a large demo, and ``self.pick`` is cheaper than ``self.ctx.pick``.
    They are the context's own bound methods, so every draw still comes from its one stream.
    """

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.texts = ctx.texts
        self.rules = ctx.rules
        self.today = ctx.today
        self.start = ctx.start
        self.uid: Callable[[], uuid.UUID] = ctx.uid
        self.pick: Callable[[Sequence[Any]], Any] = ctx.pick
        self.randint: Callable[[int, int], int] = ctx.randint
        self.randrange: Callable[[int], int] = ctx.randrange
        self.days: Callable[[int, int], dt.timedelta] = ctx.days
        self.fill: Callable[..., str] = ctx.fill
        self.home_village: Callable[[], tuple[str, str]] = ctx.home_village
