"""The OT status codes (Oppfølgingstjenesten, reported by the counties to Udir) at a reference
date, per unit and per county, so caseapp's figures can be set beside the national statistics.

A case followed in the period gets one code at the reference date (the period's last day):
  ended by then because the young person declined further follow-up  → OTNO;
  else its latest outcome up to then, through ``OT_CODES``               → OTOA, OTAR, …;
    (an outcome outside OT's target group — completed upper secondary, trade certificate,
    moved — gives OUTSIDE; dropout or unknown while still followed gives OTOV);
  else still followed                                                 → OTOV;
  else (ended without an outcome, e.g. no contact)                    → OTUK.
The county is the participant's home municipality's county (its number's first two digits).
The counts come from ``statistics.compute`` (``Counts.ot``), one grouped statement.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.outcomes.models import OT_CODES

OUTSIDE = "outside"  # outside OT's target group
OUTSIDE_SHORT = _l("Outside")  # its column heading
UNKNOWN_COUNTY = ""

# Every code of the national list (DOMAIN.md), with its meaning.
OT_LABELS = {
    "OTUK": _l("Activity unknown"),
    "OTOV": _l("In follow-up and guidance"),
    "OTOA": _l("County training or work practice"),
    "OTAP": _l("Nav measure"),
    "OTKO": _l("Combined county and Nav measure"),
    "OTAR": _l("In work"),
    "OTEV": _l("Pupil"),
    "OTVF": _l("Pupil at a private school"),
    "OTLL": _l("Apprentice or training candidate"),
    "OTNO": _l("Declined follow-up"),
    "OTMI": _l("Military service"),
    "OTBA": _l("Caring for children"),
    "OTSY": _l("Ill or in an institution"),
    "OTIF": _l("Non-formal training"),
    OUTSIDE: _l("Outside the OT target group (completed upper secondary, trade certificate, "
                "moved)"),
}
# What caseapp records never says: these codes cannot come out of it (named in the legend).
NOT_PRODUCED = ("OTKO", "OTVF", "OTMI", "OTBA", "OTSY", "OTIF")
PRODUCED = tuple(code for code in OT_LABELS if code not in NOT_PRODUCED)

# Counties from 2024 (the first two digits of a municipality number).
COUNTIES = {
    "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland", "31": "Østfold",
    "32": "Akershus", "33": "Buskerud", "34": "Innlandet", "39": "Vestfold", "40": "Telemark",
    "42": "Agder", "46": "Vestland", "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
}


def status(closed: bool, declined: bool, latest: str | None) -> str:
    """The OT code of one case at the reference date (see the module's docstring)."""
    if closed and declined:
        return "OTNO"
    if latest is not None:
        code = OT_CODES[latest]
        if code is None:
            return OUTSIDE
        return "OTOV" if code == "OTUK" and not closed else code
    return "OTUK" if closed else "OTOV"


def county(municipality_prefix: str | None) -> str:
    """The county number for a municipality number's first two digits ("" if not known)."""
    return municipality_prefix if municipality_prefix in COUNTIES else UNKNOWN_COUNTY


def legend() -> list[tuple[str, str]]:
    """(code, meaning) for every code of the national list, those caseapp cannot produce named
    as such, and the column for cases outside the target group."""
    from flask_babel import gettext as _

    rows = []
    for code, label in OT_LABELS.items():
        meaning = str(label)
        if code in NOT_PRODUCED:
            meaning = _("%(meaning)s (caseapp does not record this, so never counted here)",
                        meaning=meaning)
        rows.append((str(OUTSIDE_SHORT) if code == OUTSIDE else code, meaning))
    return rows
