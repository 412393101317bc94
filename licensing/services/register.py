"""The operator register (摸清底数) and its vehicles."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dairy_campaign.ownership import WRITE_ROLES, owned_values
from dairy_campaign.scoping import may_write, user_kind, user_scope_prefix
from dairy_campaign.services.audit import audited_save

from ..models import Operator, OperatorKind, Vehicle
from .common import require_editable

OPERATOR_FIELDS = {
    "kind",
    "name",
    "credit_code",
    "county",
    "address",
    "contact_person",
    "phone",
    "registered_with_aic",
    "infant_formula",
    "scale_farm",
    "herd_size",
    "arrangement",
    "actual_operator",
}


def kinds_kept_by(actor) -> frozenset[str]:
    """The operator kinds whose register entries, imports and lots `actor` writes: those its
    department keeps (ownership.OWNERS), with a writing role."""
    if actor.is_authenticated and actor.is_superuser:
        return frozenset(OperatorKind.values)
    if getattr(actor, "role", None) not in WRITE_ROLES or user_scope_prefix(actor) is None:
        return frozenset()
    return frozenset(owned_values("operator", user_kind(actor)))


def check_may_register(actor, *, kind: str, county_code: str):
    """The actor's department keeps operators of `kind`, in a county within its scope."""
    if actor.is_superuser:
        return
    if actor.role not in WRITE_ROLES or kind not in owned_values("operator", user_kind(actor)):
        raise PermissionDenied(_("Your department does not keep operators of this kind."))
    prefix = user_scope_prefix(actor)
    if prefix is None or not county_code.startswith(prefix):
        raise ValidationError({"county": _("Choose a county within your jurisdiction.")})


@transaction.atomic
def operator_create(*, actor, reason: str = "", **fields) -> Operator:
    unknown = set(fields) - OPERATOR_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    operator = Operator(**fields)
    check_may_register(actor, kind=operator.kind, county_code=operator.county_id or "")
    if operator.credit_code == "":
        operator.credit_code = None
    return audited_save(operator, actor=actor, reason=reason or _("Registered"))


@transaction.atomic
def operator_update(*, actor, operator: Operator, reason: str, **fields) -> Operator:
    """Correct a register entry. Status changes go through the licensing decisions."""
    unknown = set(fields) - OPERATOR_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    require_editable(actor, operator)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the change.")})
    for name, value in fields.items():
        setattr(operator, name, value)
    check_may_register(actor, kind=operator.kind, county_code=operator.county_id)
    if operator.credit_code == "":
        operator.credit_code = None
    return audited_save(operator, actor=actor, reason=reason)


@transaction.atomic
def vehicle_register(*, actor, owner: Operator, plate: str, capacity_tonnes) -> Vehicle:
    vehicle = Vehicle(owner=owner, plate=plate.strip().upper(), capacity_tonnes=capacity_tonnes)
    if not Operator.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose an operator within your jurisdiction.")})
    if not actor.is_superuser and not may_write(actor, "licence.transport"):
        raise PermissionDenied(_("Raw-milk vehicles are registered by the agriculture department."))
    return audited_save(vehicle, actor=actor, reason=_("Vehicle registered"))


@transaction.atomic
def operator_ban(*, actor, operator: Operator, reason: str, document_number: str = "") -> Operator:
    """L5 / C1: an unlicensed dairy business or a black den is banned (取缔). The banning
    department need not keep the operator's kind: a catering inspector may find a shop
    selling dairy without a licence. It must see the operator and hold a writing role."""
    from ..models import OperatorStatus

    if not Operator.objects.visible_to(actor).filter(pk=operator.pk).exists():
        raise PermissionDenied(_("This operator is outside your jurisdiction."))
    if not actor.is_superuser and actor.role not in WRITE_ROLES:
        raise PermissionDenied(_("Your role does not take enforcement measures."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the ban.")})
    if operator.status == OperatorStatus.BANNED:
        return operator
    operator.status = OperatorStatus.BANNED
    note = f"{reason} ({document_number})" if document_number else reason
    return audited_save(operator, actor=actor, reason=note)
