"""Standard paragraph styles of official Thai documents, sized for the font actually in use.

Sizes are given in *official points* (TH Sarabun New points, as the correspondence rules state
them) and converted through :meth:`FontChoice.size_for`, so a style "16 pt" looks like the
official 16 pt whether TH Sarabun New or the bundled Sarabun prints it.
"""

from __future__ import annotations

import threading
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm

from justice_desk.documents.fonts import FontChoice, register_fonts

__all__ = [
    "BODY_OFFICIAL_PT",
    "FIRST_LINE_INDENT",
    "STYLE_NAMES",
    "get_style",
    "make_style",
    "thai_styles",
]

BODY_OFFICIAL_PT = 16
# ระเบียบงานสารบรรณ: paragraphs start 2.5 cm in from the left margin.
FIRST_LINE_INDENT = 2.5 * cm

STYLE_NAMES = ("body", "body_indent", "title", "heading", "centre", "right", "table", "small")

_lock = threading.Lock()
_styles: dict[str, ParagraphStyle] | None = None


def make_style(
    name: str,
    *,
    official_pt: float = BODY_OFFICIAL_PT,
    bold: bool = False,
    choice: FontChoice | None = None,
    **attributes: Any,
) -> ParagraphStyle:
    """A ``ParagraphStyle`` in the document font at ``official_pt`` official points.

    Single line spacing, left aligned, unless ``attributes`` say otherwise.
    """
    choice = choice or register_fonts()
    values: dict[str, Any] = {
        "fontName": choice.bold if bold else choice.regular,
        "fontSize": choice.size_for(official_pt),
        "leading": choice.leading_for(official_pt),
        "alignment": TA_LEFT,
        "allowOrphans": 0,
        "allowWidows": 1,
    }
    values.update(attributes)
    return ParagraphStyle(name, **values)


def thai_styles() -> dict[str, ParagraphStyle]:
    """The standard styles by name (built once, after the fonts are registered).

    ``body`` plain text, justified; ``body_indent`` with the 2.5 cm first-line indent of official
    paragraphs; ``title`` bold, centred; ``heading`` bold; ``centre`` and ``right`` aligned
    body text; ``table`` body text for table cells; ``small`` 14 pt notes.
    """
    global _styles
    if _styles is not None:
        return dict(_styles)
    with _lock:
        if _styles is None:
            choice = register_fonts()
            # Body text is justified the Thai way (thai_text._distributed), as official
            # documents are; thai_text.set_justify(False) prints it flush left.
            body = make_style("body", choice=choice, alignment=TA_JUSTIFY)
            _styles = {
                "body": body,
                "body_indent": ParagraphStyle(
                    "body_indent", parent=body, firstLineIndent=FIRST_LINE_INDENT
                ),
                "title": make_style("title", bold=True, choice=choice, alignment=TA_CENTER),
                "heading": make_style("heading", bold=True, choice=choice),
                "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
                "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
                "table": ParagraphStyle("table", parent=body, allowOrphans=1, alignment=TA_LEFT),
                "small": make_style("small", official_pt=14, choice=choice),
            }
        return dict(_styles)


def get_style(name: str) -> ParagraphStyle:
    """One standard style by name (see :func:`thai_styles`)."""
    styles = thai_styles()
    try:
        return styles[name]
    except KeyError:
        raise KeyError(f"no Thai style {name!r}; known: {', '.join(STYLE_NAMES)}") from None
