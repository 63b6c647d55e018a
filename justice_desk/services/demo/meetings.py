"""Meetings of the committee: dates, numbers, attendance, the standard agenda with resolutions and
votes, and the minutes adopted at the next meeting (frozen copies, as ``services.meetings`` makes
them)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.dates import be_year, fiscal_year_be
from justice_desk.domain.enums import Attendance, CaseKind, CommitteePosition, MeetingStatus
from justice_desk.domain.meetings import Line, Quorum, count_quorum
from justice_desk.domain.numbering import format_meeting_number
from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import DAY, Builder, DemoContext, Seat, Someone
from justice_desk.services.demo.people import PeopleBuilder
from justice_desk.services.demo.plans import CasePlan
from justice_desk.storage import demo_queries
from justice_desk.storage.models import AgendaItem, Meeting, MeetingAttendance, MinutesVersion


class MeetingsBuilder(Builder):
    def __init__(self, ctx: DemoContext, people: PeopleBuilder) -> None:
        super().__init__(ctx)
        self.people = people  # guests at a meeting are people too

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
                day -= DAY
            if dates and day <= dates[-1] and held <= span // 2:
                day = dates[-1] + DAY
                while day.weekday() >= 5:
                    day += DAY
            dates.append(min(day, last))
        planned = self.today + self.days(7, 14)
        while planned.weekday() >= 5:
            planned += DAY
        dates.append(planned)
        return dates

    def meetings(
        self,
        count: int,
        seats: list[Seat],
        substitutes: list[Someone],
        stats: Stats,
        on_record: list[demo_queries.MeetingOnRecord],
        numbers: dict[int, int],
        out: Batch,
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
            roster = [s for s in seats if s.on(day)] or latest_roster(seats, day)
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
        roster: list[Seat],
        substitutes: list[Someone],
        status: MeetingStatus,
        out: Batch,
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
        q = quorum_of(lines)
        for ln in lines:
            if q.met or status is MeetingStatus.DRAFT:
                break
            if (
                ln["attendance"] == Attendance.ABSENT.value
                and ln["position"] != CommitteePosition.ADVISER.value
                and not any(e["substitute_for_id"] == ln["person_id"] for e in extra)
            ):
                ln["attendance"], ln["absence_reason"] = Attendance.PRESENT.value, None
                q = quorum_of(lines)
        if status is not MeetingStatus.DRAFT:
            for label in rng.sample(m["guests"], self.pick((0, 1, 1, 2))):
                row, someone = self.people.person(min_age=28, max_age=58, register=False)
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
        stats: Stats,
        village: str,
        moo: str,
        out: Batch,
    ) -> list[dict[str, Any]]:
        rng, m = self.rng, self.texts.meetings
        titles = m["agenda_titles"]
        items = m["items"]
        prev_label = previous[0] if previous else "..."
        rows: list[dict[str, Any]] = []
        since = previous[1] if previous else self.start
        counts = stats.between(since, day)
        voters = quorum_of(attendance).voters
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
                    "previous_date": self.ctx.thai_date(previous[1], weekday=True)
                    if previous
                    else "",
                    "next_date": self.ctx.thai_date(next_day, weekday=True) if next_day else "",
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
        out: Batch,
    ) -> None:
        """A frozen copy of the minutes as adopted, shaped like ``services.meetings`` snapshots."""
        row = detail["row"]
        attendance = detail["attendance"]
        q = quorum_of(attendance)
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


@dataclass
class Stats:
    """What happened between two meetings, from the case plans (for item 3 of the agenda)."""

    received: list[dt.date]
    disputes: list[dt.date]
    settled: list[dt.date]
    referred: list[dt.date]

    @classmethod
    def of(cls, plans: Sequence[CasePlan]) -> Stats:
        received = sorted(p.received_on for p in plans)
        disputes = sorted(p.received_on for p in plans if p.kind is CaseKind.DISPUTE)
        settled = sorted(d for p in plans for a, d in p.steps if a is CaseAction.SETTLE)
        referred = sorted(d for p in plans for a, d in p.steps if a is CaseAction.REFER)
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


def quorum_of(lines: Sequence[dict[str, Any]]) -> Quorum:
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


def latest_roster(seats: list[Seat], day: dt.date) -> list[Seat]:
    """No seat covers ``day`` (existing terms of another period): use the nearest term's seats."""
    if not seats:
        return []
    nearest = min(seats, key=lambda s: abs((s.starts_on - day).days))
    return [s for s in seats if s.starts_on == nearest.starts_on or s.on(nearest.starts_on)]
