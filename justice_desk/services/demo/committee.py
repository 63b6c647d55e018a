"""The committee (one or two terms with their seats) and the registered mediators."""

from __future__ import annotations

import datetime as dt
import uuid

from justice_desk.domain.dates import add_years, be_year
from justice_desk.domain.enums import CommitteePosition, MediatorStatus
from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import (
    DAY,
    Builder,
    DemoContext,
    Registration,
    Seat,
    Someone,
)
from justice_desk.services.demo.people import PeopleBuilder
from justice_desk.storage.models import CommitteePositionRow, CommitteeTerm, Mediator


class CommitteeBuilder(Builder):
    def __init__(self, ctx: DemoContext, people: PeopleBuilder) -> None:
        super().__init__(ctx)
        self.people = people  # mediators' courses are the people builder's trainings

    def committee(self, people: list[Someone], out: Batch) -> list[Seat]:
        """One or two terms of the committee with a full roster (and one resignation); a small
        register fills the first positions only."""
        rng, labels = self.rng, self.texts.meetings
        monk = self.ctx.monk
        others = [p for p in people if p is not monk]
        seats: list[Seat] = []
        starts = self.start - self.days(90, 300)
        previous: list[Someone] = []
        term_no = 0
        while starts <= self.today:
            term_no += 1
            ends = add_years(starts, 2) - DAY
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
                        term_id, replacement, position, seat_end + DAY, None, ends, seats, out
                    )
                self._seat(term_id, someone, position, starts, seat_end, ends, seats, out)
            previous = members
            starts = ends + DAY
            if term_no == 2:
                break
        return seats

    def _seat(
        self,
        term_id: uuid.UUID,
        someone: Someone,
        position: CommitteePosition,
        starts: dt.date,
        ends: dt.date | None,
        term_ends: dt.date,
        seats: list[Seat],
        out: Batch,
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
        seats.append(Seat(someone, position, starts, ends or term_ends))

    def mediators(self, people: list[Someone], seats: list[Seat], out: Batch) -> list[Registration]:
        """Registered mediators, committee members first. A registration lasts two years and is
        renewed; one mediator lets it lapse and one is suspended, to show those states."""
        rng, net = self.rng, self.texts.network
        courses = {c["course"]: c for c in net["courses"]}
        seated = {s.person.id for s in seats if s.position is not CommitteePosition.ADVISER}
        candidates = [p for p in people if p.id in seated] + [
            p for p in people if p.id not in seated and p is not self.ctx.monk
        ]
        count = min(len(candidates), max(3, min(25, round(len(people) * 0.15))))
        planned: list[tuple[dt.date, dt.date, str, Someone]] = []
        for i, someone in enumerate(candidates[:count]):
            issued = self.start - self.days(30, 700)
            course = courses[net["mediator_course"]]
            self.people.training(someone, course, issued - self.days(20, 120), out)
            while True:
                expires = add_years(issued, 2) - DAY
                renew = expires <= self.today + dt.timedelta(days=30) and i != count - 2
                status = MediatorStatus.ACTIVE.value
                if i == count - 1 and not renew and count > 3:
                    status = MediatorStatus.SUSPENDED.value
                planned.append((issued, expires, status, someone))
                if not renew:
                    break
                if rng.random() < 0.5:
                    course = courses[net["refresher_course"]]
                    self.people.training(someone, course, expires - self.days(40, 90), out)
                issued = min(self.today, expires - self.days(0, 30))
        # Registration numbers run in order of issue.
        planned.sort(key=lambda p: p[0])
        registrations: list[Registration] = []
        for number, (issued, expires, status, someone) in enumerate(
            planned, start=self.ctx.base.mediators + 1
        ):
            reg = Registration(self.uid(), someone, issued, expires, status)
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
