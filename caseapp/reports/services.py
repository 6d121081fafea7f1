"""Making a report: who may see which units, the figures, the cost inputs, the audit event."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.cases.models import Programme, tracks_for
from caseapp.clock import now
from caseapp.reports import statistics, tables
from caseapp.units.models import Unit

FORMATS = ("pdf", "csv", "xlsx")


class OutOfScope(LookupError):
    """A unit the user may not see (or that does not exist): answered as not found."""


class BadFilter(ValueError):
    pass


def units_in_scope(session: Session, user, unit_id: str | None) -> list[Unit]:
    """The units a report covers: the user's own (a coordinator), or all (``user`` None: the
    operator's command). Asking for a unit outside them raises ``OutOfScope``."""
    query = select(Unit)
    if user is not None:
        query = query.where(Unit.id.in_(user.unit_ids or {uuid.UUID(int=0)}))
    units = sorted(session.scalars(query).all(), key=lambda u: u.display_name)
    if unit_id:
        try:
            wanted = uuid.UUID(str(unit_id))
        except ValueError:
            raise OutOfScope(None) from None  # not an id: nothing of it goes to the log
        units = [u for u in units if u.id == wanted]
        if not units:
            raise OutOfScope(str(wanted))
    return units


def parse_filters(args, units: list[Unit], today: date) -> statistics.Filters:
    """Filters from query parameters (``from``, ``to``, ``programme``, ``track``, ``minority``);
    the default period is this year up to today."""
    def day(name: str, default: date) -> date:
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise BadFilter(name) from None

    start, end = day("from", date(today.year, 1, 1)), day("to", today)
    if end < start:
        raise BadFilter("to")
    programme = (args.get("programme") or "").strip() or None
    if programme and programme not in set(Programme):
        raise BadFilter("programme")
    track = (args.get("track") or "").strip() or None
    if track and track not in {t for p in ([programme] if programme else list(Programme))
                               for t in tracks_for(p)}:
        raise BadFilter("track")
    minority = {"yes": True, "no": False}.get((args.get("minority") or "").strip())
    return statistics.Filters(start, end, tuple(u.id for u in units), programme, track, minority)


@dataclass
class CostLine:
    programme: str
    annual_cost: float
    persons_per_year: float

    @property
    def per_person_month(self) -> float:
        return self.annual_cost / (self.persons_per_year * 12)


def cost_lines(config) -> tuple[list[CostLine], dict]:
    """Cost per person-month per programme from ``CASEAPP_REPORT_COSTS`` (inputs, not data)."""
    settings = config["CASEAPP_REPORT_COSTS"]
    lines = [CostLine(programme, float(v["annual_cost"]), float(v["persons_per_year"]))
             for programme, v in settings.get("programmes", {}).items()
             if v.get("persons_per_year")]
    return lines, settings.get("comparison") or {}


def make_report(session: Session, filters: statistics.Filters, units: list[Unit],
                exact: bool = False) -> tables.Report:
    """The published report; ``exact`` (the privacy officer's view only) leaves the counts
    unchanged by the cell-key method."""
    counts = statistics.compute(session, filters)
    report = tables.build(counts, filters, units, now(), exact=exact)
    report.costs, report.comparison = cost_lines(current_app.config)
    return report


def record_generation(report: tables.Report, kind: str, *, actor="current",
                      grounds: str = "coordinator_review") -> None:
    """Every report (page, file, command) is in the audit log: filters and units, no figures;
    an exact report says so (``exact``)."""
    f = report.filters
    audit.record("report.generate", actor=actor, object_type="report", object_id=kind,
                 grounds=grounds, categories=["statistics"],
                 details={"format": kind, "from": f.date_from.isoformat(),
                          "to": f.date_to.isoformat(),
                          "units": sorted(str(u.id) for u in report.units),
                          "programme": f.programme, "track": f.track,
                          "minority": f.minority, "exact": report.exact})
