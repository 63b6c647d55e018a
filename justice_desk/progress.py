"""Progress reporting and cancellation for long work, free of any GUI toolkit.

Service functions that may take long accept ``progress`` and ``cancel`` arguments; the GUI's job
runner adapts them to Qt signals, the command line to plain text, tests to lists.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from justice_desk.errors import Cancelled

#: ``progress(done, total, message)``; ``total`` may be 0 when unknown.
ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """A flag the GUI sets and long work checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


NEVER_CANCELLED = CancelToken()
