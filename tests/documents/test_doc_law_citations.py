"""The mediator's disclosure of what may cast doubt on their impartiality is §13 of the Dispute
Mediation Act B.E. 2562 (issue 12, docs/mediation-law.md §7): §22 is the appointment and §23
what happens on an objection. The service's refusal, the mediator screen's check box and the
user guide cite §13 in English and มาตรา 13 in Thai."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_doc_support import make_dispute, make_parties

from justice_desk import i18n
from justice_desk.domain.case_flow import CaseAction as A
from justice_desk.errors import ValidationError
from justice_desk.paths import package_data


def _refusal(center_db: Any) -> str:
    import datetime as dt

    from justice_desk.services import cases

    a, b, med = make_parties(center_db)
    c = make_dispute(center_db, a, b)
    cases.act(center_db, c.id, A.REQUEST_CONSENT, on=dt.date(2026, 1, 6))
    cases.act(center_db, c.id, A.CONSENT_GIVEN, on=dt.date(2026, 1, 7))
    with pytest.raises(ValidationError) as refused:
        cases.assign_mediator(center_db, c.id, med.id, no_conflict_confirmed=False)
    return str(refused.value)


def test_the_disclosure_refusal_cites_section_13_in_english_and_thai(center_db: Any) -> None:
    english = _refusal(center_db)
    assert "(§13)" in english and "22" not in english
    i18n.set_language("th")
    try:
        from justice_desk.i18n import _

        thai = _(
            "The mediator must confirm there is no conflict of interest with the parties, "
            "or describe it (§13)."
        )
        box = _("The mediator confirms having no conflict of interest with any party (§13)")
    finally:
        i18n.set_language("en")
    assert thai.endswith("(มาตรา 13)") and box.endswith("(มาตรา 13)")


def test_no_text_cites_sections_22_to_23_for_the_disclosure() -> None:
    guide = package_data("guide")
    texts = [p.read_text(encoding="utf-8") for p in sorted(guide.glob("*/mediation.md"))]
    assert len(texts) == 2
    for text in texts:
        assert not re.search(r"22\s*[–-]\s*23", text)
        assert "§13)" in text or "มาตรา 13)" in text
