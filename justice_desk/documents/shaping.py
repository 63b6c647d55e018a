"""Shaping of Thai text with HarfBuzz into strings ReportLab can draw and readers can copy.

ReportLab's own shaper (``Paragraph(shaping=1)``) is not used: it only shapes inside its own
line breaker, it re-shapes already shaped text when a paragraph is laid out again (tone marks
become boxes), and the glyphs it substitutes cannot be copied out of the PDF. Here every piece
of text is shaped from the original characters, and each glyph is given a PDF code whose
ToUnicode entry gives back the characters it stands for (see ``_reportlab_compat``).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from justice_desk.documents._reportlab_compat import (
    ShapeData,
    ShapedStr,
    apply_patches,
    face_tables,
    font_bytes,
    virtual_code,
)

__all__ = ["ShapedRun", "hb_font", "shape", "shaped_width"]

# Rightward moves inside a line larger than this (thousandths of an em) are avoided, see shape().
_GAP_LIMIT = 50.0

_hb_lock = threading.Lock()
_hb_fonts: dict[tuple[str, int], tuple[Any, int]] = {}


@dataclass(frozen=True, slots=True)
class ShapedRun:
    """One piece of text in one font, shaped. Sizes are in thousandths of an em."""

    text: str
    font_name: str
    glyphs: ShapedStr
    advance: float
    glyph_ids: tuple[int, ...]

    def width(self, font_size: float) -> float:
        """Advance width in points at ``font_size``."""
        return self.advance * font_size / 1000.0


def _ttfont(font_name: str) -> TTFont:
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):
        raise TypeError(f"{font_name!r} is not a TrueType font; Thai text needs one")
    return font


def hb_font(font_name: str) -> tuple[Any, int]:
    """HarfBuzz font and units-per-em for a registered TrueType font (cached)."""
    font = _ttfont(font_name)
    key = (font_name, id(font))
    cached = _hb_fonts.get(key)
    if cached is not None:
        return cached
    with _hb_lock:
        cached = _hb_fonts.get(key)
        if cached is None:
            import uharfbuzz

            face = uharfbuzz.Face(uharfbuzz.Blob(font_bytes(font)))
            cached = (uharfbuzz.Font(face), face.upem)
            _hb_fonts[key] = cached
        return cached


def _cluster_targets(source: str, n_glyphs: int) -> list[str]:
    """Spread a cluster's characters over its glyphs so that, read in glyph order, they spell
    the cluster again (after NFKC).

    The compatibility decomposition is used because HarfBuzz splits ``ำ`` into NIKHAHIT + SARA AA
    and may move the NIKHAHIT in front of a tone mark or fuse the two (``น้ำ``); its pieces then
    line up one to one with the glyphs. Extra characters go to the last glyph (ligatures such
    as ``ฤๅ``), extra glyphs (a dotted circle before a stray mark) copy as nothing.
    """
    decomposed = unicodedata.normalize("NFKD", source)
    chars = decomposed if len(decomposed) <= n_glyphs else source
    if len(chars) <= n_glyphs:
        return list(chars) + [""] * (n_glyphs - len(chars))
    return list(chars[: n_glyphs - 1]) + [chars[n_glyphs - 1 :]]


@lru_cache(maxsize=32768)
def shape(text: str, font_name: str) -> ShapedRun:
    """Shape ``text`` in the registered TrueType font ``font_name``.

    Results are cached: the same word in the same font is shaped once per process.
    """
    apply_patches()
    import uharfbuzz

    font = _ttfont(font_name)
    hbf, upem = hb_font(font_name)
    scale = 1000.0 / upem
    buf = uharfbuzz.Buffer()
    # Monotone clusters keep marks in clusters of their own unless HarfBuzz had to reorder,
    # which is what the mapping back to characters below relies on.
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(hbf, buf, None)
    infos = buf.glyph_infos
    positions = buf.glyph_positions

    char_to_glyph, char_widths, default_width = face_tables(font)
    codes: list[str] = []
    data: list[ShapeData] = []
    gids: list[int] = []
    total = 0.0
    n = len(infos)
    i = 0
    while i < n:
        cluster = infos[i].cluster
        j = i
        while j < n and infos[j].cluster == cluster:
            j += 1
        end = infos[j].cluster if j < n else len(text)
        source = text[cluster:end]
        group = [infos[k].codepoint for k in range(i, j)]
        if len(source) == len(group) and all(
            char_to_glyph.get(ord(c)) == g for c, g in zip(source, group, strict=True)
        ):
            targets = list(source)
        else:
            targets = _cluster_targets(source, len(group))
        for k, gid, target in zip(range(i, j), group, targets, strict=True):
            pos = positions[k]
            if len(target) == 1 and char_to_glyph.get(ord(target)) == gid:
                code = ord(target)
                width = char_widths.get(code, default_width)
            else:
                width = hbf.get_glyph_h_advance(gid) * scale
                code = virtual_code(font, gid, target, width)
            x_advance = pos.x_advance * scale
            x_offset = pos.x_offset * scale
            if width - x_advance + x_offset < -_GAP_LIMIT:
                # ReportLab draws a mark moved left as "move left, glyph, move right"; the move
                # right looks like a word space to text extractors (pypdf: half a space), so
                # copied text read "ปั ้น". Declaring the glyph's PDF width as its shaped advance
                # minus the offset makes the move right unnecessary; the outline is unchanged.
                width = x_advance - x_offset
                code = virtual_code(font, gid, target, width)
            codes.append(chr(code))
            gids.append(gid)
            data.append(
                ShapeData(
                    cluster,
                    x_advance,
                    pos.y_advance * scale,
                    x_offset,
                    pos.y_offset * scale,
                    width,
                )
            )
            total += x_advance
        i = j
    return ShapedRun(text, font_name, ShapedStr("".join(codes), shapeData=data), total, tuple(gids))


def shaped_width(text: str, font_name: str, font_size: float) -> float:
    """Width in points of ``text`` shaped in ``font_name`` at ``font_size``."""
    return shape(text, font_name).width(font_size)


def concat(runs: list[ShapedRun]) -> ShapedStr:
    """One drawable string from runs in the same font (advances are kept exactly)."""
    if len(runs) == 1:
        return runs[0].glyphs
    data: list[ShapeData] = []
    for run in runs:
        data.extend(run.glyphs.__shapeData__)
    return ShapedStr("".join(run.glyphs for run in runs), shapeData=data)
