"""The one way editors know they hold unsaved changes, and ask before they are lost.

Every editor (the person and activity forms of a ``RecordPage``, each section of the case view
and the intake form, the meeting editor) owns a ``DirtyTracker``:

- ``watch(*widgets)`` connects the widgets' change signals; programmatic filling happens inside
  ``with tracker.loading():`` and does not count;
- ``touch(part)`` marks a change by hand (the meeting editor names its parts — ``details``,
  ``attendance``, ``agenda`` — and saves only those; others use the default part);
- ``dirty``, ``parts`` and ``reset()`` / ``clean(part)``; ``on_change(dirty)`` drives the
  "not saved" indicators (the "Save •" button, the enabled Save and Undo buttons).

``resolve_unsaved`` is the one prompt: nothing unsaved → go on; otherwise "Save / Don't save /
Cancel", where Save runs the editor's save (in the job runner) and goes on only if it worked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from justice_desk.ui import dialogs
from justice_desk.ui.widgets.date_edit import BeDateEdit

DEFAULT_PART = "form"


class DirtyTracker:
    """Notices changes in the watched widgets (or marked by hand), except while loading."""

    def __init__(self, on_change: Callable[[bool], None] | None = None) -> None:
        self.parts: set[str] = set()
        self._loading = 0
        self._listeners: list[Callable[[bool], None]] = [on_change] if on_change else []

    # -- state ------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return bool(self.parts)

    @property
    def is_loading(self) -> bool:
        return self._loading > 0

    def on_change(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(dirty)`` whenever a change is noticed or the tracker is reset."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in self._listeners:
            listener(self.dirty)

    def touch(self, part: str = DEFAULT_PART) -> None:
        """The user changed ``part`` (ignored while loading)."""
        if self._loading:
            return
        self.parts.add(part)
        self._notify()

    def clean(self, *parts: str) -> None:
        """These parts were saved (or thrown away)."""
        before = self.dirty
        self.parts.difference_update(parts)
        if before != self.dirty:
            self._notify()

    def reset(self) -> None:
        """Everything is saved, discarded or freshly loaded."""
        self.parts.clear()
        self._notify()

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """Fill the form inside this block: programmatic changes are not the user's edits."""
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1

    # -- widgets ----------------------------------------------------------------------------

    def watch(self, *widgets: QWidget, part: str = DEFAULT_PART) -> None:
        def mark(*_args: object) -> None:
            self.touch(part)

        for w in widgets:
            if isinstance(w, BeDateEdit):
                w.line.textChanged.connect(mark)
                w.dateChanged.connect(mark)
            elif isinstance(w, QLineEdit):
                w.textChanged.connect(mark)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(mark)
                if w.isEditable():
                    w.editTextChanged.connect(mark)
            elif isinstance(w, (QPlainTextEdit, QTextEdit)):
                w.textChanged.connect(mark)
            elif isinstance(w, QSpinBox | QDoubleSpinBox):
                w.valueChanged.connect(mark)
            elif isinstance(w, (QCheckBox, QAbstractButton)):
                w.toggled.connect(mark)


def resolve_unsaved(
    parent: QWidget | None,
    dirty: bool,
    save: Callable[[], bool],
    discard: Callable[[], None],
) -> bool:
    """True when it is fine to show something else: nothing unsaved, saved, or discarded.

    ``save`` must finish before it returns (editors wait for their save job in a local event
    loop, see ``operations.call_and_wait``), so that the caller can go on right away.
    """
    if not dirty:
        return True
    answer = dialogs.ask_save_changes(parent)
    if answer == "save":
        return save()
    if answer == "discard":
        discard()
        return True
    return False
