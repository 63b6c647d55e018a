"""Messages and confirmations in the user's language.

PySide6 ships no Thai translation of Qt's own dialogs, so standard buttons get our own texts.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

from justice_desk import paths
from justice_desk.errors import UserError
from justice_desk.i18n import _

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


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(box.textFormat().PlainText)
    return box


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
