"""Case papers: the intake record, the settlement agreement (§30), the record of an
unsuccessful mediation (§6, §31) and the referral letter.

Session notes never appear here: what is said in mediation is confidential (§12, §29). The
documents only carry what the data objects hold, and those carry no notes.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_LEFT
from reportlab.platypus import Flowable

from justice_desk.documents.data import (
    AgreementDoc,
    IntakeDoc,
    MediatorEntry,
    PartyEntry,
    ReferralDoc,
    Signatory,
    UnsettledDoc,
)
from justice_desk.documents.layout import (
    Story,
    baht,
    contact_lines,
    date_text,
    names_in,
)
from justice_desk.documents.pdf import build_pdf
from justice_desk.documents.styles import FIRST_LINE_INDENT
from justice_desk.domain.agreement_terms import TermsMoney, read_terms
from justice_desk.errors import ValidationError
from justice_desk.i18n import N_, _

__all__ = [
    "AgreementContradictionError",
    "AgreementIncompleteError",
    "agreement_missing",
    "agreement_pdf",
    "agreement_story",
    "intake_pdf",
    "intake_story",
    "referral_pdf",
    "referral_story",
    "unsettled_pdf",
    "unsettled_story",
]

APPLICANT = "ผู้ยื่นคำขอ"
RESPONDENT = "คู่กรณีอีกฝ่าย"
OTHER_PARTY = "ผู้เกี่ยวข้องอื่น"
MEDIATOR = "ผู้ไกล่เกลี่ยข้อพิพาท"
WITNESS = "พยาน"
ACT = "พระราชบัญญัติการไกล่เกลี่ยข้อพิพาท พ.ศ. 2562"
# The role words the terms use (typed by the clerk, often ผู้ร้อง / ผู้ถูกร้อง / คู่พิพาท), tied
# to the party headings once, as Thai agreements define them.
APPLICANT_TERMS = "ซึ่งต่อไปในบันทึกนี้เรียกว่า “ผู้ยื่นคำขอ” หรือ “ผู้ร้อง” ฝ่ายหนึ่ง"
RESPONDENT_TERMS = (
    "ซึ่งต่อไปในบันทึกนี้เรียกว่า “คู่กรณีอีกฝ่าย” หรือ “ผู้ถูกร้อง” อีกฝ่ายหนึ่ง ทั้งสองฝ่ายรวมกันเรียกว่า “คู่พิพาท”"
)


def _heading(story: Story, text: str) -> None:
    story.add(story.para(text, "heading", spaceBefore=6, keepWithNext=1))


def _issuer_block(story: Story, name: str, locality: str) -> None:
    story.add(story.para(name, "centre"))
    if locality:
        story.add(story.para(locality, "centre"))


def _parties(story: Story, prefix: str, parties: tuple[PartyEntry, ...]) -> None:
    """``1.1 นายสมศักดิ์ ใจดี อายุ 45 ปี เลขประจำตัวประชาชน …`` and the address on the lines
    below, indented; the age and the ID only when the entry carries them."""
    for i, party in enumerate(parties, start=1):
        number = f"{prefix}{i} " if len(parties) > 1 or prefix else ""
        text = f"{number}{party.name}"
        if party.age is not None:
            text += f" อายุ {party.age} ปี"
        if party.national_id:
            text += f" เลขประจำตัวประชาชน {party.national_id}"
        if party.address:
            text += f" ที่อยู่ {party.address}"
        story.add(
            story.para(
                text,
                "body",
                leftIndent=FIRST_LINE_INDENT * 1.5,
                firstLineIndent=-FIRST_LINE_INDENT * 0.5,
            )
        )


def _names(parties: tuple[PartyEntry, ...] | tuple[MediatorEntry, ...]) -> str:
    names = [p.name for p in parties]
    if len(names) <= 1:
        return "".join(names)
    return " ".join(names[:-1]) + " และ" + names[-1]


def _mediator_line(mediator: MediatorEntry) -> str:
    if mediator.registration_no:
        return f"{mediator.name} (ทะเบียนผู้ไกล่เกลี่ยเลขที่ {mediator.registration_no})"
    return mediator.name


def _signatures(story: Story, people: tuple[PartyEntry, ...], role: str) -> None:
    for person in people:
        story.signature(Signatory(person.name), role)


# -- intake ------------------------------------------------------------------------------------


def intake_story(doc: IntakeDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    story.add(story.para("บันทึกการรับเรื่อง", "doc_title"))
    _issuer_block(story, doc.issuer.name, doc.issuer.locality)
    story.line_space(0.5)
    story.add(story.para(f"เลขที่รับ {doc.case_number}", "letter_date"))
    story.add(story.para(f"วันที่รับเรื่อง {date_text(doc.received_on)}", "letter_date"))
    story.line_space(0.5)
    kind = doc.kind + (f" ({doc.category})" if doc.category else "")
    story.labelled("ประเภทเรื่อง", kind)
    story.labelled("ช่องทางการรับเรื่อง", doc.channel)
    story.labelled("เรื่อง", doc.subject)
    if doc.incident_on:
        story.labelled("วันที่เกิดเหตุ", date_text(doc.incident_on))
    if doc.amount_satang is not None:
        story.labelled("จำนวนทุนทรัพย์", baht(doc.amount_satang))
    for label, value in doc.details:
        story.labelled(label, value)

    _heading(story, f"{APPLICANT}" if doc.respondents else "ผู้ยื่นเรื่อง")
    _parties(story, "", doc.applicants)
    if doc.respondents:
        _heading(story, RESPONDENT)
        _parties(story, "", doc.respondents)
    if doc.others:
        _heading(story, OTHER_PARTY)
        _parties(story, "", doc.others)

    _heading(story, "ข้อเท็จจริงโดยย่อ")
    story.text(doc.facts or "-", "body_indent")

    _heading(story, "ผลการตรวจสอบเบื้องต้น")
    if doc.eligibility_note:
        story.text(doc.eligibility_note, "body_indent")
    if doc.citation:
        story.add(story.para(f"บทบัญญัติที่อ้างอิง {doc.citation}", "body_indent"))
    for note in doc.notes:
        story.text(note, "body_indent")
    if not doc.mediable and doc.referral:
        story.add(story.para(f"หน่วยงานที่ควรส่งต่อ {doc.referral}", "body_indent"))
        for other in doc.other_referrals:
            story.add(story.para(f"หรือ {other}", "body_indent"))
    if doc.rules_version:
        story.add(
            story.para(
                f"ตรวจสอบตามหลักเกณฑ์การไกล่เกลี่ยข้อพิพาท ฉบับที่ {doc.rules_version}",
                "body_indent",
            )
        )

    story.add(
        story.para(
            "ข้าพเจ้าขอรับรองว่าข้อความข้างต้นเป็นความจริงทุกประการ",
            "body_indent",
            spaceBefore=8,
        )
    )
    first = doc.applicants[0].name if doc.applicants else None
    story.signature(Signatory(first), "ผู้ยื่นเรื่อง")
    story.signature(Signatory(doc.received_by), "ผู้รับเรื่อง")
    return story.flowables


def intake_pdf(doc: IntakeDoc) -> bytes:
    """บันทึกการรับเรื่อง as PDF bytes."""
    return build_pdf(
        intake_story(doc),
        thai_digits=doc.thai_digits,
        title=f"บันทึกการรับเรื่อง {doc.case_number}",
        author=doc.issuer.name,
        subject=f"บันทึกการรับเรื่อง{doc.kind} เลขที่รับ {doc.case_number} เรื่อง{doc.subject}",
    )


# -- settlement agreement ----------------------------------------------------------------------


class AgreementIncompleteError(ValidationError):
    """The agreement lacks what §30 requires; ``missing`` lists it (translated)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            _(
                "The settlement agreement cannot be printed: §30 of the Dispute Mediation Act "
                "requires {items}."
            ).format(items="; ".join(missing)),
            "settlement",
        )
        self.missing = tuple(missing)


class AgreementContradictionError(ValidationError):
    """The typed terms say something about the instalments that the recorded schedule does
    not (a count, a first due date): printed, the agreement would contradict itself."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            _(
                "The settlement agreement cannot be printed: {problems}. Correct the terms or "
                "the instalments so that they say the same, then print again."
            ).format(problems="; ".join(problems)),
            "instalments",
        )
        self.problems = tuple(problems)


_TERMS_COUNT = N_("the terms say {typed} instalments, the schedule recorded has {recorded}")
_TERMS_FIRST_DUE = N_(
    "the terms say the first instalment is due on {typed}, the schedule recorded says {recorded}"
)


def agreement_contradictions(doc: AgreementDoc, money: TermsMoney | None = None) -> list[str]:
    """Where the typed terms and the recorded instalments disagree (translated phrases)."""
    if not doc.instalments:
        return []
    money = money or _terms_money(doc)
    problems: list[str] = []
    if money.typed_count is not None and money.typed_count != len(doc.instalments):
        problems.append(
            _(_TERMS_COUNT).format(typed=money.typed_count, recorded=len(doc.instalments))
        )
    first = doc.instalments[0].due_on
    if money.typed_first_due is not None and money.typed_first_due != first:
        problems.append(
            _(_TERMS_FIRST_DUE).format(
                typed=date_text(money.typed_first_due), recorded=date_text(first)
            )
        )
    return problems


def _terms_money(doc: AgreementDoc) -> TermsMoney:
    return read_terms(doc.terms or "", doc.total_satang, [i.due_on for i in doc.instalments])


_NEEDS_APPLICANT = N_("an applicant (name and address)")
_NEEDS_RESPONDENT = N_("a respondent (name and address)")
_NEEDS_ADDRESS = N_("the address of {name}")
_NEEDS_NAME = N_("the name of every party")
_NEEDS_DISPUTE = N_("the dispute")
_NEEDS_VOLUNTARY = N_("confirmation that the parties took part voluntarily")
_NEEDS_TERMS = N_("the terms agreed")
_NEEDS_DATE = N_("the date of the agreement")
_NEEDS_MEDIATOR = N_("a mediator")
_NEEDS_INSTALMENTS = N_("instalments with an amount above zero that add up to the total")


def agreement_missing(doc: AgreementDoc) -> list[str]:
    """What §30 requires and ``doc`` lacks, as translated phrases (empty when complete)."""
    missing: list[str] = []
    if not doc.applicants:
        missing.append(_(_NEEDS_APPLICANT))
    if not doc.respondents:
        missing.append(_(_NEEDS_RESPONDENT))
    parties = (*doc.applicants, *doc.respondents)
    if any(not (p.name or "").strip() for p in parties):
        missing.append(_(_NEEDS_NAME))
    for party in parties:
        if (party.name or "").strip() and not (party.address or "").strip():
            missing.append(_(_NEEDS_ADDRESS).format(name=party.name))
    if not (doc.dispute or "").strip():
        missing.append(_(_NEEDS_DISPUTE))
    if not doc.voluntary:
        missing.append(_(_NEEDS_VOLUNTARY))
    if not (doc.terms or "").strip():
        missing.append(_(_NEEDS_TERMS))
    if doc.agreed_on is None:
        missing.append(_(_NEEDS_DATE))
    if not doc.mediators:
        missing.append(_(_NEEDS_MEDIATOR))
    if doc.instalments and (
        any(i.amount_satang <= 0 for i in doc.instalments)
        or (
            doc.total_satang is not None
            and sum(i.amount_satang for i in doc.instalments) != doc.total_satang
        )
    ):
        missing.append(_(_NEEDS_INSTALMENTS))
    return missing


def agreement_story(doc: AgreementDoc) -> list[Flowable]:
    """The flowables of the agreement; raises :class:`AgreementIncompleteError` (a
    ``ValidationError``) listing what is missing instead of printing an agreement that §30
    would not recognise, and :class:`AgreementContradictionError` when the typed terms and the
    recorded instalments disagree."""
    missing = agreement_missing(doc)
    if missing:
        raise AgreementIncompleteError(missing)
    assert doc.agreed_on is not None and doc.terms and doc.dispute  # checked above
    money = _terms_money(doc)
    contradictions = agreement_contradictions(doc, money)
    if contradictions:
        raise AgreementContradictionError(contradictions)
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    story.add(story.para("บันทึกข้อตกลงระงับข้อพิพาท", "doc_title"))
    story.add(story.para(f"ตาม{ACT}", "centre"))
    # The agreement is made at the center, before its mediator: the center is named as on
    # every case paper.
    _issuer_block(story, doc.issuer.name, doc.issuer.locality)
    story.line_space(0.5)
    story.add(story.para(f"ข้อพิพาทเลขที่ {doc.case_number}", "letter_date"))
    # One place: the line under the number; the sentence below does not name another.
    story.add(story.para(f"ทำที่ {doc.place or doc.issuer.name}", "letter_date"))
    story.add(story.para(f"วันที่ {date_text(doc.agreed_on)}", "letter_date"))
    story.line_space(0.5)

    story.add(story.para("บันทึกข้อตกลงนี้ทำขึ้นระหว่าง", "body_indent"))
    _heading(story, f"ฝ่าย{APPLICANT}")
    _parties(story, "1.", doc.applicants)
    story.add(story.para(APPLICANT_TERMS, "body", leftIndent=FIRST_LINE_INDENT))
    _heading(story, f"ฝ่าย{RESPONDENT}")
    _parties(story, "2.", doc.respondents)
    story.add(story.para(RESPONDENT_TERMS, "body", leftIndent=FIRST_LINE_INDENT))
    _heading(story, MEDIATOR)
    for mediator in doc.mediators:
        story.add(story.para(_mediator_line(mediator), "body", leftIndent=FIRST_LINE_INDENT))
    if doc.others:
        _heading(story, "ผู้ร่วมการไกล่เกลี่ย")
        for other in doc.others:
            role = f" ({other.role})" if other.role else ""
            story.add(story.para(f"{other.name}{role}", "body", leftIndent=FIRST_LINE_INDENT))

    _heading(story, "ข้อพิพาท")
    story.text(doc.dispute, "body_indent")
    story.add(
        story.para(
            "คู่พิพาททั้งสองฝ่ายได้เข้าร่วมการไกล่เกลี่ยข้อพิพาทด้วยความสมัครใจ "
            "และตกลงระงับข้อพิพาทกันได้ โดยมีข้อตกลง ดังนี้",
            "body_indent",
            spaceBefore=4,
        )
    )

    _heading(story, "ข้อตกลง")
    clause = 1
    for paragraph in [p for p in doc.terms.splitlines() if p.strip()]:
        story.add(story.para(f"ข้อ {clause} {paragraph.strip()}", "body_indent"))
        clause += 1
    clause = _money_clause(story, doc, money, clause)
    # §32 ¶2 counts the three years from the day the agreement can be enforced: the date printed
    # is for what is due on the day it is made (instalments fall due later).
    deadline = (
        f" สำหรับข้อตกลงที่บังคับได้ตั้งแต่วันทำบันทึกนี้ คือภายในวันที่ {date_text(doc.enforcement_deadline)}"
        if doc.enforcement_deadline
        else ""
    )
    story.add(
        story.para(
            f"ข้อ {clause} หากฝ่ายใดไม่ปฏิบัติตามบันทึกข้อตกลงนี้ อีกฝ่ายหนึ่งมีสิทธิยื่นคำร้องต่อศาล"
            f"ที่มีเขตอำนาจเพื่อขอให้บังคับตามบันทึกข้อตกลงได้ภายในสามปีนับแต่วันที่อาจบังคับตาม"
            f"บันทึกข้อตกลงได้ (มาตรา 32 วรรคสอง){deadline}",
            "body_indent",
        )
    )
    if doc.criminal:
        clause += 1
        if doc.civil_part:
            text = (
                f"ข้อ {clause} ข้อตกลงนี้เป็นข้อตกลงระงับข้อพิพาททางอาญาที่มีส่วนแพ่ง "
                "สิทธินำคดีอาญามาฟ้องจะระงับเมื่อคู่กรณีได้ปฏิบัติตามข้อตกลงในส่วนแพ่งแล้ว "
                "(มาตรา 37 วรรคหนึ่ง) และเมื่อกรมคุ้มครองสิทธิและเสรีภาพได้ออกหนังสือรับรองแล้ว "
                "(มาตรา 69 วรรคสอง) หากคู่กรณีฝ่ายใดไม่ปฏิบัติตามข้อตกลงในส่วนแพ่ง "
                "คู่กรณีอีกฝ่ายหนึ่งอาจดำเนินการเพื่อขอให้มีการบังคับตามข้อตกลงตามมาตรา 32 ได้ "
                "(มาตรา 37 วรรคสอง)"
            )
        else:
            text = (
                f"ข้อ {clause} ข้อตกลงนี้เป็นข้อตกลงระงับข้อพิพาททางอาญา "
                "เมื่อกรมคุ้มครองสิทธิและเสรีภาพได้ออกหนังสือรับรองแล้ว สิทธินำคดีอาญามาฟ้อง"
                "ย่อมระงับเฉพาะคู่กรณีซึ่งทำข้อตกลงนี้ (มาตรา 35 วรรคสอง และมาตรา 69 วรรคสอง)"
            )
        story.add(story.para(text, "body_indent"))
    if doc.certificate_no:
        when = f" ลงวันที่ {date_text(doc.certificate_on)}" if doc.certificate_on else ""
        story.add(
            story.para(
                f"บันทึกข้อตกลงนี้ได้รับการรับรองให้บังคับได้ (มาตรา 69 วรรคสอง) "
                f"เลขที่ {doc.certificate_no}{when}",
                "body_indent",
            )
        )
    copies = len(doc.applicants) + len(doc.respondents) + 1
    story.add(
        story.para(
            f"บันทึกข้อตกลงนี้ทำขึ้น {copies} ฉบับ มีข้อความถูกต้องตรงกัน คู่พิพาทได้อ่านและเข้าใจ"
            "ข้อความโดยตลอดแล้ว เห็นว่าถูกต้องตรงตามเจตนา จึงได้ลงลายมือชื่อไว้เป็นสำคัญ"
            "ต่อหน้าผู้ไกล่เกลี่ยข้อพิพาทและพยาน และต่างเก็บรักษาไว้ฝ่ายละหนึ่งฉบับ",
            "body_indent",
            spaceBefore=6,
        )
    )
    _signatures(story, doc.applicants, APPLICANT)
    _signatures(story, doc.respondents, RESPONDENT)
    for mediator in doc.mediators:
        story.signature(Signatory(mediator.name), MEDIATOR)
    for other in doc.others:
        story.signature(Signatory(other.name), other.role or OTHER_PARTY)
    for witness in doc.witnesses:
        story.signature(Signatory(witness), WITNESS)
    if not doc.witnesses:
        for _i in range(doc.blank_witnesses):
            story.signature(Signatory(None), WITNESS)
    return story.flowables


def _instalment_lines(story: Story, doc: AgreementDoc) -> None:
    for inst in doc.instalments:
        story.add(
            story.para(
                f"งวดที่ {inst.seq} ชำระภายในวันที่ {date_text(inst.due_on)} "
                f"จำนวน {baht(inst.amount_satang)}",
                "body",
                leftIndent=FIRST_LINE_INDENT + 0.75 * FIRST_LINE_INDENT,
                firstLineIndent=-0.75 * FIRST_LINE_INDENT,
                alignment=TA_LEFT,  # a schedule: its lines are not stretched
            )
        )


def _money_clause(story: Story, doc: AgreementDoc, money: TermsMoney, clause: int) -> int:
    """State the total and the instalments recorded, once: only what the typed terms do not
    already say (``domain/agreement_terms``). Returns the next clause number.

    - nothing typed about the money: a clause of its own with the total and the schedule;
    - the terms speak of instalments without listing each: the schedule follows as the detail of
      that clause ("กำหนดชำระเงินแต่ละงวดตามข้อ 1"), without a clause of its own, and the total
      only if the terms do not give it;
    - the terms list every instalment's date, or give the total and there are no instalments:
      nothing is added.
    """
    if doc.total_satang is None and not doc.instalments:
        return clause
    total = doc.total_satang
    if total is None:
        total = sum(i.amount_satang for i in doc.instalments)
    if not doc.instalments:
        if not money.states_total:
            story.add(
                story.para(f"ข้อ {clause} จำนวนเงินตามข้อตกลงรวมทั้งสิ้น {baht(total)}", "body_indent")
            )
            clause += 1
        return clause
    if money.lists_every_instalment:
        return clause
    if money.mentions_instalments and money.instalment_clause is not None:
        text = f"กำหนดชำระเงินแต่ละงวดตามข้อ {money.instalment_clause}"
        if not money.states_total:
            text += f" รวมทั้งสิ้น {baht(total)}"
        # The line that announces the schedule stays with its first instalments.
        story.add(story.para(f"{text} มีดังนี้", "body_indent", keepWithNext=1))
        _instalment_lines(story, doc)
        return clause
    story.add(
        story.para(
            f"ข้อ {clause} จำนวนเงินตามข้อตกลงรวมทั้งสิ้น {baht(total)}"
            f" แบ่งชำระเป็น {len(doc.instalments)} งวด ดังนี้",
            "body_indent",
            keepWithNext=1,
        )
    )
    _instalment_lines(story, doc)
    return clause + 1


def agreement_pdf(doc: AgreementDoc) -> bytes:
    """บันทึกข้อตกลงระงับข้อพิพาท as PDF bytes; raises :class:`AgreementIncompleteError`."""
    return build_pdf(
        agreement_story(doc),
        thai_digits=doc.thai_digits,
        title=f"บันทึกข้อตกลงระงับข้อพิพาท {doc.case_number}",
        author=doc.issuer.name,
        subject=f"บันทึกข้อตกลงระงับข้อพิพาท ข้อพิพาทเลขที่ {doc.case_number} ตาม{ACT}",
    )


# -- unsuccessful mediation --------------------------------------------------------------------


def unsettled_story(doc: UnsettledDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    story.add(story.para("บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ", "doc_title"))
    _issuer_block(story, doc.issuer.name, doc.issuer.locality)
    story.line_space(0.5)
    story.add(story.para(f"ข้อพิพาทเลขที่ {doc.case_number}", "letter_date"))
    story.add(story.para(f"วันที่ {date_text(doc.ended_on)}", "letter_date"))
    story.line_space(0.5)
    story.labelled("เรื่อง", doc.dispute)
    story.labelled("รับเรื่องเมื่อ", date_text(doc.received_on))
    _heading(story, f"ฝ่าย{APPLICANT}")
    _parties(story, "1.", doc.applicants)
    _heading(story, f"ฝ่าย{RESPONDENT}")
    _parties(story, "2.", doc.respondents)
    _heading(story, MEDIATOR)
    for mediator in doc.mediators:
        story.add(story.para(_mediator_line(mediator), "body", leftIndent=FIRST_LINE_INDENT))
    if not doc.mediators:
        story.add(story.para("-", "body", leftIndent=FIRST_LINE_INDENT))

    _heading(story, "ผลการไกล่เกลี่ย")
    if doc.session_dates:
        dates = ", ".join(date_text(d) for d in doc.session_dates)
        held = f"ได้ดำเนินการไกล่เกลี่ยข้อพิพาทรวม {len(doc.session_dates)} ครั้ง เมื่อวันที่ {dates} "
    else:
        held = "ได้ดำเนินการไกล่เกลี่ยข้อพิพาทแล้ว "
    story.add(
        story.para(
            f"{held}แต่คู่พิพาทไม่อาจตกลงระงับข้อพิพาทกันได้ ผู้ไกล่เกลี่ยข้อพิพาทจึงยุติ"
            f"การไกล่เกลี่ย (มาตรา 31) การไกล่เกลี่ยสิ้นสุดลงเมื่อวันที่ {date_text(doc.ended_on)}",
            "body_indent",
        )
    )
    if doc.reason:
        story.labelled("เหตุที่ยุติการไกล่เกลี่ย", doc.reason, indent=FIRST_LINE_INDENT)

    _heading(story, "อายุความ (มาตรา 6)")
    story.add(
        story.para(
            f"ตามมาตรา 6 แห่ง{ACT} หากอายุความครบกำหนดในระหว่างการไกล่เกลี่ย หรือจะครบกำหนด"
            "ภายในหกสิบวันนับแต่วันที่การไกล่เกลี่ยสิ้นสุดลง ให้ขยายอายุความออกไปถึงหกสิบวัน"
            f"นับแต่วันที่การไกล่เกลี่ยสิ้นสุดลง คือถึงวันที่ {date_text(doc.limitation_until)} "
            "คู่พิพาทที่ประสงค์จะดำเนินคดีต่อศาลหรือหน่วยงานอื่นควรดำเนินการภายในกำหนดนี้",
            "body_indent",
        )
    )
    for mediator in doc.mediators:
        story.signature(Signatory(mediator.name), MEDIATOR)
    _signatures(story, doc.applicants, APPLICANT)
    _signatures(story, doc.respondents, RESPONDENT)
    return story.flowables


def unsettled_pdf(doc: UnsettledDoc) -> bytes:
    """บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ as PDF bytes."""
    return build_pdf(
        unsettled_story(doc),
        thai_digits=doc.thai_digits,
        title=f"บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ {doc.case_number}",
        author=doc.issuer.name,
        subject=f"บันทึกการไกล่เกลี่ยข้อพิพาทไม่สำเร็จ ข้อพิพาทเลขที่ {doc.case_number}",
    )


# -- referral letter ---------------------------------------------------------------------------


def referral_story(doc: ReferralDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    story.letter_opening(doc, f"ส่งต่อเรื่อง{doc.subject}")
    if doc.enclosures:
        story.line_space(0.3)
        if len(doc.enclosures) == 1:
            story.labelled("สิ่งที่ส่งมาด้วย", doc.enclosures[0], bold_label=False)
        else:
            story.labelled(
                "สิ่งที่ส่งมาด้วย",
                " ".join(f"{i}. {e}" for i, e in enumerate(doc.enclosures, start=1)),
                bold_label=False,
            )
    story.line_space(0.5)
    against = f" กรณีพิพาทกับ{_names(doc.respondents)}" if doc.respondents else ""
    story.add(
        story.para(
            f"ด้วย{doc.issuer.name} ได้รับเรื่อง{doc.kind} จาก{_names(doc.applicants)}"
            f" เมื่อวันที่ {date_text(doc.received_on)} เลขที่รับ {doc.case_number}"
            f" เรื่อง{doc.subject}{against}",
            "body_indent",
        )
    )
    contact = "; ".join(f"{p.name} ที่อยู่ {p.address}" for p in doc.applicants if p.address)
    # The reason ("เนื่องจาก…") is part of the sentence that asks, never a paragraph of its own.
    reason = " ".join((doc.reason or "").split())
    if reason and not reason.startswith("เนื่องจาก"):
        reason = f"เนื่องจาก{reason}"
    text = (
        f"{doc.issuer.name} พิจารณาแล้ว เห็นว่าเรื่องดังกล่าวควรได้รับการพิจารณาดำเนินการ"
        f"ตามอำนาจหน้าที่ของท่าน{' ' + reason if reason else ''} "
        "จึงขอส่งเรื่องมาเพื่อโปรดพิจารณาดำเนินการต่อไป"
    )
    if contact:
        text += f" ทั้งนี้ ผู้ยื่นเรื่องติดต่อได้ที่ {contact}"
    story.add(story.para(text, "body_indent"))
    story.add(story.para("จึงเรียนมาเพื่อโปรดพิจารณา", "body_indent", spaceBefore=6))
    story.signature(
        doc.signer,
        "",
        space_before=1.0,
        closing="ขอแสดงความนับถือ",
        letter=True,
        contact=contact_lines(doc.issuer),
    )
    return story.flowables


def referral_pdf(doc: ReferralDoc) -> bytes:
    """หนังสือส่งต่อ as PDF bytes."""
    return build_pdf(
        referral_story(doc),
        thai_digits=doc.thai_digits,
        title=f"หนังสือส่งต่อ {doc.case_number}",
        author=doc.issuer.name,
        subject=f"ส่งต่อเรื่อง{doc.subject} เลขที่รับ {doc.case_number} ถึง{doc.addressee}",
    )
