"""“Already on file?”: the people already recorded who may be the person being typed
(docs/domain.md §11), each with a button that opens them.

The People page fills it from ``people.find_duplicates`` as a name, birth date or national ID is
typed, and from the refusal when a national ID already on file is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from justice_desk.i18n import _
from justice_desk.services.people import DuplicateCandidate
from justice_desk.ui.form_fields import WARNING_COLOR, WrapLabel

#: The national ID is taken: saving is refused.
REFUSED_COLOR = "#b71c1c"


class DuplicatePanel(QFrame):
    """A framed note above the form; hidden while there is nothing to say."""

    open_requested = Signal(object)  # the id of the person to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.candidates: list[DuplicateCandidate] = []
        self.heading = WrapLabel(self)
        self.heading.setObjectName("duplicateHeading")
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.open_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.heading)
        layout.addLayout(self.rows)
        self.setVisible(False)

    def clear(self) -> None:
        self.show_candidates([])

    def show_candidates(self, found: Sequence[DuplicateCandidate]) -> None:
        self.candidates = list(found)
        while self.rows.count():
            item = self.rows.takeAt(0)
            row = item.layout() if item is not None else None
            if row is None:
                continue
            while row.count():
                child = row.takeAt(0)
                widget = child.widget() if child is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.open_buttons = []
        if not self.candidates:
            self.setVisible(False)
            return
        taken = any(c.reason == "national_id" for c in self.candidates)
        if taken:
            self.heading.setText(
                _(
                    "This national ID is already on file. Open that person instead of adding "
                    "them again, or correct the ID:"
                )
            )
        else:
            self.heading.setText(
                _(
                    "Possibly already on file (an alike name and the same birth). "
                    "Check before adding this person again:"
                )
            )
        color = REFUSED_COLOR if taken else WARNING_COLOR
        self.heading.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.setStyleSheet(f"#duplicatePanel {{ border: 1px solid {color}; }}")
        for candidate in self.candidates:
            row = QHBoxLayout()
            label = WrapLabel(self)
            label.setText(candidate.describe())
            label.setObjectName("duplicateName")
            button = QPushButton(_("Open"), self)
            button.setObjectName("openDuplicate")
            button.setToolTip(_("Show this person's record instead"))
            button.clicked.connect(self._opener(candidate.id))
            row.addWidget(label, 1)
            row.addWidget(button)
            self.rows.addLayout(row)
            label.show()  # at once, also when the panel is already on screen
            button.show()
            self.open_buttons.append(button)
        self.setVisible(True)

    def _opener(self, person_id: uuid.UUID) -> Callable[[], None]:
        # A closure without parameters: ``clicked`` would fill a defaulted one with ``checked``
        # (tests/ui/test_ui_shortcuts.py keeps every slot in the UI so).
        return lambda: self._open(person_id)

    def _open(self, person_id: uuid.UUID) -> None:
        self.open_requested.emit(person_id)
