"""Many officers, one real PostgreSQL server (docs/sync.md §6): several officers import the same
stick at once, in separate processes through the command line, and every bundle is applied
exactly once; the dashboard read while imports commit shows each center either before or after
its bundle, never half of it (a read is one snapshot)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_import_numbers_on_postgres import _enrolled_center as enrolled_center

from justice_desk.domain.enums import CaseKind
from justice_desk.domain.periods import parse_period
from justice_desk.services import cases, dashboard, setup, sync
from justice_desk.storage.database import open_database
from justice_desk.storage.models import Case, ImportLogEntry, Person, ReceivedBundle

pytestmark = pytest.mark.postgres

TODAY = dt.date.today()
CODES = ("CJC-0101", "CJC-0102", "CJC-0103")


def plain_url(url: str) -> str:
    """``postgresql://…``, as an office types it (the tests' server hands out the
    ``postgresql+psycopg://`` form)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _new_cases(center: Any, n: int, subject: str) -> None:
    for i in range(n):
        cases.take_in(
            center,
            cases.CaseInput(kind=CaseKind.COMPLAINT, subject=f"{subject} {i}", received_on=TODAY),
        )


def _this_month():
    return parse_period(f"{TODAY.year + 543}-{TODAY.month:02d}")


def _centers(province: Any, root: Path) -> list[Any]:
    return [
        enrolled_center(
            root / f"{code}.sqlite3",
            province,
            root / f"enrol-{code}",
            code=code,
            seed=n + 11,
            people=12,
            cases=6,
            meetings=1,
        )
        for n, code in enumerate(CODES)
    ]


def _stick(centers: list[Any], folder: Path) -> dict[str, tuple[str, int]]:
    """Two bundles per center on one stick (the second made after more work): file name ->
    (center id, seq)."""
    made: dict[str, tuple[str, int]] = {}
    for center in centers:
        first = sync.export_bundle(center, folder)
        _new_cases(center, 3, "เรื่องร้องเรียนหลังส่งชุดแรก")
        second = sync.export_bundle(center, folder)
        for result in (first, second):
            made[result.path.name] = (str(center.site_id), result.seq)
    return made


def _cli_import(url: str, stick: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, JUSTICE_DESK_LANG="en")
    return subprocess.Popen(
        [sys.executable, "-m", "justice_desk", "sync", "import", "--db", url, "--json", str(stick)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _rows(db: Any, model: Any, owner: Any) -> dict[Any, tuple[Any, ...]]:
    with db.read() as session:
        table = model.__table__
        columns = [c for c in table.c if c.key not in ("notes",)]
        found = session.execute(select(*columns).where(table.c.owner_id == owner)).mappings()
        return {row["id"]: tuple(row.values()) for row in found}


def test_officers_importing_the_same_stick_at_once_apply_each_bundle_once(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    centers = _centers(province, tmp_path)
    province.dispose()
    try:
        stick = tmp_path / "stick"
        made = _stick(centers, stick)
        # Three officers, three processes, the same stick (each a copy, as three USB sticks).
        copies = []
        for k in range(3):
            copy = tmp_path / f"officer-{k}"
            copy.mkdir()
            for path in stick.iterdir():
                (copy / path.name).write_bytes(path.read_bytes())
            copies.append(copy)
        url = plain_url(fresh_pg_database)
        officers = [_cli_import(url, copy) for copy in copies]
        outputs = [p.communicate(timeout=600) for p in officers]
        for p, (out, err) in zip(officers, outputs, strict=True):
            assert p.returncode == 0, (out, err)
        outcomes: dict[str, list[str]] = {name: [] for name in made}
        for out, _err in outputs:
            for line in out.splitlines():
                o = json.loads(line)
                outcomes[Path(o["file"]).name].append(o["status"])
        for name, statuses in outcomes.items():
            # Exactly once: one officer applied it, the others found it already imported.
            assert sorted(statuses) == ["applied", "duplicate", "duplicate"], (name, outcomes)

        db = open_database(fresh_pg_database)
        try:
            with db.read() as session:
                applied = Counter(
                    (str(r.center_id), r.seq)
                    for r in session.execute(
                        select(ReceivedBundle).where(ReceivedBundle.status == "applied")
                    ).scalars()
                )
                logged = session.scalar(select(func.count()).select_from(ImportLogEntry))
            assert applied == Counter(made.values())
            assert logged == 3 * len(made)
            for center in centers:
                for model in (Person, Case):
                    assert _rows(db, model, center.site_id) == _rows(center, model, center.site_id)
                (overview,) = [
                    c for c in sync.centers_overview(db) if c.center_id == center.site_id
                ]
                assert overview.applied_through == sync.center_status(center).latest_change
        finally:
            db.dispose()
    finally:
        for center in centers:
            center.dispose()


def _received(d: dashboard.Dashboard) -> dict[str, tuple[int, int]]:
    """Per center: cases received (by kind) and the same cases counted per month. Two
    statements: equal whenever the read is one snapshot."""
    return {c.code: (c.figures.received, sum(c.figures.per_month)) for c in d.centers}


def test_a_dashboard_read_while_a_bundle_commits_sees_it_whole_or_not_at_all(
    fresh_pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic: the import commits between two of the dashboard's statements."""
    from justice_desk.storage import dashboard_queries

    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = enrolled_center(
        tmp_path / "center.sqlite3", province, tmp_path / "enrol", code=CODES[0], seed=11
    )
    try:
        _new_cases(center, 2, "ก่อน")
        first = sync.export_bundle(center, tmp_path / "first")
        assert sync.import_paths(province, [first.path])[0].status == "applied"
        _new_cases(center, 4, "ระหว่างอ่าน")
        second = sync.export_bundle(center, tmp_path / "second")
        period = _this_month()
        before = _received(dashboard.dashboard(province, period))[CODES[0]]
        assert before[0] == before[1] >= 2

        other_officer = open_database(fresh_pg_database)
        original = dashboard_queries.received_counts
        imported: list[Any] = []

        def received_counts_then_an_import_commits(*args: Any, **kwargs: Any) -> Any:
            rows = original(*args, **kwargs)
            if not imported:
                # Another officer's import runs to its commit right now, on its own connection.
                worker = threading.Thread(
                    target=lambda: imported.extend(sync.import_paths(other_officer, [second.path]))
                )
                worker.start()
                worker.join(120)
            return rows

        monkeypatch.setattr(
            dashboard_queries, "received_counts", received_counts_then_an_import_commits
        )
        during = _received(dashboard.dashboard(province, period))[CODES[0]]
        assert [o.status for o in imported] == ["applied"]
        assert during == before  # the read began before the commit: all of it "before"
        monkeypatch.setattr(dashboard_queries, "received_counts", original)
        after = _received(dashboard.dashboard(province, period))[CODES[0]]
        assert after == (before[0] + 4, before[1] + 4)
        other_officer.dispose()
    finally:
        center.dispose()
        province.dispose()


def test_dashboards_stay_consistent_while_officers_import(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """Free-running: an officer imports a stick of three centers in another process while
    another reads the dashboard again and again; every read shows each center before or after
    its bundles, with figures that agree with each other."""
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    centers = _centers(province, tmp_path)
    try:
        period = _this_month()
        stick = tmp_path / "stick"
        for center in centers:
            first = sync.export_bundle(center, tmp_path / "first")
            assert sync.import_paths(province, [first.path])[0].status == "applied"
            _new_cases(center, 5, "รอบสอง")
            sync.export_bundle(center, stick)
        start = _received(dashboard.dashboard(province, period))
        possible = {code: {start[code], (start[code][0] + 5, start[code][1] + 5)} for code in CODES}
        officer = _cli_import(plain_url(fresh_pg_database), stick)
        seen: list[dict[str, tuple[int, int]]] = []
        while officer.poll() is None:
            seen.append(_received(dashboard.dashboard(province, period)))
            time.sleep(0.01)
        out, err = officer.communicate()
        assert officer.returncode == 0, (out, err)
        seen.append(_received(dashboard.dashboard(province, period)))
        assert len(seen) >= 2
        for figures in seen:
            for code in CODES:
                assert figures[code] in possible[code], (code, figures, possible)
        assert seen[-1] == {code: max(possible[code]) for code in CODES}
    finally:
        for center in centers:
            center.dispose()
        province.dispose()
