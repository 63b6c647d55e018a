"""One job runner for all long work (demo generation, big searches, exports, imports, PDFs).

A job is a plain function from the services that accepts ``progress`` and ``cancel`` keyword
arguments and knows nothing of Qt. The runner runs it on the global ``QThreadPool`` and
delivers progress, the result or the error back on the GUI thread. Errors a person can act on
(``UserError``) become a readable message; anything else is logged with its traceback and shown
as a generic message — never a frozen window or a traceback on screen.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from justice_desk.errors import Cancelled, UserError
from justice_desk.i18n import _
from justice_desk.progress import CancelToken
from justice_desk.ui import qt_fixes

log = logging.getLogger(__name__)


class _Relay(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str, bool)  # message, expected (a UserError) or not
    cancelled = Signal()
    finished = Signal()


class Job(QObject):
    """A running job: connect to its signals; ``cancel()`` asks it to stop between steps."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str, bool)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.token = CancelToken()
        self.relay = _Relay()
        self.relay.progress.connect(self.progress)
        self.relay.succeeded.connect(self.succeeded)
        self.relay.failed.connect(self.failed)
        self.relay.cancelled.connect(self.cancelled)
        self.relay.finished.connect(self.finished)
        self.done = False
        self.cancellable = False
        self.announced = True

    def cancel(self) -> None:
        self.token.cancel()


def _unless_closed(callback: Callable[..., None]) -> Callable[..., None]:
    """``callback``, quiet when what it reports to was closed meanwhile.

    A job outlives the page or dialog that started it (it belongs to the runner): a search as
    the person types, or a check of the form, may answer after its window was closed, and its
    callback then touches a widget Qt has deleted ("Internal C++ object ... already deleted").
    Nobody is left to see the answer, so it is dropped (and logged) instead of shown as an
    unexpected error. Any other error is raised as before."""

    def call(*args: Any) -> None:
        try:
            callback(*args)
        except RuntimeError as exc:
            if "already deleted" not in str(exc):
                raise
            log.info("a job answered after its window was closed: %s", exc)

    return call


class _Runnable(QRunnable):
    def __init__(
        self,
        job: Job,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        takes_progress: bool,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.job, self.fn, self.args, self.kwargs, self.takes_progress = (
            job,
            fn,
            args,
            kwargs,
            takes_progress,
        )

    def run(self) -> None:
        relay = self.job.relay
        try:
            if self.takes_progress:
                result = self.fn(
                    *self.args, progress=relay.progress.emit, cancel=self.job.token, **self.kwargs
                )
            else:
                result = self.fn(*self.args, **self.kwargs)
            relay.succeeded.emit(result)
        except Cancelled:
            relay.cancelled.emit()
        except UserError as exc:
            relay.failed.emit(str(exc), True)
        except Exception:  # noqa: BLE001 - relayed to the GUI, never swallowed
            log.error("job %r failed:\n%s", self.job.title, traceback.format_exc())
            relay.failed.emit(
                _(
                    "Something went wrong while working on “{title}”. "
                    "The details were written to the log file."
                ).format(title=self.job.title),
                False,
            )
        finally:
            relay.finished.emit()


class GuiThreadGarbageCollector(QObject):
    """Run Python's cycle collector on the GUI thread only.

    Left automatic, the collector may run on a worker thread (whenever that thread allocates)
    and destroy Qt objects there, which crashes Qt. Anki does the same: collection disabled,
    then ``gc.collect()`` from a timer on the GUI thread.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 5000) -> None:
        import gc

        from PySide6.QtCore import QTimer

        super().__init__(parent)
        qt_fixes.install()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    @Slot()
    def collect(self) -> None:
        import gc

        gc.collect()


class JobRunner(QObject):
    """Runs jobs on a thread pool and keeps track of them (tests wait for ``idle``)."""

    job_started = Signal(object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        qt_fixes.install()  # every job emits several signals (see qt_fixes)
        self.pool = pool or QThreadPool.globalInstance()
        self._active: set[Job] = set()

    @property
    def active(self) -> int:
        return len(self._active)

    @property
    def busy(self) -> bool:
        """Work a person started and would lose by quitting (not a search as they type)."""
        return any(job.announced for job in self._active)

    def run(
        self,
        title: str,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[str, bool], None] | None = None,
        takes_progress: bool = False,
        announce: bool = True,
        **kwargs: Any,
    ) -> Job:
        """Start ``fn(*args, **kwargs)`` in the background (with ``progress``/``cancel`` when
        ``takes_progress``); callbacks run on the GUI thread. ``announce=False`` keeps a short
        job (a search as the user types) out of the status bar."""
        job = Job(title, self)
        job.cancellable = takes_progress
        job.announced = announce
        if on_success is not None:
            job.succeeded.connect(_unless_closed(on_success))
        if on_error is not None:
            job.failed.connect(_unless_closed(on_error))
        job.finished.connect(lambda: self._finished(job))
        self._active.add(job)
        if announce:
            self.job_started.emit(job)
        self.pool.start(_Runnable(job, fn, args, kwargs, takes_progress))
        return job

    @Slot()
    def _finished(self, job: Job) -> None:
        job.done = True
        self._active.discard(job)
        if not self._active:
            self.idle.emit()

    def cancel_all(self) -> None:
        for job in list(self._active):
            job.cancel()

    def wait_for_done(self, msecs: int = 30000) -> bool:
        """Block until the pool is empty (used at shutdown and by tests)."""
        return self.pool.waitForDone(msecs)
