"""The Export button of every register, through the real pages: what the register shows (its
search and filters) is what the file holds, read back with openpyxl and the csv module; and the
monthly report made from the File menu (docs/architecture.md §12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_scenarios import TERM, build_center, read_csv, read_xlsx
from PySide6.QtGui import QAction

from justice_desk.services.exports import ExportFormat
from justice_desk.ui import dialogs, export_ui


@pytest.fixture
def saved(monkeypatch, tmp_path):
    """Answer the save dialog with a file in tmp_path and record the messages shown."""
    answers: dict[str, object] = {"info": [], "asked": []}

    def ask(parent, title, suggested, fmt):
        answers["asked"].append((title, Path(suggested).name, fmt))
        return str(tmp_path / f"export.{fmt.value}")

    def info(parent, text, title=None):
        answers["info"].append(text)

    def error(parent, text, title=None):
        raise AssertionError(f"unexpected error: {text}")

    monkeypatch.setattr(export_ui, "ask_export_path", ask)
    monkeypatch.setattr(dialogs, "show_info", info)
    monkeypatch.setattr(dialogs, "show_error", error)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent: "discard")
    return answers


@pytest.fixture
def center(ui_ctx):
    return build_center(ui_ctx.db)


def export(qtbot, button, fmt: ExportFormat, choice: int = 0) -> Path:
    assert button.isVisible() and button.isEnabled()
    with qtbot.waitSignal(button.exported, timeout=10000) as blocker:
        button.actions_by_key[(choice, fmt)].trigger()  # the menu entry
    qtbot.waitUntil(lambda: not button.ctx.runner.busy, timeout=5000)
    return blocker.args[0].path


def search(qtbot, register, typer, text: str) -> None:
    register.search.clear()
    typer(register.search, text)
    with qtbot.waitSignal(register.searched, timeout=5000):
        register.apply_search_now()


def shown(register, column: int = 0) -> list[str]:
    """The texts a register (a view with a model, or a model) shows in a column."""
    model = getattr(register, "model", register)
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_people_export_holds_what_the_register_shows(
    main_window, center, saved, qtbot, typer
) -> None:
    page = main_window.show_page("people")
    page.refresh()
    search(qtbot, page.register, typer, "ปั้นทอง")
    assert shown(page.register) == ["นางน้ำฝน ปั้นทอง"]
    path = export(qtbot, page.export_button, ExportFormat.XLSX)
    rows, sheet = read_xlsx(path)
    assert [r[0] for r in rows] == ["Name", "นางน้ำฝน ปั้นทอง"]
    assert rows[1][1] == "x-xxxx-xxxxx-56-9" and sheet.freeze_panes == "A2"
    assert saved["info"] == [f"Rows exported: 1. File: {path}"]
    title, suggested, fmt = saved["asked"][0]
    assert suggested.startswith("people-25") and suggested.endswith(".xlsx")  # a BE date

    page.register.search.clear()
    with qtbot.waitSignal(page.register.searched, timeout=5000):
        page.register.apply_search_now()
    page.members_only.setChecked(True)
    path = export(qtbot, page.export_button, ExportFormat.CSV)
    assert [r[0] for r in read_csv(path)] == ["Name", "นางน้ำฝน ปั้นทอง"]
    # the second entry of the menu: the network members, with their numbers and dates
    path = export(qtbot, page.export_button, ExportFormat.CSV, choice=1)
    assert read_csv(path)[1][:3] == ["นางน้ำฝน ปั้นทอง", "ชม-0042", "15 Jan 2568"]


def test_cases_export_follows_search_filters_and_order(
    main_window, center, saved, qtbot, typer
) -> None:
    page = main_window.show_page("cases")
    page.refresh()
    assert shown(page.register) == ["002/2569", "001/2569"]
    path = export(qtbot, page.export_button, ExportFormat.XLSX)
    rows, _sheet = read_xlsx(path)
    assert [r[0] for r in rows[1:]] == ["002/2569", "001/2569"]
    assert rows[2][1] == "14 Jan 2569"

    page.status_filter.setCurrentIndex(page.status_filter.findData("open"))
    assert shown(page.register) == ["001/2569"]
    path = export(qtbot, page.export_button, ExportFormat.CSV)
    assert [r[0] for r in read_csv(path)[1:]] == ["001/2569"]

    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    search(qtbot, page.register, typer, "มรดก")
    assert shown(page.register) == ["002/2569"]
    path = export(qtbot, page.export_button, ExportFormat.CSV)
    assert [r[0] for r in read_csv(path)[1:]] == ["002/2569"]


def test_committee_roster_and_mediators_are_exported_as_shown(
    main_window, center, saved, qtbot
) -> None:
    page = main_window.show_page("committee")
    page.refresh()
    path = export(qtbot, page.roster_export, ExportFormat.CSV)
    rows = read_csv(path)
    assert [r[2] for r in rows[1:]] == shown(page.roster, 1)
    assert {r[0] for r in rows[1:]} == {TERM}

    page.tabs.setCurrentIndex(1)
    page.valid_only.setChecked(True)
    assert shown(page.mediators) == ["นางน้ำฝน ปั้นทอง"]
    path = export(qtbot, page.mediators_export, ExportFormat.XLSX)
    rows, _sheet = read_xlsx(path)
    assert [r[:2] for r in rows[1:]] == [["นางน้ำฝน ปั้นทอง", "ชม 12/2567"]]


def test_meetings_and_activities_are_exported_as_shown(
    main_window, center, saved, qtbot, typer
) -> None:
    page = main_window.show_page("meetings")
    page.refresh()
    search(qtbot, page.register, typer, "วัด")
    path = export(qtbot, page.export_button, ExportFormat.CSV)
    assert [(r[0], r[1], r[4]) for r in read_csv(path)[1:]] == [("2/2569", "2 Feb 2569", "วัดป่าตึง")]

    page = main_window.show_page("activities")
    page.refresh()
    path = export(qtbot, page.export_button, ExportFormat.XLSX)
    rows, _sheet = read_xlsx(path)
    assert [r[1] for r in rows[1:]] == shown(page.register, 1)
    assert rows[2][3] == 27  # a number in the workbook


def test_the_monthly_report_is_made_from_the_file_menu(
    main_window, center, saved, qtbot, monkeypatch, tmp_path
) -> None:
    """The month is chosen, then the report opens in the print preview like every document
    (tests/ui/test_ui_print_preview.py), where it is saved."""
    from justice_desk.ui import print_preview

    target = tmp_path / "report.pdf"
    monkeypatch.setattr(print_preview, "ask_save_path", lambda *args: str(target))
    action = main_window.findChild(QAction, "monthlyReportAction")
    assert action is not None and action.isEnabled()
    action.trigger()
    dialog = main_window.monthly_dialog
    assert dialog.isVisible()
    dialog.month.setCurrentIndex(0)  # มกราคม
    dialog.year.setValue(2569)
    assert dialog.chosen_month() == (2026, 1)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    task = dialog.preview
    qtbot.waitUntil(lambda: task.job.done, timeout=30000)
    preview = task.dialog
    assert preview is not None and preview.isVisible() and preview.request.kind == "monthly"
    assert preview.request.file_name == "monthly-report-2569-01.pdf" and len(preview.pages) >= 1
    with qtbot.waitSignal(preview.saved, timeout=10000):
        preview.save_button.click()
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "มกราคม" in text and "2569" in text.replace("๒๕๖๙", "2569")
    assert target.read_bytes() == preview.pdf
    preview.reject()
