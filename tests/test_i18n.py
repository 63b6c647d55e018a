"""Every user-visible string is translated, with its placeholders intact, and the GUI shows no
literal text that bypasses ``_()``."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def placeholders(text: str) -> set[str]:
    return {
        f"{{{name}{':' + spec if spec else ''}}}"
        for _lit, name, spec, _conv in string.Formatter().parse(text)
        if name is not None
    }


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(REPO / "justice_desk"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def load(language: str):
    with open(REPO / "translations" / language / "LC_MESSAGES" / "justice_desk.po", "rb") as fh:
        return read_po(fh, locale=language)


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_message_in_the_code_is_translated(msgids: set[str], language: str) -> None:
    catalog = load(language)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(msgids - translated)
    assert not missing, (
        f"{len(missing)} untranslated in {language} (run translations/update-catalogs.sh and "
        f"translate): {missing[:10]}"
    )


def test_every_translatable_literal_is_seen_by_the_extractor(msgids: set[str]) -> None:
    """Babel on Python 3.11 does not look inside f-strings: a ``_("...")`` there would never be
    translated. Every ``_``/``N_`` call with a literal, wherever it is, must be extracted."""
    missed = []
    for path in sorted((REPO / "justice_desk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "N_"}
            ):
                if (
                    node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    if node.args[0].value not in msgids:
                        missed.append(
                            f"{path.relative_to(REPO)}:{node.lineno}: {node.args[0].value!r}"
                        )
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("language", ["th", "en"])
def test_translations_keep_the_placeholders(language: str) -> None:
    bad = []
    for m in load(language):
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for s in strings:
            if placeholders(s) != placeholders(ids[0]):
                bad.append((ids[0], s))
    assert not bad, bad[:5]


def test_thai_catalog_is_thai() -> None:
    catalog = load("th")
    thai = [m for m in catalog if m.id and m.string and re.search("[\u0e00-\u0e7f]", m.string)]
    assert len(thai) >= 0.9 * len([m for m in catalog if m.id])


def test_thai_names_sections_as_the_law_does() -> None:
    """Thai readers and the Act write มาตรา 30, not §30 (found by a new-user walkthrough)."""
    catalog = load("th")
    signs = [
        m.id
        for m in catalog
        if m.id
        and any("§" in s for s in ((m.string,) if isinstance(m.string, str) else m.string or ()))
    ]
    assert signs == []


# Qt calls whose string arguments a person reads.
SHOWN = {
    "setText",
    "setWindowTitle",
    "setPlaceholderText",
    "setToolTip",
    "setStatusTip",
    "addItem",
    "addItems",
    "addRow",
    "setTitle",
    "addMenu",
    "addTab",
    "setHorizontalHeaderLabels",
    "setLabelText",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "setWhatsThis",
    "setAccessibleName",
    "showMessage",
    "show_error",
    "show_info",
    "confirm",
    "setSuffix",
    "setPrefix",
    "setSpecialValueText",
    "QMessageBox",
}
LETTERS = re.compile(r"[A-Za-z\u0e00-\u0e7f]{2,}")


def literals_shown(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr
            if isinstance(node.func, ast.Attribute)
            else node.func.id
            if isinstance(node.func, ast.Name)
            else ""
        )
        if name not in SHOWN:
            continue
        # The shown text is the first argument (the rest are parents, user data, icons).
        shown = node.args[:1] + [
            k.value for k in node.keywords if k.arg in {"text", "title", "message"}
        ]
        for arg in shown:
            if (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and LETTERS.search(arg.value)
            ):
                found.append((node.lineno, arg.value))
    return found


# Deliberate exceptions: language names are shown in their own language, and format codes.
ALLOWED = {"ภาษาไทย", "English", " pt", "Justice Desk"}


def test_no_untranslated_literal_in_the_gui() -> None:
    problems = []
    for path in sorted((REPO / "justice_desk" / "ui").rglob("*.py")):
        for line, text in literals_shown(ast.parse(path.read_text(encoding="utf-8"))):
            if text not in ALLOWED:
                problems.append(f"{path.relative_to(REPO)}:{line}: {text!r}")
    assert not problems, "\n".join(problems)
