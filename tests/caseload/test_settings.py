"""The dashboard's maxima are settings, validated at start."""
from __future__ import annotations

import pytest

from caseapp.config import ConfigError, build


def test_maxima_default_and_override(tmp_path):
    settings = build(tmp_path, environ={})
    assert settings["CASEAPP_CASELOAD_MAX_WORK_LEADER"] == 20  # DOMAIN.md: about 20 a year
    assert settings["CASEAPP_CASELOAD_MAX_YOUTH_MENTOR"] == 16
    changed = build(tmp_path, environ={"CASEAPP_CASELOAD_MAX_YOUTH_MENTOR": "12"})
    assert changed["CASEAPP_CASELOAD_MAX_YOUTH_MENTOR"] == 12


@pytest.mark.parametrize("key", ["CASEAPP_CASELOAD_MAX_WORK_LEADER",
                                 "CASEAPP_CASELOAD_MAX_YOUTH_MENTOR",
                                 "CASEAPP_CASELOAD_PAGE_SIZE"])
def test_a_maximum_must_be_positive(tmp_path, key):
    with pytest.raises(ConfigError, match=f"{key} must be greater than zero"):
        build(tmp_path, environ={key: "0"})
    with pytest.raises(ConfigError, match="whole number"):
        build(tmp_path, environ={key: "many"})
