"""Every font in a document is embedded and the PDF says in Thai what it is and whose it is
(issue 12 §12): title, author (the center) and subject in the document information."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from test_doc_support import CENTER, make_meeting, make_referred, make_settled, thai_language
from thai_pdf_checks import require_program


def _fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font poppler's pdffonts lists."""
    exe = require_program("pdffonts", "poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]


def test_every_document_embeds_its_fonts_and_names_itself_in_thai(
    center_db: Any, tmp_path: Path
) -> None:
    from justice_desk.services import printing

    thai_language()
    meeting = make_meeting(center_db, items=3, paragraphs=1)
    settled = make_settled(center_db)
    referred = make_referred(center_db)
    documents = {
        "minutes": printing.minutes_pdf(center_db, meeting.id),
        "invitation": printing.invitation_pdf(center_db, meeting.id),
        "attendance": printing.attendance_pdf(center_db, meeting.id),
        "intake": printing.intake_pdf(center_db, settled.id),
        "agreement": printing.agreement_pdf(center_db, settled.id),
        "referral": printing.referral_pdf(center_db, referred.id),
        "monthly": printing.monthly_pdf(center_db, 2026, 1),
    }
    for name, pdf in documents.items():
        fonts = _fonts(pdf, tmp_path)
        assert fonts, name
        assert all(embedded for _font, embedded in fonts), (name, fonts)
        assert not any("Helvetica" in font for font, _e in fonts), (name, fonts)
        info = PdfReader(io.BytesIO(pdf)).metadata
        assert info is not None
        for field in (info.title, info.author, info.subject):
            assert field and any("\u0e01" <= ch <= "\u0e5b" for ch in field), (name, field)
        assert info.author == CENTER, (name, info.author)
    assert "บันทึกข้อตกลงระงับข้อพิพาท" in (
        PdfReader(io.BytesIO(documents["agreement"])).metadata.subject or ""
    )
