"""The dashboard on PostgreSQL: the same three demo centers imported through their bundles
into an office on SQLite and into one on a real PostgreSQL server give the same figures, and
the same records behind them (tests/dashboard_world.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - a helper beside conftest.py

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard  # noqa: E402

pytestmark = pytest.mark.postgres

#: Figures that tell when something arrived, which differ between two imports of the same files.
ARRIVAL = {"sync.last_bundle_at", "sync.quiet_days"}
#: Records listed by the day they arrived.
ARRIVING = {"sync.held"}


def _without_arrival(values: dict) -> dict:
    out = dict(values)
    out["total"] = {k: v for k, v in values["total"].items() if k not in ARRIVAL}
    out["centers"] = [{k: v for k, v in c.items() if k not in ARRIVAL} for c in values["centers"]]
    return out


@pytest.mark.parametrize("period", ["FY2569", "2569-Q1", "2569-02", "2568-06-01..2569-03-15"])
def test_sqlite_and_postgresql_give_the_same_dashboard(
    period: str, sqlite_and_pg: tuple[w.ProvinceWorld, w.ProvinceWorld]
) -> None:
    lite_world, pg_world = sqlite_and_pg
    chosen = parse_period(period)
    results = []
    for world in (lite_world, pg_world):
        db = world.open_province()
        try:
            board = dashboard.dashboard(db, chosen, today=w.TODAY)
            one = dashboard.dashboard(db, chosen, center_code="CJC-0002", today=w.TODAY)
            listed = {
                key: [
                    (
                        r.center_code,
                        r.reference,
                        None if key in ARRIVING else r.on,
                        r.title,
                        r.state,
                    )
                    for r in dashboard.records(db, key, chosen, today=w.TODAY).rows
                ]
                for key in (
                    "outcome.settled",
                    "deadline.limitation.passed",
                    "meetings.held",
                    "members.trained",
                    "activities",
                    "sync.held",
                    "escalations.waiting",
                    "meetings.quorum_failures",
                )
            }
        finally:
            db.dispose()
        results.append(
            (
                _without_arrival(dashboard.dashboard_json(board)),
                _without_arrival(dashboard.dashboard_json(one)),
                listed,
            )
        )
    (lite, lite_one, lite_listed), (pg, pg_one, pg_listed) = results
    assert lite["total"]["received"] > 0
    assert pg == lite
    assert pg_one == lite_one
    assert pg_listed == lite_listed
    assert pg["total"]["sync.held"] == 1 and pg["total"]["sync.revoked_keys"] >= 1


@pytest.fixture(scope="module")
def sqlite_and_pg(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> tuple[w.ProvinceWorld, w.ProvinceWorld]:
    import uuid

    import psycopg

    lite = w.build(tmp_path_factory.mktemp("dashboard-sqlite"))
    name = "jd_dash_" + uuid.uuid4().hex[:8]
    base = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    pg = w.build(tmp_path_factory.mktemp("dashboard-pg"), province_db=url, same_centers_as=lite)
    return lite, pg
