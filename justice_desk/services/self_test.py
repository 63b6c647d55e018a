"""The self-test of an installed copy: can this build do what a center depends on?

``justice-desk self-test`` runs it, and so does the installed Windows program after a build or an
install (``installer/README.md``). A frozen build fails in ways the test suite never sees: a data
folder the spec forgot, a native library that does not load. Each check below exercises the real
code path that would break, and the check names say what a person would lose:

- ``Thai messages``: the message catalogs (without them the app silently falls back to English);
- ``database`` and ``migrations``: the Alembic scripts, which Alembic loads as files, the demo
  texts and the mediation rules in ``justice_desk/data``;
- ``Thai words`` and ``Thai font``: PyThaiNLP's dictionary (lines would break inside words), the
  bundled Sarabun files and HarfBuzz shaping (tone marks would print in the wrong place);
- ``document``: an official document printed through the same service as ``justice-desk print``;
- ``sync``: enrolment, one bundle from a center to a province and the receipt back (the native
  ``cryptography`` library, signing and sealing).

Everything happens in a temporary folder that ``JUSTICE_DESK_HOME`` points to while the checks
run, so the user's database, keys and settings are never read or written. (The details of a
check that fails unexpectedly go to the usual log file, which is opened before the checks.)
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from justice_desk.errors import UserError
from justice_desk.i18n import N_, _
from justice_desk.storage.database import Database

log = logging.getLogger(__name__)

#: Environment variables that would point the checks at the user's files or keys.
_USER_VARIABLES = ("JUSTICE_DESK_HOME", "JUSTICE_DESK_DB", "JUSTICE_DESK_KEY_PASSPHRASE")

# Check names (shown translated): what a person would lose when the check fails.
CHECK_MESSAGES = N_("Thai messages")
CHECK_DATABASE = N_("database")
CHECK_MIGRATIONS = N_("migrations")
CHECK_THAI_WORDS = N_("Thai words")
CHECK_THAI_FONT = N_("Thai font")
CHECK_DOCUMENT = N_("document")
CHECK_SYNC = N_("sync")

#: Words of the dictionary that any PyThaiNLP dictionary has; with no dictionary loaded, newmm
#: falls back to character clusters and this text does not come back as these three words.
_SEGMENTER_PROBE = ("ศูนย์", "ยุติธรรม", "ชุมชน")


@dataclass(frozen=True)
class CheckResult:
    """One check: its name in the current language, and why it failed (``None``: it passed)."""

    name: str
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class CheckFailed(Exception):
    """A check found a problem; the message says which, in the current language."""


@dataclass
class _Workspace:
    folder: Path
    center: Database | None = None
    center_path: Path | None = None
    databases: list[Database] = field(default_factory=list)

    def need_center(self) -> Database:
        if self.center is None:
            raise CheckFailed(_("not run: the test database could not be made"))
        return self.center


@contextlib.contextmanager
def _isolated_home(folder: Path) -> Iterator[None]:
    """Point every path of the app at ``folder`` for the duration, then put the variables back."""
    saved = {name: os.environ.get(name) for name in _USER_VARIABLES}
    for name in _USER_VARIABLES:
        os.environ.pop(name, None)
    os.environ["JUSTICE_DESK_HOME"] = str(folder)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- the checks -------------------------------------------------------------------------------


def _check_messages(ws: _Workspace) -> None:
    from justice_desk import paths
    from justice_desk.services.printing import th

    # Documents are printed in Thai whatever the app's language, through this same catalog.
    if th(CHECK_MESSAGES) == CHECK_MESSAGES:
        raise CheckFailed(
            _("no Thai message catalog in {compiled} or {sources}").format(
                compiled=paths.compiled_locale_dir(), sources=paths.translations_dir()
            )
        )


def _check_database(ws: _Workspace) -> None:
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    path = ws.folder / "self-test-center.sqlite3"
    db = setup.init_demo_center(path)  # every migration, from the first to the last
    ws.databases.append(db)
    summary = generate_demo(db, seed=1, people=12, cases=2, meetings=1)
    if summary.cases != 2 or summary.meetings != 1:
        raise CheckFailed(
            _(
                "the demo center has {cases} cases and {meetings} meetings instead of 2 and 1"
            ).format(cases=summary.cases, meetings=summary.meetings)
        )
    db.dispose()
    ws.center_path = path


def _check_migrations(ws: _Workspace) -> None:
    from justice_desk.services import maintenance
    from justice_desk.storage import migrate, schema
    from justice_desk.storage.database import inspect_sqlite_file

    if ws.center_path is None:
        raise CheckFailed(_("not run: the test database could not be made"))
    db, revision = maintenance.migrate(ws.center_path)  # reopen: at head, nothing to do
    ws.databases.append(db)
    ws.center = db  # the later checks work on it even when this one fails below
    # Alembic finds the revisions by listing the folder: a build that lost one still creates a
    # database, one schema short.
    found = migrate.script_revisions()
    if found != schema.KNOWN_REVISIONS:
        raise CheckFailed(
            _("the migration scripts in {folder} are {found}, expected {expected}").format(
                folder=migrate.MIGRATIONS,
                found=", ".join(found) or "-",
                expected=", ".join(schema.KNOWN_REVISIONS),
            )
        )
    on_disk = inspect_sqlite_file(ws.center_path).revision
    if on_disk != revision:
        raise CheckFailed(
            _("the database is at schema {found} after opening, expected {expected}").format(
                found=on_disk, expected=revision
            )
        )
    copies = sorted(p.name for p in ws.folder.glob("*.before-upgrade-*"))
    if copies:
        raise CheckFailed(
            _("a database at the current schema was upgraded again ({copy})").format(copy=copies[0])
        )


def _check_thai_words(ws: _Workspace) -> None:
    from justice_desk.documents import segment
    from justice_desk.domain import thai_text

    text = "".join(_SEGMENTER_PROBE)
    words = segment.words(text)
    if words != _SEGMENTER_PROBE:
        raise CheckFailed(
            _("the Thai word segmenter cut {text} into {words}").format(
                text=text, words=" | ".join(words)
            )
        )
    # Two SARA E typed for SARA AE: only PyThaiNLP's normalize folds them.
    if thai_text.normalize("\u0e40\u0e40ปลก") != "แปลก":
        raise CheckFailed(_("Thai text normalisation does not work"))


def _check_thai_font(ws: _Workspace) -> None:
    from justice_desk.documents import fonts

    try:
        bundled = fonts.choose_fonts(search_dirs=[])  # the Sarabun files shipped with the app
        fonts.check_shaping()  # the font documents will really use shapes Thai
    except RuntimeError as exc:
        raise CheckFailed(str(exc)) from exc
    missing = [str(p) for p in bundled.files.values() if not p.is_file()]
    if missing:
        raise CheckFailed(
            _("the Thai font files are missing: {files}").format(files=", ".join(missing))
        )


def _check_document(ws: _Workspace) -> None:
    from justice_desk.services import meetings, printing

    db = ws.need_center()
    page = meetings.list_meetings(db, limit=1)
    if not page.rows:
        raise CheckFailed(_("the test database has no meeting to print"))
    pdf = printing.invitation_pdf(db, page.rows[0].id)
    out = ws.folder / "self-test-invitation.pdf"
    out.write_bytes(pdf)
    if not out.is_file() or out.stat().st_size == 0:
        raise CheckFailed(_("{path} was not written").format(path=out))
    if not out.read_bytes().startswith(b"%PDF-"):
        raise CheckFailed(_("{path} is not a PDF file").format(path=out))


def _check_sync(ws: _Workspace) -> None:
    from justice_desk.services import setup, sync

    center = ws.need_center()
    province = setup.init_province(ws.folder / "self-test-province.sqlite3", province="เชียงใหม่")
    ws.databases.append(province)
    transfer = ws.folder / "transfer"
    transfer.mkdir()
    request, fingerprint = sync.write_enrolment_request(center, transfer / "center.jdenrol")
    review = sync.enrol_center(
        province,
        request,
        approve=True,
        answer_out=transfer / "center.jdanswer",
        expected_fingerprint=fingerprint,
    )
    if review.answer is None:
        raise CheckFailed(_("the province wrote no enrolment answer"))
    sync.accept_answer(center, review.answer)
    exported = sync.export_bundle(center, transfer / "bundles")
    outcomes = sync.import_paths(province, [exported.path])
    if [o.status for o in outcomes] != ["applied"]:
        raise CheckFailed(
            _("the province did not apply the center's bundle: {outcome}").format(
                outcome="; ".join(f"{o.status} {o.message}".strip() for o in outcomes)
            )
        )
    receipts = sync.write_receipts(province, transfer / "receipts")
    if len(receipts) != 1:
        raise CheckFailed(
            _("the province wrote {count} receipts instead of 1").format(count=len(receipts))
        )
    receipt = sync.apply_receipt(center, receipts[0].path)
    if receipt.applied_through != exported.last_change:
        raise CheckFailed(
            _("the receipt confirms change {found}, expected {expected}").format(
                found=receipt.applied_through, expected=exported.last_change
            )
        )


#: In order; later checks use the databases the earlier ones made.
CHECKS: tuple[tuple[str, Callable[[_Workspace], None]], ...] = (
    (CHECK_MESSAGES, _check_messages),
    (CHECK_DATABASE, _check_database),
    (CHECK_MIGRATIONS, _check_migrations),
    (CHECK_THAI_WORDS, _check_thai_words),
    (CHECK_THAI_FONT, _check_thai_font),
    (CHECK_DOCUMENT, _check_document),
    (CHECK_SYNC, _check_sync),
)


def run_checks(report: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    """Run every check in a temporary folder that is removed afterwards; ``report`` is called
    with each result as soon as it is known. A check that fails does not stop the others."""
    results: list[CheckResult] = []
    with tempfile.TemporaryDirectory(
        prefix="justice-desk-self-test-", ignore_cleanup_errors=True
    ) as tmp:
        ws = _Workspace(Path(tmp))
        with _isolated_home(ws.folder):
            try:
                for label, check in CHECKS:
                    result = CheckResult(_(label), _failure(label, check, ws))
                    results.append(result)
                    if report is not None:
                        report(result)
            finally:
                # Windows cannot delete a database file that is still open.
                for db in ws.databases:
                    db.dispose()
    return results


def _failure(label: str, check: Callable[[_Workspace], None], ws: _Workspace) -> str | None:
    try:
        check(ws)
    except (CheckFailed, UserError) as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure and goes on
        log.exception("self-test: the %s check failed", label)
        return f"{type(exc).__name__}: {exc}"
    return None
