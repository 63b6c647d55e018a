"""The user guide (F1, Help → User guide): Markdown chapters shipped in the package, shown in a
window with a table of contents, back and forward, find in the chapter, and context help.

The guide lives in ``justice_desk/data/guide/<language>/<chapter>.md`` (Thai and English, the
same chapters and anchors) with its pictures in ``justice_desk/data/guide/images``. A heading
names its anchor after it, ``## Attendance {#attendance}``: the anchor is taken out before Qt
renders the Markdown and remembered, so that a link ``meetings.md#attendance``, the table of
contents and F1 on a page (``PAGE_TOPICS``) open the chapter at that heading. Thai lines get
zero-width spaces between words (the segmenter the labels use, architecture.md §15), so that
Qt breaks lines only between Thai words; finding text ignores them. Pictures are scaled down to
the width of the window. docs/architecture.md §18.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from justice_desk import i18n, paths
from justice_desk.i18n import _

# The chapters in reading order; a file of each name is in every language's folder.
CHAPTERS = ("setup", "daily-work", "meetings", "mediation", "sync", "backups")

# F1 on a page opens the guide here: (chapter, anchor or None for the chapter's top).
PAGE_TOPICS: dict[str, tuple[str, str | None]] = {
    "people": ("daily-work", "people"),
    "committee": ("daily-work", "committee"),
    "meetings": ("meetings", None),
    "cases": ("mediation", None),
    "activities": ("daily-work", "activities"),
    "sync": ("sync", None),
    "dashboard": ("sync", "province"),
    "escalations": ("mediation", "escalation"),
}

ZWSP = "\u200b"
_ANCHORED_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*\{#([a-z0-9-]+)\}\s*$")
_THAI = re.compile("[\u0e01-\u0e5b]")


def guide_root() -> Path:
    return paths.package_data("guide")


def guide_dir(language: str | None = None) -> Path:
    """The folder of the guide in ``language`` (the app's language by default; Thai when the
    language has no guide)."""
    chosen = language or i18n.language()
    folder = guide_root() / chosen
    return folder if folder.is_dir() else guide_root() / "th"


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    anchor: str | None


@dataclass(frozen=True)
class Chapter:
    key: str
    path: Path
    title: str
    headings: tuple[Heading, ...]

    def anchors(self) -> tuple[str, ...]:
        return tuple(h.anchor for h in self.headings if h.anchor)

    def title_of(self, anchor: str) -> str | None:
        return next((h.title for h in self.headings if h.anchor == anchor), None)


def parse_markdown(text: str) -> tuple[str, tuple[Heading, ...]]:
    """The Markdown without the ``{#anchor}`` marks, and its headings (outside code blocks)."""
    out: list[str] = []
    headings: list[Heading] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found = _ANCHORED_HEADING.match(line)
            if found:
                hashes, title, anchor = found.groups()
                line = f"{hashes} {title}"
                headings.append(Heading(len(hashes), title, anchor))
            else:
                hashes, _sep, title = line.partition(" ")
                if set(hashes) == {"#"}:
                    headings.append(Heading(len(hashes), title.strip(), None))
        out.append(line)
    return "\n".join(out) + "\n", tuple(headings)


@functools.cache
def _chapter(path: Path, mtime: float) -> tuple[str, tuple[Heading, ...]]:
    return parse_markdown(path.read_text(encoding="utf-8"))


def load_chapter(path: Path) -> tuple[str, tuple[Heading, ...]]:
    return _chapter(path, path.stat().st_mtime)


def chapters(language: str | None = None) -> list[Chapter]:
    """The guide's chapters in reading order."""
    folder = guide_dir(language)
    found = []
    for key in CHAPTERS:
        path = folder / f"{key}.md"
        _text, headings = load_chapter(path)
        title = next((h.title for h in headings if h.level == 1), key)
        found.append(Chapter(key, path, title, headings))
    return found


@functools.cache
def _thai_breaks(line: str) -> str:
    from justice_desk.ui.widgets.thai_label import plain_units

    units = plain_units(line)
    pieces = []
    for i, unit in enumerate(units):
        pieces.append(unit.measure)
        if unit.trailing:
            pieces.append(unit.trailing)
        elif i + 1 < len(units) and _THAI.match(unit.measure[-1:]):
            pieces.append(ZWSP)
    return "".join(pieces)


def with_thai_breaks(markdown: str) -> str:
    """Zero-width spaces between Thai words of running text (not in headings' anchors, links'
    targets or code), so that Qt breaks lines between words only."""
    out = []
    fenced = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not _THAI.search(line):
            out.append(line)
            continue
        # Leave link and image targets ``](…)`` untouched.
        parts = re.split(r"(\]\([^)]*\))", line)
        out.append("".join(p if p.startswith("](") else _thai_breaks(p) for p in parts))
    return "\n".join(out)


class GuideBrowser(QTextBrowser):
    """A QTextBrowser that reads the guide's Markdown (anchors taken out, Thai word breaks put
    in), scrolls to a heading's anchor, and scales pictures to its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideBrowser")
        self.setOpenLinks(True)
        self.setOpenExternalLinks(True)
        self.headings: tuple[Heading, ...] = ()

    def loadResource(self, type_: int, name: QUrl | str) -> object:  # noqa: N802 - Qt naming
        kind = QTextDocument.ResourceType
        url = QUrl(name)
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if type_ in (kind.MarkdownResource, kind.HtmlResource) and path.suffix == ".md":
                if not path.is_file():
                    return _("This part of the guide is missing: {name}").format(name=path.name)
                text, self.headings = load_chapter(path)
                return with_thai_breaks(text)
            if type_ == kind.ImageResource and path.is_file():
                image = QImage(str(path))
                width = max(320, self.viewport().width() - 32)
                if image.width() > width:
                    image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
                return image
        return super().loadResource(type_, name)

    def doSetSource(  # noqa: N802 - Qt naming
        self,
        name: QUrl | str,
        /,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        super().doSetSource(name, type)
        self.scroll_to(QUrl(name).fragment())

    def scroll_to(self, anchor: str) -> bool:
        """Show the heading with this anchor at the top; the chapter's top for none."""
        if not anchor:
            self.verticalScrollBar().setValue(0)
            self.moveCursor(QTextCursor.MoveOperation.Start)
            return True
        title = next((h.title for h in self.headings if h.anchor == anchor), None)
        if title is None:
            return False
        wanted = title.replace(ZWSP, "")
        block = self.document().begin()
        while block.isValid():
            if (
                block.blockFormat().headingLevel() > 0
                and block.text().replace(ZWSP, "").strip() == wanted
            ):
                rect = self.document().documentLayout().blockBoundingRect(block)
                self.setTextCursor(QTextCursor(block))
                self.verticalScrollBar().setValue(int(rect.top()))
                return True
            block = block.next()
        return False

    def find_text(self, needle: str, *, backward: bool = False) -> bool:
        """Select the next (or previous) place of ``needle`` after the cursor, ignoring case and
        the inserted word breaks; wraps round at the end."""
        needle = needle.replace(ZWSP, "").lower()
        if not needle:
            return False
        plain = self.document().toPlainText()
        kept = [i for i, ch in enumerate(plain) if ch != ZWSP]
        stripped = "".join(plain[i] for i in kept).lower()
        cursor = self.textCursor()
        here = cursor.selectionStart() if backward else cursor.selectionEnd()
        start = next((k for k, i in enumerate(kept) if i >= here), len(kept))
        if backward:
            found = stripped.rfind(needle, 0, max(0, start + len(needle) - 1))
            if found < 0 or kept[found] >= here:
                found = stripped.rfind(needle, 0, start)
            if found < 0:
                found = stripped.rfind(needle)
        else:
            found = stripped.find(needle, start)
            if found < 0:
                found = stripped.find(needle)
        if found < 0:
            return False
        selection = QTextCursor(self.document())
        selection.setPosition(kept[found])
        selection.setPosition(kept[found + len(needle) - 1] + 1, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(selection)
        self.ensureCursorVisible()
        return True


class HelpViewer(QWidget):
    """The guide's window: contents on the left, the chapter on the right, a find bar."""

    def __init__(self, language: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpViewer")
        self.setWindowTitle(_("Justice Desk user guide"))
        self.chapters = chapters(language)
        self.browser = GuideBrowser(self)
        self.browser.setSearchPaths([str(guide_dir(language))])
        self.contents = QTreeWidget(self)
        self.contents.setObjectName("guideContents")
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(_("Contents of the guide"))
        self.contents.setWordWrap(True)
        for chapter in self.chapters:
            top = QTreeWidgetItem([chapter.title])
            top.setData(0, Qt.ItemDataRole.UserRole, (chapter.key, ""))
            for heading in chapter.headings:
                if heading.level == 2 and heading.anchor:
                    item = QTreeWidgetItem([heading.title])
                    item.setData(0, Qt.ItemDataRole.UserRole, (chapter.key, heading.anchor))
                    top.addChild(item)
            self.contents.addTopLevelItem(top)
        self.contents.itemActivated.connect(self._open_item)
        self.contents.itemClicked.connect(self._open_item)

        self.back_button = QPushButton(_("◀ Back"), self)
        self.back_button.setToolTip(_("Back (Alt+Left)"))
        self.forward_button = QPushButton(_("Forward ▶"), self)
        self.forward_button.setToolTip(_("Forward (Alt+Right)"))
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.find_field = QLineEdit(self)
        self.find_field.setObjectName("guideFind")
        self.find_field.setPlaceholderText(_("Find in this chapter (Ctrl+F)"))
        self.find_field.setAccessibleName(_("Find in this chapter"))
        self.find_field.setClearButtonEnabled(True)
        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.textEdited.connect(self._find_as_typed)
        self.find_next_button = QPushButton(_("Next"), self)
        self.find_next_button.setToolTip(_("Next place (Enter or F3)"))
        self.find_next_button.clicked.connect(self.find_next)
        self.find_previous_button = QPushButton(_("Previous"), self)
        self.find_previous_button.setToolTip(_("Previous place (Shift+F3)"))
        self.find_previous_button.clicked.connect(self.find_previous)
        self.find_status = QLabel("", self)
        self.find_status.setObjectName("guideFindStatus")

        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.forward_button)
        bar.addSpacing(12)
        bar.addWidget(self.find_field, 1)
        bar.addWidget(self.find_previous_button)
        bar.addWidget(self.find_next_button)
        bar.addWidget(self.find_status)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.contents.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 10)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_find),
            (QKeySequence.StandardKey.FindNext, self.find_next),
            (QKeySequence.StandardKey.FindPrevious, self.find_previous),
            (QKeySequence.StandardKey.Back, self.browser.backward),
            (QKeySequence.StandardKey.Forward, self.browser.forward),
            (QKeySequence("Alt+Left"), self.browser.backward),
            (QKeySequence("Alt+Right"), self.browser.forward),
            (QKeySequence("Esc"), self._escape),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.browser.sourceChanged.connect(self._source_changed)
        self._fit_to_screen()

    # -- opening ------------------------------------------------------------------------

    def chapter(self, key: str) -> Chapter:
        return next(c for c in self.chapters if c.key == key)

    def open_topic(self, chapter: str, anchor: str | None = None) -> None:
        """Show ``chapter`` at the heading ``anchor`` (its top for none)."""
        if chapter not in CHAPTERS:
            chapter, anchor = CHAPTERS[0], None
        url = QUrl.fromLocalFile(str(self.chapter(chapter).path))
        if anchor:
            url.setFragment(anchor)
        self.browser.setSource(url, QTextDocument.ResourceType.MarkdownResource)
        if anchor:
            # The first layout of a new chapter may come after doSetSource: scroll again.
            self.browser.scroll_to(anchor)

    def open_for_page(self, page_key: str | None) -> None:
        """Context help: the chapter about the page a person is on."""
        chapter, anchor = PAGE_TOPICS.get(page_key or "", (CHAPTERS[0], None))
        self.open_topic(chapter, anchor)

    def current_topic(self) -> tuple[str, str]:
        """(chapter key, anchor) shown now."""
        source = self.browser.source()
        return Path(source.toLocalFile()).stem, source.fragment()

    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key, anchor = item.data(0, Qt.ItemDataRole.UserRole)
        self.open_topic(key, anchor or None)

    def _source_changed(self, url: QUrl) -> None:
        # The URL given, not source(): Qt emits this before the first chapter's source is set.
        key, anchor = Path(url.toLocalFile()).stem, url.fragment()
        self.find_status.setText("")
        for i in range(self.contents.topLevelItemCount()):
            top = self.contents.topLevelItem(i)
            if top is None or top.data(0, Qt.ItemDataRole.UserRole)[0] != key:
                continue
            chosen = top
            for j in range(top.childCount()):
                child = top.child(j)
                if child is not None and child.data(0, Qt.ItemDataRole.UserRole)[1] == anchor:
                    chosen = child
            top.setExpanded(True)
            self.contents.blockSignals(True)
            self.contents.setCurrentItem(chosen)
            self.contents.blockSignals(False)

    # -- finding ------------------------------------------------------------------------

    def focus_find(self) -> None:
        self.find_field.setFocus()
        self.find_field.selectAll()

    def _find(self, backward: bool) -> bool:
        found = self.browser.find_text(self.find_field.text(), backward=backward)
        self.find_status.setText(
            "" if found or not self.find_field.text() else _("Not found in this chapter")
        )
        return found

    def find_next(self) -> bool:
        return self._find(False)

    def find_previous(self) -> bool:
        return self._find(True)

    def _find_as_typed(self, _text: str) -> None:
        cursor = self.browser.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.browser.setTextCursor(cursor)
        self._find(False)

    def _escape(self) -> None:
        if self.find_field.hasFocus() and self.find_field.text():
            self.find_field.clear()
            self.browser.setFocus()
        else:
            self.close()

    # -- size ---------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen else QSize(1366, 728)
        width = min(1100, available.width() - 40)
        height = min(760, available.height() - 60)
        self.resize(max(480, width), max(360, height))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(1000, 700)
