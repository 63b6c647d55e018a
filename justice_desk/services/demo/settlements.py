"""Settlements (§30 agreements): terms, instalments with payments, and follow-up checks."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from justice_desk.domain.enums import CaseCategory, Compliance
from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import Builder, choose
from justice_desk.services.demo.plans import MONEY_MATTERS, CasePlan
from justice_desk.storage.models import ComplianceCheck, Instalment, Settlement


class SettlementBuilder(Builder):
    def make(
        self,
        case_id: uuid.UUID,
        plan: CasePlan,
        agreed: dt.date,
        place: str | None,
        out: Batch,
    ) -> dt.date | None:
        """§30 agreement with instalments, payments and follow-up checks. Returns the day the
        case may be closed (all kept), else ``None``."""
        rng, texts = self.rng, self.texts.cases["settlement_terms"]
        settlement_id = self.uid()
        money = plan.amount is not None and plan.matter in MONEY_MATTERS
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
                amount_words=self.ctx.baht_words(total),
                count=count,
                per=f"{per:,}",
                day=day,
                first_due=self.ctx.thai_date(first_due),
            )
            if plan.category is CaseCategory.CRIMINAL:
                terms += " " + texts["criminal_clause"]
            behaviour = (
                "good"
                if plan.forced_close
                else choose(rng, (("good", 75), ("late", 15), ("default", 10)))
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
                due = add_month(due)
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
            terms = self.pick(options).format(first_due=self.ctx.thai_date(first_due))
            for offset in (30, 90):
                when = agreed + dt.timedelta(days=offset + self.randint(0, 10))
                if when > self.today:
                    break
                checks.append(
                    (
                        when,
                        choose(
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


def add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month)
