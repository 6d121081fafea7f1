from __future__ import annotations

import pytest


@pytest.fixture
def foreign_case(factory, school):
    """Another young person's case, followed by another mentor."""
    other = factory.user("youth_mentor", [school])
    case = factory.case(other, school, participant=factory.participant("Ola", "Utenfor"))
    factory.consent(case.participant)
    return case
