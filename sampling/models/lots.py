from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from licensing.models.choices import PRODUCERS
from licensing.models.county_scope import ThroughCountyOperators, register_any_of

from .choices import INTAKE_KINDS, Category, LotKind, LotStatus


class LotQuerySet(ThroughCountyOperators):
    """A lot belongs to the operator holding it; the department keeping that kind of
    operator writes it (intake records of producers: quality supervision)."""

    scope_field = "operator__county"
    owner_prefix = "operator"
    owner_value_field = "operator__kind"

    def intake(self):
        return self.filter(kind__in=INTAKE_KINDS)

    def untested_intake(self):
        """S1: producers' purchased batches without their own melamine test."""
        return self.intake().filter(own_test_mg_per_kg__isnull=True, operator__kind__in=PRODUCERS)


class Lot(models.Model):
    """A batch that can be sampled: an intake of raw milk or milk powder (with the producer's
    own test, S1), a finished batch, a product on sale, a feed lot or an import consignment."""

    kind = models.CharField(_("kind"), max_length=12, choices=LotKind.choices)
    # Indexed by `lots_by_holder_ids` below, which also holds the lot's id.
    operator = models.ForeignKey(
        "licensing.Operator", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="lots", db_index=False
    )
    supplier = models.ForeignKey(
        "licensing.Operator",
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplied_lots",
    )
    supplier_name = models.CharField(_("supplier (as recorded)"), max_length=200, blank=True)
    vehicle = models.ForeignKey(
        "licensing.Vehicle",
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consignment = models.OneToOneField(
        "inspections.Consignment",
        verbose_name=_("import consignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lot",
    )
    batch_number = models.CharField(_("batch number"), max_length=60)
    product = models.CharField(_("product"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    dated = models.DateField(_("date"), help_text=_("Intake, production or sampling date."))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    own_test_mg_per_kg = models.DecimalField(
        _("producer's own melamine test (mg/kg)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=LotStatus.choices, default=LotStatus.NORMAL)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = LotQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-dated", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "kind", "batch_number"], name="lot_batch_unique_per_holder")
        ]
        indexes = [
            models.Index(fields=["operator", "kind", "dated"], name="lots_by_holder"),
            # A county's samples, results and referrals are reached through its operators'
            # lots (county_scope): with the id in the index, PostgreSQL finds a county's
            # lot ids without reading a lot row (an index-only scan; a plain index elsewhere).
            models.Index(fields=["operator"], include=["id"], name="lots_by_holder_ids"),
        ]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")

    def __str__(self):
        return f"{self.product} {self.batch_number}"

    def clean(self):
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("The quantity must be positive.")
        if self.own_test_mg_per_kg is not None and self.own_test_mg_per_kg < 0:
            errors["own_test_mg_per_kg"] = _("A test result cannot be negative.")
        if self.own_test_mg_per_kg is not None and self.kind not in INTAKE_KINDS:
            errors["own_test_mg_per_kg"] = _("The producer's own test is recorded for purchased batches (S1).")
        if self.kind == LotKind.IMPORT and not self.consignment_id:
            errors["consignment"] = _("An import lot names its consignment.")
        if errors:
            raise ValidationError(errors)

    @property
    def own_test_missing(self) -> bool:
        """S1: a purchased batch without the producer's own melamine test."""
        return self.kind in INTAKE_KINDS and self.own_test_mg_per_kg is None and self.operator.kind in PRODUCERS


register_any_of(Lot)
