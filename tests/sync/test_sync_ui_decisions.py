"""What a restore asks of people, through the real Sync page widgets: the province sees the
center's new start as an alarm and decides on it, works through the conflict list, and the
center sees what was refused and sends it again (docs/sync.md §1, §3)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sync_helpers as h
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import cases, setup, sync
from justice_desk.storage.backup import backup
from justice_desk.storage.database import Database
from justice_desk.ui.context import AppContext
from justice_desk.ui.jobs import JobRunner
from justice_desk.ui.pages import sync as page


def _context(db: Database, folder: Path) -> AppContext:
    return AppContext(
        db=db,
        runner=JobRunner(),
        site=setup.this_site(db),
        settings=QSettings(str(folder / f"{uuid.uuid4().hex}.ini"), QSettings.Format.IniFormat),
    )


def _case(db: Database, subject: str) -> cases.CaseDetail:
    ids = [
        uuid.UUID(hex=r[0])
        for r in h.query(db, "SELECT id FROM people WHERE deleted_at IS NULL ORDER BY id LIMIT 2")
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


@pytest.fixture
def restored(tmp_path: Path) -> Iterator[tuple[h.World, cases.CaseDetail]]:
    """A center restored from a backup after its province had a case the backup lacks; its
    new case took the same number. The new start waits at the province."""
    world = h.build_world(tmp_path / "w", demo=dict(seed=31, people=12, cases=6, meetings=1))
    try:
        assert world.import_one(world.export().path).status == "applied"
        copy = backup(world.center, tmp_path / "backups")
        lost = _case(world.center, "ก่อนเครื่องเสีย")
        assert world.import_one(world.export().path).status == "applied"
        world.center = h.replace_database(world.center, copy)
        again = _case(world.center, "หลังกู้คืน")
        assert again.number == lost.number
        outcome = world.import_one(world.export().path)
        assert (outcome.status, outcome.reason) == ("held", "new_epoch")
        yield world, again
    finally:
        world.close()


def _answer(monkeypatch: pytest.MonkeyPatch, role: QMessageBox.ButtonRole) -> list[str]:
    """The next message box is answered with its button of ``role``; returns its texts."""
    asked: list[str] = []

    from justice_desk.ui.dialogs import MessageBox

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        (button,) = [b for b in box.buttons() if box.buttonRole(b) == role]
        button.click()
        return 0

    monkeypatch.setattr(MessageBox, "exec", exec_)
    return asked


def test_the_province_decides_on_a_new_start_and_works_through_the_conflicts(
    restored: tuple[h.World, cases.CaseDetail],
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, again = restored
    shown: list[str] = []
    monkeypatch.setattr(page, "show_info", lambda parent, text, title=None: shown.append(text))
    monkeypatch.setattr(page, "show_error", lambda p, text, title=None: shown.append("E " + text))
    ctx = _context(world.province, tmp_path)
    province = page.ProvinceSync(ctx)
    qtbot.addWidget(province)
    province.show()
    assert province.alarms.isVisible() and "CJC-0001" in province.alarms.text()
    assert province.epoch_button.isVisible()

    # Asked later: nothing changes.
    _answer(monkeypatch, QMessageBox.ButtonRole.RejectRole)
    province.epoch_button.click()
    assert province.alarms.isVisible() and shown == []

    asked = _answer(monkeypatch, QMessageBox.ButtonRole.AcceptRole)
    province.epoch_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)  # applied in the job runner
    assert "CJC-0001" in asked[0] and shown and not shown[0].startswith("E "), shown
    assert not province.alarms.isVisible() and not province.epoch_button.isVisible()

    # The restored center's case could not take its number: on the conflict list, with what to do.
    entries = province.conflicts.rows
    taken = [e for e in entries if e.reason == "number_taken"]
    assert len(taken) == 1 and taken[0].record.endswith(again.number) and taken[0].action
    assert province.tabs.tabText(2).endswith(f"({len(entries)})")
    province.conflicts_view.selectRow(entries.index(taken[0]))
    province.resolve_button.click()  # saved in the job runner, then the list is read again
    qtbot.waitUntil(
        lambda: taken[0].id not in {e.id for e in province.conflicts.rows}, timeout=30000
    )
    assert len(province.conflicts.rows) == len(entries) - 1
    ctx.runner.wait_for_done(10000)


def test_the_center_sees_what_was_refused_and_sends_it_again(
    restored: tuple[h.World, cases.CaseDetail],
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, again = restored
    sync.decide_epoch(world.province, "CJC-0001", accept=True)
    assert world.receipt_to_center() is not None
    shown: list[str] = []
    monkeypatch.setattr(page, "show_info", lambda parent, text, title=None: shown.append(text))
    ctx = _context(world.center, tmp_path)
    center = page.CenterSync(ctx)
    qtbot.addWidget(center)
    center.show()
    assert center.refused_box.isVisible()
    records = [r.record for r in center.refused.rows]
    assert any(r.endswith(again.number) for r in records), records
    # The province's own words about each record are shown with it (which number is held).
    detail = len(center.refused.columns) - 1
    shown_details = [
        center.refused.data(center.refused.index(row, detail))
        for row in range(center.refused.rowCount())
    ]
    assert any("the same number is held by" in d for d in shown_details), shown_details
    assert center.resend_button.isEnabled()

    center.resend_button.click()  # in the job runner: done when its message is shown
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    qtbot.waitUntil(lambda: not center.resend_button.isEnabled(), timeout=30000)
    renumbered = cases.get_case(world.center, again.id).number
    assert renumbered != again.number and renumbered in shown[0]
    assert all(r.sent_again for r in center.refused.rows)
    assert not center.resend_button.isEnabled()

    outcome = world.import_one(world.export().path)
    assert (outcome.status, outcome.reason) == ("applied", None), outcome
    assert world.receipt_to_center() is not None
    center.refresh()
    assert not center.refused_box.isVisible()
    ctx.runner.wait_for_done(10000)
