"""Case rows from the plans: the case, its parties, mediators, sessions and events (the status is
what the events add up to), with the settlement made by :mod:`.settlements`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from justice_desk.domain import case_flow
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.dates import be_year
from justice_desk.domain.eligibility import Eligibility, Facts, assess
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, CriminalStage, PartySide
from justice_desk.services.demo.batch import Batch
from justice_desk.services.demo.context import Builder, DemoContext, Picker, Registration, Someone
from justice_desk.services.demo.plans import CasePlan
from justice_desk.services.demo.settlements import SettlementBuilder
from justice_desk.storage.models import Case, CaseEvent, CaseMediator, CaseParty, CaseSession

A = CaseAction
S = CaseStatus
# Plain-str codes: enum members' .value is slow in tight loops, and sqlite3 probes str
# subclasses for adaptation on every bind.
_CODE: dict[Any, str] = {m: str(m.value) for enum in (CaseAction, CaseStatus) for m in enum}
_APPLICANT, _RESPONDENT, _OTHER = (
    str(s.value) for s in (PartySide.APPLICANT, PartySide.RESPONDENT, PartySide.OTHER)
)
_CHANNEL_WEIGHTS = (
    ("walk_in", 45),
    ("phone", 12),
    ("letter", 10),
    ("line", 15),
    ("outreach", 10),
    ("referral_in", 8),
)
_OUTCOME_STATUSES = frozenset(
    {S.SETTLED, S.WITHDRAWN, S.TERMINATED, S.DISMISSED, S.COMPLETED, S.REFERRED, S.ESCALATED}
)


class CaseBuilder(Builder):
    def __init__(self, ctx: DemoContext, settlements: SettlementBuilder) -> None:
        super().__init__(ctx)
        self.settlements = settlements
        self._channels = Picker(_CHANNEL_WEIGHTS)
        self._eligibility: dict[tuple[Any, ...], Eligibility] = {}
        self._fmt_cache: dict[tuple[str, int | None], str] = {}
        self._registrations_on: dict[dt.date, list[Registration]] = {}
        #: Certificates of settlement issued so far per BE year.
        self.certificates: Counter[int] = Counter()

    def case_rows(
        self,
        plans: Sequence[CasePlan],
        pool: list[Someone],
        registrations: list[Registration],
        staff: list[Someone],
        out: Batch,
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
            sides: list[tuple[Someone, str]] = [(self._party(pool, chosen), _APPLICANT)]
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
                picked: list[Registration] = []
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
                closed_on = self.settlements.make(case_id, plan, settlement_on, session_place, out)
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

    def _party(self, pool: list[Someone], chosen: set[int]) -> Someone:
        """Someone from the population who is not already a party to this case."""
        while True:
            j = self.randrange(len(pool))
            if j not in chosen:
                chosen.add(j)
                return pool[j]

    def _valid_registrations(
        self, registrations: list[Registration], day: dt.date
    ) -> list[Registration]:
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
    def _offender_age(plan: CasePlan, number: int) -> int | None:
        """Drawn from the case number, not the generator: the other data stays as it was."""
        if plan.kind is not CaseKind.DISPUTE or plan.category is not CaseCategory.CRIMINAL:
            return None
        return 16 if plan.matter == "juvenile_family" else 19 + (number * 7) % 50

    def _assess(self, plan: CasePlan) -> Eligibility:
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
