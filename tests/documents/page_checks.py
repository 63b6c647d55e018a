"""Pagination checks on a PDF read back: what a clerk sees page by page.

Lines are read with poppler's ``pdftohtml -xml`` (pieces of a line share a top edge). A line is
*bold* when every piece of it is set in a bold face: headings, titles and table heads are bold,
and nothing else is entirely bold.

Findings (``page_findings``), each a short sentence naming the page:

* a page whose content starts with a signature block (``(ลงชื่อ)``, or the ``ขอแสดงความนับถือ``
  above one): the signatures were not kept with the text before them, and such a page holds
  only signatures;
* a signature block cut by a page end: ``(ลงชื่อ) …`` as the last line of a page, or not
  followed on its page by the ``(name)`` line, or a letter's ``ขอแสดงความนับถือ`` as the last
  line of a page;
* a heading (an all-bold line) as the last line of a page other than the last;
* a page holding nothing but a repeated table head and empty numbered rows.

Kept in a uniquely named module (not conftest) so test files can import plain functions.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from thai_pdf_checks import PAGE_NUMBER, nfkc, require_program

SIGNATURE = "(ลงชื่อ)"
CLOSING = "ขอแสดงความนับถือ"
_NUMBER_ONLY = re.compile(r"^[0-9๐-๙]+\.?$")


@dataclass(frozen=True)
class Line:
    text: str
    y: float
    bold: bool


def page_lines(pdf: bytes) -> list[list[Line]]:
    """Printed lines of every page, top to bottom, page numbers left out.

    Read with poppler's ``pdftohtml -xml``, which marks bold runs (``<b>``) inside each line:
    PDFium and pypdf's fast paths attribute a whole ``ActualText`` line to its first font, and
    pypdf's text visitor is a hundred times slower."""
    exe = require_program("pdftohtml", "poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            [exe, "-xml", "-i", "-q", "-stdout", str(path)], capture_output=True, check=True
        )
    root = ElementTree.fromstring(out.stdout)
    pages: list[list[Line]] = []
    for page in root.iter("page"):
        rows: dict[float, list[tuple[float, str, bool]]] = {}
        for item in page.iter("text"):
            text = "".join(item.itertext())
            if not text.strip():
                continue
            bold = (
                not (item.text or "").strip()
                and len(item) > 0
                and all(child.tag == "b" and not (child.tail or "").strip() for child in item)
            )
            top = float(item.get("top", "0"))
            key = next((k for k in rows if abs(k - top) <= 3.0), top)
            rows.setdefault(key, []).append((float(item.get("left", "0")), text, bold))
        lines = []
        for top in sorted(rows):
            parts = sorted(rows[top])
            text = nfkc(" ".join(p[1].strip() for p in parts)).strip()
            if not text or PAGE_NUMBER.match(text):
                continue
            lines.append(Line(text, top, all(p[2] for p in parts)))
        pages.append(lines)
    return pages


def page_findings(pdf: bytes, *, name: str = "document") -> list[str]:
    """What a clerk would refuse to sign, page by page (empty when the layout is sound)."""
    pages = page_lines(pdf)
    findings: list[str] = []
    last = len(pages) - 1
    for index, lines in enumerate(pages):
        where = f"{name} page {index + 1}/{len(pages)}"
        if not lines:
            findings.append(f"{where}: empty page")
            continue
        first = lines[0].text
        if index and (first.startswith(SIGNATURE) or first.startswith(CLOSING)):
            findings.append(f"{where}: starts with a signature block ({first[:40]!r})")
        for i, line in enumerate(lines):
            following = lines[i + 1].text if i + 1 < len(lines) else None
            if SIGNATURE in line.text and (following is None or not following.startswith("(")):
                findings.append(f"{where}: signature block split after {line.text[:40]!r}")
            if line.text.startswith(CLOSING) and following is None:
                findings.append(f"{where}: a letter's closing without its signature")
        if index < last and lines[-1].bold:
            findings.append(f"{where}: heading at the foot of the page ({lines[-1].text[:40]!r})")
        if index and all(_NUMBER_ONLY.match(line.text) or line.bold for line in lines):
            findings.append(f"{where}: only a table head and empty rows")
    return findings
