"""How documents are printed in this process, set by the command line and the app's Settings
(light: importing it loads neither ReportLab nor the database layer)."""

from __future__ import annotations

from justice_desk.documents import options

__all__ = ["justified", "set_justified"]


def set_justified(on: bool) -> None:
    """Justify body paragraphs the Thai way (the default, as official documents are) or print
    them flush left, for every document printed afterwards in this process."""
    options.set_justify(on)


def justified() -> bool:
    return options.justify()
