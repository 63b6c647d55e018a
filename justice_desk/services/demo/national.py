"""The whole country for the demo: Thailand's 77 provinces and how many Community Justice
Centers each gets when a demo spreads the national total over them
(``benchmarks/bench_national.py``; ``services.demo.province.generate_province(provinces=…)``).

A center is set up per tambon (in Bangkok per khwaeng), so a province's share of the centers
follows its number of tambons: :data:`PROVINCES` holds each province's name, its two-digit code
(the DOPA province code, which the demo puts in a center's code ``CJC-<code>-<n>``) and its
approximate number of tambons (Bangkok: khwaeng) -- rounded figures for a demo's proportions,
not a register. :func:`spread` scales them to a total, within a smallest and a largest province.
"""

from __future__ import annotations

from dataclasses import dataclass

#: (name, province code, approximate tambons); about 7,400 in all, from Phuket's 17 to Nakhon
#: Ratchasima's 289.
PROVINCES: tuple[tuple[str, str, int], ...] = (
    ("กรุงเทพมหานคร", "10", 180),
    ("สมุทรปราการ", "11", 50),
    ("นนทบุรี", "12", 52),
    ("ปทุมธานี", "13", 60),
    ("พระนครศรีอยุธยา", "14", 209),
    ("อ่างทอง", "15", 81),
    ("ลพบุรี", "16", 124),
    ("สิงห์บุรี", "17", 43),
    ("ชัยนาท", "18", 53),
    ("สระบุรี", "19", 111),
    ("ชลบุรี", "20", 92),
    ("ระยอง", "21", 58),
    ("จันทบุรี", "22", 76),
    ("ตราด", "23", 38),
    ("ฉะเชิงเทรา", "24", 93),
    ("ปราจีนบุรี", "25", 65),
    ("นครนายก", "26", 41),
    ("สระแก้ว", "27", 59),
    ("นครราชสีมา", "30", 289),
    ("บุรีรัมย์", "31", 189),
    ("สุรินทร์", "32", 159),
    ("ศรีสะเกษ", "33", 206),
    ("อุบลราชธานี", "34", 219),
    ("ยโสธร", "35", 78),
    ("ชัยภูมิ", "36", 124),
    ("อำนาจเจริญ", "37", 56),
    ("บึงกาฬ", "38", 53),
    ("หนองบัวลำภู", "39", 59),
    ("ขอนแก่น", "40", 199),
    ("อุดรธานี", "41", 156),
    ("เลย", "42", 90),
    ("หนองคาย", "43", 62),
    ("มหาสารคาม", "44", 133),
    ("ร้อยเอ็ด", "45", 193),
    ("กาฬสินธุ์", "46", 135),
    ("สกลนคร", "47", 125),
    ("นครพนม", "48", 99),
    ("มุกดาหาร", "49", 53),
    ("เชียงใหม่", "50", 204),
    ("ลำพูน", "51", 51),
    ("ลำปาง", "52", 100),
    ("อุตรดิตถ์", "53", 67),
    ("แพร่", "54", 78),
    ("น่าน", "55", 99),
    ("พะเยา", "56", 68),
    ("เชียงราย", "57", 124),
    ("แม่ฮ่องสอน", "58", 45),
    ("นครสวรรค์", "60", 130),
    ("อุทัยธานี", "61", 70),
    ("กำแพงเพชร", "62", 78),
    ("ตาก", "63", 63),
    ("สุโขทัย", "64", 86),
    ("พิษณุโลก", "65", 93),
    ("พิจิตร", "66", 89),
    ("เพชรบูรณ์", "67", 117),
    ("ราชบุรี", "70", 104),
    ("กาญจนบุรี", "71", 98),
    ("สุพรรณบุรี", "72", 110),
    ("นครปฐม", "73", 106),
    ("สมุทรสาคร", "74", 40),
    ("สมุทรสงคราม", "75", 36),
    ("เพชรบุรี", "76", 93),
    ("ประจวบคีรีขันธ์", "77", 48),
    ("นครศรีธรรมราช", "80", 165),
    ("กระบี่", "81", 53),
    ("พังงา", "82", 48),
    ("ภูเก็ต", "83", 17),
    ("สุราษฎร์ธานี", "84", 131),
    ("ระนอง", "85", 30),
    ("ชุมพร", "86", 70),
    ("สงขลา", "90", 127),
    ("สตูล", "91", 36),
    ("ตรัง", "92", 87),
    ("พัทลุง", "93", 65),
    ("ปัตตานี", "94", 115),
    ("ยะลา", "95", 58),
    ("นราธิวาส", "96", 77),
)


@dataclass(frozen=True)
class ProvinceShare:
    """One province of a demo country: its name (as a center's ``sites.province``), its code
    and how many demo centers it gets."""

    name: str
    code: str
    centers: int


def spread(total: int = 7_500, *, smallest: int = 20, largest: int = 250) -> list[ProvinceShare]:
    """``total`` centers over the 77 provinces in proportion to their tambons, each province
    between ``smallest`` and ``largest`` (the clipped provinces' surplus or shortfall goes to
    the others); the counts add up to ``total`` exactly. Deterministic."""
    n = len(PROVINCES)
    if not n * smallest <= total <= n * largest:
        raise ValueError(f"{total} centers cannot be spread over {n} provinces")
    weights = [float(t) for _name, _code, t in PROVINCES]
    # Find the scale whose clipped shares add up to the total (bisection: the sum grows with it).
    low, high = 0.0, float(largest) / min(weights) + 1.0
    for _ in range(100):
        scale = (low + high) / 2
        if sum(min(largest, max(smallest, w * scale)) for w in weights) < total:
            low = scale
        else:
            high = scale
    exact = [min(largest, max(smallest, w * high)) for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainders first, among provinces that can still grow.
    order = sorted(range(n), key=lambda i: (counts[i] - exact[i], -weights[i], i))
    for i in order:
        if sum(counts) >= total:
            break
        if counts[i] < largest:
            counts[i] += 1
    return [
        ProvinceShare(name, code, count)
        for (name, code, _t), count in zip(PROVINCES, counts, strict=True)
    ]
