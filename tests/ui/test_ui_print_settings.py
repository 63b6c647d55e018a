"""Settings → Printed documents: the Thai justification of body text can be switched off, is
remembered, and applies to the next document printed (issue 12 §5)."""

from __future__ import annotations

from justice_desk.services import print_options


def test_the_justification_checkbox_is_remembered_and_applied(main_window, ui_ctx, qtbot) -> None:
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.settings_dialog import SettingsDialog

    assert prefs.justified_documents(ui_ctx.settings) and print_options.justified()
    dialog = SettingsDialog(ui_ctx, main_window)
    qtbot.addWidget(dialog)
    assert dialog.justified.isChecked()
    dialog.justified.setChecked(False)
    dialog.accept()
    try:
        assert prefs.justified_documents(ui_ctx.settings) is False
        assert print_options.justified() is False
        again = SettingsDialog(ui_ctx, main_window)
        qtbot.addWidget(again)
        assert not again.justified.isChecked()
        again.justified.setChecked(True)
        again.accept()
        assert prefs.justified_documents(ui_ctx.settings) and print_options.justified()
    finally:
        print_options.set_justified(True)


def test_the_centers_digits_are_chosen_once_in_settings(main_window, ui_ctx, qtbot) -> None:
    """The choice is the center's (its database), and every document then follows it (§11);
    before any choice the dialog shows the one default, Thai digits."""
    from justice_desk.ui.settings_dialog import SettingsDialog

    # The window's start-up work (the set-up checklist, the backup check) reads the settings in
    # the background: let it finish, so that it cannot race the settings written below.
    qtbot.waitUntil(lambda: main_window.runner.active == 0, timeout=20000)
    assert print_options.document_digits(ui_ctx.db) is None
    dialog = SettingsDialog(ui_ctx, main_window)
    qtbot.addWidget(dialog)
    assert dialog.digits.count() == 2
    assert dialog.digits.currentData() is True  # the default, shown as what it is
    dialog.accept()
    assert print_options.document_digits(ui_ctx.db) is None  # nothing changed, nothing stored
    again = SettingsDialog(ui_ctx, main_window)
    qtbot.addWidget(again)
    again.digits.setCurrentIndex(again.digits.findData(False))
    again.accept()
    assert print_options.document_digits(ui_ctx.db) is False
    assert print_options.thai_digits(ui_ctx.db) is False
    third = SettingsDialog(ui_ctx, main_window)
    qtbot.addWidget(third)
    assert third.digits.currentData() is False
    third.digits.setCurrentIndex(third.digits.findData(True))
    third.accept()
    assert print_options.document_digits(ui_ctx.db) is True
