"""Every document the GUI prints goes through here: built in the background, shown in a preview
inside the app, printed through the system's print dialog, saved as a PDF.

    preview_document(parent, ctx, PrintRequest(kind, title, file_name, job_title, build, args))

1. ``build(*args)`` (a ``services.printing`` function: ReportLab, PDF bytes) runs in the job
   runner, off the GUI thread, as before.
2. :class:`PrintPreviewDialog` shows the pages (PDFium through pypdfium2 draws them; both are
   imported when the first preview opens, never at start-up), with page navigation and zoom.
3. *Print…* opens the system's print dialog (``QPrintDialog``: Windows' own on Windows) and
   draws each page onto the ``QPrinter`` at the printer's resolution (up to
   :data:`MAX_PRINT_DPI`), as PDFium renders it — what the preview shows is what is printed.
4. *Save as PDF…* asks where (Qt's widget file dialog in the app's language, the folder last
   used for that kind of document), writes the bytes the service made in the job runner, and
   then offers *Open* and *Open folder*.

architecture.md §16 gives the reasons (QtPdf or pypdfium2, the file dialog) and the costs.
Tests patch :func:`ask_save_path` and :func:`ask_printer` (modal dialogs) and pass an ``opener``.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPalette,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.ui import dialogs, qt_texts
from justice_desk.ui.context import AppContext
from justice_desk.ui.jobs import Job

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

SCREEN_DPI = 96.0  # Qt's logical inch: "100 %" shows the page at its printed size
MAX_PRINT_DPI = 600  # an A4 page at 600 dpi is 4961 × 7016 pixels, 104 MB as RGB
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH = "fit-width"
FIT_PAGE = "fit-page"
LAST_FOLDER = "print/last_folder"
PAGE_MARGIN = 12  # pixels around the page in the preview


def folder_key(kind: str) -> str:
    """The setting that remembers the folder a kind of document was last saved in."""
    return f"print/folder/{kind}"


@dataclass(frozen=True)
class PrintRequest:
    """A document to preview: ``build(*args)`` returns its PDF bytes (runs in the job runner)."""

    kind: str  # "minutes", "agreement", "monthly", …: the folder remembered for it
    title: str  # what it is, for the window title and the save dialog ("Minutes 4/2569")
    file_name: str  # the suggested file name, with .pdf
    job_title: str  # shown in the status bar while the document is made
    build: Callable[..., Any]
    args: tuple[Any, ...] = ()


class PreviewTask:
    """One press of a print button: the job that builds the PDF, then the preview it opened."""

    def __init__(self, request: PrintRequest) -> None:
        self.request = request
        self.job: Job | None = None
        self.dialog: PrintPreviewDialog | None = None


def preview_document(
    parent: QWidget,
    ctx: AppContext,
    request: PrintRequest,
    *,
    opener: Callable[[QUrl], bool] | None = None,
) -> PreviewTask:
    """Build the document in the background, then open its preview over ``parent``."""
    task = PreviewTask(request)
    # Collect cyclic garbage here, on the GUI thread: a collection that starts in the worker
    # would destroy dead widgets from the wrong thread, which crashes Qt.
    gc.collect()

    def show(pdf: Any) -> None:
        try:
            task.dialog = PrintPreviewDialog(ctx, request, bytes(pdf), parent, opener=opener)
        except UserError as exc:
            dialogs.show_error(parent, str(exc))
            return
        task.dialog.open()

    task.job = ctx.runner.run(
        request.job_title,
        request.build,
        *request.args,
        on_success=show,
        on_error=lambda message, _expected: dialogs.show_error(parent, message),
    )
    return task


# -- the pages ----------------------------------------------------------------------------------


class PdfPages:
    """A PDF's pages as images, drawn by PDFium (pypdfium2, imported here and only here).

    PDFium is not thread-safe: an instance is used on the GUI thread only."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2

        self.data = data  # PDFium reads from this buffer for as long as the document is open
        self.closed = False
        try:
            self._pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise UserError(
                _(
                    "The document could not be shown ({error}). Nothing was printed or saved."
                ).format(error=exc)
            ) from exc
        self.sizes: list[tuple[float, float]] = [
            self._pdf.get_page_size(i) for i in range(len(self._pdf))
        ]
        if not self.sizes:
            raise UserError(_("The document has no pages. Nothing was printed or saved."))

    def __len__(self) -> int:
        return len(self.sizes)

    def size(self, index: int) -> tuple[float, float]:
        """Width and height of a page in points (1/72 inch)."""
        return self.sizes[index]

    def render(self, index: int, dpi: float, *, grayscale: bool = False) -> QImage:
        """Page ``index`` (from 0) as an image at ``dpi`` dots per inch, on white."""
        page = self._pdf[index]
        try:
            bitmap = page.render(
                scale=dpi / 72.0, rev_byteorder=True, grayscale=grayscale, may_draw_forms=False
            )
            try:
                fmt = {
                    1: QImage.Format.Format_Grayscale8,
                    3: QImage.Format.Format_RGB888,
                    4: QImage.Format.Format_RGBA8888,
                }[bitmap.n_channels]
                # The QImage borrows PDFium's buffer: copy it before the bitmap is freed.
                return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
            finally:
                bitmap.close()
        finally:
            page.close()

    def close(self) -> None:
        """Free PDFium's copy of the document (twice is harmless)."""
        if not self.closed:
            self.closed = True
            self._pdf.close()


# -- printing -------------------------------------------------------------------------------------


def make_printer(pages: PdfPages, title: str) -> QPrinter:
    """A printer set up for these pages: their paper size and orientation, the whole sheet as
    the painting area (the document has its own margins), the document's name for the queue."""
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setDocName(title)
    width, height = pages.size(0)
    size = QSize(round(min(width, height)), round(max(width, height)))
    printer.setPageSize(QPageSize(size, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    )
    printer.setFromTo(1, len(pages))
    return printer


def print_dialog(parent: QWidget | None, printer: QPrinter, page_count: int) -> QPrintDialog:
    """The system's print dialog for ``printer`` (not shown yet). On Linux it is Qt's own, whose
    texts ``qt_texts`` gives in the app's language (Qt has no Thai of its own); on Windows the
    printer driver's, in Windows' language."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    qt_texts.install()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(option.PrintPageRange | option.PrintCurrentPage | option.PrintShowPageSize)
    dialog.setMinMax(1, page_count)
    return dialog


def ask_printer(parent: QWidget | None, printer: QPrinter, page_count: int) -> bool:
    """The system's print dialog (printer, pages, copies); False when cancelled."""
    dialog = print_dialog(parent, printer, page_count)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def pages_to_print(printer: QPrinter, page_count: int, current: int) -> list[int]:
    """The pages (from 0) the print dialog chose, in the order chosen."""
    from PySide6.QtPrintSupport import QPrinter

    which = printer.printRange()
    if which == QPrinter.PrintRange.CurrentPage:
        chosen = [current]
    elif which == QPrinter.PrintRange.PageRange and not printer.pageRanges().isEmpty():
        ranges = printer.pageRanges()
        chosen = [i for i in range(page_count) if ranges.contains(i + 1)]
    else:
        chosen = list(range(page_count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    return chosen


def print_pages(pages: PdfPages, printer: QPrinter, numbers: Sequence[int]) -> int:
    """Draw pages ``numbers`` (from 0) onto ``printer``, each at its printed size (shrunk only
    when the paper is smaller, turned when its orientation is not the sheet's), at the printer's
    resolution up to :data:`MAX_PRINT_DPI`; returns the number of pages sent. Copies and
    collation are left to the printer's driver."""
    from PySide6.QtGui import QPainter, QTransform
    from PySide6.QtPrintSupport import QPrinter

    if not numbers:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(
            _(
                "The printer could not be started. Check that it is switched on and connected, "
                "or choose another printer."
            )
        )
    try:
        resolution = printer.resolution()
        dpi = min(resolution, MAX_PRINT_DPI)
        grayscale = printer.colorMode() == QPrinter.ColorMode.GrayScale
        paper = printer.pageLayout().fullRectPixels(resolution)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for n, index in enumerate(numbers):
            if n and not printer.newPage():
                raise UserError(_("The printer stopped after {count} pages.").format(count=n))
            image = pages.render(index, dpi, grayscale=grayscale)
            width, height = (points / 72.0 * resolution for points in pages.size(index))
            if (width > height) != (paper.width() > paper.height()):
                # a landscape page in a portrait document (a report's wide table): turned to
                # fill the sheet, as a PDF viewer prints it
                image = image.transformed(QTransform().rotate(90))
                width, height = height, width
            scale = min(1.0, paper.width() / width, paper.height() / height)
            width, height = width * scale, height * scale
            painter.drawImage(QRectF((paper.width() - width) / 2, 0, width, height), image)
    finally:
        painter.end()
    return len(numbers)


# -- saving ---------------------------------------------------------------------------------------


def remembered_folder(settings: QSettings, kind: str) -> str:
    """Where this kind of document was last saved, else where any was, else Documents."""
    for key in (folder_key(kind), LAST_FOLDER):
        value = str(settings.value(key, "") or "")
        if value and Path(value).is_dir():
            return value
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


def remember_folder(settings: QSettings, kind: str, folder: Path) -> None:
    settings.setValue(folder_key(kind), str(folder))
    settings.setValue(LAST_FOLDER, str(folder))


def _places(folder: str) -> list[QUrl]:
    """The file dialog's side bar: this computer (drives, USB sticks), home, Desktop,
    Documents, Downloads and the folder it opens in."""
    S = QStandardPaths.StandardLocation
    urls = [QUrl("file:")]
    seen: set[str] = set()
    for path in (
        str(Path.home()),
        QStandardPaths.writableLocation(S.DesktopLocation),
        QStandardPaths.writableLocation(S.DocumentsLocation),
        QStandardPaths.writableLocation(S.DownloadLocation),
        folder,
    ):
        if path and path not in seen and Path(path).is_dir():
            seen.add(path)
            urls.append(QUrl.fromLocalFile(path))
    return urls


def save_dialog(parent: QWidget | None, title: str, folder: str, file_name: str) -> QFileDialog:
    """Qt's widget file dialog, not the system's: it speaks the app's language (the system's
    dialog speaks Windows' language, and Qt has no Thai of its own), looks and behaves the same
    on every system, and runs offscreen in the tests. It asks before replacing a file."""
    qt_texts.install()
    dialog = QFileDialog(parent, title, folder, _("PDF documents (*.pdf)"))
    dialog.setObjectName("savePdfDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("pdf")
    dialog.setSidebarUrls(_places(folder))
    label = QFileDialog.DialogLabel
    dialog.setLabelText(label.LookIn, _("Look in:"))
    dialog.setLabelText(label.FileName, _("File name:"))
    dialog.setLabelText(label.FileType, _("File type:"))
    dialog.setLabelText(label.Accept, _("Save"))
    dialog.setLabelText(label.Reject, _("Cancel"))
    dialog.selectFile(file_name)
    # room for the places' names ("คอมพิวเตอร์เครื่องนี้"), within the screen
    splitter = dialog.findChild(QSplitter, "splitter")
    if splitter is not None:
        side = dialog.fontMetrics().horizontalAdvance("M") * 14
        splitter.setSizes([side, max(side * 3, splitter.width() - side)])
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    dialog.resize(min(820, room.width() - 40), min(520, room.height() - 60))
    return dialog


def ask_save_path(parent: QWidget | None, title: str, folder: str, file_name: str) -> str:
    """The file chosen in the save dialog, or "" when cancelled."""
    dialog = save_dialog(parent, title, folder, file_name)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return ""
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen else ""
    finally:
        dialog.deleteLater()


def write_pdf(data: bytes, path: Path) -> Path:
    """Runs in the job runner: write under a temporary name in the same folder, flush it to
    the disk, then put it in place, so that a pulled USB stick or a power cut never leaves a
    half-written PDF under the chosen name."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".jd-", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(
            _(
                "The file could not be written to {path}: {error}. Close it if another program "
                "has it open, or save it in another folder."
            ).format(path=path, error=exc.strerror or exc)
        ) from exc
    return path


def open_url(url: QUrl) -> bool:
    """Open a file or folder with the system's program for it."""
    return QDesktopServices.openUrl(url)


# -- the dialog -----------------------------------------------------------------------------------


class PrintPreviewDialog(QDialog):
    """The pages of one document with Print…, Save as PDF… and Close.

    Keys: Ctrl+P prints, Ctrl+S saves, Esc closes, Page Up/Page Down and Home/End move between
    pages, Ctrl++ and Ctrl+- zoom, Ctrl+0 fits the page's width."""

    saved = Signal(object)  # the Path written
    printed = Signal(int)  # pages sent to the printer

    def __init__(
        self,
        ctx: AppContext,
        request: PrintRequest,
        pdf: bytes,
        parent: QWidget | None = None,
        *,
        opener: Callable[[QUrl], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.request = request
        self.pdf = pdf
        self.pages = PdfPages(pdf)
        self.opener = opener or open_url
        self.index = 0
        self.zoom_mode: str | float = FIT_WIDTH
        self.save_job: Job | None = None
        self.saved_path: Path | None = None
        self.setObjectName("printPreview")
        self.setWindowTitle(_("Print preview: {document}").format(document=request.title))

        # -- the bar above the page --------------------------------------------------------
        self.previous_button = QToolButton(self)
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(_("Previous page (Page Up)"))
        self.previous_button.setAccessibleName(_("Previous page"))
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(_("Next page (Page Down)"))
        self.next_button.setAccessibleName(_("Next page"))
        self.page_box = QSpinBox(self)
        self.page_box.setRange(1, len(self.pages))
        self.page_box.setAccessibleName(_("Page"))
        self.page_count = QLabel(_("of {count}").format(count=len(self.pages)), self)
        self.zoom_out_button = QToolButton(self)
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(_("Smaller (Ctrl+-)"))
        self.zoom_out_button.setAccessibleName(_("Smaller"))
        self.zoom_in_button = QToolButton(self)
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(_("Larger (Ctrl++)"))
        self.zoom_in_button.setAccessibleName(_("Larger"))
        self.zoom_box = QComboBox(self)
        self.zoom_box.setAccessibleName(_("Zoom"))
        self.zoom_box.addItem(_("Page width"), FIT_WIDTH)
        self.zoom_box.addItem(_("Whole page"), FIT_PAGE)
        for zoom in ZOOMS:
            self.zoom_box.addItem(f"{round(zoom * 100)} %", zoom)
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.setToolTip(_("Print on a printer (Ctrl+P)"))
        self.print_button.setDefault(True)
        self.save_button = QPushButton(_("Save as PDF…"), self)
        self.save_button.setToolTip(_("Save the document as a PDF file (Ctrl+S)"))
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.setToolTip(_("Close the preview (Esc)"))

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(QLabel(_("Page"), self))
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_count)
        bar.addWidget(self.next_button)
        bar.addSpacing(16)
        bar.addWidget(self.zoom_out_button)
        bar.addWidget(self.zoom_box)
        bar.addWidget(self.zoom_in_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)

        # -- the page ----------------------------------------------------------------------
        self.page_label = QLabel(self)
        self.page_label.setObjectName("previewPage")
        self.page_label.setFrameShape(QFrame.Shape.Box)
        self.page_label.setAccessibleName(_("Page"))
        self.page_area = QScrollArea(self)
        self.page_area.setBackgroundRole(QPalette.ColorRole.Dark)
        self.page_area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_area.setWidget(self.page_label)
        self.page_area.setMinimumSize(320, 200)

        # -- after saving: open it, or its folder ------------------------------------------
        self.saved_bar = QFrame(self)
        self.saved_bar.setObjectName("savedBar")
        self.saved_label = QLabel(self.saved_bar)
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(_("Open"), self.saved_bar)
        self.open_button.setToolTip(_("Open the saved PDF with the computer's PDF program"))
        self.open_folder_button = QPushButton(_("Open folder"), self.saved_bar)
        self.open_folder_button.setToolTip(_("Show the folder the PDF was saved in"))
        saved_row = QHBoxLayout(self.saved_bar)
        saved_row.setContentsMargins(0, 0, 0, 0)
        saved_row.addWidget(self.saved_label, 1)
        saved_row.addWidget(self.open_button)
        saved_row.addWidget(self.open_folder_button)
        self.saved_bar.setVisible(False)
        self.message = QLabel(self)
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.page_area, 1)
        layout.addWidget(self.saved_bar)
        layout.addWidget(self.message)

        # -- wiring ------------------------------------------------------------------------
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.page_box.valueChanged.connect(self._page_chosen)
        self.zoom_box.currentIndexChanged.connect(self._zoom_chosen)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.open_button.clicked.connect(self.open_saved)
        self.open_folder_button.clicked.connect(self.open_saved_folder)
        keys = QKeySequence.StandardKey
        for sequence, slot in (
            (QKeySequence(keys.Print), self.print_document),
            (QKeySequence(keys.Save), self.save_pdf),
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
            (QKeySequence(Qt.Key.Key_Home), self.first_page),
            (QKeySequence(Qt.Key.Key_End), self.last_page),
            (QKeySequence(keys.ZoomIn), self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence(keys.ZoomOut), self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ):
            QShortcut(sequence, self).activated.connect(slot)
        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(40)
        self._rerender.timeout.connect(self.render_page)
        self.finished.connect(self._closed)
        self.destroyed.connect(self.pages.close)  # a preview its window took along

        self._fit_to_screen()
        self.show_page(0)
        self.page_area.setFocus()  # the arrow keys scroll the page

    # -- size -----------------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        """As large as the screen allows up to a comfortable page width; never larger."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        width = min(1040, available.width() - 40)
        height = max(360, available.height() - 60)
        self.resize(max(width, min(self.minimumSizeHint().width(), available.width())), height)

    # -- pages ----------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        index = max(0, min(index, len(self.pages) - 1))
        self.index = index
        if self.page_box.value() != index + 1:
            self.page_box.blockSignals(True)
            self.page_box.setValue(index + 1)
            self.page_box.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.pages) - 1)
        self.render_page()
        self.page_area.verticalScrollBar().setValue(0)

    def _page_chosen(self, number: int) -> None:
        self.show_page(number - 1)

    def next_page(self) -> None:
        self.show_page(self.index + 1)

    def previous_page(self) -> None:
        self.show_page(self.index - 1)

    def first_page(self) -> None:
        self.show_page(0)

    def last_page(self) -> None:
        self.show_page(len(self.pages) - 1)

    # -- zoom -----------------------------------------------------------------------------------

    def zoom(self) -> float:
        """The scale the page is shown at (1.0: its printed size on a 96-dpi screen)."""
        width_pt, height_pt = self.pages.size(self.index)
        width = width_pt / 72.0 * SCREEN_DPI
        height = height_pt / 72.0 * SCREEN_DPI
        viewport = self.page_area.viewport().size()
        room_w = viewport.width() - 2 * PAGE_MARGIN
        if self.zoom_mode == FIT_WIDTH:
            # leave room for the vertical scroll bar, which fitting the width brings
            room_w -= self.page_area.verticalScrollBar().sizeHint().width()
            zoom = room_w / width
        elif self.zoom_mode == FIT_PAGE:
            zoom = min(room_w / width, (viewport.height() - 2 * PAGE_MARGIN) / height)
        else:
            zoom = float(self.zoom_mode)
        return max(0.2, min(zoom, 4.0))

    def set_zoom(self, mode: str | float) -> None:
        self.zoom_mode = mode
        position = self.zoom_box.findData(mode)
        self.zoom_box.blockSignals(True)
        if position >= 0:
            self.zoom_box.setCurrentIndex(position)
        else:
            self.zoom_box.setEditText(f"{round(float(mode) * 100)} %")
        self.zoom_box.blockSignals(False)
        self.render_page()

    def _zoom_chosen(self, position: int) -> None:
        self.set_zoom(self.zoom_box.itemData(position))

    def zoom_in(self) -> None:
        current = self.zoom()
        self.set_zoom(next((z for z in ZOOMS if z > current + 0.01), ZOOMS[-1]))

    def zoom_out(self) -> None:
        current = self.zoom()
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < current - 0.01), ZOOMS[0]))

    def fit_width(self) -> None:
        self.set_zoom(FIT_WIDTH)

    def render_page(self) -> None:
        """Draw the current page at the zoom, sharp on high-density screens."""
        if self.pages.closed:
            return
        ratio = self.devicePixelRatioF()
        image = self.pages.render(self.index, SCREEN_DPI * self.zoom() * ratio)
        image.setDevicePixelRatio(ratio)
        self.page_label.setPixmap(QPixmap.fromImage(image))
        self.page_label.adjustSize()

    def page_image(self) -> QImage:
        """What the preview shows now (tests look at it)."""
        return self.page_label.pixmap().toImage()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # The page area has its size only now: fit the page to it before the first paint.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.render_page()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.zoom_mode in (FIT_WIDTH, FIT_PAGE):
            self._rerender.start()

    # -- print ----------------------------------------------------------------------------------

    def print_document(self) -> int:
        """Ask for a printer, then print the pages chosen there; returns the pages sent."""
        printer = make_printer(self.pages, self.request.title)
        if not ask_printer(self, printer, len(self.pages)):
            return 0
        numbers = pages_to_print(printer, len(self.pages), self.index)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sent = print_pages(self.pages, printer, numbers)
        except UserError as exc:
            QApplication.restoreOverrideCursor()
            dialogs.show_error(self, str(exc))
            return 0
        QApplication.restoreOverrideCursor()
        self.say(_("Pages sent to the printer: {count}.").format(count=sent))
        self.printed.emit(sent)
        return sent

    # -- save -----------------------------------------------------------------------------------

    def save_pdf(self) -> Job | None:
        """Ask where, then write the PDF in the background; returns the job."""
        if self.save_job is not None and not self.save_job.done:
            return None
        kind = self.request.kind
        chosen = ask_save_path(
            self,
            _("Save “{document}” as PDF").format(document=self.request.title),
            remembered_folder(self.ctx.settings, kind),
            self.request.file_name,
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        remember_folder(self.ctx.settings, kind, path.parent)
        self.save_job = self.ctx.runner.run(
            _("Saving {file}").format(file=path.name),
            write_pdf,
            self.pdf,
            path,
            on_success=self._saved,
            on_error=lambda message, _expected: dialogs.show_error(self, message),
        )
        return self.save_job

    def _saved(self, path: Path) -> None:
        self.saved_path = path
        self.saved_label.setText(_("Saved to {path}").format(path=path))
        self.saved_bar.setVisible(True)
        self.open_button.setFocus()
        self.saved.emit(path)

    def open_saved(self) -> bool:
        if self.saved_path is None:
            return False
        if self.opener(QUrl.fromLocalFile(str(self.saved_path))):
            return True
        dialogs.show_error(
            self,
            _("This computer has no program that opens PDF files. The file is in {folder}.").format(
                folder=self.saved_path.parent
            ),
        )
        return False

    def open_saved_folder(self) -> bool:
        if self.saved_path is None:
            return False
        if self.opener(QUrl.fromLocalFile(str(self.saved_path.parent))):
            return True
        dialogs.show_error(
            self,
            _("The folder {folder} could not be opened.").format(folder=self.saved_path.parent),
        )
        return False

    def say(self, text: str) -> None:
        self.message.setText(text)

    # -- closing --------------------------------------------------------------------------------

    def _closed(self, _result: int) -> None:
        """Free the pages once closed; a save still running finishes first."""
        self.pages.close()
        job = self.save_job
        if job is not None and not job.done:
            job.finished.connect(self.deleteLater)
        else:
            self.deleteLater()
