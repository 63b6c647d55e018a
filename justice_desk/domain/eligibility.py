"""May a people's-sector center mediate this matter? (Dispute Mediation Act B.E. 2562)

The caps, the lists of matters and offences and every citation are data —
``justice_desk/data/mediation-rules.json``, versioned — because the Act lets Royal Decrees
(พระราชกฤษฎีกา: §20 ¶2(3)–(4), §35(2), §69(1)–(2)) change them; this module only applies them and
says why, citing section, paragraph and item, and where to refer the matter instead. The legal
sources of every entry are in ``docs/mediation-law.md``.

The law's questions, in the order ``assess`` asks them:

1. A request that is not a dispute: no mediation rule applies.
2. Civil or criminal, and which matter: until chosen, the answer is *incomplete*.
3. A criminal matter: an offender under 18 on the day of the offence makes it a case for the
   Juvenile and Family Court, which the Act does not cover (§8), whatever the offence; without
   the age (or the date of birth and the date of the offence) the answer is *incomplete* unless
   the offence is excluded anyway.
4. The matter's own answer: *yes*, *no* (§20 ¶1, §35) or *unclear* (the rules file says why).
5. A civil matter: the amount decides against the cap of a people's-sector center (§69(1),
   inclusive). A missing amount is *incomplete*; "no money value" is a separate input.
   Over the cap, a state agency may still mediate (§20 ¶2(4) up to its own cap; land and
   heirs' disputes without one, §20 ¶2(1)–(2)), and so may the court.
6. A criminal matter already with the police, the prosecutor or the court must be notified to
   them (§36): a note, not a refusal.

``assess`` never raises for incomplete input: it says what is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from justice_desk.domain.enums import CaseCategory, CaseKind, CriminalStage
from justice_desk.i18n import N_, _, language

Translate = Callable[[str], str]


class Answer(StrEnum):
    """What the rules say of one matter (the ``answer`` field of the rules file)."""

    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


class Verdict(StrEnum):
    """The outcome of an assessment."""

    NOT_APPLICABLE = "not_applicable"  # not a dispute: no mediation rule applies
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"  # the law does not settle it: the coordinator decides, warned
    INCOMPLETE = "incomplete"  # something the answer depends on is not entered yet


# -- citations ------------------------------------------------------------------------------------

_CITE = re.compile(
    r"^(?P<act>[A-Z]+) (?P<sec>\d+(?:/\d+)?(?:bis|ter)?(?:-\d+)?)"
    r"(?: ¶(?P<para>\d+))?(?:\((?P<item>\d+)\))?$"
)
_THAI_PARAGRAPH = ("หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ")
_THAI_SUFFIX = {"bis": " ทวิ", "ter": " ตรี"}


@dataclass(frozen=True)
class Citation:
    """One reference: ``DMA 20 ¶2(4)`` is the Dispute Mediation Act, section 20, paragraph 2,
    item (4); ``CC 322-324`` a range of sections; ``CC 283bis ¶4`` section 283 bis."""

    act: str
    section: str
    paragraph: int | None = None
    item: str | None = None

    @classmethod
    def parse(cls, code: str) -> Citation:
        m = _CITE.match(code)
        if m is None:
            raise ValueError(f"not a citation: {code!r}")
        return cls(m["act"], m["sec"], int(m["para"]) if m["para"] else None, m["item"] or None)

    @property
    def code(self) -> str:
        text = f"{self.act} {self.section}"
        if self.paragraph:
            text += f" ¶{self.paragraph}"
        if self.item:
            text += f"({self.item})"
        return text

    def _section_words(self, lang: str) -> str:
        first, _sep, last = self.section.partition("-")

        def one(sec: str) -> str:
            m = re.match(r"(\d+(?:/\d+)?)(bis|ter)?$", sec)
            assert m is not None
            if lang == "th":
                return m[1] + _THAI_SUFFIX.get(m[2] or "", "")
            return m[1] + (f" {m[2]}" if m[2] else "")

        if lang == "th":
            return f"มาตรา {one(first)}" + (f" ถึงมาตรา {one(last)}" if last else "")
        return f"§§{one(first)}–{one(last)}" if last else f"§{one(first)}"

    def text(self, lang: str) -> str:
        """``มาตรา 20 วรรคสอง (4)`` / ``§20 ¶2(4)`` (without the act's name)."""
        words = self._section_words(lang)
        if lang == "th":
            if self.paragraph:
                words += f" วรรค{_THAI_PARAGRAPH[self.paragraph - 1]}"
            if self.item:
                words += f" ({self.item})"
            return words
        if self.paragraph:
            words += f" ¶{self.paragraph}"
        if self.item:
            words += f"({self.item})"
        return words


@dataclass(frozen=True)
class Act:
    code: str
    labels: dict[str, str]
    main: bool = False  # the Dispute Mediation Act: named once, not in every short citation

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["th"]


def _pick(labels: dict[str, str], lang: str | None) -> str:
    return labels.get(lang or language()) or labels.get("th", "")


# -- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matter:
    code: str
    labels: dict[str, str]
    answer: Answer
    cite: tuple[str, ...] = ()
    referral: str | None = None
    note: dict[str, str] = field(default_factory=dict)
    offered: bool = True  # False: kept so that older records still read, not offered at intake
    state_agency_uncapped: bool = False  # §20 ¶2(1)–(2): a state agency has no cap for it

    @property
    def mediable(self) -> bool:
        return self.answer is Answer.YES

    def label(self, lang: str | None = None) -> str:
        return _pick(self.labels, lang)

    def note_text(self, lang: str | None = None) -> str:
        return _pick(self.note, lang) if self.note else ""


@dataclass(frozen=True)
class MediationRules:
    """One version of the rules, as loaded from configuration."""

    version: str
    source: dict[str, str]
    acts: dict[str, Act]
    civil_amount_cap_satang: int
    civil_cap_cite: tuple[str, ...]
    state_agency_cap_satang: int
    state_agency_cap_cite: tuple[str, ...]
    over_cap_referrals: tuple[str, ...]
    over_state_agency_cap_referrals: tuple[str, ...]
    adult_age: int
    juvenile_cite: tuple[str, ...]
    juvenile_referrals: tuple[str, ...]
    notice_cite: tuple[str, ...]
    referrals: dict[str, dict[str, str]]
    civil_matters: dict[str, Matter]
    criminal_offences: dict[str, Matter]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediationRules:
        def matters(items: list[dict[str, Any]]) -> dict[str, Matter]:
            return {
                m["code"]: Matter(
                    m["code"],
                    {"th": m["th"], "en": m["en"]},
                    Answer(m["answer"]),
                    tuple(m.get("cite", ())),
                    m.get("referral"),
                    dict(m.get("note", {})),
                    bool(m.get("offered", True)),
                    bool(m.get("state_agency_uncapped", False)),
                )
                for m in items
            }

        civil, criminal = data["civil"], data["criminal"]
        rules = cls(
            version=str(data["version"]),
            source=dict(data["source"]),
            acts={
                code: Act(code, {"th": a["th"], "en": a["en"]}, bool(a.get("main", False)))
                for code, a in data["acts"].items()
            },
            civil_amount_cap_satang=int(civil["cap_satang"]),
            civil_cap_cite=tuple(civil["cap_cite"]),
            state_agency_cap_satang=int(civil["state_agency_cap_satang"]),
            state_agency_cap_cite=tuple(civil["state_agency_cap_cite"]),
            over_cap_referrals=tuple(civil["over_cap_referrals"]),
            over_state_agency_cap_referrals=tuple(civil["over_state_agency_cap_referrals"]),
            adult_age=int(criminal["adult_age"]),
            juvenile_cite=tuple(criminal["juvenile_cite"]),
            juvenile_referrals=tuple(criminal["juvenile_referrals"]),
            notice_cite=tuple(criminal["notice_cite"]),
            referrals=data["referrals"],
            civil_matters=matters(data["civil_matters"]),
            criminal_offences=matters(data["criminal_offences"]),
        )
        rules.check()
        return rules

    @classmethod
    def load(cls, path: Path) -> MediationRules:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def check(self) -> None:
        """Refuse a rules file that cites an unknown act or refers to an unknown agency."""
        cites = [
            *self.civil_cap_cite,
            *self.state_agency_cap_cite,
            *self.juvenile_cite,
            *self.notice_cite,
        ]
        referrals = [
            *self.over_cap_referrals,
            *self.over_state_agency_cap_referrals,
            *self.juvenile_referrals,
        ]
        for matter in [*self.civil_matters.values(), *self.criminal_offences.values()]:
            if not matter.cite:
                raise ValueError(f"{matter.code}: cites nothing")
            if matter.answer is not Answer.YES and not matter.referral:
                raise ValueError(f"{matter.code}: says no or unclear without a referral")
            if matter.answer is Answer.UNCLEAR and not matter.note:
                raise ValueError(f"{matter.code}: unclear without saying why")
            cites.extend(matter.cite)
            if matter.referral:
                referrals.append(matter.referral)
        for code in cites:
            if Citation.parse(code).act not in self.acts:
                raise ValueError(f"{code}: unknown act")
        for code in referrals:
            if code not in self.referrals:
                raise ValueError(f"{code}: unknown referral")

    def matters_for(self, category: CaseCategory) -> dict[str, Matter]:
        """Every matter of the category, retired ones included (older records use them)."""
        if category is CaseCategory.CIVIL:
            return self.civil_matters
        if category is CaseCategory.CRIMINAL:
            return self.criminal_offences
        return {}

    def offered(self, category: CaseCategory) -> dict[str, Matter]:
        """The matters offered at intake."""
        return {c: m for c, m in self.matters_for(category).items() if m.offered}

    def referral_label(self, code: str | None, lang: str | None = None) -> str:
        if not code:
            return ""
        return _pick(self.referrals.get(code, {}), lang) or code

    def cite(self, codes: Sequence[str], lang: str | None = None, *, full: bool = False) -> str:
        """Citations as people write them. Short (the panel): ``มาตรา 35 (1) ประกอบ
        ประมวลกฎหมายอาญา มาตรา 333 วรรคหนึ่ง`` / ``§35(1) with Criminal Code §333 ¶1``; the
        Dispute Mediation Act is the context and not named. ``full`` (documents) names every act:
        ``มาตรา 35 (1) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 ประกอบมาตรา 333
        วรรคหนึ่ง แห่งประมวลกฎหมายอาญา``."""
        lang = lang or language()
        parts: list[str] = []
        previous: str | None = None
        for i, code in enumerate(codes):
            c = Citation.parse(code)
            act = self.acts[c.act]
            text = c.text(lang)
            last_of_act = i + 1 == len(codes) or Citation.parse(codes[i + 1]).act != c.act
            if lang == "th":
                if full and last_of_act:
                    text += f" แห่ง{act.label(lang)}"
                elif not full and not act.main and c.act != previous:
                    text = f"{act.label(lang)} {text}"
                joiner = "" if i == 0 else (" และ" if c.act == previous else " ประกอบ")
                parts.append(joiner + text)
            else:
                if full and last_of_act:
                    text += f" of the {act.label(lang)}"
                elif not full and not act.main and c.act != previous:
                    text = f"{act.label(lang)} {text}"
                joiner = "" if i == 0 else (", " if c.act == previous else " with ")
                parts.append(joiner + text)
            previous = c.act
        return "".join(parts)


# -- the facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What intake knows of a matter. ``amount_satang`` None with ``no_money_value`` False is
    "not entered yet"; ``no_money_value`` is "the dispute is not about money". The offender's age
    is ``offender_age`` (completed years on the day of the offence) or follows from
    ``offender_birth_date`` and ``offence_on``; a date of birth wins over a typed age."""

    kind: CaseKind
    category: CaseCategory = CaseCategory.NONE
    matter_code: str | None = None
    amount_satang: int | None = None
    no_money_value: bool = False
    offender_age: int | None = None
    offender_birth_date: dt.date | None = None
    offence_on: dt.date | None = None
    stage: CriminalStage | None = None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day``: a person is 18 from their 18th birthday (29 February
    birthdays count from 28 February in common years)."""
    years = day.year - birth.year
    try:
        birthday = birth.replace(year=day.year)
    except ValueError:  # 29 February in a common year
        birthday = dt.date(day.year, 2, 28)
    return years - (1 if day < birthday else 0)


def offender_age(facts: Facts) -> int | None:
    if facts.offender_birth_date is not None and facts.offence_on is not None:
        return age_on(facts.offender_birth_date, facts.offence_on)
    return facts.offender_age


# -- the answer ---------------------------------------------------------------------------------


class Ground(StrEnum):
    """Which question decided the answer (documents word each one their own way)."""

    NOT_A_DISPUTE = "not_a_dispute"
    CATEGORY = "category"  # civil or criminal not chosen
    MATTER = "matter"  # the matter not chosen, or its own answer
    JUVENILE = "juvenile"  # §8
    AGE = "age"  # the offender's age, or the date of the offence, missing
    AMOUNT = "amount"  # the amount missing
    OVER_CAP = "over_cap"  # §69(1)


@dataclass(frozen=True)
class Referral:
    code: str
    label: str


@dataclass(frozen=True)
class Eligibility:
    """The answer, its reason (with the citation in words), the citation codes, the suggested
    referral (the first of ``referrals``), notes the coordinator must act on, the inputs still
    missing (form field names) and the rules version that answered."""

    verdict: Verdict
    reason: str
    cites: tuple[str, ...] = ()
    citation: str = ""
    referrals: tuple[Referral, ...] = ()
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    rules_version: str = ""
    ground: Ground | None = None  # which of the law's questions decided the answer

    @property
    def mediable(self) -> bool:
        """Nothing in the rules stands in the way (a clear yes, or not a dispute)."""
        return self.verdict in (Verdict.YES, Verdict.NOT_APPLICABLE)

    @property
    def may_proceed(self) -> bool:
        """Mediation may start: a yes, or an unclear matter the coordinator was warned about."""
        return self.verdict in (Verdict.YES, Verdict.NOT_APPLICABLE, Verdict.UNCLEAR)

    @property
    def rule(self) -> str | None:
        return self.citation or None

    @property
    def referral(self) -> str | None:
        return self.referrals[0].code if self.referrals else None

    @property
    def referral_label(self) -> str:
        return self.referrals[0].label if self.referrals else ""


# Messages: marked here, translated with the caller's ``tr`` (documents print Thai).
NOT_A_DISPUTE = N_("Not a mediation: no eligibility rule applies.")
CHOOSE_CATEGORY = N_("Choose whether the dispute is civil or criminal.")
CHOOSE_MATTER = N_("Choose what the dispute is about to check whether it may be mediated.")
MATTER_YES = N_("{matter} may be mediated ({rule}).")
MATTER_NO = N_(
    "A people's-sector center may not mediate {matter} ({rule}). Refer it to {referral}."
)
MATTER_UNCLEAR = N_(
    "The law does not settle whether a people's-sector center may mediate {matter} ({rule}): "
    "{why} Ask the Provincial Justice Office before mediating, or refer it to {referral}."
)
JUVENILE = N_(
    "The offender was {age} on the day of the offence, under {adult}: the case is for the "
    "Juvenile and Family Court and the Dispute Mediation Act does not apply to it ({rule}). "
    "Refer it to {referral}."
)
NEED_AGE = N_(
    "Enter the offender's age on the day of the offence, or their date of birth and the date "
    "of the offence: the Act does not apply to an offence by someone under {adult} ({rule})."
)
NEED_OFFENCE_DATE = N_(
    "Enter the date of the offence: the offender's age on that day decides whether the Act "
    "applies ({rule})."
)
NEED_AMOUNT = N_(
    "Enter the amount in dispute, or tick “no money value” if the dispute is not about money: "
    "a people's-sector center may mediate civil disputes up to {cap} baht ({rule})."
)
OVER_CAP = N_(
    "A civil dispute over {cap} baht may not be mediated by a people's-sector center ({rule}). "
    "Refer it to {referral}."
)
OVER_CAP_STATE = N_(
    "A state agency that mediates may take it up to {state_cap} baht ({state_rule})."
)
OVER_CAP_STATE_UNCAPPED = N_(
    "A state agency that mediates may take this kind of dispute whatever its amount ({state_rule})."
)
OVER_BOTH_CAPS = N_(
    "It is also over the {state_cap} baht a state agency may mediate ({state_rule}): only the "
    "court is left."
)
NO_MONEY_NOTE = N_(
    "No money value: the cap of {rule} counts money in dispute, so a dispute without any is not "
    "over it; the Act does not say so in words."
)
ASK_STAGE = N_(
    "Ask whether the matter is already with the police, the public prosecutor or the court: if "
    "it is, they must be told of the mediation ({rule})."
)
NOTICE = N_(
    "The matter is already with {authority}: they must be told that it is being mediated, and "
    "may wait for the result; for a people's-sector center the Rights and Liberties Protection "
    "Department, which supervises it, gives the notice. When the mediation ends, they must be "
    "told the result, with a copy of the agreement if the parties settle ({rule})."
)
OR_REFERRAL = N_("Other possible referral: {referral}.")

_AUTHORITY = {
    CriminalStage.POLICE: N_("the inquiry officer"),
    CriminalStage.PROSECUTOR: N_("the public prosecutor"),
    CriminalStage.COURT: N_("the court"),
}


def baht(satang: int) -> str:
    baht_, rest = divmod(satang, 100)
    return f"{baht_:,}" if rest == 0 else f"{baht_:,}.{rest:02d}"


def assess(
    rules: MediationRules,
    facts: Facts,
    *,
    tr: Translate = _,
    lang: str | None = None,
) -> Eligibility:
    """Assess a matter at intake; never raises for incomplete input (it says what is missing).
    ``tr`` and ``lang`` choose the language of the answer (documents pass the Thai catalog)."""
    lang = lang or language()
    v = rules.version

    def refs(codes: Sequence[str]) -> tuple[Referral, ...]:
        return tuple(Referral(c, rules.referral_label(c, lang)) for c in codes)

    def cite(codes: Sequence[str]) -> str:
        return rules.cite(codes, lang)

    if facts.kind is not CaseKind.DISPUTE:
        return Eligibility(
            Verdict.NOT_APPLICABLE, tr(NOT_A_DISPUTE), rules_version=v, ground=Ground.NOT_A_DISPUTE
        )
    if facts.category is CaseCategory.NONE:
        return Eligibility(
            Verdict.INCOMPLETE,
            tr(CHOOSE_CATEGORY),
            missing=("category",),
            rules_version=v,
            ground=Ground.CATEGORY,
        )
    matter = rules.matters_for(facts.category).get(facts.matter_code or "")
    if matter is None:
        return Eligibility(
            Verdict.INCOMPLETE,
            tr(CHOOSE_MATTER),
            missing=("matter_code",),
            rules_version=v,
            ground=Ground.MATTER,
        )
    label = matter.label(lang)
    notes: list[str] = []

    if facts.category is CaseCategory.CRIMINAL:
        juvenile = cite(rules.juvenile_cite)
        age = offender_age(facts)
        if age is not None and age < rules.adult_age:
            to = refs(rules.juvenile_referrals)
            return Eligibility(
                Verdict.NO,
                tr(JUVENILE).format(
                    age=age, adult=rules.adult_age, rule=juvenile, referral=to[0].label
                ),
                rules.juvenile_cite,
                juvenile,
                to,
                rules_version=v,
                ground=Ground.JUVENILE,
            )
        if age is None and matter.answer is not Answer.NO:
            if facts.offender_birth_date is not None:
                return Eligibility(
                    Verdict.INCOMPLETE,
                    tr(NEED_OFFENCE_DATE).format(rule=juvenile),
                    rules.juvenile_cite,
                    juvenile,
                    missing=("incident_on",),
                    rules_version=v,
                    ground=Ground.AGE,
                )
            return Eligibility(
                Verdict.INCOMPLETE,
                tr(NEED_AGE).format(adult=rules.adult_age, rule=juvenile),
                rules.juvenile_cite,
                juvenile,
                missing=("offender_age",),
                rules_version=v,
                ground=Ground.AGE,
            )
        if matter.answer is not Answer.NO:
            notice = cite(rules.notice_cite)
            if facts.stage is None:
                notes.append(tr(ASK_STAGE).format(rule=notice))
            elif facts.stage is not CriminalStage.NONE:
                notes.append(tr(NOTICE).format(authority=tr(_AUTHORITY[facts.stage]), rule=notice))

    rule = cite(matter.cite)
    if matter.answer is Answer.NO:
        to = refs([matter.referral or ""])
        note = matter.note_text(lang)
        return Eligibility(
            Verdict.NO,
            tr(MATTER_NO).format(matter=label, rule=rule, referral=to[0].label),
            matter.cite,
            rule,
            to,
            (note,) if note else (),
            rules_version=v,
            ground=Ground.MATTER,
        )

    if facts.category is CaseCategory.CIVIL:
        cap_rule = cite(rules.civil_cap_cite)
        cap = rules.civil_amount_cap_satang
        if facts.amount_satang is None and not facts.no_money_value:
            return Eligibility(
                Verdict.INCOMPLETE,
                tr(NEED_AMOUNT).format(cap=baht(cap), rule=cap_rule),
                rules.civil_cap_cite,
                cap_rule,
                missing=("amount_satang",),
                rules_version=v,
                ground=Ground.AMOUNT,
            )
        if facts.amount_satang is not None and facts.amount_satang > cap:
            return _over_cap(rules, matter, facts.amount_satang, tr, lang)
        if facts.amount_satang is None:
            notes.append(tr(NO_MONEY_NOTE).format(rule=cap_rule))

    if matter.answer is Answer.UNCLEAR:
        to = refs([matter.referral or ""])
        return Eligibility(
            Verdict.UNCLEAR,
            tr(MATTER_UNCLEAR).format(
                matter=label, rule=rule, why=matter.note_text(lang), referral=to[0].label
            ),
            matter.cite,
            rule,
            to,
            tuple(notes),
            rules_version=v,
            ground=Ground.MATTER,
        )
    note = matter.note_text(lang)
    return Eligibility(
        Verdict.YES,
        tr(MATTER_YES).format(matter=_capitalised(label, lang), rule=rule),
        matter.cite,
        rule,
        (),
        ((note,) if note else ()) + tuple(notes),
        rules_version=v,
        ground=Ground.MATTER,
    )


def _capitalised(text: str, lang: str) -> str:
    return text[:1].upper() + text[1:] if lang == "en" else text


def _over_cap(
    rules: MediationRules, matter: Matter, amount: int, tr: Translate, lang: str
) -> Eligibility:
    """Over the people's-sector cap (§69(1)): the state-agency route (§20 ¶2) and the court."""
    cap_rule = rules.cite(rules.civil_cap_cite, lang)
    state_cites = [c for c in matter.cite if c.startswith("DMA 20 ¶2")]
    uncapped = matter.state_agency_uncapped
    within_state = uncapped or amount <= rules.state_agency_cap_satang
    codes = rules.over_cap_referrals if within_state else rules.over_state_agency_cap_referrals
    referrals = tuple(Referral(c, rules.referral_label(c, lang)) for c in codes)
    reason = tr(OVER_CAP).format(
        cap=baht(rules.civil_amount_cap_satang), rule=cap_rule, referral=referrals[0].label
    )
    state_rule = rules.cite(state_cites if uncapped else rules.state_agency_cap_cite, lang)
    if uncapped:
        reason += " " + tr(OVER_CAP_STATE_UNCAPPED).format(state_rule=state_rule)
    elif within_state:
        reason += " " + tr(OVER_CAP_STATE).format(
            state_cap=baht(rules.state_agency_cap_satang), state_rule=state_rule
        )
    else:
        reason += " " + tr(OVER_BOTH_CAPS).format(
            state_cap=baht(rules.state_agency_cap_satang), state_rule=state_rule
        )
    cites = tuple(rules.civil_cap_cite) + tuple(
        state_cites if uncapped else rules.state_agency_cap_cite
    )
    notes = tuple(tr(OR_REFERRAL).format(referral=r.label) for r in referrals[1:])
    return Eligibility(
        Verdict.NO,
        reason,
        cites,
        rules.cite(cites, lang),
        referrals,
        notes,
        rules_version=rules.version,
        ground=Ground.OVER_CAP,
    )
