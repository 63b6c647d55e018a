"""Helpers shared by the benchmark scripts: a cached 100,000-case demo database and timing."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(
    os.environ.get("JUSTICE_DESK_BENCH_CACHE", Path(tempfile.gettempdir()) / "justice-desk-bench")
)


def big_demo(cases: int = 100_000, seed: int = 1) -> Path:
    """A demo center with ``cases`` cases, built once and reused (delete the cache to rebuild)."""
    path = CACHE / f"demo-{cases}-{seed}.sqlite3"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    from justice_desk.services import setup
    from justice_desk.services.demo import generate_demo

    partial = path.with_suffix(".partial")
    for p in CACHE.glob(partial.name + "*"):
        p.unlink()
    db = setup.init_demo_center(partial)
    generate_demo(db, seed=seed, cases=cases, people=max(60, cases // 50), meetings=24)
    db.dispose()
    shutil.move(partial, path)
    return path


def measure(fn: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """(median, min) seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def report(name: str, seconds: float, target: float | None = None) -> str:
    line = f"{name:<55} {seconds * 1000:9.1f} ms"
    if target is not None:
        line += f"   target < {target * 1000:.0f} ms  {'OK' if seconds < target else 'MISSED'}"
    print(line)
    return line
