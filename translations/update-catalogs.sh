#!/usr/bin/env bash
# Re-extract message ids from the code and merge them into the Thai and English catalogs.
# Translate the new entries in th/LC_MESSAGES/justice_desk.po; the tests fail on a missing one.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" extract -F translations/babel.cfg -k _ -k N_ -k ngettext:1,2 --no-wrap --sort-by-file \
    --project "Justice Desk" --copyright-holder "Justice Desk developers" -o translations/justice_desk.pot .
for lang in th en; do
    po="translations/$lang/LC_MESSAGES/justice_desk.po"
    if [ -f "$po" ]; then
        "$PYBABEL" update --no-wrap --no-fuzzy-matching -i translations/justice_desk.pot -d translations -D justice_desk -l "$lang"
    else
        "$PYBABEL" init --no-wrap -i translations/justice_desk.pot -d translations -D justice_desk -l "$lang"
    fi
done
# English is the message ids' own language: its catalog is the identity.
.venv/bin/python - <<'PY'
from babel.messages.pofile import read_po, write_po
path = "translations/en/LC_MESSAGES/justice_desk.po"
with open(path, "rb") as fh:
    catalog = read_po(fh, locale="en")
for message in catalog:
    if message.id and not message.string:
        message.string = message.id
with open(path, "wb") as fh:
    write_po(fh, catalog, width=0)
PY
