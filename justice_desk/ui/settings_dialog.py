"""Settings: language (applies after a restart) and text size."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from justice_desk import i18n
from justice_desk.i18n import _
from justice_desk.ui import settings as prefs
from justice_desk.ui.context import AppContext
from justice_desk.ui.dialogs import translate_buttons


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
        form = QFormLayout(self)
        self.language = QComboBox(self)
        self.language.addItem("ภาษาไทย", "th")
        self.language.addItem("English", "en")
        current = prefs.language(ctx.settings) or i18n.language()
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        form.addRow(_("Language"), self.language)
        self.note = QLabel(_("A new language is used from the next start of the app."))
        self.note.setWordWrap(True)
        form.addRow(self.note)
        self.text_size = QSpinBox(self)
        self.text_size.setRange(prefs.MIN_TEXT_SIZE, prefs.MAX_TEXT_SIZE)
        self.text_size.setValue(prefs.text_size(ctx.settings))
        self.text_size.setSuffix(" pt")
        form.addRow(_("Text size"), self.text_size)
        buttons = translate_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.ctx.settings.setValue("ui/language", self.language.currentData())
        parent = self.parent()
        if isinstance(parent, _TextSizeHost):
            parent.set_text_size(self.text_size.value())
        else:
            self.ctx.settings.setValue("ui/text_size", self.text_size.value())
        self.ctx.settings.sync()
        super().accept()
