"""Helpers for the Thai document tests: read PDFs back and compare them with their source text.

Kept in a uniquely named module (not conftest) so test files can import plain functions.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

PAGE_NUMBER = re.compile(r"^-\s*[0-9๐-๙]+\s*-$")  # pdftotext drops these spaces


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def pypdf_pages(pdf: bytes) -> list[list[str]]:
    """Lines of text per page, as pypdf extracts them (empty lines dropped)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        [line.rstrip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in reader.pages
    ]


def require(thing: str, found: object, debian_package: str) -> None:
    """Fail (never skip) a test whose real component is missing, saying what to install:
    a skipped document check is a check that silently stopped running. ``.ci/run`` installs
    every such package."""
    if not found:
        pytest.fail(
            f"{thing} is missing: install the Debian/Ubuntu package {debian_package} "
            f"(apt-get install {debian_package}); .ci/run installs it",
            pytrace=False,
        )


def require_program(name: str, debian_package: str) -> str:
    exe = shutil.which(name)
    require(f"the program {name}", exe, debian_package)
    assert exe is not None
    return exe


def pdftotext_pages(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """Lines per page from poppler's ``pdftotext`` (reading order)."""
    exe = require_program("pdftotext", "poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [[line.rstrip() for line in page.splitlines() if line.strip()] for page in pages]


def body_lines(pages: list[list[str]]) -> list[str]:
    """All lines of all pages without the page-number lines."""
    return [line for page in pages for line in page if not PAGE_NUMBER.match(line.strip())]


def assign_lines(lines: list[str], texts: list[str]) -> list[list[int]]:
    """Match extracted lines, in order, to the source texts they print.

    Every text must be printed exactly (after NFKC) by one or more consecutive lines; a space
    at a line break is dropped by the layout. Returns, for every text, the offsets (in the NFKC
    form of the text) where its lines break.
    """
    i = 0
    result: list[list[int]] = []
    for text in texts:
        target = nfkc(text)
        pos = 0
        breaks: list[int] = []
        while pos < len(target):
            assert i < len(lines), f"ran out of lines while matching {text!r} at {pos}"
            line = nfkc(lines[i]).strip(" ")
            i += 1
            if pos:
                breaks.append(pos)
                if target[pos] == " ":
                    pos += 1
            assert target.startswith(line, pos), (
                f"line {line!r} is not what follows in the source:\n"
                f"  expected {target[pos : pos + len(line) + 10]!r}\n  in {text!r}"
            )
            assert line, f"empty line inside {text!r}"
            pos += len(line)
        result.append(breaks)
    assert i == len(lines), f"extra lines after the last text: {lines[i : i + 3]!r}"
    return result


def word_boundaries(text: str) -> set[int]:
    """Offsets (in the NFKC form of ``text``) between the words newmm finds in ``text``."""
    from pythainlp.tokenize import word_tokenize

    bounds = set()
    pos = 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(nfkc(token))
        bounds.add(pos)
    return bounds


@dataclass(frozen=True)
class TextChunk:
    text: str
    x: float
    y: float
    font: str


def text_chunks(pdf: bytes, page_index: int = 0) -> list[TextChunk]:
    """Text pieces of a page with their start position (text space) and font BaseFont."""
    reader = PdfReader(io.BytesIO(pdf))
    chunks: list[TextChunk] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if not text.strip():
            return
        font = str(font_dict.get("/BaseFont", "")) if font_dict else ""
        x = tm[4] * cm[0] + cm[4]
        y = tm[5] * cm[3] + cm[5]
        chunks.append(TextChunk(text, x, y, font))

    reader.pages[page_index].extract_text(visitor_text=visit)
    return chunks
