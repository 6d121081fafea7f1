"""Who may do what: roles, the permission registry and the need-to-know policy.

Every view asks this package, through ``roles.guards``; nothing else decides access.
"""
from roles.definitions import WORKER_ROLES, Role
from roles.permissions import Perm, UnknownPermission, lookup
from roles.policy import Decision, can

__all__ = ["Role", "WORKER_ROLES", "Perm", "UnknownPermission", "lookup", "Decision", "can"]
