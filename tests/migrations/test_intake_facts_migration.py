"""Migration 0010: the intake facts the mediation rules need (docs/mediation-law.md).

A case recorded before 0010 has no "no money value", offender age or date of birth, nor
criminal stage: after the upgrade they read as "not entered" and the eligibility check asks for
them instead of guessing; the downgrade drops the four columns and keeps everything else.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from justice_desk.domain.eligibility import Verdict
from justice_desk.domain.enums import CaseCategory, CaseKind, CriminalStage
from justice_desk.services import cases
from justice_desk.storage import migrate
from justice_desk.storage.database import open_database
from justice_desk.storage.schema import HEAD

NEW = {"no_money_value", "offender_age", "offender_birth_date", "criminal_stage"}


def _columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute("PRAGMA table_info(cases)")}
    finally:
        conn.close()


def _to(path: Path, revision: str, *, down: bool) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(migrate.alembic_config(conn), revision)
    engine.dispose()


def test_older_cases_read_as_not_entered_and_the_columns_go_away_again(center_db_path) -> None:
    db = open_database(center_db_path)
    try:
        civil = cases.take_in(
            db,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "ทางเดินเข้านาถูกปิด",
                dt.date(2026, 1, 5),
                category=CaseCategory.CIVIL,
                matter_code="land_use",
                no_money_value=True,
            ),
        ).record
        criminal = cases.take_in(
            db,
            cases.CaseInput(
                CaseKind.DISPUTE,
                "บุกรุกเข้าไปในสวน",
                dt.date(2026, 1, 5),
                category=CaseCategory.CRIMINAL,
                matter_code="trespass",
                offender_age=50,
                criminal_stage=CriminalStage.POLICE,
            ),
        ).record
    finally:
        db.dispose()
    assert NEW <= _columns(center_db_path)

    _to(center_db_path, "0009", down=True)
    assert not NEW & _columns(center_db_path)
    conn = sqlite3.connect(center_db_path)
    try:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (2,)
    finally:
        conn.close()

    db = open_database(center_db_path)  # copies aside and upgrades again
    try:
        assert db.setting("schema_revision") == HEAD
        old_civil = cases.get_case(db, civil.id)
        assert not old_civil.no_money_value
        assert old_civil.eligibility.verdict is Verdict.INCOMPLETE  # asks for the amount
        old_criminal = cases.get_case(db, criminal.id)
        assert old_criminal.offender_age is None and old_criminal.criminal_stage is None
        assert old_criminal.eligibility.verdict is Verdict.INCOMPLETE  # asks for the age
        assert old_criminal.eligibility.missing == ("offender_age",)
    finally:
        db.dispose()
    assert NEW <= _columns(center_db_path)
