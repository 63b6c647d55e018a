"""The dashboard's figures (services/dashboard.py) on a real province: three demo centers
enrolled, exported and imported (tests/dashboard_world.py). Every figure is compared with a
count made another way: the center's own monthly report, the case page's deadlines, the
meeting register's quorum, plain SQL over the file with ``sqlite3``, the Sync page's overview;
and every figure with records behind it lists exactly as many as it says."""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - a helper beside conftest.py

from justice_desk.domain.dates import be_year  # noqa: E402
from justice_desk.domain.deadlines import DUE_SOON_DAYS, DeadlineKind  # noqa: E402
from justice_desk.domain.enums import CaseKind, CaseStatus, MeetingStatus  # noqa: E402
from justice_desk.domain.outcomes import OUTCOME_OF, Outcome  # noqa: E402
from justice_desk.domain.periods import Period, PeriodKind, parse_period  # noqa: E402
from justice_desk.errors import NotFoundError, ValidationError  # noqa: E402
from justice_desk.services import cases, dashboard, meetings, printing, setup, sync  # noqa: E402
from justice_desk.storage.database import Database  # noqa: E402

TODAY = w.TODAY
FISCAL = parse_period("FY2569")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("dashboard-world"))


@pytest.fixture
def province(world: w.ProvinceWorld, tmp_path: Path, isolated_home: Path) -> Iterator[Database]:
    copy = w.copy_world(world, tmp_path / "w", isolated_home)
    db = copy.open_province()
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def fiscal_board(world: w.ProvinceWorld) -> dashboard.Dashboard:
    db = world.open_province()
    try:
        return dashboard.dashboard(db, FISCAL, today=TODAY)
    finally:
        db.dispose()


def _rows(path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _center_ids(world: w.ProvinceWorld) -> dict[str, str]:
    """code -> owner id as stored (hex) in the province file."""
    return {
        code: sid.replace("-", "")
        for sid, code in _rows(world.province_path, "SELECT center_id, code FROM enrolments")
    }


def _iso(day: dt.date) -> str:
    return day.isoformat()


# -- the world ------------------------------------------------------------------------------------


def test_every_enrolled_center_has_a_line_and_the_totals_add_up(fiscal_board) -> None:
    assert [c.code for c in fiscal_board.centers] == list(w.CENTERS)
    assert fiscal_board.province and fiscal_board.as_of == TODAY
    assert fiscal_board.total.received == sum(c.figures.received for c in fiscal_board.centers)
    assert fiscal_board.total.received > 0 and fiscal_board.total.decided > 0
    for key, figure in dashboard.FIGURE_BY_KEY.items():
        if figure.value is None or figure.form not in ("count", "number"):
            continue
        if key == "escalations.longest_days":
            continue
        per_center = sum(figure.value(c.figures) for c in fiscal_board.centers)
        assert figure.value(fiscal_board.total) == per_center, key
    assert fiscal_board.total.per_month == tuple(
        map(sum, zip(*(c.figures.per_month for c in fiscal_board.centers), strict=True))
    )


def test_cases_received_by_kind_channel_and_month_against_sql(world, fiscal_board) -> None:
    ids = _center_ids(world)
    for line in fiscal_board.centers:
        rows = _rows(
            world.province_path,
            "SELECT kind, channel, received_on FROM cases WHERE owner_id = ? "
            "AND deleted_at IS NULL AND received_on BETWEEN ? AND ?",
            ids[line.code],
            _iso(FISCAL.start),
            _iso(FISCAL.end),
        )
        kinds = Counter(k for k, _c, _d in rows)
        channels = Counter(c for _k, c, _d in rows)
        months = Counter(d[:7] for _k, _c, d in rows)
        assert line.figures.received == len(rows)
        assert {k.value: n for k, n in line.figures.received_by_kind.items() if n} == kinds
        assert {c.value: n for c, n in line.figures.received_by_channel.items() if n} == channels
        assert line.figures.per_month == tuple(
            months.get(f"{y:04d}-{m:02d}", 0) for y, m in fiscal_board.months
        )


@pytest.mark.parametrize("month", ["2569-01", "2569-02", "2568-11"])
def test_a_month_agrees_with_each_centers_own_monthly_report(world, month: str) -> None:
    """The center prints its monthly report from its own database; the province's dashboard,
    from the copies it imported, counts the same cases received and the same outcomes, for the
    month and for the fiscal year to the month's end."""
    period = parse_period(month)
    to_date = Period.custom(
        Period.containing(PeriodKind.FISCAL_YEAR, period.start).start, period.end
    )
    db = world.open_province()
    try:
        board = dashboard.dashboard(db, period, today=TODAY)
        year_board = dashboard.dashboard(db, to_date, today=TODAY)
    finally:
        db.dispose()
    for line, year_line in zip(board.centers, year_board.centers, strict=True):
        center = world.open_center(line.code)
        try:
            report = printing.monthly_document(center, period.start.year, period.start.month)
        finally:
            center.dispose()
        kinds = list(CaseKind)
        assert [r.month for r in report.by_kind] == [
            line.figures.received_by_kind[k] for k in kinds
        ]
        assert [r.year_to_date for r in report.by_kind] == [
            year_line.figures.received_by_kind[k] for k in kinds
        ]
        by_outcome: Counter[Outcome] = Counter()
        by_outcome_ytd: Counter[Outcome] = Counter()
        for status, row in zip(printing.OUTCOMES, report.by_outcome, strict=True):
            by_outcome[OUTCOME_OF[status]] += row.month
            by_outcome_ytd[OUTCOME_OF[status]] += row.year_to_date
        assert {o: line.figures.outcomes[o] for o in Outcome} == {o: by_outcome[o] for o in Outcome}
        assert {o: year_line.figures.outcomes[o] for o in Outcome} == {
            o: by_outcome_ytd[o] for o in Outcome
        }
        assert line.figures.activities == report.activities.month


def test_settlement_rate_and_median_days_against_the_events(world, fiscal_board) -> None:
    ids = _center_ids(world)
    outcome_statuses = {s.value for s in OUTCOME_OF}
    for line in fiscal_board.centers:
        events = _rows(
            world.province_path,
            "SELECT e.case_id, e.to_status, e.occurred_on, c.received_on, c.kind "
            "FROM case_events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.owner_id = ? AND e.deleted_at IS NULL AND c.deleted_at IS NULL "
            "AND e.occurred_on BETWEEN ? AND ? ORDER BY e.occurred_on, e.rowid",
            ids[line.code],
            _iso(FISCAL.start),
            _iso(FISCAL.end),
        )
        last: dict[str, tuple[str, str, str, str]] = {}
        for case_id, status, on, received, kind in events:
            if status in outcome_statuses:
                last[case_id] = (status, on, received, kind)  # the later event wins
        days = [
            (dt.date.fromisoformat(on) - dt.date.fromisoformat(received)).days
            for _s, on, received, _k in last.values()
        ]
        disputes = [s for s, _o, _r, k in last.values() if k == "dispute"]
        assert line.figures.decided == len(last)
        assert line.figures.disputes_decided == len(disputes)
        settled = sum(1 for s in disputes if s == CaseStatus.SETTLED.value)
        assert line.figures.outcomes[Outcome.SETTLED] == settled
        assert line.figures.settlement_rate == (settled / len(disputes) if disputes else None)
        assert line.figures.median_days == (statistics.median(days) if days else None)
    assert any(line.figures.median_days for line in fiscal_board.centers)


def test_deadlines_are_those_the_case_page_shows(world, fiscal_board) -> None:
    """Each case's deadlines as ``cases.case_detail`` computes them for the case page: passed in
    the period before today, or due within 30 days of today."""
    db = world.open_province()
    try:
        expected: dict[str, Counter[tuple[DeadlineKind, str]]] = {}
        for line in fiscal_board.centers:
            found: Counter[tuple[DeadlineKind, str]] = Counter()
            page = cases.list_cases(db, owner_id=line.center_id, limit=10_000)
            for row in page.rows:
                shown = cases.get_case(db, row.id).deadlines
                for kind, day in (
                    (DeadlineKind.LIMITATION, shown.limitation_extended_until),
                    (DeadlineKind.ENFORCEMENT, shown.enforcement_deadline),
                    (DeadlineKind.COMPENSATION, shown.compensation_claim_deadline),
                ):
                    if day is None:
                        continue
                    if FISCAL.start <= day < TODAY:
                        found[(kind, "passed")] += 1
                    if TODAY <= day <= TODAY + dt.timedelta(days=DUE_SOON_DAYS):
                        found[(kind, "due")] += 1
            expected[line.code] = found
    finally:
        db.dispose()
    for line in fiscal_board.centers:
        for kind in DeadlineKind:
            assert line.figures.deadlines_passed[kind] == expected[line.code][(kind, "passed")]
            assert line.figures.deadlines_due[kind] == expected[line.code][(kind, "due")]
    assert fiscal_board.total.deadlines_passed[DeadlineKind.LIMITATION] > 0


def test_escalations_meetings_people_and_activities(world, fiscal_board) -> None:
    ids = _center_ids(world)
    db = world.open_province()
    try:
        for line in fiscal_board.centers:
            owner = ids[line.code]
            escalated = _rows(
                world.province_path,
                "SELECT escalated_on FROM cases WHERE owner_id = ? AND status = 'escalated' "
                "AND deleted_at IS NULL",
                owner,
            )
            f = line.figures
            assert f.escalations_waiting == len(escalated)
            if escalated:
                oldest = min(dt.date.fromisoformat(d) for (d,) in escalated)
                assert f.escalation_longest_days == (TODAY - oldest).days
                assert f.escalations_waiting_long == sum(
                    1 for (d,) in escalated if (TODAY - dt.date.fromisoformat(d)).days > 30
                )
            register = meetings.list_meetings(db, owner_id=line.center_id, limit=10_000).rows
            held = [
                m for m in register if m.held_on in FISCAL and m.status is not MeetingStatus.DRAFT
            ]
            assert f.meetings_held == len(held)
            assert f.quorum_failures == sum(1 for m in held if m.quorum.taken and not m.quorum.met)
            assert f.minutes_not_adopted == sum(1 for m in held if m.status is MeetingStatus.HELD)
            members = _rows(
                world.province_path,
                "SELECT DISTINCT p.id, EXISTS (SELECT 1 FROM trainings t WHERE t.person_id = p.id"
                " AND t.deleted_at IS NULL) FROM people p JOIN memberships m ON m.person_id = p.id"
                " WHERE p.owner_id = ? AND p.deleted_at IS NULL AND m.deleted_at IS NULL"
                " AND m.status = 'active'",
                owner,
            )
            assert f.members == len(members)
            assert f.trained_members == sum(1 for _p, trained in members if trained)
            horizon = _iso(TODAY + dt.timedelta(days=dashboard.EXPIRY_DAYS))
            ((terms,),) = _rows(
                world.province_path,
                "SELECT count(*) FROM committee_terms WHERE owner_id = ? AND deleted_at IS NULL"
                " AND ends_on BETWEEN ? AND ?",
                owner,
                _iso(TODAY),
                horizon,
            )
            ((mediators,),) = _rows(
                world.province_path,
                "SELECT count(*) FROM mediators WHERE owner_id = ? AND deleted_at IS NULL"
                " AND status = 'active' AND expires_on BETWEEN ? AND ?",
                owner,
                _iso(TODAY),
                horizon,
            )
            assert (f.terms_ending, f.mediators_expiring) == (terms, mediators)
            acts = _rows(
                world.province_path,
                "SELECT participants_male, participants_female, participants_unspecified"
                " FROM activities WHERE owner_id = ? AND deleted_at IS NULL"
                " AND held_on BETWEEN ? AND ?",
                owner,
                _iso(FISCAL.start),
                _iso(FISCAL.end),
            )
            assert f.activities == len(acts)
            assert (f.participants_male, f.participants_female, f.participants_unspecified) == (
                sum(a[0] for a in acts),
                sum(a[1] for a in acts),
                sum(a[2] for a in acts),
            )
    finally:
        db.dispose()
    total = fiscal_board.total
    assert total.escalations_waiting > 0 and total.meetings_held > 0 and total.members > 0
    assert total.activities > 0 and total.participants > 0


def test_sync_health_is_the_sync_pages_overview_with_conflicts_and_keys(world, province) -> None:
    board = dashboard.dashboard(province, FISCAL, today=TODAY, silent_days=30)
    overview = {c.code: c for c in sync.centers_overview(province)}
    health = {c.code: c.sync for c in board.centers}
    for code, h in health.items():
        assert h is not None
        assert (h.held, h.rejected, h.last_bundle_at) == (
            overview[code].held,
            overview[code].rejected,
            overview[code].last_bundle_at,
        )
        assert h.open_conflicts == len(sync.conflict_list(province, code))
    assert health["CJC-0002"].held == 1
    assert health["CJC-0003"].rejected == 1 and health["CJC-0003"].revoked_keys >= 1
    assert health["CJC-0001"].open_conflicts == 1
    assert not any(h.silent for h in health.values())  # all heard from today
    assert board.silent_centers == 0
    with pytest.raises(ValidationError):
        dashboard.dashboard(province, FISCAL, today=TODAY, silent_days=-1)
    # CJC-0001 was last heard from 40 days ago: silent for 30 days, not for 45
    with province.write() as session:
        from justice_desk.storage.models import Enrolment, utcnow

        enrolment = session.get(Enrolment, board.centers[0].center_id)
        enrolment.last_bundle_at = utcnow() - dt.timedelta(days=40)
    quiet = dashboard.dashboard(province, FISCAL, today=TODAY, silent_days=30)
    assert [c.code for c in quiet.centers if c.sync and c.sync.silent] == ["CJC-0001"]
    assert quiet.silent_centers == 1 and quiet.centers[0].sync.quiet_days == 40
    assert dashboard.dashboard_json(quiet)["total"]["sync.silent"] == 1
    listed = dashboard.records(province, "sync.silent", FISCAL, silent_days=30, today=TODAY)
    assert [r.center_code for r in listed.rows] == ["CJC-0001"] and listed.total == 1
    assert dashboard.dashboard(province, FISCAL, today=TODAY, silent_days=45).silent_centers == 0


def test_one_center_alone_equals_its_line_of_the_province(world, fiscal_board) -> None:
    db = world.open_province()
    try:
        for line in fiscal_board.centers:
            alone = dashboard.dashboard(db, FISCAL, center_code=line.code, today=TODAY)
            assert alone.center_code == line.code and len(alone.centers) == 1
            assert alone.total == line.figures
            assert alone.centers[0].sync == line.sync
        with pytest.raises(NotFoundError):
            dashboard.dashboard(db, FISCAL, center_code="NOPE-1", today=TODAY)
    finally:
        db.dispose()


def test_every_figure_lists_as_many_records_as_it_counts(world, fiscal_board) -> None:
    db = world.open_province()
    try:
        for line in [None, *fiscal_board.centers]:
            code = line.code if line else None
            board = (
                dashboard.dashboard(db, FISCAL, center_code=code, today=TODAY)
                if code
                else fiscal_board
            )
            values = dashboard.dashboard_json(board)
            shown = values["total"]
            for key, value in shown.items():
                if not dashboard.has_records(key) or value is None:
                    continue
                listed = dashboard.records(db, key, FISCAL, center_code=code, today=TODAY)
                assert listed.total == value, (code, key)
                assert len(listed.rows) == min(value, 1000), (code, key)
                if code:
                    assert {r.center_code for r in listed.rows} <= {code}, key
            for month, count in zip(values["months"], shown["cases_per_month"], strict=True):
                listed = dashboard.records(
                    db, f"month.{month}", FISCAL, center_code=code, today=TODAY
                )
                assert listed.total == count
    finally:
        db.dispose()


def test_records_behind_outcomes_and_meetings_read_as_people_write_them(world) -> None:
    db = world.open_province()
    try:
        settled = dashboard.records(db, "outcome.settled", FISCAL, today=TODAY)
        assert settled.kind == "case" and settled.rows
        row = settled.rows[0]
        assert row.reference.endswith(f"/{be_year(row.on)}") or "/" in row.reference
        assert row.state == "Settled" and row.detail == "Dispute mediation"
        assert row.center_code in w.CENTERS
        held = dashboard.records(db, "meetings.held", FISCAL, today=TODAY)
        assert held.kind == "meeting" and all("/" in r.reference for r in held.rows)
        keys = dashboard.records(db, "sync.revoked_keys", FISCAL, today=TODAY)
        assert keys.kind == "key" and {r.center_code for r in keys.rows} == {"CJC-0003"}
        with pytest.raises(ValidationError):
            dashboard.records(db, "settlement_rate", FISCAL, today=TODAY)
    finally:
        db.dispose()


def test_a_center_database_shows_its_own_figures_without_sync(world) -> None:
    center = world.open_center("CJC-0001")
    province = world.open_province()
    try:
        own = dashboard.dashboard(center, FISCAL, today=TODAY)
        at_province = dashboard.dashboard(province, FISCAL, center_code="CJC-0001", today=TODAY)
    finally:
        center.dispose()
        province.dispose()
    assert not own.province and own.sync_total is None and own.centers[0].sync is None
    assert own.total.received == at_province.total.received
    assert own.total.outcomes == at_province.total.outcomes
    assert "sync.held" not in dashboard.dashboard_json(own)["total"]


def test_a_period_is_read_or_refused_with_what_to_type() -> None:
    assert dashboard.resolve_period(None, TODAY) == parse_period("2569-03")
    assert dashboard.resolve_period("2569-Q1") == parse_period("2569-Q1")
    with pytest.raises(ValidationError, match="2569-Q1") as refused:
        dashboard.resolve_period("next month")
    assert refused.value.field == "period"


def test_an_empty_province_shows_zeros(tmp_path: Path) -> None:
    db = setup.init_province(tmp_path / "p.sqlite3", province="เชียงใหม่")
    try:
        board = dashboard.dashboard(db, FISCAL, today=TODAY)
    finally:
        db.dispose()
    assert board.centers == () and board.total.received == 0
    assert board.total.settlement_rate is None and board.total.median_days is None
    assert dashboard.dashboard_json(board)["total"]["settlement_rate"] is None
