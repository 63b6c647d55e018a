"""May a people's-sector center mediate this matter? (Dispute Mediation Act B.E. 2562)

The caps and the lists of matters and offences are data —
``justice_desk/data/mediation-rules.json``, versioned — because ministerial regulations change
them; this module only applies them and says why, citing the rule, and which agency to refer the
matter to instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from justice_desk.domain.enums import CaseCategory, CaseKind
from justice_desk.i18n import _, language


@dataclass(frozen=True)
class Matter:
    code: str
    labels: dict[str, str]
    mediable: bool
    rule: str | None = None
    referral: str | None = None

    def label(self) -> str:
        return self.labels.get(language()) or self.labels["th"]


@dataclass(frozen=True)
class MediationRules:
    """One version of the rules, as loaded from configuration."""

    version: str
    civil_amount_cap_satang: int
    civil_amount_cap_rule: str
    civil_over_cap_referral: str
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
                    bool(m["mediable"]),
                    m.get("rule"),
                    m.get("referral"),
                )
                for m in items
            }

        return cls(
            version=str(data["version"]),
            civil_amount_cap_satang=int(data["civil_amount_cap_satang"]),
            civil_amount_cap_rule=data["civil_amount_cap_rule"],
            civil_over_cap_referral=data["civil_over_cap_referral"],
            referrals=data["referrals"],
            civil_matters=matters(data["civil_matters"]),
            criminal_offences=matters(data["criminal_offences"]),
        )

    @classmethod
    def load(cls, path: Path) -> MediationRules:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def matters_for(self, category: CaseCategory) -> dict[str, Matter]:
        if category is CaseCategory.CIVIL:
            return self.civil_matters
        if category is CaseCategory.CRIMINAL:
            return self.criminal_offences
        return {}

    def referral_label(self, code: str | None) -> str:
        if not code:
            return ""
        labels = self.referrals.get(code, {})
        return labels.get(language()) or labels.get("th", code)


@dataclass(frozen=True)
class Eligibility:
    """``mediable`` False comes with the reason, the rule cited and the suggested referral."""

    mediable: bool
    reason: str
    rule: str | None = None
    referral: str | None = None
    referral_label: str = ""
    rules_version: str = ""


def assess(
    rules: MediationRules,
    kind: CaseKind,
    category: CaseCategory,
    matter_code: str | None,
    amount_satang: int | None,
) -> Eligibility:
    """Assess a matter at intake; never raises for incomplete input (it says what is missing)."""
    v = rules.version
    if kind is not CaseKind.DISPUTE:
        return Eligibility(
            True, _("Not a mediation: no eligibility rule applies."), rules_version=v
        )
    if category is CaseCategory.NONE:
        return Eligibility(
            False, _("Choose whether the dispute is civil or criminal."), rules_version=v
        )
    matter = rules.matters_for(category).get(matter_code or "")
    if matter is None:
        return Eligibility(
            False,
            _("Choose what the dispute is about to check whether it may be mediated."),
            rules_version=v,
        )
    if not matter.mediable:
        return Eligibility(
            False,
            _(
                "A people's-sector center may not mediate {matter} ({rule}). "
                "Refer it to {referral}."
            ).format(
                matter=matter.label(),
                rule=matter.rule or "",
                referral=rules.referral_label(matter.referral),
            ),
            matter.rule,
            matter.referral,
            rules.referral_label(matter.referral),
            v,
        )
    if (
        category is CaseCategory.CIVIL
        and amount_satang is not None
        and amount_satang > rules.civil_amount_cap_satang
    ):
        cap = rules.civil_amount_cap_satang // 100
        return Eligibility(
            False,
            _(
                "A civil dispute over {cap:,} baht may not be mediated by a people's-sector center "
                "({rule}). Refer it to {referral}."
            ).format(
                cap=cap,
                rule=rules.civil_amount_cap_rule,
                referral=rules.referral_label(rules.civil_over_cap_referral),
            ),
            rules.civil_amount_cap_rule,
            rules.civil_over_cap_referral,
            rules.referral_label(rules.civil_over_cap_referral),
            v,
        )
    return Eligibility(
        True, _("{matter} may be mediated.").format(matter=matter.label()), rules_version=v
    )
