"""Fill empty translations of locale/zh_Hans/LC_MESSAGES/django.po from a JSON map.

    python locale/fill_po.py translations.json   # {"English msgid": "中文", ...}
    python locale/fill_po.py --missing           # list msgids still untranslated

Plural entries take a list of forms. Existing translations are kept; fuzzy flags are
dropped for entries filled here. A development tool: the .po file is the catalogue.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(argv):
    catalogue = polib.pofile(str(PO), wrapwidth=120)
    if argv and argv[0] == "--missing":
        missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        print(json.dumps(dict.fromkeys(missing, ""), ensure_ascii=False, indent=1))
        return 1 if missing else 0
    mapping = {}
    for path in argv:
        mapping.update(json.loads(Path(path).read_text(encoding="utf-8")))
    filled = 0
    for entry in catalogue:
        if entry.msgid not in mapping or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        value = mapping[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    catalogue.metadata["Language"] = "zh_Hans"
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalogue.save()
    print(f"filled {filled}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
