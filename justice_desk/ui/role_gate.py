"""Write buttons the signed-in role cannot use: disabled, with a tooltip saying why.

A page marks a button with ``gate(button, ctx, Permission.PEOPLE)``; the permissions come from
``domain/access.py``'s table (``Actor.may``), the one source of truth the services check too.
The button stays disabled whatever the page does with it (a page enabling Delete when a row is
chosen), and gets back the state the page wants when a role that may use it signs in
(``apply_gates``, called by ``login.apply_role`` after a switch of user). The services refuse
all the same (services/access.py); this only spares people a button that would refuse them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

from justice_desk.domain.access import Actor, Permission
from justice_desk.i18n import _

if TYPE_CHECKING:
    from justice_desk.ui.context import AppContext

GATE_PROPERTY = "roleGate"


def why_not(actor: Actor, permissions: tuple[Permission, ...], what: str | None = None) -> str:
    """The tooltip of a button the role cannot use ("" when it can)."""
    from justice_desk.services.access import WHAT

    if any(actor.may(p) for p in permissions):
        return ""
    role = actor.role.label() if actor.role is not None else "-"
    if not actor.permissions - {Permission.READ_ALL}:
        return _("Your role ({role}) can read but not change records.").format(role=role)
    return _("Your role ({role}) may not {what}. Ask the coordinator if you need it.").format(
        role=role, what=what if what is not None else _(WHAT[permissions[0]])
    )


class RoleGate(QObject):
    """Keeps one widget disabled while the role may not use it (an event filter on its
    enabled changes), remembering what the page itself asked for."""

    def __init__(
        self, widget: QWidget, permissions: tuple[Permission, ...], what: str | None
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.permissions = permissions
        self.what = what
        self.allowed = True
        self.wanted = not widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
        self.tooltip = widget.toolTip()
        self._applying = False
        widget.installEventFilter(self)

    def apply(self, actor: Actor) -> None:
        reason = why_not(actor, self.permissions, self.what)
        self.allowed = not reason
        self._applying = True
        try:
            self.widget.setToolTip(reason or self.tooltip)
            self.widget.setEnabled(self.wanted if self.allowed else False)
        finally:
            self._applying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (
            watched is self.widget
            and event.type() == QEvent.Type.EnabledChange
            and not self._applying
        ):
            # the page enabled or disabled it: remember; a refused role keeps it disabled
            explicit = not self.widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
            self.wanted = explicit
            if explicit and not self.allowed:
                self._applying = True
                try:
                    self.widget.setEnabled(False)
                finally:
                    self._applying = False
        return False


def gate(
    widget: QWidget, ctx: AppContext, *permissions: Permission, what: str | None = None
) -> QWidget:
    """Disable ``widget`` (with a tooltip saying why) unless the signed-in role has one of
    ``permissions``; ``what`` says what it does when the permission's own words do not fit."""
    if not permissions:
        return widget
    found = widget.findChild(RoleGate, options=Qt.FindChildOption.FindDirectChildrenOnly)
    keeper = found if isinstance(found, RoleGate) else RoleGate(widget, permissions, what)
    widget.setProperty(GATE_PROPERTY, True)
    keeper.apply(ctx.db.actor)
    return widget


def apply_gates(root: QWidget, actor: Actor) -> None:
    """After a switch of user: every gated widget under ``root`` follows the new role."""
    for keeper in root.findChildren(RoleGate):
        keeper.apply(actor)
