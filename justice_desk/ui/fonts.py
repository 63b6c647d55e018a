"""Load the bundled Thai font so Thai renders on machines with no Thai font installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase


def load_thai_font(point_size: int = 11) -> QFont:
    import fontpkg

    family = None
    for weight, style in ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic")):
        path = fontpkg.path("Sarabun", weight, style)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0 and family is None:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else None
    font = QFont(family or "Sarabun")
    font.setPointSize(point_size)
    return font
