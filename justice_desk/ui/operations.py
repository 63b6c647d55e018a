"""Writes from the GUI: in the job runner, one at a time per editor, and announced to every page.

The idea is Anki's ``CollectionOp`` and ``OpChanges`` (qt/aqt/operations), kept small:

- ``run_write(owner, ctx, title, fn, *args, changes={"people"}, on_done=…)`` runs the service
  call in the job runner (the database may be busy for up to the 20 s busy timeout; the window
  keeps working meanwhile). The ``busy`` widgets (the Save button…) are disabled until it ends,
  so a second click cannot write twice; a second write from the same ``owner`` while one runs is
  refused.
- A refusal (``UserError``, ``ValidationError`` with its field) reaches ``on_refused`` with the
  exception itself on the GUI thread; without ``on_refused`` it is shown in the usual error
  dialog. Anything unexpected is logged by the runner and shown as its generic message.
- After ``on_done`` the app-wide ``ctx.records_changed`` signal carries the kinds of records
  written (``RECORD_KINDS``) and the ``owner``; pages that show those kinds refresh
  (``pages.base.Page.records_changed``), the owner itself excepted.
- ``call_and_wait`` is for the few places that must know the outcome before going on (the
  "Save" answer of the unsaved-changes prompt, a save before printing): the job still runs in
  the runner and the GUI thread keeps processing events in a local loop, as a modal dialog does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtWidgets import QWidget

from justice_desk.errors import UserError
from justice_desk.ui import dialogs

if TYPE_CHECKING:
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import Job

#: What ``records_changed`` may name (a page refreshes when it shows one of them).
RECORD_KINDS = frozenset(
    {"people", "cases", "meetings", "committee", "activities", "sync", "escalations", "accounts"}
)

_in_flight: set[Job] = set()


class RecordsChanged(QObject):
    """Holder of the app-wide signal (``AppContext.records_changed``)."""

    records_changed = Signal(object, object)  # frozenset[str] kinds, the object that wrote


@dataclass(frozen=True)
class _Refused:
    error: UserError


def _guarded(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run on the worker: a refusal comes back as a value, with its field, not as a string."""
    try:
        return fn(*args, **kwargs)
    except UserError as exc:
        return _Refused(exc)


def in_flight() -> int:
    """How many writes started here have not finished (tests wait for 0)."""
    return len(_in_flight)


def writing(owner: QObject) -> bool:
    return any(getattr(job, "owner", None) is owner for job in _in_flight)


def run_write(
    owner: QWidget,
    ctx: AppContext,
    title: str,
    fn: Callable[..., Any],
    *args: Any,
    changes: Iterable[str],
    on_done: Callable[[Any], None] | None = None,
    on_refused: Callable[[UserError], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    busy: Sequence[QWidget] = (),
    **kwargs: Any,
) -> Job | None:
    """Start ``fn(*args, **kwargs)`` in the job runner; ``None`` when ``owner`` is already
    writing (the click is ignored)."""
    kinds = frozenset(changes)
    unknown = kinds - RECORD_KINDS
    assert not unknown, f"unknown record kinds {unknown}"
    if writing(owner):
        return None
    disabled = [w for w in busy if w.isEnabled()]
    for widget in disabled:
        widget.setEnabled(False)

    settled: list[bool] = []

    def settle() -> None:
        """The write is over: the owner may write again, the buttons come back (before the
        result is shown, so that ``on_done`` can set them as they will stay)."""
        if settled:
            return
        settled.append(True)
        _in_flight.discard(job)
        for widget in disabled:
            if shiboken6.isValid(widget):
                widget.setEnabled(True)

    def succeeded(result: Any) -> None:
        settle()
        if isinstance(result, _Refused):
            if on_refused is not None:
                on_refused(result.error)
            elif shiboken6.isValid(owner):
                dialogs.show_error(owner, str(result.error))
            return
        if on_done is not None:
            on_done(result)
        if kinds:
            ctx.records_changed.emit(kinds, owner)

    def failed(message: str, _expected: bool) -> None:
        settle()
        if shiboken6.isValid(owner):
            dialogs.show_error(owner, message)

    def finished() -> None:
        settle()
        if on_finished is not None:
            on_finished()

    job = ctx.runner.run(title, _guarded, fn, args, kwargs, on_error=failed)
    job.owner = owner  # type: ignore[attr-defined]
    _in_flight.add(job)
    job.succeeded.connect(succeeded)
    job.finished.connect(finished)
    return job


def wait(job: Job | None) -> None:
    """Process events until ``job`` has finished (its callbacks have run)."""
    if job is None or job.done:
        return
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    if not job.done:
        loop.exec()


def call_and_wait(
    owner: QWidget,
    ctx: AppContext,
    title: str,
    fn: Callable[..., Any],
    *args: Any,
    changes: Iterable[str],
    on_refused: Callable[[UserError], None] | None = None,
    busy: Sequence[QWidget] = (),
    **kwargs: Any,
) -> tuple[bool, Any]:
    """``run_write`` and wait for it: ``(True, result)`` or ``(False, None)`` after the refusal
    was shown."""
    outcome: list[Any] = []
    job = run_write(
        owner,
        ctx,
        title,
        fn,
        *args,
        changes=changes,
        on_done=outcome.append,
        on_refused=on_refused,
        busy=busy,
        **kwargs,
    )
    wait(job)
    return (True, outcome[0]) if outcome else (False, None)
