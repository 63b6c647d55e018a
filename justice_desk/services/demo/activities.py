"""Crime-prevention activities over the window."""

from __future__ import annotations

import datetime as dt

from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import Builder
from justice_desk.storage.models import Activity


class ActivitiesBuilder(Builder):
    def activities(self, count: int, out: Batch) -> None:
        rng, a = self.rng, self.texts.activities
        span = (self.today - self.start).days
        for _i in range(count):
            day = self.start + dt.timedelta(days=self.randrange(span + 1))
            moo, village = self.home_village()
            values = {"village": village, "moo": moo, "temple": self.ctx.temple(village)}
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
