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
from justice_desk.ui.widgets.thai_label import ThaiLabel


@runtime_checkable
class _TextSizeHost(Protocol):
    """A parent (the main window) that applies a new text size at once."""

    def set_text_size(self, size: int) -> None: ...


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        # The settings scroll above the buttons, so that the dialog fits a small screen at the
        # largest text size.
        outer = QVBoxLayout(self)
        content = QWidget(self)
        form = QFormLayout(content)
        scroll = QScrollArea(self)
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer.addWidget(scroll)
        self.language = QComboBox(self)
        self.language.addItem("ภาษาไทย", "th")
        self.language.addItem("English", "en")
        current = prefs.language(ctx.settings) or i18n.language()
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        form.addRow(_("Language"), self.language)
        self.note = ThaiLabel(_("A new language is used from the next start of the app."))
        form.addRow(self.note)
        self.text_size = QSpinBox(self)
        self.text_size.setRange(prefs.MIN_TEXT_SIZE, prefs.MAX_TEXT_SIZE)
        self.text_size.setValue(prefs.text_size(ctx.settings))
        self.text_size.setSuffix(" pt")
        form.addRow(_("Text size"), self.text_size)

        backups = QGroupBox(_("Automatic backups"), self)
        backups.setObjectName("backupSettings")
        bform = QFormLayout(backups)
        self.automatic = QCheckBox(_("Back up on closing and once a day while open"), backups)
        self.automatic.setChecked(prefs.automatic_backups(ctx.settings))
        bform.addRow(self.automatic)
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
            self.keep[key] = box
            bform.addRow(label, box)
        where = ThaiLabel(
            _("Backups are written to {folder}. Copy one to a USB stick every week.").format(
                folder=prefs.backup_folder(ctx.settings)
            ),
            backups,
        )
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bform.addRow(where)
        form.addRow(backups)
        documents = QGroupBox(_("Printed documents"), self)
        documents.setObjectName("documentSettings")
        dform = QFormLayout(documents)
        self.justified = QCheckBox(_("Justify body text (Thai distributed)"), documents)
        self.justified.setChecked(prefs.justified_documents(ctx.settings))
        dform.addRow(self.justified)
        # The digits belong to the center (its database), not to this computer; until it
        # chooses, every document prints Thai digits (print_options.DEFAULT_THAI_DIGITS).
        self.digits = QComboBox(documents)
        self.digits.setObjectName("documentDigits")
        self.digits.addItem(_("Thai digits (๑ ๒ ๓) in every document"), True)
        self.digits.addItem(_("Arabic digits (1 2 3) in every document"), False)
        self.digits.setCurrentIndex(max(0, self.digits.findData(thai_digits(ctx.db))))
        dform.addRow(_("Digits"), self.digits)
        form.addRow(documents)
        form.addRow(self._security_box())
        buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

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
        sform.addRow(_("Lock the window after"), self.lock_minutes)
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
