"""An officer's decision that takes a center's version of a record marks the center's summary
tables stale in the decision's transaction (docs/architecture.md §21): the dashboard counts the
center from its records until the next recount, then from the tables, the same either way."""

from __future__ import annotations

from pathlib import Path

from test_conflict_decisions import _by_reason, restored_world

from justice_desk.domain.periods import parse_period
from justice_desk.services import dashboard, sync
from justice_desk.storage import summaries


def _stale(db) -> frozenset:
    with db.connect_read() as conn:
        return summaries.stale_owners(conn)


def _board(db, **kwargs) -> dict:
    values = dashboard.dashboard_json(dashboard.dashboard(db, parse_period("2569"), **kwargs))
    return {
        c["code"]: {k: v for k, v in c.items() if not k.startswith("sync.")}
        for c in values["centers"]
    }


def test_keeping_the_centers_version_marks_its_summaries_and_the_figures_stay_exact(
    tmp_path: Path,
) -> None:
    restored = restored_world(tmp_path / "w")
    try:
        province = restored.world.province
        assert dashboard.refresh_summaries(province) >= 0
        assert not _stale(province)
        older = _by_reason(sync.problem_list(province))["restored_center_older"]
        done = sync.decide_problem(province, older.key, decision="keep-center", note="")
        assert done.adopted
        assert len(_stale(province)) == 1  # marked with the decision, not recounted in it
        exact = _board(province, summaries=False)
        assert _board(province, summaries=True) == exact  # the marked center from its records
        assert dashboard.refresh_summaries(province) == 1
        assert not _stale(province)
        assert _board(province, summaries=True) == exact
    finally:
        restored.world.close()
