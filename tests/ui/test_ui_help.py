"""The user guide (ui/help_viewer.py): F1 and the Help menu on the real window open it at the
chapter about the page shown; the guide exists in Thai and English with the same chapters and
anchors and every picture it shows; the viewer finds text, goes back and forward, fits a
1366×768 laptop, and shows Thai; the terms the guide explains have tooltips on the screens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from justice_desk import i18n
from justice_desk.ui import help_viewer
from justice_desk.ui.help_viewer import CHAPTERS, PAGE_TOPICS, ZWSP, HelpViewer

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "justice_desk" / "data" / "guide"
CENTER_PAGES = ["people", "committee", "meetings", "cases", "activities", "sync"]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)#]+\.md)(?:#([a-z0-9-]+))?\)")


@pytest.fixture
def thai():
    i18n.set_language("th")
    yield
    i18n.set_language("en")


def press_f1(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, QKeySequence("F1")[0].key())
    QApplication.processEvents()


# -- the files --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_chapter_exists_in_every_language(language: str) -> None:
    folder = GUIDE / language
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(CHAPTERS)
    for chapter in help_viewer.chapters(language):
        assert chapter.headings[0].level == 1 and chapter.headings[0].anchor == chapter.key
        assert len(chapter.anchors()) >= 4, chapter.key
        assert all(h.anchor for h in chapter.headings if h.level <= 2), (
            f"{language}/{chapter.key}.md: every chapter and section heading needs an anchor"
        )


def test_thai_and_english_have_the_same_anchors_in_the_same_order() -> None:
    thai = {c.key: c.anchors() for c in help_viewer.chapters("th")}
    english = {c.key: c.anchors() for c in help_viewer.chapters("en")}
    assert thai == english
    every = [a for anchors in thai.values() for a in anchors]
    assert len(every) == len(set(every)), "an anchor is used twice"


def test_every_page_opens_an_anchor_that_exists() -> None:
    chapters = {c.key: c for c in help_viewer.chapters("th")}
    for page, (chapter, anchor) in PAGE_TOPICS.items():
        assert chapter in chapters, page
        assert anchor is None or anchor in chapters[chapter].anchors(), (page, anchor)
    assert set(CENTER_PAGES) <= set(PAGE_TOPICS)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_picture_and_link_of_the_guide_exists(language: str) -> None:
    anchors = {c.key: set(c.anchors()) for c in help_viewer.chapters(language)}
    shown: set[Path] = set()
    for path in (GUIDE / language).glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for target in IMAGE.findall(text):
            image = (path.parent / target).resolve()
            assert image.is_file(), f"{path.name} shows {target}, which is missing"
            shown.add(image)
        for target, anchor in LINK.findall(text):
            assert (path.parent / target).is_file(), f"{path.name} links to {target}"
            assert not anchor or anchor in anchors[Path(target).stem], (path.name, anchor)
    # The Thai guide shows the program in Thai (name.png), the English one in English
    # (name-en.png): make_screenshots.py --guide.
    images = {
        p for p in (GUIDE / "images").glob("*.png") if p.stem.endswith("-en") == (language == "en")
    }
    assert shown == {p.resolve() for p in images}, "every picture is used, none is missing"
    assert 8 <= len(images) <= 14
    every = list((GUIDE / "images").glob("*.png"))
    assert sum(p.stat().st_size for p in every) < 3_000_000


def test_the_guide_names_buttons_the_app_has() -> None:
    """Bold names in the Thai guide that look like buttons are texts of the Thai catalog."""
    from babel.messages.pofile import read_po

    with (ROOT / "translations" / "th" / "LC_MESSAGES" / "justice_desk.po").open("rb") as fh:
        catalog = read_po(fh)
    thai_texts = {m.string for m in catalog if isinstance(m.string, str) and m.string}
    thai_texts |= {t.replace("&", "") for t in thai_texts}
    names = {
        "ตั้งค่าศูนย์ยุติธรรมชุมชนของเรา",
        "สร้างศูนย์",
        "ซ่อนรายการนี้",
        "นัดประชุมใหม่",
        "สร้างการประชุม",
        "บันทึกว่าประชุมแล้ว",
        "รับรองรายงานการประชุม",
        "บันทึกเป็น PDF…",
        "รับเรื่อง",
        "คู่กรณีลงนามแล้ว: บันทึกผลไกล่เกลี่ยสำเร็จ",
        "พิมพ์บันทึกข้อตกลงเพื่อลงนาม…",
        "ยุติการไกล่เกลี่ยโดยตกลงกันไม่ได้",
        "ส่งเรื่องต่อสำนักงานยุติธรรมจังหวัด",
        "นำเข้าใบตอบรับจากจังหวัด…",
        "ส่งออกข้อมูลที่เปลี่ยนแปลงไปยังแฟลชไดรฟ์หรือโฟลเดอร์…",
        "กู้คืนข้อมูลสำรองนี้",
        "สำรองข้อมูลลงแฟลชไดรฟ์…",
    }
    text = "".join(p.read_text(encoding="utf-8") for p in (GUIDE / "th").glob("*.md"))
    for name in names:
        assert f"**{name}**" in text, name
        assert name in thai_texts, f"{name} is not a text of the app"


# -- F1 and the Help menu on the real window --------------------------------------------------


def test_f1_on_each_page_opens_its_chapter(main_window, qtbot) -> None:
    window = main_window
    qtbot.waitUntil(lambda: window.attached, timeout=5000)
    for key in CENTER_PAGES:
        window.show_page(key)
        press_f1(qtbot, window)
        viewer = window.help_viewer
        assert isinstance(viewer, HelpViewer) and viewer.isVisible()
        chapter, anchor = PAGE_TOPICS[key]
        assert viewer.current_topic() == (chapter, anchor or "")
        # The contents show where the guide is open.
        current = viewer.contents.currentItem()
        assert current is not None
        assert current.text(0) == (
            viewer.chapter(chapter).title_of(anchor) if anchor else viewer.chapter(chapter).title
        )
        if anchor:
            title = viewer.chapter(chapter).title_of(anchor)
            # The section's heading is in view (at the top, unless the chapter ends first).
            browser = viewer.browser
            block = browser.textCursor().block()
            assert block.text().replace(ZWSP, "").strip() == title
            top = browser.document().documentLayout().blockBoundingRect(block).top()
            shown = browser.verticalScrollBar().value()
            assert shown <= top < shown + browser.viewport().height()
            assert shown > 0 or top < browser.viewport().height()
        assert (
            viewer.browser.toPlainText().replace(ZWSP, "").startswith(viewer.chapter(chapter).title)
        )
    # One viewer, reused.
    assert len(window.findChildren(HelpViewer)) == 1


def test_help_menu_has_the_guide_and_about(main_window, qtbot, monkeypatch) -> None:
    window = main_window
    qtbot.waitUntil(lambda: window.attached, timeout=5000)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    titles = [a.text() for a in menu.actions()]
    assert titles == ["User guide", "About Justice Desk"]
    guide = menu.actions()[0]
    assert guide.shortcut() == QKeySequence("F1")
    window.show_page("meetings")
    guide.trigger()
    assert window.help_viewer.current_topic() == ("meetings", "")

    shown: list[str] = []
    monkeypatch.setattr(
        "justice_desk.ui.dialogs.show_info", lambda _parent, text, *_a: shown.append(text)
    )
    menu.actions()[1].trigger()
    from justice_desk import __version__, paths

    (text,) = shown
    assert __version__ in text and str(paths.home()) in text
    assert window.identity.database in text and "MIT" in text


def test_f1_before_the_database_is_open_opens_the_first_chapter(qtbot, ui_settings) -> None:
    from justice_desk.ui.main_window import Identity, MainWindow

    window = MainWindow(
        identity=Identity(name=None, province=False, demo=False, database="x.sqlite3"),
        settings=ui_settings,
    )
    qtbot.addWidget(window)
    window.show()
    press_f1(qtbot, window)
    assert window.help_viewer.current_topic() == ("setup", "")


# -- the viewer -------------------------------------------------------------------------------


def test_thai_guide_shows_its_chapters_and_breaks_only_between_words(qtbot, thai) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    titles = [viewer.contents.topLevelItem(i).text(0) for i in range(6)]
    assert titles[:3] == ["การเริ่มต้นใช้งาน", "งานประจำวัน", "การประชุมคณะกรรมการ"]
    assert viewer.windowTitle() == "คู่มือการใช้งาน Justice Desk"
    viewer.open_topic("meetings", "quorum")
    text = viewer.browser.toPlainText()
    assert "องค์ประชุม" in text.replace(ZWSP, "")
    # Word breaks were put between Thai words, never inside one.
    assert "องค์" + ZWSP + "ประชุม" in text or "องค์ประชุม" in text
    assert "ป" + ZWSP + "ระชุม" not in text
    # Pictures are shown, no wider than the view.
    document = viewer.browser.document()
    image = viewer.browser.loadResource(
        QTextDocument.ResourceType.ImageResource,
        QUrl.fromLocalFile(str(GUIDE / "images" / "meeting-attendance.png")),
    )
    assert 0 < image.width() <= max(320, viewer.browser.viewport().width() - 32)
    assert document.toHtml().count("<img") >= 1


def test_english_guide_in_english(qtbot) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    assert viewer.chapters[0].title == "Getting started"
    assert viewer.contents.topLevelItem(3).text(0) == "Cases and dispute mediation"


def test_find_back_forward_and_links(qtbot) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.open_topic("mediation")
    viewer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is viewer, timeout=5000)
    # Ctrl+F goes to the find box; Enter finds the next place; wraps round.
    viewer.browser.setFocus()
    find = QKeySequence("Ctrl+F")[0]
    QTest.keyClick(viewer.browser, find.key(), find.keyboardModifiers())
    assert viewer.find_field.hasFocus()
    viewer.find_field.setText("§32")
    assert viewer.find_next()
    assert viewer.browser.textCursor().selectedText() == "§32"
    viewer.find_field.setText("Agreement")  # any case; many places
    assert viewer.find_next()
    first = viewer.browser.textCursor().selectionStart()
    assert viewer.browser.textCursor().selectedText().lower() == "agreement"
    assert viewer.find_next()
    second = viewer.browser.textCursor().selectionStart()
    assert second > first
    assert viewer.find_previous()
    assert viewer.browser.textCursor().selectionStart() == first
    viewer.find_field.setText("no such words anywhere")
    assert not viewer.find_next()
    assert viewer.find_status.text() == "Not found in this chapter"
    # Another chapter from the contents, then back and forward.
    viewer.open_topic("backups", "restore")
    assert viewer.current_topic() == ("backups", "restore")
    assert viewer.back_button.isEnabled()
    viewer.back_button.click()
    assert viewer.current_topic() == ("mediation", "")
    viewer.forward_button.click()
    assert viewer.current_topic() == ("backups", "restore")
    # The contents follow.
    assert viewer.contents.currentItem().text(0) == "Restoring a backup"


def test_find_ignores_the_thai_word_breaks(qtbot, thai) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.open_topic("meetings")
    viewer.find_field.setText("รับรองรายงานการประชุม")
    assert viewer.find_next()
    assert viewer.browser.textCursor().selectedText().replace(ZWSP, "") == "รับรองรายงานการประชุม"


def test_the_viewer_fits_a_laptop_screen(qtbot, thai) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.open_topic("mediation", "deadlines")
    hint = viewer.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728
    assert viewer.minimumWidth() <= 1366 and viewer.minimumHeight() <= 728
    # It opens within the screen it is on, and takes a laptop's whole work area when asked.
    available = viewer.screen().availableGeometry()
    assert viewer.width() <= available.width() and viewer.height() <= available.height()
    viewer.resize(1366, 728)
    assert (viewer.width(), viewer.height()) == (1366, 728)


# -- tooltips that explain terms --------------------------------------------------------------


def test_terms_have_tooltips(main_window, ui_ctx, qtbot) -> None:
    import datetime as dt

    from justice_desk.services import meetings
    from justice_desk.ui.first_run import FirstRunDialog

    first = FirstRunDialog()
    qtbot.addWidget(first)
    assert "500107" in first.fields["code"].toolTip()

    window = main_window
    qtbot.waitUntil(lambda: window.attached, timeout=5000)
    meeting = meetings.create_meeting(
        ui_ctx.db, meetings.MeetingInput(dt.date(2026, 10, 7), starts_at=dt.time(9, 30))
    )
    page = window.show_page("meetings")
    page.refresh()
    qtbot.waitUntil(lambda: page.editor.detail is not None, timeout=5000)
    assert page.editor.detail.id == meeting.id
    assert "half" in page.editor.quorum.toolTip()
    assert "half" in page.editor.attendance.quorum.toolTip()

    cases = window.show_page("cases")
    assert "§6" in cases.detail.deadlines_box.toolTip()
    assert "§32" in cases.detail.deadlines_box.toolTip()
    from justice_desk.ui.case_widgets import EligibilityPanel

    panel = EligibilityPanel()
    qtbot.addWidget(panel)
    assert "May be mediated" in panel.toolTip()

    sync_page = window.show_page("sync")
    assert "receipt" in sync_page.inner.status.toolTip()
    assert "epoch" in sync_page.inner.status.toolTip()
    assert "receipt" in sync_page.inner.receipt_button.toolTip()
