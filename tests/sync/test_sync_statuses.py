"""The sync bookkeeping's statuses are the enums of ``domain/enums.py`` (docs/sync.md, "Import
outcomes and reasons"): every status the code writes is a member, the services hand them out
as members, and the sync code names them through the enums, never as string literals.

The database columns stay strings (a ``StrEnum`` member is its value), so these checks are what
keeps a new literal, or a value no enum knows, from slipping in.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
from pathlib import Path

import pytest
import sync_helpers as h

from justice_desk.domain.enums import (
    ENROLLED,
    CaseKind,
    EnrolmentStatus,
    ImportStatus,
    KeyStatus,
    PartySide,
)
from justice_desk.services import cases, people, sync
from justice_desk.storage.backup import backup
from justice_desk.storage.database import Database
from justice_desk.sync.receipt import BUNDLE_RESULTS

PACKAGE = Path(__file__).resolve().parents[2] / "justice_desk"
#: The code that reads and writes the sync bookkeeping.
SYNC_CODE = sorted(
    [
        *(PACKAGE / "services" / "sync").glob("*.py"),
        PACKAGE / "storage" / "sync_queries.py",
        PACKAGE / "storage" / "sync_store.py",
        PACKAGE / "storage" / "sync_merge.py",
        PACKAGE / "ui" / "pages" / "sync.py",
        PACKAGE / "cli" / "sync_command.py",
    ]
)
STATUS_VALUES = {m.value for enum in (EnrolmentStatus, KeyStatus, ImportStatus) for m in enum}
#: Calls whose positional argument at this index is a status.
STATUS_ARGUMENT = {"ImportOutcome": 1, "_log": 2, "outcome": 0}


def _literals(node: ast.AST | None) -> list[str]:
    """Status values written as string literals in ``node`` (alone, or in a tuple, list or set)."""
    if isinstance(node, ast.Constant) and node.value in STATUS_VALUES:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for e in node.elts for v in _literals(e)]
    return []


def _is_status(node: ast.AST) -> bool:
    """``x.status``, ``status``, or ``x.result`` (a receipt's word for a bundle's status)."""
    return (isinstance(node, ast.Attribute) and node.attr in ("status", "result")) or (
        isinstance(node, ast.Name) and node.id == "status"
    )


def _status_literals(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_status(o) for o in operands):
                found += [(node.lineno, v) for o in operands for v in _literals(o)]
        elif isinstance(node, ast.keyword) and node.arg in ("status", "exclude_status"):
            found += [(node.value.lineno, v) for v in _literals(node.value)]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if _is_status(target):
                    found += [(node.lineno, v) for v in _literals(node.value)]
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts, strict=False):
                        if _is_status(t):
                            found += [(node.lineno, s) for s in _literals(v)]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = STATUS_ARGUMENT.get(name or "")
            if index is not None and len(node.args) > index:
                found += [(node.lineno, v) for v in _literals(node.args[index])]
    return found


def test_the_sync_code_names_statuses_through_the_enums() -> None:
    assert len(SYNC_CODE) >= 10 and all(p.exists() for p in SYNC_CODE), SYNC_CODE
    problems = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {value!r}"
        for path in SYNC_CODE
        for line, value in _status_literals(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not problems, "status literals instead of the enums:\n" + "\n".join(problems)


def test_the_literal_check_finds_what_it_looks_for() -> None:
    """The check above is not vacuous: each form it looks for is found."""
    source = """
if row.status == "held": pass
if enrolment.status in ("approved", "revoked"): pass
session.add(ReceivedBundle(status="partial"))
q.bundle_by_sha(session, sha, exclude_status=("rejected",))
row.status, row.reason = "rejected", "epoch_refused"
key.status = "rotated"
ImportOutcome(str(path), "skipped", "not_a_file")
_log(session, path, "duplicate", reason="duplicate")
outcome("applied", None, "")
if status == "pending": pass
if b.result in ("applied", "partial"): pass
row.reason = "duplicate"  # a reason, not a status
"""
    assert [v for _line, v in sorted(_status_literals(ast.parse(source)))] == [
        "held",
        "approved",
        "revoked",
        "partial",
        "rejected",
        "rejected",
        "rotated",
        "skipped",
        "duplicate",
        "applied",
        "pending",
        "applied",
        "partial",
    ]


def test_receipt_results_are_the_statuses_of_received_bundles() -> None:
    """What a receipt reports of each bundle (format §6) is a received bundle's status; a
    skipped file is never a received bundle."""
    assert set(BUNDLE_RESULTS) == {s.value for s in ImportStatus} - {ImportStatus.SKIPPED}
    assert set(ENROLLED) == {EnrolmentStatus.APPROVED, EnrolmentStatus.REVOKED}
    for enum in (EnrolmentStatus, ImportStatus):
        for member in enum:
            assert member.label() and member.label() != member.value


def _case(db: Database, subject: str) -> cases.CaseDetail:
    ids = [
        people.create_person(db, people.PersonInput(given_name=name, surname="สถานะ")).record.id
        for name in ("สมชาย", "สมหญิง")
    ]
    return cases.take_in(
        db,
        cases.CaseInput(
            kind=CaseKind.DISPUTE,
            subject=subject,
            received_on=dt.date.today(),
            parties=(
                cases.PartyInput(ids[0], PartySide.APPLICANT),
                cases.PartyInput(ids[1], PartySide.RESPONDENT),
            ),
        ),
    ).record


def _distinct(db: Database, table: str) -> set[str]:
    return {r[0] for r in h.query(db, f"SELECT DISTINCT status FROM {table}")}  # noqa: S608


@pytest.mark.skipif(os.name != "posix", reason="a link to a folder stands for 'not a file'")
def test_every_status_stored_is_a_member_and_every_member_is_stored(tmp_path: Path) -> None:
    """One province sees every kind of file and center: each status the code writes to the
    bookkeeping tables is a member of its enum, each member is written by some path, and the
    services give them out as members."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=7, people=8, cases=4, meetings=1))
    try:
        # applied, then the same file again (a duplicate decided from its bytes)
        first = world.export()
        assert world.import_one(first.path).status is ImportStatus.APPLIED
        copy = tmp_path / "copy.jdbundle"
        copy.write_bytes(first.path.read_bytes())
        assert world.import_one(copy).status is ImportStatus.DUPLICATE
        # a restored center's new start is held; accepted, its case numbered again is refused
        # and the bundle applies in part
        saved = backup(world.center, tmp_path / "backups")
        lost = _case(world.center, "ก่อนกู้คืน")
        assert world.import_one(world.export().path).status is ImportStatus.APPLIED
        world.center = h.replace_database(world.center, saved)
        assert _case(world.center, "หลังกู้คืน").number == lost.number
        held = world.import_one(world.export().path)
        assert (held.status, held.reason) == (ImportStatus.HELD, "new_epoch")
        decision = sync.decide_epoch(world.province, "CJC-0001", accept=True)
        assert decision.accepted and decision.outcomes == (f"{held.seq}:applied",), decision
        # restored once more: this new start waits for a decision
        world.center = h.replace_database(world.center, backup(world.center, tmp_path / "b2"))
        waiting = world.import_one(world.export().path)
        assert (waiting.status, waiting.reason) == (ImportStatus.HELD, "new_epoch")
        # a key change: the old key is retired
        statement = sync.rotate_center_keys(world.center, tmp_path / "rotate.jdrotate")
        assert world.import_one(statement).status is ImportStatus.APPLIED
        # a second center, revoked: what it signs after the cut-off is refused
        second = h.new_center(tmp_path / "second.sqlite3", code="CJC-0002", name="ศูนย์ที่สอง")
        h.enrol(second, world.province, tmp_path / "enrol2")
        assert world.import_one(sync.export_bundle(second, tmp_path / "s1").path).status == (
            ImportStatus.APPLIED
        )
        sync.revoke_center_key(world.province, "CJC-0002")
        _case(second, "หลังเพิกถอน")
        late = world.import_one(sync.export_bundle(second, tmp_path / "s2").path)
        assert (late.status, late.reason) == (ImportStatus.REJECTED, "revoked_key")
        # a third center's request only looked at
        third = h.new_center(tmp_path / "third.sqlite3", code="CJC-0003", name="ศูนย์ที่สาม")
        request, _fp = sync.write_enrolment_request(third, tmp_path / "third.jdenrol")
        assert not sync.enrol_center(world.province, request, approve=False).approved
        # a stick with a link to a folder (not a file) and a file that is no bundle
        stick = tmp_path / "stick"
        stick.mkdir()
        os.symlink(tmp_path / "backups", stick / "a-link")
        (stick / "b-notes.jdbundle").write_text("not a bundle", encoding="utf-8")
        assert [o.status for o in world.import_(stick)] == [
            ImportStatus.SKIPPED,
            ImportStatus.REJECTED,
        ]
        sync.write_receipts(world.province, tmp_path / "receipts")

        province = world.province
        assert _distinct(province, "enrolments") == set(EnrolmentStatus)
        assert _distinct(province, "site_keys") == set(KeyStatus)
        assert _distinct(world.center, "site_keys") <= set(KeyStatus)
        assert _distinct(province, "import_log") == set(ImportStatus)
        received = _distinct(province, "received_bundles")
        assert received == set(ImportStatus) - {ImportStatus.SKIPPED}, received

        # The services hand them out as members.
        overview = sync.centers_overview(province)
        assert {c.status for c in overview} == set(EnrolmentStatus)
        assert all(type(c.status) is EnrolmentStatus for c in overview)
        lines = sync.import_log(province)
        assert {line.status for line in lines} == set(ImportStatus)
        assert all(type(line.status) is ImportStatus for line in lines)
        second.dispose()
        third.dispose()
    finally:
        world.close()
