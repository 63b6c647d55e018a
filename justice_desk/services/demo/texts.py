"""The demo vocabulary: names, places, case texts, meeting texts, activities and the network,
read from ``justice_desk/data/demo/*.json`` (``justice_desk/data/demo/README.md``)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from justice_desk import paths


@dataclass(frozen=True)
class DemoTexts:
    names: dict[str, Any]
    places: dict[str, Any]
    cases: dict[str, Any]
    meetings: dict[str, Any]
    activities: dict[str, Any]
    network: dict[str, Any]


def demo_dir() -> Path:
    return paths.package_data("demo")


@functools.lru_cache(maxsize=1)
def load_texts() -> DemoTexts:
    """The demo vocabulary shipped in ``justice_desk/data/demo`` (UTF-8 JSON)."""
    folder = demo_dir()

    def read(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        return data

    return DemoTexts(
        read("names"),
        read("places"),
        read("cases"),
        read("meetings"),
        read("activities"),
        read("network"),
    )
