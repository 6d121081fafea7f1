"""Fixtures of the handover tests: an upper secondary school in another organisation and a
youth mentor there to receive cases."""
from __future__ import annotations

import pytest


@pytest.fixture
def vgs(factory):
    return factory.unit("Kvadraturen vgs", "Agder fylkeskommune", "upper_secondary")


@pytest.fixture
def receiver(factory, vgs):
    return factory.user("youth_mentor", [vgs])
