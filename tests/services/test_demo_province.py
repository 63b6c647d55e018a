"""The demo province (``services/demo/province.py``, ``justice-desk demo province``): demo
centers enrolled and imported through real bundles, and the direct path that writes the same
rows straight into the office's database. A handful of small centers: the big runs live in
``benchmarks/bench_province_dashboard.py``."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from justice_desk.cli.main import main
from justice_desk.domain.periods import parse_period
from justice_desk.errors import ValidationError
from justice_desk.services import dashboard, setup
from justice_desk.services.demo import province
from justice_desk.storage.database import open_database

TODAY = dt.date(2026, 3, 15)
YEARS = 2


def _figures(db_path: Path | str) -> dict[str, dict]:
    """Every center's dashboard figures over the fiscal year, sync health left out (it tells
    when and how the bundles came)."""
    db = open_database(db_path)
    try:
        board = dashboard.dashboard(db, parse_period("FY2569"), today=TODAY)
        values = dashboard.dashboard_json(board)
    finally:
        db.dispose()
    return {
        c["code"]: {k: v for k, v in c.items() if not k.startswith("sync.")}
        for c in values["centers"]
    }


def _count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.fixture(scope="module")
def through_bundles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("bundles")
    path = folder / "province.sqlite3"
    import os

    old = os.environ.get("JUSTICE_DESK_HOME")
    os.environ["JUSTICE_DESK_HOME"] = str(folder / "home")
    try:
        db = province.open_or_create_province(path)
        steps: list[tuple[int, int, str]] = []
        summary = province.generate_province(
            db,
            centers=3,
            years=YEARS,
            today=TODAY,
            progress=lambda d, t, m: steps.append((d, t, m)),
        )
        db.dispose()
    finally:
        if old is not None:
            os.environ["JUSTICE_DESK_HOME"] = old
    assert steps[0][0] == 0 and steps[-1][:2] == (3, 3)
    return path, summary


def test_bundle_path_enrols_and_imports_every_center(through_bundles) -> None:
    path, summary = through_bundles
    assert summary.centers == 3 and not summary.direct
    assert summary.bundles >= 3
    enrolled = _count(path, "SELECT count(*) FROM enrolments WHERE status = 'approved'")
    applied = _count(path, "SELECT count(*) FROM received_bundles WHERE status = 'applied'")
    assert (enrolled, applied) == (3, summary.bundles)
    # every record a bundle carried is stored, and nothing else of the centers
    stored = sum(
        _count(
            path, f"SELECT count(*) FROM {t} WHERE owner_id IN (SELECT center_id FROM enrolments)"
        )
        for t in ("sites", "people", "cases", "case_events", "meetings", "activities")
    )
    assert 0 < stored <= summary.records
    assert summary.records == _count(path, "SELECT sum(records) FROM received_bundles")
    codes = [r[0] for r in sqlite3.connect(path).execute("SELECT code FROM enrolments ORDER BY 1")]
    assert codes == ["CJC-50-0001", "CJC-50-0002", "CJC-50-0003"]
    # the centers' keys stayed in the work folder, not in the office's data folder
    keys = list((path.parent / "home" / "keys").iterdir())
    assert len(keys) == 2  # the office's own key and its escrow key


def test_cases_span_the_years_asked_for(through_bundles) -> None:
    path, _summary = through_bundles
    oldest = (
        sqlite3.connect(path)
        .execute(
            "SELECT min(received_on) FROM cases "
            "WHERE owner_id IN (SELECT center_id FROM enrolments)"
        )
        .fetchone()[0]
    )
    first = dt.date.fromisoformat(oldest)
    assert TODAY - dt.timedelta(days=YEARS * 365) <= first < TODAY - dt.timedelta(days=400)


def test_direct_path_gives_the_same_figures_as_the_bundles(through_bundles, tmp_path: Path) -> None:
    path, summary = through_bundles
    direct_path = tmp_path / "direct.sqlite3"
    db = province.open_or_create_province(direct_path)
    done = province.generate_province(db, centers=3, years=YEARS, today=TODAY, direct=True)
    db.dispose()
    assert done.direct and done.centers == 3
    assert done.records == summary.records
    assert _figures(direct_path) == _figures(path)


def test_direct_path_reuses_templates_and_numbers_on(tmp_path: Path) -> None:
    """More centers than templates: each center its own id, code and name; a second run adds
    centers after the highest code; the same seed gives the same figures."""
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for path in (first, second):
        db = province.open_or_create_province(path)
        province.generate_province(db, centers=4, years=1, today=TODAY, direct=True, templates=2)
        db.dispose()
    assert _figures(first) == _figures(second)
    figures = _figures(first)
    assert figures["CJC-50-0001"] == {
        **figures["CJC-50-0003"],
        "code": "CJC-50-0001",
        "name": figures["CJC-50-0001"]["name"],
    }
    db = province.open_or_create_province(first)
    province.generate_province(db, centers=1, years=1, today=TODAY, direct=True)
    db.dispose()
    codes = [r[0] for r in sqlite3.connect(first).execute("SELECT code FROM enrolments ORDER BY 1")]
    assert codes == [f"CJC-50-000{i}" for i in range(1, 6)]
    assert _count(first, "SELECT count(DISTINCT owner_id) FROM cases") == 5
    assert _count(first, "SELECT count(DISTINCT name) FROM enrolments") == 5


def test_a_center_database_is_refused(tmp_path: Path, center_template: Path) -> None:
    import shutil

    center = tmp_path / "center.sqlite3"
    shutil.copy2(center_template, center)
    with pytest.raises(ValidationError, match="center's database"):
        province.open_or_create_province(center)
    db = province.open_or_create_province(tmp_path / "p.sqlite3")
    with pytest.raises(ValidationError, match="between 1 and 20 years"):
        province.generate_province(db, centers=1, years=0)
    db.dispose()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.sqlite3"
    code = main(
        ["--lang", "en", "demo", "province", "--db", str(path), "--centers", "2", "--years", "1"]
        + ["--direct"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 centers" in out and "demo province: 0/" in err
    db = open_database(path)
    assert db.mode == "province"
    assert setup.this_site(db).province == "เชียงใหม่"
    db.dispose()
    assert main(["demo", "province", "--db", str(path), "--centers", "1", "--years", "0"]) == 2
