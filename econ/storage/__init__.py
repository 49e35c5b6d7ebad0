"""Storage: uploaded datasets kept on disk under their content hash, so a link finds them again;
the scenarios saved beside each; and who may open each (owners, access lists, signed links,
audit trails: :mod:`econ.storage.access`).

Layer 3: imports inputs (to load what it stores) and the scenario layer (links).
"""

from econ.storage.access import (
    Access,
    AccessMode,
    AccessStore,
    AuditEvent,
    SignedLink,
    User,
    may_open,
    sign_link,
    verify_link,
)

__all__ = [
    "Access",
    "AccessMode",
    "AccessStore",
    "AuditEvent",
    "SignedLink",
    "User",
    "may_open",
    "sign_link",
    "verify_link",
]
