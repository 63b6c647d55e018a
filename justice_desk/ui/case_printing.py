"""Printing a case's documents: the PDF is built through the job runner (off the GUI thread) and
shown in the print preview (``ui/print_preview.py``), which prints it and saves it as a PDF.

The documents themselves come from ``justice_desk.services.printing``; it is imported only when a
button is pressed, so the page opens fast and still works in a build without it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from justice_desk.i18n import N_, _
from justice_desk.ui.context import AppContext

if TYPE_CHECKING:  # imported when a print button is pressed, not with the page
    from justice_desk.ui.print_preview import PreviewTask


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


def default_file_name(doc: CaseDocument, number: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', "-", f"{_(doc.title)} {number}").strip()
    return f"{safe}.pdf"


def print_case_document(
    parent: QWidget, ctx: AppContext, case_id: uuid.UUID, number: str, key: str
) -> PreviewTask:
    """Build the document in the background, then show it in the print preview (print, save as
    PDF); returns the task (its job, then its preview)."""
    from justice_desk.ui.print_preview import PrintRequest, preview_document

    doc = document(key)
    return preview_document(
        parent,
        ctx,
        PrintRequest(
            kind=doc.key,
            title=_("{document}, case {number}").format(document=_(doc.title), number=number),
            file_name=default_file_name(doc, number),
            job_title=_("Preparing the “{document}” of case {number}").format(
                document=_(doc.title), number=number
            ),
            build=_builder(doc),
            args=(ctx.db, case_id),
        ),
    )
