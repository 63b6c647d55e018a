"""When does a settled criminal dispute end the right to prosecute? (Dispute Mediation Act)

- §35 ¶2: a criminal settlement ends the right to bring the criminal case, and only for the
  parties who made it.
- §37 ¶1: when the agreement has a civil part (the victim could bring a civil claim joined to the
  criminal case: money, compensation), the right ends only once the civil part is performed;
  ¶2: if it is not performed, the other party may ask the court to enforce it under §32.
- §69 ¶2: for a people's-sector center, the agreement takes those effects once the Rights and
  Liberties Protection Department has checked the mediation and issued its certificate.

Reading §69 ¶2 together with §35 ¶2 and §37 ("ตามพระราชบัญญัตินี้", according to this Act) is
this module's: both the certificate and, where there is one, the performance of the civil part
are needed (docs/mediation-law.md §5). The case view shows the result, the agreement prints it,
and closing such a case waits for the civil part to be followed up (``services.cases.act``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from justice_desk.domain.enums import CaseCategory
from justice_desk.i18n import N_


class ProsecutionRight(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # not a settled criminal dispute
    AWAITS_CERTIFICATE = "awaits_certificate"  # §69 ¶2
    AWAITS_CIVIL_PART = "awaits_civil_part"  # §37 ¶1
    ENDED = "ended"


@dataclass(frozen=True)
class ProsecutionEffect:
    state: ProsecutionRight
    message: str = ""  # an English msgid with no placeholders: translate where shown
    cites: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        return self.state is ProsecutionRight.ENDED


AWAITS_CIVIL_PART = N_(
    "The right to prosecute has not ended: it ends once the civil part of the agreement "
    "(the money or other obligations) is performed (§37 ¶1). If it is not performed, the other "
    "party may ask the court to enforce the agreement (§32, §37 ¶2)."
)
AWAITS_CERTIFICATE = N_(
    "The right to prosecute ends for the parties to the agreement once the Rights and Liberties "
    "Protection Department certifies the agreement (§35 ¶2, §69 ¶2): record the certificate "
    "when it arrives."
)
ENDED_NO_CIVIL_PART = N_(
    "The agreement is certified: the right to prosecute has ended for the parties to it "
    "(§35 ¶2, §69 ¶2)."
)
ENDED_CIVIL_PART = N_(
    "The civil part of the agreement is performed and the agreement is certified: the right to "
    "prosecute has ended for the parties to it (§37 ¶1, §69 ¶2)."
)


def prosecution_effect(
    category: CaseCategory,
    *,
    settled: bool,
    civil_part: bool,
    civil_part_performed: bool,
    certified: bool,
) -> ProsecutionEffect:
    """What a criminal settlement has done to the right to prosecute, today."""
    if category is not CaseCategory.CRIMINAL or not settled:
        return ProsecutionEffect(ProsecutionRight.NOT_APPLICABLE)
    if civil_part and not civil_part_performed:
        return ProsecutionEffect(
            ProsecutionRight.AWAITS_CIVIL_PART, AWAITS_CIVIL_PART, ("DMA 37 ¶1", "DMA 37 ¶2")
        )
    if not certified:
        return ProsecutionEffect(
            ProsecutionRight.AWAITS_CERTIFICATE, AWAITS_CERTIFICATE, ("DMA 35 ¶2", "DMA 69 ¶2")
        )
    if civil_part:
        return ProsecutionEffect(
            ProsecutionRight.ENDED, ENDED_CIVIL_PART, ("DMA 37 ¶1", "DMA 69 ¶2")
        )
    return ProsecutionEffect(
        ProsecutionRight.ENDED, ENDED_NO_CIVIL_PART, ("DMA 35 ¶2", "DMA 69 ¶2")
    )
