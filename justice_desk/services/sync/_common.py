"""Shared by both sides of the sync: reasons and what to do about them, labels of records,
small helpers (docs/sync.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from justice_desk import sync as fmt
from justice_desk.domain.enums import EnrolmentStatus
from justice_desk.errors import (
    UserError,
)
from justice_desk.i18n import N_, _
from justice_desk.storage.database import Database
from justice_desk.storage.models import (
    Enrolment,
    Site,
    SiteKey,
)
from justice_desk.storage.schema import KNOWN_REVISIONS
from justice_desk.sync.keys import (
    PublicKeySet,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SCHEMA_VERSION = len(KNOWN_REVISIONS)
PASSPHRASE_ENV = "JUSTICE_DESK_KEY_PASSPHRASE"
SYNC_SUFFIXES = (".jdbundle", ".jdrotate")

# Reasons the importer decides with the database (the format layer has its own).
REASONS = {
    "duplicate": N_("already imported"),
    "replay": N_("an old bundle sent again: its changes were already applied"),
    "nothing_new": N_(
        "a new bundle with nothing new: it holds no change that was not applied already"
    ),
    "same_seq_different_content": N_(
        "a different bundle with the same number was already imported: "
        "possible tampering or a copied database"
    ),
    "gap": N_("changes {start}–{end} have not arrived yet; it will be applied when they do"),
    "not_enrolled": N_("this center has not been enrolled or approved at this office"),
    "wrong_owner": N_("a record that belongs to someone else"),
    "unknown_table": N_("a kind of record this version does not know; upgrade Justice Desk"),
    "missing_parent": N_("records refer to others that have not arrived"),
    "newer_schema": N_("made by a newer Justice Desk; upgrade this office first"),
    "not_a_sync_file": N_("not a Justice Desk sync file"),
    "unreadable": N_("the file cannot be read"),
    "not_found": N_("there is no such file"),
    "not_imported": N_("not imported: the import stopped before this file"),
    "store_failed": N_(
        "the database could not store it, so nothing of it was kept (the details are in the "
        "log file); please report it"
    ),
    "number_too_large": N_(
        "it holds a number larger than this office's database can store, so it was refused"
    ),
    "bad_record": N_("a record with a value of the wrong kind"),
    "number_taken": N_(
        "its number is already used by another record of this center (a restored laptop?): "
        "kept in the conflict list"
    ),
    "parent_refused": N_("it belongs to a record that was refused"),
    "foreign_reference": N_("it refers to a record of another center"),
    "other_site": N_("a center may send only its own site record"),
    "new_epoch": N_(
        "the center sends from a new start (restored from a backup?); it waits until an "
        "officer confirms it with the center and accepts it"
    ),
    "epoch_refused": N_("an officer refused this new start of the center"),
}


def reason_text(reason: str | None, **params: Any) -> str:
    if not reason:
        return ""
    template = REASONS.get(reason)
    # A log line read back later has no parameters: a missing one reads "?" instead of failing.
    return _(template).format_map(_Params(params)) if template else reason


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _public_from_row(row: SiteKey) -> PublicKeySet:
    return PublicKeySet(base64.b64decode(row.signing_public), base64.b64decode(row.hpke_public))


def _province_name(db: Database) -> str:
    return _own_site(db).province or ""


@dataclass(frozen=True)
class _Site:
    id: uuid.UUID
    code: str
    name: str
    province: str | None


def _own_site(db: Database) -> _Site:
    """This database's own site (read here so that services.setup, which makes the keys
    through this module, is not imported back)."""
    with db.read() as session:
        site = session.get(Site, db.site_id)
        if site is None:
            raise UserError(_("This database has no site record; it is not a Justice Desk site."))
        return _Site(site.id, site.code, site.name, site.province)


def _require_province(db: Database) -> None:
    if db.mode != "province":
        raise UserError(_("This is done at the Provincial Justice Office, on a province database."))


def _timestamp(text: str | None) -> dt.datetime | None:
    """A naive UTC timestamp (as the database stores them) from a manifest, or None."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _enrolled(session: Session, center_code: str) -> Enrolment:
    from justice_desk.storage import sync_queries as q

    enrolment = q.enrolment_by_code(session, center_code)
    if enrolment is None or enrolment.status == EnrolmentStatus.PENDING:
        raise UserError(
            _("No center with the code {code} is enrolled here.").format(code=center_code)
        )
    return enrolment


#: What a person can do about a conflict or a refused record, by reason.
ACTIONS = {
    "restored_center_older": N_(
        "The province kept its newer version. Ask the center which one is right; if it is the "
        "center's, the center edits the record again and sends it."
    ),
    "restored_center_overwrote": N_(
        "The center's version (made after its restore) replaced this one, which the province "
        "had from before the restore. Check with the center that nothing in it is missing."
    ),
    "number_taken": N_(
        "The number is already used by another record of the center (from before a restore). "
        "The center gives the record a new number and sends it again."
    ),
    "parent_refused": N_(
        "It belongs to a record that was refused. It arrives with that record once the center "
        "has corrected it and sent it again."
    ),
    "foreign_reference": N_(
        "It points at a record of another center; a center's records may point only at its "
        "own. Ask the center to check the record and send it again."
    ),
    "other_site": N_(
        "A center sends only its own center record; this one would have added or changed "
        "another center. It was not taken in. Ask the center what it meant to change."
    ),
    "bad_record": N_(
        "A value in the record is not one the app takes (the detail says which). The center "
        "corrects the record and sends it again."
    ),
    "wrong_owner": N_(
        "The record names another center as its owner, or its id is already another center's "
        "record. It was not taken in. Ask the center to check the record."
    ),
}


def _table_label(table: str) -> str:
    labels = {
        "cases": _("Case"),
        "meetings": _("Meeting"),
        "people": _("Person"),
        "case_parties": _("Party of a case"),
        "case_events": _("Event of a case"),
        "case_sessions": _("Mediation session of a case"),
        "case_mediators": _("Mediator of a case"),
        "sites": _("Center"),
        "memberships": _("Network membership"),
        "trainings": _("Training"),
        "committee_terms": _("Committee term"),
        "committee_positions": _("Committee position"),
        "mediators": _("Mediator"),
        "meeting_attendance": _("Attendance"),
        "agenda_items": _("Agenda item of a meeting"),
        "minutes_versions": _("Minutes"),
        "settlements": _("Settlement of a case"),
        "instalments": _("Instalment of a settlement"),
        "compliance_checks": _("Compliance check of a settlement"),
        "activities": _("Activity of the center"),
    }
    return labels.get(table, table)


def _record_label(table: str, parts: tuple[str, ...] | None, row_id: str) -> str:
    if parts and table in ("cases", "meetings") and len(parts) == 2:
        number = f"{int(parts[0]):03d}" if table == "cases" else parts[0]
        return f"{_table_label(table)} {number}/{parts[1]}"
    if parts and len(parts) == 2 and table not in ("people", "meetings"):
        # A row of a case: named by the case's number.
        return f"{_table_label(table)} {int(parts[0]):03d}/{parts[1]}"
    if parts and table == "people":
        return f"{_table_label(table)} {' '.join(p for p in parts if p)}"
    return f"{_table_label(table)} {row_id[:8]}"


def _label_parts(table: str, fields_json: str | None) -> tuple[str, ...] | None:
    """:func:`_record_label`'s parts from a record's fields (JSON), as ``record_labels``."""
    try:
        fields = json.loads(fields_json or "{}")
    except ValueError:
        return None
    keys = ("given_name", "surname") if table == "people" else ("number", "year_be")
    if not isinstance(fields, dict) or fields.get(keys[0]) is None:
        return None
    return tuple("" if fields.get(k) is None else str(fields[k]) for k in keys)


def _write_file(target: Path, data: bytes) -> None:
    try:
        fmt.write_atomically(target, data, mode=0o644, overwrite=True)
    except OSError as exc:
        raise UserError(
            _("Cannot write {path} ({error}). Check the folder and the free space.").format(
                path=target, error=exc.strerror or exc
            )
        ) from exc


def new_epoch() -> str:
    return secrets.token_hex(8)
