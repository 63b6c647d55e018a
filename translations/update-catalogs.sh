#!/usr/bin/env bash
# Re-extract message ids from the code and merge them into the Thai and English catalogs.
# Translate the new entries in th/LC_MESSAGES/justice_desk.po; the tests fail on a missing one.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" -q extract -F translations/babel.cfg -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 --no-wrap --sort-by-file \
    --project "Justice Desk" --version "$(.venv/bin/python -c "import justice_desk; print(justice_desk.__version__)")" --copyright-holder "Justice Desk developers" -o translations/justice_desk.pot .
for lang in th en; do
    po="translations/$lang/LC_MESSAGES/justice_desk.po"
    if [ -f "$po" ]; then
        "$PYBABEL" -q update --no-wrap --no-fuzzy-matching --ignore-obsolete -i translations/justice_desk.pot -d translations -D justice_desk -l "$lang"
    else
        "$PYBABEL" -q init --no-wrap -i translations/justice_desk.pot -d translations -D justice_desk -l "$lang"
    fi
done
# English is the message ids' own language: its catalog is the identity. Both catalogs get a
# real header (GNU msgfmt --check warns about the template's placeholders).
.venv/bin/python - <<'PY'
import justice_desk
from babel.messages.pofile import read_po, write_po
for lang in ("th", "en"):
    path = f"translations/{lang}/LC_MESSAGES/justice_desk.po"
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    catalog.project = "Justice Desk"
    catalog.version = justice_desk.__version__
    catalog.last_translator = "Justice Desk developers"
    catalog.language_team = f"Justice Desk {lang}"
    if lang == "en":
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=0)
PY
# The catalogs must pass GNU gettext's checks (tests/test_quality_gates.py runs the same).
for lang in th en; do
    msgfmt --check -o /dev/null "translations/$lang/LC_MESSAGES/justice_desk.po"
done
