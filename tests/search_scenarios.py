"""People and cases a coordinator searches for, and the ways they type or paste them
(docs/thai-text-and-printing.md §7): shared by tests/services/test_search_as_typed.py (SQLite) and
tests/postgres/test_search_on_postgres.py, so both databases answer the same queries."""

from __future__ import annotations

import datetime as dt

from justice_desk.domain.enums import CaseKind, PartySide
from justice_desk.services import cases, people
from justice_desk.services.people import PersonInput

NAMFON = PersonInput(
    title="นาง",
    given_name="น้ำฝน",
    surname="ปั้นทอง",
    national_id="3500100234569",
    phone="081 234 5678",
    line_id="Namfon.P",
)
SOMSAK = PersonInput(title="นาย", given_name="สมศักดิ์", surname="ใจดี", phone="053-123-456")
PIMAI = PersonInput(title="น.ส.", given_name="พิมพ์ใจ", surname="ศรีสุข", no_id_reason="-")
UNTITLED = PersonInput(given_name="บุญมี", surname="มีสุข", no_id_reason="ไม่ทราบ")

#: Every one of these finds นางน้ำฝน ปั้นทอง and nobody else.
NAMFON_QUERIES = [
    "นางน้ำฝน ปั้นทอง",  # as the people list shows it
    "น้ำฝน ปั้นทอง",  # without the title
    "นาง น้ำฝน ปั้นทอง",  # title typed apart
    "น้ำฝนปั้นทอง",  # no space at all
    "ปั้นทอง น้ำฝน",  # surname first
    "  น้ำฝน   ปั้นทอง ",  # spaces of a paste
    "ฝน ปั้น",  # parts of both names
    "น้ํา",  # SARA AM typed as NIKHAHIT + SARA AA
    "3500100234569",
    "3-5001-00234-56-9",  # the ID as the form and documents write it
    "3 5001 00234 56 9",
    "๓-๕๐๐๑-๐๐๒๓๔-๕๖-๙",  # Thai digits
    "x-xxxx-xxxxx-56-9",  # the ID as the list masks it
    "00234",  # a piece of the ID
    "0812345678",
    "081-234-5678",
    "081 234 5678",
    "(081) 234-5678",
    "+66 81 234 5678",
    "๐๘๑-๒๓๔-๕๖๗๘",
    "namfon.p",  # LINE ID, any case
]

#: Every one of these finds case 012/2568 and no other.
CASE_QUERIES = [
    "012/2568",
    "12/2568",
    "๑๒/๒๕๖๘",
    "๐๑๒/๒๕๖๘",
    "12 / 2568",
    "12/68",  # the BE century left out, as on many forms
    "12/2025",  # the year in the Common Era
    "เลขที่ 12/2568",
    "ที่ 12/2568",
    "คดีที่12/2568",
    "นางน้ำฝน ปั้นทอง",  # the applicant as documents name her
    "นายสมศักดิ์ ใจดี",
    "081-234-5678",  # a party's phone
    "3-5001-00234-56-9",  # a party's ID
    "ปั้นทอง ทางเดิน",  # a party and a word of the subject
    "ทางเดินผ่าน",  # the subject without its space
    "ทางเดิน ผ่าน",
    "แปลง 12",  # Thai digits in the subject, typed in Arabic ones
    "12/2568 ปั้นทอง",
]


def build_register(db) -> None:
    for p in (NAMFON, SOMSAK, PIMAI, UNTITLED):
        people.create_person(db, p)


def build_cases(db) -> list:
    """Cases 001/2568 … 012/2568; the last one between น้ำฝน and สมศักดิ์ (made by
    :func:`build_register`)."""
    namfon = people.list_people(db, search="น้ำฝน").rows[0]
    somsak = people.list_people(db, search="สมศักดิ์").rows[0]
    made = []
    for i in range(1, 13):
        parties = ()
        if i == 12:
            parties = (
                cases.PartyInput(namfon.id, PartySide.APPLICANT),
                cases.PartyInput(somsak.id, PartySide.RESPONDENT),
            )
        made.append(
            cases.take_in(
                db,
                cases.CaseInput(
                    CaseKind.DISPUTE if i == 12 else CaseKind.LEGAL_ADVICE,
                    "ข้อพิพาทเรื่องทางเดิน ผ่านที่ดิน แปลง ๑๒" if i == 12 else f"ขอคำปรึกษา {i}",
                    dt.date(2025, 3, i),
                    parties=parties,
                ),
            ).record
        )
    return made


def names(db, query: str) -> list[str]:
    return sorted(r.name for r in people.list_people(db, search=query).rows)


def numbers(db, query: str) -> list[str]:
    return [r.number for r in cases.list_cases(db, search=query).rows]
