"""The dashboard of one province in a database that holds several provinces' centers (the
whole country on one server, docs/architecture.md §21): ``dashboard(…, province_name=…)`` on
SQLite. The same checks run on PostgreSQL in tests/postgres/test_dashboard_provinces_on_postgres.py
(tests/province_filter_checks.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
import province_filter_checks as checks  # noqa: E402 - a helper beside conftest.py

from justice_desk.services.demo import province  # noqa: E402


def test_a_province_of_a_national_database_on_sqlite(tmp_path: Path) -> None:
    db = province.open_or_create_province(tmp_path / "national.sqlite3")
    try:
        checks.build(db)
        checks.check(db)
    finally:
        db.dispose()
