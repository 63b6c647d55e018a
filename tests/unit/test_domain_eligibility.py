"""The eligibility engine's mechanics: the rules are versioned data (docs/mediation-law.md), every
entry cites the law, answers follow the language, and incomplete input is never an error. What
the law answers for real matters is tested in test_mediation_law_scenarios.py."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk import i18n, paths
from justice_desk.config import mediation_rules
from justice_desk.domain.eligibility import (
    Citation,
    Eligibility,
    Facts,
    Matter,
    MediationRules,
    Verdict,
    age_on,
    assess,
)
from justice_desk.domain.enums import CaseCategory, CaseKind

RAW = json.loads(paths.package_data("mediation-rules.json").read_text(encoding="utf-8"))
RULES = mediation_rules()
HELP_KINDS = [k for k in CaseKind if k is not CaseKind.DISPUTE]
CIVIL = [(m["code"], m) for m in RAW["civil_matters"]]
CRIMINAL = [(m["code"], m) for m in RAW["criminal_offences"]]


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def dispute(category: CaseCategory, code: str | None, amount: int | None = 0, **kw) -> Facts:
    return Facts(CaseKind.DISPUTE, category, code, amount, **kw)


# --- the configuration itself --------------------------------------------------------------


def test_config_loads_the_shipped_version() -> None:
    assert RULES is mediation_rules()  # cached
    assert RULES.version == RAW["version"] == "2562.2"
    assert RAW["format"] == 2
    assert RULES.civil_amount_cap_satang == 50_000_000  # 500,000 baht, §69(1)
    assert RULES.civil_cap_cite == ("DMA 69(1)",)
    assert RULES.state_agency_cap_satang == 500_000_000  # 5,000,000 baht, §20 ¶2(4)
    assert RULES.state_agency_cap_cite == ("DMA 20 ¶2(4)",)
    assert RULES.adult_age == 18 and RULES.juvenile_cite[0] == "DMA 8"
    assert RULES.notice_cite == ("DMA 36",)
    assert "พระราชกฤษฎีกา" in RULES.source["th"]  # the instrument that changes the rules


def test_the_rules_name_royal_decrees_never_ministerial_regulations() -> None:
    """§20 ¶2(3)–(4), §35(2) and §69 let a Royal Decree change the lists and caps."""
    text = paths.package_data("mediation-rules.json").read_text(encoding="utf-8")
    assert "กฎกระทรวง" not in text and "ministerial regulation" not in text.lower()
    doc = paths.package_data("mediation-rules.json").parent.parent / "domain" / "eligibility.py"
    assert "Royal Decree" in doc.read_text(encoding="utf-8")


def test_config_codes_are_unique_and_all_loaded() -> None:
    for key, loaded in (
        ("civil_matters", RULES.civil_matters),
        ("criminal_offences", RULES.criminal_offences),
    ):
        codes = [m["code"] for m in RAW[key]]
        assert len(codes) == len(set(codes)), key
        assert list(loaded) == codes


def test_every_entry_cites_known_law_and_every_exclusion_a_known_referral() -> None:
    for matter in [*RULES.civil_matters.values(), *RULES.criminal_offences.values()]:
        assert matter.labels["th"] and matter.labels["en"], matter.code
        assert matter.cite, matter.code
        for code in matter.cite:
            assert Citation.parse(code).act in RULES.acts, code
        if matter.answer.value == "yes":
            assert matter.referral is None, matter.code
        else:
            assert matter.referral in RULES.referrals, matter.code
        if matter.answer.value == "unclear":
            assert matter.note.get("th") and matter.note.get("en"), matter.code
    for code, labels in RULES.referrals.items():
        assert labels.get("th") and labels.get("en"), code


def test_civil_matters_rest_on_section_20_or_69_and_offences_on_8_or_35() -> None:
    for matter in RULES.civil_matters.values():
        assert any(c.startswith(("DMA 20", "DMA 69")) for c in matter.cite), matter.code
    for matter in RULES.criminal_offences.values():
        assert any(c.startswith(("DMA 35", "DMA 8")) for c in matter.cite), matter.code


def test_retired_codes_still_read_but_are_not_offered() -> None:
    assert "juvenile_family" in RULES.criminal_offences
    assert "juvenile_family" not in RULES.offered(CaseCategory.CRIMINAL)
    assert "petty" not in RULES.offered(CaseCategory.CRIMINAL)
    assert "inheritance" in RULES.offered(CaseCategory.CIVIL)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cite": ["XYZ 1"]}, "unknown act"),
        ({"cite": []}, "cites nothing"),
        ({"answer": "no", "referral": None}, "without a referral"),
        ({"answer": "no", "referral": "nowhere"}, "unknown referral"),
        ({"answer": "unclear", "referral": "police"}, "without saying why"),
        ({"cite": ["DMA twenty"]}, "not a citation"),
    ],
)
def test_a_broken_rules_file_is_refused(change: dict, message: str) -> None:
    data = json.loads(json.dumps(RAW))
    data["civil_matters"][0].update(change)
    with pytest.raises(ValueError, match=message):
        MediationRules.from_dict(data)


# --- citations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "th", "en"),
    [
        ("DMA 69(1)", "มาตรา 69 (1)", "§69(1)"),
        ("DMA 20 ¶2(4)", "มาตรา 20 วรรคสอง (4)", "§20 ¶2(4)"),
        ("DMA 20 ¶1", "มาตรา 20 วรรคหนึ่ง", "§20 ¶1"),
        ("CC 71 ¶2", "มาตรา 71 วรรคสอง", "§71 ¶2"),
        ("CC 283bis ¶4", "มาตรา 283 ทวิ วรรคสี่", "§283 bis ¶4"),
        ("CC 322-324", "มาตรา 322 ถึงมาตรา 324", "§§322–324"),
        ("CC 269/1", "มาตรา 269/1", "§269/1"),
    ],
)
def test_citations_read_as_the_law_is_cited(code: str, th: str, en: str) -> None:
    c = Citation.parse(code)
    assert c.code == code
    assert c.text("th") == th and c.text("en") == en


def test_short_citations_name_other_acts_and_full_ones_name_every_act() -> None:
    codes = ("DMA 35(1)", "CC 325")
    assert RULES.cite(codes, "en") == "§35(1) with Criminal Code §325"
    assert RULES.cite(codes, "en", full=True) == (
        "§35(1) of the Dispute Mediation Act B.E. 2562 with §325 of the Criminal Code"
    )
    assert RULES.cite(("CC 394", "CC 395"), "th") == "ประมวลกฎหมายอาญา มาตรา 394 และมาตรา 395"


# --- assess --------------------------------------------------------------------------------


@given(
    kind=st.sampled_from(HELP_KINDS),
    category=st.sampled_from(list(CaseCategory)),
    matter=st.one_of(
        st.none(), st.sampled_from([c for c, _ in CIVIL + CRIMINAL]), st.text(max_size=10)
    ),
    amount=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
)
def test_non_dispute_kinds_are_always_fine(
    kind: CaseKind, category: CaseCategory, matter: str | None, amount: int | None, age: int | None
) -> None:
    result = assess(RULES, Facts(kind, category, matter, amount, offender_age=age))
    assert result.verdict is Verdict.NOT_APPLICABLE and result.mediable and result.may_proceed
    assert result.rule is None and result.referral is None and not result.notes
    assert result.rules_version == RULES.version
    assert result.reason


@given(
    category=st.sampled_from([CaseCategory.CIVIL, CaseCategory.CRIMINAL]),
    code=st.sampled_from([c for c, _ in CIVIL + CRIMINAL]),
    amount=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
    no_money=st.booleans(),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
)
def test_assess_never_raises_and_always_explains(
    category: CaseCategory, code: str, amount: int | None, no_money: bool, age: int | None
) -> None:
    result = assess(
        RULES, dispute(category, code, amount, no_money_value=no_money, offender_age=age)
    )
    assert result.reason and result.rules_version == RULES.version
    assert (result.verdict is Verdict.INCOMPLETE) == bool(result.missing)
    if result.verdict in (Verdict.NO, Verdict.UNCLEAR):
        assert result.referrals and result.citation


@given(amount=st.integers(min_value=0, max_value=10**13))
def test_civil_amount_decides_exactly_at_the_cap(amount: int) -> None:
    result = assess(RULES, dispute(CaseCategory.CIVIL, "debt", amount))
    assert result.mediable is (amount <= RULES.civil_amount_cap_satang)


def test_missing_category_says_to_choose_civil_or_criminal(english) -> None:
    result = assess(RULES, dispute(CaseCategory.NONE, "debt"))
    assert result.verdict is Verdict.INCOMPLETE and result.missing == ("category",)
    assert "civil or criminal" in result.reason
    assert result.rule is None and result.referral is None


@pytest.mark.parametrize(
    ("category", "code"),
    [
        (CaseCategory.CIVIL, None),
        (CaseCategory.CIVIL, ""),
        (CaseCategory.CIVIL, "no_such_matter"),
        (CaseCategory.CIVIL, "theft"),  # an offence is not a civil matter
        (CaseCategory.CRIMINAL, None),
        (CaseCategory.CRIMINAL, "debt"),  # a civil matter is not an offence
    ],
)
def test_missing_or_unknown_matter_says_what_to_choose(
    english, category: CaseCategory, code: str | None
) -> None:
    result = assess(RULES, dispute(category, code))
    assert result.verdict is Verdict.INCOMPLETE and result.missing == ("matter_code",)
    assert "Choose what the dispute is about" in result.reason


@pytest.mark.parametrize(("code", "raw"), CIVIL + CRIMINAL, ids=[c for c, _ in CIVIL + CRIMINAL])
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_matter_is_assessed_per_config_in_both_languages(
    code: str, raw: dict, language: str
) -> None:
    category = CaseCategory.CIVIL if (code, raw) in CIVIL else CaseCategory.CRIMINAL
    previous = i18n.language()
    i18n.set_language(language)
    try:
        result = assess(RULES, dispute(category, code, offender_age=40))
        expected = {"yes": Verdict.YES, "no": Verdict.NO, "unclear": Verdict.UNCLEAR}
        if code == "juvenile_family":
            assert result.verdict is Verdict.NO
        else:
            assert result.verdict is expected[raw["answer"]]
        assert raw[language].lower() in result.reason.lower()  # the label, in that language
        assert result.citation == RULES.cite(raw["cite"], language)
        if raw["answer"] != "yes":
            assert result.referral == raw["referral"]
            assert result.referral_label == RAW["referrals"][raw["referral"]][language]
    finally:
        i18n.set_language(previous)


def test_reasons_in_english(english) -> None:
    theft = assess(RULES, dispute(CaseCategory.CRIMINAL, "theft", offender_age=40))
    assert theft.reason == (
        "A people's-sector center may not mediate theft or snatching (§§334–336) (§35). "
        "Refer it to the police (inquiry officer)."
    )
    assert assess(RULES, Facts(CaseKind.LEGAL_ADVICE)).reason == (
        "Not a mediation: no eligibility rule applies."
    )


# --- rules are data ------------------------------------------------------------------------


def _custom_rules(**changes: object) -> MediationRules:
    data = json.loads(json.dumps(RAW))
    data.update(changes)
    return MediationRules.from_dict(data)


def test_a_royal_decree_raising_the_cap_is_a_change_of_data(english) -> None:
    civil = dict(RAW["civil"], cap_satang=100_000_000)  # 1,000,000 baht
    rules = _custom_rules(version="2570.1", civil=civil)
    assert assess(rules, dispute(CaseCategory.CIVIL, "debt", 100_000_000)).mediable
    over = assess(rules, dispute(CaseCategory.CIVIL, "debt", 100_000_001))
    assert over.verdict is Verdict.NO and "1,000,000 baht" in over.reason
    assert over.rules_version == "2570.1"


def test_a_matter_moved_in_configuration_changes_the_outcome() -> None:
    offences = [
        dict(m, answer="yes", referral=None) if m["code"] == "theft" else m
        for m in RAW["criminal_offences"]
    ]
    rules = _custom_rules(criminal_offences=offences)
    facts = dispute(CaseCategory.CRIMINAL, "theft", offender_age=40)
    assert assess(rules, facts).mediable is True
    assert assess(RULES, facts).mediable is False


def test_labels_follow_the_language() -> None:
    previous = i18n.language()
    matter = Matter("x", {"th": "ไทย", "en": "English"}, RULES.civil_matters["debt"].answer)
    try:
        i18n.set_language("th")
        assert matter.label() == "ไทย"
        assert RULES.referral_label("police") == "สถานีตำรวจ (พนักงานสอบสวน)"
        i18n.set_language("en")
        assert matter.label() == "English"
        assert matter.label("th") == "ไทย"
        assert RULES.referral_label("police") == "the police (inquiry officer)"
        assert RULES.referral_label(None) == "" and RULES.referral_label("") == ""
    finally:
        i18n.set_language(previous)


def test_age_on_counts_completed_years() -> None:
    import datetime as dt

    born = dt.date(2008, 3, 15)
    assert age_on(born, dt.date(2026, 3, 14)) == 17
    assert age_on(born, dt.date(2026, 3, 15)) == 18
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 18
    assert age_on(dt.date(2008, 2, 29), dt.date(2028, 2, 28)) == 19  # leap year: 29th next


def test_eligibility_is_immutable() -> None:
    result = assess(RULES, dispute(CaseCategory.CIVIL, "debt"))
    assert isinstance(result, Eligibility)
    with pytest.raises(AttributeError):
        result.verdict = Verdict.NO  # type: ignore[misc]
