"""Backup names in the Buddhist Era and the rotation of automatic backups
(domain/backup_names.py, docs/architecture.md §10)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justice_desk.domain.backup_names import Retention, file_name, parse, to_keep

NOW = dt.datetime(2026, 1, 14, 18, 0)  # Wednesday 14 January 2569


def test_names_carry_the_buddhist_era_date_and_read_back() -> None:
    name = file_name("justice-desk-500107", dt.datetime(2026, 1, 14, 9, 30, 5))
    assert name == "justice-desk-500107-25690114-093005.sqlite3"
    parsed = parse(name)
    assert parsed is not None and parsed.label == "justice-desk-500107"
    assert parsed.taken == dt.datetime(2026, 1, 14, 9, 30, 5)


def test_names_written_before_the_be_stamp_are_read_as_gregorian() -> None:
    parsed = parse("justice-desk-CJC-0001-20260114-093000.sqlite3")
    assert parsed is not None and parsed.label == "justice-desk-CJC-0001"
    assert parsed.taken == dt.datetime(2026, 1, 14, 9, 30)


@pytest.mark.parametrize(
    "name",
    [
        "justice-desk-500107-25691314-093000.sqlite3",  # month 13
        "justice-desk-500107-25690114-093000.sqlite3.partial",
        "justice-desk.sqlite3",
        "notes.txt",
        "justice-desk-500107-2569011-093000.sqlite3",
    ],
)
def test_other_names_are_not_backups(name: str) -> None:
    assert parse(name) is None


def test_rotation_keeps_one_a_day_a_week_and_a_month() -> None:
    # Three backups a day (09.00, 12.00, 17.00) for 120 days up to today.
    moments = [
        dt.datetime.combine(NOW.date() - dt.timedelta(days=d), dt.time(h))
        for d in range(120)
        for h in (9, 12, 17)
    ]
    keep = to_keep(moments, NOW, Retention(days=3, weeks=2, months=3))
    days = {m.date() for m in keep}
    # The newest of each of the last 3 days.
    for d in range(3):
        day = NOW.date() - dt.timedelta(days=d)
        assert dt.datetime.combine(day, dt.time(17)) in keep
        assert dt.datetime.combine(day, dt.time(9)) not in keep
    # The newest of last week (Sunday 11 January) and of December and November 2025.
    assert dt.datetime(2026, 1, 11, 17) in keep
    assert dt.datetime(2025, 12, 31, 17) in keep and dt.datetime(2025, 11, 30, 17) in keep
    # Nothing older than the last three months, one per kept day.
    assert min(days) == dt.date(2025, 11, 30)
    assert len(keep) == len(days) <= 3 + 2 + 3


def test_the_newest_backup_is_kept_even_when_everything_is_old() -> None:
    old = [dt.datetime(2020, 1, 1, 9), dt.datetime(2020, 2, 1, 9)]
    assert to_keep(old, NOW, Retention(days=7, weeks=5, months=12)) == {old[1]}
    assert to_keep([], NOW, Retention()) == set()
    assert to_keep(old, NOW, Retention(0, 0, 0)) == {old[1]}


def test_retention_counts_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        Retention(days=-1)


moments_strategy = st.lists(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=NOW), max_size=60
)


@given(
    moments=moments_strategy,
    days=st.integers(0, 10),
    weeks=st.integers(0, 6),
    months=st.integers(0, 14),
)
def test_rotation_properties(
    moments: list[dt.datetime], days: int, weeks: int, months: int
) -> None:
    policy = Retention(days, weeks, months)
    keep = to_keep(moments, NOW, policy)
    assert keep <= set(moments)
    if moments:
        assert max(moments) in keep
    assert len(keep) <= days + weeks + months + 1
    # Every one of the last ``days`` days that has a backup keeps its newest.
    for d in range(days):
        day = NOW.date() - dt.timedelta(days=d)
        that_day = [m for m in moments if m.date() == day]
        if that_day:
            assert max(that_day) in keep
    # Rotating again what was kept keeps all of it (nothing flips on the next run).
    assert to_keep(keep, NOW, policy) == keep
