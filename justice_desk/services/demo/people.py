"""People and their addresses (the register, and the wider population cases draw their parties
from), the network's memberships and the courses people took."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from stdnum.th import pin

from justice_desk.domain.dates import be_year
from justice_desk.domain.enums import MembershipStatus
from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import (
    DAY,
    Builder,
    DemoContext,
    Picker,
    Place,
    Someone,
)
from justice_desk.services.people import full_name
from justice_desk.storage.models import Membership, Person, Training

PRIVACY_NOTICE_VERSION = "1"


class PeopleBuilder(Builder):
    def __init__(self, ctx: DemoContext) -> None:
        super().__init__(ctx)
        names = ctx.texts.names
        self._male_titles = Picker([tuple(t) for t in names["titles"]["male"]])
        self._female_titles = Picker([tuple(t) for t in names["titles"]["female"]])
        self._roles = Picker([tuple(r) for r in names["community_roles"]])
        self._occupations = Picker([tuple(o) for o in names["occupations"]])
        self._national_ids: set[str] = set()
        #: Certificates issued so far per course prefix and BE year.
        self.training_numbers: Counter[str] = Counter()

    # -- people ----------------------------------------------------------------------------

    def national_id(self, birth_year: int, place: Place, *, wrong_check: bool = False) -> str:
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
    ) -> tuple[dict[str, Any], Someone]:
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
            self.ctx.home
            if at_home
            else self.pick(self.ctx.neighbours if rng.random() < 0.7 else self.ctx.places)
        )
        if at_home:
            moo, village = self.home_village()
        else:
            moo, village = str(self.randint(1, 12)), self.pick(self.ctx.other_villages)
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
            role = self.fill(monk["role"], temple=self.ctx.temple(village), village=village)
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
            "province": self.ctx.province,
            "postcode": place.postcode,
            "dopa_area_code": place.dopa_code,
            "phone": phone,
            "line_id": line_id,
            "community_role": role,
            "occupation": occupation,
            "privacy_notice_version": PRIVACY_NOTICE_VERSION,
            "notes": self.pick(names["notes"]) if rng.random() < 0.03 else None,
        }
        return row, Someone(pid, full_name(title, given, surname), sex, age, role)

    # -- the register ----------------------------------------------------------------------

    def register(self, count: int, out: Batch) -> list[Someone]:
        """Register people: a monk adviser, two legacy IDs with a wrong check digit, one without."""
        people: list[Someone] = []
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
                self.ctx.monk = someone
        return people

    def network(
        self,
        people: list[Someone],
        keep: set[uuid.UUID],
        out: Batch,
    ) -> None:
        """Network memberships (most people, numbered in order of joining) and their courses."""
        rng, net = self.rng, self.texts.network
        joining: list[tuple[dt.date, Someone]] = []
        for someone in people:
            if someone.id not in keep and rng.random() < 0.15:
                continue
            # The committee and the mediators were members before the window opens.
            early = someone.id in keep or rng.random() < 0.8
            joined = (
                self.start - self.days(30, 6 * 365)
                if early
                else self.start + self.days(0, self.ctx.window_days - 60)
            )
            joining.append((joined, someone))
        joining.sort(key=lambda j: j[0])
        for number, (joined, someone) in enumerate(joining, start=self.ctx.base.memberships + 1):
            status, left_on, notes = MembershipStatus.ACTIVE.value, None, None
            if someone.id not in keep:
                r = rng.random()
                if r < 0.05:
                    status = MembershipStatus.INACTIVE.value
                elif r < 0.10:
                    status = MembershipStatus.LEFT.value
                    left_on = min(self.today - DAY, max(joined + self.days(90, 900), self.start))
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
                    done = min(done, self.today - DAY)
                    self.training(someone, course, done, out)

    def training(
        self,
        someone: Someone,
        course: dict[str, Any],
        done: dt.date,
        out: Batch,
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
