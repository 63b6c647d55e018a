"""Time to print a 3-page รายงานการประชุม (targets: cold < 1.5 s, warm < 0.5 s).

cold: a fresh process makes its first minutes: importing ReportLab and the documents package,
      finding and registering the fonts, the shaping check, loading PyThaiNLP's dictionary and
      building the PDF (measured inside the child process from before the first import; the
      child's whole wall time, interpreter start included, is shown too);
warm: later minutes in the same process, each with different text (median of --repeat runs);
service: the same, through ``services.printing.minutes_pdf`` from a SQLite database (loading the
      meeting, mapping it, building, and writing the audit record), median of --repeat runs.

Run: ``.venv/bin/python benchmarks/bench_minutes.py [--repeat 10] [--no-service]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_COLD = 1.5
TARGET_WARM = 0.5

DISCUSSION = (
    "เลขานุการแจ้งที่ประชุมว่า ศูนย์ยุติธรรมชุมชนได้รับเรื่องร้องทุกข์จากประชาชนในพื้นที่ จำนวน {n} เรื่อง "
    "แบ่งเป็นข้อพิพาททางแพ่งเกี่ยวกับการกู้ยืมเงิน ข้อพิพาทเรื่องที่ดินทำกินและทางสาธารณประโยชน์ "
    "และเรื่องร้องเรียนเกี่ยวกับเสียงดังรบกวนจากสถานบันเทิงในหมู่บ้าน ซึ่งผู้ไกล่เกลี่ยข้อพิพาทได้ดำเนินการ"
    "ไกล่เกลี่ยแล้วเสร็จเป็นส่วนใหญ่ คงเหลือเรื่องที่อยู่ระหว่างดำเนินการอีก {m} เรื่อง"
)
PEOPLE = [
    ("นายสมศักดิ์ ใจดี", "ประธานกรรมการ"),
    ("นางปิ่นมณี ศรีสุข", "รองประธานกรรมการ"),
    ("นายญาณวุฒิ ฐานะดี", "กรรมการ"),
    ("นายกมล รักถิ่น", "กรรมการ"),
    ("นายขวัญ ศรีเมือง", "กรรมการและผู้ช่วยเลขานุการ"),
    ("นางสาวน้ำฝน ใจงาม", "กรรมการและเลขานุการ"),
    ("พระครูสุวรรณธรรมโกวิท", "ที่ปรึกษา"),
]
TITLES = [
    "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
    "เรื่องรับรองรายงานการประชุมครั้งที่ 3/2569",
    "เรื่องสืบเนื่อง",
    "เรื่องเสนอเพื่อพิจารณา",
    "เรื่องอื่น ๆ (ถ้ามี)",
]
PARAGRAPHS = [2, 1, 3, 4, 0]


def minutes_doc(variant: int) -> object:
    """A minutes document of three A4 pages whose text differs with ``variant``."""
    from justice_desk.documents.data import AgendaEntry, Attendee, MinutesDoc, Signatory

    agenda = []
    for i, (title, count) in enumerate(zip(TITLES, PARAGRAPHS, strict=True), start=1):
        discussion = "\n".join(
            DISCUSSION.format(n=variant * 10 + i + k, m=variant + k) for k in range(count)
        )
        agenda.append(
            AgendaEntry(
                i,
                title,
                discussion or None,
                f"ที่ประชุมมีมติเห็นชอบตามที่เสนอ (ครั้งที่ {variant})" if count else None,
                *((5, 0, 1) if i == 4 else (None, None, None)),
            )
        )
    return MinutesDoc(
        body_name="คณะกรรมการศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        number=f"{variant}/2569",
        held_on=dt.date(2026, 1, 14),
        place="ห้องประชุมองค์การบริหารส่วนตำบลแม่เหียะ",
        starts_at=dt.time(9, 30),
        ends_at=dt.time(12, 0),
        present=tuple(Attendee(n, p) for n, p in PEOPLE if n != "นายกมล รักถิ่น")
        + (Attendee("นายแทน ดีมาก", None, substitute_for="นายกมล รักถิ่น"),),
        absent=(Attendee("นายกมล รักถิ่น", "กรรมการ", absence_reason="ติดภารกิจราชการ"),),
        guests=(Attendee("นางสาวพัฒนา กรุณา", "นักวิชาการยุติธรรม สำนักงานยุติธรรมจังหวัดเชียงใหม่"),),
        agenda=tuple(agenda),
        minute_taker=Signatory("นางสาวน้ำฝน ใจงาม", "กรรมการและเลขานุการ"),
        checker=Signatory("นายสมศักดิ์ ใจดี", "ประธานกรรมการ"),
        quorum_met=True,
    )


def pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def cold_child() -> None:
    """Runs in a fresh process: the first minutes after start."""
    t0 = time.perf_counter()
    from justice_desk.documents.meeting_papers import minutes_pdf

    pdf = minutes_pdf(minutes_doc(1))
    elapsed = time.perf_counter() - t0
    print(json.dumps({"seconds": elapsed, "pages": pages(pdf)}))


def _service_db(folder: Path) -> tuple[object, object]:
    """A center database with a committee and a held 3-page meeting, made through the services."""
    import dataclasses

    from justice_desk import i18n
    from justice_desk.domain.enums import CommitteePosition as P
    from justice_desk.services import meetings, people, setup

    i18n.set_language("th")
    db = setup.init_center(
        folder / "bench.sqlite3",
        code="B1",
        name="ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ",
        province="เชียงใหม่",
        amphoe="เมืองเชียงใหม่",
        tambon="แม่เหียะ",
    )
    term = people.create_term(db, name="2568–2570", starts_on=dt.date(2025, 1, 1))
    seats = [
        ("นาย", "สมศักดิ์", "ใจดี", P.CHAIR),
        ("นาง", "ปิ่นมณี", "ศรีสุข", P.VICE_CHAIR),
        ("นาย", "ญาณวุฒิ", "ฐานะดี", P.MEMBER),
        ("นาย", "กมล", "รักถิ่น", P.MEMBER),
        ("นาย", "ขวัญ", "ศรีเมือง", P.ASSISTANT_SECRETARY),
        ("นางสาว", "น้ำฝน", "ใจงาม", P.SECRETARY),
        (None, "พระครูสุวรรณธรรมโกวิท", None, P.ADVISER),
    ]
    for title, given, surname, position in seats:
        person = people.create_person(
            db, people.PersonInput(given_name=given, surname=surname, title=title, no_id_reason="-")
        ).record
        people.appoint(db, term.id, person.id, position)
    m = meetings.create_meeting(
        db,
        meetings.MeetingInput(
            dt.date(2026, 1, 14),
            starts_at=dt.time(9, 30),
            ends_at=dt.time(12, 0),
            place="ห้องประชุมองค์การบริหารส่วนตำบลแม่เหียะ",
        ),
    )
    # Attendance is taken before votes can be recorded (docs/domain.md §4): everyone came.
    from justice_desk.domain.enums import Attendance

    m = meetings.save_attendance(
        db, m.id, [dataclasses.replace(a, attendance=Attendance.PRESENT) for a in m.attendance]
    )
    doc = minutes_doc(2)
    items = [
        dataclasses.replace(
            item,
            discussion=entry.discussion,
            resolution=entry.resolution,
            votes_for=entry.votes_for,
            votes_against=entry.votes_against,
            votes_abstain=entry.votes_abstain,
        )
        for item, entry in zip(m.agenda, doc.agenda, strict=True)  # type: ignore[attr-defined]
    ]
    m = meetings.save_agenda(db, m.id, items)
    return db, m.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10, help="warm builds to time (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes to time (median)")
    parser.add_argument("--no-service", action="store_true", help="skip the database-backed timing")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        cold_child()
        return

    colds, walls = [], []
    page_count = 0
    for _ in range(args.cold_runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        walls.append(time.perf_counter() - t0)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        colds.append(result["seconds"])
        page_count = result["pages"]

    from justice_desk.documents.meeting_papers import minutes_pdf

    minutes_pdf(minutes_doc(2))  # this process's first document
    warm = []
    for i in range(args.repeat):
        doc = minutes_doc(10 + i)
        t0 = time.perf_counter()
        pdf = minutes_pdf(doc)
        warm.append(time.perf_counter() - t0)
        assert pages(pdf) == page_count

    cold = statistics.median(colds)
    warm_median = statistics.median(warm)
    print(f"document: minutes, {page_count} A4 pages of shaped Thai")
    print(
        f"cold (fresh process, first minutes incl. imports, fonts, shaping check, segmenter): "
        f"median {cold:.3f} s of {args.cold_runs} [target < {TARGET_COLD} s] "
        f"{'OK' if cold < TARGET_COLD else 'SLOW'}"
    )
    print(f"  whole child process incl. interpreter start: median {statistics.median(walls):.3f} s")
    print(
        f"warm (later minutes, {args.repeat} runs): median {warm_median:.3f} s, "
        f"min {min(warm):.3f} s, max {max(warm):.3f} s [target < {TARGET_WARM} s] "
        f"{'OK' if warm_median < TARGET_WARM else 'SLOW'}"
    )

    if not args.no_service:
        from justice_desk.services import printing

        with tempfile.TemporaryDirectory() as tmp:
            db, meeting_id = _service_db(Path(tmp))
            try:
                printing.minutes_pdf(db, meeting_id)
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    pdf = printing.minutes_pdf(db, meeting_id)
                    times.append(time.perf_counter() - t0)
            finally:
                db.dispose()  # type: ignore[attr-defined]
        print(
            f"service (load from SQLite, map, build, audit; {pages(pdf)} pages, "
            f"{args.repeat} runs): median {statistics.median(times):.3f} s"
        )


if __name__ == "__main__":
    main()
