"""The Thai fonts of printed documents: found, registered with ReportLab once, and checked.

Official documents are set in TH Sarabun New / TH SarabunPSK 16 pt. Offices often have those
fonts installed; we use them when we find them, otherwise the Sarabun family bundled through
``fontpkg-sarabun`` (OFL). The two are not the same size at the same point size, so callers
never hard-code point sizes: they ask :meth:`FontChoice.size_for` for "the size that looks like
official 16 pt" and :meth:`FontChoice.leading_for` for its single line spacing.

Size measurement (Sarabun 1.000 from fontpkg-sarabun vs. TLWG Laksaman 4.x from Debian's
``fonts-tlwg-laksaman``, all metrics per em, 2025):

* Laksaman *is* TH Sarabun New scaled up: its changelog (2014-05-01) says "Scale up glyphs by
  150.42% for Garuda X-Height compatibility", and its fontconfig rule draws "TH Sarabun" with
  Laksaman at a 0.66 matrix. Cross-check against TH Sarabun New's own published metrics (an
  FPDF font definition: CapHeight 476, advance of ก 386, H 441): Laksaman / 1.5042 gives
  CapHeight 476, ก 386, H 441 exactly.
* Sarabun / Laksaman: height of Thai consonant bodies (ก ค ด ต ถ น ม ร ว ห) 0.974, x-height
  0.979, cap height 0.978, advance of all of thai-text-samples.txt shaped 1.017 (bold: 0.957,
  0.979, 0.978, 1.011).
* So Sarabun at the same point size is 1.5042 x (0.974 .. 1.017) = 1.46 .. 1.53 times TH Sarabun
  New. We take the geometric mean of the body-height and the advance ratio (0.995), which keeps
  both within 2.2 %: 1 official point = 1 / (1.5042 x 0.995) = 0.668 Sarabun points, i.e.
  official 16 pt = Sarabun 10.69 pt. Lines then hold the same text as a Word document in
  TH Sarabun New 16 pt, and letters look the same height within 2.6 %.
* Single line spacing: Word lays a line out from the font's OS/2 win ascent + descent. For
  Laksaman those are 1270 + 687 units, i.e. (/ 1.5042) 1.301 em of TH Sarabun New: official
  16 pt single spacing = 20.8 pt. When the real TH Sarabun font is found its own metrics are
  read instead.

``tests/documents/test_thai_fonts.py`` repeats the Laksaman measurement when that font is
installed (it is not required).
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from justice_desk import paths

__all__ = [
    "BUNDLED_LINE_HEIGHT",
    "BUNDLED_POINTS_PER_OFFICIAL_POINT",
    "FontChoice",
    "check_shaping",
    "choose_fonts",
    "find_official_fonts",
    "font_search_dirs",
    "register_fonts",
]

# Measured above: Sarabun points per TH Sarabun New point, and TH Sarabun New single spacing.
LAKSAMAN_PER_TH_SARABUN = 1.5042
SARABUN_PER_LAKSAMAN = 0.995
BUNDLED_POINTS_PER_OFFICIAL_POINT = round(1.0 / (LAKSAMAN_PER_TH_SARABUN * SARABUN_PER_LAKSAMAN), 4)
BUNDLED_LINE_HEIGHT = round((1270 + 687) / 1000 / LAKSAMAN_PER_TH_SARABUN, 4)

_STYLES = ("regular", "bold", "italic", "bold_italic")
_OFFICIAL_NAME = re.compile(r"^thsarabun(new|psk)?(bold)?(italic)?$")


@dataclass(frozen=True)
class FontChoice:
    """The font family documents are printed in, and how to size it.

    ``regular`` is also the family name to put in a ``ParagraphStyle``: ``<b>``/``<i>`` switch
    to ``bold``/``italic``/``bold_italic`` through ReportLab's font family mapping.
    """

    label: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    files: dict[str, Path] = field(compare=False)
    official: bool
    points_per_official_point: float
    line_height: float

    @property
    def family(self) -> str:
        """Family name for styles (the regular face's registered name)."""
        return self.regular

    @property
    def face_names(self) -> tuple[str, str, str, str]:
        """Registered names of the regular, bold, italic and bold italic faces."""
        return (self.regular, self.bold, self.italic, self.bold_italic)

    def size_for(self, official_pt: float) -> float:
        """Point size of this font that looks like ``official_pt`` of TH Sarabun New."""
        return round(official_pt * self.points_per_official_point, 2)

    def leading_for(self, official_pt: float) -> float:
        """Single line spacing (baseline to baseline) of official text at ``official_pt``."""
        return round(official_pt * self.line_height, 2)


def font_search_dirs() -> list[Path]:
    """Folders where Windows, macOS and Linux keep system and per-user fonts."""
    home = Path.home()
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/Network/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
        ]
    else:
        data_home = os.environ.get("XDG_DATA_HOME")
        dirs += [
            Path(data_home) / "fonts" if data_home else home / ".local" / "share" / "fonts",
            home / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts"),
        ]
    return dirs


def _font_files(dirs: Iterable[Path], max_depth: int = 4) -> Iterator[Path]:
    for root in dirs:
        if not root.is_dir():
            continue
        base_depth = len(root.parts)
        for folder, subdirs, files in os.walk(root):
            if len(Path(folder).parts) - base_depth >= max_depth:
                subdirs.clear()
            for name in files:
                if name.lower().endswith(".ttf"):
                    yield Path(folder) / name


def find_official_fonts(dirs: Iterable[Path] | None = None) -> tuple[str, dict[str, Path]] | None:
    """Find TH Sarabun New (preferred) or TH SarabunPSK files with at least regular and bold.

    Returns ``(label, {"regular": path, "bold": path, ...})`` or ``None``. File names vary by
    source ("THSarabunNew Bold.ttf", "THSarabunNew-Bold.ttf", "THSarabun BoldItalic.ttf",
    "THSarabunPSK.ttf"), so names are compared without spaces, dashes and underscores.
    """
    found: dict[str, dict[str, Path]] = {"new": {}, "psk": {}}
    for path in _font_files(font_search_dirs() if dirs is None else dirs):
        key = re.sub(r"[\s_\-]+", "", path.stem).lower()
        m = _OFFICIAL_NAME.match(key)
        if not m:
            continue
        kind = "new" if m.group(1) == "new" else "psk"
        style = {
            (False, False): "regular",
            (True, False): "bold",
            (False, True): "italic",
            (True, True): "bold_italic",
        }[(bool(m.group(2)), bool(m.group(3)))]
        found[kind].setdefault(style, path)
    for kind, label in (("new", "TH Sarabun New"), ("psk", "TH SarabunPSK")):
        files = found[kind]
        # Without a real bold face <b> would print regular; then the bundled family is better.
        if "regular" in files and "bold" in files:
            files.setdefault("italic", files["regular"])
            files.setdefault("bold_italic", files["bold"])
            return label, dict(files)
    return None


def _bundled_files() -> dict[str, Path]:
    files = {style: paths.sarabun_font(style) for style in paths.SARABUN_FILES}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise RuntimeError(f"the bundled Thai font is missing: {', '.join(missing)}")
    return files


def _official_line_height(regular: Path) -> float:
    """Word's single spacing for a TH Sarabun file: (win ascent + win descent) / em."""
    try:
        import uharfbuzz

        font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(regular))))
        tag = uharfbuzz.OTMetricsTag
        asc = font.get_metric_position(tag.HORIZONTAL_CLIPPING_ASCENT)
        desc = font.get_metric_position(tag.HORIZONTAL_CLIPPING_DESCENT)
        upem = font.face.upem
        if asc and desc and upem:
            return float(round((abs(asc) + abs(desc)) / upem, 4))
    except Exception:  # noqa: BLE001 - a font we cannot read keeps the measured default
        pass
    return BUNDLED_LINE_HEIGHT


def choose_fonts(search_dirs: Iterable[Path] | None = None) -> FontChoice:
    """Decide which font family to print with (nothing is registered).

    ``search_dirs`` replaces the usual system font folders (for tests).
    """
    official = find_official_fonts(search_dirs)
    if official is not None:
        label, files = official
        prefix = label.replace(" ", "")
        return FontChoice(
            label=label,
            regular=prefix,
            bold=f"{prefix}-Bold",
            italic=f"{prefix}-Italic",
            bold_italic=f"{prefix}-BoldItalic",
            files=files,
            official=True,
            points_per_official_point=1.0,
            line_height=_official_line_height(files["regular"]),
        )
    return FontChoice(
        label="Sarabun (bundled)",
        regular="Sarabun",
        bold="Sarabun-Bold",
        italic="Sarabun-Italic",
        bold_italic="Sarabun-BoldItalic",
        files=_bundled_files(),
        official=False,
        points_per_official_point=BUNDLED_POINTS_PER_OFFICIAL_POINT,
        line_height=BUNDLED_LINE_HEIGHT,
    )


_register_lock = threading.Lock()
_registered: FontChoice | None = None


def _register(choice: FontChoice) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = dict(zip(_STYLES, choice.face_names, strict=True))
    for style in _STYLES:
        name = names[style]
        if name in pdfmetrics.getRegisteredFontNames():
            continue
        pdfmetrics.registerFont(TTFont(name, str(choice.files[style])))
    # One family, or <b> silently prints the regular face.
    pdfmetrics.registerFontFamily(
        choice.regular,
        normal=choice.regular,
        bold=choice.bold,
        italic=choice.italic,
        boldItalic=choice.bold_italic,
    )


def register_fonts() -> FontChoice:
    """Find and register the document fonts once per process (thread-safe); return the choice.

    Also installs the ReportLab patch that makes shaped Thai copyable (``_reportlab_compat``).
    """
    global _registered
    if _registered is not None:
        return _registered
    with _register_lock:
        if _registered is None:
            from justice_desk.documents._reportlab_compat import apply_patches

            apply_patches()
            choice = choose_fonts()
            usable = True
            if choice.official:
                try:
                    _register(choice)
                    usable = _shapes_thai(choice.regular) and _shapes_thai(choice.bold)
                except Exception:  # noqa: BLE001 - a damaged office font must not stop printing
                    usable = False
            if not usable or not choice.official:
                # The bundled family is the fallback for an office font that is damaged or has
                # no OpenType Thai rules (old "TH Sarabun" files made for Windows XP).
                choice = choose_fonts(search_dirs=[])
                _register(choice)
            _registered = choice
        return _registered


_SHAPING_PROBE = "ที่"


def _probe(font_name: str) -> tuple[bool, bool]:
    """(has Thai glyphs, places the tone mark of ``ที่``) for a registered font."""
    from reportlab.pdfbase import pdfmetrics

    from justice_desk.documents._reportlab_compat import face_tables
    from justice_desk.documents.shaping import shape

    run = shape(_SHAPING_PROBE, font_name)
    char_to_glyph, _, _ = face_tables(pdfmetrics.getFont(font_name))
    natural = [char_to_glyph.get(ord(c)) for c in _SHAPING_PROBE]
    positioned = any(d.x_offset or d.y_offset for d in run.glyphs.__shapeData__)
    return 0 not in run.glyph_ids, list(run.glyph_ids) != natural or positioned


def _shapes_thai(font_name: str) -> bool:
    """Whether a font shapes Thai; True when that cannot be tested (no uharfbuzz), so that
    :func:`check_shaping` reports the real cause."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return True
    has_glyphs, shapes = _probe(font_name)
    return has_glyphs and shapes


def check_shaping() -> FontChoice:
    """Fail loudly, at start-up, if Thai cannot be shaped; return the font choice.

    ReportLab prints Thai without shaping, silently, when ``uharfbuzz`` is missing or the font
    cannot be shaped: ``ที่`` then prints as ``ที`` and marks overprint. Raises ``RuntimeError``
    with the reason instead.
    """
    import importlib

    try:
        importlib.import_module("uharfbuzz")
    except ImportError as exc:
        raise RuntimeError(
            "Thai text cannot be printed correctly: the 'uharfbuzz' package (HarfBuzz text "
            "shaping) is not installed or does not load. Reinstall Justice Desk."
        ) from exc
    choice = register_fonts()
    from reportlab.pdfbase import pdfmetrics

    for name in choice.face_names:
        font = pdfmetrics.getFont(name)
        if not getattr(font, "shapable", False):
            raise RuntimeError(
                f"Thai text cannot be printed correctly: ReportLab cannot shape the font {name} "
                f"({choice.files.get('regular')}). Without shaping, tone marks print in the "
                "wrong place. Check that 'uharfbuzz' is installed and loads."
            )
    has_glyphs, shapes = _probe(choice.regular)
    if not (has_glyphs and shapes):
        raise RuntimeError(
            f"Thai text cannot be printed correctly: the font {choice.label} "
            f"({choice.files.get('regular')}) has no Thai glyphs or no OpenType Thai rules "
            "(tone marks would not be placed)."
        )
    return choice
