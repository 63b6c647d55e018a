"""The intake form asks what the Dispute Mediation Act needs and shows its answer with the
corrected citations (docs/mediation-law.md): the amount or "no money value" (§69(1)), the
offender's age or date of birth and the date of the offence (§8), whether the police, the
prosecutor or a court already have the matter (§36), and the unclear matters flagged."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from justice_desk import i18n
from justice_desk.domain.dates import format_numeric_date
from justice_desk.domain.eligibility import Verdict
from justice_desk.domain.enums import CaseCategory, CriminalStage
from justice_desk.services import cases
from justice_desk.ui import operations

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date.today()
OFFENCE = TODAY - dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    from justice_desk.ui import dialogs

    shown: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: shown["error"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda parent, text, title=None: shown["info"].append(text)
    )

    def unexpected(parent):
        raise AssertionError("unexpected unsaved-changes prompt")

    monkeypatch.setattr(dialogs, "ask_save_changes", unexpected)
    return shown


@pytest.fixture
def page(main_window):
    return main_window.show_page("cases")


def discard(dlg) -> None:
    """Drop what a test typed without saving (pytest-qt closes the window before fixtures end,
    and a dirty intake would ask first)."""
    dlg.form.dirty = False
    dlg.reject()
    assert not dlg.isVisible()


def intake(page):
    page.new_record()
    dlg = page.intake_dialog
    assert dlg is not None and dlg.isVisible()
    return dlg


def choose(form, category: CaseCategory, matter: str) -> None:
    form.category.setCurrentIndex(form.category.findData(category.value))
    index = form.matter.findData(matter)
    assert index > 0, matter
    form.matter.setCurrentIndex(index)
    QApplication.processEvents()


def set_date(typer, field, day: dt.date) -> None:
    field.line.clear()
    typer(field.line, format_numeric_date(day))


def click(qtbot, widget) -> None:
    QApplication.processEvents()
    assert widget.isVisible() and widget.isEnabled()
    qtbot.mouseClick(widget, LEFT)
    # a save or delete runs in the job runner: wait until its result is shown
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10000)


def row_shown(form, label) -> bool:
    return form._form.isRowVisible(label)


def test_a_civil_dispute_asks_for_the_amount_or_no_money_value(page, qtbot, typer) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CIVIL, "neighbour")
    assert form.no_money.isVisible()
    assert not row_shown(form, form._age_label) and not row_shown(form, form._stage_label)
    assert panel.eligibility.verdict is Verdict.INCOMPLETE
    assert panel.title.text() == "Eligibility not checked yet"
    assert "no money value" in panel.reason.text() and "(§69(1))" in panel.reason.text()

    click(qtbot, form.no_money)
    assert not form.amount.isEnabled()
    assert panel.eligibility.verdict is Verdict.YES
    assert panel.title.text().endswith("May be mediated")
    assert panel.reason.text() == "Nuisance between neighbours may be mediated (§69(1))."
    assert panel.citation.isVisible() and "§69(1)" in panel.citation.text()
    assert "rules 2562.2" in panel.citation.text()
    assert panel.notes.isVisible() and "No money value" in panel.notes.text()

    typer(form.subject, "เสียงดังยามวิกาล")
    click(qtbot, dlg.save_button)
    detail = page.detail.detail
    assert detail.no_money_value and detail.amount_satang is None
    assert detail.eligibility.verdict is Verdict.YES


def test_over_the_cap_cites_section_69_and_offers_the_state_agency(page, typer) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CIVIL, "debt")
    typer(form.amount, "800000")
    assert panel.eligibility.verdict is Verdict.NO
    assert panel.title.text().endswith("May not be mediated here")
    assert "over 500,000 baht" in panel.reason.text() and "(§69(1))" in panel.reason.text()
    assert "§20 ¶2(4)" in panel.reason.text() and "§20" not in panel.reason.text().split("(")[1]
    assert "a state agency that mediates" in panel.referral.text()
    assert "the competent court" in panel.notes.text()
    assert panel.refer_button.isVisible()
    discard(dlg)


def test_the_inheritance_matter_is_offered_and_mediable(page, typer) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CIVIL, "inheritance")
    typer(form.amount, "300000")
    assert panel.eligibility.verdict is Verdict.YES
    assert "§20 ¶2(2)" in panel.reason.text()
    discard(dlg)


def test_a_criminal_matter_asks_the_offenders_age_and_refuses_a_juvenile(
    page, qtbot, typer, messages
) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CRIMINAL, "defamation")
    assert row_shown(form, form._age_label) and row_shown(form, form._stage_label)
    assert not form.no_money.isVisible()
    assert form._incident_label.text() == "Date of the offence"
    assert panel.eligibility.verdict is Verdict.INCOMPLETE
    assert "offender's age" in panel.reason.text() and "§8" in panel.reason.text()

    typer(form.offender_age, "16")
    assert panel.eligibility.verdict is Verdict.NO
    assert "Juvenile and Family Court" in panel.reason.text()
    assert panel.citation.text().startswith("Law: §8 with Juvenile and Family Court")
    assert "the Juvenile and Family Court" in panel.refer_button.text()

    form.offender_age.clear()
    typer(form.offender_age, "42")
    assert panel.eligibility.verdict is Verdict.YES
    assert "§35(1) with Criminal Code §333 ¶1" in panel.reason.text()
    assert "Ask whether the matter is already with the police" in panel.notes.text()

    form.stage.setCurrentIndex(form.stage.findData(CriminalStage.POLICE.value))
    assert "already with the inquiry officer" in panel.notes.text()
    assert "(§36)" in panel.notes.text()

    typer(form.subject, "โพสต์หมิ่นประมาทในกลุ่มไลน์")
    set_date(typer, form.incident, OFFENCE)
    click(qtbot, dlg.save_button)
    assert not dlg.isVisible() and not messages["error"]
    view = page.detail
    detail = view.detail
    assert (detail.offender_age, detail.criminal_stage) == (42, CriminalStage.POLICE)
    assert "(§36)" in view.messages.text()  # the notice, shown after saving

    # the case's own tab shows what was recorded
    edit = view.case_form
    assert edit.offender_age.text() == "42"
    assert edit.stage.currentData() == CriminalStage.POLICE.value


def test_a_date_of_birth_and_the_offence_date_decide_the_age(page, typer) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CRIMINAL, "trespass")
    born = dt.date(OFFENCE.year - 17, 1, 1)
    set_date(typer, form.offender_birth, born)
    assert panel.eligibility.verdict is Verdict.INCOMPLETE  # no offence date yet
    assert "date of the offence" in panel.reason.text()
    set_date(typer, form.incident, OFFENCE)
    assert panel.eligibility.verdict is Verdict.NO  # 17 on the day: born 1 January
    assert "under 18" in panel.reason.text()
    discard(dlg)


def test_a_typed_age_that_is_not_a_number_is_refused_inline(page, qtbot, typer) -> None:
    dlg = intake(page)
    form = dlg.form
    choose(form, CaseCategory.CRIMINAL, "petty_assault")
    typer(form.offender_age, "สิบ")
    typer(form.subject, "ตบหน้า")
    click(qtbot, dlg.save_button)
    assert dlg.isVisible()
    assert "whole years" in form.errors.text()
    assert form.offender_age.styleSheet() != ""
    discard(dlg)


def test_an_unclear_matter_is_flagged_not_guessed(page, typer) -> None:
    dlg = intake(page)
    form, panel = dlg.form, dlg.form.panel
    choose(form, CaseCategory.CRIMINAL, "cheque")
    typer(form.offender_age, "50")
    assert panel.eligibility.verdict is Verdict.UNCLEAR
    assert panel.title.text().startswith("⚠") and "not clear" in panel.title.text()
    assert "does not settle" in panel.reason.text() and "Cheque Act" in panel.reason.text()
    assert "Provincial Justice Office" in panel.reason.text()
    discard(dlg)


def test_the_petty_assault_label_and_the_excluded_aggravated_forms_are_offered(page) -> None:
    dlg = intake(page)
    form = dlg.form
    form.category.setCurrentIndex(form.category.findData(CaseCategory.CRIMINAL.value))
    labels = [form.matter.itemText(i) for i in range(form.matter.count())]
    assert any("slap" in label and "§391" in label for label in labels)
    assert any("§365" in label for label in labels)  # aggravated trespass, excluded
    assert any("§360" in label for label in labels)  # public-use property, excluded
    assert form.matter.findData("juvenile_family") < 0  # §8 is the age, not an offence
    discard(dlg)


def test_the_panel_speaks_official_thai(page, qtbot, typer) -> None:
    previous = i18n.language()
    i18n.set_language("th")
    try:
        dlg = intake(page)
        form, panel = dlg.form, dlg.form.panel
        choose(form, CaseCategory.CIVIL, "debt")
        typer(form.amount, "600000")
        assert "มาตรา 69 (1)" in panel.reason.text()
        assert "มาตรา 20 วรรคสอง (4)" in panel.reason.text()
        assert "§" not in panel.reason.text()
        assert panel.citation.text().startswith("บทบัญญัติ: มาตรา 69 (1)")
        discard(dlg)  # while still in Thai: the panel's texts were built in it
    finally:
        i18n.set_language(previous)


def test_the_saved_case_refuses_consent_until_the_age_is_entered(page, ui_ctx, typer) -> None:
    dlg = intake(page)
    form = dlg.form
    choose(form, CaseCategory.CRIMINAL, "trespass")
    typer(form.subject, "บุกรุกสวน")
    dlg.take_in()
    detail = page.detail.detail
    assert detail.eligibility.verdict is Verdict.INCOMPLETE
    assert page.detail.eligibility_warning.isVisible()
    assert page.detail.eligibility_warning.text().startswith("⚠")
    assert cases.get_case(ui_ctx.db, detail.id).offender_age is None
