"""People, network members and their training, committee terms and mediators."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from justice_desk import i18n
from justice_desk.domain import national_id
from justice_desk.domain.access import Permission
from justice_desk.domain.addresses import is_lane, strip_prefix
from justice_desk.domain.enums import CommitteePosition, MediatorStatus, MembershipStatus, Sex
from justice_desk.errors import ValidationError
from justice_desk.i18n import N_, _
from justice_desk.services import access
from justice_desk.services.access import require
from justice_desk.services.common import (
    Page,
    Saved,
    check_rev,
    clean,
    not_in_future,
    phone_warning,
    required,
)
from justice_desk.storage import access_queries, audit, privacy_queries
from justice_desk.storage import people_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    CommitteePositionRow,
    CommitteeTerm,
    Mediator,
    Membership,
    Person,
    Training,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PersonInput:
    """What a form or a command line gives to create or edit a person."""

    given_name: str
    surname: str | None = None
    title: str | None = None
    national_id: str | None = None
    no_id_reason: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None  # CE year when only the year is known
    sex: Sex = Sex.UNSPECIFIED
    house_no: str | None = None
    moo: str | None = None
    village: str | None = None
    road: str | None = None
    tambon: str | None = None
    amphoe: str | None = None
    province: str | None = None
    postcode: str | None = None
    phone: str | None = None
    line_id: str | None = None
    community_role: str | None = None
    occupation: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class PersonRecord(PersonInput):
    id: uuid.UUID = uuid.UUID(int=0)
    rev: int = 0

    @property
    def full_name(self) -> str:
        return full_name(self.title, self.given_name, self.surname)

    @property
    def masked_id(self) -> str:
        return national_id.masked(self.national_id or "")

    @property
    def address(self) -> str:
        return format_address(self)


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list (ID masked)."""

    id: uuid.UUID
    name: str
    masked_id: str
    phone: str | None
    village: str | None
    community_role: str | None
    is_member: bool


def full_name(title: str | None, given: str, surname: str | None) -> str:
    """Thai style: the title is written against the given name (``นายสมศักดิ์ ใจดี``)."""
    return f"{title or ''}{given} {surname or ''}".strip()


def format_address(p: PersonInput, tr: Callable[[str], str] = _) -> str:
    """One line of address; ``tr`` translates the labels (documents pass the Thai catalog's)."""
    parts = []
    # A prefix typed with the value (``ถนน…``, ``ม.4``) is printed once (domain/addresses.py).
    house, moo, road = (strip_prefix(f, getattr(p, f)) for f in ("house_no", "moo", "road"))
    tambon, amphoe = strip_prefix("tambon", p.tambon), strip_prefix("amphoe", p.amphoe)
    province = strip_prefix("province", p.province)
    if house:
        parts.append(tr(N_("No. {house}")).format(house=house))
    if moo:
        parts.append(tr(N_("Moo {moo}")).format(moo=moo))
    if p.village:
        parts.append(p.village)
    if road and is_lane(road):
        parts.append(road)
    elif road:
        parts.append(tr(N_("Road {road}")).format(road=road))
    if tambon:
        parts.append(tr(N_("Tambon {tambon}")).format(tambon=tambon))
    if amphoe:
        parts.append(tr(N_("Amphoe {amphoe}")).format(amphoe=amphoe))
    if province:
        parts.append(tr(N_("Province {province}")).format(province=province))
    if p.postcode:
        parts.append(p.postcode)
    return " ".join(parts)


_INPUT_FIELDS = [f.name for f in fields(PersonInput)]


def person_record(row: Person) -> PersonRecord:
    values = {name: getattr(row, name) for name in _INPUT_FIELDS}
    values["sex"] = Sex(row.sex)
    return PersonRecord(**values, id=row.id, rev=row.rev)


def check_person(data: PersonInput, today: dt.date | None = None) -> tuple[PersonInput, list[str]]:
    """Clean and check a person's data: raises for what cannot be saved, returns warnings."""
    today = today or dt.date.today()
    given = required(data.given_name, _("The given name is required."), "given_name")
    warnings: list[str] = []
    nid = clean(data.national_id)
    if nid:
        checked = national_id.check(nid)
        nid = checked.digits
        if checked.warning:
            warnings.append(checked.warning)
    elif not clean(data.no_id_reason):
        warnings.append(
            _("No national ID: note why (for example “not known yet”) in the reason field.")
        )
    not_in_future(data.birth_date, _("The birth date"), "birth_date", today)
    if data.birth_year is not None and not (1900 <= data.birth_year <= today.year):
        raise ValidationError(
            _("The birth year {year} is not possible.").format(year=data.birth_year + 543),
            "birth_year",
        )
    if data.postcode and not (len(data.postcode.strip()) == 5 and data.postcode.strip().isdigit()):
        raise ValidationError(_("A postcode has 5 digits."), "postcode")
    if w := phone_warning(data.phone):
        warnings.append(w)
    birth_year = data.birth_date.year if data.birth_date else data.birth_year
    cleaned = replace(
        data,
        given_name=given,
        surname=clean(data.surname),
        title=clean(data.title),
        national_id=nid,
        no_id_reason=clean(data.no_id_reason) if not nid else None,
        birth_year=birth_year,
        house_no=strip_prefix("house_no", clean(data.house_no)),
        moo=strip_prefix("moo", clean(data.moo)),
        village=clean(data.village),
        road=strip_prefix("road", clean(data.road)),
        tambon=strip_prefix("tambon", clean(data.tambon)),
        amphoe=strip_prefix("amphoe", clean(data.amphoe)),
        province=strip_prefix("province", clean(data.province)),
        postcode=clean(data.postcode),
        phone=clean(data.phone),
        line_id=clean(data.line_id),
        community_role=clean(data.community_role),
        occupation=clean(data.occupation),
        notes=clean(data.notes),
    )
    return cleaned, warnings


def _privacy() -> Any:
    # services.privacy reads people's names through this module: imported when used.
    from justice_desk.services import privacy

    return privacy


def _apply(row: Person, data: PersonInput) -> None:
    for name in _INPUT_FIELDS:
        value = getattr(data, name)
        setattr(row, name, value.value if isinstance(value, Sex) else value)


# -- duplicates (docs/domain.md §11) ---------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    """A person already on file who may be the one being entered."""

    id: uuid.UUID
    name: str
    masked_id: str
    birth_date: dt.date | None
    birth_year: int | None  # CE
    village: str | None
    #: ``national_id`` (the same ID: saving is refused) or ``name_birth`` (a warning)
    reason: str
    similarity: float

    def describe(self) -> str:
        """``นางน้ำฝน ปั้นทอง (born 3 Mar 2510, บ้านป่าตึง)`` in the interface language."""
        from justice_desk.domain.dates import format_date

        details = []
        if self.birth_date is not None:
            details.append(
                _("born {date}").format(
                    date=format_date(self.birth_date, i18n.language(), short=True)
                )
            )
        elif self.birth_year is not None:
            details.append(_("born {year}").format(year=self.birth_year + 543))
        if self.village:
            details.append(self.village)
        if self.masked_id:
            details.append(self.masked_id)
        return f"{self.name} ({', '.join(details)})" if details else self.name


class DuplicateNationalIdError(ValidationError):
    """The national ID is already on file for another person; ``existing`` is that person."""

    reason = "duplicate_national_id"

    def __init__(self, message: str, existing: DuplicateCandidate) -> None:
        super().__init__(message, "national_id")
        self.existing = existing


def _candidate(row: Person, reason: str, similarity: float) -> DuplicateCandidate:
    return DuplicateCandidate(
        row.id,
        full_name(row.title, row.given_name, row.surname),
        national_id.masked(row.national_id or ""),
        row.birth_date,
        row.birth_year,
        row.village,
        reason,
        similarity,
    )


def _same_id(
    session: Session, db: Database, digits: str | None, exclude: uuid.UUID | None
) -> DuplicateCandidate | None:
    # Only a whole 13-digit ID names a person; a fragment typed from a torn copy does not.
    if not digits or len(digits) != national_id.ID_LENGTH or not digits.isdigit():
        return None
    rows = q.people_with_national_id(session, digits, db.home_owner(), exclude)
    return _candidate(rows[0], "national_id", 1.0) if rows else None


def _alike(
    session: Session, db: Database, data: PersonInput, exclude: uuid.UUID | None
) -> list[DuplicateCandidate]:
    from justice_desk.domain import person_match
    from justice_desk.storage.changelog import person_derived

    key = person_match.name_key(data.title, data.given_name, data.surname)
    if not key.joined:
        return []
    birth = person_match.Birth(data.birth_date, data.birth_year)
    year = data.birth_date.year if data.birth_date else data.birth_year
    sort_key = person_derived({"given_name": data.given_name, "surname": data.surname})["sort_key"]
    found = []
    for row in q.duplicate_candidates(
        session, birth_year=year, sort_key=sort_key, owner_id=db.home_owner(), exclude=exclude
    ):
        score = person_match.probable_duplicate(
            key,
            birth,
            person_match.name_key(row.title, row.given_name, row.surname),
            person_match.Birth(row.birth_date, row.birth_year),
        )
        if score is not None:
            found.append(_candidate(row, "name_birth", score))
    found.sort(key=lambda c: (-c.similarity, c.name))
    return found[:DUPLICATES_SHOWN]


#: At most this many probable duplicates are named.
DUPLICATES_SHOWN = 5


def find_duplicates(
    db: Database, data: PersonInput, *, exclude_id: uuid.UUID | None = None
) -> list[DuplicateCandidate]:
    """People already on file who may be the person in ``data`` (the one being edited,
    ``exclude_id``, left out): first the one with the same national ID, then those with an
    alike name and agreeing birth. For the form's live check; never raises for bad input."""
    access.require_any(db, Permission.READ_ALL, Permission.PEOPLE)
    digits = national_id.clean(data.national_id or "") or None
    year = data.birth_date.year if data.birth_date else data.birth_year
    data = replace(data, national_id=digits, birth_year=year)
    with db.read() as session:
        same = _same_id(session, db, digits, exclude_id)
        alike = [
            c for c in _alike(session, db, data, exclude_id) if same is None or c.id != same.id
        ]
    return ([same] if same else []) + alike


def _duplicate_id_error(existing: DuplicateCandidate, digits: str) -> DuplicateNationalIdError:
    return DuplicateNationalIdError(
        _(
            "The national ID {id} is already on file for {person}. Open that person instead "
            "of adding them again, or correct the ID."
        ).format(id=national_id.display(digits), person=existing.describe()),
        existing,
    )


def _duplicate_warnings(found: list[DuplicateCandidate]) -> list[str]:
    return [
        _(
            "Possibly the same person as {person}, already on file: check, and if so use "
            "that record and delete this one."
        ).format(person=c.describe())
        for c in found
    ]


def create_person(db: Database, data: PersonInput) -> Saved[PersonRecord]:
    """Add a person. A national ID already on file for someone else is refused
    (:class:`DuplicateNationalIdError`); an alike name with the same birth is a warning."""
    require(db, Permission.PEOPLE)
    cleaned, warnings = check_person(data)
    with db.write() as session:
        if same := _same_id(session, db, cleaned.national_id, None):
            raise _duplicate_id_error(same, cleaned.national_id or "")
        warnings.extend(_duplicate_warnings(_alike(session, db, cleaned, None)))
        row = Person()
        _apply(row, cleaned)
        _privacy().stamp_new_person(session, row)
        session.add(row)
        session.flush()
        return Saved(person_record(row), warnings)


def update_person(
    db: Database, person_id: uuid.UUID, data: PersonInput, expected_rev: int | None = None
) -> Saved[PersonRecord]:
    require(db, Permission.PEOPLE)
    cleaned, warnings = check_person(data)
    with db.write() as session:
        row = repo.get(session, Person, person_id)
        check_rev(row.rev, expected_rev)
        _privacy().refuse_anonymised(row)
        # Only a change is checked: records entered twice before this check existed stay
        # editable, and are named again only when their name or birth changes.
        if cleaned.national_id != row.national_id and (
            same := _same_id(session, db, cleaned.national_id, person_id)
        ):
            raise _duplicate_id_error(same, cleaned.national_id or "")
        if (cleaned.title, cleaned.given_name, cleaned.surname, cleaned.birth_date) != (
            row.title,
            row.given_name,
            row.surname,
            row.birth_date,
        ) or cleaned.birth_year != row.birth_year:
            warnings.extend(_duplicate_warnings(_alike(session, db, cleaned, person_id)))
        # PDPA s.35: a correction keeps the old and new values on the audit trail.
        before = {name: getattr(row, name) for name in _INPUT_FIELDS}
        _apply(row, cleaned)
        privacy_queries.record_correction(
            session, person_id, before, {name: getattr(row, name) for name in _INPUT_FIELDS}
        )
        session.flush()
        return Saved(person_record(row), warnings)


def get_person(db: Database, person_id: uuid.UUID) -> PersonRecord:
    with db.read() as session:
        access.require_person(db, session, person_id, write=False)
        return person_record(repo.get(session, Person, person_id))


def delete_person(db: Database, person_id: uuid.UUID) -> None:
    """Soft delete; the person stays in old minutes and cases that name them."""
    require(db, Permission.PEOPLE)
    with db.write() as session:
        repo.get(session, Person, person_id).deleted_at = utcnow()
        audit.record(session, "delete", table="people", row_id=person_id)


def list_people(
    db: Database,
    *,
    search: str | None = None,
    members_only: bool = False,
    owner_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 200,
    descending: bool = False,
) -> Page[PersonRow]:
    """People in Thai dictionary order of given name and surname, optionally filtered (a
    mediator's account: the people in the cases they mediate)."""
    scope = access.mediator_scope(db)
    with db.read() as session:
        result = q.people_page(
            session,
            search=search,
            members_only=members_only,
            owner_id=db.owner_in_view(owner_id),
            only=None if scope is None else access_queries.people_of_assigned_cases(scope),
            offset=offset,
            limit=limit,
            descending=descending,
        )
        rows = [
            PersonRow(
                r.id,
                full_name(r.title, r.given_name, r.surname),
                national_id.masked(r.national_id or ""),
                r.phone,
                r.village,
                r.community_role,
                bool(r.is_member),
            )
            for r in result.rows
        ]
        return Page(rows, result.total, offset)


# -- network membership and training -------------------------------------------------------


@dataclass(frozen=True)
class MembershipRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    member_no: str | None
    joined_on: dt.date | None
    status: MembershipStatus
    left_on: dt.date | None


def _membership(row: Membership) -> MembershipRecord:
    p = row.person
    return MembershipRecord(
        row.id,
        row.person_id,
        full_name(p.title, p.given_name, p.surname),
        row.member_no,
        row.joined_on,
        MembershipStatus(row.status),
        row.left_on,
    )


def add_membership(
    db: Database,
    person_id: uuid.UUID,
    *,
    member_no: str | None = None,
    joined_on: dt.date | None = None,
) -> MembershipRecord:
    require(db, Permission.PEOPLE)
    not_in_future(joined_on, _("The joining date"), "joined_on")
    with db.write() as session:
        repo.get(session, Person, person_id)
        if q.active_membership(session, person_id) is not None:
            raise ValidationError(_("This person is already a member of the network."), "person_id")
        row = Membership(
            person_id=person_id,
            member_no=clean(member_no),
            joined_on=joined_on,
            status=MembershipStatus.ACTIVE.value,
        )
        session.add(row)
        session.flush()
        return _membership(row)


def end_membership(db: Database, membership_id: uuid.UUID, *, left_on: dt.date) -> MembershipRecord:
    require(db, Permission.PEOPLE)
    with db.write() as session:
        row = repo.get(session, Membership, membership_id)
        if row.joined_on and left_on < row.joined_on:
            raise ValidationError(_("The leaving date is before the joining date."), "left_on")
        row.status = MembershipStatus.LEFT.value
        row.left_on = left_on
        session.flush()
        return _membership(row)


def list_members(
    db: Database,
    *,
    search: str | None = None,
    owner_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 200,
) -> Page[MembershipRecord]:
    require(db, Permission.READ_ALL)
    with db.read() as session:
        result = q.members_page(
            session, search=search, owner_id=db.owner_in_view(owner_id), offset=offset, limit=limit
        )
        return Page([_membership(r) for r in result.rows], result.total, offset)


@dataclass(frozen=True)
class TrainingRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    course: str
    organiser: str | None
    completed_on: dt.date | None
    hours: int | None
    certificate_no: str | None


def add_training(
    db: Database,
    person_id: uuid.UUID,
    *,
    course: str,
    completed_on: dt.date | None = None,
    organiser: str | None = None,
    hours: int | None = None,
    certificate_no: str | None = None,
) -> TrainingRecord:
    require(db, Permission.PEOPLE)
    course = required(course, _("The course name is required."), "course")
    not_in_future(completed_on, _("The completion date"), "completed_on")
    with db.write() as session:
        repo.get(session, Person, person_id)
        row = Training(
            person_id=person_id,
            course=course,
            completed_on=completed_on,
            organiser=clean(organiser),
            hours=hours,
            certificate_no=clean(certificate_no),
        )
        session.add(row)
        session.flush()
        return TrainingRecord(
            row.id, person_id, course, row.organiser, completed_on, hours, row.certificate_no
        )


def trainings_of(db: Database, person_id: uuid.UUID) -> list[TrainingRecord]:
    with db.read() as session:
        access.require_person(db, session, person_id, write=False)
        return [
            TrainingRecord(
                t.id, t.person_id, t.course, t.organiser, t.completed_on, t.hours, t.certificate_no
            )
            for t in repo.children(session, Training, "person_id", person_id, "completed_on")
        ]


def memberships_of(db: Database, person_id: uuid.UUID) -> list[MembershipRecord]:
    """A person's network memberships, oldest first (a person may leave and join again)."""
    with db.read() as session:
        access.require_person(db, session, person_id, write=False)
        return [_membership(m) for m in q.membership_of(session, person_id)]


# -- committee -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRecord:
    id: uuid.UUID
    name: str
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class SeatRecord:
    id: uuid.UUID
    term_id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    position: CommitteePosition
    starts_on: dt.date
    ends_on: dt.date | None

    @property
    def position_label(self) -> str:
        return self.position.label()


def create_term(
    db: Database, *, name: str, starts_on: dt.date, ends_on: dt.date | None = None
) -> TermRecord:
    require(db, Permission.COMMITTEE)
    name = required(name, _("The term needs a name, for example “2568–2570”."), "name")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("The term ends before it starts."), "ends_on")
    with db.write() as session:
        row = CommitteeTerm(name=name, starts_on=starts_on, ends_on=ends_on)
        session.add(row)
        session.flush()
        return TermRecord(row.id, name, starts_on, ends_on)


def list_terms(db: Database) -> list[TermRecord]:
    with db.read() as session:
        return [
            TermRecord(t.id, t.name, t.starts_on, t.ends_on)
            for t in q.terms(session, db.home_owner())
        ]


def _seat(row: CommitteePositionRow) -> SeatRecord:
    p = row.person
    return SeatRecord(
        row.id,
        row.term_id,
        row.person_id,
        full_name(p.title, p.given_name, p.surname),
        CommitteePosition(row.position),
        row.starts_on,
        row.ends_on,
    )


def appoint(
    db: Database,
    term_id: uuid.UUID,
    person_id: uuid.UUID,
    position: CommitteePosition,
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> SeatRecord:
    """Give a person a seat on the committee for a term (one chair and one secretary at a time)."""
    require(db, Permission.COMMITTEE)
    with db.write() as session:
        term = repo.get(session, CommitteeTerm, term_id)
        repo.get(session, Person, person_id)
        start = starts_on or term.starts_on
        if start < term.starts_on or (term.ends_on and start > term.ends_on):
            raise ValidationError(_("The appointment must start within the term."), "starts_on")
        for seat in repo.children(session, CommitteePositionRow, "term_id", term_id):
            current = seat.ends_on is None or seat.ends_on >= start
            if not current:
                continue
            if seat.person_id == person_id:
                raise ValidationError(
                    _("This person already has a seat in this term."), "person_id"
                )
            if (
                position in (CommitteePosition.CHAIR, CommitteePosition.SECRETARY)
                and seat.position == position.value
            ):
                raise ValidationError(
                    _("The committee already has a {position}. End that appointment first.").format(
                        position=position.label()
                    ),
                    "position",
                )
        row = CommitteePositionRow(
            term_id=term_id,
            person_id=person_id,
            position=position.value,
            starts_on=start,
            ends_on=ends_on,
        )
        session.add(row)
        session.flush()
        return _seat(row)


def end_appointment(db: Database, seat_id: uuid.UUID, *, ends_on: dt.date) -> SeatRecord:
    require(db, Permission.COMMITTEE)
    with db.write() as session:
        row = repo.get(session, CommitteePositionRow, seat_id)
        if ends_on < row.starts_on:
            raise ValidationError(_("The appointment ends before it starts."), "ends_on")
        row.ends_on = ends_on
        session.flush()
        return _seat(row)


def seats_of_term(db: Database, term_id: uuid.UUID) -> list[SeatRecord]:
    """Every seat of a term, past and future included, in protocol order."""
    with db.read() as session:
        seats = [_seat(r) for r in q.seats_of_term(session, term_id)]
    return sorted(seats, key=lambda s: (s.position.order, s.starts_on))


def roster(
    db: Database, on: dt.date | None = None, *, owner_id: uuid.UUID | None = None
) -> list[SeatRecord]:
    """The committee serving on ``on`` (default today), in protocol order."""
    on = on or dt.date.today()
    with db.read() as session:
        seats = [_seat(r) for r in q.seats_on(session, on, db.home_owner(owner_id))]
    return sorted(seats, key=lambda s: (s.position.order, s.starts_on))


# -- mediators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MediatorRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    registration_no: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    status: MediatorStatus

    def valid_on(self, day: dt.date) -> bool:
        return self.status is MediatorStatus.ACTIVE and (
            self.expires_on is None or self.expires_on >= day
        )


def _mediator(row: Mediator) -> MediatorRecord:
    p = row.person
    return MediatorRecord(
        row.id,
        row.person_id,
        full_name(p.title, p.given_name, p.surname),
        row.registration_no,
        row.issued_on,
        row.expires_on,
        MediatorStatus(row.status),
    )


def register_mediator(
    db: Database,
    person_id: uuid.UUID,
    *,
    registration_no: str,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> MediatorRecord:
    require(db, Permission.COMMITTEE)
    registration_no = required(
        registration_no, _("The registration number is required."), "registration_no"
    )
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError(_("The registration expires before it was issued."), "expires_on")
    with db.write() as session:
        repo.get(session, Person, person_id)
        row = Mediator(
            person_id=person_id,
            registration_no=registration_no,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        session.add(row)
        session.flush()
        return _mediator(row)


def list_mediators(
    db: Database, *, valid_on: dt.date | None = None, owner_id: uuid.UUID | None = None
) -> list[MediatorRecord]:
    with db.read() as session:
        rows = [_mediator(m) for m in q.mediators(session, db.home_owner(owner_id))]
    if valid_on is not None:
        rows = [m for m in rows if m.valid_on(valid_on)]
    return rows


def view_person(db: Database, person_id: uuid.UUID) -> PersonRecord:
    """A person's record opened to be read (the person's page): ``get_person``, and the view
    written in the audit trail (PDPA)."""
    from justice_desk.services import audit_trail

    record = get_person(db, person_id)
    audit_trail.record_view(db, "people", person_id)
    return record
