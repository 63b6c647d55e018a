"""Body paragraphs are justified the Thai way (issue 12 §5): every line but a paragraph's last
reaches the right margin, the space shared between words; the last line is flush left; copied
text is exactly what it is without justification; ``set_justify(False)`` prints flush left."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from thai_pdf_checks import nfkc, pdftotext_pages, pypdf_pages, require_program

from justice_desk.documents import build_pdf, thai_paragraph
from justice_desk.documents.pdf import MARGIN_RIGHT
from justice_desk.documents.thai_text import justify, set_justify


@pytest.fixture
def ragged() -> Iterator[None]:
    set_justify(False)
    yield
    set_justify(True)


def _line_edges(pdf: bytes, tmp_path: Path) -> list[tuple[float, float, str]]:
    """(left, right, text) of every printed line, in points."""
    exe = require_program("pdftohtml", "poppler-utils")
    path = tmp_path / "j.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [exe, "-xml", "-i", "-q", "-zoom", "1", "-stdout", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    lines = []
    for item in ElementTree.fromstring(out).iter("text"):
        left, width = float(item.get("left", "0")), float(item.get("width", "0"))
        text = "".join(item.itertext())
        if text.strip() and not text.strip().startswith("-"):
            lines.append((left, left + width, text))
    return lines


def _document(samples: dict[str, list[str]]) -> bytes:
    return build_pdf([thai_paragraph(p, "body_indent") for p in samples["paragraphs"] * 4])


def test_justified_lines_reach_the_margin_and_last_lines_do_not(
    thai_samples: dict[str, list[str]], tmp_path: Path
) -> None:
    assert justify()
    right_margin = 595.2756 - MARGIN_RIGHT
    lines = _line_edges(_document(thai_samples), tmp_path)
    assert len(lines) > 20
    full = [right for _l, right, _t in lines if abs(right - right_margin) <= 1.5]
    # A paragraph's lines but its last end at the margin (pdftohtml rounds to a point); a line
    # that would need gaps wider than copied text allows stays a little short.
    paragraphs = len(thai_samples["paragraphs"]) * 4
    inner_lines = len(lines) - paragraphs
    assert len(full) >= 0.75 * inner_lines, [round(r) for _l, r, _t in lines]
    assert max(right for _l, right, _t in lines) <= right_margin + 1.5
    # The last line of every paragraph is flush left, not stretched.
    assert len(lines) - len(full) >= paragraphs


def test_justification_adds_no_spaces_to_copied_text(
    thai_samples: dict[str, list[str]], tmp_path: Path
) -> None:
    justified = _document(thai_samples)
    set_justify(False)
    try:
        left = _document(thai_samples)
    finally:
        set_justify(True)
    assert justified != left
    for read in (pypdf_pages, lambda pdf: pdftotext_pages(pdf, tmp_path)):
        assert [[nfkc(x) for x in page] for page in read(justified)] == [
            [nfkc(x) for x in page] for page in read(left)
        ]


def test_ragged_when_switched_off(
    ragged: None, thai_samples: dict[str, list[str]], tmp_path: Path
) -> None:
    right_margin = 595.2756 - MARGIN_RIGHT
    lines = _line_edges(_document(thai_samples), tmp_path)
    short = [right for _l, right, _t in lines if right < right_margin - 3.0]
    assert len(short) > len(lines) // 2
