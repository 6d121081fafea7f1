from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clock import now
from caseapp.extensions import db


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"  # kommune
    COUNTY = "county"  # fylkeskommune
    NAV = "nav"
    EMPLOYER = "employer"
    OTHER = "other"


class UnitKind(StrEnum):
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    NAV_OFFICE = "nav_office"
    CARE_HOME = "care_home"
    WORKPLACE = "workplace"
    OTHER = "other"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default=OrganisationKind.OTHER.value)
    created_at: Mapped[datetime] = mapped_column(default=now)

    units: Mapped[list["Unit"]] = relationship(back_populates="organisation")


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default=UnitKind.OTHER.value)
    created_at: Mapped[datetime] = mapped_column(default=now)

    organisation: Mapped[Organisation] = relationship(back_populates="units", lazy="joined")

    @property
    def display_name(self) -> str:
        """The name shown in the app: "Organisation / Unit" (just the unit when they match)."""
        if self.organisation.name == self.name:
            return self.name
        return f"{self.organisation.name} / {self.name}"

UNIT_KIND_LABELS = {
    "lower_secondary": _l("Lower secondary school"),
    "upper_secondary": _l("Upper secondary school"),
    "nav_office": _l("Nav office"),
    "care_home": _l("Care home"),
    "workplace": _l("Workplace"),
    "other": _l("Other"),
}
