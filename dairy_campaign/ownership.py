"""Who may write what: the one table of ownership by agency kind (DESIGN §1).

Every `editable_by(user)` reads this table; no view or endpoint keeps its own list.
Keys are domains (a kind of record), values the agency kinds that write it.
"""

from .choices import AgencyKind, Role

K = AgencyKind

OWNERS: dict[str, frozenset[str]] = {
    # The campaign calendar is set by the food safety office.
    "campaign": frozenset({K.FSO}),
    # Responsibility letters are signed by governments and recorded by their FSO (P2).
    "responsibility_letter": frozenset({K.FSO, K.GOV}),
}

# Roles that write records at all; viewers only read, admins manage accounts.
WRITE_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.CLERK})
# Roles that take decisions (approve, refuse, revoke, accept a report).
DECIDE_ROLES = frozenset({Role.REVIEWER})


def kinds_owning(domain: str) -> frozenset[str]:
    try:
        return OWNERS[domain]
    except KeyError:
        raise LookupError(f"No ownership entry for domain {domain!r}") from None
