"""Messages and confirmations in the user's language.

PySide6 ships no Thai translation of Qt's own dialogs, so standard buttons get our own texts.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

from justice_desk import paths
from justice_desk.errors import UserError
from justice_desk.i18n import _
from justice_desk.ui.widgets.wrapping_list import wrap_text

log = logging.getLogger(__name__)


def button_texts() -> dict[QDialogButtonBox.StandardButton, str]:
    B = QDialogButtonBox.StandardButton
    return {
        B.Ok: _("OK"),
        B.Cancel: _("Cancel"),
        B.Save: _("Save"),
        B.Discard: _("Don't save"),
        B.Yes: _("Yes"),
        B.No: _("No"),
        B.Close: _("Close"),
        B.Apply: _("Apply"),
        B.Reset: _("Reset"),
        B.Help: _("Help"),
    }


def translate_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    for which, text in button_texts().items():
        button = box.button(which)
        if button is not None:
            button.setText(text)
    return box


class MessageBox(QMessageBox):
    """A message box whose lines break only between Thai words.

    Qt wraps a message box's text itself and does not know Thai words (``กู้|คืน``), so the text
    is given to it already broken into lines (``widgets.wrapping_list.wrap_text``) no wider
    than the label Qt will lay out: a box grows to its text's widest line up to a "soft limit"
    (half the screen, at most 500 px) before Qt wraps, less the icon and the margins. Qt then
    has nothing left to break. ``text()`` answers the text as it was given."""

    #: The margins and spacing around the text in a message box, allowed generously.
    AROUND_TEXT = 72

    def __init__(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(icon, title, "", QMessageBox.StandardButton.NoButton, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._given = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._given = text
        super().setText(wrap_text(text, self.font(), self.line_width()))

    def line_width(self) -> int:
        """The widest line Qt shows without wrapping it (``QMessageBoxPrivate::updateSize``)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry().width() if screen is not None else 1024
        soft_limit = min(free // 2, 500)
        return max(120, soft_limit - self.iconPixmap().width() - self.AROUND_TEXT)

    def text(self) -> str:
        return self._given

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self._given:
            self.setText(self._given)  # a larger text size: fewer words on each line


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    return MessageBox(icon, title, text, parent)


def show_error(parent: QWidget | None, text: str, title: str | None = None) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title or _("Cannot do that"), text)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, text: str, title: str | None = None) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title or _("Justice Desk"), text)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(
    parent: QWidget | None, text: str, *, yes: str, no: str | None = None, title: str | None = None
) -> bool:
    """Ask; ``yes`` names the action (``Delete``), never a bare "Yes"."""
    box = _box(parent, QMessageBox.Icon.Question, title or _("Please confirm"), text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(no or _("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def ask_save_changes(parent: QWidget | None) -> str:
    """``save``, ``discard`` or ``cancel`` for a form with unsaved changes."""
    box = _box(
        parent,
        QMessageBox.Icon.Question,
        _("Unsaved changes"),
        _("You have changes that are not saved yet. Save them?"),
    )
    save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("Don't save"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "discard" if clicked is discard else "cancel"


def report_user_error(parent: QWidget | None, exc: UserError) -> None:
    show_error(parent, str(exc))


def install_exception_hook() -> None:
    """An unexpected exception anywhere: log it with its traceback, show a dialog, keep running."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, UserError):
            show_error(None, str(value))
            return
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        show_error(
            None,
            _(
                "Something unexpected went wrong. Your saved work is safe. The details were "
                "written to {log}; please send that file to your provincial office."
            ).format(log=paths.log_file()),
            _("Unexpected error"),
        )

    sys.excepthook = hook
