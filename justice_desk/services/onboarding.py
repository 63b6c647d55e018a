"""First run: setting up this computer as a center, a province office, or trying the demo."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from justice_desk.domain.enums import CenterType, CommitteePosition
from justice_desk.i18n import _
from justice_desk.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from justice_desk.services import people, setup
from justice_desk.services.common import required
from justice_desk.storage.database import Database


@dataclass(frozen=True)
class CenterSetup:
    code: str
    name: str
    province: str
    amphoe: str | None = None
    tambon: str | None = None
    host_organisation: str | None = None
    center_type: CenterType = CenterType.BOTH
    coordinator_given_name: str = ""
    coordinator_surname: str | None = None
    coordinator_title: str | None = None
    coordinator_phone: str | None = None
    key_passphrase: str | None = None  # protects the center's private keys (optional)


COORDINATOR_ROLE = "ผู้ประสานงานยุติธรรมชุมชน"


def set_up_center(
    db_path: str | os.PathLike[str], data: CenterSetup, *, key: bytes | None = None
) -> Database:
    """Create the center database (encrypted with ``key``) and record its first coordinator."""
    required(
        data.coordinator_given_name,
        _("The first coordinator's given name is required."),
        "coordinator_given_name",
    )
    db = setup.init_center(
        db_path,
        code=data.code,
        name=data.name,
        province=data.province,
        amphoe=data.amphoe,
        tambon=data.tambon,
        center_type=data.center_type,
        host_organisation=data.host_organisation,
        passphrase=data.key_passphrase,
        key=key,
    )
    people.create_person(
        db,
        people.PersonInput(
            given_name=data.coordinator_given_name,
            surname=data.coordinator_surname,
            title=data.coordinator_title,
            phone=data.coordinator_phone,
            community_role=COORDINATOR_ROLE,
            no_id_reason=_("Not entered at set-up"),
            province=data.province,
            amphoe=data.amphoe,
            tambon=data.tambon,
        ),
    )
    return db


def create_demo(
    db_path: str | os.PathLike[str],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> None:
    """The demo center with its default data (about 60 people, 300 cases, 24 meetings)."""
    from justice_desk.services.demo import generate_demo

    db = setup.init_demo_center(db_path)
    try:
        generate_demo(db, progress=progress, cancel=cancel)
    finally:
        db.dispose()


@dataclass(frozen=True)
class SetupChecklist:
    """What a new center still has to do before its daily work (the checklist in the window)."""

    committee: bool  # a committee serves today (a term with members)
    mediators: bool  # at least one mediator with a registration valid today
    enrolled: bool  # the province has answered the enrolment request

    @property
    def complete(self) -> bool:
        return self.committee and self.mediators and self.enrolled


def setup_checklist(db: Database, *, today: dt.date | None = None) -> SetupChecklist:
    today = today or dt.date.today()
    positions = {seat.position for seat in people.roster(db, today)}
    return SetupChecklist(
        # A committee is recorded once it has its chair and its secretary (the meeting papers
        # need both), not at its first seat.
        committee={CommitteePosition.CHAIR, CommitteePosition.SECRETARY} <= positions,
        mediators=bool(people.list_mediators(db, valid_on=today)),
        enrolled=bool(db.setting("province_id")),
    )
