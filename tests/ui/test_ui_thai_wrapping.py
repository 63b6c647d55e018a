"""Wrapped text breaks only between Thai words (issue 11 §3, docs/architecture.md §15): the
labels lay their lines out with the documents' segmenter, on any platform, whatever Qt's own
Thai line breaking (libthai or none) would do; copying gives back the text without the breaks."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from justice_desk.ui.widgets.thai_label import LINE_BREAK, ThaiLabel, word_break_text


def shown_lines(label: ThaiLabel) -> list[str]:
    """The lines the label draws, as plain text."""
    text = label.display_text
    if label.is_rich():
        text = re.sub(r"<br>", LINE_BREAK, text)
        text = re.sub(r"<[^>]+>", "", text).replace("&nbsp;", "\u00a0")
    return [line.replace("\u00a0", " ").strip() for line in re.split(f"[{LINE_BREAK}\n]", text)]


def kept_whole(sample: str, joins: list[str], lines: list[str]) -> list[str]:
    """The joins (words, a number with its unit) that a line break cut in two."""
    return [j for j in joins if j in sample and not any(j in line for line in lines)]


@pytest.fixture
def screen_text(thai_samples) -> tuple[str, list[str]]:
    text, joins = thai_samples["screen"]
    return text, joins.split("|")


@pytest.fixture
def holder(qtbot):
    widget = QWidget()
    QVBoxLayout(widget)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_lines_break_only_between_words_at_every_width(qtbot, holder, screen_text) -> None:
    text, joins = screen_text
    label = ThaiLabel(text, holder)
    holder.layout().addWidget(label)
    widest_word = label.widest_word()
    seen_counts = set()
    for width in range(widest_word + 20, 900, 37):
        holder.resize(width, 400)
        qtbot.wait(1)
        QApplication.processEvents()
        lines = shown_lines(label)
        seen_counts.add(len(lines))
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "no text lost or added"
        assert kept_whole(text, joins, lines) == [], (width, lines)
        # every line fits the label, and the label is as tall as its lines
        metrics = label.fontMetrics()
        assert all(metrics.horizontalAdvance(line) <= label.width() + 2 for line in lines)
        assert label.height() >= label.heightForWidth(label.width()) - 1
    assert len(seen_counts) > 3, "the text wrapped onto different numbers of lines"


def test_rich_text_keeps_its_markup_and_its_words(qtbot, holder, screen_text) -> None:
    text, joins = screen_text
    label = ThaiLabel(f"<b>ศาลาเอนกประสงค์</b> — {text}", holder)
    holder.layout().addWidget(label)
    for width in (220, 320, 480):
        holder.resize(width, 400)
        QApplication.processEvents()
        assert label.display_text.startswith("<b>")
        lines = shown_lines(label)
        assert kept_whole(text, joins, lines) == [], (width, lines)
        assert len(lines) > 1


def test_copying_gives_back_the_text_without_the_breaks(qtbot, holder, screen_text) -> None:
    from PySide6.QtCore import Qt

    text, _joins = screen_text
    label = ThaiLabel(text, holder)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    holder.layout().addWidget(label)
    holder.resize(260, 400)
    QApplication.processEvents()
    assert LINE_BREAK in label.display_text
    assert label.text() == text
    assert label.copy_text() == text
    label.setSelection(0, len(label.display_text))
    assert label.copy_text() == text
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text


def test_text_for_qt_to_wrap_gets_zero_width_spaces_between_words(screen_text) -> None:
    text, joins = screen_text
    marked = word_break_text(text)
    assert marked.replace("\u200b", "").replace("\u00a0", " ") == text
    pieces = re.split("[\u200b ]", marked)
    for join in joins:
        assert join.replace(" ", "\u00a0") in marked or join in pieces, join
    assert "ศาลา\u200bเอนกประสงค์" in marked


@pytest.mark.parametrize("point_size", [10, 16])
def test_message_boxes_break_only_between_words(qtbot, screen_text, point_size: int) -> None:
    """Qt wraps a message box's text itself (``กู้|คืน`` in the restore question): the box is
    given its lines already broken between words, each narrower than the label Qt lays out,
    so Qt breaks nothing; the box still answers the text it was given."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QLabel, QMessageBox

    from justice_desk.ui.dialogs import MessageBox

    text, joins = screen_text
    text = "กู้คืนข้อมูลจากสำเนาสำรองของวันที่ 14 ม.ค. 2569 หรือไม่ " + text
    joins = [*joins, "กู้คืน", "สำเนาสำรอง"]
    box = MessageBox(QMessageBox.Icon.Question, "ยืนยัน", text)
    qtbot.addWidget(box)
    font = QFont(box.font())
    font.setPointSize(point_size)
    box.setFont(font)
    box.show()
    qtbot.waitExposed(box)
    assert box.text() == text
    label = box.findChild(QLabel, "qt_msgbox_label")
    shown = label.text()
    lines = [line.strip() for line in re.split(f"[{LINE_BREAK}\n]", shown.replace("\u00a0", " "))]
    assert len(lines) > 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert kept_whole(text, joins, lines) == [], lines
    metrics = label.fontMetrics()
    room = label.contentsRect().width()
    drawn = re.split(f"[{LINE_BREAK}\n]", shown)  # as drawn: a no-break space keeps "§ 6" whole
    assert all(metrics.horizontalAdvance(line.strip()) <= room for line in drawn), (room, drawn)
