"""The monthly report of a center: cases received by kind and outcomes, for the month and for
the fiscal year to date (October–September, named by the BE year it ends in)."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable

from justice_desk.documents.data import CountRow, MonthlyReportDoc
from justice_desk.documents.layout import Story, baht_figures, date_text, names_in
from justice_desk.documents.pdf import build_pdf

__all__ = ["monthly_report_pdf", "monthly_report_story", "month_label"]


def month_label(year: int, month: int) -> str:
    """``มกราคม 2569`` for a Gregorian year and month."""
    import datetime as dt

    from pythainlp.util import thai_strftime

    return thai_strftime(dt.datetime(year, month, 1), "%B %Y")


def _heading(story: Story, text: str, *, first: bool = False) -> Flowable:
    # keepWithNext keeps a heading on the page of its table.
    return story.para(text, "heading", spaceBefore=0 if first else 10, spaceAfter=4, keepWithNext=1)


def _count_table(
    story: Story, first_header: str, month: str, rows: tuple[CountRow, ...]
) -> Flowable:
    header = [first_header, f"เดือน{month}", "สะสมตั้งแต่ต้นปีงบประมาณ"]
    body = [[r.label, f"{r.month:,}", f"{r.year_to_date:,}"] for r in rows]
    total = [
        "รวม",
        f"{sum(r.month for r in rows):,}",
        f"{sum(r.year_to_date for r in rows):,}",
    ]
    data = [header, *body, total]
    return story.table(
        data,
        weights=[6.0, 2.6, 3.0],
        header_rows=1,
        align=["left", "right", "right"],
        bold_rows=[len(data) - 1],
    )


def monthly_report_story(doc: MonthlyReportDoc) -> list[Flowable]:
    story = Story(thai_digits=doc.thai_digits, keep_whole=names_in(doc))
    month = month_label(doc.year, doc.month)
    month_end = _month_end(doc.year, doc.month)
    story.add(story.para(f"รายงานผลการดำเนินงานประจำเดือน{month}", "doc_title"))
    story.add(story.para(doc.issuer.name, "centre"))
    if doc.issuer.locality:
        story.add(story.para(doc.issuer.locality, "centre"))
    story.add(
        story.para(
            f"ปีงบประมาณ พ.ศ. {doc.fiscal_year_be} "
            f"(ข้อมูลตั้งแต่วันที่ {date_text(doc.fiscal_year_start)} ถึงวันที่ {date_text(month_end)})",
            "centre",
        )
    )
    story.line_space(0.5)

    story.add(_heading(story, "1. เรื่องที่รับใหม่ จำแนกตามประเภท", first=True))
    story.add(_count_table(story, "ประเภทเรื่อง", month, doc.by_kind))

    story.add(_heading(story, "2. ผลการดำเนินการ"))
    story.add(_count_table(story, "ผลการดำเนินการ", month, doc.by_outcome))
    story.add(
        story.para(
            f"เรื่องที่อยู่ระหว่างดำเนินการ ณ วันที่ {date_text(month_end)} "
            f"จำนวน {doc.pending_at_month_end:,} เรื่อง",
            "body_indent",
            spaceBefore=6,
        )
    )

    story.add(_heading(story, "3. ทุนทรัพย์ตามบันทึกข้อตกลงที่ไกล่เกลี่ยสำเร็จ"))
    story.add(
        story.table(
            [
                ["", f"เดือน{month}", "สะสมตั้งแต่ต้นปีงบประมาณ"],
                [
                    "จำนวนเงิน",
                    baht_figures(doc.settled_amount_month_satang),
                    baht_figures(doc.settled_amount_ytd_satang),
                ],
            ],
            weights=[6.0, 2.6, 3.0],
            header_rows=1,
            align=["left", "right", "right"],
        )
    )

    if doc.activities is not None:
        story.add(_heading(story, "4. กิจกรรมป้องกันอาชญากรรมและกิจกรรมชุมชน"))
        rows = [["", f"เดือน{month}", "สะสมตั้งแต่ต้นปีงบประมาณ"]]
        rows.append(["จำนวนครั้ง", f"{doc.activities.month:,}", f"{doc.activities.year_to_date:,}"])
        if doc.activity_participants is not None:
            p = doc.activity_participants
            rows.append(["จำนวนผู้เข้าร่วม (คน)", f"{p.month:,}", f"{p.year_to_date:,}"])
        story.add(
            story.table(
                rows, weights=[6.0, 2.6, 3.0], header_rows=1, align=["left", "right", "right"]
            )
        )

    after = [f"วันที่ {date_text(doc.reported_on)}"] if doc.reported_on else []
    story.signature(doc.reporter, "ผู้รายงาน", space_before=1.5, after=after)
    return story.flowables


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def monthly_report_pdf(doc: MonthlyReportDoc) -> bytes:
    """รายงานผลการดำเนินงานประจำเดือน as PDF bytes."""
    return build_pdf(
        monthly_report_story(doc),
        thai_digits=doc.thai_digits,
        title=f"รายงานผลการดำเนินงานประจำเดือน{month_label(doc.year, doc.month)} {doc.issuer.name}",
        author=doc.issuer.name,
        subject=(
            f"รายงานผลการดำเนินงานประจำเดือน{month_label(doc.year, doc.month)} "
            f"ปีงบประมาณ {doc.fiscal_year_be}"
        ),
    )
