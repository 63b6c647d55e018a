"""What encryption at rest costs: the same work on a plain and on an encrypted (SQLCipher)
database in the same run, and the ratio (target: each at most 1.3 times plain).

    .venv/bin/python benchmarks/bench_encryption.py [--cases N] [--bundles B] [--repeat R]

1. **Start-up**: ``open_database`` (with the raw key for the encrypted one: the password's
   Argon2id runs once per login and is timed apart) and the first page of the case register,
   then closing, on the cached 100,000-case demo center (``common.big_demo``) and on an encrypted
   copy of it made once with ``storage.conversion`` (cached beside it).
2. **List**: first page of cases, a page in the middle, first page of people (Thai order).
3. **Search**: Thai substring search over cases (FTS5 trigram), the subject search 'ที่ดิน',
   and over people.
4. **Import**: a province imports B sync bundles of 1,000 records from a demo center
   (``services.sync.import_paths``: verify, decrypt, apply, log), into a fresh copy of the
   enrolled province, plain or encrypted; runs alternate between the two.

Every figure is the median of R runs, the two kinds measured alternately so that the machine's
noise falls on both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, big_demo  # noqa: E402

TARGET = 1.3
PASSWORD = "bench password"


def encrypted_copy(plain: Path) -> tuple[Path, bytes]:
    """An encrypted copy of ``plain`` (cached), and its key from its key slot."""
    from justice_desk.storage import conversion, keyslots
    from justice_desk.storage.cipher import PAGE_HMAC

    path = plain.with_name(f"{plain.stem}-encrypted-{PAGE_HMAC.lower()}.sqlite3")
    if not (path.exists() and keyslots.has_slots(path)):
        partial = path.with_name(path.name + ".partial")
        for leftover in (partial, keyslots.slots_path(partial)):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(plain, partial)
        key = keyslots.new_database_key()
        keyslots.add_slot(partial, "bench", PASSWORD, key)
        t0 = time.perf_counter()
        conversion.encrypt_in_place(partial, key)
        print(f"encrypted a copy of {plain.name} in {time.perf_counter() - t0:.1f} s")
        keyslots.copy_slots(partial, path)
        keyslots.remove_slots_file(partial)
        os.replace(partial, path)
    t0 = time.perf_counter()
    key = keyslots.unlock(path, "bench", PASSWORD)
    print(f"unlocking the key slot (Argon2id, once per sign-in): {time.perf_counter() - t0:.2f} s")
    return path, key


def paired(
    plain: Callable[[], object], encrypted: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of ``repeat`` alternating runs of each (one warm-up run of each first)."""
    plain()
    encrypted()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((plain, times[0]), (encrypted, times[1])):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


RESULTS: list[tuple[str, float, float]] = []


def line(name: str, plain: float, encrypted: float) -> None:
    ratio = encrypted / plain if plain else float("inf")
    RESULTS.append((name, plain, encrypted))
    verdict = "OK" if ratio <= TARGET else "MISSED"
    print(
        f"{name:<46} {plain * 1000:9.1f} ms {encrypted * 1000:9.1f} ms   {ratio:5.2f}x  {verdict}"
    )


def read_side(args: argparse.Namespace) -> None:
    from justice_desk.services import cases, people
    from justice_desk.storage.database import open_database

    plain_path = big_demo(args.cases)
    enc_path, key = encrypted_copy(plain_path)

    def start(path: Path, k: bytes | None) -> Callable[[], object]:
        def run() -> object:
            db = open_database(path, key=k)
            try:
                return cases.list_cases(db, limit=200)
            finally:
                db.dispose()

        return run

    print(f"\n{'':<46} {'plain':>12} {'encrypted':>12}   ratio (target <= {TARGET}x)")
    line(
        "start-up: open + first page of cases",
        *paired(start(plain_path, None), start(enc_path, key), args.repeat),
    )

    plain_db = open_database(plain_path)
    enc_db = open_database(enc_path, key=key)
    try:
        total = cases.list_cases(plain_db, limit=1).total
        assert cases.list_cases(enc_db, limit=1).total == total
        sample = people.list_people(plain_db, limit=1, offset=500).rows[0].name
        surname = sample.split(" ")[-1]
        part = surname[1:5] if len(surname) >= 5 else surname

        def both(fn: Callable[[Any], object]) -> tuple[float, float]:
            return paired(lambda: fn(plain_db), lambda: fn(enc_db), args.repeat)

        line("list: first page of 200 cases", *both(lambda db: cases.list_cases(db, limit=200)))
        line(
            "list: a page in the middle",
            *both(lambda db: cases.list_cases(db, offset=total // 2, limit=200)),
        )
        line("list: first page of people", *both(lambda db: people.list_people(db, limit=200)))
        line(
            f"search: cases, Thai substring {part!r}",
            *both(lambda db: cases.list_cases(db, search=part, limit=200)),
        )
        line(
            "search: cases, subject 'ที่ดิน'",
            *both(lambda db: cases.list_cases(db, search="ที่ดิน", limit=200)),
        )
        line(
            "search: people, Thai substring",
            *both(lambda db: people.list_people(db, search=part, limit=200)),
        )
        print(f"({total:,} cases; {plain_path.stat().st_size / 2**20:.0f} MiB plain)")
    finally:
        plain_db.dispose()
        enc_db.dispose()


def import_side(args: argparse.Namespace, work: Path) -> None:
    os.environ["JUSTICE_DESK_HOME"] = str(work / "home")
    from justice_desk import sync as fmt
    from justice_desk.services import setup, sync
    from justice_desk.services.demo import generate_demo
    from justice_desk.services.sync.keys import adopt_key_files
    from justice_desk.storage import conversion, keyslots, sync_store
    from justice_desk.storage.database import open_database

    center = setup.init_center(
        work / "center.sqlite3", code="5001", name="ศูนย์ยุติธรรมชุมชนทดสอบ", province="เชียงใหม่"
    )
    generate_demo(center, seed=1, cases=max(200, args.bundles * 120), people=200, meetings=12)
    province = setup.init_province(work / "province.sqlite3", province="เชียงใหม่")
    request, fingerprint = sync.write_enrolment_request(center, work / "request.jdenrol")
    review = sync.enrol_center(
        province,
        request,
        approve=True,
        answer_out=work / "a.jdanswer",
        expected_fingerprint=fingerprint,
    )
    sync.accept_answer(center, review.answer)
    folder = work / "bundles"
    folder.mkdir()
    keys = sync.own_keys(center)
    recipients = [sync.own_public(province)]
    records = 0
    with center.connect_read() as conn:
        latest = sync_store.latest_change(conn)
        count = min(args.bundles, latest // 1000)
        for k in range(count):
            first, last = k * 1000 + 1, (k + 1) * 1000
            touched = sync_store.changed_rows(conn, first - 1, last)
            rows: list[dict[str, Any]] = []
            for table in sync_store.ordered_tables(touched):
                rows.extend(sync_store.current_records(conn, table, touched[table]))
            records += len(rows)
            fields = fmt.BundleFields(
                center_id=str(center.site_id),
                epoch=center.setting("epoch") or "",
                seq=k + 1,
                first_change=first,
                last_change=last,
                schema_version=sync.SCHEMA_VERSION,
            )
            fmt.write_bundle(folder, fields, rows, keys, recipients)
    center.dispose()
    province.dispose()

    pristine_plain = work / "province-plain.sqlite3"
    shutil.copyfile(work / "province.sqlite3", pristine_plain)
    # The encrypted province: converted, its private keys moved inside (the key files are put
    # back afterwards for the plain copies).
    key_files = work / "key-files"
    shutil.copytree(work / "home" / "keys", key_files)
    pristine_enc = work / "province-encrypted.sqlite3"
    shutil.copyfile(work / "province.sqlite3", pristine_enc)
    key = keyslots.new_database_key()
    keyslots.add_slot(pristine_enc, "bench", PASSWORD, key)
    conversion.encrypt_in_place(pristine_enc, key)
    db = open_database(pristine_enc, key=key)
    assert adopt_key_files(db)
    db.dispose()
    shutil.rmtree(work / "home" / "keys")
    shutil.copytree(key_files, work / "home" / "keys")

    counter = iter(range(10**6))

    def run(pristine: Path, k: bytes | None) -> Callable[[], object]:
        def go() -> object:
            target = work / f"run-{next(counter)}.sqlite3"
            shutil.copyfile(pristine, target)
            if k is not None:
                keyslots.copy_slots(pristine, target)
            db = open_database(target, key=k)
            t0 = time.perf_counter()
            outcomes = sync.import_paths(db, [folder])
            elapsed = time.perf_counter() - t0
            db.dispose()
            assert {o.status for o in outcomes} == {"applied"}, outcomes
            return elapsed

        return go

    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(args.import_runs):
        for fn, out in (
            (run(pristine_plain, None), timings[0]),
            (run(pristine_enc, key), timings[1]),
        ):
            out.append(float(fn()))  # type: ignore[arg-type]
    plain_s, enc_s = statistics.median(timings[0]), statistics.median(timings[1])
    line(f"import: {count} bundles, {records:,} records", plain_s, enc_s)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--bundles", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--import-runs", type=int, default=3)
    args = parser.parse_args()
    from justice_desk import i18n

    i18n.set_language("en")
    read_side(args)
    work = Path(tempfile.mkdtemp(prefix="bench-encryption-", dir=CACHE))
    try:
        import_side(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    worst = max(e / p for _n, p, e in RESULTS)
    print(
        f"\nworst ratio {worst:.2f}x (target <= {TARGET}x): {'OK' if worst <= TARGET else 'MISSED'}"
    )
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
