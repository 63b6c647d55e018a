"""ORM classes: the schema of a center or province database.

Every syncable row (``Syncable``) has a UUID key made where it was created, the owning site
(``owner_id``: a center, or the province), a ``rev`` bumped on every edit, created/updated
times (shown, never trusted for ordering) and a soft-delete time. Inserts, updates and deletes
append to ``change_log`` in the same transaction (``changelog.py``). Case numbers and meeting
numbers are labels; keys are UUIDs.

Enumerated values are stored as their stable ASCII codes (``justice_desk.domain.enums``);
money is stored in satang (integers).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from justice_desk.domain.ids import new_id

#: Foreign keys are DEFERRABLE so that a sync bundle can be applied in any row order inside one
#: transaction (``SET CONSTRAINTS ALL DEFERRED`` on PostgreSQL, ``defer_foreign_keys`` on SQLite).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model here is mapped to a table of its own (never to a join or a select).
        __table__: ClassVar[Table]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Syncable:
    """Columns every record that travels in sync bundles carries."""

    if TYPE_CHECKING:
        # Every syncable model is also a ``Base`` class mapped to a table of its own. ``Any``
        # because mypy wants a mixin's declaration to equal SQLAlchemy's own (``FromClause``)
        # and ``Base``'s (``Table``) at once; annotate a use as ``Table``.
        __tablename__: str
        __table__: ClassVar[Any]

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


# --------------------------------------------------------------------------------------------
# Bookkeeping (not synced)


class Setting(Base):
    """Key/value facts about this database: its site, mode, epoch, the app version that wrote it."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeLog(Base):
    """Every insert/update/delete of a syncable row, in commit order
    (``change_no`` is monotonic)."""

    __tablename__ = "change_log"
    __table_args__ = {"sqlite_autoincrement": True}
    change_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    op: Mapped[str] = mapped_column(String(8))
    rev: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --------------------------------------------------------------------------------------------
# Sites: centers and province offices


class Site(Syncable, Base):
    """A Community Justice Center or a Provincial Justice Office."""

    __tablename__ = "sites"
    kind: Mapped[str] = mapped_column(String(16))  # SiteKind
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(255))
    center_type: Mapped[str | None] = mapped_column(String(16))  # CenterType
    host_organisation: Mapped[str | None] = mapped_column(String(255))  # host อปท.
    tambon: Mapped[str | None] = mapped_column(String(128))
    amphoe: Mapped[str | None] = mapped_column(String(128))
    province: Mapped[str] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=1)
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=2)


# --------------------------------------------------------------------------------------------
# People and the network


class Person(Syncable, Base):
    """Anyone the center deals with: members, committee, mediators, parties, guests."""

    __tablename__ = "people"
    title: Mapped[str | None] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(128))
    surname: Mapped[str | None] = mapped_column(String(128))
    national_id: Mapped[str | None] = mapped_column(String(20), index=True)
    no_id_reason: Mapped[str | None] = mapped_column(String(255))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)  # often only the year is known (CE)
    sex: Mapped[str] = mapped_column(String(16), default="unspecified")
    house_no: Mapped[str | None] = mapped_column(String(32))
    moo: Mapped[str | None] = mapped_column(String(16))
    village: Mapped[str | None] = mapped_column(String(128))
    road: Mapped[str | None] = mapped_column(String(128))
    tambon: Mapped[str | None] = mapped_column(String(128))
    amphoe: Mapped[str | None] = mapped_column(String(128))
    province: Mapped[str | None] = mapped_column(String(128))
    postcode: Mapped[str | None] = mapped_column(String(5))
    dopa_area_code: Mapped[str | None] = mapped_column(String(8))  # DOPA tambon code where known
    phone: Mapped[str | None] = mapped_column(String(32))
    line_id: Mapped[str | None] = mapped_column(String(64))
    community_role: Mapped[str | None] = mapped_column(String(128))
    occupation: Mapped[str | None] = mapped_column(String(128))
    privacy_notice_version: Mapped[str | None] = mapped_column(String(32))
    # PDPA (docs/privacy.md, migration 0016): the day the notice was given, the legal basis
    # (domain.privacy.LegalBasis) and, once erased on request or at disposal, the day.
    privacy_notice_on: Mapped[dt.date | None] = mapped_column(Date)
    privacy_basis: Mapped[str | None] = mapped_column(String(16))
    anonymised_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # Derived, kept by the storage layer: Thai dictionary order and normalised search text.
    sort_key: Mapped[str] = mapped_column(String(300), index=True, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")


class Membership(Syncable, Base):
    """Membership of the Community Justice Network (เครือข่ายยุติธรรมชุมชน)."""

    __tablename__ = "memberships"
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    member_no: Mapped[str | None] = mapped_column(String(64))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    person: Mapped[Person] = relationship(lazy="joined")


class Training(Syncable, Base):
    """A course a person completed (the network curriculum, mediator training, ...)."""

    __tablename__ = "trainings"
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    course: Mapped[str] = mapped_column(String(255))
    organiser: Mapped[str | None] = mapped_column(String(255))
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    hours: Mapped[int | None] = mapped_column(Integer)
    certificate_no: Mapped[str | None] = mapped_column(String(64))


class CommitteeTerm(Syncable, Base):
    """One elected term of the center committee (วาระ)."""

    __tablename__ = "committee_terms"
    name: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class CommitteePositionRow(Syncable, Base):
    """A person's seat on the committee within a term, with its own dates (resignations happen)."""

    __tablename__ = "committee_positions"
    term_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("committee_terms.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    position: Mapped[str] = mapped_column(String(32))  # CommitteePosition
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(lazy="joined")


class Mediator(Syncable, Base):
    """A mediator registered under the Dispute Mediation Act (registration number, validity)."""

    __tablename__ = "mediators"
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    registration_no: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    person: Mapped[Person] = relationship(lazy="joined")


# --------------------------------------------------------------------------------------------
# Meetings


class Meeting(Syncable, Base):
    """A committee meeting; its number runs per BE year (ครั้งที่ 4/2569)."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("owner_id", "year_be", "number", name="uq_meetings_number"),)
    year_be: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    body_name: Mapped[str] = mapped_column(String(255))  # คณะกรรมการศูนย์ยุติธรรมชุมชน...
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    ends_at: Mapped[dt.time | None] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(255))
    mode: Mapped[str] = mapped_column(String(16), default="in_person")
    status: Mapped[str] = mapped_column(String(16), default="draft")  # MeetingStatus
    minute_taker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE")
    )
    checker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE")
    )
    adopted_in_meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meetings.id", deferrable=True, initially="IMMEDIATE")
    )
    minutes_version: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(Text)


class MeetingAttendance(Syncable, Base):
    """One line of the attendance list: present, absent with reason, substitute, or guest."""

    __tablename__ = "meeting_attendance"
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE")
    )
    name: Mapped[str] = mapped_column(String(255))  # as printed; kept even if the person changes
    position_label: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(32))  # CommitteePosition when a member
    attendance: Mapped[str] = mapped_column(String(16))  # Attendance
    absence_reason: Mapped[str | None] = mapped_column(String(255))
    substitute_for_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE")
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class AgendaItem(Syncable, Base):
    """An agenda item (ระเบียบวาระที่ n) with its discussion, resolution (มติ) and votes."""

    __tablename__ = "agenda_items"
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    discussion: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)


class MinutesVersion(Syncable, Base):
    """A frozen copy of adopted minutes; a later correction is a new version, never an edit."""

    __tablename__ = "minutes_versions"
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("meetings.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON of the minutes as adopted
    reason: Mapped[str | None] = mapped_column(Text)
    adopted_in_meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meetings.id", deferrable=True, initially="IMMEDIATE")
    )


# --------------------------------------------------------------------------------------------
# Cases


class Case(Syncable, Base):
    """A dispute or a request for help; number ``005/2569`` runs per BE year of receipt."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("owner_id", "year_be", "number", name="uq_cases_number"),
        Index("ix_cases_received", "received_on"),
        # Partial indexes over live rows: the register's count, its sort orders and the short
        # (LIKE) search read these instead of the wide table.
        Index(
            "ix_cases_live_number",
            "year_be",
            "number",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_cases_live_received",
            "received_on",
            "year_be",
            "number",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_cases_live_status",
            "status",
            "year_be",
            "number",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_cases_live_search",
            "search_text",
            "year_be",
            "number",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
    year_be: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))  # CaseChannel
    kind: Mapped[str] = mapped_column(String(32), index=True)  # CaseKind
    category: Mapped[str] = mapped_column(String(16), default="none")  # CaseCategory
    matter_code: Mapped[str | None] = mapped_column(String(32))  # code in mediation-rules.json
    subject: Mapped[str] = mapped_column(String(500))
    facts: Mapped[str | None] = mapped_column(Text)
    amount_satang: Mapped[int | None] = mapped_column(Integer)
    incident_on: Mapped[dt.date | None] = mapped_column(Date)
    # Intake facts the mediation rules need (migration 0010, docs/mediation-law.md): "no money
    # value" apart from an amount not entered yet; the offender's age on the day of the offence
    # or their date of birth (§8); where a criminal matter stands (CriminalStage, §36).
    no_money_value: Mapped[bool | None] = mapped_column(Boolean)
    offender_age: Mapped[int | None] = mapped_column(Integer)
    offender_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    criminal_stage: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), default="received", index=True)  # CaseStatus
    eligibility_note: Mapped[str | None] = mapped_column(Text)
    rules_version: Mapped[str | None] = mapped_column(String(32))
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    mediation_ended_on: Mapped[dt.date | None] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(64))  # §69 enforcement certificate
    certificate_on: Mapped[dt.date | None] = mapped_column(Date)
    referral_target: Mapped[str | None] = mapped_column(String(255))
    referral_code: Mapped[str | None] = mapped_column(String(32))
    referred_on: Mapped[dt.date | None] = mapped_column(Date)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)
    responsible_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE")
    )
    sort_key: Mapped[str] = mapped_column(String(300), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")


class CaseParty(Syncable, Base):
    __tablename__ = "case_parties"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    side: Mapped[str] = mapped_column(String(16))  # PartySide
    role_note: Mapped[str | None] = mapped_column(String(255))
    consent: Mapped[bool | None] = mapped_column(Boolean)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[Person] = relationship(lazy="joined")


class CaseMediator(Syncable, Base):
    """A mediator chosen by the parties; what may cast doubt on their impartiality must be
    disclosed (§13), or its absence confirmed."""

    __tablename__ = "case_mediators"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    mediator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mediators.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    no_conflict_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_disclosure: Mapped[str | None] = mapped_column(Text)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)


class CaseSession(Syncable, Base):
    """A mediation session or meeting with the parties. ``notes`` are confidential (§12, §29)."""

    __tablename__ = "case_sessions"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    session_no: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    ends_at: Mapped[dt.time | None] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(255))
    attendees: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)  # what may be shown (next steps, outcome)
    notes: Mapped[str | None] = mapped_column(Text)  # confidential: never in minutes or bundles
    next_on: Mapped[dt.date | None] = mapped_column(Date)


class CaseEvent(Syncable, Base):
    """An append-only status event: the case's status is the result of its events."""

    __tablename__ = "case_events"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))  # CaseAction
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Settlement(Syncable, Base):
    """The settlement agreement (บันทึกข้อตกลงระงับข้อพิพาท, §30)."""

    __tablename__ = "settlements"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True, unique=True
    )
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(255))
    terms: Mapped[str] = mapped_column(Text)
    total_satang: Mapped[int | None] = mapped_column(Integer)
    voluntary_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The witnesses who sign the agreement, one name a line (migration 0014); NULL: none
    #: recorded (the printed agreement then has blank witness lines).
    witnesses: Mapped[str | None] = mapped_column(Text)


class Instalment(Syncable, Base):
    __tablename__ = "instalments"
    settlement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("settlements.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_satang: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_satang: Mapped[int | None] = mapped_column(Integer)


class ComplianceCheck(Syncable, Base):
    """Follow-up on whether the parties keep the agreement."""

    __tablename__ = "compliance_checks"
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    checked_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16))  # Compliance
    note: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------------------------
# Activities


class Activity(Syncable, Base):
    """A crime-prevention or community activity, with participants counted by sex."""

    __tablename__ = "activities"
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32), default="crime_prevention")
    participants_male: Mapped[int] = mapped_column(Integer, default=0)
    participants_female: Mapped[int] = mapped_column(Integer, default=0)
    participants_unspecified: Mapped[int] = mapped_column(Integer, default=0)
    partners: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")


#: Syncable tables in foreign-key order (parents first): the order bundles are applied in.
SYNCABLE_MODELS: tuple[type[Syncable], ...] = (
    Site,
    Person,
    Membership,
    Training,
    CommitteeTerm,
    CommitteePositionRow,
    Mediator,
    Meeting,
    MeetingAttendance,
    AgendaItem,
    MinutesVersion,
    Case,
    CaseParty,
    CaseMediator,
    CaseSession,
    CaseEvent,
    Settlement,
    Instalment,
    ComplianceCheck,
    Activity,
)
MODEL_BY_TABLE = {m.__tablename__: m for m in SYNCABLE_MODELS}


class AuditEvent(Base):
    """Who did what to personal data on this database (PDPA): viewed, changed, printed,
    exported, signed in, managed accounts and keys; when and from which computer.

    Local to the database, never synced; append-only (triggers refuse UPDATE and DELETE) and
    hash-chained: ``entry_hash`` covers ``prev_hash`` (the previous entry's hash) and this
    entry's own fields (``storage/audit.py``). ``host``, ``prev_hash`` and ``entry_hash`` are
    empty only in a row written around the app; the chain check names such a row.
    """

    __tablename__ = "audit_events"
    __table_args__ = {"sqlite_autoincrement": True}
    event_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: the account's login; ``os:NAME`` (the computer's user) where the database has no accounts
    actor: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    table_name: Mapped[str | None] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


class Account(Base):
    """A person who may sign in to this database, with a role (``domain.access.Role``).

    Local to the database, never synced. The password is kept only as an Argon2id hash
    (``services/accounts.py`` states the parameters); ``failed_attempts`` and
    ``last_failed_at`` slow down guessing: after several wrong passwords the next attempt must
    wait. Accounts are disabled, never deleted, so the audit trail's logins keep their meaning.
    """

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: lower case, unique
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # Role
    #: the person in the register this account is (required for a mediator)
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --------------------------------------------------------------------------------------------
# Sync bookkeeping (local to each database, never synced itself)


class SiteKey(Base):
    """A public key set known to this database: our own, a peer's (enrolled center or the
    province), or an escrow key. Private keys live in key files, never in the database."""

    __tablename__ = "site_keys"
    __table_args__ = (UniqueConstraint("site_id", "key_id", name="uq_site_keys_site_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    role: Mapped[str] = mapped_column(String(16))  # own | peer | escrow
    signing_public: Mapped[str] = mapped_column(String(64))
    hpke_public: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # KeyStatus
    revocation_number: Mapped[int | None] = mapped_column(Integer)
    last_good_epoch: Mapped[str | None] = mapped_column(String(64))
    last_good_seq: Mapped[int | None] = mapped_column(Integer)
    #: A key retired by a rotation verifies bundles only up to here (the statement's last
    #: bundle signed by it, or what the province had when it read a statement that did not say).
    retired_epoch: Mapped[str | None] = mapped_column(String(64))
    retired_seq: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Enrolment(Base):
    """A center as the province knows it: enrolment state and sync progress."""

    __tablename__ = "enrolments"
    center_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # EnrolmentStatus
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    epoch: Mapped[str | None] = mapped_column(String(64))
    applied_through: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_bundle_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    receipt_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: Epochs the center has left (JSON list), from its bundles' ``previous_epochs``: a bundle
    #: of one of them is old news, never the newest state.
    superseded_epochs: Mapped[str | None] = mapped_column(Text)
    #: A new epoch an officer accepted (docs/sync.md §3): bundles of any other new epoch are
    #: held with the reason ``new_epoch`` until someone decides.
    accepted_epoch: Mapped[str | None] = mapped_column(String(64))


class ReceivedBundle(Base):
    """Every bundle file the province has decided on; applied and held ones keep their bytes so
    they can be applied (again) after an upgrade."""

    __tablename__ = "received_bundles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    center_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    epoch: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(Integer)
    first_change: Mapped[int | None] = mapped_column(Integer)
    last_change: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # ImportStatus, never SKIPPED
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    records: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    receipt_seq: Mapped[int | None] = mapped_column(Integer)  # the receipt that reported it
    raw: Mapped[bytes | None] = mapped_column(
        LargeBinary, deferred=True
    )  # loaded only when applied


class ImportLogEntry(Base):
    """Append-only: one line per file per import run, whatever happened to it."""

    __tablename__ = "import_log"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    center_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    seq: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # ImportStatus
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    records: Mapped[int] = mapped_column(Integer, default=0)


class RejectedRecordRow(Base):
    """A record the province refused inside an otherwise applied bundle (reported in receipts)."""

    __tablename__ = "rejected_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bundle_id: Mapped[int] = mapped_column(
        ForeignKey("received_bundles.id", deferrable=True, initially="IMMEDIATE"), index=True
    )
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(64))
    rev: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class SyncConflict(Base):
    """Both sides changed a record: the owner's value was kept, the other is stored here and
    shown in the conflict queue until a person looks at it — never resolved silently."""

    __tablename__ = "sync_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    center_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kept_rev: Mapped[int] = mapped_column(Integer)
    other_rev: Mapped[int] = mapped_column(Integer)
    other_fields: Mapped[str] = mapped_column(Text)  # JSON of the value not kept
    reason: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ExportRecord(Base):
    """The center's export history: which bundle covered which changes."""

    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    epoch: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    first_change: Mapped[int] = mapped_column(Integer)
    last_change: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReceiptRecord(Base):
    """Receipts the center has accepted from the province."""

    __tablename__ = "receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[str] = mapped_column(String(64))
    applied_through: Mapped[int] = mapped_column(Integer)
    resend_from: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)  # JSON: per-bundle results and rejected records
    province_created_at: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EscalationAnswer(Base):
    """The Provincial Justice Office's answer to a case a center escalated (domain.md §13).

    Owned by the province (``owner_id``) and never synced in a bundle: the province writes it,
    the next receipt carries it to the center (docs/sync.md §12), and the center keeps the copy
    read-only. One answer per case; answering again updates it and raises ``rev``. The case row
    itself is the center's and is never changed by an answer. ``receipt_seq``: at the province
    the receipt that last carried this version (``NULL``: not sent since it last changed); at
    the center the receipt that brought it.
    """

    __tablename__ = "escalation_answers"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the province
    center_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", deferrable=True, initially="IMMEDIATE"), unique=True
    )
    rev: Mapped[int] = mapped_column(Integer, default=1)
    decision: Mapped[str] = mapped_column(String(16))  # EscalationDecision
    agency: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    officer: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    receipt_seq: Mapped[int | None] = mapped_column(Integer)


class ConflictDecisionRow(Base):
    """An officer's decision on an entry of the province's conflict list (docs/sync.md §13).

    Owned by the province (``owner_id``) and never synced in a bundle: the province writes it,
    its next receipt carries it to the center, and the center keeps the copy read-only. The
    entry is a version in ``sync_conflicts`` (``problem`` ``conflict``) or a bundle held for a
    gap (``gap``, a ``received_bundles`` row), numbered ``problem_no`` at the province; the
    record concerned is ``table_name``/``row_id`` (none for a gap), the bundle ``seq`` and its
    change range for a gap. Deciding again updates the row and raises ``rev``.
    ``receipt_seq``: at the province the receipt that last carried this version (``NULL``: not
    sent since it last changed); at the center the receipt that brought it.
    """

    __tablename__ = "conflict_decisions"
    __table_args__ = (
        UniqueConstraint(
            "center_id", "problem", "problem_no", name="uq_conflict_decisions_problem"
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the province
    center_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    problem: Mapped[str] = mapped_column(String(16))  # domain.conflicts: conflict | gap
    problem_no: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str | None] = mapped_column(String(64))
    row_id: Mapped[str | None] = mapped_column(String(64))
    record_rev: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    first_change: Mapped[int | None] = mapped_column(Integer)
    last_change: Mapped[int | None] = mapped_column(Integer)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    decision: Mapped[str] = mapped_column(String(16))  # ConflictDecision
    note: Mapped[str] = mapped_column(Text)
    officer: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    receipt_seq: Mapped[int | None] = mapped_column(Integer)


# --------------------------------------------------------------------------------------------
# Indexes for a province of many centers (migration 0015, docs/architecture.md §21)

#: Child columns of foreign keys that had no index. SQLite checks a deferred foreign key from
#: the parent's side too: while an import's transaction holds a reference not satisfied yet (a
#: meeting pointing at the later meeting that adopts its minutes), every row inserted into the
#: parent table looks up its children, and without these indexes each look-up read the whole
#: child table (minutes with their full text): imports slowed down as the province grew.
SCALE_FOREIGN_KEY_INDEXES: tuple[tuple[str, str], ...] = (
    ("cases", "responsible_id"),
    ("meetings", "minute_taker_id"),
    ("meetings", "checker_id"),
    ("meetings", "adopted_in_meeting_id"),
    ("meeting_attendance", "person_id"),
    ("meeting_attendance", "substitute_for_id"),
    ("minutes_versions", "adopted_in_meeting_id"),
)
for _table, _column in SCALE_FOREIGN_KEY_INDEXES:
    Index(f"ix_{_table}_{_column}", Base.metadata.tables[_table].c[_column])

_LIVE = text("deleted_at IS NULL")
#: What the dashboard (storage/dashboard_queries.py) reads by date, over live rows only:
#: the outcome events of a period with what ranks them (no table look-up), the §6 and §32
#: deadlines' source dates, active memberships, and each meeting's attendance for its quorum.
SCALE_DASHBOARD_INDEXES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "ix_case_events_dashboard": (
        "case_events",
        ("occurred_on", "to_status", "case_id", "owner_id", "created_at", "id"),
        True,
    ),
    "ix_cases_live_mediation_ended": ("cases", ("mediation_ended_on",), True),
    "ix_settlements_agreed_on": ("settlements", ("agreed_on",), True),
    "ix_memberships_live_status": ("memberships", ("status", "person_id"), True),
    "ix_meeting_attendance_quorum": (
        "meeting_attendance",
        ("meeting_id", "position", "attendance", "person_id", "substitute_for_id"),
        True,
    ),
}
for _name, (_table, _columns, _live) in SCALE_DASHBOARD_INDEXES.items():
    Index(
        _name,
        *(Base.metadata.tables[_table].c[c] for c in _columns),
        sqlite_where=_LIVE if _live else None,
        postgresql_where=_LIVE if _live else None,
    )


# --------------------------------------------------------------------------------------------
# Summary tables of a province (migrations 0017-0019, storage/summaries.py,
# docs/architecture.md §21)
#
# Per center and calendar month (``month`` = CE year × 100 + month), what the dashboard sums
# over a period's whole months. Counted from the records by ``storage.summaries.refresh``
# after every write that changes a center's records at the province (a bundle's import, a
# conflict decision taking the center's version, the demo's direct path), which marks the
# center stale meanwhile; read only in a province database (a center's dashboard counts its
# own records). The monthly tables' keys start with the center (migration 0019; on SQLite
# WITHOUT ROWID, the rows kept in key order): the dashboard sums them per center, which then
# needs no sort, and reads a period's range of months by scanning them -- a few tens of
# thousands of small rows for a province's five years, cheaper than a month index's lookups
# and a sort; a center's recount deletes its rows by the same key.

_CLUSTERED = {"sqlite_with_rowid": False}


class SummaryReceived(Base):
    """Live cases received in a month, by kind and channel."""

    __tablename__ = "summary_received"
    __table_args__ = (
        PrimaryKeyConstraint("owner_id", "month", "kind", "channel"),
        _CLUSTERED,
    )
    month: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    cases: Mapped[int] = mapped_column(Integer)


class SummaryOutcome(Base):
    """Cases whose outcome events all fall in one month, by their last outcome there, the
    case's kind and the days from receipt to that outcome (the median is read from these)."""

    __tablename__ = "summary_outcomes"
    # The days second: a center's distribution of days (for its median) comes in key order.
    __table_args__ = (
        PrimaryKeyConstraint("owner_id", "days", "month", "kind", "status"),
        _CLUSTERED,
    )
    month: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    days: Mapped[int] = mapped_column(Integer)
    cases: Mapped[int] = mapped_column(Integer)


class SummaryOutcomeSpan(Base):
    """Cases whose live outcome events fall in more than one month (a failed mediation, then
    an escalation weeks later): not in ``summary_outcomes``; a period's last outcome of these
    is ranked from their events."""

    __tablename__ = "summary_outcome_spans"
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)


class SummaryMonth(Base):
    """Meetings held, those without a quorum, minutes not adopted, activities and their
    participants by sex, in a month."""

    __tablename__ = "summary_month"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "month"), _CLUSTERED)
    month: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    meetings_held: Mapped[int] = mapped_column(Integer, default=0)
    quorum_failures: Mapped[int] = mapped_column(Integer, default=0)
    minutes_not_adopted: Mapped[int] = mapped_column(Integer, default=0)
    activities: Mapped[int] = mapped_column(Integer, default=0)
    participants_male: Mapped[int] = mapped_column(Integer, default=0)
    participants_female: Mapped[int] = mapped_column(Integer, default=0)
    participants_unspecified: Mapped[int] = mapped_column(Integer, default=0)


class SummaryDeadline(Base):
    """Cases by the day a legal deadline is counted from (``kind``: domain.deadlines.
    DeadlineKind), under the conditions the dashboard counts it (dashboard_queries.
    deadline_selection): a period's deadlines are a range of these days, not whole months."""

    __tablename__ = "summary_deadlines"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    cases: Mapped[int] = mapped_column(Integer)


class SummaryPeople(Base):
    """A center's network members (active membership) and those with a training, today."""

    __tablename__ = "summary_people"
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    members: Mapped[int] = mapped_column(Integer, default=0)
    trained_members: Mapped[int] = mapped_column(Integer, default=0)


SUMMARY_MODELS: tuple[type[Base], ...] = (
    SummaryReceived,
    SummaryOutcome,
    SummaryOutcomeSpan,
    SummaryMonth,
    SummaryDeadline,
    SummaryPeople,
)


class SummaryStale(Base):
    """A center whose summary rows may not match its records any more (migration 0018): a write
    that changed its records marked it in the same transaction; the dashboard counts such a
    center from its records until ``storage.summaries.refresh_stale`` recounts it and removes
    the mark (docs/architecture.md §21)."""

    __tablename__ = "summary_stale"
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: When it was first marked since its last recount (UTC).
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
