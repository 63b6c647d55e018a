"""Font choice, registration, size matching and the start-up shaping check."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics, ttfonts
from thai_pdf_checks import require

from justice_desk.documents import fonts
from justice_desk.documents.fonts import (
    BUNDLED_LINE_HEIGHT,
    BUNDLED_POINTS_PER_OFFICIAL_POINT,
    check_shaping,
    choose_fonts,
    find_official_fonts,
    register_fonts,
)
from justice_desk.documents.shaping import shape

REPO = Path(__file__).resolve().parents[2]
LAKSAMAN = Path("/usr/share/fonts/truetype/tlwg/Laksaman.ttf")


def test_registration_is_idempotent_and_thread_safe() -> None:
    results: list[fonts.FontChoice] = []

    def work() -> None:
        results.append(register_fonts())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in results}) == 1
    choice = results[0]
    registered = pdfmetrics.getRegisteredFontNames()
    assert all(name in registered for name in choice.face_names)


def test_faces_form_one_family_so_bold_markup_works() -> None:
    choice = register_fonts()
    assert tt2ps(choice.family, 1, 0) == choice.bold
    assert tt2ps(choice.family, 0, 1) == choice.italic
    assert tt2ps(choice.family, 1, 1) == choice.bold_italic
    assert (
        pdfmetrics.getFont(choice.bold).face.filename
        != pdfmetrics.getFont(choice.regular).face.filename
    )


def test_bundled_sarabun_is_sized_to_look_like_official_16_pt() -> None:
    choice = choose_fonts(search_dirs=[])
    assert not choice.official
    assert choice.size_for(16) == pytest.approx(10.69, abs=0.01)
    assert choice.leading_for(16) == pytest.approx(20.82, abs=0.01)
    assert BUNDLED_POINTS_PER_OFFICIAL_POINT == pytest.approx(0.668, abs=0.001)
    assert BUNDLED_LINE_HEIGHT == pytest.approx(1.301, abs=0.001)
    assert all(p.is_file() for p in choice.files.values())


def _fake_font_dir(tmp_path: Path, names: dict[str, str]) -> Path:
    bundled = choose_fonts(search_dirs=[]).files
    folder = tmp_path / "fonts" / "thai"
    folder.mkdir(parents=True)
    for style, filename in names.items():
        shutil.copy(bundled[style], folder / filename)
    return tmp_path / "fonts"


def test_installed_th_sarabun_new_is_preferred(tmp_path: Path) -> None:
    root = _fake_font_dir(
        tmp_path,
        {
            "regular": "THSarabunNew.ttf",
            "bold": "THSarabunNew Bold.ttf",
            "italic": "THSarabunNew Italic.ttf",
            "bold_italic": "THSarabunNew BoldItalic.ttf",
        },
    )
    (root / "thai" / "THSarabun.ttf").write_bytes((root / "thai" / "THSarabunNew.ttf").read_bytes())
    choice = choose_fonts(search_dirs=[root])
    assert choice.official and choice.label == "TH Sarabun New"
    assert choice.size_for(16) == 16
    assert choice.files["bold"].name == "THSarabunNew Bold.ttf"
    assert choice.files["bold_italic"].name == "THSarabunNew BoldItalic.ttf"


def test_th_sarabun_psk_file_names_are_recognised(tmp_path: Path) -> None:
    root = _fake_font_dir(
        tmp_path, {"regular": "THSarabunPSK.ttf", "bold": "THSarabunPSK-Bold.ttf"}
    )
    found = find_official_fonts([root])
    assert found is not None
    label, files = found
    assert label == "TH SarabunPSK"
    assert files["italic"] == files["regular"]  # missing italic falls back to the upright face


def test_official_font_without_bold_is_not_used(tmp_path: Path) -> None:
    root = _fake_font_dir(tmp_path, {"regular": "THSarabunNew.ttf"})
    assert find_official_fonts([root]) is None
    assert not choose_fonts(search_dirs=[root]).official


def test_size_ratio_matches_a_fresh_measurement_against_laksaman(
    thai_samples: dict[str, list[str]],
) -> None:
    """Repeat the measurement documented in fonts.py (needs Debian's Laksaman)."""
    require(f"the font {LAKSAMAN}", LAKSAMAN.exists(), "fonts-tlwg-laksaman")
    import uharfbuzz

    text = "".join(p for lines in thai_samples.values() for line in lines for p in line.split("\t"))

    def metrics(path: Path) -> tuple[float, float]:
        font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))))
        upem = font.face.upem
        tops = [
            font.get_glyph_extents(font.get_nominal_glyph(ord(c))).y_bearing / upem
            for c in "กคดตถนมรวห"
        ]
        buf = uharfbuzz.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        uharfbuzz.shape(font, buf, {})
        return sum(tops) / len(tops), sum(p.x_advance for p in buf.glyph_positions) / upem

    sarabun = choose_fonts(search_dirs=[]).files["regular"]
    (s_height, s_adv), (l_height, l_adv) = metrics(sarabun), metrics(LAKSAMAN)
    ratio = math.sqrt((s_height / l_height) * (s_adv / l_adv))
    assert ratio == pytest.approx(fonts.SARABUN_PER_LAKSAMAN, abs=0.002)
    assert 1 / (fonts.LAKSAMAN_PER_TH_SARABUN * ratio) == pytest.approx(
        BUNDLED_POINTS_PER_OFFICIAL_POINT, abs=0.002
    )


def test_shaping_check_passes_here() -> None:
    choice = check_shaping()
    assert choice is register_fonts()


def test_shaping_check_fails_loudly_without_uharfbuzz(monkeypatch: pytest.MonkeyPatch) -> None:
    register_fonts()
    monkeypatch.setitem(sys.modules, "uharfbuzz", None)
    with pytest.raises(RuntimeError, match="uharfbuzz"):
        check_shaping()


def test_shaping_check_fails_when_reportlab_cannot_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab itself reports fonts as not shapable when it could not import uharfbuzz."""
    register_fonts()
    monkeypatch.setattr(ttfonts, "uharfbuzz", None)
    with pytest.raises(RuntimeError, match="cannot shape the font"):
        check_shaping()


def test_every_sample_shapes_without_missing_glyphs(thai_samples: dict[str, list[str]]) -> None:
    """No .notdef boxes (glyph 0) and no dotted circles from broken clusters, in any face."""
    choice = register_fonts()
    dotted = {pdfmetrics.getFont(name).face.charToGlyph.get(0x25CC) for name in choice.face_names}
    for name in choice.face_names:
        for lines in thai_samples.values():
            for line in lines:
                for part in line.split("\t"):
                    run = shape(part, name)
                    assert 0 not in run.glyph_ids, (name, part)
                    assert not dotted & set(run.glyph_ids), (name, part)


def test_package_import_does_not_load_reportlab_or_pythainlp() -> None:
    code = (
        "import sys, justice_desk.documents as d; "
        "print(','.join(m for m in ('reportlab', 'pythainlp', 'uharfbuzz') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == ""


def test_segmenter_never_writes_to_the_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "import os; from justice_desk.documents import segment; "
        "print(segment.words('ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ')); "
        "print(segment.thai_digits('2569')); print(os.environ['PYTHAINLP_READ_ONLY'])"
    )
    env = {"HOME": str(home), "USERPROFILE": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    assert "ยุติธรรม" in out.stdout and "๒๕๖๙" in out.stdout
    assert out.stdout.strip().endswith("1")
    assert list(home.iterdir()) == []


def _register_in_fresh_process(home: Path) -> str:
    code = (
        "from justice_desk.documents import build_pdf, register_fonts, thai_paragraph; "
        "c = register_fonts(); pdf = build_pdf([thai_paragraph('ผู้ใหญ่บ้าน', 'body')]); "
        "print(c.label, c.size_for(16), len(pdf) > 1000)"
    )
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses the Linux font folders")
def test_office_font_in_the_user_font_folder_is_used(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bundled = choose_fonts(search_dirs=[]).files
    folder = home / ".fonts"
    folder.mkdir(parents=True)
    shutil.copy(bundled["regular"], folder / "THSarabunNew.ttf")
    shutil.copy(bundled["bold"], folder / "THSarabunNew Bold.ttf")
    assert _register_in_fresh_process(home) == "TH Sarabun New 16.0 True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses the Linux font folders")
def test_damaged_office_font_falls_back_to_the_bundled_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / ".local" / "share" / "fonts"
    folder.mkdir(parents=True)
    (folder / "THSarabunPSK.ttf").write_bytes(b"not a font")
    (folder / "THSarabunPSK Bold.ttf").write_bytes(b"not a font")
    result = _register_in_fresh_process(home)
    assert not result.startswith("TH SarabunPSK") and result.endswith("True")
    # (on a machine without TH Sarabun New installed system-wide: the bundled font)
    assert result == "Sarabun (bundled) 10.69 True" or result.startswith("TH Sarabun New")
