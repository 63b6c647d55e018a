"""The print preview (ui/print_preview.py) through its real widgets, with real PDFs made by the
printing service on a real database: pages shown and drawn, printed onto a QPrinter that writes a
PDF (read back with pypdf), saved through the save dialog that remembers a folder per kind of
document, and opened afterwards through an injected opener.

The case documents go through the same component; tests/ui/test_ui_cases.py prints the
settlement agreement."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeView,
)

from justice_desk import i18n
from justice_desk.domain.enums import Attendance, CommitteePosition
from justice_desk.services import meetings, people
from justice_desk.services.people import PersonInput
from justice_desk.ui import dialogs, print_preview
from justice_desk.ui.print_preview import PrintPreviewDialog, PrintRequest, folder_key

MEETING_DAY = dt.date(2026, 10, 7)  # 2569 BE, in the past: the minutes can be printed

# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def shown(monkeypatch) -> dict[str, list[str]]:
    """Message boxes are modal: record them instead."""
    seen: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, text, title=None: seen["error"].append(text)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda parent, text, title=None: seen["info"].append(text)
    )
    return seen


@pytest.fixture
def meeting(center_db):
    """A held-on-paper meeting of a committee of six, attendance taken, a resolution recorded."""
    term = people.create_term(center_db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    seats = [
        ("สมศักดิ์", "ใจดี", CommitteePosition.CHAIR),
        ("ปิ่นมณี", "ศรีสุข", CommitteePosition.VICE_CHAIR),
        ("ญาณวุฒิ", "แก้วมา", CommitteePosition.MEMBER),
        ("กมล", "ทองดี", CommitteePosition.MEMBER),
        ("ขวัญ", "ใจงาม", CommitteePosition.MEMBER),
        ("น้ำฝน", "ผู้ใหญ่บ้าน", CommitteePosition.SECRETARY),
    ]
    for given, surname, position in seats:
        person = people.create_person(
            center_db,
            PersonInput(given_name=given, surname=surname, title="นาย", no_id_reason="ไม่ทราบ"),
        ).record
        people.appoint(center_db, term.id, person.id, position)
    m = meetings.create_meeting(
        center_db,
        meetings.MeetingInput(
            MEETING_DAY, starts_at=dt.time(9, 30), ends_at=dt.time(12, 0), place="ห้องประชุม อบต."
        ),
    )
    lines = [
        dataclasses.replace(a, attendance=Attendance.PRESENT)
        if a.attendance is Attendance.NOT_TAKEN
        else a
        for a in m.attendance
    ]
    return meetings.save_attendance(center_db, m.id, lines)


@pytest.fixture
def editor(main_window, meeting, ui_settings):
    page = main_window.show_page("meetings")
    assert page.editor.detail is not None and page.editor.detail.id == meeting.id
    return page.editor


def open_preview(qtbot, editor, kind: str) -> PrintPreviewDialog:
    """Press the meeting's print button and wait for the preview it opens."""
    button = editor.print_buttons[kind]
    assert button.isEnabled() and button.isVisibleTo(button.window()), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    task = editor.print_job
    assert task is not None and task.job is not None
    qtbot.waitUntil(lambda: task.job.done, timeout=60000)
    dialog = task.dialog
    assert dialog is not None, "no preview: the document was refused"
    assert dialog.isVisible() and dialog.request.kind == kind
    return dialog


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def dark_share(image: QImage) -> float:
    """The share of the image's pixels darker than mid-grey (text and lines)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())
    to_dark = bytes(1 if value < 128 else 0 for value in range(256))
    dark = sum(
        data[y * stride : y * stride + width].translate(to_dark).count(1) for y in range(height)
    )
    return dark / (width * height)


def pdf_printer_answer(target: Path, *, pages: tuple[int, int] | None = None):
    """Stands for the person in the system's print dialog: choose a PDF printer (offscreen there
    is no real one) writing to ``target``, optionally a range of pages."""
    calls: list[int] = []

    def answer(parent, printer, page_count) -> bool:
        from PySide6.QtPrintSupport import QPrinter

        calls.append(page_count)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        if pages is not None:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*pages)
        return True

    answer.calls = calls  # type: ignore[attr-defined]
    return answer


# -- preview --------------------------------------------------------------------------------------


def test_the_minutes_preview_shows_every_page_of_the_real_pdf(
    qtbot, editor, meeting, shown
) -> None:
    dialog = open_preview(qtbot, editor, "minutes")
    expected = pdf_pages(dialog.pdf)
    reader = PdfReader(io.BytesIO(dialog.pdf))
    assert reader.metadata.title.startswith("รายงานการประชุม")  # the service's real minutes
    assert expected >= 2 and len(dialog.pages) == expected
    assert dialog.page_box.maximum() == expected and str(expected) in dialog.page_count.text()
    assert meeting.number in dialog.windowTitle()

    # The first page, drawn at a readable size: wider than on paper at half size, and not blank.
    image = dialog.page_image()
    assert image.width() >= 400 and image.height() > image.width()
    assert 0.002 < dark_share(image) < 0.3
    assert not dialog.previous_button.isEnabled() and dialog.next_button.isEnabled()

    # Page Down, End, Home and the arrows move through the pages; each is drawn.
    dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.index == 1 and dialog.page_box.value() == 2 and dialog.previous_button.isEnabled()
    assert dark_share(dialog.page_image()) > 0.001
    qtbot.keyClick(dialog, Qt.Key.Key_End)
    assert dialog.index == expected - 1 and not dialog.next_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Home)
    assert dialog.index == 0
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.index == 1
    dialog.page_box.setValue(1)
    assert dialog.index == 0

    # Zoom: larger, smaller, a fixed size, the page's width again.
    fitted = dialog.page_image().width()
    dialog.set_zoom(2.0)
    assert dialog.page_image().width() > fitted and dialog.zoom_box.currentText() == "200 %"
    qtbot.mouseClick(dialog.zoom_out_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom() == 1.5
    qtbot.keyClick(dialog, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom_mode == print_preview.FIT_WIDTH and dialog.page_image().width() == fitted

    # Esc closes it.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert shown["error"] == []


def test_the_document_is_built_in_the_background(qtbot, editor, monkeypatch, shown) -> None:
    from justice_desk.services import printing

    threads = []
    real = printing.invitation_pdf

    def invitation_pdf(db, meeting_id):
        threads.append(threading.current_thread())
        return real(db, meeting_id)

    monkeypatch.setattr(printing, "invitation_pdf", invitation_pdf)
    dialog = open_preview(qtbot, editor, "invitation")
    assert threads and threads[0] is not threading.main_thread()
    assert len(dialog.pages) == pdf_pages(dialog.pdf) >= 1
    dialog.reject()


def test_print_draws_every_page_onto_the_printer(
    qtbot, editor, monkeypatch, tmp_path: Path, shown
) -> None:
    dialog = open_preview(qtbot, editor, "minutes")
    expected = len(dialog.pages)
    target = tmp_path / "printed.pdf"
    answer = pdf_printer_answer(target)
    monkeypatch.setattr(print_preview, "ask_printer", answer)
    with qtbot.waitSignal(dialog.printed, timeout=60000) as sent:
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    assert answer.calls == [expected] and sent.args == [expected]
    printed = PdfReader(target)
    assert len(printed.pages) == expected
    for page in printed.pages:
        # A4 (595 x 842 points), each page one picture of the document's page
        assert abs(float(page.mediabox.width) - 595.3) < 1.5
        assert abs(float(page.mediabox.height) - 841.9) < 1.5
        images = page["/Resources"]["/XObject"]
        assert len(images) == 1
        (picture,) = (images[name].get_object() for name in images)
        assert int(picture["/Width"]) >= 2400  # at least 300 dpi across 21 cm
    assert str(expected) in dialog.message.text()
    assert shown["error"] == []


def test_a_landscape_page_is_turned_to_fill_the_sheet(qtbot, tmp_path: Path) -> None:
    """A report may have a wide table on a landscape page among portrait ones: printed on the
    portrait sheets of the document, it is turned, not shrunk."""
    from PySide6.QtPrintSupport import QPrinter
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    made = io.BytesIO()
    pdf = canvas.Canvas(made, pagesize=A4)
    for size in (A4, landscape(A4)):
        pdf.setPageSize(size)
        pdf.rect(36, 36, size[0] - 72, size[1] - 72, fill=1)  # a dark block inside the margins
        pdf.showPage()
    pdf.save()
    pages = print_preview.PdfPages(made.getvalue())
    printer = print_preview.make_printer(pages, "report")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    assert print_preview.print_pages(pages, printer, [0, 1]) == 2
    pages.close()
    printed = PdfReader(tmp_path / "printed.pdf")
    for page in printed.pages:
        assert float(page.mediabox.width) < float(page.mediabox.height)  # portrait sheets
        images = page["/Resources"]["/XObject"]
        (picture,) = (images[name].get_object() for name in images)
        assert int(picture["/Width"]) < int(picture["/Height"])  # the page turned to match


def test_print_sends_only_the_pages_chosen(qtbot, editor, monkeypatch, tmp_path: Path) -> None:
    dialog = open_preview(qtbot, editor, "minutes")
    target = tmp_path / "page-2.pdf"
    monkeypatch.setattr(print_preview, "ask_printer", pdf_printer_answer(target, pages=(2, 2)))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(target).pages) == 1


def test_print_cancelled_in_the_print_dialog_prints_nothing(
    qtbot, editor, monkeypatch, tmp_path: Path
) -> None:
    dialog = open_preview(qtbot, editor, "attendance")
    monkeypatch.setattr(print_preview, "ask_printer", lambda parent, printer, count: False)
    with qtbot.assertNotEmitted(dialog.printed):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == ""


def test_the_printer_is_set_up_for_the_document(qtbot, editor) -> None:
    from PySide6.QtGui import QPageLayout, QPageSize

    dialog = open_preview(qtbot, editor, "invitation")
    printer = print_preview.make_printer(dialog.pages, dialog.request.title)
    layout = printer.pageLayout()
    assert layout.pageSize().id() == QPageSize.PageSizeId.A4
    assert layout.orientation() == QPageLayout.Orientation.Portrait
    assert printer.fullPage() and printer.docName() == dialog.request.title
    assert (printer.fromPage(), printer.toPage()) == (1, len(dialog.pages))


# -- save -----------------------------------------------------------------------------------------


def test_save_remembers_the_folder_for_every_kind_of_document(
    qtbot, editor, monkeypatch, tmp_path: Path, ui_settings, shown
) -> None:
    asked: list[tuple[str, str]] = []
    answers: list[Path] = []

    def ask(parent, title, folder, file_name) -> str:
        asked.append((folder, file_name))
        return str(answers.pop(0)) if answers else ""

    monkeypatch.setattr(print_preview, "ask_save_path", ask)
    invitations, minutes = tmp_path / "invitations", tmp_path / "minutes"
    invitations.mkdir()
    minutes.mkdir()

    def save(kind: str, target: Path | None) -> PrintPreviewDialog:
        dialog = open_preview(qtbot, editor, kind)
        if target is not None:
            answers.append(target)
        job = dialog.save_pdf()
        if target is not None:
            qtbot.waitUntil(lambda: job.done, timeout=10000)
            assert target.with_suffix(".pdf").read_bytes() == dialog.pdf
        dialog.reject()
        return dialog

    save("invitation", invitations / "หนังสือเชิญ.pdf")
    save("minutes", minutes / "รายงาน")  # the .pdf is added
    assert (minutes / "รายงาน.pdf").is_file()
    save("invitation", None)
    save("minutes", None)
    save("attendance", None)  # never saved: the folder last used for any document
    number = editor.detail.number.replace("/", "-")
    assert asked[2] == (str(invitations), f"{i18n._('invitation')}-{number}.pdf")
    assert asked[3][0] == str(minutes) and asked[4][0] == str(minutes)
    # kept in the settings file, so the next start remembers them too
    ui_settings.sync()
    again = QSettings(ui_settings.fileName(), QSettings.Format.IniFormat)
    assert again.value(folder_key("invitation")) == str(invitations)
    assert again.value(folder_key("minutes")) == str(minutes)
    assert shown["error"] == []


def test_after_saving_it_offers_open_and_open_folder(
    qtbot, ui_ctx, meeting, tmp_path: Path, monkeypatch, shown
) -> None:
    pdf = minutes_of(ui_ctx)
    opened: list[QUrl] = []
    dialog = preview(qtbot, ui_ctx, pdf, opener=lambda url: opened.append(url) or True)
    assert dialog.saved_bar.isHidden()
    target = tmp_path / "out" / "minutes.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(print_preview, "ask_save_path", lambda *args: str(target))
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert target.read_bytes() == pdf and not list(target.parent.glob("*.part"))
    assert dialog.saved_bar.isVisible() and str(target) in dialog.saved_label.text()
    qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in opened] == [target.parent, target]
    assert shown["error"] == []


def test_a_computer_without_a_pdf_program_is_told_where_the_file_is(
    qtbot, ui_ctx, meeting, tmp_path: Path, monkeypatch, shown
) -> None:
    dialog = preview(qtbot, ui_ctx, minutes_of(ui_ctx), opener=lambda url: False)
    monkeypatch.setattr(print_preview, "ask_save_path", lambda *args: str(tmp_path / "m.pdf"))
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save_pdf()
    assert dialog.open_saved() is False
    assert "no program that opens PDF files" in shown["error"][-1]
    assert str(tmp_path) in shown["error"][-1]


def test_a_file_that_cannot_be_written_is_reported_and_nothing_is_left(
    qtbot, ui_ctx, meeting, tmp_path: Path, monkeypatch, shown
) -> None:
    dialog = preview(qtbot, ui_ctx, minutes_of(ui_ctx))
    target = tmp_path / "gone" / "m.pdf"  # its folder was removed (a USB stick pulled out)
    monkeypatch.setattr(print_preview, "ask_save_path", lambda *args: str(target))
    job = dialog.save_pdf()
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert not target.exists() and dialog.saved_bar.isHidden()
    assert "could not be written" in shown["error"][-1] and "another folder" in shown["error"][-1]


def test_the_save_dialog_speaks_the_app_language_and_saves_where_chosen(
    qtbot, tmp_path: Path
) -> None:
    i18n.set_language("th")
    try:
        dialog = print_preview.save_dialog(None, "บันทึกรายงานการประชุม", str(tmp_path), "ก.pdf")
        qtbot.addWidget(dialog)
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        assert Path(dialog.directory().absolutePath()) == tmp_path
        assert dialog.labelText(QFileDialog.DialogLabel.FileName) == i18n._("File name:")
        assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "บันทึก"
        dialog.show()
        # Qt's own texts inside it come from our catalog too (Qt has no Thai of its own).
        texts = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"ดูใน:", "ชื่อไฟล์:", "ชนิดไฟล์:"} <= texts
        tree = dialog.findChild(QTreeView, "treeView")
        headers = [tree.model().headerData(i, Qt.Orientation.Horizontal) for i in range(2)]
        assert headers == ["ชื่อ", "ขนาด"]
        dialog.close()

        # The real dialog, answered by "the person": type a name, press Save (and, for a file
        # that exists, answer the question Qt asks before replacing it).
        (tmp_path / "เดิม.pdf").write_bytes(b"old")
        names: list[str] = []
        questions: list[str] = []

        def person() -> None:
            modal = QApplication.activeModalWidget()
            if isinstance(modal, QMessageBox):
                questions.append(modal.text())
                buttons = {b.text(): b for b in modal.buttons()}
                QTimer.singleShot(0, buttons[i18n._("Yes")].click)
            elif isinstance(modal, QFileDialog) and names:
                modal.findChild(QLineEdit, "fileNameEdit").setText(names.pop(0))
                QTimer.singleShot(0, modal.accept)  # after this tick: accept() may ask

        ticks = QTimer()
        ticks.timeout.connect(person)
        ticks.start(20)
        try:
            names.append("ใหม่")
            chosen = print_preview.ask_save_path(None, "บันทึก", str(tmp_path), "ก.pdf")
            assert Path(chosen) == tmp_path / "ใหม่.pdf" and questions == []
            names.append("เดิม.pdf")
            chosen = print_preview.ask_save_path(None, "บันทึก", str(tmp_path), "ก.pdf")
            assert Path(chosen) == tmp_path / "เดิม.pdf"
            assert len(questions) == 1 and "เดิม.pdf" in questions[0]
            assert "มีอยู่แล้ว" in questions[0]  # "already exists", in Thai
        finally:
            ticks.stop()
    finally:
        i18n.set_language("en")


# -- size and start-up --------------------------------------------------------------------------


@pytest.mark.parametrize("text_scale", [1.0, 1.5])
def test_the_preview_fits_a_1366_by_768_screen(qtbot, ui_ctx, meeting, text_scale: float) -> None:
    i18n.set_language("th")
    app = QApplication.instance()
    font = app.font()
    larger = QFont(font)
    larger.setPointSizeF(font.pointSizeF() * text_scale)
    app.setFont(larger)
    try:
        dialog = preview(qtbot, ui_ctx, minutes_of(ui_ctx))
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768 - 40
        available = dialog.screen().availableGeometry()  # the offscreen screen: 800 x 800
        if hint.width() <= available.width():
            assert dialog.width() <= available.width() and dialog.height() <= available.height()
        for button in (dialog.print_button, dialog.save_button, dialog.close_button):
            assert button.isVisible() and button.width() >= button.sizeHint().width()
    finally:
        app.setFont(font)
        i18n.set_language("en")


def test_printing_stays_off_the_start_up_path() -> None:
    """The window and its pages load neither the preview, nor a PDF renderer, print support or
    ReportLab: a print button does, when pressed. The preview itself loads its renderer only
    when a document is shown."""
    code = (
        "import sys\n"
        "import justice_desk.ui.main_window\n"
        "import justice_desk.ui.case_detail, justice_desk.ui.meeting_editor\n"
        "import justice_desk.ui.pages.cases, justice_desk.ui.pages.meetings\n"
        "def loaded():\n"
        "    return sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pypdfium2', 'pypdfium2_raw', 'reportlab') "
        "or m in ('PySide6.QtPrintSupport', 'justice_desk.ui.print_preview'))\n"
        "print(loaded())\n"
        "import justice_desk.ui.print_preview\n"
        "print(loaded())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.split("\n")[:2] == ["[]", "['justice_desk.ui.print_preview']"]


# -- helpers that need the fixtures ---------------------------------------------------------------


def minutes_of(ui_ctx) -> bytes:
    """A real 2-page-or-more minutes PDF from the printing service."""
    from justice_desk.services import printing

    (row,) = meetings.list_meetings(ui_ctx.db).rows
    return printing.minutes_pdf(ui_ctx.db, row.id)


def preview(qtbot, ui_ctx, pdf: bytes, **kwargs) -> PrintPreviewDialog:
    request = PrintRequest(
        kind="minutes",
        title="รายงานการประชุม 1/2569",
        file_name="minutes-1-2569.pdf",
        job_title="",
        build=lambda: pdf,
    )
    dialog = PrintPreviewDialog(ui_ctx, request, pdf, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog
