from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from ..credit_code import credit_code_problem
from .choices import Arrangement, OperatorKind, OperatorStatus


class OperatorQuerySet(ScopedQuerySet):
    scope_field = "county"
    owner_prefix = "operator"
    owner_value_field = "kind"

    def flagged_arrangements(self):
        """L2: contracted, subcontracted or leased operations, for review."""
        return self.exclude(arrangement=Arrangement.SELF_RUN)


def validate_credit_code(value: str):
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(
            gettext_now("Unified social credit code %(code)s: %(problem)s.")
            % {"code": value, "problem": gettext_now(problem)}
        )


class Operator(models.Model):
    """One entry of the operator register (摸清底数)."""

    kind = models.CharField(_("kind"), max_length=24, choices=OperatorKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    county = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="operators"
    )
    address = models.CharField(_("address"), max_length=300)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    registered_with_aic = models.BooleanField(_("registered with industry and commerce"), default=False)
    infant_formula = models.BooleanField(_("infant-formula producer"), default=False)
    scale_farm = models.BooleanField(_("scale farm"), default=False)
    herd_size = models.PositiveIntegerField(_("herd size"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OperatorStatus.choices, default=OperatorStatus.OPERATING
    )
    arrangement = models.CharField(
        _("operating arrangement"), max_length=14, choices=Arrangement.choices, default=Arrangement.SELF_RUN
    )
    actual_operator = models.CharField(_("actual operator"), max_length=200, blank=True)
    business_licence_cancelled = models.BooleanField(_("business licence cancelled"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = OperatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["county_id", "name"]
        indexes = [models.Index(fields=["county", "kind", "status"], name="register_by_place")]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.county_id and self.county.level != "county":
            errors["county"] = _("Choose a county-level division.")
        if self.arrangement != Arrangement.SELF_RUN and not self.actual_operator.strip():
            errors["actual_operator"] = _(
                "Name the actual operator of a contracted, subcontracted or leased business (L2)."
            )
        if self.infant_formula and self.kind != OperatorKind.DAIRY_PRODUCER:
            errors["infant_formula"] = _("Only dairy producers make infant formula.")
        if (self.scale_farm or self.herd_size) and self.kind != OperatorKind.DAIRY_FARM:
            errors["scale_farm"] = _("Scale and herd size apply to dairy farms.")
        if not self.credit_code and self.kind != OperatorKind.UNLICENSED:
            errors["credit_code"] = _("Every registered operator has a unified social credit code.")
        if errors:
            raise ValidationError(errors)

    @property
    def arrangement_flagged(self) -> bool:
        """L2: run under contracting, subcontracting or leasing."""
        return self.arrangement != Arrangement.SELF_RUN


class VehicleQuerySet(ScopedQuerySet):
    scope_field = "owner__county"
    owner_domain = "licence.transport"


class Vehicle(models.Model):
    """A raw-milk transport vehicle."""

    plate = models.CharField(_("plate number"), max_length=12, unique=True)
    owner = models.ForeignKey(Operator, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="vehicles")
    capacity_tonnes = models.DecimalField(_("capacity (t)"), max_digits=6, decimal_places=2)

    objects = VehicleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plate"]
        verbose_name = _("raw-milk transport vehicle")
        verbose_name_plural = _("raw-milk transport vehicles")

    def __str__(self):
        return self.plate

    def clean(self):
        if self.capacity_tonnes is not None and self.capacity_tonnes <= 0:
            raise ValidationError({"capacity_tonnes": _("The capacity must be positive.")})
