"""Every write of a syncable row lands in the change log in the same transaction."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from justice_desk.storage.changelog import bulk_insert
from justice_desk.storage.models import SYNCABLE_MODELS, Activity, ChangeLog, Person


def log_rows(db) -> list[tuple[str, uuid.UUID, str, int]]:
    with db.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    ChangeLog.table_name, ChangeLog.row_id, ChangeLog.op, ChangeLog.rev
                ).order_by(ChangeLog.change_no)
            )
        ]


def test_insert_update_delete_are_logged_with_revs(center_db) -> None:
    start = len(log_rows(center_db))
    with center_db.write() as s:
        p = Person(given_name="สมศักดิ์", surname="ใจดี")
        s.add(p)
    with center_db.write() as s:
        s.get(Person, p.id).phone = "0812345678"
    with center_db.write() as s:
        from justice_desk.storage.models import utcnow

        s.get(Person, p.id).deleted_at = utcnow()
    rows = log_rows(center_db)[start:]
    assert rows == [
        ("people", p.id, "insert", 1),
        ("people", p.id, "update", 2),
        ("people", p.id, "delete", 3),
    ]
    with center_db.read() as s:
        assert s.get(Person, p.id).rev == 3


def test_change_numbers_are_monotonic(center_db) -> None:
    with center_db.write() as s:
        for i in range(5):
            s.add(
                Activity(held_on=__import__("datetime").date(2026, 1, i + 1), topic=f"กิจกรรม {i}")
            )
    with center_db.read() as s:
        numbers = list(
            s.execute(select(ChangeLog.change_no).order_by(ChangeLog.change_no)).scalars()
        )
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_rolled_back_write_leaves_no_log(center_db) -> None:
    start = len(log_rows(center_db))
    with pytest.raises(RuntimeError, match="boom"):
        with center_db.write() as s:
            s.add(Person(given_name="ทดสอบ"))
            s.flush()
            raise RuntimeError("boom")
    assert len(log_rows(center_db)) == start
    with center_db.read() as s:
        assert s.execute(select(Person).where(Person.given_name == "ทดสอบ")).first() is None


def test_unchanged_object_is_not_logged(center_db) -> None:
    with center_db.write() as s:
        p = Person(given_name="กมล")
        s.add(p)
    start = len(log_rows(center_db))
    with center_db.write() as s:
        row = s.get(Person, p.id)
        row.given_name = "กมล"  # same value
    assert len(log_rows(center_db)) == start


def test_hard_delete_of_a_syncable_row_is_refused(center_db) -> None:
    with center_db.write() as s:
        p = Person(given_name="กมล")
        s.add(p)
    with pytest.raises(RuntimeError, match="soft-delete"):
        with center_db.write() as s:
            s.delete(s.get(Person, p.id))


def test_bulk_insert_logs_each_row_in_the_same_transaction(center_db) -> None:
    start = len(log_rows(center_db))
    with center_db.connect_write() as conn:
        ids = bulk_insert(
            conn,
            Person,
            [{"given_name": f"คน{i}", "surname": "ทดสอบ"} for i in range(50)],
            center_db.site_id,
        )
    rows = log_rows(center_db)[start:]
    assert [r[1] for r in rows] == ids and {r[2] for r in rows} == {"insert"}
    with center_db.read() as s:
        people = s.execute(select(Person).where(Person.id.in_(ids))).scalars().all()
        assert len(people) == 50 and all(
            p.search_text and p.sort_key and p.rev == 1 for p in people
        )


def test_bulk_insert_failure_writes_nothing(center_db) -> None:
    start = len(log_rows(center_db))
    # The second row breaks NOT NULL on given_name: the whole batch, log lines included, rolls back.
    with pytest.raises(IntegrityError, match="NOT NULL"):
        with center_db.connect_write() as conn:
            bulk_insert(
                conn, Person, [{"given_name": "ก"}, {"given_name": None}], center_db.site_id
            )
    assert len(log_rows(center_db)) == start


def test_every_syncable_table_has_the_sync_columns() -> None:
    for model in SYNCABLE_MODELS:
        cols = set(model.__table__.columns.keys())
        assert {"id", "owner_id", "rev", "created_at", "updated_at", "deleted_at"} <= cols, model
