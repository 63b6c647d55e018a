"""First page and Thai substring search over a 100,000-case database, through the services.

    .venv/bin/python benchmarks/bench_services_list.py [--cases N]

The GUI's register shows the first page of ``list_cases``/``list_people`` and searches as the
user types through the same calls; the product's targets for the GUI (docs/product.md §5) are
< 150 ms first paint and < 100 ms search, so the service calls must be well inside those.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import big_demo, measure, report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    path = big_demo(args.cases)

    from justice_desk.services import cases, people
    from justice_desk.storage.database import open_database

    db = open_database(path)
    total = cases.list_cases(db, limit=1).total
    sample = (
        people.list_people(db, limit=1, offset=people.list_people(db, limit=1).total // 2)
        .rows[0]
        .name
    )
    surname = sample.split(" ")[-1]
    start = next((i for i, ch in enumerate(surname) if i > 0 and "\u0e01" <= ch <= "\u0e2e"), 0)
    part = surname[start : start + 4] if len(surname) - start >= 3 else surname
    print(f"database: {path} ({total:,} cases); searching for {part!r} (from {sample!r})")

    first, _ = measure(lambda: cases.list_cases(db, limit=200))
    report("list_cases: first page of 200 (with total count)", first, 0.150)
    deep, _ = measure(lambda: cases.list_cases(db, offset=total // 2, limit=200))
    report("list_cases: a page in the middle", deep, 0.150)
    search, _ = measure(lambda: cases.list_cases(db, search=part, limit=200))
    found = cases.list_cases(db, search=part, limit=200).total
    report(f"list_cases: Thai substring search ({found} found)", search, 0.100)
    short, _ = measure(lambda: cases.list_cases(db, search=part[:2], limit=200))
    report("list_cases: 2-character search (LIKE fallback)", short, 0.100)
    subject, _ = measure(lambda: cases.list_cases(db, search="ที่ดิน", limit=200))
    report("list_cases: subject search 'ที่ดิน'", subject, 0.100)
    ppl, _ = measure(lambda: people.list_people(db, limit=200))
    report("list_people: first page in Thai order", ppl, 0.150)
    psearch, _ = measure(lambda: people.list_people(db, search=part, limit=200))
    report("list_people: Thai substring search", psearch, 0.100)
    db.dispose()


if __name__ == "__main__":
    main()
