"""Importing existing lists (CSV or XLSX) of participants and cases: `caseapp import FILE`."""
