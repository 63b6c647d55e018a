"""The rights the Personal Data Protection Act B.E. 2562 gives the people a center keeps data on
(docs/privacy.md): the privacy notice and legal basis per person, a copy of everything held
(access, s.30), corrections on the audit trail (s.35), erasure where the law allows it (s.33)
with the rule that refuses it where it does not, and the yearly disposal of what is past its
retention period (s.37(3)), for the committee to approve.

An erasure or a disposal is an ordinary change of the rows: it travels to the province in the
next bundle, and the province applies it like any other (services/sync/importer.py purges
what it kept besides the rows).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from justice_desk import i18n, paths
from justice_desk.domain import national_id, privacy, retention
from justice_desk.domain.access import Permission
from justice_desk.domain.dates import add_years, format_date
from justice_desk.domain.enums import (
    CaseKind,
    CaseStatus,
    CommitteePosition,
    MembershipStatus,
    PartySide,
    Sex,
)
from justice_desk.domain.privacy import LegalBasis
from justice_desk.errors import NotFoundError, UserError, ValidationError
from justice_desk.i18n import N_, _
from justice_desk.services import access
from justice_desk.storage import audit
from justice_desk.storage import privacy_queries as q
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database
from justice_desk.storage.models import Person

# -- the notice (s.23) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """The privacy notice this build ships, in one language, placeholders not yet filled."""

    version: str
    issued_on: dt.date
    language: str
    title: str
    intro: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


@cache
def _notice_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        paths.package_data("privacy-notice.json").read_text(encoding="utf-8")
    )
    return data


def notice(language: str = "th") -> Notice:
    """The shipped notice (``data/privacy-notice.json``) in Thai or English."""
    data = _notice_file()
    text = data["en" if language == "en" else "th"]
    return Notice(
        data["version"],
        dt.date.fromisoformat(data["date"]),
        "en" if language == "en" else "th",
        text["title"],
        text["intro"],
        tuple((s["heading"], tuple(s["paragraphs"])) for s in text["sections"]),
    )


def _issuer(db: Database) -> Any:
    from justice_desk.documents.data import Issuer
    from justice_desk.services import setup

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


def notice_document(db: Database, language: str = "th") -> Any:
    """The notice as a document, filled with this center's name, address and telephone."""
    from justice_desk.documents.person_export import NoticeDoc, NoticeSection

    text = notice(language)
    issuer = _issuer(db)
    fill = {
        "center": issuer.name,
        "address": issuer.locality,
        "phone": (("โทร. " if text.language == "th" else "Tel. ") + issuer.phone)
        if issuer.phone
        else "",
    }
    if text.language == "th":
        line = f"ฉบับที่ {text.version} ลงวันที่ {format_date(text.issued_on, 'th')}"
    else:
        line = f"Version {text.version} of {format_date(text.issued_on, 'en')}"
    return NoticeDoc(
        issuer=issuer,
        title=text.title,
        version=text.version,
        issued_on=text.issued_on,
        intro=text.intro.format(**fill),
        sections=tuple(
            NoticeSection(h, tuple(p.format(**fill).strip() for p in ps)) for h, ps in text.sections
        ),
        version_line=line,
    )


def notice_pdf(db: Database, language: str = "th") -> bytes:
    """The privacy notice to print and hand over (or pin up at the center)."""
    from justice_desk.documents.person_export import notice_pdf as render

    return render(notice_document(db, language))


# -- one person's privacy facts --------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPrivacy:
    """What the person's page shows under Privacy."""

    person_id: uuid.UUID
    name: str
    notice_version: str | None
    notice_on: dt.date | None
    basis: LegalBasis
    #: ``False``: the basis was not recorded for this person; ``basis`` is what their links give.
    basis_recorded: bool
    anonymised_on: dt.date | None
    #: What keeps the data today (empty: it may be erased on request).
    holds: tuple[retention.Hold, ...]

    @property
    def may_erase(self) -> bool:
        return self.anonymised_on is None and not self.holds

    def notice_text(self) -> str:
        if not self.notice_version:
            return _("No privacy notice recorded yet.")
        if self.notice_on is None:
            return _("Privacy notice version {version}.").format(version=self.notice_version)
        return _("Privacy notice version {version}, given on {date}.").format(
            version=self.notice_version, date=format_date(self.notice_on, i18n.language())
        )

    def basis_text(self) -> str:
        label = self.basis.label()
        return (
            label
            if self.basis_recorded
            else _("{basis} (from the records linked)").format(basis=label)
        )


def _holds(links: q.PersonLinks) -> list[retention.Hold]:
    holds = []
    for c in links.cases:
        rule = retention.MEDIATOR if c.role == "mediator" else retention.CASE
        until = None if c.ended_on is None else rule.until(c.ended_on)
        holds.append(retention.Hold(rule.code, f"{c.number:03d}/{c.year_be}", until, c.role))
    for m in links.meetings:
        holds.append(
            retention.Hold(
                retention.MINUTES.code,
                f"{m.number}/{m.year_be}",
                retention.MINUTES.until(m.held_on),
                "minutes",
            )
        )
    for registration_no, on_register in links.registrations:
        if on_register:
            holds.append(
                retention.Hold(retention.MEDIATOR.code, registration_no, None, "registered")
            )
    return holds


def _person_privacy(session: Any, row: Person, today: dt.date) -> PersonPrivacy:
    from justice_desk.services.people import full_name

    links = q.person_links(session, row.id, today)
    derived = privacy.derive_basis(
        in_cases=any(c.role in ("party", "responsible") for c in links.cases),
        registered_mediator=bool(links.registrations),
    )
    stored = LegalBasis(row.privacy_basis) if row.privacy_basis else None
    return PersonPrivacy(
        row.id,
        full_name(row.title, row.given_name, row.surname),
        row.privacy_notice_version,
        row.privacy_notice_on,
        privacy.stronger(stored, derived),
        stored is not None,
        row.anonymised_on,
        tuple(retention.holds_today(_holds(links), today)),
    )


def privacy_of(
    db: Database, person_id: uuid.UUID, *, today: dt.date | None = None
) -> PersonPrivacy:
    """The person's notice, legal basis and what keeps their data today."""
    today = today or dt.date.today()
    with db.read() as session:
        access.require_person(db, session, person_id, write=False)
        return _person_privacy(session, repo.get(session, Person, person_id), today)


def record_notice_given(
    db: Database, person_id: uuid.UUID, *, on: dt.date | None = None
) -> PersonPrivacy:
    """Record that the person was given the current notice (its version and the day) and the
    basis their links give."""
    on = on or dt.date.today()
    access.require(db, Permission.PEOPLE)
    with db.write() as session:
        row = repo.get(session, Person, person_id)
        refuse_anonymised(row)
        row.privacy_notice_version = privacy.NOTICE_VERSION
        row.privacy_notice_on = on
        q.note_link(session, person_id)
        if row.privacy_basis is None:
            row.privacy_basis = LegalBasis.CONSENT.value
        session.flush()
        return _person_privacy(session, row, on)


def stamp_new_person(session: Any, row: Person, today: dt.date | None = None) -> None:
    """Called by the people service when a person is recorded: the notice they are given now
    and the basis of a record linked to nothing yet (consent; a case or a registration raises
    it when it is added)."""
    row.privacy_notice_version = privacy.NOTICE_VERSION
    row.privacy_notice_on = today or dt.date.today()
    row.privacy_basis = row.privacy_basis or LegalBasis.CONSENT.value


def refuse_anonymised(row: Person) -> None:
    if row.anonymised_on is not None:
        raise ValidationError(
            _("This person's data was erased on {date}; there is nothing to change.").format(
                date=format_date(row.anonymised_on, i18n.language())
            )
        )


# -- erasure (s.33) ------------------------------------------------------------------------------


class ErasureRefused(ValidationError):
    """The law or the center's retention rules keep this person's data for now; ``holds`` say
    which rule and until when (the message lists them)."""

    reason = "erasure_refused"

    def __init__(self, name: str, holds: Iterable[retention.Hold]) -> None:
        self.holds = tuple(holds)
        lines = " ".join(retention.explain(list(self.holds)))
        super().__init__(
            _("The data of {name} cannot be erased yet. {why}").format(name=name, why=lines),
            "person",
        )


@dataclass(frozen=True)
class Erased:
    person_id: uuid.UUID
    anonymised_on: dt.date


def erase_person(db: Database, person_id: uuid.UUID, *, today: dt.date | None = None) -> Erased:
    """Anonymise a person on their request (PDPA s.33): their identifying details are emptied
    here, and the next bundle empties the province's copy. Refused with
    :class:`ErasureRefused`, naming the rule, while a case, minutes or the mediator register
    must keep them."""
    today = today or dt.date.today()
    access.require(db, Permission.PEOPLE)
    if db.mode == "province":
        raise ValidationError(
            _(
                "A person's data is erased at the center that recorded it; the province's copy "
                "follows with the center's next bundle."
            )
        )
    with db.write() as session:
        row = repo.get(session, Person, person_id)
        refuse_anonymised(row)
        state = _person_privacy(session, row, today)
        if state.holds:
            raise ErasureRefused(state.name, state.holds)
        _anonymise(session, row, today, "erase")
    return Erased(person_id, today)


def _anonymise(session: Any, row: Person, today: dt.date, action: str) -> None:
    q.forget_search_traces(session)
    q.anonymise_person(session, row, today)
    session.flush()
    q.merge_people_index(session)
    audit.record(session, action, table="people", row_id=row.id)


# -- the yearly disposal (s.37(3)) ---------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """A record past its retention period, for the committee to approve for disposal."""

    kind: str  #: ``person`` or ``case``
    id: uuid.UUID
    label: str
    rule: str  #: a ``retention.RULES`` code
    due_since: dt.date

    @property
    def rule_text(self) -> str:
        rule = retention.RULES[self.rule]
        return f"{_(rule.what)}: {_(rule.source)}"


def _consent_until(row: Person, links: q.PersonLinks) -> dt.date | None:
    """When a person kept with consent may go: ``MEMBER.years`` after they left the network,
    their seat ended, or (linked to nothing still running) their record last changed. ``None``
    while a membership or a seat runs."""
    ends = [row.updated_at.date()]
    for m in links.memberships:
        if m.status != MembershipStatus.LEFT.value:
            return None
        ends.append(m.left_on or row.updated_at.date())
    for s in links.seats:
        if s.ends_on is None:
            return None
        ends.append(s.ends_on)
    return retention.MEMBER.until(max(ends))


def due_for_disposal(db: Database, *, today: dt.date | None = None) -> list[DueItem]:
    """What is past its retention period today: cases whose details may be emptied, and people
    nothing keeps any more (a case party after the case's period, a member two years after
    leaving). The committee approves the list; :func:`dispose` carries it out."""
    today = today or dt.date.today()
    from justice_desk.services.people import full_name

    access.require(db, Permission.READ_ALL)
    if db.mode != "center":
        return []
    items: list[DueItem] = []
    with db.read() as session:
        for case, ended in q.ended_cases(session, db.site_id):
            until = retention.CASE.until(ended)
            if until <= today:
                label = f"{case.number:03d}/{case.year_be} {case.subject}"
                items.append(DueItem("case", case.id, label, retention.CASE.code, until))
        cutoff = add_years(today, -retention.MEMBER.years)
        # A person kept with consent stays MEMBER.years after their record last changed, so
        # only those unchanged since the cut-off can be due.
        for row in q.own_live_people(session, db.site_id, changed_before=cutoff):
            links = q.person_links(session, row.id, today)
            holds = _holds(links)
            if retention.holds_today(holds, today) or any(ok for _n, ok in links.registrations):
                continue
            consent = _consent_until(row, links)
            if consent is None or consent > today:
                continue
            ends = [consent, *(h.until for h in holds if h.until is not None)]
            rule = max(holds, key=lambda h: h.until or today).rule if holds else "member"
            name = full_name(row.title, row.given_name, row.surname)
            items.append(DueItem("person", row.id, name, rule, max(ends)))
    items.sort(key=lambda i: (i.kind, i.due_since, i.label))
    return items


@dataclass(frozen=True)
class Disposal:
    anonymised: tuple[uuid.UUID, ...]
    redacted: tuple[uuid.UUID, ...]
    #: ``(id, why)`` of approved records that were not disposed of.
    refused: tuple[tuple[uuid.UUID, str], ...]


def dispose(db: Database, ids: Iterable[uuid.UUID], *, today: dt.date | None = None) -> Disposal:
    """Dispose of the records the committee approved: empty the details of cases past their
    period, then anonymise the people. Each is checked again (a record that is not due today is
    refused, with the reason, and left as it is); all in one transaction."""
    today = today or dt.date.today()
    # Disposal empties cases as well as people: the coordinator's (people and cases).
    access.require(db, Permission.PEOPLE)
    access.require(db, Permission.CASES)
    wanted = list(dict.fromkeys(ids))
    due = {item.id: item for item in due_for_disposal(db, today=today)}
    anonymised: list[uuid.UUID] = []
    redacted: list[uuid.UUID] = []
    refused: list[tuple[uuid.UUID, str]] = []
    with db.write() as session:
        for item_id in wanted:
            item = due.get(item_id)
            if item is None:
                refused.append((item_id, _("not due for disposal today")))
            elif item.kind == "case":
                case = q.case_of(session, item_id)
                assert case is not None
                q.forget_search_traces(session)
                q.redact_case(session, case)
                audit.record(session, "dispose", table="cases", row_id=item_id)
                redacted.append(item_id)
        for item_id in wanted:
            item = due.get(item_id)
            if item is not None and item.kind == "person":
                _anonymise(session, repo.get(session, Person, item_id), today, "dispose")
                anonymised.append(item_id)
    return Disposal(tuple(anonymised), tuple(redacted), tuple(refused))


def read_approved(path: Path) -> list[uuid.UUID]:
    """The ids a committee approved: the JSON ``privacy due --json`` writes (items with an
    ``id``, possibly cut down), or one id per line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            _("Cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)
        ) from exc
    values: list[str]
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UserError(
                _("{path} is not valid JSON (line {line}).").format(path=path, line=exc.lineno)
            ) from exc
        items = data.get("due", []) if isinstance(data, dict) else data
        values = [str(i["id"]) if isinstance(i, dict) else str(i) for i in items]
    else:
        values = [line.strip() for line in text.splitlines() if line.strip()]
    return parse_ids(values)


def parse_ids(values: Iterable[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            raise UserError(
                _(
                    "{value!r} is not a record id (ids look like 3f2a…-…, as the due list shows)."
                ).format(value=value)
            ) from None
    return out


def find_person(db: Database, text: str) -> uuid.UUID:
    """A person named on the command line by their record id or their 13-digit national ID."""
    try:
        person_id = uuid.UUID(text)
    except ValueError:
        digits = national_id.clean(text)
        if len(digits) != national_id.ID_LENGTH:
            raise UserError(
                _("{value!r} is neither a person's id nor a 13-digit national ID.").format(
                    value=text
                )
            ) from None
        with db.read() as session:
            from justice_desk.storage import people_queries

            rows = people_queries.people_with_national_id(session, digits, db.home_owner(), None)
            if not rows:
                raise NotFoundError(_("No person with that national ID is on file.")) from None
            return rows[0].id
    with db.read() as session:
        repo.get(session, Person, person_id)
    return person_id


# -- access (s.30): everything held, printed for the person ----------------------------------------

LEFT_OUT = (
    N_(
        "The notes of mediation sessions: the Dispute Mediation Act (sections 12 and 29) keeps "
        "them confidential."
    ),
    N_(
        "The personal data of the other parties to your cases: the Act protects their rights as "
        "it protects yours (section 30, paragraph 2)."
    ),
)


_ROLE_TH = {"mediator": "ผู้ไกล่เกลี่ยข้อพิพาท", "responsible": "ผู้รับผิดชอบเรื่อง"}


def _th(message: str) -> str:
    from justice_desk.services.printing import th

    return th(message)


def _network_lines(links: q.PersonLinks, th_date: Any) -> list[tuple[str, str]]:
    """Membership, seats, registrations and training (read while the session is open)."""
    network: list[tuple[str, str]] = []
    for m in links.memberships:
        status = _th(MembershipStatus.labels()[m.status])
        text = f"{status} เข้าเป็นสมาชิก {th_date(m.joined_on)}"
        if m.left_on:
            text += f" ออก {th_date(m.left_on)}"
        if m.member_no:
            text += f" เลขที่สมาชิก {m.member_no}"
        network.append(("สมาชิกเครือข่ายยุติธรรมชุมชน", text))
    for s in links.seats:
        until = f" ถึง {th_date(s.ends_on)}" if s.ends_on else ""
        network.append(
            (
                "กรรมการศูนย์",
                f"{_th(CommitteePosition.labels()[s.position])} ตั้งแต่ {th_date(s.starts_on)}{until}",
            )
        )
    for registration_no, on_register in links.registrations:
        status = "อยู่ในทะเบียน" if on_register else "ไม่อยู่ในทะเบียนแล้ว"
        network.append(("ผู้ไกล่เกลี่ยข้อพิพาท", f"ทะเบียนเลขที่ {registration_no or '-'} ({status})"))
    for t in links.trainings:
        network.append(("การอบรม", f"{t.course} {th_date(t.completed_on)}".strip()))
    return network


def person_file(db: Database, person_id: uuid.UUID, *, today: dt.date | None = None) -> Any:
    """Everything this database holds about a person, in Thai, as a document."""
    from justice_desk.documents.person_export import FileSection, PersonFileDoc
    from justice_desk.services import people

    today = today or dt.date.today()
    record = people.get_person(db, person_id)

    def th_date(day: dt.date | None) -> str:
        return format_date(day, "th") if day else "-"

    with db.read() as session:
        row = repo.get(session, Person, person_id)
        state = _person_privacy(session, row, today)
        links = q.person_links(session, person_id, today)
        cases = q.cases_of_person(session, person_id)
        corrections = q.corrections_of(session, person_id)
        network = _network_lines(links, th_date)
    birth = (
        th_date(record.birth_date)
        if record.birth_date
        else (str(record.birth_year + 543) if record.birth_year else "-")
    )
    details = [
        ("ชื่อ", record.full_name),
        (
            "เลขประจำตัวประชาชน",
            national_id.display(record.national_id) if record.national_id else "-",
        ),
        ("เหตุที่ไม่มีเลขประจำตัวประชาชน", record.no_id_reason or ""),
        ("วันเกิด", birth),
        ("เพศ", _th(Sex.labels()[record.sex.value])),
        ("ที่อยู่", people.format_address(record, _th) or "-"),
        ("โทรศัพท์", record.phone or "-"),
        ("ไลน์ไอดี", record.line_id or "-"),
        ("บทบาทในชุมชน", record.community_role or "-"),
        ("อาชีพ", record.occupation or "-"),
        ("หมายเหตุ", record.notes or "-"),
    ]
    details = [(k, v) for k, v in details if v]
    notice_lines = [
        ("ประกาศความเป็นส่วนตัวฉบับที่", state.notice_version or "ยังไม่ได้บันทึก"),
        ("วันที่แจ้ง", th_date(state.notice_on)),
        ("ฐานทางกฎหมาย", _th(LegalBasis.labels()[state.basis.value])),
    ]
    if state.anonymised_on:
        notice_lines.append(("ลบข้อมูลเมื่อ", th_date(state.anonymised_on)))
    case_lines: list[tuple[str, str]] = []
    for c in cases:
        side = _th(PartySide.labels()[c.side]) if c.side else _ROLE_TH.get(c.role, c.role)
        parts = [
            f"{_th(CaseKind.labels()[c.kind])} เรื่อง {c.subject}",
            f"ในฐานะ{side}",
            f"รับเรื่อง {th_date(c.received_on)}",
            f"สถานะ {_th(CaseStatus.labels()[c.status])}",
        ]
        if c.facts:
            parts.append(f"ข้อเท็จจริงที่บันทึกไว้: {c.facts}")
        case_lines.append((f"เรื่องเลขที่ {c.number:03d}/{c.year_be}", " ".join(parts)))
    meeting_lines = [
        (f"การประชุมครั้งที่ {m.number}/{m.year_be}", th_date(m.held_on)) for m in links.meetings
    ]
    correction_lines = []
    for at, _actor, detail in corrections:
        changes = json.loads(detail)
        text = "; ".join(f"{k}: {old or '-'} → {new or '-'}" for k, (old, new) in changes.items())
        correction_lines.append((th_date(at.date()), text))
    sections = (
        FileSection("1. ข้อมูลของท่าน", tuple(details)),
        FileSection("2. ประกาศความเป็นส่วนตัวและฐานทางกฎหมาย", tuple(notice_lines)),
        FileSection("3. เครือข่าย คณะกรรมการ การอบรม และทะเบียนผู้ไกล่เกลี่ย", tuple(network)),
        FileSection("4. เรื่องที่ท่านเกี่ยวข้อง", tuple(case_lines)),
        FileSection("5. การประชุมที่มีชื่อของท่านในรายงานการประชุม", tuple(meeting_lines)),
        FileSection("6. การแก้ไขข้อมูลที่บันทึกไว้", tuple(correction_lines)),
        FileSection(
            "7. ข้อมูลที่ส่งไปยังสำนักงานยุติธรรมจังหวัด",
            (
                (
                    "",
                    "ศูนย์ส่งข้อมูลในข้อ 1 ถึง 5 ไปยังสำนักงานยุติธรรมจังหวัดในไฟล์ที่เข้ารหัส "
                    "ยกเว้นบันทึกการไกล่เกลี่ย และรายละเอียดของงานช่วยเหลือผู้พ้นโทษที่ศูนย์ดำเนินการเอง",
                ),
            ),
        ),
    )
    return PersonFileDoc(
        issuer=_issuer(db),
        name=record.full_name,
        printed_on=today,
        sections=sections,
        left_out=tuple(_th(m) for m in LEFT_OUT),
        notice=notice_document(db, "th"),
    )


def person_file_pdf(db: Database, person_id: uuid.UUID) -> bytes:
    """The person's file as PDF bytes; the export is written to the audit trail."""
    from justice_desk.documents.person_export import person_file_pdf as render

    # The whole file covers every case of the person: not for a mediator's narrower view.
    access.require(db, Permission.PRINT)
    access.require(db, Permission.READ_ALL)
    data = render(person_file(db, person_id))
    with db.write() as session:
        audit.record(session, "export", table="people", row_id=person_id, detail="person_file")
    return data


def export_person(db: Database, person_id: uuid.UUID, path: Path) -> Path:
    """Write the person's file to ``path`` (PDF); a folder that cannot be written is a clear
    error, and a half-written file is never left behind."""
    data = person_file_pdf(db, person_id)
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(
            _("Cannot write {path}: {error}").format(path=target, error=exc.strerror or exc)
        ) from exc
    return target
