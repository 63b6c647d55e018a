"""Build step that pyproject.toml cannot declare: compile the message catalogs into the package.

The ``.po`` sources live in ``translations/`` (outside the package, where translators and
``translations/update-catalogs.sh`` work on them). A wheel, and so every plain ``pip install .``,
``pipx install`` or packager build, must carry the compiled catalogs inside the package
(``justice_desk/locale/LANG/LC_MESSAGES/justice_desk.mo``), because an installed copy has no
``translations/`` folder next to it and would otherwise silently show English. An editable
install and a source checkout compile the ``.po`` on first use instead (``justice_desk.i18n``).

Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DOMAIN = "justice_desk"


def compile_po(po: Path) -> bytes:
    """The same compilation as ``justice_desk.i18n.compile_catalog`` (fuzzy entries left out);
    written here again because the build must not import the package it is building."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


class BuildWithCatalogs(build_py):
    """``build_py`` plus the compiled catalogs in the build folder's ``justice_desk/locale``,
    from a fresh copy of the package."""

    def run(self) -> None:
        if not self.editable_mode:
            # pip builds in the checkout's build/ folder, which keeps every file an earlier build
            # copied there: a module moved or deleted since (services/demo.py became the package
            # services/demo/) would still be packed into the wheel.
            shutil.rmtree(Path(self.build_lib) / DOMAIN, ignore_errors=True)
        super().run()
        if self.editable_mode:  # the source checkout compiles its .po files on first use
            return
        sources = sorted((ROOT / "translations").glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        if not sources:
            raise SystemExit("translations/*/LC_MESSAGES/justice_desk.po not found: cannot build")
        for po in sources:
            language = po.parent.parent.name
            target = Path(self.build_lib) / DOMAIN / "locale" / language / "LC_MESSAGES"
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{DOMAIN}.mo").write_bytes(compile_po(po))


setup(cmdclass={"build_py": BuildWithCatalogs})
