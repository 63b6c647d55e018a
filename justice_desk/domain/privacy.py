"""What the center tells the people whose data it keeps, and on what legal basis it keeps it
(Personal Data Protection Act B.E. 2562, "PDPA"; docs/privacy.md).

Plain rules, no storage: the notice's version, the legal basis of a person's record from what
the record is linked to, what an anonymised person keeps, and which cases' details stay at the
center because they reveal a sensitive category (PDPA s.26) the province does not need.
"""

from __future__ import annotations

import datetime as dt

from justice_desk.domain.enums import CaseKind, LabelledEnum
from justice_desk.i18n import N_

#: The privacy notice this build ships (``justice_desk/data/privacy/notice-*.json``). A new
#: wording gets a new version; each person keeps the version and the day they were given it.
NOTICE_VERSION = "2569.1"
NOTICE_DATE = dt.date(2026, 12, 6)


class LegalBasis(LabelledEnum):
    """Why the center may keep a person's data (PDPA s.19 consent, or s.24 without it)."""

    #: A party to a case, or the center's own person responsible for it: the center's public
    #: task (s.24(4)) and its duties under the Dispute Mediation Act B.E. 2562 (s.24(6)).
    CASE = "case"
    #: A mediator on the register the Dispute Mediation Act requires (s.24(6)).
    MEDIATOR = "mediator"
    #: Network membership, the committee, training, activities: the person's consent (s.19),
    #: which they may withdraw (s.19 ¶5).
    CONSENT = "consent"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "case": N_(
                "Handling a case: the center's public task and its duties under the Dispute "
                "Mediation Act (PDPA s.24(4) and (6))"
            ),
            "mediator": N_(
                "The register of mediators the Dispute Mediation Act requires (PDPA s.24(6))"
            ),
            "consent": N_(
                "Consent: network membership, committee, training and activities (PDPA s.19)"
            ),
        }

    @property
    def consent_based(self) -> bool:
        return self is LegalBasis.CONSENT


def derive_basis(*, in_cases: bool, registered_mediator: bool) -> LegalBasis:
    """The strongest basis the person's links give: a case outweighs the mediator register,
    which outweighs consent (a person linked to nothing was recorded with their consent)."""
    if in_cases:
        return LegalBasis.CASE
    if registered_mediator:
        return LegalBasis.MEDIATOR
    return LegalBasis.CONSENT


def stronger(stored: LegalBasis | None, derived: LegalBasis) -> LegalBasis:
    """The basis to keep when a record gains a link: never weaker than what it had."""
    order = (LegalBasis.CONSENT, LegalBasis.MEDIATOR, LegalBasis.CASE)
    if stored is None:
        return derived
    return max(stored, derived, key=order.index)


# -- anonymisation (PDPA s.33) -------------------------------------------------------------------

#: The given name an anonymised person keeps (the column is required): Thai, as the stored data.
ANONYMISED_NAME = "(ลบข้อมูลแล้ว)"

#: Columns of ``people`` an anonymisation empties. Kept: sex, the decade of birth (an age band),
#: the amphoe and province (too coarse to single anyone out in a district; the province's
#: statistics count by them) and the notice and basis the person had.
CLEARED_PERSON_FIELDS: tuple[str, ...] = (
    "title",
    "surname",
    "national_id",
    "no_id_reason",
    "birth_date",
    "house_no",
    "moo",
    "village",
    "road",
    "tambon",
    "postcode",
    "dopa_area_code",
    "phone",
    "line_id",
    "community_role",
    "occupation",
    "notes",
)


def age_band_year(birth_year: int | None) -> int | None:
    """The first year of the decade of birth (1967 -> 1960): an age band, not a birth year."""
    return None if birth_year is None else birth_year - birth_year % 10


# -- what leaves the center (PDPA s.22, s.26) ----------------------------------------------------

#: Case kinds whose very record says something PDPA s.26 calls sensitive: reintegration support
#: is given to people released from prison or on probation (a criminal record).
SENSITIVE_KINDS = frozenset({CaseKind.REINTEGRATION.value})

#: What a sensitive case the office does not need is sent as instead of its subject, and the
#: given name its parties are sent with (both stored data, in Thai).
WITHHELD_SUBJECT = "(ข้อมูลอ่อนไหว เก็บไว้ที่ศูนย์)"
WITHHELD_NAME = "(เก็บไว้ที่ศูนย์)"


def case_details_withheld(kind: str, escalated_on: dt.date | None) -> bool:
    """Whether a case's identifying details stay at the center: a sensitive kind the center
    handles itself. Once escalated, the office takes the matter up and needs the whole case."""
    return kind in SENSITIVE_KINDS and escalated_on is None
