"""The PyInstaller spec names files that exist, and every file the app reads at run time.

The build itself is not part of the test suite (it takes minutes and needs PyInstaller): it is
checked by running the built program's ``self-test`` (installer/README.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "installer" / "justice_desk.spec"
HOOKS = REPO / "installer" / "hooks"


def spec_constant(name: str, path: Path = SPEC) -> object:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in {path.name}")


APP_DATA: list[tuple[str, str]] = spec_constant("APP_DATA")  # type: ignore[assignment]


@pytest.mark.parametrize(("source", "target"), APP_DATA)
def test_every_data_path_in_the_spec_exists_and_keeps_the_checkout_layout(
    source: str, target: str
) -> None:
    matches = [p for p in REPO.glob(source) if p.is_file()]
    assert matches, f"{source} (APP_DATA in {SPEC.name}) matches no file"
    # The app finds these files relative to its own package, so the bundle must not move them.
    assert {p.parent.relative_to(REPO).as_posix() for p in matches} == {target}


def shipped() -> set[Path]:
    return {p for source, _target in APP_DATA for p in REPO.glob(source) if p.is_file()}


def test_the_spec_ships_every_file_the_app_reads_at_run_time() -> None:
    from justice_desk import i18n
    from justice_desk.services import demo

    needed = [p for p in (REPO / "justice_desk" / "data").iterdir() if p.is_file()]
    # the user guide: every chapter in every language and every picture (ui/help_viewer.py)
    needed += [p for p in (REPO / "justice_desk" / "data" / "guide").rglob("*") if p.is_file()]
    migrations = REPO / "justice_desk" / "storage" / "migrations"
    needed += [migrations / "env.py", *(migrations / "versions").glob("[0-9]*.py")]
    needed += [
        REPO / "translations" / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        for lang in i18n.LANGUAGES
    ]
    needed += [
        demo.demo_dir() / f"{name}.json"
        for name in ("names", "places", "cases", "meetings", "activities", "network")
    ]
    missing = sorted(
        str(p.relative_to(REPO))
        for p in needed
        if p.resolve() not in {s.resolve() for s in shipped()}
    )
    assert not missing, f"not in APP_DATA of {SPEC.name}: {missing}"


def test_the_pythainlp_hook_names_files_pythainlp_has() -> None:
    import pythainlp

    corpus = Path(pythainlp.__file__).parent / "corpus"
    names: list[str] = spec_constant("CORPUS", HOOKS / "hook-pythainlp.py")  # type: ignore[assignment]
    assert "words_th.txt" in names  # the newmm dictionary
    assert [n for n in names if not (corpus / n).is_file()] == []


def test_the_bundled_font_files_exist() -> None:
    from justice_desk import paths

    assert all(paths.sarabun_font(style).is_file() for style in paths.SARABUN_FILES)


def test_the_spec_collects_the_pdf_renderer_the_print_preview_loads() -> None:
    """pypdfium2 loads PDFium with ctypes and reads version files: the spec collects both."""
    import importlib.util

    packages: list[str] = spec_constant("PDF_RENDERER")  # type: ignore[assignment]
    assert packages == ["pypdfium2", "pypdfium2_raw"]
    folders = {name: Path(importlib.util.find_spec(name).origin).parent for name in packages}
    assert all((folder / "version.json").is_file() for folder in folders.values())
    libraries = [
        p for p in folders["pypdfium2_raw"].iterdir() if p.suffix in {".so", ".dll", ".dylib"}
    ]
    assert libraries, "no PDFium library next to pypdfium2_raw"
    spec = SPEC.read_text(encoding="utf-8")
    assert 'collect_dynamic_libs("pypdfium2_raw")' in spec and "binaries=binaries" in spec
    preview = (REPO / "justice_desk" / "ui" / "print_preview.py").read_text(encoding="utf-8")
    assert "import pypdfium2\n" in preview  # the package the spec names is the one imported


def test_the_spec_bundles_every_module_of_the_demo_package() -> None:
    """The demo generator is a package of builders (services/demo/) imported from its
    ``__init__``; the spec's ``collect_submodules("justice_desk", filter=not_migrations)``
    bundles all of them whatever imports them."""
    import pkgutil

    from justice_desk.services import demo

    spec = SPEC.read_text(encoding="utf-8")
    assert 'collect_submodules("justice_desk", filter=not_migrations)' in spec
    (check,) = [
        node
        for node in ast.parse(spec).body
        if isinstance(node, ast.FunctionDef) and node.name == "not_migrations"
    ]
    namespace: dict[str, object] = {}
    exec(compile(ast.Module(body=[check], type_ignores=[]), str(SPEC), "exec"), namespace)
    not_migrations = namespace["not_migrations"]
    assert callable(not_migrations)
    modules = [m.name for m in pkgutil.iter_modules(demo.__path__, "justice_desk.services.demo.")]
    assert {"context", "generate", "people", "committee", "meetings", "cases"} <= {
        m.rsplit(".", 1)[1] for m in modules
    }
    assert [m for m in ["justice_desk.services.demo", *modules] if not not_migrations(m)] == []
