"""The person page's Privacy tab through its real widgets (PDPA; ui/privacy_panel.py): the
notice and basis shown, the person's file saved as a PDF, erasure on request and its refusal,
and the yearly disposal dialog."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from justice_desk.domain import privacy as rules
from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, operations
from justice_desk.ui.privacy_panel import DisposalDialog


@pytest.fixture
def page(main_window):
    return main_window.show_page("people")


def _open_privacy(page, qtbot, person_id) -> object:
    page.open_record(person_id)
    page.tabs.setCurrentWidget(page.privacy)
    qtbot.waitUntil(lambda: page.privacy.state is not None, timeout=10000)
    return page.privacy


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def test_the_privacy_tab_prints_the_persons_file(page, ui_ctx, qtbot, tmp_path: Path) -> None:
    person = people.create_person(
        ui_ctx.db, PersonInput(given_name="จันทร์เพ็ญ", surname="แสงทอง", phone="0812223333")
    ).record
    panel = _open_privacy(page, qtbot, person.id)
    assert rules.NOTICE_VERSION in panel.notice.text()
    assert "s.19" in panel.basis.text()
    assert "may be erased on request" in panel.holds.text()
    target = tmp_path / "file.pdf"
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True)
    assert "จันทร์เพ็ญ แสงทอง" in text.stdout.decode("utf-8")
    assert "Give it to the person" in panel.strip.text()


def test_erasure_from_the_page_and_its_refusal(
    page, ui_ctx, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **kw: True)
    party = people.create_person(ui_ctx.db, PersonInput(given_name="ทองใบ", surname="ดีมาก")).record
    cases.take_in(
        ui_ctx.db,
        cases.CaseInput(
            kind=CaseKind.LEGAL_ADVICE,
            subject="ขอคำแนะนำเรื่องสัญญาเช่า",
            received_on=dt.date.today(),
            parties=(cases.PartyInput(party.id, PartySide.APPLICANT),),
        ),
    )
    panel = _open_privacy(page, qtbot, party.id)
    assert "A party to case" in panel.holds.text()
    _click(qtbot, panel.erase_button)
    assert "cannot be erased yet" in panel.strip.text()
    assert people.get_person(ui_ctx.db, party.id).given_name == "ทองใบ"

    member = people.create_person(
        ui_ctx.db, PersonInput(given_name="คำแสน", surname="ลาออก")
    ).record
    panel = _open_privacy(page, qtbot, member.id)
    with qtbot.waitSignal(panel.erased, timeout=20000):
        _click(qtbot, panel.erase_button)
    assert people.get_person(ui_ctx.db, member.id).given_name == rules.ANONYMISED_NAME
    assert "was erased on" in panel.holds.text()
    assert not panel.erase_button.isEnabled()


def test_the_disposal_dialog_opens_from_the_register(page, ui_ctx, qtbot) -> None:
    button = page.findChild(type(page.privacy.erase_button), "disposalReview")
    assert button is not None and button.isVisible()
    dialog = DisposalDialog(ui_ctx, page)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert "Nothing is past its retention period." in dialog.strip.text()
    assert not dialog.dispose_button.isEnabled()
