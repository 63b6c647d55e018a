"""The demo country (``services/demo/national.py``): 7,500 centers over Thailand's 77
provinces in proportion to their tambons, and each province's centers planned under its own
code and seeds (``province.plan_centers(province=…)``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from justice_desk.services.demo import province
from justice_desk.services.demo.national import PROVINCES, spread
from justice_desk.storage import summaries
from justice_desk.storage.database import Database
from justice_desk.storage.models import SUMMARY_MODELS

TODAY = dt.date(2026, 3, 15)


def test_spread_gives_every_province_its_share() -> None:
    shares = spread()
    assert len(shares) == 77 == len({s.code for s in shares}) == len({s.name for s in shares})
    assert sum(s.centers for s in shares) == 7_500
    assert min(s.centers for s in shares) == 20 and max(s.centers for s in shares) == 250
    # more tambons never means fewer centers
    tambons = {name: t for name, _code, t in PROVINCES}
    ordered = sorted(shares, key=lambda s: (tambons[s.name], s.centers))
    assert [s.centers for s in ordered] == sorted(s.centers for s in shares)
    assert spread() == shares
    assert sum(s.centers for s in spread(2_000)) == 2_000
    with pytest.raises(ValueError):
        spread(77 * 20 - 1)


def test_each_province_has_its_own_codes_and_seeds() -> None:
    lamphun, lampang = (s for s in spread() if s.name in ("ลำพูน", "ลำปาง"))
    plans = [
        *province.plan_centers(3, years=1, province=lamphun),
        *province.plan_centers(3, years=1, province=lampang),
    ]
    assert [p.code for p in plans] == [f"CJC-51-000{i}" for i in (1, 2, 3)] + [
        f"CJC-52-000{i}" for i in (1, 2, 3)
    ]
    assert [p.province for p in plans] == ["ลำพูน"] * 3 + ["ลำปาง"] * 3
    assert len({p.seed for p in plans}) == 6
    # without a province: the demo office's own, as before
    own = province.plan_centers(2, years=1)
    assert [p.code for p in own] == ["CJC-50-0001", "CJC-50-0002"]
    assert [p.seed for p in own] == [100_001, 100_002] and own[0].province is None


def test_direct_path_copies_summary_rows_that_equal_a_recount(tmp_path: Path) -> None:
    """The direct path counts the summary rows of a template's first center and copies them
    under the ids of the template's other centers: the same rows as counting each center."""
    lamphun, lampang = (s for s in spread() if s.name in ("ลำพูน", "ลำปาง"))
    db = province.open_or_create_province(tmp_path / "country.sqlite3")
    try:
        province.generate_province(
            db,
            centers=5,
            years=1,
            today=TODAY,
            direct=True,
            templates=2,
            provinces=[replace(lamphun, centers=2), replace(lampang, centers=3)],
        )
        copied = _summary_rows(db)
        with db.connect_write() as conn:
            summaries.refresh_all(conn)
        assert _summary_rows(db) == copied
    finally:
        db.dispose()
    assert len({row[1] for row in copied["summary_received"]}) == 5
    assert all(copied[t] for t in ("summary_outcomes", "summary_month", "summary_people"))


def _summary_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import select

    with db.connect_read() as conn:
        return {
            model.__tablename__: sorted(
                tuple(str(v) for v in row)
                for row in conn.execute(select(*model.__table__.columns)).all()
            )
            for model in SUMMARY_MODELS
        }
