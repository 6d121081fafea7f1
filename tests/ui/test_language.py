"""English is the source language: complete by construction, never a stale translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

EN = Path(__file__).resolve().parents[2] / "caseapp" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_the_english_catalogue_translates_nothing_differently():
    with EN.open("rb") as handle:
        catalogue = read_po(handle)
    def forms(value):
        return value if isinstance(value, tuple) else (value,)

    stale = [m.id for m in catalogue
             if m.id and any(forms(m.string)) and forms(m.string) != forms(m.id)]
    assert not stale, "English shows the source strings; empty these msgstr entries:\n" + \
        "\n".join(map(str, stale))


def test_pages_in_english(client):
    client.post("/language", data={"csrf_token": client.csrf_token("/login"), "language": "en",
                                   "next": "/login"})
    page = client.get("/tilgjengelighet").text
    assert '<html lang="en">' in page
    assert "<h1>Accessibility statement</h1>" in page and "Known gaps" in page
    assert "Tilgjengelighetserklæring" not in page and "Kjente mangler" not in page
