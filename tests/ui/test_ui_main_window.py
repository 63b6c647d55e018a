from __future__ import annotations

from PySide6.QtCore import Qt


def test_main_window_shows_center_and_database_and_all_pages(main_window, ui_ctx) -> None:
    assert ui_ctx.site.name in main_window.windowTitle()
    assert str(ui_ctx.db.target.path) in main_window.header.text()
    keys = [
        main_window.nav.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(main_window.nav.count())
    ]
    assert keys == ["people", "committee", "meetings", "cases", "activities", "sync"]
    for key in keys:
        page = main_window.show_page(key)
        assert main_window.stack.currentWidget() is page


def test_text_size_and_last_page_are_remembered(main_window, ui_ctx, qtbot) -> None:
    from justice_desk.ui.main_window import MainWindow

    main_window.set_text_size(15)
    main_window.show_page("meetings")
    main_window.close()
    assert int(ui_ctx.settings.value("ui/text_size")) == 15
    again = MainWindow(ui_ctx)
    qtbot.addWidget(again)
    assert again.current_page().key == "meetings"


def test_closing_during_a_search_does_not_ask_and_leaves_no_job(main_window, ui_ctx, qtbot) -> None:
    """A search still running when the window closes is simply awaited; only work a person
    started (an import, a backup) makes the window ask before quitting."""
    import time

    qtbot.waitUntil(lambda: ui_ctx.runner.active == 0)  # the set-up checklist's first look
    ui_ctx.runner.run("search", time.sleep, 0.3, announce=False)
    assert ui_ctx.runner.active == 1 and not ui_ctx.runner.busy
    assert main_window.close()  # no question asked (an unexpected dialog fails the test)
    qtbot.waitUntil(lambda: ui_ctx.runner.active == 0, timeout=5000)
