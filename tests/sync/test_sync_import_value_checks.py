"""Values the province's columns must not take as sent (docs/sync-format.md §4, §5): a lone
UTF-16 surrogate or a NUL character in text is refused by name (``bad_record``) on every
database, the rest of the bundle applying, and a time with a UTC offset is stored converted to
UTC, never with its offset dropped. Real bundles signed with the center's own key."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk import sync as fmt
from justice_desk.services import people, sync
from justice_desk.storage import sync_store
from justice_desk.sync.bundle import BundleContent


@pytest.fixture
def world(tmp_path: Path):
    w = h.build_world(tmp_path / "w")
    first = w.export()
    assert w.import_one(first.path).status == "applied"
    w.first = first  # type: ignore[attr-defined]
    yield w
    w.close()


def _person(world: h.World, name: str) -> dict:
    person = people.create_person(
        world.center, people.PersonInput(given_name=name, surname="ทดสอบ")
    ).record
    with world.center.connect_read() as conn:
        (record,) = sync_store.current_records(conn, "people", [person.id])
    return record


def _forge(
    world: h.World,
    records: list[dict],
    *,
    raw: tuple[bytes, bytes] | None = None,
    seq: int = 2,
    first: int | None = None,
) -> Path:
    """A bundle of these records signed by the center's real key, numbered ``seq`` (its
    changes from ``first``, by default the ones after the first bundle's); ``raw`` replaces
    bytes of the plaintext (to write what ``json.dumps`` cannot, such as a ``\\ud800``
    escape)."""
    if first is None:
        first = world.first.last_change + 1  # type: ignore[attr-defined]
    fields = fmt.BundleFields(
        center_id=str(world.center.site_id),
        epoch=world.center.setting("epoch"),
        seq=seq,
        first_change=first,
        last_change=first + len(records) - 1,
        schema_version=sync.SCHEMA_VERSION,
    )
    content = fmt.prepare_records(records)
    if raw is not None:
        assert raw[0] in content.plaintext
        content = BundleContent(content.plaintext.replace(*raw), content.counts)
    path = world.root / f"forged-{seq}.jdbundle"
    path.write_bytes(
        fmt.build_bundle(
            fields, content, sync.own_keys(world.center), [sync.own_public(world.province)]
        )
    )
    return path


def _refused(world: h.World) -> dict[str, str]:
    return {
        r["row_id"]: r["reason"]
        for r in h.query(world.province, "SELECT row_id, reason FROM rejected_records")
    }


def _given_names(world: h.World) -> set[str]:
    return {r["given_name"] for r in h.query(world.province, "SELECT given_name FROM people")}


def test_a_lone_surrogate_in_text_refuses_its_record_by_name(world: h.World) -> None:
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "ตัวแทน"))
    bad["fields"]["surname"] = "SURROGATE-HERE"
    outcome = world.import_one(_forge(world, [good, bad], raw=(b"SURROGATE-HERE", b"a\\ud800b")))
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert _refused(world) == {bad["id"]: "bad_record"}
    assert "ถูกต้อง" in _given_names(world) and "ตัวแทน" not in _given_names(world)


def test_a_nul_character_in_text_refuses_its_record_on_sqlite_too(world: h.World) -> None:
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "มีศูนย์"))
    bad["fields"]["surname"] = "a\x00b"
    outcome = world.import_one(_forge(world, [good, bad]))
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert _refused(world) == {bad["id"]: "bad_record"}
    assert "มีศูนย์" not in _given_names(world)


def test_the_children_of_a_refused_new_record_are_refused_by_name_and_the_rest_applied(
    world: h.World,
) -> None:
    """A new record refused as ``bad_record`` is no parent: its children are refused as
    ``parent_refused`` and the bundle's other records are applied (it failed whole at commit,
    ``missing_parent``, and every later export carrying the record again failed the same)."""
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "มีศูนย์"))
    bad["fields"]["surname"] = "a\x00b"
    child = h.orphan_membership(world, bad["id"])
    outcome = world.import_one(_forge(world, [good, bad, child]))
    assert (outcome.status, outcome.records) == ("applied", 1), outcome
    assert _refused(world) == {bad["id"]: "bad_record", child["id"]: "parent_refused"}
    assert "ถูกต้อง" in _given_names(world)


def test_a_stored_record_sent_again_unreadable_stays_a_parent(world: h.World) -> None:
    """A record the province holds, sent again with a value it cannot take, is refused
    (``bad_record``) and the stored version stays, and so do the children pointing at it."""
    person = _person(world, "อยู่แล้ว")
    assert world.import_one(_forge(world, [person])).status == "applied"
    again = copy.deepcopy(person)
    again["rev"] = person["rev"] + 1
    again["fields"]["surname"] = "a\x00b"
    child = h.orphan_membership(world, person["id"])
    after = world.first.last_change + 2  # type: ignore[attr-defined]
    outcome = world.import_one(h.forge(world, [again, child], seq=3, first=after, name="b03"))
    assert (outcome.status, outcome.records) == ("applied", 1), outcome
    assert _refused(world) == {again["id"]: "bad_record"}


def test_a_time_with_an_offset_is_stored_in_utc(world: h.World) -> None:
    person = copy.deepcopy(_person(world, "เวลาไทย"))
    person["fields"]["created_at"] = "2026-01-02T10:04:05+07:00"
    outcome = world.import_one(_forge(world, [person]))
    assert (outcome.status, outcome.records) == ("applied", 1)
    (row,) = h.query(world.province, "SELECT created_at FROM people WHERE given_name = 'เวลาไทย'")
    assert dt.datetime.fromisoformat(str(row["created_at"])) == dt.datetime(2026, 1, 2, 3, 4, 5)


def test_the_decoder_converts_and_refuses_without_a_database() -> None:
    decoder = sync_store.Decoder()
    person_id = str(uuid.uuid4())
    fields = {
        "given_name": "สมชาย",
        "surname": "ใจดี",
        "owner_id": person_id,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T10:04:05+07:00",
    }
    row = decoder.decode("people", person_id, 1, fields)
    assert row["created_at"] == row["updated_at"] == dt.datetime(2026, 1, 2, 3, 4, 5)
    with pytest.raises(ValueError, match="surrogate"):
        decoder.decode("people", person_id, 1, dict(fields, surname="a\ud800"))
    with pytest.raises(ValueError, match="NUL"):
        decoder.decode("people", person_id, 1, dict(fields, surname="a\x00b"))


def test_a_value_the_app_does_not_know_refuses_its_record(world: h.World) -> None:
    """``people.sex`` is read back as the domain's ``Sex``: ``robot`` would make the person
    unreadable at the province."""
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "หุ่นยนต์"))
    bad["fields"]["sex"] = "robot"
    outcome = world.import_one(_forge(world, [good, bad]))
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert _refused(world) == {bad["id"]: "bad_record"}
    assert "หุ่นยนต์" not in _given_names(world)
    with pytest.raises(ValueError, match="sex"):
        sync_store.Decoder().decode("people", bad["id"], 1, bad["fields"])


@pytest.mark.parametrize("year", [2**40, 2567, 1899])
def test_a_birth_year_outside_the_apps_bounds_refuses_its_record(world: h.World, year: int) -> None:
    """``birth_year`` is a CE year: a Buddhist Era year or a 2^40 is not stored."""
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "ปีเกิดผิด"))
    bad["fields"]["birth_year"] = year
    outcome = world.import_one(_forge(world, [good, bad]))
    assert (outcome.status, outcome.records) == ("applied", 1)
    assert _refused(world) == {bad["id"]: "bad_record"}
    assert "ปีเกิดผิด" not in _given_names(world)
    with pytest.raises(ValueError, match="birth_year"):
        sync_store.Decoder().decode("people", bad["id"], 1, bad["fields"])


def _demo_case_records(world: h.World) -> tuple[dict, list[dict]]:
    """A case of the center with its events, as its export sends them."""
    (case_id,) = h.query(world.center, "SELECT id FROM cases ORDER BY number LIMIT 1")[0]
    case_uuid = uuid.UUID(case_id) if isinstance(case_id, str) else uuid.UUID(bytes=case_id)
    (case,) = h.current_records(world.center, "cases", [case_uuid])
    event_ids = [
        uuid.UUID(r[0]) if isinstance(r[0], str) else uuid.UUID(bytes=r[0])
        for r in h.query(world.center, "SELECT id FROM case_events WHERE case_id = ?", (case_id,))
    ]
    return case, h.current_records(world.center, "case_events", event_ids)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("cases", "status", "bogus"),
        ("cases", "kind", "anything"),
        ("cases", "channel", "pigeon"),
        ("case_events", "to_status", "vanished"),
        ("case_events", "action", "erase_everything"),
    ],
)
def test_a_case_or_event_with_a_value_the_app_does_not_know_is_refused(
    tmp_path: Path, table: str, column: str, value: str
) -> None:
    """A case the province's pages, dashboard and reports read as ``CaseStatus(case.status)``
    (and its events, by ``to_status`` and ``action``): an unknown value is refused by name,
    never stored for a page to trip on."""
    world = h.build_world(tmp_path / "w", demo={"people": 12, "cases": 3, "meetings": 0})
    try:
        first = world.export()
        assert world.import_one(first.path).status == "applied"
        case, events = _demo_case_records(world)
        target = copy.deepcopy(case if table == "cases" else events[0])
        target["rev"] += 1
        target["fields"][column] = value
        path = h.forge(world, [target], seq=2, first=first.last_change + 1, name="odd")
        outcome = world.import_one(path)
        assert (outcome.status, outcome.records) == ("applied", 0)
        refused = {
            r["row_id"]: r["reason"]
            for r in h.query(world.province, "SELECT row_id, reason FROM rejected_records")
        }
        assert refused == {target["id"]: "bad_record"}
        stored = h.query(
            world.province,
            f"SELECT {column} FROM {table} WHERE rev = ?",  # noqa: S608 - names from the test
            (target["rev"],),
        )
        assert stored == []
    finally:
        world.close()


def test_every_column_holding_a_domain_enum_is_checked(tmp_path: Path) -> None:
    """A guard for the next enum column: every syncable text column whose values in a demo are
    all values of one of the domain's enums must be in ``VALUE_CHECKS``."""
    from enum import StrEnum

    from justice_desk.domain import case_flow, enums
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.storage.models import SYNCABLE_MODELS

    candidates = [
        frozenset(m.value for m in e)
        for module in (enums, case_flow)
        for e in vars(module).values()
        if isinstance(e, type) and issubclass(e, StrEnum) and e is not StrEnum and len(e) > 1
    ]
    with h.data_home(tmp_path / "home"):
        db = setup.init_center(
            tmp_path / "c.sqlite3", code="CJC-0009", name="ศูนย์", province="เชียงใหม่"
        )
        try:
            generate_demo(db, people=40, cases=60, meetings=4)
        finally:
            db.dispose()
    unchecked = []
    for model in SYNCABLE_MODELS:
        table = model.__tablename__  # type: ignore[attr-defined]
        for column in model.__table__.columns:  # type: ignore[attr-defined]
            if column.key in sync_store.VALUE_CHECKS.get(table, {}) or column.key in (
                "id",
                "owner_id",
            ):
                continue
            if not hasattr(column.type, "length") or column.type.length is None:
                continue  # Text, UUIDs: free text or ids
            values = {
                r[0]
                for r in h.query(
                    tmp_path / "c.sqlite3", f'SELECT DISTINCT "{column.key}" FROM {table}'
                )  # noqa: S608
                if r[0] is not None
            }
            if values and any(values <= allowed for allowed in candidates):
                unchecked.append(f"{table}.{column.key} {sorted(values)[:4]}")
    assert unchecked == [], "columns holding enum values but not in VALUE_CHECKS: " + ", ".join(
        unchecked
    )


# --- found by an outside review (session 11): values a column or a sum cannot hold ------------


def _applied_but(world: h.World, good: dict, bad: dict) -> None:
    """A bundle of ``good`` and ``bad``: applied with ``good``, ``bad`` alone refused by name."""
    outcome = world.import_one(_forge(world, [good, bad]))
    assert (outcome.status, outcome.records) == ("applied", 1), outcome
    assert _refused(world) == {bad["id"]: "bad_record"}


def _activity(world: h.World, topic: str) -> dict:
    from justice_desk.services import activities

    made = activities.create_activity(
        world.center, activities.ActivityInput(held_on=dt.date(2026, 1, 5), topic=topic)
    )
    with world.center.connect_read() as conn:
        (record,) = sync_store.current_records(conn, "activities", [made.id])
    return record


@pytest.mark.parametrize("value", [100_001, 2**31 - 1, 2**63 - 1])
def test_a_count_beyond_what_the_app_takes_refuses_its_record_and_imports_go_on(
    world: h.World, value: int
) -> None:
    """An activity with 2^63 - 1 (or 2^31 - 1) participants fitted the column and was applied;
    the recount after the import then overflowed the monthly sum, and every later import of
    any center ended in "unexpected error". Every integer column has the domain's bounds
    (``domain.limits``): the record is refused by name and the rest of the bundle applies."""
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_activity(world, "กิจกรรมใหญ่เกิน"))
    bad["fields"]["participants_male"] = value
    _applied_but(world, good, bad)
    assert h.query(world.province, "SELECT count(*) FROM activities")[0][0] == 0
    from justice_desk.services import dashboard

    dashboard.refresh_summaries(world.province)  # the recount runs, and nothing is left marked
    assert h.query(world.province, "SELECT count(*) FROM summary_stale")[0][0] == 0


def test_every_integer_column_that_travels_has_the_domains_bounds() -> None:
    """The guard for the next integer column: each one a bundle carries (but ``rev``, which is
    a counter) has a range in ``VALUE_CHECKS`` within what PostgreSQL's ``integer`` holds, so
    no value is stored on one database and refused on the other, and no sum of a bundle's
    worth of them overflows."""
    from sqlalchemy import Integer

    missing, too_wide = [], []
    for table in sync_store.MODEL_BY_TABLE:
        checks = sync_store.VALUE_CHECKS.get(table, {})
        skip = sync_store.NOT_SENT[table] | sync_store.DERIVED_COLUMNS | {"id", "rev"}
        for column in sync_store._table(table).columns:
            if column.key in skip or not isinstance(column.type, Integer):
                continue
            allowed = checks.get(column.key)
            if not isinstance(allowed, range):
                missing.append(f"{table}.{column.key}")
            elif allowed.start < -(2**31) or allowed.stop - 1 > 2**31 - 1:
                too_wide.append(f"{table}.{column.key}")
    assert missing == [] and too_wide == [], (missing, too_wide)


def test_text_longer_than_its_column_refuses_its_record_on_sqlite_as_on_postgresql(
    world: h.World,
) -> None:
    """A given name of 129 characters (the column holds 128): PostgreSQL refused the whole
    bundle at ``COPY``, SQLite stored it. Now the record is refused by name on both and the
    rest applies; 128 characters, emoji and combining marks counted as PostgreSQL counts them
    (code points), are stored."""
    fits = copy.deepcopy(_person(world, "พอดี"))
    fits["fields"]["given_name"] = "😀" * 127 + "e\u0301"[:1]
    long = copy.deepcopy(_person(world, "ยาวเกิน"))
    long["fields"]["given_name"] = "e\u0301" * 64 + "x"
    _applied_but(world, fits, long)
    assert fits["fields"]["given_name"] in _given_names(world)


@pytest.mark.parametrize("sent", ["9999-12-31T23:59:59-07:00", "0001-01-01T00:00:00+07:00"])
def test_a_time_whose_utc_is_outside_the_calendar_refuses_its_record_not_the_file(
    world: h.World, sent: str
) -> None:
    """Converting the offset moved the time outside years 1 to 9999: the whole file was
    ``unreadable``. Any error a value raises refuses only its record."""
    good = _person(world, "ถูกต้อง")
    bad = copy.deepcopy(_person(world, "นอกปฏิทิน"))
    bad["fields"]["created_at"] = sent
    _applied_but(world, good, bad)


def test_a_time_of_day_with_an_offset_is_refused_both_ways_of_reading() -> None:
    """A meeting's start "12:00:00+07:00" was stored as 12:00, its offset dropped. A time of
    day is the center's wall clock: one with an offset is refused, by the plain decoder and by
    the typed one alike (the typed one hands it to the plain one, which names it)."""
    import msgspec

    convert = sync_store._from_iso(dt.time)
    assert convert("12:00:00") == dt.time(12)
    for sent in ("12:00:00+07:00", "12:00:00Z"):
        with pytest.raises(ValueError, match="offset"):
            convert(sent)
    column = sync_store._table("meetings").c.starts_at
    typed = sync_store._typed_column(column, sync_store.INT64_RANGE)
    assert msgspec.json.decode(b'"12:00:00"', type=typed) == dt.time(12)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'"12:00:00+07:00"', type=typed)


def test_a_center_whose_summary_cannot_be_recounted_stays_counted_from_its_records(
    world: h.World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever stops one center's recount (a sum its summary columns cannot hold) leaves that
    center marked, counted from its records, which is exact; the other centers of its chunk
    are recounted, and the import that marked it is not turned into an error."""
    import sqlalchemy.exc

    from justice_desk.services import dashboard
    from justice_desk.storage import summaries

    center = world.center.site_id
    real = summaries._refresh_many

    def failing(conn, owners):  # noqa: ANN001, ANN202 - the recount's own signature
        if center in owners:
            raise sqlalchemy.exc.DataError("INSERT", {}, Exception("integer out of range"))
        return real(conn, owners)

    monkeypatch.setattr(summaries, "_refresh_many", failing)
    outcome = world.import_one(_forge(world, [_person(world, "นับไม่ได้")]))
    assert outcome.status == "applied"
    assert dashboard.refresh_summaries(world.province) == 0
    stale = h.query(world.province, "SELECT owner_id FROM summary_stale")
    assert [r[0] for r in stale] == [center.hex]
    assert "could not be recounted" in caplog.text
    monkeypatch.setattr(summaries, "_refresh_many", real)
    assert dashboard.refresh_summaries(world.province) == 1


def _refused_as(world: h.World, reason: str) -> dict:
    """A new person the province refuses by name: ``bad_record`` (a NUL in the surname) or
    ``wrong_owner`` (the record names another owner)."""
    record = copy.deepcopy(_person(world, "ถูกปฏิเสธ"))
    if reason == "bad_record":
        record["fields"]["surname"] = "a\x00b"
    else:
        record["fields"]["owner_id"] = str(uuid.uuid4())
    return record


@pytest.mark.parametrize("reason", ["bad_record", "wrong_owner"])
@pytest.mark.parametrize("one_run", [True, False], ids=["one-run", "a-run-a-file"])
def test_a_child_of_a_record_refused_in_an_earlier_bundle_is_refused_by_name(
    world: h.World, reason: str, one_run: bool
) -> None:
    """A record refused in one bundle and never stored is no parent in the next ones either:
    a child of it in a later bundle is refused by name (``parent_refused``) and the rest of
    that bundle applies. The whole bundle was refused (``missing_parent``) and every later
    bundle of the center held behind it (``gap``), the center's re-exports failing the same
    way until someone mended the record (found by an outside review)."""
    refused = _refused_as(world, reason)
    start = world.first.last_change + 1  # type: ignore[attr-defined]
    second = _forge(world, [refused, _person(world, "สอง")], seq=2, first=start)
    child = h.orphan_membership(world, refused["id"])
    third = _forge(world, [child, _person(world, "สาม")], seq=3, first=start + 2)
    fourth = _forge(world, [_person(world, "สี่")], seq=4, first=start + 4)
    files = [second, third, fourth]
    outcomes = world.import_(*files) if one_run else [world.import_one(f) for f in files]
    assert [(o.status, o.records) for o in outcomes] == [("applied", 1)] * 3, outcomes
    assert _refused(world) == {refused["id"]: reason, child["id"]: "parent_refused"}
    assert {"สอง", "สาม", "สี่"} <= _given_names(world)
    # Each bundle's own line says what was refused in it (the receipt carries it).
    said = dict(h.query(world.province, "SELECT seq, detail FROM received_bundles WHERE seq > 1"))
    assert said == {2: "1 records refused", 3: "1 records refused", 4: None}, said
    # The child waits in the conflict list with its fields, for a person to see.
    queued = h.query(world.province, "SELECT table_name, reason FROM sync_conflicts")
    assert {(r["table_name"], r["reason"]) for r in queued} == {("memberships", "parent_refused")}
    # A record the center sends again mended is applied, and a later child of it with it.
    mended = copy.deepcopy(refused)
    mended["rev"] += 1
    mended["fields"].update(surname="แก้แล้ว", owner_id=str(world.center.site_id))
    sibling = h.orphan_membership(world, refused["id"])
    fifth = _forge(world, [mended, sibling], seq=5, first=start + 5)
    outcome = world.import_one(fifth)
    assert (outcome.status, outcome.records) == ("applied", 2), outcome
    # A revocation after them counts the bundles with refusals among those already in.
    assert sync.revoke_center_key(world.province, "CJC-0001", keep_through_seq=1).applied_after == 4
