"""Meeting papers: minutes (รายงานการประชุม), the invitation with its agenda, and the
attendance sheet with a signature column.

The minutes follow the format of ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526: the
labels, and their order, are fixed (``MINUTES_LABELS``).
"""

from __future__ import annotations

import re

from reportlab.lib.units import cm
from reportlab.platypus import Flowable

from justice_desk.documents.data import (
    AgendaEntry,
    AttendanceSheetDoc,
    Attendee,
    InvitationDoc,
    MinutesDoc,
)
from justice_desk.documents.layout import (
    DOTS,
    Story,
    center_of,
    contact_lines,
    date_text,
    names_in,
    style,
    time_text,
)
from justice_desk.documents.pdf import build_pdf
from justice_desk.documents.styles import FIRST_LINE_INDENT

__all__ = [
    "MINUTES_LABELS",
    "attendance_sheet_pdf",
    "attendance_sheet_story",
    "invitation_pdf",
    "invitation_story",
    "minutes_pdf",
    "minutes_story",
]

#: The fixed labels of minutes, in the order they are printed.
MINUTES_LABELS = (
    "รายงานการประชุม",
    "ครั้งที่",
    "เมื่อ",
    "ณ ",
    "ผู้มาประชุม",
    "ผู้ไม่มาประชุม",
    "ผู้เข้าร่วมประชุม",
    "เริ่มประชุมเวลา",
    "ระเบียบวาระที่",
    "มติที่ประชุม",
    "เลิกประชุมเวลา",
    "ผู้จดรายงานการประชุม",
    "ผู้ตรวจรายงานการประชุม",
)
NONE_LINE = "- ไม่มี -"
# "(มาประชุมแทน …)" or "มาประชุมแทน …" written into a position label.
_SUBSTITUTE_NOTE = re.compile(r"\(?\s*มาประชุมแทน[^)]*\)?")

# Attendance lists: the number column ends at the 2.5 cm paragraph indent.
_NUMBER_COLUMN = FIRST_LINE_INDENT
_NAME_COLUMN = 5.8 * cm


def _people_table(
    story: Story, people: tuple[Attendee, ...], *, with_reason: bool, name_width: float
) -> Flowable:
    """Numbered names and positions; all three lists share their column positions."""
    rows: list[list[str]] = []
    for i, person in enumerate(people, start=1):
        position = person.position or ""
        if person.substitute_for:
            # A position label typed with the note ("กรรมการ (มาประชุมแทน…)") prints it once.
            position = _SUBSTITUTE_NOTE.sub("", position).strip()
            position = f"{position} มาประชุมแทน {person.substitute_for}".strip()
        row = [f"{i}.", person.name, position]
        if with_reason:
            row.append(person.absence_reason or "")
        rows.append(row)
    weights = [0.0, 0.0, 4.6, 4.4] if with_reason else [0.0, 0.0, 9.0]
    align = ["right", "left", "left", "left"][: len(weights)]
    return story.table(
        rows,
        weights=weights,
        align=align,
        grid=False,
        fixed={0: _NUMBER_COLUMN, 1: name_width},
        pad_x=3.0,
    )


def _name_width(story: Story, doc: MinutesDoc) -> float:
    """Wide enough for most names on one line, never narrower than the longest word."""
    words = [
        story.para(p.name, "table").minWidth() + 6.0
        for p in (*doc.present, *doc.absent, *doc.guests)
    ]
    return float(max([_NAME_COLUMN, *words]))


def _votes_text(item: AgendaEntry) -> str:
    parts = []
    if item.votes_for is not None:
        parts.append(f"เห็นด้วย {item.votes_for} เสียง")
    if item.votes_against is not None:
        parts.append(f"ไม่เห็นด้วย {item.votes_against} เสียง")
    if item.votes_abstain is not None:
        parts.append(f"งดออกเสียง {item.votes_abstain} เสียง")
    return "ผลการลงมติ " + " ".join(parts)


def _agenda_item(story: Story, item: AgendaEntry) -> None:
    heading = story.para(
        f"ระเบียบวาระที่ {item.number} {item.title}", "heading", spaceBefore=4, keepWithNext=1
    )
    if not (item.discussion or item.resolution):
        # Keep the heading with what follows it.
        story.add(heading)
        story.add(story.para(NONE_LINE, "body", leftIndent=FIRST_LINE_INDENT))
        return
    story.add(heading)
    if item.discussion:
        story.text(item.discussion, "body_indent")
    resolution = item.resolution or DOTS
    story.labelled("มติที่ประชุม", resolution, indent=FIRST_LINE_INDENT, spaceBefore=2)
    if item.has_votes:
        story.add(story.para(_votes_text(item), "body", leftIndent=FIRST_LINE_INDENT))


def minutes_story(doc: MinutesDoc) -> list[Flowable]:
    """The flowables of the minutes (see :func:`minutes_pdf`)."""
    story = Story(thai_digits=doc.thai_digits, keep_whole=(*names_in(doc), "มาประชุมแทน"))
    if doc.draft:
        story.add(story.para("ร่าง", "right"))
    story.add(story.para(f"รายงานการประชุม{doc.body_name}", "title"))
    story.add(story.para(f"ครั้งที่ {doc.number}", "centre"))
    story.add(story.para(f"เมื่อ{date_text(doc.held_on, weekday=True)}", "centre"))
    story.add(story.para(f"ณ {doc.place or DOTS}", "centre"))
    story.separator()

    name_width = _name_width(story, doc)
    for label, people, with_reason in (
        ("ผู้มาประชุม", doc.present, False),
        ("ผู้ไม่มาประชุม", doc.absent, True),
        ("ผู้เข้าร่วมประชุม", doc.guests, False),
    ):
        story.add(story.para(label, "heading", spaceBefore=4, keepWithNext=1))
        if people:
            story.add(_people_table(story, people, with_reason=with_reason, name_width=name_width))
        else:
            story.add(story.para(NONE_LINE, "body", leftIndent=FIRST_LINE_INDENT))

    start = time_text(doc.starts_at) or f"{DOTS[:12]} น."
    story.add(story.para(f"เริ่มประชุมเวลา {start}", "heading", spaceBefore=6, keepWithNext=1))
    if doc.quorum_met is True:
        story.add(
            story.para(
                "เมื่อครบองค์ประชุมแล้ว ประธานในที่ประชุมกล่าวเปิดประชุมและดำเนินการประชุมตามระเบียบวาระ ดังนี้",
                "body_indent",
            )
        )
    elif doc.quorum_met is False:
        story.add(story.para("(ไม่ครบองค์ประชุม)", "body_indent"))

    for item in doc.agenda:
        _agenda_item(story, item)

    end = time_text(doc.ends_at) or f"{DOTS[:12]} น."
    story.add(story.para(f"เลิกประชุมเวลา {end}", "heading", spaceBefore=8))
    story.signature(doc.minute_taker, "ผู้จดรายงานการประชุม", space_before=1.5)
    story.signature(doc.checker, "ผู้ตรวจรายงานการประชุม", space_before=1.0)
    return story.flowables


def minutes_pdf(doc: MinutesDoc) -> bytes:
    """รายงานการประชุม as PDF bytes: A4, official margins, ``- ๒ -`` from page 2."""
    return build_pdf(
        minutes_story(doc),
        thai_digits=doc.thai_digits,
        title=f"รายงานการประชุม{doc.body_name} ครั้งที่ {doc.number}",
        author=center_of(doc.body_name),
        subject=f"รายงานการประชุม ครั้งที่ {doc.number} เมื่อ{date_text(doc.held_on)}",
    )


# -- invitation --------------------------------------------------------------------------------


def invitation_story(doc: InvitationDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    if doc.is_copy:
        story.add(story.para("สำเนา", "right"))
    story.letter_opening(doc, f"ขอเชิญประชุม{doc.body_name} ครั้งที่ {doc.number}")
    story.line_space(0.3)
    story.labelled("สิ่งที่ส่งมาด้วย", "ระเบียบวาระการประชุม จำนวน 1 ชุด", bold_label=False)
    story.line_space(0.5)
    when = date_text(doc.held_on, weekday=True)
    at = f" เวลา {time_text(doc.starts_at)}" if doc.starts_at else ""
    place = f" ณ {doc.place}" if doc.place else ""
    story.add(
        story.para(
            f"ด้วย{doc.body_name} กำหนดการประชุม ครั้งที่ {doc.number} ใน{when}{at}{place} "
            "โดยมีระเบียบวาระการประชุม ดังนี้",
            "body_indent",
        )
    )
    for item in doc.agenda:
        story.labelled(
            f"ระเบียบวาระที่ {item.number}", item.title, bold_label=False, indent=FIRST_LINE_INDENT
        )
    story.add(
        story.para(
            "จึงเรียนมาเพื่อโปรดเข้าร่วมประชุมตามวัน เวลา และสถานที่ดังกล่าว",
            "body_indent",
            spaceBefore=6,
        )
    )
    story.signature(
        doc.signer,
        "",
        space_before=1.0,
        closing="ขอแสดงความนับถือ",
        letter=True,
        contact=contact_lines(doc.issuer),
    )
    return story.flowables


def invitation_pdf(doc: InvitationDoc) -> bytes:
    """หนังสือเชิญประชุม with the agenda, as PDF bytes."""
    return build_pdf(
        invitation_story(doc),
        thai_digits=doc.thai_digits,
        title=f"หนังสือเชิญประชุม{doc.body_name} ครั้งที่ {doc.number}",
        author=doc.issuer.name,
        subject=f"ขอเชิญประชุม ครั้งที่ {doc.number} ใน{date_text(doc.held_on, weekday=True)}",
    )


# -- attendance sheet --------------------------------------------------------------------------


def attendance_sheet_story(doc: AttendanceSheetDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    story.add(story.para(f"บัญชีลงชื่อผู้มาประชุม{doc.body_name}", "title"))
    story.add(story.para(f"ครั้งที่ {doc.number}", "centre"))
    when = f"เมื่อ{date_text(doc.held_on, weekday=True)}"
    if doc.starts_at:
        when += f" เวลา {time_text(doc.starts_at)}"
    story.add(story.para(when, "centre"))
    story.add(story.para(f"ณ {doc.place or DOTS}", "centre"))
    story.line_space(0.5)
    rows: list[list[str]] = [["ลำดับที่", "ชื่อ – สกุล", "ตำแหน่ง", "ลายมือชื่อ", "หมายเหตุ"]]
    for i, member in enumerate(doc.members, start=1):
        rows.append([str(i), member.name, member.position or "", "", ""])
    start = len(doc.members) + 1
    for i in range(doc.blank_rows):
        rows.append([str(start + i), "", "", "", ""])
    # Room to sign: every row at least 1.6 lines high.
    leading = style("table").leading
    story.add(
        story.table(
            rows,
            weights=[1.0, 4.2, 4.7, 3.3, 1.8],
            header_rows=1,
            align=["centre", "left", "left", "left", "left"],
            min_row_heights=[0.0] + [leading * 1.6] * (len(rows) - 1),
            keep_rows_from=len(doc.members),
        )
    )
    return story.flowables


def attendance_sheet_pdf(doc: AttendanceSheetDoc) -> bytes:
    """บัญชีลงชื่อผู้มาประชุม with a signature column, as PDF bytes."""
    return build_pdf(
        attendance_sheet_story(doc),
        thai_digits=doc.thai_digits,
        title=f"บัญชีลงชื่อผู้มาประชุม{doc.body_name} ครั้งที่ {doc.number}",
        author=center_of(doc.body_name),
        subject=f"บัญชีลงชื่อผู้มาประชุม ครั้งที่ {doc.number} เมื่อ{date_text(doc.held_on)}",
    )
