"""Small dialogs whose OK writes through the job runner (``operations.run_write``), not on the GUI
thread: the committee's terms, seats and mediators, the end of a seat or of a membership.

A dialog's ``prepare()`` reads and checks its fields on the GUI thread and returns the write, a
function of no arguments that touches no widget; OK runs it in the runner with the OK button
disabled, so a second press cannot write twice and the window keeps working while the database
is busy. A refusal keeps the dialog open with its field outlined (``FormErrors``); success sets
``result_value`` and accepts, and ``ctx.records_changed`` tells the other pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.ui import operations
from justice_desk.ui.form_fields import ActionDialog, required_label
from justice_desk.ui.widgets.date_edit import BeDateEdit
from justice_desk.ui.widgets.thai_label import ThaiLabel

if TYPE_CHECKING:
    from justice_desk.ui.context import AppContext

Write = Callable[[], object]


class WritingDialog(ActionDialog):
    """An ``ActionDialog`` whose write runs in the job runner.

    ``owner`` is the page the dialog belongs to: it shows the result itself (``on_done`` of the
    caller, through ``accepted``), so ``records_changed`` refreshes the other pages only."""

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        ok_text: str,
        parent: QWidget | None = None,
        *,
        changes: Iterable[str],
        owner: QWidget | None = None,
    ) -> None:
        super().__init__(title, ok_text, parent)
        self.ctx = ctx
        self.changes = frozenset(changes)
        self.owner = owner or parent or self
        self.job: object = None  # the write started by OK, for tests

    def prepare(self) -> Write:
        """Check the fields (raise ``ValidationError`` with the field) and return the write."""
        raise NotImplementedError

    def perform(self) -> object:
        """The write at once, on this thread (``ActionDialog``'s contract; OK does not use it)."""
        return self.prepare()()

    def _try_accept(self) -> None:
        self.errors.clear()
        try:
            write = self.prepare()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.job = operations.run_write(
            self.owner,
            self.ctx,
            self.windowTitle(),
            write,
            changes=self.changes,
            on_done=self._written,
            on_refused=self._refused,
            busy=[self.ok_button],
        )
        if self.job is None:
            self.strip.warn(_("The last change is still being saved. Try again in a moment."))

    def _refused(self, exc: UserError) -> None:
        self.errors.show(exc)

    def _written(self, value: object) -> None:
        self.result_value = value
        self.accept()


class WritingDatePrompt(WritingDialog):
    """Ask for one date (the last day of a seat, of a membership) and write with it."""

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        label: str,
        ok_text: str,
        write: Callable[[dt.date], object],
        *,
        changes: Iterable[str],
        initial: dt.date | None = None,
        explanation: str | None = None,
        field: str = "date",
        parent: QWidget | None = None,
        owner: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, title, ok_text, parent, changes=changes, owner=owner)
        self._write = write
        if explanation:
            self.form.addRow(ThaiLabel(explanation, self))
        self.date = BeDateEdit(self, required=True)
        self.date.setDate(initial or dt.date.today())
        self.form.addRow(required_label(label), self.date)
        self.errors.add(field, self.date)
        self.errors.add("date", self.date)

    def prepare(self) -> Write:
        error = self.date.error()
        day = self.date.date()
        if error or day is None:
            raise ValidationError(error or _("This date is required."), "date")
        write = self._write
        return lambda: write(day)
