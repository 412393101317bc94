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
    # The operator register, by kind of operator: each department keeps its own link.
    "operator.dairy_producer": frozenset({K.QTS}),
    "operator.dairy_food_producer": frozenset({K.QTS}),
    "operator.dairy_farm": frozenset({K.AGR}),
    "operator.farmer_coop": frozenset({K.AGR}),
    "operator.purchase_station": frozenset({K.AGR}),
    "operator.feed_mill": frozenset({K.AGR}),
    "operator.wholesaler": frozenset({K.AIC}),
    "operator.supermarket": frozenset({K.AIC}),
    "operator.small_retailer": frozenset({K.AIC}),
    "operator.catering": frozenset({K.FDA}),
    "operator.importer": frozenset({K.CIQ}),
    # Unlicensed operations are found in sweeps led by governments and banned by AIC (L5, C1).
    "operator.unlicensed": frozenset({K.AIC, K.GOV}),
    # Licences, by type (一.1–一.3, 二.5).
    "licence.production": frozenset({K.QTS}),
    "licence.purchase": frozenset({K.AGR}),
    "licence.transport": frozenset({K.AGR}),
    "licence.distribution": frozenset({K.AIC}),
    "licence.consignee_filing": frozenset({K.CIQ}),
    # Follow-up after revocation or closure: governments recover invoices and dismantle
    # plants, agriculture seals or dismantles stations (L1, L4).
    "follow_up.recover_invoices": frozenset({K.GOV}),
    "follow_up.dismantle_equipment": frozenset({K.GOV}),
    "follow_up.seal_station": frozenset({K.AGR}),
    "follow_up.dismantle_station": frozenset({K.AGR}),
    # Black-den sweeps are led by governments with industry and commerce (C1).
    "sweep": frozenset({K.GOV, K.AIC}),
    # Import consignments are held and released by inspection and quarantine (S5).
    "consignment": frozenset({K.CIQ}),
    # Accountability of officials is recorded by food-safety offices and governments (C1).
    "accountability": frozenset({K.FSO, K.GOV}),
}

# Roles that write records at all; viewers only read, admins manage accounts.
WRITE_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.CLERK})
# Roles that take decisions (approve, refuse, revoke, accept a report).
DECIDE_ROLES = frozenset({Role.REVIEWER})


def owned_values(prefix: str, kind: str | None) -> list[str]:
    """For domains named `<prefix>.<value>`, the values that agency `kind` writes."""
    return [d.split(".", 1)[1] for d, kinds in OWNERS.items() if d.startswith(prefix + ".") and kind in kinds]


def kinds_owning(domain: str) -> frozenset[str]:
    try:
        return OWNERS[domain]
    except KeyError:
        raise LookupError(f"No ownership entry for domain {domain!r}") from None
