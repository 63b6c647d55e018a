"""Time writing and opening a sync bundle of 10,000 typical records.

Run: ``.venv/bin/python benchmarks/bench_sync_format.py [--records N] [--repeat R]``

Each record looks like a case-register row: 15 fields, Thai names, addresses and free text,
dates as ISO strings, a few numbers and flags. Prints seconds (best of ``--repeat``) and sizes.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from justice_desk.sync import (  # noqa: E402
    BundleFields,
    TrustedKey,
    generate_keyset,
    open_bundle,
    read_sync_file,
    write_bundle,
)

FIRST_NAMES = ["สมชาย", "สมหญิง", "บุญมี", "ประยูร", "วิไลวรรณ", "ณัฐพล", "กาญจนา", "อำนาจ"]
LAST_NAMES = ["ใจดี", "รักสงบ", "ศรีสุข", "มั่นคง", "แก้วประเสริฐ", "ทองคำ", "บุญเรือง"]
SUBJECTS = [
    "ข้อพิพาทเรื่องแนวเขตที่ดินระหว่างเพื่อนบ้าน",
    "กู้ยืมเงินแล้วไม่ชำระตามกำหนด",
    "ความเสียหายจากสัตว์เลี้ยงทำลายพืชผล",
    "ค่าจ้างแรงงานค้างจ่าย",
    "เสียงดังรบกวนในยามวิกาล",
]
DISTRICTS = ["บางรัก", "เมืองเชียงใหม่", "หาดใหญ่", "เมืองขอนแก่น", "ศรีราชา"]


def make_record(rng: random.Random, index: int) -> dict[str, Any]:
    """One row as the change-log export gives it: 15 fields."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "table": "dispute",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "op": "update" if index % 4 else "insert",
        "rev": rng.randint(1, 9),
        "fields": {
            "case_no": f"CJC-0001/{2567}/{index:05d}",
            "received_on": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "applicant_name": f"{first} {last}",
            "applicant_id_card": f"{rng.randint(1, 8)}{rng.randrange(10**12):012d}",
            "applicant_phone": f"08{rng.randrange(10**8):08d}",
            "respondent_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "address": f"{rng.randint(1, 300)}/{rng.randint(1, 20)} หมู่ {rng.randint(1, 12)} "
            f"ตำบลบางรัก อำเภอ{rng.choice(DISTRICTS)}",
            "subject": rng.choice(SUBJECTS),
            "description": "คู่กรณีตกลงเข้าสู่กระบวนการไกล่เกลี่ยโดยสมัครใจ " + rng.choice(SUBJECTS),
            "amount_baht": round(rng.uniform(500, 250_000), 2),
            "status": rng.choice(["received", "mediating", "settled", "escalated"]),
            "mediator": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "sessions": rng.randint(0, 6),
            "settled": rng.random() < 0.4,
            "owner": "CJC-0001",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(2567)
    records = [make_record(rng, i) for i in range(args.records)]
    center, province, escrow = generate_keyset(), generate_keyset(), generate_keyset()
    trust = {"CJC-0001": {center.key_id: TrustedKey(center.public)}}
    fields = BundleFields(
        center_id="CJC-0001",
        epoch="5f1c2a9e0b7d",
        seq=1,
        first_change=1,
        last_change=args.records,
        schema_version=1,
    )

    write_times, open_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jdbundle"
        for _ in range(args.repeat):
            started = time.perf_counter()
            write_bundle(
                path, fields, records, center, [province.public, escrow.public], overwrite=True
            )
            write_times.append(time.perf_counter() - started)

            started = time.perf_counter()
            opened = open_bundle(
                read_sync_file(path), trusted_keys=trust.get, recipient_private_key=province
            )
            open_times.append(time.perf_counter() - started)
            assert len(opened.records) == args.records
        size = path.stat().st_size

    print(f"records:          {args.records}")
    print(f"plain JSON bytes: {opened.manifest.plain_size:,}")
    print(f"bundle bytes:     {size:,}")
    print(f"write seconds:    {min(write_times):.3f}  (best of {args.repeat})")
    print(f"open seconds:     {min(open_times):.3f}  (best of {args.repeat})")


if __name__ == "__main__":
    main()
