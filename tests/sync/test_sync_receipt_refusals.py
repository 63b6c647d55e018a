"""What a center refuses of a real, signed receipt is said: ``sync receipt`` prints one line per
kind of refusal with its count, and the log gets one line for the lot, however many entries
(docs/sync.md §12, §13)."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
import sync_helpers as h
from test_sync_escalation_answers import _center_public

from justice_desk import sync as fmt
from justice_desk.cli.main import main
from justice_desk.services import sync
from justice_desk.services.sync import keys as sync_keys

UNKNOWN = 3000  # answers about cases the center does not have


@pytest.fixture
def world(tmp_path: Path):
    with h.data_home(tmp_path / "home"):
        w = h.build_world(tmp_path / "w")
        yield w
        w.close()


def _receipt(w: h.World, tmp_path: Path) -> Path:
    answers = tuple(
        fmt.EscalationAnswer(
            id=str(uuid.uuid4()), case=str(uuid.uuid4()), rev=1, decision="closed", note=""
        )
        for _ in range(UNKNOWN)
    )
    decisions = (
        fmt.ProblemDecision(
            id=str(uuid.uuid4()), problem="conflict", number=1, reason="number_taken", rev=1,
            decision="resend", table="people", record=str(uuid.uuid4()), record_rev=1,
        ),
        fmt.ProblemDecision(
            id=str(uuid.uuid4()), problem="conflict", number=2, reason="number_taken", rev=1,
            decision="resend", table="people", record=str(uuid.uuid4()), record_rev=1,
        ),
        fmt.ProblemDecision(
            id=str(uuid.uuid4()), problem="someday", number=3, reason="x", rev=1, decision="dismiss"
        ),
    )  # fmt: skip
    receipt = fmt.Receipt(
        province_id=str(w.province.site_id),
        province_epoch=w.province.setting("epoch") or "",
        center_id=str(w.center.site_id),
        seq=5,
        center_epoch=w.center.setting("epoch") or "",
        applied_through=0,
        answers=answers,
        decisions=decisions,
    )
    path = tmp_path / "many.jdreceipt"
    keys = sync_keys.own_keys(w.province)
    path.write_bytes(fmt.create_receipt(receipt, keys, _center_public(w)))
    return path


def test_refusals_are_printed_by_kind_and_logged_once(
    world: h.World, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog
) -> None:  # noqa: ANN001
    path = _receipt(world, tmp_path)
    world.center.dispose()
    caplog.set_level(logging.WARNING)
    assert main(["--lang", "en", "sync", "receipt", "--db", str(world.center_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        f"{UNKNOWN} answers of the province refused: about cases this center does not have" in out
    )
    assert "2 decisions of the province refused: about records that are not this center's" in out
    assert "1 decisions of the province refused: of a kind this version does not know" in out
    assert len(out.splitlines()) < 10
    warnings = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(warnings) == 2, [r.getMessage()[:100] for r in warnings]
    world.reopen_center()


def test_a_receipt_read_again_refuses_nothing_new(world: h.World, tmp_path: Path) -> None:
    path = _receipt(world, tmp_path)
    _receipt_read, first = sync.apply_receipt_checked(world.center, path)
    assert first.counts[("answers", "not_own")] == UNKNOWN
    _receipt_read, again = sync.apply_receipt_checked(world.center, path)
    assert again.lines() == []
