"""A second PDF engine reads the documents as poppler does (issue 12 §15): PDFium, the engine
of Chrome and of many Windows viewers (through pypdfium2), must extract the same Thai words
from every document, so that what a clerk copies on Windows is what was printed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from test_doc_support import (
    make_meeting,
    make_referred,
    make_settled,
    make_terminated,
    thai_language,
)
from thai_pdf_checks import PAGE_NUMBER, nfkc, pdftotext_pages


def pdfium_pages(pdf: bytes) -> list[list[str]]:
    """Lines per page as PDFium extracts them."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            # The page number is drawn first on every page from the second; PDFium reads its
            # closing "-" as a hyphen at a line end (U+FFFE) and runs it into the first line.
            text = re.sub(r"^\s*-\s*[0-9๐-๙]+\s*[-\ufffe]", "", textpage.get_text_range())
            textpage.close()
            page.close()
            lines = re.split(r"[\r\n\ufffe]+", text)
            pages.append([line.rstrip() for line in lines if line.strip()])
        return pages
    finally:
        document.close()


def _words(pages: list[list[str]]) -> list[str]:
    """Thai-bearing words of the text, in order, page numbers left out (NFKC, SARA AM as one)."""
    words = []
    for page in pages:
        for line in page:
            if PAGE_NUMBER.match(line.strip()):
                continue
            words += nfkc(line).replace("\u0e4d\u0e32", "\u0e33").split()
    return [w for w in words if any("\u0e01" <= ch <= "\u0e5b" for ch in w)]


def test_pdfium_reads_every_document_as_poppler_does(center_db: Any, tmp_path: Path) -> None:
    from justice_desk.services import printing

    thai_language()
    meeting = make_meeting(center_db, items=3, paragraphs=2)
    settled = make_settled(center_db)
    referred = make_referred(center_db)
    ended = make_terminated(center_db)
    documents = {
        "minutes": printing.minutes_pdf(center_db, meeting.id),
        "invitation": printing.invitation_pdf(center_db, meeting.id),
        "attendance": printing.attendance_pdf(center_db, meeting.id),
        "intake": printing.intake_pdf(center_db, settled.id),
        "agreement": printing.agreement_pdf(center_db, settled.id),
        "unsettled": printing.unsettled_pdf(center_db, ended.id),
        "referral": printing.referral_pdf(center_db, referred.id),
        "monthly": printing.monthly_pdf(center_db, 2026, 1),
    }
    for name, pdf in documents.items():
        poppler = _words(pdftotext_pages(pdf, tmp_path))
        pdfium = _words(pdfium_pages(pdf))
        assert len(poppler) > 20, name
        # The same words, each as often; table cells may come in another reading order.
        assert Counter(pdfium) == Counter(poppler), (
            name,
            (Counter(pdfium) - Counter(poppler)).most_common(5),
            (Counter(poppler) - Counter(pdfium)).most_common(5),
        )
