"""May a people's-sector center mediate this matter? Rules come from versioned configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk import i18n, paths
from justice_desk.config import mediation_rules
from justice_desk.domain.eligibility import Eligibility, Matter, MediationRules, assess
from justice_desk.domain.enums import CaseCategory, CaseKind

RAW = json.loads(paths.package_data("mediation-rules.json").read_text(encoding="utf-8"))
RULES = mediation_rules()
CAP = RAW["civil_amount_cap_satang"]
HELP_KINDS = [k for k in CaseKind if k is not CaseKind.DISPUTE]
CIVIL = [(m["code"], m) for m in RAW["civil_matters"]]
CRIMINAL = [(m["code"], m) for m in RAW["criminal_offences"]]


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.fixture
def thai() -> Iterator[None]:
    previous = i18n.language()
    i18n.set_language("th")
    yield
    i18n.set_language(previous)


# --- the configuration itself --------------------------------------------------------------


def test_config_loads_the_shipped_version() -> None:
    assert RULES is mediation_rules()  # cached
    assert RULES.version == RAW["version"] == "2562.1"
    assert RULES.civil_amount_cap_satang == 50_000_000  # 500,000 baht
    assert RULES.civil_amount_cap_rule == RAW["civil_amount_cap_rule"]
    assert RULES.civil_over_cap_referral in RULES.referrals


def test_config_codes_are_unique_and_all_loaded() -> None:
    for key, loaded in (
        ("civil_matters", RULES.civil_matters),
        ("criminal_offences", RULES.criminal_offences),
    ):
        codes = [m["code"] for m in RAW[key]]
        assert len(codes) == len(set(codes)), key
        assert list(loaded) == codes


def test_config_non_mediable_matters_cite_a_rule_and_a_known_referral() -> None:
    for matter in [*RULES.civil_matters.values(), *RULES.criminal_offences.values()]:
        assert matter.labels["th"] and matter.labels["en"], matter.code
        if matter.mediable:
            assert matter.referral is None
        else:
            assert matter.rule, matter.code
            assert matter.referral in RULES.referrals, matter.code
    for code, labels in RULES.referrals.items():
        assert labels.get("th") and labels.get("en"), code


def test_config_matches_the_act() -> None:
    civil = RULES.civil_matters
    criminal = RULES.criminal_offences
    for code in ("personal_status", "family_rights", "immovable_ownership"):
        assert not civil[code].mediable and civil[code].rule == "§20"
    for code in ("theft", "bodily_harm"):
        assert not criminal[code].mediable and criminal[code].referral == "police"
    assert not criminal["juvenile_family"].mediable and criminal["juvenile_family"].rule == "§8"
    for code in (
        "defamation",
        "simple_fraud",
        "embezzlement",
        "property_damage",
        "trespass",
        "petty",
    ):
        assert criminal[code].mediable


# --- assess --------------------------------------------------------------------------------


@given(
    kind=st.sampled_from(HELP_KINDS),
    category=st.sampled_from(list(CaseCategory)),
    matter=st.one_of(
        st.none(), st.sampled_from([c for c, _ in CIVIL + CRIMINAL]), st.text(max_size=10)
    ),
    amount=st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
)
def test_non_dispute_kinds_are_always_fine(
    kind: CaseKind, category: CaseCategory, matter: str | None, amount: int | None
) -> None:
    result = assess(RULES, kind, category, matter, amount)
    assert result.mediable is True
    assert result.rule is None and result.referral is None
    assert result.rules_version == RULES.version
    assert result.reason


@pytest.mark.parametrize(("code", "raw"), CIVIL + CRIMINAL, ids=[c for c, _ in CIVIL + CRIMINAL])
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_configured_matter_is_assessed_per_config(
    code: str, raw: dict, language: str
) -> None:
    category = CaseCategory.CIVIL if (code, raw) in CIVIL else CaseCategory.CRIMINAL
    previous = i18n.language()
    i18n.set_language(language)
    try:
        result = assess(RULES, CaseKind.DISPUTE, category, code, None)
        assert result.mediable is bool(raw["mediable"])
        assert result.rules_version == RAW["version"]
        assert raw[language] in result.reason  # the matter's label in the current language
        if raw["mediable"]:
            assert result.rule is None and result.referral is None and result.referral_label == ""
        else:
            assert result.rule == raw["rule"]
            assert result.referral == raw["referral"]
            assert result.referral_label == RAW["referrals"][raw["referral"]][language]
            assert raw["rule"] in result.reason
            assert result.referral_label in result.reason
    finally:
        i18n.set_language(previous)


@pytest.mark.parametrize("code", [c for c, m in CIVIL if m["mediable"]])
def test_civil_cap_is_inclusive(english, code: str) -> None:
    at_cap = assess(
        RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, code, 50_000_000
    )  # exactly 500,000 baht
    assert at_cap.mediable is True
    over = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, code, 50_000_001)  # 500,000.01 baht
    assert over.mediable is False
    assert over.rule == RAW["civil_amount_cap_rule"] == "§20"
    assert over.referral == RAW["civil_over_cap_referral"]
    assert over.referral_label == RAW["referrals"][RAW["civil_over_cap_referral"]]["en"]
    assert "500,000" in over.reason
    assert "§20" in over.reason
    assert over.referral_label in over.reason
    assert over.rules_version == RULES.version


@given(amount=st.one_of(st.none(), st.integers(min_value=0, max_value=10**13)))
def test_civil_amount_decides_exactly_at_the_cap(amount: int | None) -> None:
    result = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", amount)
    assert result.mediable is (amount is None or amount <= CAP)


def test_the_cap_does_not_apply_to_criminal_offences() -> None:
    result = assess(RULES, CaseKind.DISPUTE, CaseCategory.CRIMINAL, "simple_fraud", 10 * CAP)
    assert result.mediable is True


def test_a_non_mediable_matter_cites_its_own_rule_whatever_the_amount(english) -> None:
    result = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "family_rights", 10 * CAP)
    assert result.mediable is False
    assert result.referral == "family_court"


def test_missing_category_says_to_choose_civil_or_criminal(english) -> None:
    result = assess(RULES, CaseKind.DISPUTE, CaseCategory.NONE, "debt", None)
    assert result.mediable is False
    assert "civil or criminal" in result.reason
    assert result.rule is None and result.referral is None
    assert result.rules_version == RULES.version


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
    result = assess(RULES, CaseKind.DISPUTE, category, code, None)
    assert result.mediable is False
    assert "Choose what the dispute is about" in result.reason
    assert result.rule is None and result.referral is None


def test_reasons_carry_thai_labels_in_thai(thai) -> None:
    over = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", CAP + 1)
    assert over.referral_label == "ศาลที่มีเขตอำนาจ หรือศูนย์ไกล่เกลี่ยของศาล"
    assert over.referral_label in over.reason
    theft = assess(RULES, CaseKind.DISPUTE, CaseCategory.CRIMINAL, "theft", None)
    assert "ลักทรัพย์" in theft.reason
    assert theft.referral_label == "สถานีตำรวจ (พนักงานสอบสวน)"
    assert "theft" not in theft.reason and "police" not in theft.reason
    ok = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", 100)
    assert "หนี้เงินกู้ยืม" in ok.reason


def test_reasons_carry_english_labels_in_english(english) -> None:
    theft = assess(RULES, CaseKind.DISPUTE, CaseCategory.CRIMINAL, "theft", None)
    assert theft.reason == (
        "A people's-sector center may not mediate theft (§35). "
        "Refer it to the police (inquiry officer)."
    )
    assert "ลักทรัพย์" not in theft.reason
    over = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", CAP + 1)
    assert over.reason == (
        "A civil dispute over 500,000 baht may not be mediated by a people's-sector center (§20). "
        "Refer it to the competent court or its mediation center."
    )
    assert assess(RULES, CaseKind.LEGAL_ADVICE, CaseCategory.NONE, None, None).reason == (
        "Not a mediation: no eligibility rule applies."
    )


# --- rules are data ------------------------------------------------------------------------


def _custom_rules(**changes: object) -> MediationRules:
    data = json.loads(json.dumps(RAW))
    data.update(changes)
    return MediationRules.from_dict(data)


def test_a_new_cap_in_configuration_changes_the_outcome(english) -> None:
    rules = _custom_rules(
        version="2570.1", civil_amount_cap_satang=10_000_000, civil_amount_cap_rule="§99"
    )
    assert assess(rules, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", 10_000_000).mediable is True
    over = assess(rules, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", 10_000_001)
    assert over.mediable is False
    assert over.rule == "§99"
    assert "100,000 baht" in over.reason
    assert over.rules_version == "2570.1"


def test_a_matter_moved_in_configuration_changes_the_outcome(english) -> None:
    offences = [
        dict(m, mediable=True) if m["code"] == "theft" else m for m in RAW["criminal_offences"]
    ]
    rules = _custom_rules(criminal_offences=offences)
    assert assess(rules, CaseKind.DISPUTE, CaseCategory.CRIMINAL, "theft", None).mediable is True
    assert assess(RULES, CaseKind.DISPUTE, CaseCategory.CRIMINAL, "theft", None).mediable is False


def test_matters_for_and_referral_label() -> None:
    assert RULES.matters_for(CaseCategory.CIVIL) is RULES.civil_matters
    assert RULES.matters_for(CaseCategory.CRIMINAL) is RULES.criminal_offences
    assert RULES.matters_for(CaseCategory.NONE) == {}
    assert RULES.referral_label(None) == ""
    assert RULES.referral_label("") == ""


def test_labels_follow_the_language() -> None:
    previous = i18n.language()
    matter = Matter("x", {"th": "ไทย", "en": "English"}, True)
    try:
        i18n.set_language("th")
        assert matter.label() == "ไทย"
        assert RULES.referral_label("police") == "สถานีตำรวจ (พนักงานสอบสวน)"
        i18n.set_language("en")
        assert matter.label() == "English"
        assert RULES.referral_label("police") == "the police (inquiry officer)"
        assert Matter("y", {"th": "ไทย", "en": ""}, True).label() == "ไทย"  # falls back to Thai
    finally:
        i18n.set_language(previous)


def test_eligibility_is_immutable() -> None:
    result = assess(RULES, CaseKind.DISPUTE, CaseCategory.CIVIL, "debt", None)
    assert isinstance(result, Eligibility)
    with pytest.raises(AttributeError):
        result.mediable = False  # type: ignore[misc]
