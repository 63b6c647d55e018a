"""``justice-desk dashboard``: the figures of the Dashboard page on the command line, on a real
province of three demo centers (tests/dashboard_world.py)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import dashboard_world as w  # noqa: E402 - a helper beside conftest.py

from justice_desk.domain.periods import parse_period  # noqa: E402
from justice_desk.services import dashboard  # noqa: E402


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> w.ProvinceWorld:
    return w.build(tmp_path_factory.mktemp("dashboard-cli"), cases=40, meetings=4)


def test_json_is_the_services_serialisation_of_the_same_figures(world, cli) -> None:
    db = str(world.province_path)
    r = cli("dashboard", "--db", db, "--period", "FY2569", "--json")
    assert r.returncode == 0, r.stderr
    printed = json.loads(r.stdout)
    province = world.open_province()
    try:
        board = dashboard.dashboard(province, parse_period("FY2569"), today=dt.date.today())
        expected = json.loads(json.dumps(dashboard.dashboard_json(board)))
    finally:
        province.dispose()
    assert printed["period"]["code"] == "FY2569"
    assert printed["period"]["label"] == "Fiscal year 2569 (1 Oct 2568 – 30 Sep 2569)"
    assert [c["code"] for c in printed["centers"]] == list(w.CENTERS)
    assert printed["total"]["received"] > 0
    assert printed == expected
    assert set(printed["total"]) >= {f.key for f in dashboard.FIGURES}


def test_one_center_a_quarter_and_the_text_table(world, cli) -> None:
    db = str(world.province_path)
    r = cli("dashboard", "--db", db, "--center", "CJC-0002", "--period", "2569-Q1", "--json")
    assert r.returncode == 0, r.stderr
    one = json.loads(r.stdout)
    assert one["center"] == "CJC-0002" and [c["code"] for c in one["centers"]] == ["CJC-0002"]
    assert one["months"] == ["2569-01", "2569-02", "2569-03"]
    assert one["total"]["sync.held"] == 1
    text = cli("dashboard", "--db", db, "--period", "2569-Q1")
    assert text.returncode == 0, text.stderr
    assert "Dashboard: Q1 2569 BE (January – March)" in text.stdout
    assert "Cases received" in text.stdout and "CJC-0003" in text.stdout
    thai = cli("dashboard", "--db", db, "--period", "2569-01", env={"JUSTICE_DESK_LANG": "th"})
    assert thai.returncode == 0, thai.stderr
    assert "มกราคม 2569" in thai.stdout


def test_bad_input_says_what_to_do(world, cli) -> None:
    db = str(world.province_path)
    r = cli("dashboard", "--db", db, "--period", "Q9-2569")
    assert r.returncode == 2 and "quarters 1 to 4" in r.stderr
    r = cli("dashboard", "--db", db, "--period", "last month")
    assert r.returncode == 2 and "2569-Q1" in r.stderr and "Traceback" not in r.stderr
    r = cli("dashboard", "--db", db, "--center", "NOPE-1")
    assert r.returncode == 2 and "NOPE-1" in r.stderr
