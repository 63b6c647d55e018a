"""Creating a center or a province database, and reading what this database is."""

from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass, replace

from justice_desk.domain import center_code
from justice_desk.domain.enums import CenterType, SiteKind
from justice_desk.domain.ids import new_id
from justice_desk.errors import UserError, ValidationError
from justice_desk.i18n import _
from justice_desk.storage import repositories as repo
from justice_desk.storage.database import Database, open_database
from justice_desk.storage.models import Site


@dataclass(frozen=True)
class SiteInfo:
    id: uuid.UUID
    kind: SiteKind
    code: str
    name: str
    center_type: CenterType | None
    host_organisation: str | None
    tambon: str | None
    amphoe: str | None
    province: str
    phone: str | None = None


def _site_info(site: Site) -> SiteInfo:
    return SiteInfo(
        site.id,
        SiteKind(site.kind),
        site.code,
        site.name,
        CenterType(site.center_type) if site.center_type else None,
        site.host_organisation,
        site.tambon,
        site.amphoe,
        site.province,
        site.phone,
    )


def _require(value: str | None, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field)
    return value


def init_center(
    db_path: str | os.PathLike[str] | None,
    *,
    code: str,
    name: str,
    province: str,
    amphoe: str | None = None,
    tambon: str | None = None,
    center_type: CenterType = CenterType.BOTH,
    host_organisation: str | None = None,
    passphrase: str | None = None,
    key: bytes | None = None,
) -> Database:
    """Create a new center database (refuses to re-initialise one that is already set up);
    ``passphrase`` protects its private key file (else ``JUSTICE_DESK_KEY_PASSPHRASE``, else
    none). With ``key`` the file is encrypted (``services.encryption.set_up_encrypted``) and
    the private keys live inside it."""
    check_passphrase(passphrase)
    code = check_center_code(code)
    name = _require(name, _("The center name is required."), "name")
    province = _require(province, _("The province is required."), "province")
    db = open_database(db_path, create=True, key=key)
    _refuse_if_set_up(db)
    site_id = new_id()
    with db.write() as session:
        session.info["owner_id"] = site_id
        session.add(
            Site(
                id=site_id,
                owner_id=site_id,
                kind=SiteKind.CENTER.value,
                code=code,
                name=name,
                center_type=center_type.value,
                host_organisation=(host_organisation or "").strip() or None,
                tambon=(tambon or "").strip() or None,
                amphoe=(amphoe or "").strip() or None,
                province=province,
            )
        )
        db.put_settings(
            session,
            {"site_id": str(site_id), "mode": SiteKind.CENTER.value, "epoch": secrets.token_hex(8)},
        )
    _make_keys(db, passphrase=passphrase)
    return db


def init_province(
    db_path: str | os.PathLike[str] | None,
    *,
    province: str,
    code: str | None = None,
    passphrase: str | None = None,
    key: bytes | None = None,
) -> Database:
    """Create a new Provincial Justice Office database (encrypted with ``key``, as
    ``init_center``)."""
    check_passphrase(passphrase)
    province = _require(province, _("The province is required."), "province")
    db = open_database(db_path, create=True, key=key)
    _refuse_if_set_up(db)
    site_id = new_id()
    with db.write() as session:
        session.info["owner_id"] = site_id
        session.add(
            Site(
                id=site_id,
                owner_id=site_id,
                kind=SiteKind.PROVINCE.value,
                code=(code or "").strip() or f"PJO-{province}",
                name=_("Provincial Justice Office of {province}").format(province=province),
                province=province,
            )
        )
        db.put_settings(
            session,
            {
                "site_id": str(site_id),
                "mode": SiteKind.PROVINCE.value,
                "epoch": secrets.token_hex(8),
            },
        )
    _make_keys(db, escrow=True, passphrase=passphrase)
    return db


def check_center_code(code: str | None) -> str:
    """The center code as the province assigns it (``domain.center_code``), trimmed; a code of
    another form is refused with what it should look like."""
    code = _require(code, _("The center code is required."), "code")
    if not center_code.is_valid(code):
        raise ValidationError(
            _(
                "“{code}” is not a center code. Type the code the Provincial Justice Office "
                "gave the center: letters A–Z and digits, parts joined by single hyphens, "
                "at most {length} characters (for example 500107 or CJC-0001)."
            ).format(code=code, length=center_code.MAX_LENGTH),
            "code",
        )
    return code


MIN_PASSPHRASE = 8


def check_passphrase(passphrase: str | None, repeated: str | None = None) -> None:
    """A key passphrase is optional; one that is given must be long enough (and typed the same
    twice when ``repeated`` is given)."""
    if not passphrase:
        if repeated:
            raise ValidationError(
                _("The two passphrases are not the same. Type it again in both boxes."),
                "passphrase",
            )
        return
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            _("A passphrase needs at least {count} characters; or leave both boxes empty.").format(
                count=MIN_PASSPHRASE
            ),
            "passphrase",
        )
    if repeated is not None and repeated != passphrase:
        raise ValidationError(
            _("The two passphrases are not the same. Type it again in both boxes."), "passphrase"
        )


def _make_keys(db: Database, *, escrow: bool = False, passphrase: str | None = None) -> None:
    """Key pairs are made at set-up (docs/sync.md §9), so enrolment can start at once."""
    from justice_desk.services.sync import create_site_keys

    create_site_keys(db, escrow=escrow, passphrase=passphrase)


def _refuse_if_set_up(db: Database) -> None:
    if db.site_id_or_none() is not None:
        db.dispose()
        mode = db.mode
        if mode is not None and mode in SiteKind._value2member_map_:
            mode = SiteKind(mode).label()
        raise UserError(
            _("{path} is already set up for a {mode}. Choose a new file name.").format(
                path=db.target.display, mode=mode
            )
        )


def this_site(db: Database) -> SiteInfo:
    """The center or province office this database belongs to."""
    with db.read() as session:
        return _site_info(repo.get(session, Site, db.site_id))


DEMO_CENTER = {
    "code": "DEMO-500107",
    "name": "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
    "province": "เชียงใหม่",
    "amphoe": "เมืองเชียงใหม่",
    "tambon": "แม่เหียะ",
    "host_organisation": "เทศบาลเมืองแม่เหียะ",
}


def init_demo_center(db_path: str | os.PathLike[str] | None) -> Database:
    """A center for the demo: a real tambon of Chiang Mai, clearly coded as a demo."""
    db = init_center(
        db_path,
        center_type=CenterType.BOTH,
        code=DEMO_CENTER["code"],
        name=DEMO_CENTER["name"],
        province=DEMO_CENTER["province"],
        amphoe=DEMO_CENTER["amphoe"],
        tambon=DEMO_CENTER["tambon"],
        host_organisation=DEMO_CENTER["host_organisation"],
    )
    with db.write() as session:
        db.put_settings(session, {"demo": "1"})
    return db


def find_site(db: Database, code: str) -> SiteInfo:
    """A center (or office) known to this database, by its code.

    At a province a center's code is the one it enrolled with: codes resolve through the
    enrolments (approved or revoked), never through whatever site rows say, so a row a bundle
    forged cannot stand for a real center (docs/sync.md §1). The office's own code finds the
    office."""
    from justice_desk.errors import NotFoundError
    from justice_desk.storage import sync_queries

    with db.read() as session:
        if db.mode == SiteKind.PROVINCE.value:
            found = sync_queries.enrolled_site(session, code)
            if found is not None:
                site, enrolment = found
                return replace(_site_info(site), code=enrolment.code, name=enrolment.name)
            own = repo.get(session, Site, db.site_id)
            if own.code == code.strip():
                return _site_info(own)
        else:
            found_here = repo.site_by_code(session, code)
            if found_here is not None:
                return _site_info(found_here)
        raise NotFoundError(
            _("No center with the code {code} is known to this database.").format(code=code)
        )
