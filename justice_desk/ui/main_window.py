"""The main window: navigation between pages, the center and database shown, shortcuts,
adjustable text size, and background jobs with progress and cancel in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from justice_desk.i18n import _
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import show_error, show_info
from justice_desk.ui.jobs import Job, JobRunner
from justice_desk.ui.pages.base import Page
from justice_desk.ui.widgets import wheel
from justice_desk.ui.widgets.fit import SCREEN, ElidedLabel, restyle_for_text_size, text_width
from justice_desk.ui.widgets.thai_label import ThaiLabel
from justice_desk.ui.widgets.wrapping_list import fit_list_width

# The window's size on its first start, and what a window manager adds around it (title bar,
# borders) — allowed generously, since a clipped title bar is worse than a maximised window.
DEFAULT_SIZE = (1200, 760)
FRAME_ALLOWANCE = (16, 48)


def default_size_fits(free_width: int, free_height: int) -> bool:
    """Whether the first-start size and its frame fit a screen's free area (less its task bar)."""
    return (
        DEFAULT_SIZE[0] + FRAME_ALLOWANCE[0] <= free_width
        and DEFAULT_SIZE[1] + FRAME_ALLOWANCE[1] <= free_height
    )


PageFactory = Callable[[AppContext], Page]


def page_factories(
    province: bool = False,
) -> list[tuple[str, Callable[[], str], Callable[[AppContext], Page]]]:
    """(key, title, factory) of every page, in navigation order; imported lazily for a fast start.
    At a province office the centers and imports come first."""

    def lazy(module: str, cls: str) -> Callable[[AppContext], Page]:
        def make(ctx: AppContext) -> Page:
            import importlib

            return getattr(importlib.import_module(f"justice_desk.ui.pages.{module}"), cls)(ctx)

        return make

    pages = [
        ("people", lambda: _("People & members"), lazy("people", "PeoplePage")),
        ("committee", lambda: _("Committee & mediators"), lazy("committee", "CommitteePage")),
        ("meetings", lambda: _("Meetings"), lazy("meetings", "MeetingsPage")),
        ("cases", lambda: _("Cases"), lazy("cases", "CasesPage")),
        ("activities", lambda: _("Activities"), lazy("activities", "ActivitiesPage")),
        ("sync", lambda: _("Sync"), lazy("sync", "SyncPage")),
    ]
    if province:
        pages = [
            ("sync", lambda: _("Centers & import"), lazy("sync", "SyncPage")),
            ("dashboard", lambda: _("Dashboard"), lazy("dashboard", "DashboardPage")),
        ] + pages[:-1]
        # Last, so that the other pages keep their Alt+number.
        pages.append(
            ("escalations", lambda: _("Escalations"), lazy("escalations", "EscalationsPage"))
        )
        pages.append(("conflicts", lambda: _("Conflicts"), lazy("conflicts", "ConflictsPage")))
    return pages


class SiteHeader(QWidget):
    """The center's name (wrapped between words) and, beside it, the database's path (cut with
    … in the middle when the window is narrow; the whole path is in its tooltip): one line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ThaiLabel("", self)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path = ElidedLabel("", self)
        self.path.setStyleSheet("color: #555;")
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name, 3)
        layout.addWidget(self.path, 2)

    def show_site(self, name_markup: str, database: str) -> None:
        self.name.setText(name_markup)
        self.path.setText(database)

    def text(self) -> str:
        """Both lines as plain text."""
        return self.name.copy_text() + "\n" + self.path.text()


@dataclass(frozen=True)
class Identity:
    """What the window shows before the database is open (from a read-only glance at it)."""

    name: str | None
    province: bool
    demo: bool
    database: str

    @classmethod
    def of(cls, ctx: AppContext) -> Identity:
        return cls(ctx.site.name, ctx.is_province, ctx.demo, ctx.db.target.display)


class MainWindow(QMainWindow):
    """Built in two steps so that it appears at once: the frame (title, navigation, header,
    menus, window state) from an ``Identity``, then ``attach(ctx)`` when the database is open,
    which builds the last page used. ``MainWindow(ctx)`` does both."""

    ready = Signal()
    backed_up = Signal(object)  # the path of a backup a person made (File → Back up)

    def __init__(
        self,
        ctx: AppContext | None = None,
        *,
        identity: Identity | None = None,
        settings: QSettings | None = None,
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__()
        wheel.install()  # app-wide: the wheel scrolls a form, not the field under the pointer
        if ctx is not None:
            identity, settings, runner = Identity.of(ctx), ctx.settings, ctx.runner
        if identity is None or settings is None:
            raise TypeError("MainWindow needs a context, or an identity and settings")
        self._ctx: AppContext | None = None  # set by attach()
        #: the inactivity lock (ui/login.py) once attached to a database with accounts
        self.session_guard: object | None = None
        self.settings = settings
        self.runner = runner or JobRunner(self)
        self.identity = identity
        self.setObjectName("mainWindow")
        self._pages: dict[str, Page] = {}
        self.help_viewer: QWidget | None = None  # the user guide's window, made on first F1
        self._placeholders: dict[str, QWidget] = {}
        self._page_actions: list[QAction] = []
        self._factories: list[tuple[str, Callable[[], str], PageFactory]] = []
        self._current_row = -1
        # The database to open when this window has closed (File → Open another database, a
        # restore); ``app.run_gui`` opens it. Close guards may hold the closing back (a backup).
        self.switch_to: Path | str | None = None  # a file, or a server URL
        self.close_guards: list[Callable[[], bool]] = []

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(_("Pages"))
        self.stack = QStackedWidget(self)
        self.opening = QLabel(_("Opening the database…"), self)
        self.opening.setObjectName("openingNote")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)

        header = SiteHeader(self)
        header.setObjectName("siteHeader")
        self.header = header

        body = QWidget(self)
        right = QVBoxLayout()
        self._top = QHBoxLayout()
        self._top.addWidget(header, 1)
        self.center_scope: QComboBox | None = None
        right.addLayout(self._top)
        self.notices = QVBoxLayout()  # the set-up checklist, the backup reminder
        right.addLayout(self.notices)
        right.addWidget(self.stack, 1)
        row = QHBoxLayout(body)
        row.addWidget(self.nav)
        row.addLayout(right, 1)
        self.setCentralWidget(body)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setVisible(False)
        # A long job title is cut with … rather than widening the window past the screen.
        self.job_label = ElidedLabel("", self, mode=Qt.TextElideMode.ElideRight)
        self._fit_to_text()
        self.statusBar().addPermanentWidget(self.job_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._jobs: list[Job] = []
        self.runner.job_started.connect(self._job_started)
        self.cancel_button.clicked.connect(self.runner.cancel_all)

        self._build_menus()
        self._show_identity()
        self._fill_navigation()
        self.nav.setEnabled(False)
        self.nav.currentRowChanged.connect(self._navigate)
        self._restore_geometry()
        from justice_desk.ui.setup_checklist import SetupChecklist

        self.checklist = SetupChecklist(self)
        self.notices.addWidget(self.checklist)
        if ctx is not None:
            self.attach(ctx)

    def _show_identity(self) -> None:
        who = self.identity
        name = who.name or _("Justice Desk")
        title = _("Justice Desk — {name}").format(name=name) if who.name else name
        demo = " " + _("(demo)") + " · " + _("no sign-in needed")
        self.setWindowTitle(title + (demo if who.demo else ""))
        demo_note = ("  ·  " + _("Demo data — not a real center")) if who.demo else ""
        self.header.show_site(
            f"<b>{escape(name)}</b>{escape(demo_note)}",
            _("Database: {path}").format(path=who.database),
        )

    def _fill_navigation(self) -> None:
        """Navigation items and their Alt+number shortcuts for this kind of site."""
        self._factories = page_factories(self.identity.province)
        self.nav.blockSignals(True)
        self.nav.clear()
        for key, title_fn, _factory in self._factories:
            item = QListWidgetItem(title_fn())
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        self._fit_to_text()
        for action in self._page_actions:
            self.removeAction(action)
        self._page_actions = [
            self._action(title_fn(), QKeySequence(f"Alt+{i}"), self._go_to(key))
            for i, (key, title_fn, _f) in enumerate(self._factories, start=1)
        ]

    def _go_to(self, key: str) -> Callable[[], None]:
        # A closure without parameters: QAction.triggered passes ``checked`` to a slot that
        # takes an argument, even a defaulted one (``lambda k=key: ...`` got False).
        def go() -> None:
            if self.attached:
                self.show_page(key)

        return go

    @property
    def attached(self) -> bool:
        return self._ctx is not None

    @property
    def ctx(self) -> AppContext:
        """The open database, its site and the settings; there once ``attached``."""
        if self._ctx is None:
            raise RuntimeError("the main window has no database yet (see attached)")
        return self._ctx

    def attach(self, ctx: AppContext) -> None:
        """The database is open: show what it really is and build the last page used."""
        self._ctx = ctx
        identity = Identity.of(ctx)
        province_changed = identity.province != self.identity.province
        self.identity = identity
        self._show_identity()
        if province_changed:
            self._fill_navigation()
        for key, *_rest in self._factories:
            holder = QWidget()
            self._placeholders[key] = holder
            self.stack.addWidget(holder)
        if ctx.is_province:
            # The province browses each center's imported records in the same pages, read-only.
            self.center_scope = QComboBox(self)
            self.center_scope.setObjectName("centerScope")
            self.center_scope.setAccessibleName(_("Center shown"))
            self.center_scope.setToolTip(
                _(
                    "Records of centers are shown read-only: "
                    "they are changed at the center and arrive with its bundles."
                )
            )
            self._top.addWidget(QLabel(_("Center shown:"), self))
            self._top.addWidget(self.center_scope)
            self.reload_centers()
            self.center_scope.currentIndexChanged.connect(self._scope_changed)
        for action in self._database_actions:
            action.setEnabled(True)
        self.nav.setEnabled(True)
        default = self.default_page()
        last = str(self.settings.value("window/last_page", default))
        keys = [k for k, *_r in self._factories]
        self.show_page(last if last in keys else default)
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        from justice_desk.ui.login import install_session

        self.session_guard = install_session(self, ctx)  # the role's view, the lock
        self.ready.emit()

    def default_page(self) -> str:
        return "sync" if self.identity.province else "cases"

    def page_to_open(self) -> str:
        """The page ``attach`` will show (so that its module can be imported in the background)."""
        last = str(self.settings.value("window/last_page", self.default_page()))
        return last if last in {k for k, *_r in self._factories} else self.default_page()

    # -- pages ----------------------------------------------------------------------------

    def page(self, key: str) -> Page:
        """The page for ``key``, built on first use."""
        if key not in self._pages:
            factory = next(f for k, _t, f in self._factories if k == key)
            page = factory(self.ctx)
            page.setObjectName(f"page_{key}")
            self._pages[key] = page
            index = self.stack.indexOf(self._placeholders[key])
            self.stack.removeWidget(self._placeholders[key])
            self.stack.insertWidget(index, page)
        return self._pages[key]

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def show_page(self, key: str) -> Page:
        row = next(i for i, (k, *_r) in enumerate(self._factories) if k == key)
        self.nav.setCurrentRow(row)
        return self.page(key)

    def _navigate(self, row: int) -> None:
        if row < 0 or row == self._current_row:
            return
        current = self.current_page()
        if current is not None and not current.can_leave():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._current_row)
            self.nav.blockSignals(False)
            return
        key = self._factories[row][0]
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        self._current_row = row
        if current is not None:
            page.refresh()

    def reload_centers(self) -> None:
        """Fill the center chooser from the enrolled centers (province only)."""
        from justice_desk.services import sync

        if self.center_scope is None:
            return
        current = self.center_scope.currentData()
        self.center_scope.blockSignals(True)
        self.center_scope.clear()
        self.center_scope.addItem(_("All centers"), None)
        for center in sync.centers_overview(self.ctx.db):
            self.center_scope.addItem(f"{center.code} {center.name}", str(center.center_id))
        index = self.center_scope.findData(current)
        self.center_scope.setCurrentIndex(max(0, index))
        self.center_scope.blockSignals(False)

    def _scope_changed(self, _index: int) -> None:
        import uuid

        data = self.center_scope.currentData() if self.center_scope is not None else None
        self.ctx.db.scope_owner = uuid.UUID(data) if data else None
        page = self.current_page()
        if page is not None:
            page.refresh()

    # -- menus and shortcuts --------------------------------------------------------------

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _on_page(self, method: str) -> Callable[[], None]:
        def call() -> None:
            page = self.current_page()
            if page is not None:
                getattr(page, method)()

        return call

    def monthly_report(self) -> None:
        """File → Monthly report…: choose a month, save the center's report as a PDF."""
        from justice_desk.ui import export_ui

        export_ui.open_monthly_report(self)

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addAction(
            self._action(_("New record"), QKeySequence.StandardKey.New, self._on_page("new_record"))
        )
        file_menu.addAction(
            self._action(_("Save"), QKeySequence.StandardKey.Save, self._on_page("save"))
        )
        file_menu.addAction(
            self._action(
                _("Print…"), QKeySequence.StandardKey.Print, self._on_page("print_current")
            )
        )
        monthly = self._action(_("Monthly report…"), None, self.monthly_report)
        monthly.setObjectName("monthlyReportAction")
        file_menu.addAction(monthly)
        file_menu.addSeparator()
        backup = self._action(_("Back up the database…"), None, self.backup)
        backup.setObjectName("backupAction")
        restore = self._action(_("Restore from a backup…"), None, self.restore_backup)
        restore.setObjectName("restoreAction")
        other = self._action(_("Open another database…"), None, self.open_other_database)
        other.setObjectName("openOtherAction")
        settings = self._action(_("Settings…"), None, self.open_settings)
        settings.setObjectName("settingsAction")
        self._database_actions = [backup, restore, other, settings, monthly]
        for action in self._database_actions:
            action.setEnabled(False)
        file_menu.addAction(backup)
        file_menu.addAction(restore)
        file_menu.addSeparator()
        file_menu.addAction(other)
        file_menu.addAction(settings)
        file_menu.addSeparator()
        # Ctrl+Q on every platform: Qt's standard Quit key is empty on Windows.
        file_menu.addAction(self._action(_("Quit"), QKeySequence("Ctrl+Q"), self.close))
        view = self.menuBar().addMenu(_("&View"))
        view.addAction(
            self._action(_("Find"), QKeySequence.StandardKey.Find, self._on_page("focus_search"))
        )
        view.addAction(
            self._action(_("Reload"), QKeySequence.StandardKey.Refresh, self._on_page("refresh"))
        )
        view.addSeparator()
        view.addAction(
            self._action(
                _("Larger text"), QKeySequence("Ctrl++"), lambda: self.change_text_size(+1)
            )
        )
        self._action("", QKeySequence("Ctrl+="), lambda: self.change_text_size(+1))
        view.addAction(
            self._action(
                _("Smaller text"), QKeySequence("Ctrl+-"), lambda: self.change_text_size(-1)
            )
        )
        view.addAction(
            self._action(
                _("Normal text size"),
                QKeySequence("Ctrl+0"),
                lambda: self.set_text_size(prefs.DEFAULT_TEXT_SIZE),
            )
        )
        help_menu = self.menuBar().addMenu(_("&Help"))
        guide = self._action(_("User guide"), QKeySequence("F1"), self.show_help)
        guide.setObjectName("userGuideAction")
        help_menu.addAction(guide)
        about = self._action(_("About Justice Desk"), None, self.about)
        about.setObjectName("aboutAction")
        help_menu.addAction(about)

    # -- text size ------------------------------------------------------------------------

    def set_text_size(self, size: int) -> None:
        size = max(prefs.MIN_TEXT_SIZE, min(prefs.MAX_TEXT_SIZE, size))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            font = app.font()
            font.setPointSize(size)
            app.setFont(font)
            restyle_for_text_size(app)
        self.settings.setValue("ui/text_size", size)

    def _fit_to_text(self) -> None:
        """Sizes that follow the text size: the navigation as wide as its longest page name,
        the progress bar some characters wide."""
        # At most a fifth of the laptop's screen: beyond that (the largest text sizes) the names
        # break between words onto a second line instead of squeezing the page beside them.
        fit_list_width(self.nav, padding=text_width(self.nav, 4) + 16, most=SCREEN.width() // 5)
        self.progress.setMaximumWidth(text_width(self.progress, 24))
        self.job_label.setMaximumWidth(text_width(self.job_label, 48))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "job_label"):
            self._fit_to_text()

    def change_text_size(self, step: int) -> None:
        self.set_text_size(prefs.text_size(self.settings) + step)

    # -- jobs -----------------------------------------------------------------------------

    def _job_started(self, job: Job) -> None:
        self._jobs.append(job)
        self.job_label.setText(job.title)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(any(j.cancellable for j in self._jobs))
        job.progress.connect(self._job_progress)
        job.finished.connect(lambda: self._job_finished(job))

    def _job_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.job_label.setText(message)

    def _job_finished(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        if not self._jobs:
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)
            self.job_label.setText("")

    # -- file menu actions ----------------------------------------------------------------

    def backup(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from justice_desk.services import backups

        folder = QFileDialog.getExistingDirectory(
            self, _("Choose the folder for the backup (for example a USB stick)")
        )
        if not folder:
            return
        self.ctx.runner.run(
            _("Backing up the database"),
            backups.backup_to,
            self.ctx.db,
            Path(folder),
            on_success=self._backed_up,
            on_error=lambda message, _expected: show_error(self, message),
        )

    def set_working(self, working: bool) -> None:
        """Pages and navigation wait while the database is backed up on closing or restored."""
        central = self.centralWidget()
        if central is not None:
            central.setEnabled(not working)

    def _backed_up(self, path: Path) -> None:
        self.backed_up.emit(path)
        show_info(self, _("Backup written and checked: {path}").format(path=path))

    def restore_backup(self) -> None:
        from justice_desk.ui.backup_ui import restore_from_backup

        restore_from_backup(self)

    def open_other_database(self) -> None:
        from justice_desk.ui.backup_ui import open_other_database

        open_other_database(self)

    def open_settings(self) -> None:
        from justice_desk.ui.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def show_help(self) -> None:
        """F1, Help → User guide: the guide in the app's language, at the chapter about the
        page shown (ui/help_viewer.py)."""
        from justice_desk.ui.help_viewer import HelpViewer

        viewer = self.help_viewer
        if not isinstance(viewer, HelpViewer):
            viewer = self.help_viewer = HelpViewer(parent=self)
        page = self.current_page()
        viewer.show()  # first: a hidden viewer cannot scroll to the section
        viewer.open_for_page(page.key if page is not None else None)
        viewer.raise_()
        viewer.activateWindow()

    def about(self) -> None:
        from justice_desk import __version__, paths
        from justice_desk.ui.dialogs import show_info

        show_info(
            self,
            _(
                "Justice Desk {version}\nRegisters, cases, "
                "meetings and sync for Community Justice Centers.\nDatabase: {path}"
            ).format(version=__version__, path=self.identity.database)
            + "\n"
            + _("Data folder (settings, backups, keys, log): {folder}").format(folder=paths.home())
            + "\n"
            + _("Licence: MIT. The user guide: Help → User guide (F1)."),
            _("About Justice Desk"),
        )

    # -- window state ---------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        self._first_start = not (isinstance(geometry, QByteArray) and not geometry.isEmpty())
        if self._first_start:
            self.resize(*DEFAULT_SIZE)
        else:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def show_on_screen(self) -> None:
        """Shows the window. On its first start (no size remembered) it is maximised when the
        default size with its frame would not fit the screen's free area: a 1366×768 laptop less
        its task bar is shorter than 760 px of window plus a title bar."""
        screen = self.screen()
        if self._first_start and screen is not None:
            free = screen.availableGeometry()
            if not default_size_fits(free.width(), free.height()):
                self.showMaximized()
                return
        self.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        page = self.current_page()
        if page is not None and not page.can_leave():
            event.ignore()
            return
        if self.runner.busy and self.attached:
            from justice_desk.ui.dialogs import confirm

            if not confirm(
                self,
                _("Work is still running in the background. Stop it and quit?"),
                yes=_("Stop and quit"),
            ):
                event.ignore()
                return
        if self.attached and not all(guard() for guard in self.close_guards):
            event.ignore()  # a guard closes the window itself when it is done (a backup)
            return
        self.runner.cancel_all()
        self.runner.wait_for_done(10000)  # also lets a database still being opened finish
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        if self._current_row >= 0:
            s.setValue("window/last_page", self._factories[self._current_row][0])
        s.sync()
        event.accept()
