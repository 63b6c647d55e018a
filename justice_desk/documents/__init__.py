"""Printed documents: the only package that uses ReportLab.

Data objects in, PDF bytes out. The Thai text layer lives in ``fonts`` (font choice and
registration), ``shaping`` (HarfBuzz), ``segment`` (PyThaiNLP word breaking), ``thai_text``
(``ThaiParagraph``), ``styles`` and ``pdf`` (``build_pdf``); ``_reportlab_compat`` holds the one
patch of ReportLab internals.

The names below are imported lazily so that importing this package does not load ReportLab or
PyThaiNLP on the application's start-up path.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "FontChoice": "fonts",
    "check_shaping": "fonts",
    "register_fonts": "fonts",
    "ThaiParagraph": "thai_text",
    "thai_paragraph": "thai_text",
    "draw_shaped_string": "thai_text",
    "escape": "thai_text",
    "thai_digits": "thai_text",
    "get_style": "styles",
    "make_style": "styles",
    "thai_styles": "styles",
    "FIRST_LINE_INDENT": "styles",
    "build_pdf": "pdf",
    "page_number_text": "pdf",
    "warm_up": "segment",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from justice_desk.documents.fonts import FontChoice as FontChoice
    from justice_desk.documents.fonts import check_shaping as check_shaping
    from justice_desk.documents.fonts import register_fonts as register_fonts
    from justice_desk.documents.pdf import build_pdf as build_pdf
    from justice_desk.documents.pdf import page_number_text as page_number_text
    from justice_desk.documents.segment import warm_up as warm_up
    from justice_desk.documents.styles import FIRST_LINE_INDENT as FIRST_LINE_INDENT
    from justice_desk.documents.styles import get_style as get_style
    from justice_desk.documents.styles import make_style as make_style
    from justice_desk.documents.styles import thai_styles as thai_styles
    from justice_desk.documents.thai_text import ThaiParagraph as ThaiParagraph
    from justice_desk.documents.thai_text import draw_shaped_string as draw_shaped_string
    from justice_desk.documents.thai_text import escape as escape
    from justice_desk.documents.thai_text import thai_digits as thai_digits
    from justice_desk.documents.thai_text import thai_paragraph as thai_paragraph


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'justice_desk.documents' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"justice_desk.documents.{module}"), name)
    globals()[name] = value
    return value
