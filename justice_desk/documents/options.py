"""Printing options that hold for every document of the process, kept free of ReportLab so that
the app can set them at start without loading it."""

from __future__ import annotations

__all__ = ["justify", "set_justify"]

_justify = True


def set_justify(on: bool) -> None:
    """Justify body paragraphs the Thai way (the default) or print them flush left."""
    global _justify
    _justify = bool(on)


def justify() -> bool:
    return _justify
