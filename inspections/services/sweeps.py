"""Black-den sweeps (C1, 三.1): sweeps led by a government leader, the dens they find,
the bans (取缔) and the product seized."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from dairy_campaign.scoping import may_write, user_scope_prefix
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import local_today
from licensing.models import Operator, OperatorKind
from licensing.services.common import require_editable
from licensing.services.register import operator_ban

from ..models import Den, Sweep

SWEEP_FIELDS = {"jurisdiction", "area_type", "area", "swept_on", "leader", "leader_title", "participants", "notes"}


def may_sweep(actor) -> bool:
    """C1: sweeps are recorded by governments and industry & commerce, with a writing role."""
    return actor.is_authenticated and (actor.is_superuser or may_write(actor, "sweep"))


def require_sweeper(actor):
    if not may_sweep(actor):
        raise PermissionDenied(_("Black-den sweeps are recorded by local governments and industry and commerce."))


def _stripped(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def sweep_record(*, actor, **fields) -> Sweep:
    """C1: a sweep of rural areas, urban-rural fringes, temporary buildings or rented
    warehouses, led by a named government leader, in a county of the actor's jurisdiction."""
    unknown = set(fields) - SWEEP_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    require_sweeper(actor)
    if actor.agency_id is None:
        raise PermissionDenied(_("A sweep is recorded by a department; your account belongs to none."))
    sweep = Sweep(agency=actor.agency, recorded_by=actor, **_stripped(fields))
    place = sweep.jurisdiction if sweep.jurisdiction_id else None
    prefix = "" if actor.is_superuser else (user_scope_prefix(actor) or "-")
    if place is None or place.level != "county" or not place.code.startswith(prefix):
        raise ValidationError({"jurisdiction": _("Choose a county within your jurisdiction.")})
    if sweep.swept_on and sweep.swept_on > local_today():
        raise ValidationError({"swept_on": _("The sweep date cannot be in the future.")})
    return audited_save(sweep, actor=actor, reason=_("Sweep recorded"))


def _check_seizure(product: str, quantity, unit: str):
    if quantity is not None and not product:
        raise ValidationError({"seized_product": _("Name the product seized.")})
    if unit and quantity is None:
        raise ValidationError({"seized_quantity": _("Give a positive quantity with its unit.")})


@transaction.atomic
def den_record(
    *,
    actor,
    sweep: Sweep,
    name: str,
    address: str,
    activity: str,
    banned: bool,
    seized_product: str = "",
    seized_quantity: Decimal | None = None,
    seized_unit: str = "",
    document_number: str = "",
) -> Den:
    """C1: a black den found in a sweep enters the register as an unlicensed operation in
    the sweep's county, and is banned (取缔) on the spot when `banned`.

    The operator is created here rather than through operator_create: the sweeping
    government need not be the department that keeps the register.
    """
    require_editable(actor, sweep)
    operator = Operator(
        kind=OperatorKind.UNLICENSED,
        name=(name or "").strip(),
        address=(address or "").strip(),
        county=sweep.jurisdiction,
        credit_code=None,
    )
    seized_product, seized_unit = (seized_product or "").strip(), (seized_unit or "").strip()
    _check_seizure(seized_product, seized_quantity, seized_unit)
    den = Den(
        sweep=sweep,
        activity=(activity or "").strip(),
        seized_product=seized_product,
        seized_quantity=seized_quantity,
        seized_unit=seized_unit,
    )
    # Both records are checked before either is written, so a bad den leaves no operator.
    operator.full_clean()
    den.full_clean(exclude=["operator"])
    found = _("Black den found in the sweep of %(area)s on %(date)s") % {
        "area": sweep.area,
        "date": sweep.swept_on.isoformat(),
    }
    audited_save(operator, actor=actor, reason=found)
    den.operator = operator
    audited_save(den, actor=actor, reason=found)
    if banned:
        on_the_spot = _("C1: banned on the spot during the sweep")
        _ban(den, actor=actor, on=sweep.swept_on, reason=on_the_spot, document=(document_number or "").strip())
    return den


@transaction.atomic
def den_ban(*, actor, den: Den, reason: str, document_number: str, banned_on: datetime.date | None = None) -> Den:
    """C1: a den found earlier is banned (取缔), with the decision's document number."""
    require_editable(actor, den)
    if den.banned_on:
        raise ValidationError(_("This den was already banned on %(date)s.") % {"date": den.banned_on.isoformat()})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for the ban.")})
    if not (document_number or "").strip():
        raise ValidationError({"document_number": _("A ban (取缔) names its decision document number.")})
    banned_on = banned_on or local_today()
    if banned_on > local_today() or banned_on < den.sweep.swept_on:
        raise ValidationError({"banned_on": _("The ban falls between the sweep and today.")})
    return _ban(den, actor=actor, on=banned_on, reason=reason.strip(), document=document_number.strip())


def _ban(den: Den, *, actor, on: datetime.date, reason: str, document: str) -> Den:
    operator_ban(actor=actor, operator=den.operator, reason=reason, document_number=document)
    den.banned_on = on
    note = f"{reason} ({document})" if document else reason
    return audited_save(den, actor=actor, reason=note)


def sweeps_with_counts(queryset):
    """Each sweep with the number of dens it found and banned (one query for a page)."""
    # A grouped query drops Meta.ordering: state it again so pages stay stable.
    return queryset.annotate(
        den_count=Count("dens", distinct=True),
        banned_count=Count("dens", filter=Q(dens__banned_on__isnull=False), distinct=True),
    ).order_by(*Sweep._meta.ordering)


def sweep_totals(queryset) -> dict:
    """C1 totals over `queryset` (sweeps): dens found, banned, left in place, and the
    quantities seized per unit."""
    dens = Den.objects.filter(sweep__in=queryset.order_by().values("pk"))
    counts = dens.aggregate(found=Count("pk"), banned=Count("pk", filter=Q(banned_on__isnull=False)))
    seized = (
        dens.exclude(seized_quantity=None)
        .order_by()
        .values("seized_unit")
        .annotate(total=Sum("seized_quantity"))
        .order_by("seized_unit")
    )
    return {
        "sweeps": queryset.count(),
        "dens": counts["found"],
        "banned": counts["banned"],
        "left_in_place": counts["found"] - counts["banned"],
        "seized": [(row["seized_unit"], _plain(row["total"])) for row in seized],
    }


def _plain(quantity: Decimal) -> Decimal:
    """850.000 reads 850 and 1.200 reads 1.2 (not 8.5E+2)."""
    quantity = Decimal(quantity)
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()
