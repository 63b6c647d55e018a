"""How a province on PostgreSQL stores incoming rows (docs/sync.md §4): rows it does not hold yet
go in with ``COPY``, rows it holds go through a staging table and one ``INSERT ... ON
CONFLICT``, and two officers importing the same center's bundle at once get one applied and one
duplicate, never a half-stored bundle or a refusal by the database."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_import_numbers_on_postgres import _enrolled_center as enrolled_center

from justice_desk.domain import privacy
from justice_desk.services import people, setup, sync
from justice_desk.storage.database import open_database
from justice_desk.storage.models import Case, CaseParty, Person

pytestmark = pytest.mark.postgres


def _enrolled_center(path: Path, province: Any, folder: Path) -> Any:
    return enrolled_center(
        path, province, folder, code="CJC-0002", seed=7, people=40, cases=30, meetings=2
    )


def _rows(db: Any, model: Any, owner: Any) -> dict[Any, dict[str, Any]]:
    """Every synced column of ``model``'s rows of ``owner``, by id."""
    with db.read() as session:
        table = model.__table__
        columns = [c for c in table.c if c.key not in ("notes",)]
        found = session.execute(select(*columns).where(table.c.owner_id == owner)).mappings()
        return {row["id"]: dict(row) for row in found}


def _as_sent(
    center_rows: dict[Any, dict[str, Any]],
    province_rows: dict[Any, dict[str, Any]],
    model: Any,
    withheld_cases: frozenset[Any] = frozenset(),
) -> dict[Any, dict[str, Any]]:
    """The center's rows as its bundles carry them: a person known to the register only through
    a sensitive case the center keeps to itself is sent emptied, and such a case without its
    texts (docs/privacy.md); those rows are compared by identity only, every other row whole."""
    out = dict(center_rows)
    for row_id, row in province_rows.items():
        withheld = (
            (model is Person and row["given_name"] == privacy.WITHHELD_NAME)
            or (model is Case and row["subject"] == privacy.WITHHELD_SUBJECT)
            or (model is CaseParty and row["case_id"] in withheld_cases)
        )
        if withheld and row_id in out:
            out[row_id] = row
    return out


def test_new_rows_and_changed_rows_are_stored_exactly(fresh_pg_database: str, tmp_path: Path):
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(tmp_path / "center.sqlite3", province, tmp_path / "enrol")
    try:
        first = sync.export_bundle(center, tmp_path / "out1")
        (outcome,) = sync.import_paths(province, [first.path])
        assert (outcome.status, outcome.records) == ("applied", first.records), outcome
        withheld = frozenset(
            case_id
            for case_id, row in _rows(province, Case, center.site_id).items()
            if row["subject"] == privacy.WITHHELD_SUBJECT
        )
        for model in (Person, Case, CaseParty):
            at_center = _rows(center, model, center.site_id)
            at_province = _rows(province, model, center.site_id)
            assert len(at_province) == len(at_center) > 0
            expected = _as_sent(at_center, at_province, model, withheld)
            assert at_province == expected, model.__tablename__

        # Changed at the center: stored rows are updated (the staging path), new ones copied.
        some = sorted(_rows(center, Person, center.site_id))[:5]
        for n, person_id in enumerate(some):
            people.update_person(
                center,
                person_id,
                people.PersonInput(given_name=f"แก้ไข{n}", surname="ใหม่ทั้งหมด"),
            )
        added = people.create_person(center, people.PersonInput(given_name="มาใหม่", surname="ทีหลัง"))
        second = sync.export_bundle(center, tmp_path / "out2")
        (outcome,) = sync.import_paths(province, [second.path])
        assert outcome.status == "applied", outcome
        at_center = _rows(center, Person, center.site_id)
        at_province = _rows(province, Person, center.site_id)
        assert at_province == _as_sent(at_center, at_province, Person)
        assert at_province[added.record.id]["given_name"] == "มาใหม่"
        assert {at_province[i]["surname"] for i in some} == {"ใหม่ทั้งหมด"}
        assert {at_province[i]["rev"] for i in some} == {at_center[i]["rev"] for i in some}
    finally:
        center.dispose()
        province.dispose()


def test_two_officers_importing_one_bundle_at_once(fresh_pg_database: str, tmp_path: Path):
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(tmp_path / "center.sqlite3", province, tmp_path / "enrol")
    province.dispose()
    try:
        made = sync.export_bundle(center, tmp_path / "out")
        sticks = []
        for name in ("officer-a", "officer-b"):
            stick = tmp_path / name
            stick.mkdir()
            (stick / made.path.name).write_bytes(made.path.read_bytes())
            sticks.append(stick)
        officers = [open_database(fresh_pg_database) for _ in sticks]
        results: list[list[Any]] = [[], []]
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def work(k: int) -> None:
            try:
                start.wait()
                results[k] = sync.import_paths(officers[k], [sticks[k]])
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        statuses = sorted(outcome.status for (outcome,) in results)
        assert statuses == ["applied", "duplicate"], results
        with officers[0].read() as session:
            stored = session.scalar(
                select(func.count()).select_from(Person).where(Person.owner_id == center.site_id)
            )
        assert stored == len(_rows(center, Person, center.site_id))
        for officer in officers:
            officer.dispose()
    finally:
        center.dispose()
