"""What the center holds about one person, printed for that person (PDPA s.30, right of access),
and the privacy notice the center gives people (s.23). Thai, in the official page layout.

Data objects in, PDF bytes out. The services decide what goes in: never the confidential notes
of mediation sessions (Dispute Mediation Act §12, §29), never another party's personal data
(PDPA s.30 ¶2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Flowable, PageBreak

from justice_desk.documents.data import Issuer
from justice_desk.documents.layout import Story, date_text, names_in
from justice_desk.documents.pdf import build_pdf

__all__ = [
    "NoticeDoc",
    "NoticeSection",
    "PersonFileDoc",
    "notice_pdf",
    "notice_story",
    "person_file_pdf",
    "person_file_story",
]


@dataclass(frozen=True)
class NoticeSection:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class NoticeDoc:
    """The privacy notice, its placeholders already filled with the center's details."""

    issuer: Issuer
    title: str
    version: str
    issued_on: dt.date
    intro: str
    sections: tuple[NoticeSection, ...]
    #: The line under the title: ``ฉบับที่ 2569.1 ลงวันที่ 6 ธันวาคม 2569`` (in the notice's
    #: language; the service writes it).
    version_line: str


@dataclass(frozen=True)
class FileSection:
    """A heading and its ``(label, value)`` lines, or paragraphs when a line has no label."""

    heading: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PersonFileDoc:
    issuer: Issuer
    #: The person's name as held (printed whole, never broken between lines).
    name: str
    printed_on: dt.date
    sections: tuple[FileSection, ...]
    #: What is deliberately not printed, and why (one paragraph each).
    left_out: tuple[str, ...]
    notice: NoticeDoc | None = None


def _issuer_lines(story: Story, issuer: Issuer) -> None:
    story.add(story.para(issuer.name, "centre"))
    if issuer.locality:
        story.add(story.para(issuer.locality, "centre"))


def _notice_body(story: Story, doc: NoticeDoc) -> None:
    story.add(story.para(doc.title, "doc_title"))
    _issuer_lines(story, doc.issuer)
    story.add(story.para(doc.version_line, "centre"))
    story.line_space(0.5)
    story.text(doc.intro, "body_indent")
    for section in doc.sections:
        story.add(story.para(section.heading, "heading", spaceBefore=6, keepWithNext=1))
        for paragraph in section.paragraphs:
            story.text(paragraph, "body_indent")


def notice_story(doc: NoticeDoc) -> list[Flowable]:
    story = Story(thai_digits=False, keep_whole=names_in(doc))
    _notice_body(story, doc)
    return story.flowables


def notice_pdf(doc: NoticeDoc) -> bytes:
    """The privacy notice as PDF bytes (to print and hand over, or pin up at the center)."""
    return build_pdf(
        notice_story(doc),
        thai_digits=False,
        title=f"{doc.title} {doc.version}",
        author=doc.issuer.name,
        subject=doc.title,
    )


TITLE = "ข้อมูลส่วนบุคคลที่ศูนย์เก็บรักษาเกี่ยวกับท่าน"


def person_file_story(doc: PersonFileDoc) -> list[Flowable]:
    story = Story(thai_digits=False, keep_whole=(doc.name, *names_in(doc)))
    story.add(story.para(TITLE, "doc_title"))
    _issuer_lines(story, doc.issuer)
    story.add(story.para(f"ของ {doc.name}", "centre"))
    story.add(story.para(f"พิมพ์เมื่อ {date_text(doc.printed_on)}", "letter_date"))
    story.line_space(0.5)
    story.text(
        "เอกสารนี้แสดงข้อมูลทั้งหมดที่ศูนย์เก็บเกี่ยวกับท่าน ตามสิทธิขอเข้าถึงข้อมูลในมาตรา 30 แห่ง"
        "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 หากข้อมูลใดไม่ถูกต้อง ท่านขอให้ศูนย์แก้ไขได้",
        "body_indent",
    )
    for section in doc.sections:
        story.add(story.para(section.heading, "heading", spaceBefore=6, keepWithNext=1))
        if not section.lines:
            story.add(story.para("- ไม่มี -", "body_indent"))
        for label, value in section.lines:
            if label:
                story.labelled(label, value or "-")
            else:
                story.text(value, "body_indent")
    if doc.left_out:
        story.add(story.para("ข้อมูลที่ไม่ได้พิมพ์ไว้ในเอกสารนี้", "heading", spaceBefore=6))
        for reason in doc.left_out:
            story.text(reason, "body_indent")
    if doc.notice is not None:
        story.add(PageBreak())
        _notice_body(story, doc.notice)
    return story.flowables


def person_file_pdf(doc: PersonFileDoc) -> bytes:
    """Everything the center holds about a person, as PDF bytes, with the privacy notice."""
    return build_pdf(
        person_file_story(doc),
        thai_digits=False,
        title=f"{TITLE} {doc.name}",
        author=doc.issuer.name,
        subject=TITLE,
    )
