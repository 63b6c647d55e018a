"""Work-arounds for defects of the Qt binding that would crash the app.

``SignalInstance.emit`` of PySide6 6.12 on CPython 3.11 hands back ``True`` without a reference
of its own, and the caller releases it: every ``signal.emit(...)`` made from Python takes one
reference away from ``True``. The job runner alone emits several times per job (progress,
result, finished), so after some hours of work the count reaches zero and Python stops with
"Fatal Python error: bool_dealloc: deallocating True or False", most often at quit, when the
interpreter releases what still points at ``True`` (docs/architecture.md §4, issue 11 §19).
``SignalInstance.disconnect`` has the same defect. Python 3.12 and newer make ``True``
immortal, and a fixed binding gives the reference back, so the work-around is installed only
where a probe at start-up sees the loss.

The same binding loses a reference to ``None`` at every call of a method that returns nothing
(``setText``, ``resize``, ``QFont.setBold``…): tens of thousands of them in a few minutes of
laying out Thai text at a large size, and Python stops with "Fatal Python error: none_dealloc".
There are far too many such calls to wrap, so where the probe sees the loss ``None`` is made
immortal the way Python 3.12 makes it: its reference count is raised so far that no session
could ever bring it down to zero.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

_installed = False
_PROBES = 16


def _probe(method: str) -> int:
    """How many references to ``True`` ``_PROBES`` calls of ``SignalInstance.<method>`` lose."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    def slot() -> None:
        pass

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        if method == "emit":
            probe.ping.emit()
        else:
            probe.ping.connect(slot)
            probe.ping.disconnect(slot)
    lost = before - sys.getrefcount(True)
    if lost > 0:  # the probe itself must not leave True poorer
        _give_back(True, lost)
    return lost


def emit_loses_a_reference() -> bool:
    """True when each ``emit`` from Python takes a reference from the object it returns."""
    return _probe("emit") >= _PROBES


def _give_back(obj: object, count: int = 1) -> None:
    for _ in range(count):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def _wrap(method: str) -> None:
    from PySide6.QtCore import SignalInstance

    original: Callable[..., Any] = getattr(SignalInstance, method)

    def fixed(self: Any, *args: Any) -> Any:
        result = original(self, *args)
        _give_back(result)
        return result

    fixed.__doc__ = original.__doc__
    fixed.__name__ = method
    setattr(SignalInstance, method, fixed)


#: What ``None``'s reference count is raised by (Python 3.12 keeps immortal objects at 2**32-1;
#: a session losing a reference per Qt call would need centuries to use this up).
_IMMORTAL = 1 << 40
_none_fixed = False


def void_call_loses_none() -> bool:
    """True when each call of a Qt method returning nothing takes a reference from ``None``."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost > 0:
        _give_back(None, lost)
    return lost >= _PROBES


def _keep_none_alive() -> None:
    global _none_fixed
    if _none_fixed or sys.version_info >= (3, 12) or not void_call_loses_none():
        return
    # CPython keeps the reference count first in every object (Py_ssize_t ob_refcnt).
    count = ctypes.c_ssize_t.from_address(id(None))
    count.value += _IMMORTAL
    _none_fixed = True


def install() -> bool:
    """Give ``emit`` and ``disconnect`` (which has the same defect: it returns ``True``
    borrowed) the reference they forget, where they forget it; idempotent. True when the
    work-around is active."""
    global _installed
    if sys.implementation.name != "cpython":
        return False
    _keep_none_alive()
    if _installed:
        return True
    lossy = [m for m in ("emit", "disconnect") if _probe(m) >= _PROBES]
    for method in lossy:
        _wrap(method)
    _installed = bool(lossy)
    return _installed


def active() -> bool:
    return _installed
