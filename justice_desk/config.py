"""Configuration files shipped with the app (rules that change with regulations, not with code)."""

from __future__ import annotations

from functools import lru_cache

from justice_desk import paths
from justice_desk.domain.eligibility import MediationRules


@lru_cache(maxsize=1)
def mediation_rules() -> MediationRules:
    """The mediation eligibility rules in force (``data/mediation-rules.json``)."""
    return MediationRules.load(paths.package_data("mediation-rules.json"))
