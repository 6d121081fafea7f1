"""Creating and finding units."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.units.models import Organisation, OrganisationKind, Unit, UnitKind


class UnitError(ValueError):
    pass


def get_or_create_organisation(session: Session, name: str,
                               kind: str = OrganisationKind.OTHER) -> Organisation:
    name = " ".join(name.split())
    if not name:
        raise UnitError("organisation name is empty")
    organisation = session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=OrganisationKind(kind).value)
        session.add(organisation)
        session.flush()
    return organisation


def create_unit(session: Session, name: str, organisation: str,
                kind: str = UnitKind.OTHER, organisation_kind: str = OrganisationKind.OTHER) -> Unit:
    """Create the unit ``name`` in ``organisation`` (created if new). Names are unique per org."""
    name = " ".join(name.split())
    if not name:
        raise UnitError("unit name is empty")
    org = get_or_create_organisation(session, organisation, organisation_kind)
    if session.scalar(select(Unit).where(Unit.organisation_id == org.id, Unit.name == name)):
        raise UnitError(f"the unit {name!r} already exists in {org.name!r}")
    unit = Unit(name=name, organisation=org, kind=UnitKind(kind).value)
    session.add(unit)
    session.flush()
    return unit


def find_unit(session: Session, label: str) -> Unit | None:
    """Find a unit by its display name ("Org / Unit") or, if unambiguous, by its own name."""
    label = " ".join(label.split())
    units = session.scalars(select(Unit)).all()
    exact = [u for u in units if u.display_name == label]
    if exact:
        return exact[0]
    named = [u for u in units if u.name == label]
    return named[0] if len(named) == 1 else None


def all_units(session: Session) -> list[Unit]:
    units = session.scalars(select(Unit)).all()
    return sorted(units, key=lambda u: u.display_name)
