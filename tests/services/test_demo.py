"""The demo data generator: deterministic, consistent with the domain rules, adds, cancels."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from stdnum.th import pin

from justice_desk import config
from justice_desk.domain import case_flow
from justice_desk.domain.case_flow import CaseAction
from justice_desk.domain.eligibility import Facts, Verdict, assess
from justice_desk.domain.enums import CaseCategory, CaseKind, CaseStatus, CriminalStage
from justice_desk.errors import Cancelled, ValidationError
from justice_desk.progress import CancelToken
from justice_desk.services import demo
from justice_desk.services.demo import DemoSummary, generate_demo
from justice_desk.services.setup import init_center
from justice_desk.storage.changelog import activity_derived, case_derived, person_derived
from justice_desk.storage.models import SYNCABLE_MODELS

TODAY = dt.date(2026, 11, 21)
THAI = re.compile("[\u0e01-\u0e5b]")


def _center(path: Path, name: str = "center.sqlite3"):
    return init_center(
        path / name,
        code="CM-SSL",
        name="ศูนย์ยุติธรรมชุมชนตำบลสันทรายหลวง",
        province="เชียงใหม่",
        amphoe="สันทราย",
        tambon="สันทรายหลวง",
    )


def _rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    folder = tmp_path_factory.mktemp("demo")
    db = _center(folder)
    summary = generate_demo(
        db, seed=7, people=40, cases=600, meetings=14, today=TODAY, chunk_size=250
    )
    path = db.target.path
    db.dispose()
    assert path is not None
    return path, summary


# -- the whole database ------------------------------------------------------------------


def test_every_table_has_rows_and_the_summary_counts_them(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, summary = demo_db
    for model in SYNCABLE_MODELS:
        table = model.__tablename__  # type: ignore[attr-defined]
        (count,) = _rows(path, f"SELECT count(*) FROM {table}")[0]
        assert count > 0, table
        field = demo._SUMMARY_FIELD.get(model)
        if field is not None:
            assert getattr(summary, field) == count, table
    assert summary.cases == 600 and summary.meetings == 14
    assert summary.total_rows == sum(getattr(summary, f) for f in demo._SUMMARY_FIELD.values())


def test_change_log_has_exactly_one_insert_per_row(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    logged = dict(
        _rows(
            path,
            "SELECT table_name, count(*) FROM change_log WHERE op = 'insert' GROUP BY table_name",
        )
    )
    assert _rows(path, "SELECT count(*) FROM change_log WHERE op <> 'insert'") == [(0,)]
    assert _rows(
        path,
        "SELECT count(*) FROM (SELECT row_id FROM change_log GROUP BY row_id HAVING count(*) > 1)",
    ) == [(0,)]
    for model in SYNCABLE_MODELS:
        table = model.__tablename__  # type: ignore[attr-defined]
        (count,) = _rows(path, f"SELECT count(*) FROM {table}")[0]
        assert logged.get(table, 0) == count, table
        missing = _rows(
            path, f"SELECT count(*) FROM {table} WHERE id NOT IN (SELECT row_id FROM change_log)"
        )
        assert missing == [(0,)], table


def test_foreign_keys_are_consistent(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    assert _rows(path, "PRAGMA foreign_key_check") == []
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_nothing_is_dated_in_the_future_but_a_planned_meeting(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, _summary = demo_db
    today = TODAY.isoformat()
    for table, column in [
        ("cases", "received_on"),
        ("cases", "outcome_on"),
        ("cases", "incident_on"),
        ("cases", "certificate_on"),
        ("case_events", "occurred_on"),
        ("case_sessions", "held_on"),
        ("settlements", "agreed_on"),
        ("instalments", "paid_on"),
        ("compliance_checks", "checked_on"),
        ("activities", "held_on"),
        ("memberships", "joined_on"),
        ("trainings", "completed_on"),
        ("case_mediators", "confirmed_on"),
    ]:
        assert _rows(path, f"SELECT count(*) FROM {table} WHERE {column} > ?", (today,)) == [
            (0,)
        ], (table, column)
    future = _rows(path, "SELECT status FROM meetings WHERE held_on > ?", (today,))
    assert future and all(status == "draft" for (status,) in future)
    (oldest,) = _rows(path, "SELECT min(received_on) FROM cases")[0]
    assert dt.date.fromisoformat(oldest) >= TODAY - dt.timedelta(days=demo.WINDOW_DAYS)


def test_derived_columns_equal_what_the_orm_path_computes(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, _summary = demo_db
    cols = "title, given_name, surname, national_id, phone, line_id, sort_key, search_text"
    for row in _rows(path, f"SELECT {cols} FROM people ORDER BY rowid LIMIT 300"):
        values = dict(zip(cols.split(", "), row, strict=True))
        assert person_derived(values) == {
            "sort_key": values["sort_key"],
            "search_text": values["search_text"],
        }
    for number, year, subject, facts, sort_key, search_text in _rows(
        path,
        "SELECT number, year_be, subject, facts, sort_key, search_text FROM cases ORDER BY rowid "
        "LIMIT 300",
    ):
        expected = case_derived(
            {"number": number, "year_be": year, "subject": subject, "facts": facts}
        )
        assert expected == {"sort_key": sort_key, "search_text": search_text}
    for topic, place, partners, search_text in _rows(
        path, "SELECT topic, place, partners, search_text FROM activities"
    ):
        assert activity_derived({"topic": topic, "place": place, "partners": partners}) == {
            "search_text": search_text
        }


def test_thai_search_index_finds_generated_text(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    query = "SELECT count(*) FROM cases_fts WHERE cases_fts MATCH ?"
    assert _rows(path, query, ('"ไกล่เกลี่ย"',))[0][0] > 0  # inside words: no spaces in Thai
    (surname,) = _rows(path, "SELECT surname FROM people WHERE length(surname) >= 4 LIMIT 1")[0]
    query = "SELECT count(*) FROM people_fts WHERE people_fts MATCH ?"
    assert _rows(path, query, (f'"{surname[1:4]}"',))[0][0] > 0


def test_demo_texts_are_well_formed() -> None:
    """Every template fills with the placeholders the generator gives; Thai text is tidy."""
    texts = demo.load_texts()
    known = {
        "province",
        "host",
        "amphoe",
        "tambon",
        "center",
        "village",
        "moo",
        "temple",
        "previous",
        "previous_date",
        "next_date",
        "received",
        "disputes",
        "settled",
        "referred",
        "fiscal_year",
        "amount",
        "amount_words",
        "count",
        "per",
        "day",
        "first_due",
        "target",
        "start",
        "end",
        "applicants",
        "respondents",
        "mediators",
    }
    values = {key: "x" for key in known}

    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for v in node.values() for s in strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return []

    found = 0
    for part in ("names", "places", "cases", "meetings", "activities"):
        for text in strings(getattr(texts, part)):
            if not THAI.search(text):
                continue
            found += 1
            text.format(**values)  # no unknown placeholder, no stray brace
            assert text == text.strip() and "  " not in text, text
            assert not re.search(" [\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text), (
                text
            )  # no mark after a space
    assert found > 300
    amphoes = texts.places["amphoes"]
    assert len(amphoes) == 25 and sum(len(a["tambons"]) for a in amphoes) == 204
    assert all(len(t["postcode"]) == 5 for a in amphoes for t in a["tambons"])


# -- people and the register -----------------------------------------------------------------


def test_national_ids_are_mostly_valid_with_a_few_legacy_and_missing(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, _summary = demo_db
    rows = _rows(path, "SELECT national_id, no_id_reason FROM people")
    ids = [nid for nid, _reason in rows if nid]
    valid = [nid for nid in ids if pin.is_valid(nid)]
    assert len(valid) / len(rows) > 0.95
    assert (
        1 <= len(ids) - len(valid) <= 3
    )  # legacy records with a wrong check digit, kept on purpose
    assert all(len(nid) == 13 and nid[1:3] == "50" for nid in ids)  # registered in Chiang Mai
    assert len(set(ids)) == len(ids)
    no_id = [reason for nid, reason in rows if not nid]
    assert no_id and all(reason and THAI.search(reason) for reason in no_id)


def test_people_have_thai_names_and_chiang_mai_addresses(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    rows = _rows(
        path,
        "SELECT title, given_name, surname, province, amphoe, tambon, postcode, moo, birth_year, "
        "birth_date, sex FROM people",
    )
    places = {
        (a["name"], t["name"], t["postcode"])
        for a in demo.load_texts().places["amphoes"]
        for t in a["tambons"]
    }
    titles = Counter(r[0] for r in rows)
    assert {"นาย", "นาง", "นางสาว"} <= set(titles)
    assert any(t.startswith("พระ") for t in titles)  # a monk adviser
    for (
        title,
        given,
        _surname,
        province,
        amphoe,
        tambon,
        postcode,
        moo,
        birth_year,
        birth_date,
        sex,
    ) in rows:
        assert THAI.search(given) and title
        assert province == "เชียงใหม่" and (amphoe, tambon, postcode) in places
        assert moo.isdigit() and 1900 <= birth_year <= TODAY.year
        assert birth_date is None or dt.date.fromisoformat(birth_date).year == birth_year
        assert sex in ("male", "female")
    only_year = sum(1 for r in rows if r[9] is None)
    assert 0.15 < only_year / len(rows) < 0.5
    home = _rows(
        path, "SELECT count(*) FROM people WHERE tambon = 'สันทรายหลวง' AND amphoe = 'สันทราย'"
    )[0][0]
    assert home / len(rows) > 0.5


def test_committee_terms_have_a_full_roster(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    terms = _rows(path, "SELECT id, starts_on, ends_on FROM committee_terms ORDER BY starts_on")
    assert 1 <= len(terms) <= 2
    for term_id, _starts, _ends in terms:
        positions = Counter(
            p
            for (p,) in _rows(
                path, "SELECT position FROM committee_positions WHERE term_id = ?", (term_id,)
            )
        )
        for one in ("chair", "vice_chair", "secretary", "assistant_secretary", "treasurer"):
            assert positions[one] == 1, one
        assert positions["adviser"] >= 1 and positions["member"] >= 3


def test_mediators_are_registered_and_valid_when_chosen(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    rows = _rows(
        path,
        "SELECT m.registration_no, m.issued_on, m.expires_on, m.status, cm.confirmed_on, "
        "cm.no_conflict_confirmed, cm.conflict_disclosure "
        "FROM case_mediators cm JOIN mediators m ON m.id = cm.mediator_id",
    )
    assert rows
    for reg_no, issued, expires, status, confirmed, no_conflict, disclosure in rows:
        assert reg_no and status == "active" and issued <= confirmed <= expires
        assert no_conflict or disclosure  # §13: confirmed, or disclosed
    # Parties never mediate their own case.
    assert _rows(
        path,
        "SELECT count(*) FROM case_mediators cm JOIN mediators m ON m.id = cm.mediator_id "
        "JOIN case_parties p ON p.case_id = cm.case_id AND p.person_id = m.person_id",
    ) == [(0,)]


# -- meetings ------------------------------------------------------------------------------


def test_meetings_are_numbered_per_year_and_adopted_at_the_next_meeting(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, _summary = demo_db
    meetings = _rows(
        path,
        "SELECT id, year_be, number, held_on, status, adopted_in_meeting_id, minutes_version FROM "
        "meetings ORDER BY held_on, number",
    )
    by_year: dict[int, list[int]] = defaultdict(list)
    for _id, year, number, held_on, *_rest in meetings:
        by_year[year].append(number)
        assert year == dt.date.fromisoformat(held_on).year + 543
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
    statuses = [m[4] for m in meetings]
    assert statuses[-1] == "draft" and statuses[-2] == "held" and set(statuses[:-2]) == {"adopted"}
    for current, following in zip(meetings, meetings[1:], strict=False):
        if current[4] == "adopted":
            assert current[5] == following[0]
    versions = _rows(path, "SELECT meeting_id, version, reason, snapshot FROM minutes_versions")
    adopted = {m[0] for m in meetings if m[4] == "adopted"}
    assert {v[0] for v in versions if v[1] == 1} == adopted
    corrected = [v for v in versions if v[1] == 2]
    assert corrected and all(v[2] for v in corrected)
    assert all('"status": "adopted"' in v[3] for v in versions)


def test_meeting_agenda_attendance_and_votes(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    titles = demo.load_texts().meetings["agenda_titles"]
    meetings = _rows(path, "SELECT id, status FROM meetings ORDER BY held_on, number")
    previous_label = None
    for meeting_id, status in meetings:
        items = _rows(
            path,
            "SELECT number, title, discussion, resolution, votes_for, votes_against, "
            "votes_abstain FROM agenda_items WHERE meeting_id = ? ORDER BY number",
            (meeting_id,),
        )
        assert [i[0] for i in items] == [1, 2, 3, 4, 5]
        assert items[0][1] == titles[0] and items[4][1] == titles[4]
        assert items[1][1] == titles[1].format(previous=previous_label or "...")
        if status != "draft":
            assert all(THAI.search(i[2]) for i in items)
            assert "ที่ประชุม" in (items[1][3] or "")
            votes_for, against, abstain = items[3][4:]
            attendance = _rows(
                path,
                "SELECT attendance, position, absence_reason, substitute_for_id FROM "
                "meeting_attendance WHERE meeting_id = ?",
                (meeting_id,),
            )
            voters = sum(
                1
                for a, p, _r, _s in attendance
                if a in ("present", "substitute") and p not in (None, "adviser")
            )
            assert votes_for + against + abstain == voters
            members = [
                a for a in attendance if a[1] not in (None, "adviser") and a[0] != "substitute"
            ]
            assert voters * 2 >= len(members)  # quorum: at least half
            assert all(r for a, _p, r, _s in attendance if a == "absent")
            assert all(s for a, _p, _r, s in attendance if a == "substitute")
        label = _rows(
            path, "SELECT number || '/' || year_be FROM meetings WHERE id = ?", (meeting_id,)
        )[0][0]
        previous_label = label
    kinds = Counter(a for (a,) in _rows(path, "SELECT attendance FROM meeting_attendance"))
    assert kinds["present"] and kinds["absent"] and kinds["guest"] and kinds["substitute"]


def test_the_planned_meeting_waits_for_its_attendance(demo_db: tuple[Path, DemoSummary]) -> None:
    """The future meeting does not claim that anybody came; the meetings held show the same
    attendance in the register as on their quorum line (docs/domain.md §4)."""
    from justice_desk.domain.enums import Attendance, MeetingStatus
    from justice_desk.services import meetings, printing
    from justice_desk.storage.database import open_database

    path, _summary = demo_db
    db = open_database(path)
    try:
        rows = meetings.list_meetings(db, limit=100).rows
        (planned,) = [r for r in rows if r.status is MeetingStatus.DRAFT]
        assert planned.held_on > TODAY
        detail = meetings.get_meeting(db, planned.id)
        assert {a.attendance for a in detail.attendance} == {Attendance.NOT_TAKEN}
        assert not detail.quorum.taken and not detail.quorum.met and detail.quorum.present == 0
        assert detail.quorum.describe().startswith("Attendance has not been taken yet")
        assert planned.quorum == detail.quorum and planned.quorum.attended() == "not recorded"
        with pytest.raises(meetings.AttendanceNotTakenError):
            printing.minutes_document(db, planned.id)
        assert printing.attendance_document(db, planned.id).members  # the sheet to sign
        for row in rows:
            if row.status is MeetingStatus.DRAFT:
                continue
            held = meetings.get_meeting(db, row.id)
            assert row.quorum == held.quorum and held.quorum.met
            for item in held.agenda:
                votes = [item.votes_for, item.votes_against, item.votes_abstain]
                assert sum(v or 0 for v in votes) <= held.quorum.voters
    finally:
        db.dispose()


# -- cases ---------------------------------------------------------------------------------


def _events(path: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    events: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for case_id, action, from_status, to_status, day in _rows(
        path,
        "SELECT case_id, action, from_status, to_status, occurred_on FROM case_events ORDER BY "
        "occurred_on, rowid",
    ):
        events[case_id].append((action, from_status, to_status, day))
    return events


def test_every_case_status_is_the_replay_of_its_events(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    events = _events(path)
    cases = _rows(
        path,
        "SELECT id, kind, status, received_on, outcome_on, mediation_ended_on, referred_on, "
        "referral_target, escalated_on FROM cases",
    )
    for (
        case_id,
        kind,
        status,
        received,
        outcome_on,
        ended,
        referred_on,
        target,
        escalated_on,
    ) in cases:
        evs = events.get(case_id, [])
        assert case_flow.replay(CaseKind(kind), [CaseAction(e[0]) for e in evs]) is CaseStatus(
            status
        )
        current = "received"
        for _action, from_status, to_status, day in evs:
            assert from_status == current and day >= received
            current = to_status
        actions = [e[0] for e in evs]
        if "refer" in actions:
            assert referred_on and target
        if "escalate" in actions:
            assert escalated_on
        if status == "terminated":
            assert ended and outcome_on
        if status in ("settled", "withdrawn", "dismissed", "referred", "escalated", "completed"):
            assert outcome_on


def test_cases_of_every_kind_reach_every_outcome(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    pairs = set(_rows(path, "SELECT kind, status FROM cases"))
    kinds = {k for k, _s in pairs}
    assert kinds == {k.value for k in CaseKind}
    dispute = {s for k, s in pairs if k == "dispute"}
    assert {
        "received",
        "awaiting_consent",
        "in_mediation",
        "settled",
        "withdrawn",
        "terminated",
        "dismissed",
        "referred",
        "escalated",
        "closed",
    } <= dispute
    helps = {s for k, s in pairs if k != "dispute"}
    assert {"received", "in_progress", "completed", "referred", "escalated", "closed"} <= helps
    assert (
        _rows(
            path,
            "SELECT count(*) FROM cases WHERE certificate_no IS NOT NULL AND certificate_on IS "
            "NOT NULL",
        )[0][0]
        > 0
    )
    results = {r for (r,) in _rows(path, "SELECT result FROM compliance_checks")}
    assert "complied" in results


def test_dispute_matters_are_mediable_unless_referred(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    rules = config.mediation_rules()
    events = _events(path)
    not_mediable = 0
    for case_id, category, matter, amount, no_money, age, stage in _rows(
        path,
        "SELECT id, category, matter_code, amount_satang, no_money_value, offender_age, "
        "criminal_stage FROM cases WHERE kind = 'dispute'",
    ):
        facts = Facts(
            CaseKind.DISPUTE,
            CaseCategory(category),
            matter,
            amount,
            no_money_value=bool(no_money),
            offender_age=age,
            stage=CriminalStage(stage) if stage else None,
        )
        verdict = assess(rules, facts)
        # every demo case answers the law's questions: the amount or "no money value", the
        # offender's age and whether the police, the prosecutor or a court has it
        assert verdict.verdict is not Verdict.INCOMPLETE, (matter, amount, age)
        if not verdict.may_proceed:
            not_mediable += 1
            assert "refer" in [e[0] for e in events[case_id]], (matter, amount)
        else:
            assert matter in rules.matters_for(CaseCategory(category))
    assert not_mediable > 0
    assert _rows(
        path,
        "SELECT count(*) FROM cases WHERE kind <> 'dispute' AND (matter_code IS NOT NULL OR "
        "category <> 'none')",
    ) == [(0,)]


def test_parties_mediators_sessions_and_settlements_fit_their_cases(
    demo_db: tuple[Path, DemoSummary],
) -> None:
    path, _summary = demo_db
    sides = defaultdict(set)
    for case_id, side in _rows(path, "SELECT case_id, side FROM case_parties"):
        sides[case_id].add(side)
    for case_id, kind in _rows(path, "SELECT id, kind FROM cases"):
        assert "applicant" in sides[case_id]
        if kind == "dispute":
            assert "respondent" in sides[case_id]
    # Mediated cases: mediators from the day of consent, sessions between receipt and today.
    consented = {
        c for (c,) in _rows(path, "SELECT case_id FROM case_events WHERE action = 'consent_given'")
    }
    with_mediators = {c for (c,) in _rows(path, "SELECT DISTINCT case_id FROM case_mediators")}
    assert with_mediators <= consented and len(with_mediators) > 0.9 * len(consented)
    assert _rows(
        path,
        "SELECT count(*) FROM case_sessions s JOIN cases c ON c.id = s.case_id WHERE s.held_on < "
        "c.received_on",
    ) == [(0,)]
    assert (
        _rows(path, "SELECT count(*) FROM case_sessions WHERE notes IS NOT NULL")[0][0] > 0
    )  # confidential notes
    # Settled cases have exactly one §30 agreement; instalments add up to its total.
    settled = {c for (c,) in _rows(path, "SELECT case_id FROM case_events WHERE action = 'settle'")}
    agreements = dict(_rows(path, "SELECT case_id, total_satang FROM settlements"))
    assert set(agreements) == settled
    sums = dict(
        _rows(
            path,
            "SELECT s.case_id, sum(i.amount_satang) FROM instalments i JOIN settlements s ON s.id "
            "= i.settlement_id GROUP BY s.case_id",
        )
    )
    for case_id, total in sums.items():
        assert total == agreements[case_id]
    assert all(THAI.search(t) for (t,) in _rows(path, "SELECT terms FROM settlements"))
    assert _rows(path, "SELECT count(*) FROM settlements WHERE voluntary_confirmed = 0") == [(0,)]
    assert _rows(path, "SELECT count(*) FROM instalments WHERE paid_satang > amount_satang") == [
        (0,)
    ]
    # Every respondent who consented is marked so; applicants' consent is not asked.
    assert _rows(
        path, "SELECT count(*) FROM case_parties WHERE side = 'applicant' AND consent IS NOT NULL"
    ) == [(0,)]


def test_case_texts_are_thai_and_numbers_run_per_year(demo_db: tuple[Path, DemoSummary]) -> None:
    path, _summary = demo_db
    rows = _rows(
        path,
        "SELECT year_be, number, received_on, subject, facts FROM cases ORDER BY year_be, number",
    )
    by_year: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for year, number, received, subject, facts in rows:
        assert THAI.search(subject) and THAI.search(facts) and "{" not in subject + facts
        assert year == dt.date.fromisoformat(received).year + 543
        by_year[year].append((number, received))
    for entries in by_year.values():
        assert [n for n, _r in entries] == list(range(1, len(entries) + 1))
        assert [r for _n, r in entries] == sorted(
            r for _n, r in entries
        )  # numbered in order of receipt
    activities = _rows(path, "SELECT topic, participants_male, participants_female FROM activities")
    assert all(THAI.search(t) and m > 0 and f > 0 for t, m, f in activities)


# -- determinism, adding, cancelling ---------------------------------------------------------


def _fingerprint(path: Path) -> tuple:
    return (
        _rows(
            path,
            "SELECT year_be, number, kind, status, subject, amount_satang FROM cases ORDER BY "
            "year_be, number",
        ),
        _rows(path, "SELECT title, given_name, surname, national_id FROM people ORDER BY rowid"),
        _rows(
            path, "SELECT year_be, number, held_on, status FROM meetings ORDER BY year_be, number"
        ),
        _rows(path, "SELECT discussion FROM agenda_items ORDER BY rowid"),
    )


def test_same_seed_same_data_in_two_fresh_databases(tmp_path: Path) -> None:
    first, second, other = (
        _center(tmp_path, "a.sqlite3"),
        _center(tmp_path, "b.sqlite3"),
        _center(tmp_path, "c.sqlite3"),
    )
    a = generate_demo(first, seed=3, people=20, cases=60, meetings=5, today=TODAY)
    b = generate_demo(second, seed=3, people=20, cases=60, meetings=5, today=TODAY)
    c = generate_demo(other, seed=4, people=20, cases=60, meetings=5, today=TODAY)
    assert a == b and c.cases == a.cases  # the same counts ...
    fa, fb, fc = (_fingerprint(db.target.path) for db in (first, second, other))
    assert fa == fb  # ... the same names, subjects and numbers
    assert fa != fc  # another seed, other data
    # Keys are not shared between centers: a province can import both.
    ids_a = {r[0] for r in _rows(first.target.path, "SELECT id FROM cases")}
    ids_b = {r[0] for r in _rows(second.target.path, "SELECT id FROM cases")}
    assert not ids_a & ids_b
    for db in (first, second, other):
        db.dispose()


def test_adding_to_a_database_continues_the_numbers(tmp_path: Path) -> None:
    db = _center(tmp_path)
    generate_demo(db, seed=1, people=15, cases=80, meetings=6, today=TODAY)
    path = db.target.path
    before_cases = Counter(y for (y,) in _rows(path, "SELECT year_be FROM cases"))
    held = _rows(path, "SELECT id, held_on FROM meetings WHERE status = 'held'")
    terms = _rows(path, "SELECT count(*) FROM committee_terms")
    second = generate_demo(db, seed=1, people=15, cases=80, meetings=6, today=TODAY)
    assert second.cases == 80 and second.people > 0
    after = Counter(y for (y,) in _rows(path, "SELECT year_be FROM cases"))
    assert sum(after.values()) == 160
    for year in after:
        numbers = sorted(
            n for (n,) in _rows(path, "SELECT number FROM cases WHERE year_be = ?", (year,))
        )
        assert numbers == list(range(1, after[year] + 1)), year
        assert after[year] >= before_cases.get(year, 0)
    for year in {y for (y,) in _rows(path, "SELECT year_be FROM meetings")}:
        numbers = sorted(
            n for (n,) in _rows(path, "SELECT number FROM meetings WHERE year_be = ?", (year,))
        )
        assert numbers == list(range(1, len(numbers) + 1))
    assert _rows(path, "SELECT count(*) FROM meetings") == [(12,)]
    # The minutes that were waiting are adopted at the first new meeting held after them.
    ((held_id, held_on),) = held
    later = _rows(
        path,
        "SELECT id FROM meetings WHERE held_on > ? AND status <> 'draft' AND id <> ? ORDER BY "
        "held_on, number",
        (held_on, held_id),
    )
    status, adopted_in = _rows(
        path, "SELECT status, adopted_in_meeting_id FROM meetings WHERE id = ?", (held_id,)
    )[0]
    if later:
        assert status == "adopted" and adopted_in == later[0][0]
    else:
        assert status == "held"
    # The committee on record serves the new meetings too: no second committee appears.
    assert _rows(path, "SELECT count(*) FROM committee_terms") == terms
    assert _rows(path, "PRAGMA foreign_key_check") == []
    db.dispose()


def test_cancel_stops_between_chunks_and_leaves_whole_chunks(tmp_path: Path) -> None:
    db = _center(tmp_path)
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        if done == total - 2:  # after the first chunk of cases
            token.cancel()

    with pytest.raises(Cancelled):
        generate_demo(
            db,
            seed=2,
            people=15,
            cases=300,
            meetings=4,
            today=TODAY,
            chunk_size=100,
            progress=progress,
            cancel=token,
        )
    path = db.target.path
    (cases,) = _rows(path, "SELECT count(*) FROM cases")[0]
    assert cases == 100
    assert _rows(
        path, "SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM case_parties)"
    ) == [(0,)]
    assert _rows(path, "PRAGMA foreign_key_check") == []
    assert seen[0][0] == 0 and all(total == seen[0][1] for _d, total, _m in seen)
    db.dispose()


def test_sizes_are_checked(tmp_path: Path) -> None:
    db = _center(tmp_path)
    with pytest.raises(ValidationError):
        generate_demo(db, people=20, cases=-1, today=TODAY)
    with pytest.raises(ValidationError):  # no committee and no mediator to draw on
        generate_demo(db, people=0, cases=10, meetings=0, today=TODAY)
    with pytest.raises(ValidationError):
        generate_demo(db, people=0, cases=0, meetings=2, today=TODAY)
    assert (
        generate_demo(db, people=0, cases=0, meetings=0, activities=0, today=TODAY).total_rows == 0
    )
    db.dispose()


def test_a_tiny_register_still_makes_consistent_data(tmp_path: Path) -> None:
    db = _center(tmp_path)
    first = generate_demo(db, people=3, cases=40, meetings=3, today=TODAY)
    assert first.committee_positions >= 3 and first.mediators >= 1
    # Adding cases only, with no new people: the committee and mediators on record serve.
    second = generate_demo(db, people=0, cases=25, meetings=2, today=TODAY)
    assert second.people > 0 and second.mediators == 0 and second.committee_terms == 0
    path = db.target.path
    assert _rows(path, "PRAGMA foreign_key_check") == []
    events = _events(path)
    for case_id, kind, status in _rows(path, "SELECT id, kind, status FROM cases"):
        actions = [CaseAction(e[0]) for e in events.get(case_id, [])]
        assert case_flow.replay(CaseKind(kind), actions) is CaseStatus(status)
    consented = {
        c for (c,) in _rows(path, "SELECT case_id FROM case_events WHERE action = 'consent_given'")
    }
    mediated = {c for (c,) in _rows(path, "SELECT case_id FROM case_mediators")}
    assert consented == mediated
    db.dispose()


def test_the_services_read_what_the_generator_wrote(demo_db: tuple[Path, DemoSummary]) -> None:
    """The generated rows go through the same read paths as rows the app writes itself."""
    from justice_desk.services import cases, meetings
    from justice_desk.storage.database import open_database

    path, _summary = demo_db
    db = open_database(path)
    try:
        for (case_id,) in _rows(path, "SELECT min(id) FROM cases GROUP BY status"):
            detail = cases.get_case(db, uuid.UUID(case_id))
            assert detail.parties and detail.number
            if detail.status is CaseStatus.SETTLED:
                assert detail.settlement is not None and detail.deadlines.enforcement_deadline
            if detail.status is CaseStatus.TERMINATED:
                assert detail.deadlines.limitation_extended_until
        assert cases.list_cases(db, limit=10).total == 600
        for (meeting_id,) in _rows(path, "SELECT id FROM meetings WHERE status <> 'draft'"):
            meeting = meetings.get_meeting(db, uuid.UUID(meeting_id))
            assert meeting.quorum.met and len(meeting.agenda) == 5
    finally:
        db.dispose()
