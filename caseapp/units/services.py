"""Creating and finding units."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.refusals import Refusal
from caseapp.units.models import Organisation, OrganisationKind, Unit, UnitKind


class UnitError(Refusal):
    """A unit or organisation cannot be created or renamed (the message is for operators)."""


# "Org / Unit" is a unit's display name and "; " joins a worker's units in the audit log
# (read back for the young person's access report): no name may contain either.
SEPARATORS = (" / ", ";")


def has_separator(name: str) -> bool:
    name = " ".join(name.split())
    return any(separator in name for separator in SEPARATORS)


def _check_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UnitError(f"{what} name is empty")
    if has_separator(name):
        raise UnitError(f"{what} name {name!r} contains ' / ' or ';'")
    return name


def get_or_create_organisation(session: Session, name: str,
                               kind: str = OrganisationKind.OTHER) -> Organisation:
    name = _check_name(name, "organisation")
    organisation = session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=OrganisationKind(kind).value)
        session.add(organisation)
        session.flush()
    return organisation


def create_unit(session: Session, name: str, organisation: str,
                kind: str = UnitKind.OTHER, organisation_kind: str = OrganisationKind.OTHER) -> Unit:
    """Create the unit ``name`` in ``organisation`` (created if new). Names are unique per org."""
    name = _check_name(name, "unit")
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


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def add_unit(session: Session, name: str, organisation: str, kind: str, actor) -> Unit:
    """An administrator's new unit (and organisation, if new), audited."""
    import audit

    unit = create_unit(session, name, organisation, kind)
    audit.record("unit.create", actor=actor, object_type="unit", object_id=unit.id,
                 details={"kind": unit.kind}, grounds="administration", session=session)
    return unit


def rename_unit(session: Session, unit: Unit, name: str, kind: str, actor) -> None:
    """An administrator's change of a unit's name or kind (its cases and members stay)."""
    import audit

    name = _check_name(name, "unit")
    if name != unit.name and session.scalar(select(Unit).where(
            Unit.organisation_id == unit.organisation_id, Unit.name == name)):
        raise UnitError(f"the unit {name!r} already exists in {unit.organisation.name!r}")
    changed = [field for field, old, new in (("name", unit.name, name),
                                             ("kind", unit.kind, UnitKind(kind).value))
               if old != new]
    if not changed:
        return
    unit.name, unit.kind = name, UnitKind(kind).value
    session.flush()
    audit.record("unit.update", actor=actor, object_type="unit", object_id=unit.id,
                 details={"fields": changed}, grounds="administration", session=session)
