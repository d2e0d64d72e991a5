from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_zh_hans_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(PO))
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    broken = [
        e.msgid
        for e in catalogue
        if not e.obsolete and e.msgstr and sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))
    ]
    assert broken == []
