"""Sweeps for black dens (C1), import consignments (S5) and operators' self-inspection
reports (P1): records kept beside the checklists."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dairy_campaign.scoping import ScopedQuerySet

from .choices import AreaType, ConsignmentStatus, SelfReportStatus


class SweepQuerySet(ScopedQuerySet):
    owner_domain = "sweep"


class Sweep(models.Model):
    """C1: a sweep of one kind of area, led by a government leader."""

    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    area = models.CharField(_("area swept"), max_length=200)
    swept_on = models.DateField(_("swept on"))
    leader = models.CharField(_("leader"), max_length=50)
    leader_title = models.CharField(_("leader's position"), max_length=100)
    participants = models.CharField(_("participating departments"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = SweepQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-swept_on", "-id"]
        verbose_name = _("black-den sweep")
        verbose_name_plural = _("black-den sweeps")

    def __str__(self):
        return f"{self.area} · {self.swept_on}"


class DenQuerySet(ScopedQuerySet):
    scope_field = "sweep__jurisdiction"
    owner_domain = "sweep"


class Den(models.Model):
    """C1: a black den found in a sweep; it enters the register as an unlicensed operation."""

    sweep = models.ForeignKey(Sweep, on_delete=models.PROTECT, related_name="dens")
    operator = models.OneToOneField(
        "licensing.Operator", verbose_name=_("register entry"), on_delete=models.PROTECT, related_name="den"
    )
    activity = models.CharField(_("activity found"), max_length=200)
    banned_on = models.DateField(_("banned on"), null=True, blank=True)
    seized_product = models.CharField(_("product seized"), max_length=200, blank=True)
    seized_quantity = models.DecimalField(_("quantity seized"), max_digits=12, decimal_places=3, null=True, blank=True)
    seized_unit = models.CharField(_("unit"), max_length=20, blank=True)

    objects = DenQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sweep", "id"]
        verbose_name = _("black den")
        verbose_name_plural = _("black dens")

    def __str__(self):
        return str(self.operator)

    def clean(self):
        if self.seized_quantity is not None and (self.seized_quantity <= 0 or not self.seized_unit.strip()):
            raise ValidationError({"seized_quantity": _("Give a positive quantity with its unit.")})


class ConsignmentQuerySet(ScopedQuerySet):
    scope_field = "importer__county"
    owner_domain = "consignment"


class Consignment(models.Model):
    """S5: one import batch, held in a designated warehouse until it passes."""

    importer = models.ForeignKey(
        "licensing.Operator", verbose_name=_("importer"), on_delete=models.PROTECT, related_name="consignments"
    )
    consignee_filing = models.ForeignKey(
        "licensing.Licence",
        verbose_name=_("consignee filing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.CharField(_("product"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20)
    origin_country = models.CharField(_("country of origin"), max_length=60)
    arrived_on = models.DateField(_("arrived on"))
    health_certificate_number = models.CharField(_("health certificate number"), max_length=60)
    certificate_content_ok = models.BooleanField(_("certificate content checked"), default=False)
    certificate_seal_ok = models.BooleanField(_("certificate seal checked"), default=False)
    certificate_signatory_ok = models.BooleanField(_("authorised signatory checked"), default=False)
    quarantine_permit_required = models.BooleanField(_("quarantine permit required"), default=False)
    quarantine_permit_number = models.CharField(_("quarantine permit number"), max_length=60, blank=True)
    warehouse = models.CharField(_("designated warehouse"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ConsignmentStatus.choices, default=ConsignmentStatus.HELD
    )
    lab_conforming = models.BooleanField(_("lab result conforms"), null=True, blank=True)
    lab_reference = models.CharField(_("lab result"), max_length=100, blank=True)
    lab_recorded_at = models.DateTimeField(_("lab result recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = ConsignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-arrived_on", "-id"]
        verbose_name = _("import consignment")
        verbose_name_plural = _("import consignments")

    def __str__(self):
        return f"{self.product} · {self.health_certificate_number}"

    def clean(self):
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("The quantity must be positive.")
        if self.quarantine_permit_required and not self.quarantine_permit_number.strip():
            errors["quarantine_permit_number"] = _("This product needs a quarantine permit before import (S5).")
        if errors:
            raise ValidationError(errors)


class SelfReportQuerySet(ScopedQuerySet):
    scope_field = "operator__county"
    owner_prefix = "operator"
    owner_value_field = "operator__kind"


def self_report_upload_to(instance, filename):
    return f"self-inspection/{instance.operator_id}/{filename}"


class SelfInspectionReport(models.Model):
    """P1 (自查自纠): an operator's own inspection report, received by its department."""

    operator = models.ForeignKey(
        "licensing.Operator", verbose_name=_("operator"), on_delete=models.PROTECT, related_name="self_reports"
    )
    campaign = models.ForeignKey(
        "core.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    problems_found = models.TextField(_("problems found"))
    actions_taken = models.TextField(_("corrective actions"))
    document = models.FileField(_("signed report"), upload_to=self_report_upload_to)
    document_sha256 = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SelfReportStatus.choices, default=SelfReportStatus.RECEIVED
    )
    review_note = models.TextField(_("review note"), blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = SelfReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("self-inspection report")
        verbose_name_plural = _("self-inspection reports")

    def __str__(self):
        return f"{self.operator} · {self.received_on}"
