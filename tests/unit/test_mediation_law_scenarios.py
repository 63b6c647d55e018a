"""The mediation-law engine, from the law's side: a matter as a villager tells it, the answer the
Dispute Mediation Act B.E. 2562 (and the Criminal Code) gives for a people's-sector center, and
the section it rests on. Sources and reasoning: docs/mediation-law.md.

Each scenario is written without looking at the rules file: if the file and the law part ways,
these fail. ``cites`` must all be among the answer's citation codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from justice_desk import i18n
from justice_desk.config import mediation_rules
from justice_desk.domain.eligibility import Citation, Facts, Verdict, assess
from justice_desk.domain.enums import CaseCategory, CaseKind, CriminalStage

RULES = mediation_rules()
CIVIL, CRIMINAL = CaseCategory.CIVIL, CaseCategory.CRIMINAL
BAHT = 100  # satang
ADULT = 35


@dataclass(frozen=True)
class Scenario:
    story: str
    facts: Facts
    verdict: Verdict
    cites: tuple[str, ...]
    referral: str | None = None


def civil(matter: str, baht: int | None = None, *, no_money: bool = False) -> Facts:
    return Facts(
        CaseKind.DISPUTE,
        CIVIL,
        matter,
        None if baht is None else baht * BAHT,
        no_money_value=no_money,
    )


def criminal(
    offence: str,
    age: int | None = ADULT,
    *,
    stage: CriminalStage | None = CriminalStage.NONE,
    born: dt.date | None = None,
    on: dt.date | None = None,
) -> Facts:
    return Facts(
        CaseKind.DISPUTE,
        CRIMINAL,
        offence,
        offender_age=age,
        offender_birth_date=born,
        offence_on=on,
        stage=stage,
    )


YES, NO, UNCLEAR, INCOMPLETE = Verdict.YES, Verdict.NO, Verdict.UNCLEAR, Verdict.INCOMPLETE

SCENARIOS = [
    # -- civil disputes: §69(1) and §20 ---------------------------------------------------------
    Scenario(
        "A neighbour lent 20,000 baht and was never paid back",
        civil("debt", 20_000),
        YES,
        ("DMA 69(1)",),
    ),
    Scenario(
        "A loan of exactly 500,000 baht: the cap is 'not over'",
        civil("debt", 500_000),
        YES,
        ("DMA 69(1)",),
    ),
    Scenario(
        "A loan of 500,000.01 baht: over the people's-sector cap; a state agency may take it",
        Facts(CaseKind.DISPUTE, CIVIL, "debt", 50_000_001),
        NO,
        ("DMA 69(1)", "DMA 20 ¶2(4)"),
        "state_agency",
    ),
    Scenario(
        "A builder claims 800,000 baht for a house: a state agency up to 5 million, or the court",
        civil("contract", 800_000),
        NO,
        ("DMA 69(1)", "DMA 20 ¶2(4)"),
        "state_agency",
    ),
    Scenario(
        "A claim of exactly 5,000,000 baht is still within the state agencies' cap",
        civil("damages", 5_000_000),
        NO,
        ("DMA 69(1)", "DMA 20 ¶2(4)"),
        "state_agency",
    ),
    Scenario(
        "A claim of 6,000,000 baht: over both caps, only the court is left",
        civil("damages", 6_000_000),
        NO,
        ("DMA 69(1)", "DMA 20 ¶2(4)"),
        "court",
    ),
    Scenario(
        "Three brothers quarrel over dividing their late mother's rice field worth 300,000 baht",
        civil("inheritance", 300_000),
        YES,
        ("DMA 20 ¶2(2)", "DMA 69(1)"),
    ),
    Scenario(
        "Heirs disputing an estate of 8 million: too big for the village, a state agency has no "
        "cap for heirs (§20 ¶2(2))",
        civil("inheritance", 8_000_000),
        NO,
        ("DMA 69(1)", "DMA 20 ¶2(2)"),
        "state_agency",
    ),
    Scenario(
        "A farmer blocks the path his neighbour has always used to reach her field (no money)",
        civil("land_use", no_money=True),
        YES,
        ("DMA 20 ¶2(1)", "DMA 69(1)"),
    ),
    Scenario(
        "Loud karaoke every night next door: a dispute not about money",
        civil("neighbour", no_money=True),
        YES,
        ("DMA 69(1)",),
    ),
    Scenario(
        "Who owns the plot behind the temple: ownership of land is excluded",
        civil("immovable_ownership", 100_000),
        NO,
        ("DMA 20 ¶1",),
        "land_office",
    ),
    Scenario(
        "A couple wants the center to settle their divorce and custody of the children",
        civil("family_rights", no_money=True),
        NO,
        ("DMA 20 ¶1",),
        "family_court",
    ),
    Scenario(
        "A man asks the center to declare that he is the son of the late village head",
        civil("personal_status"),
        NO,
        ("DMA 20 ¶1",),
        "district_office",
    ),
    Scenario(
        "A loan dispute whose amount nobody has entered yet: the law needs it before answering",
        civil("debt"),
        INCOMPLETE,
        ("DMA 69(1)",),
    ),
    # -- unclear areas: said so, never guessed --------------------------------------------------
    Scenario(
        "Two neighbours argue where the boundary between their plots runs",
        civil("land_boundary", no_money=True),
        UNCLEAR,
        ("DMA 20 ¶1", "DMA 20 ¶2(1)"),
        "land_office",
    ),
    Scenario(
        "A mother claims child maintenance from her former husband, 3,000 baht a month",
        civil("maintenance", 36_000),
        UNCLEAR,
        ("DMA 20 ¶1",),
        "family_court",
    ),
    Scenario(
        "A shopkeeper's cheque of 40,000 baht bounced",
        criminal("cheque"),
        UNCLEAR,
        ("DMA 35(1)", "CHQ 5"),
        "police",
    ),
    Scenario(
        "An indecent act between adults, reported to the center",
        criminal("sexual_offence"),
        UNCLEAR,
        ("DMA 35(1)", "CC 281"),
        "police",
    ),
    # -- criminal disputes: §35(1) compoundable offences ---------------------------------------
    Scenario(
        "A villager posts on LINE that the headman's wife steals from the temple",
        criminal("defamation"),
        YES,
        ("DMA 35(1)", "CC 333 ¶1"),
    ),
    Scenario(
        "A seller took 8,000 baht for a phone and never delivered it",
        criminal("simple_fraud"),
        YES,
        ("DMA 35(1)", "CC 348"),
    ),
    Scenario(
        "A 'gold savings' scheme cheated the whole village: fraud on the public is excluded",
        criminal("public_fraud"),
        NO,
        ("DMA 35", "CC 348"),
        "police",
    ),
    Scenario(
        "A worker kept the cooperative's fertiliser money he was given to pay the supplier",
        criminal("embezzlement"),
        YES,
        ("DMA 35(1)", "CC 356"),
    ),
    Scenario(
        "A debtor transfers his pickup to his cousin so the lender cannot seize it",
        criminal("cheating_creditors"),
        YES,
        ("DMA 35(1)", "CC 351"),
    ),
    Scenario(
        "A man threatens his neighbour's reputation unless she withdraws her complaint",
        criminal("coercion"),
        YES,
        ("DMA 35(1)", "CC 321"),
    ),
    Scenario(
        "A landlord locks a tenant in the room overnight over unpaid rent",
        criminal("confinement"),
        YES,
        ("DMA 35(1)", "CC 321"),
    ),
    Scenario(
        "Coercion by five men with knives: the aggravated forms are not compoundable",
        criminal("aggravated_coercion"),
        NO,
        ("DMA 35", "CC 321"),
        "police",
    ),
    Scenario(
        "The village health volunteer told others about a patient's illness",
        criminal("secrets"),
        YES,
        ("DMA 35(1)", "CC 325"),
    ),
    Scenario(
        "A son takes his father's motorbike and sells it",
        criminal("family_property"),
        YES,
        ("DMA 35(1)", "CC 71 ¶2"),
    ),
    Scenario(
        "A neighbour (not a relative) takes a motorbike: theft is not compoundable",
        criminal("theft"),
        NO,
        ("DMA 35",),
        "police",
    ),
    Scenario(
        "Goats broke a neighbour's fence and the owner smashed the goat-keeper's water jars",
        criminal("property_damage"),
        YES,
        ("DMA 35(1)", "CC 361"),
    ),
    Scenario(
        "Youths smash the village's public bus shelter: public-use property is excluded",
        criminal("public_property_damage"),
        NO,
        ("DMA 35", "CC 361"),
        "police",
    ),
    Scenario(
        "A man walks into a neighbour's house uninvited and refuses to leave",
        criminal("trespass"),
        YES,
        ("DMA 35(1)", "CC 366"),
    ),
    Scenario(
        "Two men break into a house at night: aggravated trespass (§365) is excluded",
        criminal("aggravated_trespass"),
        NO,
        ("DMA 35", "CC 366"),
        "police",
    ),
    # -- §35(2) petty offences ------------------------------------------------------------------
    Scenario(
        "A slap at the market that left no mark",
        criminal("petty_assault"),
        YES,
        ("DMA 35(2)", "CC 391"),
    ),
    Scenario(
        "A punch that broke a tooth: harm to the body, not petty",
        criminal("bodily_harm"),
        NO,
        ("DMA 35",),
        "police",
    ),
    Scenario(
        "A drunk neighbour shouts that he will burn the house down",
        criminal("petty_threat"),
        YES,
        ("DMA 35(2)", "CC 392"),
    ),
    Scenario(
        "A vendor calls a customer a buffalo to her face",
        criminal("petty_insult"),
        YES,
        ("DMA 35(2)", "CC 393"),
    ),
    Scenario(
        "A herder lets his cows into a neighbour's planted rice field",
        criminal("petty_animals"),
        YES,
        ("DMA 35(2)", "CC 394", "CC 395"),
    ),
    Scenario(
        "A cyclist knocks over an old woman by carelessness, bruising her",
        criminal("petty_negligent_harm"),
        YES,
        ("DMA 35(2)", "CC 390"),
    ),
    Scenario(
        "Teenagers keep mocking and shoving a disabled man in the street",
        criminal("petty_harassment"),
        YES,
        ("DMA 35(2)", "CC 397"),
    ),
    Scenario(
        "Selling yaba pills: narcotics are never mediable here",
        criminal("drugs"),
        NO,
        ("DMA 35",),
        "police",
    ),
    Scenario(
        "Felling teak in the reserved forest: an offence no law makes compoundable",
        criminal("other_criminal"),
        NO,
        ("DMA 35",),
        "police",
    ),
    Scenario(
        "Another offence whose section says it is compoundable (ความผิดอันยอมความได้)",
        criminal("other_compoundable"),
        YES,
        ("DMA 35(1)",),
    ),
    Scenario(
        "An old record that chose 'juvenile court matter' as the offence still reads as §8",
        criminal("juvenile_family"),
        NO,
        ("DMA 8",),
        "family_court",
    ),
    # -- §8: juveniles, whatever the offence ----------------------------------------------------
    Scenario(
        "A 16-year-old defames a classmate on Facebook",
        criminal("defamation", 16),
        NO,
        ("DMA 8", "JFC 5", "JFC 10(1)"),
        "family_court",
    ),
    Scenario(
        "A 17-year-old walks into a neighbour's garden (trespass)",
        criminal("trespass", 17),
        NO,
        ("DMA 8",),
        "family_court",
    ),
    Scenario(
        "Born 15 March 2008, offence on 14 March 2026: one day short of 18",
        criminal("petty_assault", None, born=dt.date(2008, 3, 15), on=dt.date(2026, 3, 14)),
        NO,
        ("DMA 8",),
        "family_court",
    ),
    Scenario(
        "Born 15 March 2008, offence on 15 March 2026: 18 that day, the Act applies",
        criminal("petty_assault", None, born=dt.date(2008, 3, 15), on=dt.date(2026, 3, 15)),
        YES,
        ("DMA 35(2)", "CC 391"),
    ),
    Scenario(
        "Defamation, and nobody has asked how old the offender is",
        criminal("defamation", None),
        INCOMPLETE,
        ("DMA 8",),
    ),
    Scenario(
        "The offender's date of birth is known but not the date of the offence",
        criminal("defamation", None, born=dt.date(1990, 1, 1)),
        INCOMPLETE,
        ("DMA 8",),
    ),
    Scenario(
        "Theft with the age unknown: excluded by §35 whatever the age",
        criminal("theft", None),
        NO,
        ("DMA 35",),
        "police",
    ),
    # -- §36: already with the police, the prosecutor or the court ------------------------------
    Scenario(
        "A defamation complaint already lodged at the police station: mediable, with notice",
        criminal("defamation", stage=CriminalStage.POLICE),
        YES,
        ("DMA 35(1)",),
    ),
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.story for s in SCENARIOS])
def test_the_law_answers(scenario: Scenario) -> None:
    result = assess(RULES, scenario.facts)
    assert result.verdict is scenario.verdict, result.reason
    for code in scenario.cites:
        assert code in result.cites, (code, result.cites)
    assert result.citation
    for code in result.cites:  # every section it rests on is named in the sentence shown
        assert Citation.parse(code).text("en") in result.reason, code
    if scenario.referral is not None:
        assert result.referral == scenario.referral
        assert result.referral_label in result.reason
    if scenario.verdict is Verdict.YES:
        assert result.mediable and result.may_proceed and not result.referrals
    if scenario.verdict is Verdict.NO:
        assert not result.mediable and not result.may_proceed and result.referrals
    if scenario.verdict is Verdict.UNCLEAR:
        assert not result.mediable and result.may_proceed
        assert "does not settle" in result.reason
    if scenario.verdict is Verdict.INCOMPLETE:
        assert not result.may_proceed and result.missing and not result.referrals
    assert result.rules_version == RULES.version


def test_there_are_at_least_thirty_scenarios_covering_every_answer() -> None:
    assert len(SCENARIOS) >= 30
    assert {s.verdict for s in SCENARIOS} == {YES, NO, UNCLEAR, INCOMPLETE}


def test_every_exclusion_in_the_rules_has_a_scenario() -> None:
    """Each matter the rules exclude or leave unclear is tried by a scenario above."""
    tried = {s.facts.matter_code for s in SCENARIOS}
    for category in (CIVIL, CRIMINAL):
        for code, matter in RULES.offered(category).items():
            if matter.answer.value != "yes":
                assert code in tried, code


def test_over_the_cap_offers_the_state_agency_and_the_court() -> None:
    result = assess(RULES, civil("debt", 800_000))
    assert [r.code for r in result.referrals] == ["state_agency", "court"]
    assert "5,000,000 baht" in result.reason and "§20 ¶2(4)" in result.reason
    assert any("court" in note for note in result.notes)


def test_a_missing_amount_asks_and_no_money_value_is_a_different_answer() -> None:
    missing = assess(RULES, civil("neighbour"))
    assert missing.verdict is Verdict.INCOMPLETE and missing.missing == ("amount_satang",)
    assert "no money value" in missing.reason
    none = assess(RULES, civil("neighbour", no_money=True))
    assert none.verdict is Verdict.YES
    assert any("No money value" in note for note in none.notes)
    zero = assess(RULES, civil("neighbour", 0))
    assert zero.verdict is Verdict.YES and not zero.notes


def test_the_amount_does_not_matter_for_an_offence() -> None:
    facts = Facts(CaseKind.DISPUTE, CRIMINAL, "simple_fraud", 900_000_000, offender_age=40)
    assert assess(RULES, facts).verdict is Verdict.YES


@pytest.mark.parametrize(
    ("stage", "who"),
    [
        (CriminalStage.POLICE, "the inquiry officer"),
        (CriminalStage.PROSECUTOR, "the public prosecutor"),
        (CriminalStage.COURT, "the court"),
    ],
)
def test_a_matter_already_with_the_authorities_carries_the_section_36_notice(
    stage: CriminalStage, who: str
) -> None:
    result = assess(RULES, criminal("trespass", stage=stage))
    assert result.verdict is Verdict.YES
    (notice,) = result.notes
    assert who in notice and "(§36)" in notice
    assert "Rights and Liberties Protection Department" in notice
    assert "copy of the agreement" in notice


def test_not_asked_yet_is_a_reminder_and_not_with_anyone_is_silent() -> None:
    asked = assess(RULES, criminal("trespass", stage=None))
    assert asked.verdict is Verdict.YES
    assert any("Ask whether the matter is already with the police" in n for n in asked.notes)
    assert assess(RULES, criminal("trespass", stage=CriminalStage.NONE)).notes == ()


def test_a_juvenile_offender_is_refused_whatever_the_stage_or_offence() -> None:
    for offence in ("defamation", "petty_assault", "theft", "family_property"):
        result = assess(RULES, criminal(offence, 15, stage=CriminalStage.POLICE))
        assert result.verdict is Verdict.NO, offence
        assert result.cites[0] == "DMA 8"
        assert "15" in result.reason and "under 18" in result.reason


def test_a_date_of_birth_wins_over_a_typed_age() -> None:
    facts = criminal("defamation", 30, born=dt.date(2010, 6, 1), on=dt.date(2026, 1, 10))
    assert assess(RULES, facts).verdict is Verdict.NO  # 15 on the day, whatever was typed


def test_29_february_birthdays_come_of_age_on_28_february() -> None:
    born = dt.date(2008, 2, 29)
    assert assess(
        RULES, criminal("trespass", None, born=born, on=dt.date(2026, 2, 27))
    ).verdict is (Verdict.NO)
    assert assess(
        RULES, criminal("trespass", None, born=born, on=dt.date(2026, 2, 28))
    ).verdict is (Verdict.YES)


def test_answers_in_thai_cite_sections_in_official_thai() -> None:
    i18n.set_language("th")
    over = assess(RULES, civil("debt", 600_000))
    assert over.citation == "มาตรา 69 (1) และมาตรา 20 วรรคสอง (4)"
    assert "มาตรา 69 (1)" in over.reason and "500,000" in over.reason
    kid = assess(RULES, criminal("defamation", 16))
    assert kid.citation.startswith("มาตรา 8 ประกอบพระราชบัญญัติศาลเยาวชนและครอบครัว")
    assert "มาตรา 5 และมาตรา 10 (1)" in kid.citation
    son = assess(RULES, criminal("family_property"))
    assert son.citation == "มาตรา 35 (1) ประกอบประมวลกฎหมายอาญา มาตรา 71 วรรคสอง"
    assert RULES.cite(("DMA 35(1)", "CC 333 ¶1"), "th", full=True) == (
        "มาตรา 35 (1) แห่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 "
        "ประกอบมาตรา 333 วรรคหนึ่ง แห่งประมวลกฎหมายอาญา"
    )
