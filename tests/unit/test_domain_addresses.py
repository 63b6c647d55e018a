"""Address parts typed with their own prefix (issue 12 §7)."""

from __future__ import annotations

import pytest

from justice_desk.domain.addresses import is_lane, strip_prefix


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("road", "ถนนเชียงใหม่-ลำพูน", "เชียงใหม่-ลำพูน"),
        ("road", "ถ.ห้วยแก้ว", "ห้วยแก้ว"),
        ("road", "ถนน ถนนนิมมานเหมินท์", "นิมมานเหมินท์"),
        ("road", "เชียงใหม่-ฮอด", "เชียงใหม่-ฮอด"),
        ("road", "ซอยวัดอุโมงค์", "ซอยวัดอุโมงค์"),
        ("moo", "หมู่ที่ 4", "4"),
        ("moo", "ม.4", "4"),
        ("moo", "หมู่ 12", "12"),
        ("house_no", "บ้านเลขที่ 12/3", "12/3"),
        ("house_no", "เลขที่ 45", "45"),
        ("tambon", "ต.แม่เหียะ", "แม่เหียะ"),
        ("tambon", "ตำบลหนองแก๋ว", "หนองแก๋ว"),
        ("amphoe", "อำเภอหางดง", "หางดง"),
        ("amphoe", "อ.เมืองเชียงใหม่", "เมืองเชียงใหม่"),
        ("province", "จังหวัดเชียงใหม่", "เชียงใหม่"),
        ("province", "จันทบุรี", "จันทบุรี"),
        ("village", "บ้านป่าจี้", "บ้านป่าจี้"),
        ("moo", "  ", None),
        ("road", None, None),
        ("road", "ถนน", "ถนน"),
    ],
)
def test_strip_prefix(field: str, typed: str | None, stored: str | None) -> None:
    assert strip_prefix(field, typed) == stored


def test_a_lane_keeps_its_own_word() -> None:
    assert is_lane("ซอยวัดอุโมงค์") and is_lane("ซ.5")
    assert not is_lane("ซุปเปอร์ไฮเวย์") and not is_lane(None)
