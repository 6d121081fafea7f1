"""Organisations and their units (schools, Nav offices, care homes, workplaces)."""
