from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .choices import PlanStatus, Rule


class PlanQuerySet(ScopedQuerySet):
    owner_kind_field = "agency__kind"


class SamplingPlan(models.Model):
    """A department's sampling plan for one rule (Q1–Q5) over a period, with planned counts
    per unit; it cannot be approved below the rule's minimum (Q6)."""

    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=2, choices=Rule.choices)
    period_start = models.DateField(pgettext_lazy("period", "from"))
    period_end = models.DateField(pgettext_lazy("period", "until"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "core.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "rule", "-id"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self):
        return f"{self.get_rule_display()} · {self.jurisdiction} · {self.period_start}–{self.period_end}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends after it starts.")})

    @property
    def editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.REFUSED)


class PlanLineQuerySet(ScopedQuerySet):
    scope_field = "plan__jurisdiction"
    owner_kind_field = "plan__agency__kind"


class PlanLine(models.Model):
    """One unit of a plan: an operator (producer, station, mill, farm, outlet) or a vehicle,
    the base its minimum is reckoned on, and the planned count. For Q1 the batches to sample
    are drawn at random with `seed`, so anyone can draw the same ones again."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="lines")
    operator = models.ForeignKey(
        "licensing.Operator",
        verbose_name=pgettext_lazy("sampling plan", "unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vehicle = models.ForeignKey(
        "licensing.Vehicle",
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    base = models.PositiveIntegerField(_("base"), default=0, help_text=_("Batches (Q1), weeks (Q4), months (Q5)."))
    planned = models.PositiveIntegerField(_("planned samples"), default=0)
    seed = models.BigIntegerField(_("selection seed"), null=True, blank=True)
    population_digest = models.CharField(_("population digest"), max_length=64, blank=True)
    selected_lot_ids = models.JSONField(_("selected batches"), default=list, blank=True)

    objects = PlanLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(operator__isnull=False) ^ models.Q(vehicle__isnull=False), name="line_names_one_unit"
            ),
            models.UniqueConstraint(fields=["plan", "operator"], name="one_line_per_operator"),
            models.UniqueConstraint(fields=["plan", "vehicle"], name="one_line_per_vehicle"),
        ]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")

    def __str__(self):
        return str(self.operator or self.vehicle)

    @property
    def unit(self):
        return self.operator or self.vehicle
