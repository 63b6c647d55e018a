"""Shared fixtures for the sync format tests: sites with keys, records, raw container tools.

The raw container helpers re-implement the layout from docs/sync-format.md on their
own (not by calling the library), so the tests also check that the document and the code agree.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from justice_desk.sync import (
    BundleFields,
    KeySet,
    TrustedKey,
    build_bundle,
    generate_keyset,
)
from justice_desk.sync.keys import RevocationCutoff

MAGIC = b"\x89JDS\r\n\x1a\n"
THAI_NAMES = ["สมชาย ใจดี", "สมหญิง รักสงบ", "บุญมี ศรีสุข", "ประยูร มั่นคง"]


@dataclass
class Sites:
    """One province (with an escrow key) and two centers, and the trust directories."""

    center: KeySet
    other_center: KeySet
    province: KeySet
    escrow: KeySet

    def province_trust(
        self, *, revoked: RevocationCutoff | None = None
    ) -> dict[str, dict[str, TrustedKey]]:
        """What the province knows: both centers enrolled, each with its own key."""
        return {
            "CJC-0001": {self.center.key_id: TrustedKey(self.center.public, revoked)},
            "CJC-0002": {self.other_center.key_id: TrustedKey(self.other_center.public)},
        }

    def center_trust(self) -> dict[str, dict[str, TrustedKey]]:
        """What a center knows: the province's key from the enrolment answer."""
        return {"PJO-10": {self.province.key_id: TrustedKey(self.province.public)}}


@pytest.fixture(scope="session")
def sites() -> Sites:
    return Sites(
        center=generate_keyset(),
        other_center=generate_keyset(),
        province=generate_keyset(),
        escrow=generate_keyset(),
    )


def make_records(count: int, *, table: str = "dispute") -> list[dict[str, Any]]:
    """Records shaped like the change-log export: ``{table, id, op, rev, fields}``."""
    return [
        {
            "table": table,
            "id": f"0000{i:04d}-aaaa-4bbb-8ccc-{i:012d}",
            "op": "insert" if i % 3 else "update",
            "rev": 1 + i % 4,
            "fields": {
                "party_name": THAI_NAMES[i % len(THAI_NAMES)],
                "summary": "ข้อพิพาทเรื่องที่ดินระหว่างเพื่อนบ้าน",
                "amount": 1500.5 + i,
                "closed": i % 2 == 0,
                "note": None,
            },
        }
        for i in range(count)
    ]


def bundle_fields(center_id: str = "CJC-0001", **overrides: Any) -> BundleFields:
    values: dict[str, Any] = dict(
        center_id=center_id,
        epoch="e5f0c1d2a3b4",
        seq=7,
        first_change=101,
        last_change=160,
        schema_version=3,
        created_at="2024-05-01T09:30:00+07:00",
    )
    values.update(overrides)
    return BundleFields(**values)


@pytest.fixture(scope="session")
def good_bundle(sites: Sites) -> bytes:
    """A small valid bundle from CJC-0001 to the province and the escrow key."""
    records = make_records(3) + make_records(2, table="party")
    return build_bundle(
        bundle_fields(), records, sites.center, [sites.province.public, sites.escrow.public]
    )


# --- raw container tools, written from docs/sync-format.md ------------------------------------


def split_container(data: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """(version, kind letter, [(name, data), ...]) of a well-formed container."""
    assert data[:8] == MAGIC
    version, kind, count = struct.unpack_from(">HcB", data, 8)
    offset = 12
    table = []
    for _ in range(count):
        length = data[offset]
        name = data[offset + 1 : offset + 1 + length]
        (size,) = struct.unpack_from(">I", data, offset + 1 + length)
        offset += 1 + length + 4
        table.append((name, size))
    members = []
    for name, size in table:
        members.append((name, data[offset : offset + size]))
        offset += size
    assert offset + 32 == len(data)
    return version, kind, members


def join_container(
    members: Sequence[tuple[bytes, bytes]],
    *,
    kind: bytes = b"B",
    version: int = 1,
    checksum: bool = True,
) -> bytes:
    """Build a container byte by byte, allowing anything (bad names, versions, counts)."""
    body = MAGIC + struct.pack(">HcB", version, kind, len(members))
    for name, _data in members:
        body += bytes([len(name)]) + name + struct.pack(">I", len(_data))
    for _name, data in members:
        body += data
    return body + (hashlib.sha256(body).digest() if checksum else bytes(32))


def reseal(data: bytes) -> bytes:
    """Recompute the checksum, as a deliberate forger would after editing a file."""
    return data[:-32] + hashlib.sha256(data[:-32]).digest()


def replace_member(data: bytes, name: bytes, new: bytes | Callable[[bytes], bytes]) -> bytes:
    """The same container with one member's bytes replaced (and a valid checksum)."""
    version, kind, members = split_container(data)
    out = []
    for member_name, member_data in members:
        if member_name == name:
            member_data = new(member_data) if callable(new) else new
        out.append((member_name, member_data))
    return join_container(out, kind=kind, version=version)


def member(data: bytes, name: bytes) -> bytes:
    return dict(split_container(data)[2])[name]


@dataclass(frozen=True)
class RawTools:
    """The helpers above, handed to tests as a fixture (works under any pytest import mode)."""

    magic: bytes = MAGIC
    split: Callable[[bytes], tuple[int, bytes, list[tuple[bytes, bytes]]]] = split_container
    join: Callable[..., bytes] = join_container
    reseal: Callable[[bytes], bytes] = reseal
    replace_member: Callable[..., bytes] = replace_member
    member: Callable[[bytes, bytes], bytes] = member


@pytest.fixture(scope="session")
def raw() -> RawTools:
    return RawTools()


@pytest.fixture(scope="session", name="make_records")
def make_records_fixture() -> Callable[..., list[dict[str, Any]]]:
    return make_records


@pytest.fixture(scope="session", name="bundle_fields")
def bundle_fields_fixture() -> Callable[..., BundleFields]:
    return bundle_fields
