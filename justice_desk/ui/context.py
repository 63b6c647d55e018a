"""What every page needs: the open database, the job runner, this site, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if (
    TYPE_CHECKING
):  # not imported at run time: the window frame appears before the storage layer is loaded
    from PySide6.QtCore import QSettings

    from justice_desk.services.setup import SiteInfo
    from justice_desk.storage.database import Database
    from justice_desk.ui.jobs import JobRunner


@dataclass
class AppContext:
    db: Database
    runner: JobRunner
    site: SiteInfo
    settings: QSettings
    demo: bool = False

    @property
    def is_province(self) -> bool:
        return self.site.kind.value == "province"
