"""Time to build a 3-page Thai document with the Thai text layer (target: minutes < 0.5 s).

cold: the first document in a fresh process, including importing ReportLab, registering the
      fonts, the shaping check and loading PyThaiNLP's dictionary;
warm: a second, different document in the same process (what every later print costs).

Run: ``.venv/bin/python benchmarks/bench_documents_text.py [--repeat N] [--preload]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLES = REPO / "tests" / "data" / "thai-text-samples.txt"


def _paragraphs() -> list[str]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## paragraphs"))
    out: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _minutes_like(variant: int) -> list[object]:
    """Title, attendance table and agenda items: about three A4 pages."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer, Table, TableStyle

    from justice_desk.documents import thai_paragraph

    paragraphs = _paragraphs()
    flow: list[object] = [
        thai_paragraph("รายงานการประชุมคณะกรรมการศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", "title"),
        thai_paragraph(f"ครั้งที่ {variant}/2569", "title", thai_digits=True),
        thai_paragraph("เมื่อวันพุธที่ 14 มกราคม 2569", "centre", thai_digits=True),
        thai_paragraph("ณ ห้องประชุมองค์การบริหารส่วนตำบลแม่เหียะ", "centre"),
        thai_paragraph("<b>ผู้มาประชุม</b>", "body", markup=True),
    ]
    rows = [
        [
            thai_paragraph(str(i), "table", thai_digits=True),
            thai_paragraph(f"นายสมศักดิ์ ใจดี {variant}{i}", "table"),
            thai_paragraph("กรรมการศูนย์ยุติธรรมชุมชน", "table"),
        ]
        for i in range(1, 13)
    ]
    table = Table(rows, colWidths=[1.5 * cm, 6 * cm, 8.5 * cm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    flow += [table, Spacer(1, 12)]
    for item in range(1, 6):
        flow.append(thai_paragraph(f"<b>ระเบียบวาระที่ {item}</b>", "body", markup=True))
        for text in paragraphs + paragraphs[:1]:
            flow.append(thai_paragraph(f"{text} (วาระ {item} ครั้ง {variant})", "body_indent"))
        flow.append(thai_paragraph("<b>มติที่ประชุม</b> รับทราบ", "body_indent", markup=True))
    return flow


def _build(variant: int) -> tuple[float, int]:
    from justice_desk.documents import build_pdf

    t0 = time.perf_counter()
    pdf = build_pdf(_minutes_like(variant))
    elapsed = time.perf_counter() - t0
    return elapsed, pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="warm builds to time")
    parser.add_argument(
        "--preload",
        action="store_true",
        help="first call documents.warm_up() and check_shaping() (as a start-up job would), "
        "then time the first document",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    import justice_desk.documents as documents

    if args.preload:
        documents.warm_up()
        documents.check_shaping()
        print(f"preload (segmenter, fonts, shaping check): {time.perf_counter() - t0:.3f} s")
        t0 = time.perf_counter()

    cold, _ = _build(1)
    cold_total = time.perf_counter() - t0
    warm = [_build(2 + i)[0] for i in range(args.repeat)]

    from io import BytesIO

    from pypdf import PdfReader

    from justice_desk.documents import build_pdf

    pages = len(PdfReader(BytesIO(build_pdf(_minutes_like(99)))).pages)
    print(f"document: {pages} A4 pages of shaped Thai (minutes-like)")
    what = "after preload" if args.preload else "incl. imports and segmenter load"
    print(f"cold (fresh process, first document, {what}): {cold_total:.3f} s")
    print(f"  of which making the flowables and build_pdf: {cold:.3f} s")
    print(
        f"warm (later documents, {args.repeat} runs): median {statistics.median(warm):.3f} s, "
        f"min {min(warm):.3f} s, max {max(warm):.3f} s"
    )


if __name__ == "__main__":
    main()
