"""The recovery key sheet: printed once when a database is encrypted, for the chairperson to
keep locked away. It is the only way into the database when every password is lost
(``storage/keyslots.py``). Thai, in the official page layout; nothing else of the database is
on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Flowable, Table, TableStyle

from justice_desk.documents.data import Issuer
from justice_desk.documents.layout import Story, date_text, style
from justice_desk.documents.pdf import build_pdf

__all__ = ["RecoverySheetDoc", "recovery_sheet_pdf", "recovery_sheet_story"]

TITLE = "กุญแจกู้คืนฐานข้อมูล"


@dataclass(frozen=True)
class RecoverySheetDoc:
    issuer: Issuer
    #: ``12345-67890-…`` (8 groups of 5 digits, as ``keyslots.format_recovery_key`` gives it).
    recovery_key: str
    #: The database file it opens (as shown to the person).
    database: str
    made_on: dt.date


def recovery_sheet_story(doc: RecoverySheetDoc) -> list[Flowable]:
    story = Story(thai_digits=False, keep_whole=(doc.issuer.name,))
    story.add(story.para(TITLE, "doc_title"))
    story.add(story.para(doc.issuer.name, "centre"))
    if doc.issuer.locality:
        story.add(story.para(doc.issuer.locality, "centre"))
    story.add(story.para(f"จัดทำเมื่อวันที่ {date_text(doc.made_on)}", "centre"))
    story.line_space(0.5)
    story.text(
        "ฐานข้อมูลของโปรแกรม Justice Desk ของศูนย์ถูกเข้ารหัสไว้ "
        "ผู้ที่คัดลอกแฟ้มไปจะอ่านข้อมูลไม่ได้หากไม่มีรหัสผ่าน "
        "กุญแจกู้คืนข้างล่างนี้เปิดฐานข้อมูลได้เมื่อลืมรหัสผ่านของทุกบัญชี "
        "และให้ผู้ประสานงานตั้งรหัสผ่านใหม่ได้",
        "body_indent",
    )
    groups = doc.recovery_key.split("-")
    rows = [groups[i : i + 4] for i in range(0, len(groups), 4)]
    cells = [[story.para(g, "table_centre", fontSize=20, leading=30) for g in row] for row in rows]
    table = Table(cells, hAlign="CENTER", colWidths=[100] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, "black"),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story.space(style("body").leading * 0.5)
    story.add(table)
    story.space(style("body").leading * 0.5)
    story.labelled("ฐานข้อมูล", doc.database)
    story.add(story.para("ข้อควรปฏิบัติ", "heading", spaceBefore=6, keepWithNext=1))
    for line in (
        "๑. มอบแผ่นนี้ให้ประธานกรรมการศูนย์เก็บไว้ในที่ปลอดภัยและล็อกได้ แยกจากเครื่องคอมพิวเตอร์และแฟ้มสำรองข้อมูล",
        "๒. อย่าถ่ายรูป อย่าส่งทางไลน์หรืออีเมล และอย่าเก็บไว้ในเครื่องคอมพิวเตอร์",
        "๓. ใช้เมื่อลืมรหัสผ่านของทุกบัญชี: ที่หน้าต่างเข้าสู่ระบบ กด "
        "“ลืมรหัสผ่านทุกบัญชี” แล้วพิมพ์ตัวเลขทีละกลุ่ม (เลขไทยหรือเลขอารบิกก็ได้) "
        "จากนั้นตั้งรหัสผ่านใหม่ให้ผู้ประสานงาน",
        "๔. กุญแจนี้ใช้กู้คืนแฟ้มสำรองข้อมูลที่เข้ารหัสไว้ได้ด้วย",
        "๕. หากสงสัยว่าผู้อื่นเห็นกุญแจนี้ ให้ผู้ประสานงานสร้างกุญแจกู้คืนใหม่ แล้วทำลายแผ่นเดิม",
    ):
        story.text(line, "body")
    story.line_space(1.5)
    story.signature(None, "ผู้รับมอบ", after=("วันที่ ........ / ........ / ........",))
    return story.flowables


def recovery_sheet_pdf(doc: RecoverySheetDoc) -> bytes:
    """The recovery key sheet as PDF bytes (one A4 page)."""
    return build_pdf(
        recovery_sheet_story(doc),
        thai_digits=False,
        title=TITLE,
        author=doc.issuer.name,
        subject=TITLE,
    )
