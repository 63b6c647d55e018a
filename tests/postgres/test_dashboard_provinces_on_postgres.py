"""The dashboard of one province in a database that holds several provinces' centers, on a
real PostgreSQL server (tests/province_filter_checks.py; SQLite: tests/services/
test_dashboard_provinces.py), and the same figures as the same demo on SQLite; ``justice-desk
dashboard --province`` and ``report … --province`` on the server (SQLite:
tests/cli/test_cli_province.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
import province_filter_checks as checks  # noqa: E402 - a helper beside conftest.py

from justice_desk.services.demo import province  # noqa: E402

pytestmark = pytest.mark.postgres


def test_a_province_of_a_national_database_on_postgresql(
    fresh_pg_database: str, tmp_path: Path, cli
) -> None:
    results = []
    for target in (fresh_pg_database, str(tmp_path / "national.sqlite3")):
        db = province.open_or_create_province(target)
        try:
            assert db.is_sqlite == target.endswith(".sqlite3")
            checks.build(db)
            values = checks.check(db)
        finally:
            db.dispose()
        if target == fresh_pg_database:
            checks.check_commands(target, cli, tmp_path)
        results.append(
            {
                name: {
                    "total": {k: v for k, v in board["total"].items() if not k.startswith("sync.")},
                    "centers": [
                        {k: v for k, v in c.items() if not k.startswith("sync.")}
                        for c in board["centers"]
                    ],
                }
                for name, board in values.items()
            }
        )
    assert results[0] == results[1]
