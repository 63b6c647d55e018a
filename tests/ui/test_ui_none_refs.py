"""Long sessions do not end in "Fatal Python error: none_dealloc" (found laying out the meeting
editor at 24 pt): PySide6 6.12 on CPython 3.11 loses a reference to ``None`` at every call of a
Qt method that returns nothing, and ``ui/qt_fixes`` keeps ``None`` alive where it does."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from justice_desk.ui import qt_fixes


def test_many_qt_calls_returning_nothing_leave_none_alive(qapp) -> None:
    qt_fixes.install()
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QLabel

    label, font = QLabel(), QFont()
    before = sys.getrefcount(None)
    for i in range(20000):
        label.setText(str(i % 7))
        font.setBold(bool(i % 2))
    after = sys.getrefcount(None)
    # Either the binding keeps its references (nothing was lost), or None was made immortal
    # and what was lost is nowhere near what it has.
    assert after >= before or after > 2**39


def test_a_process_making_a_million_such_calls_ends_cleanly(tmp_path) -> None:
    """More calls than ``None`` has references when the app starts: without the fix this
    process is killed by the interpreter ("deallocating None")."""
    script = tmp_path / "calls.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from PySide6.QtWidgets import QApplication, QLabel
            from justice_desk.ui import qt_fixes

            app = QApplication([])
            qt_fixes.install()
            label = QLabel()
            for i in range(1_000_000):
                label.setMinimumHeight(i % 3)
            print("done")
            """
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "done"
