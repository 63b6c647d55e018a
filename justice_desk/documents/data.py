"""What each printed document needs: plain, immutable data objects.

The services fill these from the database (``services/printing.py``); the builders in this
package turn them into PDF bytes. Nothing here knows about the database or ReportLab, so a test
or another front end can build a document from literals.

Conventions:

* Text fields hold the words as printed, in Thai (labels of enums already translated).
* Dates are ``datetime.date``, times ``datetime.time``; the builders format them the official
  way (``วันพุธที่ 14 มกราคม 2569``, ``09.30 น.``).
* Money is in satang (``int``), as stored; the builders print figures and Thai words.
* ``thai_digits`` prints every digit of the document as ๐-๙ (data stays Arabic). It is on by
  default for every official document, one default for all, so that documents citing each
  other agree; the services pass the center's choice (``services.print_options``).
* A ``Signatory`` with ``name=None`` prints a blank name line to be written in by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "AgendaEntry",
    "AgreementDoc",
    "Attendee",
    "AttendanceSheetDoc",
    "CountRow",
    "Issuer",
    "InstalmentEntry",
    "IntakeDoc",
    "InvitationDoc",
    "MediatorEntry",
    "MinutesDoc",
    "MonthlyReportDoc",
    "PartyEntry",
    "ReferralDoc",
    "Signatory",
    "UnsettledDoc",
]


# -- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The center that issues a document (letterhead and the line under titles)."""

    name: str
    tambon: str | None = None
    amphoe: str | None = None
    province: str | None = None
    host_organisation: str | None = None
    code: str | None = None
    #: The center's telephone, for the contact block at the foot of its letters.
    phone: str | None = None

    @property
    def locality(self) -> str:
        """``ตำบลแม่เหียะ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่`` (parts that are known)."""
        parts = []
        if self.tambon:
            parts.append(f"ตำบล{self.tambon}")
        if self.amphoe:
            parts.append(f"อำเภอ{self.amphoe}")
        if self.province:
            parts.append(f"จังหวัด{self.province}")
        return " ".join(parts)


@dataclass(frozen=True)
class Signatory:
    """A signature line: ``(ลงชื่อ) ........ <role>``, then ``(<name>)`` and the position."""

    name: str | None
    position: str | None = None


# -- meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """One line of an attendance list.

    ``substitute_for`` names the member this person attends for (printed ``มาประชุมแทน ...``);
    ``absence_reason`` is printed for those absent.
    """

    name: str
    position: str | None = None
    substitute_for: str | None = None
    absence_reason: str | None = None


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item; ``discussion`` may hold several paragraphs separated by newlines."""

    number: int
    title: str
    discussion: str | None = None
    resolution: str | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None

    @property
    def has_votes(self) -> bool:
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstain))


@dataclass(frozen=True)
class MinutesDoc:
    """รายงานการประชุม in the format of the correspondence rules (งานสารบรรณ)."""

    body_name: str
    number: str
    held_on: dt.date
    place: str | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    present: tuple[Attendee, ...]
    absent: tuple[Attendee, ...] = ()
    guests: tuple[Attendee, ...] = ()
    agenda: tuple[AgendaEntry, ...] = ()
    minute_taker: Signatory | None = None
    checker: Signatory | None = None
    quorum_met: bool | None = None
    draft: bool = False
    thai_digits: bool = True


@dataclass(frozen=True)
class InvitationDoc:
    """หนังสือเชิญประชุม: a letter from the center with the agenda of the meeting."""

    issuer: Issuer
    body_name: str
    number: str
    held_on: dt.date
    starts_at: dt.time | None
    place: str | None
    agenda: tuple[AgendaEntry, ...]
    issued_on: dt.date
    addressee: str
    signer: Signatory
    reference_no: str | None = None
    thai_digits: bool = True
    #: Made after the meeting: printed as a copy (สำเนา), never as the letter that invited.
    is_copy: bool = False


@dataclass(frozen=True)
class AttendanceSheetDoc:
    """บัญชีลงชื่อผู้มาประชุม: the expected attendees and a column for their signatures."""

    body_name: str
    number: str
    held_on: dt.date
    starts_at: dt.time | None
    place: str | None
    members: tuple[Attendee, ...]
    blank_rows: int = 3
    thai_digits: bool = True


# -- cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyEntry:
    """A party or another participant; ``role`` is what the case records them as (``ล่าม``,
    ``พยาน``), printed under their signature line. ``national_id`` (as printed,
    ``1-2345-67890-12-3``) and ``age`` (completed years on the document's date) are filled where
    the document needs them (the settlement agreement) and known; otherwise left out."""

    name: str
    address: str | None = None
    role: str | None = None
    national_id: str | None = None
    age: int | None = None


@dataclass(frozen=True)
class MediatorEntry:
    name: str
    registration_no: str | None = None


@dataclass(frozen=True)
class InstalmentEntry:
    seq: int
    due_on: dt.date
    amount_satang: int


@dataclass(frozen=True)
class IntakeDoc:
    """บันทึกการรับเรื่อง: what was received, from whom, and the eligibility check."""

    issuer: Issuer
    case_number: str
    received_on: dt.date
    kind: str
    channel: str
    subject: str
    applicants: tuple[PartyEntry, ...]
    respondents: tuple[PartyEntry, ...] = ()
    others: tuple[PartyEntry, ...] = ()
    category: str | None = None
    facts: str | None = None
    incident_on: dt.date | None = None
    amount_satang: int | None = None
    mediable: bool = True
    eligibility_note: str | None = None
    referral: str | None = None
    # The facts the mediation rules asked for (label, value), the citation in full, what the
    # coordinator must do (§36 notices), other possible referrals and the rules version.
    details: tuple[tuple[str, str], ...] = ()
    citation: str | None = None
    notes: tuple[str, ...] = ()
    other_referrals: tuple[str, ...] = ()
    rules_version: str | None = None
    #: Who took the matter in (the case's responsible person); a blank line when unknown.
    received_by: str | None = None
    thai_digits: bool = True


@dataclass(frozen=True)
class AgreementDoc:
    """บันทึกข้อตกลงระงับข้อพิพาท (§30 Dispute Mediation Act B.E. 2562).

    §30 requires at least the parties' names and addresses, the dispute, their voluntary
    participation and the terms; the builder refuses to print without them
    (:func:`justice_desk.documents.case_papers.agreement_missing`).
    """

    issuer: Issuer
    case_number: str
    agreed_on: dt.date | None
    place: str | None
    applicants: tuple[PartyEntry, ...]
    respondents: tuple[PartyEntry, ...]
    mediators: tuple[MediatorEntry, ...]
    dispute: str | None
    voluntary: bool
    terms: str | None
    #: Everyone else who took part (an interpreter, a guardian): named and signing (§30).
    others: tuple[PartyEntry, ...] = ()
    total_satang: int | None = None
    instalments: tuple[InstalmentEntry, ...] = ()
    enforcement_deadline: dt.date | None = None
    certificate_no: str | None = None
    certificate_on: dt.date | None = None
    #: The witnesses recorded with the agreement, each with a signature line; none recorded:
    #: ``blank_witnesses`` lines for names written in by hand.
    witnesses: tuple[str, ...] = ()
    blank_witnesses: int = 2
    # A criminal dispute: §35 ¶2 and §69 ¶2 say when the right to prosecute ends; with a civil
    # part (money, compensation) §37 makes it wait until that part is performed.
    criminal: bool = False
    civil_part: bool = False
    thai_digits: bool = True


@dataclass(frozen=True)
class UnsettledDoc:
    """บันทึกการไกล่เกลี่ยไม่สำเร็จ: the end date and the §6 extension of limitation."""

    issuer: Issuer
    case_number: str
    received_on: dt.date
    dispute: str
    applicants: tuple[PartyEntry, ...]
    respondents: tuple[PartyEntry, ...]
    mediators: tuple[MediatorEntry, ...]
    session_dates: tuple[dt.date, ...]
    ended_on: dt.date
    limitation_until: dt.date
    reason: str | None = None
    thai_digits: bool = True


@dataclass(frozen=True)
class ReferralDoc:
    """หนังสือส่งต่อ: a letter handing a case to another agency (or the province office)."""

    issuer: Issuer
    case_number: str
    issued_on: dt.date
    addressee: str
    kind: str
    subject: str
    received_on: dt.date
    applicants: tuple[PartyEntry, ...]
    respondents: tuple[PartyEntry, ...] = ()
    reason: str | None = None
    enclosures: tuple[str, ...] = ()
    signer: Signatory = Signatory(None)
    reference_no: str | None = None
    thai_digits: bool = True


# -- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """One row of a report table: a label, the month's count and the fiscal-year-to-date count."""

    label: str
    month: int
    year_to_date: int


@dataclass(frozen=True)
class MonthlyReportDoc:
    """รายงานผลการดำเนินงานประจำเดือน of one center.

    ``year`` and ``month`` are Gregorian (the builder prints the BE year); the fiscal year runs
    October–September and is named by the BE year it ends in (``fiscal_year_be``), and
    ``fiscal_year_start`` is its first day.
    """

    issuer: Issuer
    year: int
    month: int
    fiscal_year_be: int
    fiscal_year_start: dt.date
    by_kind: tuple[CountRow, ...]
    by_outcome: tuple[CountRow, ...]
    pending_at_month_end: int
    settled_amount_month_satang: int = 0
    settled_amount_ytd_satang: int = 0
    activities: CountRow | None = None
    activity_participants: CountRow | None = None
    reported_on: dt.date | None = None
    reporter: Signatory = Signatory(None)
    thai_digits: bool = True
