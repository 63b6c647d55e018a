"""Screenshots of the real app for README.md: a demo center on a 1366×768 laptop screen.

Run it under a virtual X server with a window manager, so that the window is maximised on the
work area a real desktop leaves (the screen less a task bar) and the shots show what a
coordinator sees::

    Xvfb :77 -screen 0 1366x768x24 &
    DISPLAY=:77 openbox &
    DISPLAY=:77 QT_QPA_PLATFORM=xcb .venv/bin/python resources/screenshots/make_screenshots.py

(Debian: ``apt-get install xvfb openbox libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0``.) Writes PNGs beside this file: the main
pages in Thai at the default text size, one in English, and ``--large`` adds shots at the
largest text size (``*-large.png``, for checking, not for the README). ``--out DIR`` writes
elsewhere. Each shot is the whole screen grabbed from the X server, window frame included.

``--guide`` makes the pictures of the user guide instead (``justice_desk/data/guide/images``,
ui/help_viewer.py): the first start, the set-up form, a new center's checklist (its committee
done, the rest to do), a meeting's attendance and agenda, the print preview, the intake of a
case, a case in mediation waiting for its agreement, an agreement saved and waiting to be printed
and signed, the Sync page; each is made about 1000 pixels wide with 256 colours by ImageMagick's
``convert`` (it must be on the PATH), so that the guide stays small inside the package. The
program shows itself in each guide's language: ``checklist.png`` for the Thai guide,
``checklist-en.png`` for the English one; ``--lang th`` or ``--lang en`` makes one language's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--large", action="store_true", help="also shots at the largest text size")
    parser.add_argument("--guide", action="store_true", help="the user guide's pictures instead")
    parser.add_argument(
        "--lang",
        choices=(*GUIDE_LANGUAGES, "all"),
        default="all",
        help="with --guide: the pictures of one language's guide (default: every language)",
    )
    args = parser.parse_args()
    if args.guide:
        languages = GUIDE_LANGUAGES if args.lang == "all" else (args.lang,)
        return guide_shots(languages=languages)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    home = Path(tempfile.mkdtemp(prefix="jd-shots-"))
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from justice_desk import i18n
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.fonts import load_thai_font

    app = QApplication(sys.argv[:1])
    db_path = home / "demo.sqlite3"
    db = setup.init_demo_center(db_path)
    generate_demo(db, seed=3)
    db.dispose()

    def wait(ms: int = 400) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shoot(language: str, size: int, shots: list[tuple[str, str]]) -> None:
        from justice_desk.app import open_main_window

        i18n.set_language(language)
        app.setFont(load_thai_font(size))
        settings = QSettings(str(home / f"{language}-{size}.ini"), QSettings.Format.IniFormat)
        window = open_main_window(str(db_path), settings)
        window.showMaximized()
        wait(800)
        window.ctx.runner.wait_for_done(10000)
        for key, name in shots:
            if key == "case":
                page = window.show_page("cases")
                row = page.register.model.row_object(2)
                page.open_case(row.id)
            else:
                page = window.show_page(key)
                if hasattr(page, "register") and hasattr(page.register, "select_row"):
                    page.register.select_row(0)
            wait()
            window.ctx.runner.wait_for_done(10000)
            wait()
            screen = window.screen()
            shot = screen.grabWindow(0)  # the whole screen: what the person sees
            path = out / f"{name}.png"
            shot.save(str(path))
            print("wrote", path, f"{shot.width()}×{shot.height()}")
        window.ctx.runner.wait_for_done(10000)
        window.close()
        window.ctx.db.dispose()

    pages = [
        ("cases", "cases-th"),
        ("case", "case-th"),
        ("meetings", "meetings-th"),
        ("people", "people-th"),
        ("committee", "committee-th"),
        ("sync", "sync-th"),
    ]
    shoot("th", prefs.DEFAULT_TEXT_SIZE, pages)
    shoot("en", prefs.DEFAULT_TEXT_SIZE, [("cases", "cases-en")])
    accounts_shots(app, home, out, wait)
    conflicts_shot(app, home, out, wait)
    if args.large:
        shoot("th", prefs.MAX_TEXT_SIZE, [(k, n + "-large") for k, n in pages])
    return 0


def _grab(window: object, path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    shot = window.screen().grabWindow(0)  # the whole screen, as the person sees it
    shot.save(str(path))
    print("wrote", path, f"{shot.width()}×{shot.height()}")


def accounts_shots(app: object, home: Path, out: Path, wait: object) -> None:
    """The accounts as a center meets them (Thai, default text size): the bar above the pages
    of a database with no account yet (``accounts-bar-th.png``), and the sign-in dialog of one
    with accounts, in front of its window (``sign-in-th.png``)."""
    import shutil

    from PySide6.QtCore import QSettings

    from justice_desk import i18n
    from justice_desk.app import open_main_window
    from justice_desk.services import accounts
    from justice_desk.services.setup import DEMO_CENTER
    from justice_desk.storage.database import open_database
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.fonts import load_thai_font
    from justice_desk.ui.login import LoginDialog
    from justice_desk.ui.main_window import Identity, MainWindow

    assert callable(wait)
    i18n.set_language("th")
    app.setFont(load_thai_font(prefs.DEFAULT_TEXT_SIZE))  # type: ignore[attr-defined]
    for name, with_accounts in (("accounts-bar-th", False), ("sign-in-th", True)):
        path = home / f"{name}.sqlite3"
        shutil.copy(home / "demo.sqlite3", path)
        db = open_database(path)
        with db.write() as session:
            db.put_settings(session, {"demo": "0"})  # a real center: accounts are asked for
        if with_accounts:
            accounts.create_first_account(db, "somchai", "สมชาย ใจดี", "password-1")
        db.dispose()
        settings = QSettings(str(home / f"{name}.ini"), QSettings.Format.IniFormat)
        if with_accounts:
            # As the app starts: the window's frame, and the sign-in dialog in front of it
            # before any page opens (app.start_window, ui/login.py).
            window = MainWindow(
                identity=Identity(
                    name=DEMO_CENTER["name"], province=False, demo=False, database=str(path)
                ),
                settings=settings,
            )
            window.showMaximized()
            wait(800)
            dialog = LoginDialog(
                lambda login, password: None,
                site_name=DEMO_CENTER["name"],
                login="somchai",
                parent=window,
            )
            dialog.show()
            wait()
            _grab(window, out / f"{name}.png")
            dialog.reject()
            window.close()
            continue
        window = open_main_window(str(path), settings)
        window.showMaximized()
        wait(800)
        window.ctx.runner.wait_for_done(10000)
        window.show_page("cases")
        wait()
        _grab(window, out / f"{name}.png")
        window.ctx.runner.wait_for_done(10000)
        window.close()
        window.ctx.db.dispose()


def conflicts_shot(app: object, home: Path, out: Path, wait: object) -> None:
    """The Conflicts page of a province office (``conflicts-th.png``): the test suite's own
    world of a center that restored a backup and sent its records again (a person in two
    versions, a case refused for its number; tests/sync/test_conflict_decisions.py)."""
    from PySide6.QtCore import QSettings

    from justice_desk import i18n
    from justice_desk.app import open_main_window

    assert callable(wait)
    tests = HERE.parent.parent / "tests" / "sync"
    sys.path.insert(0, str(tests))
    from test_conflict_decisions import restored_world  # noqa: PLC0415 - a dev tool

    i18n.set_language("th")
    restored = restored_world(home / "province-world")
    restored.world.close()
    settings = QSettings(str(home / "conflicts.ini"), QSettings.Format.IniFormat)
    window = open_main_window(str(home / "province-world" / "province.sqlite3"), settings)
    window.showMaximized()
    wait(800)
    page = window.show_page("conflicts")
    wait(1500)
    window.ctx.runner.wait_for_done(20000)
    wait()
    if hasattr(page, "table") and page.model.rowCount():
        page.table.selectRow(0)
        wait()
    _grab(window, out / "conflicts-th.png")
    window.ctx.runner.wait_for_done(10000)
    window.close()
    window.ctx.db.dispose()


GUIDE_IMAGES = HERE.parent.parent / "justice_desk" / "data" / "guide" / "images"
GUIDE_LANGUAGES = ("th", "en")


def guide_image_name(name: str, language: str) -> str:
    """``checklist.png`` for the Thai guide, ``checklist-en.png`` for the English one."""
    return f"{name}.png" if language == "th" else f"{name}-{language}.png"


def guide_shots(out: Path = GUIDE_IMAGES, languages: tuple[str, ...] = GUIDE_LANGUAGES) -> int:
    """The user guide's pictures in each language, on a demo center and on a new one."""
    import shutil

    if shutil.which("convert") is None:
        print("ImageMagick's convert is needed for --guide", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="jd-guide-"))
    os.environ["JUSTICE_DESK_HOME"] = str(home)
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    for language in languages:
        _guide_shots_in(app, home / language, out, language)
    return 0


def _guide_shots_in(app: object, home: Path, out: Path, language: str) -> None:
    import datetime as dt
    import subprocess

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

    from justice_desk import i18n
    from justice_desk.app import open_main_window
    from justice_desk.domain.enums import CaseStatus, CommitteePosition, MeetingStatus
    from justice_desk.services import cases as case_service
    from justice_desk.services import people, setup
    from justice_desk.services.demo import generate_demo
    from justice_desk.ui import settings as prefs
    from justice_desk.ui.fonts import load_thai_font

    assert isinstance(app, QApplication)
    home.mkdir(parents=True, exist_ok=True)
    i18n.set_language(language)
    app.setFont(load_thai_font(prefs.DEFAULT_TEXT_SIZE))

    def wait(ms: int = 500) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(name: str, widget: QWidget | None = None) -> None:
        wait()
        screen = app.primaryScreen()
        if widget is None:
            shot = screen.grabWindow(0)
        else:
            frame = widget.frameGeometry()
            shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        raw = home / f"{name}-raw.png"
        shot.save(str(raw))
        target = out / guide_image_name(name, language)
        width = min(1000, shot.width())
        subprocess.run(
            [
                "convert",
                str(raw),
                "-resize",
                f"{width}x",
                "-colors",
                "256",
                "-strip",
                f"PNG8:{target}",
            ],
            check=True,
        )
        print("wrote", target, target.stat().st_size // 1024, "KB")

    # -- the first start and the set-up form
    from justice_desk.ui.first_run import FirstRunDialog

    first = FirstRunDialog()
    first.show()
    save("welcome", first)
    first.center_button.click()
    for key, text in (
        ("name", "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ"),
        ("code", "500107"),
        ("tambon", "แม่เหียะ"),
        ("amphoe", "เมืองเชียงใหม่"),
        ("province", "เชียงใหม่"),
    ):
        first.fields[key].setText(text)
    save("setup-center", first)
    first.close()

    # -- a new center: the checklist on the first page, its committee recorded (ticked off),
    # the mediators and the enrolment still to do
    new_path = home / "new-center.sqlite3"
    db = setup.init_center(
        new_path,
        code="500107",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    term = people.create_term(db, name="2569–2571", starts_on=dt.date.today().replace(day=1))
    for given, surname, position in (
        ("ปรีชา", "มณีวงศ์", CommitteePosition.CHAIR),
        ("บุญชู", "ใจแก้ว", CommitteePosition.SECRETARY),
    ):
        member = people.create_person(
            db,
            people.PersonInput(
                title="นาย", given_name=given, surname=surname, no_id_reason="ยังไม่ทราบ"
            ),
        ).record
        people.appoint(db, term.id, member.id, position)
    db.dispose()
    settings = QSettings(str(home / "new.ini"), QSettings.Format.IniFormat)
    window = open_main_window(str(new_path), settings)
    window.showMaximized()
    wait(1200)
    window.ctx.runner.wait_for_done(10000)
    window.show_page("people")
    wait(1500)  # the checklist asks the database again when the page changes
    window.ctx.runner.wait_for_done(10000)
    save("checklist")
    window.close()
    window.ctx.db.dispose()

    # -- the demo center
    db_path = home / "demo.sqlite3"
    db = setup.init_demo_center(db_path)
    generate_demo(db, seed=3)
    # The case in mediation: first waiting for its agreement, then with it saved (below).
    mediating = case_service.list_cases(db, status=[CaseStatus.IN_MEDIATION], limit=50).rows
    agreed = next(c for c in (case_service.get_case(db, r.id) for r in mediating) if c.mediators)
    db.dispose()
    settings = QSettings(str(home / "demo.ini"), QSettings.Format.IniFormat)
    window = open_main_window(str(db_path), settings)
    window.showMaximized()
    wait(1000)
    runner = window.ctx.runner
    runner.wait_for_done(10000)

    page = window.show_page("people")
    page.register.select_row(0)
    runner.wait_for_done(10000)
    save("people")

    meetings = window.show_page("meetings")
    runner.wait_for_done(10000)
    model = meetings.register.model
    rows = [model.row_object(i) for i in range(model.rowCount())]
    planned = next(r for r in rows if r.status == MeetingStatus.DRAFT)
    held = next(r for r in rows if r.status != MeetingStatus.DRAFT)
    meetings._select(planned.id)
    runner.wait_for_done(10000)
    editor = meetings.editor
    editor.tabs.setCurrentIndex(1)
    save("meeting-attendance")
    meetings._select(held.id)
    runner.wait_for_done(10000)
    editor.tabs.setCurrentIndex(2)
    save("meeting-agenda")
    editor.print_document("minutes")
    task = editor.print_job
    for _attempt in range(60):  # the preview opens once the PDF is built and its pages drawn
        runner.wait_for_done(1000)
        wait(250)
        if getattr(task, "dialog", None) is not None:
            break
    wait(1500)
    dialog = getattr(task, "dialog", None)
    if dialog is not None:
        save("print-preview", dialog)
        dialog.close()

    cases = window.show_page("cases")
    runner.wait_for_done(10000)
    cases.new_record()
    wait(1500)
    intake = cases.intake_dialog
    form = intake.form
    form.category.setCurrentIndex(1)
    wait(300)
    form.matter.setCurrentIndex(1)
    form.amount.setText("20,000")
    form.subject.setText("กู้ยืมเงิน 20,000 บาทแล้วไม่ชำระคืน")
    form.update_eligibility()
    save("case-intake", intake)
    intake.done(0)  # without the unsaved-changes question
    # A case in mediation without its agreement: "settled" waits, and the box says for what.
    cases.open_case(agreed.id)
    runner.wait_for_done(10000)
    save("case-detail")
    # Its agreement written and saved: printed for signing, then recorded as signed.
    case_service.record_settlement(
        window.ctx.db,
        agreed.id,
        case_service.SettlementInput(
            agreed_on=max(dt.date.today(), agreed.received_on),
            terms="ผู้ถูกร้องตกลงชำระค่าเสียหาย 12,000 บาท เป็นสองงวด งวดละ 6,000 บาท",
            voluntary_confirmed=True,
            place="ศาลาอเนกประสงค์ หมู่ 3",
            total_satang=1_200_000,
            instalments=(
                case_service.InstalmentInput(dt.date.today() + dt.timedelta(days=30), 600_000),
                case_service.InstalmentInput(dt.date.today() + dt.timedelta(days=60), 600_000),
            ),
        ),
    )
    detail = cases.detail
    detail.reload()
    detail.tabs.setCurrentIndex(detail.tab_index["outcome"])
    wait(300)
    wait(500)  # the reloaded tab lays itself out first
    # The tab, then the case, scroll to the agreement's buttons (save, print for signing,
    # signed), as a person does with the wheel; both are drawn again before the shot.
    tab = detail.tabs.currentWidget()
    if isinstance(tab, QScrollArea):
        tab.ensureWidgetVisible(detail.settlement.signed_button, 50, 50)
    detail.scroll_box.ensureWidgetVisible(detail.settlement.signed_button, 50, 120)
    detail.settlement.instalments.table.clearSelection()
    wait(1500)
    window.repaint()
    save("case-outcome")
    cases.show_list()

    window.show_page("sync")
    runner.wait_for_done(10000)
    save("sync")
    runner.wait_for_done(10000)
    window.close()
    window.ctx.db.dispose()


if __name__ == "__main__":
    sys.exit(main())
