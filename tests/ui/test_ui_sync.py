"""The Sync page at a center and at the province, driven through the real widgets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def messages(monkeypatch):
    seen: list[str] = []
    from justice_desk.ui.pages import sync as page

    monkeypatch.setattr(page, "show_info", lambda parent, text, title=None: seen.append(text))
    monkeypatch.setattr(
        page, "show_error", lambda parent, text, title=None: seen.append("ERROR: " + text)
    )
    return seen


@pytest.fixture
def province(tmp_path: Path, qapp):
    from justice_desk.services import setup
    from justice_desk.ui.context import AppContext
    from justice_desk.ui.jobs import JobRunner

    db = setup.init_province(tmp_path / "province.sqlite3", province="เชียงใหม่")
    ctx = AppContext(
        db=db,
        runner=JobRunner(),
        site=setup.this_site(db),
        settings=QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat),
    )
    yield ctx
    ctx.runner.wait_for_done(10000)
    db.dispose()


def wait_jobs(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: ctx.runner.active == 0, timeout=20000)


def test_center_enrols_exports_and_applies_a_receipt(
    ui_ctx, province, qtbot, tmp_path: Path, messages, monkeypatch
) -> None:
    from justice_desk.services import people, sync
    from justice_desk.ui.pages.sync import ProvinceSync, SyncPage

    people.create_person(
        ui_ctx.db, people.PersonInput(given_name="น้ำฝน", surname="ปั้นทอง", no_id_reason="-")
    )
    page = SyncPage(ui_ctx)
    qtbot.addWidget(page)
    center = page.inner
    assert not center.export_button.isEnabled()
    assert "Not enrolled" in center.status.text()

    request, fingerprint = sync.write_enrolment_request(ui_ctx.db, tmp_path / "req.jdenrol")
    assert fingerprint in center.fingerprint.text()

    # The province enrols it through its page, confirming the fingerprint.
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    from justice_desk.ui.pages import sync as sync_page

    asked: list[str] = []
    monkeypatch.setattr(sync_page, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    monkeypatch.setattr(
        sync_page.QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "ans.jdanswer"), "")),
    )
    prov.enrol_file(request)  # read, confirmed, enrolled: each write in the job runner
    wait_jobs(qtbot, province)
    assert fingerprint in asked[0]
    assert [c.code for c in prov.centers.rows] == [ui_ctx.site.code] and prov.centers.rows[
        0
    ].status == "approved"

    monkeypatch.setattr(
        sync_page.QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "ans.jdanswer"), "")),
    )
    center.accept_answer()
    wait_jobs(qtbot, ui_ctx)
    assert center.export_button.isEnabled()

    center.export_to(tmp_path / "usb")
    wait_jobs(qtbot, ui_ctx)
    bundles = list((tmp_path / "usb").glob("*.jdbundle"))
    assert len(bundles) == 1 and len(center.exports.rows) == 1

    prov.import_paths([tmp_path / "usb"])
    wait_jobs(qtbot, province)
    assert [o.status for o in prov.results.rows] == ["applied"]
    assert prov.centers.rows[0].applied_through == center.state.latest_change
    assert any(e.status == "applied" for e in prov.log.rows)

    written = sync.write_receipts(province.db, tmp_path / "receipts")
    center.apply_receipt_file(written[0].path)
    wait_jobs(qtbot, ui_ctx)
    assert "Received by the province through change" in center.status.text()
    assert not [m for m in messages if m.startswith("ERROR")]


def test_province_import_of_junk_is_reported_not_raised(
    province, qtbot, tmp_path: Path, messages
) -> None:
    from justice_desk.ui.pages.sync import ProvinceSync

    folder = tmp_path / "stick"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a bundle")
    (folder / "empty.jdbundle").write_bytes(b"")
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    prov.import_paths([folder])
    wait_jobs(qtbot, province)
    assert sorted(o.status for o in prov.results.rows) == ["rejected", "rejected"]
    assert all(o.message for o in prov.results.rows)
    assert "Import finished" in messages[-1]


@pytest.mark.skipif(os.name != "posix", reason="named pipes are POSIX only")
def test_province_import_lists_a_pipe_as_skipped(province, qtbot, tmp_path: Path, messages) -> None:
    """A named pipe on the stick is listed as skipped (not a file), not read and not hanging
    the import; the summary counts it."""
    from justice_desk.domain.enums import ImportStatus
    from justice_desk.ui.pages.sync import ProvinceSync

    folder = tmp_path / "stick"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jdbundle")
    (folder / "notes.txt").write_text("not a bundle")
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    prov.import_paths([folder])
    wait_jobs(qtbot, province)
    assert sorted(o.status for o in prov.results.rows) == ["rejected", "skipped"]
    assert ImportStatus.SKIPPED.label() in messages[-1] and "Import finished" in messages[-1]


def test_province_import_that_stops_lists_what_it_did(
    province, qtbot, tmp_path: Path, messages, monkeypatch
) -> None:
    """When the database stops taking writes (here: a full disk), the files dealt with before
    stay listed, the rest are listed as not imported, and the reason is shown as an error."""
    from justice_desk.errors import DiskFullError
    from justice_desk.services import sync
    from justice_desk.ui.pages.sync import ProvinceSync

    done = [
        sync.ImportOutcome("a.jdbundle", "applied", None, "3 records applied", 3),
        sync.ImportOutcome("b.jdbundle", "skipped", "not_imported", "not imported"),
    ]

    def stopped(*_args, **_kwargs):
        raise sync.ImportStopped(DiskFullError("The disk is full."), done)

    monkeypatch.setattr(sync, "import_paths", stopped)
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    prov.import_paths([tmp_path])
    wait_jobs(qtbot, province)
    assert [o.status for o in prov.results.rows] == ["applied", "skipped"]
    assert messages[-1] == "ERROR: The disk is full."


def test_a_hand_edited_quiet_days_setting_falls_back_to_the_default(province, qtbot) -> None:
    """A value that is not a number in settings.ini no longer stops the page from opening."""
    from justice_desk.ui.pages.sync import ProvinceSync

    province.settings.setValue("sync/quiet_days", "a month")
    prov = ProvinceSync(province)
    qtbot.addWidget(prov)
    assert prov.quiet_days.value() == 30
    province.settings.setValue("sync/quiet_days", "45")
    again = ProvinceSync(province)
    qtbot.addWidget(again)
    assert again.quiet_days.value() == 45
    wait_jobs(qtbot, province)


def test_province_browses_one_center_at_a_time(province, qtbot, tmp_path: Path) -> None:
    import uuid

    from PySide6.QtCore import Qt

    from justice_desk.services import people
    from justice_desk.storage.changelog import bulk_insert
    from justice_desk.storage.models import Person
    from justice_desk.ui.main_window import MainWindow

    a, b = uuid.uuid4(), uuid.uuid4()
    with province.db.connect_write() as conn:
        bulk_insert(conn, Person, [{"given_name": "สมศักดิ์"}], a)
        bulk_insert(conn, Person, [{"given_name": "น้ำฝน"}], b)
        from justice_desk.storage.models import Enrolment

        conn.execute(
            Enrolment.__table__.insert(),
            [
                {
                    "center_id": a,
                    "code": "A1",
                    "name": "ศูนย์ ก",
                    "fingerprint": "1",
                    "status": "approved",
                    "applied_through": 0,
                    "last_seq": 0,
                    "receipt_seq": 0,
                },
            ],
        )
    window = MainWindow(province)
    qtbot.addWidget(window)
    assert window.nav.item(0).data(Qt.ItemDataRole.UserRole) == "sync"
    assert [window.center_scope.itemText(i) for i in range(window.center_scope.count())] == [
        "All centers",
        "A1 ศูนย์ ก",
    ]
    assert people.list_people(province.db).total == 2
    window.center_scope.setCurrentIndex(1)
    assert province.db.scope_owner == a
    assert [r.name for r in people.list_people(province.db).rows] == ["สมศักดิ์"]
    window.center_scope.setCurrentIndex(0)
    assert province.db.scope_owner is None


def test_center_makes_new_keys_from_the_sync_page(
    ui_ctx, qtbot, tmp_path: Path, messages, monkeypatch
) -> None:
    from justice_desk.services import sync
    from justice_desk.ui.pages import sync as sync_page

    before = sync.own_public(ui_ctx.db).key_id
    page = sync_page.SyncPage(ui_ctx)
    qtbot.addWidget(page)
    monkeypatch.setattr(sync_page, "confirm", lambda parent, text, **kw: True)
    monkeypatch.setattr(
        sync_page.QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "new.jdrotate"), "")),
    )
    page.inner.rotate_keys()
    wait_jobs(qtbot, ui_ctx)
    assert (tmp_path / "new.jdrotate").exists()
    assert sync.own_public(ui_ctx.db).key_id != before
    assert "New keys made" in messages[-1]


def test_protected_keys_are_unlocked_with_a_typed_passphrase(
    ui_ctx, province, qtbot, tmp_path: Path, messages, monkeypatch
) -> None:
    from justice_desk import sync as fmt
    from justice_desk.services import sync
    from justice_desk.ui.pages import sync as sync_page

    # Protect the center's key file with a passphrase, as JUSTICE_DESK_KEY_PASSPHRASE
    # does at set-up.
    keys = sync.own_keys(ui_ctx.db)
    fmt.save_private_keys(keys, sync.key_file(ui_ctx.db), "ลับมาก 2569", overwrite=True)
    assert sync.needs_passphrase(ui_ctx.db)
    page = sync_page.SyncPage(ui_ctx)
    qtbot.addWidget(page)
    monkeypatch.setattr(
        sync_page.QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(tmp_path / "req.jdenrol"), "")),
    )
    monkeypatch.setattr(
        sync_page.QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False))
    )
    page.inner.write_request()  # cancelled at the passphrase: nothing written
    assert not (tmp_path / "req.jdenrol").exists()
    monkeypatch.setattr(
        sync_page.QInputDialog, "getText", staticmethod(lambda *a, **k: ("ลับมาก 2569", True))
    )
    page.inner.write_request()
    wait_jobs(qtbot, ui_ctx)
    assert (tmp_path / "req.jdenrol").exists() and "Request written" in messages[-1]
