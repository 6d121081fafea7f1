"""Handing a case over to another worker: across organisations (with consent to share) or within a unit (reassignment by the coordinator)."""
