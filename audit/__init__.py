"""The audit log: who did what to whose data, when, on what grounds. Written by ``record``."""
from audit.services import record

__all__ = ["record"]
