"""What every page needs: the open database, the job runner, this site, the settings, and the
app-wide ``records_changed(kinds, source)`` signal (ui/operations.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if (
    TYPE_CHECKING
):  # not imported at run time: the window frame appears before the storage layer is loaded
    from PySide6.QtCore import QSettings, SignalInstance

    from justice_desk.services.setup import SiteInfo
    from justice_desk.storage.database import Database
    from justice_desk.ui.jobs import JobRunner
    from justice_desk.ui.operations import RecordsChanged


def _records_changed() -> RecordsChanged:
    from justice_desk.ui.operations import RecordsChanged

    return RecordsChanged()


@dataclass
class AppContext:
    db: Database
    runner: JobRunner
    site: SiteInfo
    settings: QSettings
    demo: bool = False
    changes: RecordsChanged = field(default_factory=_records_changed)

    @property
    def records_changed(self) -> SignalInstance:
        """Emitted after a write with the kinds of records written (``operations.RECORD_KINDS``)
        and the object that wrote them; pages showing those kinds refresh."""
        return self.changes.records_changed

    @property
    def is_province(self) -> bool:
        return self.site.kind.value == "province"
