"""The main window (a first version: the center, the database, and the case register)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from justice_desk.domain.dates import format_date
from justice_desk.i18n import _, language
from justice_desk.services import cases, setup
from justice_desk.storage.database import Database


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, demo: bool = False) -> None:
        super().__init__()
        self.db = db
        site = setup.this_site(db)
        title = _("Justice Desk — {name}").format(name=site.name)
        self.setWindowTitle(title + (" " + _("(demo)") if demo else ""))
        body = QWidget()
        layout = QVBoxLayout(body)
        header = QLabel(f"<b>{site.name}</b><br>{_('Database: {path}').format(path=db.target.display)}")
        layout.addWidget(header)
        page = cases.list_cases(db, limit=200)
        table = QTableWidget(len(page.rows), 5)
        table.setHorizontalHeaderLabels([_("No."), _("Received"), _("Kind"), _("Status"), _("Subject")])
        for r, row in enumerate(page.rows):
            for c, value in enumerate(
                [row.number, format_date(row.received_on, language(), short=True), row.kind.label(), row.status.label(), row.subject]
            ):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        layout.addWidget(QLabel(_("{total} cases").format(total=page.total)))
        layout.addWidget(table)
        self.setCentralWidget(body)
        self.resize(1100, 700)
