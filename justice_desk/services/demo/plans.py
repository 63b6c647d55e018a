"""Case plans: every case's kind, matter, amount and dated steps, decided before any row is made.

The plans come first because the meetings report on them (agenda item 3) and the case rows follow
them; the steps are actions of ``domain.case_flow``, so a case's status is what they add up to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.enums import CaseCategory, CaseKind
from justice_desk.services.demo.context import Builder, DemoContext, Picker, choose

A = CaseAction


@dataclass(slots=True)
class CasePlan:
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
_OVER_CAP_BAHT = (600_000, 750_000, 900_000, 1_200_000)
MONEY_MATTERS = frozenset(
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


class CasePlanner(Builder):
    def __init__(self, ctx: DemoContext) -> None:
        super().__init__(ctx)
        self._kinds = Picker(_KIND_WEIGHTS)
        self._civil = Picker(_CIVIL_WEIGHTS)
        self._criminal = Picker(_CRIMINAL_WEIGHTS)

    def plans(self, count: int) -> list[CasePlan]:
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

    def plan(self, received: dt.date, scenario: dict[str, Any] | None) -> CasePlan:
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
                        wants_money is not None and (matter in MONEY_MATTERS) != wants_money
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
        plan = CasePlan(
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
        return str(choose(self.rng, options))

    def _dispute_steps(self, plan: CasePlan, path: list[str]) -> None:
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
        count = choose(rng, ((1, 35), (2, 40), (3, 18), (4, 7))) if outcome != "escalate" else 1
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

    def _dispute_referral(self, plan: CasePlan) -> tuple[str, str]:
        code = "court" if plan.category is CaseCategory.CIVIL else self.pick(("police", "court"))
        return code, self.rules.referrals[code]["th"]

    def _help_steps(self, plan: CasePlan, path: list[str]) -> None:
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

    def _help_end(self, plan: CasePlan, what: str, day: dt.date) -> None:
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

    def _maybe_close(self, plan: CasePlan, chance: float) -> None:
        last = plan.steps[-1][1]
        if plan.forced_close is True or (plan.forced_close is None and self.rng.random() < chance):
            plan.steps.append((A.CLOSE, last + self.days(7, 60)))
