"""Every use of ReportLab *internals* by Justice Desk, in one place.

!! This module patches ReportLab. Read this before upgrading ReportLab. !!

Why: ReportLab writes a PDF ``ToUnicode`` map that sends each code of a font subset back to the
code point the code was made from. Shaped Thai glyphs (tone marks moved or swapped for their
"small"/"narrow" forms, ญ/ฐ without their tails, the นํ้ ligature, ...) have no code point of
their own, so ReportLab gives them private-use code points, and text copied or searched in the
PDF loses its tone marks (docs/thai-text-and-printing.md §4: 7 of 19 test words found).

What we do instead:

* our shaper (``shaping.py``) gives every shaped glyph that is not simply "the glyph of its own
  character" a *virtual code* in the Supplementary Private Use Area-A, registered on the
  ReportLab font face (``charToGlyph`` / ``charWidths``) exactly like ReportLab registers its
  own private codes, and remembered here together with the source text the glyph stands for;
* ``makeToUnicodeCMap`` is wrapped so virtual codes map back to that text, and the private codes
  ReportLab's own shaper hands out (stock ``Paragraph(shaping=1)`` or canvas ``shaping=True``)
  map back through the font's glyph names (``uni0E49.small`` -> U+0E49);
* characters outside the Basic Multilingual Plane are written as UTF-16 surrogate pairs (the
  stock function writes them as 5-digit hex, which readers reject).

The patch is applied only to the ReportLab versions listed in ``TESTED_REPORTLAB_VERSIONS``. On
any other version it is applied only if the patched functions still look as expected, and a
``ReportLabCompatWarning`` is raised either way (the test suite turns our warnings into errors),
so an upgrade cannot silently bring back PDFs whose text cannot be searched.
``tests/documents/test_thai_pdf_extraction.py`` is the test that keeps this honest.
"""

from __future__ import annotations

import inspect
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable
from typing import Any

import reportlab
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont

__all__ = [
    "ReportLabCompatWarning",
    "ShapeData",
    "ShapedStr",
    "TESTED_REPORTLAB_VERSIONS",
    "apply_patches",
    "face_tables",
    "font_bytes",
    "patch_active",
    "virtual_code",
]

# major.minor versions whose internals were read and whose output is covered by the tests.
TESTED_REPORTLAB_VERSIONS: tuple[str, ...] = ("5.1",)

# Supplementary Private Use Area-A: ReportLab's own shaper allocates from U+E000 upwards and
# fonts may use the BMP private area themselves; this plane is used by neither.
_VIRTUAL_FIRST = 0xF0000
_VIRTUAL_LAST = 0xFFFFD


class ReportLabCompatWarning(UserWarning):
    """The installed ReportLab is not a version our patch was verified against."""


_lock = threading.RLock()
_virtual_text: dict[int, str] = {}
_next_virtual = _VIRTUAL_FIRST
_patched = False
_current_font = threading.local()
_original_make_cmap = ttfonts.makeToUnicodeCMap
_original_add_objects = TTFont.addObjects


def font_bytes(font: TTFont) -> bytes:
    """The raw TrueType data ReportLab loaded for ``font`` (for HarfBuzz)."""
    data = getattr(font.face, "_ttf_data", None)
    if isinstance(data, bytes):
        return data
    # Older/newer ReportLab may not keep the bytes; reading the file again is equivalent.
    with open(font.face.filename, "rb") as fh:
        return fh.read()


def face_tables(font: TTFont) -> tuple[dict[int, int], dict[int, float], float]:
    """ReportLab's code point -> glyph id and code point -> width (1/1000 em) tables of a
    font, and the width of a code it does not know."""
    face = font.face
    return face.charToGlyph, face.charWidths, float(face.defaultWidth)


def virtual_code(font: TTFont, gid: int, text: str, width_1000: float) -> int:
    """A code for glyph ``gid`` of ``font`` whose ToUnicode entry is ``text``.

    The same (font face, glyph, text, width) always gets the same code. ``width_1000`` is the
    width ReportLab writes into the subset's /Widths for this code, in thousandths of an em.
    """
    global _next_virtual
    face = font.face
    key = (gid, text, round(width_1000, 3))
    with _lock:
        table: dict[tuple[int, str, float], int] | None = getattr(
            face, "_justice_desk_virtual", None
        )
        if table is None:
            table = {}
            face._justice_desk_virtual = table
        code = table.get(key)
        if code is not None:
            return code
        if _next_virtual > _VIRTUAL_LAST:
            raise RuntimeError("ran out of private code points for shaped Thai glyphs")
        code = _next_virtual
        _next_virtual += 1
        # The same two tables ReportLab's own TTFont.__addPrivate fills for its private codes:
        # the subsetter finds the glyph through charToGlyph, /Widths comes from charWidths.
        # glyphToChar is left alone so ReportLab's shaper keeps choosing real code points.
        face.charToGlyph[code] = gid
        face.charWidths[code] = width_1000
        table[key] = code
        _virtual_text[code] = text
        return code


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


_UNI_NAME = re.compile(r"^uni((?:[0-9A-Fa-f]{4})+)$")
_U_NAME = re.compile(r"^u([0-9A-Fa-f]{4,6})$")


def _text_for_glyph_name(font: TTFont, name: str) -> str | None:
    """Source text of a glyph ReportLab's shaper gave a private code, from its glyph name."""
    base = name.split(".", 1)[0]
    m = _UNI_NAME.match(base)
    if m:
        hexes = m.group(1)
        return "".join(chr(int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))
    m = _U_NAME.match(base)
    if m:
        return chr(int(m.group(1), 16))
    # Adobe-style Thai names ("yoYingthai.less"): match the Unicode character name.
    if base.lower().endswith("thai"):
        key = base.lower()[: -len("thai")]
        for code in range(0x0E01, 0x0E5C):
            name_ = unicodedata.name(chr(code), "")
            if name_.replace("THAI CHARACTER ", "").replace(" ", "").lower() == key:
                return chr(code)
    # Other production names: the unsuffixed glyph may have a cmap entry.
    try:
        import uharfbuzz

        hb_font = uharfbuzz.Font(font.hbFace)
        gid = hb_font.get_glyph_from_name(base)
    except Exception:  # noqa: BLE001 - any failure just means "no better text than the PUA"
        return None
    if gid is None:
        return None
    chars = [c for c in font.face.glyphToChar.get(gid, []) if not 0xE000 <= c <= 0xF8FF]
    return chr(chars[0]) if chars else None


def _reportlab_private_text(font: TTFont | None) -> dict[int, str]:
    if font is None:
        return {}
    names: dict[str, int] = getattr(font, "_TTFont__hbUnis", None) or {}
    result: dict[int, str] = {}
    for name, code in names.items():
        text = _text_for_glyph_name(font, name)
        if text:
            result[code] = text
    return result


def _make_to_unicode_cmap(fontname: str, subset: Iterable[int]) -> str:
    subset = list(subset)
    private = _reportlab_private_text(getattr(_current_font, "font", None))
    entries = []
    for i, code in enumerate(subset):
        if code in _virtual_text:
            text = _virtual_text[code]
        else:
            text = private.get(code) or chr(code)
        entries.append(f"<{i:02X}> <{_utf16_hex(text)}>")
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    # A bfchar block may hold at most 100 entries (PDF 32000-1, 9.10.3).
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        cmap.append(f"{len(block)} beginbfchar")
        cmap.extend(block)
        cmap.append("endbfchar")
    cmap += [
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def _add_objects(self: TTFont, doc: Any) -> None:
    # makeToUnicodeCMap only receives the subset's name; remember which font is being written
    # so ReportLab's own private codes can be mapped through this font's glyph names.
    previous = getattr(_current_font, "font", None)
    _current_font.font = self
    try:
        _original_add_objects(self, doc)
    finally:
        _current_font.font = previous


def _structure_matches() -> bool:
    try:
        source = inspect.getsource(_original_add_objects)
        params = list(inspect.signature(_original_make_cmap).parameters)
    except (OSError, TypeError):
        return False
    return "makeToUnicodeCMap(" in source and params == ["fontname", "subset"]


def _version_tested(version: str) -> bool:
    parts = version.split(".")
    return ".".join(parts[:2]) in TESTED_REPORTLAB_VERSIONS


def apply_patches() -> bool:
    """Install the ToUnicode patch once; return whether it is active."""
    global _patched
    with _lock:
        if _patched:
            return True
        version = reportlab.Version
        if not _version_tested(version):
            if not _structure_matches():
                warnings.warn(
                    f"ReportLab {version} is not a version Justice Desk was tested with and its "
                    "internals changed: Thai text copied from PDFs will lose tone marks. "
                    "Update justice_desk/documents/_reportlab_compat.py.",
                    ReportLabCompatWarning,
                    stacklevel=2,
                )
                return False
            warnings.warn(
                f"ReportLab {version} is not a version Justice Desk was tested with "
                f"({', '.join(TESTED_REPORTLAB_VERSIONS)}); run tests/documents and add it to "
                "TESTED_REPORTLAB_VERSIONS.",
                ReportLabCompatWarning,
                stacklevel=2,
            )
        ttfonts.makeToUnicodeCMap = _make_to_unicode_cmap
        TTFont.addObjects = _add_objects
        _patched = True
        return True


def patch_active() -> bool:
    """Whether PDFs written now map shaped glyphs back to their text."""
    return _patched and ttfonts.makeToUnicodeCMap is _make_to_unicode_cmap
