"""Every UI string is in the Norwegian catalogue, translated."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "caseapp" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted_ids() -> set[str]:
    ids = set()
    for folder in ("caseapp", "roles", "consent", "audit", "templates"):
        method = [("**.html", "jinja2")] if folder == "templates" else [("**.py", "python")]
        options = {"**.html": {"extensions": "jinja2.ext.do"}}
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / folder, method_map=method, options_map=options, keywords=KEYWORDS):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_ui_string_has_a_norwegian_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue
                  if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
                  and not m.fuzzy}
    missing = sorted(extracted_ids() - translated)
    assert not missing, "run `make messages` and translate in nb/messages.po:\n" + "\n".join(missing)
