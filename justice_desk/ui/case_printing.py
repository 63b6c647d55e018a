"""Printing a case's documents: choose where to save the PDF, build it through the job runner (off
the GUI thread), then open it with the system's PDF viewer for printing.

The documents themselves come from ``justice_desk.services.printing``; it is imported only when a
button is pressed, so the page opens fast and still works in a build without it.
"""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from justice_desk.i18n import N_, _
from justice_desk.ui import dialogs
from justice_desk.ui.context import AppContext
from justice_desk.ui.jobs import Job

FOLDER_SETTING = "cases/pdf_folder"


@dataclass(frozen=True)
class CaseDocument:
    key: str
    builder: str  # the function of services.printing: (db, case_id) -> PDF bytes
    title: str  # N_ message id


DOCUMENTS = (
    CaseDocument("intake", "intake_pdf", N_("Intake record")),
    CaseDocument("agreement", "agreement_pdf", N_("Settlement agreement")),
    CaseDocument("unsettled", "unsettled_pdf", N_("Unsuccessful mediation record")),
    CaseDocument("referral", "referral_pdf", N_("Referral letter")),
)


def document(key: str) -> CaseDocument:
    return next(d for d in DOCUMENTS if d.key == key)


def _builder(doc: CaseDocument) -> Callable[..., bytes]:
    # Imported when first used: ReportLab stays off the start-up path.
    import importlib

    printing = importlib.import_module("justice_desk.services.printing")
    builder: Callable[..., bytes] = getattr(printing, doc.builder)
    return builder


def _write_pdf(build: Callable[..., bytes], db: object, case_id: uuid.UUID, path: Path) -> Path:
    """Runs on the pool: build the document, then write it whole (a half-written PDF is worse
    than none when the power fails)."""
    data = build(db, case_id)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def default_file_name(doc: CaseDocument, number: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', "-", f"{_(doc.title)} {number}").strip()
    return f"{safe}.pdf"


def ask_save_path(parent: QWidget | None, title: str, suggested: str) -> str:
    """The file chosen in the save dialog, or "" when the user cancelled."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title, suggested, _("PDF documents (*.pdf)")
    )
    return chosen


def open_file(path: Path) -> bool:
    """Open ``path`` with the system's viewer (for a PDF: where it is printed from)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_case_document(
    parent: QWidget | None, ctx: AppContext, case_id: uuid.UUID, number: str, key: str
) -> Job | None:
    """Ask where to save, then build in the background and open the PDF; returns the job."""
    doc = document(key)
    build = _builder(doc)
    folder = str(
        ctx.settings.value(FOLDER_SETTING, "")
        or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    chosen = ask_save_path(
        parent,
        _("Save “{document}” as PDF").format(document=_(doc.title)),
        str(Path(folder) / default_file_name(doc, number)),
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    ctx.settings.setValue(FOLDER_SETTING, str(path.parent))
    # Collect cyclic garbage here, on the GUI thread: a collection that starts in the worker
    # would destroy dead widgets from the wrong thread, which crashes Qt.
    gc.collect()

    def done(written: Path) -> None:
        if not open_file(written):
            dialogs.show_info(
                parent,
                _("The PDF was saved to {path}. Open it from there to print it.").format(
                    path=written
                ),
            )

    return ctx.runner.run(
        _("Preparing the “{document}” of case {number}").format(
            document=_(doc.title), number=number
        ),
        _write_pdf,
        build,
        ctx.db,
        case_id,
        path,
        on_success=done,
        on_error=lambda message, _expected: dialogs.show_error(parent, message),
    )
