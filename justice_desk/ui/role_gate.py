"""Write buttons the signed-in role cannot use: disabled, with a tooltip saying why.

A page marks a button with ``gate(button, ctx, Permission.PEOPLE)``; the permissions come from
``domain/access.py``'s table (``Actor.may``), the one source of truth the services check too.
The button stays disabled whatever the page does with it (a page enabling Delete when a row is
chosen), and gets back the state the page wants when a role that may use it signs in
(``apply_gates``, called by ``login.apply_role`` after a switch of user). The services refuse
all the same (services/access.py); this only spares people a button that would refuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

from justice_desk.domain.access import Actor, Permission
from justice_desk.i18n import _

if TYPE_CHECKING:
    from justice_desk.ui.context import AppContext

GATE_PROPERTY = "roleGate"

#: Why ``actor`` may not use a button ("" when they may): for a button whose answer depends on
#: the record shown as well as the role (a mediator works only the cases they mediate).
Rule = Callable[[Actor], str]


def why_not(actor: Actor, permissions: tuple[Permission, ...], what: str | None = None) -> str:
    """The tooltip of a button the role cannot use ("" when it can)."""
    from justice_desk.services.access import WHAT

    if any(actor.may(p) for p in permissions):
        return ""
    role = actor.role.label() if actor.role is not None else "-"
    writes = permissions[0] not in (Permission.PRINT, Permission.EXPORT)
    if writes and not actor.permissions - {Permission.READ_ALL}:
        return _("Your role ({role}) can read but not change records.").format(role=role)
    return _("Your role ({role}) may not {what}. Ask the coordinator if you need it.").format(
        role=role, what=what if what is not None else _(WHAT[permissions[0]])
    )


def case_work_reason(actor: Actor, mediates: Callable[[], bool]) -> str:
    """Why ``actor`` may not work on the case shown ("" when they may): the coordinator works
    every case, a mediator the cases they mediate (``mediates()``, asked only of a mediator),
    the other roles read (services/access.require_case decides the same)."""
    if actor.may(Permission.CASES):
        return ""
    if actor.may(Permission.ASSIGNED_CASES):
        if mediates():
            return ""
        return _(
            "You work only on the cases you mediate, and this case is not one of them. Ask the "
            "coordinator if you need it."
        )
    return why_not(actor, (Permission.CASES,))


class RoleGate(QObject):
    """Keeps one widget disabled while the role may not use it (an event filter on its
    enabled changes), remembering what the page itself asked for: its enabled state and its
    tooltip, which come back when a role that may use it signs in."""

    def __init__(
        self,
        widget: QWidget,
        permissions: tuple[Permission, ...],
        what: str | None,
        rule: Rule | None = None,
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.permissions = permissions
        self.what = what
        self.rule = rule
        self.allowed = True
        self.reason = ""
        self.wanted = not widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
        self.tooltip = widget.toolTip()
        self._applying = False
        widget.installEventFilter(self)

    def why_not(self, actor: Actor) -> str:
        reasons = [why_not(actor, self.permissions, self.what)] if self.permissions else []
        if self.rule is not None:
            reasons.append(self.rule(actor))
        return next((r for r in reasons if r), "")

    def apply(self, actor: Actor) -> None:
        self.reason = self.why_not(actor)
        self.allowed = not self.reason
        self._applying = True
        try:
            self.widget.setToolTip(self.reason or self.tooltip)
            self.widget.setEnabled(self.wanted if self.allowed else False)
        finally:
            self._applying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (
            watched is self.widget
            and event.type() == QEvent.Type.ToolTipChange
            and not self._applying
        ):
            # the page said what the button does (or why it waits): remember it, and keep
            # saying why the role may not while it may not
            self.tooltip = self.widget.toolTip()
            if not self.allowed and self.tooltip != self.reason:
                self._applying = True
                try:
                    self.widget.setToolTip(self.reason)
                finally:
                    self._applying = False
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
    widget: QWidget,
    ctx: AppContext,
    *permissions: Permission,
    what: str | None = None,
    rule: Rule | None = None,
) -> QWidget:
    """Disable ``widget`` (with a tooltip saying why) unless the signed-in role has one of
    ``permissions`` and ``rule`` (if any) lets them; ``what`` says what it does when the
    permission's own words do not fit. Gate a widget again when what it acts on changes
    (``apply_gates``)."""
    if not permissions and rule is None:
        return widget
    found = widget.findChild(RoleGate, options=Qt.FindChildOption.FindDirectChildrenOnly)
    keeper = found if isinstance(found, RoleGate) else RoleGate(widget, permissions, what, rule)
    widget.setProperty(GATE_PROPERTY, True)
    keeper.apply(ctx.db.actor)
    return widget


def apply_gates(root: QWidget, actor: Actor) -> None:
    """After a switch of user: every gated widget under ``root`` follows the new role."""
    for keeper in root.findChildren(RoleGate):
        keeper.apply(actor)
