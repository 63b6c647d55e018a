"""Cases: intake with the eligibility check, parties, mediators, sessions, status events,
settlement with instalments, the §69 certificate, compliance follow-up and deadlines."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from justice_desk import config
from justice_desk.domain import case_flow, deadlines, limits
from justice_desk.domain.access import Permission
from justice_desk.domain.case_flow import CaseAction, Prerequisite
from justice_desk.domain.dates import be_year
from justice_desk.domain.eligibility import Eligibility, Facts, age_on, assess, offender_age
from justice_desk.domain.enums import (
    CaseCategory,
    CaseChannel,
    CaseKind,
    CaseStatus,
    Compliance,
    CriminalStage,
    PartySide,
)
from justice_desk.domain.numbering import format_case_number, next_number
from justice_desk.domain.prosecution import (
    ProsecutionEffect,
    ProsecutionRight,
    prosecution_effect,
)
from justice_desk.errors import ValidationError
from justice_desk.i18n import _
from justice_desk.services import access
from justice_desk.services.access import require
from justice_desk.services.common import (
    Page,
    Saved,
    check_rev,
    clean,
    find_by_reference,
    not_in_future,
    required,
)
from justice_desk.services.escalations import Answer
from justice_desk.services.people import full_name
from justice_desk.storage import access_queries
from justice_desk.storage import case_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    CaseSession,
    ComplianceCheck,
    Instalment,
    Mediator,
    Person,
    Settlement,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PartyInput:
    person_id: uuid.UUID
    side: PartySide
    role_note: str | None = None


@dataclass(frozen=True)
class CaseInput:
    kind: CaseKind
    subject: str
    received_on: dt.date
    channel: CaseChannel = CaseChannel.WALK_IN
    category: CaseCategory = CaseCategory.NONE
    matter_code: str | None = None
    amount_satang: int | None = None
    facts: str | None = None
    incident_on: dt.date | None = None
    parties: tuple[PartyInput, ...] = ()
    # What the mediation rules need besides the matter (docs/mediation-law.md): a civil dispute
    # not about money; the offender's age on the day of the offence (``incident_on``) or date of
    # birth (§8); where a criminal matter stands, None when not asked (§36).
    no_money_value: bool = False
    offender_age: int | None = None
    offender_birth_date: dt.date | None = None
    criminal_stage: CriminalStage | None = None

    def eligibility_facts(self) -> Facts:
        return Facts(
            self.kind,
            self.category,
            self.matter_code,
            self.amount_satang,
            self.no_money_value,
            self.offender_age,
            self.offender_birth_date,
            self.incident_on,
            self.criminal_stage,
        )


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    number: str
    received_on: dt.date
    kind: CaseKind
    status: CaseStatus
    subject: str
    parties: str
    amount_satang: int | None


@dataclass(frozen=True)
class PartyRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    name: str
    address: str
    side: PartySide
    role_note: str | None
    consent: bool | None


@dataclass(frozen=True)
class CaseMediatorRecord:
    id: uuid.UUID
    mediator_id: uuid.UUID
    name: str
    registration_no: str
    no_conflict_confirmed: bool
    conflict_disclosure: str | None


@dataclass(frozen=True)
class SessionInput:
    held_on: dt.date
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    place: str | None = None
    attendees: str | None = None
    summary: str | None = None
    notes: str | None = None  # confidential (§12, §29)
    next_on: dt.date | None = None


@dataclass(frozen=True)
class SessionRecord(SessionInput):
    id: uuid.UUID = uuid.UUID(int=0)
    session_no: int = 0


@dataclass(frozen=True)
class EventRecord:
    id: uuid.UUID
    action: CaseAction
    from_status: CaseStatus
    to_status: CaseStatus
    occurred_on: dt.date
    note: str | None


@dataclass(frozen=True)
class InstalmentInput:
    due_on: dt.date
    amount_satang: int


@dataclass(frozen=True)
class InstalmentRecord(InstalmentInput):
    id: uuid.UUID = uuid.UUID(int=0)
    seq: int = 0
    paid_on: dt.date | None = None
    paid_satang: int | None = None


@dataclass(frozen=True)
class SettlementInput:
    agreed_on: dt.date
    terms: str
    voluntary_confirmed: bool
    place: str | None = None
    total_satang: int | None = None
    instalments: tuple[InstalmentInput, ...] = ()
    #: The witnesses who sign the agreement, by name (blank lines are left out).
    witnesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettlementRecord:
    id: uuid.UUID
    agreed_on: dt.date
    terms: str
    voluntary_confirmed: bool
    place: str | None
    total_satang: int | None
    instalments: tuple[InstalmentRecord, ...]
    witnesses: tuple[str, ...] = ()


#: The witnesses an agreement names: at most this many, each name at most this long.
MAX_WITNESSES = 6
WITNESS_NAME_MAX = 200


def witness_names(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The witnesses as they are stored and printed: each name on one line with single spaces,
    blank ones left out; refuses too many or too long (ValidationError on ``witnesses``)."""
    cleaned = tuple(" ".join(n.split()) for n in names if n and n.strip())
    if len(cleaned) > MAX_WITNESSES or any(len(n) > WITNESS_NAME_MAX for n in cleaned):
        raise ValidationError(
            _(
                "Write each witness's full name on a line of its own: at most {count} witnesses, "
                "{length} characters each."
            ).format(count=MAX_WITNESSES, length=WITNESS_NAME_MAX),
            "witnesses",
        )
    return cleaned


@dataclass(frozen=True)
class ComplianceRecord:
    id: uuid.UUID
    checked_on: dt.date
    result: Compliance
    note: str | None


@dataclass(frozen=True)
class CaseDetail:
    id: uuid.UUID
    rev: int
    number: str
    year_be: int
    number_in_year: int
    kind: CaseKind
    category: CaseCategory
    matter_code: str | None
    channel: CaseChannel
    subject: str
    facts: str | None
    amount_satang: int | None
    received_on: dt.date
    incident_on: dt.date | None
    status: CaseStatus
    eligibility: Eligibility
    outcome_on: dt.date | None
    mediation_ended_on: dt.date | None
    certificate_no: str | None
    certificate_on: dt.date | None
    referral_target: str | None
    referred_on: dt.date | None
    escalated_on: dt.date | None
    parties: tuple[PartyRecord, ...] = ()
    mediators: tuple[CaseMediatorRecord, ...] = ()
    sessions: tuple[SessionRecord, ...] = ()
    #: the sessions' confidential notes were left out: the person may not read them
    notes_hidden: bool = False
    events: tuple[EventRecord, ...] = ()
    settlement: SettlementRecord | None = None
    compliance: tuple[ComplianceRecord, ...] = ()
    deadlines: deadlines.CaseDeadlines = field(default_factory=deadlines.CaseDeadlines)
    allowed_actions: tuple[CaseAction, ...] = ()
    no_money_value: bool = False
    offender_age: int | None = None
    offender_birth_date: dt.date | None = None
    criminal_stage: CriminalStage | None = None
    prosecution: ProsecutionEffect = field(
        default_factory=lambda: ProsecutionEffect(ProsecutionRight.NOT_APPLICABLE)
    )
    #: The Provincial Justice Office's answer to the escalated case: its own record, read-only
    #: here (at a center it came with a receipt; docs/sync.md §12).
    escalation_answer: Answer | None = None

    @property
    def offender_age_at_offence(self) -> int | None:
        """The age the rules used: from the date of birth and the incident date, else typed."""
        return offender_age(self.eligibility_facts())

    def eligibility_facts(self) -> Facts:
        return Facts(
            self.kind,
            self.category,
            self.matter_code,
            self.amount_satang,
            self.no_money_value,
            self.offender_age,
            self.offender_birth_date,
            self.incident_on,
            self.criminal_stage,
        )

    def parties_on(self, side: PartySide) -> list[PartyRecord]:
        return [p for p in self.parties if p.side is side]

    def missing_before(self, action: CaseAction | None) -> list[Prerequisite]:
        """What must be on record before ``action`` (``None``: writing the settlement
        agreement) can be taken: ``act`` and ``record_settlement`` refuse until it is."""
        return case_flow.missing_before(
            action, has_mediator=bool(self.mediators), has_agreement=self.settlement is not None
        )


def assess_eligibility(facts: Facts | CaseInput) -> Eligibility:
    """The eligibility check the intake form runs as the user types (the rules in force)."""
    if isinstance(facts, CaseInput):
        facts = facts.eligibility_facts()
    return assess(config.mediation_rules(), facts)


class StepNotReadyError(ValidationError):
    """A step asked for before what it needs is on record (``case_flow.missing_before``):
    ``missing`` says what, so that a screen can open the place where it is done."""

    missing: Prerequisite

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field)


class MediatorRequiredError(StepNotReadyError):
    """The settlement agreement, or the step "settled", before any mediator is assigned."""

    missing = Prerequisite.MEDIATOR
    reason = "mediator_required"

    def __init__(self, number: str, action: CaseAction | None) -> None:
        if action is CaseAction.SETTLE:
            message = _(
                "Case {number} has no mediator yet, so it cannot be recorded as settled: assign "
                "the mediator the parties chose first (§30: the mediator signs the agreement)."
            )
        else:
            message = _(
                "Case {number} has no mediator yet: assign the mediator the parties chose "
                "before recording the settlement agreement (§30: it is made before the "
                "mediator, who signs it)."
            )
        super().__init__(message.format(number=number), "mediators")


class AgreementRequiredError(StepNotReadyError):
    """The step "settled" before the settlement agreement is recorded."""

    missing = Prerequisite.AGREEMENT
    reason = "agreement_required"

    def __init__(self, number: str) -> None:
        super().__init__(
            _(
                "Case {number} has no settlement agreement yet: record the agreement, print it "
                "for the parties and the mediator to sign, then record the settlement."
            ).format(number=number),
            "settlement",
        )


def _refuse_missing(session: Session, case: Case, action: CaseAction | None) -> None:
    """Raise the named refusal for the first thing ``action`` still lacks."""
    missing = case_flow.missing_before(
        action,
        has_mediator=bool(repo.children(session, CaseMediator, "case_id", case.id)),
        has_agreement=q.settlement_of(session, case.id) is not None,
    )
    if not missing:
        return
    number = format_case_number(case.number, case.year_be)
    if missing[0] is Prerequisite.MEDIATOR:
        raise MediatorRequiredError(number, action)
    raise AgreementRequiredError(number)


MAX_AGE = limits.AGE_MAX


def _amount_recorded(satang: int | None, field: str) -> None:
    """An amount the province's database holds too (domain.limits.SATANG_MAX), or a message."""
    if satang is not None and satang > limits.SATANG_MAX:
        raise ValidationError(
            _(
                "The amount is more than {most} baht, the most the program records; "
                "write the amount in the facts instead."
            ).format(most=f"{limits.SATANG_MAX / 100:,.2f}"),
            field,
        )


def _check_input(data: CaseInput) -> CaseInput:
    subject = required(data.subject, _("Say in a few words what the case is about."), "subject")
    not_in_future(data.received_on, _("The date received"), "received_on")
    not_in_future(data.incident_on, _("The date of the incident"), "incident_on")
    if data.incident_on and data.incident_on > data.received_on:
        raise ValidationError(
            _("The incident cannot be after the case was received."), "incident_on"
        )
    if data.amount_satang is not None and data.amount_satang < 0:
        raise ValidationError(_("The amount cannot be negative."), "amount_satang")
    _amount_recorded(data.amount_satang, "amount_satang")
    category = (
        data.category if data.kind is CaseKind.DISPUTE else (data.category or CaseCategory.NONE)
    )
    civil = data.kind is CaseKind.DISPUTE and category is CaseCategory.CIVIL
    criminal = data.kind is CaseKind.DISPUTE and category is CaseCategory.CRIMINAL
    if civil and data.no_money_value and data.amount_satang is not None:
        raise ValidationError(
            _(
                "An amount is entered, so the dispute has a money value: clear the amount or "
                "untick “no money value”."
            ),
            "amount_satang",
        )
    age, birth = (data.offender_age, data.offender_birth_date) if criminal else (None, None)
    if age is not None and not 0 <= age <= MAX_AGE:
        raise ValidationError(
            _("The offender's age must be between 0 and {max} years.").format(max=MAX_AGE),
            "offender_age",
        )
    not_in_future(birth, _("The offender's date of birth"), "offender_birth_date")
    if birth is not None and data.incident_on is not None:
        if birth > data.incident_on:
            raise ValidationError(
                _("The offender's date of birth cannot be after the offence."),
                "offender_birth_date",
            )
        computed = age_on(birth, data.incident_on)
        if age is not None and age != computed:
            raise ValidationError(
                _(
                    "The age typed ({typed}) does not match the date of birth and the date of "
                    "the offence ({computed} years): correct one of them."
                ).format(typed=age, computed=computed),
                "offender_age",
            )
    return CaseInput(
        data.kind,
        subject,
        data.received_on,
        data.channel,
        category,
        clean(data.matter_code),
        data.amount_satang,
        clean(data.facts),
        data.incident_on,
        data.parties,
        no_money_value=bool(civil and data.no_money_value),
        offender_age=age,
        offender_birth_date=birth,
        criminal_stage=data.criminal_stage if criminal else None,
    )


def take_in(db: Database, data: CaseInput) -> Saved[CaseDetail]:
    """Register a new case with the next number of its BE year; warns when it may
    not be mediated."""
    require(db, Permission.CASES)
    data = _check_input(data)
    eligibility = assess_eligibility(data)
    warnings = _warnings(eligibility)
    with db.write() as session:
        owner = db.site_id
        year = be_year(data.received_on)
        row = Case(
            year_be=year,
            number=next_number(repo.max_number(session, Case, owner, year)),
            received_on=data.received_on,
            channel=data.channel.value,
            kind=data.kind.value,
            category=data.category.value,
            matter_code=data.matter_code,
            subject=data.subject,
            facts=data.facts,
            amount_satang=data.amount_satang,
            incident_on=data.incident_on,
            no_money_value=data.no_money_value or None,
            offender_age=data.offender_age,
            offender_birth_date=data.offender_birth_date,
            criminal_stage=data.criminal_stage.value if data.criminal_stage else None,
            status=CaseStatus.RECEIVED.value,
            eligibility_note=eligibility.reason,
            rules_version=eligibility.rules_version,
            referral_code=eligibility.referral,
        )
        session.add(row)
        session.flush()
        for i, party in enumerate(data.parties):
            repo.get(session, Person, party.person_id)
            session.add(
                CaseParty(
                    case_id=row.id,
                    person_id=party.person_id,
                    side=party.side.value,
                    role_note=clean(party.role_note),
                    sort_order=i,
                )
            )
        session.flush()
        return Saved(_detail(session, row), warnings)


def update_case(
    db: Database, case_id: uuid.UUID, data: CaseInput, expected_rev: int | None = None
) -> Saved[CaseDetail]:
    """Edit what was recorded at intake (the number and the status are not edited here)."""
    data = _check_input(data)
    eligibility = assess_eligibility(data)
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        row = repo.get(session, Case, case_id)
        check_rev(row.rev, expected_rev)
        if data.kind.value != row.kind and row.status != CaseStatus.RECEIVED.value:
            raise ValidationError(
                _("The kind of case can only be changed before any step was taken."), "kind"
            )
        row.kind, row.category, row.matter_code = (
            data.kind.value,
            data.category.value,
            data.matter_code,
        )
        row.channel, row.subject, row.facts = data.channel.value, data.subject, data.facts
        row.amount_satang, row.incident_on, row.received_on = (
            data.amount_satang,
            data.incident_on,
            data.received_on,
        )
        row.no_money_value = data.no_money_value or None
        row.offender_age, row.offender_birth_date = data.offender_age, data.offender_birth_date
        row.criminal_stage = data.criminal_stage.value if data.criminal_stage else None
        row.eligibility_note, row.rules_version = eligibility.reason, eligibility.rules_version
        session.flush()
        return Saved(_detail(session, row), _warnings(eligibility))


def _warnings(eligibility: Eligibility) -> list[str]:
    """What intake shows after saving: the reason unless it is a plain yes, then the notes."""
    reasons = [] if eligibility.mediable else [eligibility.reason]
    return reasons + list(eligibility.notes if eligibility.may_proceed else ())


def add_party(db: Database, case_id: uuid.UUID, party: PartyInput) -> CaseDetail:
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        repo.get(session, Person, party.person_id)
        existing = repo.children(session, CaseParty, "case_id", case_id)
        if any(p.person_id == party.person_id for p in existing):
            raise ValidationError(_("This person is already a party to the case."), "person_id")
        session.add(
            CaseParty(
                case_id=case_id,
                person_id=party.person_id,
                side=party.side.value,
                role_note=clean(party.role_note),
                sort_order=len(existing),
            )
        )
        session.flush()
        return _detail(session, case)


def remove_party(db: Database, party_id: uuid.UUID) -> None:
    with db.write() as session:
        access.require_case(db, session, repo.get(session, CaseParty, party_id).case_id, write=True)
        repo.get(session, CaseParty, party_id).deleted_at = utcnow()


def assign_mediator(
    db: Database,
    case_id: uuid.UUID,
    mediator_id: uuid.UUID,
    *,
    no_conflict_confirmed: bool,
    conflict_disclosure: str | None = None,
    on: dt.date | None = None,
) -> CaseDetail:
    """Add a mediator chosen by the parties. §13: the mediator discloses to the parties any fact
    that may cast doubt on their impartiality or independence (kin, representative, creditor or
    debtor, employer or employee), or confirms there is none; the parties may still agree to
    them, or object (§14, §23)."""
    on = on or dt.date.today()
    if not no_conflict_confirmed and not clean(conflict_disclosure):
        raise ValidationError(
            _(
                "The mediator must confirm there is no conflict of interest with the parties, "
                "or describe it (§13)."
            ),
            "no_conflict_confirmed",
        )
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        if case.kind != CaseKind.DISPUTE.value:
            raise ValidationError(_("Mediators are assigned only to disputes."), "mediator_id")
        mediator = repo.get(session, Mediator, mediator_id)
        if mediator.status != "active" or (mediator.expires_on and mediator.expires_on < on):
            raise ValidationError(
                _("This mediator's registration is not valid on that date."), "mediator_id"
            )
        parties = {p.person_id for p in repo.children(session, CaseParty, "case_id", case_id)}
        if mediator.person_id in parties:
            raise ValidationError(_("A party to the case cannot mediate it."), "mediator_id")
        if any(
            m.mediator_id == mediator_id
            for m in repo.children(session, CaseMediator, "case_id", case_id)
        ):
            raise ValidationError(
                _("This mediator is already assigned to the case."), "mediator_id"
            )
        session.add(
            CaseMediator(
                case_id=case_id,
                mediator_id=mediator_id,
                no_conflict_confirmed=no_conflict_confirmed,
                conflict_disclosure=clean(conflict_disclosure),
                confirmed_on=on,
            )
        )
        session.flush()
        return _detail(session, case)


def add_session(db: Database, case_id: uuid.UUID, data: SessionInput) -> CaseDetail:
    not_in_future(data.held_on, _("A session that is recorded"), "held_on")
    if data.starts_at and data.ends_at and data.ends_at < data.starts_at:
        raise ValidationError(_("The session ends before it starts."), "ends_at")
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        if data.held_on < case.received_on:
            raise ValidationError(_("A session cannot be before the case was received."), "held_on")
        session.add(
            CaseSession(
                case_id=case_id,
                session_no=q.next_child_number(
                    session, CaseSession, "case_id", case_id, "session_no"
                ),
                held_on=data.held_on,
                starts_at=data.starts_at,
                ends_at=data.ends_at,
                place=clean(data.place),
                attendees=clean(data.attendees),
                summary=clean(data.summary),
                notes=clean(data.notes),
                next_on=data.next_on,
            )
        )
        session.flush()
        return _detail(session, case)


def record_settlement(db: Database, case_id: uuid.UUID, data: SettlementInput) -> CaseDetail:
    """Record (or replace, while the case is still in mediation) the §30 settlement agreement."""
    terms = required(data.terms, _("Write the terms the parties agreed on."), "terms")
    if not data.voluntary_confirmed:
        # §30: the agreement records that the parties took part of their own free will.
        raise ValidationError(
            _(
                "The agreement must state that the parties took part voluntarily (§30): "
                "tick the box once they have confirmed it."
            ),
            "voluntary_confirmed",
        )
    not_in_future(data.agreed_on, _("The date of the agreement"), "agreed_on")
    witnesses = witness_names(data.witnesses)
    if any(i.amount_satang <= 0 for i in data.instalments):
        raise ValidationError(_("Each instalment needs an amount above zero."), "instalments")
    _amount_recorded(data.total_satang, "total_satang")
    for instalment in data.instalments:
        _amount_recorded(instalment.amount_satang, "instalments")
    if (
        data.total_satang is not None
        and data.instalments
        and sum(i.amount_satang for i in data.instalments) != data.total_satang
    ):
        raise ValidationError(
            _("The instalments do not add up to the total amount."), "instalments"
        )
    if any(i.due_on < data.agreed_on for i in data.instalments):
        raise ValidationError(
            _("An instalment falls due before the agreement was made."), "instalments"
        )
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        if case.status != CaseStatus.IN_MEDIATION.value:
            raise ValidationError(
                _("A settlement can be recorded only while the case is in mediation."), "status"
            )
        _refuse_missing(session, case, None)
        # One agreement per case: a new version replaces the terms of the same record (its
        # history is in the change log), and its instalments are replaced.
        row = q.settlement_of(session, case_id)
        if row is None:
            row = Settlement(case_id=case_id)
            session.add(row)
        else:
            for inst in repo.children(session, Instalment, "settlement_id", row.id):
                inst.deleted_at = utcnow()
        row.agreed_on, row.place, row.terms = data.agreed_on, clean(data.place), terms
        row.total_satang, row.voluntary_confirmed = data.total_satang, data.voluntary_confirmed
        row.witnesses = "\n".join(witnesses) or None
        session.flush()
        for i, due in enumerate(sorted(data.instalments, key=lambda x: x.due_on), start=1):
            session.add(
                Instalment(
                    settlement_id=row.id,
                    seq=i,
                    due_on=due.due_on,
                    amount_satang=due.amount_satang,
                )
            )
        session.flush()
        return _detail(session, case)


def act(
    db: Database,
    case_id: uuid.UUID,
    action: CaseAction,
    *,
    on: dt.date | None = None,
    note: str | None = None,
    referral_target: str | None = None,
    expected_rev: int | None = None,
) -> CaseDetail:
    """Take the next step of a case: the only way its status changes."""
    on = on or dt.date.today()
    not_in_future(on, _("The date of the step"), "on")
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        check_rev(case.rev, expected_rev)
        kind, status = CaseKind(case.kind), CaseStatus(case.status)
        new_status = case_flow.next_status(kind, status, action)
        if on < case.received_on:
            raise ValidationError(_("A step cannot be dated before the case was received."), "on")
        parties = repo.children(session, CaseParty, "case_id", case_id)
        if action in (CaseAction.REQUEST_CONSENT, CaseAction.CONSENT_GIVEN):
            sides = {p.side for p in parties}
            if not {PartySide.APPLICANT.value, PartySide.RESPONDENT.value} <= sides:
                raise ValidationError(
                    _("A dispute needs at least one applicant and one respondent."), "parties"
                )
        if action is CaseAction.CONSENT_GIVEN:
            eligibility = assess_eligibility(_facts(case))
            if not eligibility.may_proceed:
                field_name = eligibility.missing[0] if eligibility.missing else "matter_code"
                raise ValidationError(eligibility.reason, field_name)
            for p in parties:
                if p.side == PartySide.RESPONDENT.value:
                    p.consent = True
        if action is CaseAction.CONSENT_REFUSED:
            for p in parties:
                if p.side == PartySide.RESPONDENT.value:
                    p.consent = False
        # A mediator first, then the agreement (case_flow.missing_before): named refusals.
        _refuse_missing(session, case, action)
        if action is CaseAction.REFER:
            target = clean(referral_target)
            if not target:
                raise ValidationError(
                    _("Say which agency the case is referred to."), "referral_target"
                )
            case.referral_target, case.referred_on = target, on
        if action is CaseAction.ESCALATE:
            case.escalated_on = on
        if action is CaseAction.CLOSE and status is CaseStatus.SETTLED:
            effect = _prosecution(session, case)
            if effect.state is ProsecutionRight.AWAITS_CIVIL_PART and not repo.children(
                session, ComplianceCheck, "case_id", case_id
            ):
                raise ValidationError(
                    _(
                        "The civil part of this criminal settlement has not been performed, so "
                        "the right to prosecute has not ended (§37): record the payments, or a "
                        "follow-up of compliance, before closing the case."
                    ),
                    "compliance",
                )
        if status is CaseStatus.IN_MEDIATION and action in case_flow.MEDIATION_ENDING:
            case.mediation_ended_on = on
        if new_status in (
            CaseStatus.SETTLED,
            CaseStatus.WITHDRAWN,
            CaseStatus.TERMINATED,
            CaseStatus.DISMISSED,
            CaseStatus.COMPLETED,
            CaseStatus.REFERRED,
            CaseStatus.ESCALATED,
        ):
            case.outcome_on = on
        session.add(
            CaseEvent(
                case_id=case_id,
                action=action.value,
                from_status=status.value,
                to_status=new_status.value,
                occurred_on=on,
                note=clean(note),
            )
        )
        case.status = new_status.value
        session.flush()
        return _detail(session, case)


def record_certificate(
    db: Database, case_id: uuid.UUID, *, number: str, issued_on: dt.date
) -> CaseDetail:
    """§69: a certified settlement is enforceable; record the certificate number and date."""
    number = required(number, _("The certificate number is required."), "certificate_no")
    not_in_future(issued_on, _("The certificate date"), "certificate_on")
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        settlement = q.settlement_of(session, case_id)
        if (
            case.status not in (CaseStatus.SETTLED.value, CaseStatus.CLOSED.value)
            or settlement is None
        ):
            raise ValidationError(
                _("Only a settled case has a certificate of enforceability."), "certificate_no"
            )
        if issued_on < settlement.agreed_on:
            raise ValidationError(
                _("The certificate cannot be dated before the agreement."), "certificate_on"
            )
        case.certificate_no, case.certificate_on = number, issued_on
        session.flush()
        return _detail(session, case)


def record_payment(
    db: Database, instalment_id: uuid.UUID, *, paid_on: dt.date, paid_satang: int
) -> None:
    not_in_future(paid_on, _("The payment date"), "paid_on")
    if paid_satang <= 0:
        raise ValidationError(_("The amount paid must be above zero."), "paid_satang")
    _amount_recorded(paid_satang, "paid_satang")
    with db.write() as session:
        access.require_case(db, session, _case_of_instalment(session, instalment_id), write=True)
        row = repo.get(session, Instalment, instalment_id)
        row.paid_on, row.paid_satang = paid_on, paid_satang


def add_compliance_check(
    db: Database,
    case_id: uuid.UUID,
    *,
    checked_on: dt.date,
    result: Compliance,
    note: str | None = None,
) -> CaseDetail:
    not_in_future(checked_on, _("The follow-up date"), "checked_on")
    with db.write() as session:
        access.require_case(db, session, case_id, write=True)
        case = repo.get(session, Case, case_id)
        if q.settlement_of(session, case_id) is None:
            raise ValidationError(_("Compliance is followed up only for a settled case."), "result")
        session.add(
            ComplianceCheck(
                case_id=case_id, checked_on=checked_on, result=result.value, note=clean(note)
            )
        )
        session.flush()
        return _detail(session, case)


def delete_case(db: Database, case_id: uuid.UUID) -> None:
    """Soft-delete a case entered by mistake; only before any step was taken (a case with a
    history stays on record and is closed instead)."""
    require(db, Permission.CASES)
    from justice_desk.storage import audit

    with db.write() as session:
        case = repo.get(session, Case, case_id)
        if case.status != CaseStatus.RECEIVED.value or repo.children(
            session, CaseEvent, "case_id", case_id
        ):
            raise ValidationError(
                _(
                    "Only a case entered by mistake, before any step was taken, "
                    "can be deleted; close it instead."
                ),
                "status",
            )
        now = utcnow()
        for party in repo.children(session, CaseParty, "case_id", case_id):
            party.deleted_at = now
        case.deleted_at = now
        audit.record(session, "delete", table="cases", row_id=case_id)


def get_case(db: Database, case_id: uuid.UUID) -> CaseDetail:
    with db.read() as session:
        access.require_case(db, session, case_id, write=False)
        return _detail(session, repo.get(session, Case, case_id))


def find_case(db: Database, reference: str, *, owner_id: uuid.UUID | None = None) -> uuid.UUID:
    """A case by its visible number (``005/2569``) or its UUID."""
    return find_by_reference(db, Case, reference, _("There is no case number {number}."), owner_id)


def list_cases(
    db: Database,
    *,
    search: str | None = None,
    status: list[CaseStatus] | None = None,
    kind: list[CaseKind] | None = None,
    owner_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 200,
    order: str = "number",
    descending: bool = True,
) -> Page[CaseRow]:
    """Cases newest first (or by ``order``), found by number, subject, facts or a party's name;
    a mediator's account lists the cases it mediates."""
    scope = access.mediator_scope(db)
    with db.read() as session:
        result = q.cases_page(
            session,
            search=search,
            status=[s.value for s in status or []],
            kind=[k.value for k in kind or []],
            owner_id=db.owner_in_view(owner_id),
            only=None if scope is None else access_queries.assigned_cases(scope),
            offset=offset,
            limit=limit,
            order=order,
            descending=descending,
        )
        names = q.party_names(session, [r.id for r in result.rows])
        rows = [
            CaseRow(
                r.id,
                format_case_number(r.number, r.year_be),
                r.received_on,
                CaseKind(r.kind),
                CaseStatus(r.status),
                r.subject,
                _parties_line(names.get(r.id, [])),
                r.amount_satang,
            )
            for r in result.rows
        ]
        return Page(rows, result.total, offset)


def _parties_line(parties: list[tuple[str, str | None, str, str | None]]) -> str:
    applicants = [
        full_name(t, g, s) for side, t, g, s in parties if side == PartySide.APPLICANT.value
    ]
    respondents = [
        full_name(t, g, s) for side, t, g, s in parties if side == PartySide.RESPONDENT.value
    ]
    if respondents:
        return _("{applicants} v. {respondents}").format(
            applicants=", ".join(applicants), respondents=", ".join(respondents)
        )
    return ", ".join(applicants or [full_name(t, g, s) for _side, t, g, s in parties])


def case_counts(
    db: Database, *, by: str = "status", owner_id: uuid.UUID | None = None
) -> dict[str, int]:
    with db.read() as session:
        return q.count_by(session, owner_id, by)


def _detail(session: Session, row: Case) -> CaseDetail:
    from justice_desk.services.people import format_address, person_record

    parties = []
    for p in repo.children(session, CaseParty, "case_id", row.id, "sort_order"):
        person = person_record(p.person)
        parties.append(
            PartyRecord(
                p.id,
                p.person_id,
                person.full_name,
                format_address(person),
                PartySide(p.side),
                p.role_note,
                p.consent,
            )
        )
    mediators = []
    for m in repo.children(session, CaseMediator, "case_id", row.id):
        med = repo.get(session, Mediator, m.mediator_id, include_deleted=True)
        mediators.append(
            CaseMediatorRecord(
                m.id,
                m.mediator_id,
                full_name(med.person.title, med.person.given_name, med.person.surname),
                med.registration_no,
                m.no_conflict_confirmed,
                m.conflict_disclosure,
            )
        )
    # Confidential notes (§12, §29): only the coordinator and the case's own mediators.
    notes_visible = access.notes_visible(session, row.id)
    session_rows = repo.children(session, CaseSession, "case_id", row.id, "session_no")
    notes_held = any(s.notes for s in session_rows)
    sessions = tuple(
        SessionRecord(
            s.held_on,
            s.starts_at,
            s.ends_at,
            s.place,
            s.attendees,
            s.summary,
            s.notes if notes_visible else None,
            s.next_on,
            id=s.id,
            session_no=s.session_no,
        )
        for s in session_rows
    )
    events = tuple(
        EventRecord(
            e.id,
            CaseAction(e.action),
            CaseStatus(e.from_status),
            CaseStatus(e.to_status),
            e.occurred_on,
            e.note,
        )
        for e in sorted(
            repo.children(session, CaseEvent, "case_id", row.id),
            key=lambda e: (e.occurred_on, e.created_at),
        )
    )
    settlement_row = q.settlement_of(session, row.id)
    settlement = None
    if settlement_row is not None:
        instalments = tuple(
            InstalmentRecord(
                i.due_on,
                i.amount_satang,
                id=i.id,
                seq=i.seq,
                paid_on=i.paid_on,
                paid_satang=i.paid_satang,
            )
            for i in repo.children(session, Instalment, "settlement_id", settlement_row.id, "seq")
        )
        settlement = SettlementRecord(
            settlement_row.id,
            settlement_row.agreed_on,
            settlement_row.terms,
            settlement_row.voluntary_confirmed,
            settlement_row.place,
            settlement_row.total_satang,
            instalments,
            tuple((settlement_row.witnesses or "").splitlines()),
        )
    compliance = tuple(
        ComplianceRecord(c.id, c.checked_on, Compliance(c.result), c.note)
        for c in repo.children(session, ComplianceCheck, "case_id", row.id, "checked_on")
    )
    kind, status = CaseKind(row.kind), CaseStatus(row.status)
    failed = (
        row.mediation_ended_on
        if status is not CaseStatus.SETTLED and row.mediation_ended_on
        else None
    )
    known = (row.incident_on or row.received_on) if kind is CaseKind.VICTIM_COMPENSATION else None
    return CaseDetail(
        id=row.id,
        rev=row.rev,
        number=format_case_number(row.number, row.year_be),
        year_be=row.year_be,
        number_in_year=row.number,
        kind=kind,
        category=CaseCategory(row.category),
        matter_code=row.matter_code,
        channel=CaseChannel(row.channel),
        subject=row.subject,
        facts=row.facts,
        amount_satang=row.amount_satang,
        received_on=row.received_on,
        incident_on=row.incident_on,
        status=status,
        eligibility=assess_eligibility(_facts(row)),
        outcome_on=row.outcome_on,
        mediation_ended_on=row.mediation_ended_on,
        certificate_no=row.certificate_no,
        certificate_on=row.certificate_on,
        referral_target=row.referral_target,
        referred_on=row.referred_on,
        escalated_on=row.escalated_on,
        parties=tuple(parties),
        mediators=tuple(mediators),
        sessions=sessions,
        notes_hidden=not notes_visible and notes_held,
        events=events,
        settlement=settlement,
        compliance=compliance,
        deadlines=deadlines.case_deadlines(
            mediation_failed_on=failed,
            settled_on=settlement.agreed_on
            if settlement and status in (CaseStatus.SETTLED, CaseStatus.CLOSED)
            else None,
            offence_known_on=known,
        ),
        allowed_actions=tuple(case_flow.allowed_actions(kind, status)),
        no_money_value=bool(row.no_money_value),
        offender_age=row.offender_age,
        offender_birth_date=row.offender_birth_date,
        criminal_stage=_stage(row.criminal_stage),
        prosecution=_prosecution_of(row, settlement, compliance),
        escalation_answer=_escalation_answer(session, row.id),
    )


def _escalation_answer(session: Session, case_id: uuid.UUID) -> Answer | None:
    from justice_desk.storage import escalation_queries

    a = escalation_queries.answer_of(session, case_id)
    if a is None:
        return None
    return Answer(
        a.id, a.rev, a.decision, a.note, a.agency, a.officer, a.answered_at, a.receipt_seq
    )


def _stage(value: str | None) -> CriminalStage | None:
    try:
        return CriminalStage(value) if value else None
    except ValueError:  # a value from a newer version: "not asked" until this one knows it
        return None


def _facts(row: Case) -> Facts:
    return Facts(
        CaseKind(row.kind),
        CaseCategory(row.category),
        row.matter_code,
        row.amount_satang,
        bool(row.no_money_value),
        row.offender_age,
        row.offender_birth_date,
        row.incident_on,
        _stage(row.criminal_stage),
    )


def _prosecution_of(
    row: Case, settlement: SettlementRecord | None, compliance: tuple[ComplianceRecord, ...]
) -> ProsecutionEffect:
    """§35 ¶2, §37, §69 ¶2 for a settled criminal dispute (domain/prosecution.py)."""
    status = CaseStatus(row.status)
    settled = settlement is not None and status in (CaseStatus.SETTLED, CaseStatus.CLOSED)
    civil_part = settlement is not None and (
        bool(settlement.total_satang) or bool(settlement.instalments)
    )
    paid_up = (
        settlement is not None
        and bool(settlement.instalments)
        and all((i.paid_satang or 0) >= i.amount_satang for i in settlement.instalments)
    )
    complied = bool(compliance) and compliance[-1].result is Compliance.COMPLIED
    return prosecution_effect(
        CaseCategory(row.category),
        settled=settled,
        civil_part=civil_part,
        civil_part_performed=paid_up or complied,
        certified=row.certificate_no is not None,
    )


def _prosecution(session: Session, row: Case) -> ProsecutionEffect:
    detail = _detail(session, row)
    return detail.prosecution


def _case_of_instalment(session: Session, instalment_id: uuid.UUID) -> uuid.UUID:
    """The case an instalment of a settlement belongs to (for the permission check)."""
    instalment = repo.get(session, Instalment, instalment_id)
    return repo.get(session, Settlement, instalment.settlement_id).case_id


def view_case(db: Database, case_id: uuid.UUID) -> CaseDetail:
    """A case opened to be read (the case's page): ``get_case``, and the view written in the
    audit trail (PDPA)."""
    from justice_desk.services import audit_trail

    detail = get_case(db, case_id)
    audit_trail.record_view(db, "cases", case_id)
    return detail
