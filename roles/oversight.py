"""How far a user's view reaches beyond their own units and the restriction of processing.

The privacy officer oversees the whole installation: their overviews (the consents) cover every
unit, and persons whose processing is restricted stay visible to them, since they decide on the
restriction. Everyone else sees their own units and no restricted person."""
from __future__ import annotations

from roles.definitions import Role


def sees_every_unit(user) -> bool:
    """An overview shows every unit to ``user``, not only the user's own units."""
    return user.has_role(Role.PRIVACY_OFFICER)


def sees_restricted(user) -> bool:
    """Persons whose processing is restricted are not hidden from ``user``."""
    return user.has_role(Role.PRIVACY_OFFICER)
