"""Special categories of personal data (GDPR Art. 9) and criminal matters (Art. 10) in free
text: a maintained word list in bokmål and English. Each entry is a word stem matched at the
start of a word, so inflections match too ("diagnose", "diagnosen", "diagnoser"; "depressed",
"depression"); short words that would match too much stand alone (``$`` ends the word).

Keep the list here, reviewed by the privacy officer: add a word with the category it belongs
to and a test sentence in tests/consent/test_special_categories.py. It is a warning aid, not a
filter: a worker is asked to think before saving, and the note is tagged.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "health": _l("health"),
    "ethnicity": _l("ethnic origin"),
    "religion": _l("religion or belief"),
    "sexuality": _l("sex life or sexual orientation"),
    "criminal": _l("criminal matters"),
}

WORDS = {
    "health": [
        # bokmål
        "diagnos", "adhd$", "autis", "asperger", "tourette", "dysleksi", "depresj",
        "deprimert", "angst", "psykisk", "psykiatr", "psykolog", "psykose", "schizofren",
        "bipolar", "spiseforstyrr", "anoreksi", "bulimi", "selvskad", "selvmord", "medisin",
        "sykdom", "syk$", "syke$", "diabetes", "epilep", "astma", "allergi", "kreft", "gravid",
        "abort", "rusmisbruk", "rusproblem", "rusbehandling", "avhengig", "bup$", "dps$",
        "fastlege", "sykehus", "innlagt", "terapi", "funksjonsnedsett",
        "utviklingshemm",
        # English
        "diagnos", "autism", "depress", "anxiety", "mental health", "mental illness",
        "psychiatr", "psycholog", "psychosis", "schizophren", "eating disorder", "anorexia",
        "self-harm", "self harm", "suicid", "medication", "illness", "disease", "pregnan",
        "substance abuse", "addict", "hospital", "therapy", "disabilit",
    ],
    "ethnicity": [
        "etnisk", "etnisitet", "hudfarge", "rasis", "samisk", "kvensk", "romani",
        "ethnic", "skin colour", "skin color", "racis",
    ],
    "religion": [
        "religi", "muslim", "kristen", "jødisk", "jøde$", "hindu", "buddhis", "sikh",
        "moské", "synagoge", "ramadan", "livssyn", "konverter",
        "christian", "jewish", "mosque", "synagogue", "atheis", "ateis", "belief",
    ],
    "sexuality": [
        "seksuell", "seksualitet", "homofil", "lesbisk", "bifil", "skeiv", "transperson",
        "kjønnsidentitet", "legning",
        "sexual", "homosexual", "lesbian", "bisexual", "queer", "transgender", "gay$",
    ],
    "criminal": [
        "kriminal", "straff", "domfelt", "dømt", "fengsel", "soning", "politianmeld",
        "anmeldt", "siktet", "tiltalt", "ungdomsstraff", "konfliktråd", "tyveri", "innbrudd",
        "narkotika",
        "criminal", "convict", "prison", "arrest", "theft", "burglar", "offence", "offense",
    ],
}


def _pattern(stem: str) -> str:
    whole = stem.endswith("$")
    stem = re.escape(stem.rstrip("$")).replace(r"\ ", r"\s+")
    return rf"(?<!\w){stem}" + (r"(?!\w)" if whole else "")


PATTERNS = {category: re.compile("|".join(_pattern(w) for w in words), re.IGNORECASE)
            for category, words in WORDS.items()}


def detect(*texts: str | None) -> list[str]:
    """The categories the texts seem to mention, in the order of ``CATEGORY_LABELS``."""
    text = "\n".join(t for t in texts if t)
    return [category for category in CATEGORY_LABELS if text and PATTERNS[category].search(text)]
