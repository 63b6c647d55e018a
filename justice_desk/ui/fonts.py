"""Load the bundled Thai font so Thai renders on machines with no Thai font installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from justice_desk import paths


def load_thai_font(point_size: int = 11) -> QFont:
    """Register the four Sarabun styles with Qt and return the regular one at ``point_size``."""
    family = None
    for style in paths.SARABUN_FILES:
        font_id = QFontDatabase.addApplicationFont(str(paths.sarabun_font(style)))
        if font_id >= 0 and family is None:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else None
    font = QFont(family or "Sarabun")
    font.setPointSize(point_size)
    return font
