"""Coordinators' view of their units' caseloads (metadata only)."""
