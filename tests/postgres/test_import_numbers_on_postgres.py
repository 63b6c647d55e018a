"""A province on PostgreSQL, whose ``Integer`` columns hold 32 bits: numbers that fit the format
(64 bits) but not those columns are refused by name, never by the database in the middle of an
import, and the next file still imports (docs/sync.md §5, format §4)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from justice_desk import sync as fmt
from justice_desk.services import setup, sync
from justice_desk.services.demo import generate_demo
from justice_desk.sync.keys import TrustedKey

pytestmark = pytest.mark.postgres

INT4_MAX = 2**31 - 1


def _enrolled_center(
    path: Path, province: Any, folder: Path, *, code: str = "CJC-0001", **demo: int
) -> Any:
    """A demo center (``demo``: sizes for ``generate_demo``) enrolled with ``province``; also
    used by the other PostgreSQL import tests."""
    center = setup.init_center(
        path,
        code=code,
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    generate_demo(center, **(demo or dict(seed=5, people=6, cases=2, meetings=1)))
    folder.mkdir()
    request, fingerprint = sync.write_enrolment_request(center, folder / "request.jdenrol")
    review = sync.enrol_center(
        province,
        request,
        approve=True,
        answer_out=folder / "answer.jdanswer",
        expected_fingerprint=fingerprint,
    )
    assert review.answer is not None
    sync.accept_answer(center, review.answer)
    return center


def _person(center: Any, province: Any, bundle: Path) -> dict[str, Any]:
    public = sync.own_public(center)
    trust = {str(center.site_id): {public.key_id: TrustedKey(public)}}
    opened = fmt.open_bundle(
        bundle.read_bytes(),
        trusted_keys=trust.get,
        recipient_private_key=sync.own_keys(province),
    )
    r = next(r for r in opened.records if r.table == "people")
    return {"table": r.table, "id": r.id, "op": r.op, "rev": r.rev, "fields": dict(r.fields)}


@pytest.mark.parametrize("where", ["field", "rev", "seq", "last"])
def test_numbers_beyond_postgres_integers_are_refused_by_name(
    fresh_pg_database: str, tmp_path: Path, where: str
) -> None:
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(tmp_path / "center.sqlite3", province, tmp_path / "enrol")
    try:
        good = sync.export_bundle(center, tmp_path / "made")
        person = dict(_person(center, province, good.path), id=str(uuid.uuid4()))
        seq, first, last = 2, 1, 1
        if where == "field":
            person["fields"] = dict(person["fields"], birth_year=INT4_MAX + 1)
        elif where == "rev":
            person["rev"] = INT4_MAX + 1
        elif where == "seq":
            seq = INT4_MAX + 1
        else:
            last = INT4_MAX + 1
        fields = fmt.BundleFields(
            center_id=str(center.site_id),
            epoch=center.setting("epoch") or "",
            seq=seq,
            first_change=first,
            last_change=last,
            schema_version=sync.SCHEMA_VERSION,
        )
        stick = tmp_path / "stick"
        stick.mkdir()
        (stick / "a-big-number.jdbundle").write_bytes(
            fmt.build_bundle(fields, [person], sync.own_keys(center), [sync.own_public(province)])
        )
        (stick / "b-good.jdbundle").write_bytes(good.path.read_bytes())

        outcomes = sync.import_paths(province, [stick])

        big, fine = outcomes
        if where == "field":
            assert (big.status, big.reason) == ("applied", None), big
            with province.read() as session:
                from sqlalchemy import text

                reasons = session.execute(
                    text("SELECT reason FROM rejected_records WHERE row_id = :id"),
                    {"id": person["id"]},
                ).scalars()
                assert list(reasons) == ["bad_record"]
        else:
            assert (big.status, big.reason) == ("rejected", "number_too_large"), big
        assert (fine.status, fine.records) == ("applied", good.records), fine
    finally:
        center.dispose()
        province.dispose()


def test_a_new_start_accepted_on_postgres_refuses_a_big_number_by_name(
    fresh_pg_database: str, tmp_path: Path
) -> None:
    """A bundle held for an officer's decision is decoded again when it is accepted: with the
    ranges of this database's columns, so the one record whose number PostgreSQL cannot hold
    is refused by name and the rest of the bundle is applied."""
    province = setup.init_province(fresh_pg_database, province="เชียงใหม่", code="PJO-50")
    center = _enrolled_center(tmp_path / "center.sqlite3", province, tmp_path / "enrol")
    try:
        good = sync.export_bundle(center, tmp_path / "made")
        (first,) = sync.import_paths(province, [good.path])
        assert first.status == "applied", first
        big = dict(
            _person(center, province, good.path),
            id=str(uuid.uuid4()),
            rev=1,
        )
        big["fields"] = dict(big["fields"], birth_year=INT4_MAX + 1)
        fine = dict(_person(center, province, good.path), id=str(uuid.uuid4()), rev=1)
        old_epoch = center.setting("epoch") or ""
        fields = fmt.BundleFields(
            center_id=str(center.site_id),
            epoch="0123456789abcdef",
            seq=1,
            first_change=1,
            last_change=2,
            schema_version=sync.SCHEMA_VERSION,
            previous_epochs=(old_epoch,),
            restored_after="2026-01-01T00:00:00",
        )
        stick = tmp_path / "stick"
        stick.mkdir()
        (stick / "restored.jdbundle").write_bytes(
            fmt.build_bundle(
                fields, [big, fine], sync.own_keys(center), [sync.own_public(province)]
            )
        )
        (held,) = sync.import_paths(province, [stick])
        assert (held.status, held.reason) == ("held", "new_epoch"), held
        decision = sync.decide_epoch(province, "CJC-0001", accept=True)
        assert decision.accepted and decision.outcomes == ("1:applied",), decision
        with province.read() as session:
            from sqlalchemy import text

            reasons = session.execute(
                text("SELECT reason FROM rejected_records WHERE row_id = :id"),
                {"id": big["id"]},
            ).scalars()
            assert list(reasons) == ["bad_record"]
            stored = session.execute(
                text("SELECT count(*) FROM people WHERE id = :id"), {"id": fine["id"]}
            ).scalar()
            assert stored == 1
    finally:
        center.dispose()
        province.dispose()
