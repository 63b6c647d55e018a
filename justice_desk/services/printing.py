"""Printed documents from the records.

Each ``*_pdf`` function loads what a document needs through the other services, maps it into the
document's data object (``documents/data.py``), builds the PDF and records the print in the
audit trail (PDPA: who printed which personal data, when). A record that lacks what the document
needs raises :class:`~justice_desk.errors.ValidationError` with a one-line reason; nothing is
printed or audited then. The ``*_document`` functions return the data object alone (for a
preview, or for tests).

Documents are Thai whatever language the app is shown in: labels of enums and the address
words come from the Thai catalog, not from the current language. What people typed is printed
as they typed it. Session notes are never loaded into a document (§12, §29).
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import uuid
from collections.abc import Callable, Iterable
from functools import cache

from justice_desk import config, i18n
from justice_desk.documents.data import (
    AgendaEntry,
    AgreementDoc,
    AttendanceSheetDoc,
    Attendee,
    CountRow,
    InstalmentEntry,
    IntakeDoc,
    InvitationDoc,
    Issuer,
    MediatorEntry,
    MinutesDoc,
    MonthlyReportDoc,
    PartyEntry,
    ReferralDoc,
    Signatory,
    UnsettledDoc,
)
from justice_desk.domain import deadlines
from justice_desk.domain import eligibility as rules_text
from justice_desk.domain.access import Permission
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.dates import fiscal_year_be, fiscal_year_range, format_date
from justice_desk.domain.eligibility import Eligibility, Ground, Verdict, assess
from justice_desk.domain.enums import (
    Attendance,
    CaseCategory,
    CaseKind,
    CaseStatus,
    CommitteePosition,
    CriminalStage,
    LabelledEnum,
    MeetingStatus,
    PartySide,
)
from justice_desk.domain.meetings import (
    ADOPTION_ITEM,
    FIRST_MEETING_ADOPTION,
    NO_PREVIOUS,
    STANDARD_AGENDA,
)
from justice_desk.errors import NotFoundError, ValidationError
from justice_desk.i18n import _
from justice_desk.services import (
    activities,
    cases,
    meetings,
    people,
    print_names,
    print_options,
    setup,
)
from justice_desk.services.access import require
from justice_desk.services.cases import CaseDetail, PartyRecord
from justice_desk.services.meetings import AttendanceLine, MeetingDetail
from justice_desk.services.people import PersonInput
from justice_desk.services.print_options import (
    DIGITS_SETTING,
    document_digits,
    set_document_digits,
)
from justice_desk.storage import audit
from justice_desk.storage import case_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import CaseEvent

__all__ = [
    "DIGITS_SETTING",
    "DOCUMENTS",
    "document_digits",
    "set_document_digits",
    "agreement_document",
    "agreement_pdf",
    "attendance_document",
    "attendance_pdf",
    "intake_document",
    "intake_pdf",
    "invitation_document",
    "invitation_pdf",
    "minutes_document",
    "minutes_pdf",
    "monthly_document",
    "monthly_pdf",
    "referral_document",
    "referral_pdf",
    "unsettled_document",
    "unsettled_pdf",
]

#: Statuses a case reaches as the outcome of its handling (the report's outcome rows).
OUTCOMES = (
    CaseStatus.SETTLED,
    CaseStatus.WITHDRAWN,
    CaseStatus.TERMINATED,
    CaseStatus.DISMISSED,
    CaseStatus.COMPLETED,
    CaseStatus.REFERRED,
    CaseStatus.ESCALATED,
)
_STILL_OPEN = {
    CaseStatus.RECEIVED,
    CaseStatus.AWAITING_CONSENT,
    CaseStatus.IN_MEDIATION,
    CaseStatus.IN_PROGRESS,
}


# -- Thai wording, whatever the language of the app ---------------------------------------------


@cache
def _thai_catalog() -> gettext.NullTranslations:
    # i18n keeps one current language for the whole process; documents need Thai alongside it.
    return i18n.catalog("th")


def th(message: str) -> str:
    """``message`` (an English msgid) in Thai."""
    return _thai_catalog().gettext(message)


def _known_label(text: str | None, msgid: str) -> bool:
    """Whether ``text`` is ``msgid`` in any language (stored labels follow the app's language
    at the time they were saved)."""
    return text is None or text in (msgid, th(msgid), _(msgid))


def _position(line: AttendanceLine) -> str | None:
    """The Thai label of a committee position, or the label the secretary typed."""
    if line.position is not None:
        msgid = type(line.position).labels()[line.position.value]
        if _known_label(line.position_label, msgid):
            return th(msgid)
    return line.position_label


@cache
def _standard_titles() -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    for msgid in STANDARD_AGENDA:
        for text in {msgid, _(msgid)}:
            pattern = re.escape(text).replace(re.escape("{previous}"), "(?P<previous>.+)")
            patterns.append((re.compile(f"^{pattern}$"), msgid))
    return tuple(patterns)


def _agenda_title(title: str) -> str:
    """Standard agenda titles saved in English are printed in Thai; others as typed. Item 2 of
    the first meeting recorded names no meeting (``...`` on screen, for the secretary to fill in
    if the center kept paper minutes before): printed, it says there were none."""
    for pattern, msgid in _standard_titles():
        m = pattern.match(title)
        if m:
            previous = m.groupdict().get("previous", NO_PREVIOUS)
            if msgid == ADOPTION_ITEM and previous == NO_PREVIOUS:
                return th(FIRST_MEETING_ADOPTION)
            return th(msgid).format(previous=previous)
    return title


def _body_name(name: str) -> str:
    m = re.match(r"^Committee of the (.+)$", name)
    return th("Committee of the {center}").format(center=m.group(1)) if m else name


def _chair_title(body_name: str) -> str:
    """``คณะกรรมการศูนย์...`` -> ``ประธานกรรมการศูนย์...``."""
    return "ประธาน" + (body_name[3:] if body_name.startswith("คณะ") else body_name)


def _address(person: PersonInput) -> str:
    """people.format_address, in Thai whatever the app's language."""
    from justice_desk.services.people import format_address

    return format_address(person, th)


def _label(value: LabelledEnum) -> str:
    return th(type(value).labels()[value.value])


# -- common ------------------------------------------------------------------------------------


def _issuer(db: Database) -> Issuer:
    site = setup.this_site(db)
    return Issuer(
        name=site.name,
        tambon=site.tambon,
        amphoe=site.amphoe,
        province=site.province,
        host_organisation=site.host_organisation,
        code=site.code,
        phone=site.phone,
    )


def _record_print(db: Database, table: str | None, row_id: uuid.UUID | None, document: str) -> None:
    with db.write() as session:
        audit.record(session, "print", table=table, row_id=row_id, detail=document)


def _missing(what: str, items: list[str]) -> ValidationError:
    return ValidationError(
        _("{what} cannot be printed: enter {items} first.").format(
            what=what, items=", ".join(items)
        )
    )


def set_justified(on: bool) -> None:
    """Justify body paragraphs the Thai way (the default) or print them flush left
    (``services.print_options``)."""
    print_options.set_justified(on)


def _digits(db: Database, value: bool | None) -> bool:
    """What was asked for this print, else the center's choice, else the one default of every
    official document (Thai digits: ``print_options.DEFAULT_THAI_DIGITS``)."""
    return print_options.thai_digits(db, value)


# -- meetings ----------------------------------------------------------------------------------


def _attendee(line: AttendanceLine, names: dict[uuid.UUID, str]) -> Attendee:
    return Attendee(
        name=line.name,
        position=_position(line),
        substitute_for=names.get(line.substitute_for_id) if line.substitute_for_id else None,
        absence_reason=line.absence_reason,
    )


def _signatory(meeting: MeetingDetail, name: str | None, person_id: uuid.UUID | None) -> Signatory:
    position = None
    for line in meeting.attendance:
        if person_id is not None and line.person_id == person_id:
            position = _position(line)
            break
    return Signatory(name, position)


def _agenda(meeting: MeetingDetail) -> tuple[AgendaEntry, ...]:
    return tuple(
        AgendaEntry(
            number=item.number,
            title=_agenda_title(item.title),
            discussion=item.discussion,
            resolution=item.resolution,
            votes_for=item.votes_for,
            votes_against=item.votes_against,
            votes_abstain=item.votes_abstain,
        )
        for item in meeting.agenda
    )


def minutes_document(
    db: Database, meeting_id: uuid.UUID, *, thai_digits: bool | None = None
) -> MinutesDoc:
    meeting = meetings.get_meeting(db, meeting_id)
    # Minutes say who attended: never from a list nobody has taken (docs/domain.md §4).
    meetings.require_attendance(
        meeting,
        _("The minutes of meeting {number} cannot be printed").format(number=meeting.number),
    )
    present = [
        a for a in meeting.attendance if a.attendance in (Attendance.PRESENT, Attendance.SUBSTITUTE)
    ]
    missing = []
    if not present:
        missing.append(_("who attended"))
    if meeting.starts_at is None:
        missing.append(_("the start time"))
    if meeting.ends_at is None:
        missing.append(_("the end time"))
    if not meeting.place:
        missing.append(_("the place"))
    if missing:
        raise _missing(_("The minutes of meeting {number}").format(number=meeting.number), missing)
    names = {a.person_id: a.name for a in meeting.attendance if a.person_id is not None}
    for line in present:
        sub = line.substitute_for_id
        if sub is not None and sub not in names:
            try:
                names[sub] = people.get_person(db, sub).full_name
            except NotFoundError:
                pass
    return MinutesDoc(
        body_name=_body_name(meeting.body_name),
        number=meeting.number,
        held_on=meeting.held_on,
        place=meeting.place,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        present=tuple(_attendee(a, names) for a in present),
        absent=tuple(_attendee(a, names) for a in meeting.lines(Attendance.ABSENT)),
        guests=tuple(_attendee(a, names) for a in meeting.lines(Attendance.GUEST)),
        agenda=_agenda(meeting),
        minute_taker=_signatory(meeting, meeting.minute_taker, meeting.minute_taker_id),
        checker=_signatory(meeting, meeting.checker, meeting.checker_id),
        quorum_met=meeting.quorum.met,
        draft=meeting.status is MeetingStatus.DRAFT,
        thai_digits=_digits(db, thai_digits),
    )


def minutes_pdf(db: Database, meeting_id: uuid.UUID, *, thai_digits: bool | None = None) -> bytes:
    """รายงานการประชุม of a meeting."""
    require(db, Permission.PRINT)
    from justice_desk.documents.meeting_papers import minutes_pdf as build

    print_names.prepare(db)
    pdf = build(minutes_document(db, meeting_id, thai_digits=thai_digits))
    _record_print(db, "meetings", meeting_id, "minutes")
    return pdf


def invitation_document(
    db: Database,
    meeting_id: uuid.UUID,
    *,
    thai_digits: bool | None = None,
    issued_on: dt.date | None = None,
) -> InvitationDoc:
    meeting = meetings.get_meeting(db, meeting_id)
    missing = []
    if meeting.starts_at is None:
        missing.append(_("the start time"))
    if not meeting.place:
        missing.append(_("the place"))
    if missing:
        raise _missing(
            _("The invitation to meeting {number}").format(number=meeting.number), missing
        )
    body = _body_name(meeting.body_name)
    chair = next((a for a in meeting.attendance if a.position is CommitteePosition.CHAIR), None)
    if chair is not None:
        signer = Signatory(chair.name, _chair_title(body))
    elif meeting.checker:
        signer = Signatory(meeting.checker, _chair_title(body))
    else:
        signer = Signatory(None, _chair_title(body))
    return InvitationDoc(
        issuer=_issuer(db),
        body_name=body,
        number=meeting.number,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        place=meeting.place,
        agenda=tuple(AgendaEntry(a.number, a.title) for a in _agenda(meeting)),
        issued_on=issued_on or dt.date.today(),
        addressee=f"{body} ทุกท่าน",
        signer=signer,
        # Dated the day it is made; made after the meeting, it can only be a copy.
        is_copy=(issued_on or dt.date.today()) > meeting.held_on,
        thai_digits=_digits(db, thai_digits),
    )


def invitation_pdf(
    db: Database, meeting_id: uuid.UUID, *, thai_digits: bool | None = None
) -> bytes:
    """หนังสือเชิญประชุม with the agenda."""
    require(db, Permission.PRINT)
    from justice_desk.documents.meeting_papers import invitation_pdf as build

    print_names.prepare(db)
    pdf = build(invitation_document(db, meeting_id, thai_digits=thai_digits))
    _record_print(db, "meetings", meeting_id, "invitation")
    return pdf


def attendance_document(
    db: Database, meeting_id: uuid.UUID, *, thai_digits: bool | None = None
) -> AttendanceSheetDoc:
    meeting = meetings.get_meeting(db, meeting_id)
    expected = [
        a
        for a in meeting.attendance
        if a.attendance not in (Attendance.GUEST, Attendance.SUBSTITUTE)
    ]
    if not expected:
        raise _missing(
            _("The attendance sheet of meeting {number}").format(number=meeting.number),
            [_("the committee members expected")],
        )
    others = len(meeting.attendance) - len(expected)
    return AttendanceSheetDoc(
        body_name=_body_name(meeting.body_name),
        number=meeting.number,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        place=meeting.place,
        members=tuple(Attendee(a.name, _position(a)) for a in expected),
        blank_rows=max(3, others),
        thai_digits=_digits(db, thai_digits),
    )


def attendance_pdf(
    db: Database, meeting_id: uuid.UUID, *, thai_digits: bool | None = None
) -> bytes:
    """บัญชีลงชื่อผู้มาประชุม with a signature column."""
    require(db, Permission.PRINT)
    from justice_desk.documents.meeting_papers import attendance_sheet_pdf as build

    print_names.prepare(db)
    pdf = build(attendance_document(db, meeting_id, thai_digits=thai_digits))
    _record_print(db, "meetings", meeting_id, "attendance")
    return pdf


# -- cases -------------------------------------------------------------------------------------


def _party(db: Database, party: PartyRecord) -> PartyEntry:
    try:
        person = people.get_person(db, party.person_id)
    except NotFoundError:
        return PartyEntry(party.name, party.address or None)
    return PartyEntry(party.name, _address(person) or None)


def _signing_party(db: Database, party: PartyRecord, on: dt.date) -> PartyEntry:
    """A party as the agreement names them: with the national ID in full (the agreement must
    identify who is bound by it) and the age in completed years on the day it is made, each
    only when recorded (an age from a birth year alone could be a year out: left out)."""
    from justice_desk.domain.eligibility import age_on
    from justice_desk.domain.national_id import display

    try:
        person = people.get_person(db, party.person_id)
    except NotFoundError:
        return PartyEntry(party.name, party.address or None)
    birth = person.birth_date
    return PartyEntry(
        party.name,
        _address(person) or None,
        national_id=display(person.national_id) if person.national_id else None,
        age=age_on(birth, on) if birth is not None and birth <= on else None,
    )


def _signing_parties(
    db: Database, case: CaseDetail, side: PartySide, on: dt.date
) -> tuple[PartyEntry, ...]:
    return tuple(_signing_party(db, p, on) for p in case.parties_on(side))


def _parties(db: Database, case: CaseDetail, side: PartySide) -> tuple[PartyEntry, ...]:
    return tuple(_party(db, p) for p in case.parties_on(side))


def _mediators(case: CaseDetail) -> tuple[MediatorEntry, ...]:
    return tuple(MediatorEntry(m.name, m.registration_no) for m in case.mediators)


def _assessed_th(case: CaseDetail) -> Eligibility:
    """The case's eligibility, worded in Thai (documents print Thai whatever the app's
    language)."""
    return assess(config.mediation_rules(), case.eligibility_facts(), tr=th, lang="th")


#: The eligibility answer as an intake record states it: what the law says of the matter, in
#: the record's words, without the app's advice to the clerk ("โปรดส่งเรื่องต่อไปยัง…",
#: "โปรดระบุ…"). The referral is a labelled line of the record (หน่วยงานที่ควรส่งต่อ), and the
#: record's details say what was not entered. Messages not listed here read the same in both.
_RECORD_TH: dict[str, str] = {
    rules_text.CHOOSE_CATEGORY: "ยังไม่ได้ระบุว่าเป็นข้อพิพาททางแพ่งหรือทางอาญา",
    rules_text.CHOOSE_MATTER: ("ยังไม่ได้ระบุลักษณะของข้อพิพาท จึงยังไม่ได้ตรวจสอบว่าไกล่เกลี่ยได้หรือไม่"),
    rules_text.MATTER_NO: ("เรื่อง{matter} ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไม่สามารถไกล่เกลี่ยได้ ({rule})"),
    # The rules file's note on why the law is unclear is for the coordinator (it says what could
    # not be checked); the record keeps the finding and its citation.
    rules_text.MATTER_UNCLEAR: (
        "เรื่อง{matter} กฎหมายยังไม่ชัดเจนว่าศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้หรือไม่ ({rule})"
    ),
    rules_text.JUVENILE: (
        "ผู้ถูกกล่าวหาว่ากระทำความผิดมีอายุ {age} ปีในวันกระทำความผิด ซึ่งยังไม่ถึง {adult} ปีบริบูรณ์"
        " คดีจึงอยู่ในอำนาจของศาลเยาวชนและครอบครัว และพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562"
        " มิให้ใช้บังคับ ({rule})"
    ),
    rules_text.OVER_CAP: (
        "ข้อพิพาททางแพ่งที่มีทุนทรัพย์เกิน {cap} บาท ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไม่สามารถไกล่เกลี่ยได้ ({rule})"
    ),
    rules_text.NEED_AGE: (
        "ยังไม่ได้ระบุอายุของผู้ถูกกล่าวหาในวันกระทำความผิด ซึ่งพระราชบัญญัตินี้มิให้ใช้บังคับแก่ความผิด"
        "ที่ผู้มีอายุยังไม่ถึง {adult} ปีบริบูรณ์เป็นผู้กระทำ ({rule})"
    ),
    rules_text.NEED_OFFENCE_DATE: (
        "ยังไม่ได้ระบุวันกระทำความผิด ซึ่งอายุของผู้ถูกกล่าวหาในวันนั้นเป็นตัวกำหนดว่าพระราชบัญญัตินี้ใช้บังคับหรือไม่ ({rule})"
    ),
    rules_text.NEED_AMOUNT: (
        "ยังไม่ได้ระบุจำนวนทุนทรัพย์ที่พิพาท ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนไกล่เกลี่ยข้อพิพาท"
        "ทางแพ่งได้เฉพาะที่มีทุนทรัพย์ไม่เกิน {cap} บาท ({rule})"
    ),
    rules_text.ASK_STAGE: (
        "หากเรื่องนี้อยู่ระหว่างการสอบสวนหรือพิจารณาของพนักงานสอบสวน พนักงานอัยการ หรือศาล"
        " ต้องแจ้งให้หน่วยงานนั้นทราบถึงการไกล่เกลี่ย ({rule})"
    ),
    # Other referrals are lines of their own under หน่วยงานที่ควรส่งต่อ.
    rules_text.OR_REFERRAL: "",
    # The app's reading of the cap for a dispute without money, for the coordinator: the record
    # says "ไม่มีทุนทรัพย์" among its details and cites the section.
    rules_text.NO_MONEY_NOTE: "",
}


def _record_th(message: str) -> str:
    """An eligibility message as the intake record words it (:data:`_RECORD_TH`)."""
    return _RECORD_TH.get(message, th(message))


def _assessed_for_record(case: CaseDetail) -> Eligibility:
    """The case's eligibility in the intake record's Thai: the finding, not the advice."""
    return assess(config.mediation_rules(), case.eligibility_facts(), tr=_record_th, lang="th")


def _cite_th(codes: tuple[str, ...]) -> str:
    """Citations in full, as a Thai document writes them: ``มาตรา 35 (1) แห่งพระราชบัญญัติ…``."""
    return config.mediation_rules().cite(codes, "th", full=True) if codes else ""


_STAGE_TH = {
    CriminalStage.NONE: "ยังไม่อยู่ระหว่างการสอบสวนหรือพิจารณาของพนักงานสอบสวน พนักงานอัยการ หรือศาล",
    CriminalStage.POLICE: "อยู่ระหว่างการสอบสวนของพนักงานสอบสวน",
    CriminalStage.PROSECUTOR: "อยู่ระหว่างการพิจารณาของพนักงานอัยการ",
    CriminalStage.COURT: "อยู่ระหว่างการพิจารณาคดีของศาล",
}


def _intake_details_th(case: CaseDetail) -> tuple[tuple[str, str], ...]:
    """The facts the mediation rules asked for, as labelled lines of the intake record."""
    if case.kind is not CaseKind.DISPUTE:
        return ()
    lines: list[tuple[str, str]] = []
    if case.category is CaseCategory.CIVIL and case.amount_satang is None:
        lines.append(
            (
                "จำนวนทุนทรัพย์",
                "ไม่มีทุนทรัพย์ (ข้อพิพาทมิใช่เรื่องเงิน)" if case.no_money_value else "ยังไม่ได้ระบุ",
            )
        )
    if case.category is CaseCategory.CRIMINAL:
        age = case.offender_age_at_offence
        if age is None:
            text = "ยังไม่ได้ระบุ"
        elif case.offender_birth_date is not None and case.incident_on is not None:
            text = f"{age} ปี (เกิดวันที่ {format_date(case.offender_birth_date, 'th')})"
        else:
            text = f"{age} ปี"
        lines.append(("อายุของผู้ถูกกล่าวหาในวันกระทำความผิด", text))
        stage = case.criminal_stage
        lines.append(("การดำเนินคดีอาญา", _STAGE_TH[stage] if stage else "ยังไม่ได้สอบถาม"))
    return tuple(lines)


def _not_mediable_th(case: CaseDetail) -> str | None:
    """Why a center may not mediate this dispute, as a referral letter says it."""
    if case.kind is not CaseKind.DISPUTE or case.eligibility.verdict is not Verdict.NO:
        return None
    e = _assessed_th(case)
    rules = config.mediation_rules()
    cited = _cite_th(e.cites)
    if e.ground is Ground.JUVENILE:
        return (
            f"เนื่องจากผู้ถูกกล่าวหาว่ากระทำความผิดมีอายุ {case.offender_age_at_offence} ปี"
            f"ในวันกระทำความผิด ซึ่งยังไม่ถึงสิบแปดปีบริบูรณ์ คดีจึงอยู่ในอำนาจของศาลเยาวชนและครอบครัว"
            f" ซึ่งพระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562 มิให้ใช้บังคับ ({cited})"
        )
    if e.ground is Ground.OVER_CAP:
        cap = rules.civil_amount_cap_satang // 100
        return (
            f"เนื่องจากข้อพิพาททางแพ่งนี้มีทุนทรัพย์เกิน {cap:,} บาท ซึ่งเกินกว่าที่"
            f"ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้ ({cited})"
        )
    matter = rules.matters_for(case.category).get(case.matter_code or "")
    if matter is None:
        return None
    return (
        f"เนื่องจากเรื่อง{matter.label('th')} ไม่อยู่ในหลักเกณฑ์"
        f"ที่ศูนย์ไกล่เกลี่ยข้อพิพาทภาคประชาชนจะไกล่เกลี่ยได้ ({cited})"
    )


def intake_document(
    db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None
) -> IntakeDoc:
    case = cases.get_case(db, case_id)
    applicants = _parties(db, case, PartySide.APPLICANT)
    if not applicants:
        raise _missing(
            _("The intake record of case {number}").format(number=case.number),
            [_("the applicant")],
        )
    e = _assessed_for_record(case)
    category = (
        _label(case.category)
        if case.kind is CaseKind.DISPUTE and case.category is not CaseCategory.NONE
        else None
    )
    return IntakeDoc(
        issuer=_issuer(db),
        case_number=case.number,
        received_on=case.received_on,
        kind=_label(case.kind),
        channel=_label(case.channel),
        subject=case.subject,
        applicants=applicants,
        respondents=_parties(db, case, PartySide.RESPONDENT),
        others=_parties(db, case, PartySide.OTHER),
        category=category,
        facts=case.facts,
        incident_on=case.incident_on,
        amount_satang=case.amount_satang,
        mediable=e.mediable,
        eligibility_note=e.reason,
        referral=e.referral_label or None,
        details=_intake_details_th(case),
        citation=_cite_th(e.cites) or None,
        notes=tuple(note for note in e.notes if note),
        other_referrals=tuple(r.label for r in e.referrals[1:]),
        rules_version=e.rules_version or None,
        received_by=_received_by(db, case_id),
        thai_digits=_digits(db, thai_digits),
    )


def _received_by(db: Database, case_id: uuid.UUID) -> str | None:
    """The name of who took the matter in (the case's responsible person), if recorded."""
    from justice_desk.services.people import full_name

    with db.read() as session:
        title, given, surname = q.responsible_name(session, case_id)
    return full_name(title, given, surname) if given else None


def intake_pdf(db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None) -> bytes:
    """บันทึกการรับเรื่อง of a case."""
    require(db, Permission.PRINT)
    from justice_desk.documents.case_papers import intake_pdf as build

    print_names.prepare(db)
    pdf = build(intake_document(db, case_id, thai_digits=thai_digits))
    _record_print(db, "cases", case_id, "intake")
    return pdf


def agreement_document(
    db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None
) -> AgreementDoc:
    """The §30 agreement of a case whose settlement is recorded (to be signed, or signed)."""
    case = cases.get_case(db, case_id)
    settlement = case.settlement
    if settlement is None or case.status not in (
        CaseStatus.IN_MEDIATION,
        CaseStatus.SETTLED,
        CaseStatus.CLOSED,
    ):
        raise ValidationError(
            _(
                "Case {number} has no settlement agreement to print: record the settlement first."
            ).format(number=case.number),
            "settlement",
        )
    dispute = case.subject
    return AgreementDoc(
        issuer=_issuer(db),
        case_number=case.number,
        agreed_on=settlement.agreed_on,
        place=settlement.place,
        applicants=_signing_parties(db, case, PartySide.APPLICANT, settlement.agreed_on),
        respondents=_signing_parties(db, case, PartySide.RESPONDENT, settlement.agreed_on),
        mediators=_mediators(case),
        dispute=dispute,
        voluntary=settlement.voluntary_confirmed,
        terms=settlement.terms,
        # Everyone who took part signs (§30): an interpreter, a guardian, recorded as others.
        others=tuple(
            PartyEntry(p.name, role=p.role_note or None) for p in case.parties_on(PartySide.OTHER)
        ),
        total_satang=settlement.total_satang,
        instalments=tuple(
            InstalmentEntry(i.seq, i.due_on, i.amount_satang) for i in settlement.instalments
        ),
        enforcement_deadline=deadlines.enforcement_deadline(settlement.agreed_on),
        certificate_no=case.certificate_no,
        certificate_on=case.certificate_on,
        witnesses=settlement.witnesses,
        criminal=case.category is CaseCategory.CRIMINAL,
        civil_part=bool(settlement.total_satang or settlement.instalments),
        thai_digits=_digits(db, thai_digits),
    )


def agreement_pdf(db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None) -> bytes:
    """บันทึกข้อตกลงระงับข้อพิพาท; refuses (ValidationError listing what is missing) when the
    record lacks what §30 requires."""
    require(db, Permission.PRINT)
    from justice_desk.documents.case_papers import agreement_pdf as build

    print_names.prepare(db)
    pdf = build(agreement_document(db, case_id, thai_digits=thai_digits))
    _record_print(db, "cases", case_id, "agreement")
    return pdf


def unsettled_document(
    db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None
) -> UnsettledDoc:
    case = cases.get_case(db, case_id)
    ended = [e for e in case.events if e.action is CaseAction.TERMINATE]
    if not ended:
        raise ValidationError(
            _(
                "Case {number} was not ended without agreement, so there is no record of an "
                "unsuccessful mediation."
            ).format(number=case.number),
            "status",
        )
    event = ended[-1]
    ended_on = case.mediation_ended_on or event.occurred_on
    return UnsettledDoc(
        issuer=_issuer(db),
        case_number=case.number,
        received_on=case.received_on,
        dispute=case.subject,
        applicants=_parties(db, case, PartySide.APPLICANT),
        respondents=_parties(db, case, PartySide.RESPONDENT),
        mediators=_mediators(case),
        # Only the dates: what was said in the sessions is confidential (§12, §29).
        session_dates=tuple(s.held_on for s in case.sessions),
        ended_on=ended_on,
        limitation_until=deadlines.limitation_extended_until(ended_on),
        reason=event.note,
        thai_digits=_digits(db, thai_digits),
    )


def unsettled_pdf(db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None) -> bytes:
    """บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ (end date and the §6 60-day extension)."""
    require(db, Permission.PRINT)
    from justice_desk.documents.case_papers import unsettled_pdf as build

    print_names.prepare(db)
    pdf = build(unsettled_document(db, case_id, thai_digits=thai_digits))
    _record_print(db, "cases", case_id, "unsettled")
    return pdf


def _chair_on(db: Database, day: dt.date, center: str) -> Signatory:
    seat = next((s for s in people.roster(db, day) if s.position is CommitteePosition.CHAIR), None)
    return Signatory(seat.person_name if seat else None, f"ประธานกรรมการ{center}")


def referral_document(
    db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None
) -> ReferralDoc:
    case = cases.get_case(db, case_id)
    issuer = _issuer(db)
    referred = [e for e in case.events if e.action in (CaseAction.REFER, CaseAction.ESCALATE)]
    if not referred:
        raise ValidationError(
            _("Case {number} was not referred or escalated: record the referral first.").format(
                number=case.number
            ),
            "status",
        )
    event = referred[-1]
    if event.action is CaseAction.ESCALATE:
        addressee = f"ยุติธรรมจังหวัด{issuer.province}" if issuer.province else "ยุติธรรมจังหวัด"
    else:
        addressee = case.referral_target or ""
    # The letter gives the legal reason, if there is one. The note on a referral is the
    # clerk's record ("ส่งเรื่องให้…ดำเนินการ"), a half-sentence beside the letter's own request,
    # and is not printed; the note on an escalation is why the center asks the province.
    reasons = []
    if (why := _not_mediable_th(case)) is not None:
        reasons.append(why)
    elif event.action is CaseAction.ESCALATE and event.note:
        reasons.append(event.note)
    issued_on = event.occurred_on
    return ReferralDoc(
        issuer=issuer,
        case_number=case.number,
        issued_on=issued_on,
        addressee=addressee,
        kind=_label(case.kind),
        subject=case.subject,
        received_on=case.received_on,
        applicants=_parties(db, case, PartySide.APPLICANT),
        respondents=_parties(db, case, PartySide.RESPONDENT),
        reason="\n".join(reasons) or None,
        enclosures=(f"สำเนาบันทึกการรับเรื่อง เลขที่รับ {case.number} จำนวน 1 ฉบับ",),
        signer=_chair_on(db, issued_on, issuer.name),
        thai_digits=_digits(db, thai_digits),
    )


def referral_pdf(db: Database, case_id: uuid.UUID, *, thai_digits: bool | None = None) -> bytes:
    """หนังสือส่งต่อ to the agency the case was referred to (or the Provincial Justice Office)."""
    require(db, Permission.PRINT)
    from justice_desk.documents.case_papers import referral_pdf as build

    print_names.prepare(db)
    pdf = build(referral_document(db, case_id, thai_digits=thai_digits))
    _record_print(db, "cases", case_id, "referral")
    return pdf


# -- monthly report ----------------------------------------------------------------------------


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not (1 <= month <= 12) or not (1900 <= year <= 2400):
        raise ValidationError(
            _("{year}-{month:02d} is not a month.").format(year=year, month=month), "month"
        )
    first = dt.date(year, month, 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    return first, last


def _last_in(
    events: Iterable[tuple[dt.date, CaseStatus]], start: dt.date, end: dt.date
) -> CaseStatus | None:
    last = None
    for on, status in events:
        if start <= on <= end:
            last = status
    return last


def monthly_document(
    db: Database,
    year: int,
    month: int,
    *,
    thai_digits: bool | None = None,
    reported_on: dt.date | None = None,
) -> MonthlyReportDoc:
    """Counts for ``year``-``month`` (Gregorian) and for the fiscal year to the month's end.

    A case counts under "received" by the day it was received, and under an outcome by the last
    outcome it reached within the period (a case terminated and then referred in the same month
    counts once, as referred).
    """
    first, last = _month_range(year, month)
    fiscal = fiscal_year_be(first)
    fy_start, _fy_end = fiscal_year_range(fiscal)
    owner = db.site_id
    outcomes = set(OUTCOMES)
    received_month: dict[CaseKind, int] = dict.fromkeys(CaseKind, 0)
    received_ytd: dict[CaseKind, int] = dict.fromkeys(CaseKind, 0)
    outcome_month: dict[CaseStatus, int] = dict.fromkeys(OUTCOMES, 0)
    outcome_ytd: dict[CaseStatus, int] = dict.fromkeys(OUTCOMES, 0)
    pending = 0
    settled_month = settled_ytd = 0
    with db.read() as session:
        rows = q.cases_page(
            session,
            search=None,
            status=None,
            kind=None,
            owner_id=owner,
            offset=0,
            limit=10**9,
            order="received",
            descending=False,
        ).rows
        for row in rows:
            received_on: dt.date = row.received_on
            if received_on > last:
                continue
            kind, status = CaseKind(row.kind), CaseStatus(row.status)
            if first <= received_on:
                received_month[kind] += 1
            if fy_start <= received_on:
                received_ytd[kind] += 1
            if status in _STILL_OPEN:
                pending += 1
                continue
            events = sorted(
                (
                    (e.occurred_on, CaseStatus(e.to_status))
                    for e in repo.children(session, CaseEvent, "case_id", row.id)
                    if CaseStatus(e.to_status) in outcomes
                ),
                key=lambda pair: pair[0],
            )
            if not any(on <= last for on, _s in events):
                pending += 1
            in_month = _last_in(events, first, last)
            in_year = _last_in(events, fy_start, last)
            amount = 0
            if CaseStatus.SETTLED in (in_month, in_year):
                settlement = q.settlement_of(session, row.id)
                if settlement is not None:
                    amount = settlement.total_satang or 0
            if in_month is not None:
                outcome_month[in_month] += 1
                if in_month is CaseStatus.SETTLED:
                    settled_month += amount
            if in_year is not None:
                outcome_ytd[in_year] += 1
                if in_year is CaseStatus.SETTLED:
                    settled_ytd += amount
    activity_rows = activities.list_activities(db, owner_id=owner, limit=10**9).rows
    act_month = [a for a in activity_rows if first <= a.held_on <= last]
    act_year = [a for a in activity_rows if fy_start <= a.held_on <= last]
    issuer = _issuer(db)
    secretary = next(
        (s for s in people.roster(db, last) if s.position is CommitteePosition.SECRETARY), None
    )
    reporter = Signatory(
        secretary.person_name if secretary else None,
        f"{th(CommitteePosition.labels()['secretary'])}{issuer.name}",
    )
    return MonthlyReportDoc(
        issuer=issuer,
        year=year,
        month=month,
        fiscal_year_be=fiscal,
        fiscal_year_start=fy_start,
        by_kind=tuple(CountRow(_label(k), received_month[k], received_ytd[k]) for k in CaseKind),
        by_outcome=tuple(CountRow(_label(s), outcome_month[s], outcome_ytd[s]) for s in OUTCOMES),
        pending_at_month_end=pending,
        settled_amount_month_satang=settled_month,
        settled_amount_ytd_satang=settled_ytd,
        activities=CountRow("จำนวนครั้ง", len(act_month), len(act_year)),
        activity_participants=CountRow(
            "จำนวนผู้เข้าร่วม",
            sum(a.participants for a in act_month),
            sum(a.participants for a in act_year),
        ),
        reported_on=reported_on or dt.date.today(),
        reporter=reporter,
        thai_digits=_digits(db, thai_digits),
    )


def monthly_pdf(db: Database, year: int, month: int, *, thai_digits: bool | None = None) -> bytes:
    """รายงานผลการดำเนินงานประจำเดือน of this center (``year`` Gregorian)."""
    require(db, Permission.PRINT)
    from justice_desk.documents.monthly_report import monthly_report_pdf as build

    print_names.prepare(db)
    pdf = build(monthly_document(db, year, month, thai_digits=thai_digits))
    _record_print(db, None, None, f"monthly {year:04d}-{month:02d}")
    return pdf


#: Document name -> (what identifies the record, function making the PDF).
DOCUMENTS: dict[str, tuple[str, Callable[..., bytes]]] = {
    "minutes": ("meeting", minutes_pdf),
    "invitation": ("meeting", invitation_pdf),
    "attendance": ("meeting", attendance_pdf),
    "intake": ("case", intake_pdf),
    "agreement": ("case", agreement_pdf),
    "unsettled": ("case", unsettled_pdf),
    "referral": ("case", referral_pdf),
    "monthly": ("month", monthly_pdf),
}
