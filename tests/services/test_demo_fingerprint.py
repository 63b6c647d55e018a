"""The demo is deterministic, and its output does not change by accident.

``generate_demo`` draws everything from one random stream (``services/demo/context.py``), so a
small demo with a fixed seed, ``today`` and center id must give the same rows every time. The
fingerprint of such a demo (a SHA-256 per table of its rows sorted by id) is stored in
``tests/data/demo-fingerprint.json``; a change to the generator that draws one number more or
less, reorders the builders or changes a text fails
``test_the_demo_output_matches_its_fingerprint``.

Left out of the fingerprint: the wall-clock columns (``created_at``, ``updated_at``, the change
log's ``changed_at``), which the storage layer sets when the rows are written, and the derived
columns (``sort_key``, ``search_text``: ``storage.changelog.DERIVED``), which follow from the
other columns and change with the Thai search rules, tested on their own.

**Changing the demo on purpose** (new texts, a new column, another draw): check the new output
(``justice-desk demo`` and the other tests in this folder), then rewrite the fingerprint with

    JUSTICE_DESK_UPDATE_DEMO_FINGERPRINT=1 .venv/bin/python -m pytest -q \
        tests/services/test_demo_fingerprint.py

and commit ``tests/data/demo-fingerprint.json`` with the change, saying why the demo changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from justice_desk.services import setup
from justice_desk.services.demo import SUMMARY_FIELD, DemoSummary, generate_demo
from justice_desk.storage.changelog import DERIVED

FINGERPRINT = Path(__file__).resolve().parents[1] / "data" / "demo-fingerprint.json"
UPDATE = os.environ.get("JUSTICE_DESK_UPDATE_DEMO_FINGERPRINT") == "1"
#: The demo's keys mix in the center's id, so the fingerprinted center always has this one.
SITE_ID = uuid.UUID("6a1c0de5-0000-4000-8000-00000000d3e0")
TODAY = dt.date(2026, 11, 21)
#: Small, but every builder runs: a committee with a resignation, mediators with a lapse and a
#: suspension, adopted and corrected minutes, every forced case scenario, settlements with
#: instalments, activities, and cases written in three chunks.
PARAMETERS: dict[str, Any] = {
    "seed": 5,
    "people": 24,
    "cases": 36,
    "meetings": 6,
    "activities": 5,
    "chunk_size": 14,
}
WALL_CLOCK = frozenset({"created_at", "updated_at", "changed_at"})
TABLES = sorted(model.__tablename__ for model in SUMMARY_FIELD)  # type: ignore[attr-defined]


def _center(folder: Path, monkeypatch: pytest.MonkeyPatch, **changes: Any) -> Path:
    """A center at Sansai Luang whose id is ``SITE_ID`` (only ``init_center`` sees the patch),
    with its own data folder: its key file is named after the id."""
    with monkeypatch.context() as patch:
        patch.setenv("JUSTICE_DESK_HOME", str(folder / "home"))
        patch.setattr(setup, "new_id", lambda: SITE_ID)
        db = setup.init_center(
            folder / "center.sqlite3",
            code="CM-SSL",
            name="ศูนย์ยุติธรรมชุมชนตำบลสันทรายหลวง",
            province="เชียงใหม่",
            amphoe="สันทราย",
            tambon="สันทรายหลวง",
        )
    try:
        assert db.site_id == SITE_ID
        summary = generate_demo(db, today=TODAY, **{**PARAMETERS, **changes})
    finally:
        db.dispose()
    assert isinstance(summary, DemoSummary) and summary.cases == PARAMETERS["cases"]
    assert db.target.path is not None
    return db.target.path


def _derived_columns() -> dict[str, set[str]]:
    """The columns the storage layer derives, per table, asked of the derive functions."""
    sample = {
        "title": "นาย",
        "given_name": "สมชาย",
        "surname": "ใจดี",
        "year_be": 2569,
        "number": 1,
        "subject": "ทดสอบ",
        "topic": "ทดสอบ",
        "place": "ทดสอบ",
    }
    return {
        model.__tablename__: set(derive(sample))  # type: ignore[attr-defined]
        for model, derive in DERIVED.items()
    }


def fingerprint(path: Path) -> dict[str, dict[str, Any]]:
    """Per demo table (and the demo's part of the change log, in the order written): row count
    and SHA-256 of its rows sorted by id, each row a JSON list in column order, without the
    wall-clock and derived columns."""
    derived = _derived_columns()
    conn = sqlite3.connect(path)
    try:
        result: dict[str, dict[str, Any]] = {}
        for table in [*TABLES, "change_log"]:
            names = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            columns = [c for c in names if c not in WALL_CLOCK | derived.get(table, set())]
            select = ", ".join(f'"{c}"' for c in columns)
            if table == "change_log":
                marks = ", ".join("?" * len(TABLES))
                rows = conn.execute(
                    f"SELECT {select} FROM change_log WHERE table_name IN ({marks})"
                    " ORDER BY change_no",
                    TABLES,
                ).fetchall()
            else:
                rows = conn.execute(f'SELECT {select} FROM "{table}" ORDER BY id').fetchall()
            text = json.dumps(
                [columns, [[v.hex() if isinstance(v, bytes) else v for v in r] for r in rows]],
                ensure_ascii=False,
                separators=(",", ":"),
                default=str,
            )
            result[table] = {
                "rows": len(rows),
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
        return result
    finally:
        conn.close()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fingerprint(_center(tmp_path / "a", monkeypatch))
    second = fingerprint(_center(tmp_path / "b", monkeypatch))
    assert first == second
    other = fingerprint(_center(tmp_path / "c", monkeypatch, seed=PARAMETERS["seed"] + 1))
    changed = [t for t in TABLES if other[t]["sha256"] != first[t]["sha256"]]
    assert changed == TABLES, "a table came out the same for another seed: not in the fingerprint?"


def test_the_demo_output_matches_its_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = fingerprint(_center(tmp_path, monkeypatch))
    assert all(made[t]["rows"] > 0 for t in made), made
    stored_doc = {
        "about": "tests/services/test_demo_fingerprint.py: how it is made and how to update it",
        "parameters": {**PARAMETERS, "today": TODAY.isoformat(), "site_id": str(SITE_ID)},
        "tables": made,
    }
    if UPDATE:
        FINGERPRINT.write_text(
            json.dumps(stored_doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    stored = json.loads(FINGERPRINT.read_text(encoding="utf-8"))
    assert stored["parameters"] == stored_doc["parameters"], (
        "the fingerprint was made with other parameters: update it (see the module docstring)"
    )
    changed = {
        table: f"rows {stored['tables'].get(table, {}).get('rows')} -> {made[table]['rows']}"
        for table in made
        if stored["tables"].get(table) != made[table]
    }
    assert not changed, (
        f"the demo's output changed in {changed}. If that was meant, update "
        f"{FINGERPRINT.name} as the docstring of {Path(__file__).name} says; if not, the "
        "generator now draws differently (a new or moved draw from ctx.rng, builders reordered)"
    )
