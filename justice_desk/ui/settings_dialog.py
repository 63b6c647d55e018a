"""Settings: language (applies after a restart) and text size."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QScrollArea,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from justice_desk import i18n
from justice_desk.i18n import _
from justice_desk.services.print_options import (
    set_document_digits,
    set_justified,
    thai_digits,
)
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import translate_buttons
from justice_desk.ui.widgets.fit import (
    SCREEN,
    ElidedLabel,
    compact_combo,
    text_width,
    wrapping_check_box,
)
from justice_desk.ui.widgets.thai_label import ThaiLabel


@runtime_checkable
class _TextSizeHost(Protocol):
    """A parent (the main window) that applies a new text size at once."""

    def set_text_size(self, size: int) -> None: ...


class SettingsDialog(QDialog):
    """The settings of this computer (and the center's digits). It fits a 1366×728 or 1280×680
    screen at every text size: the settings scroll down above the buttons, never sideways —
    labels go above their fields when narrow, explanations and check boxes wrap between Thai
    words (``ThaiLabel``), the backup folder is one line cut in the middle with the whole path
    in its tooltip (docs/architecture.md §15)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.outer = outer = QVBoxLayout(self)
        self.content = content = QWidget(self)
        form = QFormLayout(content)
        self.scroll_box = scroll = QScrollArea(self)
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        self.language = QComboBox(self)
        self.language.addItem("ภาษาไทย", "th")
        self.language.addItem("English", "en")
        current = prefs.language(ctx.settings) or i18n.language()
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        form.addRow(ThaiLabel(_("Language"), content), self.language)
        self.note = ThaiLabel(_("A new language is used from the next start of the app."))
        self.note.setStyleSheet("color: #555;")
        form.addRow(self.note)
        self.text_size = QSpinBox(self)
        self.text_size.setRange(prefs.MIN_TEXT_SIZE, prefs.MAX_TEXT_SIZE)
        self.text_size.setValue(prefs.text_size(ctx.settings))
        self.text_size.setSuffix(" pt")
        form.addRow(ThaiLabel(_("Text size"), content), self.text_size)

        backups = QGroupBox(_("Automatic backups"), self)
        backups.setObjectName("backupSettings")
        bform = QFormLayout(backups)
        self.automatic = QCheckBox(_("Back up on closing and once a day while open"), backups)
        self.automatic.setObjectName("automaticBackups")
        self.automatic.setChecked(prefs.automatic_backups(ctx.settings))
        bform.addRow(wrapping_check_box(self.automatic))
        policy = prefs.retention(ctx.settings)
        self.keep: dict[str, QSpinBox] = {}
        for key, label, value in (
            ("days", _("Keep one a day for the last … days"), policy.days),
            ("weeks", _("Keep one a week for the last … weeks"), policy.weeks),
            ("months", _("Keep one a month for the last … months"), policy.months),
        ):
            box = QSpinBox(backups)
            box.setObjectName(f"keep_{key}")
            box.setRange(0, 999)
            box.setValue(value)
            box.setAccessibleName(label)
            self.keep[key] = box
            bform.addRow(ThaiLabel(label, backups), box)
        where = ThaiLabel(
            _("Backups are written to the folder below. Copy one to a USB stick every week."),
            backups,
        )
        where.setObjectName("backupWhere")
        bform.addRow(where)
        # A path has no word to break at: one line, cut in the middle, whole in its tooltip.
        self.backup_folder = ElidedLabel(str(prefs.backup_folder(ctx.settings)), backups)
        self.backup_folder.setObjectName("backupFolder")
        self.backup_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bform.addRow(self.backup_folder)
        form.addRow(backups)
        documents = QGroupBox(_("Printed documents"), self)
        documents.setObjectName("documentSettings")
        dform = QFormLayout(documents)
        self.justified = QCheckBox(_("Justify body text (Thai distributed)"), documents)
        self.justified.setObjectName("justifiedDocuments")
        self.justified.setChecked(prefs.justified_documents(ctx.settings))
        dform.addRow(wrapping_check_box(self.justified))
        # The digits belong to the center (its database), not to this computer; until it
        # chooses, every document prints Thai digits (print_options.DEFAULT_THAI_DIGITS).
        self.digits = QComboBox(documents)
        self.digits.setObjectName("documentDigits")
        self.digits.addItem(_("Thai digits (๑ ๒ ๓) in every document"), True)
        self.digits.addItem(_("Arabic digits (1 2 3) in every document"), False)
        self.digits.setCurrentIndex(max(0, self.digits.findData(thai_digits(ctx.db))))
        compact_combo(self.digits, 14)
        dform.addRow(ThaiLabel(_("Digits"), documents), self.digits)
        form.addRow(documents)
        form.addRow(self._security_box())
        # Narrow (the largest text sizes): labels above their fields, not past the edge.
        for layout in (form, bform, dform):
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.buttons = buttons
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Never narrower than the settings need (nothing is cut at the right edge, since they
        do not scroll sideways); open wide enough to read, within the screen, and as tall as
        the settings or the screen allow."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        needed = self.content.minimumSizeHint().width() + bar + 2
        self.scroll_box.setMinimumWidth(needed)
        screen = self.screen().availableGeometry().size() if self.screen() else SCREEN
        room = screen.boundedTo(SCREEN)
        margins = self.outer.contentsMargins()
        sides = margins.left() + margins.right()
        width = min(max(needed, text_width(self, 60)) + sides, int(room.width() * 0.9))
        width = max(width, needed + sides)
        inner = width - sides - bar - 2
        layout = self.content.layout()
        tall = (
            layout.heightForWidth(inner)
            if layout is not None and layout.hasHeightForWidth()
            else self.content.sizeHint().height()
        )
        height = (
            tall
            + self.buttons.sizeHint().height()
            + margins.top()
            + margins.bottom()
            + max(0, self.outer.spacing())
        )
        self.resize(width, min(height, int(room.height() * 0.9)))

    def _security_box(self) -> QGroupBox:
        """The lock after inactivity (``security/lock_minutes`` of this computer)."""
        from justice_desk.ui.login import MAX_LOCK_MINUTES, lock_minutes

        security = QGroupBox(_("Security"), self)
        security.setObjectName("securitySettings")
        sform = QFormLayout(security)
        self.lock_minutes = QSpinBox(security)
        self.lock_minutes.setObjectName("lockMinutes")
        self.lock_minutes.setRange(0, MAX_LOCK_MINUTES)
        self.lock_minutes.setSpecialValueText(_("Never"))  # 0
        self.lock_minutes.setSuffix(" " + _("min."))  # minutes of time
        self.lock_minutes.setValue(min(MAX_LOCK_MINUTES, lock_minutes(self.ctx.settings)))
        sform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        sform.addRow(ThaiLabel(_("Lock the window after"), security), self.lock_minutes)
        sform.addRow(
            ThaiLabel(
                _(
                    "Minutes without a key or a click before the window locks (1 to {max}); "
                    "the person's password unlocks it. “Never” suits only a computer nobody "
                    "else uses."
                ).format(max=MAX_LOCK_MINUTES),
                security,
            )
        )
        return security

    def accept(self) -> None:
        self.ctx.settings.setValue("ui/language", self.language.currentData())
        self.ctx.settings.setValue("backup/automatic", self.automatic.isChecked())
        self.ctx.settings.setValue("print/justified", self.justified.isChecked())
        set_justified(self.justified.isChecked())
        if self.digits.currentData() != thai_digits(self.ctx.db):
            set_document_digits(self.ctx.db, self.digits.currentData())
        for key, box in self.keep.items():
            self.ctx.settings.setValue(f"backup/keep_{key}", box.value())
        self._apply_lock_minutes(self.lock_minutes.value())
        parent = self.parent()
        if isinstance(parent, _TextSizeHost):
            parent.set_text_size(self.text_size.value())
        else:
            self.ctx.settings.setValue("ui/text_size", self.text_size.value())
        self.ctx.settings.sync()
        super().accept()

    def _apply_lock_minutes(self, minutes: int) -> None:
        """Stored for the next start, and at once for the window open now."""
        from justice_desk.ui.login import LOCK_MINUTES_KEY

        self.ctx.settings.setValue(LOCK_MINUTES_KEY, minutes)
        guard = getattr(self.parent(), "session_guard", None)
        if guard is not None:
            guard.set_minutes(minutes)
